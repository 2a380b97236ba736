"""Tokenizer set-up: scispaCy's rule tokenizer plus a splitter for "X-induced"-style compounds and
slash-joined words ("ifosfamide/mesna").

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
    # how a drug was given: "Avastin-injections", "amiodarone-therapy"
    "injection", "injections", "infusion", "infusions", "therapy", "treatment", "exposure", "use", "users",
)
_SUFFIX_RE = re.compile(r"^(.+?[^\-])-(" + "|".join(RELATIONAL_SUFFIXES) + r")$", re.IGNORECASE)


def compound_parts(text: str) -> list[str]:
    """How one scispaCy token is split: at slashes between words ("ifosfamide/mesna",
    "IL-6/IL-10"; not units such as "mg/kg" or "mmol/L", nor "and/or": every part needs three
    characters and a letter), then a relational suffix off the last part ("heparin-induced")."""
    parts = [text]
    if "/" in text and len(text) >= 7:
        pieces = re.split(r"(/)", text)
        if all(len(w) >= 3 and any(c.isalpha() for c in w) for w in pieces[::2]):
            parts = pieces
    last = parts[-1]
    if "-" in last and len(last) >= 5:
        m = _SUFFIX_RE.match(last)
        if m and len(m.group(1)) >= 2:
            parts = parts[:-1] + [m.group(1), "-", m.group(2)]
    return parts


@Language.component("kgbuild_compound_splitter")
def split_relational_compounds(doc: Doc) -> Doc:
    """Split "heparin-induced" into "heparin" "-" "induced" and "ifosfamide/mesna" into
    "ifosfamide" "/" "mesna" (offsets are preserved). A combination named with a slash
    ("piperacillin/tazobactam") is still one term: the matcher reads across the "/"."""
    splits = []
    for tok in doc:
        if ("-" not in tok.text and "/" not in tok.text) or len(tok.text) < 5:
            continue
        parts = compound_parts(tok.text)
        if len(parts) > 1:
            splits.append((tok, parts))
    if splits:
        with doc.retokenize() as retok:
            for tok, parts in splits:
                retok.split(tok, parts, heads=[(tok, 0)] * len(parts),
                            attrs={"SPACY": [False] * (len(parts) - 1) + [bool(tok.whitespace_)]})
    return doc
