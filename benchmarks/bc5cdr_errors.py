"""Where kgbuild loses BC5CDR concept F1: concept-level errors by cause, per type.

Runs ``kgbuild.extract.Extractor`` in-process on a BC5CDR PubTator file (default: the development
set) with the same document text and entity families as ``score_external.py``, then per document
and type (Chemical, Disease):

* FN (gold MeSH id not predicted) — *recognition miss*: no predicted mention of that type overlaps
  any gold mention of the concept; *grounding error*: one does, but it is grounded elsewhere;
* FP (predicted MeSH id not gold) — *wrong concept*: one of its mentions overlaps a gold mention
  (of another concept); *out of scope/spurious*: none overlaps any gold mention.

Prints the counts and the 30 most frequent FN and FP surface strings per type and cause.

    .venv/bin/python benchmarks/bc5cdr_errors.py [--pubtator FILE] [--limit N] [--top 30]
"""
import argparse
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kgbuild.pubtator import read_pubtator  # noqa: E402

CHEM = {"drug", "chemical", "vaccine", "lab_marker", "cytokine", "biomarker", "lab"}
COND = {"adverse_event", "disease", "condition", "phenotype", "finding", "symptom", "disorder"}


def parse(path):
    """(pmid, title + "\n" + abstract, [(start, end, text, type, gold ids)]) per document."""
    return [(d.pmid, d.text("\n"), [(m.start, m.end, m.text, m.type, list(m.ids)) for m in d.mentions])
            for d in read_pubtator(path)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pubtator", default="/work/shared/data/bc5cdr/CDR_DevelopmentSet.PubTator.txt")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--top", type=int, default=30)
    args = ap.parse_args()
    from kgbuild.extract import Extractor
    from kgbuild.ingest import read_document
    docs = parse(args.pubtator)[: args.limit or None]
    ex = Extractor()
    counts = Counter()
    strings = defaultdict(Counter)
    with tempfile.TemporaryDirectory() as tmp:
        documents = []
        for pmid, text, _ in docs:
            f = Path(tmp) / f"bc5cdr_{pmid}.txt"
            f.write_text(text, encoding="utf-8")
            documents.append(read_document(f))
        for (pmid, text, gold), extraction in zip(docs, ex.extract_documents(documents)):
            for fam, types in (("Chemical", CHEM), ("Disease", COND)):
                g_ments = [(s, e, t, ids) for s, e, t, typ, ids in gold if typ == fam]
                gold_ids = {i for *_, ids in g_ments for i in ids}
                preds = []          # (start, end, text, mesh ids)
                for ent in extraction.entities:
                    if (ent.type or "").lower() not in types:
                        continue
                    ids = {x.split(":", 1)[1] for x in [ent.id, *ent.xrefs] if x.upper().startswith(("MESH:", "MSH:"))}
                    for m in ent.mentions:
                        preds.append((m.start, m.end, m.text, ids))
                pred_ids = set().union(*(p[3] for p in preds)) if preds else set()
                for gid in gold_ids - pred_ids:
                    gm = [x for x in g_ments if gid in x[3]]
                    over = [p for x in gm for p in preds if p[0] < x[1] and x[0] < p[1]]
                    cause = "grounding error" if over else "recognition miss"
                    counts[fam, "FN", cause] += 1
                    strings[fam, "FN", cause][gm[0][2].lower()] += 1
                for pid in pred_ids - gold_ids:
                    pm = [p for p in preds if pid in p[3]]
                    over = [p for p in pm for x in g_ments if p[0] < x[1] and x[0] < p[1]]
                    cause = "wrong concept" if over else "out of scope/spurious"
                    counts[fam, "FP", cause] += 1
                    strings[fam, "FP", cause][pm[0][2].lower()] += 1
    for fam in ("Chemical", "Disease"):
        print(f"== {fam}")
        for kind in ("FN", "FP"):
            total = sum(v for (f, k, _), v in counts.items() if f == fam and k == kind)
            print(f"  {kind} {total}: " + ", ".join(f"{c} {v}" for (f, k, c), v in sorted(counts.items())
                                                    if f == fam and k == kind))
        for (f, kind, cause), ctr in sorted(strings.items()):
            if f != fam:
                continue
            top = ", ".join(f"{s!r}×{n}" if n > 1 else repr(s) for s, n in ctr.most_common(args.top))
            print(f"  top {kind} — {cause}: {top}")


if __name__ == "__main__":
    main()
