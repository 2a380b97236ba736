"""`kgbuild review` (the browser app for curators) and curators adding claims, on real reports.

Three parts: adding a claim through the Python API and the CLI (it counts as curated evidence,
survives rebuilds and moves with the decisions log; stores made before `add` existed are
migrated); the app through FastAPI's TestClient (CSRF, headers, filters and sorting, escaping of
a report full of HTML); and the real server (`kgbuild review` in a subprocess) driven by
Debian's chromium through Playwright, with `kgbuild paths` checking what the clicks changed.
"""
from __future__ import annotations

import html
import json
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from rdflib import Graph

from kgbuild import curation, rdf
from kgbuild.graph import BELIEF
from kgbuild.store import Store

from conftest import PDF_DIR, THREE_REPORTS, kgbuild_cmd, run_kgbuild

ALEMTUZUMAB, D_DIMER, IL6, TNF = "MESH:D000074323", "LOINC:48065-7", "HGNC:6018", "HGNC:11892"
CCL2 = "HGNC:10618"          # in the vocabulary, mentioned by none of the reports
FILES = THREE_REPORTS
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# a report whose text is full of HTML, next to real entities: a claim is extracted from the
# <script> sentence, and the title carries <b>
HOSTILE_REPORT = """Cytokine release after alemtuzumab <b>infusion</b>

Case presentation

A 30-year-old woman with relapsing multiple sclerosis received alemtuzumab 12 mg. Alemtuzumab increased IL-6 <script>alert(1)</script> within hours of the infusion.

Discussion

The <img src=x onerror=alert(3)> cytokine release caused fever.
"""
SCRIPT, IMG, BOLD = "<script>alert(1)</script>", "<img src=x onerror=alert(3)>", "<b>infusion</b>"


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    (d / "hostile_report.txt").write_text(HOSTILE_REPORT, encoding="utf-8")
    run_kgbuild("build", d / "hostile_report.txt", "--store", d / "store", "--quiet")
    return d / "store"


def _claims(store_dir, subject, obj):
    with Store(store_dir, create=False) as s:
        return [c for c in s.claims(include_rejected=True) if c["subject"] == subject and c["object"] == obj]


def _il6_claim(store_dir) -> str:
    (claim,) = _claims(store_dir, ALEMTUZUMAB, IL6)
    return claim["id"]


def _case01(store_dir) -> tuple[str, str]:
    with Store(store_dir, create=False) as s:
        doc = next(d["id"] for d in s.documents() if d["source"].endswith("case01.pdf"))
        return doc, s.document(doc).text


def _paths(store_dir) -> list[dict]:
    return json.loads(run_kgbuild("paths", "alemtuzumab", "D-dimer", "--store", store_dir, "--format", "json").stdout)["paths"]


def _il6_mechanism(paths) -> list[dict]:
    return [p for p in paths if [n["id"] for n in p["nodes"]][:2] == [ALEMTUZUMAB, IL6]
            and p["nodes"][-1]["id"] == D_DIMER and len(p["nodes"]) == 4]


def _cli(store_dir, *args, check=True):
    return run_kgbuild(*args, "--store", store_dir, check=check)


