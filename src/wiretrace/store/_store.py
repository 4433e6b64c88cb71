"""The store: articles with their versions, derived data and story families."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, NamedTuple, Self

from sqlalchemy import Connection, Row, Subquery, Table, bindparam, exists, func, select
from sqlalchemy.exc import SQLAlchemyError

from wiretrace.errors import NotFoundError, SchemaError, StoreError, WiretraceError
from wiretrace.models import Article, Edge, Family, Relation
from wiretrace.store import _codec as codec
from wiretrace.store import _schema as schema
from wiretrace.store._engine import build_engine, parse_url
from wiretrace.store._migrations import migrate
from wiretrace.store._versions import Head, PutResult, plan_versions

logger = logging.getLogger(__name__)

_CHUNK = 500  # ids per IN (...) lookup and rows per executemany call
_SCAN_ABOVE = 2_000  # batches with more ids read all latest heads in one query


@dataclass(frozen=True, slots=True)
class FamilyFilter:
    """Which families a page of the families list holds, largest first.

    A family matches ``outlet`` when one member's latest version comes from it
    (case-insensitive), ``since``/``until`` when one member was published in that window,
    ``relation`` when one of its edges has it, and ``min_size`` by its member count.
    """

    outlet: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    relation: Relation | None = None
    min_size: int = 1
    limit: int = 50
    offset: int = 0

    def __post_init__(self) -> None:
        if self.limit < 0 or self.offset < 0 or self.min_size < 0:
            raise ValueError(
                f"limit, offset and min_size must be >= 0, got {self.limit}, {self.offset}, "
                f"{self.min_size}"
            )


class StoredComparison(NamedTuple):
    """A verified pair as stored, with the content hashes it was computed from."""

    a_id: str
    a_hash: str
    b_id: str
    b_hash: str
    comparison_json: str


class Store:
    """Persistence for wiretrace over SQLAlchemy Core (SQLite by default, PostgreSQL by URL).

    Opening a store creates the schema or migrates it to the current version.
    Every write method runs in one transaction: when it fails nothing of it is kept.
    """

    def __init__(self, url: str) -> None:
        """Open (create or migrate) the store at ``url``.

        Raises:
            StoreError: the URL is unusable or the database cannot be reached.
            SchemaError: the database was written by a newer wiretrace.
        """
        parsed = parse_url(url)
        self.url = parsed.render_as_string(hide_password=True)
        self._engine = build_engine(parsed)
        try:
            with self._transaction() as connection:
                old = migrate(connection)
        except SchemaError:
            self._engine.dispose()
            raise
        except WiretraceError as error:
            self._engine.dispose()
            raise StoreError(f"cannot open the store: {error}") from error
        if old != schema.SCHEMA_VERSION:
            logger.info("store %s migrated from v%d to v%d", self.url, old, schema.SCHEMA_VERSION)

    @classmethod
    def open(cls, url: str) -> Self:
        """Return the opened store at ``url`` (same as the constructor)."""
        return cls(url)

    @property
    def dialect(self) -> str:
        """The database backend's name: ``"sqlite"`` or ``"postgresql"``."""
        return str(self._engine.dialect.name)

    def close(self) -> None:
        """Release every connection of the store."""
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- articles -----------------------------------------------------------

    def put_articles(self, articles: Iterable[Article]) -> PutResult:
        """Store a batch of articles in one transaction; return what it changed.

        A known (id, text) pair changes nothing; a new text under a known id is
        stored as the next version; the same text under a new id is a new article.

        Raises:
            StoreError: the database refused the batch (nothing of it is kept).
        """
        batch = list(articles)
        with self._transaction() as connection:
            plan = plan_versions(batch, _latest_heads(connection, {a.id for a in batch}))
            latest = schema.articles.c.is_latest.is_(True)
            demote = (
                schema.articles.update()
                .where(schema.articles.c.id == bindparam("demoted_id"), latest)
                .values(is_latest=False)
            )
            _execute_many(connection, demote, [{"demoted_id": i} for i in plan.demote_ids])
            _execute_many(connection, schema.articles.insert(), plan.rows)
        return plan.result()

    def get_article(self, article_id: str, version: int | None = None) -> Article:
        """Return the article's latest version, or the given version.

        Raises:
            NotFoundError: no such article or version.
        """
        table = schema.articles
        query = select(table).where(table.c.id == article_id)
        if version is None:
            query = query.where(table.c.is_latest.is_(True))
        else:
            query = query.where(table.c.version == version)
        with self._transaction() as connection:
            row = connection.execute(query).first()
        if row is None:
            wanted = article_id if version is None else f"{article_id} version {version}"
            raise NotFoundError(f"article not found: {wanted}")
        return _article(row)

    def articles(self) -> list[Article]:
        """Return the latest version of every article, ordered by id."""
        table = schema.articles
        query = select(table).where(table.c.is_latest.is_(True)).order_by(table.c.id)
        with self._transaction() as connection:
            return [_article(row) for row in connection.execute(query)]

    def iter_articles(self, batch: int = 2000) -> Iterator[Article]:
        """Yield the latest version of every article, ordered by id, ``batch`` rows a query
        (a corpus larger than memory is read through, not loaded)."""
        table = schema.articles
        after: str | None = None
        while True:
            query = select(table).where(table.c.is_latest.is_(True))
            if after is not None:
                query = query.where(table.c.id > after)
            query = query.order_by(table.c.id).limit(batch)
            with self._transaction() as connection:
                found = [_article(row) for row in connection.execute(query)]
            yield from found
            if len(found) < batch:
                return
            after = found[-1].id

    def versions(self, article_id: str) -> list[tuple[int, Article]]:
        """Return every version of an article as (version, article), oldest first.

        Raises:
            NotFoundError: no such article.
        """
        table = schema.articles
        query = select(table).where(table.c.id == article_id).order_by(table.c.version)
        with self._transaction() as connection:
            found = [(int(row.version), _article(row)) for row in connection.execute(query)]
        if not found:
            raise NotFoundError(f"article not found: {article_id}")
        return found

    def older_versions(self) -> list[tuple[str, int, Article]]:
        """Return every non-latest version as (id, version, article), ordered by id and version."""
        table = schema.articles
        query = (
            select(table).where(table.c.is_latest.is_(False)).order_by(table.c.id, table.c.version)
        )
        with self._transaction() as connection:
            return [(row.id, int(row.version), _article(row)) for row in connection.execute(query)]

    def count_articles(self) -> int:
        """Return the number of distinct articles (versions not counted)."""
        table = schema.articles
        query = select(func.count()).select_from(table).where(table.c.is_latest.is_(True))
        with self._transaction() as connection:
            return int(connection.execute(query).scalar_one())

    # -- derived data -------------------------------------------------------

    def put_features(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Store (article_id, content_hash, features_json) rows, replacing older ones per id.

        Raises:
            StoreError: the database refused the rows (nothing of them is kept).
        """
        records = {
            article_id: {"article_id": article_id, "content_hash": digest, "features_json": data}
            for article_id, digest, data in rows
        }
        with self._transaction() as connection:
            _replace_rows(connection, schema.features, ("article_id",), list(records.values()))

    def count_features(self) -> int:
        """Return how many articles have stored features."""
        with self._transaction() as connection:
            found = connection.execute(select(func.count()).select_from(schema.features))
            return int(found.scalar_one())

    def features(self) -> dict[str, tuple[str, str]]:
        """Return article_id -> (content_hash, features_json), in id order."""
        table = schema.features
        query = select(table).order_by(table.c.article_id)
        with self._transaction() as connection:
            return {
                row.article_id: (row.content_hash, row.features_json)
                for row in connection.execute(query)
            }

    def iter_features(self, batch: int = 5000) -> Iterator[tuple[str, str, str]]:
        """Yield (article_id, content_hash, features_json) of every stored article's features,
        in id order, ``batch`` rows a query (never all of them in memory)."""
        table = schema.features
        after: str | None = None
        while True:
            query = select(table)
            if after is not None:
                query = query.where(table.c.article_id > after)
            query = query.order_by(table.c.article_id).limit(batch)
            with self._transaction() as connection:
                found = [
                    (row.article_id, row.content_hash, row.features_json)
                    for row in connection.execute(query)
                ]
            yield from found
            if len(found) < batch:
                return
            after = found[-1][0]

    def features_of(self, article_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """Return article_id -> (content_hash, features_json) of those of ``article_ids``
        that have stored features."""
        table = schema.features
        ordered = sorted(set(article_ids))
        found: dict[str, tuple[str, str]] = {}
        with self._transaction() as connection:
            for start in range(0, len(ordered), _CHUNK):
                query = select(table).where(table.c.article_id.in_(ordered[start : start + _CHUNK]))
                for row in connection.execute(query):
                    found[row.article_id] = (row.content_hash, row.features_json)
        return found

    def put_comparisons(self, rows: Iterable[tuple[str, str, str, str, str]]) -> None:
        """Store (a_id, a_hash, b_id, b_hash, comparison_json) rows, one current row per pair.

        The pair is keyed by (a_id, b_id) as given: callers put it in one order.

        Raises:
            StoreError: the database refused the rows (nothing of them is kept).
        """
        records = {(row[0], row[2]): StoredComparison(*row)._asdict() for row in rows}
        with self._transaction() as connection:
            _replace_rows(connection, schema.comparisons, ("a_id", "b_id"), list(records.values()))

    def comparisons_of(self, a_ids: Iterable[str]) -> list[StoredComparison]:
        """Return the stored comparisons whose first article is one of ``a_ids``, ordered by
        (a_id, b_id): a block of candidates' verdicts, without reading the whole table."""
        table = schema.comparisons
        ordered = sorted(set(a_ids))
        found: list[StoredComparison] = []
        with self._transaction() as connection:
            for start in range(0, len(ordered), _CHUNK):
                query = (
                    select(table)
                    .where(table.c.a_id.in_(ordered[start : start + _CHUNK]))
                    .order_by(table.c.a_id, table.c.b_id)
                )
                found.extend(
                    StoredComparison(r.a_id, r.a_hash, r.b_id, r.b_hash, r.comparison_json)
                    for r in connection.execute(query)
                )
        return found

    def comparisons(self) -> list[StoredComparison]:
        """Return every stored comparison, ordered by (a_id, b_id)."""
        table = schema.comparisons
        query = select(table).order_by(table.c.a_id, table.c.b_id)
        with self._transaction() as connection:
            return [
                StoredComparison(r.a_id, r.a_hash, r.b_id, r.b_hash, r.comparison_json)
                for r in connection.execute(query)
            ]

    # -- families -----------------------------------------------------------

    def replace_families(self, families: Sequence[Family]) -> None:
        """Replace every stored family, member and edge with these, in one transaction.

        Raises:
            StoreError: the database refused them (the previous families are kept).
        """
        with self._transaction() as connection:
            for table in (schema.edges, schema.family_members, schema.families):
                connection.execute(table.delete())
            _execute_many(connection, schema.families.insert(), _family_rows(families))
            _execute_many(connection, schema.family_members.insert(), _member_rows(families))
            _execute_many(connection, schema.edges.insert(), _edge_rows(families))

    def families(self) -> list[Family]:
        """Return every stored family, ordered by id."""
        with self._transaction() as connection:
            return _load_families(connection, None)

    def family(self, family_id: str) -> Family:
        """Return one family.

        Raises:
            NotFoundError: no family has this id.
        """
        with self._transaction() as connection:
            found = _load_families(connection, family_id)
        if not found:
            raise NotFoundError(f"family not found: {family_id}")
        return found[0]

    def count_families(self) -> int:
        """Return how many families are stored."""
        with self._transaction() as connection:
            found = connection.execute(select(func.count()).select_from(schema.families))
            return int(found.scalar_one())

    def family_page(self, wanted: FamilyFilter) -> tuple[int, list[Family]]:
        """Return how many families match ``wanted`` and its page of them, largest first
        (ties by id): the database filters, counts and pages; only the page is read."""
        matching = _matching_families(wanted)
        page = (
            select(matching.c.family_id)
            .order_by(matching.c.size.desc(), matching.c.family_id)
            .limit(wanted.limit)
            .offset(wanted.offset)
        )
        with self._transaction() as connection:
            total = int(connection.execute(select(func.count()).select_from(matching)).scalar_one())
            ids = [str(row.family_id) for row in connection.execute(page)]
            found = {f.id: f for f in _load_families(connection, None, ids)}
        return total, [found[i] for i in ids]

    def articles_by_id(self, ids: Iterable[str]) -> dict[str, Article]:
        """Return the latest version of each of these ids that is stored."""
        table = schema.articles
        ordered = sorted(set(ids))
        found: dict[str, Article] = {}
        with self._transaction() as connection:
            for start in range(0, len(ordered), _CHUNK):
                query = select(table).where(
                    table.c.is_latest.is_(True), table.c.id.in_(ordered[start : start + _CHUNK])
                )
                found.update((row.id, _article(row)) for row in connection.execute(query))
        return found

    def family_of(self, article_id: str) -> str | None:
        """Return the id of the family the article belongs to, or None."""
        table = schema.family_members
        query = (
            select(table.c.family_id)
            .where(table.c.article_id == article_id)
            .order_by(table.c.family_id)
            .limit(1)
        )
        with self._transaction() as connection:
            found = connection.execute(query).scalar()
        return None if found is None else str(found)

    # -- plumbing -----------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        try:
            with self._engine.begin() as connection:
                yield connection
        except SQLAlchemyError as error:
            cause = getattr(error, "orig", None) or error
            message = str(cause).strip().splitlines()[0] if str(cause).strip() else repr(cause)
            raise StoreError(f"{self.url}: {type(cause).__name__}: {message}") from error


def _latest_heads(connection: Connection, ids: set[str]) -> dict[str, Head]:
    """Return the stored latest version of each of these ids that is known."""
    table = schema.articles
    columns = select(table.c.id, table.c.version, table.c.content_hash).where(
        table.c.is_latest.is_(True)
    )
    if len(ids) > _SCAN_ABOVE:
        # One pass over the narrow head columns beats many IN lookups for big batches
        # and does not depend on the planner having statistics after a bulk load.
        queries = [columns]
    else:
        ordered = sorted(ids)
        queries = [
            columns.where(table.c.id.in_(ordered[start : start + _CHUNK]))
            for start in range(0, len(ordered), _CHUNK)
        ]
    heads: dict[str, Head] = {}
    for query in queries:
        for row in connection.execute(query):
            if row.id in ids:
                heads[row.id] = Head(int(row.version), row.content_hash)
    return heads


def _execute_many(connection: Connection, statement: Any, rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), _CHUNK):
        connection.execute(statement, list(rows[start : start + _CHUNK]))


