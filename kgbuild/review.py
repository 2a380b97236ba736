"""`kgbuild review`: curators review claims in the browser.

A small FastAPI app over one store, rendered on the server with Jinja2 templates
(`kgbuild/templates`, autoescaping on: every text from a report, the vocabulary or a curator is
escaped) plus one hand-written stylesheet and script (`kgbuild/static`; no build step, nothing
fetched from elsewhere). Pages:

- `/` the queue: claims filtered and sorted by GET parameters (so a URL can be shared),
  contradicted and low-confidence claims first, paginated;
- `/claims/{id}` one claim: its evidence sentence inside its paragraph with the subject and
  object mentions highlighted, where it comes from, its concepts, status and audit history,
  and forms to accept, reject or edit it, or to add a claim from a selected span of the text;
- `/api/concepts?q=` concept search (the store's concepts, then the vocabulary's), JSON.

Every decision goes through `kgbuild.curation` under the server's curator name. Forms follow
POST/redirect/GET, and the redirect goes to the next claim of the queue the curator is working
through (with its filters).

Security: the server binds to loopback unless told otherwise and answers only requests naming
an expected Host (no DNS rebinding). Every POST needs the CSRF token that belongs to the
browser's session cookie (an HMAC with a per-server secret: double submit, the cookie HttpOnly
and SameSite=Strict) and, when the browser says where the form came from (Origin or Referer),
this server. The Content-Security-Policy admits only our own script and stylesheet (no inline
code at all) and no framing.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import math
import secrets
import socket
import sys
import threading
from dataclasses import dataclass, fields, replace
from pathlib import Path, PurePath
from typing import Annotated
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.exceptions import HTTPException

from . import curation
from .graph import edge_index, store_fingerprint
from .html import PREDICATE_WORDS
from .model import PREDICATES
from .query import QueryError, resolve
from .store import CURATOR_METHOD, DEFAULT_STORE, Store
from .vocabulary import Vocabulary, normalize_term

DEFAULT_PORT = 8000
PAGE_SIZE = 50
CONTEXT_CHARS = 1500          # at most this much paragraph is shown on either side of the evidence
SEARCH_LIMIT = 12
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
STATUSES = {"pending": "extracted", "accepted": "accepted", "edited": "edited", "rejected": "rejected", "all": None}
SORTS = {"priority": "contradicted, then lowest confidence", "confidence": "confidence, lowest first",
         "-confidence": "confidence, highest first", "document": "document and position",
         "subject": "subject", "object": "object", "predicate": "predicate", "status": "status"}
NOTICES = {"accept": "Accepted", "reject": "Rejected", "edit": "Edited", "add": "Added"}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SESSION_MAX_AGE = 12 * 3600


# -- the queue -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows: the GET parameters of `/` (and carried along on claim pages)."""
    doc: str = ""
    entity: str = ""
    predicate: str = ""
    min_conf: float | None = None
    max_conf: float | None = None
    negated: str = ""              # "" any, "yes", "no"
    hedged: str = ""
    status: str = "pending"
    sort: str = "priority"
    page: int = 1

    @classmethod
    def parse(cls, params) -> tuple["QueueFilter", list[str]]:
        """The filter from query parameters; values that make no sense are dropped and reported."""
        problems, values = [], {}
        for name in ("doc", "entity"):
            values[name] = (params.get(name) or "").strip()
        for name, allowed in (("predicate", PREDICATES), ("negated", ("yes", "no")), ("hedged", ("yes", "no")),
                              ("status", tuple(STATUSES)), ("sort", tuple(SORTS))):
            value = (params.get(name) or "").strip()
            if value and value not in allowed:
                problems.append(f"ignored {name} '{value}' (one of {', '.join(allowed)})")
            elif value:
                values[name] = value
        for name in ("min_conf", "max_conf"):
            value = (params.get(name) or "").strip()
            if value:
                try:
                    number = float(value)
                    if not math.isfinite(number):
                        raise ValueError
                    values[name] = number
                except ValueError:
                    problems.append(f"ignored {name.replace('_', ' ')} '{value}' (a number from 0 to 1)")
        page = (params.get("page") or "1").strip()
        values["page"] = int(page) if page.isdigit() and int(page) >= 1 else 1
        return cls(**values), problems

    def query(self, **changes) -> str:
        """The filter as a query string (defaults left out), with `changes` applied."""
        f = replace(self, **changes)
        pairs = []
        for field in fields(self):
            value = getattr(f, field.name)
            if value != field.default:
                pairs.append((field.name, f"{value:g}" if isinstance(value, float) else value))
        return urlencode(pairs)

    def keeps(self, claim: dict, entity_id: str | None) -> bool:
        wanted = STATUSES[self.status]
        return ((not self.doc or claim["document"] == self.doc)
                and (not self.entity or entity_id in (claim["subject"], claim["object"]))
                and (not self.predicate or claim["predicate"] == self.predicate)
                and (self.min_conf is None or claim["confidence"] >= self.min_conf)
                and (self.max_conf is None or claim["confidence"] <= self.max_conf)
                and (not self.negated or claim["negated"] == (self.negated == "yes"))
                and (not self.hedged or claim["hedged"] == (self.hedged == "yes"))
                and (wanted is None or claim["status"] == wanted))

    def sort_key(self):
        def position(c):
            ev = c["evidence"][0] if c["evidence"] else {}
            return (c["source"], ev.get("start") or 0, c["id"])

        keys = {"priority": lambda c: (not c["contradicted"], c["confidence"], *position(c)),
                "confidence": lambda c: (c["confidence"], *position(c)),
                "-confidence": lambda c: (-c["confidence"], *position(c)),
                "document": position,
                "subject": lambda c: (c["subject_label"].lower(), *position(c)),
                "object": lambda c: (c["object_label"].lower(), *position(c)),
                "predicate": lambda c: (c["predicate"], *position(c)),
                "status": lambda c: (c["status"], *position(c))}
        return keys[self.sort]


