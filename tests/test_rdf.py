"""Exports of a real store (the corpus PDFs built with the CLI): RDF in four syntaxes read back with
rdflib and validated with the SHACL shapes, a SPARQL mechanism query, KGX TSV, atomic writes and
IRIs from bioregistry."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from kgbuild import rdf
from kgbuild.rdf import BIOLINK, KGB
from kgbuild.store import Store

PARSERS = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "jsonld": "json-ld"}
ALEMTUZUMAB, D_DIMER = "MESH:D000074323", "LOINC:48065-7"
IL6, THROMBOPHILIA = "HGNC:6018", "MESH:D019851"
WALKED = ("biolink:causes|biolink:increases_amount_or_activity_of|biolink:decreases_amount_or_activity_of"
          "|biolink:associated_with|biolink:biomarker_for")


@pytest.fixture(scope="module", autouse=True)
def prefix_cache(tmp_path_factory):
    """bioregistry's answers cached in a fresh directory (not the user's ~/.cache)."""
    mp = pytest.MonkeyPatch()
    cache = tmp_path_factory.mktemp("prefix-cache")
    mp.setenv("KGBUILD_CACHE_DIR", str(cache))
    mp.setattr(rdf, "_BIOREGISTRY_CACHE", {})
    mp.setattr(rdf, "_DISK_CACHE_LOADED", False)
    yield cache
    mp.undo()


@pytest.fixture(scope="module")
def store(corpus_store):
    s = Store(corpus_store, create=False)
    yield s
    s.close()


@pytest.fixture(scope="module")
def exports(store) -> dict[str, str]:
    return {fmt: rdf.export(store, fmt) for fmt in rdf.RDF_FORMATS}


@pytest.fixture(scope="module")
def parsed(exports) -> dict[str, Graph]:
    out = {}
    for fmt, text in exports.items():
        g = Dataset(default_union=True) if fmt == "nq" else Graph()
        g.parse(data=text, format=PARSERS[fmt])
        out[fmt] = g
    return out


def triples(g: Graph) -> set:
    if isinstance(g, Dataset):
        return {(s, p, o) for s, p, o, _ in g.quads((None, None, None, None))}
    return set(g)


def iri(curie: str) -> URIRef:
    return rdf.curie_to_iri(curie)


# -- IRIs -----------------------------------------------------------------------------------------
def test_iris_come_from_bioregistry(prefix_cache):
    import bioregistry

    for curie in ("CHEBI:6801", "HP:0001250", "MONDO:0005015", "GO:0006954", "DOID:9352"):
        prefix, local = curie.split(":")
        assert str(iri(curie)) == f"http://purl.obolibrary.org/obo/{prefix}_{local}"
        assert str(iri(curie)) == bioregistry.get_obofoundry_iri(prefix, local)
    for curie in ("HGNC:6018", "DRUGBANK:DB00087"):
        assert str(iri(curie)) == bioregistry.get_identifiers_org_iri(*curie.split(":"))
    assert str(iri("HGNC:6018")) == "https://identifiers.org/hgnc:6018"
    assert str(iri(ALEMTUZUMAB)) == "http://id.nlm.nih.gov/mesh/D000074323"
    assert str(iri(D_DIMER)) == "https://loinc.org/48065-7"        # not in identifiers.org: registry default
    assert str(iri("KGBUILD:HBV-DNA")) == "https://w3id.org/kgbuild/concept/HBV-DNA"
    assert str(iri("NOSUCHREGISTRY:x 1")) == "https://bioregistry.io/nosuchregistry:x%201"
    cached = json.loads(next(prefix_cache.glob("uri-prefixes-bioregistry-*.json")).read_text())
    assert cached["prefixes"]["CHEBI"] == "http://purl.obolibrary.org/obo/CHEBI_"
    assert cached["prefixes"]["NOSUCHREGISTRY"] is None


def test_prefix_map_cached_on_disk_so_exports_skip_bioregistry(store, prefix_cache, tmp_path):
    rdf.prefix_map(c.split(":")[0] for c in store.concepts())       # fills the disk cache
    code = ("import sys; from kgbuild import rdf; from kgbuild.store import Store; "
            f"s = Store({str(store.directory)!r}, create=False); "
            f"rdf.write_export(s, 'kgx', {str(tmp_path / 'kgx')!r}); print('bioregistry' in sys.modules)")
    env = {**os.environ, "KGBUILD_CACHE_DIR": str(prefix_cache)}
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "False"


# -- RDF round trips --------------------------------------------------------------------------------
def test_every_rdf_export_reads_back_with_all_claims(store, parsed):
    stats = store.stats()
    reference = triples(parsed["nt"])
    for fmt, g in parsed.items():
        assert len(set(g.subjects(RDF.type, BIOLINK.Association))) == stats["claims"], fmt
        assert len(set(g.subjects(RDF.type, BIOLINK.Publication))) == stats["documents"], fmt
        assert len(set(g.subjects(BIOLINK.id, None)) - set(g.subjects(RDF.type, BIOLINK.Association))) \
            == stats["concepts"], fmt
        negated = set(g.subjects(BIOLINK.negated, Literal(True)))
        assert len(negated) == stats["negated_claims"], fmt
        assert triples(g) == reference, f"{fmt} differs from N-Triples"


def test_nquads_named_graph_per_document(store, parsed):
    ds = parsed["nq"]
    claims = store.claims()
    by_graph: dict = {}
    for s, _, _, gname in ds.quads((None, RDF.type, BIOLINK.Association, None)):
        by_graph.setdefault(gname, set()).add(s)
    docs_with_claims = {c["document"] for c in claims}
    assert set(by_graph) == {KGB["graph/" + d] for d in docs_with_claims}
    for c in claims:
        assert rdf.claim_iri(c["id"]) in by_graph[KGB["graph/" + c["document"]]]
    default = ds.graph(DATASET_DEFAULT_GRAPH_ID)
    assert (iri(ALEMTUZUMAB), BIOLINK.id, Literal(ALEMTUZUMAB)) in default
    assert not set(default.subjects(RDF.type, BIOLINK.Association))


def test_claim_carries_triple_polarity_and_provenance(store, parsed):
    g = parsed["ttl"]
    claims = store.claims()
    docs = {d["id"]: d for d in store.documents()}
    for c in claims:
        node = rdf.claim_iri(c["id"])
        assert g.value(node, BIOLINK.subject) == iri(c["subject"])
        assert g.value(node, BIOLINK.object) == iri(c["object"])
        assert g.value(node, BIOLINK.predicate) == BIOLINK[rdf.BIOLINK_PREDICATE[c["predicate"]]]
        assert g.value(node, BIOLINK.negated).toPython() is c["negated"]
        assert g.value(node, KGB.hedged).toPython() is c["hedged"]
        conf = g.value(node, KGB.confidence)
        assert conf.datatype == XSD.decimal and abs(float(conf) - c["confidence"]) < 1e-4
        doc = g.value(node, PROV.wasDerivedFrom)
        assert doc == rdf.document_iri(c["document"])
        assert str(g.value(doc, KGB.contentHash)) == c["document"]
        assert str(g.value(doc, DCTERMS.source)) == docs[c["document"]]["source"]
        if docs[c["document"]]["title"]:
            assert str(g.value(doc, DCTERMS.title)) == docs[c["document"]]["title"]
        act = g.value(node, PROV.wasGeneratedBy)
        assert (act, RDF.type, PROV.Activity) in g
        assert str(g.value(act, KGB.kgbuildVersion)) == c["kgbuild_version"]
        assert str(g.value(act, KGB.method)) == c["method"]
        # the first evidence span on the claim itself, any further ones as kgb:evidence nodes
        extra = sorted(g.objects(node, KGB.evidence), key=lambda e: int(str(e).rsplit("/", 1)[1]))
        assert len(extra) == len(c["evidence"]) - 1
        for e, want in zip([node, *extra], c["evidence"]):
            assert str(g.value(e, BIOLINK.supporting_text)) == want["text"]
            assert (int(g.value(e, KGB.start)), int(g.value(e, KGB.end))) == (want["start"], want["end"])
            if want.get("page") is not None:
                assert int(g.value(e, KGB.page)) == want["page"]
            if want.get("section"):
                assert str(g.value(e, KGB.section)) == want["section"]
        direct = (iri(c["subject"]), BIOLINK[rdf.BIOLINK_PREDICATE[c["predicate"]]], iri(c["object"]))
        asserted = any(not o["negated"] and (o["subject"], o["predicate"], o["object"]) ==
                       (c["subject"], c["predicate"], c["object"]) for o in claims)
        assert (direct in g) == asserted


def test_concepts_typed_and_labelled(store, parsed):
    g = parsed["ttl"]
    for curie, c in store.concepts().items():
        node = iri(curie)
        assert (node, RDF.type, BIOLINK[rdf.BIOLINK_CLASS[c["type"]]]) in g
        assert str(g.value(node, RDFS.label)) == c["label"]


def test_sparql_property_path_walks_alemtuzumab_to_d_dimer(parsed):
    g = parsed["ttl"]
    bind = {"a": iri(ALEMTUZUMAB), "d": iri(D_DIMER)}
    prefix = "PREFIX biolink: <https://w3id.org/biolink/vocab/>\n"
    # one to three asserted steps, as a property path
    assert g.query(prefix + f"ASK {{ ?a ({WALKED})/({WALKED})?/({WALKED})? ?d }}", initBindings=bind).askAnswer
    # the mechanism itself: alemtuzumab → IL-6 → prothrombotic state → D-dimer
    rows = g.query(prefix + f"SELECT ?x ?y WHERE {{ ?a ({WALKED}) ?x . ?x ({WALKED}) ?y . ?y ({WALKED}) ?d }}",
                   initBindings=bind)
    assert (iri(IL6), iri(THROMBOPHILIA)) in {(r.x, r.y) for r in rows}
    # and every claim on the way carries its evidence sentence
    q = prefix + ("PREFIX kgb: <https://w3id.org/kgbuild/>\nSELECT ?text WHERE { ?c biolink:subject ?a ; "
                  "biolink:object ?x ; biolink:negated false ; biolink:supporting_text ?text }")
    texts = [str(r.text) for r in g.query(q, initBindings={"a": iri(ALEMTUZUMAB), "x": iri(IL6)})]
    assert any("IL-6" in t for t in texts)


def _ntriples_by_rdflib(store) -> list[str]:
    """The N-Triples the rdflib path (Turtle, N-Quads, JSON-LD) states, sorted."""
    return rdf._ntriples(rdf._quads(store, named_graphs=False), with_graph=False).splitlines()


def test_streamed_ntriples_are_the_export(store, exports):
    """What `kgbuild serve` loads (streamed, unsorted, written without rdflib terms) holds exactly
    the triples the rdflib path states, each once."""
    import io

    buf = io.StringIO()
    n = rdf.write_ntriples(store, buf)
    lines = buf.getvalue().splitlines()
    assert n == len(lines) == len(set(lines))
    assert sorted(lines) == exports["nt"].splitlines() == _ntriples_by_rdflib(store)


def test_fast_ntriples_writer_matches_rdflib_on_every_claim_shape(tmp_path):
    """Curated (accepted with a curator, edited), negated, hedged, multi-span claims, an edge two
    documents assert, and text that needs escaping: the string writer and rdflib agree."""
    import io

    from kgbuild import curation
    from kgbuild.model import Claim, Document, Entity, Evidence, Extraction, Mention

    text = 'Methotrexate ("MTX") was started.\tTwo weeks later: hepatotoxicity \\ é ✓.\nNo rash.'
    drug, ae, rash = "CHEBI:44185", "MESH:D056486", "MESH:D005076"
    ents = [Entity(drug, "methotrexate", "drug", [Mention("Methotrexate", 0, 12)]),
            Entity(ae, "hepatotoxicity", "adverse_event", [Mention("hepatotoxicity", 53, 67)]),
            Entity(rash, "rash", "adverse_event", [Mention("rash", len(text) - 5, len(text) - 1)])]
    with Store(tmp_path / "s") as st:
        for k in "ab":
            doc = Document(id=k * 64, source=f"{k}.txt", text=text, title=f'Report "{k}"')
            spans = [Evidence(text[34:70], 34, 70, page=2, section="Case \"x\""), Evidence(text[:33], 0, 33, page=None)]
            st.add(Extraction(doc, ents, [
                Claim(drug, "causes", ae, confidence=0.8, evidence=spans, document_id=doc.id),
                Claim(drug, "causes", rash, negated=True, confidence=0.7,
                      evidence=[Evidence(text[-9:], len(text) - 9, len(text), section=None)], document_id=doc.id),
                Claim(drug, "treats", ae, hedged=True, confidence=0.333333,
                      evidence=[Evidence(text[:33], 0, 33, page=1, section="Case")], document_id=doc.id)]))
        claims = st.claims()
        causes = [c["id"] for c in claims if c["predicate"] == "causes" and not c["negated"]]
        treats = [c["id"] for c in claims if c["predicate"] == "treats"]
        curation.accept(st, causes[0], curator='Dr. "Q" Ivan')
        curation.edit(st, treats[0], predicate="decreases", curator="ivan")
        buf = io.StringIO()
        n = rdf.write_ntriples(st, buf)
        lines = buf.getvalue().splitlines()
        assert n == len(lines) == len(set(lines))
        assert sorted(lines) == _ntriples_by_rdflib(st)
        assert sum(f"<{rdf.KGB.curationStatus}>" in ln for ln in lines) == 2
        assert sum(f"<{rdf.KGB.evidence}>" in ln for ln in lines) == 2
        direct = f"{rdf._nt_term(iri(drug))} <{BIOLINK.causes}> {rdf._nt_term(iri(ae))} ."
        assert lines.count(direct) == 1                          # asserted in two documents, stated once
        g = Graph().parse(data=buf.getvalue(), format="nt")      # and it is valid N-Triples
        assert rdf.validate(g)[0]
        assert {str(o) for o in g.objects(None, BIOLINK.supporting_text)} >= {text[34:70], text[:33]}


def test_exports_are_deterministic(store, exports):
    assert rdf.export(store, "nt") == exports["nt"]
    assert rdf.export(store, "nq") == exports["nq"]


# -- SHACL ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", rdf.RDF_FORMATS)
def test_every_rdf_export_conforms_to_shapes(parsed, fmt):
    conforms, report = rdf.validate(parsed[fmt])
    assert conforms, report[:3000]


def _one_claim_graph(g: Graph) -> tuple[Graph, URIRef]:
    """A small valid graph: one claim with its evidence, document, activity, agent and concepts."""
    claim = sorted(g.subjects(RDF.type, BIOLINK.Association))[0]
    small = Graph()
    seen: set = set()
    todo = [claim]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in g.predicate_objects(node):
            small.add((node, p, o))
            if isinstance(o, URIRef) and p not in (RDF.type, BIOLINK.category, BIOLINK.predicate, BIOLINK.xref):
                todo.append(o)
    return small, claim


def test_broken_graphs_fail_validation(parsed):
    small, claim = _one_claim_graph(parsed["ttl"])
    ok, report = rdf.validate(small)
    assert ok, report

    def broken(edit) -> str:
        g = Graph()
        for t in small:
            g.add(t)
        edit(g)
        conforms, text = rdf.validate(g)
        assert not conforms
        return text

    def no_subject(g):
        g.remove((claim, BIOLINK.subject, None))
    assert "biolink/vocab/subject" in broken(no_subject) or "biolink:subject" in broken(no_subject)
    assert "confidence" in broken(lambda g: g.set((claim, KGB.confidence, Literal("2.0", datatype=XSD.decimal))))
    assert "negated" in broken(lambda g: g.set((claim, BIOLINK.negated, Literal("no"))))
    assert "supporting_text" in broken(lambda g: g.remove((claim, BIOLINK.supporting_text, None)))
    assert "start" in broken(lambda g: g.set((claim, KGB.start, Literal(10 ** 9))))   # not before its end
    # uncurated claims carry no status (absent = as extracted); a status must be a decision
    assert (claim, KGB.curationStatus, None) not in small
    assert "curationStatus" in broken(lambda g: g.add((claim, KGB.curationStatus, Literal("extracted"))))
    doc = small.value(claim, PROV.wasDerivedFrom)
    assert "wasDerivedFrom" in broken(lambda g: g.remove((claim, PROV.wasDerivedFrom, None)))
    assert "contentHash" in broken(lambda g: g.remove((doc, KGB.contentHash, None)))
    subject = small.value(claim, BIOLINK.subject)
    assert "label" in broken(lambda g: g.add((subject, RDFS.label, Literal("a second label"))))


def test_claim_read_from_two_sentences_links_its_second_span(tmp_path):
    """The span a claim is keyed on sits on the claim; a further span is a kgb:evidence node."""
    from kgbuild.model import Claim, Document, Entity, Evidence, Extraction, Mention

    text = "Methotrexate was started in May. Two weeks later she developed hepatotoxicity."
    doc = Document(id="d" * 64, source="two.txt", text=text, title="Two sentences")
    ents = [Entity("CHEBI:44185", "methotrexate", "drug", [Mention("Methotrexate", 0, 12)]),
            Entity("MESH:D056486", "hepatotoxicity", "adverse_event", [Mention("hepatotoxicity", 63, 77)])]
    spans = [Evidence(text[33:], 33, len(text), page=1, section="Case"), Evidence(text[:32], 0, 32, page=1, section="Case")]
    with Store(tmp_path / "s") as st:
        st.add(Extraction(doc, ents, [Claim("CHEBI:44185", "causes", "MESH:D056486", evidence=spans,
                                            document_id=doc.id)]))
        g = rdf.to_rdf(st)
        (claim,) = g.subjects(RDF.type, BIOLINK.Association)
    assert str(g.value(claim, BIOLINK.supporting_text)) == text[33:]
    (second,) = g.objects(claim, KGB.evidence)
    assert str(g.value(second, BIOLINK.supporting_text)) == text[:32]
    assert (int(g.value(second, KGB.start)), int(g.value(second, KGB.end))) == (0, 32)
    ok, report = rdf.validate(g)
    assert ok, report
    g.remove((second, KGB.end, None))
    assert not rdf.validate(g)[0]


# -- KGX ------------------------------------------------------------------------------------------
def test_kgx_nodes_and_edges(store, tmp_path):
    written = rdf.write_export(store, "kgx", tmp_path / "kgx")
    assert [p.name for p in written] == ["nodes.tsv", "edges.tsv"]
    stats = store.stats()

    def read(name, columns):
        lines = (tmp_path / "kgx" / name).read_text(encoding="utf-8").split("\n")
        assert lines[-1] == ""
        header, rows = lines[0].split("\t"), [line.split("\t") for line in lines[1:-1]]
        assert tuple(header) == columns
        assert all(len(r) == len(header) for r in rows)
        return [dict(zip(header, r)) for r in rows]

    nodes = read("nodes.tsv", rdf.KGX_NODE_COLUMNS)
    edges = read("edges.tsv", rdf.KGX_EDGE_COLUMNS)
    assert rdf.KGX_NODE_COLUMNS[:3] == ("id", "category", "name") and "xref" in rdf.KGX_NODE_COLUMNS
    for col in ("id", "subject", "predicate", "object", "knowledge_level", "agent_type",
                "primary_knowledge_source", "publications", "negated", "confidence"):
        assert col in rdf.KGX_EDGE_COLUMNS
    assert len(nodes) == stats["concepts"] and len(edges) == stats["claims"]
    ids = {n["id"] for n in nodes}
    assert all(n["category"].startswith("biolink:") and n["name"] for n in nodes)
    assert all(e["subject"] in ids and e["object"] in ids for e in edges)
    assert all(e["predicate"].startswith("biolink:") for e in edges)
    assert sum(e["negated"] == "true" for e in edges) == stats["negated_claims"]
    assert all(0.0 <= float(e["confidence"]) <= 1.0 and e["supporting_text"] for e in edges)
    assert {e["id"] for e in edges} == {c["id"] for c in store.claims()}
    alem = next(n for n in nodes if n["id"] == ALEMTUZUMAB)
    assert alem["category"] == "biolink:Drug" and alem["iri"] == str(iri(ALEMTUZUMAB))


# -- writing files --------------------------------------------------------------------------------
def test_write_export_every_format(store, tmp_path):
    assert set(rdf.EXPORT_FORMATS) == {"ttl", "nt", "nq", "jsonld", "graphml", "kgx"}
    for fmt in rdf.EXPORT_FORMATS:
        target = tmp_path / ("kgx" if fmt == "kgx" else f"out/graph{rdf.FORMAT_SUFFIX[fmt]}")
        for p in rdf.write_export(store, fmt, target):
            assert p.stat().st_size > 1000
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    with pytest.raises(ValueError):
        rdf.export(store, "kgx")
    with pytest.raises(ValueError):
        rdf.write_export(store, "xml", tmp_path / "g.xml")
    with pytest.raises(NotADirectoryError):
        rdf.write_export(store, "kgx", tmp_path / "out" / "graph.ttl")


def test_write_export_is_atomic(store, tmp_path, monkeypatch):
    out = tmp_path / "graph.ttl"
    out.write_text("earlier export\n")

    def failing_export(*_):
        raise RuntimeError("disk on fire")
    with monkeypatch.context() as m:
        m.setattr(rdf, "export", failing_export)
        with pytest.raises(RuntimeError):
            rdf.write_export(store, "ttl", out)
    assert out.read_text() == "earlier export\n"

    # kgx: nodes.tsv is fully staged, then edges.tsv fails half-way: neither file is replaced
    kgx = tmp_path / "kgx"
    kgx.mkdir()
    (kgx / "nodes.tsv").write_text("old nodes\n")
    (kgx / "edges.tsv").write_text("old edges\n")
    real_tables = rdf.kgx_tables

    class Exploding(dict):
        def __getitem__(self, key):
            raise OSError("no space left on device")

    def tables(s):
        nodes, edges = real_tables(s)
        return nodes, edges[:5] + [Exploding(edges[5])] + edges[6:]
    with monkeypatch.context() as m:
        m.setattr(rdf, "kgx_tables", tables)
        with pytest.raises(OSError):
            rdf.write_export(store, "kgx", kgx)
    assert (kgx / "nodes.tsv").read_text() == "old nodes\n"
    assert (kgx / "edges.tsv").read_text() == "old edges\n"
    assert sorted(p.name for p in kgx.iterdir()) == ["edges.tsv", "nodes.tsv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl", "kgx"]

    # and a successful write replaces the old files whole
    rdf.write_export(store, "nt", out)
    assert len(Graph().parse(out, format="nt")) > 1000


def test_unlinked_entities_export_and_conform(tmp_path):
    """An adverse event the NER found but nothing grounds (KGBUILD:unlinked_...) is a node like any
    other in the export, and the graph still conforms to the shapes."""
    from kgbuild.extract import Extractor
    from kgbuild.model import Document

    text = "Isoniazid causing breast tissue enlargement is rare."
    ex = Extractor().from_document(Document(id="e" * 64, source="u.txt", text=text))
    assert any(e.id == "KGBUILD:unlinked_breast_tissue_enlargement" for e in ex.entities)
    with Store(tmp_path / "s") as st:
        st.add(ex)
        g = rdf.to_rdf(st)
    objects = {str(o) for o in g.objects(None, BIOLINK.object)}
    assert any(o.endswith("unlinked_breast_tissue_enlargement") for o in objects)
    ok, report = rdf.validate(g)
    assert ok, report
