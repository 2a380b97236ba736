"""Statistical NER next to the dictionary: a small CNN model (spaCy NER, HashEmbedCNN, no vectors)
trained on BC5CDR train + NCBI-disease train (training/train_ner.py) proposes CHEMICAL/DISEASE spans.

The component only adds what the dictionary missed and only where it can ground it: a model span
that overlaps no dictionary entity becomes an entity if the vocabulary knows it (or knows it
without its leading modifiers: "severe hepatotoxicity" → hepatotoxicity) as a concept of the right
family (CHEMICAL → drug/chemical/…, DISEASE → disease) — or, for the whole span only, of the
other family (the model's label can be wrong, the vocabulary's type is kept) — so every entity
keeps a CURIE. Where a model span strictly contains dictionary entities and itself grounds from
its first token, the longer, grounded span replaces them (boundary fix: "Kaposi's sarcoma" over
"sarcoma"). Everything else the model says is ignored. Under ``nlp.pipe`` the model runs batched.

Set ``KGBUILD_STATISTICAL_NER=0`` to switch the component off (it then passes documents through).

Spans the vocabulary cannot ground exactly may go to the fuzzy entity linker (kgbuild/linking.py,
scispaCy's TF-IDF candidate generator over the vocabulary; ``KGBUILD_LINKER=1`` turns it on), which
grounds them to the nearest concept name of the span's family when the similarity clears its
threshold. The similarity is kept in ``doc.user_data["kgbuild_linked"]`` keyed by (start_char, end_char).
"""

import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans, minibatch

from . import linking
from .claims import AGENT_NOUNS, ALL_VERBS, CONTRIBUTOR_NOUNS, verb_forms
from .entity_matcher import choose_concept, lowered_not_ill
from .vocabulary import Concept, Vocabulary, normalize_term

MODEL_DIR = Path(__file__).resolve().parent / "data" / "ner" / "model"
FAMILIES = {"CHEMICAL": ("drug", "chemical", "drug_class", "cytokine", "lab_marker"),
            "DISEASE": ("disease",)}
# The default architecture (training/train_ner.py imports it; the trained width/depth/embed size
# are saved in arch.json next to the model).
TOK2VEC = {"@architectures": "spacy.HashEmbedCNN.v2", "pretrained_vectors": None, "width": 64, "depth": 2,
           "embed_size": 2000, "window_size": 1, "maxout_pieces": 3, "subword_features": True}
MODEL = {"@architectures": "spacy.TransitionBasedParser.v2", "state_type": "ner", "extra_state_tokens": False,
         "hidden_width": 64, "maxout_pieces": 2, "use_upper": True, "nO": None, "tok2vec": TOK2VEC}
ALL_TYPES = FAMILIES["CHEMICAL"] + FAMILIES["DISEASE"]
_SKIP_FIRST = {"the", "a", "an", "of", "and", "or", "with", "in", "to", "-", "(", ")", ","}


UNLINKED_PREFIX = "KGBUILD:unlinked_"
# a span that ends in a verb is a clause, not a name ("filtration falls")
_VERB_FORMS = ALL_VERBS | verb_forms("fall rise occur develop improve resolve persist recur worsen appear follow "
                                   "decline drop return remain result begin start stop continue")
# Endings of INN stems (WHO, "The use of stems in the selection of INNs") and other common endings of
# drug names: what an unlinked one-word CHEMICAL span must end with to be kept
_DRUG_ENDINGS = ("mab", "nib", "cept", "vir", "pril", "sartan", "olol", "alol", "dipine", "azole", "cycline",
                 "mycin", "micin", "cillin", "floxacin", "statin", "parin", "platin", "taxel", "rubicin",
                 "tidine", "prazole", "triptan", "setron", "oxetine", "azepam", "azolam", "barbital", "caine",
                 "profen", "fenac", "coxib", "dronate", "gliptin", "glitazone", "semide", "thiazide", "terol",
                 "sone", "olone", "done", "xone", "afil", "urane", "thane", "mide", "ine", "ol", "ium", "fen",
                 "pam", "lam", "dil", "stat")
# (not -in, -ide, -ate, -one: "within", "alongside", "exacerbate", "alone" end English words too)
_DRUG_CODE = re.compile(r"[A-Z]{1,5}-?\d{2,7}[A-Z]?")


