"""Paragraphs of a text: blocks between blank lines, with hard-wrapped lines joined back.

Wire archives, e-mail and many .txt exports are hard-wrapped: Reuters-21578
bodies break every ~65 columns and mark a new paragraph only by indenting it.
Blank lines separate blocks (the whole text is one block when it has none).
The wrap width is the widest line of at most 100 columns (at least 40). Lines
that go on to a next line look wrapped when a third of them fill 75% of that
width and 40% end mid-sentence (or 60% fill it and 20% end mid-sentence), and
the text holds prose (a sentence's end after a lowercase word). A block is
joined when the whole text looks wrapped and the block has an open line, or
when the block alone looks wrapped. Its lines then run on into paragraphs,
except where a line plainly stands apart:

- a line is wider than any wrap width (it was never wrapped);
- the next line is indented deeper than the block, or a list item starts or ends;
- the next line is short and is site chrome, a byline, a credit or a caption;
- a line ends well before the wrap width, so the next word would have fit
  (a paragraph's end, a title, a table row), unless the next line plainly goes
  on with it (it starts in lowercase, or the line ends with a comma, a dash or
  a word such as "the"). A block's first line is let off unless it ends a
  sentence, is non-story material or comes before a dateline: its start is
  often what an archive cut off (Reuters-21578 keeps the dateline apart).

Any other block keeps one paragraph per line, so text written one paragraph
per line (the seeds, most web extractions) is split exactly as before.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import NamedTuple

from wiretrace.models import Span
from wiretrace.text.normalize import normalize
from wiretrace.text.roles import find_dateline, role_of
from wiretrace.text.sentences import sentence_spans_in

__all__ = ["paragraph_spans"]


def _word_set(words: str) -> frozenset[str]:
    """Return the whitespace-separated words of a word list written as one string."""
    return frozenset(words.split())


# Wrap widths seen in practice: ~65 (Reuters-21578), 70-80 (e-mail, .txt exports).
_NARROWEST_WRAP = 40
_WIDEST_WRAP = 100
# A line "fills" the block when it reaches this share of the wrap width.
_FULL_SHARE = 0.75
# Wrapped prose leaves many lines open; one paragraph per line closes nearly all of them.
# (share of lines that fill the width, share that end mid-sentence): either pair will do.
_WRAP_EVIDENCE = ((1 / 3, 0.4), (0.6, 0.2))
# A wrapped line ends early when this many columns (or this share of the width) stay free
# after the next line's first word; Reuters-21578 wraps raggedly by up to ~5 columns.
_ROOM_SHARE = 0.1
_LEAST_ROOM = 4

_WORD = re.compile(r"\S+")
_BULLETS = "-*\u2022\u25aa\u25cf"
_LIST_ITEM = re.compile(rf"(?:[{_BULLETS}]|\d{{1,3}}[.)])\s+\S")
_LIST_MARKS = frozenset(_BULLETS + "0123456789")
_CLOSERS = "\"')]\u201d\u2019\u00bb"
_OPENERS = "\"'([\u201c\u2018\u00ab"
_SENTENCE_ENDS = frozenset(".!?:\u2026")
# A sentence's end after a lowercase word or a number: prose, not a list of headlines.
_PROSE_END = re.compile(r"[a-z0-9%)][.!?][\"')\u201d\u2019]*(?=\s|$)")
# Lowercase words that cannot end a sentence or a title: a line ending in one goes on.
_UNFINISHED = _word_set(
    """the a an of to in into for on at by with from and or but nor as than that which who
    whose its their his her our your my this these those said says say told will would shall
    should can could may might must is are was were be been has have had not no about after
    before over under between against per via such both either neither"""
)


class _Line(NamedTuple):  # a named tuple: built for every line, faster than a dataclass
    """One non-blank line: where its text begins and ends, its width and indentation.

    ``width`` counts columns up to the last non-blank character, indentation
    included; ``closed`` tells whether the line ends with sentence punctuation.
    """

    begin: int
    end: int
    width: int
    indent: int
    closed: bool


@dataclass(frozen=True, slots=True)
class _Wrap:
    """A hard-wrapped block's width and indentation, and whether a pair opens the block."""

    width: int
    indent: int
    opening: bool


def paragraph_spans(text: str) -> list[Span]:
    """Return the paragraphs of ``text`` as stripped spans, in order.

    Blank lines separate blocks; a hard-wrapped block's lines are joined into
    paragraphs (which then hold line breaks), any other block gives one
    paragraph per non-blank line. Spans are non-empty, ordered, non-overlapping
    and start and end on non-blank characters.
    """
    blocks = _blocks(text)
    width = _wrap_width(blocks)
    wrapped_text = width is not None and _looks_wrapped(
        text, [line for block in blocks for line in block[:-1]], width, Span(0, len(text))
    )
    paragraphs: list[Span] = []
    for block in blocks:
        if width is not None and _is_wrapped_block(text, block, width, wrapped_text):
            paragraphs.extend(_joined(text, block, width))
        else:
            paragraphs.extend(Span(line.begin, line.end) for line in block)
    return paragraphs


def _blocks(text: str) -> list[list[_Line]]:
    """Return the non-blank lines of ``text`` grouped into blocks between blank lines."""
    blocks: list[list[_Line]] = []
    block: list[_Line] = []
    blank = False  # a blank line since the last non-blank one
    start = 0
    # ``str.splitlines`` breaks on ``sentences.LINE_BREAKS`` ("\r\n" counting as one break)
    for line in text.splitlines(keepends=True):
        core = line.strip()
        if not core:
            blank = True
        else:
            if blank and block:
                blocks.append(block)
                block = []
            indent = len(line) - len(line.lstrip())
            begin = start + indent
            block.append(_Line(begin, begin + len(core), indent + len(core), indent, _closes(core)))
            blank = False
        start += len(line)
    if block:
        blocks.append(block)
    return blocks


