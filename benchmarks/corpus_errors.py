"""List what kgbuild gets wrong on the corpus: missed and spurious entities and claims per case.

Uses the shared scorer's own matching (score_cases.py), so what is listed is exactly what it counts.
Usage: python benchmarks/corpus_errors.py [--shared ../shared] [--text] [--cases corpus/heldout/cases.json] [CASE_ID ...]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--text", action="store_true", help="read the plain text instead of the PDFs")
    ap.add_argument("--cases", default=str(ROOT / "corpus" / "cases.json"),
                    help="annotated cases (default: the corpus; corpus/heldout/cases.json: the held-out reports)")
    ap.add_argument("--docs", default=None, help="their PDFs (default: pdf/ next to --cases)")
    ap.add_argument("ids", nargs="*")
    a = ap.parse_args()
    spec = importlib.util.spec_from_file_location("score_cases", Path(a.shared) / "eval" / "score_cases.py")
    sc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sc)
    from kgbuild.extract import Extractor
    from kgbuild.ingest import read_document
    from kgbuild.model import Document

    ex = Extractor()
    cases = json.loads(Path(a.cases).read_text())["cases"]
    docs = Path(a.docs) if a.docs else Path(a.cases).parent / "pdf"
    for case in cases:
        if a.ids and case["id"] not in a.ids:
            continue
        if a.text:
            out = ex.from_document(Document(id=case["id"], source=case["id"], text=case["text"])).to_json()
        else:
            out = ex.from_document(read_document(docs / f"{case['id']}.pdf")).to_json()
        gold = case["entities"]
        id2gold = {e["id"]: sc.map_entity(e, gold) for e in out["entities"]}
        found = {g for g in id2gold.values() if g}
        print(f"== {case['id']}: {case['title'][:80]}")
        for g in gold:
            if g["canonical"] not in found:
                print(f"   missed entity  [{g['type']}] {g['canonical']}  {g['aliases']}")
        for e in out["entities"]:
            if id2gold[e["id"]] is None and (sc.family(e["type"]) != "condition" or e["type"] == "adverse_event"):
                print(f"   extra entity   [{e['type']}] {e['id']} {e['label']}  {sorted({m['text'] for m in e['mentions']})}")
        label = {e["id"]: e["label"] for e in out["entities"]}
        hits = set()
        for c in out["claims"]:
            s, o = id2gold.get(c["subject"]), id2gold.get(c["object"])
            if s is None or o is None:
                continue
            cls = sc.pred_class(c["predicate"])
            ok = False
            for i, g in enumerate(case["claims"]):
                if g["subject"] == s and g["object"] == o and g["negated"] == c["negated"] and (
                        cls == "assoc" or cls == sc.gold_class(g["rel"]) or {cls, sc.gold_class(g["rel"])} == {"pos"}):
                    hits.add(i)
                    ok = True
            if not ok and not c["negated"]:
                neg = any(g["subject"] == s and g["object"] == o and g["negated"] for g in case["claims"])
                tag = "NEGATION ERROR" if neg else "extra claim   "
                print(f"   {tag} {label[c['subject']]} {c['predicate']} {label[c['object']]} "
                      f"(hedged={c['hedged']}) | {c['evidence'][0]['text'][:150]}")
        for i, g in enumerate(case["claims"]):
            if i not in hits:
                print(f"   missed claim   {g['subject']} {'NOT ' if g['negated'] else ''}{g['rel']} {g['object']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
