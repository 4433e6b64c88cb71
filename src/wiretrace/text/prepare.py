"""The text stage's entry point: an Article becomes a Document of labelled sentences.

Paragraphs (numbered from 0) are those of ``paragraph_spans``: one per
non-blank line, except that hard-wrapped lines are joined back, so a sentence
may run across a line break. Sentences keep offsets into the article's
original text (a wrapped sentence keeps its line breaks there), a normalised
form for comparison (where a line break is one space) and a role. A dateline
that opens the story's first sentence is split off into a sentence of its
own, so the rest compares equal to an undatelined copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from wiretrace.models import Article, Document, Sentence, SentenceRole, Span
from wiretrace.text.normalize import normalize, normalize_flat
from wiretrace.text.paragraphs import paragraph_spans
from wiretrace.text.roles import (
    Dateline,
    caption_roles,
    find_agency,
    find_dateline,
    find_update_marker,
    role_of,
)
from wiretrace.text.sentences import sentence_spans_in

__all__ = ["TEXT_RULES", "prepare"]

# Names the text stage's rules (roles, sentences, datelines): stored features and verdicts
# computed under other rules are recomputed. Bump it when a change moves sentences or roles.
TEXT_RULES = 2

# Datelines are looked for in the first sentence of this many story lines.
_DATELINE_LINES = 3
# Roles whose sentences may name the agency, in order of trust.
_ATTRIBUTION_ROLES = (SentenceRole.BYLINE, SentenceRole.CREDIT, SentenceRole.CAPTION)
_CLOSED = tuple(".!?\"'")
# A story sentence's end (a headline ends bare, or at most with "?" or a quote).
_STORY_END = re.compile(r"[.!][\"')\]]*$")


@dataclass(slots=True)
class _Draft:
    """A sentence being labelled, before it is frozen into a Sentence."""

    span: Span
    norm: str
    paragraph: int
    role: SentenceRole = SentenceRole.BODY


def prepare(article: Article) -> Document:
    """Return ``article`` as a Document: sentences with offsets, normalised text and roles.

    ``Document.dateline`` is the dateline's place, ``attribution`` the agency
    named in a dateline, byline or credit, ``update_marker`` N of an
    "UPDATE N-" marker opening the title or the first line. Never raises on
    text input; an empty text gives a Document with no sentences.
    """
    text = article.text
    drafts = _label_lines(text, article.title)
    dateline = _split_dateline(text, drafts)
    sentences = tuple(
        Sentence(k, d.span, text[d.span.start : d.span.end], d.norm, d.paragraph, d.role)
        for k, d in enumerate(drafts)
    )
    return Document(
        article=article,
        sentences=sentences,
        dateline=dateline.place if dateline else None,
        attribution=_attribution(sentences, dateline),
        update_marker=_update_marker(article, sentences),
    )


def _label_lines(text: str, title: str | None) -> list[_Draft]:
    """Split ``text`` into sentences, labelling whole paragraphs and single sentences."""
    drafts: list[_Draft] = []
    lines = paragraph_spans(text)
    headline_lines = _headline_lines(text, lines, title)
    for paragraph, line in enumerate(lines):
        bounds, norms, roles = _labelled(text[line.start : line.end])
        if paragraph in headline_lines:
            roles = (SentenceRole.TITLE,) * len(bounds)
        start = line.start
        drafts.extend(
            _Draft(Span(start + begin, start + end), norm, paragraph, role)
            for (begin, end), norm, role in zip(bounds, norms, roles, strict=True)
        )
    return drafts


@lru_cache(maxsize=1 << 14)  # pure; copies of a story repeat its paragraphs
def _labelled(
    paragraph: str,
) -> tuple[tuple[tuple[int, int], ...], tuple[str, ...], tuple[SentenceRole, ...]]:
    """Return the sentences of a paragraph: their bounds in it, normalised texts and roles."""
    spans = sentence_spans_in(paragraph, Span(0, len(paragraph)))
    norms = [_normalized(paragraph, s) for s in spans]
    roles = _line_roles(_line_norm(paragraph, Span(0, len(paragraph)), norms), norms)
    return tuple((s.start, s.end) for s in spans), tuple(norms), tuple(roles)


def _normalized(text: str, span: Span) -> str:
    """Return the normalised, stripped text of a span, with line breaks as single spaces."""
    return normalize_flat(text[span.start : span.end])


def _line_norm(text: str, line: Span, norms: list[str]) -> str:
    """Return the normalised text of a line whose sentences' normalised texts are ``norms``."""
    if len(norms) == 1:
        return norms[0]
    raw = text[line.start : line.end]
    # ASCII text normalises piece by piece between whitespace runs (``normalize_flat``)
    if raw.isascii() and "\x1f" not in raw:
        return " ".join(norms)
    return normalize_flat(raw)


