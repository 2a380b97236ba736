"""Fuzzy entity linking over our own vocabulary with scispaCy's candidate generator.

For names the dictionary cannot look up exactly (misspellings, word-order and spelling variants:
"acute kidney injry", "thrombocytopaenia"), scispaCy's ``CandidateGenerator`` finds the nearest
vocabulary names by cosine similarity of character-3-gram TF-IDF vectors in an HNSW index
(nmslib), and ``link(text)`` returns the best concept with its similarity when it clears a
threshold.

The knowledge base is the vocabulary (``kgbuild/data/vocabulary.tsv.gz``) as a scispaCy
``KnowledgeBase``: one ``Entity`` per concept of the linkable types (``LINK_TYPES``: drugs,
chemicals, drug classes, cytokines, lab markers, diseases) with concept_id = our CURIE,
canonical_name = label, aliases = the normalised synonyms (``normalize_term``; case-sensitive
short forms such as ``=ALL`` are left out: a fuzzy match on them is noise) and types = [type].

The index uses scispaCy's file layout (``LinkerPaths.from_directory``): ``tfidf_vectorizer.joblib``,
``tfidf_vectors_sparse.npz``, ``nmslib_index.bin``, ``concept_aliases.json``, plus ``kb.jsonl`` (the
knowledge base in scispaCy's jsonl format) and ``meta.json``. scispaCy's own builder
(``create_tfidf_ann_index``) refuses to run with scipy >= 1.11 (it stores the vectors as float16,
which scipy.sparse no longer supports: ``RuntimeError: This function requires scipy<1.11``), so
``build_index`` writes the same files itself with float32 vectors (which scispaCy's loader casts to
float32 anyway). The index is not shipped (about 20 MB): it is built on first use into the cache
directory of the vocabulary pickle (``~/.cache/kgbuild``, ``$KGBUILD_CACHE_DIR``), keyed by the
sha256 of the vocabulary file and its corpus lexicon and the index version (format, parameters, ``normalize_term``), or ahead of time with
``python -m kgbuild.linking build``. Building takes about a minute on one core.

Once built, ``register()`` makes it a named scispaCy linker as well: ``DEFAULT_PATHS["kgbuild"]``
and ``DEFAULT_KNOWLEDGE_BASES["kgbuild"]``, so ``CandidateGenerator(name="kgbuild")`` or
``nlp.add_pipe("scispacy_linker", config={"linker_name": "kgbuild"})`` work too.

kgbuild uses it in the statistical NER (``kgbuild/ner.py``): a model span the vocabulary cannot
ground is linked, restricted to the span's family (CHEMICAL -> drug/chemical/..., DISEASE ->
disease). Everything is loaded lazily, on the first span that needs it. ``KGBUILD_LINKER=0``
switches it off, ``KGBUILD_LINKER=1`` on; ``KGBUILD_LINKER_THRESHOLD`` overrides the threshold.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Iterable, Sequence

from .vocabulary import DEFAULT_PATH, Concept, Vocabulary, _cache_dir, content_digest, normalize_term

__all__ = ["LINK_TYPES", "THRESHOLD", "enabled", "link", "link_many", "build_index", "index_dir", "Linker",
           "KgbuildKnowledgeBase", "kb_entities", "register", "get_linker"]

LINK_TYPES = ("drug", "chemical", "drug_class", "cytokine", "lab_marker", "disease")
# Chosen on BC5CDR *train* (benchmarks/linker_threshold.py): disease concept F1 0.710 -> 0.716 at
# 0.85 with precision unchanged; chemicals gain nothing at any threshold, so only DISEASE spans
# are linked (LINK_LABELS).
THRESHOLD = 0.85
LINK_LABELS = ("DISEASE",)
DEFAULT_ON = False
MIN_CHARS = 5                 # shorter mentions (abbreviations) are never linked fuzzily
K = 10                        # neighbours asked from the index per mention
# HNSW (nmslib) parameters. scispaCy uses M=100, efConstruction=2000 for UMLS on 60 threads
# (hours); these build our ~115k aliases in about a minute on one core with top-1 recall 0.95
# against exact search on misspelled aliases (efSearch 200).
HNSW = {"M": 16, "efConstruction": 100, "post": 0}
EF_SEARCH = 200
MIN_DF = 2                    # 3-grams seen in one alias only are dropped from the TF-IDF vocabulary
FILES = ("tfidf_vectorizer.joblib", "tfidf_vectors_sparse.npz", "nmslib_index.bin", "concept_aliases.json",
         "kb.jsonl", "meta.json")


def enabled() -> bool:
    v = os.environ.get("KGBUILD_LINKER")
    if v is None or not v.strip():
        return DEFAULT_ON
    return v.strip().lower() not in ("0", "false", "no", "off")


def threshold() -> float:
    v = os.environ.get("KGBUILD_LINKER_THRESHOLD")
    return float(v) if v else THRESHOLD


# ---------------------------------------------------------------------------------------------
# Knowledge base and index
# ---------------------------------------------------------------------------------------------

def kb_entities(vocabulary: Vocabulary, types: Iterable[str] = LINK_TYPES):
    """scispaCy ``Entity`` rows for the concepts of ``types``: aliases are normalised synonyms."""
    from scispacy.linking_utils import Entity
    types = set(types)
    for c in vocabulary:
        if c.type not in types:
            continue
        cs = set(c.case_sensitive)
        aliases = []
        for s in c.synonyms:
            if s in cs:
                continue
            n = normalize_term(s)
            if len(n) >= 3 and n not in aliases:
                aliases.append(n)
        if aliases:
            yield Entity(concept_id=c.curie, canonical_name=c.label, aliases=aliases, types=[c.type])


class _AliasView(Mapping):
    """alias (normalised name) -> CURIEs of the linkable concepts it names, read from the
    vocabulary's own index (its keys are ``normalize_term``-ed synonyms): nothing to load."""

    def __init__(self, vocabulary: Vocabulary, types: Iterable[str] = LINK_TYPES):
        self._v = vocabulary
        self._types = frozenset(types)

    def __getitem__(self, alias: str) -> list[str]:
        out = []
        for i, cs in self._v._index.get(alias, ()):
            c = self._v.concepts[i]
            if cs is None and c.type in self._types and c.curie not in out:
                out.append(c.curie)
        if not out:
            raise KeyError(alias)
        return out

    def __iter__(self):
        return (k for k in self._v._index if k in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, alias: object) -> bool:
        return isinstance(alias, str) and any(
            cs is None and self._v.concepts[i].type in self._types for i, cs in self._v._index.get(alias, ()))


