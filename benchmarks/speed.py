"""Speed and memory of kgbuild on this machine (an on-demand benchmark, not a test).

Measures, each in a fresh child process started the way a user starts it:

* ``extract_cold_*``  — ``kgbuild extract corpus/pdf/case01.pdf --format json`` (median of 3),
  with the peak RSS of that child;
* ``startup_seconds`` — a process that only does ``from kgbuild.extract import Extractor;
  Extractor()`` (median of 3): interpreter start + imports + pipeline load;
* ``jsonl_*``         — one ``kgbuild extract FILE... --format jsonl --no-text`` over plain-text
  copies of the corpus case texts (corpus/cases.json, field "text"), replicated until there are
  at least 100,000 words (``str.split()``), with and without the measured start-up;
* ``pdf_*``           — the same over the 24 corpus PDFs (words counted from the case texts);
* ``build_corpus_seconds`` / ``rebuild_unchanged_seconds`` — ``kgbuild build corpus/pdf --store
  TMP --quiet`` into a new store, then again into the same store (every file skipped).

Peak RSS is the child's own ``ru_maxrss`` as returned by ``os.wait4`` for that one process, so
neither the benchmark process nor earlier, larger children can leak into it (a
``getrusage(RUSAGE_CHILDREN)`` high-water mark would).

Prints one JSON object and writes it to outputs/benchmarks/speed.json. Takes well under 3 minutes.

Usage: .venv/bin/python benchmarks/speed.py [--repeat 3] [--min-words 100000]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "corpus" / "cases.json"
PDFS = ROOT / "corpus" / "pdf"
OUT = ROOT / "outputs" / "benchmarks" / "speed.json"


def kgbuild_exe() -> str:
    exe = Path(sys.executable).with_name("kgbuild")
    if exe.exists():
        return str(exe)
    venv = ROOT / ".venv" / "bin" / "kgbuild"
    if venv.exists():
        return str(venv)
    found = shutil.which("kgbuild")
    if not found:
        raise SystemExit("kgbuild executable not found (run with .venv/bin/python)")
    return found


def run(cmd: list[str], stdout_path: Path | None = None) -> dict:
    """Run one child process; wall seconds and that child's own peak RSS (MiB) via os.wait4."""
    with tempfile.TemporaryFile() as err:
        out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
        try:
            t0 = time.perf_counter()
            p = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=ROOT)
            _, status, usage = os.wait4(p.pid, 0)
            seconds = time.perf_counter() - t0
            p.returncode = os.waitstatus_to_exitcode(status)   # reaped here; Popen must not wait again
        finally:
            if stdout_path:
                out.close()
        if p.returncode != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd)} exited {p.returncode}: "
                             f"{err.read().decode(errors='replace')[-1000:]}")
    # Linux reports ru_maxrss in KiB
    return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024}


def median_of(cmd: list[str], repeat: int, stdout_path: Path | None = None) -> dict:
    runs = [run(cmd, stdout_path) for _ in range(repeat)]
    return {"seconds": statistics.median(r["seconds"] for r in runs),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            "runs": [round(r["seconds"], 3) for r in runs]}


def count_lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(1 for line in f if line.strip())


