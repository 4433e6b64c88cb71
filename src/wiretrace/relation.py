"""The verdict on a pair of articles: which is the source, and how the other derives from it.

``compare`` aligns the two documents once, weighs the evidence for a
direction (containment asymmetry, update markers, publication times,
datelines, attribution tags, added site material, detail kept), turns the
alignment around when the second document is the source, and reads the
relation off a profile of the alignment. Every number the verdict used is
reported as a line of evidence.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from wiretrace.align import Matching, alignment_of, body_facts, match_sentences, text_anchors
from wiretrace.config import Settings
from wiretrace.embed import Encoder
from wiretrace.errors import InputError
from wiretrace.models import (
    Added,
    AddedKind,
    AlignedPair,
    AlignKind,
    Alignment,
    Change,
    ChangeKind,
    Comparison,
    Document,
    Omitted,
    Relation,
    SentenceRole,
)
from wiretrace.text.prepare import TEXT_RULES

__all__ = [
    "COMPARISON_SCHEMA",
    "DEFAULT_THRESHOLDS",
    "RULES",
    "AlignmentProfile",
    "VerdictThresholds",
    "compare",
    "comparison_from_dict",
    "comparison_to_dict",
    "profile_alignment",
    "triage",
    "triage_by_facts",
    "unaligned_to_dict",
]

COMPARISON_SCHEMA = 1
# Names the rules a stored verdict was reached under (the text stage's and the verdict's): a
# stored comparison under other rules is compared again. Bump VERDICT_RULES when alignment or
# verdict rules change what a pair is judged.
VERDICT_RULES = 3
RULES = f"t{TEXT_RULES}.v{VERDICT_RULES}"


@dataclass(frozen=True, slots=True)
class VerdictThresholds:
    """Every threshold of the verdict, in one place (to be calibrated on Clough & Stevenson).

    Shares are of characters: "verbatim share" is the part of the aligned
    derivative text in identical units, "kept share" identical or edited units.
    """

    # A derivation aligns most of the derivative, at a decent score, mostly in order;
    # independent reports of one event share facts but few well-scoring sentences.
    derivation_coverage: float = 0.45
    # A rewrite takes its names and numbers from its source; a text written apart from one
    # headline brings its own (people, figures, places) and aligns only where the topic makes
    # both say the same thing. A derivative that kept little verbatim and has this many names/
    # numbers the source lacks needs derivative coverage raised by this weight times their share.
    own_facts_min: int = 3
    own_facts_weight: float = 0.70
    derivation_score: float = 0.62
    derivation_order: float = 0.55
    derivation_kept_coverage: float = 0.35  # ... or this much of the derivative kept near-verbatim
    # Same event without copying: the two share this many of the smaller side's names/numbers,
    # at least this many of them, and some sentences say the same thing. Shared names alone
    # ("U.S.", "Reuters", a year) join different stories of one beat.
    same_event_anchors: float = 0.40
    same_event_min_anchors: int = 5
    same_event_coverage: float = 0.25
    same_event_strong_anchors: float = 0.60  # ... or most of the facts shared, however worded
    same_event_max_days: float = 14.0  # reports of one event appear within days of each other
    # ... and the facts of one event, not only its beat: figures (not years) or a quotation both
    # carry. Two stories about one athlete or minister share names; reports of one event share
    # its numbers or its quotes.
    same_event_min_numbers: int = 2
    # ... and the same news: a report leads with its event, so most names and numbers of each
    # side's lead (its first ``LEAD_SENTENCES`` body sentences) are found in the other. Two
    # stories of one beat lead with different news (another index, another order, another
    # match) and share only their background.
    same_event_lead_support: float = 0.35
    # Two reports that each carry quotations the other lacks, this many in all, did their own
    # reporting: a rewrite keeps or drops its source's quotes; it does not bring new ones, and
    # an update or a condensed copy has quotes of its own on one side only.
    independent_own_quotes: int = 4
    independent_max_kept_share: float = 0.30
    rewrite_anchors: float = 0.50  # a reordered rewrite keeps at least this share of the facts
    # Triage before alignment: a pair proposed without shared text (no shingle, excerpt or
    # sentence evidence) that shares less than this of the smaller side's names and numbers
    # is unrelated, unaligned. Same event needs ``same_event_anchors``; every planted LLM
    # paraphrase measured (bench/quality_candidates.py pile, the seeds) shares >= 0.5.
    triage_anchors: float = 0.30
    # Copies: most aligned derivative text kept nearly as it was.
    copy_kept_share: float = 0.75
    copy_verbatim_share: float = 0.50
    # VERBATIM: both bodies covered (chrome and captions live outside the body).
    verbatim_coverage: float = 0.95
    # ... or this much of the source when the copy runs to its end: a whole pickup that drops a
    # contributor line or adds a local aside is not an excerpt (an excerpt cuts the end)
    whole_copy_coverage: float = 0.85
    # UPDATE: the source is nearly all there and the derivative adds a real share of new body.
    update_source_coverage: float = 0.85
    update_added_share: float = 0.15
    # CONDENSED vs PARAPHRASE: a rewrite this much shorter, or dropping this much, is condensed.
    condensed_length_ratio: float = 0.75
    condensed_source_coverage: float = 0.60


DEFAULT_THRESHOLDS = VerdictThresholds()

# Direction clue weights: an update marker is near-proof, text asymmetry strong, metadata weaker.
_UPDATE_WEIGHT = 2.0
_CONTAINMENT_WEIGHT = 2.0
_LENGTH_WEIGHT = 0.6
# Time must be able to outweigh containment: an excerpt and an update look alike in text.
_TIME_WEIGHT = 1.5
_TIME_TRUSTED_HOURS = 6.0  # gaps shorter than this are trusted proportionally less
_TIME_NOISE_MINUTES = 5.0  # within this, publication order is noise (feeds republish instantly)
_SAME_CLOCK_TRUST = 2.0  # two versions from one outlet: time outweighs text containment
_DATELINE_WEIGHT = 0.3
_ATTRIBUTION_WEIGHT = 0.2
_SITE_MATERIAL_WEIGHT = 0.3
_DETAIL_WEIGHT = 0.4
# A text holding nearly all of another plus new material above it is the later version: an
# excerpt keeps its source's top and cuts the end, while an update, a rolling file's newer
# snapshot or a re-topped story puts the news first. Strong enough to outweigh containment.
_NEW_TOP_WEIGHT = 2.5
_NEW_TOP_KEPT = 0.80  # the smaller text is this much covered (held nearly whole)
_NEW_TOP_GAP = 0.10  # ... and the larger this much less
_NEW_TOP_MIN_SHARE = 0.15  # new material above the shared text, share of the larger body
# ... and almost none below it: a condensed brief's source has its own text all through
# (measured: >= 7% below in planted briefs), a re-topped version none
_NEW_TOP_MAX_BELOW = 0.03

_SITE_ROLES = (SentenceRole.CHROME, SentenceRole.CAPTION, SentenceRole.CREDIT)


@dataclass(frozen=True, slots=True)
class AlignmentProfile:
    """What the verdict reads off a source->derivative alignment."""

    source_coverage: float
    derivative_coverage: float
    length_ratio: float  # derivative body characters / source body characters
    verbatim_share: float  # of aligned derivative characters, in identical units
    kept_share: float  # ... in identical or edited units
    mean_score: float  # aligned units' scores weighted by derivative characters
    order_agreement: float  # consecutive units (in derivative order) that keep source order
    anchor_overlap: float  # shared names/numbers over the smaller side's
    update_step: int  # derivative's update marker minus the source's
    shared_anchors: int = 0  # names/numbers both bodies contain
    shared_figures: int = 0  # numbers both bodies contain, years left out
    shared_quotes: int = 0  # derivative quotations (4+ words) the source also contains
    days_apart: float | None = None  # publication gap when both times are known
    own_quotes: int = 0  # derivative quotations (4+ words) that the source does not contain
    source_own_quotes: int = 0  # source quotations the derivative does not contain
    own_facts: int = 0  # derivative names/numbers (not opening a sentence) the source lacks
    own_facts_share: float = 0.0  # ... over all of the derivative's
    # the smaller of the two sides' shares of lead names/numbers found in the other body
    # (1.0 when a lead has none)
    lead_support: float = 1.0
    # the derivative keeps one of the source's last ``END_SENTENCES`` body sentences: it runs
    # to the source's end, as a whole copy does and a truncated excerpt does not
    source_end_kept: bool = False


@dataclass(frozen=True, slots=True)
class _Clue:
    """A direction clue: positive weight favours the first document as the source."""

    weight: float
    note: str


def _body_chars(document: Document) -> int:
    return document.derived(_count_body_chars)


def _count_body_chars(document: Document) -> int:
    return sum(len(s.norm) for s in document.body)


def _derivative_chars(document: Document, pair: AlignedPair) -> int:
    return sum(len(document.sentences[j].norm) for j in pair.derivative_sentences)


def _order_agreement(pairs: Sequence[AlignedPair]) -> float:
    ordered = sorted(pairs, key=lambda p: min(p.derivative_sentences))
    steps = list(itertools.pairwise(ordered))
    if not steps:
        return 1.0
    kept = sum(1 for a, b in steps if min(b.source_sentences) > min(a.source_sentences))
    return kept / len(steps)


def _body_facts(document: Document) -> frozenset[str]:
    """The names and numbers of a document's body (``body_facts``), kept with it."""
    return document.derived(_read_body_facts)


