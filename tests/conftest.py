"""Shared fixtures: the CLI as a user runs it, the corpus PDFs, and one store built from them."""
from __future__ import annotations

import json
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


@pytest.fixture(scope="session")
def cases() -> list[dict]:
    return json.loads((CORPUS / "cases.json").read_text())["cases"]


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory) -> Path:
    """A store built once from every corpus PDF, as `kgbuild build` does it."""
    store = tmp_path_factory.mktemp("store") / "store"
    run_kgbuild("build", PDF_DIR, "--store", store, "--quiet")
    return store


@pytest.fixture(scope="session")
def schemas() -> dict:
    return {name: json.loads((SPEC / f"{name}.schema.json").read_text())
            for name in ("extract-output", "paths-output")}
