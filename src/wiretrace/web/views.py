"""What the routes show, built from the service: no HTTP here, no SQL, no algorithms.

Routes parse a request, call one function of this module and render its result.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wiretrace.contracts import article_to_dict, family_to_dict
from wiretrace.errors import InputError
from wiretrace.ingest import read_inputs
from wiretrace.models import Article, Comparison, Document, Edge, Family, Relation, content_hash
from wiretrace.pipeline import AnalysisReport, CheckMatch, IngestReport, Service
from wiretrace.relation import comparison_to_dict
from wiretrace.render.graph import family_dot
from wiretrace.store import FamilyFilter
from wiretrace.web.schemas import ArticleIn, CheckIn

RELATION_ORDER: tuple[Relation, ...] = tuple(Relation)


# -- articles -------------------------------------------------------------------


def article_from_input(item: ArticleIn, max_chars: int) -> Article:
    """Return the article an API input describes; its id defaults to a hash of its text.

    Raises:
        InputError: the text is longer than ``max_chars``.
    """
    if len(item.text) > max_chars:
        raise InputError(f"text of {len(item.text)} characters exceeds the limit of {max_chars}")
    return Article(
        id=item.id or "a-" + content_hash(item.text)[:16],
        text=item.text,
        title=item.title,
        outlet=item.outlet,
        url=item.url,
        published_at=_utc(item.published_at),
    )


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parent_edge(family: Family | None, article_id: str) -> Edge | None:
    """Return the edge of ``family`` that leads into ``article_id`` (derivations first)."""
    if family is None:
        return None
    incoming = [e for e in family.edges if e.derivative == article_id]
    incoming.sort(key=lambda e: (not e.relation.is_derivation, e.source))
    return incoming[0] if incoming else None


def article_out(article: Article, family: Family | None) -> dict[str, Any]:
    """Return the article contract with its family, its source and its relation to it."""
    out = article_to_dict(article, family.id if family else None)
    edge = parent_edge(family, article.id)
    out["source"] = edge.source if edge else None
    out["relation"] = edge.relation.value if edge else None
    return out


def family_of(service: Service, article_id: str) -> Family | None:
    """Return the family holding ``article_id``, or None before any analysis placed it."""
    found = service.store.family_of(article_id)
    return service.family(found) if found else None


def article_detail(service: Service, article_id: str) -> dict[str, Any]:
    """Return one stored article with its text, family, source and relation.

    Raises:
        NotFoundError: no such article.
    """
    article = service.article(article_id)
    out = article_out(article, family_of(service, article.id))
    out["text"] = article.text
    return out


def add_and_analyze(
    service: Service, articles: Sequence[Article]
) -> tuple[IngestReport, AnalysisReport, list[dict[str, Any]]]:
    """Store ``articles``, analyse incrementally, return each article's placement."""
    ingested = service.add_articles(articles)
    analysis = service.analyze()
    by_member = {m: f for f in analysis.families for m in f.members}
    placed = [article_out(a, by_member.get(a.id)) for a in articles]
    return ingested, analysis, placed


def ingest_to_dict(report: IngestReport) -> dict[str, int]:
    return {
        "read": report.read,
        "added": report.added,
        "unchanged": report.unchanged,
        "new_versions": report.new_versions,
    }


def analysis_to_counts(report: AnalysisReport) -> dict[str, int]:
    return {
        "articles": report.articles,
        "featured": report.featured,
        "candidates": report.candidates,
        "verified": report.verified,
        "families": len(report.families),
    }


# -- families -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FamilySummary:
    """One line of the families list."""

    family: Family
    origin: Article | None
    outlets: tuple[str, ...]
    newest: datetime | None
    earliest: datetime | None
    dates: tuple[datetime, ...]
    relation_counts: tuple[tuple[str, int], ...]

    @property
    def size(self) -> int:
        return len(self.family.members)

    @property
    def title(self) -> str:
        if self.origin is not None and self.origin.title:
            return self.origin.title
        return self.family.origin

    @property
    def origin_outlet(self) -> str:
        return self.origin.outlet if self.origin is not None and self.origin.outlet else ""


def summarize(family: Family, articles: Mapping[str, Article]) -> FamilySummary:
    """Return the list line of ``family``: origin, outlets, dates and a count per relation."""
    members = [articles[m] for m in family.members if m in articles]
    dates = tuple(sorted(a.published_at for a in members if a.published_at is not None))
    counts = Counter(e.relation for e in family.edges)
    return FamilySummary(
        family=family,
        origin=articles.get(family.origin),
        outlets=tuple(sorted({a.outlet for a in members if a.outlet})),
        newest=dates[-1] if dates else None,
        earliest=dates[0] if dates else None,
        dates=dates,
        relation_counts=tuple((r.value, counts[r]) for r in RELATION_ORDER if counts[r]),
    )