# -- adding a claim (API and CLI) ----------------------------------------------------------------
def test_added_claim_is_curated_evidence_on_the_paths(store_dir):
    _cli(store_dir, "claims", "reject", _il6_claim(store_dir), "--reason", "not this sentence")
    assert not _il6_mechanism(_paths(store_dir))
    doc, text = _case01(store_dir)
    phrase = "interleukin-6 (IL-6) had risen"
    start = text.index(phrase)
    # the span's surrounding whitespace is trimmed; the document may be named by its source path
    p = _cli(store_dir, "claims", "add", FILES[0], start - 1, start + len(phrase) + 1, ALEMTUZUMAB,
             "increases", IL6, "--curator", "ann", "--reason", "the abstract says so")
    assert "add by ann" in p.stderr
    (added,) = [c for c in _claims(store_dir, ALEMTUZUMAB, IL6) if c["method"] == "curator"]
    assert (added["status"], added["curator"], added["document"]) == ("accepted", "ann", doc)
    assert added["evidence"][0]["text"] == phrase and added["evidence"][0]["section"] == "Abstract"
    (mechanism, *_) = _il6_mechanism(_paths(store_dir))
    hop = mechanism["edges"][0]
    assert hop["claims"] == [added["id"]] and hop["belief"] >= BELIEF["curated_confidence"]
    assert hop["evidence"][0]["text"] == phrase
    history = [json.loads(line) for line in
               _cli(store_dir, "claims", "history", added["id"], "--format", "jsonl").stdout.splitlines()]
    assert [(h["action"], h["curator"], h["before"], h["reason"]) for h in history] == [
        ("add", "ann", None, "the abstract says so")]
    assert "before: (no claim)" in _cli(store_dir, "claims", "history", added["id"]).stdout
    # mistakes: one line on the command line; nothing is recorded for them
    p = _cli(store_dir, "claims", "add", doc[:12], start, start + len(phrase), ALEMTUZUMAB, "increases", IL6,
             check=False)
    assert p.returncode == 1 and "already has this claim" in p.stderr and p.stderr.count("\n") == 1, p.stderr
    p = _cli(store_dir, "claims", "add", doc, "1", "2", check=False)
    assert p.returncode == 1 and "START END SUBJECT PREDICATE OBJECT" in p.stderr
    blank = text.index("\n\n")
    with Store(store_dir, create=False) as s:
        for args, words in (((start, start + 3, ALEMTUZUMAB, "increases", "NOPE:1"), "unknown CURIE"),
                            ((start, start + 3, ALEMTUZUMAB, "increases", ALEMTUZUMAB), "itself"),
                            ((len(text), len(text) + 5, ALEMTUZUMAB, "increases", IL6), "not inside"),
                            ((blank, blank + 2, ALEMTUZUMAB, "increases", IL6), "blank"),
                            ((start, start + 3, ALEMTUZUMAB, "inhibits", IL6), "unknown predicate")):
            with pytest.raises(curation.CurationError, match=words):
                curation.add_claim(s, doc, *args)
        with pytest.raises(curation.CurationError, match="no document"):
            curation.add_claim(s, "0" * 64, 0, 5, ALEMTUZUMAB, "increases", IL6)
        assert [d["action"] for d in curation.decisions(s)] == ["reject", "add"]


def test_added_claims_survive_rebuilds_and_move_with_the_log(built, store_dir, tmp_path):
    doc, text = _case01(store_dir)
    phrase = "IL-6 drives hepatic synthesis of CRP"
    start = text.index(phrase)
    with Store(store_dir, create=False) as s:
        dec = curation.add_claim(s, doc, start, start + len(phrase), IL6, "increases", CCL2, hedged=True, curator="bo")
        curation.edit(s, dec["claim_id"], predicate="causes", curator="bo")
        assert CCL2 in s.concepts()
        assert s.remove_document(doc)
        assert not [c for c in s.claims(include_rejected=True) if c["method"] == "curator"]

    def check(directory):
        (c,) = _claims(directory, IL6, CCL2)
        assert (c["predicate"], c["hedged"], c["status"], c["method"]) == ("causes", True, "edited", "curator")
        assert c["extracted"]["predicate"] == "increases" and c["evidence"][0]["text"] == phrase
        return c

    _cli(store_dir, "build", FILES[0], "--quiet")        # the document comes back: so does its added claim
    claim = check(store_dir)
    with Store(store_dir, create=False) as s:
        assert [h["action"] for h in curation.history(s, claim["id"])] == ["add", "edit"]
        conforms, report = rdf.validate(Graph().parse(data=rdf.export(s, "ttl"), format="turtle"))
        assert conforms, report[:2000]
    log = tmp_path / "decisions.jsonl"
    _cli(store_dir, "decisions", "export", "-o", log)
    fresh = tmp_path / "fresh"
    shutil.copytree(built, fresh)                      # the same reports, never curated
    assert not _claims(fresh, IL6, CCL2)
    assert "2 decisions read, 2 new, 2 matched a claim" in _cli(fresh, "decisions", "import", log).stderr
    check(fresh)
    assert "2 decisions read, 0 new, 2 matched a claim" in _cli(fresh, "decisions", "import", log).stderr
    check(fresh)
    with Store(fresh, create=False) as s:
        assert CCL2 in s.concepts() and len(s.claims(include_rejected=True)) == len(_all_claims(store_dir))


def _all_claims(store_dir):
    with Store(store_dir, create=False) as s:
        return s.claims(include_rejected=True)


