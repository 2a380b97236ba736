#!/usr/bin/env python3
"""Render corpus case reports into PDFs that look like real journal articles.

Each case (``{"id", "title", "text", ...}``; text = title line, blank line, then headings and
paragraphs, one per line, separated by blank lines) is typeset with reportlab in one of four
layouts, so that the PDF reader (`kgbuild.ingest`) is exercised on the things that make real
articles hard: two columns, full-width title blocks, running headers and footers, page numbers,
justified text with automatic hyphenation, numbered and run-in headings.

Layouts:
  single         one column, ragged right, page number centred in the footer
  twocol         two columns, title + abstract full width on page 1, running header that
                 differs on odd/even pages, page numbers, bold headings
  twocol_hyph    two columns, justified and hyphenated (pyphen), first-line indents without
                 paragraph spacing, numbered headings ("1. Introduction"), header and footer
                 with author names
  single_header  one column, narrow margins, running header with the article title, footer
                 "Page N of M", run-in "Abstract:" heading

Usage: python corpus/render_pdfs.py [--cases corpus/cases.json] [--out corpus/pdf] [--layout NAME]

Output is deterministic (reportlab ``invariant=1``); the layout of each case is chosen by its
index in the corpus (index mod 4) unless --layout forces one.
"""
from __future__ import annotations

import argparse
import glob
import hashlib
import json
import re
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import (BaseDocTemplate, Frame, FrameBreak, NextPageTemplate, PageTemplate,
                                Paragraph, Spacer)

rl_config.invariant = 1

LAYOUTS = ("single", "twocol", "twocol_hyph", "single_header")

JOURNAL = "Case Reports in Pharmacology"
CITATION = "Case Rep Pharmacol 2026;4:101\u2013108"

HEADINGS = (
    "abstract", "background", "introduction", "case report", "case presentation",
    "case description", "methods", "results", "discussion", "conclusion", "conclusions",
    "references", "bibliography", "acknowledgements", "acknowledgments", "funding",
    "conflict of interest", "conflicts of interest", "competing interests", "disclosures",
    "declarations", "author contributions", "consent", "abbreviations", "data availability",
)
# Sections numbered in the twocol_hyph layout ("1. Introduction"); the rest stay unnumbered.
NUMBERED = ("background", "introduction", "case report", "case presentation", "case description",
            "methods", "results", "discussion", "conclusion", "conclusions")
BACK_MATTER = ("references", "bibliography")

_SURNAMES = ("Kowalski", "Chen", "Okafor", "Lindqvist", "Haddad", "Moreau", "Tanaka", "Rossi",
             "Novak", "Fernandes", "Ibrahim", "Schmidt", "Petrov", "Nakamura", "Oliveira", "Brennan")
_INITIALS = "ABCDEFGHJKLMNPRST"


# ----------------------------------------------------------------------------- case parsing

def parse_case(case: dict) -> tuple[str, list[tuple[str, str]]]:
    """Split a case's text into (title, blocks); block = ("heading" | "para", text)."""
    text = case.get("text") or ""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    title = (case.get("title") or (lines[0].strip() if lines else "") or str(case.get("id", ""))).strip()
    body = lines[1:] if lines else []
    blocks: list[tuple[str, str]] = []
    cur: list[str] = []

    def flush() -> None:
        if cur:
            s = " ".join(x.strip() for x in cur).strip()
            if s:
                kind = "heading" if (len(cur) == 1 and s.lower().rstrip(":. ") in HEADINGS) else "para"
                blocks.append((kind, s.rstrip(":") if kind == "heading" else s))
            cur.clear()

    for ln in body:
        if ln.strip():
            # a heading line directly followed by text (no blank line) still counts as a heading
            if ln.strip().lower().rstrip(":. ") in HEADINGS:
                flush()
                cur.append(ln)
                flush()
            else:
                cur.append(ln)
        else:
            flush()
    flush()
    return title, blocks


