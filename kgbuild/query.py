"""Queries over the assembled graph: name resolution, mechanism paths, neighbours, explanations.

Path ranking. Every hop walks the best edge between two concepts; its cost is
−log(belief) + HOP_COST, and paths come out cheapest first (k shortest simple paths), so the
score of a path, exp(−cost), is the product of its edge beliefs times e^(−HOP_COST) per hop.
Well-supported short chains rank first; a weak direct edge does not hide a strong mechanism.
Between two concepts the best edge is the one with the highest belief; on a tie a forward edge
beats a reversible one walked backwards, then predicates go in `model.PREDICATES` order.

How paths are found (fast on millions of claims; see `kgbuild/graph.py` for the `EdgeIndex`):

1. bounded bidirectional breadth-first search on the walk graph: hop distances from the source
   (⌈H/2⌉ hops) and to the target (⌊H/2⌋ hops); every node of a path of at most H hops is within
   reach of one side, so only those nodes are searched again, exactly, and a node is kept when
   d(source, n) + d(n, target) ≤ H (a step u→v when d(source, u) + 1 + d(v, target) ≤ H);
2. on that pruned subgraph, h_r(n) = the cheapest cost from n to the target in at most r hops
   (r rounds of Bellman-Ford), an exact lower bound for any simple path;
3. best-first search over partial paths ordered by cost so far + h_(hops left): complete paths
   come out exactly cheapest first; cycles, `via`, `min_hops` are checked as they come. At most
   MAX_EXPANSIONS partial paths are expanded (only reachable when `via` rules out most paths).

Claim ids and evidence sentences are read from the store only for the edges of returned paths.
"""
from __future__ import annotations

import difflib
import heapq
import json
import math
from bisect import bisect_left, bisect_right
from itertools import count

import numpy as np

from .graph import _UNREACHED, PREDICATE_SIGN, EdgeIndex, claim_confidence, edge_index, gather
from .store import Store
from .vocabulary import Vocabulary, normalize_term

HOP_COST = 0.1
DEFAULT_MAX_HOPS = 4
DEFAULT_LIMIT = 10
MAX_EXPANSIONS = 100_000
EVIDENCE_FIELDS = ("claim", "text", "source", "title", "page", "section", "start", "end", "hedged")


class QueryError(Exception):
    """A query that cannot be answered as asked (one-line message for the user)."""


def prepare(store: Store) -> EdgeIndex:
    """Load (or build and cache) everything queries need for this store: the edge and name
    index. Optional: the first query does it anyway; call it to pay that cost up front."""
    return edge_index(store)


class NameIndex:
    """Every name a concept in the store is known by: label, synonyms, mention texts, CURIEs and
    cross-references."""

    def __init__(self, store: Store):
        self.index = edge_index(store)

    def resolve(self, name: str) -> str:
        return self.index.nodes[self.resolve_id(name)]

    def resolve_id(self, name: str) -> int:
        idx = self.index
        hits = idx.ids.get(name.lower())
        if hits:
            return hits[0]
        key = normalize_term(name)
        hits = idx.names.get(key)
        if not hits:
            concept = None
            try:
                found = Vocabulary.load().lookup(name)
                concept = found[0] if found else Vocabulary.load().get(name)
            except FileNotFoundError:
                pass
            if concept is not None:
                for cid in [concept.curie, *concept.xrefs]:
                    known = idx.ids.get(cid.lower())
                    if known:
                        return known[0]
                raise QueryError(f"'{name}' is {concept.label} ({concept.curie}), which no document in the store mentions")
            close = difflib.get_close_matches(key, self._suggestion_pool(key), n=5, cutoff=0.6)
            hint = f"; did you mean: {', '.join(close)}?" if close else ""
            raise QueryError(f"unknown concept '{name}'{hint}")
        # several concepts share the name: the best connected one
        return max(hits, key=lambda i: (idx.degree(i), idx.nodes[i]))

    def _suggestion_pool(self, key: str) -> list[str]:
        keys = self.index.names.keys
        if len(keys) <= 50_000 or not key:
            return keys
        # a large store: names with the same first letter (difflib over everything takes seconds)
        return keys[bisect_left(keys, key[0]):bisect_right(keys, key[0] + "\uffff")]