def _line_roles(line: str, sentences: list[str]) -> list[SentenceRole]:
    """Return the role of each sentence of one line, given their normalised texts."""
    line_role = role_of(line)
    if line_role is not None:
        return [line_role] * len(sentences)
    captioned = caption_roles(sentences)
    if captioned is not None:
        return captioned
    if len(sentences) == 1:
        return [SentenceRole.BODY]
    return [role_of(s) or SentenceRole.BODY for s in sentences]


def _headline_lines(text: str, lines: list[Span], title: str | None) -> set[int]:
    """Return the indices of leading lines that are surely the headline.

    That is a first line equal to the article's title or carrying an
    "UPDATE N-" marker, and a repeat of it on the next line.
    """
    if not lines:
        return set()
    first = _normalized(text, lines[0])
    is_title = (title is not None and first == normalize(title).text.strip()) or (
        find_update_marker(first) is not None
    )
    if len(lines) > 1 and first == _normalized(text, lines[1]):
        return {0, 1}
    return {0} if is_title else set()


def _split_dateline(text: str, drafts: list[_Draft]) -> Dateline | None:
    """Find a dateline opening one of the first story paragraphs and split it off in place.

    A normal-case "Place:" lead-in counts only in a sentence that ends with
    punctuation (headlines such as "Report: ..." do not) and opens the story's
    first paragraph (after any headline-like one-sentence paragraphs).
    """
    seen_paragraphs: set[int] = set()
    opening = True
    for k, draft in enumerate(drafts):
        if draft.role is not SentenceRole.BODY or draft.paragraph in seen_paragraphs:
            continue
        seen_paragraphs.add(draft.paragraph)
        if len(seen_paragraphs) > _DATELINE_LINES:
            return None
        story_opening = opening and _STORY_END.search(draft.norm) is not None
        dateline = find_dateline(text[draft.span.start : draft.span.end], opening=story_opening)
        if dateline is not None:
            drafts[k : k + 1] = _dateline_drafts(text, draft, dateline)
            return dateline
        opening = opening and _is_headline_like(drafts, k)
    return None


def _is_headline_like(drafts: list[_Draft], k: int) -> bool:
    """Tell whether draft ``k`` is a paragraph's only sentence and ends without punctuation."""
    alone = k + 1 == len(drafts) or drafts[k + 1].paragraph != drafts[k].paragraph
    return alone and not drafts[k].norm.endswith(_CLOSED)


def _dateline_drafts(text: str, draft: _Draft, dateline: Dateline) -> list[_Draft]:
    """Return the DATELINE draft and, when story text follows it, the BODY draft."""
    start = draft.span.start
    body_start = start + dateline.body_start
    if body_start >= draft.span.end:
        return [_Draft(draft.span, draft.norm, draft.paragraph, SentenceRole.DATELINE)]
    lead = Span(start, start + dateline.end)
    body = Span(body_start, draft.span.end)
    return [
        _Draft(lead, _normalized(text, lead), draft.paragraph, SentenceRole.DATELINE),
        _Draft(body, _normalized(text, body), draft.paragraph),
    ]


def _attribution(sentences: tuple[Sentence, ...], dateline: Dateline | None) -> str | None:
    """Return the agency named in the dateline, else in a byline, credit or caption."""
    if dateline is not None and dateline.agency is not None:
        return dateline.agency
    for role in _ATTRIBUTION_ROLES:
        for sentence in sentences:
            if sentence.role is role:
                agency = find_agency(sentence.text)
                if agency is not None:
                    return agency
    return None


def _update_marker(article: Article, sentences: tuple[Sentence, ...]) -> int | None:
    """Return N of an "UPDATE N" marker in the title or the first line, else None."""
    if article.title is not None:
        marker = find_update_marker(article.title)
        if marker is not None:
            return marker
    return find_update_marker(sentences[0].text) if sentences else None