def _replace_rows(
    connection: Connection, table: Table, keys: tuple[str, ...], rows: Sequence[dict[str, Any]]
) -> None:
    """Delete the rows with these keys, then insert them (a portable upsert)."""
    condition = [table.c[key] == bindparam(f"old_{key}") for key in keys]
    old_keys = [{f"old_{key}": row[key] for key in keys} for row in rows]
    _execute_many(connection, table.delete().where(*condition), old_keys)
    _execute_many(connection, table.insert(), rows)


def _article(row: Row[Any]) -> Article:
    return Article(
        id=row.id,
        text=row.text,
        title=row.title,
        outlet=row.outlet,
        url=row.url,
        published_at=row.published_at,
    )


def _family_rows(families: Sequence[Family]) -> list[dict[str, Any]]:
    return [
        {
            "id": family.id,
            "origin": family.origin,
            "duplicate_groups_json": codec.groups_to_json(family.duplicate_groups),
        }
        for family in families
    ]


def _member_rows(families: Sequence[Family]) -> list[dict[str, Any]]:
    return [
        {"family_id": family.id, "article_id": member, "position": position}
        for family in families
        for position, member in enumerate(family.members)
    ]


def _edge_rows(families: Sequence[Family]) -> list[dict[str, Any]]:
    return [
        {
            "family_id": family.id,
            "position": position,
            "source": edge.source,
            "derivative": edge.derivative,
            "relation": edge.relation.value,
            "score": edge.score,
            "changes_json": codec.changes_to_json(edge.changes),
            "evidence_json": codec.strings_to_json(edge.evidence),
        }
        for family in families
        for position, edge in enumerate(family.edges)
    ]


