"""Named entities and attributions: who is named and who a claim is credited to.

Names are runs of capitalised words; a name counts as kept when most of its identifying
words (titles left out, "U.S."/"US"/"United States" folded together) appear on the other
side. A name is *replaced* only when a different name takes its place in the same small
edited region; a name dropped with its clause is not a change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import chain

from wiretrace.changes_text import PASSAGES_CACHED, Passage, PassagePair, is_content, tokenize
from wiretrace.changes_text import passage as prepared
from wiretrace.lexicon import (
    ACCORDING_TO,
    ENTITY_ALIASES,
    FUNCTION_WORDS,
    INSTITUTION_NOUNS,
    MONTHS,
    NON_NAME_CAPITALS,
    NUMBER_WORDS,
    PRONOUNS,
    REPORTING_VERBS,
    SOURCE_NOUNS,
    TITLES,
    UNNAMED_ATTRIBUTION,
    WEEKDAYS,
)
from wiretrace.models import Change, ChangeKind

_MAX_REGION = 6  # largest edited region in which two names are taken to share a role
_SAME_SPELLING = 0.8  # letter-sequence ratio above which two name words are one spelled twice
_CONNECTORS = frozenset(("of", "the", "de", "al", "bin", "van", "von", "for"))
_SPEAKER_JOINERS = _CONNECTORS | {"and"}  # words inside a speaker's name ("Smith and Jones")
_REPORTING_VERBS = frozenset(REPORTING_VERBS)
_ATTRIBUTION_CUES = _REPORTING_VERBS | {phrase.split()[0] for phrase in ACCORDING_TO}
_ALIAS_PHRASE_STARTS = frozenset(alias.split()[0] for alias in ENTITY_ALIASES if " " in alias)
_NOT_NAMES = NON_NAME_CAPITALS | frozenset(WEEKDAYS) | frozenset(MONTHS) | frozenset(NUMBER_WORDS)
_CLAIM_WINDOW = 8  # tokens either side of an attribution that make up the claim
_SKIPPABLE = frozenset(("also", "has", "have", "had", "later", "previously", "again", "then"))
_MAX_MODIFIERS = 2  # plain words kept before a source noun ("local officials")
_PERSONAL_PRONOUNS = frozenset(("he", "she", "they", "we", "it"))
_NOT_MODIFIERS = _REPORTING_VERBS | PRONOUNS | SOURCE_NOUNS | frozenset(NUMBER_WORDS)


@dataclass(frozen=True, slots=True)
class Name:
    """A run of capitalised tokens [first, last] and the words that identify it."""

    first: int
    last: int
    keys: frozenset[str]
    final: str  # the last word, which identifies a person ("Maduro" in "Nicolas Maduro")


def _bare(key: str) -> str:
    return key.removesuffix("'s").removesuffix("'")


def identity_keys(words: Sequence[str]) -> frozenset[str]:
    """Return the identifying words of a name: aliases folded, titles and function words out."""
    return _identity_keys(tuple(words))


@lru_cache(maxsize=8192)  # a name recurs in the passages of one story
def _identity_keys(words: tuple[str, ...]) -> frozenset[str]:
    """Return the identifying words of a name given as a tuple (see ``identity_keys``)."""
    whole = " ".join(_bare(w) for w in words)
    if whole in ENTITY_ALIASES:
        return frozenset((ENTITY_ALIASES[whole],))
    keys = {
        _bare(part)
        for word in words
        for part in word.split("-")
        if _bare(part) not in TITLES and _bare(part) not in FUNCTION_WORDS
    }
    return frozenset(ENTITY_ALIASES.get(k, k) if len(words) == 1 else k for k in keys if k)


@lru_cache(maxsize=1 << 15)  # one entry per distinct word
def _word_parts(key: str) -> tuple[str, ...]:
    """Return the parts of a hyphenated word, possessive endings off."""
    return tuple(_bare(part) for part in key.split("-"))


@lru_cache(maxsize=PASSAGES_CACHED)
def _vocabulary_of(text: str) -> frozenset[str]:
    return _words_and_aliases(prepared(text).keys)


def text_vocabulary(text: str) -> frozenset[str]:
    """Return the vocabulary of a text (see ``vocabulary``) without preparing and keeping a
    passage of it: for long texts, such as a whole source document."""
    return _words_and_aliases(tokenize(text).keys)


def _words_and_aliases(keys: tuple[str, ...]) -> frozenset[str]:
    """Return the word parts of ``keys`` and the entity keys their aliases stand for."""
    words = list(chain.from_iterable(map(_word_parts, keys)))
    found = set(words)
    found.update([ENTITY_ALIASES[w] for w in found.intersection(ENTITY_ALIASES)])
    if _ALIAS_PHRASE_STARTS.isdisjoint(words):
        return frozenset(found)  # no alias of two to four words can start anywhere
    for i, word in enumerate(words):
        if word not in _ALIAS_PHRASE_STARTS:
            continue  # no alias of two to four words starts here
        for size in (2, 3, 4):
            if i + size > len(words):
                break
            phrase = " ".join(words[i : i + size])
            if phrase in ENTITY_ALIASES:
                found.add(ENTITY_ALIASES[phrase])
    return frozenset(found)


def vocabulary(passage: Passage) -> frozenset[str]:
    """Return every word of a passage, plus the entity keys its aliases stand for."""
    return _vocabulary_of(passage.text)


def is_kept(keys: frozenset[str], other: frozenset[str]) -> bool:
    """Return True when more than half of a name's identifying words occur on the other side."""
    return bool(keys) and 2 * len(keys & other) > len(keys)


