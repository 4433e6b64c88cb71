"""Input and response models of the JSON API (the shapes of ``wiretrace.contracts``).

Response models allow extra fields: the contracts may grow, and the API passes
new fields through instead of dropping them.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_BATCH = 1000
_ID = re.compile(r"[^\s/?#\\]{1,200}")
_VERSION_SUFFIX = re.compile(r"@v\d+$")


class ArticleIn(BaseModel):
    """One article to store; without an id, one is derived from its text."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(default=None, description="Stable id; no spaces, '/', '?', '#'.")
    text: str = Field(min_length=1, description="The article's full text.")
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published_at: datetime | None = None

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not _ID.fullmatch(value):
            raise ValueError(
                f"id must be 1-200 characters without spaces, '/', '?', '#': {value!r}"
            )
        if _VERSION_SUFFIX.search(value):
            raise ValueError(f"id must not end in '@vN' (reserved for versions): {value!r}")
        return value

    @field_validator("text")
    @classmethod
    def _check_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text must not be blank")
        return value


class ArticleBatchIn(BaseModel):
    """Several articles stored and analysed together."""

    model_config = ConfigDict(extra="forbid")

    articles: list[ArticleIn] = Field(min_length=1, max_length=MAX_BATCH)


class CheckIn(BaseModel):
    """A pasted article to match against the store (never stored): text or HTML."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, description="Plain text of the article.")
    html: str | None = Field(
        default=None, description="The article's HTML page (no URL is fetched)."
    )
    title: str | None = None
    outlet: str | None = None
    published_at: datetime | None = None


class Open(BaseModel):
    """A response object that keeps fields it does not name."""

    model_config = ConfigDict(extra="allow")


class ChangeOut(Open):
    kind: str
    source_text: str
    derivative_text: str


class EdgeOut(Open):
    source: str
    derivative: str
    relation: str
    score: float
    changes: list[ChangeOut]
    evidence: list[str]


class FamilyOut(Open):
    id: str
    origin: str
    members: list[str]
    edges: list[EdgeOut]
    duplicate_groups: list[list[str]]


class ArticleOut(Open):
    id: str
    title: str | None
    outlet: str | None
    url: str | None
    published_at: str | None
    family: str | None
    source: str | None = Field(
        default=None, description="The article's parent in its family's graph."
    )
    relation: str | None = Field(default=None, description="How it derives from its source.")


class ArticleTextOut(ArticleOut):
    text: str


class IngestOut(Open):
    read: int
    added: int
    unchanged: int
    new_versions: int


class AnalysisOut(Open):
    articles: int
    featured: int
    candidates: int
    verified: int
    families: int


class AddArticlesOut(Open):
    ingest: IngestOut
    analysis: AnalysisOut
    articles: list[ArticleOut]


class FamilyPageOut(Open):
    total: int
    limit: int
    offset: int
    families: list[FamilyOut]


class FamilyDetailOut(FamilyOut):
    articles: list[ArticleOut]
    dot: str


class CheckMatchOut(Open):
    family: str | None
    comparison: dict[str, Any]


class CheckOut(Open):
    article: ArticleOut
    matches: list[CheckMatchOut]


class HealthOut(Open):
    status: str
    articles: int
    families: int
    schema_version: int | None
    version: str
