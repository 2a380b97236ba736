"""Tests for kgbuild.ingest on real PDFs.

The PDFs are typeset by corpus/render_pdfs.py (reportlab) in every journal layout it knows:
one column, two columns with full-width title/abstract, justified two columns with automatic
hyphenation, run-in headings, running headers/footers and page numbers. The reader must give
back the source text word for word, in reading order, with nothing from the page furniture.

Run directly (``python tests/test_ingest.py``) to print the word-sequence similarity of the
whole corpus (corpus/cases.json or corpus/parts/*.json) in all layouts.
"""
from __future__ import annotations

import difflib
import hashlib
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kgbuild.ingest import (IngestError, match_heading, match_runin_heading,  # noqa: E402
                            normalize_text, read_document)
from kgbuild.model import EXCLUDED_SECTIONS  # noqa: E402

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("reportlab")


def _load_renderer():
    spec = importlib.util.spec_from_file_location("render_pdfs", ROOT / "corpus" / "render_pdfs.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


rp = _load_renderer()
LAYOUTS = rp.LAYOUTS

# ----------------------------------------------------------------------------- the sample case

SAMPLE_TITLE = ("Alemtuzumab-associated cytokine release syndrome with hepatotoxicity in a patient "
                "with relapsing multiple sclerosis")
SAMPLE_TEXT = SAMPLE_TITLE + """

Abstract

Alemtuzumab is an anti-CD52 monoclonal antibody used for highly active relapsing multiple sclerosis. We describe a 34-year-old woman who developed fever, hypotension and drug-induced liver injury within hours of the first infusion. Serum IL-6 and interleukin-6 concentrations were markedly elevated, and T-cell counts fell to undetectable levels. Supportive treatment with methylprednisolone and tocilizumab led to complete recovery within twelve days.

Introduction

Alemtuzumab depletes circulating lymphocytes by binding the CD52 antigen expressed on mature T-cell and B-cell populations. Infusion-associated reactions are common and are generally attributed to the release of tumour necrosis factor, interferon-gamma and interleukin-6 from lysing lymphocytes. Hepatotoxicity has been reported only rarely, and its mechanism remains poorly characterised. Autoimmune hepatitis, immune-mediated thrombocytopenia and thyroid disorders are recognised secondary autoimmune complications that usually appear months or years after treatment.

The pharmacological characteristics of alemtuzumab explain much of its toxicity profile. Complement-dependent cytotoxicity and antibody-dependent cellular cytotoxicity produce a rapid and profound lymphopenia, accompanied by a transient surge of proinflammatory mediators. Premedication with corticosteroids, antihistamines and antipyretics is therefore recommended before every infusion.

Case presentation

A 34-year-old woman with a seven-year history of relapsing multiple sclerosis was referred for alemtuzumab after two disabling relapses during treatment with natalizumab. Her baseline liver function tests, complete blood count and thyroid function were normal, and serological testing for hepatitis B, hepatitis C and human immunodeficiency virus was negative. She received methylprednisolone 1000 mg intravenously, cetirizine and paracetamol before the first infusion of alemtuzumab 12 mg.

Approximately four hours after the start of the infusion she developed rigors, a temperature of 39.4 degrees, sinus tachycardia and a blood pressure of 82/46 mmHg. The infusion was stopped and intravenous fluids were administered. Laboratory investigations on the following morning showed alanine aminotransferase 1240 U/L, aspartate aminotransferase 980 U/L, total bilirubin 38 µmol/L and a prothrombin ratio within the normal range. Serum IL-6 was 412 pg/mL, C-reactive protein was 96 mg/L and ferritin was 2310 µg/L. Flow cytometry demonstrated an absolute T-cell count below 10 cells/µL and TNF-α within the reference range.

Abdominal ultrasonography revealed a normal liver without biliary dilatation, and Doppler examination excluded hepatic venous obstruction. Viral hepatitis serologies, cytomegalovirus and Epstein-Barr virus polymerase chain reactions were negative. A diagnosis of cytokine release syndrome complicated by drug-induced hepatocellular injury was made. She was treated with a single dose of tocilizumab 8 mg/kg, continued methylprednisolone for three days and received supportive care. Fever and hypotension resolved within thirty-six hours, and aminotransferase levels normalised over the subsequent twelve days.

Discussion

The temporal relationship between the infusion and the onset of fever, hypotension and liver injury, together with the exclusion of alternative causes, supports a causal role for alemtuzumab. The Roussel Uclaf causality assessment method score was 7, indicating a probable drug-induced liver injury. Interleukin-6 is a central mediator of the hepatic acute-phase response, and extremely high concentrations have been associated with hepatocellular damage in other cytokine release syndromes, including those that follow chimeric antigen receptor T-cell therapy.

Blockade of the interleukin-6 receptor with tocilizumab has become the standard treatment for severe cytokine release syndrome in oncology. Our observation suggests that the same approach may be beneficial after anti-CD52 therapy. Nonetheless, tocilizumab itself can raise aminotransferase concentrations, and careful monitoring of hepatic function is required. Clinicians should be aware that alemtuzumab-related hepatotoxicity may present acutely, not only as a delayed autoimmune phenomenon.

Conclusion

Acute cytokine release syndrome with marked interleukin-6 elevation and hepatocellular injury can follow the first alemtuzumab infusion. Early recognition and treatment with tocilizumab and corticosteroids may lead to rapid recovery.

References

1. Coles AJ, Compston DA, Selmaj KW, et al. Alemtuzumab versus interferon beta-1a in early multiple sclerosis. N Engl J Med. 2008;359:1786-1801.

2. Lee DW, Santomasso BD, Locke FL, et al. ASTCT consensus grading for cytokine release syndrome and neurologic toxicity associated with immune effector cells. Biol Blood Marrow Transplant. 2019;25:625-638.

3. Kim HJ, Park SY. Natalizumab and rituximab exposure before ocrelizumab: hepatotoxicity reconsidered. Mult Scler Relat Disord. 2021;48:102719.

Acknowledgements

We thank the nursing staff of the neurology infusion unit and the patient, who gave written consent for publication.

Conflict of interest

The authors declare no conflicts of interest.
"""
SAMPLE = {"id": "sample-0001", "title": SAMPLE_TITLE, "text": SAMPLE_TEXT}
SAMPLE_SECTIONS = ["Title", "Abstract", "Introduction", "Case presentation", "Discussion", "Conclusion",
                   "References", "Acknowledgements", "Conflict of interest"]
MUST_KEEP = ["IL-6", "T-cell", "anti-CD52", "interleukin-6", "drug-induced", "B-cell",
             "Complement-dependent", "antibody-dependent", "immune-mediated", "34-year-old"]


# ----------------------------------------------------------------------------- comparison helpers

def body_words(text: str) -> list[str]:
    """Word sequence from the first heading on; headings become their canonical name (so
    "2. Case Presentation" == "Case presentation" and a run-in "Abstract:" == "Abstract")."""
    out: list[str] = []
    for par in re.split(r"\n\s*\n", text):
        par = " ".join(par.split())
        if not par:
            continue
        h = match_heading(par)
        if h:
            out.append(f"<{h}>")
            continue
        h = match_runin_heading(par)
        if h:
            out.append(f"<{h}>")
            par = re.sub(r"^\S+[:.]\s*", "", par, count=1)
        out.extend(par.split())
    if "<Abstract>" in out:
        return out[out.index("<Abstract>"):]
    first = next((i for i, w in enumerate(out) if w.startswith("<")), 0)
    return out[first:]


def similarity(source_text: str, ingested_text: str) -> float:
    a = body_words(normalize_text(source_text))
    b = body_words(ingested_text)
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


# ----------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, tuple[Path, object]]:
    out = tmp_path_factory.mktemp("pdf")
    docs = {}
    for layout in LAYOUTS:
        path = out / f"sample_{layout}.pdf"
        rp.render_case(SAMPLE, path, layout)
        docs[layout] = (path, read_document(path))
    return docs


# ----------------------------------------------------------------------------- layouts

@pytest.mark.parametrize("layout", LAYOUTS)
def test_renderer_makes_multipage_pdf_with_title(rendered, layout):
    path, _ = rendered[layout]
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) >= 2
    assert reader.metadata.title == SAMPLE_TITLE


