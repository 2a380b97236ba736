"""MeSH supplementary chemicals: the names the vocabulary leaves out, matched exactly.

Abstracts name research compounds, metabolites and reagents ("loreclezole", "SK&F 82958", "cresyl
violet", "alpha-hydroxymetoprolol") that MeSH records only as supplementary concepts. The
vocabulary keeps the supplementary records that are drugs (DrugBank, ChEBI drugs, antibodies,
vaccines); 122,724 other chemical records are in ``kgbuild/data/mesh_supplementary.tsv.gz``
(written by ``ontologies/build_vocabulary.py``: which records and names, and why, are documented
there), read once per process on first use.

The component runs after the dictionary and the statistical NER: over the tokens that no grounded
entity covers it matches the records' names, longest first; a model span left unlinked
(``KGBUILD:unlinked_…``) gives way to a name it overlaps, and a longer name to an analyte,
chemical or anion the dictionary found inside it ("retinyl acetate"). Matches are ``chemical``
entities under their MeSH CURIE; `Vocabulary.get` knows their labels. ``KGBUILD_SUPPLEMENTARY=0`` turns it off.
"""

import gzip
import hashlib
import os
import threading
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from .entity_matcher import TERM_BREAKERS, overwrite_ents
from .vocabulary import Concept, Vocabulary, _cache_dir, content_digest, normalize_term, read_cached, write_cached

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "mesh_supplementary.tsv.gz"
MAX_TOKENS = 8
# A name right before these heads is part of a protein's name ("dihydrofolate reductase", "GABA-B
# receptor"), or of an antibody's: no chemical mention of its own.
_PROTEIN_HEADS = {"receptor", "receptors", "transporter", "transporters", "channel", "channels",
                  "antibody", "antibodies", "protein", "proteins", "binding"}
# a drug concept named for a class of salts by their anion ("Acetates", "Sulfates", "Nitrites")
_ANION_CLASSES = ("ates", "ides", "ites")
# words ending in -ase that name no enzyme
_NOT_ENZYMES = {"base", "bases", "case", "cases", "phase", "phases", "increase", "increases", "decrease",
                "decreases", "release", "releases", "disease", "diseases", "ease", "cease", "phrase", "purchase"}


_LOCK = threading.Lock()
_LOADED: dict[Path, "SupplementaryChemicals"] = {}


def _protein_head(word: str) -> bool:
    """"reductase", "kinase", "receptor": the head of a protein's name."""
    return word in _PROTEIN_HEADS or word.endswith(("ase", "ases")) and word not in _NOT_ENZYMES


def enabled() -> bool:
    return os.environ.get("KGBUILD_SUPPLEMENTARY", "1").lower() not in ("0", "false", "no", "off")


class SupplementaryChemicals:
    """Normalised name -> MeSH CURIE, and CURIE -> label, of the supplementary chemical records."""

    def __init__(self, names: dict[str, str], labels: dict[str, str]):
        self.names = names
        self.labels = labels
        # the first word of every name, with the most words a name it starts has: most tokens start
        # none and are passed over at once, and most that do start one-word names only
        self.first_words: dict[str, int] = {}
        for n in names:
            first = n.partition(" ")[0]
            self.first_words[first] = max(self.first_words.get(first, 0), n.count(" ") + 1)

    @classmethod
    def from_file(cls, path: Path) -> "SupplementaryChemicals":
        names: dict[str, str] = {}
        labels: dict[str, str] = {}
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                curie, label, ns = line.rstrip("\n").split("\t")
                labels[curie] = label
                for n in ns.split("|"):
                    names[n] = curie
        return cls(names, labels)

    @classmethod
    def load(cls, path: Path | None = None) -> "SupplementaryChemicals":
        """The shipped records, read once per process (empty if the file is missing). A pickle is
        kept next to the vocabulary's (`kgbuild.vocabulary`), keyed by the sha256 of the file and of
        this module: it loads in about 0.1 s, the file in about 0.25 s."""
        path = path or DEFAULT_PATH
        with _LOCK:
            if path not in _LOADED:
                if not path.exists():
                    _LOADED[path] = cls({}, {})
                    return _LOADED[path]
                code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
                pkl = _cache_dir() / f"supplementary-{content_digest(path)}-{code}.pkl"
                chemicals = read_cached(pkl)
                if not isinstance(chemicals, cls):
                    chemicals = cls.from_file(path)
                    write_cached(pkl, chemicals)
                _LOADED[path] = chemicals
            return _LOADED[path]

    def concept(self, curie: str) -> Concept | None:
        label = self.labels.get(curie)
        return Concept(curie=curie, type="chemical", label=label, synonyms=[label]) if label else None


