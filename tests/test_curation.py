"""Curation on a real store (three corpus PDFs): accept, reject and edit claims with the CLI and
the Python API, and check that the decisions drive paths, beliefs and exports at once, are
audited, survive re-extraction and move between stores."""
from __future__ import annotations

import json

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

import kgbuild.store
from kgbuild import curation, rdf
from kgbuild.graph import BELIEF, KnowledgeGraph, edge_index
from kgbuild.store import Store

from conftest import PDF_DIR, THREE_REPORTS, run_kgbuild

ALEMTUZUMAB, D_DIMER, IL6, TNF = "MESH:D000074323", "LOINC:48065-7", "HGNC:6018", "HGNC:11892"
CCL2 = "HGNC:10618"          # in the vocabulary, mentioned by none of the three reports
FILES = THREE_REPORTS


def _claims(store_dir, subject, obj, **kw):
    with Store(store_dir, create=False) as s:
        return [c for c in s.claims(include_rejected=True, **kw) if c["subject"] == subject and c["object"] == obj]


def _il6_claim(store_dir) -> str:
    (claim,) = _claims(store_dir, ALEMTUZUMAB, IL6)
    return claim["id"]


def _paths(store_dir, *extra) -> list[list[str]]:
    out = json.loads(run_kgbuild("paths", "alemtuzumab", "D-dimer", "--store", store_dir, "--format", "json",
                                 *extra).stdout)
    return [[n["id"] for n in p["nodes"]] for p in out["paths"]]


def _neighbors(store_dir, name="alemtuzumab") -> dict[tuple[str, str, str], dict]:
    out = json.loads(run_kgbuild("neighbors", name, "--store", store_dir, "--format", "json").stdout)
    c = out["concept"]["id"]
    return {(c, n["predicate"], n["other"]["id"]) if n["direction"] == "out" else (n["other"]["id"], n["predicate"], c): n
            for n in out["neighbors"]}


def _cli(store_dir, *args, check=True):
    return run_kgbuild(*args, "--store", store_dir, check=check)


def _il6_mechanism(paths) -> bool:
    return any(len(p) == 4 and p[:2] == [ALEMTUZUMAB, IL6] and p[-1] == D_DIMER for p in paths)


# -- reject -------------------------------------------------------------------------------------
def test_reject_removes_the_il6_mechanism_everywhere(store_dir):
    assert _il6_mechanism(_paths(store_dir))
    cid = _il6_claim(store_dir)
    p = _cli(store_dir, "claims", "reject", cid, "--reason", "IL-6 was not measured", "--curator", "alice")
    assert "reject by alice" in p.stderr
    assert not any(IL6 in path for path in _paths(store_dir))
    assert (ALEMTUZUMAB, "increases", IL6) not in _neighbors(store_dir)
    ex = json.loads(_cli(store_dir, "explain", "alemtuzumab", "IL-6", "--format", "json").stdout)
    assert ex["asserted_claims"] == 0 and not ex["edges"]
    # the listing still shows it, with its status; the exports do not
    listing = _cli(store_dir, "claims", "--entity", "alemtuzumab").stdout
    assert f"{cid}  Alemtuzumab increases Interleukin-6" in listing and "[rejected by alice]" in listing
    assert _cli(store_dir, "claims", "list", "--entity", "alemtuzumab").stdout == listing
    with Store(store_dir, create=False) as s:
        assert not KnowledgeGraph.from_store(s).graph.has_edge(ALEMTUZUMAB, IL6)
        assert cid not in {c["id"] for c in s.claims()}
        assert cid.split(":")[1] not in rdf.export(s, "nt")
        assert cid.split(":")[1] not in "".join(row["id"] for row in rdf.kgx_tables(s)[1])
    # a rejection needs a reason
    p = _cli(store_dir, "claims", "reject", cid, check=False)
    assert p.returncode == 1 and p.stderr.count("\n") == 1 and "--reason" in p.stderr


