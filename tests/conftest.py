"""Shared fixtures: the CLI as a user runs it, the corpus PDFs, and one store built from them."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
PDF_DIR = CORPUS / "pdf"
SPEC = Path(__file__).resolve().parent / "spec"


def kgbuild_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("kgbuild")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "kgbuild.cli"]


def run_kgbuild(*args: str, check: bool = True, timeout: int = 600) -> subprocess.CompletedProcess:
    p = subprocess.run(kgbuild_cmd() + [str(a) for a in args], capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"kgbuild {' '.join(map(str, args))} exited {p.returncode}: {p.stderr[-2000:]}")
    return p


def claims_with_rules(extractor, text: str) -> list[tuple[str, str, str, bool, str]]:
    """(subject label, predicate, object label, negated, evidence rule) of each claim of `text`, as
    `Extractor` reads it: the rule tells a rule's claim from the classifier's or a coreference reading."""
    from kgbuild.model import Document
    ex = extractor.from_document(Document(id="t", source="t.txt", text=text))
    label = {e.id: e.label.lower() for e in ex.entities}
    return [(label[c.subject], c.predicate, label[c.object], c.negated, c.evidence[0].rule) for c in ex.claims]


@pytest.fixture(scope="session")
def cases() -> list[dict]:
    return json.loads((CORPUS / "cases.json").read_text())["cases"]


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory) -> Path:
    """A store built once from every corpus PDF, as `kgbuild build` does it."""
    store = tmp_path_factory.mktemp("store") / "store"
    run_kgbuild("build", PDF_DIR, "--store", store, "--quiet")
    return store


THREE_REPORTS = [PDF_DIR / f"case0{i}.pdf" for i in (1, 2, 3)]


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A store of the first three corpus reports (alemtuzumab, …), built once; tests that change a
    store take a copy (`store_dir`)."""
    store = tmp_path_factory.mktemp("three") / "built"
    run_kgbuild("build", *THREE_REPORTS, "--store", store, "--quiet")
    return store


@pytest.fixture
def store_dir(built, tmp_path) -> Path:
    """A fresh copy of the three-report store for each test."""
    d = tmp_path / "store"
    shutil.copytree(built, d)
    return d


@pytest.fixture(scope="session")
def schemas() -> dict:
    return {name: json.loads((SPEC / f"{name}.schema.json").read_text())
            for name in ("extract-output", "paths-output")}