def resolve(store: Store, name: str) -> str:
    """The CURIE of the concept `name` (any name, synonym, abbreviation or CURIE) in the store;
    QueryError (with suggestions) when none."""
    return NameIndex(store).resolve(name)


# -- paths --------------------------------------------------------------------------------------
def find_paths(store: Store, source: str, target: str, max_hops: int = DEFAULT_MAX_HOPS,
               limit: int = DEFAULT_LIMIT, min_hops: int = 1, predicates: set[str] | None = None,
               min_belief: float = 0.0,
               via: list[str] | None = None, exclude: list[str] | None = None) -> dict:
    """Mechanism paths from `source` to `target`, best first (see the module docstring).

    Answers ``{"from": node, "to": node, "max_hops": H, "paths": [...]}`` where each path has
    ``nodes``, ``edges`` (subject, predicate, object in their true direction, claim ids, belief,
    evidence and document counts, contradicted, negated claim ids, evidence sentences),
    ``score``, ``hops`` and ``net_effect`` (signs composed: increases × decreases = decreases).
    ``"truncated": true`` is added in the rare case the search gave up (MAX_EXPANSIONS) before
    finding `limit` paths: those returned are still the best ones, but more may exist."""
    idx = edge_index(store)
    names = NameIndex(store)
    src, dst = names.resolve_id(source), names.resolve_id(target)
    if src == dst:
        raise QueryError(f"'{source}' and '{target}' are the same concept ({idx.nodes[src]})")
    via_ids = [names.resolve_id(v) for v in via or []]
    excl = {names.resolve_id(x) for x in exclude or []}
    allowed = idx.allowed(frozenset(predicates) if predicates else None, min_belief)
    found, truncated = _search(idx, src, dst, max_hops, min_hops, limit, allowed, excl, via_ids)
    claims_cache: dict[int, tuple] = {}
    paths = [_describe(store, idx, nodes, steps, cost, claims_cache) for cost, nodes, steps in found]
    paths.sort(key=lambda p: -p["score"])
    result = {"from": _as_asked(idx.node(src), source), "to": _as_asked(idx.node(dst), target),
              "max_hops": max_hops, "paths": paths}
    for p in paths:
        p["nodes"][0], p["nodes"][-1] = result["from"], result["to"]
    if truncated:
        result["truncated"] = True
    return result