def test_decisions_invalidate_the_cached_index_of_an_open_store(store_dir):
    with Store(store_dir, create=False) as s:
        idx = edge_index(s)
        e = idx.out_edges(idx.node_id[ALEMTUZUMAB])
        assert IL6 in {idx.nodes[idx.e_o[i]] for i in e}
        curation.reject(s, _il6_claim(store_dir), reason="wrong", curator="bob")
        idx2 = edge_index(s)
        assert idx2 is not idx and idx2.fingerprint != idx.fingerprint
        e = idx2.out_edges(idx2.node_id[ALEMTUZUMAB])
        assert all(idx2.n_claims[i] == 0 for i in e if idx2.nodes[idx2.e_o[i]] == IL6)


# -- accept -------------------------------------------------------------------------------------
def test_accept_raises_belief(store_dir):
    before = _neighbors(store_dir)[(ALEMTUZUMAB, "increases", D_DIMER)]["belief"]
    assert before < BELIEF["curated_confidence"]
    cid = _claims(store_dir, ALEMTUZUMAB, D_DIMER)[0]["id"]
    _cli(store_dir, "claims", "accept", cid, "--curator", "carol")
    after = _neighbors(store_dir)[(ALEMTUZUMAB, "increases", D_DIMER)]["belief"]
    assert after >= BELIEF["curated_confidence"] > before
    with Store(store_dir, create=False) as s:
        g = KnowledgeGraph.from_store(s).graph
        assert g.edges[ALEMTUZUMAB, D_DIMER, "increases"]["belief"] == pytest.approx(after)
    assert "[accepted by carol]" in _cli(store_dir, "claims", "--entity", "D-dimer").stdout


def test_curator_defaults_to_environment(store_dir, monkeypatch):
    monkeypatch.setenv("KGBUILD_CURATOR", "dora")
    cid = _il6_claim(store_dir)
    assert "accept by dora" in _cli(store_dir, "claims", "accept", cid).stderr
    assert curation.default_curator() == "dora"


# -- edit -------------------------------------------------------------------------------------------
def test_edit_predicate_takes_effect_at_once(store_dir):
    cid = _il6_claim(store_dir)
    _cli(store_dir, "claims", "edit", cid, "--predicate", "decreases", "--curator", "erin")
    n = _neighbors(store_dir)
    assert (ALEMTUZUMAB, "increases", IL6) not in n
    assert n[(ALEMTUZUMAB, "decreases", IL6)]["belief"] >= BELIEF["curated_confidence"]
    out = json.loads(_cli(store_dir, "paths", "alemtuzumab", "D-dimer", "--format", "json").stdout)
    via = [p for p in out["paths"] if p["nodes"][1]["id"] == IL6]
    assert via and via[0]["edges"][0]["predicate"] == "decreases" and via[0]["edges"][0]["claims"] == [cid]


def test_edit_swap_direction_breaks_the_mechanism(store_dir):
    cid = _il6_claim(store_dir)
    _cli(store_dir, "claims", "edit", cid, "--swap")
    assert not any(IL6 in p for p in _paths(store_dir))
    assert (IL6, "increases", ALEMTUZUMAB) in _neighbors(store_dir)


def test_edit_regrounds_object(store_dir):
    cid = _il6_claim(store_dir)
    _cli(store_dir, "claims", "edit", cid, "--object", TNF)
    assert not any(IL6 in p for p in _paths(store_dir))
    assert _neighbors(store_dir)[(ALEMTUZUMAB, "increases", TNF)]["evidence_count"] == 2
    # a concept of the vocabulary that no report mentions is added to the store's concepts
    _cli(store_dir, "claims", "edit", cid, "--object", CCL2, "--negated", "true", "--hedged", "true")
    n = _neighbors(store_dir)
    assert n[(ALEMTUZUMAB, "increases", CCL2)]["negated"]
    with Store(store_dir, create=False) as s:
        assert s.concepts()[CCL2]["label"]
        c = curation.get_claim(s, cid)
        assert (c["object"], c["negated"], c["hedged"], c["status"]) == (CCL2, True, True, "edited")
        assert c["extracted"]["object"] == IL6


