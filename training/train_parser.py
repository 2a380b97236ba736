"""Train kgbuild's small tagger + dependency parser on UD English-EWT and the GENIA dependency trees.

The corpora stay in /work/shared/data (never copied into the repo):

* UD English-EWT (CoNLL-U, UD v2): train for training, dev for early stopping, test for scoring;
* GENIA trees (CoNLL-U, the GENIA treebank converted to UD v1 with the Stanford converter; the UPOS
  and XPOS columns hold Penn tags). Only dev, test and future_use exist here (no train split), so
  future_use + the first half of dev (``--genia-dev-train``) are trained on, the second half of
  dev is used for early stopping, and test is only scored at the end.

Gold tokenization: documents are built from the treebank words (``Doc(words, spaces)``; EWT keeps
its SpaceAfter=No, multiword tokens such as "don't" are their syntactic words "do" "n't").

Label scheme: GENIA's (UD v1 / Stanford). EWT's UD v2 trees are converted to it so that the two
corpora agree: obj→dobj, obl(:*)→nmod(:tmod/:npmod), nsubj:pass→nsubjpass, aux:pass→auxpass,
csubj:pass→csubjpass, fixed→mwe, "not"/"n't"/"never" advmod and "no" det → neg, *:outer/*:relcl/
nmod:desc → base label; coordination as in v1 (cc and the commas between conjuncts attach to the
first conjunct, not to the next one); flat names are re-headed to the last word as compounds (v1
"name"/GENIA converter output); labels GENIA does not use (discourse, vocative, list, goeswith,
reparandum, orphan, dislocated) → dep. Tags: EWT's XPOS (Penn tags plus a few web tags: HYPH,
NFP, ADD, GW, XX, AFX) are kept.

The model is kgbuild.parser.build_model: spaCy tagger + transition-based parser listening to one
HashEmbedCNN tok2vec (no vectors). Early stopping on (2 × GENIA-dev LAS + EWT-dev LAS) / 3. Only the
three pipes are saved, to kgbuild/data/parser/model/{tok2vec,tagger,parser}, with arch.json (the
settings kgbuild/parser.py rebuilds the model with) and meta.json (scores, data, training time).

Scores (spaCy's scorer: UAS/LAS over non-punctuation tokens, tag accuracy over all tokens; the
all-token UAS/LAS are printed too). Sentences are parsed with their boundaries preset, as
kgbuild_sentencizer presets them in the pipeline. "retokenized": the sentence text (EWT: the
original text; GENIA: the words re-joined with a detokenizer, no raw text here) is tokenized by the
pipeline's tokenizer (scispaCy + kgbuild_compound_splitter), parsed, and scored against the gold
tree through spacy.training.Example's alignment (gold tokens without a one-to-one predicted token
count as errors).

Usage: .venv/bin/python training/train_parser.py [--minutes 30] [--width 64 --depth 1 --embed-size 2000
       --hidden-width 32] [--out kgbuild/data/parser]
       .venv/bin/python training/train_parser.py --evaluate-only   # re-score the shipped model
       .venv/bin/python training/train_parser.py --speed-only      # words/s on corpus/cases.json
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import spacy  # noqa: E402
from spacy.tokens import Doc  # noqa: E402
from spacy.training import Example  # noqa: E402
from spacy.util import minibatch  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from kgbuild.parser import PIPES, build_model, load_model, read_arch  # noqa: E402

DATA = Path("/work/shared/data")
EWT = DATA / "ud-english-ewt"
GENIA = DATA / "genia-trees"
DATA_VERSIONS = {
    "ud-english-ewt": "UniversalDependencies/UD_English-EWT @ 15d613d8447b (CC BY-SA 4.0)",
    "genia-trees": "allenai/genia-dependency-trees @ a155b14b6e85 (GENIA annotations CC BY 3.0)",
}

# UD v2 (EWT) → UD v1 as the GENIA trees have it
LABEL_MAP = {
    "obj": "dobj", "obl": "nmod", "obl:tmod": "nmod:tmod", "obl:npmod": "nmod:npmod",
    "obl:unmarked": "nmod:npmod", "nmod:unmarked": "nmod:npmod", "obl:agent": "nmod",
    "nmod:desc": "nmod", "nsubj:pass": "nsubjpass", "csubj:pass": "csubjpass", "aux:pass": "auxpass",
    "fixed": "mwe", "nsubj:outer": "nsubj", "csubj:outer": "csubj", "advcl:relcl": "advcl",
    "discourse": "dep", "vocative": "dep", "list": "dep", "goeswith": "dep", "reparandum": "dep",
    "orphan": "dep", "dislocated": "dep", "flat": "compound", "flat:foreign": "compound",
    "flat:name": "compound",
}
NEG_ADV = {"not", "n't", "never"}


# ---------------------------------------------------------------------------------------- reading
def read_conllu(path: Path):
    """Yield sentences: (text or None, [(form, tag, head, deprel, space_after)]) over syntactic words
    (multiword-token lines give SpaceAfter to their last word; empty nodes are skipped)."""
    words, text, mwt_end, mwt_space = [], None, 0, True
    for line in list(path.read_text(encoding="utf-8").splitlines()) + [""]:
        if not line.strip():
            if words:
                yield text, words
            words, text, mwt_end, mwt_space = [], None, 0, True
            continue
        if line.startswith("#"):
            if line.startswith("# text = "):
                text = line[len("# text = "):]
            continue
        cols = line.split("\t")
        if "." in cols[0]:
            continue
        space = "SpaceAfter=No" not in cols[9]
        if "-" in cols[0]:
            mwt_end = int(cols[0].split("-")[1])
            mwt_space = space
            continue
        i = int(cols[0])
        if i < mwt_end:
            space = False
        elif i == mwt_end:
            space = mwt_space
        tag = cols[4] if cols[4] != "_" else cols[3]
        words.append([cols[1], tag, int(cols[6]), cols[7], space])


def convert_ewt(words):
    """UD v2 → GENIA's UD v1 conventions (labels, negation, coordination, flat names); in place."""
    n = len(words)
    for w in words:
        form, _, _, dep, _ = w
        if dep == "advmod" and form.lower() in NEG_ADV or dep == "det" and form.lower() == "no":
            w[3] = "neg"
    # flat: head-first in v2 → head-last compounds
    for h in range(1, n + 1):
        flat = [i for i in range(1, n + 1) if words[i - 1][2] == h and words[i - 1][3].startswith("flat")]
        if not flat:
            continue
        group = [h] + flat
        new = max(group)
        hw, nw = words[h - 1], words[new - 1]
        nw[2], nw[3] = hw[2], hw[3]
        for i in range(1, n + 1):
            if i != new and (i in group or words[i - 1][2] == h):
                words[i - 1][2] = new
                if i in group:
                    words[i - 1][3] = "compound"
    # coordination: cc and in-between commas go to the first conjunct
    for i, w in enumerate(words, 1):
        h = w[2]
        if h and h > i and words[h - 1][3] == "conj":
            first = words[h - 1][2]
            if w[3] in ("cc",) or w[3] == "punct" and first < i:
                w[2] = first
    for w in words:
        w[3] = LABEL_MAP.get(w[3], w[3])
    return words