@functools.lru_cache(maxsize=None)
def _kb_class():
    from scispacy.linking_utils import KnowledgeBase

    class KgbuildKnowledgeBase(KnowledgeBase):
        """Our vocabulary as a scispaCy knowledge base.

        ``KgbuildKnowledgeBase(path)`` reads a scispaCy jsonl file (the built index's ``kb.jsonl``
        by default); ``KgbuildKnowledgeBase.from_vocabulary(vocab)`` wraps a loaded vocabulary
        without copying it (``alias_to_cuis`` is a view of its index; ``cui_to_entity`` is built
        on first access), which is what the pipeline uses: it costs nothing to load.
        """

        def __init__(self, file_path=None):
            super().__init__(file_path if file_path is not None else str(index_dir() / "kb.jsonl"))

        @classmethod
        def from_vocabulary(cls, vocabulary: Vocabulary, types: Iterable[str] = LINK_TYPES):
            kb = cls.__new__(cls)
            kb.alias_to_cuis = _AliasView(vocabulary, types)
            kb._vocabulary, kb._types = vocabulary, tuple(types)
            return kb

        def __getattr__(self, name):
            if name == "cui_to_entity" and "_vocabulary" in self.__dict__:
                self.cui_to_entity = {e.concept_id: e for e in kb_entities(self._vocabulary, self._types)}
                return self.cui_to_entity
            raise AttributeError(name)

    return KgbuildKnowledgeBase


def __getattr__(name):            # KgbuildKnowledgeBase without importing scispaCy at module import
    if name == "KgbuildKnowledgeBase":
        cls = _kb_class()
        globals()[name] = cls
        return cls
    raise AttributeError(name)


INDEX_VERSION = 1             # bump when the index files change meaning