def test_edit_errors_are_one_line(store_dir):
    cid = _il6_claim(store_dir)
    for args, words in ((("claims", "edit", cid, "--object", "NOPE:123"), "unknown CURIE"),
                        (("claims", "accept", "claim:0000000000000000"), "no claim"),
                        (("claims", "history", "claim:0000000000000000"), "no claim"),
                        (("claims", "edit", cid), "nothing to edit")):
        p = _cli(store_dir, *args, check=False)
        assert p.returncode == 1 and p.stderr.startswith("kgbuild: ") and words in p.stderr, p.stderr
        assert p.stderr.count("\n") == 1
    with Store(store_dir, create=False) as s:
        with pytest.raises(curation.CurationError, match="unknown predicate"):
            curation.edit(s, cid, predicate="inhibits")
        assert not list(curation.decisions(s))
    p = _cli(store_dir, "claims", "edit", cid, "--predicate", "inhibits", check=False)
    assert p.returncode == 2          # argparse: not one of the predicates


# -- history ------------------------------------------------------------------------------------
def test_history_shows_before_and_after(store_dir):
    cid = _il6_claim(store_dir)
    _cli(store_dir, "claims", "accept", cid, "--curator", "frank")
    _cli(store_dir, "claims", "edit", cid, "--predicate", "causes", "--curator", "grace")
    _cli(store_dir, "claims", "reject", cid, "--reason", "not in this patient", "--curator", "heidi")
    rows = [json.loads(line) for line in
            _cli(store_dir, "claims", "history", cid, "--format", "jsonl").stdout.splitlines()]
    assert [r["action"] for r in rows] == ["accept", "edit", "reject"]
    assert [r["curator"] for r in rows] == ["frank", "grace", "heidi"]
    assert rows[1]["before"]["predicate"] == "increases" and rows[1]["after"]["predicate"] == "causes"
    assert rows[2]["before"]["status"] == "edited" and rows[2]["after"]["status"] == "rejected"
    assert rows[2]["reason"] == "not in this patient" and all(r["time"].endswith("+00:00") for r in rows)
    text = _cli(store_dir, "claims", "history", cid).stdout
    assert "before:" in text and "after:" in text and "extracted:" in text and "reject by heidi" in text


# -- re-extraction, rebuilds, other stores -------------------------------------------------------
def _decide(store_dir) -> dict:
    """Reject the IL-6 claim, accept one D-dimer claim, re-ground the TNF claim to CCL2."""
    il6 = _il6_claim(store_dir)
    ddimer = _claims(store_dir, ALEMTUZUMAB, D_DIMER)[0]["id"]
    (tnf,) = _claims(store_dir, ALEMTUZUMAB, TNF)
    _cli(store_dir, "claims", "reject", il6, "--reason", "no", "--curator", "ivan")
    _cli(store_dir, "claims", "accept", ddimer, "--curator", "ivan")
    _cli(store_dir, "claims", "edit", tnf["id"], "--object", CCL2, "--predicate", "decreases", "--curator", "ivan")
    return {"il6": il6, "ddimer": ddimer, "tnf": tnf["id"]}


def _check_decided(store_dir):
    assert not any(IL6 in p for p in _paths(store_dir))
    n = _neighbors(store_dir)
    assert n[(ALEMTUZUMAB, "increases", D_DIMER)]["belief"] >= BELIEF["curated_confidence"]
    assert (ALEMTUZUMAB, "decreases", CCL2) in n and (ALEMTUZUMAB, "increases", TNF) not in n


