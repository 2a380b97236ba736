"""The reading API: a file (or a Document) in, an `Extraction` out.

Text outside extractable sections (references, disclosures, acknowledgements) is blanked with
spaces before NLP, so offsets stay those of `Document.text` while nothing there is read.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.tokens import Doc

from .model import Claim, Document, Entity, Evidence, Extraction, Mention
from .ingest import read_document
from .pipeline import get_pipeline
from .vocabulary import Vocabulary


def masked_text(document: Document) -> str:
    """Document text with non-extractable sections replaced by whitespace (offsets preserved)."""
    text = document.text
    keep = document.extractable_spans()
    if keep == [(0, len(text))]:
        return text
    chars = [c if c == "\n" else " " for c in text]
    for a, b in keep:
        chars[a:b] = text[a:b]
    return "".join(chars)


def _entities(doc: Doc, document: Document, vocab: Vocabulary) -> dict[str, Entity]:
    entities: dict[str, Entity] = {}
    spans = list(doc.ents) + list(doc.spans.get("kgbuild_nested", []))
    for span in sorted(spans, key=lambda s: s.start_char):
        curie = span.kb_id_
        ent = entities.get(curie)
        if ent is None:
            concept = vocab.get(curie)
            ent = Entity(id=curie, label=concept.label if concept else span.text, type=span.label_,
                         xrefs=list(concept.xrefs) if concept else [],
                         synonyms=list(concept.synonyms) if concept else [])
            entities[curie] = ent
        loc = document.locate(span.start_char)
        ent.mentions.append(Mention(span.text, span.start_char, span.end_char, loc["page"], loc["section"]))
    return entities


def _claims(doc: Doc, document: Document) -> list[Claim]:
    out = []
    for raw in doc._.claims:
        # a claim may rest on several sentences (the relation classifier's cross-sentence pairs
        # name them in flags["evidence"]; the first is the one the claim id is keyed on)
        trig = raw.flags["trigger"] if "trigger" in raw.flags else doc[raw.trigger[0]:raw.trigger[1]].text
        evidence = []
        for sent in raw.flags.get("evidence") or [raw.sentence]:
            words = [t for t in sent if not t.is_space]
            start, end = words[0].idx, words[-1].idx + len(words[-1].text)
            loc = document.locate(start)
            evidence.append(Evidence(document.text[start:end], start, end, loc["page"], loc["section"],
                                     trigger=trig, rule=raw.rule))
        out.append(Claim(subject=raw.subject.curie, predicate=raw.predicate, object=raw.object.curie,
                         negated=raw.negated, hedged=raw.hedged or raw.hypothetical,
                         confidence=raw.confidence, document_id=document.id, evidence=evidence))
    return out


def _assign_roles(entities: dict[str, Entity], claims: list[Claim]) -> None:
    """A condition a drug is said to cause in this report is an adverse event here."""
    for c in claims:
        ent = entities.get(c.object)
        subj = entities.get(c.subject)
        if ent and subj and not c.negated and ent.type == "disease" and subj.type == "drug" \
                and c.predicate in ("causes", "associated_with"):
            ent.type = "adverse_event"


# MeSH keeps a descriptor of its own for some conditions when a drug brought them on, and its scope
# notes say so ("Dyskinesia, Drug-Induced: abnormal movements ... caused by drugs"). A condition this
# report says a drug caused is that descriptor: general condition -> drug-induced one, by MeSH id.
DRUG_INDUCED = {
    "MESH:D020820": "MESH:D004409",     # Dyskinesias -> Dyskinesia, Drug-Induced
    "MESH:D011618": "MESH:D011605",     # Psychotic Disorders -> Psychoses, Substance-Induced
    "MESH:D006967": "MESH:D004342",     # Hypersensitivity -> Drug Hypersensitivity
}
# Not Hepatitis -> Chemical and Drug Induced Liver Injury, though BC5CDR's annotators read it so:
# clinicians name the drug's hepatitis (immune-mediated, DRESS) as hepatitis, and a path through
# "hepatitis" should say so (BC5CDR dev disease F1 0.834 with it, 0.833 without).
_DRUG_AGENTS = {"drug", "chemical", "drug_class"}


def _drug_induced(entities: dict[str, Entity], claims: list[Claim],
                  vocab: Vocabulary) -> tuple[dict[str, Entity], list[Claim]]:
    """Re-ground a condition a drug is said to cause (not negated) to MeSH's drug-induced descriptor
    (`DRUG_INDUCED`); its mentions join that concept's, and the claims follow."""
    moved: dict[str, str] = {}
    for c in claims:
        ent, subj = entities.get(c.object), entities.get(c.subject)
        if c.negated or not ent or not subj or subj.type not in _DRUG_AGENTS or ent.id in moved \
                or c.predicate not in ("causes", "associated_with"):
            continue
        target = next((DRUG_INDUCED[x] for x in [ent.id, *ent.xrefs] if x in DRUG_INDUCED), None)
        concept = vocab.get(target) if target else None
        if concept is not None and concept.curie != ent.id:
            moved[ent.id] = concept.curie
    if not moved:
        return entities, claims
    out: dict[str, Entity] = {}
    for curie, ent in entities.items():
        if curie in moved:
            concept = vocab.get(moved[curie])
            ent = Entity(id=concept.curie, label=concept.label, type=ent.type, mentions=ent.mentions,
                         xrefs=list(concept.xrefs), synonyms=list(concept.synonyms))
        if ent.id in out:
            out[ent.id].mentions = sorted(out[ent.id].mentions + ent.mentions, key=lambda m: m.start)
        else:
            out[ent.id] = ent
    kept: dict[str, Claim] = {}         # a claim read twice from one sentence (once per old concept) is one
    for c in claims:
        c.subject, c.object = moved.get(c.subject, c.subject), moved.get(c.object, c.object)
        if c.id not in kept or c.confidence > kept[c.id].confidence:
            kept[c.id] = c
    return out, list(kept.values())


class Extractor:
    """Loads the pipeline once; `extract` and `extract_many` reuse it."""

    def __init__(self):
        self.nlp = get_pipeline()
        self.vocab = self.nlp.get_pipe("kgbuild_vocabulary_matcher").vocabulary

    def from_document(self, document: Document, doc: Doc | None = None) -> Extraction:
        doc = doc if doc is not None else self.nlp(masked_text(document))
        entities = _entities(doc, document, self.vocab)
        claims = _claims(doc, document)
        entities, claims = _drug_induced(entities, claims, self.vocab)
        _assign_roles(entities, claims)
        return Extraction(document, list(entities.values()), claims)

    def extract(self, path: str | Path) -> Extraction:
        return self.from_document(read_document(path))

    def extract_documents(self, documents: Iterable[Document], batch_size: int = 8) -> Iterator[Extraction]:
        """Stream documents through `nlp.pipe` (the efficient path for many inputs)."""
        docs = list(documents)
        for document, doc in zip(docs, self.nlp.pipe((masked_text(d) for d in docs), batch_size=batch_size)):
            yield self.from_document(document, doc)
