"""The persistent store: one SQLite file holding every document's extraction.

Each document is written in one transaction, so a build that is killed or fails on a bad file
never leaves a half-written document behind; the next build simply picks up what is missing.
Concepts are merged across documents by CURIE. Every record keeps the kgbuild version that
produced it.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from . import __version__
from .model import Claim, Document, Evidence, Extraction, Section

DEFAULT_STORE = Path("outputs/store")
DB_NAME = "kgbuild.sqlite"
MODEL_NAME = "kgbuild-rules"
CURATOR_METHOD = "curator"       # the method of claims curators add

_DECISIONS_TABLE = """CREATE TABLE IF NOT EXISTS {name} (
    id INTEGER PRIMARY KEY AUTOINCREMENT, uid TEXT NOT NULL UNIQUE, claim_id TEXT NOT NULL,
    doc_hash TEXT NOT NULL, ev_start INTEGER, ev_end INTEGER, orig_subject TEXT NOT NULL,
    orig_object TEXT NOT NULL, orig_predicate TEXT, orig_negated INTEGER,
    action TEXT NOT NULL CHECK (action IN ('accept', 'reject', 'edit', 'add')), curator TEXT NOT NULL,
    time TEXT NOT NULL, reason TEXT, before TEXT NOT NULL, after TEXT NOT NULL);"""
_DECISIONS_INDEXES = """CREATE INDEX IF NOT EXISTS decisions_doc ON decisions(doc_hash);
CREATE INDEX IF NOT EXISTS decisions_claim ON decisions(claim_id);"""
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, source TEXT NOT NULL, title TEXT, pages INTEGER, text TEXT NOT NULL,
    sections TEXT NOT NULL, added_at TEXT NOT NULL, kgbuild_version TEXT NOT NULL, model TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS concepts (
    curie TEXT PRIMARY KEY, label TEXT NOT NULL, type TEXT NOT NULL, xrefs TEXT NOT NULL, synonyms TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entities (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, curie TEXT NOT NULL, type TEXT NOT NULL,
    PRIMARY KEY (doc_id, curie));
CREATE TABLE IF NOT EXISTS mentions (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, curie TEXT NOT NULL, text TEXT NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL, page INTEGER, section TEXT);
CREATE INDEX IF NOT EXISTS mentions_text ON mentions(text);
CREATE TABLE IF NOT EXISTS claims (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    subject TEXT NOT NULL, predicate TEXT NOT NULL, object TEXT NOT NULL, negated INTEGER NOT NULL,
    hedged INTEGER NOT NULL, confidence REAL NOT NULL, evidence TEXT NOT NULL, method TEXT NOT NULL,
    kgbuild_version TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS claims_triple ON claims(subject, predicate, object);
{decisions_table}
{decisions_indexes}
CREATE TABLE IF NOT EXISTS curation (
    claim_id TEXT PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected', 'edited')),
    decision_id INTEGER NOT NULL, extracted TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS curation_status ON curation(status);
CREATE TABLE IF NOT EXISTS curated_concepts (curie TEXT PRIMARY KEY);
""".format(decisions_table=_DECISIONS_TABLE.format(name="decisions"), decisions_indexes=_DECISIONS_INDEXES)
# Curation (kgbuild/curation.py): `decisions` is the append-only log; a claim with a decision
# has its current values (the latest decision's) in `claims` and a `curation` row with its status
# (accepted | rejected | edited; no row = extracted), the decision and its extracted values.
# A claim a curator added (action 'add', method CURATOR_METHOD) exists only through its decision:
# `reapply_decisions` creates it again whenever its document is added again.
# `curated_concepts` are concepts a curator grounded a claim to (kept when no document mentions them).
CLAIM_FIELDS = ("subject", "predicate", "object", "negated", "hedged")
_PRUNE_CONCEPTS = ("DELETE FROM concepts WHERE curie NOT IN (SELECT curie FROM entities) "
                   "AND curie NOT IN (SELECT curie FROM curated_concepts)")


class StoreError(Exception):
    """A store that cannot be opened or read (one-line message for the user)."""


def _allow_add_decisions(conn: sqlite3.Connection) -> None:
    """Stores made before curators could add claims only allow accept, reject and edit in the
    decisions log: rebuild the table with the same rows and ids, in one transaction (another
    process may be doing the same, hence the check inside it)."""
    def current() -> str:
        return conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'decisions'").fetchone()[0]

    if "'add'" in current():
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        if "'add'" not in current():
            conn.execute(_DECISIONS_TABLE.format(name="decisions_migrated"))
            conn.execute("INSERT INTO decisions_migrated SELECT * FROM decisions")
            conn.execute("DROP TABLE decisions")
            conn.execute("ALTER TABLE decisions_migrated RENAME TO decisions")
            for statement in _DECISIONS_INDEXES.split(";"):
                if statement.strip():
                    conn.execute(statement)
        conn.commit()
    except BaseException:
        conn.rollback()
        raise