def _name_like(passage: Passage, index: int) -> bool:
    key = passage.keys[index]
    if not passage.capitalised[index] or key in _NOT_NAMES or key[:1].isdigit():
        return False
    if key in SOURCE_NOUNS and key not in passage.midsentence_capitals:
        return False
    if not passage.sentence_starts[index]:
        return True
    following = index + 1
    return (
        key in ENTITY_ALIASES
        or key in passage.midsentence_capitals
        or (
            following < len(passage.keys)
            and (passage.capitalised[following] or passage.keys[following] in _REPORTING_VERBS)
        )
    )


def names(passage: Passage) -> list[Name]:
    """Return the capitalised name runs of a passage, in reading order."""
    return list(_names_of(passage.text))


@lru_cache(maxsize=PASSAGES_CACHED)
def _names_of(text: str) -> tuple[Name, ...]:
    """Return the name runs of a text's prepared passage (cached: see ``names``)."""
    passage = prepared(text)
    found: list[Name] = []
    count, end = len(passage.keys), 0  # end: the token after the last name found
    for index in [i for i, capital in enumerate(passage.capitalised) if capital]:
        if index < end or not _name_like(passage, index):
            continue  # a name starts with a capital, after the previous name
        last = index
        while (
            last + 1 < count
            and passage.joined(last + 1)
            and (
                _name_like(passage, last + 1)
                or (
                    passage.keys[last + 1] in _CONNECTORS
                    and last + 2 < count
                    and _name_like(passage, last + 2)
                )
            )
        ):
            last += 1
        keys = identity_keys(passage.keys[index : last + 1])
        if keys:
            found.append(Name(index, last, keys, _bare(passage.keys[last])))
        end = last + 1
    return tuple(found)


def _name_kept(name: Name, other: frozenset[str]) -> bool:
    return name.final in other or is_kept(name.keys, other)


def _region(pair: PassagePair, name: Name, derivative: bool) -> tuple[int, int, int, int] | None:
    block = pair.block_of(name.first, derivative)
    if block is None or block.tag != "replace":
        return None
    if max(block.a1 - block.a0, block.b1 - block.b0) > _MAX_REGION:
        return None
    return (block.a0, block.a1, block.b0, block.b1)


