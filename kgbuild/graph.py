"""Assembly: one node per concept, one edge per (subject, predicate, object), with evidence.

Belief follows INDRA's idea that independent evidence accumulates: claims from the same document
are not independent (we keep the best one per document), claims from different documents are
(belief = 1 − Π(1 − c_d)). Negated claims are kept on the edge as contradicting evidence and
flagged; they lower belief instead of disappearing. All parameters are in BELIEF.

Two assemblies share these rules: `KnowledgeGraph` (networkx, every claim and evidence sentence
on its edges; what the exports use) and `EdgeIndex` (aggregated edges in numpy arrays with a CSR
adjacency, built once per store state and saved as STORE/graph-index.npz; what path queries,
neighbours and name resolution use, see `edge_index`).
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import weakref
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass

import networkx as nx
import numpy as np

from .model import PREDICATES
from .store import Store
from .vocabulary import normalize_term, normalized_variants

BELIEF = {
    "hedged_weight": 1.0,        # hedging is already in the claim confidence
    "contradiction_weight": 0.5,  # how much negated evidence discounts an asserted edge
    "max_belief": 0.99,
    # a claim a curator accepted (or corrected with an edit) counts with at least this confidence;
    # rejected claims count not at all (kgbuild/curation.py)
    "curated_confidence": 0.95,
}
CURATED = ("accepted", "edited")


def claim_confidence(confidence: float, status: str | None) -> float:
    """A claim's confidence as evidence: raised to BELIEF["curated_confidence"] once curated."""
    if status in CURATED:
        return max(confidence, BELIEF["curated_confidence"])
    return confidence
# sign of each predicate for composing effects along a path; 0 = no direction known
PREDICATE_SIGN = {"causes": 1, "increases": 1, "decreases": -1, "treats": -1, "associated_with": 0,
                  "biomarker_for": 0}
# predicates a path may walk against their direction (reported with their true direction)
REVERSIBLE = {"associated_with", "biomarker_for"}


def combine(confidences_by_doc: dict[str, list[float]]) -> float:
    p_wrong = 1.0
    for confs in confidences_by_doc.values():
        p_wrong *= 1.0 - max(confs)
    return min(BELIEF["max_belief"], 1.0 - p_wrong)


def _add_mentioned_as(g: nx.MultiDiGraph, store: Store) -> None:
    """The name the documents use most for each concept, where it is not the preferred label's."""
    best: dict[str, list] = {}
    for curie, text, count in store.mention_names():
        if curie in g:
            _consider_mention(best, curie, g.nodes[curie]["label"], text, count)
    for curie, entry in best.items():
        if (text := _shown_name(entry)) is not None:
            g.nodes[curie]["mentioned_as"] = text


def _consider_mention(best: dict, key, label: str, text: str, count: int) -> None:
    """Count in `best[key]` ([mentions in the label's words, {other full name: mentions}]) one
    mention text: a name with an abbreviation the label spells out ("GI bleeding" for
    Gastrointestinal Hemorrhage) is no full name; one whose abbreviation is part of the label is
    ("QT prolongation" for long QT syndrome), and so is a short form of the label itself ("IL-6" for
    Interleukin-6: what the reports call it)."""
    entry = best.setdefault(key, [0, {}])
    if normalize_term(text) in normalize_term(label):
        entry[0] += count               # the label is what the reports say here
        return
    words = text.replace("-", " ").split()
    label_words = {w.lower() for w in label.replace("-", " ").split()}
    short_form = len(text.split()) == 1 and sum(c.isupper() for c in text) >= 2 and _abbreviates(text, label)
    if not short_form and (len(text) < 4 or any(len(w) >= 2 and w.isupper() and w.lower() not in label_words
                                                for w in words)):
        return
    name = text[0].lower() + text[1:] if text[1:].islower() else text
    names = entry[1]
    kept = next((n for n in names if _same_name(n, name)), name)      # "antibiotics" is "antibiotic"
    names[kept] = names.get(kept, 0) + count