class Store:
    def __init__(self, directory: str | Path = DEFAULT_STORE, create: bool = True):
        self.directory = Path(directory)
        path = self.directory / DB_NAME
        if not path.exists() and not create:
            raise StoreError(f"{self.directory}: no kgbuild store here (run `kgbuild build PATH --store {self.directory}` first)")
        if self.directory.exists() and not self.directory.is_dir():
            raise StoreError(f"{self.directory}: not a directory")
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(path)
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.executescript(SCHEMA)
            _allow_add_decisions(self.conn)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a kgbuild store ({exc})") from None
        self.path = path

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self):
        with self.conn:
            yield self.conn

    # -- writing --------------------------------------------------------------------------
    def has_document(self, doc_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None

    def add(self, extraction: Extraction, replaces: list[str] = ()) -> None:
        """Write one document's extraction atomically, replacing an earlier copy of it and the
        documents listed in `replaces` (older versions of the same file) in the same transaction."""
        d = extraction.document
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self.transaction() as c:
            for old in {d.id, *replaces}:
                c.execute("DELETE FROM documents WHERE id = ?", (old,))
            c.execute("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?)",
                      (d.id, d.source, d.title, d.pages, d.text,
                       json.dumps([s.to_json() for s in d.sections] + [{"page_starts": d.page_starts}]),
                       now, __version__, MODEL_NAME))
            for e in extraction.entities:
                c.execute("INSERT INTO concepts VALUES (?,?,?,?,?) ON CONFLICT(curie) DO UPDATE SET "
                          "label = excluded.label, xrefs = excluded.xrefs, synonyms = excluded.synonyms",
                          (e.id, e.label, "disease" if e.type == "adverse_event" else e.type,
                           json.dumps(e.xrefs), json.dumps(e.synonyms)))
                c.execute("INSERT INTO entities VALUES (?,?,?)", (d.id, e.id, e.type))
                c.executemany("INSERT INTO mentions VALUES (?,?,?,?,?,?,?)",
                              [(d.id, e.id, m.text, m.start, m.end, m.page, m.section) for m in e.mentions])
            for cl in extraction.claims:
                c.execute("INSERT OR REPLACE INTO claims (id, doc_id, subject, predicate, object, negated, hedged, "
                          "confidence, evidence, method, kgbuild_version) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                          (cl.id, d.id, cl.subject, cl.predicate, cl.object, int(cl.negated), int(cl.hedged),
                           cl.confidence, json.dumps([e.to_json() for e in cl.evidence]),
                           MODEL_NAME, __version__))
            reapply_decisions(c, d.id)
            c.execute(_PRUNE_CONCEPTS)

    def remove_document(self, doc_id: str) -> bool:
        with self.transaction() as c:
            cur = c.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
            c.execute(_PRUNE_CONCEPTS)
        return cur.rowcount > 0

    def documents_from(self, source: str) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM documents WHERE source = ?", (source,))]

    # -- reading --------------------------------------------------------------------------
    def documents(self) -> list[dict]:
        rows = self.conn.execute("SELECT id, source, title, pages, added_at, kgbuild_version FROM documents "
                                 "ORDER BY source")
        return [dict(zip(("id", "source", "title", "pages", "added_at", "kgbuild_version"), r)) for r in rows]

    def document(self, doc_id: str) -> Document | None:
        return read_document(self.conn, doc_id)

    def concepts(self) -> dict[str, dict]:
        out = {}
        for curie, label, typ, xrefs, syns in self.conn.execute("SELECT * FROM concepts"):
            out[curie] = {"id": curie, "label": label, "type": typ, "xrefs": json.loads(xrefs),
                          "synonyms": json.loads(syns)}
        return out

    def mention_names(self) -> Iterator[tuple[str, str, int]]:
        """(curie, mention text, how often) over all documents."""
        yield from self.conn.execute("SELECT curie, text, COUNT(*) FROM mentions GROUP BY curie, text")

    def claims(self, entity: str | None = None, include_rejected: bool = False,
               claim_id: str | None = None) -> list[dict]:
        """Claims in their current state (extracted values with the latest curation decision
        applied); rejected claims only with `include_rejected`. Each carries `status`,
        `curator`, `curated_at` and, when a decision changed it, the `extracted` values."""
        return list(self.iter_claims(entity, include_rejected, claim_id))

    def iter_claims(self, entity: str | None = None, include_rejected: bool = False,
                    claim_id: str | None = None) -> Iterator[dict]:
        """`claims()` one at a time, for exports of stores too big to hold as a list."""
        q = ("SELECT c.id, c.doc_id, c.subject, c.predicate, c.object, c.negated, c.hedged, c.confidence, "
             "c.evidence, c.method, c.kgbuild_version, d.source, d.title, COALESCE(u.status, 'extracted'), "
             "u.extracted, k.curator, k.time, k.action, k.reason, k.id FROM claims c "
             "JOIN documents d ON d.id = c.doc_id LEFT JOIN curation u ON u.claim_id = c.id "
             "LEFT JOIN decisions k ON k.id = u.decision_id")
        where, args = [], []
        if entity:
            where.append("(c.subject = ? OR c.object = ?)")
            args += [entity, entity]
        if claim_id:
            where.append("c.id = ?")
            args.append(claim_id)
        if not include_rejected:
            where.append("u.status IS NOT 'rejected'")
        if where:
            q += " WHERE " + " AND ".join(where)
        q += " ORDER BY d.source, c.id"
        for r in self.conn.execute(q, args):
            yield {"id": r[0], "document": r[1], "subject": r[2], "predicate": r[3], "object": r[4],
                   "negated": bool(r[5]), "hedged": bool(r[6]), "confidence": r[7],
                   "evidence": json.loads(r[8]), "method": r[9], "kgbuild_version": r[10],
                   "source": r[11], "title": r[12], "status": r[13],
                   "extracted": json.loads(r[14]) if r[14] else None, "curator": r[15],
                   "curated_at": r[16], "decision": r[19]}

    def stats(self) -> dict:
        one = lambda q: self.conn.execute(q).fetchone()[0]  # noqa: E731
        by_type = dict(self.conn.execute("SELECT type, COUNT(*) FROM concepts GROUP BY type"))
        by_pred = dict(self.conn.execute("SELECT predicate, COUNT(*) FROM claims GROUP BY predicate"))
        return {"documents": one("SELECT COUNT(*) FROM documents"), "concepts": one("SELECT COUNT(*) FROM concepts"),
                "mentions": one("SELECT COUNT(*) FROM mentions"), "claims": one("SELECT COUNT(*) FROM claims"),
                "negated_claims": one("SELECT COUNT(*) FROM claims WHERE negated = 1"),
                "hedged_claims": one("SELECT COUNT(*) FROM claims WHERE hedged = 1"),
                "concepts_by_type": by_type, "claims_by_predicate": by_pred,
                "claims_by_curation": dict(self.conn.execute("SELECT status, COUNT(*) FROM curation GROUP BY status")),
                "decisions": one("SELECT COUNT(*) FROM decisions")}


