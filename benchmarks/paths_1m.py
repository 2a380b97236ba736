"""Path queries on a large synthetic store (an on-demand benchmark, not a test).

Generates a store of ``--claims`` claims (default 1,000,000) over ``--concepts`` concepts (default
100,000) straight through SQLite inserts into the schema `kgbuild.store.Store` creates, with a
realistic shape:

* concept popularity follows a power law (rank^-0.85), and ten named hub concepts
  ("Inflammation", "Interleukin-6", "Fever", ...) sit at the top, so a few concepts take part in
  tens of thousands of claims while most take part in a handful;
* predicates, negation (~13 %) and hedging (~9 %) in the proportions of our corpus; confidences
  are the rule priors of `kgbuild/claims.py` (× 0.6 when hedged);
* 20 claims per document, so popular triples are repeated across documents (belief accumulates,
  and some asserted triples are negated in other documents: contradicted edges);
* every document has its entities and one mention per entity (label, synonym or abbreviation).

Then two fresh child processes (so each peak RSS is that process's own):

1. ``build``: opens the store with no saved index and builds the edge and name index from the
   claims (``kgbuild.query.prepare``), which also saves it as STORE/graph-index.npz: the cost the
   first query after a ``kgbuild build`` pays;
2. ``measure``: opens the store, loads the saved index (what every later process pays), and
   times ``find_paths(store, source, target, max_hops=4)`` (default limit 10, evidence included)
   for ``--pairs`` random source/target pairs (a source with outgoing edges, a target with
   incoming edges; two warm-up queries first), plus hub-to-hub and hub-to-rare queries reported
   separately.

Prints one JSON object (and writes it to outputs/benchmarks/paths_1m.json): store size, open
time, index build and load time, median/p95/max query milliseconds, paths found, peak RSS.

A store that already exists with the same parameters is reused (``--store DIR``; default
``outputs/benchmarks/store_1m``). Generating the default store takes about a minute and ~1.1 GB
of disk (the claims carry their evidence JSON, as real ones do); the rest well under a minute.

Usage: .venv/bin/python benchmarks/paths_1m.py [--claims 1000000] [--concepts 100000] [--pairs 20]
       [--store DIR] [--regenerate]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kgbuild.store import DB_NAME, MODEL_NAME, Store  # noqa: E402

OUT = ROOT / "outputs" / "benchmarks" / "paths_1m.json"
DEFAULT_STORE = ROOT / "outputs" / "benchmarks" / "store_1m"

HUBS = [("Inflammation", "process"), ("Interleukin-6", "cytokine"), ("Fever", "disease"),
        ("C-reactive protein", "lab_marker"), ("Apoptosis", "process"), ("Tumor necrosis factor", "cytokine"),
        ("Thrombosis", "disease"), ("Acute kidney injury", "disease"), ("Neutrophil count", "lab_marker"),
        ("Cytokine release syndrome", "disease")]
TYPES = [("drug", 0.25), ("disease", 0.33), ("lab_marker", 0.12), ("process", 0.12), ("gene", 0.08),
         ("cytokine", 0.03), ("chemical", 0.04), ("drug_class", 0.03)]
PREDICATES = [("causes", 0.49), ("increases", 0.21), ("decreases", 0.10), ("treats", 0.18),
              ("associated_with", 0.015), ("biomarker_for", 0.005)]
RULES = [("causal_verb", 0.85), ("passive", 0.85), ("x_induced_y", 0.8), ("secondary_to", 0.8),
         ("lab_after_drug", 0.65), ("indication", 0.65), ("biomarker", 0.6), ("temporal", 0.5),
         ("association", 0.45)]
SECTIONS = ["Abstract", "Case presentation", "Discussion", "Conclusion"]
CLAIMS_PER_DOC = 20
ALPHA = 0.85


def make_store(directory: Path, n_claims: int = 1_000_000, n_concepts: int = 100_000, seed: int = 7,
               claims_per_doc: int = CLAIMS_PER_DOC) -> dict:
    """Write a synthetic store into `directory` (which must not hold one yet); returns its parameters."""
    import numpy as np

    directory = Path(directory)
    if (directory / DB_NAME).exists():
        raise FileExistsError(directory / DB_NAME)
    rng = np.random.default_rng(seed)
    pyrng = random.Random(seed)
    Store(directory).close()                       # the real schema
    import sqlite3
    conn = sqlite3.connect(directory / DB_NAME)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA journal_mode = MEMORY")

    # concepts: rank 0 .. len(HUBS)-1 are the hubs; the rest get a random type
    type_names = [t for t, _ in TYPES]
    types = rng.choice(len(TYPES), size=n_concepts, p=[w for _, w in TYPES])
    curies, labels, ctypes = [], [], []
    for i in range(n_concepts):
        if i < len(HUBS):
            label, typ = HUBS[i]
        else:
            typ = type_names[types[i]]
            label = f"{typ.replace('_', ' ')} {i}"
        curies.append(f"SYN:{i:06d}")
        labels.append(label)
        ctypes.append(typ)

    # power-law popularity: endpoint draws by rank
    weights = 1.0 / np.arange(1, n_concepts + 1) ** ALPHA
    weights /= weights.sum()
    subj = rng.choice(n_concepts, size=n_claims, p=weights)
    obj = rng.choice(n_concepts, size=n_claims, p=weights)
    same = subj == obj
    obj[same] = (obj[same] + 1 + rng.integers(0, n_concepts - 1, same.sum())) % n_concepts
    pred = rng.choice(len(PREDICATES), size=n_claims, p=[w for _, w in PREDICATES])
    negated = rng.random(n_claims) < 0.13
    hedged = rng.random(n_claims) < 0.09
    rule = rng.integers(0, len(RULES), n_claims)
    page = rng.integers(1, 4, n_claims)
    section = rng.integers(0, len(SECTIONS), n_claims)

    n_docs = (n_claims + claims_per_doc - 1) // claims_per_doc
    doc_ids = [f"{pyrng.getrandbits(256):064x}" for _ in range(n_docs)]
    now = "2025-01-01T00:00:00+00:00"
    with conn:
        conn.executemany("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?)",
                         ((d, f"synthetic/case{k:06d}.pdf", f"Synthetic case report {k}", 3,
                           f"Synthetic case report {k}.", '[{"page_starts": [0, 4000, 8000]}]', now, "0.1.0",
                           MODEL_NAME) for k, d in enumerate(doc_ids)))
        conn.executemany("INSERT INTO concepts VALUES (?,?,?,?,?)",
                         ((c, l, t, json.dumps([f"XREF:{i}"]), json.dumps([f"{l} syn"]))
                          for i, (c, l, t) in enumerate(zip(curies, labels, ctypes))))

        def claim_rows():
            for i in range(n_claims):
                s, o, p = int(subj[i]), int(obj[i]), PREDICATES[pred[i]][0]
                r, conf = RULES[rule[i]]
                h = bool(hedged[i])
                conf = round(conf * (0.6 if h else 1.0), 3)
                neg = bool(negated[i])
                start = 100 * (i % claims_per_doc)
                text = (f"In this patient {labels[s]} {'did not ' if neg else ''}{'may have ' if h else ''}"
                        f"{p.replace('_', ' ')} {labels[o]} (synthetic sentence {i}).")
                ev = json.dumps([{"text": text, "start": start, "end": start + len(text), "page": int(page[i]),
                                  "section": SECTIONS[section[i]], "trigger": p, "rule": r}])
                yield (f"claim:{i:016x}", doc_ids[i // claims_per_doc], curies[s], p, curies[o], int(neg), int(h),
                       conf, ev, MODEL_NAME, "0.1.0")
        conn.executemany("INSERT INTO claims VALUES (?,?,?,?,?,?,?,?,?,?,?)", claim_rows())

        def entity_rows():
            for k, d in enumerate(doc_ids):
                seen = set()
                for i in range(k * claims_per_doc, min(n_claims, (k + 1) * claims_per_doc)):
                    for c in (int(subj[i]), int(obj[i])):
                        if c not in seen:
                            seen.add(c)
                            yield d, c
        ents = list(entity_rows())
        conn.executemany("INSERT INTO entities VALUES (?,?,?)", ((d, curies[c], ctypes[c]) for d, c in ents))
        forms = rng.integers(0, 3, len(ents))
        conn.executemany("INSERT INTO mentions VALUES (?,?,?,?,?,?,?)",
                         ((d, curies[c], (labels[c], f"{labels[c]} syn", f"A{c}")[int(f)], 0, 10, 1, "Discussion")
                          for (d, c), f in zip(ents, forms)))
        params = {"claims": n_claims, "concepts": n_concepts, "documents": n_docs, "seed": seed,
                  "alpha": ALPHA, "claims_per_doc": claims_per_doc}
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('synthetic', ?)", (json.dumps(params, sort_keys=True),))
    conn.close()
    return params


def _peak_rss_mib() -> float:
    """This process's peak RSS: VmHWM on Linux (getrusage's ru_maxrss survives exec, so a child
    started by a large parent would report the parent's size), ru_maxrss elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kb / 1024 if sys.platform != "darwin" else kb / 2**20, 1)