_CONTRADICTED: dict[str, tuple[str, frozenset]] = {}
_CONTRADICTED_LOCK = threading.Lock()


def contradicted_triples(store: Store) -> frozenset:
    """(subject, predicate, object) of the edges the graph flags as contradicted (asserted in one
    claim, negated in another; `graph.EdgeIndex`), computed once per store state."""
    fingerprint = store_fingerprint(store)
    with _CONTRADICTED_LOCK:
        cached = _CONTRADICTED.get(str(store.directory))
        if cached and cached[0] == fingerprint:
            return cached[1]
    idx = edge_index(store)
    triples = frozenset((idx.nodes[idx.e_s[e]], idx.predicates[idx.e_p[e]], idx.nodes[idx.e_o[e]])
                        for e in idx.contradicted.nonzero()[0])
    with _CONTRADICTED_LOCK:
        _CONTRADICTED[str(store.directory)] = (fingerprint, triples)
    return triples


def _label(concepts: dict, curie: str) -> str:
    return concepts.get(curie, {}).get("label", curie)


def queue(store: Store, f: QueueFilter, concepts: dict) -> tuple[list[dict], list[str]]:
    """The claims `f` selects, in its order, each with `contradicted`, `subject_label` and
    `object_label`; and the problems met (an entity that names no concept)."""
    entity_id, problems = None, []
    if f.entity:
        entity_id = next((c for c in concepts if c.lower() == f.entity.lower()), None)
        if entity_id is None:
            try:
                entity_id = resolve(store, f.entity)
            except QueryError as exc:
                return [], [str(exc)]
    contradicted = contradicted_triples(store)
    rows = []
    for c in store.claims(include_rejected=True):
        if f.keeps(c, entity_id):
            rows.append({**c, "contradicted": (c["subject"], c["predicate"], c["object"]) in contradicted,
                         "subject_label": _label(concepts, c["subject"]), "object_label": _label(concepts, c["object"])})
    rows.sort(key=f.sort_key())
    return rows, problems


