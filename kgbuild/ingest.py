"""Readers: turn an input file (PDF or plain text) into a `kgbuild.model.Document`.

PDFs are read with pypdf, built for real journal layouts:

* positioned text fragments (``page.extract_text(visitor_text=...)``) are regrouped into lines;
  a two-column page (a gutter near the middle with text on both sides) is read left column
  top-to-bottom, then right column; full-width blocks (title, abstract, wide captions) that
  span the gutter are placed in their vertical order between column bands;
* running headers and footers (lines in the top/bottom margin that repeat across pages after
  digits are normalised, or that sit in the same margin slot on several pages) and lone page
  numbers ("3", "Page 3 of 7", "- 3 -") are removed;
* line-end hyphenation is undone ("hepato-/toxicity" -> "hepatotoxicity") while real hyphens
  are kept ("IL-/6", "T-/cell", "anti-/CD52", "drug-/induced"); soft hyphens are dropped;
* lines are joined into paragraphs (single spaces inside, "\\n\\n" between paragraphs, headings
  as paragraphs of their own) and sections are recognised from a list of usual headings,
  standalone or run in ("Abstract: ...").

Every offset in `Document.text` maps back to a page (`page_starts`) and a section.
Bad input raises `IngestError` with a one-line message; no traceback reaches the user.
"""
from __future__ import annotations

import bisect
import io
import logging
import math
import re
import statistics
import unicodedata
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from kgbuild.model import EXCLUDED_SECTIONS, Document, Section, content_hash

__all__ = ["IngestError", "read_document", "read_pdf", "read_text", "match_heading", "normalize_text",
           "match_runin_heading", "HEADINGS", "PDF_SUFFIXES", "TEXT_SUFFIXES"]

PDF_SUFFIXES = (".pdf",)
TEXT_SUFFIXES = (".txt", ".text", ".md")
MIN_TEXT_CHARS = 20          # below this (non-space characters, whole file) a PDF has no text layer


class IngestError(Exception):
    """A file could not be read; the message is one line meant for the user."""

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))


# =============================================================================== headings

# canonical name for every recognised heading (keys lower case, single spaces)
HEADINGS: dict[str, str] = {
    "abstract": "Abstract",
    "summary": "Abstract",
    "background": "Background",
    "introduction": "Introduction",
    "case report": "Case report",
    "case presentation": "Case presentation",
    "case description": "Case description",
    "case history": "Case history",
    "case summary": "Case summary",
    "methods": "Methods",
    "materials and methods": "Methods",
    "patients and methods": "Methods",
    "results": "Results",
    "discussion": "Discussion",
    "conclusion": "Conclusion",
    "conclusions": "Conclusion",
    "references": "References",
    "bibliography": "Bibliography",
    "literature cited": "References",
    "acknowledgements": "Acknowledgements",
    "acknowledgments": "Acknowledgements",
    "acknowledgement": "Acknowledgements",
    "acknowledgment": "Acknowledgements",
    "funding": "Funding",
    "funding sources": "Funding",
    "sources of funding": "Funding",
    "conflict of interest": "Conflict of interest",
    "conflicts of interest": "Conflict of interest",
    "conflict of interests": "Conflict of interest",
    "conflict of interest statement": "Conflict of interest",
    "competing interests": "Competing interests",
    "declaration of interests": "Declaration of interests",
    "declaration of competing interest": "Declaration of interests",
    "disclosure": "Disclosures",
    "disclosures": "Disclosures",
    "declarations": "Declarations",
    "author contributions": "Author contributions",
    "authors' contributions": "Author contributions",
    "consent": "Consent",
    "patient consent": "Consent",
    "informed consent": "Consent",
    "abbreviations": "Abbreviations",
    "data availability": "Data availability",
    "data availability statement": "Data availability",
    "ethics statement": "Ethics statement",
}

_NUMBERING = r"(?:(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,5}[.)]|[A-H][.)])\s*)?"
_HEAD_ALT = "|".join(sorted((re.escape(k).replace(r"\ ", r"\s+") for k in HEADINGS),
                            key=len, reverse=True))
_HEADING_RE = re.compile(rf"^\s*{_NUMBERING}(?P<h>{_HEAD_ALT})\s*[:.]?\s*$", re.IGNORECASE)
_RUNIN_RE = re.compile(rf"^\s*{_NUMBERING}(?P<h>{_HEAD_ALT})\s*(?::|\.|\u2014|\u2013|\s-)\s*(?=\S)",
                       re.IGNORECASE)


def _canonical(raw: str) -> str:
    key = " ".join(raw.lower().replace("\u2019", "'").split())
    return HEADINGS.get(key, raw.strip().capitalize())


def match_heading(line: str) -> str | None:
    """Canonical section name if `line` is a heading on its own ("2. Case Presentation")."""
    if len(line) > 60:
        return None
    m = _HEADING_RE.match(line)
    if not m or not m.group("h")[0].isupper():
        return None                       # "competing interests." ending a sentence is no heading
    return _canonical(m.group("h"))


def match_runin_heading(par: str) -> str | None:
    """Canonical section name if the paragraph starts with a run-in heading ("Abstract: ...")."""
    m = _RUNIN_RE.match(par[:80])
    if not m or not m.group("h")[0].isupper():
        return None
    return _canonical(m.group("h"))


def _extract_flag(name: str) -> bool:
    key = name.lower()
    return key not in EXCLUDED_SECTIONS


# =============================================================================== text helpers

_SOFT_HYPHEN = "\u00ad"
_HYPHENS = "-\u2010\u2011"
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u200b]")
_WORD_RE = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")
_PAGE_NUM_RE = re.compile(
    r"^\s*(?:(?:page|p\.|pg\.?|seite)\s*)?[-\u2013\u2014\u2012|\[(]?\s*"
    r"(?:\d{1,4}|[ivxlc]{1,6})\s*[-\u2013\u2014\u2012|\])]?\s*"
    r"(?:(?:of|/|von)\s*\d{1,4})?\s*$", re.IGNORECASE)


_KEEP_CHARS = re.compile(r"[\u00b5\u0370-\u03ff\u1f00-\u1fff]+")