def _read_body_facts(document: Document) -> frozenset[str]:
    return body_facts(document.body_text)


def _anchor_overlap(source: Document, derivative: Document) -> tuple[float, int]:
    """Return the shared names/numbers over the smaller side's, and how many are shared."""
    source_anchors = _body_facts(source)
    derivative_anchors = _body_facts(derivative)
    shared = len(source_anchors & derivative_anchors)
    smaller = min(len(source_anchors), len(derivative_anchors))
    return (shared / smaller if smaller else 0.0), shared


def _sentence_facts(document: Document) -> frozenset[str]:
    """Return the names and numbers of the body, read sentence by sentence.

    A sentence's opening word is left out, so "However" or "The" is not taken for a name.
    """
    return document.derived(_read_sentence_facts)


def _read_sentence_facts(document: Document) -> frozenset[str]:
    return frozenset().union(*(text_anchors(s.norm) for s in document.body))


def _lead_facts(document: Document) -> frozenset[str]:
    return frozenset().union(*(text_anchors(s.norm) for s in document.body[:LEAD_SENTENCES]))


def _story_words(document: Document) -> int:
    """Return how many body words a document has, counted up to ``MIN_STORY_WORDS``."""
    return len(document.body_text.split(maxsplit=MIN_STORY_WORDS))


