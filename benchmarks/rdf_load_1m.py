"""Bulk-loading the RDF of 1,000,000 claims into Oxigraph (an on-demand benchmark, not a test).

What `kgbuild serve` does on start and on every reload is (1) stream the store's graph as
N-Triples with `kgbuild.rdf.write_ntriples` and (2) bulk-load it with `oxigraph load` (flags
`kgbuild.serve.LOADER_FLAGS`) into a fresh database. This measures (2) at 1M claims, and (1) on
one block of claims (extrapolated), so the two can be read together.

How the N-Triples are made (same shape as kgbuild.rdf, by construction):

1. a *template store* of ``--block`` claims (default 1,000) over ``--docs-per-block`` documents
   and ``--concepts-per-block`` concepts plus ``--hubs`` shared hub concepts is written straight
   into SQLite (the schema `kgbuild.store.Store` creates). Claims mix the six predicates; every
   7th is negated, every 5th hedged; each has one evidence sentence with page, section, trigger
   and rule. Every identifier of a block's own claims, documents and concepts carries the
   placeholder ``qqqqqqqq``;
2. that store is exported by kgbuild itself, ``kgbuild.rdf.export(store, "nt")`` — so the
   triples per claim, IRIs, datatypes and literals are exactly what the current rdf.py writes
   (and ``write_ntriples`` is timed: that is the serve/reload cost per claim);
3. the lines without the placeholder (hub concepts, activity, agent) are written once, and the
   block's lines are written ``claims / block`` times with the placeholder replaced by the block
   number (8 digits), spread over ``--shards`` files (blank-node labels, should the export ever
   have any, are made unique per block too). Claims of later blocks connect to the same hubs,
   so the graph is one component with hubs of high degree, like a real one.

Then ``oxigraph load --location DB --non-atomic --file SHARD...`` (Oxigraph's bulk loader, the
command and flags `kgbuild serve` uses; several files are parsed in parallel) is timed, and the loaded database is checked with ``oxigraph query``: the
triple count, and the number of ``biolink:Association`` resources, which must equal the number
of claims.

Prints one JSON object and writes it to outputs/benchmarks/rdf_load_1m.json. Needs about 5 GB
of temporary disk (N-Triples + database; removed afterwards unless ``--keep``) and runs in a few
minutes on 2 cores.

Usage: .venv/bin/python benchmarks/rdf_load_1m.py [--claims 1000000] [--block 1000] [--shards N]
       [--workdir DIR] [--keep]
"""
from __future__ import annotations

import argparse
import io
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kgbuild import __version__  # noqa: E402
from kgbuild.rdf import export, write_ntriples  # noqa: E402
from kgbuild.serve import LOADER_FILES, LOADER_FLAGS, find_oxigraph  # noqa: E402
from kgbuild.store import MODEL_NAME, Store  # noqa: E402

OUT = ROOT / "outputs" / "benchmarks" / "rdf_load_1m.json"
TAG = "qqqqqqqq"
PREDICATES = ("causes", "increases", "decreases", "treats", "associated_with", "biomarker_for")
CONFIDENCE = (0.85, 0.8, 0.65, 0.6, 0.5, 0.45)
TYPES = ("drug", "cytokine", "lab_marker", "disease", "process", "gene")
SECTIONS = ("Abstract", "Case presentation", "Discussion")


def concept_curie(typ: str, local: str) -> str:
    return {"drug": f"CHEBI:{local}", "cytokine": f"HGNC:{local}", "gene": f"HGNC:{local}",
            "lab_marker": f"LOINC:{local}-1", "disease": f"MONDO:{local}", "process": f"GO:{local}"}[typ]


def make_template_store(directory: Path, block: int, docs: int, concepts: int, hubs: int) -> Store:
    """One block of synthetic claims written straight into a kgbuild SQLite store."""
    store = Store(directory)
    hub_ids = [(concept_curie(TYPES[i % len(TYPES)], f"{9000000 + i}"), TYPES[i % len(TYPES)], f"hub {i}")
               for i in range(hubs)]
    own_ids = [(concept_curie(TYPES[i % len(TYPES)], f"{TAG}{i:04d}"), TYPES[i % len(TYPES)], f"concept {TAG}/{i}")
               for i in range(concepts)]
    with store.transaction() as c:
        for curie, typ, label in hub_ids + own_ids:
            c.execute("INSERT INTO concepts VALUES (?,?,?,?,?)",
                      (curie, label, typ, json.dumps([f"MESH:D{zlib.crc32(curie.encode()) % 10**6:06d}"] if typ == "drug" else []),
                       json.dumps([label, label.upper()])))
        doc_ids = [f"{TAG}{d:056x}" for d in range(docs)]
        for d, doc in enumerate(doc_ids):
            c.execute("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?)",
                      (doc, f"synthetic/{TAG}-{d:03d}.pdf", f"Synthetic case report {TAG}/{d}", 3, "", "[]",
                       "2026-01-01T00:00:00+00:00", __version__, MODEL_NAME))
        for j in range(block):
            subj = hub_ids[(j * 7) % hubs] if j % 4 == 0 else own_ids[(j * 31) % concepts]
            obj = hub_ids[(j * 11 + 3) % hubs] if j % 3 == 0 else own_ids[(j * 17 + 5) % concepts]
            if obj == subj:
                obj = own_ids[(j * 17 + 6) % concepts]
            pred = PREDICATES[j % len(PREDICATES)]
            hedged = j % 5 == 0
            conf = round(CONFIDENCE[j % len(CONFIDENCE)] * (0.6 if hedged else 1.0), 4)
            text = f"Synthetic sentence {TAG}/{j}: {subj[2]} {pred.replace('_', ' ')} {obj[2]} in this patient."
            start = (j * 97) % 5000
            ev = [{"text": text, "start": start, "end": start + len(text), "page": 1 + j % 3,
                   "section": SECTIONS[j % 3], "trigger": pred.split("_")[0], "rule": "causal_verb"}]
            c.execute("INSERT INTO claims VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                      (f"claim:{TAG}{j:08x}", doc_ids[j % docs], subj[0], pred, obj[0], int(j % 7 == 0), int(hedged),
                       conf, json.dumps(ev), MODEL_NAME, __version__))
    return store