@pytest.mark.parametrize("layout", LAYOUTS)
def test_text_matches_source_word_for_word(rendered, layout):
    path, doc = rendered[layout]
    ratio = similarity(SAMPLE_TEXT, doc.text)
    src, got = body_words(normalize_text(SAMPLE_TEXT)), body_words(doc.text)
    diff = [(op, " ".join(src[a1:a2]), " ".join(got[b1:b2]))
            for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, src, got, autojunk=False).get_opcodes()
            if op != "equal"]
    print(f"{layout}: word similarity {ratio:.4f}; differences: {diff}")
    assert ratio >= 0.99, diff
    # every word the reader produced comes from the source: no header, footer or page number
    extra = [g for op, _, g in diff if op in ("insert", "replace")]
    assert not extra, extra


@pytest.mark.parametrize("layout", LAYOUTS)
def test_no_running_heads_or_page_numbers(rendered, layout):
    _, doc = rendered[layout]
    body = doc.text[doc.sections[1].start:]          # everything after the front matter
    for junk in ("Case Rep Pharmacol", "Case Reports in Pharmacology", "Page 1 of",
                 "Page 2 of", "\u2013 1 \u2013", "\u2013 2 \u2013", "doi.org"):
        assert junk not in body, (junk, layout)
    for name in rp.authors_for(SAMPLE):
        surname = name.split(". ", 1)[-1]
        assert surname not in body, (surname, layout)
    for par in re.split(r"\n\n", doc.text):
        assert not re.fullmatch(r"\s*(page\s*)?\d+(\s*of\s*\d+)?\s*", par, re.IGNORECASE), par