LEAD_SENTENCES = 2  # a news story's lead: its first body sentences
END_SENTENCES = 3  # a story's end, allowing a dropped tagline or contributor line
MIN_STORY_WORDS = 6  # a body shorter than this is a caption stub or chrome: nothing to trace


def _source_end_kept(alignment: Alignment, source: Document) -> bool:
    """Tell whether one of the source's last ``END_SENTENCES`` body sentences is aligned."""
    aligned = {i for p in alignment.pairs for i in p.source_sentences}
    return any(s.index in aligned for s in source.body[-END_SENTENCES:])


def _lead_support(
    first: Document, first_facts: frozenset[str], second: Document, second_facts: frozenset[str]
) -> float:
    """Return the smaller of the shares of each side's lead names/numbers found in the other's
    body facts (``_sentence_facts``); 1.0 for a lead without any: nothing speaks against the
    same news."""

    def support(lead_of: Document, body_facts: frozenset[str]) -> float:
        lead = lead_of.derived(_lead_facts)
        if not lead:
            return 1.0
        return len(lead & body_facts) / len(lead)

    return min(support(first, second_facts), support(second, first_facts))


def _own_facts(source_facts: frozenset[str], derivative_facts: frozenset[str]) -> tuple[int, float]:
    """Return how many of the derivative's names/numbers (``_sentence_facts``) the source
    lacks, and their share."""
    own = len(derivative_facts - source_facts)
    return own, (own / len(derivative_facts) if derivative_facts else 0.0)


_YEAR = re.compile(r"(?:19|20)\d\d")


def _shared_figures(source: Document, derivative: Document) -> int:
    shared = _body_facts(source) & _body_facts(derivative)
    return sum(1 for a in shared if a[:1].isdigit() and not _YEAR.fullmatch(a))


def _quotations(document: Document) -> tuple[str, ...]:
    """Return the opening words (up to six) of each quotation of 4+ words in the body, each
    spaced as ``_spaced_words`` spaces a text."""
    return document.derived(_read_quotations)


def _read_quotations(document: Document) -> tuple[str, ...]:
    return tuple(
        " " + " ".join(words[:6]) + " "
        for quotation in _QUOTATION.findall(document.body_text)
        if len(words := _QUOTE_WORDS.findall(quotation.lower())) >= 4
    )


def _spaced_words(document: Document) -> str:
    """Return the lower-cased words of the body joined by single spaces, with a space around."""
    return document.derived(_read_spaced_words)


def _read_spaced_words(document: Document) -> str:
    return " " + " ".join(_QUOTE_WORDS.findall(document.body_text.lower())) + " "


def _shared_quotes(source: Document, derivative: Document) -> int:
    """Count the derivative's quotations of 4+ words whose opening words the source has."""
    quotations = _quotations(derivative)
    if not quotations:
        return 0
    source_words = _spaced_words(source)
    return sum(1 for opening in quotations if opening in source_words)


def _days_apart(source: Document, derivative: Document) -> float | None:
    first, second = source.article.published_at, derivative.article.published_at
    if first is None or second is None:
        return None
    return abs((second - first).total_seconds()) / 86400.0


_QUOTATION = re.compile(r'"([^"]+)"')
_QUOTE_WORDS = re.compile(r"\w+")


def _own_quotes(source: Document, derivative: Document) -> int:
    """Count the derivative's quotations of 4+ words whose opening words the source lacks."""
    return len(_quotations(derivative)) - _shared_quotes(source, derivative)


