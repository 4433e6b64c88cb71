"""The JSON shapes every driver returns (CLI ``--json``, the HTTP API, reports).

Field names here are a public contract: add fields, never rename or drop them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wiretrace.models import Article, Change, Comparison, Document, Edge, Family


def change_to_dict(change: Change) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": change.kind.value,
        "source_text": change.source_text,
        "derivative_text": change.derivative_text,
    }
    if change.note:
        out["note"] = change.note
    return out


def edge_to_dict(edge: Edge) -> dict[str, Any]:
    return {
        "source": edge.source,
        "derivative": edge.derivative,
        "relation": edge.relation.value,
        "score": edge.score,
        "changes": [change_to_dict(c) for c in edge.changes],
        "evidence": list(edge.evidence),
    }


def family_to_dict(family: Family) -> dict[str, Any]:
    return {
        "id": family.id,
        "origin": family.origin,
        "members": list(family.members),
        "edges": [edge_to_dict(e) for e in family.edges],
        "duplicate_groups": [list(g) for g in family.duplicate_groups],
    }


def article_to_dict(article: Article, family: str | None) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "family": family,
    }


def analysis_to_dict(articles: Sequence[Article], families: Sequence[Family]) -> dict[str, Any]:
    """The ``analyze --json`` contract: articles with their family, and every family."""
    family_of = {m: f.id for f in families for m in f.members}
    return {
        "articles": [
            article_to_dict(a, family_of.get(a.id)) for a in sorted(articles, key=lambda a: a.id)
        ],
        "families": [family_to_dict(f) for f in sorted(families, key=lambda f: f.id)],
    }


def check_to_dict(
    article: Article,
    matches: Sequence[tuple[Comparison, str | None, Document, Document]],
    comparison_to_dict: Any,
) -> dict[str, Any]:
    """The ``check`` contract: the unstored article, its likely source and family, every match."""
    best = matches[0] if matches and matches[0][0].relation.is_derivation else None
    return {
        "article": article_to_dict(article, best[1] if best else None),
        "family": best[1] if best else None,
        "source": best[0].source if best else None,
        "relation": best[0].relation.value if best else None,
        "matches": [
            {"family": family, "comparison": comparison_to_dict(c, src, der)}
            for c, family, src, der in matches
        ],
    }
