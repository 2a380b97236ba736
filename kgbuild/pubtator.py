"""PubTator files, the format BC5CDR, BioRED and NCBI-disease come in: one reader for the training
scripts and benchmarks (the pipeline itself never reads them).

A document is a title line ``PMID|t|…``, an abstract line ``PMID|a|…``, then tab-separated rows:
mentions ``PMID start end text type ids [composite parts]`` (offsets into title + one character +
abstract; ``ids`` ``|``-separated, ``-1`` for none) and relations ``PMID type id1 id2 …``. Blank
lines separate documents.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class PubtatorMention:
    start: int
    end: int
    text: str
    type: str
    ids: tuple[str, ...]          # without "" and "-1"
    composite: bool = False       # a 7th column: the mention names several concepts ("X and Y toxicity")


@dataclass
class PubtatorDocument:
    pmid: str
    title: str = ""
    abstract: str = ""
    mentions: list[PubtatorMention] = field(default_factory=list)
    relations: list[tuple[str, ...]] = field(default_factory=list)   # (type, id1, id2, …)

    def text(self, sep: str = " ") -> str:
        """Title and abstract joined by one character, so the mention offsets hold."""
        return self.title + sep + self.abstract


def read_pubtator(path: str | Path) -> Iterator[PubtatorDocument]:
    doc: PubtatorDocument | None = None
    for line in Path(path).read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if doc is not None:
                yield doc
            doc = None
            continue
        if doc is None:
            doc = PubtatorDocument(pmid=line.split("|", 1)[0].split("\t", 1)[0])
        if "|t|" in line[:20]:
            doc.title = line.split("|t|", 1)[1]
        elif "|a|" in line[:20]:
            doc.abstract = line.split("|a|", 1)[1]
        else:
            f = line.split("\t")
            if len(f) >= 5 and f[1].isdigit() and f[2].isdigit():
                ids = tuple(i for i in (f[5].split("|") if len(f) > 5 else ()) if i and i != "-1")
                doc.mentions.append(PubtatorMention(int(f[1]), int(f[2]), f[3], f[4], ids, len(f) >= 7))
            elif len(f) >= 4:
                doc.relations.append(tuple(f[1:]))
