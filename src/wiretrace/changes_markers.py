"""Hedges, negation and intensity: markers that modify a word both passages share.

A marker ("may", "not", "unintentionally") changes the meaning only when the word it
governs (its head, e.g. "killed") is kept on the other side without an equivalent marker.
When the head is gone the clause was reworded or dropped, and nothing is reported: this is
what keeps free paraphrase from raising false flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from wiretrace.changes_text import Passage, PassagePair, is_content
from wiretrace.lexicon import (
    ANTONYM_PAIRS,
    CERTAINTY,
    HEDGES,
    INTENSIFIERS,
    INTENSITY_SCALES,
    NEGATORS,
    SOFTENERS,
)
from wiretrace.models import Change, ChangeKind

_HEAD_WINDOW = 5  # tokens after a marker searched for its head
_MARKER_WINDOW = 5  # tokens before a head searched for a marker
_MARKER_AFTER = 2  # tokens after a head searched for a trailing marker
_MAX_REGION = 6  # largest replaced region shown whole as evidence
_AUXILIARIES = frozenset(
    ("would", "will", "could", "can", "did", "does", "do", "is", "was", "are", "were", "has", "had")
)
_PREPOSITIONS = frozenset(
    ("on", "in", "at", "after", "before", "during", "when", "for", "from", "with", "by", "of")
)
_MODIFIERS = frozenset(
    word
    for phrase in HEDGES + CERTAINTY + NEGATORS + INTENSIFIERS + SOFTENERS
    for word in phrase.split()
)

_ANTONYM_WORDS = frozenset(form for pair in ANTONYM_PAIRS for side in pair for form in side)
_SCALE_WORDS = {  # in name order, the order scales are compared in
    scale: frozenset(form for _, forms in INTENSITY_SCALES[scale] for form in forms)
    for scale in sorted(INTENSITY_SCALES)
}
_ANY_SCALE_WORD = frozenset().union(*_SCALE_WORDS.values())


@dataclass(frozen=True, slots=True)
class Family:
    """A class of markers and how to describe one being added or removed."""

    kind: ChangeKind
    phrases: tuple[str, ...]
    added: str  # note when the derivative has the marker and the source does not
    removed: str
    first_words: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # the words its markers start with: a passage without any of them has no marker
        object.__setattr__(self, "first_words", frozenset(p.split()[0] for p in self.phrases))


FAMILIES: tuple[Family, ...] = (
    Family(ChangeKind.NEGATION, NEGATORS, "negation added", "negation removed"),
    Family(ChangeKind.HEDGE, HEDGES, "hedge added (certainty lowered)", "hedge removed"),
    Family(ChangeKind.HEDGE, CERTAINTY, "certainty raised", "certainty marker removed"),
    Family(ChangeKind.INTENSITY, SOFTENERS, "softened", "softener removed (stronger)"),
    Family(ChangeKind.INTENSITY, INTENSIFIERS, "exaggerated", "intensifier removed (softened)"),
)


@lru_cache(maxsize=64)
def _phrase_index(phrases: tuple[str, ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Return the marker phrases of a word list keyed by their first word."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        words = tuple(phrase.split())
        index.setdefault(words[0], []).append(words)
    return {first: tuple(group) for first, group in index.items()}


def find_markers(
    passage: Passage, phrases: tuple[str, ...], quoted: bool = False
) -> list[tuple[int, int]]:
    """Return (first, last) token ranges of each marker phrase, longest phrases first,
    without overlaps; outside quotations unless ``quoted``."""
    memo_key = (phrases, quoted)
    found = passage.markers.get(memo_key)
    if found is None:
        found = passage.markers[memo_key] = _find_markers(passage, phrases, quoted)
    return list(found)


def _find_markers(
    passage: Passage, phrases: tuple[str, ...], quoted: bool
) -> list[tuple[int, int]]:
    index = _phrase_index(phrases)
    positions = passage.positions
    if index.keys().isdisjoint(positions):
        return []  # no phrase's first word is in the passage
    keys = passage.keys
    hits: list[tuple[int, str, int]] = []  # (-length, phrase, first): longest phrase first
    for key in index.keys() & positions.keys():
        for first in positions[key]:
            for words in index[key]:
                if keys[first : first + len(words)] == words:
                    hits.append((-len(words), " ".join(words), first))
    taken: set[int] = set()
    found: list[tuple[int, int]] = []
    for negative_size, _, first in sorted(hits):
        last = first - negative_size - 1
        span = set(range(first, last + 1))
        hidden = not quoted and passage.in_quotation(first)
        if span & taken or hidden or _is_month(passage, first):
            continue
        taken |= span
        found.append((first, last))
    return sorted(found)


def _is_month(passage: Passage, index: int) -> bool:
    if passage.words[index] != "May":
        return False
    following = passage.keys[index + 1 : index + 2]
    return bool(following) and following[0][:1].isdigit()


def _heads(passage: Passage, last: int) -> list[int]:
    """Return up to two content words governed by a marker ending at token ``last``."""
    heads: list[int] = []
    for index in range(last + 1, min(last + 1 + _HEAD_WINDOW, len(passage.keys))):
        key = passage.keys[index]
        if not passage.same_clause(last, index):
            break
        if is_content(key) and key not in _MODIFIERS:
            heads.append(index)
            if len(heads) == 2:
                break
    return heads


def _occurrences(pair: PassagePair, index: int, derivative: bool) -> list[int]:
    """Return where the word at ``index`` of one side occurs on the other, aligned one first."""
    this, other = pair.side(derivative), pair.side(not derivative)
    wanted = this.stems[index]
    found = [i for i, s in enumerate(other.stems) if s == wanted]
    aligned = pair.counterpart(index, derivative)
    if aligned is not None and aligned in found:
        found.remove(aligned)
        found.insert(0, aligned)
    return found


def _marked(markers: list[tuple[int, int]], head: int) -> bool:
    """Return True when a marker sits just before a head ("may kill") or just after it
    ("a cartel allegedly run")."""
    return any(
        head - _MARKER_WINDOW <= last < head or head < first <= head + _MARKER_AFTER
        for first, last in markers
    )


def _other_evidence(pair: PassagePair, first: int, occurrence: int, derivative: bool) -> str:
    """Return the other side's evidence: the replaced region before ``occurrence`` and itself."""
    other = pair.side(not derivative)
    block = pair.block_of(first, derivative)
    if block is not None and block.tag != "equal":
        lo, hi = (block.a0, block.a1) if derivative else (block.b0, block.b1)
        if hi <= occurrence and occurrence - lo <= _MAX_REGION:
            return other.span(lo, occurrence)
    return other.span(occurrence, occurrence)


