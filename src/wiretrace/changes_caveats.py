"""Caveats: a qualification ("although the study has not been peer reviewed") dropped from a
sentence whose claim is kept, which makes the claim read more certain than its source.

A caveat that forms a whole sentence is an omitted sentence, found by alignment; this module
reads caveat *clauses* inside an aligned passage.
"""

from __future__ import annotations

import re
from functools import lru_cache

from wiretrace.changes_text import PASSAGES_CACHED, Passage, PassagePair, is_content
from wiretrace.lexicon import CAVEAT_PATTERNS
from wiretrace.models import Change, ChangeKind

CAVEAT = re.compile("|".join(f"(?:{p})" for p in CAVEAT_PATTERNS), re.IGNORECASE)
_CLAUSE_MARKS = re.compile(r"[,;:()]|\s[—–-]\s|—|[.!?](?=\s|$)")
_CAVEAT_GONE = 0.34  # share of a caveat clause's words kept below which it was dropped
_CLAIM_KEPT = 0.5  # share of the rest of the sentence kept above which the claim survives
_MIN_CLAIM_WORDS = 3


def clause_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the character range of the clause holding ``text[start:end]``, without the
    punctuation and spaces that bound it."""
    before = [m.end() for m in _CLAUSE_MARKS.finditer(text, 0, start)]
    after = _CLAUSE_MARKS.search(text, end)
    lo = before[-1] if before else 0
    hi = after.start() if after else len(text)
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    return lo, hi


def _kept_share(passage: Passage, indices: list[int], other: Passage) -> tuple[float, int]:
    """Return the share of the content words at ``indices`` found on the other side, and
    how many content words there were."""
    content = [passage.stems[i] for i in indices if is_content(passage.keys[i])]
    if not content:
        return 1.0, 0
    return sum(1 for s in content if s in other.stem_set) / len(content), len(content)


@lru_cache(maxsize=PASSAGES_CACHED)  # a passage is compared with several others
def _caveats(text: str) -> tuple[tuple[int, int], ...]:
    """Return the character ranges of the caveat clauses of a text, in reading order."""
    text = text.replace("’", "'")  # same length: offsets stay valid
    return tuple(clause_around(text, m.start(), m.end()) for m in CAVEAT.finditer(text))


def caveat_changes(pair: PassagePair) -> list[Change]:
    """Return HEDGE changes for caveat clauses of the source that the derivative dropped while
    keeping the rest of the sentence (certainty raised)."""
    source, derivative = pair.source, pair.derivative
    clauses = _caveats(source.text)
    if not clauses or _caveats(derivative.text):
        return []
    changes: list[Change] = []
    ranges = list(enumerate(zip(source.starts, source.ends, strict=True)))
    for lo, hi in clauses:
        inside = [i for i, (start, end) in ranges if lo <= start and end <= hi]
        outside = [i for i, (start, end) in ranges if end <= lo or start >= hi]
        caveat_kept, _ = _kept_share(source, inside, derivative)
        claim_kept, claim_words = _kept_share(source, outside, derivative)
        if (
            caveat_kept < _CAVEAT_GONE
            and claim_words >= _MIN_CLAIM_WORDS
            and claim_kept >= _CLAIM_KEPT
        ):
            clause = source.text[lo:hi]
            changes.append(
                Change(
                    ChangeKind.HEDGE, clause, "", f"caveat dropped (certainty raised): '{clause}'"
                )
            )
    return changes