def build_index(directory: Path) -> dict:
    """Open the store and build its edge index from the claims (no saved index), this process only."""
    from kgbuild.graph import INDEX_FILE
    from kgbuild.query import prepare

    (Path(directory) / INDEX_FILE).unlink(missing_ok=True)
    t0 = time.perf_counter()
    store = Store(directory, create=False)
    prepare(store)                  # builds, then saves STORE/graph-index.npz for the next process
    t = time.perf_counter() - t0
    store.close()
    return {"index_build_seconds": round(t, 2), "peak_rss_mib": _peak_rss_mib(),
            "index_file_mib": round((Path(directory) / INDEX_FILE).stat().st_size / 2**20, 1)}


def measure(directory: Path, pairs: int = 20, max_hops: int = 4, seed: int = 1) -> dict:
    """Open the store, load the saved index, time find_paths on random pairs (this process only)."""
    from kgbuild.graph import edge_index
    from kgbuild.query import find_paths, prepare

    rss_before = _peak_rss_mib()
    t0 = time.perf_counter()
    store = Store(directory, create=False)
    t_open = time.perf_counter() - t0
    t0 = time.perf_counter()
    prepare(store)
    t_index = time.perf_counter() - t0
    idx = edge_index(store)
    rng = random.Random(seed)
    out_deg, in_deg = idx.out_degree(), idx.in_degree()
    sources = [i for i in range(idx.n_nodes) if out_deg[i] > 0]
    targets = [i for i in range(idx.n_nodes) if in_deg[i] > 0]
    hubs = sorted(range(idx.n_nodes), key=lambda i: -(out_deg[i] + in_deg[i]))[:5]
    rare = [i for i in targets if in_deg[i] + out_deg[i] <= 2]

    def run(pairs_: list[tuple[int, int]]) -> list[dict]:
        rows = []
        for a, b in pairs_:
            s, t = idx.nodes[a], idx.nodes[b]
            t0 = time.perf_counter()
            res = find_paths(store, s, t, max_hops=max_hops)
            ms = (time.perf_counter() - t0) * 1000
            rows.append({"source": s, "target": t, "ms": round(ms, 2), "paths": len(res["paths"]),
                         "best_hops": res["paths"][0]["hops"] if res["paths"] else None,
                         "source_degree": int(out_deg[a] + in_deg[a]), "target_degree": int(out_deg[b] + in_deg[b])})
        return rows

    random_pairs = []
    while len(random_pairs) < pairs:
        a, b = rng.choice(sources), rng.choice(targets)
        if a != b:
            random_pairs.append((a, b))
    run(random_pairs[:2])                           # warm-up (first-call imports, page cache)
    rows = run(random_pairs)
    hub_rows = run([(hubs[0], hubs[1]), (hubs[2], hubs[3]), (hubs[0], rng.choice(rare)),
                    (rng.choice([i for i in sources if in_deg[i] + out_deg[i] <= 2]), hubs[1])])
    times = sorted(r["ms"] for r in rows)
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    stats = store.stats()
    store.close()
    return {
        "store": {"claims": stats["claims"], "concepts": stats["concepts"], "documents": stats["documents"],
                  "mentions": stats["mentions"], "edges": idx.n_edges,
                  "max_degree": int(max(out_deg[i] + in_deg[i] for i in hubs[:1])),
                  "db_mib": round((Path(directory) / DB_NAME).stat().st_size / 2**20, 1)},
        "open_seconds": round(t_open, 4),
        "index_load_seconds": round(t_index, 3),
        "query_ms": {"pairs": len(rows), "median": round(statistics.median(times), 2), "p95": p95,
                     "max": times[-1], "mean": round(statistics.fmean(times), 2),
                     "pairs_with_paths": sum(1 for r in rows if r["paths"])},
        "queries": rows,
        "hub_queries": hub_rows,
        "peak_rss_mib": _peak_rss_mib(),
        "peak_rss_before_open_mib": rss_before,
        "max_hops": max_hops,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--concepts", type=int, default=100_000)
    ap.add_argument("--pairs", type=int, default=20)
    ap.add_argument("--max-hops", type=int, default=4)
    ap.add_argument("--store", type=Path, default=DEFAULT_STORE)
    ap.add_argument("--regenerate", action="store_true", help="generate the store even if one exists")
    ap.add_argument("--child", choices=("build", "measure"), help=argparse.SUPPRESS)  # the child processes
    a = ap.parse_args(argv)

    if a.child == "build":
        print(json.dumps(build_index(a.store)))
        return 0
    if a.child == "measure":
        print(json.dumps(measure(a.store, a.pairs, a.max_hops)))
        return 0

    wanted = {"claims": a.claims, "concepts": a.concepts, "seed": 7, "alpha": ALPHA, "claims_per_doc": CLAIMS_PER_DOC}
    existing = None
    if (a.store / DB_NAME).exists() and not a.regenerate:
        import sqlite3
        with sqlite3.connect(a.store / DB_NAME) as c:
            row = c.execute("SELECT value FROM meta WHERE key = 'synthetic'").fetchone()
        existing = json.loads(row[0]) if row else None
        if existing is not None:
            existing = {k: existing.get(k) for k in wanted}
    t_gen = None
    if existing != wanted:
        if (a.store / DB_NAME).exists():
            for f in a.store.iterdir():
                if f.name.startswith(DB_NAME):
                    f.unlink()
        t0 = time.perf_counter()
        make_store(a.store, a.claims, a.concepts)
        t_gen = round(time.perf_counter() - t0, 1)
    results = []
    for child in ("build", "measure"):
        p = subprocess.run([sys.executable, __file__, "--child", child, "--store", str(a.store),
                            "--pairs", str(a.pairs), "--max-hops", str(a.max_hops)], capture_output=True, text=True)
        if p.returncode != 0:
            sys.stderr.write(p.stderr)
            return p.returncode
        results.append(json.loads(p.stdout.strip().splitlines()[-1]))
    cold, result = results
    result = {"benchmark": "paths_1m", "generate_seconds": t_gen, "index_build": cold, **result,
              "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                          "platform": platform.platform()}}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