def _abbreviates(short: str, label: str) -> bool:
    """Whether a short form abbreviates the label itself (its letters in order, the first one
    first, as Schwartz & Hearst match them): "IL-6" Interleukin-6, "CRP" C-reactive protein; not
    "AIT" thyrotoxicosis (amiodarone-induced thyrotoxicosis, a narrower name)."""
    letters = [c for c in short.lower() if c.isalnum()]
    text = [c for c in label.lower() if c.isalnum()]
    if not letters or not text or letters[0] != text[0]:
        return False
    it = iter(text)
    return all(c in it for c in letters)


def _same_name(a: str, b: str) -> bool:
    """Two names that normalise alike, up to a plural."""
    return bool(set(normalized_variants(normalize_term(a))) & set(normalized_variants(normalize_term(b))))


def _shown_name(entry: list) -> str | None:
    """The reports' names for a node (the most used first, at most `SHOWN_NAMES`), where they use
    them more than the label's words: "Thrombophilia (prothrombotic state)", "Edema (swelling;
    water retention)"; not "Alemtuzumab (Lemtrada)" where alemtuzumab is the name used."""
    label_count, names = entry
    if not names or sum(names.values()) <= label_count:
        return None
    ranked = sorted(names, key=lambda n: (-names[n], n))[:SHOWN_NAMES]
    return "; ".join(ranked)


# how many of the reports' own names a node shows after its label
SHOWN_NAMES = 2


@dataclass
class KnowledgeGraph:
    graph: nx.MultiDiGraph          # key = predicate

    @classmethod
    def from_store(cls, store: Store) -> "KnowledgeGraph":
        g = nx.MultiDiGraph()
        for curie, c in store.concepts().items():
            g.add_node(curie, label=c["label"], type=c["type"], xrefs=c["xrefs"], synonyms=c["synonyms"])
        _add_mentioned_as(g, store)
        edges: dict[tuple[str, str, str], dict] = defaultdict(lambda: {"pos": defaultdict(list),
                                                                       "neg": defaultdict(list),
                                                                       "claims": [], "negated_claims": [],
                                                                       "evidence": []})
        for cl in store.claims():
            e = edges[(cl["subject"], cl["predicate"], cl["object"])]
            conf = claim_confidence(cl["confidence"], cl.get("status"))
            if cl["negated"]:
                e["neg"][cl["document"]].append(conf)
                e["negated_claims"].append(cl["id"])
            else:
                e["pos"][cl["document"]].append(conf)
                e["claims"].append(cl["id"])
                for ev in cl["evidence"]:
                    e["evidence"].append({**ev, "claim": cl["id"], "document": cl["document"],
                                          "source": cl["source"], "title": cl["title"], "hedged": cl["hedged"]})
        for (s, p, o), e in edges.items():
            pos, neg = combine(e["pos"]) if e["pos"] else 0.0, combine(e["neg"]) if e["neg"] else 0.0
            belief = pos * (1.0 - BELIEF["contradiction_weight"] * neg)
            g.add_edge(s, o, key=p, predicate=p, belief=round(belief, 4), asserted_belief=round(pos, 4),
                       negated_belief=round(neg, 4), claims=e["claims"], negated_claims=e["negated_claims"],
                       evidence=e["evidence"], evidence_count=len(e["claims"]),
                       document_count=len(e["pos"]), contradicted=bool(e["pos"]) and bool(e["neg"]))
        return cls(g)

    def node(self, curie: str) -> dict:
        """A node for people: the preferred label, followed by the name the reports use when
        that differs ("Thrombophilia (prothrombotic state)")."""
        d = self.graph.nodes[curie]
        label = d.get("label", curie)
        mentioned = d.get("mentioned_as")
        shown = f"{label} ({mentioned})" if mentioned else label
        return {"id": curie, "label": shown, "type": d.get("type", "other"), "preferred_label": label,
                "mentioned_as": mentioned}

    def asserted_edges(self):
        """Edges backed by at least one non-negated claim."""
        for s, o, p, d in self.graph.edges(keys=True, data=True):
            if d["claims"]:
                yield s, o, p, d