def _change(
    kind: ChangeKind, this_text: str, other_text: str, derivative: bool, note: str
) -> Change:
    if derivative:
        return Change(kind, other_text, this_text, note)
    return Change(kind, this_text, other_text, note)


def _family_changes(pair: PassagePair, family: Family, derivative: bool) -> list[Change]:
    this, other = pair.side(derivative), pair.side(not derivative)
    markers = find_markers(this, family.phrases)
    if not markers:
        return []
    other_markers = find_markers(other, family.phrases, quoted=True)
    changes: list[Change] = []
    for first, last in markers:
        heads = _heads(this, last)
        shared = [(h, _occurrences(pair, h, derivative)) for h in heads]
        shared = [(h, found) for h, found in shared if found]
        if not shared or any(_marked(other_markers, o) for _, found in shared for o in found):
            continue
        head, occurrences = shared[0]
        if any(this.keys[i] in _PREPOSITIONS for i in range(heads[0], head)):
            head = heads[0]  # "violent clashes on Tuesday": the marker governs only "clashes"
        if (
            first > 0
            and this.keys[first - 1] in _AUXILIARIES
            and this.same_clause(first - 1, first)
        ):
            first -= 1
        note = f"{family.added if derivative else family.removed}: '{this.span(first, last)}'"
        other_text = _other_evidence(pair, first, occurrences[0], derivative)
        changes.append(_change(family.kind, this.span(first, head), other_text, derivative, note))
    return changes


