"""Terminal renderings with rich: family tables and the side-by-side comparison."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from wiretrace.models import Article, Change, Comparison, Document, Family
from wiretrace.render.html import CHANGE_COLOURS, compare_rows


def families_table(families: Sequence[Family], articles: Mapping[str, Article]) -> Table:
    """One row per family: id, size, origin and the count of each relation."""
    table = Table(title=f"{len(families)} story families", show_lines=False)
    for column in ("family", "versions", "origin", "title", "relations"):
        table.add_column(column, overflow="fold")
    for family in sorted(families, key=lambda f: (-len(f.members), f.id)):
        counts: dict[str, int] = {}
        for edge in family.edges:
            counts[edge.relation.value] = counts.get(edge.relation.value, 0) + 1
        origin = articles.get(family.origin)
        table.add_row(
            family.id,
            str(len(family.members)),
            family.origin,
            (origin.title or "") if origin else "",
            ", ".join(f"{k} {v}" for k, v in sorted(counts.items())),
        )
    return table


def family_table(family: Family, articles: Mapping[str, Article]) -> Table:
    """The edges of one family with their relation, score and changes."""
    table = Table(title=f"family {family.id}: origin {family.origin}")
    for column in ("source", "derivative", "relation", "score", "changes"):
        table.add_column(column, overflow="fold")
    for edge in family.edges:
        changes = Text()
        for change in edge.changes:
            changes.append(_change_line(change))
        table.add_row(
            edge.source, edge.derivative, edge.relation.value, f"{edge.score:.2f}", changes
        )
    return table


def _change_line(change: Change) -> Text:
    colour = CHANGE_COLOURS.get(change.kind.value, "white")
    line = Text(f"{change.kind.value}: ", style=f"bold {colour}")
    line.append(f"{change.source_text or '∅'} → {change.derivative_text or '∅'}\n")
    return line


def print_comparison(
    console: Console, comparison: Comparison, source: Document, derivative: Document
) -> None:
    """Print the verdict, then the two versions side by side with changes coloured by kind."""
    console.print(
        f"[bold]{comparison.relation.value}[/] (confidence {comparison.confidence:.2f}): "
        f"{comparison.source} → {comparison.derivative}; coverage "
        f"{comparison.alignment.coverage_source:.0%} of source, "
        f"{comparison.alignment.coverage_derivative:.0%} of derivative"
    )
    if comparison.evidence:
        console.print("evidence: " + "; ".join(comparison.evidence), style="dim")
    table = Table(show_lines=True, expand=True)
    table.add_column("source", ratio=5, overflow="fold")
    table.add_column("derivative", ratio=5, overflow="fold")
    table.add_column("unit", ratio=3, overflow="fold")
    for row in compare_rows(comparison, source, derivative):
        unit = Text(row.label, style="bold")
        for change in row.changes:
            unit.append("\n")
            unit.append(_change_line(change))
        style = {"omitted": "red", "added": "green", "identical": "dim"}.get(row.status, "")
        table.add_row(
            Text(str(row.source_html.striptags())),
            Text(str(row.derivative_html.striptags())),
            unit,
            style=style,
        )
    console.print(table)