# -- the edge index: aggregated edges as arrays, built once per store state ---------------------
#
# `KnowledgeGraph` (networkx, every claim and evidence sentence on its edges) is what the exports
# use; path queries use `EdgeIndex` instead: one row per (subject, predicate, object) with its
# belief, claim and document counts and contradiction flag in numpy arrays, plus the adjacency
# (CSR) of the walk graph, the concepts' names and display labels. Claim ids and evidence are
# not in it: queries fetch them from the store for the few edges they return.
#
# It is built from the store with a handful of SQL scans (about 10 s for a million claims on two
# cores), kept per `Store` object (`edge_index(store)`; rebuilt when that connection or any other
# commits to the store), and saved next to the database as `graph-index.npz`, keyed by a
# fingerprint of the store's documents, so the next process that opens the store loads it in a
# fraction of a second instead of rebuilding it. Every write goes through `Store.add` /
# `Store.remove_document`, which always insert or delete a `documents` row, or through a curation
# decision (kgbuild/curation.py), which appends to the `decisions` log, so the documents'
# (rowid, id, kgbuild version, added_at) plus the highest claim, concept, mention and decision
# rowids identify the store's state (`store_fingerprint`, ~0.1 s for 50,000 documents).

INDEX_FILE = "graph-index.npz"
INDEX_FORMAT = 3          # bumped whenever what the index holds changes (2, 3: the reports' names a node shows)
# predicate codes of the index: the model's predicates first, then any other predicate a store holds
_BASE_PREDICATES = tuple(PREDICATES)
_UNREACHED = np.int16(10_000)


class _MultiMap:
    """A sorted string → list of ints map stored as three arrays (cheap to save and load)."""

    def __init__(self, keys: list[str], ptr: np.ndarray, vals: np.ndarray):
        self.keys, self.ptr, self.vals = keys, ptr, vals

    @classmethod
    def from_dict(cls, d: dict[str, list[int]]) -> "_MultiMap":
        keys = sorted(d)
        lens = np.fromiter((len(d[k]) for k in keys), dtype=np.int64, count=len(keys))
        ptr = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(lens, out=ptr[1:])
        vals = np.fromiter((v for k in keys for v in d[k]), dtype=np.int32, count=int(ptr[-1]))
        return cls(keys, ptr, vals)

    def get(self, key: str) -> list[int]:
        i = bisect_left(self.keys, key)
        if i < len(self.keys) and self.keys[i] == key:
            return self.vals[self.ptr[i]:self.ptr[i + 1]].tolist()
        return []

    def __len__(self) -> int:
        return len(self.keys)


