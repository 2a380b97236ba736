"""`kgbuild serve`: a real SPARQL 1.1 endpoint (Oxigraph) over a store, queried with SPARQLWrapper.

The endpoint runs as a subprocess on a free port of 127.0.0.1; every wait is a bounded loop and the
process group is always killed in teardown.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph
from SPARQLWrapper import JSON, POST, POSTDIRECTLY, TURTLE, URLENCODED, XML, SPARQLWrapper

from kgbuild.rdf import curie_to_iri
from kgbuild.store import Store

from conftest import ROOT, run_kgbuild

if any(os.environ.get(v) for v in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY")):
    os.environ["no_proxy"] = os.environ["NO_PROXY"] = ",".join(
        filter(None, [os.environ.get("no_proxy", ""), "127.0.0.1", "localhost"]))  # SPARQLWrapper uses urllib

PREFIXES = """PREFIX biolink: <https://w3id.org/biolink/vocab/>
PREFIX kgb: <https://w3id.org/kgbuild/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
STEP = ("(biolink:causes|biolink:increases_amount_or_activity_of|biolink:decreases_amount_or_activity_of"
        "|biolink:associated_with)")
ALEMTUZUMAB = curie_to_iri("MESH:D000074323")
D_DIMER = curie_to_iri("LOINC:48065-7")
IL6 = curie_to_iri("HGNC:6018")

