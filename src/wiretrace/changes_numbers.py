"""Quantities, money, percentages and dates in a passage, and how two passages differ in them.

"$50 million", "USD 50 million", "US$50 million", "$50m" and "50 million dollars" all read as
the same amount; "six" reads as 6; "at least 83" is the number 83 with a qualifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from wiretrace.changes_markers import find_markers
from wiretrace.changes_text import PASSAGES_CACHED, Passage, PassagePair, is_content, stem
from wiretrace.lexicon import (
    CURRENCIES,
    MONTHS,
    NUMBER_WORDS,
    QUALIFIER_CLASSES,
    QUANTITY_QUALIFIERS,
    SCALE_WORDS,
    VAGUE_QUANTITIES,
    WEEKDAYS,
)
from wiretrace.models import Change, ChangeKind

_NUMBER_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_QUANTITY = re.compile(
    r"(?:(?P<cur>US\$|USD|EUR|GBP|[$€£¥])\s?)?"
    rf"(?<![\w.,])(?P<num>\d+(?:,\d{{3}})*(?:\.\d+)?|(?:{_NUMBER_WORD})(?:-(?:{_NUMBER_WORD}))?\b)"
    r"(?:\s?(?P<scale>hundred|thousand|millions?|billions?|trillion|mn|mln|bn|tn|[mbk])\b)?"
    r"(?:\s?(?P<unit>%|(?:percent|per cent|pct|dollars?|euros?|pounds?|sterling|yen)\b))?",
    re.IGNORECASE,
)
_CALENDAR = re.compile(rf"\b(?:{'|'.join(WEEKDAYS + MONTHS)})\b", re.IGNORECASE)
_YEAR = re.compile(r"1[89]\d\d|20\d\d")
_COUNTED_WORD = re.compile(r"[A-Za-z][\w-]*")
_DIGIT_AFTER = re.compile(r"\s+\d")
_QUALIFIERS = tuple(sorted(QUANTITY_QUALIFIERS, key=len, reverse=True))  # longest first
# What a number or a calendar reference cannot be written without (see _may_contain)
_NUMBER_CUES = tuple("0123456789") + tuple(NUMBER_WORDS)
_CALENDAR_CUES = WEEKDAYS + MONTHS
_MONTH_CUES = frozenset(("in", "on", "since", "by", "until", "early", "late", "mid", "last", "of"))
_PLURALS = {"people": "person", "persons": "person", "individuals": "person", "men": "man"}
_PLURALS |= {"women": "woman", "children": "child", "deaths": "person", "dead": "person"}
_NO_COUNT_AFTER = frozenset(("of", "another", "day", "hand"))
_NO_COUNT_BEFORE = frozenset(("no", "the", "every", "any", "this", "that", "air", "force"))
_ATTACHED_SCALES = frozenset(("m", "b", "k"))
_MAX_REGION = 6  # largest edited region in which a vague quantity and a figure share a role


@dataclass(frozen=True, slots=True)
class Quantity:
    """One quantity: what kind, in which unit, its value and where it is in the passage."""

    kind: str  # money, percent, count, year, weekday, month, day
    unit: str
    value: float
    start: int
    end: int
    qualifier: str
    qualifier_start: int

    @property
    def identity(self) -> tuple[str, str, float]:
        """What must agree for two quantities to be the same figure."""
        unit = self.unit if self.kind == "money" else ""
        return (self.kind, unit, self.value)


def _number_value(raw: str) -> float | None:
    text = raw.lower().replace(",", "")
    if text[:1].isdigit():
        return float(text)
    parts = [NUMBER_WORDS.get(part) for part in text.split("-")]
    if any(p is None for p in parts):
        return None
    return float(sum(p for p in parts if p is not None))


def _word_after(text: str, end: int) -> str:
    """Return the stem of the noun counted by a number ("83 people" -> "person")."""
    for word in _COUNTED_WORD.findall(text[end : end + 40])[:2]:
        key = word.lower()
        if is_content(key):
            return _PLURALS.get(key, stem(key))
    return ""


def _qualifier(text: str, start: int) -> tuple[str, int]:
    before = text[:start].rstrip()
    lowered = before.lower()
    if not lowered.endswith(_QUALIFIERS):
        return "", start  # most figures have none
    for qualifier in _QUALIFIERS:
        cut = len(lowered) - len(qualifier)
        if lowered.endswith(qualifier) and (cut == 0 or not lowered[cut - 1].isalnum()):
            return qualifier, cut
    return "", start


def _is_spurious_word(text: str, match: re.Match[str]) -> bool:
    """Reject "one of", "no one", "Air Force One" and capitalised number words mid-sentence."""
    raw = match.group("num")
    if raw[:1].isdigit():
        return False
    before = text[: match.start("num")].rstrip()
    if raw[:1].isupper() and before and before[-1] not in '.!?:"“\n':
        return True
    after = text[match.end("num") :].split()[:1]
    previous = before.split()[-1:] if before else []
    return raw.lower() == "one" and (
        (after and after[0].lower().strip(",.") in _NO_COUNT_AFTER)
        or (bool(previous) and previous[0].lower() in _NO_COUNT_BEFORE)
    )


def _classify(text: str, match: re.Match[str], value: float) -> tuple[str, str, float]:
    currency, scale, unit = match.group("cur"), match.group("scale"), match.group("unit")
    scale_key = (scale or "").lower()
    if scale_key in _ATTACHED_SCALES and currency is None:
        return ("count", scale_key, value)
    value *= SCALE_WORDS.get(scale_key, 1.0)
    unit_key = (unit or "").lower()
    if currency is not None or unit_key in CURRENCIES:
        return ("money", CURRENCIES.get((currency or unit_key).lower(), "usd"), value)
    if unit_key:
        return ("percent", "%", value)
    raw = match.group("num")
    if scale is None and _YEAR.fullmatch(raw):
        return ("year", "", value)
    return ("count", _word_after(text, match.end()), value)


def _may_contain(text: str, cues: tuple[str, ...]) -> bool:
    """Return False only when a case-insensitive pattern that needs one of ``cues`` cannot
    match ``text``: an ASCII text whose lower case holds none of them.

    Outside ASCII, re.IGNORECASE also reads "ſ", "K", "İ" and "ı" as Latin letters, so any
    other text may contain a cue.
    """
    if not text.isascii():
        return True
    lowered = text.lower()
    return any(map(lowered.__contains__, cues))


def _numbers(text: str) -> list[Quantity]:
    found: list[Quantity] = []
    if not _may_contain(text, _NUMBER_CUES):
        return found  # no digit and no number word
    for match in _QUANTITY.finditer(text):
        value = _number_value(match.group("num"))
        if value is None or _is_spurious_word(text, match):
            continue
        kind, unit, amount = _classify(text, match, value)
        qualifier, qualifier_start = _qualifier(text, match.start())
        end = match.end() if match.group("unit") or match.group("scale") else match.end("num")
        found.append(Quantity(kind, unit, amount, match.start(), end, qualifier, qualifier_start))
    return found


def _calendar(text: str) -> list[Quantity]:
    found: list[Quantity] = []
    if not _may_contain(text, _CALENDAR_CUES):
        return found  # no weekday and no month
    for match in _CALENDAR.finditer(text):
        word = match.group()
        if not word[:1].isupper():
            continue
        key = word.lower()
        if key in WEEKDAYS:
            found.append(Quantity("weekday", "", WEEKDAYS.index(key), *match.span(), "", 0))
            continue
        if key == "may" and not _DIGIT_AFTER.match(text, match.end()):
            previous = text[: match.start()].split()[-1:]
            if not (previous and previous[0] in _MONTH_CUES):
                continue
        found.append(Quantity("month", "", MONTHS.index(key), *match.span(), "", 0))
    return found


@lru_cache(maxsize=PASSAGES_CACHED)  # a passage is compared with several others
def quantities(text: str) -> tuple[Quantity, ...]:
    """Return every quantity and calendar reference of a text, in reading order; kept for
    the passages compared sentence by sentence (``find_quantities`` keeps nothing)."""
    return find_quantities(text)


def find_quantities(text: str) -> tuple[Quantity, ...]:
    """Return every quantity and calendar reference of a text, in reading order."""
    found = _numbers(text) + _calendar(text)
    months = [q for q in found if q.kind == "month"]
    days = [
        Quantity("day", "", q.value, q.start, q.end, q.qualifier, q.qualifier_start)
        if q.kind == "count"
        and any(abs(q.start - m.end) <= 2 or abs(m.start - q.end) <= 2 for m in months)
        else q
        for q in found
    ]
    return tuple(sorted(days, key=lambda q: (q.start, q.end)))


def _unmatched(
    source: tuple[Quantity, ...], derivative: tuple[Quantity, ...]
) -> tuple[list[Quantity], list[Quantity], list[tuple[Quantity, Quantity]]]:
    """Split quantities into source-only, derivative-only and matched pairs (same figure)."""
    remaining = list(derivative)
    source_only: list[Quantity] = []
    matched: list[tuple[Quantity, Quantity]] = []
    for quantity in source:
        twin = next((d for d in remaining if d.identity == quantity.identity), None)
        if twin is None:
            source_only.append(quantity)
        else:
            remaining.remove(twin)
            matched.append((quantity, twin))
    return source_only, remaining, matched


def _previous_stem(passage: Passage, start: int) -> str:
    words = [
        k
        for k, end in zip(passage.keys, passage.ends, strict=True)
        if end <= start and is_content(k)
    ]
    return stem(words[-1]) if words else ""


def _same_role(pair: PassagePair, old: Quantity, new: Quantity) -> bool:
    if old.kind != new.kind:
        return False
    if old.kind != "count":
        return True
    if old.unit and old.unit == new.unit:
        return True
    previous = _previous_stem(pair.source, old.qualifier_start)
    return bool(previous) and previous == _previous_stem(pair.derivative, new.qualifier_start)


def number_changes(pair: PassagePair) -> list[Change]:
    """Return NUMBER changes (a figure replaced by another in the same role, or a vague
    quantity such as "nearly all" replaced by a figure or back) and HEDGE changes (the same
    figure with a qualifier of another meaning, "at least" rather than "about")."""
    source_text, derivative_text = pair.source.text, pair.derivative.text
    source_only, derivative_only, matched = _unmatched(
        quantities(source_text), quantities(derivative_text)
    )
    changes: list[Change] = []
    for old in list(source_only):
        new = next((d for d in derivative_only if _same_role(pair, old, d)), None)
        if new is None:
            continue
        source_only.remove(old)
        derivative_only.remove(new)
        before, after = source_text[old.start : old.end], derivative_text[new.start : new.end]
        changes.append(Change(ChangeKind.NUMBER, before, after, f"{old.kind}: {before} -> {after}"))
    changes.extend(_vague_changes(pair, source_only, derivative_only))
    for old, new in matched:
        if _meaning(old.qualifier) != _meaning(new.qualifier):
            before = source_text[old.qualifier_start : old.end]
            after = derivative_text[new.qualifier_start : new.end]
            note = f"qualifier '{old.qualifier}' -> '{new.qualifier}' on the same figure"
            changes.append(Change(ChangeKind.HEDGE, before, after, note))
    return changes


def _meaning(qualifier: str) -> str:
    return QUALIFIER_CLASSES.get(qualifier, qualifier)


def _vague_changes(
    pair: PassagePair, source_only: list[Quantity], derivative_only: list[Quantity]
) -> list[Change]:
    """Return NUMBER changes where a vague quantity and a precise count take each other's place
    in one small edited region ("nearly all of the 220" -> "204 of the 220")."""
    changes: list[Change] = []
    for derivative, figures in ((False, derivative_only), (True, source_only)):
        if not figures:
            continue  # no figure on the other side to swap with
        this, other = pair.side(derivative), pair.side(not derivative)
        for first, last in find_markers(this, VAGUE_QUANTITIES):
            figure = _figure_in_region(pair, first, derivative, figures)
            if figure is None:
                continue
            figures.remove(figure)
            vague, precise = this.span(first, last), other.text[figure.start : figure.end]
            before, after = (precise, vague) if derivative else (vague, precise)
            note = f"vague quantity and figure swapped: {before} -> {after}"
            changes.append(Change(ChangeKind.NUMBER, before, after, note))
    return changes


def _figure_in_region(
    pair: PassagePair, index: int, derivative: bool, figures: list[Quantity]
) -> Quantity | None:
    """Return the unmatched count on the other side of the replaced region holding ``index``."""
    block = pair.block_of(index, derivative)
    if block is None or block.tag != "replace":
        return None
    if max(block.a1 - block.a0, block.b1 - block.b0) > _MAX_REGION:
        return None
    lo, hi = (block.a0, block.a1) if derivative else (block.b0, block.b1)
    other = pair.side(not derivative)
    start, end = other.starts[lo], other.ends[hi - 1]
    return next(
        (f for f in figures if f.kind == "count" and start <= f.start and f.end <= end), None
    )
