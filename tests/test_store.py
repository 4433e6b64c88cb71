"""The store on real SQLite and real PostgreSQL: the same tests run on both."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wiretrace.errors import NotFoundError, SchemaError, StoreError
from wiretrace.models import Article, Change, ChangeKind, Edge, Family, Relation, content_hash
from wiretrace.store import SCHEMA_VERSION, FamilyFilter, Store


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store(store_url) as opened:
        yield opened


def _raw_engine(url: str) -> sa.Engine:
    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def _story(article_id: str, text: str, **metadata: object) -> Article:
    return Article(id=article_id, text=text, **metadata)  # type: ignore[arg-type]


# -- articles and versions ----------------------------------------------------


def test_putting_the_same_batch_twice_changes_nothing(store: Store) -> None:
    batch = [_story("afp-1", "Maduro spoke with Trump."), _story("blog-2", "A paraphrase.")]
    first = store.put_articles(batch)
    second = store.put_articles(batch)
    assert (first.added, first.unchanged, first.new_versions) == (2, 0, 0)
    assert first.changed_ids == ("afp-1", "blog-2")
    assert (second.added, second.unchanged, second.new_versions) == (0, 2, 0)
    assert second.changed_ids == ()
    assert store.count_articles() == 2
    assert store.older_versions() == []


def test_changed_text_is_stored_as_a_new_version(store: Store) -> None:
    store.put_articles([_story("afp-1", "Trump confirmed a call.")])
    result = store.put_articles([_story("afp-1", "UPDATE 1: Trump confirmed a call on Sunday.")])
    assert (result.added, result.new_versions, result.changed_ids) == (0, 1, ("afp-1",))
    assert store.get_article("afp-1").text == "UPDATE 1: Trump confirmed a call on Sunday."
    assert store.get_article("afp-1", version=1).text == "Trump confirmed a call."
    assert [version for version, _ in store.versions("afp-1")] == [1, 2]
    older = store.older_versions()
    assert [(article_id, version) for article_id, version, _ in older] == [("afp-1", 1)]
    assert store.count_articles() == 1


def test_one_batch_may_hold_several_versions_of_an_article(store: Store) -> None:
    result = store.put_articles(
        [_story("wire", "v1"), _story("wire", "v2"), _story("wire", "v2"), _story("wire", "v3")]
    )
    assert (result.added, result.new_versions, result.unchanged) == (1, 2, 1)
    assert [a.text for _, a in store.versions("wire")] == ["v1", "v2", "v3"]
    assert store.get_article("wire").text == "v3"
    assert [a.text for a in store.articles()] == ["v3"]


def test_the_same_text_under_a_new_id_is_a_new_article(store: Store) -> None:
    text = "CARACAS: US President Donald Trump confirmed on Sunday..."
    store.put_articles([_story("outlet-a", text), _story("outlet-b", text)])
    assert [a.id for a in store.articles()] == ["outlet-a", "outlet-b"]
    assert store.get_article("outlet-b").content_hash == content_hash(text)


def test_articles_are_listed_by_id_with_metadata(store: Store) -> None:
    published = datetime(2025, 12, 1, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    store.put_articles(
        [
            _story(
                "b", "second", title="T", outlet="AFP", url="https://x/b", published_at=published
            ),
            _story("a", "first"),
        ]
    )
    listed = store.articles()
    assert [a.id for a in listed] == ["a", "b"]
    assert listed[1] == _story(
        "b", "second", title="T", outlet="AFP", url="https://x/b", published_at=published
    )
    assert listed[1].published_at is not None
    assert listed[1].published_at.utcoffset() == timedelta(0)
    assert listed[1].published_at == datetime(2025, 12, 1, 14, 30, tzinfo=UTC)


def test_unknown_ids_raise_not_found(store: Store) -> None:
    store.put_articles([_story("known", "text")])
    with pytest.raises(NotFoundError, match="missing"):
        store.get_article("missing")
    with pytest.raises(NotFoundError, match="version 7"):
        store.get_article("known", version=7)
    with pytest.raises(NotFoundError):
        store.versions("missing")
    with pytest.raises(NotFoundError, match="no-family"):
        store.family("no-family")
    assert store.family_of("known") is None


def test_a_failed_batch_keeps_what_was_stored_before(store: Store) -> None:
    store.put_articles([_story("kept", "original text")])
    bad = _story("broken", "text", published_at="yesterday")
    with pytest.raises(StoreError, match="published_at must be a datetime"):
        store.put_articles([_story("kept", "edited text"), _story("new", "fresh"), bad])
    assert [a.id for a in store.articles()] == ["kept"]
    assert store.get_article("kept").text == "original text"
    assert store.older_versions() == []
    assert store.put_articles([_story("kept", "edited text")]).new_versions == 1


# -- derived data ---------------------------------------------------------------


def test_features_keep_one_current_row_per_article(store: Store) -> None:
    store.put_features([("a", "h1", '{"n": 1}'), ("b", "h2", '{"n": 2}')])
    store.put_features([("a", "h3", '{"n": 3}'), ("a", "h4", '{"n": 4}')])
    assert store.features() == {"a": ("h4", '{"n": 4}'), "b": ("h2", '{"n": 2}')}


def test_features_and_articles_are_read_through_in_batches(store: Store) -> None:
    rows = [(f"a{n:02d}", f"h{n}", f'{{"n": {n}}}') for n in range(23)]
    store.put_features(reversed(rows))
    assert list(store.iter_features(batch=5)) == rows  # id order, across 5 queries
    assert list(store.iter_features(batch=23)) == rows  # a batch exactly full
    assert store.features_of(["a03", "a17", "zz", "a03"]) == {
        "a03": ("h3", '{"n": 3}'),
        "a17": ("h17", '{"n": 17}'),
    }
    assert store.features_of([]) == {}
    store.put_articles([_story(f"s{n:02d}", f"text {n}") for n in range(7)])
    store.put_articles([_story("s03", "text 3, edited")])
    read = list(store.iter_articles(batch=3))
    assert [a.id for a in read] == [f"s{n:02d}" for n in range(7)]
    assert read[3].text == "text 3, edited"  # the latest version only


def test_comparisons_keep_one_current_row_per_pair(store: Store) -> None:
    store.put_comparisons([("a", "ha", "b", "hb", "{}"), ("a", "ha", "c", "hc", '{"x": 1}')])
    store.put_comparisons([("a", "ha2", "b", "hb", '{"y": 2}')])
    rows = store.comparisons()
    assert [(r.a_id, r.a_hash, r.b_id, r.b_hash, r.comparison_json) for r in rows] == [
        ("a", "ha2", "b", "hb", '{"y": 2}'),
        ("a", "ha", "c", "hc", '{"x": 1}'),
    ]
    a_id, _, b_id, _, _ = rows[0]
    assert (a_id, b_id) == ("a", "b")
    assert [(r.a_id, r.b_id) for r in store.comparisons_of(["a", "z"])] == [("a", "b"), ("a", "c")]
    assert store.comparisons_of(["b"]) == [] and store.comparisons_of([]) == []


# -- families --------------------------------------------------------------------


def _venezuela_family() -> Family:
    number = Change(ChangeKind.NUMBER, "$50 million", "$5 million", "reward changed")
    hedge = Change(ChangeKind.HEDGE, "said", "reportedly said")
    return Family(
        id="fam-venezuela",
        origin="000",
        members=("000", "003", "001", "004"),
        edges=(
            Edge("000", "003", Relation.EXCERPT, 0.91, (), ("shared 14 sentences",)),
            Edge("000", "004", Relation.PARAPHRASE, 0.62, (number, hedge), ("e1", "e2")),
            Edge("000", "001", Relation.CONDENSED, 0.5),
        ),
        duplicate_groups=(("003", "003b"),),
    )


def test_families_round_trip_with_enums_and_order(store: Store) -> None:
    other = Family(id="fam-other", origin="x", members=("x",))
    store.replace_families([_venezuela_family(), other])
    assert store.families() == [other, _venezuela_family()]
    assert store.family("fam-venezuela") == _venezuela_family()
    assert store.family_of("004") == "fam-venezuela"
    assert store.family_of("nobody") is None


def test_the_families_list_is_filtered_counted_and_paged_in_the_database(store: Store) -> None:
    day = datetime(2025, 6, 1, tzinfo=UTC)
    store.put_articles(
        [
            _story("w1", "Wire text.", outlet="AFP", published_at=day),
            _story("b1", "Blog text.", outlet="Blog", published_at=day + timedelta(days=3)),
            _story("w2", "Other wire text.", outlet="AFP", published_at=day + timedelta(days=9)),
            _story("s1", "Alone.", outlet="Solo", published_at=day),
        ]
    )
    copy = Edge("w1", "b1", Relation.VERBATIM, 1.0)
    large = Family(id="fam-large", origin="w1", members=("w1", "b1", "b1-old"), edges=(copy,))
    small = Family(id="fam-small", origin="w2", members=("w2", "x2"))
    alone = Family(id="fam-alone", origin="s1", members=("s1",))
    store.replace_families([alone, small, large])

    def page(**wanted: object) -> tuple[int, list[str]]:
        total, families = store.family_page(FamilyFilter(**wanted))  # type: ignore[arg-type]
        return total, [f.id for f in families]

    assert page() == (3, ["fam-large", "fam-small", "fam-alone"])  # largest first, then by id
    assert store.count_families() == 3
    assert page(limit=1, offset=1) == (3, ["fam-small"])
    assert page(min_size=2) == (2, ["fam-large", "fam-small"])
    assert page(outlet="afp") == (2, ["fam-large", "fam-small"])
    assert page(relation=Relation.VERBATIM) == (1, ["fam-large"])
    assert page(since=day + timedelta(days=2), until=day + timedelta(days=5)) == (1, ["fam-large"])
    assert page(outlet="Solo", min_size=2) == (0, [])
    assert store.family_page(FamilyFilter(limit=1))[1] == [large]
    assert set(store.articles_by_id(["w1", "s1", "missing"])) == {"w1", "s1"}
    with pytest.raises(ValueError, match="must be >= 0"):
        FamilyFilter(offset=-1)


def test_replacing_families_drops_the_old_ones(store: Store) -> None:
    store.replace_families([_venezuela_family()])
    replacement = Family(id="fam-new", origin="001", members=("001", "000"))
    store.replace_families([replacement])
    assert store.families() == [replacement]
    assert store.family_of("004") is None
    with pytest.raises(NotFoundError):
        store.family("fam-venezuela")


def test_a_failed_family_replacement_keeps_the_old_families(store: Store) -> None:
    store.replace_families([_venezuela_family()])
    clash = Family(id="dup", origin="a", members=("a",))
    with pytest.raises(StoreError):
        store.replace_families([clash, clash])
    assert store.families() == [_venezuela_family()]


# -- schema and connection -----------------------------------------------------------


def test_a_version_1_database_is_migrated(store_url: str) -> None:
    engine = _raw_engine(store_url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE schema_version (version INTEGER NOT NULL)"))
        connection.execute(sa.text("INSERT INTO schema_version (version) VALUES (1)"))
        connection.execute(
            sa.text(
                "CREATE TABLE articles (id VARCHAR NOT NULL, version INTEGER NOT NULL, "
                "content_hash VARCHAR(64) NOT NULL, text TEXT NOT NULL, title TEXT, "
                "outlet TEXT, url TEXT, published_at TIMESTAMP WITH TIME ZONE, "
                "is_latest BOOLEAN NOT NULL, PRIMARY KEY (id, version))"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO articles (id, version, content_hash, text, is_latest) "
                "VALUES ('old', 1, :digest, 'stored by v1', :latest)"
            ),
            {"digest": content_hash("stored by v1"), "latest": True},
        )
    engine.dispose()
    with Store(store_url) as migrated:
        assert migrated.get_article("old").text == "stored by v1"
        migrated.put_features([("old", content_hash("stored by v1"), "{}")])
        migrated.replace_families([Family(id="f", origin="old", members=("old",))])
        assert migrated.family_of("old") == "f"
    engine = _raw_engine(store_url)
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT version FROM schema_version")).scalars()
        assert list(stored) == [SCHEMA_VERSION]
    engine.dispose()


def test_a_newer_schema_version_is_refused(store_url: str) -> None:
    Store(store_url).close()
    engine = _raw_engine(store_url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE schema_version SET version = 99"))
    engine.dispose()
    with pytest.raises(SchemaError, match="99"):
        Store(store_url)


def test_reopening_keeps_the_data(store_url: str) -> None:
    with Store(store_url) as first:
        first.put_articles([_story("a", "kept across opens")])
    with Store(store_url) as second:
        assert second.get_article("a").text == "kept across opens"


def test_an_unreachable_server_raises_a_store_error() -> None:
    with pytest.raises(StoreError, match="cannot open the store"):
        Store("postgresql://postgres@127.0.0.1:1/test")


def test_a_bad_url_raises_a_store_error() -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        Store("no-such-scheme")


def test_sqlite_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'wal.sqlite'}"
    with Store(url) as opened:
        assert opened.dialect == "sqlite"
        with opened._engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_in_memory_sqlite_keeps_data_between_calls() -> None:
    with Store("sqlite://") as memory:
        memory.put_articles([_story("a", "in memory")])
        assert memory.count_articles() == 1


# -- property: the store gives back what was put in -------------------------------------

_stored_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    min_size=1,
    max_size=60,
)
_offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
_published = st.datetimes(
    min_value=datetime(1900, 1, 2), max_value=datetime(2200, 1, 1), timezones=_offsets
)
_articles = st.lists(
    st.builds(
        Article,
        id=st.just(""),
        text=_stored_text,
        title=st.none() | _stored_text,
        outlet=st.none() | _stored_text,
        url=st.none() | _stored_text,
        published_at=st.none() | _published,
    ),
    max_size=6,
)
_example_numbers = itertools.count()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(batch=_articles)
def test_store_gives_back_what_was_put_in(store: Store, batch: list[Article]) -> None:
    prefix = f"ex{next(_example_numbers)}-"
    named = [
        Article(f"{prefix}{i}", a.text, a.title, a.outlet, a.url, a.published_at)
        for i, a in enumerate(batch)
    ]
    result = store.put_articles(named)
    assert result.added == len(named)
    for article in named:
        assert store.get_article(article.id) == article
        assert store.versions(article.id) == [(1, article)]


_ids = st.text(alphabet="abcdef0123456789-", min_size=1, max_size=8)
_changes = st.builds(
    Change,
    kind=st.sampled_from(ChangeKind),
    source_text=_stored_text,
    derivative_text=_stored_text,
    note=st.text(max_size=10),
)
_edges = st.builds(
    Edge,
    source=_ids,
    derivative=_ids,
    relation=st.sampled_from(Relation),
    score=st.floats(min_value=0.0, max_value=1.0),
    changes=st.lists(_changes, max_size=3).map(tuple),
    evidence=st.lists(_stored_text, max_size=3).map(tuple),
)
_families = st.lists(
    st.builds(
        Family,
        id=_ids,
        origin=_ids,
        members=st.lists(_ids, min_size=1, max_size=4, unique=True).map(tuple),
        edges=st.lists(_edges, max_size=3).map(tuple),
        duplicate_groups=st.lists(st.lists(_ids, max_size=3).map(tuple), max_size=2).map(tuple),
    ),
    max_size=4,
    unique_by=lambda family: family.id,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(families=_families)
def test_families_come_back_as_they_were_put(store: Store, families: list[Family]) -> None:
    store.replace_families(families)
    assert store.families() == sorted(families, key=lambda family: family.id)
    for family in families:
        assert store.family(family.id) == family


def test_an_articles_content_hash_is_its_texts_and_follows_a_replaced_text() -> None:
    from dataclasses import replace

    article = Article("a", "First text.")
    assert article.content_hash == content_hash("First text.")
    assert article.content_hash == content_hash("First text.")  # read again: the kept one
    changed = replace(article, text="Second text.")
    assert changed.content_hash == content_hash("Second text.")
    # the kept hash is no part of equality or of the printed form
    assert article == Article("a", "First text.")
    assert "_hash" not in repr(article)