@pytest.mark.parametrize("layout", LAYOUTS)
def test_real_hyphens_kept_and_line_breaks_undone(rendered, layout):
    _, doc = rendered[layout]
    words = set(doc.text.split())
    stripped = {w.strip(".,;:()") for w in words}
    for term in MUST_KEEP:
        assert term in stripped, (term, layout)
    for long_word in ("hepatotoxicity", "aminotransferase", "immunodeficiency", "methylprednisolone",
                      "ultrasonography", "cytomegalovirus", "thrombocytopenia", "corticosteroids"):
        assert long_word in doc.text.lower(), (long_word, layout)
    # no half words: every hyphenated token exists in the source, no token ends in a hyphen
    source_tokens = {w.strip(".,;:()") for w in normalize_text(SAMPLE_TEXT).split()}
    for w in stripped:
        if "-" in w:
            assert w in source_tokens, (w, layout)
    assert not re.search(r"[a-z]- ", doc.text), layout
    assert "\u00ad" not in doc.text


@pytest.mark.parametrize("layout", LAYOUTS)
def test_sections(rendered, layout):
    _, doc = rendered[layout]
    assert [s.name for s in doc.sections] == SAMPLE_SECTIONS
    flags = {s.name: s.extract for s in doc.sections}
    assert flags["References"] is False and flags["Acknowledgements"] is False
    assert flags["Conflict of interest"] is False
    assert all(flags[n] for n in ("Title", "Abstract", "Introduction", "Case presentation",
                                  "Discussion", "Conclusion"))
    # sections tile the text and start at their headings
    assert doc.sections[0].start == 0 and doc.sections[-1].end == len(doc.text)
    for a, b in zip(doc.sections, doc.sections[1:]):
        assert a.end == b.start
    for s in doc.sections[1:]:
        head = doc.text[s.start:s.start + 40]
        assert match_heading(head.split("\n")[0]) == s.name or match_runin_heading(head) == s.name
        assert s.page == doc.page_at(s.start)
    # the drug cited only in the references is not in any extractable span
    i = doc.text.index("ocrelizumab")
    assert doc.section_at(i).name == "References"
    assert not any(a <= i < b for a, b in doc.extractable_spans())
    i = doc.text.index("nursing staff")
    assert doc.section_at(i).extract is False