def profile_alignment(
    alignment: Alignment, source: Document, derivative: Document
) -> AlignmentProfile:
    """Return the statistics of a source->derivative alignment that the verdict uses."""
    weights = [_derivative_chars(derivative, p) for p in alignment.pairs]
    aligned = sum(weights) or 1

    def share(kinds: tuple[AlignKind, ...]) -> float:
        chars = sum(w for w, p in zip(weights, alignment.pairs, strict=True) if p.kind in kinds)
        return chars / aligned

    source_chars = _body_chars(source)
    overlap, shared = _anchor_overlap(source, derivative)
    source_facts, derivative_facts = _sentence_facts(source), _sentence_facts(derivative)
    own_facts, own_facts_share = _own_facts(source_facts, derivative_facts)
    return AlignmentProfile(
        source_coverage=alignment.coverage_source,
        derivative_coverage=alignment.coverage_derivative,
        length_ratio=_body_chars(derivative) / source_chars if source_chars else 0.0,
        verbatim_share=share((AlignKind.IDENTICAL,)),
        kept_share=share((AlignKind.IDENTICAL, AlignKind.EDITED)),
        mean_score=sum(w * p.score for w, p in zip(weights, alignment.pairs, strict=True))
        / aligned,
        order_agreement=_order_agreement(alignment.pairs),
        anchor_overlap=overlap,
        shared_anchors=shared,
        shared_figures=_shared_figures(source, derivative),
        shared_quotes=_shared_quotes(source, derivative),
        days_apart=_days_apart(source, derivative),
        update_step=(derivative.update_marker or 0) - (source.update_marker or 0),
        own_quotes=_own_quotes(source, derivative),
        source_own_quotes=_own_quotes(derivative, source),
        own_facts=own_facts,
        own_facts_share=own_facts_share,
        lead_support=_lead_support(source, source_facts, derivative, derivative_facts),
        source_end_kept=_source_end_kept(alignment, source),
    )


# --- direction -------------------------------------------------------------------------------


def _update_clue(a: Document, b: Document) -> _Clue | None:
    step = (b.update_marker or 0) - (a.update_marker or 0)
    if step == 0:
        return None
    later = b if step > 0 else a
    note = f"{later.id} carries UPDATE {later.update_marker}: the later version"
    return _Clue(math.copysign(_UPDATE_WEIGHT, step), note)


def _containment_clue(a: Document, b: Document, alignment: Matching) -> _Clue | None:
    asymmetry = alignment.coverage_derivative - alignment.coverage_source
    if abs(asymmetry) < 0.02:
        return None
    contained = b if asymmetry > 0 else a
    note = (
        f"containment: {contained.id} is the more contained "
        f"({b.id} covered {alignment.coverage_derivative:.0%}, "
        f"{a.id} covered {alignment.coverage_source:.0%})"
    )
    return _Clue(_CONTAINMENT_WEIGHT * asymmetry, note)


def _length_clue(a: Document, b: Document) -> _Clue | None:
    a_chars, b_chars = _body_chars(a), _body_chars(b)
    longest = max(a_chars, b_chars)
    if longest == 0 or a_chars == b_chars:
        return None
    gap = (a_chars - b_chars) / longest
    shorter = b if gap > 0 else a
    return _Clue(_LENGTH_WEIGHT * gap, f"length: {shorter.id} is {abs(gap):.0%} shorter")


def _time_clue(a: Document, b: Document) -> _Clue | None:
    a_time, b_time = a.article.published_at, b.article.published_at
    if a_time is None or b_time is None:
        return None
    if (a_time.tzinfo is None) != (b_time.tzinfo is None):
        return None  # naive and aware times cannot be ordered honestly
    hours = (b_time - a_time).total_seconds() / 3600.0
    if abs(hours) * 60.0 < _TIME_NOISE_MINUTES:
        return _Clue(0.0, "publication times within minutes: not evidence of order")
    trust = min(1.0, 0.4 + 0.6 * abs(hours) / _TIME_TRUSTED_HOURS)
    earlier = a if hours > 0 else b
    note = f"publication time: {earlier.id} is {abs(hours):.1f} h earlier"
    outlet = a.article.outlet
    if outlet and outlet.casefold() == (b.article.outlet or "").casefold():
        # one outlet's own versions share its clock: no time zone or feed delay between them
        trust *= _SAME_CLOCK_TRUST
        note += f" (both {outlet}: one clock)"
    return _Clue(math.copysign(_TIME_WEIGHT * trust, hours), note)


def _dateline_clue(a: Document, b: Document) -> _Clue | None:
    if (a.dateline is None) == (b.dateline is None):
        return None
    dated = a if a.dateline is not None else b
    weight = _DATELINE_WEIGHT if dated is a else -_DATELINE_WEIGHT
    return _Clue(weight, f"dateline: {dated.id} opens with {dated.dateline!r}, as wire copy does")


def _attribution_clue(a: Document, b: Document) -> _Clue | None:
    if (a.attribution is None) == (b.attribution is None):
        return None
    credited = a if a.attribution is not None else b
    weight = -_ATTRIBUTION_WEIGHT if credited is a else _ATTRIBUTION_WEIGHT
    note = f"attribution: {credited.id} credits {credited.attribution}, as a site's copy does"
    return _Clue(weight, note)


def _site_material(document: Document) -> int:
    return document.derived(_count_site_material)