def _search(idx: EdgeIndex, src: int, dst: int, max_hops: int, min_hops: int, limit: int,
            allowed: np.ndarray, exclude: set[int], via: list[int]) -> tuple[list[tuple[float, list[int], list[int]]], bool]:
    """The `limit` cheapest simple paths src → dst with min_hops..max_hops hops over allowed
    edges, avoiding `exclude`, through every node of `via`: [(cost, nodes, edge ids)], cheapest
    first, and whether the search stopped at MAX_EXPANSIONS before finding `limit` of them."""
    H = int(max_hops)
    if H < 1 or limit < 1 or min_hops > H or src in exclude or dst in exclude or any(v in exclude for v in via):
        return [], False
    n = idx.n_nodes
    blocked = np.zeros(n, dtype=bool)
    blocked[list(exclude)] = True
    # 1. bidirectional BFS, each time widening the side with fewer steps to take, until the two
    #    depths add up to H; then exact distances inside what it reached
    far = np.int32(_UNREACHED)
    df = np.full(n, far, dtype=np.int32)
    db = np.full(n, far, dtype=np.int32)
    df[src] = db[dst] = 0
    ff, bf = np.array([src]), np.array([dst])
    a = b = 0
    while a + b < H and (ff.size or bf.size):
        forward = bf.size == 0 or (ff.size > 0 and idx.step_count(ff, True) <= idx.step_count(bf, False))
        dist, frontier, stop = (df, ff, dst) if forward else (db, bf, src)
        v, _ = idx.step(frontier, forward, allowed)
        v = np.unique(v[(dist[v] == far) & ~blocked[v]])
        if forward:
            a += 1
        else:
            b += 1
        dist[v] = a if forward else b
        v = v[v != stop]
        if forward:
            ff = v
        else:
            bf = v
    if not ff.size and df[dst] == far and not bf.size and db[src] == far:
        return [], False
    reach = (df + db <= H) | (df < a) | (db < b)
    df = idx.levels(src, H, True, allowed, blocked, within=reach, stop=dst).astype(np.int32)
    if df[dst] > H:
        return [], False
    db = idx.levels(dst, H, False, allowed, blocked, within=reach, stop=src).astype(np.int32)
    ok = df + db <= H
    if any(not ok[v] for v in via):
        return [], False
    df[~ok] = far
    db[~ok] = far
    # 2. x[k][v]: the cheapest walk from v to dst of exactly k hops, for the nodes a path can
    #    have k hops before its end (d(src, v) <= H - k), each round from the smaller side;
    #    h[r] = min over k <= r (at most r hops); hm[r] also at least min_hops - (H - r) hops
    cost = idx.edge_costs(HOP_COST)
    x = np.full((H + 1, n), np.inf)
    x[0, dst] = 0.0
    for r in range(1, H + 1):
        us = np.flatnonzero(df <= H - r)
        us = us[us != dst]
        vs = np.flatnonzero(db <= r - 1)
        vs = vs[vs != src]
        if not us.size or not vs.size:
            continue
        if idx.step_count(us, True) <= idx.step_count(vs, False):
            st = gather(idx.fs_ptr, us)
            frm = np.repeat(us, idx.fs_ptr[us + 1] - idx.fs_ptr[us])
            to, e = idx.fs_to[st], idx.fs_eid[st]
            keep = allowed[e] & (db[to] <= r - 1) & (to != src)
        else:
            st = gather(idx.bs_ptr, vs)
            to = np.repeat(vs, idx.bs_ptr[vs + 1] - idx.bs_ptr[vs])
            frm, e = idx.bs_from[st], idx.bs_eid[st]
            keep = allowed[e] & (df[frm] <= H - r) & (frm != dst)
        frm, to, e = frm[keep], to[keep], e[keep]
        np.minimum.at(x[r], frm, cost[e] + x[r - 1][to])
    h = np.minimum.accumulate(x, axis=0)
    hm = h
    if min_hops > 1:
        hm = np.full((H + 1, n), np.inf)
        for r in range(H + 1):
            need = max(0, min_hops - (H - r))
            if need <= r:
                hm[r] = x[need:r + 1].min(axis=0)
    if not math.isfinite(hm[H][src]):
        return [], False

    # 2b. for each `via` node v: b[v][r][u] = the cheapest cost from u through v to dst in at
    #     most r hops (an exact lower bound while v is still to be visited)
    through: dict[int, np.ndarray] = {}
    for v in sorted({v for v in via if v not in (src, dst)}):
        k_max = H - int(db[v])                       # hops from a node to v that can still be afforded
        to_v = np.full((k_max + 1, n), np.inf)
        to_v[0, v] = 0.0
        for r in range(1, k_max + 1):
            to_v[r] = to_v[r - 1]
            ws = np.flatnonzero(np.isfinite(to_v[r - 1]))
            ws = ws[ws != src]
            st = gather(idx.bs_ptr, ws)
            w = np.repeat(ws, idx.bs_ptr[ws + 1] - idx.bs_ptr[ws])
            u, e = idx.bs_from[st], idx.bs_eid[st]
            keep = allowed[e] & (df[u] <= k_max - r) & (u != dst)
            np.minimum.at(to_v[r], u[keep], cost[e[keep]] + to_v[r - 1][w[keep]])
        bound = np.full((H + 1, n), np.inf)
        for left in range(H + 1):
            for k in range(min(left, k_max) + 1):
                np.minimum(bound[left], to_v[k] + h[left - k][v], out=bound[left])
        if not math.isfinite(bound[H][src]):
            return [], False
        through[v] = bound

    # 3. best-first over partial paths, children generated lazily in order of f = g + c + h
    kids_cache: dict[tuple, tuple[list, list, list, list]] = {}

    def children(u: int, left: int, pending: tuple) -> tuple[list, list, list, list]:
        """Steps u → v worth taking with `left` hops still to go after them, while the via
        nodes `pending` are still to be visited: (f − g, v, edge, c), cheapest first, one per v
        (the best edge; ties: forward, then predicate order)."""
        key = (u, left, pending)
        got = kids_cache.get(key)
        if got is None:
            lo, hi = idx.fs_ptr[u], idx.fs_ptr[u + 1]
            v, e = idx.fs_to[lo:hi], idx.fs_eid[lo:hi]
            c = cost[e]
            rest = hm[left][v]
            for w in pending:
                rest = np.maximum(rest, np.where(v == w, rest, through[w][left][v]))
            f = c + rest
            m = allowed[e] & np.isfinite(f) & (v != src)
            v, e, c, f = v[m], e[m], c[m], f[m]
            order = np.lexsort((idx.e_p[e], idx.e_s[e] != u, f))
            _, first = np.unique(v[order], return_index=True)
            order = order[np.sort(first)]
            got = kids_cache[key] = (f[order].tolist(), v[order].tolist(), e[order].tolist(), c[order].tolist())
        return got

    found: list[tuple[float, list[int], list[int]]] = []
    tie = count()
    heap: list = []
    pending0 = tuple(sorted(through))
    kids = children(src, H - 1, pending0)
    if kids[0]:
        heap.append((kids[0][0], next(tie), 0.0, (src,), (), kids, 0, pending0))
    expansions = 0
    while heap and len(found) < limit and expansions < MAX_EXPANSIONS:
        _, _, g, path, steps, kids, j, pending = heapq.heappop(heap)
        fs, vs, es, cs = kids
        if j + 1 < len(vs):
            heapq.heappush(heap, (g + fs[j + 1], next(tie), g, path, steps, kids, j + 1, pending))
        v = vs[j]
        if v in path:
            continue
        g2, path2, steps2 = g + cs[j], path + (v,), steps + (es[j],)
        if v == dst:
            if len(steps2) >= min_hops and not pending:
                found.append((g2, list(path2), list(steps2)))
            continue
        expansions += 1
        left = H - len(steps2) - 1
        if left < 0:
            continue
        pending2 = tuple(w for w in pending if w != v) if v in pending else pending
        kids2 = children(v, left, pending2)
        if kids2[0]:
            heapq.heappush(heap, (g2 + kids2[0][0], next(tie), g2, path2, steps2, kids2, 0, pending2))
    return found, bool(heap) and len(found) < limit and expansions >= MAX_EXPANSIONS