@pytest.mark.parametrize("layout", LAYOUTS)
def test_pages_and_offsets(rendered, layout):
    path, doc = rendered[layout]
    reader = pypdf.PdfReader(path)
    assert doc.pages == len(reader.pages) >= 2
    assert len(doc.page_starts) == doc.pages and doc.page_starts[0] == 0
    assert doc.page_starts == sorted(doc.page_starts)
    assert doc.id == hashlib.sha256(path.read_bytes()).hexdigest()
    assert doc.source == str(path)
    assert doc.title == SAMPLE_TITLE
    # words that pypdf's own extraction places on one page only are on that page in our text
    counts = {}
    for n, page in enumerate(reader.pages, start=1):
        for w in re.findall(r"[A-Za-z]{9,}", page.extract_text()):
            counts.setdefault(w, set()).add(n)
    checked = 0
    for w, pages in counts.items():
        if len(pages) == 1 and len(re.findall(rf"\b{w}\b", doc.text)) == 1:
            (n,) = pages
            assert doc.page_at(doc.text.index(w)) == n, (w, n, layout)
            checked += 1
    assert checked >= 10
    page2 = [w for w, p in counts.items() if p == {2} and len(re.findall(rf"\b{w}\b", doc.text)) == 1]
    assert page2 and doc.page_at(doc.text.index(page2[0])) == 2


@pytest.mark.parametrize("layout", LAYOUTS)
def test_paragraphs(rendered, layout):
    _, doc = rendered[layout]
    paragraphs = [" ".join(p.split()) for p in doc.text.split("\n\n")]
    assert all(p for p in paragraphs)
    assert "\n" not in "".join(paragraphs)
    for src in SAMPLE_TEXT.split("\n\n")[1:]:
        src = " ".join(normalize_text(src).split())
        if not src or match_heading(src):
            continue
        if src.startswith("Alemtuzumab is an anti-CD52") and layout == "single_header":
            src = "Abstract: " + src                 # run-in heading in this layout
        assert src in paragraphs, (layout, src[:60])


def test_rendering_is_deterministic(tmp_path):
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    rp.render_case(SAMPLE, a, "twocol_hyph")
    rp.render_case(SAMPLE, b, "twocol_hyph")
    assert a.read_bytes() == b.read_bytes()