def _count_site_material(document: Document) -> int:
    return sum(1 for s in document.sentences if s.role in _SITE_ROLES)


def _site_material_clue(a: Document, b: Document) -> _Clue | None:
    a_count, b_count = _site_material(a), _site_material(b)
    if a_count == b_count:
        return None
    extra = b if b_count > a_count else a
    weight = _SITE_MATERIAL_WEIGHT * math.tanh((b_count - a_count) / 2.0)
    counts = f"{a.id} {a_count}, {b.id} {b_count}"
    note = f"site material: {extra.id} adds chrome/captions/credits ({counts})"
    return _Clue(weight, note)


def _detail_clue(a: Document, b: Document) -> _Clue | None:
    a_anchors, b_anchors = _body_facts(a), _body_facts(b)
    only_a, only_b = len(a_anchors - b_anchors), len(b_anchors - a_anchors)
    if only_a == only_b:
        return None
    richer = a if only_a > only_b else b
    weight = _DETAIL_WEIGHT * (only_a - only_b) / (only_a + only_b)
    note = (
        f"detail: {richer.id} has more names/numbers of its own ({a.id} {only_a}, {b.id} {only_b})"
    )
    return _Clue(weight, note)


def _new_top_clue(a: Document, b: Document, alignment: Matching) -> _Clue | None:
    """Return a clue that the larger of two nested texts is the later version when its own
    material sits above the text both share, which runs to its end.

    Positions are read around the middle of the shared text (by characters), so a headline
    or a dateline both carry at the top does not hide a new top below it.
    """
    kept_a, kept_b = alignment.coverage_source, alignment.coverage_derivative
    if kept_a >= _NEW_TOP_KEPT and kept_b <= kept_a - _NEW_TOP_GAP:
        grown, sign = b, 1.0  # b holds a and grew: a is the source
        covered = {j for p in alignment.pairs for j in p.derivative_sentences}
    elif kept_b >= _NEW_TOP_KEPT and kept_a <= kept_b - _NEW_TOP_GAP:
        grown, sign = a, -1.0
        covered = {i for p in alignment.pairs for i in p.source_sentences}
    else:
        return None
    sizes = [(len(sentence.norm), sentence.index in covered) for sentence in grown.body]
    total = sum(size for size, _ in sizes)
    shared = sum(size for size, is_shared in sizes if is_shared)
    if total == 0 or shared == 0:
        return None
    middle, running = 0, 0
    for position, (size, is_shared) in enumerate(sizes):
        running += size if is_shared else 0
        if running * 2 >= shared:
            middle = position
            break
    above = sum(size for size, is_shared in sizes[:middle] if not is_shared)
    below = sum(size for size, is_shared in sizes[middle + 1 :] if not is_shared)
    if above < _NEW_TOP_MIN_SHARE * total or below > _NEW_TOP_MAX_BELOW * total:
        return None
    note = (
        f"new top: {grown.id} puts {above / total:.0%} of its text of its own above what both "
        "share, which runs to its end (a later version re-tops a story; an excerpt keeps its "
        "source's top)"
    )
    return _Clue(sign * _NEW_TOP_WEIGHT, note)


def _direction_clues(a: Document, b: Document, alignment: Matching) -> list[_Clue]:
    """Every clue on whether ``a`` (positive) or ``b`` (negative) is the source."""
    clues = [
        _update_clue(a, b),
        _containment_clue(a, b, alignment),
        _new_top_clue(a, b, alignment),
        _length_clue(a, b),
        _time_clue(a, b),
        _dateline_clue(a, b),
        _attribution_clue(a, b),
        _site_material_clue(a, b),
        _detail_clue(a, b),
    ]
    return [c for c in clues if c is not None]


def _decide_direction(
    a: Document, b: Document, alignment: Matching
) -> tuple[bool, float, tuple[str, ...]]:
    """Return (a is the source, confidence in [0.5, 1), evidence lines)."""
    clues = _direction_clues(a, b, alignment)
    total = sum(c.weight for c in clues)
    a_is_source = total >= 0.0
    confidence = round(0.5 + 0.5 * math.tanh(abs(total)), 4)
    evidence = tuple(f"{c.note} [{c.weight:+.2f}]" for c in clues)
    chosen = a if a_is_source else b
    summary = f"direction: {chosen.id} is the source (weight {total:+.2f})"
    return a_is_source, confidence, (*evidence, summary)


# --- verdict ---------------------------------------------------------------------------------


def _margin(value: float, threshold: float, scale: float) -> float:
    """Confidence in [0.5, 1] from how far ``value`` lies from ``threshold``."""
    return 0.5 + 0.5 * min(1.0, abs(value - threshold) / scale)


def _coverage_needed(profile: AlignmentProfile, thresholds: VerdictThresholds) -> float:
    """Return the derivative coverage a derivation needs, given the facts of its own it brings."""
    rewritten = profile.kept_share < thresholds.independent_max_kept_share
    if rewritten and profile.own_facts >= thresholds.own_facts_min:
        return (
            thresholds.derivation_coverage + thresholds.own_facts_weight * profile.own_facts_share
        )
    return thresholds.derivation_coverage