def machine(kgbuild: str) -> dict:
    version = subprocess.run([kgbuild, "--version"], capture_output=True, text=True).stdout.strip()
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip()
    dirty = bool(subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True,
                                cwd=ROOT).stdout.strip())
    return {"nproc": int(nproc) if nproc.isdigit() else os.cpu_count(), "cpu": cpu,
            "python": platform.python_version(), "platform": platform.platform(),
            "kgbuild_version": version.removeprefix("kgbuild ").strip(),
            "git_commit": commit or None, "git_dirty": dirty}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per median (cold extract, start-up)")
    ap.add_argument("--min-words", type=int, default=100_000, help="words in the jsonl throughput input")
    a = ap.parse_args()

    t_start = time.perf_counter()
    kgbuild = kgbuild_exe()
    cases = json.loads(CASES.read_text(encoding="utf-8"))["cases"]
    words_by_id = {c["id"]: len(c["text"].split()) for c in cases}
    pdfs = sorted(PDFS.glob("*.pdf"))
    result: dict = {"machine": machine(kgbuild)}
    # other work on the machine inflates every timing: recorded so numbers can be judged
    result["machine"]["loadavg_1min_at_start"] = round(os.getloadavg()[0], 2)

    with tempfile.TemporaryDirectory(prefix="kgbuild-speed-") as tmp:
        tmp = Path(tmp)
        sink = tmp / "stdout"

        # 1. cold single-PDF extract
        r = median_of([kgbuild, "extract", str(PDFS / "case01.pdf"), "--format", "json"], a.repeat, sink)
        json.loads(sink.read_text(encoding="utf-8"))          # it produced one valid JSON object
        result["extract_cold_seconds"] = round(r["seconds"], 3)
        result["extract_cold_runs"] = r["runs"]
        result["extract_cold_peak_rss_mb"] = round(r["peak_rss_mb"], 1)

        # 2. start-up: interpreter + imports + pipeline load, nothing else
        r = median_of([sys.executable, "-c", "from kgbuild.extract import Extractor; Extractor()"], a.repeat)
        startup = r["seconds"]
        result["startup_seconds"] = round(startup, 3)
        result["startup_runs"] = r["runs"]
        result["startup_peak_rss_mb"] = round(r["peak_rss_mb"], 1)

        # 3./4. throughput over >= min_words of plain text, one process
        txt_dir = tmp / "txt"
        txt_dir.mkdir()
        files: list[Path] = []
        words = 0
        rep = 0
        while words < a.min_words:
            for c in cases:
                f = txt_dir / f"{c['id']}_r{rep:02d}.txt"
                f.write_text(c["text"], encoding="utf-8")
                files.append(f)
                words += words_by_id[c["id"]]
            rep += 1
        r = run([kgbuild, "extract", *map(str, files), "--format", "jsonl", "--no-text"], sink)
        if count_lines(sink) != len(files):
            raise SystemExit(f"jsonl run wrote {count_lines(sink)} lines for {len(files)} files")
        result["jsonl_files"] = len(files)
        result["jsonl_words"] = words
        result["jsonl_seconds"] = round(r["seconds"], 3)
        result["jsonl_words_per_second"] = round(words / r["seconds"])
        result["jsonl_words_per_second_excluding_startup"] = round(words / max(r["seconds"] - startup, 1e-9))
        result["peak_rss_mb"] = round(r["peak_rss_mb"], 1)

        # the 24 corpus PDFs (PDF reading included), words counted from the case texts
        pdf_words = sum(words_by_id[f.stem] for f in pdfs)
        r = run([kgbuild, "extract", *map(str, pdfs), "--format", "jsonl", "--no-text"], sink)
        if count_lines(sink) != len(pdfs):
            raise SystemExit(f"pdf jsonl run wrote {count_lines(sink)} lines for {len(pdfs)} files")
        result["pdf_files"] = len(pdfs)
        result["pdf_words"] = pdf_words
        result["pdf_seconds"] = round(r["seconds"], 3)
        result["pdf_words_per_second"] = round(pdf_words / r["seconds"])
        result["pdf_words_per_second_excluding_startup"] = round(pdf_words / max(r["seconds"] - startup, 1e-9))
        result["pdf_peak_rss_mb"] = round(r["peak_rss_mb"], 1)

        # 5. build into a new store, then rebuild with nothing changed
        store = tmp / "store"
        r = run([kgbuild, "build", str(PDFS), "--store", str(store), "--quiet"])
        result["build_corpus_seconds"] = round(r["seconds"], 3)
        result["build_corpus_documents"] = len(pdfs)
        result["build_corpus_peak_rss_mb"] = round(r["peak_rss_mb"], 1)
        r = run([kgbuild, "build", str(PDFS), "--store", str(store), "--quiet"])
        result["rebuild_unchanged_seconds"] = round(r["seconds"], 3)

    result["method"] = ("wall time (time.perf_counter) around one child process each; peak RSS = that "
                        "child's ru_maxrss from os.wait4; medians over --repeat runs; "
                        "excluding_startup subtracts startup_seconds")
    result["machine"]["loadavg_1min_at_end"] = round(os.getloadavg()[0], 2)
    result["benchmark_seconds"] = round(time.perf_counter() - t_start, 1)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
