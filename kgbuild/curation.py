"""Curation: curators accept, reject or correct claims, and their decisions drive the graph.

Every decision is appended to the store's `decisions` table (an audit log: nothing in it is ever
changed or deleted) with the claim's state before and after it. The current state of a claim is
its extracted values with the latest decision applied; the store keeps that state in the claims
table (the extracted values stay beside it), so every reader (paths, neighbours, explain, the
exports) sees it at once, and the `EdgeIndex` cache, whose fingerprint includes the decisions
log, is rebuilt.

- reject: the claim leaves paths, beliefs and exports (it stays listed by `kgbuild claims`).
- accept: the claim counts as curated evidence (confidence at least
  `graph.BELIEF["curated_confidence"]`).
- edit: change the predicate, swap subject and object, set negated / hedged, or ground the
  subject or object to another CURIE (one of the vocabulary's or the store's concepts). An
  edited claim counts as curated evidence too.
- add: a claim the extraction missed, read by a curator from a span of a document's text
  (method "curator", status accepted: curated evidence). It exists through its decision, so
  it is created again whenever its document is added again, and moves with the log.

Decisions survive re-extraction: they are keyed on the document's content hash, the evidence
span and the claim's extracted subject and object (claim ids include the predicate and polarity,
which an edit changes and a new model may read differently), and `Store.add` re-applies the
latest one for each key whenever a document is added again. `export_decisions` /
`import_decisions` move decisions between stores (JSON Lines; importing is idempotent).
"""
from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone

from .model import PREDICATES
from .store import (Store, apply_decision, curated_claim, insert_curated_claim, match_claim, original_values,
                    reapply_decisions)

ACTIONS = ("accept", "reject", "edit", "add")
STATUS_OF = {"accept": "accepted", "reject": "rejected"}
DECISION_FIELDS = ("claim_id", "document", "evidence_start", "evidence_end", "original_subject",
                   "original_object", "original_predicate", "original_negated", "action", "curator", "time",
                   "reason", "before", "after")


class CurationError(ValueError):
    """A decision that cannot be made (unknown claim, bad CURIE or predicate): one line."""


def default_curator() -> str:
    name = os.environ.get("KGBUILD_CURATOR")
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers)
        return "unknown"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _state(row: dict) -> dict:
    return {"status": row["status"], "subject": row["subject"], "predicate": row["predicate"],
            "object": row["object"], "negated": bool(row["negated"]), "hedged": bool(row["hedged"])}


def get_claim(store: Store, claim_id: str) -> dict:
    """A claim in its current state (rejected ones included)."""
    rows = store.claims(include_rejected=True, claim_id=claim_id)
    if not rows:
        raise CurationError(f"no claim '{claim_id}' in {store.directory}")
    return rows[0]


def _concept(store: Store, curie: str) -> dict:
    """The concept record for `curie`: the store's, else the vocabulary's; CurationError if neither."""
    known = store.conn.execute("SELECT curie, label, type, xrefs, synonyms FROM concepts WHERE curie = ?",
                               (curie,)).fetchone()
    if known:
        return {"id": known[0], "label": known[1], "type": known[2], "xrefs": json.loads(known[3]),
                "synonyms": json.loads(known[4]), "new": False}
    from .vocabulary import Vocabulary

    c = Vocabulary.load().get(curie)
    if c is None:
        raise CurationError(f"unknown CURIE '{curie}' (not in the vocabulary or the store's concepts)")
    return {"id": c.curie, "label": c.label, "type": "disease" if c.type == "adverse_event" else c.type,
            "xrefs": list(c.xrefs), "synonyms": list(c.synonyms), "new": True}


def _record(store: Store, claim: dict, action: str, after: dict, curator: str | None, reason: str | None,
            time: str | None = None) -> dict:
    """Append a decision about `claim` and apply it; returns the decision."""
    orig = original_values(claim)
    ev = claim["evidence"][0] if claim["evidence"] else {}
    dec = {"claim_id": claim["id"], "document": claim["document"], "evidence_start": ev.get("start"),
           "evidence_end": ev.get("end"), "original_subject": orig["subject"], "original_object": orig["object"],
           "original_predicate": orig["predicate"], "original_negated": bool(orig["negated"]), "action": action,
           "curator": curator or default_curator(), "time": time or _now(), "reason": reason,
           "before": _state(claim), "after": after}
    with store.transaction() as c:
        did = _insert(c, dec)
        extracted = {k: orig[k] for k in ("subject", "predicate", "object", "negated", "hedged")}
        apply_decision(c, claim["id"], did, after, extracted)
    return {"id": did, **dec}