def _matching_families(wanted: FamilyFilter) -> Subquery:
    """Return a query of (family_id, size) of the families ``wanted`` matches."""
    members_t, articles_t, edges_t = schema.family_members, schema.articles, schema.edges
    size = func.count(members_t.c.article_id).label("size")
    query = select(members_t.c.family_id, size).group_by(members_t.c.family_id)
    if wanted.min_size > 1:
        query = query.having(func.count(members_t.c.article_id) >= wanted.min_size)
    member = members_t.alias("member")
    member_article = (
        select(member.c.family_id)
        .join(articles_t, articles_t.c.id == member.c.article_id)
        .where(articles_t.c.is_latest.is_(True))
    )
    if wanted.outlet:
        by_outlet = member_article.where(
            func.lower(articles_t.c.outlet) == wanted.outlet.casefold()
        )
        query = query.where(members_t.c.family_id.in_(by_outlet))
    if wanted.since is not None or wanted.until is not None:
        in_window = member_article
        if wanted.since is not None:
            in_window = in_window.where(articles_t.c.published_at >= wanted.since)
        if wanted.until is not None:
            in_window = in_window.where(articles_t.c.published_at <= wanted.until)
        query = query.where(members_t.c.family_id.in_(in_window))
    if wanted.relation is not None:
        query = query.where(
            exists().where(
                edges_t.c.family_id == members_t.c.family_id,
                edges_t.c.relation == wanted.relation.value,
            )
        )
    return query.subquery()


