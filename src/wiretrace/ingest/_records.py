"""Records (JSON objects, CSV rows, sidecar metadata) -> Article fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from wiretrace.models import Article, content_hash

ID_HASH_CHARS = 16  # an article without an id is named by this many hex chars of its text's hash
_OPTIONAL_FIELDS = ("title", "outlet", "url")


class RecordError(ValueError):
    """A record that cannot become an article; the message is the reason."""


@dataclass(frozen=True, slots=True)
class Metadata:
    """Metadata from a sidecar ``meta.jsonl`` record for one file of a folder."""

    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published_at: datetime | None = None


def parse_published_at(value: str) -> datetime:
    """Return an ISO 8601 date or datetime as an aware UTC datetime (naive means UTC).

    Raises:
        RecordError: the value is not ISO 8601.
    """
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise RecordError(f"published_at is not an ISO 8601 date or datetime: {value!r}") from error
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def article_from_record(record: Mapping[str, object], max_chars: int) -> Article:
    """Return the article a record describes; only ``text`` is required.

    Empty optional fields count as absent; an absent id becomes the first
    characters of the text's SHA-256; unknown fields are ignored.

    Raises:
        RecordError: no usable text, text over ``max_chars``, or a field of the wrong type.
    """
    text = _text(record, max_chars)
    article_id = _identifier(record.get("id"))
    optional = {name: _optional_string(record, name) for name in _OPTIONAL_FIELDS}
    return Article(
        id=article_id if article_id is not None else content_hash(text)[:ID_HASH_CHARS],
        text=text,
        title=optional["title"],
        outlet=optional["outlet"],
        url=optional["url"],
        published_at=_published_at(record),
    )


def metadata_from_record(record: Mapping[str, object]) -> tuple[str, Metadata]:
    """Return the (file stem, metadata) a ``meta.jsonl`` record describes.

    Raises:
        RecordError: the record has no id or a field of the wrong type.
    """
    stem = _identifier(record.get("id"))
    if stem is None:
        raise RecordError("metadata record has no 'id' (the file name without extension)")
    return stem, Metadata(
        title=_optional_string(record, "title"),
        outlet=_optional_string(record, "outlet"),
        url=_optional_string(record, "url"),
        published_at=_published_at(record),
    )


def check_length(text: str, max_chars: int) -> None:
    """Raise RecordError when the text is longer than ``max_chars`` characters."""
    if len(text) > max_chars:
        raise RecordError(f"text has {len(text)} characters, over the limit of {max_chars}")


def _text(record: Mapping[str, object], max_chars: int) -> str:
    if "text" not in record or record["text"] is None:
        raise RecordError("record has no 'text' field")
    text = record["text"]
    if not isinstance(text, str):
        raise RecordError(f"'text' must be a string, got {type(text).__name__}")
    if not text.strip():
        raise RecordError("record has empty text")
    check_length(text, max_chars)
    return text


def _identifier(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise RecordError(f"'id' must be a string or integer, got {type(value).__name__}")
    return value.strip() or None


def _optional_string(record: Mapping[str, object], name: str) -> str | None:
    value = record.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RecordError(f"{name!r} must be a string, got {type(value).__name__}")
    return value.strip() or None


def _published_at(record: Mapping[str, object]) -> datetime | None:
    value = _optional_string(record, "published_at")
    return None if value is None else parse_published_at(value)
