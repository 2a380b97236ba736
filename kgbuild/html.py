"""A `find_paths` result as one self-contained HTML page (no network: inline CSS, SVG and JS).

Each path is drawn as a row of nodes (coloured by concept type, legend at the top) joined by
arrows in the edge's true direction (a reversible edge walked backwards points backwards), with
the predicate on each arrow; contradicted edges are dashed and marked. Hovering over (or
focusing, or tapping) an arrow shows its evidence sentences with document, page and section in
the side panel; the same text is also in a native tooltip and, for printing or no JS, in a
collapsible list under each path.

Every piece of text from the store (labels, evidence sentences from arbitrary PDFs, file names)
is HTML-escaped; the page's only script is ours and never interprets data as markup (evidence
panels are cloned from inert <template> elements holding already-escaped text).

API: `paths_html(result, title=None) -> str`.
"""
from __future__ import annotations

import html
from pathlib import PurePath

TYPE_COLOURS = {
    "drug": "#4e79a7", "drug_class": "#a0cbe8", "chemical": "#9c755f", "cytokine": "#f28e2b",
    "gene": "#76b7b2", "lab_marker": "#59a14f", "disease": "#e15759", "adverse_event": "#ff9da7",
    "process": "#b07aa1", "other": "#bab0ac",
}
PREDICATE_WORDS = {"causes": "causes", "increases": "increases", "decreases": "decreases", "treats": "treats",
                   "associated_with": "associated with", "biomarker_for": "biomarker for"}
MAX_EVIDENCE = 25            # evidence sentences shown per edge (the count of the rest is given)
NODE_W, NODE_H, GAP, PAD = 200, 64, 150, 12
LINE_CHARS = 22

CSS = """
:root { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; }
body { margin: 0; display: flex; min-height: 100vh; }
main { flex: 1 1 auto; padding: 1rem 1.5rem; min-width: 0; }
aside { flex: 0 0 30%; max-width: 32rem; border-left: 1px solid #ddd; padding: 1rem; background: #fafafa;
        position: sticky; top: 0; height: 100vh; overflow-y: auto; box-sizing: border-box; }
h1 { font-size: 1.3rem; margin: 0 0 .3rem; }
h2 { font-size: 1.05rem; margin: 1.2rem 0 .2rem; }
.meta { color: #555; margin: 0 0 .4rem; font-size: .9rem; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1rem; margin: .6rem 0 1rem; font-size: .85rem; }
.legend span::before { content: ""; display: inline-block; width: .9em; height: .9em; margin-right: .3em;
                       vertical-align: -.1em; border-radius: 3px; background: var(--c); }
section.path { border-top: 1px solid #e5e5e5; }
svg { width: 100%; height: auto; max-width: 100%; display: block; }
svg text { font-size: 13px; }
.node rect { stroke: #333; stroke-width: 1; }
.node text { fill: #fff; font-weight: 600; pointer-events: none; }
.node text.dark { fill: #222; }
.edge { cursor: pointer; }
.edge line { stroke: #555; stroke-width: 2.2; }
.edge .hit { stroke: transparent; stroke-width: 22; }
.edge text { fill: #222; text-anchor: middle; }
.edge text.sub { fill: #666; font-size: 11px; }
.edge.contradicted line.shaft { stroke: #c0392b; stroke-dasharray: 6 4; }
.edge.contradicted text.sub { fill: #c0392b; }
.edge:hover line.shaft, .edge:focus line.shaft, .edge.active line.shaft { stroke: #000; stroke-width: 3.2; }
.edge:focus { outline: none; }
details { margin: .3rem 0 .8rem; font-size: .9rem; }
.ev { margin: .2rem 0 .7rem; }
.ev h3 { font-size: .95rem; margin: .6rem 0 .3rem; }
.ev ol { margin: 0; padding-left: 1.2rem; }
.ev li { margin-bottom: .45rem; }
.ev blockquote { margin: 0; font-style: italic; }
.ev .where { color: #555; font-size: .85em; }
.ev .flag { color: #c0392b; font-weight: 600; }
.hint { color: #777; font-size: .9rem; }
@media (max-width: 800px) {
  body { display: block; }
  aside { position: static; height: auto; max-width: none; border-left: 0; border-top: 1px solid #ddd; }
}
"""

JS = """
(function () {
  var panel = document.getElementById("panel");
  function show(el) {
    var tpl = document.getElementById(el.getAttribute("data-ev"));
    if (!tpl) return;
    document.querySelectorAll(".edge.active").forEach(function (e) { e.classList.remove("active"); });
    el.classList.add("active");
    panel.replaceChildren(tpl.content.cloneNode(true));
  }
  document.querySelectorAll(".edge[data-ev]").forEach(function (el) {
    el.addEventListener("mouseenter", function () { show(el); });
    el.addEventListener("focus", function () { show(el); });
    el.addEventListener("click", function () { show(el); });
  });
})();
"""