def normalize_text(s: str) -> str:
    """NFKC (ligatures, compatibility forms) but Greek letters, Greek symbols and the micro
    sign are left exactly as they are (NFKC would turn "µ" into "μ", "ϑ" into "θ")."""
    if _KEEP_CHARS.search(s):
        parts, last = [], 0
        for m in _KEEP_CHARS.finditer(s):
            parts.append(unicodedata.normalize("NFKC", s[last:m.start()]))
            parts.append(m.group(0))
            last = m.end()
        parts.append(unicodedata.normalize("NFKC", s[last:]))
        s = "".join(parts)
    else:
        s = unicodedata.normalize("NFKC", s)
    s = s.replace("\u2010", "-").replace("\u2011", "-").replace("\u2206", "\u0394")
    return _CTRL.sub("", s)


_normalize = normalize_text


# Right parts that, after a line-end hyphen, make a real compound ("drug-induced").
_COMPOUND_RIGHT = frozenset("""
induced related associated mediated like dependent independent based specific positive negative
free resistant sensitive refractory naive naïve onset derived limited treated containing producing
secreting expressing deficient controlled guided threatening targeted reactive bound modifying
lowering sparing blocking releasing stimulating activating inhibiting emergent acquired exposed
matched adjusted weighted enhanced labelled labeled linked shaped lasting acting release year
cell cells converting blocker blockers agonist agonists antagonist antagonists inhibitor inhibitors
receptor receptors driven triggered caused prone rich poor glass
""".split())
# Left parts that form compounds with the next word ("non-steroidal", "long-term").
_COMPOUND_LEFT_ALWAYS = frozenset("non self well long short high low first second third half "
                                  "cross all full mid".split())
_COMPOUND_PREFIXES = frozenset("anti pre post co re de semi multi pseudo intra inter extra "
                                    "sub super over under ultra trans neo peri para".split())
_VOWELS = set("aeiou")
# Common word endings that never stand alone: "follow-/ing" is always "following".
_SUFFIX_TAILS = frozenset("ing ings ed er ers ered ering erings en ens ened ening est ly ness ment ments "
                          "tion tions sion ity ities ous al ic ical ive ize ise able ible ance ence "
                          "ant ent ism ist ists ful less s es ish age ages dle dles ward wards".split())
# Function words never form hyphenated compounds ("with-/out" is "without").
_STOPWORDS = frozenset("""
a an and any are as at be been but by can did do does each every for from had has have how in
into is it its no nor not of on one or our out over some such than that the their them then there
these they this those to under up upon was we were what when where which while who whom why will
with within without would you your ever fore thing things
""".split())

try:  # optional: the hyphenation patterns used by typesetters (and by reportlab)
    import pyphen as _pyphen_mod
    _PYPHEN = _pyphen_mod.Pyphen(lang="en_US")
except Exception:  # noqa: BLE001 - pyphen is optional; rules work without it
    _PYPHEN = None


def _hyphenation_point(word: str, pos: int) -> bool | None:
    """Would a typesetter's hyphenation patterns break `word` at `pos`? None if unknown."""
    if _PYPHEN is None or not word:
        return None
    try:
        return pos in _PYPHEN.positions(word)
    except Exception:  # noqa: BLE001
        return None


def _vocab(lines: Iterable[str]) -> Counter:
    """Word counts (lower case) of words fully inside lines, used as hyphenation evidence."""
    c: Counter = Counter()
    prev_hyph = False
    for ln in lines:
        words = _WORD_RE.findall(ln)
        if prev_hyph and words:
            words = words[1:]
        this_hyph = ln.rstrip().endswith(tuple(_HYPHENS) + (_SOFT_HYPHEN,))
        if this_hyph and words:
            words = words[:-1]
        c.update(w.lower() for w in words)
        prev_hyph = this_hyph
    return c


def _keep_hyphen(left_tok: str, right_tok: str, vocab: Counter) -> bool:
    """Decide whether the hyphen in "left_tok-" + newline + "right_tok" is a real one.

    `left_tok` is the word before the line-end hyphen (without it), `right_tok` the first
    word of the next line.
    """
    lseg = re.split(r"[-\u2010]", left_tok)[-1]
    lseg = lseg.lstrip("([{\"'\u201c\u2018")
    rword = re.match(r"[^\W_]+", right_tok)
    rseg = rword.group(0) if rword else ""
    if not lseg or not rseg:
        return True
    r0 = rseg[0]
    if r0.isdigit():
        return True                       # IL-6, interleukin-6, COVID-19
    lo, ro = lseg.lower(), rseg.lower()
    # evidence from the document itself: which form occurs elsewhere?
    full_l = left_tok.lower().lstrip("([{\"'\u201c\u2018")
    joined_w = _WORD_RE.match(full_l + right_tok.lower())
    hyph_w = _WORD_RE.match(full_l + "-" + right_tok.lower())
    n_joined = vocab.get(joined_w.group(0), 0) if joined_w else 0
    n_hyph = vocab.get(hyph_w.group(0), 0) if hyph_w else 0
    if n_hyph and not n_joined:
        return True
    if n_joined and not n_hyph:
        return False
    # strong signals for a real hyphen
    if r0.isupper():
        return True                       # anti-CD52, non-Hodgkin
    whole_left = lseg == left_tok.lstrip("([{\"'\u201c\u2018")
    if any(ch.isdigit() for ch in lseg) or any(ch.isupper() for ch in lseg[1:]) or \
            (len(lseg) == 1 and (whole_left or lseg.isupper())):
        return True                       # CD4-, IL-, T-cell, β-blocker
    if not (lseg.isalpha() and rseg.isalpha()):
        return True
    whole_left = whole_left and "-" not in left_tok
    # common endings never stand alone: "short-/ened", "low-/ering"
    if ro in _SUFFIX_TAILS:
        return False
    # compound patterns
    if ro in _COMPOUND_RIGHT and len(lo) >= 4 and lo not in _COMPOUND_PREFIXES:
        return True                       # drug-induced, antibody-dependent
    if whole_left and lo in _COMPOUND_LEFT_ALWAYS and len(ro) >= 3:
        return True                       # non-steroidal, long-term, self-limited
    if lo in _COMPOUND_PREFIXES and lo[-1] in _VOWELS and ro[0] == lo[-1]:
        return True                       # anti-inflammatory, pre-existing, re-evaluated
    if lo == "follow" and ro == "up":
        return True
    if (whole_left and len(lo) >= 3 and len(ro) >= 3 and lo not in _STOPWORDS and ro not in _STOPWORDS
            and lo not in _COMPOUND_PREFIXES and vocab.get(lo, 0) and vocab.get(ro, 0)):
        return True                       # both halves are words of this document: infusion-day
    # a break the hyphenation patterns would never make was a real hyphen: dose-dependent
    if joined_w and len(lo) >= 2 and len(ro) >= 2:
        point = _hyphenation_point(joined_w.group(0), len(full_l))
        if point is False:
            return True
    return False                          # hepato-toxicity -> hepatotoxicity