def claim_key(doc_id: str, evidence: list[dict], subject: str, obj: str) -> tuple:
    """What a decision is matched on across re-extractions: document content hash, evidence
    span and the extracted subject and object (not the predicate or polarity, which an edit may
    change and a new model may read differently)."""
    ev = evidence[0] if evidence else {}
    return (doc_id, ev.get("start"), ev.get("end"), subject, obj)


def original_values(row: dict) -> dict:
    """The extracted values of a claim row (dict with CLAIM_FIELDS and `extracted`)."""
    return row["extracted"] or {k: row[k] for k in CLAIM_FIELDS}


def _add_concepts(c: sqlite3.Connection, state: dict) -> None:
    """The concepts a decision grounds a claim to (they travel with it), kept as curated concepts."""
    for concept in (state.get("concepts") or {}).values():
        c.execute("INSERT INTO concepts VALUES (?,?,?,?,?) ON CONFLICT(curie) DO NOTHING",
                  (concept["id"], concept["label"], concept["type"], json.dumps(concept.get("xrefs", [])),
                   json.dumps(concept.get("synonyms", []))))
        c.execute("INSERT OR IGNORE INTO curated_concepts VALUES (?)", (concept["id"],))


def apply_decision(c: sqlite3.Connection, claim_id: str, decision_id: int, after: dict,
                   extracted: dict) -> None:
    """Set a claim's current values and status from a decision's `after` state (the claim's
    extracted values are kept in `extracted`); add any concept the decision grounds to."""
    _add_concepts(c, after)
    c.execute("UPDATE claims SET subject = ?, predicate = ?, object = ?, negated = ?, hedged = ? WHERE id = ?",
              (after["subject"], after["predicate"], after["object"], int(after["negated"]), int(after["hedged"]),
               claim_id))
    c.execute("INSERT OR REPLACE INTO curation VALUES (?,?,?,?)",
              (claim_id, after["status"], decision_id, json.dumps(extracted, sort_keys=True)))