def entity_changes(pair: PassagePair) -> list[Change]:
    """Return ENTITY changes: a name replaced by a different name in the same edited region."""
    source, derivative = pair.source, pair.derivative
    if not names(source) or not names(derivative):
        return []  # a name can only be replaced by a name
    source_words, derivative_words = vocabulary(source), vocabulary(derivative)
    gone = [n for n in names(source) if not _name_kept(n, derivative_words)]
    new = [n for n in names(derivative) if not _name_kept(n, source_words)]
    changes: list[Change] = []
    for old in gone:
        if not new:
            break  # no new name left to take an old one's place
        region = _region(pair, old, derivative=False)
        twin = next(
            (n for n in new if region and _region(pair, n, derivative=True) == region), None
        )
        if twin is None:
            continue
        new.remove(twin)
        before = source.span(old.first, old.last)
        after = derivative.span(twin.first, twin.last)
        changes.append(Change(ChangeKind.ENTITY, before, after, f"{before} -> {after}"))
    return changes + _part_swaps(pair, source_words, derivative_words)


def _part_swaps(
    pair: PassagePair, source_words: frozenset[str], derivative_words: frozenset[str]
) -> list[Change]:
    """Return ENTITY changes where one word of a longer name was swapped for another name word
    ("St Brannoc Hospital" -> "St Brendan Hospital"); spelling variants are left alone."""
    # names are runs that never overlap: a swapped word has one holder, if any
    old_names = [n for n in names(pair.source) if n.first < n.last]
    new_names = [n for n in names(pair.derivative) if n.first < n.last]
    if not old_names or not new_names:
        return []  # a word can only be swapped inside names of two words or more
    changes: list[Change] = []
    for block in pair.blocks:
        if block.tag != "replace" or max(block.a1 - block.a0, block.b1 - block.b0) > 2:
            continue
        old = _holder(old_names, block.a0, block.a1)
        new = _holder(new_names, block.b0, block.b1)
        if old is None or new is None:
            continue
        gone = identity_keys(pair.source.keys[block.a0 : block.a1])
        came = identity_keys(pair.derivative.keys[block.b0 : block.b1])
        if not gone or not came or gone & derivative_words or came & source_words:
            continue  # a title dropped ("Dr") or a name moved, not swapped
        if any(_spelling_variant(a, b) for a in gone for b in came):
            continue
        before = pair.source.span(old.first, old.last)
        after = pair.derivative.span(new.first, new.last)
        changes.append(Change(ChangeKind.ENTITY, before, after, f"{before} -> {after}"))
    return changes


def _holder(found: list[Name], first: int, end: int) -> Name | None:
    """Return the name that holds tokens [first, end), when they are all capitalised name words."""
    return next((n for n in found if n.first <= first and end - 1 <= n.last), None)


def _spelling_variant(a: str, b: str) -> bool:
    """Return True for one name word written two ways: "Qaida"/"Qaeda", "Timothy"/"Tim",
    "Harold"/"H." (a short form is a prefix of the long one)."""
    short, long = sorted((a.rstrip("."), b.rstrip(".")), key=len)
    if short and long.startswith(short):
        return True
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= _SAME_SPELLING


@dataclass(frozen=True, slots=True)
class Attribution:
    """A claim credited to a speaker: token range of speaker and verb, speaker keys."""

    first: int
    last: int
    speaker: str
    keys: frozenset[str]
    claim_follows: bool  # "X said that <claim>" rather than "<claim>, said X"
    named: bool  # the speaker is a name ("Hesketh"), not a common noun ("officials")
    definite: bool  # "the company": may stand for a source named earlier


def _speaker_before(passage: Passage, verb: int) -> tuple[int, int] | None:
    """Return the speaker's token range ending just before a reporting verb."""
    end = verb - 1
    while end >= 0 and passage.keys[end] in _SKIPPABLE and verb - end <= 2:
        end -= 1
    if end < 0 or passage.keys[end] in PRONOUNS:
        return None
    start = end
    if passage.keys[end] not in SOURCE_NOUNS and not _name_like(passage, end):
        return None
    while (
        start > 0
        and passage.joined(start)
        and (
            _name_like(passage, start - 1)
            or (
                passage.keys[start - 1] in _SPEAKER_JOINERS
                and start > 1
                and _name_like(passage, start - 2)
            )
        )
    ):
        start -= 1
    if start == end and passage.keys[end] in SOURCE_NOUNS:
        start = _modifiers_before(passage, end)
    return start, end


