"""Accuracy and speed on our own corpus, with the shared scorer.

Runs ../shared/eval/score_cases.py on the corpus PDFs (entities, claims, negation errors, gold
paths) and on the plain text, and times a cold `kgbuild build` of the corpus. Prints one JSON
object and writes it to outputs/benchmarks/corpus.json. Speed and memory: benchmarks/speed.py.

Usage: python benchmarks/corpus_scores.py [--shared ../shared]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def kgbuild() -> str:
    exe = Path(sys.executable).with_name("kgbuild")
    return str(exe)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    a = ap.parse_args()
    cases = ROOT / "corpus" / "cases.json"
    pdfs = ROOT / "corpus" / "pdf"
    result: dict = {}
    p = subprocess.run([sys.executable, str(Path(a.shared) / "eval" / "score_cases.py"), "--kgbuild", kgbuild(),
                        "--cases", str(cases), "--docs", str(pdfs), "--paths"], capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(p.stderr[-2000:])
    result["score_cases_pdf"] = json.loads(p.stdout.strip().splitlines()[-1])
    p = subprocess.run([sys.executable, str(Path(a.shared) / "eval" / "score_cases.py"), "--kgbuild", kgbuild(),
                        "--cases", str(cases), "--docs", str(pdfs), "--text"], capture_output=True, text=True)
    result["score_cases_text"] = json.loads(p.stdout.strip().splitlines()[-1])
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        p = subprocess.run([kgbuild(), "build", str(pdfs), "--store", str(Path(tmp) / "s"), "--quiet"],
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit(p.stderr[-500:])
        result["build_corpus_seconds"] = round(time.perf_counter() - t0, 2)
        result["build_corpus_documents"] = len(list(pdfs.glob("*.pdf")))
    out = ROOT / "outputs" / "benchmarks"
    out.mkdir(parents=True, exist_ok=True)
    (out / "corpus.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