def _join_lines(prev: str, nxt: str, vocab: Counter) -> tuple[str, str]:
    """How to join line `prev` with the next line: returns (new_prev, separator)."""
    if prev.endswith(_SOFT_HYPHEN):
        return prev[:-1], ""
    if prev and prev[-1] in _HYPHENS and nxt[:1] in _HYPHENS and nxt[1:2].isalnum():
        return prev[:-1], ""              # hyphen repeated at the next line's start: high- / -risk
    if prev and prev[-1] in _HYPHENS and len(prev) >= 2 and not prev[-2].isspace():
        m = re.search(r"(\S+)[-\u2010\u2011]$", prev)
        left = m.group(1) if m else ""
        right = nxt.split(None, 1)[0] if nxt.strip() else ""
        if left and right and (left[-1].isalnum()) and right[0].isalnum():
            if _keep_hyphen(left, right, vocab):
                return prev, ""
            return prev[:-1], ""
        return prev, " "
    if prev and prev[-1] in "\u2013\u2014" and len(prev) >= 2 and not prev[-2].isspace():
        return prev, ""                   # 2019– / 2020, fever— / and
    if prev.endswith("/") and len(prev) >= 2 and not prev[-2].isspace():
        return prev, ""                   # URLs and "mg/ kg" broken at a slash
    return prev, " "


# =============================================================================== PDF model

@dataclass
class _Frag:
    x0: float
    x1: float
    y: float
    size: float
    bold: bool
    text: str


@dataclass
class _Line:
    frags: list[_Frag]
    page: int = 0
    column: int = 0          # 0 full width / single column, 1 left, 2 right
    text: str = ""
    x0: float = 0.0
    x1: float = 0.0
    y: float = 0.0
    size: float = 0.0
    bold: bool = False

    def finish(self) -> "_Line":
        fr = sorted(self.frags, key=lambda f: f.x0)
        parts: list[str] = []
        prev: _Frag | None = None
        for f in fr:
            t = f.text
            if prev is not None and parts:
                gap = f.x0 - prev.x1
                if (not parts[-1].endswith(" ") and not t.startswith(" ")
                        and gap > 0.18 * max(f.size, prev.size)):
                    parts.append(" ")
            parts.append(t)
            prev = f
        self.text = " ".join("".join(parts).split())
        self.x0 = min(f.x0 for f in fr)
        self.x1 = max(f.x1 for f in fr)
        main = max(fr, key=lambda f: (len(f.text.strip()), f.size))
        self.y = main.y
        self.size = max(f.size for f in fr if f.text.strip()) if any(f.text.strip() for f in fr) else main.size
        self.bold = all(f.bold for f in fr if f.text.strip())
        self.frags = fr
        return self


@dataclass
class _Page:
    number: int
    width: float
    height: float
    left: float
    bottom: float
    frags: list[_Frag] = field(default_factory=list)
    fallback_text: str | None = None


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    lg = logging.getLogger("pypdf")
    old = lg.level
    lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        lg.setLevel(old)


def _mult(m: list[float], n: list[float]) -> list[float]:
    return [m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3],
            m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3],
            m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5]]


class _FontWidths:
    """Glyph widths (1/1000 em) per font resource, from pypdf's font model when available."""

    def __init__(self) -> None:
        self._cache: dict[int, object] = {}

    def width(self, font_dict, text: str, size: float) -> float:
        f = None
        if font_dict is not None:
            key = id(font_dict)
            if key not in self._cache:
                try:
                    from pypdf.generic._font import Font  # pypdf >= 6
                    self._cache[key] = Font.from_font_resource(font_dict)
                except Exception:  # noqa: BLE001 - width is an estimate anyway
                    self._cache[key] = None
            f = self._cache[key]
        if f is not None:
            try:
                w = f.get_text_width(text)  # type: ignore[attr-defined]
                if w > 0:
                    return w * size / 1000.0
            except Exception:  # noqa: BLE001
                pass
        return 0.5 * size * len(text)


