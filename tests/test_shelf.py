"""The article shelf: an analysis's texts held compressed, given back unchanged."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime
from pathlib import Path

import pytest

from wiretrace.models import Article
from wiretrace.shelf import ArticleShelf


def _sample(sample_dir: Path) -> list[Article]:
    return [
        Article(
            path.stem,
            path.read_text(encoding="utf-8"),
            title=f"title of {path.stem}",
            outlet="The Courier",
            url=f"https://example.org/{path.stem}",
            published_at=datetime(2025, 3, 1, 9, 30, tzinfo=UTC),
        )
        for path in sorted((sample_dir / "articles").glob("*.txt"))
    ]


def test_articles_come_back_equal_with_their_hash_and_smaller(sample_dir: Path) -> None:
    articles = _sample(sample_dir)
    shelf = ArticleShelf(reversed(articles))
    assert len(shelf) == len(articles)
    assert list(shelf) == shelf.ids == sorted(a.id for a in articles)
    for article in articles:
        back = shelf[article.id]
        assert back == article
        assert back._hash == article.content_hash  # known, not computed again
        assert shelf.content_hash(article.id) == article.content_hash
        assert article.id in shelf
    assert "nothing" not in shelf
    with pytest.raises(KeyError):
        shelf["nothing"]
    raw = sum(len(a.text.encode("utf-8")) for a in articles)
    assert shelf.compressed_bytes() < 0.6 * raw  # news prose compresses ~2.5x


def test_a_shelf_replaces_an_id_and_reads_sequences_and_subsets(sample_dir: Path) -> None:
    articles = _sample(sample_dir)
    shelf = ArticleShelf(articles)
    first = articles[0]
    changed = Article(first.id, first.text + "\nA correction was appended.")
    shelf.add(changed)
    assert len(shelf) == len(articles) and shelf[first.id] == changed
    assert shelf.content_hash(first.id) == changed.content_hash
    wanted = [articles[3].id, articles[1].id]
    view = shelf.sequence(wanted)
    assert len(view) == 2 and view[0] == articles[3] and view[1:] == [articles[1]]
    part = pickle.loads(pickle.dumps(shelf.subset(wanted)))  # what a spawned worker gets
    assert part.ids == sorted(wanted) and part[articles[1].id] == articles[1]


def test_metadata_comes_back_whatever_it_holds() -> None:
    articles = [
        Article("bare", "Only a text, no metadata at all."),
        Article(
            "full",
            "Un texte accentu\u00e9 \u2014 with \u201cquotes\u201d and an emoji \U0001f4f0.",
            title="T\u00edtulo: \u201cquoted\u201d",
            outlet="",
            url="https://example.org/a?b=c&d=\u00e9",
            published_at=datetime(2024, 2, 29, 23, 59, 58, 123456),  # naive, microseconds
        ),
        Article("zone", "", title=None, published_at=datetime(2025, 1, 1, 8, tzinfo=UTC)),
    ]
    shelf = pickle.loads(pickle.dumps(ArticleShelf(articles)))
    for article in articles:
        back = shelf[article.id]
        assert back == article
        assert back.published_at == article.published_at
        assert (back.published_at is None) == (article.published_at is None)
        if article.published_at is not None and back.published_at is not None:
            assert back.published_at.tzinfo == article.published_at.tzinfo
    assert shelf["full"].outlet == "" and shelf["bare"].outlet is None


def test_a_shelf_in_a_temporary_file_gives_back_the_same_articles(
    sample_dir: Path, tmp_path: Path
) -> None:
    articles = _sample(sample_dir)
    held, spilled = ArticleShelf(articles), ArticleShelf(articles, spill_dir=str(tmp_path))
    assert spilled.compressed_bytes() == held.compressed_bytes()
    for article in articles:
        assert spilled[article.id] == article == held[article.id]
        assert spilled.content_hash(article.id) == article.content_hash
    wanted = [articles[2].id, articles[0].id]
    part = pickle.loads(pickle.dumps(spilled.subset(wanted)))  # what a spawned worker gets
    assert part.ids == sorted(wanted) and part[articles[0].id] == articles[0]
    spilled.close()
    assert list(tmp_path.iterdir()) == []  # the file was unlinked from the start
    with pytest.raises(ValueError, match="closed"):
        spilled[articles[0].id]
