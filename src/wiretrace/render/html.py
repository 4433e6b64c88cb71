"""Self-contained HTML: the analysis report and the side-by-side comparison page.

Every article text and title goes through Jinja2's autoescaping; highlights are
built from escaped pieces with ``markupsafe`` so no input can inject markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from wiretrace.models import Article, Change, ChangeKind, Comparison, Document, Family, Relation
from wiretrace.render.graph import family_svg

CHANGE_COLOURS: dict[str, str] = {
    ChangeKind.NUMBER.value: "#f59e0b",
    ChangeKind.ENTITY.value: "#8b5cf6",
    ChangeKind.QUOTE.value: "#ef4444",
    ChangeKind.ATTRIBUTION.value: "#0ea5e9",
    ChangeKind.HEDGE.value: "#10b981",
    ChangeKind.NEGATION.value: "#dc2626",
    ChangeKind.INTENSITY.value: "#ec4899",
}

RELATION_COLOURS: dict[str, str] = {
    Relation.VERBATIM.value: "#334155",
    Relation.EXCERPT.value: "#2563eb",
    Relation.CONDENSED.value: "#0891b2",
    Relation.PARAPHRASE.value: "#9333ea",
    Relation.UPDATE.value: "#16a34a",
    Relation.INDEPENDENT.value: "#94a3b8",
    Relation.UNRELATED.value: "#cbd5e1",
}

_env = Environment(
    loader=PackageLoader("wiretrace.render", "templates"),
    autoescape=select_autoescape(["html", "j2"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def highlight(text: str, changes: Sequence[Change], side: str) -> Markup:
    """Return ``text`` escaped, with each change's evidence on ``side`` wrapped in a <mark>."""
    spans: list[tuple[int, int, Change]] = []
    for change in changes:
        needle = change.source_text if side == "source" else change.derivative_text
        if not needle:
            continue
        start = text.find(needle)
        if start < 0:
            continue
        end = start + len(needle)
        if any(start < e and s < end for s, e, _ in spans):
            continue
        spans.append((start, end, change))
    spans.sort(key=lambda s: s[0])
    out = Markup("")
    cursor = 0
    for start, end, change in spans:
        title = f"{change.kind.value}: {change.source_text!r} -> {change.derivative_text!r}"
        if change.note:
            title += f" ({change.note})"
        out += escape(text[cursor:start])
        out += Markup('<mark class="chg k-{}" title="{}">{}</mark>').format(
            change.kind.value, title, text[start:end]
        )
        cursor = end
    out += escape(text[cursor:])
    return out


@dataclass(frozen=True, slots=True)
class CompareRow:
    """One line of the side-by-side view."""

    status: str  # aligned kind, "omitted" or "added"
    source_html: Markup
    derivative_html: Markup
    label: str
    changes: tuple[Change, ...]
    score: float | None


def compare_rows(
    comparison: Comparison, source: Document, derivative: Document
) -> list[CompareRow]:
    """Lay the alignment out in derivative order, with omitted source sentences in between."""
    s_text = {s.index: s.text for s in source.sentences}
    d_text = {s.index: s.text for s in derivative.sentences}
    keyed: list[tuple[float, int, CompareRow]] = []
    for pair in comparison.alignment.pairs:
        src = " ".join(s_text[i] for i in pair.source_sentences)
        der = " ".join(d_text[i] for i in pair.derivative_sentences)
        row = CompareRow(
            pair.kind.value,
            highlight(src, pair.changes, "source"),
            highlight(der, pair.changes, "derivative"),
            pair.kind.value,
            pair.changes,
            round(pair.score, 3),
        )
        keyed.append((min(pair.derivative_sentences), 0, row))
    for added in comparison.alignment.added:
        row = CompareRow("added", Markup(""), escape(added.text), added.kind.value, (), None)
        keyed.append((added.sentence, 0, row))
    anchor = _derivative_anchor(comparison)
    for omitted in comparison.alignment.omitted:
        label = "omitted caveat" if omitted.caveat else "omitted"
        row = CompareRow("omitted", escape(omitted.text), Markup(""), label, (), None)
        keyed.append((anchor.get(omitted.sentence, 10**9) - 0.5, omitted.sentence, row))
    keyed.sort(key=lambda k: (k[0], k[1]))
    return [row for _, _, row in keyed]


def _derivative_anchor(comparison: Comparison) -> dict[int, float]:
    """Place each omitted source sentence before the derivative line its successor maps to."""
    mapping: list[tuple[int, int]] = []
    for pair in comparison.alignment.pairs:
        for s in pair.source_sentences:
            mapping.append((s, min(pair.derivative_sentences)))
    mapping.sort()
    anchor: dict[int, float] = {}
    for omitted in comparison.alignment.omitted:
        later = [d for s, d in mapping if s > omitted.sentence]
        anchor[omitted.sentence] = float(later[0]) if later else 10.0**9
    return anchor


def compare_page(comparison: Comparison, source: Document, derivative: Document) -> str:
    """Return a self-contained side-by-side HTML page for one comparison."""
    return _env.get_template("compare.html.j2").render(
        comparison=comparison,
        source=source.article,
        derivative=derivative.article,
        rows=compare_rows(comparison, source, derivative),
        change_colours=CHANGE_COLOURS,
        relation_colours=RELATION_COLOURS,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def report_page(
    articles: Mapping[str, Article], families: Sequence[Family], title: str = "wiretrace report"
) -> str:
    """Return a self-contained HTML report of an analysis: families, graphs, edges, changes."""
    ordered = sorted(families, key=lambda f: (-len(f.members), f.id))
    context: dict[str, Any] = {
        "title": title,
        "articles": articles,
        "families": ordered,
        "graphs": {f.id: family_svg(f, articles) for f in ordered if len(f.members) > 1},
        "change_colours": CHANGE_COLOURS,
        "relation_colours": RELATION_COLOURS,
        "n_articles": len(articles),
        "n_multi": sum(1 for f in families if len(f.members) > 1),
        "highlight": highlight,
    }
    return _env.get_template("report.html.j2").render(**context)