def _page_fragments(page, number: int, widths: _FontWidths) -> _Page:
    box = page.mediabox
    try:
        cb = page.cropbox
        left, bottom = float(cb.left), float(cb.bottom)
        width, height = float(cb.width), float(cb.height)
    except Exception:  # noqa: BLE001
        left, bottom, width, height = float(box.left), float(box.bottom), float(box.width), float(box.height)
    pg = _Page(number=number, width=width, height=height, left=left, bottom=bottom)
    chain: list[float] = []
    # Text-state bookkeeping pypdf does not pass to the visitor: word spacing (Tw, used for
    # justified lines), character spacing (Tc), horizontal scaling (Tz) and TJ adjustments
    # all widen a text run; they are summed (text space) until the run is reported.
    st = {"tw": 0.0, "tc": 0.0, "th": 1.0, "fs": 0.0, "extra": 0.0, "deferred": 0.0}
    stack: list[tuple[float, float, float, float]] = []

    def str_extra(o) -> float:
        b = getattr(o, "original_bytes", None)
        if b is None:
            b = bytes(o) if isinstance(o, (bytes, bytearray)) else str(o).encode("latin-1", "replace")
        return (st["tw"] * b.count(b" ") + st["tc"] * len(b)) * st["th"]

    def before(op, operands, cm, tm):
        try:
            if op == b"Tw":
                st["tw"] = float(operands[0])
            elif op == b"Tc":
                st["tc"] = float(operands[0])
            elif op == b"Tz":
                st["th"] = float(operands[0]) / 100.0
            elif op == b"Tf":
                st["fs"] = float(operands[1])
            elif op == b"q":
                stack.append((st["tw"], st["tc"], st["th"], st["fs"]))
            elif op == b"Q":
                if stack:
                    st["tw"], st["tc"], st["th"], st["fs"] = stack.pop()
            elif op == b"Tj":
                st["extra"] += str_extra(operands[0])
            elif op == b"'":
                st["deferred"] += str_extra(operands[0])
            elif op == b'"':
                st["tw"], st["tc"] = float(operands[0]), float(operands[1])
                st["deferred"] += str_extra(operands[2])
            elif op == b"TJ":
                for el in operands[0]:
                    if isinstance(el, (int, float)):
                        st["extra"] += -float(el) / 1000.0 * st["fs"] * st["th"]
                    elif isinstance(el, (str, bytes)):
                        st["extra"] += str_extra(el)
        except Exception:  # noqa: BLE001 - bookkeeping only refines width estimates
            pass

    def after(op, operands, cm, tm):
        if st["deferred"]:
            st["extra"] += st["deferred"]
            st["deferred"] = 0.0

    def visit(text, cm, tm, font_dict, font_size):
        extra = st["extra"]
        st["extra"] = 0.0
        if not text or not text.strip():
            return
        try:
            m = _mult(list(map(float, tm)), list(map(float, cm)))
        except Exception:  # noqa: BLE001
            return
        sx = math.hypot(m[0], m[1]) or 1.0
        sy = math.hypot(m[2], m[3]) or 1.0
        size = float(font_size or 0) * sy
        if size <= 0:
            size = 10.0
        name = ""
        try:
            name = str(font_dict.get("/BaseFont", "")) if font_dict is not None else ""
        except Exception:  # noqa: BLE001
            pass
        bold = bool(re.search(r"bold|black|heavy|semibold|demi", name, re.IGNORECASE))
        t = _normalize(text.replace("\n", " ").replace("\r", " "))
        if not t.strip():
            return
        w = (widths.width(font_dict, t.rstrip(), float(font_size or size)) * st["th"] + max(extra, 0.0)) * sx
        x0 = m[4]
        # pypdf reports the position where the text run began, not advanced by the glyphs
        # already shown: a run split by a font change (bold word, Greek letter from a symbol
        # font) reports the same start again, so it continues where the previous piece ended.
        if chain and abs(chain[0] - m[4]) < 0.01 and abs(chain[1] - m[5]) < 0.01 and pg.frags:
            x0 = pg.frags[-1].x1
        chain[:] = [m[4], m[5]]
        pg.frags.append(_Frag(x0=x0, x1=x0 + w, y=m[5], size=size, bold=bold, text=t))

    page.extract_text(visitor_text=visit, visitor_operand_before=before,
                      visitor_operand_after=after, orientations=(0,))
    if sum(len(f.text.strip()) for f in pg.frags) < 5:
        # rotated text only (or something the visitor could not place): keep the plain text
        try:
            t = page.extract_text() or ""
        except Exception:  # noqa: BLE001
            t = ""
        if t.strip():
            pg.fallback_text = _normalize(t)
            pg.frags = []
    return pg


# =============================================================================== layout analysis

def _rows(frags: list[_Frag]) -> list[list[_Frag]]:
    """Group fragments into rows by baseline (whole page width)."""
    rows: list[list[_Frag]] = []
    for f in sorted(frags, key=lambda f: (-f.y, f.x0)):
        if rows:
            ref = rows[-1]
            ry = max(ref, key=lambda g: (g.size, len(g.text))).y
            rsize = max(g.size for g in ref)
            if abs(f.y - ry) <= 0.45 * max(rsize, f.size):
                ref.append(f)
                continue
        rows.append([f])
    return rows


def _row_text(row: list[_Frag]) -> str:
    return _Line(frags=list(row)).finish().text


def _segments(row: list[_Frag]) -> list[str]:
    """Texts of the pieces of a row separated by wide gaps (left/centre/right slots)."""
    segs: list[list[_Frag]] = []
    for f in sorted(row, key=lambda f: f.x0):
        if segs and f.x0 - segs[-1][-1].x1 < 3 * f.size:
            segs[-1].append(f)
        else:
            segs.append([f])
    return [_Line(frags=s).finish().text for s in segs]


def _norm_margin(s: str) -> str:
    s = re.sub(r"\d+", "#", s.lower())
    return " ".join(s.split())


def _is_page_number(s: str) -> bool:
    return bool(_PAGE_NUM_RE.match(s)) and any(ch.isalnum() for ch in s)


def _body_size(pages: list[_Page]) -> float:
    c: Counter = Counter()
    for p in pages:
        for f in p.frags:
            c[round(f.size * 2) / 2] += len(f.text.strip())
    return c.most_common(1)[0][0] if c else 10.0


