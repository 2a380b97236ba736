"""Rule-based sentence boundaries for clinical prose.

spaCy's `sentencizer` splits after every period, which breaks "e.g.", "approx." and "Dr." and
misses periods glued to units by scispaCy's tokenizer ("ng/mL."). Case reports are paragraphs
with one paragraph per line after ingestion, so line breaks are hard boundaries too.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

ABBREVIATIONS = frozenset("""
e.g. i.e. etc. vs. cf. al. approx. ca. dr. mr. mrs. prof. fig. figs. tab. nos. ref. refs.
pts. pt. resp. inc. ltd. co. dept. st. jan. feb. mar. apr. jun. jul. aug. sep. sept. oct. nov.
dec. i.v. p.o. b.i.d. t.i.d. q.i.d. s.c. i.m. u.s. u.k. spp. sp. vol. pp.
""".split())

_ENDERS = {".", "!", "?"}


def _ends_sentence(tok) -> bool:
    text = tok.text
    if text in _ENDERS:
        prev = tok.doc[tok.i - 1].text.lower() + "." if tok.i > 0 else ""
        return text != "." or prev not in ABBREVIATIONS
    if len(text) > 1 and text[-1] in _ENDERS:
        low = text.lower()
        if low in ABBREVIATIONS or (len(text) == 2 and text[0].isupper()):
            return False      # "Dr.", "A." (initials), "e.g."
        if "." in text[:-1] and all(len(p) <= 2 for p in text[:-1].split(".")):
            return False      # "i.v.", "p.o."
        return True
    return False


@Language.component("kgbuild_sentencizer")
def kgbuild_sentencizer(doc: Doc) -> Doc:
    """Mark sentence starts: after line breaks, and after sentence-final punctuation that is
    followed by a capital, digit or bracket (but not after a known abbreviation)."""
    n = len(doc)
    if n == 0:
        return doc
    doc[0].is_sent_start = True
    for i in range(1, n):
        doc[i].is_sent_start = False
    for i, tok in enumerate(doc[:-1]):
        nxt = doc[i + 1]
        if tok.is_space:
            if "\n" in tok.text:
                nxt.is_sent_start = True
            continue
        if _ends_sentence(tok) and tok.whitespace_:
            first = nxt.text[:1]
            if first.isupper() or first.isdigit() or first in "([\"'\u201c":
                nxt.is_sent_start = True
        elif tok.text in {")", "]", "\"", "\u201d"} and i > 0 and doc[i - 1].text in _ENDERS and tok.whitespace_:
            if nxt.text[:1].isupper():
                nxt.is_sent_start = True
    return doc
