"""The data model every stage shares: document, mention, entity, claim, evidence.

Readers (ingest) produce `Document`s, the NLP stage adds `Mention`s grouped into `Entity`s,
the claim stage adds `Claim`s carrying `Evidence`, and assemblers (store, graph, rdf) consume
them. Keeping one model, INDRA-style, means every stage speaks the same language and the JSON
contract (../shared/spec) is produced in exactly one place (`Extraction.to_json`).
"""
from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field
from typing import Any

ENTITY_TYPES = ("drug", "cytokine", "lab_marker", "adverse_event", "disease", "process", "chemical", "gene",
                "drug_class")
PREDICATES = ("causes", "increases", "decreases", "treats", "associated_with", "biomarker_for")
# The types a condition (what a drug may cause or treat) has: a disease, or a disease read as an adverse event.
CONDITION_TYPES = frozenset({"disease", "adverse_event"})

# Sections that are never mined for entities or claims (they cite other work or declare interests).
EXCLUDED_SECTIONS = frozenset({
    "references", "bibliography", "acknowledgements", "acknowledgments", "acknowledgement",
    "funding", "disclosures", "disclosure", "conflict of interest", "conflicts of interest",
    "competing interests", "declaration of interests", "declarations", "author contributions",
    "ethics statement", "consent", "data availability", "abbreviations",
})


@dataclass
class Section:
    """A contiguous span of `Document.text` under one heading."""
    name: str
    start: int
    end: int
    page: int | None = None          # page on which the section starts (1-based)
    extract: bool = True             # False for references, disclosures, acknowledgements, ...

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "start": self.start, "end": self.end, "page": self.page,
                "extract": self.extract}


@dataclass
class Document:
    """Cleaned text of one input file; every offset maps back to a page and a section."""
    id: str                          # content hash of the input file (sha256, hex)
    source: str                      # path the text came from
    text: str
    title: str | None = None
    pages: int | None = None
    sections: list[Section] = field(default_factory=list)
    page_starts: list[int] = field(default_factory=list)   # offset where page i+1 starts

    def page_at(self, offset: int) -> int | None:
        if not self.page_starts:
            return None
        return bisect.bisect_right(self.page_starts, offset)

    def section_at(self, offset: int) -> Section | None:
        for s in self.sections:
            if s.start <= offset < s.end:
                return s
        return None

    def extractable_spans(self) -> list[tuple[int, int]]:
        """Spans of text that NLP should read (everything outside excluded sections)."""
        if not self.sections:
            return [(0, len(self.text))]
        spans, cursor = [], 0
        for s in sorted(self.sections, key=lambda s: s.start):
            if s.start > cursor:
                spans.append((cursor, s.start))
            if s.extract:
                spans.append((s.start, s.end))
            cursor = max(cursor, s.end)
        if cursor < len(self.text):
            spans.append((cursor, len(self.text)))
        merged: list[tuple[int, int]] = []
        for a, b in spans:
            if merged and merged[-1][1] == a:
                merged[-1] = (merged[-1][0], b)
            elif b > a:
                merged.append((a, b))
        return merged

    def locate(self, start: int) -> dict[str, Any]:
        sec = self.section_at(start)
        return {"page": self.page_at(start), "section": sec.name if sec else None}


@dataclass
class Mention:
    text: str
    start: int
    end: int
    page: int | None = None
    section: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "page": self.page,
                "section": self.section}


@dataclass
class Entity:
    """A normalised concept as it occurs in one document."""
    id: str                           # preferred CURIE
    label: str
    type: str
    mentions: list[Mention] = field(default_factory=list)
    xrefs: list[str] = field(default_factory=list)
    synonyms: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "type": self.type, "xrefs": self.xrefs,
                "mentions": [m.to_json() for m in self.mentions]}


@dataclass
class Evidence:
    text: str                         # the sentence the claim was read from
    start: int
    end: int
    page: int | None = None
    section: str | None = None
    trigger: str | None = None        # the word or pattern that signalled the relation
    rule: str | None = None           # which extraction rule fired

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "page": self.page,
                "section": self.section, "trigger": self.trigger, "rule": self.rule}


@dataclass
class Claim:
    subject: str                      # entity CURIE
    predicate: str
    object: str
    negated: bool = False
    hedged: bool = False
    confidence: float = 0.5
    evidence: list[Evidence] = field(default_factory=list)
    document_id: str | None = None

    @property
    def id(self) -> str:
        """Stable across runs: document, triple, polarity and evidence span."""
        ev = self.evidence[0] if self.evidence else None
        key = "|".join(map(str, (self.document_id, self.subject, self.predicate, self.object,
                                 self.negated, ev.start if ev else "", ev.end if ev else "")))
        return "claim:" + hashlib.sha1(key.encode()).hexdigest()[:16]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "subject": self.subject, "predicate": self.predicate,
                "object": self.object, "negated": self.negated, "hedged": self.hedged,
                "confidence": round(self.confidence, 3),
                "evidence": [e.to_json() for e in self.evidence]}


@dataclass
class Extraction:
    """Everything read from one document: the unit that `kgbuild extract` prints and the store keeps."""
    document: Document
    entities: list[Entity]
    claims: list[Claim]

    def to_json(self, include_text: bool = True) -> dict[str, Any]:
        d = self.document
        doc: dict[str, Any] = {"id": d.id, "source": d.source, "title": d.title, "pages": d.pages,
                               "sections": [s.to_json() for s in d.sections]}
        if include_text:
            doc["text"] = d.text
        return {"document": doc, "entities": [e.to_json() for e in self.entities],
                "claims": [c.to_json() for c in self.claims]}


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