def _remove_margins(pages: list[_Page], body_size: float) -> None:
    """Drop running headers/footers and page numbers from every page's fragments."""
    MAXC = 3
    info: list[dict] = []
    pitches: list[float] = []
    for p in pages:
        rows = _rows(p.frags)
        ys = [max(r, key=lambda g: (g.size, len(g.text))).y for r in rows]
        for a, b in zip(ys, ys[1:]):
            if 0 < a - b < 4 * body_size:
                pitches.append(a - b)
        top_zone = p.bottom + p.height * 0.86
        bot_zone = p.bottom + p.height * 0.14
        cands = []
        for idx in range(min(MAXC, len(rows))):
            if ys[idx] >= top_zone:
                cands.append(("top", idx))
        for k in range(min(MAXC, len(rows))):
            idx = len(rows) - 1 - k
            if ys[idx] <= bot_zone and ("top", idx) not in cands:
                cands.append(("bottom", idx))
        info.append({"rows": rows, "ys": ys, "cands": cands,
                     "texts": {i: _row_text(rows[i]) for _, i in cands}})
    pitch = statistics.median(pitches) if pitches else body_size * 1.2

    def gap_inward(pi: int, zone: str, idx: int) -> float:
        ys = info[pi]["ys"]
        j = idx + 1 if zone == "top" else idx - 1
        if 0 <= j < len(ys):
            return abs(ys[idx] - ys[j])
        return float("inf")

    # occurrences of normalised margin texts, per zone, by page
    seen: dict[tuple[str, str], set[int]] = {}
    exact: dict[tuple[str, str], set[int]] = {}
    slots: dict[str, list[tuple[int, float]]] = {"top": [], "bottom": []}
    for pi, d in enumerate(info):
        for zone, idx in d["cands"]:
            seen.setdefault((zone, _norm_margin(d["texts"][idx])), set()).add(pi)
            exact.setdefault((zone, d["texts"][idx]), set()).add(pi)
            if gap_inward(pi, zone, idx) > 1.45 * pitch:
                slots[zone].append((pi, d["ys"][idx]))

    multi = len(pages) > 1
    for pi, (p, d) in enumerate(zip(pages, info)):
        drop: set[int] = set()
        for zone in ("top", "bottom"):
            order = [i for z, i in d["cands"] if z == zone]   # outermost first
            for idx in order:
                text = d["texts"][idx]
                row = d["rows"][idx]
                size = max(f.size for f in row)
                small = size <= body_size * 1.12 + 0.3
                remove = False
                if _is_page_number(text):
                    remove = True
                elif gap_inward(pi, zone, idx) > 1.45 * pitch and small and any(
                        _is_page_number(seg) for seg in _segments(row)):
                    remove = True                 # running head or foot carrying the page number
                elif not small or match_heading(text) or any(match_heading(g) for g in _segments(row)):
                    remove = False                # a section heading (maybe beside another column's)
                elif multi and len(seen.get((zone, _norm_margin(text)), ())) >= 2 and (
                        size < body_size - 0.3 or gap_inward(pi, zone, idx) > 1.3 * pitch
                        or len(exact.get((zone, text), ())) >= 2):
                    remove = True                 # repeats on other pages (digits aside)
                elif multi and size < body_size - 0.3 and gap_inward(pi, zone, idx) > 1.45 * pitch and any(
                        qi != pi and abs(y - d["ys"][idx]) <= 2.0 for qi, y in slots[zone]):
                    remove = True
                if not remove:
                    break
                drop.add(idx)
        if drop:
            keep_ids = {id(f) for i, r in enumerate(d["rows"]) if i not in drop for f in r}
            p.frags = [f for f in p.frags if id(f) in keep_ids]


def _find_gutter(frags: list[_Frag]) -> tuple[float, float, int, int, int] | None:
    """Best vertical gutter in the middle 40% of the text: (g0, g1, n_left, n_right, n_cross)."""
    frags = [f for f in frags if f.text.strip()]
    if len(frags) < 8:
        return None
    xmin = min(f.x0 for f in frags)
    xmax = max(f.x1 for f in frags)
    span = xmax - xmin
    if span < 150:
        return None
    a, b = xmin + 0.3 * span, xmin + 0.7 * span
    W = 6.0        # narrowest gutter considered; a band of this width must stay (nearly) empty
    best: tuple[int, float] | None = None
    xs = [a + i for i in range(int(b - a) + 1)]
    counts = []
    for x in xs:
        n = sum(1 for f in frags if f.x0 < x + W and f.x1 > x)
        counts.append(n)
        if best is None or n < best[0]:
            best = (n, x)
    if best is None:
        return None
    nmin = best[0]
    # widest run of band positions with the minimal overlap count
    runs: list[tuple[float, float]] = []
    start = None
    for x, n in zip(xs, counts):
        if n == nmin and start is None:
            start = x
        elif n != nmin and start is not None:
            runs.append((start, x - 1 + W))
            start = None
    if start is not None:
        runs.append((start, xs[-1] + W))
    g0, g1 = max(runs, key=lambda r: (r[1] - r[0], -abs((r[0] + r[1]) / 2 - (xmin + span / 2))))
    mid = (g0 + g1) / 2
    n_left = sum(1 for f in frags if f.x1 <= mid)
    n_right = sum(1 for f in frags if f.x0 >= mid)
    return g0, g1, n_left, n_right, nmin


def _strong_gutter(frags: list[_Frag]) -> float | None:
    g = _find_gutter(frags)
    if g is None:
        return None
    g0, g1, nl, nr, nc = g
    n = nl + nr + nc
    if nl >= 4 and nr >= 4 and nc <= 0.4 * n and min(nl, nr) >= 0.12 * n:
        return (g0 + g1) / 2
    return None


def _cluster_lines(frags: list[_Frag]) -> list[_Line]:
    return [_Line(frags=r).finish() for r in _rows(frags)]


def _order_page(p: _Page, gutter: float | None) -> list[_Line]:
    """Lines of a page in reading order (columns resolved)."""
    frags = [f for f in p.frags if f.text.strip()]
    if not frags:
        return []
    if gutter is None:
        lines = _cluster_lines(frags)
        for ln in lines:
            ln.column = 0
        return lines
    # classify whole rows (a line split into pieces by font changes stays together): a row
    # with a fragment bridging the gutter is full width, the others split at the gutter
    full, left, right = [], [], []
    for row in _rows(frags):
        if any(f.x0 < gutter - 2 and f.x1 > gutter + 2 for f in row):
            full.extend(row)
            continue
        for f in row:
            (left if f.x0 < gutter else right).append(f)
    flines = _cluster_lines(full)
    for ln in flines:
        ln.column = 0
    llines = _cluster_lines(left)
    for ln in llines:
        ln.column = 1
    rlines = _cluster_lines(right)
    for ln in rlines:
        ln.column = 2
    # A full-width line separates column bands; column lines are read band by band.
    flines.sort(key=lambda ln: -ln.y)
    fys = [-ln.y for ln in flines]          # ascending

    def band(ln: _Line) -> int:
        return bisect.bisect_left(fys, -ln.y)

    out: list[_Line] = []
    for b in range(len(flines) + 1):
        out.extend(sorted((ln for ln in llines if band(ln) == b), key=lambda ln: -ln.y))
        out.extend(sorted((ln for ln in rlines if band(ln) == b), key=lambda ln: -ln.y))
        if b < len(flines):
            out.append(flines[b])
    return out


