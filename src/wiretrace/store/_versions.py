"""Deciding what a batch of articles adds: new articles, new versions or nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from wiretrace.models import Article


@dataclass(frozen=True, slots=True)
class PutResult:
    """What ``Store.put_articles`` did with a batch.

    ``changed_ids`` lists, sorted and once each, the ids that were added or got
    a new version.
    """

    added: int
    unchanged: int
    new_versions: int
    changed_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Head:
    """The latest stored version of an article and the hash of its text."""

    version: int
    content_hash: str


@dataclass(slots=True)
class VersionPlan:
    """Rows to insert and stored latest versions to demote, for one batch."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    demote_ids: list[str] = field(default_factory=list)
    added: int = 0
    unchanged: int = 0
    new_versions: int = 0

    def result(self) -> PutResult:
        changed = sorted({str(row["id"]) for row in self.rows})
        return PutResult(self.added, self.unchanged, self.new_versions, tuple(changed))


def plan_versions(batch: Sequence[Article], stored: Mapping[str, Head]) -> VersionPlan:
    """Return the rows a batch adds given the stored heads of its ids.

    The same text under a known id changes nothing; another text under a known
    id becomes the next version (the batch is read in order, so one id may get
    several versions in one batch).
    """
    plan = VersionPlan()
    heads = dict(stored)
    pending: dict[str, int] = {}  # id -> index in plan.rows of its newest row in this batch
    for article in batch:
        digest = article.content_hash
        head = heads.get(article.id)
        if head is not None and head.content_hash == digest:
            plan.unchanged += 1
            continue
        if head is None:
            plan.added += 1
        else:
            plan.new_versions += 1
            _demote(plan, pending, article.id)
        version = 1 if head is None else head.version + 1
        heads[article.id] = Head(version, digest)
        pending[article.id] = len(plan.rows)
        plan.rows.append(article_row(article, version, digest))
    return plan


def _demote(plan: VersionPlan, pending: dict[str, int], article_id: str) -> None:
    index = pending.get(article_id)
    if index is None:
        plan.demote_ids.append(article_id)
    else:
        plan.rows[index]["is_latest"] = False


def article_row(article: Article, version: int, digest: str) -> dict[str, Any]:
    """Return the ``articles`` table row of one version of an article."""
    return {
        "id": article.id,
        "version": version,
        "content_hash": digest,
        "text": article.text,
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "published_at": article.published_at,
        "is_latest": True,
    }