def list_families(service: Service, query: FamilyFilter) -> tuple[int, list[FamilySummary]]:
    """Return how many families match ``query`` and the requested page, largest first.

    The store filters, counts and pages; only the page's families and members are read.
    Window bounds without a time zone are taken as UTC.
    """
    in_utc = replace(query, since=_utc(query.since), until=_utc(query.until))
    total, page = service.family_page(in_utc)
    members = {m for family in page for m in family.members}
    articles = service.articles_by_id(members)
    return total, [summarize(family, articles) for family in page]


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One member of a family page."""

    article: Article
    edge: Edge | None
    is_origin: bool
    is_duplicate: bool


@dataclass(frozen=True, slots=True)
class FamilyView:
    """Everything a family page or its JSON shows."""

    family: Family
    articles: dict[str, Article]
    members: tuple[MemberRow, ...]

    @property
    def duplicates(self) -> int:
        """How many members are exact copies of another member."""
        return sum(len(group) - 1 for group in self.family.duplicate_groups)

    @property
    def origin(self) -> Article:
        return self.articles[self.family.origin]


def family_view(service: Service, family_id: str) -> FamilyView:
    """Return a family with its member articles, origin first then by publication.

    Raises:
        NotFoundError: no such family.
    """
    family = service.family(family_id)
    articles = {m: service.article(m) for m in family.members}
    copies = {m for group in family.duplicate_groups for m in group[1:]}
    rows = [
        MemberRow(articles[m], parent_edge(family, m), m == family.origin, m in copies)
        for m in family.members
    ]
    rows.sort(key=lambda r: (not r.is_origin, _time_key(r.article), r.article.id))
    return FamilyView(family, articles, tuple(rows))


def _time_key(article: Article) -> float:
    return article.published_at.timestamp() if article.published_at else float("inf")


def family_detail(view: FamilyView) -> dict[str, Any]:
    """Return the family contract with its member articles and its DOT graph."""
    out = family_to_dict(view.family)
    out["articles"] = [article_out(row.article, view.family) for row in view.members]
    out["dot"] = family_dot(view.family)
    return out


# -- compare and check ------------------------------------------------------------


def compare_stored(
    service: Service, source_id: str, derivative_id: str
) -> tuple[Comparison, Document, Document]:
    """Compare two stored articles with ``source_id`` taken as the source.

    Raises:
        NotFoundError: either id is not stored.
        InputError: both ids are the same.
    """
    if source_id == derivative_id:
        raise InputError(f"source and derivative are the same article: {source_id!r}")
    source = service.article(source_id)
    derivative = service.article(derivative_id)
    return service.compare(source, derivative, source.id)


def comparison_json(result: tuple[Comparison, Document, Document]) -> dict[str, Any]:
    comparison, source, derivative = result
    return comparison_to_dict(comparison, source, derivative)


def checked_article(item: CheckIn, max_chars: int) -> Article:
    """Return the unstored article a check input describes (HTML is read like an HTML file).

    Raises:
        InputError: neither or both of text and html, an empty or oversize text.
    """
    if (item.text is None) == (item.html is None):
        raise InputError("give exactly one of 'text' or 'html'")
    raw = item.text if item.text is not None else item.html or ""
    if len(raw) > max_chars:
        raise InputError(f"text of {len(raw)} characters exceeds the limit of {max_chars}")
    page = _page_of_html(raw, max_chars) if item.html is not None else None
    text = page.text if page is not None else raw
    if not text.strip():
        raise InputError("the pasted article has no text")
    return Article(
        id="check-" + content_hash(text)[:12],
        text=text,
        title=item.title or (page.title if page is not None else None),
        outlet=item.outlet or (page.outlet if page is not None else None),
        published_at=_utc(item.published_at) or (page.published_at if page else None),
    )


def _page_of_html(html: str, max_chars: int) -> Article:
    # the HTML reader works on files: hand it the page through a private temporary one
    with tempfile.TemporaryDirectory(prefix="wiretrace-check-") as folder:
        page = Path(folder) / "pasted.html"
        page.write_text(html, encoding="utf-8")
        for item in read_inputs([page], max_chars=max_chars):
            if isinstance(item, InputError):
                raise InputError(item.reason)
            return item
    raise InputError("no article found in the pasted HTML")


def check_matches(service: Service, article: Article) -> list[CheckMatch]:
    """Match an unstored article against the store; best match first."""
    return list(service.check(article).matches)


def check_json(article: Article, matches: Iterable[CheckMatch]) -> dict[str, Any]:
    """Return the check contract: the pasted article and each match with its family."""
    return {
        "article": article_out(article, None),
        "matches": [
            {
                "family": m.family,
                "comparison": comparison_to_dict(m.comparison, m.source, m.derivative),
            }
            for m in matches
        ],
    }