# =============================================================================== paragraphs

@dataclass
class _Para:
    lines: list[_Line]
    heading: str | None = None


def _column_geometry(lines: list[_Line]) -> dict[tuple[int, int], tuple[float, float, float | None]]:
    """(page, column) -> (left edge, right edge, font size of its justified body text or None)."""
    by: dict[tuple[int, int], list[_Line]] = {}
    for ln in lines:
        by.setdefault((ln.page, ln.column), []).append(ln)
    geo = {}
    for k, ls in by.items():
        lefts = Counter(round(ln.x0) for ln in ls)
        left = lefts.most_common(1)[0][0]
        # tolerate a one-point jitter around the most common left edge
        left = min(ln.x0 for ln in ls if abs(ln.x0 - left) <= 1.5)
        rights = sorted(ln.x1 for ln in ls)
        right = rights[int(0.9 * (len(rights) - 1))]
        size = Counter(round(ln.size * 2) / 2 for ln in ls).most_common(1)[0][0]
        body = [ln.x1 for ln in ls if abs(ln.size - size) < 0.6]
        justified = len(body) >= 4 and sum(1 for r in body if abs(r - right) <= 2.0) >= 0.5 * len(body)
        geo[k] = (left, right, size if justified else None)
    return geo


def _pitch_by_size(lines: list[_Line]) -> dict[float, float]:
    gaps: dict[float, list[float]] = {}
    for a, b in zip(lines, lines[1:]):
        if a.page == b.page and a.column == b.column and abs(a.size - b.size) < 0.6:
            d = a.y - b.y
            if 0 < d < 3 * a.size:
                gaps.setdefault(round(a.size * 2) / 2, []).append(round(d, 1))
    out = {}
    for s, g in gaps.items():
        out[s] = Counter(g).most_common(1)[0][0]
    return out


_LIST_ITEM = re.compile(r"^(?:\[\d{1,3}\]|\d{1,3}[.)])\s+\S|^[\u2022\u25cf\u25aa\u2013*-]\s+\S")
_SENT_END = tuple(".!?:\"'\u201d\u2019)]")


def _paragraphs(lines: list[_Line]) -> list[_Para]:
    geo = _column_geometry(lines)
    pitch = _pitch_by_size(lines)
    paras: list[_Para] = []
    cur: list[_Line] = []

    def flush(heading: str | None = None) -> None:
        if cur:
            paras.append(_Para(lines=list(cur), heading=heading))
            cur.clear()

    for ln in lines:
        h = match_heading(ln.text)
        if h and cur and not cur[-1].text.rstrip().endswith(_SENT_END) and not ln.bold \
                and abs(ln.size - cur[-1].size) < 0.3 and ln.page == cur[-1].page:
            h = None                      # the last words of a running sentence, not a heading
        if h and len(ln.text) <= 60:
            flush()
            cur.append(ln)
            flush(heading=h)
            continue
        if not cur:
            cur.append(ln)
            continue
        prev = cur[-1]
        left, right, _ = geo[(ln.page, ln.column)]
        pleft, pright, pjust = geo[(prev.page, prev.column)]
        width = max(right - left, 1.0)
        pwidth = max(pright - pleft, 1.0)
        same_block = prev.page == ln.page and prev.column == ln.column
        new = False
        if abs(ln.size - prev.size) > 0.8:
            new = True
        elif ln.bold != prev.bold and (ln.bold or prev.bold) and (
                ln.bold and (ln.x1 - ln.x0) < 0.7 * width or prev.bold and (prev.x1 - prev.x0) < 0.7 * pwidth):
            new = True                                   # bold subheading on its own line
        elif same_block and ln.y < prev.y:
            exp = pitch.get(round(ln.size * 2) / 2, ln.size * 1.2)
            if prev.y - ln.y > exp + max(1.5, 0.1 * exp):
                new = True                               # paragraph spacing
        centered = (abs((ln.x0 + ln.x1) / 2 - (left + right) / 2) < 3 and ln.x0 - left > 4
                    and abs((prev.x0 + prev.x1) / 2 - (pleft + pright) / 2) < 3 and prev.x0 - pleft > 4)
        if not new and not centered:
            indented = ln.x0 - left > max(4.0, 0.6 * ln.size) and ln.x0 - left < 0.3 * width
            # in justified text every line but a paragraph's last reaches the right edge
            strict = pjust is not None and abs(prev.size - pjust) < 0.6
            prev_short = prev.x1 < pright - (max(4.0, 0.6 * prev.size) if strict else 0.25 * pwidth)
            prev_end = prev.text.rstrip().endswith(_SENT_END)
            if indented and abs(ln.x0 - prev.x0) > 2 and (prev_short or prev_end):
                new = True                               # first-line indent
            elif prev_end and _LIST_ITEM.match(ln.text) and (ln.x0 - left < 0.3 * width):
                new = True                               # numbered reference / list item
            elif prev_short and prev_end and (ln.text[:1].isupper() or ln.text[:1] in "\"'\u201c\u2018(["):
                # a short line ending a sentence, next starts a sentence (no indent, no spacing)
                if not same_block or prev.x0 - pleft < 0.3 * pwidth:
                    new = True
        if new:
            flush()
        cur.append(ln)
    flush()
    return paras


# =============================================================================== assembly

