"""Normalisation for comparison, keeping a map back to the original characters.

Two versions of a story often differ only in typography: curly or straight
quotes, an em dash or a hyphen, a non-breaking space, an ellipsis character.
``normalize`` folds those differences (Unicode NFKC, straight quotes, plain
dashes, single spaces) and keeps, for every character of the result, the
offset of the original character it came from, so evidence found in the
normalised text can be shown in the original.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Normalized", "normalize", "normalize_flat"]

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d"
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2039\u203a"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2e42\u301d\u301e"
_SPACES = "\u00a0\u1680\u180e\u200b\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))
# Format characters that carry no text: joiners, word joiner, byte-order mark, soft hyphen.
_INVISIBLE = "\u200c\u200d\u2060\ufeff\u00ad"
_LINE_BREAKS = "\u2028\u2029\x85"

# Every entry maps one character to one character, so translating keeps offsets.
_TYPOGRAPHY: dict[int, str] = {
    **{ord(c): "-" for c in _DASHES},
    **{ord(c): "'" for c in _SINGLE_QUOTES},
    **{ord(c): '"' for c in _DOUBLE_QUOTES},
    **{ord(c): " " for c in _SPACES},
    **{ord(c): "\n" for c in _LINE_BREAKS},
    ord("\t"): " ",
    ord("\x0b"): " ",
    ord("\x0c"): " ",
}

_INVISIBLE_CHAR = re.compile(f"[{_INVISIBLE}]")
# A non-ASCII run with the ASCII character before it, so combining marks compose with their base.
_NON_ASCII_UNIT = re.compile(r"[\x00-\x7f]?[^\x00-\x7f]+")
# What the second pass folds: whitespace runs other than a single space, dash runs, CR line ends.
_COLLAPSIBLE = re.compile(r"[\t\x0b\x0c][ \t\x0b\x0c]*| [ \t\x0b\x0c]+|-{2,}|\r\n?")
_COLLAPSED = {"-": "-", "\r": "\n"}
# What ``normalize`` changes in ASCII text, and in any text (with "--" and "  " besides).
_ASCII_FOLDABLE = "\t\x0b\x0c\r"
_FOLDABLE = re.compile(
    "[" + re.escape("".join(map(chr, _TYPOGRAPHY)) + _INVISIBLE + _ASCII_FOLDABLE) + "]"
)
# What ``normalize_flat`` leaves to ``normalize``: characters it drops, and a space
# character that ``normalize`` neither folds nor treats as a line break.
_NOT_FLAT = re.compile(f"[{_INVISIBLE}\x1f]")
_DASH_RUN = re.compile("-{2,}")
# A whitespace run holding a line break (the characters ``str.splitlines`` breaks on).
_BROKEN_RUN = re.compile(r"\s*[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]\s*")


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised text with the original offset of each of its characters.

    ``offsets`` has ``len(text) + 1`` entries and never decreases; the last is
    the length of the original text.
    """

    text: str
    offsets: Sequence[int]

    def to_original(self, i: int) -> int:
        """Return the offset in the original text of offset ``i`` of the normalised text.

        Raises ``ValueError`` when ``i`` is outside ``[0, len(text)]``.
        """
        if not 0 <= i <= len(self.text):
            raise ValueError(f"offset must be in [0, {len(self.text)}], got {i}")
        return self.offsets[i]


def normalize(text: str) -> Normalized:
    """Return ``text`` normalised for comparison, with offsets back into ``text``.

    NFKC; curly quotes and guillemets become ``"`` and ``'``; en, em, figure
    and minus dashes and runs of dashes ("--") become ``-``; the ellipsis
    character becomes "..."; non-breaking, zero-width and other spaces become
    a space; runs of horizontal whitespace become one space; CR line ends
    become ``\\n``. Newlines are kept. Normalising twice changes nothing.
    """
    if _is_unchanged(text):
        return Normalized(text, range(len(text) + 1))
    return _folded(text)


def _folded(text: str) -> Normalized:
    """Return ``text`` normalised the long way, character by character where needed."""
    visible, origins = _drop_invisible(text)
    folded, offsets = _fold_characters(visible)
    if origins is not None:
        offsets = [origins[k] for k in offsets]
    return _collapse_runs(folded, offsets, len(text))