def match_claim(c: sqlite3.Connection, doc_id: str, start, end, subject: str, obj: str,
                predicate: str | None = None, negated=None) -> str | None:
    """The id of the claim of document `doc_id` whose evidence span and extracted subject and
    object are these (ties broken by the extracted predicate and polarity)."""
    rows = c.execute("SELECT c.id, c.subject, c.predicate, c.object, c.negated, c.hedged, c.evidence, u.extracted "
                     "FROM claims c LEFT JOIN curation u ON u.claim_id = c.id WHERE c.doc_id = ?",
                     (doc_id,)).fetchall()
    hits = []
    for cid, s, p, o, neg, hedged, ev, extracted in rows:
        orig = json.loads(extracted) if extracted else {"subject": s, "predicate": p, "object": o,
                                                          "negated": bool(neg)}
        evs = json.loads(ev)
        if claim_key(doc_id, evs, orig["subject"], orig["object"]) == (doc_id, start, end, subject, obj):
            hits.append((orig["predicate"] != predicate, bool(orig["negated"]) != bool(negated), cid))
    return min(hits)[2] if hits else None


def read_document(c: sqlite3.Connection, doc_id: str) -> Document | None:
    r = c.execute("SELECT id, source, title, pages, text, sections FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if r is None:
        return None
    secs = json.loads(r[5])
    page_starts = secs.pop()["page_starts"] if secs and "page_starts" in secs[-1] else []
    return Document(id=r[0], source=r[1], title=r[2], pages=r[3], text=r[4],
                    sections=[Section(**s) for s in secs], page_starts=page_starts)


def curated_claim(doc: Document, start: int, end: int, state: dict) -> Claim:
    """The claim a curator read from `doc.text[start:end]` (`state`: an 'add' decision's after)."""
    loc = doc.locate(start)
    evidence = Evidence(doc.text[start:end], start, end, page=loc["page"], section=loc["section"],
                        rule=CURATOR_METHOD)
    return Claim(state["subject"], state["predicate"], state["object"], negated=bool(state["negated"]),
                 hedged=bool(state["hedged"]), confidence=state["confidence"], evidence=[evidence],
                 document_id=doc.id)


def insert_curated_claim(c: sqlite3.Connection, doc: Document, start: int, end: int, state: dict) -> str:
    """Write the claim of an 'add' decision (unless the document already has that very claim) and
    the concepts it is grounded to; returns its id."""
    _add_concepts(c, state)
    claim = curated_claim(doc, start, end, state)
    c.execute("INSERT OR IGNORE INTO claims (id, doc_id, subject, predicate, object, negated, hedged, confidence, "
              "evidence, method, kgbuild_version) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
              (claim.id, doc.id, claim.subject, claim.predicate, claim.object, int(claim.negated), int(claim.hedged),
               claim.confidence, json.dumps([e.to_json() for e in claim.evidence]), CURATOR_METHOD, __version__))
    return claim.id


def reapply_decisions(c: sqlite3.Connection, doc_id: str) -> int:
    """Create the claims curators added to document `doc_id` and apply the latest decision for
    each claim key to its (freshly extracted) claims; returns how many claims it changed."""
    added = c.execute("SELECT ev_start, ev_end, after FROM decisions WHERE doc_hash = ? AND action = 'add' "
                      "ORDER BY time, id", (doc_id,)).fetchall()
    doc = read_document(c, doc_id) if added else None
    for start, end, after in added if doc else ():
        insert_curated_claim(c, doc, start, end, json.loads(after))
    latest: dict[tuple, tuple] = {}
    for row in c.execute("SELECT id, ev_start, ev_end, orig_subject, orig_object, orig_predicate, orig_negated, "
                         "after FROM decisions WHERE doc_hash = ? ORDER BY time, id", (doc_id,)):
        latest[row[1:5]] = row
    n = 0
    for (start, end, subj, obj), (did, _, _, _, _, pred, neg, after) in latest.items():
        cid = match_claim(c, doc_id, start, end, subj, obj, pred, neg)
        if cid is None:
            continue
        r = c.execute("SELECT c.subject, c.predicate, c.object, c.negated, c.hedged, u.extracted FROM claims c "
                      "LEFT JOIN curation u ON u.claim_id = c.id WHERE c.id = ?", (cid,)).fetchone()
        extracted = json.loads(r[5]) if r[5] else {"subject": r[0], "predicate": r[1], "object": r[2],
                                                   "negated": bool(r[3]), "hedged": bool(r[4])}
        apply_decision(c, cid, did, json.loads(after), extracted)
        n += 1
    return n


__all__ = ["Store", "StoreError", "DEFAULT_STORE"]
