"""The command-line contract on real PDFs of the corpus: schemas, build, paths, bad input."""
from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import jsonschema
import pytest

from conftest import PDF_DIR, ROOT, SPEC, run_kgbuild

SHARED_SPEC = ROOT.parent / "shared" / "spec"


@pytest.mark.skipif(not SHARED_SPEC.exists(), reason="../shared/spec not beside this checkout")
def test_vendored_schemas_match_shared_spec():
    for f in SHARED_SPEC.glob("*.json"):
        assert (SPEC / f.name).read_text() == f.read_text(), f"tests/spec/{f.name} differs from ../shared/spec"


def test_extract_json_is_valid_and_located(schemas):
    pdf = PDF_DIR / "case01.pdf"
    out = json.loads(run_kgbuild("extract", pdf, "--format", "json").stdout)
    jsonschema.validate(out, schemas["extract-output"])
    doc = out["document"]
    assert doc["pages"] >= 2 and doc["text"] and doc["sections"]
    labels = {e["label"].lower(): e for e in out["entities"]}
    assert any("alemtuzumab" in k for k in labels)
    # every mention's offsets index the cleaned text, and every mention knows its page and section
    for e in out["entities"]:
        for m in e["mentions"]:
            assert doc["text"][m["start"]:m["end"]] == m["text"]
            assert m["page"] is not None and m["section"]
    sections = doc["sections"]
    for c in out["claims"]:
        ev = c["evidence"][0]
        assert doc["text"][ev["start"]:ev["end"]] == ev["text"]
        # an evidence sentence never runs on into the next (possibly excluded) section
        sec = next(s for s in sections if s["start"] <= ev["start"] < s["end"])
        assert ev["end"] <= sec["end"], (ev["text"][-200:], sec["name"])
        assert ev["section"] not in ("References", "Conflict of interest", "Acknowledgements", "Funding")
    # nothing is read from the references
    refs = [s for s in doc["sections"] if s["name"] == "References"]
    assert refs and not refs[0]["extract"]
    for e in out["entities"]:
        for m in e["mentions"]:
            assert not (refs[0]["start"] <= m["start"] < refs[0]["end"])


def test_extract_several_files_gives_jsonl_in_order(schemas):
    files = [PDF_DIR / "case03.pdf", PDF_DIR / "case01.pdf", PDF_DIR / "case02.pdf"]
    lines = run_kgbuild("extract", *files, "--format", "jsonl").stdout.splitlines()
    assert len(lines) == 3
    for f, line in zip(files, lines):
        out = json.loads(line)
        jsonschema.validate(out, schemas["extract-output"])
        assert out["document"]["source"] == str(f)


def test_extract_table_is_readable():
    out = run_kgbuild("extract", PDF_DIR / "case01.pdf", "--format", "table").stdout
    assert "Entities" in out and "Claims" in out and "alemtuzumab" in out.lower()


def test_paths_alemtuzumab_mechanism(corpus_store, schemas):
    p = run_kgbuild("paths", "alemtuzumab", "D-dimer", "--store", corpus_store, "--format", "json")
    out = json.loads(p.stdout)
    jsonschema.validate(out, schemas["paths-output"])
    chains = [[n["label"].lower() for n in path["nodes"]] for path in out["paths"]]
    assert any(len(c) == 4 and "alemtuzumab" in c[0] and ("interleukin" in c[1] or "il6" in c[1])
               and "d-dimer" in c[3] for c in chains), chains
    scores = [p["score"] for p in out["paths"]]
    assert scores == sorted(scores, reverse=True)
    for path in out["paths"]:
        for a, b, e in zip(path["nodes"], path["nodes"][1:], path["edges"]):
            assert {e["subject"], e["object"]} == {a["id"], b["id"]}
            assert e["claims"] and e["evidence"][0]["text"]


def test_paths_table_shows_evidence(corpus_store):
    out = run_kgbuild("paths", "alemtuzumab", "D-dimer", "--store", corpus_store).stdout
    assert "→" in out and "p. " in out and "case01.pdf" in out


def test_paths_by_synonym_abbreviation_and_curie(corpus_store):
    a = json.loads(run_kgbuild("paths", "IL-6", "D-dimer", "--store", corpus_store, "--format", "json").stdout)
    b = json.loads(run_kgbuild("paths", "HGNC:6018", "d-dimer", "--store", corpus_store, "--format", "json").stdout)
    assert a["from"]["id"] == b["from"]["id"] == "HGNC:6018"


def test_paths_unknown_name_suggests(corpus_store):
    p = run_kgbuild("paths", "alemtuzumob", "D-dimer", "--store", corpus_store, check=False)
    assert p.returncode == 1
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "alemtuzumab" in lines[0].lower() and "Traceback" not in p.stderr


def test_build_second_run_skips_unchanged(corpus_store):
    p = run_kgbuild("build", PDF_DIR, "--store", corpus_store, "--quiet")
    assert "0 added" in p.stderr and "unchanged" in p.stderr


