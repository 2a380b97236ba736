"""Give every short form the concept of its long form, document-wide.

scispaCy's AbbreviationDetector finds "cytokine release syndrome (CRS)" and every later "CRS".
This component turns those short forms into entities of the long form's concept, and removes
dictionary matches of short forms whose long form is no concept at all ("emergency department
(ED)" must not become erectile dysfunction) — the document defines what its abbreviations mean.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans


def _concept_of(doc: Doc, long_form: Span) -> Span | None:
    """The entity that is the long form (or ends it: "serum interleukin-6 (IL-6)")."""
    best = None
    for ent in doc.ents:
        if ent.start >= long_form.start and ent.end == long_form.end:
            if best is None or ent.start < best.start:
                best = ent
        elif ent.start <= long_form.start and ent.end >= long_form.end:
            return ent
    return best


@Language.component("kgbuild_abbreviation_linker")
def link_abbreviations(doc: Doc) -> Doc:
    abbrs = getattr(doc._, "abbreviations", None) or []
    if not abbrs:
        return doc
    by_short: dict[str, Span | None] = {}
    for short in abbrs:
        long_form = short._.long_form
        if long_form is None:
            continue
        key = short.text
        if key not in by_short or by_short[key] is None:
            concept = _concept_of(doc, long_form)
            # "gastrointestinal (GI) bleeding": the name runs on past its short form, which stands for
            # the words before it only ("gastrointestinal"), no concept
            by_short[key] = concept if concept is None or concept.end <= long_form.end else None
    remove, add = set(), []
    for short in abbrs:
        concept = by_short.get(short.text)
        overlapping = [e for e in doc.ents if e.start < short.end and short.start < e.end]
        if concept is None:
            # the short form was defined as something that is not a concept
            remove.update((e.start, e.end) for e in overlapping if e.end - e.start <= short.end - short.start)
            continue
        if any(e.start <= short.start and e.end >= short.end and e.kb_id_ == concept.kb_id_ for e in overlapping):
            continue
        remove.update((e.start, e.end) for e in overlapping if e.end - e.start <= short.end - short.start)
        add.append(Span(doc, short.start, short.end, label=concept.label_, kb_id=concept.kb_id_))
    # the plural of a short form is the same concept: "proton pump inhibitor (PPI) ... PPIs reduce"
    plurals = {key + "s": c for key, c in by_short.items() if c is not None and len(key) >= 2 and key.isupper()}
    if plurals:
        taken = {t for e in doc.ents for t in range(e.start, e.end)} | {t for sp in add for t in range(sp.start, sp.end)}
        for tok in doc:
            concept = plurals.get(tok.text)
            if concept is not None and tok.i not in taken:
                add.append(Span(doc, tok.i, tok.i + 1, label=concept.label_, kb_id=concept.kb_id_))
    if remove or add:
        kept = [e for e in doc.ents if (e.start, e.end) not in remove]
        doc.ents = filter_spans(kept + add)
    return doc