def _uid(dec: dict) -> str:
    key = json.dumps([dec[k] for k in DECISION_FIELDS], sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(key.encode()).hexdigest()


def _insert(c, dec: dict) -> int | None:
    """Append `dec` to the log; None if the very same decision is already there."""
    cur = c.execute(
        "INSERT OR IGNORE INTO decisions (uid, claim_id, doc_hash, ev_start, ev_end, orig_subject, orig_object, "
        "orig_predicate, orig_negated, action, curator, time, reason, before, after) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (_uid(dec), dec["claim_id"], dec["document"], dec["evidence_start"], dec["evidence_end"],
         dec["original_subject"], dec["original_object"], dec["original_predicate"],
         None if dec["original_negated"] is None else int(dec["original_negated"]), dec["action"], dec["curator"],
         dec["time"], dec["reason"], json.dumps(dec["before"], sort_keys=True),
         json.dumps(dec["after"], sort_keys=True)))
    return cur.lastrowid if cur.rowcount else None


# -- the three actions ------------------------------------------------------------------------
def accept(store: Store, claim_id: str, curator: str | None = None, reason: str | None = None) -> dict:
    """Mark a claim correct as it stands: it counts as curated evidence."""
    claim = get_claim(store, claim_id)
    return _record(store, claim, "accept", {**_state(claim), "status": "accepted"}, curator, reason)


def reject(store: Store, claim_id: str, reason: str, curator: str | None = None) -> dict:
    """Mark a claim wrong: it leaves paths, beliefs and exports."""
    if not reason or not reason.strip():
        raise CurationError("a rejection needs a reason")
    claim = get_claim(store, claim_id)
    return _record(store, claim, "reject", {**_state(claim), "status": "rejected"}, curator, reason)


def edit(store: Store, claim_id: str, predicate: str | None = None, swap: bool = False,
         negated: bool | None = None, hedged: bool | None = None, subject: str | None = None,
         object: str | None = None, curator: str | None = None, reason: str | None = None) -> dict:
    """Correct a claim: predicate, direction (`swap`), polarity, hedging, or the concept its
    subject or object is grounded to (`subject` / `object`: CURIEs, applied after `swap`)."""
    if predicate is None and not swap and negated is None and hedged is None and subject is None and object is None:
        raise CurationError("nothing to edit (give --predicate, --swap, --negated, --hedged, --subject or --object)")
    claim = get_claim(store, claim_id)
    after = {**_state(claim), "status": "edited"}
    if predicate is not None:
        if predicate not in PREDICATES:
            raise CurationError(f"unknown predicate '{predicate}' (one of {', '.join(PREDICATES)})")
        after["predicate"] = predicate
    if swap:
        after["subject"], after["object"] = after["object"], after["subject"]
    if negated is not None:
        after["negated"] = bool(negated)
    if hedged is not None:
        after["hedged"] = bool(hedged)
    concepts = {}
    for role, curie in (("subject", subject), ("object", object)):
        if curie is not None:
            concept = _concept(store, curie.strip())
            concept.pop("new")
            after[role] = concept["id"]
            concepts[concept["id"]] = concept     # travels with the decision (to other stores)
    if concepts:
        after["concepts"] = concepts
    if after["subject"] == after["object"]:
        raise CurationError("a claim cannot relate a concept to itself")
    return _record(store, claim, "edit", after, curator, reason)