def test_decisions_survive_reextraction_with_a_new_version(store_dir, monkeypatch):
    ids = _decide(store_dir)
    _check_decided(store_dir)
    with Store(store_dir, create=False) as s:
        doc = s.claims(include_rejected=True, claim_id=ids["il6"])[0]["document"]
        assert s.remove_document(doc)
        assert not s.conn.execute("SELECT COUNT(*) FROM curation").fetchone()[0]     # cascaded away
        assert len(list(curation.decisions(s))) == 3       # the log outlives the claims
    # the same file read again by the CLI
    _cli(store_dir, "build", *FILES, "--quiet")
    _check_decided(store_dir)
    # and by a newer kgbuild (remove + re-add: the claims table is rebuilt for the document)
    from kgbuild.extract import Extractor
    from kgbuild.ingest import read_document

    monkeypatch.setattr(kgbuild.store, "__version__", "99.0-test")
    extraction = Extractor().from_document(read_document(FILES[0]))
    with Store(store_dir, create=False) as s:
        s.remove_document(extraction.document.id)
        s.add(extraction)
        c = curation.get_claim(s, ids["il6"])
        assert (c["status"], c["kgbuild_version"], c["curator"]) == ("rejected", "99.0-test", "ivan")
        assert curation.get_claim(s, ids["tnf"])["object"] == CCL2
        assert CCL2 in s.concepts()
    _check_decided(store_dir)
    # rebuilding unchanged files changes nothing
    assert "1 unchanged" in _cli(store_dir, "build", FILES[0], "--quiet").stderr
    _check_decided(store_dir)


def test_export_import_reproduces_decisions_in_a_fresh_store(store_dir, tmp_path):
    _decide(store_dir)
    out = tmp_path / "decisions.jsonl"
    _cli(store_dir, "decisions", "export", "-o", out)
    lines = out.read_text().splitlines()
    assert len(lines) == 3 and all(json.loads(line)["curator"] == "ivan" for line in lines)
    assert _cli(store_dir, "decisions", "export").stdout.splitlines() == lines
    fresh = tmp_path / "fresh"
    run_kgbuild("build", *FILES, "--store", fresh, "--quiet")
    assert any(IL6 in p for p in _paths(fresh))
    p = _cli(fresh, "decisions", "import", out)
    assert "3 decisions read, 3 new, 3 matched a claim" in p.stderr
    _check_decided(fresh)
    p = _cli(fresh, "decisions", "import", out)          # idempotent
    assert "3 decisions read, 0 new, 3 matched a claim" in p.stderr
    _check_decided(fresh)
    assert _cli(fresh, "decisions", "export").stdout.splitlines() == lines
    # into a store without those documents: read, kept, matched nothing
    other = tmp_path / "other"
    run_kgbuild("build", PDF_DIR / "case05.pdf", "--store", other, "--quiet")
    assert "3 decisions read, 3 new, 0 matched a claim" in _cli(other, "decisions", "import", out).stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"hello": 1}\n')
    p = _cli(fresh, "decisions", "import", bad, check=False)
    assert p.returncode == 1 and "line 1" in p.stderr


# -- RDF ----------------------------------------------------------------------------------------
def test_rdf_carries_curation_and_validates(store_dir):
    ids = _decide(store_dir)
    with Store(store_dir, create=False) as s:
        text = rdf.export(s, "ttl")
    g = Graph().parse(data=text, format="turtle")
    conforms, report = rdf.validate(g)
    assert conforms, report[:3000]
    claim = rdf.claim_iri
    assert (claim(ids["il6"]), None, None) not in g
    assert g.value(claim(ids["ddimer"]), rdf.KGB.curationStatus) == Literal("accepted")
    assert g.value(claim(ids["tnf"]), rdf.KGB.curationStatus) == Literal("edited")
    agent = g.value(claim(ids["ddimer"]), PROV.wasAttributedTo)
    assert agent == rdf.curator_iri("ivan") and (agent, RDF.type, PROV.Agent) in g
    assert g.value(claim(ids["ddimer"]), rdf.KGB.curatedAt).datatype == XSD.dateTime
    assert g.value(claim(ids["tnf"]), rdf.BIOLINK.object) == rdf.curie_to_iri(CCL2)
    others = set(g.subjects(RDF.type, rdf.BIOLINK.Association)) - {claim(ids["ddimer"]), claim(ids["tnf"])}
    assert others and all(g.value(c, rdf.KGB.curationStatus) is None for c in others)
    assert all(g.value(c, PROV.wasAttributedTo) is None for c in others)
    # a status the shapes do not allow is caught
    g.set((claim(ids["ddimer"]), rdf.KGB.curationStatus, Literal("rejected")))
    assert not rdf.validate(g)[0]
    assert isinstance(agent, URIRef)