def authors_for(case: dict) -> list[str]:
    """Deterministic fictitious author names for the byline and running heads."""
    h = hashlib.sha256(str(case.get("id", case.get("title", ""))).encode()).digest()
    n = 2 + h[0] % 3
    names = []
    for i in range(n):
        names.append(f"{_INITIALS[h[i + 1] % len(_INITIALS)]}. {_SURNAMES[h[i + 5] % len(_SURNAMES)]}")
    return names


_SUP = dict(zip("\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207a\u207b", "0123456789+-"))
_SUB = dict(zip("\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089", "0123456789"))
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
_SCRIPT_RUN = re.compile("([%s]+)|([%s]+)" % ("".join(_SUP), "".join(_SUB)))


def _x(s: str) -> str:
    """Paragraph markup for plain text: XML-escaped; super/subscript digits, which the standard
    PDF fonts lack, become <super>/<sub> runs (as a journal would typeset "10<sup>9</sup>/L")."""
    for k, v in _LIGATURES.items():
        s = s.replace(k, v)
    s = escape(s)

    def script(m: re.Match) -> str:
        if m.group(1):
            return "<super>" + "".join(_SUP[c] for c in m.group(1)) + "</super>"
        return "<sub>" + "".join(_SUB[c] for c in m.group(2)) + "</sub>"
    return _SCRIPT_RUN.sub(script, s)


def _short_title(title: str, n: int = 60) -> str:
    if len(title) <= n:
        return title
    cut = title[:n].rsplit(" ", 1)[0]
    return cut + "\u2026"


# ----------------------------------------------------------------------------- styles

def _styles(layout: str) -> dict[str, ParagraphStyle]:
    if layout == "single":
        body = ParagraphStyle("body", fontName="Times-Roman", fontSize=10.5, leading=15,
                              alignment=TA_LEFT, spaceAfter=7)
        head = ParagraphStyle("head", fontName="Helvetica-Bold", fontSize=11, leading=14,
                              spaceBefore=10, spaceAfter=5, keepWithNext=1)
        title = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=16, leading=20,
                               spaceAfter=8)
        byline = ParagraphStyle("byline", fontName="Times-Italic", fontSize=10.5, leading=14,
                                spaceAfter=14)
        ref = ParagraphStyle("ref", parent=body, fontSize=9.5, leading=12, spaceAfter=4)
    elif layout == "twocol":
        body = ParagraphStyle("body", fontName="Times-Roman", fontSize=10.5, leading=13.5,
                              alignment=TA_JUSTIFY, spaceAfter=6)
        head = ParagraphStyle("head", fontName="Times-Bold", fontSize=11, leading=14,
                              spaceBefore=9, spaceAfter=4, keepWithNext=1)
        title = ParagraphStyle("title", fontName="Times-Bold", fontSize=17, leading=21,
                               alignment=TA_LEFT, spaceAfter=6)
        byline = ParagraphStyle("byline", fontName="Times-Italic", fontSize=10.5, leading=13,
                                spaceAfter=10)
        ref = ParagraphStyle("ref", parent=body, fontSize=9, leading=11, spaceAfter=3,
                             alignment=TA_LEFT)
    elif layout == "twocol_hyph":
        body = ParagraphStyle("body", fontName="Times-Roman", fontSize=10.5, leading=13,
                              alignment=TA_JUSTIFY, firstLineIndent=12, spaceAfter=0,
                              hyphenationLang="en_US", embeddedHyphenation=1,
                              uriWasteReduce=0.3)
        head = ParagraphStyle("head", fontName="Helvetica-Bold", fontSize=10, leading=13,
                              spaceBefore=9, spaceAfter=3, keepWithNext=1)
        title = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=16, leading=20,
                               alignment=TA_CENTER, spaceAfter=6)
        byline = ParagraphStyle("byline", fontName="Helvetica", fontSize=10, leading=13,
                                alignment=TA_CENTER, spaceAfter=12)
        ref = ParagraphStyle("ref", parent=body, fontSize=9, leading=11, firstLineIndent=0,
                             spaceAfter=2)
    elif layout == "single_header":
        body = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=15.5,
                              alignment=TA_LEFT, spaceAfter=9)
        head = ParagraphStyle("head", fontName="Helvetica-Bold", fontSize=10.5, leading=14,
                              spaceBefore=10, spaceAfter=5, keepWithNext=1)
        title = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=15, leading=19,
                               spaceAfter=6)
        byline = ParagraphStyle("byline", fontName="Helvetica-Oblique", fontSize=10, leading=13,
                                spaceAfter=12)
        ref = ParagraphStyle("ref", parent=body, fontSize=9, leading=12, spaceAfter=4)
    else:
        raise ValueError(f"unknown layout {layout!r} (choose from {', '.join(LAYOUTS)})")
    abstract = ParagraphStyle("abstract", parent=body, firstLineIndent=0)
    return {"body": body, "head": head, "title": title, "byline": byline, "ref": ref,
            "abstract": abstract}