def add_claim(store: Store, doc_id: str, start: int, end: int, subject: str, predicate: str, object: str,
              negated: bool = False, hedged: bool = False, curator: str | None = None,
              reason: str | None = None) -> dict:
    """Add a claim the extraction missed: `subject` `predicate` `object` (CURIEs of the vocabulary
    or the store), as the text `start`..`end` of document `doc_id` says (the span is the
    evidence; surrounding whitespace is trimmed). Returns the decision (its `claim_id` is the
    new claim's)."""
    from .graph import BELIEF

    doc = store.document(doc_id)
    if doc is None:
        raise CurationError(f"no document '{doc_id}' in {store.directory}")
    if not (0 <= start < end <= len(doc.text)):
        raise CurationError(f"span {start}..{end} is not inside the document's text (0..{len(doc.text)})")
    span = doc.text[start:end]
    if not span.strip():
        raise CurationError("the evidence span is blank: select the words that state the claim")
    start += len(span) - len(span.lstrip())
    end -= len(span) - len(span.rstrip())
    if predicate not in PREDICATES:
        raise CurationError(f"unknown predicate '{predicate}' (one of {', '.join(PREDICATES)})")
    concepts, ids = {}, []
    for curie in (subject, object):
        concept = _concept(store, curie.strip())
        concept.pop("new")
        concepts[concept["id"]] = concept     # travels with the decision (to other stores)
        ids.append(concept["id"])
    s, o = ids
    if s == o:
        raise CurationError("a claim cannot relate a concept to itself")
    existing = match_claim(store.conn, doc.id, start, end, s, o)
    if existing:
        raise CurationError(f"the document already has this claim ({existing}): accept or edit it")
    after = {"status": "accepted", "subject": s, "predicate": predicate, "object": o, "negated": bool(negated),
             "hedged": bool(hedged), "confidence": BELIEF["curated_confidence"], "concepts": concepts}
    claim_id = curated_claim(doc, start, end, after).id
    dec = {"claim_id": claim_id, "document": doc.id, "evidence_start": start, "evidence_end": end,
           "original_subject": s, "original_object": o, "original_predicate": predicate,
           "original_negated": bool(negated), "action": "add", "curator": curator or default_curator(),
           "time": _now(), "reason": reason, "before": None, "after": after}
    with store.transaction() as c:
        did = _insert(c, dec)
        insert_curated_claim(c, doc, start, end, after)
        apply_decision(c, claim_id, did, after, {k: after[k] for k in ("subject", "predicate", "object", "negated",
                                                                        "hedged")})
    return {"id": did, **dec}


# -- reading the log ----------------------------------------------------------------------------
def _decision_row(r) -> dict:
    return {"id": r[0], "claim_id": r[1], "document": r[2], "evidence_start": r[3], "evidence_end": r[4],
            "original_subject": r[5], "original_object": r[6], "original_predicate": r[7],
            "original_negated": None if r[8] is None else bool(r[8]), "action": r[9], "curator": r[10],
            "time": r[11], "reason": r[12], "before": json.loads(r[13]), "after": json.loads(r[14])}


_SELECT = ("SELECT id, claim_id, doc_hash, ev_start, ev_end, orig_subject, orig_object, orig_predicate, "
           "orig_negated, action, curator, time, reason, before, after FROM decisions")


def history(store: Store, claim_id: str) -> list[dict]:
    """Every decision about this claim (also those recorded under an earlier id of it), oldest first."""
    claim = get_claim(store, claim_id)
    orig = original_values(claim)
    ev = claim["evidence"][0] if claim["evidence"] else {}
    rows = store.conn.execute(
        _SELECT + " WHERE claim_id = ? OR (doc_hash = ? AND ev_start IS ? AND ev_end IS ? AND orig_subject = ? "
        "AND orig_object = ?) ORDER BY time, id",
        (claim["id"], claim["document"], ev.get("start"), ev.get("end"), orig["subject"], orig["object"]))
    return [_decision_row(r) for r in rows]


def decisions(store: Store) -> Iterator[dict]:
    for r in store.conn.execute(_SELECT + " ORDER BY time, id"):
        yield _decision_row(r)


def export_decisions(store: Store) -> Iterator[str]:
    """The decisions log as JSON Lines (without the local row ids)."""
    for d in decisions(store):
        d.pop("id")
        yield json.dumps(d, ensure_ascii=False, sort_keys=True)


def import_decisions(store: Store, lines: Iterable[str]) -> dict:
    """Add decisions exported from another store (JSON Lines) and apply them; a decision already
    in the log is skipped, so importing twice changes nothing. Returns counts: `read`,
    `imported` (new to this log), `matched` (decisions that found their claim here)."""
    read = imported = matched = 0
    read_decisions = []
    with store.transaction() as c:
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                dec = {k: d.get(k) for k in DECISION_FIELDS}
                if dec["action"] not in ACTIONS or not dec["document"] or not isinstance(dec["after"], dict):
                    raise ValueError("not a decision")
            except (ValueError, AttributeError) as exc:
                raise CurationError(f"line {n}: not a kgbuild decision ({exc})") from None
            read += 1
            if _insert(c, dec) is not None:
                imported += 1
            read_decisions.append(dec)
        for doc in {dec["document"] for dec in read_decisions}:
            reapply_decisions(c, doc)      # creates the claims curators added, too
        for dec in read_decisions:
            if match_claim(c, dec["document"], dec["evidence_start"], dec["evidence_end"], dec["original_subject"],
                           dec["original_object"], dec["original_predicate"], dec["original_negated"]):
                matched += 1
    return {"read": read, "imported": imported, "matched": matched}


__all__ = ["CurationError", "accept", "reject", "edit", "add_claim", "history", "decisions", "export_decisions",
           "import_decisions", "get_claim", "default_curator"]