def _closes(line: str) -> bool:
    """Tell whether a line's text ends with sentence punctuation (closing quotes aside)."""
    return line[-6:].rstrip(_CLOSERS)[-1:] in _SENTENCE_ENDS


def _wrap_width(blocks: list[list[_Line]]) -> int | None:
    """Return the widest line that fits a wrap width, or None when none is wide enough."""
    width = max(
        (line.width for block in blocks for line in block if line.width <= _WIDEST_WRAP),
        default=0,
    )
    return width if width >= _NARROWEST_WRAP else None


def _is_wrapped_block(text: str, block: list[_Line], width: int, wrapped_text: bool) -> bool:
    """Tell whether a block's lines were hard-wrapped, on its own or the whole text's evidence."""
    if len(block) < 2:
        return False
    if wrapped_text:
        return any(not line.closed for line in block[:-1])
    return _looks_wrapped(text, block[:-1], width, Span(block[0].begin, block[-1].end))


def _looks_wrapped(text: str, lines: list[_Line], width: int, extent: Span) -> bool:
    """Tell whether lines that go on to a next line look cut at ``width`` inside prose.

    A third of them fill the width and 40% end mid-sentence (or 60% fill it
    and 20% end mid-sentence); and the text around them (``extent``) holds a
    sentence's end (headline lists do not).
    """
    if not lines:
        return False
    full = sum(1 for line in lines if _FULL_SHARE * width <= line.width <= width) / len(lines)
    open_ended = sum(1 for line in lines if not line.closed) / len(lines)
    if not any(
        full >= least_full and open_ended >= least_open for least_full, least_open in _WRAP_EVIDENCE
    ):
        return False
    return _PROSE_END.search(text, extent.start, extent.end) is not None


def _joined(text: str, block: list[_Line], width: int) -> list[Span]:
    """Return the paragraphs of a hard-wrapped block, joining lines that run on."""
    indent = min(line.indent for line in block)
    paragraphs: list[Span] = []
    first = block[0]
    for above, below in itertools.pairwise(block):
        if _stands_apart(text, above, below, _Wrap(width, indent, above is block[0])):
            paragraphs.append(Span(first.begin, above.end))
            first = below
    paragraphs.append(Span(first.begin, block[-1].end))
    return paragraphs


def _stands_apart(text: str, above: _Line, below: _Line, wrap: _Wrap) -> bool:
    """Tell whether a paragraph ends between two lines of a hard-wrapped block."""
    if above.width > wrap.width or below.width > wrap.width or below.indent > wrap.indent:
        return True
    early = _ends_early(text, above, below, wrap.width)
    short = below.width < _FULL_SHARE * wrap.width
    if short and (early or not _ends_open(text, above)) and _is_non_story(text, below):
        return True
    if _opens_list_item(text, below):
        if early or above.closed or _opens_list_item(text, above):
            return True
    elif _opens_list_item(text, above) and text[below.begin].isupper():
        return True
    if not early or _goes_on(text, above, below):
        return False
    if not wrap.opening:
        return True
    # A block's first line is often short because a dateline or an indent was cut off it.
    return (
        _sentence_ends_at(text, above, below)
        or _is_non_story(text, above)
        or find_dateline(text[below.begin : below.end]) is not None
    )


def _opens_list_item(text: str, line: _Line) -> bool:
    """Tell whether a line starts with a list marker ("- ", "* ", "1.", "2)")."""
    if text[line.begin] not in _LIST_MARKS:
        return False
    return _LIST_ITEM.match(text, line.begin, line.end) is not None


def _sentence_ends_at(text: str, above: _Line, below: _Line) -> bool:
    """Tell whether the sentence splitter ends a sentence where ``above`` ends."""
    sentences = sentence_spans_in(text, Span(above.begin, below.end))
    return any(sentence.end == above.end for sentence in sentences)


def _ends_early(text: str, above: _Line, below: _Line, width: int) -> bool:
    """Tell whether the first word of ``below`` would have fitted at the end of ``above``."""
    word = _WORD.match(text, below.begin, below.end)
    word_length = len(word.group()) if word else 0
    room = width - above.width - 1 - word_length
    return room >= max(_LEAST_ROOM, round(_ROOM_SHARE * width))


def _goes_on(text: str, above: _Line, below: _Line) -> bool:
    """Tell whether ``below`` plainly continues the sentence that ``above`` leaves open."""
    first = text[below.begin : below.begin + 4].lstrip(_OPENERS)[:1]
    if first.islower():
        return True
    last_word = text[max(above.begin, above.end - 40) : above.end].split()[-1]
    if last_word[-1] in ",;-" or last_word in _UNFINISHED:
        return True
    return (first.isdigit() or first in "$\u00a3\u20ac") and last_word[-1].isalpha()


def _ends_open(text: str, line: _Line) -> bool:
    """Tell whether a line ends inside a phrase: on a letter, a digit, a comma or a dash."""
    last = text[line.end - 1]
    return last.isalnum() or last in ",;-"


def _is_non_story(text: str, line: _Line) -> bool:
    """Tell whether a whole line is site chrome, a byline, a credit or a caption."""
    return role_of(normalize(text[line.begin : line.end]).text.strip()) is not None
