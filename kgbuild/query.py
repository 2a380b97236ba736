"""Queries over the assembled graph: name resolution, mechanism paths, neighbours.

Path ranking. Every hop walks the best edge between two concepts; its cost is
−log(belief) + HOP_COST, and paths come out cheapest first (Yen's k-shortest simple paths), so
the score of a path, exp(−cost), is the product of its edge beliefs times e^(−HOP_COST) per hop.
Well-supported short chains rank first; a weak direct edge does not hide a strong mechanism.
"""
from __future__ import annotations

import difflib
import math
from itertools import islice

import networkx as nx

from .graph import PREDICATE_SIGN, REVERSIBLE, KnowledgeGraph
from .store import Store
from .vocabulary import Vocabulary, normalize_term

HOP_COST = 0.1
DEFAULT_MAX_HOPS = 4
DEFAULT_LIMIT = 10


class QueryError(Exception):
    """A query that cannot be answered as asked (one-line message for the user)."""


class NameIndex:
    """Every name a concept in the store is known by: label, synonyms, mention texts, CURIEs."""

    def __init__(self, store: Store, graph: KnowledgeGraph):
        self.graph = graph
        self.by_name: dict[str, set[str]] = {}
        self.by_curie: dict[str, str] = {}
        for curie, c in store.concepts().items():
            self.by_curie[curie.lower()] = curie
            for x in c["xrefs"]:
                self.by_curie.setdefault(x.lower(), curie)
            for name in [c["label"], *c["synonyms"]]:
                self._add(name, curie)
        for curie, text, _ in store.mention_names():
            self._add(text, curie)

    def _add(self, name: str, curie: str) -> None:
        key = normalize_term(name)
        if key:
            self.by_name.setdefault(key, set()).add(curie)

    def resolve(self, name: str) -> str:
        if name.lower() in self.by_curie:
            return self.by_curie[name.lower()]
        hits = self.by_name.get(normalize_term(name))
        if not hits:
            concept = None
            try:
                found = Vocabulary.load().lookup(name)
                concept = found[0] if found else Vocabulary.load().get(name)
            except FileNotFoundError:
                pass
            if concept is not None:
                for cid in [concept.curie, *concept.xrefs]:
                    if cid.lower() in self.by_curie:
                        return self.by_curie[cid.lower()]
                raise QueryError(f"'{name}' is {concept.label} ({concept.curie}), which no document in the store mentions")
            close = difflib.get_close_matches(normalize_term(name), list(self.by_name), n=5, cutoff=0.6)
            hint = f"; did you mean: {', '.join(close)}?" if close else ""
            raise QueryError(f"unknown concept '{name}'{hint}")
        # several concepts share the name: the best connected one
        return max(hits, key=lambda c: (self.graph.graph.degree(c) if c in self.graph.graph else 0, c))


def _walk_graph(kg: KnowledgeGraph, predicates: set[str] | None, min_belief: float,
                exclude: set[str]) -> nx.DiGraph:
    """One directed step per concept pair: the best asserted edge (reversible ones both ways)."""
    walk = nx.DiGraph()
    for s, o, p, d in kg.asserted_edges():
        if predicates and p not in predicates:
            continue
        if d["belief"] < min_belief or s in exclude or o in exclude:
            continue
        cost = -math.log(max(d["belief"], 1e-6)) + HOP_COST
        for a, b, reverse in ((s, o, False), (o, s, True)):
            if reverse and p not in REVERSIBLE:
                continue
            old = walk.get_edge_data(a, b)
            if old is None or cost < old["cost"]:
                walk.add_edge(a, b, cost=cost, subject=s, predicate=p, object=o)
    return walk


def find_paths(store: Store, source: str, target: str, max_hops: int = DEFAULT_MAX_HOPS,
               limit: int = DEFAULT_LIMIT, min_hops: int = 1, predicates: set[str] | None = None,
               min_belief: float = 0.0,
               via: list[str] | None = None, exclude: list[str] | None = None) -> dict:
    kg = KnowledgeGraph.from_store(store)
    names = NameIndex(store, kg)
    src, dst = names.resolve(source), names.resolve(target)
    if src == dst:
        raise QueryError(f"'{source}' and '{target}' are the same concept ({src})")
    via_ids = [names.resolve(v) for v in via or []]
    excl = {names.resolve(x) for x in exclude or []}
    walk = _walk_graph(kg, predicates, min_belief, excl)
    paths = []
    if src in walk and dst in walk:
        # only nodes that can lie on a path of at most max_hops hops
        ahead = nx.single_source_shortest_path_length(walk, src, cutoff=max_hops)
        behind = nx.single_source_shortest_path_length(walk.reverse(copy=False), dst, cutoff=max_hops)
        keep = [n for n in ahead if n in behind and ahead[n] + behind[n] <= max_hops]
        walk = walk.subgraph(keep)
    if src in walk and dst in walk:
        try:
            candidates = nx.shortest_simple_paths(walk, src, dst, weight="cost")
            for nodes in islice(candidates, 2000):
                if not min_hops <= len(nodes) - 1 <= max_hops:
                    continue
                if via_ids and not all(v in nodes for v in via_ids):
                    continue
                paths.append(_describe(kg, walk, nodes))
                if len(paths) >= limit:
                    break
        except nx.NetworkXNoPath:
            pass
    paths.sort(key=lambda p: -p["score"])
    return {"from": kg.node(src), "to": kg.node(dst), "max_hops": max_hops, "paths": paths}


def _describe(kg: KnowledgeGraph, walk: nx.DiGraph, nodes: list[str]) -> dict:
    edges, cost, sign = [], 0.0, 1
    for a, b in zip(nodes, nodes[1:]):
        step = walk.edges[a, b]
        cost += step["cost"]
        data = kg.graph.edges[step["subject"], step["object"], step["predicate"]]
        sign *= PREDICATE_SIGN.get(step["predicate"], 0)
        edges.append({"subject": step["subject"], "predicate": step["predicate"], "object": step["object"],
                      "claims": list(data["claims"]), "belief": data["belief"],
                      "evidence_count": data["evidence_count"], "document_count": data["document_count"],
                      "contradicted": data["contradicted"], "negated_claims": list(data["negated_claims"]),
                      "evidence": [{k: ev.get(k) for k in ("claim", "text", "source", "title", "page", "section",
                                                          "start", "end", "hedged")}
                                   for ev in data["evidence"]]})
    effect = {1: "increases", -1: "decreases", 0: "unknown"}[sign]
    return {"nodes": [kg.node(n) for n in nodes], "edges": edges, "score": round(math.exp(-cost), 4),
            "hops": len(edges), "net_effect": effect}


def neighbors(store: Store, name: str) -> dict:
    kg = KnowledgeGraph.from_store(store)
    curie = NameIndex(store, kg).resolve(name)
    out = []
    for s, o, p, d in kg.graph.out_edges(curie, keys=True, data=True):
        out.append({"direction": "out", "subject": s, "predicate": p, "object": o, "other": kg.node(o),
                    "belief": d["belief"], "evidence_count": d["evidence_count"], "negated": not d["claims"]})
    for s, o, p, d in kg.graph.in_edges(curie, keys=True, data=True):
        out.append({"direction": "in", "subject": s, "predicate": p, "object": o, "other": kg.node(s),
                    "belief": d["belief"], "evidence_count": d["evidence_count"], "negated": not d["claims"]})
    out.sort(key=lambda r: -r["belief"])
    return {"concept": kg.node(curie), "neighbors": out}