def gold_doc(vocab, words) -> Doc:
    heads = [w[2] - 1 if w[2] else i for i, w in enumerate(words)]
    deps = ["ROOT" if w[2] == 0 else w[3] for w in words]
    return Doc(vocab, words=[w[0] for w in words], spaces=[w[4] for w in words],
               tags=[w[1] for w in words], heads=heads, deps=deps)


def load_corpus(vocab, path: Path, ewt: bool):
    """[(text, gold Doc)] per sentence."""
    out = []
    for text, words in read_conllu(path):
        if ewt:
            words = convert_ewt(words)
        else:
            for w in words:
                w[4] = True  # GENIA trees carry no SpaceAfter: words are space-separated
        out.append((text, gold_doc(vocab, words)))
    return out


def group_examples(sents, size: int = 3):
    """Training examples of `size` consecutive sentences each (the parser also learns where
    sentences break; in the pipeline the boundaries are preset)."""
    exs = []
    for k in range(0, len(sents), size):
        docs = [d for _, d in sents[k:k + size]]
        ref = Doc.from_docs(docs, ensure_whitespace=True)
        pred = Doc(ref.vocab, words=[t.text for t in ref], spaces=[bool(t.whitespace_) for t in ref])
        exs.append(Example(pred, ref))
    return exs


# ------------------------------------------------------------------------------------- evaluation
_NO_SPACE_BEFORE = re.compile(r"^(?:[.,;:!?%)\]}]|-RRB-|''|'s|n't)$")
_NO_SPACE_AFTER = re.compile(r"^(?:[(\[{]|``)$")


def detokenize(words: list[str]) -> str:
    text = ""
    for i, w in enumerate(words):
        if i and not _NO_SPACE_BEFORE.match(w) and not _NO_SPACE_AFTER.match(words[i - 1]):
            text += " "
        text += w
    return text


