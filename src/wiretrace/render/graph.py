"""A family's derivation graph drawn as SVG (layered tree) and written as Graphviz DOT."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from markupsafe import Markup, escape

from wiretrace.models import Article, Family, Relation

_COLOURS = {
    Relation.VERBATIM: "#334155",
    Relation.EXCERPT: "#2563eb",
    Relation.CONDENSED: "#0891b2",
    Relation.PARAPHRASE: "#9333ea",
    Relation.UPDATE: "#16a34a",
    Relation.INDEPENDENT: "#94a3b8",
    Relation.UNRELATED: "#cbd5e1",
}

NODE_W, NODE_H, GAP_X, GAP_Y = 170, 44, 24, 70


def layers(family: Family) -> list[list[str]]:
    """Members by depth from the origin along the family's edges (breadth first, sorted)."""
    children: dict[str, list[str]] = defaultdict(list)
    for edge in family.edges:
        children[edge.source].append(edge.derivative)
    depth = {family.origin: 0}
    frontier = [family.origin]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for child in sorted(children[node]):
                if child not in depth:
                    depth[child] = depth[node] + 1
                    following.append(child)
        frontier = following
    floor = max(depth.values(), default=0) + 1
    for member in family.members:
        depth.setdefault(member, floor)
    grouped: dict[int, list[str]] = defaultdict(list)
    for member, d in depth.items():
        grouped[d].append(member)
    return [sorted(grouped[d]) for d in sorted(grouped)]


def family_svg(family: Family, articles: Mapping[str, Article], link_prefix: str = "") -> Markup:
    """Return an inline SVG of the family graph; nodes link to ``link_prefix + id`` when given."""
    rows = layers(family)
    width = max(len(r) for r in rows) * (NODE_W + GAP_X) + GAP_X
    height = len(rows) * (NODE_H + GAP_Y) + GAP_Y
    position: dict[str, tuple[float, float]] = {}
    for y, row in enumerate(rows):
        offset = (width - len(row) * (NODE_W + GAP_X) + GAP_X) / 2
        for x, member in enumerate(row):
            position[member] = (offset + x * (NODE_W + GAP_X), GAP_Y / 2 + y * (NODE_H + GAP_Y))
    parts = [
        Markup(
            '<svg class="family-graph" xmlns="http://www.w3.org/2000/svg" '
            'width="{}" height="{}" viewBox="0 0 {} {}" role="img">'
        ).format(width, height, width, height)
    ]
    for edge in family.edges:
        (x1, y1), (x2, y2) = position[edge.source], position[edge.derivative]
        dash = ' stroke-dasharray="6 4"' if edge.relation is Relation.INDEPENDENT else ""
        parts.append(
            Markup(
                '<g class="edge" data-relation="{}"><line x1="{:.0f}" y1="{:.0f}" x2="{:.0f}" '
                'y2="{:.0f}" stroke="{}" stroke-width="2"{}/>'
                '<text x="{:.0f}" y="{:.0f}" font-size="11" fill="{}">{}</text></g>'
            ).format(
                edge.relation.value,
                x1 + NODE_W / 2,
                y1 + NODE_H,
                x2 + NODE_W / 2,
                y2,
                _COLOURS[edge.relation],
                Markup(dash),
                (x1 + x2 + NODE_W) / 2 + 4,
                (y1 + NODE_H + y2) / 2,
                _COLOURS[edge.relation],
                edge.relation.value,
            )
        )
    for member, (left, top) in sorted(position.items()):
        article = articles.get(member)
        label = (article.outlet if article and article.outlet else "") or member
        origin = member == family.origin
        node = Markup(
            '<g class="node{}" data-id="{}"><title>{}</title>'
            '<rect x="{:.0f}" y="{:.0f}" width="{}" height="{}" rx="6" fill="{}" stroke="#0f172a"/>'
            '<text x="{:.0f}" y="{:.0f}" font-size="11" text-anchor="middle">{}</text>'
            '<text x="{:.0f}" y="{:.0f}" font-size="10" text-anchor="middle" '
            'fill="#475569">{}</text></g>'
        ).format(
            " origin" if origin else "",
            member,
            member,
            left,
            top,
            NODE_W,
            NODE_H,
            "#fde68a" if origin else "#f8fafc",
            left + NODE_W / 2,
            top + 18,
            _short(label, 26),
            left + NODE_W / 2,
            top + 34,
            _short(member, 28),
        )
        if link_prefix:
            node = Markup('<a href="{}">{}</a>').format(link_prefix + member, node)
        parts.append(node)
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def family_dot(family: Family) -> str:
    """Return the family graph in Graphviz DOT (ids quoted, edges labelled by relation)."""

    def quoted(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [f"digraph {quoted(family.id)} {{", "  rankdir=TB;"]
    for member in family.members:
        style = ', style=filled, fillcolor="#fde68a"' if member == family.origin else ""
        lines.append(f"  {quoted(member)} [shape=box{style}];")
    for edge in family.edges:
        style = ", style=dashed, arrowhead=none" if edge.relation is Relation.INDEPENDENT else ""
        lines.append(
            f"  {quoted(edge.source)} -> {quoted(edge.derivative)} "
            f"[label={quoted(edge.relation.value)}, "
            f"color={quoted(_COLOURS[edge.relation])}{style}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


__all__ = ["escape", "family_dot", "family_svg", "layers"]