def _is_derivation(profile: AlignmentProfile, thresholds: VerdictThresholds) -> bool:
    kept_coverage = profile.kept_share * profile.derivative_coverage
    if kept_coverage >= thresholds.derivation_kept_coverage:
        return True
    if (
        profile.derivative_coverage < _coverage_needed(profile, thresholds)
        or profile.mean_score < thresholds.derivation_score
    ):
        return False
    if profile.order_agreement >= thresholds.derivation_order:
        return True
    # a free rewrite may reorder everything; without reporting of its own, the shared
    # facts and the aligned meaning still make it a derivative
    return profile.own_quotes == 0 and profile.anchor_overlap >= thresholds.rewrite_anchors


def _no_derivation(
    profile: AlignmentProfile, thresholds: VerdictThresholds
) -> tuple[Relation, float]:
    confidence = _margin(profile.anchor_overlap, thresholds.same_event_anchors, 0.25)
    same_event = (
        profile.anchor_overlap >= thresholds.same_event_anchors
        and profile.shared_anchors >= thresholds.same_event_min_anchors
        and (
            profile.derivative_coverage >= thresholds.same_event_coverage
            or profile.anchor_overlap >= thresholds.same_event_strong_anchors
        )
        and (profile.days_apart is None or profile.days_apart <= thresholds.same_event_max_days)
        and (
            profile.shared_figures >= thresholds.same_event_min_numbers
            or profile.shared_quotes >= 1
        )
        and profile.lead_support >= thresholds.same_event_lead_support
    )
    if same_event:
        return Relation.INDEPENDENT, confidence
    return Relation.UNRELATED, confidence


def _copy_relation(
    profile: AlignmentProfile, thresholds: VerdictThresholds
) -> tuple[Relation, float]:
    """Relation of a derivative that kept most of its aligned text nearly as it was."""
    added_share = 1.0 - profile.derivative_coverage
    if profile.update_step > 0 or (
        profile.source_coverage >= thresholds.update_source_coverage
        and added_share >= thresholds.update_added_share
    ):
        return Relation.UPDATE, _margin(added_share, thresholds.update_added_share, 0.3)
    whole = profile.source_coverage >= thresholds.verbatim_coverage or (
        profile.source_end_kept and profile.source_coverage >= thresholds.whole_copy_coverage
    )
    if whole:
        confidence = min(
            _margin(profile.derivative_coverage, thresholds.verbatim_coverage - 0.1, 0.1),
            _margin(profile.verbatim_share, thresholds.copy_verbatim_share, 0.5),
        )
        return Relation.VERBATIM, confidence
    confidence = min(
        _margin(profile.source_coverage, thresholds.verbatim_coverage, 0.3),
        _margin(profile.kept_share, thresholds.copy_kept_share, 0.25),
    )
    return Relation.EXCERPT, confidence


def _rewrite_relation(
    profile: AlignmentProfile, thresholds: VerdictThresholds
) -> tuple[Relation, float]:
    """Relation of a derivative that rewrote most of what it kept."""
    if profile.update_step > 0:
        return Relation.UPDATE, 0.6
    shorter = profile.length_ratio < thresholds.condensed_length_ratio
    dropped = profile.source_coverage < thresholds.condensed_source_coverage
    length_margin = _margin(profile.length_ratio, thresholds.condensed_length_ratio, 0.25)
    if shorter or dropped:
        return Relation.CONDENSED, length_margin if shorter else 0.6
    return Relation.PARAPHRASE, length_margin


def _verdict(
    profile: AlignmentProfile, thresholds: VerdictThresholds
) -> tuple[Relation, float, tuple[str, ...]]:
    evidence = (
        f"coverage: source {profile.source_coverage:.0%}, "
        f"derivative {profile.derivative_coverage:.0%} (a derivation needs "
        f"{_coverage_needed(profile, thresholds):.0%}; the derivative has {profile.own_facts} "
        f"names/numbers of its own, {profile.own_facts_share:.0%} of those it has)",
        f"aligned derivative text: {profile.verbatim_share:.0%} identical, "
        f"{profile.kept_share:.0%} identical or edited; mean score {profile.mean_score:.2f}",
        f"length ratio {profile.length_ratio:.2f}; order kept {profile.order_agreement:.0%}; "
        f"shared names/numbers {profile.anchor_overlap:.0%}; "
        f"quotations of its own: derivative {profile.own_quotes}, "
        f"source {profile.source_own_quotes}; "
        f"lead names/numbers found in the other: {profile.lead_support:.0%}",
    )
    own_reporting = (
        min(profile.own_quotes, profile.source_own_quotes) >= 1
        and profile.own_quotes + profile.source_own_quotes >= thresholds.independent_own_quotes
        and profile.kept_share < thresholds.independent_max_kept_share
    )
    if own_reporting or not _is_derivation(profile, thresholds):
        relation, confidence = _no_derivation(profile, thresholds)
    elif (
        profile.kept_share >= thresholds.copy_kept_share
        and profile.verbatim_share >= thresholds.copy_verbatim_share
    ):
        relation, confidence = _copy_relation(profile, thresholds)
    else:
        relation, confidence = _rewrite_relation(profile, thresholds)
    return relation, round(confidence, 4), evidence


