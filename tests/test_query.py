"""Queries researchers run: explain, path filters, signs, contradictions, HTML, the edge index, speed."""
from __future__ import annotations

import importlib.util
import json
import math
import statistics
import time
from html.parser import HTMLParser
from itertools import islice

import jsonschema
import networkx as nx
import pytest

from conftest import ROOT
from kgbuild.graph import INDEX_FILE, REVERSIBLE, KnowledgeGraph, edge_index
from kgbuild.html import paths_html
from kgbuild.model import Claim, Document, Entity, Evidence, Extraction, Mention
from kgbuild.query import HOP_COST, QueryError, explain, find_paths, neighbors, prepare
from kgbuild.store import Store

IL6, ALEM, DDIMER = "HGNC:6018", "MESH:D000074323", "LOINC:48065-7"


@pytest.fixture()
def corpus(corpus_store):
    with Store(corpus_store, create=False) as store:
        yield store


def _ids(path: dict) -> list[str]:
    return [n["id"] for n in path["nodes"]]


# -- small stores written through the Store API ------------------------------------------------
LABELS = {"T:A": ("Drug A", "drug"), "T:B": ("Cytokine B", "cytokine"), "T:C": ("Marker C", "lab_marker"),
          "T:D": ("Disease D", "disease"), "T:E": ("Process E", "process")}


def _doc(store: Store, doc_id: str, claims: list[tuple], text: str | None = None) -> None:
    """One document whose claims are (subject, predicate, object, negated, confidence[, sentence])."""
    sentences = [c[5] if len(c) > 5 else f"{LABELS[c[0]][0]} {'did not ' if c[3] else ''}{c[1]} {LABELS[c[2]][0]}."
                 for c in claims]
    body = text or " ".join(sentences)
    curies = sorted({c[0] for c in claims} | {c[2] for c in claims})
    ents = [Entity(cu, LABELS[cu][0], LABELS[cu][1], [Mention(LABELS[cu][0], 0, len(LABELS[cu][0]))]) for cu in curies]
    cls = []
    for (s, p, o, neg, conf, *_), sent in zip(claims, sentences):
        start = max(0, body.find(sent))
        cls.append(Claim(s, p, o, negated=neg, confidence=conf, document_id=doc_id,
                         evidence=[Evidence(sent, start, start + len(sent), page=1, section="Discussion")]))
    store.add(Extraction(Document(id=doc_id, source=f"reports/{doc_id}.pdf", text=body, title=doc_id), ents, cls))


# -- explain ------------------------------------------------------------------------------------
def test_explain_alemtuzumab_il6(corpus):
    out = explain(corpus, "alemtuzumab", "IL-6")
    assert out["x"]["id"] == ALEM and out["y"]["id"] == IL6
    inc = [e for e in out["edges"] if e["predicate"] == "increases" and e["subject"] == ALEM and e["object"] == IL6]
    assert inc and inc[0]["direction"] == "forward" and inc[0]["belief"] > 0
    claim = inc[0]["asserted"][0]
    assert claim["source"].endswith("case01.pdf") and claim["page"] == 2 and claim["section"] == "Discussion"
    assert "IL-6" in claim["sentence"] and claim["confidence"] > 0.5 and claim["hedged"] is False
    assert claim["negated"] is False and claim["document"] and claim["evidence"][0]["text"] == claim["sentence"]
    assert out["claims"] == sum(len(e["asserted"]) + len(e["negated"]) for e in out["edges"])
    assert isinstance(out["contradictions"], list)
    # both directions: asked the other way round, the same claims are "backward"
    back = explain(corpus, "IL-6", "alemtuzumab")
    assert back["claims"] == out["claims"]
    assert all(e["direction"] == "backward" for e in back["edges"] if e["subject"] == ALEM)
    json.dumps(out)                              # plain JSON