def _modifiers_before(passage: Passage, noun: int) -> int:
    """Return where "local officials" or "the port authority" starts: up to two plain words
    written before a source noun."""
    start = noun
    while (
        noun - start < _MAX_MODIFIERS
        and start > 0
        and passage.joined(start)
        and not passage.capitalised[start - 1]
        and is_content(passage.keys[start - 1])
        and passage.keys[start - 1] not in _NOT_MODIFIERS
    ):
        start -= 1
    return start


def _speaker_after(passage: Passage, cue_end: int) -> tuple[int, int] | None:
    """Return the speaker's token range starting after "according to" or a reporting verb."""
    start = cue_end + 1
    while start < len(passage.keys) and passage.keys[start] in ("the", "a", "an"):
        start += 1
    if start >= len(passage.keys):
        return None
    end = start
    if _name_like(passage, start) or passage.capitalised[start]:
        while (
            end + 1 < len(passage.keys)
            and passage.joined(end + 1)
            and (passage.capitalised[end + 1] or passage.keys[end + 1] in _CONNECTORS)
        ):
            end += 1
        return start, end
    if passage.keys[start] in SOURCE_NOUNS:
        return start, end
    if end + 1 < len(passage.keys) and passage.keys[end + 1] in SOURCE_NOUNS:
        return start, end + 1
    return None


def _after_comma_or_quote(passage: Passage, verb: int) -> bool:
    before = passage.text[: passage.starts[verb]].rstrip()
    return bool(before) and before[-1] in ",\"”’'"


def attributions(passage: Passage) -> list[Attribution]:
    """Return the attributed claims of a passage (outside quotations), in reading order."""
    return list(_attributions_of(passage.text))


@lru_cache(maxsize=PASSAGES_CACHED)
def _attributions_of(text: str) -> tuple[Attribution, ...]:
    passage = prepared(text)
    if _ATTRIBUTION_CUES.isdisjoint(passage.key_set):
        return ()  # no reporting verb, no "according to"
    found: list[Attribution] = []
    positions = passage.positions
    verbs = [i for verb in _REPORTING_VERBS.intersection(positions) for i in positions[verb]]
    for index in sorted(verbs):
        if passage.capitalised[index] or passage.in_quotation(index):
            continue
        span = _speaker_before(passage, index)
        if span is None and _after_comma_or_quote(passage, index):
            after = _speaker_after(passage, index)
            span = None if after is None else (index, after[1])
            speaker = None if after is None else after
            claim_follows = False
        else:
            speaker = span
            span = None if span is None else (span[0], index)
            claim_follows = _words_follow(passage, index)
        if span is None or speaker is None:
            continue
        found.append(_attribution(passage, span, speaker, claim_follows))
    for phrase in ACCORDING_TO:
        words = tuple(phrase.split())
        for first in passage.find_phrase(words):
            speaker = _speaker_after(passage, first + len(words) - 1)
            if speaker is not None and not passage.in_quotation(first):
                claim_follows = first == 0 or passage.sentence_starts[first]
                found.append(_attribution(passage, (first, speaker[1]), speaker, claim_follows))
    return tuple(sorted(found, key=lambda a: (a.first, a.last)))


def _words_follow(passage: Passage, verb: int) -> bool:
    """Return True when the clause goes on after a reporting verb ("said the road was shut"),
    False when the verb ends it ("the road was shut, officials said.")."""
    after = verb + 1
    return (
        after < len(passage.keys)
        and not passage.sentence_starts[after]
        and passage.same_clause(verb, after)
    )


def _attribution(
    passage: Passage, span: tuple[int, int], speaker: tuple[int, int], claim_follows: bool
) -> Attribution:
    indices = range(speaker[0], speaker[1] + 1)
    named = [passage.keys[i] for i in indices if passage.capitalised[i] and _name_like(passage, i)]
    words = [passage.keys[i] for i in indices]
    if not named and words[-1] in SOURCE_NOUNS:
        words = words[-1:]  # "local officials" and "officials" are the same source
    keys = identity_keys(named) or identity_keys(words) or frozenset(words)
    definite = speaker[0] > 0 and passage.keys[speaker[0] - 1] == "the"
    return Attribution(
        span[0], span[1], passage.span(*speaker), keys, claim_follows, bool(named), definite
    )


