"""Word tokens for fingerprinting and overlap measures (on the hot path: no per-character loops).

A word is a maximal run of Unicode word characters (letters, digits, underscore),
lowercased. Apostrophes and hyphens separate words, consistently for straight
and curly apostrophes: "Venezuela's" -> "venezuela", "s"; "drug-trafficking"
-> "drug", "trafficking"; "3.5%" -> "3", "5". Splitting (rather than keeping
"venezuela's" whole) makes "Venezuela's" and "Venezuela’s" give the same words
whatever the normalisation, and costs nothing extra.

ASCII text, most of it, takes a shortcut that gives the same words: every
character that is not a word character becomes a space (one C-level
translation of its bytes with lowercasing folded in), then the text is split
on spaces.
"""

from __future__ import annotations

import re
import string

__all__ = ["words"]

_WORD = re.compile(r"\w+")
_ASCII_WORD_CHARS = frozenset(string.ascii_letters + string.digits + "_")
# ASCII bytes to lowercase word characters and spaces: what ``\w+`` keeps, split by
# ``str.split`` (a table of bytes translates with no set-up per call, unlike a str table).
_ASCII_WORDS = bytes(
    ord(chr(c).lower()) if chr(c) in _ASCII_WORD_CHARS else ord(" ") for c in range(128)
) + bytes(range(128, 256))


def words(text: str) -> list[str]:
    """Return the lowercased word tokens of ``text`` in order (possibly empty)."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_WORDS).decode("ascii").split()
    return _WORD.findall(text.lower())