def test_explain_flags_both_kinds_of_contradiction(tmp_path):
    with Store(tmp_path / "s") as store:
        _doc(store, "d1", [("T:A", "causes", "T:D", False, 0.8), ("T:A", "increases", "T:B", False, 0.85)])
        _doc(store, "d2", [("T:A", "causes", "T:D", True, 0.8), ("T:A", "decreases", "T:B", False, 0.65)])
        out = explain(store, "Drug A", "Disease D")
        (edge,) = out["edges"]
        assert edge["contradicted"] and len(edge["asserted"]) == 1 and len(edge["negated"]) == 1
        assert edge["negated"][0]["negated"] is True and edge["negated"][0]["source"] == "reports/d2.pdf"
        assert edge["belief"] < edge["asserted_belief"] == 0.8
        assert out["contradictions"] == [{"kind": "negated", "subject": "T:A", "predicate": "causes", "object": "T:D",
                                          "asserted_in": ["reports/d1.pdf"], "negated_in": ["reports/d2.pdf"]}]
        opposite = explain(store, "T:A", "T:B")["contradictions"]
        assert [c["kind"] for c in opposite] == ["opposite_effects"]
        assert opposite[0]["positive"] == ["increases"] and opposite[0]["negative"] == ["decreases"]
        with pytest.raises(QueryError):
            explain(store, "Drug A", "T:A")


# -- paths: filters -----------------------------------------------------------------------------
def test_paths_filters_change_the_result(corpus, schemas):
    base = find_paths(corpus, "alemtuzumab", "D-dimer")
    jsonschema.validate(base, schemas["paths-output"])
    chains = [_ids(p) for p in base["paths"]]
    assert [ALEM, DDIMER] in chains and any(IL6 in c for c in chains)

    via = find_paths(corpus, "alemtuzumab", "D-dimer", via=["IL-6"])
    assert via["paths"] and all(IL6 in _ids(p) for p in via["paths"])
    assert [ALEM, DDIMER] not in [_ids(p) for p in via["paths"]]

    excl = find_paths(corpus, "alemtuzumab", "D-dimer", exclude=["interleukin 6"])
    assert excl["paths"] and all(IL6 not in _ids(p) for p in excl["paths"])

    inc = find_paths(corpus, "alemtuzumab", "D-dimer", predicates={"increases"})
    assert inc["paths"] and all(e["predicate"] == "increases" for p in inc["paths"] for e in p["edges"])
    assert len(inc["paths"]) < len(base["paths"])

    direct = next(p for p in base["paths"] if p["hops"] == 1)["edges"][0]["belief"]
    strong = find_paths(corpus, "alemtuzumab", "D-dimer", min_belief=direct + 0.01)
    assert all(e["belief"] >= direct + 0.01 for p in strong["paths"] for e in p["edges"])
    assert [ALEM, DDIMER] not in [_ids(p) for p in strong["paths"]] and strong["paths"]

    mech = find_paths(corpus, "alemtuzumab", "D-dimer", min_hops=2, max_hops=3, limit=1)
    assert len(mech["paths"]) == 1 and 2 <= mech["paths"][0]["hops"] <= 3
    assert find_paths(corpus, "alemtuzumab", "D-dimer", max_hops=1)["paths"][0]["hops"] == 1

    for result in (via, excl, inc, strong, mech):
        jsonschema.validate(result, schemas["paths-output"])
        scores = [p["score"] for p in result["paths"]]
        assert scores == sorted(scores, reverse=True)


def test_paths_score_is_product_of_beliefs(corpus):
    for p in find_paths(corpus, "alemtuzumab", "D-dimer")["paths"]:
        expected = math.prod(e["belief"] for e in p["edges"]) * math.exp(-HOP_COST * p["hops"])
        assert p["score"] == pytest.approx(expected, abs=1e-4)
        for a, b, e in zip(p["nodes"], p["nodes"][1:], p["edges"]):
            assert {e["subject"], e["object"]} == {a["id"], b["id"]}
            assert e["claims"] and e["evidence"] and all(ev["text"] and ev["source"] for ev in e["evidence"])


def test_unknown_names_and_same_concept(corpus):
    with pytest.raises(QueryError, match="alemtuzumab"):
        find_paths(corpus, "alemtuzumob", "D-dimer")
    with pytest.raises(QueryError, match="same concept"):
        find_paths(corpus, "IL-6", "interleukin 6")