def notice_of(store: Store, done: str, claim_id: str, concepts: dict) -> str | None:
    """What the last action did, for the page it redirected to ("Rejected: A increases B")."""
    decided = store.claims(include_rejected=True, claim_id=claim_id) if done in NOTICES and claim_id else []
    if not decided:
        return None
    c = decided[0]
    return (f"{NOTICES[done]}: {_label(concepts, c['subject'])} {'NOT ' if c['negated'] else ''}"
            f"{PREDICATE_WORDS.get(c['predicate'], c['predicate'])} {_label(concepts, c['object'])}")


def neighbours(ids: list[str], claim_id: str) -> tuple[str | None, str | None]:
    """The claims before and after `claim_id` in a queue (a claim outside it: the queue's first next)."""
    if claim_id not in ids:
        return None, (ids[0] if ids else None)
    i = ids.index(claim_id)
    return (ids[i - 1] if i else None), (ids[i + 1] if i + 1 < len(ids) else None)


# -- the claim page --------------------------------------------------------------------------------
@dataclass
class Segment:
    """A run of paragraph text with one set of marks; `start` is its offset in the document."""
    start: int
    text: str
    classes: str
    title: str
    curie: str


def paragraph_bounds(doc, start: int, end: int) -> tuple[int, int]:
    """The paragraph around text[start:end]: out to blank lines, inside its section, at most
    CONTEXT_CHARS beyond the evidence on either side."""
    text = doc.text
    lo = text.rfind("\n\n", 0, start)
    lo = 0 if lo < 0 else lo + 2
    hi = text.find("\n\n", end)
    hi = len(text) if hi < 0 else hi
    section = doc.section_at(start)
    if section:
        lo, hi = max(lo, section.start), min(hi, section.end)
    lo, hi = min(max(lo, start - CONTEXT_CHARS), start), max(min(hi, end + CONTEXT_CHARS), end)
    while lo < start and text[lo].isspace():
        lo += 1
    while hi > end and text[hi - 1].isspace():
        hi -= 1
    return lo, hi


def paragraph_segments(text: str, lo: int, hi: int, ev_start: int, ev_end: int, mentions: list[tuple],
                       roles: dict[str, str], concepts: dict) -> list[Segment]:
    """text[lo:hi] cut wherever the evidence or a mention starts or ends. Classes: `ev` inside the
    evidence span, `subj` / `obj` for the claim's subject / object mentioned there (`roles`:
    CURIE → subj|obj), `ment` for any other mention (its concept in `title`)."""
    cuts = {lo, hi}
    for a in (ev_start, ev_end, *(m[2] for m in mentions), *(m[3] for m in mentions)):
        if lo < a < hi:
            cuts.add(a)
    bounds = sorted(cuts)
    out = []
    for a, b in zip(bounds, bounds[1:]):
        covering = [m for m in mentions if m[2] <= a and b <= m[3]]
        in_evidence = ev_start <= a and b <= ev_end
        classes = ["ev"] if in_evidence else []
        role = next((roles[m[0]] for m in covering if in_evidence and m[0] in roles), None)
        if role:
            classes.append(role)
        elif covering:
            classes.append("ment")
        title = "; ".join(f"{_label(concepts, m[0])} ({m[0]})" for m in covering)
        out.append(Segment(a, text[a:b], " ".join(classes), title, covering[0][0] if covering else ""))
    return out


def _roles(claim: dict, mentioned: set[str]) -> dict[str, str]:
    """Which mentioned concepts stand for the subject and the object: the claim's own, else (after
    a curator grounded it to a concept the sentence does not name) the extracted one."""
    roles = {claim["subject"]: "subj", claim["object"]: "obj"}
    extracted = claim["extracted"] or {}
    for role, name in (("subject", "subj"), ("object", "obj")):
        if claim[role] not in mentioned and extracted.get(role):
            roles.setdefault(extracted[role], name)
    return roles