def preset_sentence(doc: Doc) -> Doc:
    """One sentence per doc, its boundaries fixed as kgbuild_sentencizer fixes them."""
    for i, t in enumerate(doc):
        t.is_sent_start = i == 0
    return doc


def run_model(model, docs):
    for name in PIPES:
        docs = list(model.get_pipe(name).pipe(docs, batch_size=256))
    return docs


def score(model, sents, tokenizer=None, genia=False) -> dict:
    """tag_acc / dep_uas / dep_las (spaCy scorer, punctuation excluded from UAS/LAS) and, for gold
    tokens, uas_all / las_all over every token. With ``tokenizer`` the text is re-tokenized."""
    gold = [d for _, d in sents]
    if tokenizer is None:
        preds = [Doc(model.vocab, words=[t.text for t in d], spaces=[bool(t.whitespace_) for t in d]) for d in gold]
    else:
        texts = [detokenize([t.text for t in d]) if genia or not text else text for text, d in sents]
        preds = [tokenizer(t) for t in texts]
        # Example aligns on the characters (whitespace aside): skip the few EWT sentences whose
        # "# text" does not spell its words (counted)
        keep = [i for i, (p, g) in enumerate(zip(preds, gold))
                if "".join(t.text for t in p if not t.is_space) == "".join(t.text for t in g)]
        skipped = len(gold) - len(keep)
        preds, gold = [preds[i] for i in keep], [gold[i] for i in keep]
    preds = run_model(model, [preset_sentence(p) for p in preds])
    examples = [Example(p, g) for p, g in zip(preds, gold)]
    out = {**model.get_pipe("tagger").score(examples), **model.get_pipe("parser").score(examples)}
    res = {"tag_acc": out["tag_acc"], "dep_uas": out["dep_uas"], "dep_las": out["dep_las"],
           "tokens": sum(len(g) for g in gold)}
    if tokenizer is None:
        n = sum(len(g) for g in gold)
        res["uas_all"] = sum(p[i].head.i == g[i].head.i for p, g in zip(preds, gold) for i in range(len(g))) / n
        res["las_all"] = sum(p[i].head.i == g[i].head.i and p[i].dep_.lower() == g[i].dep_.lower()
                             for p, g in zip(preds, gold) for i in range(len(g))) / n
    else:
        res["sentences_skipped"] = skipped
        res["misaligned_gold_tokens"] = sum(
            1 for eg in examples for i in range(len(eg.reference)) if len(eg.alignment.y2x[i]) != 1
            or len(eg.alignment.x2y[int(eg.alignment.y2x[i][0])]) != 1)
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in res.items()}


def pipeline_tokenizer(vocab):
    """scispaCy's tokenizer + kgbuild_compound_splitter: the tokens the pipeline's parser sees."""
    from scispacy.custom_tokenizer import combined_rule_tokenizer

    from kgbuild.tokenization import split_relational_compounds
    nlp = spacy.blank("en", vocab=vocab)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        nlp.tokenizer = combined_rule_tokenizer(nlp)
    return lambda text: split_relational_compounds(nlp.make_doc(text))


def evaluate_all(model, data, retokenized=True) -> dict:
    scores = {"genia_test": score(model, data["genia_test"], genia=True),
              "ewt_test": score(model, data["ewt_test"])}
    if retokenized:
        tok = pipeline_tokenizer(model.vocab)
        scores["genia_test_retokenized"] = score(model, data["genia_test"], tok, genia=True)
        scores["ewt_test_retokenized"] = score(model, data["ewt_test"], tok)
    return scores