OLD_DECISIONS_TABLE = """CREATE TABLE decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, uid TEXT NOT NULL UNIQUE, claim_id TEXT NOT NULL,
    doc_hash TEXT NOT NULL, ev_start INTEGER, ev_end INTEGER, orig_subject TEXT NOT NULL,
    orig_object TEXT NOT NULL, orig_predicate TEXT, orig_negated INTEGER,
    action TEXT NOT NULL CHECK (action IN ('accept', 'reject', 'edit')), curator TEXT NOT NULL,
    time TEXT NOT NULL, reason TEXT, before TEXT NOT NULL, after TEXT NOT NULL)"""


def test_stores_from_before_add_are_migrated_on_open(store_dir):
    il6 = _il6_claim(store_dir)
    _cli(store_dir, "claims", "reject", il6, "--reason", "old decision", "--curator", "old")
    # put the decisions table back as kgbuild made it before curators could add claims
    db = sqlite3.connect(store_dir / "kgbuild.sqlite")
    with db:
        db.execute("ALTER TABLE decisions RENAME TO decisions_new")
        db.execute(OLD_DECISIONS_TABLE)
        db.execute("INSERT INTO decisions SELECT * FROM decisions_new")
        db.execute("DROP TABLE decisions_new")
        db.execute("CREATE INDEX decisions_doc ON decisions(doc_hash)")
        db.execute("CREATE INDEX decisions_claim ON decisions(claim_id)")
    old_rows = db.execute("SELECT * FROM decisions").fetchall()
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        with db:
            db.execute("INSERT INTO decisions (uid, claim_id, doc_hash, orig_subject, orig_object, action, curator, "
                       "time, before, after) VALUES ('u', 'c', 'd', 's', 'o', 'add', 'x', 't', '{}', '{}')")
    db.close()
    # reading works as before (the CLI opens the store, which migrates it) ...
    assert not _il6_mechanism(_paths(store_dir))
    with Store(store_dir, create=False) as s:
        assert "'add'" in s.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'decisions'").fetchone()[0]
        assert s.conn.execute("SELECT * FROM decisions").fetchall() == old_rows
        assert {r[0] for r in s.conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'decisions' "
                                             "AND type = 'index'")} >= {"decisions_doc", "decisions_claim"}
        doc, text = _case01(store_dir)
        start = text.index("Alemtuzumab triggered release of IL-6")
        dec = curation.add_claim(s, doc, start, start + 37, ALEMTUZUMAB, "increases", IL6, curator="new")
        assert dec["id"] == old_rows[-1][0] + 1          # ids go on after the old ones
        assert [d["action"] for d in curation.decisions(s)] == ["reject", "add"]
    assert _il6_mechanism(_paths(store_dir))
    with Store(store_dir, create=False) as s:          # opening a migrated store changes nothing
        assert len(list(curation.decisions(s))) == 2


# -- the app through TestClient --------------------------------------------------------------------
@pytest.fixture
def client(store_dir):
    from fastapi.testclient import TestClient

    from kgbuild.review import create_app

    with TestClient(create_app(store_dir, curator="tess"), base_url="http://127.0.0.1") as c:
        yield c


def _token(client, claim_id: str) -> str:
    """The CSRF token of the client's session, as a claim page's forms carry it."""
    r = client.get(f"/claims/{claim_id}")
    assert r.status_code == 200
    return re.search(r'name="csrf_token" value="([0-9a-f]{64})"', r.text).group(1)


def _row_ids(html: str) -> list[str]:
    return re.findall(r'class="claim-link" href="/claims/(claim:[0-9a-f]{16})', html)


def _decisions(store_dir) -> int:
    with Store(store_dir, create=False) as s:
        return len(list(curation.decisions(s)))


