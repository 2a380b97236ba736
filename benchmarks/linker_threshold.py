"""Choose the fuzzy linker's threshold (kgbuild/linking.py) on BC5CDR *train* (never on dev).

Runs the NER part of the pipeline once with the linker on at a low threshold, remembers each
linked mention's similarity (``doc.user_data["kgbuild_linked"]``), then scores chemical and
disease concept P/R/F1 per document as ``score_external.py`` does (MeSH ids via the concept's
CURIE and xrefs) for every threshold: a linked mention counts only when its similarity clears it.
(Short forms that took a linked long form's concept through the abbreviation linker are counted as
dictionary mentions: a small approximation.)

    KGBUILD_CACHE_DIR=... .venv/bin/python benchmarks/linker_threshold.py \
        [--pubtator /work/shared/data/bc5cdr/CDR_TrainingSet.PubTator.txt] [--limit N]
"""
import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

os.environ["KGBUILD_LINKER"] = "1"
os.environ["KGBUILD_LINKER_THRESHOLD"] = "0.5"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kgbuild.pubtator import read_pubtator  # noqa: E402

CHEM = {"drug", "chemical", "vaccine", "lab_marker", "cytokine"}
COND = {"disease", "adverse_event"}
THRESHOLDS = [0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.01]


def parse_pubtator(path):
    """(pmid, title + "\n" + abstract, {type: gold MeSH ids}) per document."""
    docs = []
    for d in read_pubtator(path):
        gold = defaultdict(set)
        for m in d.mentions:
            if m.ids:
                gold[m.type].update(m.ids)
        docs.append((d.pmid, d.text("\n"), gold))
    return docs


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pubtator", default="/work/shared/data/bc5cdr/CDR_TrainingSet.PubTator.txt")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    from kgbuild.pipeline import get_pipeline
    from kgbuild.vocabulary import Vocabulary
    vocab = Vocabulary.load()
    nlp = get_pipeline()
    keep = [p for p in nlp.pipe_names if p in ("kgbuild_compound_splitter", "kgbuild_sentencizer",
                                               "kgbuild_vocabulary_matcher", "kgbuild_statistical_ner",
                                               "abbreviation_detector", "kgbuild_abbreviation_linker")]
    docs = parse_pubtator(args.pubtator)[: args.limit or None]
    t0 = time.time()
    rows = []   # per doc: gold, [(family, mesh ids, score or None, text)]
    with nlp.select_pipes(enable=keep):
        for (pmid, text, gold), doc in zip(docs, nlp.pipe(d[1] for d in docs)):
            linked = doc.user_data.get("kgbuild_linked", {})
            ments = []
            for e in list(doc.ents) + list(doc.spans.get("kgbuild_nested", [])):
                fam = "Chemical" if e.label_ in CHEM else "Disease" if e.label_ in COND else None
                c = vocab.get(e.kb_id_)
                if fam is None or c is None:
                    continue
                mesh = {i.split(":", 1)[1] for i in c.ids if i.upper().startswith("MESH:")}
                ments.append((fam, mesh, linked.get((e.start_char, e.end_char)), e.text, c.curie))
            rows.append((gold, ments))
    print(f"{len(docs)} documents in {time.time() - t0:.0f} s")
    n_linked = sum(1 for _, m in rows for x in m if x[2] is not None)
    print(f"linked mentions (similarity >= 0.5): {n_linked}")
    print("threshold  chem P/R/F1            disease P/R/F1         linked-kept  (tp gained, fp added)")
    for t in THRESHOLDS:
        c = defaultdict(int)
        kept = 0
        for gold, ments in rows:
            for fam in ("Chemical", "Disease"):
                pred = set()
                for f, mesh, score, _, _ in ments:
                    if f == fam and (score is None or score >= t):
                        pred |= mesh
                        kept += score is not None
                g = gold.get(fam, set())
                c[fam, "tp"] += len(g & pred)
                c[fam, "fp"] += len(pred - g)
                c[fam, "fn"] += len(g - pred)
        out = []
        for fam in ("Chemical", "Disease"):
            p, r, f1 = prf(c[fam, "tp"], c[fam, "fp"], c[fam, "fn"])
            out.append(f"{p:.3f}/{r:.3f}/{f1:.3f} ({c[fam, 'tp']}/{c[fam, 'fp']})")
        label = "off" if t > 1 else f"{t:.2f}"
        print(f"{label:>9}  {out[0]:<22} {out[1]:<22} {kept}")
    if os.environ.get("SHOW"):
        for gold, ments in rows:
            for f, mesh, score, text, curie in ments:
                if score is not None:
                    ok = bool(mesh & gold.get(f, set()))
                    print(f"{score:.3f} {'OK ' if ok else 'BAD'} {f[:4]} {text!r} -> {curie} {vocab.get(curie).label}")


if __name__ == "__main__":
    main()