def test_neighbors_from_the_index(corpus):
    out = neighbors(corpus, "IL-6")
    assert out["concept"]["id"] == IL6
    rows = {(n["direction"], n["subject"], n["predicate"], n["object"]) for n in out["neighbors"]}
    assert ("in", ALEM, "increases", IL6) in rows
    beliefs = [n["belief"] for n in out["neighbors"]]
    assert beliefs == sorted(beliefs, reverse=True)


# -- signs and contradictions ---------------------------------------------------------------------
def test_sign_composition(tmp_path):
    with Store(tmp_path / "s") as store:
        _doc(store, "d1", [("T:A", "increases", "T:B", False, 0.85), ("T:B", "decreases", "T:C", False, 0.85),
                           ("T:C", "decreases", "T:E", False, 0.85), ("T:C", "associated_with", "T:D", False, 0.85)])
        (p,) = find_paths(store, "Drug A", "Marker C")["paths"]
        assert [e["predicate"] for e in p["edges"]] == ["increases", "decreases"] and p["net_effect"] == "decreases"
        (p,) = find_paths(store, "Drug A", "Process E")["paths"]
        assert p["net_effect"] == "increases"                       # decreases × decreases
        (p,) = find_paths(store, "Drug A", "Disease D")["paths"]
        assert p["net_effect"] == "unknown"                         # an association has no sign
        # a reversible edge is walked backwards but reported in its true direction
        (p,) = find_paths(store, "Disease D", "Marker C")["paths"]
        assert p["edges"][0]["subject"] == "T:C" and p["edges"][0]["object"] == "T:D"
        assert not find_paths(store, "Marker C", "Drug A")["paths"]  # causal edges are not


def test_contradicted_edge_is_flagged_and_belief_lowered(tmp_path, schemas):
    with Store(tmp_path / "s") as store:
        _doc(store, "d1", [("T:A", "causes", "T:D", False, 0.8)])
        (p,) = find_paths(store, "T:A", "T:D")["paths"]
        assert not p["edges"][0]["contradicted"] and p["edges"][0]["belief"] == 0.8
        _doc(store, "d2", [("T:A", "causes", "T:D", True, 0.8)])        # the same store object sees it
        result = find_paths(store, "T:A", "T:D")
        jsonschema.validate(result, schemas["paths-output"])
        (edge,) = result["paths"][0]["edges"]
        assert edge["contradicted"] and len(edge["negated_claims"]) == 1 and len(edge["claims"]) == 1
        assert edge["belief"] == pytest.approx(0.8 * (1 - 0.5 * 0.8))
        assert [ev["source"] for ev in edge["evidence"]] == ["reports/d1.pdf"]   # negated claims are not evidence
        # a negated-only triple is no edge to walk
        _doc(store, "d3", [("T:A", "increases", "T:C", True, 0.85)])
        assert not find_paths(store, "T:A", "T:C")["paths"]
        assert any(n["negated"] for n in neighbors(store, "T:A")["neighbors"])


# -- the edge index ---------------------------------------------------------------------------------
def test_index_agrees_with_knowledge_graph(corpus):
    idx = edge_index(corpus)
    kg = KnowledgeGraph.from_store(corpus)
    assert idx.n_edges == kg.graph.number_of_edges()
    for s, o, p, d in kg.graph.edges(keys=True, data=True):
        (e,) = [e for e in idx.edges_between(idx.node_id[s], idx.node_id[o])
                if idx.nodes[idx.e_s[e]] == s and idx.predicates[idx.e_p[e]] == p]
        got = idx.edge(e)
        assert (got["belief"], got["asserted_belief"], got["negated_belief"]) == \
               (d["belief"], d["asserted_belief"], d["negated_belief"])
        assert (got["evidence_count"], got["document_count"], got["contradicted"], got["negated_count"]) == \
               (d["evidence_count"], d["document_count"], d["contradicted"], len(d["negated_claims"]))
    for curie in kg.graph.nodes:
        assert idx.node(idx.node_id[curie]) == kg.node(curie)