def _trim(span: Span) -> Span | None:
    """The model's span without punctuation at its edges: its "Linezolid-" (of "Linezolid-induced")
    would take the place of the dictionary's "Linezolid" and hide the compound from the claim rules."""
    start, end = span.start, span.end
    while start < end and span.doc[start].is_punct and span.doc[start].text not in "([":
        start += 1
    while end > start and span.doc[end - 1].is_punct and span.doc[end - 1].text not in ")]":
        end -= 1
    if start == end:
        return None
    return span if (start, end) == (span.start, span.end) else Span(span.doc, start, end, label=span.label_)


def is_unlinked(span: Span) -> bool:
    """A span kept under a local CURIE because nothing grounds it (`StatisticalNER.unlinked`)."""
    return span.kb_id_.startswith(UNLINKED_PREFIX)


def unlinked_enabled() -> bool:
    """Model spans nothing grounds become local entities unless ``KGBUILD_UNLINKED=0``."""
    return os.environ.get("KGBUILD_UNLINKED", "1").lower() not in ("0", "false", "no", "off")


def enabled() -> bool:
    return os.environ.get("KGBUILD_STATISTICAL_NER", "1").lower() not in ("0", "false", "no", "off")


def load_model(nlp: Language, path: Path = MODEL_DIR):
    """The trained `ner` pipe, built on ``nlp``'s vocab (not added to ``nlp``); the tok2vec
    settings it was trained with are read from ``arch.json`` next to it when present."""
    arch = path.parent / "arch.json"
    tok2vec = json.loads(arch.read_text(encoding="utf-8")) if arch.exists() else TOK2VEC
    ner = nlp.create_pipe("ner", config={"model": dict(MODEL, tok2vec=tok2vec)})
    return ner.from_disk(path, exclude=["vocab"])


