"""Reliability of claim confidence: is a claim of confidence c right about c of the time?

Claims are judged against gold annotations with the shared scorers' own matching:

* our corpus (corpus/cases.json, read from the PDFs): a claim is right when a gold claim has the
  same subject and object (entities mapped as `score_cases.py` maps them), the same polarity, and
  a compatible predicate class; claims whose subject or object is not a gold entity are left out
  (the scorer does not judge them either);
* BC5CDR development set (`--bc5cdr FILE`): a positive claim from a chemical to a disease is right
  when one of its (MeSH, MeSH) pairs is a gold chemical-induced-disease relation, as
  `score_external.py` counts it; other claims are not judged.

Prints one table per source — confidence bin, claims, mean confidence, observed precision — the
expected calibration error (ECE: the claim-weighted mean |precision − confidence| over the bins),
and precision by rule, and writes them to outputs/benchmarks/calibration.json.

Usage: .venv/bin/python benchmarks/calibration.py [--shared ../shared] [--bc5cdr FILE] [--limit N]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "outputs" / "benchmarks" / "calibration.json"
BINS = (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def corpus_judgements(sc) -> list[tuple[float, bool, str]]:
    """(confidence, right, rule) for every corpus claim the scorer can judge."""
    from kgbuild.extract import Extractor
    from kgbuild.ingest import read_document

    ex = Extractor()
    out = []
    for case in json.loads((ROOT / "corpus" / "cases.json").read_text())["cases"]:
        res = ex.from_document(read_document(ROOT / "corpus" / "pdf" / f"{case['id']}.pdf")).to_json()
        id2gold = {e["id"]: sc.map_entity(e, case["entities"]) for e in res["entities"]}
        for c in res["claims"]:
            s, o = id2gold.get(c["subject"]), id2gold.get(c["object"])
            if s is None or o is None:
                continue
            cls = sc.pred_class(c["predicate"])
            right = any(g["subject"] == s and g["object"] == o and g["negated"] == c["negated"] and (
                cls == "assoc" or cls == sc.gold_class(g["rel"]) or {cls, sc.gold_class(g["rel"])} == {"pos"})
                for g in case["claims"])
            out.append((c["confidence"], right, _rule(c)))
    return out


def bc5cdr_judgements(se, path: str, limit: int | None) -> list[tuple[float, bool, str]]:
    from kgbuild.extract import Extractor
    from kgbuild.model import Document

    ex = Extractor()
    docs = se.parse_pubtator(Path(path))[:limit or None]
    out = []
    documents = (Document(id=d["id"], source=f"bc5cdr_{d['id']}.txt", text=d["text"]) for d in docs)
    for d, res in zip(docs, ex.extract_documents(documents)):
        res = res.to_json()
        fam, mesh = {}, {}
        for e in res["entities"]:
            t = (e.get("type") or "").lower()
            fam[e["id"]] = "chem" if t in se.CHEM_FAMILY else "dis" if t in se.COND_FAMILY else None
            mesh[e["id"]] = se.mesh_ids(e)
        for c in res["claims"]:
            if c["negated"] or not (c["predicate"] or "").lower().startswith(se.POSITIVE):
                continue
            if fam.get(c["subject"]) != "chem" or fam.get(c["object"]) != "dis":
                continue
            pairs = {(a, b) for a in mesh[c["subject"]] for b in mesh[c["object"]]}
            if pairs:
                out.append((c["confidence"], bool(pairs & d["cid"]), _rule(c)))
    return out


def _rule(claim: dict) -> str:
    ev = claim.get("evidence") or [{}]
    return ev[0].get("rule") or "-"


def reliability(judged: list[tuple[float, bool, str]]) -> dict:
    bins = []
    for lo, hi in zip(BINS, BINS[1:]):
        xs = [(c, r) for c, r, _ in judged if lo <= c < hi]
        if xs:
            bins.append({"bin": f"[{lo:.1f}, {min(hi, 1.0):.1f}{']' if hi > 1 else ')'}", "claims": len(xs),
                         "mean_confidence": round(sum(c for c, _ in xs) / len(xs), 3),
                         "precision": round(sum(r for _, r in xs) / len(xs), 3)})
    n = sum(b["claims"] for b in bins)
    ece = sum(b["claims"] * abs(b["precision"] - b["mean_confidence"]) for b in bins) / n if n else 0.0
    by_rule = defaultdict(list)
    for c, r, rule in judged:
        by_rule[rule].append((c, r))
    rules = {k: {"claims": len(v), "mean_confidence": round(sum(c for c, _ in v) / len(v), 3),
                 "precision": round(sum(r for _, r in v) / len(v), 3)}
             for k, v in sorted(by_rule.items(), key=lambda kv: -len(kv[1]))}
    return {"claims": n, "ece": round(ece, 3), "bins": bins, "by_rule": rules}


def _print(name: str, rel: dict) -> None:
    print(f"\n{name}: {rel['claims']} judged claims, ECE {rel['ece']}")
    print("| confidence | claims | mean confidence | precision |\n|---|---|---|---|")
    for b in rel["bins"]:
        print(f"| {b['bin']} | {b['claims']} | {b['mean_confidence']} | {b['precision']} |")
    print("| rule | claims | mean confidence | precision |\n|---|---|---|---|")
    for k, v in rel["by_rule"].items():
        print(f"| {k} | {v['claims']} | {v['mean_confidence']} | {v['precision']} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--bc5cdr", help="a PubTator file (the BC5CDR development set)")
    ap.add_argument("--limit", type=int, help="only the first N BC5CDR abstracts")
    a = ap.parse_args()
    result = {"corpus": reliability(corpus_judgements(_load(Path(a.shared) / "eval" / "score_cases.py", "sc")))}
    _print("corpus (PDFs)", result["corpus"])
    if a.bc5cdr:
        se = _load(Path(a.shared) / "eval" / "score_external.py", "se")
        result["bc5cdr_cid"] = reliability(bc5cdr_judgements(se, a.bc5cdr, a.limit))
        _print("BC5CDR dev, chemical-induced disease", result["bc5cdr_cid"])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