def _pack(strings: list) -> np.ndarray:
    return np.frombuffer(json.dumps(strings, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)


def _unpack(arr: np.ndarray) -> list:
    return json.loads(arr.tobytes().decode("utf-8"))


def _csr(keys: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(ptr, order): rows of `keys` grouped by key value 0..n-1, stable."""
    order = np.argsort(keys, kind="stable")
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys, minlength=n), out=ptr[1:])
    return ptr, order


def gather(ptr: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """Indices of all CSR entries of `nodes` (concatenated ranges ptr[n]:ptr[n+1])."""
    starts = ptr[nodes]
    lens = ptr[nodes + 1] - starts
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(lens) - lens
    return np.repeat(starts - offsets, lens) + np.arange(total, dtype=np.int64)


def store_fingerprint(store: Store) -> str:
    """Identifies the store's content: every write inserts or deletes a documents row."""
    h = hashlib.sha1(f"{INDEX_FORMAT}|{json.dumps(BELIEF, sort_keys=True)}|".encode())
    for row in store.conn.execute("SELECT rowid, id, kgbuild_version, added_at FROM documents ORDER BY rowid"):
        h.update(("|".join(map(str, row)) + "\n").encode())
    for table in ("claims", "concepts", "mentions", "decisions"):
        h.update(str(store.conn.execute(f"SELECT MAX(rowid) FROM {table}").fetchone()[0]).encode())
    return h.hexdigest()


class EdgeIndex:
    """Aggregated edges of a store as arrays; see the comment above.

    Nodes are integers 0..n_nodes-1 (`nodes[i]` is the CURIE, `node_id[curie]` the integer).
    Edges (sorted by subject, predicate, object) have `e_s`, `e_p` (index into `predicates`),
    `e_o`, `belief` (rounded to 4 places as in `KnowledgeGraph`), `asserted_belief`,
    `negated_belief`, `n_claims` (asserted claims), `n_negated`, `n_docs` (documents with an
    asserted claim), `contradicted`. `out_ptr` (edges are already in subject order) and
    `in_ptr`/`in_eid` list every edge of a node; the walk graph (asserted edges, and reversible
    ones also backwards) is `fs_ptr`/`fs_to`/`fs_eid` forwards and `bs_ptr`/`bs_from`/`bs_eid`
    backwards.
    """

    ARRAYS = ("e_s", "e_o", "e_p", "belief", "asserted_belief", "negated_belief", "n_claims", "n_negated",
              "n_docs", "contradicted", "out_ptr", "in_ptr", "in_eid", "fs_ptr", "fs_to", "fs_eid", "bs_ptr",
              "bs_from", "bs_eid", "names_ptr", "names_vals", "ids_ptr", "ids_vals")
    STRINGS = ("nodes", "labels", "types", "mentioned_as", "predicates", "names_keys", "ids_keys")

    def __init__(self, fingerprint: str, **data):
        self.fingerprint = fingerprint
        for k in self.ARRAYS:
            setattr(self, k, data[k])
        for k in self.STRINGS:
            setattr(self, k, data[k])
        self.node_id = {c: i for i, c in enumerate(self.nodes)}
        self.pred_code = {p: i for i, p in enumerate(self.predicates)}
        self.names = _MultiMap(self.names_keys, self.names_ptr, self.names_vals)
        self.ids = _MultiMap(self.ids_keys, self.ids_ptr, self.ids_vals)
        self.sign = np.array([PREDICATE_SIGN.get(p, 0) for p in self.predicates], dtype=np.int8)
        self.reversible = np.array([p in REVERSIBLE for p in self.predicates], dtype=bool)
        self._masks: dict = {}

    # -- sizes and degrees
    @property
    def n_nodes(self) -> int:
        return len(self.nodes)

    @property
    def n_edges(self) -> int:
        return len(self.e_s)

    def out_degree(self) -> np.ndarray:
        return np.diff(self.out_ptr)

    def in_degree(self) -> np.ndarray:
        return np.diff(self.in_ptr)

    def degree(self, i: int) -> int:
        return int(self.out_ptr[i + 1] - self.out_ptr[i] + self.in_ptr[i + 1] - self.in_ptr[i])

    # -- nodes and edges as dicts
    def node(self, i: int) -> dict:
        """A node for people, as `KnowledgeGraph.node`."""
        label = self.labels[i]
        mentioned = self.mentioned_as[i]
        return {"id": self.nodes[i], "label": f"{label} ({mentioned})" if mentioned else label,
                "type": self.types[i], "preferred_label": label, "mentioned_as": mentioned}

    def edge(self, e: int) -> dict:
        return {"subject": self.nodes[self.e_s[e]], "predicate": self.predicates[self.e_p[e]],
                "object": self.nodes[self.e_o[e]], "belief": float(self.belief[e]),
                "asserted_belief": float(self.asserted_belief[e]), "negated_belief": float(self.negated_belief[e]),
                "evidence_count": int(self.n_claims[e]), "negated_count": int(self.n_negated[e]),
                "document_count": int(self.n_docs[e]), "contradicted": bool(self.contradicted[e])}

    def out_edges(self, i: int) -> np.ndarray:
        return np.arange(self.out_ptr[i], self.out_ptr[i + 1])

    def in_edges(self, i: int) -> np.ndarray:
        return self.in_eid[self.in_ptr[i]:self.in_ptr[i + 1]]

    def edges_between(self, a: int, b: int) -> list[int]:
        """Every edge a→b and b→a."""
        out = [int(e) for e in self.out_edges(a) if self.e_o[e] == b]
        return out + [int(e) for e in self.out_edges(b) if self.e_o[e] == a and a != b]

    def edge_costs(self, hop_cost: float) -> np.ndarray:
        """−log(belief) + hop_cost per edge (belief floored at 1e-6), computed once."""
        if getattr(self, "_costs", (None,))[0] != hop_cost:
            self._costs = (hop_cost, step_cost(self.belief, hop_cost))
        return self._costs[1]

    # -- the walk graph under a filter
    def allowed(self, predicates: frozenset[str] | None = None, min_belief: float = 0.0) -> np.ndarray:
        """Boolean mask of the edges a path may walk: asserted, of these predicates, belief ≥ min."""
        key = (predicates, float(min_belief))
        mask = self._masks.get(key)
        if mask is None:
            mask = self.n_claims > 0
            if predicates:
                codes = [self.pred_code[p] for p in predicates if p in self.pred_code]
                mask &= np.isin(self.e_p, np.array(codes, dtype=self.e_p.dtype))
            if min_belief > 0:
                mask &= self.belief >= min_belief
            if len(self._masks) > 16:
                self._masks.clear()
            self._masks[key] = mask
        return mask

    def step(self, frontier: np.ndarray, forward: bool, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One hop of the walk graph from every node of `frontier`: (other node, edge id) per
        allowed step (forwards: successors; backwards: predecessors)."""
        ptr, nbr, eid = (self.fs_ptr, self.fs_to, self.fs_eid) if forward else (self.bs_ptr, self.bs_from, self.bs_eid)
        idx = gather(ptr, frontier)
        e = eid[idx]
        ok = allowed[e]
        return nbr[idx][ok], e[ok]

    def step_count(self, nodes: np.ndarray, forward: bool) -> int:
        """How many walk steps leave (forwards) or enter (backwards) `nodes`."""
        ptr = self.fs_ptr if forward else self.bs_ptr
        return int((ptr[nodes + 1] - ptr[nodes]).sum())

    def levels(self, start: int, depth: int, forward: bool, allowed: np.ndarray,
               blocked: np.ndarray | None = None, within: np.ndarray | None = None,
               stop: int | None = None) -> np.ndarray:
        """Hop distance from `start` (forward) or to it (backward) over allowed steps, up to
        `depth`; `_UNREACHED` beyond. `blocked` nodes are never entered, only `within` ones are,
        and `stop` is entered but not left (a path ends there)."""
        ptr, nbr, eid = (self.fs_ptr, self.fs_to, self.fs_eid) if forward else (self.bs_ptr, self.bs_from, self.bs_eid)
        dist = np.full(self.n_nodes, _UNREACHED, dtype=np.int16)
        dist[start] = 0
        frontier = np.array([start], dtype=np.int64)
        for level in range(1, depth + 1):
            idx = gather(ptr, frontier)
            if not idx.size:
                break
            v = nbr[idx][allowed[eid[idx]]]
            v = v[dist[v] == _UNREACHED]
            if blocked is not None:
                v = v[~blocked[v]]
            if within is not None:
                v = v[within[v]]
            if not v.size:
                break
            frontier = np.unique(v).astype(np.int64)
            dist[frontier] = level
            if stop is not None and dist[stop] == level:
                frontier = frontier[frontier != stop]
        return dist

    # -- building, saving, loading
    @classmethod
    def build(cls, store: Store, fingerprint: str | None = None) -> "EdgeIndex":
        fingerprint = fingerprint or store_fingerprint(store)
        conn = store.conn
        nodes, labels, types, xrefs_of, synonyms_of = [], [], [], [], []
        for curie, label, typ, xrefs, syns in conn.execute("SELECT curie, label, type, xrefs, synonyms FROM concepts "
                                                           "ORDER BY rowid"):
            nodes.append(curie)
            labels.append(label)
            types.append(typ)
            xrefs_of.append(xrefs)
            synonyms_of.append(syns)
        node_id = {c: i for i, c in enumerate(nodes)}

        # claims → edges
        predicates = list(_BASE_PREDICATES)
        if conn.execute("SELECT 1 FROM curation LIMIT 1").fetchone() is None:
            rows = conn.execute("SELECT subject, predicate, object, doc_id, negated, confidence FROM claims").fetchall()
        else:   # curated claims count with at least the curated confidence, rejected ones not at all
            rows = conn.execute("SELECT c.subject, c.predicate, c.object, c.doc_id, c.negated, CASE WHEN u.status "
                                "IN ('accepted', 'edited') THEN MAX(c.confidence, ?) ELSE c.confidence END "
                                "FROM claims c LEFT JOIN curation u ON u.claim_id = c.id "
                                "WHERE u.status IS NOT 'rejected'", (BELIEF["curated_confidence"],)).fetchall()
        for curie in {r[0] for r in rows if r[0] not in node_id} | {r[2] for r in rows if r[2] not in node_id}:
            node_id[curie] = len(nodes)        # a claim about a concept the concepts table lacks
            nodes.append(curie), labels.append(curie), types.append("other"), xrefs_of.append("[]")
        for p in sorted({r[1] for r in rows} - set(predicates)):
            predicates.append(p)
        pred_code = {(p, neg): 2 * i + neg for i, p in enumerate(predicates) for neg in (0, 1)}
        doc_code: dict[str, int] = {}
        S = [node_id[r[0]] for r in rows]
        O = [node_id[r[2]] for r in rows]
        P = [pred_code[r[1], r[4]] for r in rows]
        D = [doc_code.setdefault(r[3], len(doc_code)) for r in rows]
        C = [r[5] for r in rows]
        del rows
        n, n_pred, n_doc = len(nodes), len(predicates), max(1, len(doc_code))
        s = np.array(S, dtype=np.int64)
        o = np.array(O, dtype=np.int64)
        pn = np.array(P, dtype=np.int64)
        d = np.array(D, dtype=np.int64)
        conf = np.array(C, dtype=np.float64)
        del S, O, P, D, C
        neg = (pn & 1).astype(bool)
        p = pn >> 1
        triple, edge_of = np.unique((s * n_pred + p) * n + o, return_inverse=True)
        edge_of = edge_of.reshape(-1)
        n_edges = len(triple)
        e_s = (triple // (n_pred * n)).astype(np.int32)
        e_p = ((triple // n) % n_pred).astype(np.int8 if n_pred < 128 else np.int32)
        e_o = (triple % n).astype(np.int32)
        # one confidence per (edge, polarity, document): the best; documents combine independently
        group, group_of = np.unique((edge_of * 2 + neg) * n_doc + d, return_inverse=True)
        best = np.full(len(group), -np.inf)
        np.maximum.at(best, group_of.reshape(-1), conf)
        g_edge = group // (2 * n_doc)
        g_neg = ((group // n_doc) % 2).astype(bool)
        wrong = 1.0 - best

        pos, pos_docs = _combined(g_edge[~g_neg], wrong[~g_neg], n_edges)
        negb, neg_docs = _combined(g_edge[g_neg], wrong[g_neg], n_edges)
        belief = _round4(pos * (1.0 - BELIEF["contradiction_weight"] * negb))
        pos_r, neg_r = _round4(pos), _round4(negb)
        n_claims = np.bincount(edge_of[~neg], minlength=n_edges).astype(np.int32)
        n_negated = np.bincount(edge_of[neg], minlength=n_edges).astype(np.int32)
        del s, o, pn, d, conf, neg, p, edge_of, group, group_of, best, g_edge, g_neg, wrong

        out_ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(e_s, minlength=n), out=out_ptr[1:])
        in_ptr, in_eid = _csr(e_o, n)
        # walk steps: asserted edges forwards, reversible ones also backwards
        walk = np.flatnonzero(n_claims > 0)
        rev = walk[np.isin(e_p[walk], [i for i, q in enumerate(predicates) if q in REVERSIBLE])]
        step_from = np.concatenate([e_s[walk], e_o[rev]])
        step_to = np.concatenate([e_o[walk], e_s[rev]])
        step_eid = np.concatenate([walk, rev]).astype(np.int32)
        fs_ptr, order = _csr(step_from, n)
        fs_to, fs_eid = step_to[order], step_eid[order]
        bs_ptr, order = _csr(step_to, n)
        bs_from, bs_eid = step_from[order], step_eid[order]

        names, mentioned_as = _names(store, nodes, labels, synonyms_of, node_id)
        ids: dict[str, list[int]] = {}
        for i, c in enumerate(nodes):
            ids[c.lower()] = [i]
        for i, x in enumerate(xrefs_of):
            for ref in json.loads(x):
                ids.setdefault(ref.lower(), [i])
        names_mm, ids_mm = _MultiMap.from_dict(names), _MultiMap.from_dict(ids)
        return cls(fingerprint, e_s=e_s, e_o=e_o, e_p=e_p, belief=belief, asserted_belief=pos_r,
                   negated_belief=neg_r, n_claims=n_claims, n_negated=n_negated,
                   n_docs=pos_docs.astype(np.int32), contradicted=(pos_docs > 0) & (neg_docs > 0),
                   out_ptr=out_ptr, in_ptr=in_ptr, in_eid=in_eid.astype(np.int32), fs_ptr=fs_ptr, fs_to=fs_to,
                   fs_eid=fs_eid, bs_ptr=bs_ptr, bs_from=bs_from, bs_eid=bs_eid, names_ptr=names_mm.ptr,
                   names_vals=names_mm.vals, ids_ptr=ids_mm.ptr, ids_vals=ids_mm.vals, nodes=nodes, labels=labels,
                   types=types, mentioned_as=mentioned_as, predicates=predicates, names_keys=names_mm.keys,
                   ids_keys=ids_mm.keys)

    def save(self, path: os.PathLike) -> None:
        """Write atomically (a temporary file renamed over `path`)."""
        path = os.fspath(path)
        tmp = f"{path}.{os.getpid()}.tmp"
        try:
            with open(tmp, "wb") as f:
                np.savez(f, fingerprint=_pack([self.fingerprint]),
                         **{k: getattr(self, k) for k in self.ARRAYS},
                         **{k: _pack(getattr(self, k)) for k in self.STRINGS})
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    @classmethod
    def load(cls, path: os.PathLike, fingerprint: str) -> "EdgeIndex | None":
        """The index saved at `path` if it was built from a store in the state `fingerprint`."""
        try:
            with np.load(path, allow_pickle=False) as z:
                if _unpack(z["fingerprint"]) != [fingerprint]:
                    return None
                data = {k: z[k] for k in cls.ARRAYS}
                data.update({k: _unpack(z[k]) for k in cls.STRINGS})
        except (OSError, ValueError, KeyError, EOFError):
            return None
        return cls(fingerprint, **data)


def _combined(edges: np.ndarray, wrong: np.ndarray, n_edges: int) -> tuple[np.ndarray, np.ndarray]:
    """Per edge, 1 − Π(1 − c_d) over its documents (as `combine`), capped at max_belief, and the
    number of documents; `edges[k]` is the edge of document group k, `wrong[k]` its 1 − c_d."""
    docs = np.bincount(edges, minlength=n_edges)
    p_wrong = np.ones(n_edges)
    np.multiply.at(p_wrong, edges, wrong)
    return np.where(docs > 0, np.minimum(BELIEF["max_belief"], 1.0 - p_wrong), 0.0), docs


def _round4(x: np.ndarray) -> np.ndarray:
    """round(x, 4) exactly as Python rounds (as `KnowledgeGraph` does): numpy's own rounding can
    differ at ties (0.48875 → 0.4888 in numpy, 0.4887 in Python), so those few use Python's."""
    r = np.round(x, 4)
    frac = x * 1e4 - np.floor(x * 1e4)
    for i in np.flatnonzero(np.abs(frac - 0.5) < 1e-6):
        r[i] = round(float(x[i]), 4)
    return r


def _names(store: Store, nodes: list[str], labels: list[str], synonyms_of: list[str],
           node_id: dict[str, int]) -> tuple[dict[str, list[int]], list[str | None]]:
    """Normalised name → nodes (labels, synonyms, every mention text) and, per node, the most
    frequent full-length name the documents use where the label does not say it (as
    `_add_mentioned_as`)."""
    names: dict[str, list[int]] = {}
    normalized: dict[str, str] = {}

    def norm(text: str) -> str:
        key = normalized.get(text)
        if key is None:
            key = normalized[text] = normalize_term(text)
        return key

    def add(name: str, i: int) -> None:
        key = norm(name)
        if key:
            ids = names.setdefault(key, [])
            if i not in ids:
                ids.append(i)

    for i, label in enumerate(labels[:len(synonyms_of)]):
        add(label, i)
        for syn in json.loads(synonyms_of[i]):
            add(syn, i)
    best: dict[int, list] = {}
    for curie, text, count in store.conn.execute("SELECT curie, text, COUNT(*) FROM mentions GROUP BY curie, text"):
        i = node_id.get(curie)
        if i is None:
            continue
        add(text, i)
        _consider_mention(best, i, labels[i], text, count)
    mentioned_as: list[str | None] = [None] * len(nodes)
    for i, entry in best.items():
        mentioned_as[i] = _shown_name(entry)
    return names, mentioned_as


_INDEXES: "weakref.WeakKeyDictionary[Store, tuple[tuple, EdgeIndex]]" = weakref.WeakKeyDictionary()


def _connection_state(store: Store) -> tuple:
    """Changes whenever this connection or any other commits to the store."""
    return (id(store.conn), store.conn.total_changes, store.conn.execute("PRAGMA data_version").fetchone()[0])


def edge_index(store: Store, persist: bool | None = None) -> EdgeIndex:
    """The store's `EdgeIndex`, built at most once per store state.

    Kept on the `store` object while nothing is written; otherwise loaded from the store's
    `graph-index.npz` if that was saved from the same store state, else built from the claims
    and saved there (`persist`; default on unless $KGBUILD_INDEX_CACHE is "0"; a store directory
    that cannot be written is simply not cached)."""
    state = _connection_state(store)
    cached = _INDEXES.get(store)
    if cached is not None and cached[0] == state:
        return cached[1]
    fingerprint = store_fingerprint(store)
    if cached is not None and cached[1].fingerprint == fingerprint:
        _INDEXES[store] = (state, cached[1])
        return cached[1]
    if persist is None:
        persist = os.environ.get("KGBUILD_INDEX_CACHE", "1") != "0"
    path = store.directory / INDEX_FILE
    index = EdgeIndex.load(path, fingerprint) if persist and path.exists() else None
    if index is None:
        index = EdgeIndex.build(store, fingerprint)
        if persist:
            try:
                index.save(path)
            except OSError:
                pass
    _INDEXES[store] = (state, index)
    return index


def step_cost(belief: np.ndarray | float, hop_cost: float):
    """−log(belief) + hop cost (belief floored at 1e-6), as arrays or a number."""
    if isinstance(belief, np.ndarray):
        return -np.log(np.maximum(belief, 1e-6)) + hop_cost
    return -math.log(max(belief, 1e-6)) + hop_cost