def test_every_post_needs_the_session_token_and_this_origin(client, store_dir):
    from fastapi.testclient import TestClient

    il6 = _il6_claim(store_dir)
    token = _token(client, il6)
    posts = sorted(path for path, methods in client.app.openapi()["paths"].items() if set(methods) - {"get"})
    assert posts == ["/claims/{claim_id}/accept", "/claims/{claim_id}/add", "/claims/{claim_id}/edit",
                     "/claims/{claim_id}/reject"]
    doc, text = _case01(store_dir)
    form = {"reason": "r", "predicate": "causes", "start": "0", "end": "5", "subject": ALEMTUZUMAB, "object": CCL2}
    stranger = TestClient(client.app, base_url="http://127.0.0.1")      # no session cookie
    for path in posts:
        url = path.format(claim_id=il6)
        for who, data, headers in ((client, form, {}), (client, {**form, "csrf_token": "0" * 64}, {}),
                                   (client, {**form, "csrf_token": token}, {"Origin": "http://evil.example"}),
                                   (client, {**form, "csrf_token": token}, {"Origin": "null"}),
                                   (client, {**form, "csrf_token": token}, {"Referer": "http://evil.example/x"}),
                                   (client, {**form, "csrf_token": token}, {"Origin": "http://127.0.0.1:9"}),
                                   (stranger, {**form, "csrf_token": token}, {})):
            r = who.post(url, data=data, headers=headers, follow_redirects=False)
            assert r.status_code == 403, (url, data.get("csrf_token"), headers)
            assert "Reload the page" in r.text
    assert _decisions(store_dir) == 0
    r = client.post(f"/claims/{il6}/accept", data={"csrf_token": token}, headers={"Origin": "http://127.0.0.1"},
                    follow_redirects=False)
    assert r.status_code == 303 and _decisions(store_dir) == 1


def test_security_headers_cookie_and_host(client, store_dir):
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
    assert "<script>" not in r.text and "style=" not in r.text      # no inline code for the CSP to allow
    js = client.get("/static/review.js")
    assert js.status_code == 200 and "textContent" in js.text and "innerHTML" not in js.text
    assert client.get("/", headers={"Host": "rebound.example"}).status_code == 400      # DNS rebinding
    assert client.get("/claims/claim:0000000000000000").status_code == 404


def test_queue_filters_sort_and_paginate(client, store_dir):
    run_kgbuild("build", PDF_DIR / "case04.pdf", "--store", store_dir, "--quiet")    # more than a page
    with Store(store_dir, create=False) as s:
        claims = s.claims(include_rejected=True)
    assert len(claims) > 50
    # make one triple contradicted: negate one of the two "Alemtuzumab increases D-dimer" claims
    first, second = _claims(store_dir, ALEMTUZUMAB, D_DIMER)
    token = _token(client, first["id"])
    client.post(f"/claims/{first['id']}/edit", data={"csrf_token": token, "negated": "1", "predicate": "increases"})
    page1 = client.get("/").text
    ids = _row_ids(page1)
    assert len(ids) == 50 and "page 1 of 2" in page1
    assert ids[0] == second["id"] and "contradicted" in page1           # contradicted first ...
    rest = [next(c for c in claims if c["id"] == i)["confidence"] for i in ids[1:]]
    assert rest == sorted(rest)                                         # ... then lowest confidence
    assert first["id"] not in ids + _row_ids(client.get("/?page=2").text)   # edited: not pending any more
    assert len(_row_ids(client.get("/?page=2").text)) == len(claims) - 1 - 50

    def shown(**params):
        return [next(c for c in _all_claims(store_dir) if c["id"] == i) for i in
                _row_ids(client.get("/", params={"status": "all", **params}).text)]

    for entity in ("alemtuzumab", "Lemtrada", ALEMTUZUMAB, ALEMTUZUMAB.lower()):
        assert {c["id"] for c in shown(entity=entity)} == {c["id"] for c in claims if ALEMTUZUMAB in
                                                           (c["subject"], c["object"])}
    assert {c["predicate"] for c in shown(predicate="decreases")} == {"decreases"}
    assert all(0.6 <= c["confidence"] <= 0.7 for c in shown(min_conf="0.6", max_conf="0.7"))
    negated = shown(negated="yes")
    assert negated and all(c["negated"] for c in negated) and first["id"] in {c["id"] for c in negated}
    assert all(c["hedged"] for c in shown(hedged="yes")) and not any(c["hedged"] for c in shown(hedged="no"))
    assert [c["id"] for c in shown(status="edited")] == [first["id"]]
    assert not shown(status="rejected")
    doc, _ = _case01(store_dir)
    assert {c["document"] for c in shown(doc=doc)} == {doc}
    high = [c["confidence"] for c in shown(sort="-confidence")]
    assert high == sorted(high, reverse=True)
    with Store(store_dir, create=False) as s:
        concepts = s.concepts()
    subjects = [concepts[c["subject"]]["label"].lower() for c in shown(sort="subject", doc=doc)]
    assert subjects == sorted(subjects) and len(subjects) == len([c for c in claims if c["document"] == doc])
    # filters are in the links, so the URL can be shared; nonsense is reported, not obeyed
    r = client.get("/", params={"entity": "alemtuzumab", "min_conf": "abc", "predicate": "inhibits"})
    assert "ignored min conf" in r.text and "ignored predicate" in r.text
    assert f'/claims/{_row_ids(r.text)[0]}?entity=alemtuzumab"' in r.text
    assert "unknown concept" in client.get("/", params={"entity": "no such thing"}).text


