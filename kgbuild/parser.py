"""Part-of-speech tagger and dependency parser: a small CNN model (spaCy tagger + transition-based
parser on one shared HashEmbedCNN tok2vec, no vectors) trained on UD English-EWT train + GENIA
trees (training/train_parser.py), shipped under kgbuild/data/parser/.

``token.tag_`` gets a Penn Treebank tag, ``token.dep_``/``token.head`` a dependency tree in the
GENIA treebank's scheme (Stanford-converted UD v1 labels: nsubj, nsubjpass, dobj, nmod, neg, ...;
the root is "ROOT"). Placed after ``kgbuild_sentencizer`` it keeps the sentence boundaries already
set: spaCy's parser never breaks where ``is_sent_start`` is False and always breaks where it is
True, so every preset sentence gets its own tree(s) and no preset boundary moves.

The model runs in place on the pipeline's documents (the tokens the pipeline made, e.g. after
``kgbuild_compound_splitter``), batched under ``nlp.pipe``. Set ``KGBUILD_PARSER=0`` to switch the
component off (it then passes documents through).
"""

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy
import spacy
from spacy.attrs import DEP, HEAD, SENT_START
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch
from spacy.vocab import Vocab

PARSER_DIR = Path(__file__).resolve().parent / "data" / "parser"
PIPES = ("tok2vec", "tagger", "parser")
_EMPTY = numpy.zeros((0,), dtype="float32")
# The default architecture (training/train_parser.py builds its model with build_model; the trained
# settings are saved in arch.json next to the model and read back here).
ARCH = {"width": 64, "depth": 1, "embed_size": 2000, "hidden_width": 32, "maxout_pieces": 3}


def enabled() -> bool:
    return os.environ.get("KGBUILD_PARSER", "1").lower() not in ("0", "false", "no", "off")


def read_arch(path: Path | None = None) -> dict:
    arch = (path or PARSER_DIR) / "arch.json"
    return dict(ARCH, **json.loads(arch.read_text(encoding="utf-8"))) if arch.exists() else dict(ARCH)


def build_model(vocab: Vocab | None = None, arch: dict | None = None) -> Language:
    """An untrained tok2vec → tagger + parser pipeline with the given settings, on ``vocab``
    (a blank English pipeline; its tokenizer is never used here)."""
    a = dict(ARCH, **(arch or {}))
    nlp = spacy.blank("en", vocab=vocab) if vocab is not None else spacy.blank("en")
    nlp.add_pipe("tok2vec", config={"model": {
        "@architectures": "spacy.HashEmbedCNN.v2", "pretrained_vectors": None, "width": a["width"],
        "depth": a["depth"], "embed_size": a["embed_size"], "window_size": 1,
        "maxout_pieces": a["maxout_pieces"], "subword_features": True}})
    listener = {"@architectures": "spacy.Tok2VecListener.v1", "width": a["width"], "upstream": "*"}
    nlp.add_pipe("tagger", config={"model": {"@architectures": "spacy.Tagger.v2", "tok2vec": listener}})
    nlp.add_pipe("parser", config={"model": {
        "@architectures": "spacy.TransitionBasedParser.v2", "state_type": "parser",
        "extra_state_tokens": False, "hidden_width": a["hidden_width"], "maxout_pieces": 2,
        "use_upper": True, "nO": None, "tok2vec": listener}})
    return nlp


def load_model(vocab: Vocab, path: Path | None = None) -> Language:
    """The trained tok2vec + tagger + parser (default: the shipped one) on ``vocab`` (a private
    pipeline, not added to any)."""
    path = path or PARSER_DIR
    nlp = build_model(vocab, read_arch(path))
    for name in PIPES:
        nlp.get_pipe(name).from_disk(path / "model" / name, exclude=["vocab"])
    # the vocab must know the label strings (tags, and the dependency labels including the
    # "label||head-label" ones the parser uses for non-projective arcs)
    for move in nlp.get_pipe("parser").move_names:
        label = move.split("-", 1)[1] if "-" in move else ""
        for part in [label] + label.split("||"):
            if part:
                vocab.strings.add(part)
    for tag in nlp.get_pipe("tagger").labels:
        vocab.strings.add(tag)
    return nlp