def marker_changes(pair: PassagePair) -> list[Change]:
    """Return NEGATION, HEDGE and INTENSITY changes found from markers on shared heads."""
    changes: list[Change] = []
    for family in FAMILIES:
        for derivative in (False, True):
            if not family.first_words.isdisjoint(pair.side(derivative).key_set):
                changes.extend(_family_changes(pair, family, derivative))
    return changes


def _indices(passage: Passage, forms: tuple[str, ...]) -> list[int]:
    """Return the token indices of any of ``forms``, outside quotations, in reading order."""
    found = [i for form in forms for i in passage.positions.get(form, ())]
    return sorted(i for i in found if not passage.in_quotation(i))


def antonym_changes(pair: PassagePair) -> list[Change]:
    """Return NEGATION changes where a word was swapped for its antonym ("denied" -> "admitted")."""
    source, derivative = pair.source, pair.derivative
    changes: list[Change] = []
    if _ANTONYM_WORDS.isdisjoint(source.key_set) or _ANTONYM_WORDS.isdisjoint(derivative.key_set):
        return changes
    for left, right in ANTONYM_PAIRS:
        for old_forms, new_forms in ((left, right), (right, left)):
            if source.key_set.isdisjoint(old_forms) or derivative.key_set.isdisjoint(new_forms):
                continue  # one side lacks its word altogether
            olds, news = _indices(source, old_forms), _indices(derivative, new_forms)
            if not olds or not news:
                continue
            if set(old_forms) & derivative.key_set or set(new_forms) & source.key_set:
                continue
            before, after = source.span(olds[0], olds[0]), derivative.span(news[0], news[0])
            note = f"antonym: '{before}' -> '{after}'"
            changes.append(Change(ChangeKind.NEGATION, before, after, note))
    return changes


def _scale_words(passage: Passage, scale: str) -> list[tuple[int, int]]:
    """Return (token index, level) of the words of one intensity scale, outside quotations."""
    found: list[tuple[int, int]] = []
    for level, forms in INTENSITY_SCALES[scale]:
        found.extend((i, level) for i in _indices(passage, forms))
    return sorted(found)


def scale_changes(pair: PassagePair) -> list[Change]:
    """Return INTENSITY changes where a scale word was replaced by a stronger or weaker one
    ("criticised" -> "slammed", "minor" -> "serious")."""
    changes: list[Change] = []
    source_keys, derivative_keys = pair.source.key_set, pair.derivative.key_set
    if _ANY_SCALE_WORD.isdisjoint(source_keys) or _ANY_SCALE_WORD.isdisjoint(derivative_keys):
        return changes  # a side without any scale word
    for scale, words in _SCALE_WORDS.items():
        if words.isdisjoint(source_keys) or words.isdisjoint(derivative_keys):
            continue
        olds, news = _scale_words(pair.source, scale), _scale_words(pair.derivative, scale)
        for level in sorted({lv for _, lv in olds} & {lv for _, lv in news}):
            same_old = [w for w in olds if w[1] == level]
            same_new = [w for w in news if w[1] == level]
            keep = min(len(same_old), len(same_new))
            olds = [w for w in olds if w not in same_old[:keep]]
            news = [w for w in news if w not in same_new[:keep]]
        for (old_index, old_level), (new_index, new_level) in zip(olds, news, strict=False):
            before = pair.source.span(old_index, old_index)
            after = pair.derivative.span(new_index, new_index)
            direction = "exaggerated" if new_level > old_level else "softened"
            changes.append(
                Change(
                    ChangeKind.INTENSITY,
                    before,
                    after,
                    f"{direction} ({scale}): {before} -> {after}",
                )
            )
    return changes