def test_claim_page_and_decisions_through_forms(client, store_dir):
    il6 = _il6_claim(store_dir)
    page = client.get(f"/claims/{il6}", params={"entity": "alemtuzumab", "status": "all"}).text
    # the evidence sentence in its paragraph, subject and object mentions marked
    assert '<span data-o="' in page and 'class="ev subj"' in page and 'class="ev obj"' in page
    assert re.search(r'class="ev subj"[^>]*>Alemtuzumab</span>', page)
    assert re.search(r'class="ev obj"[^>]*>IL-6</span>', page)
    # the whole paragraph, each piece carrying its offset in the document's text
    _, text = _case01(store_dir)
    pieces = re.findall(r'<span data-o="(\d+)"[^>]*>([^<]*)</span>', page)
    assert all(text[int(o):int(o) + len(html.unescape(t))] == html.unescape(t) for o, t in pieces)
    paragraph = "".join(html.unescape(t) for _, t in pieces)
    assert paragraph.startswith("Alemtuzumab triggered release of IL-6") and "IL-6 drives hepatic synthesis" in paragraph
    assert "Sharp D-dimer rise after the first alemtuzumab infusion" in page and "corpus/pdf/case01.pdf" in page
    assert "page 2" in page and "Discussion" in page
    for text in (ALEMTUZUMAB, "Alemtuzumab", "drug", IL6, "Interleukin-6", "cytokine", "No decisions yet"):
        assert text in page
    queue = _row_ids(client.get("/", params={"entity": "alemtuzumab", "status": "all"}).text)
    token = _token(client, il6)
    # reject: a reason is required; then on to the next claim of the same queue
    r = client.post(f"/claims/{il6}/reject", data={"csrf_token": token, "back": "entity=alemtuzumab&status=all",
                                                   "reason": "  "}, follow_redirects=False)
    assert r.status_code == 400 and "needs a reason" in r.text and _decisions(store_dir) == 0
    r = client.post(f"/claims/{il6}/reject", data={"csrf_token": token, "back": "entity=alemtuzumab&status=all",
                                                   "reason": "IL-6 not measured"}, follow_redirects=False)
    after = queue[queue.index(il6) + 1] if queue.index(il6) + 1 < len(queue) else None
    assert r.status_code == 303
    path, query = r.headers["location"].split("?")
    assert path == (f"/claims/{after}" if after else "/")
    assert parse_qsl(query) == [("entity", "alemtuzumab"), ("status", "all"), ("done", "reject"), ("of", il6)]
    page = client.get(r.headers["location"]).text
    assert "Rejected: Alemtuzumab increases Interleukin-6" in page
    page = client.get(f"/claims/{il6}").text
    assert "IL-6 not measured" in page and "tess" in page and "rejected" in page
    assert re.search(r"status</span> extracted → <strong>rejected", page)
    # edit: swap and ground the object elsewhere; accept; the CLI sees it all
    (tnf,) = _claims(store_dir, ALEMTUZUMAB, TNF)
    r = client.post(f"/claims/{tnf['id']}/edit", data={"csrf_token": token, "predicate": "increases", "swap": "1",
                                                       "object": "HGNC:999999999", "back": ""}, follow_redirects=False)
    assert r.status_code == 400 and "unknown CURIE" in r.text
    r = client.post(f"/claims/{tnf['id']}/edit", data={"csrf_token": token, "predicate": "decreases", "swap": "1",
                                                       "object": CCL2}, follow_redirects=False)
    assert r.status_code == 303
    c = curation.get_claim(Store(store_dir, create=False), tnf["id"])
    assert (c["subject"], c["predicate"], c["object"], c["status"], c["curator"]) == (TNF, "decreases", CCL2,
                                                                                      "edited", "tess")
    assert client.post(f"/claims/{tnf['id']}/edit", data={"csrf_token": token, "predicate": "decreases"}
                       ).status_code == 400             # nothing to edit
    assert "[edited by tess]" in _cli(store_dir, "claims", "--entity", "TNF-alpha").stdout
    # add a claim from a span of the paragraph; it opens on its own page
    doc, text = _case01(store_dir)
    start = text.index("Alemtuzumab triggered release of IL-6")
    r = client.post(f"/claims/{il6}/add", data={"csrf_token": token, "start": str(start), "end": str(start + 37),
                                                "subject": ALEMTUZUMAB, "predicate": "increases", "object": IL6,
                                                "back": "entity=IL-6"}, follow_redirects=False)
    assert r.status_code == 303
    path, query = r.headers["location"].split("?")
    added = path.rsplit("/", 1)[1]
    assert parse_qsl(query) == [("entity", "IL-6"), ("done", "add"), ("of", added)]
    page = client.get(r.headers["location"]).text
    assert "Added: Alemtuzumab increases Interleukin-6" in page and "added by a curator" in page
    assert _il6_mechanism(_paths(store_dir))
    r = client.post(f"/claims/{il6}/add", data={"csrf_token": token, "start": "", "end": "", "subject": ALEMTUZUMAB,
                                                "predicate": "increases", "object": IL6})
    assert r.status_code == 400 and "select the words" in r.text


