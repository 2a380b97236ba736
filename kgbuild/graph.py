"""Assembly: one node per concept, one edge per (subject, predicate, object), with evidence.

Belief follows INDRA's idea that independent evidence accumulates: claims from the same document
are not independent (we keep the best one per document), claims from different documents are
(belief = 1 − Π(1 − c_d)). Negated claims are kept on the edge as contradicting evidence and
flagged; they lower belief instead of disappearing. All parameters are in BELIEF.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import networkx as nx

from .store import Store
from .vocabulary import normalize_term

BELIEF = {
    "hedged_weight": 1.0,        # hedging is already in the claim confidence
    "contradiction_weight": 0.5,  # how much negated evidence discounts an asserted edge
    "max_belief": 0.99,
}
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
    """The most frequent full-length name the documents use for each concept, where the
    preferred label does not already say it."""
    best: dict[str, tuple[int, str]] = {}
    for curie, text, count in store.mention_names():
        if curie not in g or len(text) < 4 or text.isupper():
            continue
        key = normalize_term(text)
        if key in normalize_term(g.nodes[curie]["label"]):
            best[curie] = (10**9, "")          # the label is what the reports say
            continue
        if count > best.get(curie, (0, ""))[0]:
            best[curie] = (count, text[0].lower() + text[1:] if text[1:].islower() else text)
    for curie, (_, text) in best.items():
        if text:
            g.nodes[curie]["mentioned_as"] = text


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
            if cl["negated"]:
                e["neg"][cl["document"]].append(cl["confidence"])
                e["negated_claims"].append(cl["id"])
            else:
                e["pos"][cl["document"]].append(cl["confidence"])
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