def _edge_claims(store: Store, idx: EdgeIndex, e: int, cache: dict) -> tuple[list[str], list[str], list[dict]]:
    """(asserted claim ids, negated claim ids, evidence of the asserted claims) of edge `e`."""
    if e in cache:
        return cache[e]
    claims, negated, evidence = [], [], []
    rows = store.conn.execute(
        "SELECT c.id, c.doc_id, c.negated, c.hedged, c.evidence, d.source, d.title FROM claims c "
        "JOIN documents d ON d.id = c.doc_id WHERE c.subject = ? AND c.predicate = ? AND c.object = ? "
        "AND c.id NOT IN (SELECT claim_id FROM curation WHERE status = 'rejected') ORDER BY d.source, c.id", (idx.nodes[idx.e_s[e]], idx.predicates[idx.e_p[e]], idx.nodes[idx.e_o[e]]))
    for cid, doc, neg, hedged, ev_json, source, title in rows:
        if neg:
            negated.append(cid)
            continue
        claims.append(cid)
        for ev in json.loads(ev_json):
            full = {**ev, "claim": cid, "document": doc, "source": source, "title": title, "hedged": bool(hedged)}
            evidence.append({k: full.get(k) for k in EVIDENCE_FIELDS})
    cache[e] = (claims, negated, evidence)
    return cache[e]


