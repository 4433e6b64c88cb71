"""Word tokens for fingerprinting and overlap measures (on the hot path: one regex, no loops).

A word is a maximal run of Unicode word characters (letters, digits, underscore),
lowercased. Apostrophes and hyphens separate words, consistently for straight
and curly apostrophes: "Venezuela's" -> "venezuela", "s"; "drug-trafficking"
-> "drug", "trafficking"; "3.5%" -> "3", "5". Splitting (rather than keeping
"venezuela's" whole) makes "Venezuela's" and "Venezuela’s" give the same words
whatever the normalisation, and costs nothing extra.
"""

from __future__ import annotations

import re

__all__ = ["words"]

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Return the lowercased word tokens of ``text`` in order (possibly empty)."""
    return _WORD.findall(text.lower())