def test_index_is_cached_saved_and_invalidated(tmp_path):
    directory = tmp_path / "s"
    with Store(directory) as store:
        _doc(store, "d1", [("T:A", "causes", "T:D", False, 0.8)])
        first = prepare(store)
        assert prepare(store) is first                                  # kept on the store object
        assert (directory / INDEX_FILE).exists()
    with Store(directory, create=False) as store:
        loaded = prepare(store)                                         # a new process: loaded from disk
        assert loaded is not first and loaded.fingerprint == first.fingerprint
        other = Store(directory, create=False)                          # another connection writes
        _doc(other, "d2", [("T:D", "increases", "T:C", False, 0.85)])
        other.close()
        assert find_paths(store, "T:A", "T:C")["paths"]                 # seen without reopening
        assert prepare(store).fingerprint != first.fingerprint
    (directory / INDEX_FILE).write_bytes(b"not an index")              # a damaged cache is rebuilt
    with Store(directory, create=False) as store:
        assert find_paths(store, "T:A", "T:C")["paths"]


# -- HTML -----------------------------------------------------------------------------------------
class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text, self.attrs, self.in_script, self.script = [], [], [], False, ""

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs
        self.in_script = tag == "script"

    def handle_endtag(self, tag):
        self.in_script = False

    def handle_data(self, data):
        if self.in_script:
            self.script += data
        else:
            self.text.append(data)


def test_html_is_self_contained_and_escapes_evidence(tmp_path):
    evil = 'Drug A raised B <script>alert("x")</script> & <img src=x onerror=alert(1)> sharply.'
    with Store(tmp_path / "s") as store:
        _doc(store, "d1", [("T:A", "increases", "T:B", False, 0.85, evil), ("T:B", "causes", "T:D", False, 0.8)])
        _doc(store, "d2", [("T:B", "causes", "T:D", True, 0.5)])
        result = find_paths(store, "T:A", "T:D")
    page = paths_html(result)
    parser = _Collect()
    parser.feed(page)
    parser.close()
    assert parser.tags.count("script") == 1 and "img" not in parser.tags
    assert "alert" not in parser.script and "<script>" not in parser.script
    text = "".join(parser.text)
    assert '<script>alert("x")</script>' in text and "<img src=x onerror=alert(1)>" in text
    assert {"svg", "style", "template", "marker", "line"} <= set(parser.tags)
    assert not [v for k, v in parser.attrs if k in ("src", "href") and v]   # nothing fetched from anywhere
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in page
    for label in ("Drug A", "Cytokine B", "Disease D", "increases", "causes", "d1.pdf", "Discussion"):
        assert label in text
    assert "contradicted" in text and "drug" in text and "cytokine" in text       # flag and legend


def test_html_for_corpus_and_empty_results(corpus):
    page = paths_html(find_paths(corpus, "alemtuzumab", "D-dimer"))
    parser = _Collect()
    parser.feed(page)
    assert parser.tags.count("svg") >= 2 and "case01.pdf" in "".join(parser.text)
    empty = paths_html({"paths": [], "error": "unknown concept '<b>x</b>'"})
    assert "&lt;b&gt;x&lt;/b&gt;" in empty and "No path found" in empty


