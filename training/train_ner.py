"""Train kgbuild's small statistical NER (CHEMICAL, DISEASE) on BC5CDR train + NCBI-disease train.

The corpora stay in /work/shared/data (never copied into the repo). Documents are tokenized with
the pipeline's own tokenizer (scispaCy's combined_rule_tokenizer on spacy.blank("en")); gold spans
that do not align with token boundaries are dropped and counted. 10% of the training documents are
held out for early stopping (the BC5CDR development set is our evaluation set and is never used).

The model is spaCy's CNN NER: HashEmbedCNN (default width 64, depth 2, embed size 2000, no
vectors) inside a transition-based NER. Only the `ner` pipe is saved, under kgbuild/data/ner/model,
with arch.json (the tok2vec settings kgbuild/ner.py rebuilds it with) and meta.txt.

Usage: .venv/bin/python training/train_ner.py [--minutes 6] [--width 64 --depth 2] [--out kgbuild/data/ner]
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
import zlib
import warnings
from pathlib import Path

import spacy
from spacy.training import Example
from spacy.util import filter_spans, minibatch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from kgbuild.ner import MODEL, TOK2VEC  # the architecture the component loads
from kgbuild.pubtator import read_pubtator  # noqa: E402

DATA = Path("/work/shared/data")
BC5CDR_TRAIN = DATA / "bc5cdr" / "CDR_TrainingSet.PubTator.txt"
NCBI_TRAIN = DATA / "ncbi-disease" / "train.txt"
ADE = DATA / "ade"
LABELS = {"Chemical": "CHEMICAL", "Disease": "DISEASE"}


def make_nlp():
    from scispacy.custom_tokenizer import combined_rule_tokenizer
    nlp = spacy.blank("en")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        nlp.tokenizer = combined_rule_tokenizer(nlp)
    return nlp


def read_cdr(path: Path):
    """Yield (text, [(start, end, label)]) per document; text = title + " " + abstract."""
    for d in read_pubtator(path):
        yield d.text(), [(m.start, m.end, LABELS[m.type]) for m in d.mentions if m.type in LABELS]


def read_bio(path: Path):
    """Yield (text, [(start, end, label)]) per sentence of a BIO file (word ... tag)."""
    words, tags = [], []
    for line in list(path.read_text(encoding="utf-8").splitlines()) + [""]:
        if not line.strip():
            if words:
                text, ents, cur = "", [], None
                for w, t in zip(words, tags):
                    start = len(text)
                    text += w + " "
                    if t.startswith("B-") or (t.startswith("I-") and cur is None):
                        if cur:
                            ents.append(tuple(cur))
                        cur = [start, start + len(w), LABELS.get(t[2:], t[2:].upper())]
                    elif t.startswith("I-"):
                        cur[1] = start + len(w)
                    else:
                        if cur:
                            ents.append(tuple(cur))
                        cur = None
                if cur:
                    ents.append(tuple(cur))
                yield text.rstrip(), ents
            words, tags = [], []
        else:
            parts = line.split("\t")
            words.append(parts[0])
            tags.append(parts[-1])


def read_ade(folder: Path):
    """ADE-Corpus-V2 positive sentences of the training PMIDs (crc32(pmid) % 5 != 0; the other 20%
    is held out for score_external.py): drugs as CHEMICAL, adverse effects as DISEASE, found in the
    sentence by their text (the file's offsets are the abstract's). Only what is annotated is
    known: the rest of the sentence (indications, other drugs) is left unlabelled, not "outside"."""
    by_sentence: dict[str, set] = {}
    for line in open(folder / "DRUG-AE.rel", encoding="utf-8", errors="replace"):
        f = line.rstrip("\n").split("|")
        if len(f) < 8 or zlib.crc32(f[0].encode()) % 5 == 0:
            continue
        by_sentence.setdefault(f[1], set()).update({(f[2], "DISEASE"), (f[5], "CHEMICAL")})
    for sentence, names in sorted(by_sentence.items()):
        low, ents = sentence.lower(), []
        for name, label in names:
            k = low.find(name.lower())
            if k >= 0:
                ents.append((k, k + len(name), label))
        yield sentence, ents


def to_examples(nlp, records, stats, partial: bool = False):
    out = []
    for text, ents in records:
        doc = nlp.make_doc(text)
        spans = []
        for s, e, label in ents:
            span = doc.char_span(s, e, label=label, alignment_mode="strict")
            if span is None:
                stats["misaligned"] += 1
            else:
                spans.append(span)
                stats["aligned"] += 1
        ref = nlp.make_doc(text)

        ref.set_ents([spacy.tokens.Span(ref, s.start, s.end, label=s.label_) for s in filter_spans(spans)],
                     default="missing" if partial else "outside")
        out.append(Example(nlp.make_doc(text), ref))
    return out


def evaluate(nlp, examples):
    scores = nlp.evaluate(examples)
    return scores["ents_f"], scores["ents_p"], scores["ents_r"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=12.0, help="wall-clock training budget")
    ap.add_argument("--out", default=str(ROOT / "kgbuild" / "data" / "ner"))
    ap.add_argument("--embed-size", type=int, default=2000)
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--depth", type=int, default=2)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--patience", type=int, default=4, help="epochs without dev improvement")
    ap.add_argument("--no-ade", action="store_true", help="BC5CDR + NCBI-disease only (as before)")
    args = ap.parse_args()
    random.seed(args.seed)
    spacy.util.fix_random_seed(args.seed)

    nlp = make_nlp()
    stats = {"aligned": 0, "misaligned": 0}
    cdr = to_examples(nlp, read_cdr(BC5CDR_TRAIN), stats)
    ncbi = to_examples(nlp, read_bio(NCBI_TRAIN), stats)
    print(f"BC5CDR train docs {len(cdr)}, NCBI train sentences {len(ncbi)}; spans aligned {stats['aligned']}, "
          f"dropped (misaligned) {stats['misaligned']}", flush=True)
    ade = [] if args.no_ade else to_examples(nlp, read_ade(ADE), stats, partial=True)
    print(f"ADE training sentences {len(ade)} (partially annotated)", flush=True)
    random.shuffle(cdr)
    random.shuffle(ncbi)
    dev = cdr[: len(cdr) // 10] + ncbi[: len(ncbi) // 10]
    train = cdr[len(cdr) // 10:] + ncbi[len(ncbi) // 10:] + ade
    print(f"train {len(train)} docs, held-out {len(dev)} docs", flush=True)

    tok2vec = dict(TOK2VEC, width=args.width, depth=args.depth, embed_size=args.embed_size)
    model = dict(MODEL, tok2vec=tok2vec)
    ner = nlp.add_pipe("ner", config={"model": model})
    for label in ("CHEMICAL", "DISEASE"):
        ner.add_label(label)
    optimizer = nlp.initialize(lambda: train)

    deadline = time.time() + args.minutes * 60
    best, best_bytes, bad, epoch = -1.0, None, 0, 0
    t0 = time.time()
    while time.time() < deadline and bad < args.patience:
        epoch += 1
        random.shuffle(train)
        losses = {}
        for batch in minibatch(train, size=16):
            nlp.update(batch, sgd=optimizer, drop=0.1, losses=losses)
            if time.time() > deadline:
                break
        with nlp.use_params(optimizer.averages):
            f, p, r = evaluate(nlp, dev)
            if f > best:
                best, bad, best_bytes = f, 0, ner.to_bytes()
            else:
                bad += 1
        print(f"epoch {epoch}  loss {losses.get('ner', 0):.0f}  held-out P {p:.3f} R {r:.3f} F {f:.3f}  "
              f"({time.time() - t0:.0f}s)", flush=True)
    ner.from_bytes(best_bytes)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    nlp.select_pipes(enable=["ner"])
    # Save the ner pipe only (the pipeline brings its own tokenizer); a tiny meta for provenance.
    ner.to_disk(out / "model", exclude=["vocab"])
    (out / "arch.json").write_text(json.dumps(tok2vec, indent=1) + "\n", encoding="utf-8")
    (out / "meta.txt").write_text(
        f"spaCy {spacy.__version__} ner; HashEmbedCNN width {args.width} depth {args.depth} embed {args.embed_size}\n"
        f"trained on BC5CDR train + NCBI-disease train (90%){'' if args.no_ade else ' + ADE (80% of PMIDs, partial)'}, {epoch} epochs, {time.time() - t0:.0f}s; "
        f"held-out ents F {best:.3f}\n", encoding="utf-8")
    print(f"best held-out F {best:.3f}; saved to {out}")


if __name__ == "__main__":
    main()