def _load_families(
    connection: Connection, family_id: str | None, family_ids: Sequence[str] | None = None
) -> list[Family]:
    """Return the stored families, ordered by id: all, the one ``family_id`` names, or those
    of ``family_ids``."""
    families_t, members_t, edges_t = schema.families, schema.family_members, schema.edges
    family_query = select(families_t).order_by(families_t.c.id)
    member_query = select(members_t).order_by(members_t.c.family_id, members_t.c.position)
    edge_query = select(edges_t).order_by(edges_t.c.family_id, edges_t.c.position)
    if family_id is not None:
        family_ids = [family_id]
    if family_ids is not None:
        family_query = family_query.where(families_t.c.id.in_(family_ids))
        member_query = member_query.where(members_t.c.family_id.in_(family_ids))
        edge_query = edge_query.where(edges_t.c.family_id.in_(family_ids))
    members: dict[str, list[str]] = {}
    for row in connection.execute(member_query):
        members.setdefault(row.family_id, []).append(row.article_id)
    edges: dict[str, list[Edge]] = {}
    for row in connection.execute(edge_query):
        edges.setdefault(row.family_id, []).append(_edge(row))
    return [
        Family(
            id=row.id,
            origin=row.origin,
            members=tuple(members.get(row.id, ())),
            edges=tuple(edges.get(row.id, ())),
            duplicate_groups=codec.groups_from_json(row.duplicate_groups_json),
        )
        for row in connection.execute(family_query)
    ]


def _edge(row: Row[Any]) -> Edge:
    try:
        relation = Relation(row.relation)
    except ValueError as error:
        raise StoreError(f"stored edge has an unknown relation: {row.relation!r}") from error
    return Edge(
        source=row.source,
        derivative=row.derivative,
        relation=relation,
        score=float(row.score),
        changes=codec.changes_from_json(row.changes_json),
        evidence=codec.strings_from_json(row.evidence_json),
    )