# -- speed (small version of benchmarks/paths_1m.py) ------------------------------------------------
def _bench_module():
    spec = importlib.util.spec_from_file_location("paths_1m", ROOT / "benchmarks" / "paths_1m.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _walk_graph(idx) -> nx.DiGraph:
    """The walk graph as networkx: one step per concept pair, the cheapest (the old algorithm's)."""
    walk = nx.DiGraph()
    cost = idx.edge_costs(HOP_COST)
    for e in range(idx.n_edges):
        if not idx.n_claims[e]:
            continue
        s, o, p = int(idx.e_s[e]), int(idx.e_o[e]), idx.predicates[idx.e_p[e]]
        for a, b, rev in ((s, o, False), (o, s, True)):
            if (rev and p not in REVERSIBLE) or a == b:
                continue
            if not walk.has_edge(a, b) or cost[e] < walk[a][b]["cost"]:
                walk.add_edge(a, b, cost=float(cost[e]))
    return walk


def _reference_scores(walk: nx.DiGraph, src: int, dst: int, max_hops: int, limit: int,
                      via: int | None = None, min_hops: int = 1) -> list[float]:
    """Yen's k-shortest simple paths with networkx (the old algorithm, without its candidate cap)."""
    if src not in walk or dst not in walk:
        return []
    ahead = nx.single_source_shortest_path_length(walk, src, cutoff=max_hops)
    behind = nx.single_source_shortest_path_length(walk.reverse(copy=False), dst, cutoff=max_hops)
    sub = walk.subgraph([n for n in ahead if n in behind and ahead[n] + behind[n] <= max_hops])
    out = []
    try:
        for nodes in islice(nx.shortest_simple_paths(sub, src, dst, weight="cost"), 20000):
            if min_hops <= len(nodes) - 1 <= max_hops and (via is None or via in nodes):
                out.append(round(math.exp(-nx.path_weight(sub, nodes, "cost")), 4))
                if len(out) == limit:
                    break
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        pass
    return out


def test_paths_fast_on_a_synthetic_store(tmp_path):
    bench = _bench_module()
    bench.make_store(tmp_path / "syn", n_claims=20_000, n_concepts=2_000, seed=3)
    with Store(tmp_path / "syn", create=False) as store:
        t0 = time.perf_counter()
        idx = prepare(store)
        assert time.perf_counter() - t0 < 10
        assert idx.n_nodes == 2_000 and idx.n_edges > 10_000
        out_deg, in_deg = idx.out_degree(), idx.in_degree()
        sources = [i for i in range(idx.n_nodes) if out_deg[i]]
        targets = [i for i in range(idx.n_nodes) if in_deg[i]]
        import random
        rng = random.Random(0)
        pairs = [(rng.choice(sources), rng.choice(targets)) for _ in range(20)]
        hubs = sorted(range(idx.n_nodes), key=lambda i: -(out_deg[i] + in_deg[i]))[:2]
        pairs += [(hubs[0], hubs[1])]
        times, found = [], 0
        for a, b in pairs:
            if a == b:
                continue
            t0 = time.perf_counter()
            res = find_paths(store, idx.nodes[a], idx.nodes[b], max_hops=4)
            times.append(time.perf_counter() - t0)
            found += bool(res["paths"])
        assert found >= 15
        assert statistics.median(times) < 0.2 and max(times) < 2.0, times
        # exactly the paths the old networkx algorithm finds, best first (compared by score)
        walk, compared = _walk_graph(idx), 0
        for a, b in pairs[:10] + pairs[-1:]:
            if a != b:
                got = [p["score"] for p in find_paths(store, idx.nodes[a], idx.nodes[b], max_hops=3, limit=5)["paths"]]
                assert got == _reference_scores(walk, a, b, 3, 5), (a, b)
                compared += bool(got)
                got = [p["score"] for p in find_paths(store, idx.nodes[a], idx.nodes[b], max_hops=4, min_hops=3,
                                                      limit=5)["paths"]]
                assert got == _reference_scores(walk, a, b, 4, 5, min_hops=3), (a, b)
        assert compared >= 4
        # with --via: a node of the second-best 4-hop path
        compared = 0
        for a, b in pairs[:6]:
            paths = find_paths(store, idx.nodes[a], idx.nodes[b], max_hops=4)["paths"] if a != b else []
            if len(paths) > 1:
                v = idx.node_id[paths[1]["nodes"][-2]["id"]]
                got = find_paths(store, idx.nodes[a], idx.nodes[b], max_hops=4, limit=3, via=[idx.nodes[v]])["paths"]
                assert all(idx.nodes[v] in _ids(p) for p in got) and got
                assert [p["score"] for p in got] == _reference_scores(walk, a, b, 4, 3, via=v), (a, b, v)
                compared += 1
        assert compared >= 3


def test_endpoints_show_the_name_they_were_asked_by(corpus, schemas):
    """Asked for 'infusion-associated reaction', the end node is shown as 'Infusion-related reaction
    (infusion-associated reaction)' (the name case01 uses, which its label does not say); a name
    the label already contains, or a CURIE, leaves the label alone."""
    res = find_paths(corpus, "alemtuzumab", "infusion-associated reaction")
    jsonschema.validate(res, schemas["paths-output"])
    assert res["to"]["label"] == "Infusion-related reaction (infusion-associated reaction)"
    assert res["to"]["asked_as"] == "infusion-associated reaction"
    assert all(p["nodes"][-1]["label"] == res["to"]["label"] for p in res["paths"])
    labels = [[n["label"] for n in p["nodes"]] for p in res["paths"]]
    assert ["Alemtuzumab", "Cytokine release", res["to"]["label"]] in labels
    assert find_paths(corpus, "alemtuzumab", "D-dimer")["to"]["label"] == "D-dimer"
    assert "asked_as" not in find_paths(corpus, ALEM, DDIMER)["from"]


def test_path_nodes_show_the_name_the_report_uses(tmp_path):
    # "QT prolongation" is grounded to long QT syndrome; the path shows the report's words too, "QT"
    # being part of the label's own name (an abbreviation the label spells out is not shown)
    from kgbuild.extract import Extractor
    with Store(tmp_path / "s") as store:
        store.add(Extractor().extract(ROOT / "corpus" / "heldout" / "pdf" / "held04.pdf"))
        out = find_paths(store, "methadone", "torsades de pointes", min_hops=2)
        labels = [n["label"] for p in out["paths"] for n in p["nodes"][1:-1]]
        assert any("long QT syndrome" in lab and "(QT prolongation)" in lab for lab in labels), labels


def test_node_shows_the_name_reports_use_most():
    from kgbuild.graph import _consider_mention, _shown_name
    best: dict = {}
    for text, n in (("thrombophilia", 1), ("prothrombotic state", 3), ("Prothrombotic state", 1)):
        _consider_mention(best, "T", "Thrombophilia", text, n)
    assert _shown_name(best["T"]) == "prothrombotic state"
    # the label's own name used more: nothing added ("Alemtuzumab", not "Alemtuzumab (Lemtrada)")
    best = {}
    for text, n in (("alemtuzumab", 9), ("Lemtrada", 1)):
        _consider_mention(best, "A", "Alemtuzumab", text, n)
    assert _shown_name(best["A"]) is None
    # an abbreviation the label spells out is no name to show
    best = {}
    _consider_mention(best, "G", "Gastrointestinal Hemorrhage", "GI bleeding", 4)
    assert _shown_name(best["G"]) is None


def test_node_shows_a_short_form_of_its_own_label():
    """"Interleukin-6 (IL-6)" where the reports say IL-6; not "thyrotoxicosis (AIT)", whose short
    form stands for a narrower name (amiodarone-induced thyrotoxicosis) than the label."""
    from kgbuild.graph import _abbreviates, _consider_mention, _shown_name
    best: dict = {}
    for text, n in (("IL-6", 6), ("interleukin-6", 1)):
        _consider_mention(best, "I", "Interleukin-6", text, n)
    assert _shown_name(best["I"]) == "IL-6"
    best = {}
    for text, n in (("AIT", 7), ("thyrotoxicosis", 6)):
        _consider_mention(best, "T", "thyrotoxicosis", text, n)
    assert _shown_name(best["T"]) is None
    assert _abbreviates("CRP", "C-reactive protein") and _abbreviates("TNF-alpha", "Tumor necrosis factor-alpha")
    assert not _abbreviates("AIT", "thyrotoxicosis") and not _abbreviates("CRS", "Fever")


def test_node_shows_up_to_two_names_and_merges_plurals():
    from kgbuild.graph import _consider_mention, _shown_name
    best: dict = {}
    for text, n in (("swelling", 3), ("water retention", 2), ("fluid retention", 1), ("edema", 1), ("swellings", 1)):
        _consider_mention(best, "E", "Edema", text, n)
    assert _shown_name(best["E"]) == "swelling; water retention"
