"""One reader per file format; each yields articles and the errors of bad records."""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path

from wiretrace.errors import InputError
from wiretrace.ingest._files import binary_lines, decode, read_text
from wiretrace.ingest._html import parse_page
from wiretrace.ingest._records import (
    Metadata,
    RecordError,
    article_from_record,
    check_length,
    metadata_from_record,
    parse_published_at,
)
from wiretrace.models import Article

logger = logging.getLogger(__name__)

MAX_TITLE_CHARS = 200
_CLOSING_QUOTES = "\"'”’»"
_NOT_TITLE_ENDINGS = ".,;:"
_BYTES_PER_CHAR = 4  # UTF-8 upper bound, to refuse huge single-article files unread
_CSV_FIELD_LIMIT = 2**31 - 1  # oversize fields are reported per row, not by the csv module

Outcome = Article | InputError


def split_title(text: str) -> tuple[str | None, str]:
    """Return (title, body) of a plain-text article.

    The first line is a title when it is followed by a blank line, more text
    follows, it has at most 200 characters and it does not end with ``.``,
    ``,``, ``;`` or ``:`` (a closing quote may follow a final period). A
    Markdown heading's leading ``#`` marks are dropped. Otherwise there is no
    title and the body is the whole text. The body is stripped of surrounding
    whitespace.
    """
    first, _, remainder = text.lstrip("\n").partition("\n")
    blank, _, rest = remainder.partition("\n")
    candidate = first.strip().lstrip("#").strip()
    if blank.strip() or not rest.strip() or not _reads_as_title(candidate):
        return None, text.strip()
    return candidate, rest.strip()


def _reads_as_title(line: str) -> bool:
    if not line or len(line) > MAX_TITLE_CHARS:
        return False
    return line[-1] in _CLOSING_QUOTES or line[-1] not in _NOT_TITLE_ENDINGS


def read_plain(
    path: Path, meta: Mapping[str, Metadata], max_chars: int, article_id: str | None = None
) -> Iterator[Outcome]:
    """Yield the article of a .txt/.md file (id ``article_id``, else the file stem), or its
    error."""
    text = read_text(path, max_bytes=max_chars * _BYTES_PER_CHAR + 3)
    if isinstance(text, InputError):
        yield text
        return
    title, body = split_title(text.replace("\r\n", "\n").replace("\r", "\n"))
    yield _single_article(path, body, title, meta, max_chars, article_id)


def read_html(
    path: Path, meta: Mapping[str, Metadata], max_chars: int, article_id: str | None = None
) -> Iterator[Outcome]:
    """Yield the article of an .html/.htm page (id ``article_id``, else the file stem), or its
    error.

    The title is the page's <title>, else its first <h1> (then left out of the text).
    """
    html = read_text(path, max_bytes=max_chars * _BYTES_PER_CHAR * 4)
    if isinstance(html, InputError):
        yield html
        return
    page = parse_page(html)
    blocks = list(page.blocks)
    title = page.title
    if title is None and page.h1_block is not None:
        title = blocks.pop(page.h1_block)
    found = _single_article(path, "\n\n".join(blocks), title, meta, max_chars, article_id)
    yield _with_page_meta(found, dict(page.meta)) if isinstance(found, Article) else found


def _single_article(
    path: Path,
    body: str,
    title: str | None,
    meta: Mapping[str, Metadata],
    max_chars: int,
    article_id: str | None = None,
) -> Outcome:
    if not body.strip():
        return InputError("file has no article text", path=str(path), line=1)
    try:
        check_length(body, max_chars)
    except RecordError as error:
        return InputError(str(error), path=str(path), line=1)
    article = Article(id=article_id or path.stem, text=body, title=title)
    found = meta.get(path.stem)
    return article if found is None else with_metadata(article, found)


def with_metadata(article: Article, meta: Metadata) -> Article:
    """Return the article with every field the metadata sets replaced."""
    return replace(
        article,
        title=meta.title or article.title,
        outlet=meta.outlet or article.outlet,
        url=meta.url or article.url,
        published_at=meta.published_at or article.published_at,
    )


def _with_page_meta(article: Article, fields: Mapping[str, str]) -> Article:
    published = article.published_at
    if published is None and "published_at" in fields:
        try:
            published = parse_published_at(fields["published_at"])
        except RecordError:
            logger.debug("%s: ignoring unreadable article:published_time", article.id)
    return replace(
        article,
        outlet=article.outlet or fields.get("outlet"),
        url=article.url or fields.get("url"),
        published_at=published,
    )


def json_objects(path: Path) -> Iterator[tuple[int, dict[str, object]] | InputError]:
    """Yield (line number, object) for each non-blank JSON Lines line, or the line's error."""
    lines = binary_lines(path)
    if isinstance(lines, InputError):
        yield lines
        return
    for number, raw in lines:
        text = decode(raw, path, line=number)
        if isinstance(text, InputError):
            yield text
        elif text.strip():
            yield _json_object(text, path, number)


def _json_object(text: str, path: Path, number: int) -> tuple[int, dict[str, object]] | InputError:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        reason = f"malformed JSON: {error.msg} at column {error.colno}"
        return InputError(reason, path=str(path), line=number)
    if not isinstance(value, dict):
        reason = f"JSON line is not an object (got {type(value).__name__})"
        return InputError(reason, path=str(path), line=number)
    return number, value


def read_jsonl(path: Path, max_chars: int) -> Iterator[Outcome]:
    """Yield one article per JSON Lines record, or the record's error."""
    for item in json_objects(path):
        if isinstance(item, InputError):
            yield item
            continue
        number, record = item
        try:
            yield article_from_record(record, max_chars)
        except RecordError as error:
            yield InputError(str(error), path=str(path), line=number)


def read_meta(path: Path) -> tuple[dict[str, Metadata], list[InputError]]:
    """Return a folder's sidecar metadata by file stem, and the errors of bad records."""
    found: dict[str, Metadata] = {}
    errors: list[InputError] = []
    for item in json_objects(path):
        if isinstance(item, InputError):
            errors.append(item)
            continue
        number, record = item
        try:
            stem, meta = metadata_from_record(record)
        except RecordError as error:
            errors.append(InputError(str(error), path=str(path), line=number))
            continue
        found[stem] = meta
    return found, errors


def read_csv(path: Path, max_chars: int) -> Iterator[Outcome]:
    """Yield one article per CSV row (after a header row), or the row's error.

    Quoted fields may span lines; an error names the line where its row starts.
    """
    text = read_text(path)
    if isinstance(text, InputError):
        yield text
        return
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield InputError(f"CSV cannot be parsed: {error}", path=str(path), line=start)
            return
        if not any(field.strip() for field in row):
            continue
        if header is None:
            header = [name.strip().lower() for name in row]
            if "text" not in header:
                reason = f"CSV header has no 'text' column (columns: {', '.join(header)})"
                yield InputError(reason, path=str(path), line=start)
                return
            continue
        yield _csv_article(row, header, path, start, max_chars)


def _csv_article(
    row: list[str], header: list[str], path: Path, start: int, max_chars: int
) -> Outcome:
    if len(row) != len(header):
        reason = f"row has {len(row)} fields, the header has {len(header)}"
        return InputError(reason, path=str(path), line=start)
    try:
        return article_from_record(dict(zip(header, row, strict=True)), max_chars)
    except RecordError as error:
        return InputError(str(error), path=str(path), line=start)