class StatisticalNER:
    def __init__(self, nlp: Language, name: str, vocabulary: Vocabulary | None = None):
        self.name = name
        self.nlp = nlp
        self.vocabulary = vocabulary or Vocabulary.load()
        self.model = load_model(nlp) if enabled() and MODEL_DIR.exists() else None

    @staticmethod
    def _copy(doc: Doc) -> Doc:
        return Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])

    def predict(self, doc: Doc) -> list[Span]:
        """The model's spans on ``doc`` (token offsets of ``doc``; ``doc`` itself is untouched)."""
        if self.model is None or not len(doc):
            return []
        copy = self.model(self._copy(doc))
        return [Span(doc, e.start, e.end, label=e.label_) for e in copy.ents]

    def ground(self, span: Span) -> tuple[Span, Concept] | None:
        """(span, concept) for the span, or for it without leading modifiers; concept of the right family."""
        types = FAMILIES.get(span.label_)
        if not types:
            return None
        doc = span.doc
        # the whole span may name a concept of the other family (the model mislabels "Lugol's iodine")
        whole = [c for c in self.vocabulary.lookup(span.text) if c.type in ALL_TYPES]
        if whole and not any(c.type in types for c in whole):
            return span, choose_concept(whole, span.text)
        for start in range(span.start, span.end):
            sub = doc[start:span.end]
            if start > span.start and doc[start].lower_ in _SKIP_FIRST:
                continue
            if sub.text.strip() and not doc[start].is_punct:
                found = [c for c in self.vocabulary.lookup(sub.text) if c.type in types]
                if found:
                    return sub, choose_concept(found, sub.text)
        return None

    def __call__(self, doc: Doc) -> Doc:
        return self.merge(doc, self.predict(doc))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Batched: the model runs over a whole batch at once (``nlp.pipe`` uses this)."""
        if self.model is None:
            yield from docs
            return
        for batch in minibatch(docs, size=batch_size):
            copies = self.model.pipe([self._copy(d) for d in batch], batch_size=len(batch))
            for doc, copy in zip(batch, copies):
                yield self.merge(doc, [Span(doc, e.start, e.end, label=e.label_) for e in copy.ents])

    def merge(self, doc: Doc, proposals: list[Span]) -> Doc:
        """Add the grounded proposals the dictionary missed; fix boundaries where they contain it."""
        proposals = [t for m in proposals if (t := _trim(m)) is not None]
        if not proposals:
            return doc
        ents = list(doc.ents)
        owner = {}
        for e in ents:
            for t in range(e.start, e.end):
                owner[t] = e
        remove, add, unground = set(), [], []
        for m in proposals:
            if lowered_not_ill(doc, m.start, m.end):
                continue            # "depressed cardiac function"
            inside = {(e.start, e.end): e for t in range(m.start, m.end) if (e := owner.get(t)) is not None}
            if not inside:
                g = self.ground(m)
                if g is not None:
                    sub, c = g
                    add.append(Span(doc, sub.start, sub.end, label=c.type, kb_id=c.curie))
                else:
                    unground.append(m)
            elif all(m.start <= e.start and e.end <= m.end for e in inside.values()) and \
                    sum(e.end - e.start for e in inside.values()) < len(m):
                g = self.ground(m)
                if g is not None and g[0].start == m.start:
                    sub, c = g
                    remove.update(inside)
                    add.append(Span(doc, sub.start, sub.end, label=c.type, kb_id=c.curie))
        if unground and linking.enabled():
            add.extend(self.link(doc, unground))
        elif unground and unlinked_enabled():
            add.extend(u for m in unground if (u := self.unlinked(m)) is not None)
        if add:
            doc.ents = filter_spans([e for e in ents if (e.start, e.end) not in remove] + add)
        return doc

    def unlinked(self, span: Span) -> Span | None:
        """A model span no concept name matches, kept under a local CURIE of its normalised text
        (``KGBUILD:unlinked_acute_vision_loss``): adverse events are often described rather than
        named ("acute vision loss", "nail changes"), and a curator can link them later. Kept: a
        DISEASE span that is no stop word or name the corpus lexicon stopped ("side effects") and ends
        in a word, and a CHEMICAL span of one word shaped like a drug name (a drug-name ending, or a
        code such as NSC-3053): the model's other chemical guesses ("alongside", "nephron") are
        mostly wrong. Measured on held-out ADE sentences, this adds 0.02 pair F1; narrower filters
        (pathology suffixes only) lost what they removed ("color vision anomalies")."""
        text = span.text.strip(" -,.;:()")
        norm = normalize_term(text)
        if sum(c.isalpha() for c in norm) < 3 or norm in self.vocabulary.stopped or \
                all(t.is_stop or t.is_punct or t.like_num for t in span):
            return None
        words = norm.lower().split()
        if span.label_ == "CHEMICAL":
            if len(span) > 1 or text.lower().startswith(("non-", "non ")) or \
                    not (text.lower().endswith(_DRUG_ENDINGS) or _DRUG_CODE.fullmatch(text)):
                return None
            label = "chemical"
        elif span.label_ == "DISEASE":
            last = words[-1]
            if not last.isalpha() or last in _VERB_FORMS and last.endswith(("s", "ed")):
                return None             # "retinal vein 5"; "filtration falls" (not "pulmonary damage")
            if len(words) == 1 and last.endswith("ed"):
                return None             # a participle alone ("confused", "depressed") names nothing
            if len(words) == 1 and last in AGENT_NOUNS | CONTRIBUTOR_NOUNS:
                return None             # "with spironolactone as contributors": a role, not a condition
            label = "disease"
        else:
            return None
        return Span(span.doc, span.start, span.end, label=label,
                    kb_id=UNLINKED_PREFIX + "_".join(norm.replace("/", " ").split()))

    def link(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """Spans the vocabulary could not ground, grounded by the fuzzy linker (family-constrained)."""
        spans = [m for m in spans if len(m.text) >= linking.MIN_CHARS and m.label_ in linking.LINK_LABELS]
        if not spans:
            return []
        found = linking.link_many([m.text for m in spans], [FAMILIES[m.label_] for m in spans])
        out = []
        scores = doc.user_data.setdefault("kgbuild_linked", {})
        for m, hit in zip(spans, found):
            if hit is not None:
                c, score = hit
                out.append(Span(doc, m.start, m.end, label=c.type, kb_id=c.curie))
                scores[(m.start_char, m.end_char)] = score
        return out


@Language.factory("kgbuild_statistical_ner", default_config={})
def make_statistical_ner(nlp: Language, name: str) -> StatisticalNER:
    return StatisticalNER(nlp, name)
