"""The readers: every format, every bad input reported with file and line, good records kept."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.errors import InputError
from wiretrace.ingest import read_inputs, split_title
from wiretrace.models import Article


def _read(*paths: Path, max_chars: int = 500_000) -> tuple[list[Article], list[InputError]]:
    articles: list[Article] = []
    errors: list[InputError] = []
    for item in read_inputs(list(paths), max_chars=max_chars):
        if isinstance(item, InputError):
            errors.append(item)
        else:
            articles.append(item)
    return articles, errors


def _write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _jsonl(*records: object) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


# -- the seeds ----------------------------------------------------------------------


def test_the_seed_folder_reads_as_five_articles_named_by_stem(seeds_dir: Path) -> None:
    articles, errors = _read(seeds_dir)
    assert errors == []
    assert [a.id for a in articles] == sorted(p.stem for p in seeds_dir.glob("*.txt"))
    assert len(articles) == 5
    blog = articles[2]
    assert blog.title == (
        "Trump Confirms Call With Maduro as Venezuela Condemns Rising U.S. Military Pressure"
    )
    assert blog.text.count(blog.title) == 1  # the page repeats its headline once, kept
    assert articles[0].title is None
    assert articles[0].text.startswith("CARACAS: US President Donald Trump")


# -- plain text and titles --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title", "body"),
    [
        ("Trump confirms call\n\nCARACAS: Body.", "Trump confirms call", "CARACAS: Body."),
        ("# Markdown heading\n\nBody.", "Markdown heading", "Body."),
        ('Maduro: "We will resist."\n\nBody.', 'Maduro: "We will resist."', "Body."),
        ("A full first sentence.\n\nBody.", None, "A full first sentence.\n\nBody."),
        ("CARACAS:\n\nBody.", None, "CARACAS:\n\nBody."),
        ("First line\nsecond line\n\nBody.", None, "First line\nsecond line\n\nBody."),
        ("Only a title line\n\n", None, "Only a title line"),
        ("x" * 201 + "\n\nBody.", None, "x" * 201 + "\n\nBody."),
        ("\n\nHeadline after blanks\n\n  Body.  \n", "Headline after blanks", "Body."),
    ],
)
def test_title_detection(text: str, title: str | None, body: str) -> None:
    assert split_title(text) == (title, body)


@given(st.text(alphabet=st.sampled_from('ab .:#"\n'), max_size=40))
def test_split_title_never_loses_words(text: str) -> None:
    title, body = split_title(text)
    if title is None:
        assert body == text.strip()
    else:
        assert len(title) <= 200
        assert body
        assert body in text


def test_plain_text_handles_bom_crlf_and_markdown(tmp_path: Path) -> None:
    _write(tmp_path / "wire.txt", "\ufeffHeadline here\r\n\r\nLine one.\r\nLine two.\r\n".encode())
    _write(tmp_path / "post.md", "## Post title\n\nMarkdown body.\n")
    articles, errors = _read(tmp_path)
    assert errors == []
    assert [(a.id, a.title, a.text) for a in articles] == [
        ("post", "Post title", "Markdown body."),
        ("wire", "Headline here", "Line one.\nLine two."),
    ]


def test_sidecar_metadata_fills_in_files_of_that_folder(tmp_path: Path) -> None:
    _write(tmp_path / "afp.txt", "Detected title\n\nBody of the wire story.")
    _write(tmp_path / "blog.txt", "Blog body.")
    _write(
        tmp_path / "meta.jsonl",
        _jsonl(
            {"id": "afp", "outlet": "AFP", "url": "https://afp.example/1",
             "published_at": "2025-12-01T10:00:00+02:00"},
            {"id": "blog", "title": "Blog title", "published_at": "2025-12-02"},
            {"title": "no id here"},
        ),
    )  # fmt: skip
    articles, errors = _read(tmp_path)
    assert [a.id for a in articles] == ["afp", "blog"]
    afp, blog = articles
    assert (afp.title, afp.outlet, afp.url) == ("Detected title", "AFP", "https://afp.example/1")
    assert afp.published_at == datetime(2025, 12, 1, 8, 0, tzinfo=UTC)
    assert (blog.title, blog.published_at) == ("Blog title", datetime(2025, 12, 2, tzinfo=UTC))
    assert [(e.path, e.line) for e in errors] == [(str(tmp_path / "meta.jsonl"), 3)]
    assert "no 'id'" in str(errors[0])


def test_folders_are_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    for name in ("b/z.txt", "b/a.txt", "a/nested/deep.txt", "c.txt", "a.txt", ".hidden/x.txt"):
        _write(tmp_path / name, f"Text of {name}.")
    _write(tmp_path / ".DS_Store", b"\x00\x01")
    first = [a.id for a in _read(tmp_path)[0]]
    # a folder's files, then its subfolders; a subfolder's files are named by their path in it
    assert first == ["a", "c", "a/nested/deep", "b/a", "b/z"]
    texts = [a.text for a in _read(tmp_path)[0]]
    assert texts[2:4] == ["Text of a/nested/deep.txt.", "Text of b/a.txt."]
    assert [a.id for a in _read(tmp_path)[0]] == first


def test_files_of_one_name_in_two_subfolders_are_two_articles(tmp_path: Path) -> None:
    _write(tmp_path / "afp" / "story.txt", "The wire's text of the story.")
    _write(tmp_path / "blog" / "story.txt", "The blog's text of another story.")
    _write(tmp_path / "blog" / "meta.jsonl", _jsonl({"id": "story", "outlet": "Blog"}))
    articles, errors = _read(tmp_path)
    assert errors == []
    assert [(a.id, a.outlet) for a in articles] == [("afp/story", None), ("blog/story", "Blog")]
    # a file given directly keeps its stem, as before
    direct, _ = _read(tmp_path / "afp" / "story.txt")
    assert [a.id for a in direct] == ["story"]


def test_paths_are_read_in_the_order_given(tmp_path: Path) -> None:
    second = _write(tmp_path / "second.txt", "Two.")
    first = _write(tmp_path / "first.txt", "One.")
    assert [a.id for a in _read(second, first)[0]] == ["second", "first"]


# -- JSON Lines ------------------------------------------------------------------------------


def test_jsonl_records_and_every_bad_line(tmp_path: Path) -> None:
    good = {"id": "r1", "text": "Good record.", "outlet": "Reuters", "extra": [1, 2]}
    lines = [
        json.dumps(good),  # 1
        "",  # 2: blank lines are skipped
        "{not json",  # 3
        json.dumps(["a", "list"]),  # 4
        json.dumps({"id": "r5", "title": "no text"}),  # 5
        json.dumps({"id": "r6", "text": "   "}),  # 6
        json.dumps({"text": "x" * 50}),  # 7: oversize with max_chars=40
        json.dumps({"text": "Bad date.", "published_at": "yesterday"}),  # 8
        json.dumps({"id": 9, "text": "Numeric id, no metadata."}),  # 9
        json.dumps({"text": "No id at all."}),  # 10
    ]
    path = _write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    articles, errors = _read(path, max_chars=40)
    assert [(a.id, a.text) for a in articles] == [
        ("r1", "Good record."),
        ("9", "Numeric id, no metadata."),
        (hashlib.sha256(b"No id at all.").hexdigest()[:16], "No id at all."),
    ]
    assert articles[0].outlet == "Reuters"
    assert [(e.path, e.line) for e in errors] == [(str(path), n) for n in (3, 4, 5, 6, 7, 8)]
    reasons = [e.reason for e in errors]
    assert "malformed JSON" in reasons[0]
    assert "not an object" in reasons[1]
    assert "no 'text'" in reasons[2]
    assert "empty text" in reasons[3]
    assert "over the limit of 40" in reasons[4]
    assert "published_at" in reasons[5] and "yesterday" in reasons[5]


def test_jsonl_with_bom_and_invalid_utf8_line(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + _jsonl({"id": "a", "text": "First."}).encode()
    data += b'{"id": "b", "text": "caf\xe9"}\n' + _jsonl({"id": "c", "text": "Third."}).encode()
    path = _write(tmp_path / "mixed.jsonl", data)
    articles, errors = _read(path)
    assert [a.id for a in articles] == ["a", "c"]
    assert [(e.path, e.line) for e in errors] == [(str(path), 2)]
    assert "invalid UTF-8 at byte 24" in errors[0].reason


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-12-01T10:00:00Z", datetime(2025, 12, 1, 10, tzinfo=UTC)),
        ("2025-12-01T10:00:00-05:00", datetime(2025, 12, 1, 15, tzinfo=UTC)),
        ("2025-12-01 10:00", datetime(2025, 12, 1, 10, tzinfo=UTC)),
        ("2025-12-01", datetime(2025, 12, 1, tzinfo=UTC)),
    ],
)
def test_published_at_becomes_aware_utc(tmp_path: Path, value: str, expected: datetime) -> None:
    path = _write(tmp_path / "dated.jsonl", _jsonl({"text": "Dated.", "published_at": value}))
    (article,), errors = _read(path)
    assert errors == []
    assert article.published_at == expected
    assert article.published_at is not None and article.published_at.tzinfo is UTC


@settings(max_examples=30, deadline=None)
@given(texts=st.lists(st.text(min_size=1).filter(str.strip), min_size=1, max_size=5))
def test_jsonl_gives_back_the_texts_written(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("jsonl")
    records = [{"id": f"r{i}", "text": text} for i, text in enumerate(texts)]
    path = _write(folder / "round.jsonl", _jsonl(*records))
    articles, errors = _read(path)
    assert errors == []
    assert [(a.id, a.text) for a in articles] == [(r["id"], r["text"]) for r in records]


# -- CSV -----------------------------------------------------------------------------------


def test_csv_with_multiline_fields_and_bad_rows(tmp_path: Path) -> None:
    content = (
        "\ufeffid,text,title,outlet,url,published_at,ignored\n"  # 1
        'a,"First paragraph.\n\nSecond ""quoted"" paragraph.",Title A,AFP,,2025-12-01,x\n'  # 2-4
        "b,too few fields\n"  # 5
        'c,"Spans\nlines",,,,,\n'  # 6-7
        'd,"Bad\nrow",,,,,,extra\n'  # 8-9
        "e,,,,,,\n"  # 10: empty text
        'f,Last.,,,,"not a date",\n'  # 11
    )
    path = _write(tmp_path / "rows.csv", content)
    articles, errors = _read(path)
    assert [a.id for a in articles] == ["a", "c"]
    assert articles[0].text == 'First paragraph.\n\nSecond "quoted" paragraph.'
    assert (articles[0].title, articles[0].outlet, articles[0].url) == ("Title A", "AFP", None)
    assert articles[1].text == "Spans\nlines"
    assert [(e.path, e.line) for e in errors] == [(str(path), n) for n in (5, 8, 10, 11)]
    assert "2 fields, the header has 7" in errors[0].reason
    assert "8 fields" in errors[1].reason
    assert "empty text" in errors[2].reason


def test_csv_without_a_text_column_is_one_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "wrong.csv", "id,body\n1,hello\n")
    articles, errors = _read(path)
    assert articles == []
    assert [(e.line, "no 'text' column" in e.reason) for e in errors] == [(1, True)]


# -- HTML ------------------------------------------------------------------------------------

_PAGE = """<!doctype html><html><head><title>Trump confirms call | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2025-12-01T08:00:00Z">
<link rel="canonical" href="https://news.example/trump-maduro">
<style>p { color: red }</style><script>var tracking = "ignored";</script></head>
<body><nav>Home</nav><h1>Trump confirms call</h1>
<p>CARACAS: US President Donald Trump <b>confirmed</b> on Sunday&nbsp;a call.</p>
<p>Caracas &amp; Washington<br>traded accusations.</p></body></html>"""


def test_html_pages_become_text_blocks(tmp_path: Path) -> None:
    _write(tmp_path / "page.html", _PAGE)
    _write(tmp_path / "bare.htm", "<body><h1>Only heading</h1><div>Body text here.</div></body>")
    articles, errors = _read(tmp_path)
    assert errors == []
    bare, page = articles
    assert (bare.id, bare.title, bare.text) == ("bare", "Only heading", "Body text here.")
    assert page.title == "Trump confirms call | Example News"
    assert page.text.split("\n\n") == [
        "Home",
        "Trump confirms call",
        "CARACAS: US President Donald Trump confirmed on Sunday a call.",
        "Caracas & Washington",
        "traded accusations.",
    ]
    assert "tracking" not in page.text and "color" not in page.text
    assert (page.outlet, page.url) == ("Example News", "https://news.example/trump-maduro")
    assert page.published_at == datetime(2025, 12, 1, 8, tzinfo=UTC)


# -- bad files -------------------------------------------------------------------------------


def test_bad_files_are_reported_while_good_ones_come_through(tmp_path: Path) -> None:
    good = _write(tmp_path / "good.txt", "A good article.")
    binary = _write(tmp_path / "image.txt", b"GIF89a\x00\x01\x02")
    latin1 = _write(tmp_path / "latin1.txt", "Line one\nLine two caf\xe9\n".encode("latin-1"))
    empty = _write(tmp_path / "empty.txt", "  \n\n")
    huge = _write(tmp_path / "huge.txt", "word " * 30)
    pdf = _write(tmp_path / "paper.pdf", b"%PDF-1.4")
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "gone.txt")
    missing = tmp_path / "missing.txt"
    articles, errors = _read(tmp_path, missing, max_chars=100)
    assert [a.id for a in articles] == ["good"]
    by_path = {e.path: e for e in errors}
    assert set(by_path) == {str(p) for p in (binary, latin1, empty, huge, pdf, dangling, missing)}
    assert "NUL" in by_path[str(binary)].reason
    assert (by_path[str(latin1)].line, "invalid UTF-8 at byte 21") == (
        2,
        by_path[str(latin1)].reason[:24],
    )
    assert "no article text" in by_path[str(empty)].reason
    assert "over the limit of 100" in by_path[str(huge)].reason
    assert "unsupported file extension '.pdf'" in by_path[str(pdf)].reason
    assert "cannot read file" in by_path[str(dangling)].reason
    assert "no such file" in by_path[str(missing)].reason
    assert str(good) not in by_path


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_an_unreadable_file_is_reported(tmp_path: Path) -> None:
    locked = _write(tmp_path / "locked.txt", "secret")
    locked.chmod(0)
    try:
        (error,) = [e for e in read_inputs([locked]) if isinstance(e, InputError)]
    finally:
        locked.chmod(0o644)
    assert error.path == str(locked)
    assert "cannot read file" in error.reason


def test_a_meta_file_given_directly_is_not_an_article(tmp_path: Path) -> None:
    meta = _write(tmp_path / "meta.jsonl", _jsonl({"id": "x", "title": "t"}))
    articles, errors = _read(meta)
    assert articles == []
    assert "metadata" in errors[0].reason


def test_max_chars_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="got 0"):
        list(read_inputs([tmp_path], max_chars=0))