def triage(
    a: Document, b: Document, thresholds: VerdictThresholds = DEFAULT_THRESHOLDS
) -> Comparison | None:
    """Return the unaligned verdict "unrelated" for a pair that shares too few facts, else None.

    Only for pairs proposed without shared text (the caller knows why a pair was proposed):
    a rewrite keeps its source's names and numbers, and reports of one event share them, so
    a pair sharing less than ``triage_anchors`` of the smaller side's is not worth aligning
    (alignment is what verification costs, and with a sentence model it means embedding both
    articles). The comparison has an empty alignment and says why in its evidence.
    """
    overlap, shared = _anchor_overlap(a, b)
    return triage_by_facts(a.id, b.id, overlap, shared, thresholds)


def triage_by_facts(
    a: str,
    b: str,
    overlap: float,
    shared: int,
    thresholds: VerdictThresholds = DEFAULT_THRESHOLDS,
) -> Comparison | None:
    """``triage`` of articles ``a`` and ``b`` from their fact overlap (the share of the smaller
    side's names and numbers the other holds) and shared count, computed elsewhere (from the
    candidate features: ``candidates.fact_overlap``)."""
    if overlap >= thresholds.triage_anchors:
        return None
    return _unaligned_unrelated(
        a,
        b,
        round(_margin(overlap, thresholds.triage_anchors, 0.25), 4),
        f"triage: proposed without shared text, and {shared} shared names/numbers are "
        f"{overlap:.0%} of the smaller side's (< {thresholds.triage_anchors:.0%}): "
        "judged unrelated without aligning",
    )


def _unaligned_unrelated(source: str, derivative: str, confidence: float, why: str) -> Comparison:
    """An "unrelated" verdict reached without aligning, with an empty alignment."""
    nothing = Alignment((), (), (), coverage_source=0.0, coverage_derivative=0.0)
    return Comparison(
        source=source,
        derivative=derivative,
        relation=Relation.UNRELATED,
        confidence=confidence,
        alignment=nothing,
        evidence=(why,),
    )


def _too_little_story(a: Document, b: Document, source: str | None, thin: list[str]) -> Comparison:
    """The unaligned "unrelated" verdict of a pair where a side has almost no story text: two
    caption stubs or chrome-only pages would otherwise compare equal."""
    first, second = (b, a) if source == b.id else (a, b)
    return _unaligned_unrelated(
        first.id,
        second.id,
        1.0,
        f"too little story text: {', '.join(thin)} has under {MIN_STORY_WORDS} body words "
        "(captions, credits and chrome left aside): nothing to compare",
    )


def compare(
    a: Document,
    b: Document,
    encoder: Encoder,
    settings: Settings,
    source: str | None = None,
    thresholds: VerdictThresholds = DEFAULT_THRESHOLDS,
) -> Comparison:
    """Compare two documents and return the verdict, aligned source -> derivative.

    When ``source`` names one of the two ids, that document is the source and
    the direction confidence is 1; otherwise the direction is weighed from the
    evidence. The returned comparison's alignment always reads from its
    ``source`` to its ``derivative``.

    Raises:
        InputError: ``source`` names neither document.
    """
    if source is not None and source not in (a.id, b.id):
        raise InputError(f"source must be {a.id!r} or {b.id!r}, got {source!r}")
    thin = [d.id for d in (a, b) if _story_words(d) < MIN_STORY_WORDS]
    if thin:
        return _too_little_story(a, b, source, thin)
    # the direction is weighed on which sentences match; kinds and changes are then read
    # once, in the direction kept
    matching = match_sentences(a, b, encoder, settings.align)
    if source is not None:
        a_is_source = source == a.id
        direction_confidence = 1.0
        direction_evidence: tuple[str, ...] = (f"direction: {source} named as the source",)
    else:
        a_is_source, direction_confidence, direction_evidence = _decide_direction(a, b, matching)
    source_doc, derivative_doc = (a, b) if a_is_source else (b, a)
    alignment = alignment_of(
        matching if a_is_source else matching.inverted(), source_doc, derivative_doc, settings.align
    )
    profile = profile_alignment(alignment, source_doc, derivative_doc)
    relation, confidence, verdict_evidence = _verdict(profile, thresholds)
    return Comparison(
        source=source_doc.id,
        derivative=derivative_doc.id,
        relation=relation,
        confidence=confidence,
        alignment=alignment,
        direction_confidence=direction_confidence,
        evidence=(*direction_evidence, *verdict_evidence),
    )