def test_concept_search(client):
    hits = client.get("/api/concepts", params={"q": "interleukin 6"}).json()["concepts"]
    assert hits[0]["id"] == IL6 and hits[0]["in_store"]
    assert client.get("/api/concepts", params={"q": "IL-6"}).json()["concepts"][0]["id"] == IL6
    (ccl2, *_) = client.get("/api/concepts", params={"q": CCL2}).json()["concepts"]
    assert (ccl2["id"], ccl2["label"], ccl2["in_store"]) == (CCL2, "Chemokine CCL2", False)
    assert client.get("/api/concepts", params={"q": "x"}).json()["concepts"] == []


def test_hostile_report_text_is_escaped_everywhere(hostile_store, tmp_path):
    from fastapi.testclient import TestClient

    from kgbuild.review import create_app

    store = tmp_path / "store"
    shutil.copytree(hostile_store, store)
    with TestClient(create_app(store, curator="<i>eve</i>"), base_url="http://127.0.0.1") as client:
        queue = client.get("/", params={"status": "all"}).text
        ids = _row_ids(queue)
        with Store(store, create=False) as s:
            claim = next(c for c in s.claims() if SCRIPT in c["evidence"][0]["text"])
            assert BOLD in s.documents()[0]["title"]
        assert claim["id"] in ids
        page = client.get(f"/claims/{claim['id']}").text
        token = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', page).group(1)
        reason = '<img src=x onerror=alert(4)> "quoted" & </textarea>'
        client.post(f"/claims/{claim['id']}/reject", data={"csrf_token": token, "reason": reason})
        page = client.get(f"/claims/{claim['id']}").text
        search = client.get("/api/concepts", params={"q": SCRIPT + "alemtuzumab"})
        missing = client.get("/claims/<img src=x onerror=alert(4)>")
        for body in (queue, page, search.text, missing.text):
            for raw in (SCRIPT, IMG, BOLD, "<img src=x onerror=alert(4)>", "<i>eve</i>"):
                assert raw not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;b&gt;infusion&lt;/b&gt;" in page
        assert "&lt;img src=x onerror=alert(4)&gt; &#34;quoted&#34; &amp; &lt;/textarea&gt;" in page
        assert "&lt;i&gt;eve&lt;/i&gt;" in page and missing.status_code == 404
        assert "No claim &#39;&lt;img src=x onerror=alert(4)&gt;&#39;" in missing.text
        assert search.headers["content-type"] == "application/json"
        assert json.loads(search.text)["query"] == SCRIPT + "alemtuzumab"


def test_cli_errors_are_one_line(tmp_path, built):
    p = run_kgbuild("review", "--store", tmp_path / "nowhere", check=False)
    assert p.returncode == 1 and p.stderr.count("\n") == 1 and "no kgbuild store" in p.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        p = run_kgbuild("review", "--store", built, "--port", busy.getsockname()[1], check=False, timeout=60)
    assert p.returncode == 1 and p.stderr.count("\n") == 1 and "in use" in p.stderr