class SupplementaryMatcher:
    def __init__(self, nlp: Language, name: str, vocabulary: Vocabulary | None = None):
        self.name = name
        self.vocabulary = vocabulary or Vocabulary.load()
        self._chemicals: SupplementaryChemicals | None = None
        self._norm_cache: dict[str, tuple[str, int]] = {}

    @property
    def chemicals(self) -> SupplementaryChemicals:
        if self._chemicals is None:
            self._chemicals = SupplementaryChemicals.load()
        return self._chemicals

    def _norm(self, text: str) -> tuple[str, int]:
        """(normalised token, the most words of a name it could start: 0 for none); "" for spaces and
        punctuation."""
        n = self._norm_cache.get(text)
        if n is None:
            norm = normalize_term(text) if any(c.isalnum() for c in text) else ""
            n = (norm, self.chemicals.first_words.get(norm.partition(" ")[0], 0) if norm else 0)
            if len(self._norm_cache) < 200_000:
                self._norm_cache[text] = n
        return n

    def _yields(self, ent: Span) -> bool:
        """Whether a longer supplementary name may contain this entity: an analyte or a chemical, or a
        drug concept named for a class of salts by their anion ("Acetates": "retinyl acetate")."""
        if ent.label_ in ("chemical", "lab_marker"):
            return True
        concept = self.vocabulary.get(ent.kb_id_) if ent.label_ == "drug" else None
        return concept is not None and concept.label.lower().endswith(_ANION_CLASSES)

    def __call__(self, doc: Doc) -> Doc:
        if not enabled() or not len(doc):
            return doc
        chemicals = self.chemicals
        if not chemicals.names:
            return doc
        # tokens of grounded entities: a name never overlaps a drug's or a condition's, but may contain
        # a whole analyte or chemical the dictionary found in it ("retinyl acetate", "tri-o-cresyl
        # phosphate" are no acetate, no phosphate): the longer name wins, as in the dictionary
        owner: dict[int, Span] = {}
        yielding: set[tuple[int, int]] = set()
        for e in doc.ents:
            if not e.kb_id_.startswith("KGBUILD:unlinked_"):
                for t in range(e.start, e.end):
                    owner[t] = e
                if self._yields(e):
                    yielding.add((e.start, e.end))
        pairs = [self._norm(t.text) for t in doc]
        norms = [p[0] for p in pairs]
        matches = []
        i, n = 0, len(doc)
        while i < n:
            if not pairs[i][1]:
                i += 1
                continue
            first = owner.get(i)
            if first is not None and (first.start != i or (first.start, first.end) not in yielding):
                i += 1
                continue
            hit = None
            end = i + 1
            stop = min(n, i + MAX_TOKENS, i + pairs[i][1])
            while end < stop and not doc[end].is_space and "\n" not in doc[end].text and \
                    doc[end].text not in TERM_BREAKERS and \
                    (end not in owner or (owner[end].start, owner[end].end) in yielding):
                end += 1
            for j in range(end, i, -1):
                if not norms[j - 1] or (j - 1 in owner and owner[j - 1].end != j):
                    continue            # a name never ends in punctuation, nor inside an entity
                inner = {owner[t] for t in range(i, j) if t in owner}
                if any(e.start == i and e.end == j for e in inner):
                    break               # the dictionary's own name for these words stands
                key = " ".join(x for x in norms[i:j] if x)
                curie = chemicals.names.get(key) if key not in self.vocabulary.stopped else None
                if curie is not None and j < n and _protein_head(doc[j].lower_):
                    break
                if curie is not None:
                    # a record a vocabulary concept carries as an xref (one the vocabulary has no
                    # name of its own to match) takes that concept's CURIE and type
                    concept = self.vocabulary.get(curie)
                    hit = Span(doc, i, j, label=concept.type if concept else "chemical",
                               kb_id=concept.curie if concept else curie)
                    break
            if hit is not None:
                matches.append(hit)
                i = hit.end
            else:
                i += 1
        if matches:
            overwrite_ents(doc, matches)
        return doc


@Language.factory("kgbuild_supplementary_matcher", default_config={})
def make_supplementary_matcher(nlp: Language, name: str) -> SupplementaryMatcher:
    return SupplementaryMatcher(nlp, name)