def _unnamed(passage: Passage) -> str:
    for phrase in UNNAMED_ATTRIBUTION:
        hits = passage.find_phrase(tuple(phrase.split()))
        if hits:
            return passage.span(hits[0], hits[0] + len(phrase.split()) - 1)
    return ""


def _claim_kept(passage: Passage, attribution: Attribution, other: Passage) -> bool:
    """Return True when the attributed claim (the words around the attribution) survives."""
    if attribution.claim_follows:
        window = range(attribution.last + 1, attribution.last + 1 + _CLAIM_WINDOW)
    else:
        window = range(max(0, attribution.first - _CLAIM_WINDOW), attribution.first)
    claim = [
        passage.stems[i] for i in window if i < len(passage.stems) and is_content(passage.keys[i])
    ]
    kept = sum(1 for word in claim if word in other.stem_set)
    return bool(claim) and 4 * kept >= len(claim)


def _pronoun_speakers(passage: Passage) -> int:
    """Return how many claims a passage credits to a pronoun ("he said", "they told")."""
    return sum(
        1
        for index, key in enumerate(passage.keys)
        if key in _REPORTING_VERBS
        and index > 0
        and passage.keys[index - 1] in _PERSONAL_PRONOUNS
        and not passage.in_quotation(index)
    )


def _refers_to(generic: Attribution, named: Attribution) -> bool:
    """Return True when "the company" can stand for a source the other side names."""
    return (
        named.named and not generic.named and generic.definite and generic.keys <= INSTITUTION_NOUNS
    )


def _without_coreference(
    dropped: list[Attribution], added: list[Attribution]
) -> tuple[list[Attribution], list[Attribution]]:
    """Drop the pairs where a named source and "the company" stand for one another."""
    dropped, added = list(dropped), list(added)
    for old in list(dropped):
        twin = next((n for n in added if _refers_to(n, old) or _refers_to(old, n)), None)
        if twin is not None:
            dropped.remove(old)
            added.remove(twin)
    return dropped, added


def attribution_changes(pair: PassagePair) -> list[Change]:
    """Return ATTRIBUTION changes: a named source dropped, replaced or newly added."""
    source, derivative = pair.source, pair.derivative
    dropped = [
        a
        for a in attributions(source)
        if not is_kept(a.keys, vocabulary(derivative)) and _claim_kept(source, a, derivative)
    ]
    added = [
        a
        for a in attributions(derivative)
        if not is_kept(a.keys, vocabulary(source)) and _claim_kept(derivative, a, source)
    ]
    if not dropped and not added:
        return []
    dropped, added = _without_coreference(dropped, added)
    # "the judge said" -> "he said": the claim is still credited to someone named before
    dropped = dropped[_pronoun_speakers(derivative) :]
    added = added[_pronoun_speakers(source) :]
    changes: list[Change] = []
    for old, new in zip(dropped, added, strict=False):
        before, after = source.span(old.first, old.last), derivative.span(new.first, new.last)
        note = f"attribution changed: {old.speaker} -> {new.speaker}"
        changes.append(Change(ChangeKind.ATTRIBUTION, before, after, note))
    unnamed = ""  # the unnamed source ("sources say") the derivative puts in a dropped one's place
    if len(dropped) > len(added) and not _unnamed(source):
        unnamed = _unnamed(derivative)
    for old in dropped[len(added) :]:
        note = f"attribution to {old.speaker} dropped"
        if unnamed:
            note += f", replaced by unnamed '{unnamed}'"
        before = source.span(old.first, old.last)
        changes.append(Change(ChangeKind.ATTRIBUTION, before, unnamed, note))
    for new in added[len(dropped) :]:
        note = f"attribution to {new.speaker} added"
        changes.append(
            Change(ChangeKind.ATTRIBUTION, "", derivative.span(new.first, new.last), note)
        )
    return changes