# --- JSON contract ---------------------------------------------------------------------------


def _pair_to_dict(
    pair: AlignedPair, source_doc: Document, derivative_doc: Document
) -> dict[str, Any]:
    return {
        "source_sentences": list(pair.source_sentences),
        "derivative_sentences": list(pair.derivative_sentences),
        "kind": pair.kind.value,
        "score": pair.score,
        "changes": [
            {
                "kind": c.kind.value,
                "source_text": c.source_text,
                "derivative_text": c.derivative_text,
                "note": c.note,
            }
            for c in pair.changes
        ],
        "source_text": " ".join(source_doc.sentences[i].text for i in pair.source_sentences),
        "derivative_text": " ".join(
            derivative_doc.sentences[j].text for j in pair.derivative_sentences
        ),
    }


def unaligned_to_dict(c: Comparison) -> dict[str, Any]:
    """``comparison_to_dict`` of a comparison with no aligned pairs (a triage verdict), which
    needs no documents. Raises InputError when the comparison has pairs."""
    if c.alignment.pairs:
        raise InputError(f"{c.source} -> {c.derivative} has aligned pairs: documents needed")
    return _comparison_dict(c, [])


def comparison_to_dict(
    c: Comparison, source_doc: Document, derivative_doc: Document
) -> dict[str, Any]:
    """Return the comparison as a JSON-ready dict (the ``compare`` contract, schema 1).

    Pairs also carry the sentences' original text, for reports.

    Raises:
        InputError: the documents are not the comparison's source and derivative.
    """
    if (source_doc.id, derivative_doc.id) != (c.source, c.derivative):
        raise InputError(
            f"documents {source_doc.id!r}, {derivative_doc.id!r} are not the comparison's "
            f"{c.source!r}, {c.derivative!r}"
        )
    return _comparison_dict(
        c, [_pair_to_dict(p, source_doc, derivative_doc) for p in c.alignment.pairs]
    )


def _comparison_dict(c: Comparison, pairs: list[dict[str, Any]]) -> dict[str, Any]:
    alignment = c.alignment
    return {
        "schema": COMPARISON_SCHEMA,
        "rules": RULES,
        "source": c.source,
        "derivative": c.derivative,
        "relation": c.relation.value,
        "confidence": c.confidence,
        "coverage": {
            "source": alignment.coverage_source,
            "derivative": alignment.coverage_derivative,
        },
        "pairs": pairs,
        "omitted": [
            {"sentence": o.sentence, "text": o.text, "caveat": o.caveat} for o in alignment.omitted
        ],
        "added": [
            {"sentence": a.sentence, "text": a.text, "kind": a.kind.value} for a in alignment.added
        ],
        "evidence": list(c.evidence),
        "direction_confidence": c.direction_confidence,
    }


def _change_from_dict(item: Mapping[str, Any]) -> Change:
    return Change(
        kind=ChangeKind(item["kind"]),
        source_text=str(item["source_text"]),
        derivative_text=str(item["derivative_text"]),
        note=str(item.get("note", "")),
    )


def _pair_from_dict(item: Mapping[str, Any]) -> AlignedPair:
    return AlignedPair(
        source_sentences=tuple(int(i) for i in item["source_sentences"]),
        derivative_sentences=tuple(int(j) for j in item["derivative_sentences"]),
        kind=AlignKind(item["kind"]),
        score=float(item["score"]),
        changes=tuple(_change_from_dict(c) for c in item.get("changes", ())),
    )


def comparison_from_dict(data: Mapping[str, Any]) -> Comparison:
    """Return the comparison stored by ``comparison_to_dict``.

    Raises:
        InputError: a field is missing or holds an unknown kind, or the schema is newer.
    """
    schema = data.get("schema", COMPARISON_SCHEMA)
    if not isinstance(schema, int) or schema > COMPARISON_SCHEMA:
        raise InputError(f"comparison schema {schema!r} is newer than {COMPARISON_SCHEMA}")
    try:
        alignment = Alignment(
            pairs=tuple(_pair_from_dict(p) for p in data["pairs"]),
            omitted=tuple(
                Omitted(int(o["sentence"]), str(o["text"]), bool(o["caveat"]))
                for o in data["omitted"]
            ),
            added=tuple(
                Added(int(a["sentence"]), str(a["text"]), AddedKind(a["kind"]))
                for a in data["added"]
            ),
            coverage_source=float(data["coverage"]["source"]),
            coverage_derivative=float(data["coverage"]["derivative"]),
        )
        return Comparison(
            source=str(data["source"]),
            derivative=str(data["derivative"]),
            relation=Relation(data["relation"]),
            confidence=float(data["confidence"]),
            alignment=alignment,
            direction_confidence=float(data["direction_confidence"]),
            evidence=tuple(str(e) for e in data["evidence"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise InputError(f"comparison cannot be read: {error!r}") from error