def _as_asked(node: dict, name: str) -> dict:
    """An endpoint shown with the name it was asked by, where its label does not say it: asked for
    "infusion-associated reaction", the node is "Infusion-related reaction (infusion-associated reaction)"."""
    key = normalize_term(name)
    if not key or ":" in name or key in normalize_term(node["label"]):
        return node
    return {**node, "label": f"{node['preferred_label']} ({name})", "asked_as": name}


def _describe(store: Store, idx: EdgeIndex, nodes: list[int], steps: list[int], cost: float, cache: dict) -> dict:
    edges, sign = [], 1
    for e in steps:
        claims, negated, evidence = _edge_claims(store, idx, e, cache)
        pred = idx.predicates[idx.e_p[e]]
        sign *= PREDICATE_SIGN.get(pred, 0)
        edges.append({"subject": idx.nodes[idx.e_s[e]], "predicate": pred, "object": idx.nodes[idx.e_o[e]],
                      "claims": list(claims), "belief": float(idx.belief[e]),
                      "evidence_count": int(idx.n_claims[e]), "document_count": int(idx.n_docs[e]),
                      "contradicted": bool(idx.contradicted[e]), "negated_claims": list(negated),
                      "evidence": [dict(ev) for ev in evidence]})
    effect = {1: "increases", -1: "decreases", 0: "unknown"}[sign]
    return {"nodes": [idx.node(n) for n in nodes], "edges": edges, "score": round(math.exp(-cost), 4),
            "hops": len(edges), "net_effect": effect}


# -- neighbours ---------------------------------------------------------------------------------
def neighbors(store: Store, name: str) -> dict:
    """Every edge into and out of a concept (negated-only edges too, marked), strongest first."""
    idx = edge_index(store)
    i = NameIndex(store).resolve_id(name)
    out = []
    for direction, edges, other in (("out", idx.out_edges(i), idx.e_o), ("in", idx.in_edges(i), idx.e_s)):
        for e in edges.tolist():
            out.append({"direction": direction, "subject": idx.nodes[idx.e_s[e]], "predicate": idx.predicates[idx.e_p[e]],
                        "object": idx.nodes[idx.e_o[e]], "other": idx.node(int(other[e])),
                        "belief": float(idx.belief[e]), "evidence_count": int(idx.n_claims[e]),
                        "negated": not idx.n_claims[e], "document_count": int(idx.n_docs[e]),
                        "contradicted": bool(idx.contradicted[e])})
    out.sort(key=lambda r: -r["belief"])
    return {"concept": idx.node(i), "neighbors": out}