def _assemble(paras: list[_Para], n_pages: int, vocab: Counter) -> tuple[str, list[int], list[tuple[int, int]]]:
    """Join paragraphs into text; return text, page_starts and paragraph spans."""
    out: list[str] = []
    length = 0
    page_starts: dict[int, int] = {}
    spans: list[tuple[int, int]] = []
    for para in paras:
        if out:
            out.append("\n\n")
            length += 2
        pstart = length
        buf = ""
        buf_base = length          # offset of buf[0] in the final text
        for li, ln in enumerate(para.lines):
            t = ln.text
            if _SOFT_HYPHEN in t:       # keep only a line-final one, for _join_lines to resolve
                t = t[:-1].replace(_SOFT_HYPHEN, "") + t[-1]
            if li == 0:
                if ln.page not in page_starts:
                    page_starts[ln.page] = buf_base
                buf = t
                continue
            newbuf, sep = _join_lines(buf, t, vocab)
            buf = newbuf + sep
            if ln.page not in page_starts:
                page_starts[ln.page] = buf_base + len(buf)
            buf += t
        buf = buf.rstrip(_SOFT_HYPHEN)
        out.append(buf)
        length += len(buf)
        spans.append((pstart, length))
    text = "".join(out)
    starts: list[int] = []
    last = 0
    for pg in range(1, n_pages + 1):
        s = page_starts.get(pg)
        if s is None:
            # a page without text: it starts where the next page with text starts
            nxt = [page_starts[q] for q in range(pg + 1, n_pages + 1) if q in page_starts]
            s = nxt[0] if nxt else len(text)
        s = max(s, last)
        starts.append(s)
        last = s
    if starts:
        starts[0] = 0
    return text, starts, spans


def _drop_article_type(heads: list[tuple[int, str]]) -> None:
    """"CASE REPORT" above a title is the article type, not a section: drop a "Case report"
    heading that comes before the abstract / background / introduction."""
    front = {"Abstract", "Background", "Introduction"}
    while heads and heads[0][1] == "Case report" and any(n in front for _, n in heads[1:]):
        heads.pop(0)


def _sections(text: str, spans: list[tuple[int, int]], doc_page_at) -> list[Section]:
    heads: list[tuple[int, str]] = []
    for a, b in spans:
        par = text[a:b]
        name = match_heading(par)
        if name is None:
            name = match_runin_heading(par)
        if name is None:
            continue
        heads.append((a, name))
    _drop_article_type(heads)
    secs: list[Section] = []
    if not text:
        return secs
    if not heads or heads[0][0] > 0:
        end = heads[0][0] if heads else len(text)
        secs.append(Section(name="Title", start=0, end=end, page=doc_page_at(0), extract=True))
    for i, (a, name) in enumerate(heads):
        end = heads[i + 1][0] if i + 1 < len(heads) else len(text)
        secs.append(Section(name=name, start=a, end=end, page=doc_page_at(a), extract=_extract_flag(name)))
    # drop zero-length sections (a heading immediately followed by another cannot happen, but be safe)
    return [s for s in secs if s.end > s.start]


def _meaningful_title(t: object) -> str | None:
    if not isinstance(t, str):
        return None
    t = " ".join(_normalize(t).split())
    if len(t) < 4 or not re.search(r"[A-Za-z\u0370-\u03ff]{3}", t):
        return None
    low = t.lower()
    if low in {"untitled", "title", "document", "microsoft word", "none", "null"}:
        return None
    if re.search(r"\.(pdf|docx?|tex|dvi|indd|rtf|odt|ps)$", low) or low.startswith("microsoft word -"):
        return None
    if re.fullmatch(r"[\w\-]+\d{3,}[\w\-]*", t):   # "ms12345", "jcr-2026-0042"
        return None
    return t


def _title_from_lines(lines: list[_Line], body_size: float) -> str | None:
    first = [ln for ln in lines if ln.page == 1][:12]
    if not first:
        return None
    big = max(ln.size for ln in first)
    if big > body_size * 1.15:
        run: list[str] = []
        started = False
        for ln in first:
            if abs(ln.size - big) < 0.6:
                run.append(ln.text)
                started = True
            elif started:
                break
        if run:
            return " ".join(" ".join(run).split())
    return first[0].text or None


# =============================================================================== readers

def _check_path(path: Path) -> bytes:
    name = str(path)
    if not path.exists():
        raise IngestError(f"{name}: no such file")
    if path.is_dir():
        raise IngestError(f"{name}: is a directory, not a file")
    try:
        data = path.read_bytes()
    except PermissionError:
        raise IngestError(f"{name}: permission denied") from None
    except OSError as e:
        raise IngestError(f"{name}: cannot read file ({e.strerror or e})") from None
    if not data:
        raise IngestError(f"{name}: empty file")
    return data


