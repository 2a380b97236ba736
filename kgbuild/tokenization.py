"""Tokenizer set-up: scispaCy's rule tokenizer plus a splitter for "X-induced"-style compounds.

scispaCy keeps hyphenated words whole, which is right for "IL-6" or "T-cell" but hides the drug
in "heparin-induced thrombocytopenia" or "IL-6-mediated inflammation". Splitting the relational
suffix off lets the vocabulary matcher see "heparin" and the claim rules see "induced".
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

RELATIONAL_SUFFIXES = (
    "induced", "associated", "related", "mediated", "triggered", "dependent", "driven", "provoked",
    "evoked", "caused", "elicited", "exacerbated", "attributed", "treated", "exposed", "naive",
    "refractory", "resistant", "responsive", "sparing", "containing", "based", "specific",
    "positive", "negative", "like", "type", "derived", "producing", "secreting", "releasing",
)
_SUFFIX_RE = re.compile(r"^(.+?[^\-])-(" + "|".join(RELATIONAL_SUFFIXES) + r")$", re.IGNORECASE)


@Language.component("kgbuild_compound_splitter")
def split_relational_compounds(doc: Doc) -> Doc:
    """Split "heparin-induced" into "heparin" "-" "induced" (offsets are preserved)."""
    splits = []
    for tok in doc:
        if "-" not in tok.text or len(tok.text) < 5:
            continue
        m = _SUFFIX_RE.match(tok.text)
        if m and len(m.group(1)) >= 2:
            left = m.group(1)
            splits.append((tok, [left, "-", m.group(2)]))
    if splits:
        with doc.retokenize() as retok:
            for tok, parts in splits:
                retok.split(tok, parts, heads=[(tok, 0), (tok, 0), (tok, 0)],
                            attrs={"SPACY": [False, False, bool(tok.whitespace_)]})
    return doc