def test_renderer_cli(tmp_path):
    cases = tmp_path / "cases.json"
    other = dict(SAMPLE, id="sample-0002")
    cases.write_text(json.dumps({"cases": [SAMPLE, other]}), encoding="utf-8")
    assert rp.main(["--cases", str(cases), "--out", str(tmp_path / "out"), "--layout", "single"]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["sample-0001.pdf", "sample-0002.pdf"]
    assert rp.layout_for(0) != rp.layout_for(1)
    with pytest.raises(ValueError):
        rp.render_case(SAMPLE, tmp_path / "x.pdf", "threecol")


# ----------------------------------------------------------------------------- hand-made layouts

def _canvas_pdf(path: Path, pages: list[list[tuple[float, float, str, str, float]]], **meta) -> Path:
    """A PDF with text drawn at exact places: pages of (x, y, text, font, size)."""
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(str(path), pagesize=(612, 792), invariant=1)
    if "title" in meta:
        c.setTitle(meta["title"])
    for items in pages:
        for x, y, text, font, size in items:
            c.setFont(font, size)
            c.drawString(x, y, text)
        c.showPage()
    c.save()
    return path


def test_line_end_hyphens(tmp_path):
    lines = [
        "Serum concentrations of IL-", "6 rose sharply, and T-", "cell counts fell while the hepato-",
        "toxicity worsened. Interleukin-", "6 blockade with an anti-", "CD52 antibody and drug-",
        "induced injury were discussed; the immuno-", "suppression was stopped and the non-",
        "steroidal agent withdrawn. Soft hy\u00ad", "phens vanish and the follow-", "up was uneventful.",
    ]
    items = [(72, 700 - 14 * i, t, "Times-Roman", 11) for i, t in enumerate(lines)]
    doc = read_document(_canvas_pdf(tmp_path / "h.pdf", [items]))
    text = " ".join(doc.text.split())
    for want in ("IL-6 rose", "T-cell counts", "hepatotoxicity worsened", "Interleukin-6 blockade",
                 "anti-CD52 antibody", "drug-induced injury", "immunosuppression was",
                 "non-steroidal agent", "Soft hyphens vanish", "follow-up was"):
        assert want in text, (want, text)


def test_two_column_reading_order_and_full_width_block(tmp_path):
    left = [f"Left column sentence number {i} continues here." for i in range(1, 31)]
    right = [f"Right column sentence number {i} continues here." for i in range(1, 31)]
    page = [(72, 740, "A Full Width Title Spanning Both Columns Of The Page", "Helvetica-Bold", 16),
            (72, 716, "This abstract line runs across the whole width of the page above the columns.",
             "Times-Roman", 10)]
    page += [(72, 680 - 12 * i, t, "Times-Roman", 10) for i, t in enumerate(left)]
    page += [(320, 680 - 12 * i, t, "Times-Roman", 10) for i, t in enumerate(right)]
    doc = read_document(_canvas_pdf(tmp_path / "cols.pdf", [page], title="Untitled"))
    t = " ".join(doc.text.split())
    order = [t.index("A Full Width Title"), t.index("This abstract line"),
             t.index("Left column sentence number 1 "), t.index("Left column sentence number 30 "),
             t.index("Right column sentence number 1 "), t.index("Right column sentence number 30 ")]
    assert order == sorted(order), t[:300]
    assert doc.title == "A Full Width Title Spanning Both Columns Of The Page"   # metadata "Untitled" ignored


def test_running_heads_repeated_on_pages_are_removed(tmp_path):
    pages = []
    for n in range(1, 4):
        items = [(72, 760, "Journal of Invented Cases 2026;12:345\u2013350", "Helvetica", 8),
                 (300, 30, f"Page {n} of 3", "Helvetica", 8)]
        items += [(72, 700 - 14 * i, f"Body line {i} on page {n} about hepatotoxicity.", "Times-Roman", 11)
                  for i in range(40)]
        pages.append(items)
    doc = read_document(_canvas_pdf(tmp_path / "rh.pdf", pages))
    assert "Journal of Invented" not in doc.text and "Page" not in doc.text
    assert doc.text.count("Body line") == 120
    assert doc.page_at(doc.text.index("Body line 0 on page 3")) == 3


# ----------------------------------------------------------------------------- bad input

def _assert_one_line(err: IngestError, path: Path | str, fragment: str) -> None:
    msg = str(err)
    assert "\n" not in msg and msg.startswith(str(path)), msg
    assert fragment in msg, msg


def test_text_file_named_pdf(tmp_path):
    p = tmp_path / "report.pdf"
    p.write_text("hello, I am not a PDF\n")
    with pytest.raises(IngestError) as e:
        read_document(p)
    _assert_one_line(e.value, p, "not a PDF file")


def test_empty_files(tmp_path):
    for name in ("empty.pdf", "empty.txt"):
        p = tmp_path / name
        p.write_bytes(b"")
        with pytest.raises(IngestError) as e:
            read_document(p)
        _assert_one_line(e.value, p, "empty file")


def test_missing_path_directory_and_unsupported(tmp_path):
    for p in (tmp_path / "missing.pdf", tmp_path / "missing.txt", tmp_path / "missing.docx"):
        with pytest.raises(IngestError) as e:
            read_document(p)
        _assert_one_line(e.value, p, "no such file")
    d = tmp_path / "dir.pdf"
    d.mkdir()
    with pytest.raises(IngestError) as e:
        read_document(d)
    _assert_one_line(e.value, d, "directory")
    x = tmp_path / "x.docx"
    x.write_bytes(b"PK\x03\x04")
    with pytest.raises(IngestError) as e:
        read_document(x)
    _assert_one_line(e.value, x, "unsupported file type")


def test_encrypted_pdf(tmp_path, rendered):
    src, _ = rendered["single"]
    w = pypdf.PdfWriter(clone_from=pypdf.PdfReader(src))
    w.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    p = tmp_path / "locked.pdf"
    with open(p, "wb") as fh:
        w.write(fh)
    with pytest.raises(IngestError) as e:
        read_document(p)
    _assert_one_line(e.value, p, "encrypted")
    # an owner password only (empty user password) is no obstacle
    w = pypdf.PdfWriter(clone_from=pypdf.PdfReader(src))
    w.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    q = tmp_path / "owner_only.pdf"
    with open(q, "wb") as fh:
        w.write(fh)
    assert "hepatotoxicity" in read_document(q).text


def test_pdf_without_text_layer(tmp_path):
    from reportlab.pdfgen import canvas
    p = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(p), invariant=1)
    for _ in range(2):
        c.rect(72, 72, 300, 400, fill=1)
        c.circle(300, 600, 50)
        for i in range(30):
            c.line(80, 500 - 8 * i, 500, 500 - 8 * i)      # "lines of text" drawn as strokes
        c.showPage()
    c.save()
    with pytest.raises(IngestError) as e:
        read_document(p)
    _assert_one_line(e.value, p, "no text layer")


