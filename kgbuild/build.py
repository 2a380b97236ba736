"""Build a store from files: find inputs, skip what is already there, add the rest.

A file whose content hash is already stored is skipped; a file whose content changed replaces the
document it came from. Each document lands in its own transaction, so a failure on one input
never affects the others and an interrupted build is finished by the next one.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .ingest import IngestError, read_document
from .model import content_hash
from .store import Store

INPUT_SUFFIXES = {".pdf", ".txt"}


def find_inputs(paths: list[str | Path]) -> tuple[list[Path], list[str]]:
    """Files to read (sorted, de-duplicated) and one error line per path that does not exist."""
    files, errors, seen = [], [], set()
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in INPUT_SUFFIXES)
        elif p.exists():
            found = [p]
        else:
            errors.append(f"{p}: no such file or directory")
            continue
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                files.append(f)
    return files, errors


@dataclass
class BuildReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)      # one-line reasons
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.replaced)} replaced, {len(self.skipped)} unchanged, "
                f"{len(self.failed)} failed in {self.seconds:.1f} s")


def build(paths: list[str | Path], store: Store, progress: bool | None = None) -> BuildReport:
    from tqdm import tqdm

    from .extract import Extractor

    t0 = time.perf_counter()
    report = BuildReport()
    files, errors = find_inputs(paths)
    report.failed.extend(errors)
    todo = []
    for f in files:
        try:
            digest = content_hash(f.read_bytes())
        except OSError as exc:
            report.failed.append(f"{f}: cannot read ({exc.strerror})")
            continue
        if store.has_document(digest):
            report.skipped.append(str(f))
        else:
            todo.append(f)
    if todo:
        extractor = Extractor()
        show = progress if progress is not None else sys.stderr.isatty()
        for f in tqdm(todo, desc="kgbuild build", unit="doc", disable=not show, file=sys.stderr):
            try:
                document = read_document(f)
            except IngestError as exc:
                report.failed.append(str(exc))
                continue
            extraction = extractor.from_document(document)
            previous = [d for d in store.documents_from(str(f)) if d != document.id]
            store.add(extraction, replaces=previous)
            (report.replaced if previous else report.added).append(str(f))
    report.seconds = time.perf_counter() - t0
    return report
