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


class Extractor:
    """Loads the pipeline once; `extract` and `extract_many` reuse it."""

    def __init__(self):
        self.nlp = get_pipeline()
        self.vocab = self.nlp.get_pipe("kgbuild_vocabulary_matcher").vocabulary

    def from_document(self, document: Document, doc: Doc | None = None) -> Extraction:
        doc = doc if doc is not None else self.nlp(masked_text(document))
        entities = _entities(doc, document, self.vocab)
        claims = _claims(doc, document)
        _assign_roles(entities, claims)
        return Extraction(document, list(entities.values()), claims)

    def extract(self, path: str | Path) -> Extraction:
        return self.from_document(read_document(path))

    def extract_documents(self, documents: Iterable[Document], batch_size: int = 8) -> Iterator[Extraction]:
        """Stream documents through `nlp.pipe` (the efficient path for many inputs)."""
        docs = list(documents)
        for document, doc in zip(docs, self.nlp.pipe((masked_text(d) for d in docs), batch_size=batch_size)):
            yield self.from_document(document, doc)
