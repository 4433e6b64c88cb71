"""Placeholder (being written): what changed inside aligned passages."""

from __future__ import annotations

from wiretrace.models import AddedKind, Change, Document, Sentence


def detect_changes(source: str, derivative: str) -> tuple[Change, ...]:
    """Return the changes from a source passage to a derivative passage."""
    return ()


def is_caveat(text: str) -> bool:
    """Return True when a sentence is a caveat or qualification."""
    return False


def classify_added(sentence: Sentence, derivative: Document, source: Document) -> AddedKind:
    """Return what an added derivative sentence is."""
    return AddedKind.NEW_INFORMATION