class Parser:
    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.model = load_model(nlp.vocab, PARSER_DIR) if enabled() and (PARSER_DIR / "model").exists() else None

    def __call__(self, doc: Doc) -> Doc:
        if self.model is None or not len(doc):
            return doc
        before = _sent_starts(doc)
        for _, proc in self.model.pipeline:
            doc = proc(doc)
        return _finish(doc, before)

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Batched: each model stage runs over a whole batch (``nlp.pipe`` uses this)."""
        if self.model is None:
            yield from docs
            return
        for batch in minibatch(docs, size=batch_size):
            before = [_sent_starts(doc) for doc in batch]
            out = batch
            for _, proc in self.model.pipeline:
                out = proc.pipe(out, batch_size=batch_size)
            for doc, starts in zip(out, before):
                yield _finish(doc, starts)


def _sent_starts(doc: Doc) -> numpy.ndarray:
    """Prepare ``doc`` and return its preset SENT_START per token (1 start, -1 preset non-start,
    0 unknown). Heads without a label (e.g. from kgbuild_compound_splitter's retokenizer split,
    which attaches the pieces to the first one) are not a parse, but spaCy's parser would take them
    as a partial one (unlabelled heads, broken sentence boundaries): they are cleared first."""
    arr = doc.to_array([HEAD, DEP, SENT_START]).view("int64")
    starts = arr[:, 2].copy()
    unlabelled = (arr[:, 0] != 0) & (arr[:, 1] == 0)
    if unlabelled.any():
        arr[unlabelled, 0] = 0
        doc.from_array([HEAD, DEP], arr[:, :2].view("uint64"))
        doc.from_array([SENT_START], starts[:, None].view("uint64"))
    return starts


def _finish(doc: Doc, before: numpy.ndarray) -> Doc:
    """Drop the tok2vec output (it was only for the tagger and parser; later stages may
    retokenize) and make sure the preset sentences are kept: where every boundary was preset and
    the parse changed one (spaCy's parser respects preset boundaries, but can leave a sentence with
    two roots, which makes a new sentence), arcs across preset boundaries are cut and extra roots
    are attached to the sentence's main root (a verb if one is a root, else the largest tree)
    with the label "dep"."""
    doc.tensor = _EMPTY
    if len(doc) > 1 and (before[1:] != 0).all() and \
            (doc.to_array(SENT_START).view("int64") != before).any():
        _repair(doc, before)
    return doc


def _repair(doc: Doc, before: numpy.ndarray) -> None:
    heads = [t.head.i for t in doc]
    deps = [t.dep for t in doc]
    starts = [i for i in range(len(doc)) if i == 0 or before[i] == 1] + [len(doc)]
    dep, root = doc.vocab.strings.add("dep"), doc.vocab.strings.add("ROOT")
    for s, e in zip(starts, starts[1:]):
        for i in range(s, e):
            if not s <= heads[i] < e:
                heads[i] = i
        roots = [i for i in range(s, e) if heads[i] == i]
        size = dict.fromkeys(roots, 0)
        for i in range(s, e):
            j = i
            while heads[j] != j:
                j = heads[j]
            size[j] += 1
        main = max(roots, key=lambda r: (doc[r].tag_.startswith("VB"), size[r]))
        for r in roots:
            heads[r], deps[r] = (main, root) if r == main else (main, dep)
    arr = numpy.array([[h - i for i, h in enumerate(heads)], deps], dtype="int64").T
    doc.from_array([HEAD, DEP], arr.view("uint64"))


@Language.factory("kgbuild_parser", default_config={})
def make_parser(nlp: Language, name: str) -> Parser:
    return Parser(nlp, name)
