"""The tables of the store (SQLAlchemy Core), current schema version.

A table definition here must only change together with a new migration step in
``_migrations.py`` that brings an older database to the new shape.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Dialect,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator

SCHEMA_VERSION = 2


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend.

    SQLite keeps no offset, so values are converted to UTC before they are
    written and marked UTC when read; a naive datetime is taken as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"published_at must be a datetime, got {value!r}")
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        utc = aware.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("id", String, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("content_hash", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("title", Text),
    Column("outlet", Text),
    Column("url", Text),
    Column("published_at", UtcDateTime),
    Column("is_latest", Boolean, nullable=False),
    Index("ix_articles_latest", "is_latest", "id"),
    Index("ix_articles_content_hash", "content_hash"),
)

# Derived data: one current row per article (or pair), stamped with the content
# hashes it was computed from so a caller can tell whether it is stale.
features = Table(
    "features",
    metadata,
    Column("article_id", String, primary_key=True),
    Column("content_hash", String(64), nullable=False),
    Column("features_json", Text, nullable=False),
)

comparisons = Table(
    "comparisons",
    metadata,
    Column("a_id", String, primary_key=True),
    Column("b_id", String, primary_key=True),
    Column("a_hash", String(64), nullable=False),
    Column("b_hash", String(64), nullable=False),
    Column("comparison_json", Text, nullable=False),
)

families = Table(
    "families",
    metadata,
    Column("id", String, primary_key=True),
    Column("origin", String, nullable=False),
    Column("duplicate_groups_json", Text, nullable=False),
)

family_members = Table(
    "family_members",
    metadata,
    Column("family_id", String, ForeignKey("families.id", ondelete="CASCADE"), primary_key=True),
    Column("article_id", String, primary_key=True),
    Column("position", Integer, nullable=False),
    Index("ix_family_members_article", "article_id"),
)

edges = Table(
    "edges",
    metadata,
    Column("family_id", String, ForeignKey("families.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("source", String, nullable=False),
    Column("derivative", String, nullable=False),
    Column("relation", String, nullable=False),
    Column("score", Double, nullable=False),
    Column("changes_json", Text, nullable=False),
    Column("evidence_json", Text, nullable=False),
)