# ----------------------------------------------------------------------------- story

def _story(title: str, blocks: list[tuple[str, str]], authors: list[str], layout: str,
           st: dict[str, ParagraphStyle]) -> tuple[list, list]:
    """Return (front, body) flowables; front = title block (+ abstract) set full width."""
    front: list = [Paragraph(_x(title), st["title"]), Paragraph(_x(", ".join(authors)), st["byline"])]
    body: list = []
    # The abstract is part of the full-width front block in the two-column layouts.
    abstract_in_front = layout in ("twocol", "twocol_hyph")
    section = None
    target = front if abstract_in_front else body
    num = 0
    runin_pending = False
    first_in_section = False
    for kind, text in blocks:
        if kind == "heading":
            section = text.lower()
            if abstract_in_front and section != "abstract":
                target = body
            first_in_section = True
            if layout == "single_header" and section == "abstract":
                runin_pending = True
                continue
            label = text
            if layout == "twocol_hyph" and section in NUMBERED:
                num += 1
                label = f"{num}. {text}"
            target.append(Paragraph(_x(label), st["head"]))
            continue
        if section == "abstract":
            style = st["abstract"]
        elif section in BACK_MATTER:
            style = st["ref"]
        else:
            style = st["body"]
        if first_in_section and layout == "twocol_hyph" and style is st["body"]:
            # journals do not indent the first paragraph after a heading
            style = ParagraphStyle("body0", parent=style, firstLineIndent=0)
        first_in_section = False
        markup = _x(text)
        if runin_pending:
            markup = f"<b>Abstract:</b> {markup}"
            runin_pending = False
        target.append(Paragraph(markup, style))
    if abstract_in_front:
        front.append(Spacer(1, 8))
    return front, body


# ----------------------------------------------------------------------------- page decorations

def _hf_single(canvas, doc):
    canvas.saveState()
    canvas.setFont("Times-Roman", 9)
    canvas.drawCentredString(doc.pagesize[0] / 2, 0.6 * inch, str(doc.page))
    canvas.restoreState()


def _make_hf_twocol(authors: list[str]):
    running = f"{authors[0].split('. ', 1)[-1]} et al." if len(authors) > 1 else authors[0]

    def hf(canvas, doc):
        w, h = doc.pagesize
        m = doc.leftMargin
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        y = h - 0.55 * inch
        if doc.page % 2:      # odd page
            canvas.drawString(m, y, JOURNAL)
            canvas.drawRightString(w - m, y, CITATION)
        else:
            canvas.drawString(m, y, CITATION)
            canvas.drawRightString(w - m, y, running)
        canvas.setLineWidth(0.4)
        canvas.line(m, y - 4, w - m, y - 4)
        canvas.setFont("Times-Roman", 9)
        canvas.drawCentredString(w / 2, 0.5 * inch, str(doc.page))
        canvas.restoreState()
    return hf


