"""`kgbuild` command line: a thin layer over the Python API (extract, build, query, export).

Errors a user can cause (bad files, unknown names, missing stores) print one line on stderr and
exit with status 1; usage errors exit with 2. Set KGBUILD_DEBUG=1 to see tracebacks.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from pathlib import Path

from . import __version__
from .store import DEFAULT_STORE

PREDICATE_ARROWS = {"causes": "causes", "increases": "increases", "decreases": "decreases", "treats": "treats",
                    "associated_with": "associated with", "biomarker_for": "biomarker for"}


class UserError(Exception):
    pass


def _write(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _short(text: str, width: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# -- extract ------------------------------------------------------------------------------------
def cmd_extract(a: argparse.Namespace) -> int:
    from .extract import Extractor
    from .ingest import IngestError, read_document

    failures = 0
    documents = []
    for f in a.files:
        try:
            documents.append(read_document(f))
        except IngestError as exc:
            print(f"kgbuild: {exc}", file=sys.stderr)
            failures += 1
    if documents:
        extractor = Extractor()
        fmt = a.format or ("json" if len(a.files) == 1 else "jsonl")
        for ex in extractor.extract_documents(documents):
            out = ex.to_json(include_text=not a.no_text)
            if fmt == "json":
                _write(json.dumps(out, indent=2, ensure_ascii=False))
            elif fmt == "jsonl":
                _write(json.dumps(out, ensure_ascii=False))
            else:
                _write(_extraction_table(out))
    return 1 if failures else 0


def _extraction_table(out: dict) -> str:
    d = out["document"]
    labels = {e["id"]: e["label"] for e in out["entities"]}
    lines = [f"{d.get('title') or d['source']}", f"  source: {d['source']}   pages: {d.get('pages')}   "
             f"sections: {', '.join(s['name'] for s in d.get('sections', []))}", "", "Entities"]
    for e in sorted(out["entities"], key=lambda e: (e["type"], e["label"].lower())):
        forms = sorted({m["text"] for m in e["mentions"]})
        lines.append(f"  {e['type']:<14} {e['id']:<18} {e['label'][:40]:<40} {len(e['mentions']):>3}x  "
                     f"{', '.join(forms)[:60]}")
    lines += ["", "Claims"]
    for c in out["claims"]:
        flags = ("NOT " if c["negated"] else "") + ("(hedged) " if c["hedged"] else "")
        ev = c["evidence"][0]
        lines.append(f"  {labels.get(c['subject'], c['subject'])} {flags}{PREDICATE_ARROWS.get(c['predicate'], c['predicate'])} "
                     f"{labels.get(c['object'], c['object'])}   [conf {c['confidence']:.2f}; p. {ev.get('page')}, "
                     f"{ev.get('section')}]")
        lines.append(f"      \"{_short(ev['text'])}\"")
    return "\n".join(lines)


# -- build ----------------------------------------------------------------------------------------
def cmd_build(a: argparse.Namespace) -> int:
    from .build import build
    from .store import Store

    with Store(a.store) as store:
        report = build(a.paths, store, progress=None if not a.quiet else False)
        for line in report.failed:
            print(f"kgbuild: skipped {line}", file=sys.stderr)
        stats = store.stats()
    print(f"{report.summary()}; store {a.store}: {stats['documents']} documents, {stats['concepts']} concepts, "
          f"{stats['claims']} claims", file=sys.stderr)
    if report.failed and (a.strict or not (report.added or report.replaced or report.skipped)):
        return 1
    return 0


def _open_store(directory):
    from .store import Store
    return Store(directory, create=False)


# -- paths ----------------------------------------------------------------------------------------
def cmd_paths(a: argparse.Namespace) -> int:
    from .query import find_paths

    from .query import QueryError

    preds = set(a.predicate) if a.predicate else None
    with _open_store(a.store) as store:
        try:
            result = find_paths(store, a.source, a.target, max_hops=a.max_hops, min_hops=a.min_hops,
                                limit=a.limit, predicates=preds, min_belief=a.min_belief, via=a.via, exclude=a.exclude)
        except QueryError as exc:
            if a.format != "json":
                raise
            # machine clients get a valid, empty answer (and the reason); people get exit 1
            print(f"kgbuild: {exc}", file=sys.stderr)
            _write(json.dumps({"paths": [], "error": str(exc)}, indent=2, ensure_ascii=False))
            return 0
    if a.format == "json":
        text = json.dumps(result, indent=2, ensure_ascii=False)
    elif a.format == "html":
        from .html import paths_html
        text = paths_html(result)
    else:
        text = _paths_table(result, a.evidence)
    if a.output:
        out = Path(a.output)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        tmp.replace(out)
        print(f"wrote {out} ({len(result['paths'])} paths)", file=sys.stderr)
    else:
        _write(text)
    return 0


def _paths_table(result: dict, max_evidence: int) -> str:
    src, dst = result["from"], result["to"]
    head = f"Paths from {src['label']} ({src['id']}) to {dst['label']} ({dst['id']}), at most {result['max_hops']} hops"
    if not result["paths"]:
        return head + "\n  no path found"
    labels = {n["id"]: n["label"] for p in result["paths"] for n in p["nodes"]}
    lines = [head]
    for i, p in enumerate(result["paths"], 1):
        chain = " → ".join(n["label"] for n in p["nodes"])
        lines += ["", f"{i}. {chain}", f"   score {p['score']:.3f}   net effect: {p['net_effect']}   hops: {p['hops']}"]
        for e in p["edges"]:
            flag = "  [contradicted]" if e["contradicted"] else ""
            lines.append(f"   • {labels.get(e['subject'], e['subject'])} {PREDICATE_ARROWS.get(e['predicate'], e['predicate'])} "
                         f"{labels.get(e['object'], e['object'])}   (belief {e['belief']:.2f}, {e['evidence_count']} "
                         f"claim(s) in {e['document_count']} document(s)){flag}")
            for ev in e["evidence"][:max_evidence]:
                where = f"{Path(ev['source']).name}, p. {ev['page']}, {ev['section']}"
                lines.append(textwrap.fill(f"\"{' '.join(ev['text'].split())}\" — {where}", width=100,
                                           initial_indent="       ", subsequent_indent="         "))
    return "\n".join(lines)


# -- claims, neighbors, export, stats ------------------------------------------------------
def cmd_claims(a: argparse.Namespace) -> int:
    action = getattr(a, "action", None) or "list"
    if action != "list":
        return _cmd_curate(a, action)
    from .query import resolve

    with _open_store(a.store) as store:
        entity = resolve(store, a.entity) if a.entity else None
        rows = store.claims(entity, include_rejected=True)
        concepts = store.concepts()
    if a.format == "jsonl":
        for r in rows:
            _write(json.dumps(r, ensure_ascii=False))
        return 0
    label = lambda c: concepts.get(c, {}).get("label", c)  # noqa: E731
    for r in rows:
        flags = ("NOT " if r["negated"] else "") + ("(hedged) " if r["hedged"] else "")
        ev = r["evidence"][0]
        status = "" if r["status"] == "extracted" else f"  [{r['status']} by {r['curator']}]"
        _write(f"{r['id']}  {label(r['subject'])} {flags}{PREDICATE_ARROWS.get(r['predicate'], r['predicate'])} "
               f"{label(r['object'])}  [conf {r['confidence']:.2f}]{status}\n    \"{_short(ev['text'])}\" — "
               f"{Path(r['source']).name}, p. {ev.get('page')}, {ev.get('section')}")
    print(f"{len(rows)} claims", file=sys.stderr)
    return 0


def _state_text(s: dict | None) -> str:
    if s is None:          # before a curator added the claim
        return "(no claim)"
    flags = ("NOT " if s["negated"] else "") + ("(hedged) " if s["hedged"] else "")
    return f"{s['subject']} {flags}{s['predicate']} {s['object']} [{s['status']}]"


def _cmd_curate(a: argparse.Namespace, action: str) -> int:
    from . import curation

    if action == "add":
        return _cmd_add(a)
    if not a.claim_id:
        raise UserError(f"kgbuild claims {action}: give a claim id")
    if a.add_args:
        raise UserError(f"kgbuild claims {action}: unexpected arguments {' '.join(a.add_args)}")
    with _open_store(a.store) as store:
        if action == "history":
            rows = curation.history(store, a.claim_id)
            claim = curation.get_claim(store, a.claim_id)
            if a.format == "jsonl":
                for r in rows:
                    _write(json.dumps(r, ensure_ascii=False))
                return 0
            _write(f"{claim['id']}  now: {_state_text({**claim, 'status': claim['status']})}")
            if claim["extracted"]:
                _write(f"  extracted: {_state_text({**claim['extracted'], 'status': 'extracted'})}")
            for r in rows:
                reason = f"  reason: {r['reason']}" if r["reason"] else ""
                _write(f"  {r['time']}  {r['action']} by {r['curator']}{reason}\n"
                       f"    before: {_state_text(r['before'])}\n    after:  {_state_text(r['after'])}")
            if not rows:
                _write("  no decisions")
            return 0
        if action == "accept":
            dec = curation.accept(store, a.claim_id, curator=a.curator, reason=a.reason)
        elif action == "reject":
            if not a.reason:
                raise UserError("kgbuild claims reject: give --reason")
            dec = curation.reject(store, a.claim_id, a.reason, curator=a.curator)
        else:
            dec = curation.edit(store, a.claim_id, predicate=a.predicate, swap=a.swap, negated=a.negated,
                                hedged=a.hedged, subject=a.subject, object=a.object, curator=a.curator,
                                reason=a.reason)
    print(f"{dec['claim_id']}: {dec['action']} by {dec['curator']} ({_state_text(dec['after'])})", file=sys.stderr)
    return 0


def _cmd_add(a: argparse.Namespace) -> int:
    from . import curation

    if not a.claim_id or len(a.add_args) != 5:
        raise UserError("kgbuild claims add: give DOC START END SUBJECT PREDICATE OBJECT")
    start, end, subject, predicate, obj = a.add_args
    if not (start.isdigit() and end.isdigit()):
        raise UserError(f"kgbuild claims add: START and END are character offsets, not '{start}' '{end}'")
    with _open_store(a.store) as store:
        ids = [d["id"] for d in store.documents() if a.claim_id in (d["id"], d["source"])
               or (len(a.claim_id) >= 8 and d["id"].startswith(a.claim_id))]
        if len(ids) != 1:
            raise UserError(f"{'no' if not ids else 'more than one'} document '{a.claim_id}' in {a.store} "
                            "(give its id, id prefix or source path)")
        dec = curation.add_claim(store, ids[0], int(start), int(end), subject, predicate, obj,
                                 negated=bool(a.negated), hedged=bool(a.hedged), curator=a.curator, reason=a.reason)
    print(f"{dec['claim_id']}: add by {dec['curator']} ({_state_text(dec['after'])})", file=sys.stderr)
    return 0


def cmd_review(a: argparse.Namespace) -> int:
    from .review import serve

    return serve(a.store, host=a.host, port=a.port, curator=a.curator)


def cmd_decisions(a: argparse.Namespace) -> int:
    from . import curation

    if a.action == "export":
        with _open_store(a.store) as store:
            lines = list(curation.export_decisions(store))
        if a.output:
            out = Path(a.output)
            tmp = out.with_name(out.name + ".tmp")
            tmp.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
            tmp.replace(out)
            print(f"wrote {out} ({len(lines)} decisions)", file=sys.stderr)
        else:
            for line in lines:
                _write(line)
        return 0
    if not a.file:
        raise UserError("kgbuild decisions import: give a file (JSON Lines from `kgbuild decisions export`)")
    with _open_store(a.store) as store:
        with (sys.stdin if a.file == "-" else open(a.file, encoding="utf-8")) as f:
            counts = curation.import_decisions(store, f)
    print(f"{counts['read']} decisions read, {counts['imported']} new, {counts['matched']} matched a claim "
          f"in {a.store}", file=sys.stderr)
    return 0


def _bool(text: str) -> bool:
    t = text.strip().lower()
    if t in ("true", "yes", "1", "on"):
        return True
    if t in ("false", "no", "0", "off"):
        return False
    raise argparse.ArgumentTypeError(f"'{text}' is not true or false")


def cmd_neighbors(a: argparse.Namespace) -> int:
    from .query import neighbors

    with _open_store(a.store) as store:
        result = neighbors(store, a.concept)
    if a.format == "json":
        _write(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    c = result["concept"]
    _write(f"{c['label']} ({c['id']}, {c['type']})")
    for n in result["neighbors"]:
        arrow = "→" if n["direction"] == "out" else "←"
        neg = " [negated only]" if n["negated"] else ""
        _write(f"  {arrow} {PREDICATE_ARROWS.get(n['predicate'], n['predicate'])} {n['other']['label']} "
               f"({n['other']['id']})  belief {n['belief']:.2f}, {n['evidence_count']} claim(s){neg}")
    return 0


def cmd_explain(a: argparse.Namespace) -> int:
    from .query import explain

    with _open_store(a.store) as store:
        result = explain(store, a.x, a.y)
    if a.format == "json":
        _write(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    _write(_explain_table(result))
    return 0


def _explain_table(result: dict) -> str:
    x, y = result["x"], result["y"]
    labels = {x["id"]: x["label"], y["id"]: y["label"]}
    lines = [f"{x['label']} ({x['id']}) and {y['label']} ({y['id']}): {result['asserted_claims']} asserted, "
             f"{result['negated_claims']} negated claim(s) in {result['documents']} document(s)"]
    if not result["edges"]:
        lines.append("  no claims between them")
    for e in result["edges"]:
        flag = "  [contradicted]" if e["contradicted"] else ""
        lines.append(f"• {labels.get(e['subject'], e['subject'])} {PREDICATE_ARROWS.get(e['predicate'], e['predicate'])} "
                     f"{labels.get(e['object'], e['object'])}  (belief {e['belief']:.2f}){flag}")
        for c in e["asserted"] + e["negated"]:
            tag = ("NOT, " if c["negated"] else "") + ("hedged, " if c["hedged"] else "")
            text = " ".join((c["sentence"] or "").split())
            lines.append(textwrap.fill(f"[{tag}conf {c['confidence']:.2f}] \"{text}\" — {Path(c['source']).name}, "
                                       f"p. {c['page']}, {c['section']}", width=100,
                                       initial_indent="    ", subsequent_indent="      "))
    for k in result["contradictions"]:
        lines.append(f"! contradiction ({k['kind']}): {labels.get(k['subject'], k['subject'])} → "
                     f"{labels.get(k['object'], k['object'])}")
    return "\n".join(lines)


def cmd_serve(a: argparse.Namespace) -> int:
    from .serve import serve

    return serve(a.store, a.host, a.port, read_only=not a.writable, quiet=a.quiet)


def cmd_export(a: argparse.Namespace) -> int:
    from .rdf import TEXT_FORMATS, export, write_export

    if a.format not in TEXT_FORMATS and not a.output:
        raise UserError(f"--format {a.format} writes several files: give a directory with -o")
    with _open_store(a.store) as store:
        if a.output:
            # written to temporary files and renamed: never a half-written export
            for path in write_export(store, a.format, Path(a.output)):
                print(f"wrote {path} ({path.stat().st_size:,} bytes)", file=sys.stderr)
        else:
            _write(export(store, a.format))
    return 0


def cmd_remove(a: argparse.Namespace) -> int:
    with _open_store(a.store) as store:
        removed = 0
        for ref in a.documents:
            ids = [d["id"] for d in store.documents() if ref in (d["id"], d["source"])
                   or (len(ref) >= 8 and d["id"].startswith(ref))]
            if not ids:
                raise UserError(f"no document '{ref}' in {a.store} (give its id, id prefix or source path)")
            for doc_id in ids:
                removed += store.remove_document(doc_id)
    print(f"removed {removed} document(s) with their mentions and claims", file=sys.stderr)
    return 0


def cmd_stats(a: argparse.Namespace) -> int:
    with _open_store(a.store) as store:
        s = store.stats()
    if a.format == "json":
        _write(json.dumps(s, indent=2))
        return 0
    _write(f"documents {s['documents']}   concepts {s['concepts']}   mentions {s['mentions']}   claims {s['claims']} "
           f"(negated {s['negated_claims']}, hedged {s['hedged_claims']})")
    _write("concepts by type: " + ", ".join(f"{k} {v}" for k, v in sorted(s["concepts_by_type"].items())))
    _write("claims by predicate: " + ", ".join(f"{k} {v}" for k, v in sorted(s["claims_by_predicate"].items())))
    if s["decisions"]:
        _write(f"curation: {s['decisions']} decisions; claims " +
               ", ".join(f"{k} {v}" for k, v in sorted(s["claims_by_curation"].items())))
    return 0


# -- parser ---------------------------------------------------------------------------------------
def make_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kgbuild", description="Turn biomedical case reports into an "
                                "evidence-backed knowledge graph.")
    p.add_argument("--version", action="version", version=f"kgbuild {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("extract", help="extract entities and claims from PDF or text files")
    s.add_argument("files", nargs="+")
    s.add_argument("--format", choices=("json", "jsonl", "table"),
                   help="json (one file; default), jsonl (default for several files) or table")
    s.add_argument("--no-text", action="store_true", help="leave the document text out of the JSON")
    s.set_defaults(func=cmd_extract)

    s = sub.add_parser("build", help="extract every PDF and .txt under PATHs into a store")
    s.add_argument("paths", nargs="+")
    s.add_argument("--store", default=str(DEFAULT_STORE))
    s.add_argument("--strict", action="store_true", help="exit 1 if any input failed")
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    s.set_defaults(func=cmd_build)

    s = sub.add_parser("paths", help="mechanism paths between two concepts")
    s.add_argument("source", metavar="FROM")
    s.add_argument("target", metavar="TO")
    s.add_argument("--store", default=str(DEFAULT_STORE))
    s.add_argument("--max-hops", type=int, default=4)
    s.add_argument("--min-hops", type=int, default=1, help="skip shorter paths (2 = mechanisms only)")
    s.add_argument("--limit", type=int, default=10, help="at most this many paths")
    s.add_argument("--predicate", action="append", choices=sorted(PREDICATE_ARROWS),
                   help="walk only edges with this predicate (repeatable)")
    s.add_argument("--min-belief", type=float, default=0.0)
    s.add_argument("--via", action="append", help="paths must pass through this concept (repeatable)")
    s.add_argument("--exclude", action="append", help="paths must avoid this concept (repeatable)")
    s.add_argument("--evidence", type=int, default=2, help="evidence sentences shown per hop in table format")
    s.add_argument("--format", choices=("json", "table", "html"), default="table",
                   help="html: one self-contained page drawing the paths (evidence on hover)")
    s.add_argument("-o", "--output", help="write to this file instead of stdout")
    s.set_defaults(func=cmd_paths)

    s = sub.add_parser("claims", help="list claims with their evidence and curation status; accept, reject "
                                      "or edit one (`kgbuild claims ACTION ID`); add a missed one "
                                      "(`kgbuild claims add DOC START END SUBJECT PREDICATE OBJECT`)")
    s.add_argument("action", nargs="?", choices=("list", "accept", "reject", "edit", "history", "add"), default="list",
                   help="list (default), accept, reject, edit or history of a claim; add a claim")
    s.add_argument("claim_id", nargs="?", metavar="ID", help="claim id (for accept, reject, edit, history); "
                   "add: the document (id, id prefix or source path)")
    s.add_argument("add_args", nargs="*", metavar="ARG", help="add: START END (character offsets of the evidence "
                   "in the document's text) SUBJECT PREDICATE OBJECT (CURIEs and a predicate)")
    s.add_argument("--store", default=str(DEFAULT_STORE))
    s.add_argument("--entity", help="list: only claims about this concept (name, synonym or CURIE)")
    s.add_argument("--format", choices=("table", "jsonl"), default="table")
    s.add_argument("--curator", help="who decides (default: $KGBUILD_CURATOR or the login name)")
    s.add_argument("--reason", help="why (required to reject)")
    s.add_argument("--predicate", choices=sorted(PREDICATE_ARROWS), help="edit: the correct predicate")
    s.add_argument("--swap", action="store_true", help="edit: swap subject and object")
    s.add_argument("--negated", type=_bool, metavar="true|false", help="edit: the claim is (not) negated")
    s.add_argument("--hedged", type=_bool, metavar="true|false", help="edit: the claim is (not) hedged")
    s.add_argument("--subject", metavar="CURIE", help="edit: ground the subject to this concept")
    s.add_argument("--object", metavar="CURIE", help="edit: ground the object to this concept")
    s.set_defaults(func=cmd_claims)

    s = sub.add_parser("review", help="review claims in the browser (a web app on 127.0.0.1)")
    s.add_argument("--store", default=str(DEFAULT_STORE))
    s.add_argument("--host", help="address to bind (default: 127.0.0.1, loopback only)")
    s.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    s.add_argument("--curator", help="who decides (default: $KGBUILD_CURATOR or the login name)")
    s.set_defaults(func=cmd_review)

    s = sub.add_parser("decisions", help="export or import curation decisions (JSON Lines)")
    s.add_argument("action", choices=("export", "import"))
    s.add_argument("file", nargs="?", metavar="FILE", help="import: the decisions file ('-' for stdin)")
    s.add_argument("--store", default=str(DEFAULT_STORE))
    s.add_argument("-o", "--output", help="export: write to this file instead of stdout")
    s.set_defaults(func=cmd_decisions)

    s = sub.add_parser("neighbors", help="what the graph says about one concept")
    s.add_argument("concept")
    s.add_argument("--store", default=str(DEFAULT_STORE))
    s.add_argument("--format", choices=("json", "table"), default="table")
    s.set_defaults(func=cmd_neighbors)

    s = sub.add_parser("explain", help="all evidence between two concepts, both directions")
    s.add_argument("x")
    s.add_argument("y")
    s.add_argument("--store", default=str(DEFAULT_STORE))
    s.add_argument("--format", choices=("json", "table"), default="table")
    s.set_defaults(func=cmd_explain)

    s = sub.add_parser("serve", help="serve the graph as a read-only SPARQL 1.1 endpoint (Oxigraph) on 127.0.0.1")
    s.add_argument("--store", default=str(DEFAULT_STORE))
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    s.add_argument("--port", type=int, default=7878)
    s.add_argument("--writable", action="store_true", help="accept SPARQL UPDATE on the served copy")
    s.add_argument("--quiet", action="store_true")
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("export", help="export the graph as RDF (Turtle, N-Triples, N-Quads, JSON-LD), "
                                      "KGX TSV or GraphML")
    s.add_argument("--store", default=str(DEFAULT_STORE))
    s.add_argument("--format", choices=("ttl", "nt", "nq", "jsonld", "kgx", "graphml"), required=True)
    s.add_argument("-o", "--output", help="file to write (a directory for kgx: nodes.tsv, edges.tsv); "
                                          "default: stdout")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("remove", help="remove documents (and their claims) from a store")
    s.add_argument("documents", nargs="+", metavar="DOC", help="document id, id prefix or source path")
    s.add_argument("--store", default=str(DEFAULT_STORE))
    s.set_defaults(func=cmd_remove)

    s = sub.add_parser("stats", help="counts of documents, concepts and claims in a store")
    s.add_argument("--store", default=str(DEFAULT_STORE))
    s.add_argument("--format", choices=("json", "table"), default="table")
    s.set_defaults(func=cmd_stats)
    return p


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    from .ingest import IngestError
    from .query import QueryError
    from .store import StoreError

    try:
        return args.func(args)
    except (IngestError, QueryError, StoreError, UserError, ValueError, OSError) as exc:
        if os.environ.get("KGBUILD_DEBUG"):
            raise
        print(f"kgbuild: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("kgbuild: interrupted (the store keeps every document that was complete)", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug of ours: still one line, with the way to see more
        if os.environ.get("KGBUILD_DEBUG"):
            raise
        print(f"kgbuild: internal error: {type(exc).__name__}: {exc} (rerun with KGBUILD_DEBUG=1 for details)",
              file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
