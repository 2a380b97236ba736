"""is_a hierarchy of conditions (HP, MONDO, MeSH disease trees), so a stage can tell that one
concept is a kind of another: angioedema (MONDO:0010481, xref HP:0100665) is an edema (HP:0000969).

The file ``kgbuild/data/hierarchy.tsv.gz`` is written by ``ontologies/build_vocabulary.py`` next to
the vocabulary: one line per term, ``child TAB parent|parent``. A vocabulary concept carries several
source ids (its CURIE and xrefs), so `is_narrower` climbs from all of a concept's ids and looks for
any of the other concept's ids.
"""
from __future__ import annotations

import gzip
import threading
from functools import lru_cache
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "hierarchy.tsv.gz"
MAX_DEPTH = 12                  # HP and MONDO are at most ~15 deep; a bridging step never needs more
_LOCK = threading.Lock()
_LOADED: dict[Path, "Hierarchy"] = {}


class Hierarchy:
    def __init__(self, parents: dict[str, tuple[str, ...]]):
        self.parents = parents

    @classmethod
    def load(cls, path: Path | None = None) -> "Hierarchy":
        """The shipped hierarchy, read once per process (about 50 ms); empty if the file is missing."""
        path = path or DEFAULT_PATH
        with _LOCK:
            if path not in _LOADED:
                parents: dict[str, tuple[str, ...]] = {}
                if path.exists():
                    with gzip.open(path, "rt", encoding="utf-8") as fh:
                        for line in fh:
                            child, _, ps = line.rstrip("\n").partition("\t")
                            if ps:
                                parents[child] = tuple(ps.split("|"))
                _LOADED[path] = cls(parents)
            return _LOADED[path]

    def ancestors(self, ids: frozenset[str]) -> frozenset[str]:
        """Every proper ancestor of any of ``ids`` (up to MAX_DEPTH levels)."""
        return _ancestors(self, ids)

    def is_narrower(self, ids: frozenset[str], than: frozenset[str]) -> bool:
        """Whether the concept with source ids ``ids`` is a kind of the one with ids ``than``
        (and not the same concept: the two share no id)."""
        return not (ids & than) and bool(self.ancestors(ids) & than)


@lru_cache(maxsize=4096)
def _ancestors(h: Hierarchy, ids: frozenset[str]) -> frozenset[str]:
    seen: set[str] = set()
    frontier = set(ids)
    for _ in range(MAX_DEPTH):
        nxt = {p for c in frontier for p in h.parents.get(c, ())} - seen
        if not nxt:
            break
        seen |= nxt
        frontier = nxt
    return frozenset(seen)