def _shown(key: str, value, concepts: dict) -> str:
    if key in ("subject", "object"):
        return f"{_label(concepts, value)} ({value})"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def history_rows(decisions: list[dict], concepts: dict) -> list[dict]:
    """The audit log of a claim for people: per decision, what changed (before → after)."""
    rows = []
    for d in decisions:
        before, after = d["before"] or {}, d["after"]
        changes = []
        for key in ("status", "subject", "predicate", "object", "negated", "hedged"):
            old, new = before.get(key), after.get(key)
            if old != new:
                changes.append((key, "" if old is None else _shown(key, old, concepts), _shown(key, new, concepts)))
        rows.append({**d, "changes": changes})
    return rows


# -- CSRF and headers -------------------------------------------------------------------------------
class Csrf:
    """Double-submit tokens: the session cookie holds a random value, forms carry its HMAC under
    a secret made when the server starts (a restarted server asks for a reload)."""

    def __init__(self):
        self.secret = secrets.token_bytes(32)
        # one cookie name per server: two review servers on one host do not overwrite each other's
        self.cookie = "kgbuild_review_" + self._mac("cookie")[:10]

    def _mac(self, value: str) -> str:
        return hmac.new(self.secret, value.encode(), hashlib.sha256).hexdigest()

    def session(self, request: Request) -> tuple[str, bool]:
        """The browser's session value and whether it is new (then it must be set as a cookie)."""
        value = request.cookies.get(self.cookie, "")
        if len(value) == 43 and value.replace("-", "").replace("_", "").isalnum():
            return value, False
        return secrets.token_urlsafe(32), True

    def token(self, session: str) -> str:
        return self._mac("form:" + session)

    def valid(self, request: Request, token: str) -> bool:
        session = request.cookies.get(self.cookie, "")
        return bool(session and token) and hmac.compare_digest(self.token(session), token) and _same_origin(request)


def _same_origin(request: Request) -> bool:
    """False when the browser says the request comes from another site (Origin, else Referer)."""
    host = request.headers.get("host", "")
    origin = request.headers.get("origin")
    if origin is not None:
        return origin != "null" and urlsplit(origin).netloc == host
    referer = request.headers.get("referer")
    return not referer or urlsplit(referer).netloc == host


