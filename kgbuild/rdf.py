"""RDF export: Biolink classes and predicates, claims as reified statements with PROV provenance.

Each claim becomes a `biolink:Association` resource carrying subject, predicate, object,
negated, hedged, confidence and its evidence (text, offsets, page, section) linked with
`prov:wasDerivedFrom` to the document (content hash, source, title). Asserted, non-negated edges
are also written as direct triples so SPARQL property paths can walk mechanisms.
"""
from __future__ import annotations

import re

import networkx as nx
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from . import __version__
from .graph import KnowledgeGraph
from .store import Store

BIOLINK = Namespace("https://w3id.org/biolink/vocab/")
KGB = Namespace("https://w3id.org/kgbuild/")
# CURIE prefix → IRI prefix (OBO PURLs where the ontology is in OBO, identifiers.org otherwise)
PREFIXES = {
    "CHEBI": "http://purl.obolibrary.org/obo/CHEBI_", "HP": "http://purl.obolibrary.org/obo/HP_",
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_", "GO": "http://purl.obolibrary.org/obo/GO_",
    "DOID": "http://purl.obolibrary.org/obo/DOID_", "UBERON": "http://purl.obolibrary.org/obo/UBERON_",
    "MESH": "http://id.nlm.nih.gov/mesh/", "HGNC": "https://identifiers.org/hgnc:",
    "LOINC": "https://loinc.org/", "DRUGBANK": "https://go.drugbank.com/drugs/",
    "UMLS": "https://identifiers.org/umls:", "NCIT": "http://purl.obolibrary.org/obo/NCIT_",
    "KGB": str(KGB) + "concept/",
}
BIOLINK_CLASS = {"drug": "Drug", "drug_class": "ChemicalEntity", "chemical": "ChemicalEntity", "cytokine": "Protein", "gene": "Gene",
                 "lab_marker": "ClinicalMeasurement", "disease": "Disease", "adverse_event": "Disease",
                 "process": "BiologicalProcess"}
BIOLINK_PREDICATE = {"causes": "causes", "increases": "increases_amount_or_activity_of",
                     "decreases": "decreases_amount_or_activity_of", "treats": "treats",
                     "associated_with": "associated_with", "biomarker_for": "biomarker_for"}
EXPORT_FORMATS = ("ttl", "nt", "jsonld", "graphml")


def curie_to_iri(curie: str) -> URIRef:
    prefix, _, local = curie.partition(":")
    base = PREFIXES.get(prefix.upper())
    if base is None:
        return URIRef(f"https://identifiers.org/{prefix.lower()}:{local}")
    return URIRef(base + re.sub(r"[^A-Za-z0-9_.\-]", "_", local))


def to_rdf(store: Store) -> Graph:
    g = Graph()
    g.bind("biolink", BIOLINK)
    g.bind("kgb", KGB)
    g.bind("prov", PROV)
    g.bind("dcterms", DCTERMS)
    for prefix, base in PREFIXES.items():
        if prefix != "KGB":
            g.bind(prefix.lower(), Namespace(base))
    for curie, c in store.concepts().items():
        node = curie_to_iri(curie)
        g.add((node, RDF.type, BIOLINK[BIOLINK_CLASS.get(c["type"], "NamedThing")]))
        g.add((node, RDFS.label, Literal(c["label"])))
        g.add((node, BIOLINK.id, Literal(curie)))
        for x in c["xrefs"]:
            g.add((node, BIOLINK.xref, curie_to_iri(x)))
    for d in store.documents():
        doc = KGB["document/" + d["id"]]
        g.add((doc, RDF.type, PROV.Entity))
        g.add((doc, RDF.type, BIOLINK.Publication))
        g.add((doc, KGB.contentHash, Literal(d["id"])))
        g.add((doc, DCTERMS.source, Literal(d["source"])))
        if d["title"]:
            g.add((doc, DCTERMS.title, Literal(d["title"])))
    activity = KGB["activity/kgbuild-" + __version__]
    g.add((activity, RDF.type, PROV.Activity))
    g.add((activity, RDFS.label, Literal(f"kgbuild {__version__} extraction")))
    for cl in store.claims():
        node = KGB["claim/" + cl["id"].split(":", 1)[1]]
        s, o = curie_to_iri(cl["subject"]), curie_to_iri(cl["object"])
        pred = BIOLINK[BIOLINK_PREDICATE.get(cl["predicate"], "related_to")]
        g.add((node, RDF.type, BIOLINK.Association))
        g.add((node, RDF.subject, s))
        g.add((node, RDF.predicate, pred))
        g.add((node, RDF.object, o))
        g.add((node, BIOLINK.subject, s))
        g.add((node, BIOLINK.predicate, pred))
        g.add((node, BIOLINK.object, o))
        g.add((node, BIOLINK.negated, Literal(cl["negated"])))
        g.add((node, KGB.hedged, Literal(cl["hedged"])))
        g.add((node, KGB.confidence, Literal(round(cl["confidence"], 4), datatype=XSD.decimal)))
        g.add((node, PROV.wasDerivedFrom, KGB["document/" + cl["document"]]))
        g.add((node, PROV.wasGeneratedBy, activity))
        g.add((node, KGB.method, Literal(cl["method"])))
        for ev in cl["evidence"]:
            e = BNode()
            g.add((node, KGB.evidence, e))
            g.add((e, RDF.type, KGB.Evidence))
            g.add((e, KGB.text, Literal(ev["text"])))
            g.add((e, KGB.start, Literal(ev["start"], datatype=XSD.integer)))
            g.add((e, KGB.end, Literal(ev["end"], datatype=XSD.integer)))
            if ev.get("page") is not None:
                g.add((e, KGB.page, Literal(ev["page"], datatype=XSD.integer)))
            if ev.get("section"):
                g.add((e, KGB.section, Literal(ev["section"])))
            g.add((e, PROV.wasDerivedFrom, KGB["document/" + cl["document"]]))
        if not cl["negated"]:
            g.add((s, pred, o))
    return g


def to_graphml(store: Store) -> str:
    kg = KnowledgeGraph.from_store(store)
    flat = nx.MultiDiGraph()
    for n, d in kg.graph.nodes(data=True):
        flat.add_node(n, label=d.get("label", n), type=d.get("type", ""), xrefs="|".join(d.get("xrefs", [])))
    for s, o, p, d in kg.graph.edges(keys=True, data=True):
        flat.add_edge(s, o, key=p, predicate=p, belief=d["belief"], evidence_count=d["evidence_count"],
                      document_count=d["document_count"], contradicted=d["contradicted"],
                      claims="|".join(d["claims"]), negated_claims="|".join(d["negated_claims"]))
    return "\n".join(nx.generate_graphml(flat))


def export(store: Store, fmt: str) -> str:
    if fmt == "graphml":
        return to_graphml(store)
    rdf_format = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}.get(fmt)
    if rdf_format is None:
        raise ValueError(f"unknown export format '{fmt}' (choose from {', '.join(EXPORT_FORMATS)})")
    return to_rdf(store).serialize(format=rdf_format)
