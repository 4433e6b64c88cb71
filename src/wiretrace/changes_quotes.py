"""Quotations: altered, truncated, spliced, removed, made indirect or put in another mouth."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from wiretrace.changes_names import attributions
from wiretrace.changes_text import (
    PASSAGES_CACHED,
    Passage,
    PassagePair,
    Quotation,
    is_content,
    stem,
)
from wiretrace.changes_text import passage as prepared
from wiretrace.models import Change, ChangeKind

_SAME_QUOTE = 0.5  # word-sequence ratio above which two quotations are versions of one
_INDIRECT = 0.6  # share of a quotation's words found unquoted that makes it indirect speech
_REST_KEPT = 0.4  # share of the surrounding words kept that makes a removal a change
_MIN_WORDS = 2  # shorter quotations (scare quotes) are not compared
_SPEAKER_REACH = 1  # the "said X" / "X said" must touch the quotation


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation with its words and the speaker it is credited to, when identifiable."""

    mark: Quotation
    words: tuple[str, ...]
    speaker: str
    speaker_keys: frozenset[str]


def _token_range(passage: Passage, start: int, end: int) -> list[int]:
    return [
        i
        for i, (first, last) in enumerate(zip(passage.starts, passage.ends, strict=True))
        if start <= first and last <= end
    ]


def _is_title(passage: Passage, indices: list[int]) -> bool:
    """Return True for quoted titles and names ("State of the Union"), which are not speech."""
    return all(passage.capitalised[i] or not is_content(passage.keys[i]) for i in indices)


def quotes(passage: Passage) -> list[Quote]:
    """Return the quotations of a passage that are speech, with their speakers."""
    if not passage.quotations:
        return []
    return list(_quotes_of(passage.text))


@lru_cache(maxsize=PASSAGES_CACHED)
def _quotes_of(text: str) -> tuple[Quote, ...]:
    passage = prepared(text)
    credited = attributions(passage)
    found: list[Quote] = []
    for mark in passage.quotations:
        inner = _token_range(passage, mark.inner_start, mark.inner_end)
        if len(inner) < _MIN_WORDS or _is_title(passage, inner):
            continue
        before = [i for i, end in enumerate(passage.ends) if end <= mark.start][-1:]
        after = [i for i, start in enumerate(passage.starts) if start >= mark.end][:1]
        speaker = next(
            (
                a
                for a in credited
                if (after and 0 <= a.first - after[0] < _SPEAKER_REACH)
                or (before and 0 <= before[0] - a.last < _SPEAKER_REACH)
            ),
            None,
        )
        words = tuple(passage.keys[i] for i in inner)
        if speaker is None:
            found.append(Quote(mark, words, "", frozenset()))
        else:
            found.append(Quote(mark, words, speaker.speaker, speaker.keys))
    return tuple(found)


@lru_cache(maxsize=4096)  # a quotation meets those of several passages
def _likeness(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Return 1.0 when one quotation is cut from the other, else their word-sequence ratio."""
    if min(len(a), len(b)) >= _MIN_WORDS and (_contains(a, b) or _contains(b, a)):
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _contains(outer: tuple[str, ...], inner: tuple[str, ...]) -> bool:
    size = len(inner)
    return any(outer[i : i + size] == inner for i in range(len(outer) - size + 1))


def _shift(old: Quote, new: Quote) -> str:
    if _contains(old.words, new.words):
        return "quote truncated"
    if _contains(new.words, old.words):
        return "quote extended"
    return "quote altered"


def _share_found(words: tuple[str, ...], other: Passage) -> float:
    content = [stem(w) for w in words if is_content(w)]
    if not content:
        return 1.0
    return sum(1 for w in content if w in other.stem_set) / len(content)


def _rest_kept(passage: Passage, other: Passage) -> bool:
    outside = [
        passage.keys[i]
        for i in range(len(passage.keys))
        if not passage.in_quotation(i) and is_content(passage.keys[i])
    ]
    return not outside or _share_found(tuple(outside), other) >= _REST_KEPT


def _text(passage: Passage, quote: Quote) -> str:
    return passage.text[quote.mark.start : quote.mark.end]


def _speaker_note(old: Quote, new: Quote) -> str:
    if not old.speaker_keys or not new.speaker_keys:
        return ""
    if old.speaker_keys & new.speaker_keys:
        return ""
    return f"; put in another mouth: {old.speaker} -> {new.speaker}"


def _lost_quote(pair: PassagePair, old: Quote) -> Change | None:
    source, derivative = pair.source, pair.derivative
    speaker = f" ({old.speaker})" if old.speaker else ""
    if _share_found(old.words, derivative) >= _INDIRECT:
        note = f"quote turned into indirect speech{speaker}"
    elif _rest_kept(source, derivative):
        note = f"quote removed{speaker}"
    else:
        return None
    return Change(ChangeKind.QUOTE, _text(source, old), "", note)


def _spliced(new: Quote, olds: list[Quote]) -> list[Quote]:
    """Return the source quotations a derivative quotation was stitched from, if several."""
    parts = [o for o in olds if len(o.words) >= _MIN_WORDS and _share_in(o.words, new.words) > 0.5]
    covered = {w for o in parts for w in o.words}
    if len(parts) >= 2 and sum(1 for w in new.words if w in covered) >= 0.8 * len(new.words):
        return parts
    return []


def _share_in(words: tuple[str, ...], pool: tuple[str, ...]) -> float:
    return sum(1 for w in words if w in pool) / len(words)


def quote_changes(pair: PassagePair) -> list[Change]:
    """Return QUOTE changes between the quotations of a source and a derivative passage."""
    source, derivative = pair.source, pair.derivative
    olds, news = quotes(source), quotes(derivative)
    changes: list[Change] = []
    for new in list(news):
        parts = _spliced(new, olds)
        if parts:
            old_text = source.text[parts[0].mark.start : parts[-1].mark.end]
            note = f"quote spliced from {len(parts)} quotations"
            changes.append(Change(ChangeKind.QUOTE, old_text, _text(derivative, new), note))
            news.remove(new)
            olds = [o for o in olds if o not in parts]
    unmatched_new = list(news)
    for old in olds:
        best = max(news, key=lambda n: _likeness(old.words, n.words), default=None)
        if best is None or _likeness(old.words, best.words) < _SAME_QUOTE:
            lost = _lost_quote(pair, old)
            if lost is not None:
                changes.append(lost)
            continue
        if best in unmatched_new:
            unmatched_new.remove(best)
        note = "" if old.words == best.words else _shift(old, best)
        note = (note + _speaker_note(old, best)).lstrip("; ")
        if note:
            changes.append(
                Change(ChangeKind.QUOTE, _text(source, old), _text(derivative, best), note)
            )
    changes.extend(_new_quote(pair, new) for new in unmatched_new)
    return changes


def _new_quote(pair: PassagePair, new: Quote) -> Change:
    if _share_found(new.words, pair.source) >= _INDIRECT:
        note = "indirect speech turned into a quotation"
    else:
        note = "quotation not in the source"
    return Change(ChangeKind.QUOTE, "", _text(pair.derivative, new), note)