EXTRA_CASE = """Vancomycin-associated acute kidney injury in an elderly man: a case report

Abstract
A 71-year-old man developed acute kidney injury after vancomycin therapy for cellulitis.

Case presentation
A 71-year-old man received intravenous vancomycin for cellulitis of the left leg. On day five his
serum creatinine rose from 0.9 to 2.8 mg/dL. Vancomycin caused acute kidney injury in this patient.
Piperacillin did not cause rash. Vancomycin was stopped and his creatinine returned to baseline.

Discussion
Vancomycin increases serum creatinine through tubular injury.
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_cmd(store: Path, port: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "kgbuild.serve", "--store", str(store), "--port", str(port), *extra]


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "?" + urllib.parse.urlencode({"query": "ASK {}"}), timeout=1) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


class Endpoint:
    def __init__(self, store: Path, port: int, log: Path):
        self.store, self.port, self.log_path = store, port, log
        self.url = f"http://127.0.0.1:{port}/query"
        self.update_url = f"http://127.0.0.1:{port}/update"
        self.log = open(log, "w")
        self.proc = subprocess.Popen(serve_cmd(store, port, "--poll-interval", "0.5"), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=self.log, cwd=ROOT, start_new_session=True)

    def stderr(self) -> str:
        return self.log_path.read_text()

    def wait_ready(self, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"kgbuild serve exited {self.proc.returncode}: {self.stderr()}")
            if http_ok(self.url) and "serving" in self.stderr():  # the status line follows readiness
                return
            time.sleep(0.2)
        raise AssertionError(f"kgbuild serve not ready after {timeout} s: {self.stderr()}")

    def kill(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the server and its oxigraph child
            except ProcessLookupError:
                pass
            self.proc.wait(10)
        self.log.close()

    def sparql(self, query: str, fmt=JSON, method=None) -> SPARQLWrapper:
        w = SPARQLWrapper(self.url)
        w.setQuery(PREFIXES + query)
        w.setReturnFormat(fmt)
        w.setTimeout(20)
        if method:
            w.setMethod(POST)
            w.setRequestMethod(method)
        return w

    def select(self, query: str, **kw) -> list[dict]:
        res = self.sparql(query, **kw).queryAndConvert()
        return [{k: v["value"] for k, v in b.items()} for b in res["results"]["bindings"]]


@pytest.fixture(scope="module")
def endpoint(corpus_store, tmp_path_factory):
    """The corpus store (a copy: the rebuild test adds a document) served on a free port."""
    store = tmp_path_factory.mktemp("serve") / "store"
    shutil.copytree(corpus_store, store, ignore=shutil.ignore_patterns("oxigraph"))
    ep = Endpoint(store, free_port(), store.parent / "serve.log")
    try:
        ep.wait_ready()
        yield ep
    finally:
        ep.kill()


def store_stats(store: Path) -> dict:
    with Store(store, create=False) as s:
        return s.stats()


def test_claim_count_equals_store(endpoint):
    rows = endpoint.select("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a biolink:Association }")
    assert int(rows[0]["n"]) == store_stats(endpoint.store)["claims"] > 0
    assert "read-only" in endpoint.stderr() and endpoint.url in endpoint.stderr()


def test_three_hop_mechanism_property_path(endpoint):
    a, d = f"<{ALEMTUZUMAB}>", f"<{D_DIMER}>"
    ask = endpoint.sparql(f"ASK {{ {a} {STEP}/{STEP}/{STEP} {d} }}").queryAndConvert()
    assert ask["boolean"] is True
    rows = endpoint.select(f"""SELECT DISTINCT ?x ?xl ?y ?yl WHERE {{
        {a} {STEP} ?x . ?x {STEP} ?y . ?y {STEP} {d} .
        ?x rdfs:label ?xl . ?y rdfs:label ?yl }}""")
    assert str(IL6) in {r["x"] for r in rows}, rows
    # the same walk over the reified claims, with evidence for the first hop
    rows = endpoint.select(f"""SELECT ?text WHERE {{
        ?c biolink:subject {a} ; biolink:object <{IL6}> ; biolink:negated false ; biolink:supporting_text ?text }}""")
    assert any("IL-6" in r["text"] for r in rows)


def test_negated_claims_with_evidence_and_page(endpoint):
    rows = endpoint.select("""PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?c ?text ?page ?doc WHERE {
          ?c a biolink:Association ; biolink:negated true ; biolink:supporting_text ?text ; kgb:page ?page ;
             prov:wasDerivedFrom/dcterms:source ?doc }""")
    with Store(endpoint.store, create=False) as s:
        negated = [c for c in s.claims() if c["negated"]]
    # the evidence span a claim is keyed on sits on the claim (further spans: kgb:evidence nodes)
    expected = {(c["id"].split(":", 1)[1], c["evidence"][0]["text"], c["evidence"][0]["page"]) for c in negated
                if c["evidence"][0].get("page") is not None}
    got = {(r["c"].rsplit("/", 1)[1], r["text"], int(r["page"])) for r in rows}
    assert negated and got == expected
    assert all(r["doc"].endswith(".pdf") for r in rows)


def test_protocol_methods_and_result_formats(endpoint):
    q = "SELECT ?s WHERE { ?s a biolink:Drug } ORDER BY ?s LIMIT 3"
    by_get = endpoint.select(q)
    by_form = endpoint.select(q, method=URLENCODED)          # POST application/x-www-form-urlencoded
    by_body = endpoint.select(q, method=POSTDIRECTLY)        # POST application/sparql-query
    assert by_get == by_form == by_body and len(by_get) == 3
    xml = endpoint.sparql(q, fmt=XML).query()
    assert "application/sparql-results+xml" in xml.response.headers["Content-Type"]
    assert len(xml.convert().getElementsByTagName("result")) == 3
    construct = f"CONSTRUCT {{ <{ALEMTUZUMAB}> ?p ?o }} WHERE {{ <{ALEMTUZUMAB}> ?p ?o }}"
    ttl = endpoint.sparql(construct, fmt=TURTLE).query()
    assert "text/turtle" in ttl.response.headers["Content-Type"]
    g = Graph().parse(data=ttl.response.read().decode(), format="turtle")
    assert len(g) > 3
    req = urllib.request.Request(endpoint.url, data=(PREFIXES + construct).encode(), method="POST",
                                 headers={"Content-Type": "application/sparql-query",
                                          "Accept": "application/n-triples"})
    with urllib.request.urlopen(req, timeout=20) as r:
        assert r.headers["Content-Type"].startswith("application/n-triples")
        assert len(Graph().parse(data=r.read().decode(), format="nt")) == len(g)


def test_update_refused_when_read_only(endpoint):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = endpoint.select(count)
    w = SPARQLWrapper(endpoint.url, updateEndpoint=endpoint.update_url)
    w.setMethod(POST)
    w.setQuery("INSERT DATA { <https://example.org/a> <https://example.org/b> <https://example.org/c> }")
    with pytest.raises(urllib.error.HTTPError) as exc:
        w.query()
    assert exc.value.code == 403
    req = urllib.request.Request(endpoint.url.replace("/query", "/store") + "?default", method="POST",
                                 data=b"<https://example.org/a> <https://example.org/b> <https://example.org/c> .",
                                 headers={"Content-Type": "application/n-triples"})
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(req, timeout=10)
    assert exc.value.code == 403
    assert endpoint.select(count) == before


def test_rebuild_refreshes_the_endpoint(endpoint, tmp_path):
    before = store_stats(endpoint.store)
    (tmp_path / "vancomycin_aki.txt").write_text(EXTRA_CASE)
    run_kgbuild("build", tmp_path, "--store", endpoint.store, "--quiet")
    after = store_stats(endpoint.store)
    assert after["documents"] == before["documents"] + 1 and after["claims"] > before["claims"]
    q = """SELECT (COUNT(DISTINCT ?c) AS ?n) (COUNT(DISTINCT ?d) AS ?docs) WHERE {
        { ?c a biolink:Association } UNION { ?d a biolink:Publication } }"""
    deadline, rows = time.monotonic() + 30, None
    while time.monotonic() < deadline:
        try:
            rows = endpoint.select(q)
            if (int(rows[0]["n"]) == after["claims"] and int(rows[0]["docs"]) == after["documents"]
                    and "reloaded" in endpoint.stderr()):
                break
        except (urllib.error.URLError, ConnectionError, OSError):
            pass  # the server restarts on the same port: a brief "connection refused" is expected
        time.sleep(0.3)
    else:
        pytest.fail(f"endpoint did not reflect the rebuild within 30 s: {rows}; {endpoint.stderr()}")
    vanco = curie_to_iri("CHEBI:28001")
    ask = endpoint.sparql(f"ASK {{ <{vanco}> biolink:causes <{curie_to_iri('MONDO:0002492')}> }}").queryAndConvert()
    assert ask["boolean"] is True
    assert len(list((endpoint.store / "oxigraph").glob("db-*"))) == 1  # the old database is gone


def test_sigterm_stops_server_and_oxigraph(endpoint):
    endpoint.proc.send_signal(signal.SIGTERM)
    assert endpoint.proc.wait(15) == 0
    deadline = time.monotonic() + 10
    while http_ok(endpoint.url) and time.monotonic() < deadline:  # the oxigraph child is gone too
        time.sleep(0.2)
    assert not http_ok(endpoint.url)
    assert endpoint.stderr().rstrip().endswith("kgbuild: stopped")


def test_errors_are_one_line(corpus_store, tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        p = subprocess.run(serve_cmd(corpus_store, port), capture_output=True, text=True, timeout=60)
    assert p.returncode == 1
    assert p.stderr.strip().count("\n") == 0 and "already in use" in p.stderr, p.stderr
    p = subprocess.run(serve_cmd(tmp_path / "nowhere", free_port()), capture_output=True, text=True, timeout=60)
    assert p.returncode == 1
    assert p.stderr.strip().count("\n") == 0 and "no kgbuild store" in p.stderr, p.stderr
    assert not (tmp_path / "nowhere").exists()