def normalize_flat(text: str) -> str:
    """Return ``normalize(text).text`` stripped, each whitespace run with a line break as a space.

    That is the normalised form of a sentence, or of a paragraph that may be
    hard-wrapped. Usual text takes a shortcut that keeps no offsets.
    """
    # Characters map one to one (quotes, dashes, spaces); then the runs ``_collapse_runs``
    # folds; every whitespace run is then either spaces or holds a line break.
    if text.isascii() and "\x1f" not in text:  # the commonest case first
        folded = text
    elif _flattens_simply(text):
        folded = _replace_typography(text)
    else:
        return _BROKEN_RUN.sub(" ", normalize(text).text.strip())
    if "--" in folded:
        folded = _DASH_RUN.sub("-", folded)
    return " ".join(folded.split())


def _flattens_simply(text: str) -> bool:
    """Tell whether ``text`` is in NFKC and holds no character ``normalize_flat`` leaves aside."""
    if text.isascii():
        return "\x1f" not in text
    return _NOT_FLAT.search(text) is None and unicodedata.is_normalized("NFKC", text)


def _replace_typography(text: str) -> str:
    """Return ``text.translate(_TYPOGRAPHY)``, faster when few distinct characters change."""
    for char in sorted(set(_FOLDABLE.findall(text))):
        text = text.replace(char, _TYPOGRAPHY.get(ord(char), char))
    return text


def _is_unchanged(text: str) -> bool:
    """Tell whether ``normalize`` would return ``text`` as it is (a cheap test, no copy)."""
    if "--" in text or "  " in text:
        return False
    if text.isascii():  # a few substring scans beat one regex scan over a character class
        return not any(char in text for char in _ASCII_FOLDABLE)
    return _FOLDABLE.search(text) is None and unicodedata.is_normalized("NFKC", text)


def _drop_invisible(text: str) -> tuple[str, list[int] | None]:
    """Remove format characters first, so that what they separated can compose under NFKC."""
    if _INVISIBLE_CHAR.search(text) is None:
        return text, None
    origins = [k for k, c in enumerate(text) if c not in _INVISIBLE]
    return "".join(text[k] for k in origins), origins


def _fold_characters(text: str) -> tuple[str, Sequence[int]]:
    """Apply NFKC and the typography table; return the text and each character's origin."""
    if text.isascii():
        folded = text.translate(_TYPOGRAPHY)
        return folded, range(len(text))
    pieces: list[str] = []
    offsets: list[int] = []
    done = 0
    for unit in _NON_ASCII_UNIT.finditer(text):
        start = unit.start()
        pieces.append(text[done:start].translate(_TYPOGRAPHY))
        offsets.extend(range(done, start))
        folded, origins = _fold_unit(unit.group(), start)
        pieces.append(folded)
        offsets.extend(origins)
        done = unit.end()
    pieces.append(text[done:].translate(_TYPOGRAPHY))
    offsets.extend(range(done, len(text)))
    return "".join(pieces), offsets


def _fold_unit(unit: str, start: int) -> tuple[str, list[int]]:
    """Fold one short non-ASCII unit; return it and the origin of each output character."""
    composed = unicodedata.normalize("NFKC", unit)
    if len(composed) == len(unit):
        origins = list(range(start, start + len(unit)))
    else:
        per_char = [unicodedata.normalize("NFKC", c) for c in unit]
        if "".join(per_char) == composed:
            origins = [start + k for k, piece in enumerate(per_char) for _ in piece]
        else:
            last = len(unit) - 1
            origins = [start + min(k, last) for k in range(len(composed))]
    return composed.translate(_TYPOGRAPHY), origins


def _collapse_runs(folded: str, offsets: Sequence[int], original_length: int) -> Normalized:
    """Collapse whitespace and dash runs to one character, composing the offsets."""
    if _COLLAPSIBLE.search(folded) is None:
        return Normalized(folded, _with_end(offsets, original_length))
    pieces: list[str] = []
    kept: list[int] = []
    done = 0
    for run in _COLLAPSIBLE.finditer(folded):
        start = run.start()
        pieces.append(folded[done:start])
        kept.extend(offsets[done:start])
        pieces.append(_COLLAPSED.get(run.group()[0], " "))
        kept.append(offsets[start])
        done = run.end()
    pieces.append(folded[done:])
    kept.extend(offsets[done:])
    kept.append(original_length)
    return Normalized("".join(pieces), kept)


def _with_end(offsets: Sequence[int], original_length: int) -> Sequence[int]:
    """Return ``offsets`` with the end of the original text appended."""
    if isinstance(offsets, range) and offsets.stop == original_length:
        return range(original_length + 1)
    return [*offsets, original_length]