def test_stats_claims_export(corpus_store, tmp_path):
    stats = json.loads(run_kgbuild("stats", "--store", corpus_store, "--format", "json").stdout)
    assert stats["documents"] == len(list(PDF_DIR.glob("*.pdf")))
    claims = run_kgbuild("claims", "--store", corpus_store, "--entity", "alemtuzumab").stdout
    assert "alemtuzumab" in claims.lower()
    for fmt in ("ttl", "nt", "nq", "jsonld", "graphml"):
        out = tmp_path / f"g.{fmt}"
        run_kgbuild("export", "--store", corpus_store, "--format", fmt, "-o", out)
        assert out.stat().st_size > 1000
    run_kgbuild("export", "--store", corpus_store, "--format", "kgx", "-o", tmp_path / "kgx")
    assert (tmp_path / "kgx" / "nodes.tsv").exists() and (tmp_path / "kgx" / "edges.tsv").exists()
    p = run_kgbuild("export", "--store", corpus_store, "--format", "kgx", check=False)
    assert p.returncode == 1 and "-o" in p.stderr


# -- bad input -------------------------------------------------------------------------------------
@pytest.fixture()
def bad_inputs(tmp_path) -> dict[str, Path]:
    from pypdf import PdfWriter
    from reportlab.pdfgen import canvas

    notpdf = tmp_path / "notes.pdf"
    notpdf.write_text("this is not a PDF")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    scanned = tmp_path / "scanned.pdf"
    c = canvas.Canvas(str(scanned))
    c.rect(50, 50, 300, 400, fill=1)
    c.showPage()
    c.save()
    encrypted = tmp_path / "locked.pdf"
    w = PdfWriter(clone_from=str(PDF_DIR / "case02.pdf"))
    w.encrypt(user_password="secret", owner_password="owner")
    with open(encrypted, "wb") as fh:
        w.write(fh)
    return {"notpdf": notpdf, "empty": empty, "scanned": scanned, "encrypted": encrypted,
            "missing": tmp_path / "missing.pdf"}


@pytest.mark.parametrize("kind", ["notpdf", "empty", "scanned", "encrypted", "missing"])
def test_extract_bad_input_one_line_error(bad_inputs, kind):
    p = run_kgbuild("extract", bad_inputs[kind], check=False)
    assert p.returncode == 1
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert "Traceback" not in p.stderr and str(bad_inputs[kind].name) in lines[0]
    assert p.stdout == ""


def test_build_with_bad_files_keeps_the_good_ones(bad_inputs, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    for k in ("notpdf", "empty", "scanned", "encrypted"):
        (folder / bad_inputs[k].name).write_bytes(bad_inputs[k].read_bytes())
    (folder / "case05.pdf").write_bytes((PDF_DIR / "case05.pdf").read_bytes())
    store = tmp_path / "store"
    p = run_kgbuild("build", folder, "--store", store, "--quiet", check=False)
    assert p.returncode == 0 and "Traceback" not in p.stderr
    assert p.stderr.count("kgbuild: skipped") == 4
    db = sqlite3.connect(store / "kgbuild.sqlite")
    assert db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM claims").fetchone()[0] > 0
    strict = run_kgbuild("build", folder, "--store", store, "--quiet", "--strict", check=False)
    assert strict.returncode == 1


def test_query_on_missing_store_is_one_line(tmp_path):
    p = run_kgbuild("paths", "a", "b", "--store", tmp_path / "nowhere", check=False)
    assert p.returncode == 1 and len(p.stderr.strip().splitlines()) == 1 and "no kgbuild store" in p.stderr


def test_paths_unknown_name_in_json_is_a_valid_empty_answer(corpus_store, schemas):
    p = run_kgbuild("paths", "alemtuzumob", "D-dimer", "--store", corpus_store, "--format", "json", check=False)
    assert p.returncode == 0
    out = json.loads(p.stdout)
    jsonschema.validate(out, schemas["paths-output"])
    assert out["paths"] == [] and "alemtuzumab" in out["error"].lower()
    assert len(p.stderr.strip().splitlines()) == 1


def test_explain_and_html_paths(corpus_store, tmp_path):
    out = json.loads(run_kgbuild("explain", "alemtuzumab", "IL-6", "--store", corpus_store, "--format", "json").stdout)
    assert out["asserted_claims"] >= 1 and out["edges"][0]["asserted"][0]["sentence"]
    table = run_kgbuild("explain", "alemtuzumab", "IL-6", "--store", corpus_store).stdout
    assert "increases" in table and "case01.pdf" in table
    page = tmp_path / "paths.html"
    run_kgbuild("paths", "alemtuzumab", "D-dimer", "--store", corpus_store, "--format", "html", "-o", page)
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "Interleukin-6" in html
    # self-contained: nothing is loaded from elsewhere
    assert not re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', html)


def test_path_labels_show_full_names_not_abbreviations(corpus_store):
    out = json.loads(run_kgbuild("paths", "warfarin", "gastrointestinal bleeding", "--store", corpus_store,
                                 "--format", "json").stdout)
    labels = [n["label"] for p in out["paths"] for n in p["nodes"]]
    assert "Gastrointestinal Hemorrhage (gastrointestinal bleeding)" in labels, labels