def _code_hash() -> str:
    """What the index depends on besides the vocabulary file: its format and parameters, and the
    vocabulary module (``normalize_term`` makes the aliases)."""
    from .vocabulary import _code_hash as vocabulary_code
    key = json.dumps([INDEX_VERSION, HNSW, MIN_DF, LINK_TYPES, vocabulary_code()], sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def index_dir(vocabulary_path: str | os.PathLike | None = None) -> Path:
    """Where the index for a vocabulary file lives (keyed like the vocabulary pickle)."""
    p = Path(vocabulary_path) if vocabulary_path is not None else DEFAULT_PATH
    return _cache_dir() / f"linker-{content_digest(p)}-{_code_hash()}"


def build_index(out_dir: str | os.PathLike, entities, *, hnsw: dict | None = None, min_df: int = MIN_DF,
                threads: int = 1, verbose: bool = False) -> dict:
    """Write a scispaCy-layout index for ``entities`` (scispaCy ``Entity`` objects) into ``out_dir``.

    What ``scispacy.candidate_generation.create_tfidf_ann_index`` does, with float32 vectors: a
    char_wb 3-gram TF-IDF fitted on the aliases, aliases with an empty vector dropped, an HNSW
    index (cosine, sparse) over the rest. Returns the metadata written to ``meta.json``.
    """
    import joblib
    import nmslib
    import numpy
    import scipy.sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    t0 = time.time()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    entities = list(entities)
    with open(out / "kb.jsonl", "w", encoding="utf-8") as fh:
        for e in entities:
            fh.write(json.dumps({"concept_id": e.concept_id, "canonical_name": e.canonical_name,
                                 "aliases": e.aliases, "types": e.types}, ensure_ascii=False) + "\n")
    aliases = sorted({a for e in entities for a in e.aliases})
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3), min_df=min(min_df, len(aliases)),
                                 dtype=numpy.float32)
    vectors = vectorizer.fit_transform(aliases).astype(numpy.float32)
    keep = numpy.asarray(vectors.sum(axis=1) != 0).reshape(-1)
    aliases = [a for a, k in zip(aliases, keep) if k]
    vectors = vectors[keep]
    joblib.dump(vectorizer, out / "tfidf_vectorizer.joblib")
    scipy.sparse.save_npz(out / "tfidf_vectors_sparse.npz", vectors)
    with open(out / "concept_aliases.json", "w", encoding="utf-8") as fh:
        json.dump(aliases, fh, ensure_ascii=False)
    t1 = time.time()
    index = nmslib.init(method="hnsw", space="cosinesimil_sparse", data_type=nmslib.DataType.SPARSE_VECTOR)
    index.addDataPointBatch(vectors)
    index.createIndex(dict(hnsw or HNSW, indexThreadQty=threads), print_progress=verbose)
    index.saveIndex(str(out / "nmslib_index.bin"))
    meta = {"concepts": len(entities), "aliases": len(aliases), "dropped_empty": int((~keep).sum()),
            "tfidf_features": len(vectorizer.vocabulary_), "hnsw": dict(hnsw or HNSW), "min_df": min_df,
            "tfidf_seconds": round(t1 - t0, 1), "hnsw_seconds": round(time.time() - t1, 1),
            "bytes": sum(f.stat().st_size for f in out.iterdir() if f.is_file())}
    (out / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return meta


_BUILD_LOCK = threading.Lock()


def ensure_index(vocabulary: Vocabulary | None = None, vocabulary_path: str | os.PathLike | None = None,
                 verbose: bool = False) -> Path:
    """The cached index directory for the vocabulary, built first when missing (atomically: a
    temporary directory renamed into place, so concurrent processes never see half an index)."""
    target = index_dir(vocabulary_path)
    if all((target / f).is_file() for f in FILES):
        return target
    with _BUILD_LOCK:
        if all((target / f).is_file() for f in FILES):
            return target
        vocabulary = vocabulary or Vocabulary.load(vocabulary_path)
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        if verbose:
            print(f"building the entity-linker index in {target} (about a minute, once)", file=sys.stderr)
        build_index(tmp, kb_entities(vocabulary), verbose=verbose)
        try:
            os.replace(tmp, target)
        except OSError:                 # another process won the race: use its index
            shutil.rmtree(tmp, ignore_errors=True)
            if not all((target / f).is_file() for f in FILES):
                raise
        return target


def register(directory: str | os.PathLike | None = None) -> None:
    """Name the index ``kgbuild`` in scispaCy's registries (``DEFAULT_PATHS``, ``DEFAULT_KNOWLEDGE_BASES``)."""
    from scispacy import candidate_generation as cg
    from scispacy.candidate_generation import LinkerPaths
    directory = Path(directory) if directory is not None else ensure_index()
    cg.DEFAULT_PATHS["kgbuild"] = LinkerPaths.from_directory(directory)
    kb_cls = _kb_class()

    class _Registered(kb_cls):
        def __init__(self, file_path=None):
            super().__init__(file_path if file_path is not None else str(directory / "kb.jsonl"))

    cg.DEFAULT_KNOWLEDGE_BASES["kgbuild"] = _Registered


# ---------------------------------------------------------------------------------------------
# Linking
# ---------------------------------------------------------------------------------------------

class Linker:
    """A scispaCy ``CandidateGenerator`` over an index directory, answering with vocabulary concepts."""

    def __init__(self, directory: str | os.PathLike, vocabulary: Vocabulary | None = None,
                 ef_search: int = EF_SEARCH):
        from scispacy.candidate_generation import CandidateGenerator, LinkerPaths
        paths = LinkerPaths.from_directory(directory)
        aliases, vectorizer, ann = paths.load(ef_search=ef_search)
        self.vocabulary = vocabulary or Vocabulary.load()
        kb = _kb_class().from_vocabulary(self.vocabulary)
        self.generator = CandidateGenerator(ann_index=ann, tfidf_vectorizer=vectorizer,
                                            ann_concept_aliases_list=aliases, kb=kb)

    def candidates(self, texts: Sequence[str], types: Sequence[Iterable[str] | None] | None = None,
                   k: int = K) -> list[list[tuple[Concept, float, str]]]:
        """[(concept, similarity, alias)] per text, best first, restricted to ``types`` per text."""
        from .entity_matcher import TYPE_PRIORITY
        queries = [normalize_term(t) for t in texts]
        todo = [i for i, q in enumerate(queries) if len(q) >= 3]
        out: list[list[tuple[Concept, float, str]]] = [[] for _ in texts]
        if not todo:
            return out
        batch = self.generator([queries[i] for i in todo], k)
        for i, cands in zip(todo, batch):
            allowed = set(types[i]) if types is not None and types[i] is not None else None
            rows = []
            for cand in cands:
                c = self.vocabulary.get(cand.concept_id)
                if c is None or (allowed is not None and c.type not in allowed):
                    continue
                # a name that only extends the mention ("toxicity" -> "nephrotoxicity", "overdose"
                # -> "drug overdose") says more than the text does: not a link
                pairs = [(float(sim), a) for sim, a in zip(cand.similarities, cand.aliases)
                         if a == queries[i] or queries[i] not in a]
                if pairs:
                    sim, alias = max(pairs)
                    rows.append((c, sim, alias))
            # ties (one alias, several concepts): label equal to the alias, then the usual type order
            rows.sort(key=lambda r: (-round(r[1], 6), normalize_term(r[0].label) != r[2],
                                     TYPE_PRIORITY.get(r[0].type, 9), r[0].curie))
            out[i] = rows
        return out

    def link_many(self, texts: Sequence[str], types: Sequence[Iterable[str] | None] | None = None,
                  min_score: float | None = None) -> list[tuple[Concept, float] | None]:
        t = threshold() if min_score is None else min_score
        res = []
        for text, rows in zip(texts, self.candidates(texts, types)):
            if rows and rows[0][1] >= t and len(normalize_term(text)) >= MIN_CHARS:
                res.append((rows[0][0], round(rows[0][1], 4)))
            else:
                res.append(None)
        return res


_LINKER: Linker | None = None
_LINKER_LOCK = threading.Lock()


def get_linker() -> Linker:
    """The process-wide linker over the bundled vocabulary (index built on first use)."""
    global _LINKER
    if _LINKER is None:
        with _LINKER_LOCK:
            if _LINKER is None:
                vocab = Vocabulary.load()
                _LINKER = Linker(ensure_index(vocab, verbose=True), vocab)
    return _LINKER


def link_many(texts: Sequence[str], types: Sequence[Iterable[str] | None] | None = None,
              min_score: float | None = None) -> list[tuple[Concept, float] | None]:
    """``link`` for several mentions at once (one batched index query)."""
    if not texts:
        return []
    return get_linker().link_many(texts, types, min_score)


def link(text: str, types: Iterable[str] | None = None, min_score: float | None = None
         ) -> tuple[Concept, float] | None:
    """(concept, cosine similarity) of the vocabulary name nearest to ``text`` (optionally only
    concepts of ``types``), or None below the threshold (``THRESHOLD``, ``$KGBUILD_LINKER_THRESHOLD``)."""
    return link_many([text], [types] if types is not None else None, min_score)[0]


def main(argv: list[str] | None = None) -> int:
    import argparse
    ap = argparse.ArgumentParser(prog="python -m kgbuild.linking",
                                 description="Build or query the entity-linker index over the vocabulary.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build the index into the cache (if missing) and print its metadata")
    b.add_argument("--force", action="store_true", help="rebuild even when the cached index exists")
    q = sub.add_parser("link", help="link names: print the best candidates")
    q.add_argument("text", nargs="+")
    q.add_argument("--types", default=None, help="comma-separated concept types")
    args = ap.parse_args(argv)
    if args.cmd == "build":
        d = index_dir()
        if args.force:
            shutil.rmtree(d, ignore_errors=True)
        t = time.time()
        d = ensure_index(verbose=True)
        meta = json.loads((d / "meta.json").read_text(encoding="utf-8"))
        print(json.dumps({"directory": str(d), "seconds": round(time.time() - t, 1), **meta}, indent=1))
        return 0
    types = [args.types.split(",")] * len(args.text) if args.types else None
    for text, rows in zip(args.text, get_linker().candidates(args.text, types)):
        print(text)
        for c, s, a in rows[:5]:
            print(f"  {s:.3f}  {c.curie}  {c.type}  {c.label}  (via {a!r})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