# ------------------------------------------------------------------------------------------ speed
def measure_speed(path: Path, repeat: int = 3) -> dict:
    """words/s (``str.split()`` words) on corpus/cases.json ×8 (108k words), one process:

    * ``tagger_parser_words_per_s``: the kgbuild_parser component alone (``pipe``) on documents the
      pipeline's tokenizer, compound splitter and sentencizer already made;
    * ``pipeline_*``: the whole kgbuild pipeline (``nlp.pipe``) without and with kgbuild_parser
      after kgbuild_sentencizer, start-up excluded;
    * ``cold_pipeline_*``: the same in a fresh interpreter, imports and pipeline load included
      (what benchmarks/speed.py calls "including start-up", minus file reading and output)."""
    import subprocess

    import kgbuild.parser as kparser
    from kgbuild.pipeline import build_pipeline
    kparser.PARSER_DIR = path
    cases = json.loads((ROOT / "corpus" / "cases.json").read_text(encoding="utf-8"))["cases"]
    texts = [c["text"] for c in cases] * 8
    words = sum(len(t.split()) for t in texts)
    base, with_parser = build_pipeline(), build_pipeline()
    t0 = time.perf_counter()
    with_parser.add_pipe("kgbuild_parser", after="kgbuild_sentencizer")
    res = {"words": words, "model_load_s": round(time.perf_counter() - t0, 3)}
    comp = with_parser.get_pipe("kgbuild_parser")
    split, sents = with_parser.get_pipe("kgbuild_compound_splitter"), with_parser.get_pipe("kgbuild_sentencizer")
    pre = [sents(split(with_parser.make_doc(t))) for t in texts]
    copies = [[d.copy() for d in pre] for _ in range(repeat)]
    res["tokens"] = sum(len(d) for d in pre)
    best = min(_timed(lambda c=c: list(comp.pipe(c))) for c in copies)
    res["tagger_parser_words_per_s"] = round(words / best)
    for label, nlp in (("pipeline", base), ("pipeline_with_parser", with_parser)):
        list(nlp.pipe(texts[:24]))
        res[label + "_words_per_s"] = round(words / min(_timed(lambda: list(nlp.pipe(texts)))
                                                        for _ in range(repeat)))
    code = ("import json, sys, time; t0 = time.perf_counter(); import kgbuild.parser as kp; "
            "from pathlib import Path; kp.PARSER_DIR = Path(sys.argv[2]); "
            "from kgbuild.pipeline import build_pipeline; nlp = build_pipeline(); "
            "sys.argv[1] == '1' and nlp.add_pipe('kgbuild_parser', after='kgbuild_sentencizer'); "
            "texts = [c['text'] for c in json.load(open(sys.argv[3]))['cases']] * 8; "
            "list(nlp.pipe(texts)); print(time.perf_counter() - t0)")
    for label, flag in (("cold_pipeline", "0"), ("cold_pipeline_with_parser", "1")):
        secs = min(float(subprocess.run([sys.executable, "-c", code, flag, str(path), str(ROOT / "corpus" / "cases.json")],
                                        capture_output=True, text=True, check=True).stdout.split()[-1])
                   for _ in range(repeat))
        res[label + "_words_per_s"] = round(words / secs)
    return res


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