def safe_json(value) -> str:
    """JSON without a literal <, >, & or line separator (escaped as \\uXXXX): inert even where a
    browser or a proxy takes it for HTML, and safe to embed in a page."""
    text = json.dumps(value, ensure_ascii=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


# -- the app ------------------------------------------------------------------------------------------
def create_app(store_dir: str | Path = DEFAULT_STORE, curator: str | None = None,
               allowed_hosts: tuple[str, ...] | None = LOOPBACK_NAMES) -> FastAPI:
    """The review app for the store in `store_dir` (StoreError if there is none); decisions are
    made as `curator` (default `curation.default_curator()`). Requests must name one of
    `allowed_hosts` (None: any) in their Host header."""
    store_dir = Path(store_dir)
    Store(store_dir, create=False).close()          # fail now, with the CLI's one-line message
    curator = curator or curation.default_curator()
    csrf = Csrf()
    templates = Environment(loader=PackageLoader("kgbuild", "templates"), autoescape=True,
                            undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    templates.filters["words"] = lambda p: PREDICATE_WORDS.get(p, p)
    templates.filters["name"] = lambda path: PurePath(path).name
    hosts = None if allowed_hosts is None else {h.lower().strip("[]") for h in allowed_hosts}

    app = FastAPI(title="kgbuild review", docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    @app.middleware("http")
    async def guard(request: Request, call_next):
        hostname = urlsplit("//" + request.headers.get("host", "")).hostname or ""
        if hosts is not None and hostname not in hosts:
            response = Response("unexpected Host header\n", status_code=400, media_type="text/plain")
        else:
            response = await call_next(request)
        response.headers.update({"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                                 "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
                                 "Cross-Origin-Opener-Policy": "same-origin"})
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
        session, new = csrf.session(request)
        context.setdefault("f", QueueFilter())
        context.setdefault("problems", [])
        context.setdefault("notice", None)
        page = templates.get_template(template).render(
            csrf_token=csrf.token(session), curator=curator, store_name=str(store_dir), predicates=PREDICATES,
            statuses=STATUSES, sorts=SORTS, **context)
        response = HTMLResponse(page, status_code=status_code)
        if new:
            response.set_cookie(csrf.cookie, session, max_age=SESSION_MAX_AGE, httponly=True, samesite="strict",
                                path="/")
        return response

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        return render(request, "error.html", status_code=exc.status_code, message=exc.detail)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        where = ", ".join(str(e["loc"][-1]) for e in exc.errors())
        return render(request, "error.html", status_code=400, message=f"Bad request ({where}).")

    async def require_csrf(request: Request) -> None:
        form = await request.form()
        token = form.get("csrf_token")
        if not isinstance(token, str) or not csrf.valid(request, token):
            raise HTTPException(403, "This form's security token is missing, stale or from another site. "
                                     "Reload the page and try again.")

    def opened() -> Store:
        return Store(store_dir, create=False)

    # -- pages
    @app.get("/", response_class=HTMLResponse)
    def queue_page(request: Request, done: str = "", of: str = ""):
        f, problems = QueueFilter.parse(request.query_params)
        with opened() as store:
            concepts = store.concepts()
            notice = notice_of(store, done, of, concepts)
            if notice:
                notice += ". That was the last claim of this queue."
            rows, more = queue(store, f, concepts)
            documents = store.documents()
            counts = dict(store.conn.execute("SELECT COALESCE(u.status, 'extracted'), COUNT(*) FROM claims c "
                                             "LEFT JOIN curation u ON u.claim_id = c.id GROUP BY 1"))
        pages = max(1, math.ceil(len(rows) / PAGE_SIZE))
        f = replace(f, page=min(f.page, pages))
        shown = rows[(f.page - 1) * PAGE_SIZE: f.page * PAGE_SIZE]
        return render(request, "queue.html", f=f, notice=notice, rows=shown, total=len(rows), pages=pages,
                      first=(f.page - 1) * PAGE_SIZE, problems=problems + more, documents=documents, counts=counts)

    @app.get("/claims/{claim_id}", response_class=HTMLResponse)
    def claim_page(request: Request, claim_id: str, done: str = "", of: str = ""):
        f, problems = QueueFilter.parse(request.query_params)
        with opened() as store:
            context = claim_context(store, claim_id, f)
            notice = notice_of(store, done, of, context["concepts"])
        return render(request, "claim.html", problems=problems, notice=notice, error=None, **context)

    def claim_context(store: Store, claim_id: str, f: QueueFilter) -> dict:
        try:
            claim = curation.get_claim(store, claim_id)
        except curation.CurationError:
            raise HTTPException(404, f"No claim '{claim_id}' in this store.") from None
        concepts = store.concepts()
        doc = store.document(claim["document"])
        ev = claim["evidence"][0]
        lo, hi = paragraph_bounds(doc, ev["start"], ev["end"])
        mentions = store.conn.execute("SELECT curie, text, start, end FROM mentions WHERE doc_id = ? AND end > ? "
                                      "AND start < ? ORDER BY start, end DESC", (doc.id, lo, hi)).fetchall()
        in_evidence = {m[0] for m in mentions if ev["start"] <= m[2] and m[3] <= ev["end"]}
        segments = paragraph_segments(doc.text, lo, hi, ev["start"], ev["end"], mentions,
                                      _roles(claim, in_evidence), concepts)
        ids = [c["id"] for c in queue(store, f, concepts)[0]]
        prev_id, next_id = neighbours(ids, claim_id)
        roles = [("Subject", claim["subject"]), ("Object", claim["object"])]
        contradicted = (claim["subject"], claim["predicate"], claim["object"]) in contradicted_triples(store)
        mentioned = sorted({m[0] for m in mentions}, key=lambda c: _label(concepts, c).lower())
        return {"f": f, "claim": claim, "ev": ev, "doc": doc, "segments": segments, "para": (lo, hi),
                "concepts": concepts, "concept": lambda curie: concepts.get(curie) or {"id": curie, "label": curie,
                                                                                      "type": "unknown"},
                "roles": roles, "contradicted": contradicted,
                "history": history_rows(curation.history(store, claim_id), concepts),
                "position": ids.index(claim_id) + 1 if claim_id in ids else None, "queue_size": len(ids),
                "prev_id": prev_id, "next_id": next_id, "mentioned": mentioned,
                "added": claim["method"] == CURATOR_METHOD}

    # -- concept search
    @app.get("/api/concepts")
    def search_concepts(q: Annotated[str, Query(max_length=200)] = "",
                        limit: Annotated[int, Query(ge=1, le=50)] = SEARCH_LIMIT):
        with opened() as store:
            hits = search(store, q, limit)
        return Response(safe_json({"query": q, "concepts": hits}), media_type="application/json")

    # -- actions (every POST route is on this router: all need the CSRF token)
    actions = APIRouter(dependencies=[Depends(require_csrf)])

    def decide(request: Request, claim_id: str, back: str, done: str, act) -> Response:
        """Make a decision (`act(store)`), then redirect (303) to the claim after `claim_id` in
        the queue `back` (its query string, read before the decision), or to the queue when none
        is left; an added claim is shown itself. Errors: the claim page again, with the message."""
        f = QueueFilter.parse(dict(parse_qsl(back.lstrip("?"))))[0]
        with opened() as store:
            ids = [c["id"] for c in queue(store, f, store.concepts())[0]]
            try:
                decision = act(store)
            except curation.CurationError as exc:
                return render(request, "claim.html", status_code=400, problems=[], notice=None, error=str(exc),
                              **claim_context(store, claim_id, f))
        target = decision["claim_id"] if done == "add" else neighbours(ids, claim_id)[1]
        query = "&".join(q for q in (f.query(page=1), urlencode({"done": done, "of": decision["claim_id"]})) if q)
        return RedirectResponse(f"/claims/{target}?{query}" if target else f"/?{query}", status_code=303)

    @actions.post("/claims/{claim_id}/accept")
    def accept(request: Request, claim_id: str, back: Annotated[str, Form()] = "",
               reason: Annotated[str, Form()] = ""):
        return decide(request, claim_id, back, "accept",
                      lambda store: curation.accept(store, claim_id, curator=curator, reason=reason.strip() or None))

    @actions.post("/claims/{claim_id}/reject")
    def reject(request: Request, claim_id: str, back: Annotated[str, Form()] = "",
               reason: Annotated[str, Form()] = ""):
        return decide(request, claim_id, back, "reject",
                      lambda store: curation.reject(store, claim_id, reason.strip(), curator=curator))

    @actions.post("/claims/{claim_id}/edit")
    def edit(request: Request, claim_id: str, back: Annotated[str, Form()] = "",
             predicate: Annotated[str, Form()] = "", swap: Annotated[str, Form()] = "",
             negated: Annotated[str, Form()] = "", hedged: Annotated[str, Form()] = "",
             subject: Annotated[str, Form()] = "", object: Annotated[str, Form()] = "",
             reason: Annotated[str, Form()] = ""):
        def act(store):
            claim = curation.get_claim(store, claim_id)
            return curation.edit(store, claim_id, predicate=predicate if predicate != claim["predicate"] else None,
                                 swap=bool(swap), negated=_changed(negated, claim["negated"]),
                                 hedged=_changed(hedged, claim["hedged"]), subject=subject.strip() or None,
                                 object=object.strip() or None, curator=curator, reason=reason.strip() or None)
        return decide(request, claim_id, back, "edit", act)

    @actions.post("/claims/{claim_id}/add")
    def add(request: Request, claim_id: str, start: Annotated[str, Form()] = "", end: Annotated[str, Form()] = "",
            subject: Annotated[str, Form()] = "", predicate: Annotated[str, Form()] = "",
            object: Annotated[str, Form()] = "", back: Annotated[str, Form()] = "", negated: Annotated[str, Form()] = "",
            hedged: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = ""):
        def act(store):
            if not (start.isdigit() and end.isdigit()):
                raise curation.CurationError("select the words that state the claim in the paragraph first")
            doc = curation.get_claim(store, claim_id)["document"]
            return curation.add_claim(store, doc, int(start), int(end), subject, predicate, object,
                                      negated=bool(negated), hedged=bool(hedged), curator=curator,
                                      reason=reason.strip() or None)
        return decide(request, claim_id, back, "add", act)

    app.include_router(actions)
    return app


def _changed(checkbox: str, current: bool) -> bool | None:
    """A checkbox's value when it differs from the claim's (None: unchanged)."""
    value = bool(checkbox)
    return value if value != current else None


def search(store: Store, query: str, limit: int = SEARCH_LIMIT) -> list[dict]:
    """Concepts for a name or CURIE: the store's first (CURIE, then label and synonyms containing
    the query), then the vocabulary's closest names (`Vocabulary.search`)."""
    q = query.strip()
    if len(q) < 2:
        return []
    concepts = store.concepts()
    key = normalize_term(q)
    hits: dict[str, dict] = {}

    def add(curie, label, type_, in_store, score):
        if curie not in hits and len(hits) < limit:
            hits[curie] = {"id": curie, "label": label, "type": type_, "in_store": in_store, "score": score}

    vocabulary = Vocabulary.load()
    exact = concepts.get(q) or next((c for c in concepts.values() if q.lower() == c["id"].lower()
                                     or q in c["xrefs"]), None)
    if exact:
        add(exact["id"], exact["label"], exact["type"], True, 1.0)
    known = vocabulary.get(q)
    if known:
        add(known.curie, known.label, known.type, known.curie in concepts, 1.0)
    ranked = []
    for c in concepts.values():
        names = [c["label"], *c["synonyms"]]
        if key and any(key in normalize_term(n) for n in names):
            ranked.append((not any(normalize_term(n) == key for n in names), len(c["label"]), c["label"].lower(), c))
    for *_, c in sorted(ranked, key=lambda r: r[:3]):
        add(c["id"], c["label"], c["type"], True, 0.9)
    for c, score in vocabulary.search(q, limit=limit):
        add(c.curie, c.label, "disease" if c.type == "adverse_event" else c.type, c.curie in concepts, score)
    return list(hits.values())


def _warm_up_search() -> None:
    Vocabulary.load().search("warm up", limit=1)


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(store_dir: str | Path = DEFAULT_STORE, host: str | None = None, port: int = DEFAULT_PORT,
          curator: str | None = None) -> int:
    """Serve the review app until Ctrl-C; on 127.0.0.1 unless `host` says otherwise (then with a
    warning: anyone who can reach that address can change the store). Port 0 picks a free port;
    the URL is printed on stdout. StoreError / OSError (port in use) with one-line messages."""
    import uvicorn

    host = (host or "127.0.0.1").strip("[]")
    wildcard = host in ("0.0.0.0", "::")
    app = create_app(store_dir, curator, allowed_hosts=None if wildcard else (*LOOPBACK_NAMES, host))
    if not _is_loopback(host):
        print(f"kgbuild review: warning: serving on {host}, not loopback: anyone who can reach it can read the "
              "store and make curation decisions under this server's curator name", file=sys.stderr)
    sock = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    print(f"kgbuild review: {store_dir} at http://{shown}:{bound}/ (Ctrl-C stops)", flush=True)
    # load the vocabulary and its search index now, so that the first concept search answers at once
    threading.Thread(target=_warm_up_search, daemon=True).start()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    server.run(sockets=[sock])
    return 0


__all__ = ["create_app", "serve", "QueueFilter", "queue", "search", "safe_json", "DEFAULT_PORT"]