# -- the real server in a real browser -----------------------------------------------------------
@contextmanager
def review_server(store: Path, curator: str = "pat"):
    """`kgbuild review --port 0` in a subprocess; yields its URL (read from its first line)."""
    proc = subprocess.Popen(kgbuild_cmd() + ["review", "--store", str(store), "--port", "0", "--curator", curator],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(60, proc.kill)
    watchdog.start()
    try:
        line = proc.stdout.readline()
        watchdog.cancel()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert url, f"kgbuild review did not start: {line}{proc.stderr.read() if proc.poll() is not None else ''}"
        yield url.group(0).rstrip("/")
    finally:
        watchdog.cancel()
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium; `make test` installs it when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab; dialogs (alert) and CSP violations are recorded, and must not happen."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.dialogs, tab.csp = [], []
    tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
    tab.on("console", lambda m: tab.csp.append(m.text) if "Content Security Policy" in m.text else None)
    tab.set_default_timeout(15_000)
    yield tab
    assert tab.dialogs == [] and tab.csp == []
    context.close()


def _select(page, phrase: str) -> None:
    """Select `phrase` in the paragraph with the mouse, as a curator does."""
    page.locator("#para").scroll_into_view_if_needed()
    box = page.evaluate("""(phrase) => {
        const para = document.getElementById('para');
        const walker = document.createTreeWalker(para, NodeFilter.SHOW_TEXT);
        const nodes = []; let text = '';
        while (walker.nextNode()) { nodes.push([walker.currentNode, text.length]); text += walker.currentNode.data; }
        const at = (k) => { const n = nodes.filter(([, o]) => o <= k).pop(); return [n[0], k - n[1]]; };
        const rect = (k) => { const [node, off] = at(k); const r = document.createRange();
                              r.setStart(node, off); r.setEnd(node, off + 1); return r.getBoundingClientRect(); };
        const i = text.indexOf(phrase), first = rect(i), last = rect(i + phrase.length - 1);
        return {x1: first.left + 1, y1: (first.top + first.bottom) / 2, x2: last.right - 1, y2: (last.top + last.bottom) / 2};
    }""", phrase)
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=8)
    page.mouse.up()


def _choose_concept(page, field: str, query: str, label: str) -> None:
    page.fill(f"#{field}", query)
    page.locator(f"#{field}").locator("xpath=ancestor::div[1]").locator(".results button", has_text=label).first.click()
    assert label in page.inner_text(f"#{field}-chosen")


def test_browser_reject_with_a_reason_removes_the_mechanism(store_dir, page):
    assert _il6_mechanism(_paths(store_dir))
    with review_server(store_dir) as url:
        page.goto(url + "/")
        page.fill("#filter-entity", "alemtuzumab")
        page.select_option("select[name=status]", "all")
        page.click("text=Apply")
        page.click("a.claim-link:has-text('Interleukin-6')")
        assert page.inner_text("#claim-title").split() == ["Alemtuzumab", "increases", "Interleukin-6"]
        page.keyboard.press("r")
        assert page.evaluate("document.activeElement.id") == "reject-reason"
        page.keyboard.type("IL-6 rise not attributable to the drug")
        page.keyboard.press("Control+Enter")
        page.wait_for_selector("text=Rejected: Alemtuzumab increases Interleukin-6")
        assert "entity=alemtuzumab" in page.url and "status=all" in page.url
        assert not _il6_mechanism(_paths(store_dir))
        page.goto(f"{url}/claims/{_il6_claim(store_dir)}")
        history = page.inner_text("#history")
        assert "IL-6 rise not attributable to the drug" in history and "pat" in history and "reject" in history


def test_browser_keyboard_accept_and_navigation(store_dir, page):
    ddimer = min(_claims(store_dir, ALEMTUZUMAB, D_DIMER), key=lambda c: c["evidence"][0]["start"])
    direct = [p for p in _paths(store_dir) if len(p["nodes"]) == 2][0]
    with review_server(store_dir) as url:
        page.goto(f"{url}/claims/{ddimer['id']}?entity=alemtuzumab&status=all")
        page.keyboard.press("?")
        assert page.is_visible("#help") and "next claim in the queue" in page.inner_text("#help")
        page.keyboard.press("Escape")
        assert not page.is_visible("#help")
        here = page.url
        page.keyboard.press("j")
        page.wait_for_url(lambda u: u != here)
        assert "entity=alemtuzumab" in page.url
        page.keyboard.press("k")
        page.wait_for_url(here)
        page.keyboard.press("a")
        page.wait_for_selector("text=Accepted: Alemtuzumab increases D-dimer")
    assert f"{ddimer['id']}  Alemtuzumab increases D-dimer" in (listing := _cli(store_dir, "claims", "--entity",
                                                                               "alemtuzumab").stdout)
    assert "[accepted by pat]" in listing
    after = [p for p in _paths(store_dir) if len(p["nodes"]) == 2][0]
    assert after["edges"][0]["belief"] >= BELIEF["curated_confidence"] > direct["edges"][0]["belief"]
    assert after["score"] > direct["score"]