def read_document(path: str | Path) -> Document:
    """Read a PDF or plain-text file into a `Document` (raises `IngestError` on bad input)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in PDF_SUFFIXES:
        return read_pdf(path)
    if suffix in TEXT_SUFFIXES:
        return read_text(path)
    if not p.exists():
        raise IngestError(f"{path}: no such file")
    raise IngestError(f"{path}: unsupported file type ({suffix or 'no extension'}; use .pdf or .txt)")


def read_pdf(path: str | Path) -> Document:
    name = str(path)
    data = _check_path(Path(path))
    if not data.lstrip()[:5] == b"%PDF-" and b"%PDF-" not in data[:1024]:
        raise IngestError(f"{name}: not a PDF file (starts with {data[:8]!r})")
    try:
        import pypdf
    except ImportError:  # pragma: no cover
        raise IngestError(f"{name}: pypdf is not installed (pip install pypdf)") from None

    with _quiet_pypdf():
        try:
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        except Exception as e:  # noqa: BLE001 - any parser failure is a corrupt file to the user
            raise IngestError(f"{name}: corrupt or unreadable PDF ({_short(e)})") from None
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception as e:  # noqa: BLE001
                raise IngestError(f"{name}: PDF is encrypted and cannot be decrypted ({_short(e)})") from None
            if not ok:
                raise IngestError(f"{name}: PDF is encrypted (a password is needed to open it)")
        try:
            n_pages = len(reader.pages)
        except Exception as e:  # noqa: BLE001
            raise IngestError(f"{name}: corrupt or unreadable PDF ({_short(e)})") from None
        if n_pages == 0:
            raise IngestError(f"{name}: PDF has no pages")
        widths = _FontWidths()
        pages: list[_Page] = []
        errors = 0
        last_err: Exception | None = None
        for i in range(n_pages):
            try:
                pages.append(_page_fragments(reader.pages[i], i + 1, widths))
            except Exception as e:  # noqa: BLE001 - one bad page must not sink the document
                errors += 1
                last_err = e
                pages.append(_Page(number=i + 1, width=612, height=792, left=0, bottom=0))
        if errors == n_pages:
            raise IngestError(f"{name}: corrupt or unreadable PDF ({_short(last_err)})")
        meta_title = None
        try:
            meta_title = _meaningful_title(reader.metadata.title if reader.metadata else None)
        except Exception:  # noqa: BLE001
            meta_title = None

    n_chars = sum(len(f.text.strip()) for p in pages for f in p.frags) + \
        sum(len((p.fallback_text or "").strip()) for p in pages)
    if n_chars < MIN_TEXT_CHARS:
        if errors:
            raise IngestError(f"{name}: corrupt or unreadable PDF ({_short(last_err)})")
        raise IngestError(f"{name}: no text layer (scanned PDF?); OCR it first")

    body = _body_size(pages)
    _remove_margins(pages, body)
    strong = {p.number: _strong_gutter(p.frags) for p in pages}
    found = [g for g in strong.values() if g is not None]
    doc_gutter = statistics.median(found) if found else None

    lines: list[_Line] = []
    for p in pages:
        if p.fallback_text is not None:
            for t in p.fallback_text.splitlines():
                if t.strip():
                    lines.append(_Line(frags=[], page=p.number, text=" ".join(t.split()),
                                       x0=0, x1=p.width, y=0, size=body))
            continue
        g = strong[p.number]
        if g is None and doc_gutter is not None:
            g = doc_gutter
        for ln in _order_page(p, g):
            ln.page = p.number
            if ln.text:
                lines.append(ln)

    vocab = _vocab(ln.text for ln in lines)
    paras = _paragraphs(lines)
    text, page_starts, spans = _assemble(paras, n_pages, vocab)
    doc = Document(id=content_hash(data), source=name, text=text, pages=n_pages,
                   page_starts=page_starts)
    doc.sections = _sections(text, spans, doc.page_at)
    if meta_title and not _title_in_text(meta_title, text):
        meta_title = None                 # metadata naming the journal, a file, a template...
    doc.title = meta_title or _title_from_lines(lines, body)
    return doc


def _title_in_text(title: str, text: str) -> bool:
    """Most words of a metadata title occur near the start of the text."""
    words = [w.lower() for w in _WORD_RE.findall(title)]
    if not words:
        return False
    head = text[:3000].lower()
    return sum(1 for w in words if w in head) >= 0.6 * len(words)


def _short(e: object) -> str:
    s = " ".join(str(e).split()) or type(e).__name__
    return s if len(s) <= 120 else s[:117] + "..."


def _reflow_block(block: str, vocab: Counter, is_md: bool) -> str:
    """One blank-line separated block of a text file: undo line-end hyphenation ("hepato-" +
    newline + "toxicity") and join hard-wrapped prose lines into one paragraph line, as the
    PDF reader does. Headings, list items, tables and short lines keep their line breaks."""
    lines = [ln.rstrip() for ln in block.split("\n")]
    lines = [ln for ln in lines if ln.strip()]
    if not lines:
        return ""
    longest = max(len(ln) for ln in lines)
    tabular = any(re.search(r"\S {3,}\S", ln.strip()) for ln in lines)

    def is_head(ln: str) -> bool:
        st = ln.strip()
        return bool(match_heading(st.lstrip("#").strip() if is_md else st)) or (is_md and st.startswith("#"))

    out = lines[0]
    last = lines[0]
    for nxt in lines[1:]:
        hyph = (out.endswith(tuple(_HYPHENS) + (_SOFT_HYPHEN,)) and len(out) >= 2 and out[-2].isalpha()
                and nxt.lstrip()[:1].islower())
        wrap = (not tabular and longest >= 50 and len(last) >= 0.6 * longest and not is_head(last)
                and not is_head(nxt) and not _LIST_ITEM.match(nxt.lstrip()))
        if hyph or wrap:
            joined, sep = _join_lines(out, nxt.lstrip(), vocab)
            out = joined + sep + nxt.lstrip()
        else:
            out += "\n" + nxt
        last = nxt
    return out


def read_text(path: str | Path) -> Document:
    name = str(path)
    data = _check_path(Path(path))
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            raw = data.decode("cp1252")          # Windows "latin-1" with curly quotes and dashes
        except UnicodeDecodeError:
            raw = data.decode("latin-1")
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    raw = _normalize(raw.replace("\t", " "))
    if not raw.strip():
        raise IngestError(f"{name}: empty file (no text)")
    is_md = Path(path).suffix.lower() == ".md"
    vocab = _vocab(raw.split("\n"))
    text = "\n\n".join(b for b in (_reflow_block(blk, vocab, is_md) for blk in re.split(r"\n[ ]*\n+", raw))
                       if b.strip())
    text = text.replace(_SOFT_HYPHEN, "").strip("\n")
    # sections: heading lines (or run-in headings opening a paragraph)
    secs: list[tuple[int, str]] = []
    offset = 0
    prev_blank = True
    title = None
    for ln in text.split("\n"):
        stripped = ln.strip()
        cand = stripped.lstrip("#").strip() if is_md else stripped
        if title is None and cand:
            title = cand
        name_h = match_heading(cand) if cand else None
        if name_h is None and cand and prev_blank:
            name_h = match_runin_heading(cand)
        if name_h:
            secs.append((offset, name_h))
        prev_blank = not stripped
        offset += len(ln) + 1
    _drop_article_type(secs)
    sections: list[Section] = []
    if not secs or secs[0][0] > 0:
        sections.append(Section(name="Title", start=0, end=secs[0][0] if secs else len(text)))
    for k, (a, nm) in enumerate(secs):
        end = secs[k + 1][0] if k + 1 < len(secs) else len(text)
        sections.append(Section(name=nm, start=a, end=end, extract=_extract_flag(nm)))
    sections = [s for s in sections if s.end > s.start]
    return Document(id=content_hash(data), source=name, text=text, title=title, pages=None,
                    sections=sections, page_starts=[])