# -- explain ------------------------------------------------------------------------------------
def explain(store: Store, x: str, y: str) -> dict:
    """All the evidence between two concepts: every claim x→y and y→x, every predicate,
    asserted and negated, with its document, page, section, sentence, confidence and hedging;
    per edge (subject, predicate, object) its belief and whether it is contradicted (asserted in
    some claims, negated in others); plus a list of the contradictions: `negated` (the same
    triple asserted and negated) and `opposite_effects` (the same direction asserted with
    predicates of opposite sign, e.g. increases and decreases)."""
    idx = edge_index(store)
    names = NameIndex(store)
    a, b = names.resolve_id(x), names.resolve_id(y)
    if a == b:
        raise QueryError(f"'{x}' and '{y}' are the same concept ({idx.nodes[a]})")
    ca, cb = idx.nodes[a], idx.nodes[b]
    rows = store.conn.execute(
        "SELECT c.id, c.doc_id, c.subject, c.predicate, c.object, c.negated, c.hedged, c.confidence, c.evidence, "
        "d.source, d.title, COALESCE(u.status, 'extracted') FROM claims c JOIN documents d ON d.id = c.doc_id "
        "LEFT JOIN curation u ON u.claim_id = c.id "
        "WHERE ((c.subject = ? AND c.object = ?) OR (c.subject = ? AND c.object = ?)) AND u.status IS NOT 'rejected' "
        "ORDER BY d.source, c.id",
        (ca, cb, cb, ca)).fetchall()
    by_edge: dict[tuple[str, str, str], list[dict]] = {}
    for cid, doc, s, p, o, neg, hedged, conf, ev_json, source, title, status in rows:
        evidence = json.loads(ev_json)
        first = evidence[0] if evidence else {}
        by_edge.setdefault((s, p, o), []).append({
            "id": cid, "negated": bool(neg), "hedged": bool(hedged), "confidence": claim_confidence(conf, status),
            "status": status,
            "document": doc, "source": source, "title": title,
            "page": first.get("page"), "section": first.get("section"), "sentence": first.get("text"),
            "evidence": evidence})
    order = {p: i for i, p in enumerate(idx.predicates)}
    edges = []
    for (s, p, o), claims in sorted(by_edge.items(), key=lambda kv: (kv[0][0] != ca, order.get(kv[0][1], 99), kv[0][1])):
        stats = next((idx.edge(e) for e in idx.edges_between(a, b)
                      if idx.nodes[idx.e_s[e]] == s and idx.predicates[idx.e_p[e]] == p), None) or {}
        asserted = [c for c in claims if not c["negated"]]
        negated = [c for c in claims if c["negated"]]
        edges.append({"subject": s, "predicate": p, "object": o, "direction": "forward" if s == ca else "backward",
                      "belief": stats.get("belief", 0.0), "asserted_belief": stats.get("asserted_belief", 0.0),
                      "negated_belief": stats.get("negated_belief", 0.0),
                      "contradicted": bool(asserted) and bool(negated),
                      "documents": len({c["document"] for c in claims}),
                      "asserted": asserted, "negated": negated})
    contradictions = []
    for e in edges:
        if e["contradicted"]:
            contradictions.append({"kind": "negated", "subject": e["subject"], "predicate": e["predicate"],
                                   "object": e["object"],
                                   "asserted_in": sorted({c["source"] for c in e["asserted"]}),
                                   "negated_in": sorted({c["source"] for c in e["negated"]})})
    for s, o in ((ca, cb), (cb, ca)):
        signs: dict[int, list[dict]] = {}
        for e in edges:
            sg = PREDICATE_SIGN.get(e["predicate"], 0)
            if e["subject"] == s and e["asserted"] and sg:
                signs.setdefault(sg, []).append(e)
        if len(signs) == 2:
            contradictions.append({"kind": "opposite_effects", "subject": s, "object": o,
                                   "positive": sorted({e["predicate"] for e in signs[1]}),
                                   "negative": sorted({e["predicate"] for e in signs[-1]}),
                                   "positive_in": sorted({c["source"] for e in signs[1] for c in e["asserted"]}),
                                   "negative_in": sorted({c["source"] for e in signs[-1] for c in e["asserted"]})})
    n_claims = sum(len(e["asserted"]) + len(e["negated"]) for e in edges)
    return {"x": idx.node(a), "y": idx.node(b), "edges": edges, "contradictions": contradictions,
            "claims": n_claims, "asserted_claims": sum(len(e["asserted"]) for e in edges),
            "negated_claims": sum(len(e["negated"]) for e in edges),
            "documents": len({c["document"] for e in edges for c in e["asserted"] + e["negated"]})}
