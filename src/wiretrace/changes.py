"""What changed inside aligned passages: numbers, names, quotes, attribution, hedges,
negation and intensity; plus caveat spotting and the kind of an added sentence.

Pure stage: no model, no I/O. The two passages are aligned word by word (difflib over word
keys) and each detector reads that alignment with word lists kept as data in
``wiretrace.lexicon``. Evidence is always an exact substring of the passage it comes from.
"""

from __future__ import annotations

import re
from functools import lru_cache

from wiretrace.changes_caveats import CAVEAT, caveat_changes
from wiretrace.changes_markers import antonym_changes, marker_changes, scale_changes
from wiretrace.changes_names import (
    attribution_changes,
    entity_changes,
    is_kept,
    names,
    text_vocabulary,
)
from wiretrace.changes_numbers import find_quantities, number_changes, quantities
from wiretrace.changes_quotes import quote_changes, quotes
from wiretrace.changes_text import PASSAGES_CACHED, PassagePair, passage
from wiretrace.lexicon import BOILERPLATE_PATTERNS, EDITORIAL_PATTERNS
from wiretrace.models import AddedKind, Change, ChangeKind, Document, Sentence, SentenceRole

__all__ = ["classify_added", "detect_changes", "is_caveat"]

_BOILERPLATE = re.compile(
    "|".join(f"(?:{p})" for p in BOILERPLATE_PATTERNS), re.IGNORECASE | re.MULTILINE
)
_EDITORIAL = re.compile("|".join(f"(?:{p})" for p in EDITORIAL_PATTERNS), re.IGNORECASE)
_TYPOGRAPHY = str.maketrans(
    {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'"}
    | {dash: "-" for dash in "‐‑‒–—―−"}
)
_KIND_ORDER = {kind: rank for rank, kind in enumerate(ChangeKind)}
_FURNITURE_ROLES = frozenset((SentenceRole.CHROME, SentenceRole.CREDIT))
_BYLINE_ROLES = frozenset((SentenceRole.BYLINE, SentenceRole.DATELINE))


def detect_changes(source: str, derivative: str) -> tuple[Change, ...]:
    """Return the changes from a source passage to the aligned derivative passage.

    The tuple is ordered by change kind, then by where the evidence sits in the source and
    the derivative. Each non-empty ``source_text`` is a substring of ``source`` and each
    non-empty ``derivative_text`` a substring of ``derivative``. Passages that are the same
    once quotes, dashes, spacing and case are normalised give ``()``.
    Raises nothing for any pair of strings.
    """
    if source == derivative or _typography_free(source) == _typography_free(derivative):
        return ()
    return _changes_between(source, derivative)


@lru_cache(maxsize=PASSAGES_CACHED)  # a passage is compared with several others
def _typography_free(text: str) -> str:
    """Return a text with the differences a copy's typography makes taken out."""
    return " ".join(text.translate(_TYPOGRAPHY).casefold().split())


@lru_cache(maxsize=4096)  # pairs of passages
def _changes_between(source: str, derivative: str) -> tuple[Change, ...]:
    pair = PassagePair(source, derivative)
    found = [
        *number_changes(pair),
        *entity_changes(pair),
        *quote_changes(pair),
        *attribution_changes(pair),
        *antonym_changes(pair),
        *marker_changes(pair),
        *caveat_changes(pair),
        *scale_changes(pair),
    ]
    kept = _distinct(_without_renamed_speakers(found))
    return tuple(sorted(kept, key=lambda c: _order(c, source, derivative)))


def _without_renamed_speakers(changes: list[Change]) -> list[Change]:
    """Drop an attribution change whose speakers are a name swapped for another name: that is
    an entity change ("Feyer said" -> "Fenner said") and is reported as one."""
    entities = [c for c in changes if c.kind is ChangeKind.ENTITY]
    return [
        c
        for c in changes
        if c.kind is not ChangeKind.ATTRIBUTION or not any(_within(e, c) for e in entities)
    ]


def _within(entity: Change, attribution: Change) -> bool:
    return (
        bool(entity.source_text)
        and bool(entity.derivative_text)
        and entity.source_text in attribution.source_text
        and entity.derivative_text in attribution.derivative_text
    )


def _overlaps(a: str, b: str) -> bool:
    return a == b or (bool(a) and bool(b) and (a in b or b in a))


def _repeats(earlier: Change, change: Change) -> bool:
    if earlier.kind is not change.kind:
        return False
    same_source = _overlaps(earlier.source_text, change.source_text)
    same_derivative = _overlaps(earlier.derivative_text, change.derivative_text)
    if change.kind is ChangeKind.NEGATION:
        # one reversal seen twice (an antonym and a negator) shares one side's words
        return (same_source and bool(change.source_text)) or (
            same_derivative and bool(change.derivative_text)
        )
    return same_source and same_derivative


def _distinct(changes: list[Change]) -> list[Change]:
    """Drop a change that repeats the evidence of an earlier change of the same kind."""
    kept: list[Change] = []
    for change in changes:
        if not any(_repeats(c, change) for c in kept):
            kept.append(change)
    return kept


def _order(change: Change, source: str, derivative: str) -> tuple[int, int, int, str, str, str]:
    return (
        _KIND_ORDER[change.kind],
        source.find(change.source_text) if change.source_text else -1,
        derivative.find(change.derivative_text) if change.derivative_text else -1,
        change.source_text,
        change.derivative_text,
        change.note,
    )


@lru_cache(maxsize=1 << 16)  # pure; a source's omitted sentences recur in each of its pairs
def is_caveat(text: str) -> bool:
    """Return True when a sentence is a caveat, qualification or denial: a study's limits,
    "denied", "no evidence", "could not be independently verified", "did not respond to
    requests for comment", "it is unclear whether" and the like."""
    return CAVEAT.search(text.replace("’", "'")) is not None


def classify_added(sentence: Sentence, derivative: Document, source: Document) -> AddedKind:
    """Return what a derivative sentence without a source counterpart is.

    Roles decide first (CHROME/CREDIT -> BOILERPLATE, CAPTION -> CAPTION, BYLINE/DATELINE ->
    BYLINE); then site furniture -> BOILERPLATE; framing or opinion that brings no new
    names, numbers or quotations -> EDITORIAL; anything else -> NEW_INFORMATION.
    """
    if sentence.role in _FURNITURE_ROLES:
        return AddedKind.BOILERPLATE
    if sentence.role is SentenceRole.CAPTION:
        return AddedKind.CAPTION
    if sentence.role in _BYLINE_ROLES:
        return AddedKind.BYLINE
    text = sentence.text.strip()
    furniture, framing = _wording(text)
    if furniture:
        return AddedKind.BOILERPLATE
    if framing and not _new_facts(text, source):
        return AddedKind.EDITORIAL
    return AddedKind.NEW_INFORMATION


@lru_cache(maxsize=1 << 16)  # a sentence is classified again in every pair of its article
def _wording(text: str) -> tuple[bool, bool]:
    """Return (reads as site furniture, reads as framing or opinion) for a sentence."""
    return _BOILERPLATE.search(text) is not None, _EDITORIAL.search(text) is not None


def _new_facts(text: str, source: Document) -> bool:
    """Return True when a sentence names people, places, figures or quotes the source lacks."""
    sentence = passage(text)
    source_text = source.derived(_whole_text)
    source_words = _source_words(source_text)
    if any(not is_kept(name.keys, source_words) for name in names(sentence)):
        return True
    known = _source_figures(source_text)
    if any(q.identity not in known for q in quantities(text)):
        return True
    return bool(quotes(sentence))


def _whole_text(document: Document) -> str:
    """Return the text of every sentence of a document (its article's text if none)."""
    return " ".join(s.text for s in document.sentences) or document.article.text


# A source text is read again for each added sentence of its pairs. Whole documents are kept
# apart from the (many more, much shorter) passages that change detection compares.
@lru_cache(maxsize=256)
def _source_words(source_text: str) -> frozenset[str]:
    """Return the words of a source text, plus the entity keys its aliases stand for."""
    return text_vocabulary(source_text)


@lru_cache(maxsize=256)
def _source_figures(source_text: str) -> frozenset[tuple[str, str, float]]:
    """Return what identifies each figure of a source text."""
    return frozenset(q.identity for q in find_quantities(source_text))