def test_corrupt_and_truncated_pdf(tmp_path, rendered):
    p = tmp_path / "corrupt.pdf"
    p.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\ngarbage\n")
    with pytest.raises(IngestError) as e:
        read_document(p)
    _assert_one_line(e.value, p, "PDF")
    src, _ = rendered["single"]
    data = src.read_bytes()
    t = tmp_path / "truncated.pdf"
    t.write_bytes(data[: len(data) // 3])
    try:
        doc = read_document(t)          # pypdf may recover part of it; then it must be sane
        assert doc.pages is not None
    except IngestError as err:
        _assert_one_line(err, t, "")


# ----------------------------------------------------------------------------- plain text

def test_plain_text(tmp_path):
    p = tmp_path / "case.txt"
    body = ("Hepatitis after tocilizumab\r\n\r\nAbstract: A woman developed hepato-\r\ntoxicity and T-\r\n"
            "cell lymphopenia after drug-\r\ninduced injury; IL-\r\n6 was high.\r\n\r\n"
            "2. Case Presentation\r\n\r\nShe recovered.\r\n\r\nConflicts of Interest\r\n\r\nNone.\r\n")
    p.write_bytes(body.encode("utf-8"))
    doc = read_document(p)
    assert doc.title == "Hepatitis after tocilizumab"
    assert doc.pages is None and doc.page_starts == [] and doc.page_at(5) is None
    assert "\r" not in doc.text
    assert "hepatotoxicity and T-cell lymphopenia after drug-induced injury; IL-\n6" in doc.text
    assert [s.name for s in doc.sections] == ["Title", "Abstract", "Case presentation", "Conflict of interest"]
    assert [s.extract for s in doc.sections] == [True, True, True, False]
    assert doc.id == hashlib.sha256(body.encode("utf-8")).hexdigest()
    # hard-wrapped prose becomes one line per paragraph; lists and short lines stay as they are
    w = tmp_path / "wrapped.txt"
    w.write_text("Wrapped case\n\nCase presentation\n\n"
                 "A 61-year-old man on long-term amiodarone presented with dyspnoea and a dry\n"
                 "cough; chest imaging showed bilateral infiltrates consistent with amiodarone\n"
                 "pulmonary toxicity, and serum IL-6 was raised at 40 pg/mL on the first day.\n\n"
                 "- amiodarone stopped\n- prednisolone started\n", encoding="utf-8")
    d = read_document(w)
    assert ("A 61-year-old man on long-term amiodarone presented with dyspnoea and a dry cough; chest "
            "imaging showed bilateral infiltrates consistent with amiodarone pulmonary toxicity,") in d.text
    assert "- amiodarone stopped\n- prednisolone started" in d.text
    assert [s.name for s in d.sections] == ["Title", "Case presentation"]
    # latin-1 fallback, Greek letters and the micro sign kept
    q = tmp_path / "latin.text"
    q.write_bytes("R\xe9sum\xe9 of a case\n\nDiscussion\n\nCaf\xe9 au lait spots.\n".encode("latin-1"))
    assert "Café" in read_document(q).text
    g = tmp_path / "greek.md"
    g.write_text("# TNF-α case\n\n## Results\n\nIFN-γ 5 µg/L, ﬁbrosis\n", encoding="utf-8")
    d = read_document(g)
    assert d.title == "TNF-α case" and "IFN-γ 5 µg/L, fibrosis" in d.text
    assert [s.name for s in d.sections] == ["Title", "Results"]


def test_heading_matching():
    assert match_heading("2. Case Presentation") == "Case presentation"
    assert match_heading("III. DISCUSSION") == "Discussion"
    assert match_heading("Conflicts of Interest") == "Conflict of interest"
    assert match_heading("Acknowledgments") == "Acknowledgements"
    assert match_heading("competing interests.") is None
    assert match_heading("The discussion was long") is None
    assert match_runin_heading("Abstract: Alemtuzumab is") == "Abstract"
    assert match_runin_heading("Funding. None.") == "Funding"
    assert match_runin_heading("Results were poor") is None
    for name in ("References", "Acknowledgements", "Conflict of interest", "Funding", "Competing interests"):
        assert name.lower() in EXCLUDED_SECTIONS


# ----------------------------------------------------------------------------- the corpus

def _corpus_cases() -> list[dict]:
    cases_json = ROOT / "corpus" / "cases.json"
    parts = sorted((ROOT / "corpus" / "parts").glob("*.json"))
    if not cases_json.exists() and not parts:
        return []
    return rp.load_cases(cases_json)


def corpus_similarity(tmp: Path, cases: list[dict]) -> dict[str, list[tuple[str, float]]]:
    result: dict[str, list[tuple[str, float]]] = {}
    for layout in LAYOUTS:
        for case in cases:
            path = tmp / f"{re.sub(r'[^A-Za-z0-9._-]+', '_', str(case['id']))}_{layout}.pdf"
            rp.render_case(case, path, layout)
            result.setdefault(layout, []).append((case["id"], similarity(case["text"], read_document(path).text)))
    return result


def test_corpus_in_all_layouts(tmp_path):
    cases = _corpus_cases()
    if not cases:
        pytest.skip("no corpus (corpus/cases.json or corpus/parts/*.json) yet")
    result = corpus_similarity(tmp_path, cases)
    for layout, rows in result.items():
        ratios = [r for _, r in rows]
        print(f"{layout:14s} n={len(ratios)} mean={sum(ratios) / len(ratios):.4f} min={min(ratios):.4f}")
        worst = min(rows, key=lambda r: r[1])
        assert worst[1] >= 0.99, (layout, worst)


def test_corpus_as_plain_text(tmp_path):
    cases = _corpus_cases()
    if not cases:
        pytest.skip("no corpus (corpus/cases.json or corpus/parts/*.json) yet")
    for case in cases:
        p = tmp_path / "case.txt"
        p.write_text(case["text"], encoding="utf-8")
        doc = read_document(p)
        assert doc.text == normalize_text(case["text"]).strip()
        assert doc.title == " ".join(case["text"].split("\n", 1)[0].split())
        names = [s.name for s in doc.sections]
        assert names[0] == "Title" and "Abstract" in names, names
        assert all(s.extract == (s.name.lower() not in EXCLUDED_SECTIONS) for s in doc.sections)


if __name__ == "__main__":  # corpus report: python tests/test_ingest.py
    import tempfile
    import time
    cases = _corpus_cases()
    if not cases:
        sys.exit("no corpus yet")
    t0 = time.time()
    with tempfile.TemporaryDirectory() as d:
        res = corpus_similarity(Path(d), cases)
    for layout, rows in res.items():
        ratios = [r for _, r in rows]
        worst = min(rows, key=lambda r: r[1])
        print(f"{layout:14s} n={len(ratios)} mean={sum(ratios) / len(ratios):.4f} "
              f"min={worst[1]:.4f} ({worst[0]})")
    print(f"{sum(len(r) for r in res.values())} PDFs rendered and read in {time.time() - t0:.1f} s")