def _make_hf_twocol_hyph(title: str, authors: list[str]):
    names = ", ".join(a.split(". ", 1)[-1] for a in authors)
    short = _short_title(title, 70)

    def hf(canvas, doc):
        w, h = doc.pagesize
        m = doc.leftMargin
        canvas.saveState()
        canvas.setFont("Helvetica-Oblique", 8)
        y = h - 0.5 * inch
        if doc.page % 2:
            canvas.drawRightString(w - m, y, short)
        else:
            canvas.drawString(m, y, names)
        canvas.setFont("Helvetica", 8)
        canvas.drawString(m, 0.5 * inch, f"{names} \u00b7 {CITATION}")
        canvas.drawRightString(w - m, 0.5 * inch, f"\u2013 {doc.page} \u2013")
        canvas.restoreState()
    return hf


def _make_masthead(hf, height: float, doi: str):
    """First-page decoration: a journal masthead band above the title, plus the usual header."""
    def first(canvas, doc):
        hf(canvas, doc)
        w, h = doc.pagesize
        m = doc.leftMargin
        top = h - doc.topMargin
        canvas.saveState()
        canvas.setFont("Helvetica-Bold", 13)
        canvas.drawString(m, top - 16, JOURNAL.upper())
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(w - m, top - 14, doi)
        canvas.drawRightString(w - m, top - 25, "Received: 3 March 2026 | Accepted: 19 April 2026")
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawString(m, top - height + 10, "CASE REPORT")
        canvas.setLineWidth(1)
        canvas.line(m, top - height + 4, w - m, top - height + 4)
        canvas.restoreState()
    return first


def _make_hf_single_header(title: str, total: int):
    short = _short_title(title, 95)

    def hf(canvas, doc):
        w, h = doc.pagesize
        m = doc.leftMargin
        canvas.saveState()
        canvas.setFont("Helvetica-Oblique", 8.5)
        canvas.drawString(m, h - 0.45 * inch, short)
        canvas.setLineWidth(0.5)
        canvas.line(m, h - 0.45 * inch - 4, w - m, h - 0.45 * inch - 4)
        canvas.setFont("Helvetica", 8.5)
        canvas.drawRightString(w - m, 0.4 * inch, f"Page {doc.page} of {total}")
        canvas.restoreState()
    return hf


# ----------------------------------------------------------------------------- rendering

def _doc(path: Path, pagesize, margins: tuple[float, float, float, float], meta: dict) -> BaseDocTemplate:
    left, right, top, bottom = margins
    return BaseDocTemplate(str(path), pagesize=pagesize, leftMargin=left, rightMargin=right,
                           topMargin=top, bottomMargin=bottom, invariant=1,
                           title=meta["title"], author=meta["author"], subject=meta["subject"],
                           creator="kgbuild corpus/render_pdfs.py", producer="ReportLab")


def _front_height(front: list, width: float) -> float:
    h = 0.0
    for i, f in enumerate(front):
        _, fh = f.wrap(width, 10_000)
        h += fh
        if i:
            h += f.getSpaceBefore()
        h += f.getSpaceAfter()
    return h


def _build_twocol(path: Path, front: list, body: list, pagesize, margins, meta, hf, gutter: float,
                  masthead: float = 0.0, first_hf=None):
    """Two columns; page 1 has a full-width front block (title, byline, abstract) under an
    optional masthead band of height `masthead` drawn by `first_hf`."""
    doc = _doc(path, pagesize, margins, meta)
    left, right, top, bottom = margins
    w, h = pagesize
    fw = w - left - right
    cw = (fw - gutter) / 2
    fh = h - top - bottom
    pad = 6  # Frame default padding on each side
    top_h = _front_height(front, fw - 2 * pad) + 2 * pad + 2
    top_h = min(top_h, (fh - masthead) * 0.8)
    col_h = fh - masthead - top_h
    first = PageTemplate(id="first", onPage=first_hf or hf, frames=[
        Frame(left, bottom + col_h, fw, top_h, id="front"),
        Frame(left, bottom, cw, col_h, id="c1"),
        Frame(left + cw + gutter, bottom, cw, col_h, id="c2"),
    ])
    later = PageTemplate(id="later", onPage=hf, frames=[
        Frame(left, bottom, cw, fh, id="l1"),
        Frame(left + cw + gutter, bottom, cw, fh, id="l2"),
    ])
    doc.addPageTemplates([first, later])
    doc.build([NextPageTemplate("later")] + front + [FrameBreak()] + body)