def write_shards(static: list[str], block_lines: list[str], blocks: int, shards: list[Path]) -> int:
    """The static lines once, then `blocks` copies of the block with the placeholder numbered."""
    template = "".join(line + "\n" for line in block_lines)
    template = re.sub(r"_:(\w+)", rf"_:\1{TAG}", template)  # blank nodes: one set per block
    files = [open(p, "w", encoding="utf-8", buffering=1 << 22) for p in shards]
    try:
        files[0].write("".join(line + "\n" for line in static))
        for b in range(blocks):
            files[b % len(files)].write(template.replace(TAG, f"{b:08d}"))
    finally:
        for f in files:
            f.close()
    return len(static) + len(block_lines) * blocks


def oxigraph_count(oxigraph: str, db: Path, query: str) -> int:
    p = subprocess.run([oxigraph, "query", "--location", str(db), "--query", query, "--results-format", "tsv"],
                       capture_output=True, text=True, check=True)
    return int(p.stdout.splitlines()[1].split("^^")[0].strip('"'))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--block", type=int, default=1000, help="claims per template block")
    ap.add_argument("--docs-per-block", type=int, default=50)
    ap.add_argument("--concepts-per-block", type=int, default=200)
    ap.add_argument("--hubs", type=int, default=500)
    ap.add_argument("--shards", type=int, default=LOADER_FILES,
                    help="N-Triples files, parsed in parallel by oxigraph load (default: as many as `kgbuild serve` writes)")
    ap.add_argument("--workdir", type=Path, default=None, help="where the N-Triples and database go (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the N-Triples and the database")
    ap.add_argument("--loader-flags", default=" ".join(LOADER_FLAGS),
                    help="flags for `oxigraph load` (default: the ones `kgbuild serve` uses)")
    a = ap.parse_args()
    if a.claims % a.block:
        ap.error("--claims must be a multiple of --block")
    oxigraph = find_oxigraph()
    work = Path(tempfile.mkdtemp(prefix="rdf_load_1m-", dir=a.workdir))
    result: dict = {"claims": a.claims, "block": a.block, "shards": a.shards, "loader_flags": a.loader_flags, "machine": {
        "cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}}
    try:
        # 1-2: the template block, exported by kgbuild.rdf
        store = make_template_store(work / "template-store", a.block, a.docs_per_block, a.concepts_per_block, a.hubs)
        with store:
            text = export(store, "nt")  # sorted; also the warm-up (imports, IRI prefix cache)
            t = time.perf_counter()
            write_ntriples(store, io.StringIO())  # what `kgbuild serve` writes before loading
            export_s = time.perf_counter() - t
        lines = [ln for ln in text.splitlines() if ln.strip()]
        block_lines = [ln for ln in lines if TAG in ln]
        static = [ln for ln in lines if TAG not in ln]
        result["kgbuild_write_ntriples"] = {
            "claims": a.block, "triples": len(lines), "seconds": round(export_s, 3),
            "triples_per_second": round(len(lines) / export_s),
            "extrapolated_seconds_for_claims": round(export_s * a.claims / a.block, 1)}
        # 3: replicate into shards
        shards = [work / f"graph-{i}.nt" for i in range(max(1, a.shards))]
        t = time.perf_counter()
        written = write_shards(static, block_lines, a.claims // a.block, shards)
        result["ntriples"] = {"lines": written, "triples_per_claim": round(len(block_lines) / a.block, 2),
                              "bytes": sum(p.stat().st_size for p in shards),
                              "generate_seconds": round(time.perf_counter() - t, 1)}
        # the load itself, in a child process (its own peak RSS)
        db = work / "db"
        t = time.perf_counter()
        p = subprocess.Popen([oxigraph, "load", "--location", str(db), *a.loader_flags.split(), "--file", *map(str, shards)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        out, _ = p.communicate()
        load_s = time.perf_counter() - t
        rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if p.returncode != 0:
            print(out[-2000:], file=sys.stderr)
            raise SystemExit(f"oxigraph load failed with status {p.returncode}")
        db_bytes = sum(f.stat().st_size for f in db.rglob("*") if f.is_file())
        t = time.perf_counter()
        triples = oxigraph_count(oxigraph, db, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        claims = oxigraph_count(oxigraph, db, "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <https://w3id.org/biolink/vocab/Association> }")
        count_s = time.perf_counter() - t
        result["oxigraph_load"] = {
            "oxigraph": subprocess.run([oxigraph, "--version"], capture_output=True, text=True).stdout.strip(),
            "seconds": round(load_s, 1), "triples": triples, "triples_per_second": round(triples / load_s),
            "claims_loaded": claims, "claims_match": claims == a.claims, "database_bytes": db_bytes,
            "loader_peak_rss_mb": round(rss_kb / 1024), "target_seconds": 60, "within_target": load_s < 60,
            "count_queries_seconds": round(count_s, 1)}
    finally:
        if a.keep:
            result["workdir"] = str(work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    text = json.dumps(result, indent=2)
    print(text)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text + "\n")
    return 0 if result["oxigraph_load"]["claims_match"] else 1


if __name__ == "__main__":
    sys.exit(main())
