"""The store is never half-written: per-document transactions, kill-safety, removal."""
from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time

import pytest

from conftest import PDF_DIR, kgbuild_cmd, run_kgbuild
from kgbuild.model import Claim, Document, Entity, Evidence, Extraction, Mention
from kgbuild.store import Store


def _extraction(doc_id: str, bad: bool = False) -> Extraction:
    doc = Document(id=doc_id, source=f"{doc_id}.txt", text="Heparin caused thrombocytopenia.", title="t")
    ents = [Entity("CHEBI:28304", "heparin", "drug", [Mention("Heparin", 0, 7)]),
            Entity("MESH:D013921", "thrombocytopenia", "adverse_event", [Mention("thrombocytopenia", 15, 31)])]
    ev = Evidence("Heparin caused thrombocytopenia.", 0, 32)
    if bad:
        ev.page = object()          # not serialisable: fails half-way through the write
    claims = [Claim("CHEBI:28304", "causes", "MESH:D013921", evidence=[ev], document_id=doc_id)]
    return Extraction(doc, ents, claims)


def test_failed_write_leaves_store_unchanged(tmp_path):
    with Store(tmp_path / "s") as store:
        store.add(_extraction("a"))
        before = store.stats()
        with pytest.raises(TypeError):
            store.add(_extraction("b", bad=True))
        assert store.stats() == before
        assert not store.has_document("b")


def test_remove_document_removes_its_claims_and_orphan_concepts(tmp_path):
    with Store(tmp_path / "s") as store:
        store.add(_extraction("a"))
        assert store.stats()["claims"] == 1
        assert store.remove_document("a")
        s = store.stats()
        assert s["claims"] == 0 and s["mentions"] == 0 and s["concepts"] == 0


def test_build_killed_midway_is_consistent_and_resumes(tmp_path):
    store = tmp_path / "store"
    db_path = store / "kgbuild.sqlite"
    proc = subprocess.Popen(kgbuild_cmd() + ["build", str(PDF_DIR), "--store", str(store), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    landed = 0
    while time.time() < deadline and proc.poll() is None:
        if db_path.exists():
            try:
                landed = sqlite3.connect(db_path).execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            except sqlite3.OperationalError:
                landed = 0
            if landed >= 2:
                break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    total = len(list(PDF_DIR.glob("*.pdf")))
    db = sqlite3.connect(db_path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    n = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    assert 2 <= n < total, "the kill should land mid-build"
    # every stored document is complete: it has its entities, and no claim points at a missing document
    assert db.execute("SELECT COUNT(*) FROM documents d WHERE NOT EXISTS "
                      "(SELECT 1 FROM entities e WHERE e.doc_id = d.id)").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM claims c WHERE NOT EXISTS "
                      "(SELECT 1 FROM documents d WHERE d.id = c.doc_id)").fetchone()[0] == 0
    db.close()
    p = run_kgbuild("build", PDF_DIR, "--store", store, "--quiet")
    assert f"{total - n} added" in p.stderr and f"{n} unchanged" in p.stderr
    stats = json.loads(run_kgbuild("stats", "--store", store, "--format", "json").stdout)
    assert stats["documents"] == total


def test_changed_file_replaces_its_document(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    f = src / "report.txt"
    f.write_text("Case report\n\nHeparin caused thrombocytopenia in a patient.\n")
    store = tmp_path / "store"
    run_kgbuild("build", src, "--store", store, "--quiet")
    f.write_text("Case report\n\nWarfarin caused bleeding in a patient.\n")
    p = run_kgbuild("build", src, "--store", store, "--quiet")
    assert "1 replaced" in p.stderr
    with Store(store) as s:
        docs = s.documents()
        assert len(docs) == 1
        labels = {c["label"].lower() for c in s.concepts().values()}
    assert "warfarin" in labels and "heparin" not in labels


def test_cli_remove_document(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Case report\n\nHeparin caused thrombocytopenia in a patient.\n")
    (src / "b.txt").write_text("Case report\n\nWarfarin caused bleeding in a patient.\n")
    store = tmp_path / "store"
    run_kgbuild("build", src, "--store", store, "--quiet")
    run_kgbuild("remove", src / "a.txt", "--store", store)
    with Store(store) as s:
        assert [d["source"] for d in s.documents()] == [str(src / "b.txt")]
        labels = {c["label"].lower() for c in s.concepts().values()}
        assert "heparin" not in labels and s.stats()["claims"] >= 1
    p = run_kgbuild("remove", "nothing-like-this", "--store", store, check=False)
    assert p.returncode == 1 and len(p.stderr.strip().splitlines()) == 1