# ------------------------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=30.0, help="wall-clock training budget")
    ap.add_argument("--out", default=str(ROOT / "kgbuild" / "data" / "parser"))
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--depth", type=int, default=1)
    ap.add_argument("--embed-size", type=int, default=2000)
    ap.add_argument("--hidden-width", type=int, default=32, help="parser hidden layer")
    ap.add_argument("--genia-dev-train", type=float, default=0.5,
                    help="fraction of GENIA dev trained on (the rest is the early-stopping dev set)")
    ap.add_argument("--genia-upsample", type=int, default=2, help="GENIA training copies per epoch")
    ap.add_argument("--batch-size", type=int, default=16, help="examples (of 3 sentences) per update")
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--patience", type=int, default=6, help="epochs without dev improvement")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--evaluate-only", action="store_true", help="score the model in --out")
    ap.add_argument("--speed-only", action="store_true", help="measure the speed of the model in --out")
    args = ap.parse_args()
    out = Path(args.out)
    if args.speed_only:
        print(json.dumps(measure_speed(out), indent=1))
        return
    random.seed(args.seed)
    spacy.util.fix_random_seed(args.seed)
    try:
        import torch
        torch.set_num_threads(1)
    except ImportError:
        pass

    arch = {"width": args.width, "depth": args.depth, "embed_size": args.embed_size,
            "hidden_width": args.hidden_width, "maxout_pieces": 3}
    nlp = build_model(arch=read_arch(out) if args.evaluate_only else arch)
    vocab = nlp.vocab
    data = {"ewt_train": load_corpus(vocab, EWT / "en_ewt-ud-train.conllu", True),
            "ewt_dev": load_corpus(vocab, EWT / "en_ewt-ud-dev.conllu", True),
            "ewt_test": load_corpus(vocab, EWT / "en_ewt-ud-test.conllu", True),
            "genia_future_use": load_corpus(vocab, GENIA / "future_use.conllu", False),
            "genia_test": load_corpus(vocab, GENIA / "test.conllu", False)}
    genia_dev = load_corpus(vocab, GENIA / "dev.conllu", False)
    cut = int(len(genia_dev) * args.genia_dev_train)
    data["genia_dev_train"], data["genia_dev"] = genia_dev[:cut], genia_dev[cut:]
    sizes = {k: {"sentences": len(v), "words": sum(len(d) for _, d in v)} for k, v in data.items()}
    print("data:", json.dumps(sizes), flush=True)

    if args.evaluate_only:
        model = load_model(vocab, out)
        scores = evaluate_all(model, data)
        print(json.dumps(scores, indent=1))
        return

    genia_train = group_examples(data["genia_future_use"] + data["genia_dev_train"])
    train = group_examples(data["ewt_train"]) + genia_train * args.genia_upsample
    dev_sets = {"genia_dev": data["genia_dev"], "ewt_dev": data["ewt_dev"]}
    print(f"train {len(train)} examples ({sum(len(e) for e in train)} words incl. GENIA ×{args.genia_upsample}); "
          f"dev: GENIA {len(data['genia_dev'])} sentences, EWT {len(data['ewt_dev'])}", flush=True)
    optimizer = nlp.initialize(lambda: train)

    deadline = time.time() + args.minutes * 60
    best, best_state, best_dev, bad, epoch, best_epoch = -1.0, None, None, 0, 0, 0
    t0 = time.time()
    while time.time() < deadline and bad < args.patience:
        epoch += 1
        random.shuffle(train)
        losses = {}
        for batch in minibatch(train, size=args.batch_size):
            nlp.update(batch, sgd=optimizer, drop=args.dropout, losses=losses)
            if time.time() > deadline:
                break
        with nlp.use_params(optimizer.averages):
            dev = {k: score(nlp, v) for k, v in dev_sets.items()}
            crit = (2 * dev["genia_dev"]["dep_las"] + dev["ewt_dev"]["dep_las"]) / 3
            if crit > best:
                best, bad, best_dev, best_epoch = crit, 0, dev, epoch
                best_state = {name: nlp.get_pipe(name).to_bytes(exclude=["vocab"]) for name in PIPES}
            else:
                bad += 1
        print(f"epoch {epoch}  loss tagger {losses.get('tagger', 0):.0f} parser {losses.get('parser', 0):.0f}  "
              f"GENIA dev tag {dev['genia_dev']['tag_acc']:.3f} UAS {dev['genia_dev']['dep_uas']:.3f} "
              f"LAS {dev['genia_dev']['dep_las']:.3f}  EWT dev tag {dev['ewt_dev']['tag_acc']:.3f} "
              f"UAS {dev['ewt_dev']['dep_uas']:.3f} LAS {dev['ewt_dev']['dep_las']:.3f}  ({time.time() - t0:.0f}s)",
              flush=True)
    train_s = time.time() - t0
    for name in PIPES:
        nlp.get_pipe(name).from_bytes(best_state[name], exclude=["vocab"])
    model_dir = out / "model"
    model_dir.mkdir(parents=True, exist_ok=True)
    for name in PIPES:
        nlp.get_pipe(name).to_disk(model_dir / name, exclude=["vocab"])
    (out / "arch.json").write_text(json.dumps(arch, indent=1) + "\n", encoding="utf-8")
    # final scores with the saved model, loaded the way kgbuild/parser.py loads it
    model = load_model(spacy.blank("en").vocab, out)
    scores = evaluate_all(model, data)
    size = sum(f.stat().st_size for f in model_dir.rglob("*") if f.is_file())
    meta = {"spacy": spacy.__version__, "arch": arch, "model_bytes": size,
            "training": {"command": "training/train_parser.py " + " ".join(sys.argv[1:]),
                         "seconds": round(train_s), "epochs": epoch, "best_epoch": best_epoch,
                         "minutes_budget": args.minutes, "patience": args.patience,
                         "genia_dev_train": args.genia_dev_train, "genia_upsample": args.genia_upsample,
                         "batch_size": args.batch_size, "dropout": args.dropout, "seed": args.seed},
            "data": {"versions": DATA_VERSIONS, "sizes": sizes,
                     "trained_on": ["ewt_train", "genia_future_use", "genia_dev_train"],
                     "early_stopping": ["genia_dev", "ewt_dev"]},
            "dev_scores": best_dev, "scores": scores,
            "scoring": "spaCy scorer: dep_uas/dep_las exclude punctuation, tag_acc = Penn tags over all tokens; "
                       "uas_all/las_all over all tokens; sentences parsed with preset boundaries; "
                       "*_retokenized = text re-tokenized by the pipeline tokenizer, aligned to gold"}
    (out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(scores, indent=1))
    print(f"trained {epoch} epochs in {train_s:.0f}s (best epoch {best_epoch}); model {size / 1e6:.1f} MB; "
          f"saved to {out}")


if __name__ == "__main__":
    main()