def _build_single(path: Path, story: list, pagesize, margins, meta, hf) -> int:
    doc = _doc(path, pagesize, margins, meta)
    left, right, top, bottom = margins
    w, h = pagesize
    frame = Frame(left, bottom, w - left - right, h - top - bottom, id="main")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=hf)])
    doc.build(story)
    return doc.page


def render_case(case: dict, path: Path, layout: str) -> Path:
    """Typeset one case as a PDF at `path` in the given layout; returns the path."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r} (choose from {', '.join(LAYOUTS)})")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    title, blocks = parse_case(case)
    authors = authors_for(case)
    meta = {"title": title, "author": ", ".join(authors), "subject": f"{JOURNAL} ({layout} layout)"}
    st = _styles(layout)
    if layout == "single":
        front, body = _story(title, blocks, authors, layout, st)
        _build_single(path, front + body, letter, (1.25 * inch, 1.25 * inch, 1.1 * inch, 1.1 * inch),
                      meta, _hf_single)
    elif layout == "twocol":
        front, body = _story(title, blocks, authors, layout, st)
        _build_twocol(path, front, body, letter, (0.85 * inch, 0.85 * inch, 0.95 * inch, 0.9 * inch),
                      meta, _make_hf_twocol(authors), gutter=20)
    elif layout == "twocol_hyph":
        front, body = _story(title, blocks, authors, layout, st)
        hf = _make_hf_twocol_hyph(title, authors)
        doi = "https://doi.org/10.5555/crp.2026." + hashlib.sha256(str(case.get("id", title)).encode()).hexdigest()[:6]
        _build_twocol(path, front, body, letter, (1.0 * inch, 1.0 * inch, 0.9 * inch, 0.95 * inch),
                      meta, hf, gutter=18, masthead=62, first_hf=_make_masthead(hf, 62, doi))
    else:  # single_header: two passes so the footer can say "Page N of M"
        margins = (0.7 * inch, 0.7 * inch, 0.85 * inch, 0.8 * inch)
        front, body = _story(title, blocks, authors, layout, st)
        total = _build_single(path, front + body, A4, margins, meta, _make_hf_single_header(title, 0))
        front, body = _story(title, blocks, authors, layout, st)
        _build_single(path, front + body, A4, margins, meta, _make_hf_single_header(title, total))
    return path


def layout_for(index: int) -> str:
    """The stable per-case layout rule: cycle through the layouts by corpus index."""
    return LAYOUTS[index % len(LAYOUTS)]


def load_cases(path: Path | None) -> list[dict]:
    """Cases from cases.json, or from corpus/parts/*.json while the merged file does not exist."""
    here = Path(__file__).resolve().parent
    if path is None:
        path = here / "cases.json"
    path = Path(path)
    if path.exists():
        files = [path]
    else:
        files = [Path(p) for p in sorted(glob.glob(str(here / "parts" / "*.json")))]
        if not files:
            raise SystemExit(f"{path}: no such file (and no corpus/parts/*.json)")
    cases: list[dict] = []
    seen: set[str] = set()
    for f in files:
        data = json.loads(f.read_text(encoding="utf-8"))
        items = data.get("cases", []) if isinstance(data, dict) else data
        for c in items:
            cid = str(c.get("id"))
            if cid in seen:
                continue
            seen.add(cid)
            cases.append(c)
    return cases


_SAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=Path, default=None,
                    help="corpus JSON (default corpus/cases.json, else corpus/parts/*.json)")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "pdf")
    ap.add_argument("--layout", choices=LAYOUTS, default=None, help="force one layout for all cases")
    args = ap.parse_args(argv)
    cases = load_cases(args.cases)
    args.out.mkdir(parents=True, exist_ok=True)
    for i, case in enumerate(cases):
        layout = args.layout or layout_for(i)
        name = _SAFE_ID.sub("_", str(case.get("id", i)))
        render_case(case, args.out / f"{name}.pdf", layout)
    print(f"wrote {len(cases)} PDFs to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
