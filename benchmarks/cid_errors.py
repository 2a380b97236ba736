"""Where kgbuild loses BC5CDR chemical-induced-disease (CID) F1: pair errors by cause.

Runs ``kgbuild.extract.Extractor`` in-process on a BC5CDR PubTator file (default: the development
set) and matches claims to gold CID pairs exactly as ``../shared/eval/score_external.py`` does
(non-negated claims with a positive predicate, chemical family → condition family, every MeSH id
of each side). Then per document:

* FN (gold pair not predicted) — *entity*: the chemical or the disease id is predicted nowhere in
  the document; *relation*: both are, but no claim joins them;
* FP (predicted pair not gold) — *entity*: the chemical or the disease is no gold concept of the
  document; *relation*: both are gold concepts, the pair is not.

Prints the counts, the relation FPs by the evidence rule that made them, and --top examples.

    .venv/bin/python benchmarks/cid_errors.py [--pubtator FILE] [--limit N] [--top 20]
"""
import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT.parent / "shared" / "eval"))

import score_external as se  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pubtator", default=str(ROOT.parent / "shared/data/bc5cdr/CDR_DevelopmentSet.PubTator.txt"))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--top", type=int, default=20)
    args = ap.parse_args()
    from kgbuild.extract import Extractor
    from kgbuild.ingest import read_document
    docs = se.parse_pubtator(Path(args.pubtator))[: args.limit or None]
    counts, rules, examples = Counter(), Counter(), []
    with tempfile.TemporaryDirectory() as tmp:
        documents = []
        for d in docs:
            f = Path(tmp) / f"bc5cdr_{d['id']}.txt"
            f.write_text(d["text"], encoding="utf-8")
            documents.append(read_document(f))
        for d, extraction in zip(docs, Extractor().extract_documents(documents)):
            out = extraction.to_json()
            pred_chem, pred_dis, mesh, fam = set(), set(), {}, {}
            for e in out["entities"]:
                t = (e.get("type") or "").lower()
                fam[e["id"]] = "Chemical" if t in se.CHEM_FAMILY else "Disease" if t in se.COND_FAMILY else None
                mesh[e["id"]] = se.mesh_ids(e)
                if fam[e["id"]] == "Chemical":
                    pred_chem |= mesh[e["id"]]
                elif fam[e["id"]] == "Disease":
                    pred_dis |= mesh[e["id"]]
            pairs = {}
            for cl in out["claims"]:
                pred = (cl.get("predicate") or "").lower().split(":")[-1]
                if cl.get("negated") or not pred.startswith(se.POSITIVE):
                    continue
                if fam.get(cl["subject"]) == "Chemical" and fam.get(cl["object"]) == "Disease":
                    for a in mesh[cl["subject"]]:
                        for b in mesh[cl["object"]]:
                            pairs.setdefault((a, b), cl)
            gold_chem = {m[3] for m in d["mentions"] if m[2] == "Chemical"}
            gold_dis = {m[3] for m in d["mentions"] if m[2] == "Disease"}
            for g in d["cid"]:
                if g in pairs:
                    counts["TP"] += 1
                else:
                    counts["FN entity" if g[0] not in pred_chem or g[1] not in pred_dis else "FN relation"] += 1
            for p, cl in pairs.items():
                if p in d["cid"]:
                    continue
                if p[0] not in gold_chem or p[1] not in gold_dis:
                    counts["FP entity"] += 1
                    continue
                counts["FP relation"] += 1
                rule = cl["evidence"][0].get("rule", "?")
                rules[rule] += 1
                examples.append((d["id"], rule, cl["evidence"][0]["text"][:160]))
    print(" ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    print("FP relation by rule:", ", ".join(f"{r} {n}" for r, n in rules.most_common()))
    for pmid, rule, text in examples[: args.top]:
        print(f"  {pmid} [{rule}] {text}")


if __name__ == "__main__":
    main()
