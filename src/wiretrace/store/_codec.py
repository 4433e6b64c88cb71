"""JSON text for the nested parts of stored records (changes, evidence, groups)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from wiretrace.errors import StoreError
from wiretrace.models import Change, ChangeKind


def changes_to_json(changes: Sequence[Change]) -> str:
    """Return the changes as a JSON array of objects (stable key order)."""
    return _dump(
        [
            {
                "kind": change.kind.value,
                "source_text": change.source_text,
                "derivative_text": change.derivative_text,
                "note": change.note,
            }
            for change in changes
        ]
    )


def changes_from_json(text: str) -> tuple[Change, ...]:
    """Return the changes stored by ``changes_to_json``.

    Raises:
        StoreError: the text is not such an array or names an unknown change kind.
    """
    try:
        return tuple(
            Change(
                kind=ChangeKind(item["kind"]),
                source_text=str(item["source_text"]),
                derivative_text=str(item["derivative_text"]),
                note=str(item.get("note", "")),
            )
            for item in _load_list(text)
        )
    except (KeyError, TypeError, ValueError) as error:
        raise StoreError(f"stored changes cannot be read: {error}") from error


def strings_to_json(strings: Sequence[str]) -> str:
    """Return a JSON array of strings."""
    return _dump(list(strings))


def strings_from_json(text: str) -> tuple[str, ...]:
    """Return the strings stored by ``strings_to_json``."""
    return tuple(str(item) for item in _load_list(text))


def groups_to_json(groups: Sequence[Sequence[str]]) -> str:
    """Return a JSON array of arrays of strings."""
    return _dump([list(group) for group in groups])


def groups_from_json(text: str) -> tuple[tuple[str, ...], ...]:
    """Return the groups stored by ``groups_to_json``."""
    return tuple(tuple(str(item) for item in group) for group in _load_list(text))


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _load_list(text: str) -> list[Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise StoreError(f"stored JSON cannot be read: {error}") from error
    if not isinstance(value, list):
        raise StoreError(f"stored JSON should be an array, got {type(value).__name__}")
    return value