def _e(value) -> str:
    """Escaped text for element content and (double- or single-quoted) attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


def _wrap(text: str, width: int = LINE_CHARS, lines: int = 3) -> list[str]:
    words, out, cur = text.split(), [], ""
    for w in words:
        if len(w) > width:
            w = w[:width - 1] + "…"
        if cur and len(cur) + 1 + len(w) > width:
            out.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    if cur:
        out.append(cur)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][:width - 1].rstrip() + "…"
    return out or [""]


def _dark_text(colour: str) -> bool:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b > 160


def _where(ev: dict) -> str:
    doc = ev.get("source") or ev.get("document") or ""
    parts = [PurePath(doc).name if doc else "unknown document"]
    if ev.get("page") is not None:
        parts.append(f"p. {ev['page']}")
    if ev.get("section"):
        parts.append(str(ev["section"]))
    return ", ".join(parts)


def _edge_words(edge: dict, labels: dict) -> str:
    flag = "  [contradicted]" if edge.get("contradicted") else ""
    return (f"{labels.get(edge['subject'], edge['subject'])} {PREDICATE_WORDS.get(edge['predicate'], edge['predicate'])} "
            f"{labels.get(edge['object'], edge['object'])}{flag}")


def _evidence_block(edge: dict, labels: dict) -> str:
    """The evidence of one edge as HTML (escaped)."""
    evidence = edge.get("evidence") or []
    stats = [f"belief {edge['belief']:.2f}" if isinstance(edge.get("belief"), (int, float)) else None,
             f"{edge['evidence_count']} claim(s)" if edge.get("evidence_count") is not None else None,
             f"{edge['document_count']} document(s)" if edge.get("document_count") is not None else None]
    out = [f'<div class="ev"><h3>{_e(_edge_words(edge, labels))}</h3>',
           f'<p class="where">{_e(", ".join(s for s in stats if s))}</p>']
    if edge.get("contradicted"):
        n = len(edge.get("negated_claims") or [])
        out.append(f'<p class="flag">Contradicted: negated in {n} claim(s) of other reports; belief lowered.</p>')
    if evidence:
        out.append("<ol>")
        for ev in evidence[:MAX_EVIDENCE]:
            hedged = ' <span class="flag">(hedged)</span>' if ev.get("hedged") else ""
            out.append(f'<li><blockquote>“{_e(" ".join(str(ev.get("text") or "").split()))}”</blockquote>'
                       f'<span class="where">— {_e(_where(ev))}</span>{hedged}</li>')
        out.append("</ol>")
        if len(evidence) > MAX_EVIDENCE:
            out.append(f'<p class="where">… and {len(evidence) - MAX_EVIDENCE} more sentence(s).</p>')
    else:
        out.append('<p class="where">No evidence sentences recorded.</p>')
    out.append("</div>")
    return "".join(out)


def _tooltip(edge: dict, labels: dict) -> str:
    lines = [_edge_words(edge, labels)]
    for ev in (edge.get("evidence") or [])[:5]:
        lines.append(f"“{' '.join(str(ev.get('text') or '').split())}” — {_where(ev)}")
    extra = len(edge.get("evidence") or []) - 5
    if extra > 0:
        lines.append(f"… and {extra} more")
    return "\n".join(lines)


def _path_svg(pi: int, path: dict, labels: dict) -> str:
    nodes, edges = path.get("nodes") or [], path.get("edges") or []
    n = len(nodes)
    width = PAD * 2 + n * NODE_W + max(0, n - 1) * GAP
    height = NODE_H + 2 * PAD + 16
    y = PAD + 8
    mid = y + NODE_H / 2
    out = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="path {pi}" xmlns="http://www.w3.org/2000/svg">',
           "<defs>"]
    for kind, colour in (("a", "#555"), ("c", "#c0392b")):
        out.append(f'<marker id="m{pi}{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
                   f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>')
    out.append("</defs>")
    xs = [PAD + i * (NODE_W + GAP) for i in range(n)]
    for i, edge in enumerate(edges[: max(0, n - 1)]):
        x1, x2 = xs[i] + NODE_W, xs[i + 1]
        forward = edge.get("subject") == nodes[i].get("id")
        contradicted = bool(edge.get("contradicted"))
        marker = f"url(#m{pi}{'c' if contradicted else 'a'})"
        ends = (f'x1="{x1 + 2}" x2="{x2 - 4}"' if forward else f'x1="{x2 - 2}" x2="{x1 + 4}"')
        word = PREDICATE_WORDS.get(edge.get("predicate"), str(edge.get("predicate")))
        sub = f"belief {edge['belief']:.2f}" if isinstance(edge.get("belief"), (int, float)) else ""
        if contradicted:
            sub += " ⚠ contradicted"
        if not forward:
            word = "← " + word
        cls = "edge contradicted" if contradicted else "edge"
        out.append(f'<g class="{cls}" data-ev="ev{pi}-{i}" tabindex="0"><title>{_e(_tooltip(edge, labels))}</title>'
                   f'<line class="hit" x1="{x1}" y1="{mid}" x2="{x2}" y2="{mid}"/>'
                   f'<line class="shaft" {ends} y1="{mid}" y2="{mid}" marker-end="{marker}"/>'
                   f'<text x="{(x1 + x2) / 2}" y="{mid - 10}">{_e(word)}</text>'
                   f'<text class="sub" x="{(x1 + x2) / 2}" y="{mid + 20}">{_e(sub)}</text></g>')
    for i, node in enumerate(nodes):
        typ = str(node.get("type") or "other")
        colour = TYPE_COLOURS.get(typ, TYPE_COLOURS["other"])
        label = str(node.get("label") or node.get("id") or "")
        lines = _wrap(label)
        tip = f"{label}\n{node.get('id', '')} · {typ}"
        text_cls = ' class="dark"' if _dark_text(colour) else ""
        first = mid - (len(lines) - 1) * 8 + 4
        tspans = "".join(f'<tspan x="{xs[i] + NODE_W / 2}" y="{first + k * 16}">{_e(line)}</tspan>'
                         for k, line in enumerate(lines))
        out.append(f'<g class="node"><title>{_e(tip)}</title>'
                   f'<rect x="{xs[i]}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="10" fill="{colour}"/>'
                   f'<text{text_cls} text-anchor="middle">{tspans}</text></g>')
    out.append("</svg>")
    return "".join(out)


def paths_html(result: dict, title: str | None = None) -> str:
    """`result` (what `kgbuild.query.find_paths` returns, or the CLI's JSON, including the
    ``{"paths": [], "error": …}`` answer) as one self-contained HTML document."""
    paths = result.get("paths") or []
    src, dst = result.get("from") or {}, result.get("to") or {}
    labels = {}
    for node in (src, dst, *(n for p in paths for n in p.get("nodes") or [])):
        if node.get("id"):
            labels[node["id"]] = node.get("label") or node["id"]
    if title is None:
        title = (f"Paths from {src.get('label', src.get('id', '?'))} to {dst.get('label', dst.get('id', '?'))}"
                 if src or dst else "kgbuild paths")
    types = sorted({str(n.get("type") or "other") for p in paths for n in p.get("nodes") or []}
                   | ({str(src.get("type"))} if src.get("type") else set())
                   | ({str(dst.get("type"))} if dst.get("type") else set()))
    body = [f"<h1>{_e(title)}</h1>"]
    sub = []
    if src.get("id") and dst.get("id"):
        sub.append(f"{src['id']} → {dst['id']}")
    if result.get("max_hops") is not None:
        sub.append(f"at most {result['max_hops']} hops")
    sub.append(f"{len(paths)} path(s), best first; score = product of edge beliefs × e^−0.1 per hop")
    body.append(f'<p class="meta">{_e(" · ".join(sub))}</p>')
    if types:
        body.append('<div class="legend">' + "".join(
            f'<span style="--c:{TYPE_COLOURS.get(t, TYPE_COLOURS["other"])}">{_e(t.replace("_", " "))}</span>'
            for t in types) + "</div>")
    if result.get("error"):
        body.append(f'<p class="flag">{_e(result["error"])}</p>')
    if not paths:
        body.append("<p>No path found.</p>")
    templates = []
    for pi, path in enumerate(paths, 1):
        chain = " → ".join(str(n.get("label") or n.get("id")) for n in path.get("nodes") or [])
        score = path.get("score")
        meta = [f"score {score:.3f}" if isinstance(score, (int, float)) else None,
                f"net effect: {path['net_effect']}" if path.get("net_effect") else None,
                f"hops: {path.get('hops', len(path.get('edges') or []))}"]
        body.append(f'<section class="path" id="path{pi}"><h2>{pi}. {_e(chain)}</h2>'
                    f'<p class="meta">{_e("   ".join(m for m in meta if m))}</p>')
        body.append(_path_svg(pi, path, labels))
        blocks = [_evidence_block(edge, labels) for edge in path.get("edges") or []]
        body.append("<details><summary>Evidence for every hop</summary>" + "".join(blocks) + "</details></section>")
        templates += [f'<template id="ev{pi}-{i}">{block}</template>' for i, block in enumerate(blocks)]
    aside = ('<aside id="panel" aria-live="polite"><p class="hint">Hover over, focus or tap an arrow to see the '
             'evidence sentences behind that edge (document, page, section).</p></aside>')
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_e(title)}</title><style>{CSS}</style></head>"
            f"<body><main>{''.join(body)}{''.join(templates)}</main>{aside}<script>{JS}</script></body></html>\n")


__all__ = ["paths_html", "TYPE_COLOURS"]
