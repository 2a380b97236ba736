"""Accuracy and speed on our own corpus, with the shared scorer.

Runs ../shared/eval/score_cases.py on the corpus PDFs (entities, claims, negation errors, gold
paths), then times a cold `kgbuild build` of the corpus and a cold single-file `extract`, and
measures words/s through `extract --format jsonl`. Prints one JSON object and writes it to
outputs/benchmarks/corpus.json.

Usage: python benchmarks/corpus_scores.py [--shared ../shared]
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def kgbuild() -> str:
    exe = Path(sys.executable).with_name("kgbuild")
    return str(exe)


def timed(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess, int]:
    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    p = subprocess.run(cmd, capture_output=True, text=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {p.stderr[-500:]}")
    return time.perf_counter() - t0, p, max(peak, before)


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
        secs, _, _ = timed([kgbuild(), "build", str(pdfs), "--store", str(Path(tmp) / "s"), "--quiet"])
        result["build_corpus_seconds"] = round(secs, 2)
        result["build_corpus_documents"] = len(list(pdfs.glob("*.pdf")))
    secs, _, peak = timed([kgbuild(), "extract", str(pdfs / "case01.pdf"), "--format", "json"])
    result["extract_one_pdf_cold_seconds"] = round(secs, 2)
    result["extract_one_pdf_peak_rss_mb"] = round(peak / 1024, 1)
    files = sorted(pdfs.glob("*.pdf"))
    secs, p, _ = timed([kgbuild(), "extract", *map(str, files), "--format", "jsonl", "--no-text"])
    texts = [json.loads(line) for line in p.stdout.splitlines()]
    words = 0
    for f in files:
        words += len(next(c for c in json.loads(cases.read_text())["cases"] if c["id"] == f.stem)["text"].split())
    result["extract_jsonl_corpus_seconds"] = round(secs, 2)
    result["extract_jsonl_words"] = words
    result["extract_jsonl_words_per_second_incl_startup"] = round(words / secs)
    assert len(texts) == len(files)
    out = ROOT / "outputs" / "benchmarks"
    out.mkdir(parents=True, exist_ok=True)
    (out / "corpus.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