def test_browser_edit_swap_breaks_the_mechanism(store_dir, page):
    il6 = _il6_claim(store_dir)
    with review_server(store_dir) as url:
        page.goto(f"{url}/claims/{il6}")
        page.keyboard.press("e")
        assert page.evaluate("document.activeElement.id") == "edit-predicate"
        page.check("#edit-swap")
        page.click("#edit-btn")
        page.wait_for_selector("text=Edited: Interleukin-6 increases Alemtuzumab")
        page.goto(f"{url}/claims/{il6}")
        assert page.inner_text("#claim-title").split() == ["Interleukin-6", "increases", "Alemtuzumab"]
        assert "edited" in page.inner_text("#claim-status")
    assert not _il6_mechanism(_paths(store_dir))
    neighbors = json.loads(_cli(store_dir, "neighbors", "IL-6", "--format", "json").stdout)["neighbors"]
    assert any(n["direction"] == "out" and n["other"]["id"] == ALEMTUZUMAB for n in neighbors)


def test_browser_add_claim_from_a_selected_span(store_dir, page):
    il6 = _il6_claim(store_dir)
    _cli(store_dir, "claims", "reject", il6, "--reason", "wrong sentence")
    assert not _il6_mechanism(_paths(store_dir))
    phrase = "Alemtuzumab triggered release of IL-6"
    with review_server(store_dir) as url:
        page.goto(f"{url}/claims/{il6}?status=all")
        _select(page, phrase)
        page.wait_for_function("document.getElementById('add-span').textContent.includes('release')")
        assert page.inner_text("#add-span") == f"“{phrase}”"
        assert page.is_enabled("#add-btn")
        _choose_concept(page, "add-subject", "alemtuzu", "Alemtuzumab")
        page.select_option("#add-predicate", "increases")
        _choose_concept(page, "add-object", "interleukin 6", "Interleukin-6")
        page.click("#add-btn")
        page.wait_for_selector("text=Added: Alemtuzumab increases Interleukin-6")
        assert "added by a curator" in page.inner_text(".claim-head") and "status=all" in page.url
        assert "accepted" in page.inner_text("#claim-status")
        assert "add" in page.inner_text("#history") and "pat" in page.inner_text("#history")
    (mechanism, *_) = _il6_mechanism(_paths(store_dir))
    hop = mechanism["edges"][0]
    assert hop["evidence"][0]["text"] == phrase and hop["belief"] >= BELIEF["curated_confidence"]
    (added,) = [c for c in _claims(store_dir, ALEMTUZUMAB, IL6) if c["method"] == "curator"]
    assert hop["claims"] == [added["id"]] and added["curator"] == "pat"


def test_browser_shows_hostile_text_literally(hostile_store, tmp_path, page):
    store = tmp_path / "store"
    shutil.copytree(hostile_store, store)
    with Store(store, create=False) as s:
        claim = next(c for c in s.claims() if SCRIPT in c["evidence"][0]["text"])
    with review_server(store, curator="<i>eve</i>") as url:
        page.goto(url + "/?status=all")
        assert SCRIPT[:20] in page.inner_text("#queue") and page.locator("main b, main img, main i").count() == 0
        page.goto(f"{url}/claims/{claim['id']}")
        assert SCRIPT in page.inner_text("#para") and BOLD in page.inner_text(".doc-title")
        assert "<i>eve</i>" in page.inner_text("header")
        page.keyboard.press("r")
        page.keyboard.type('<img src=x onerror=alert(4)> "why"')
        page.click("#reject-btn")
        page.goto(f"{url}/claims/{claim['id']}")
        assert '<img src=x onerror=alert(4)> "why"' in page.inner_text("#history")
        assert page.locator("main b, main img, main i, main script").count() == 0
