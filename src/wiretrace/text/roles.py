"""Roles of non-story material: site chrome, credits, captions, bylines, datelines.

Nothing is deleted here: lines and sentences are only labelled, so later stages
can set them aside and still show them. Rules are data (pattern lists compiled
once); they match whole lines or whole sentences of *normalised* text (straight
quotes, ``-`` for every dash), which keeps them precise: a story sentence that
merely mentions "cookies" or "newsletter" is not a full match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from wiretrace.models import SentenceRole
from wiretrace.text.normalize import normalize

__all__ = [
    "AGENCIES",
    "Dateline",
    "caption_roles",
    "find_agency",
    "find_dateline",
    "find_update_marker",
    "role_of",
]

# Canonical agency name -> the spellings that name it in bylines, datelines and credits.
AGENCIES: dict[str, tuple[str, ...]] = {
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse"),
    "Reuters": ("Reuters", "REUTERS", "Reuter", "REUTER"),
    "AP": ("AP", "Associated Press", "The Associated Press", "ASSOCIATED PRESS"),
    "Bloomberg": ("Bloomberg", "BLOOMBERG"),
    "DPA": ("dpa", "DPA", "Deutsche Presse-Agentur"),
    "ANSA": ("ANSA",),
    "EFE": ("EFE",),
    "Xinhua": ("Xinhua", "XINHUA"),
    "Kyodo": ("Kyodo", "KYODO"),
    "Yonhap": ("Yonhap", "YONHAP"),
    "PTI": ("PTI",),
    "IANS": ("IANS",),
    "ANI": ("ANI",),
    "UPI": ("UPI",),
    "TASS": ("TASS", "Tass"),
    "AAP": ("AAP",),
    "Anadolu": ("Anadolu Agency", "Anadolu", "ANADOLU"),
    "Bernama": ("Bernama", "BERNAMA"),
    "Interfax": ("Interfax", "INTERFAX"),
    "Lusa": ("Lusa", "LUSA"),
    "Antara": ("Antara", "ANTARA"),
    "Jiji": ("Jiji Press", "Jiji"),
    "PA": ("PA Media", "PA"),
    "CP": ("The Canadian Press", "Canadian Press"),
}
# Photo agencies and stock libraries seen in picture credits (not sources of text).
PHOTO_AGENCIES = (
    *("Getty Images", "GETTY IMAGES", "Getty", "GETTY", "EPA", "EPA-EFE", "Shutterstock"),
    *("SHUTTERSTOCK", "Alamy", "ALAMY", "Sipa", "SIPA", "ABACA", "Zuma", "ZUMA", "Imago", "IMAGO"),
)


def _word_set(words: str) -> frozenset[str]:
    """Return the whitespace-separated words of a word list written as one string."""
    return frozenset(words.split())


def _alternation(names: list[str]) -> str:
    """Return a regex alternation of literal names, longest first so prefixes do not win."""
    return "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))


_SPELLINGS = {spelling: name for name, spellings in AGENCIES.items() for spelling in spellings}
_AGENCY = _alternation(list(_SPELLINGS))
_ANY_AGENCY = _alternation([*_SPELLINGS, *PHOTO_AGENCIES])
_AGENCY_WORD = re.compile(rf"(?<![\w-])(?:{_AGENCY})(?![\w-])")

_I = re.IGNORECASE
# The end-of-text control character closing old wire copy, raw or as Reuters-21578 writes it.
_END_OF_TEXT = r"(?:\x03|&#0*3;)"
_SHARE_WORD = r"(?:share(?: (?:this|on \w+|via \w+))?(?: article| story| page| post)?|tweet|email|e-mail|print|copy link|copy url|whatsapp|facebook|twitter|x|linkedin|reddit|telegram|pinterest|flipboard|messenger|save|comments?)"  # noqa: E501
_NAME = r"[A-Z][\w'.-]*(?: (?:[A-Z][\w'.-]*|de|da|van|von|al|bin|el|la|le))*"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"

# Whole-line or whole-sentence patterns, per role, matched against normalised text.
CHROME_PATTERNS: tuple[str, ...] = (
    r"home(?: ?[>»›/|] ?[\w&',. -]{1,40}){1,6}",  # breadcrumbs
    r"[\w&',. -]{1,30}(?: ?[>»›] ?[\w&',. -]{1,30}){2,6}",
    rf"{_SHARE_WORD}(?:[ |/,·•]+{_SHARE_WORD}){{0,12}}:?",  # share bars
    r"(?:sign up|subscribe|register)\b.{0,160}\b(?:newsletters?|inbox|updates|alerts|briefing|digest)\b.{0,120}",  # noqa: E501
    r"(?:get|receive) (?:our|the) .{0,60}newsletter.{0,120}",
    r"leave a (?:reply|comment)",
    r"(?:\d+ )?comments?(?: \(\d+\))?",
    r"your email address will not be published\.?",
    r"required fields are marked \*?\.?",
    r"(?:post|submit|add) (?:a )?comment|cancel reply|reply|log ?in to (?:reply|comment)",
    r"(?:name|email|website|comment) ?\*",
    r"save my name, email, and website in this browser for the next time i comment\.?",
    r"notify me of (?:follow-up comments|new posts|new comments) by email\.?",
    r"(?:read|see) (?:more|also)(?: ?[:>»|-].{0,150}| about .{0,100})?\.?",
    r"(?:(?:related|more|latest|top) (?:articles?|stories|news|coverage|content|topics|links|videos?)|related|recommended|trending(?: now)?|most (?:read|popular|viewed)|you (?:may|might) also like|also read|don't miss|more from .{1,40})(?: ?:.{0,150})?",  # noqa: E501
    r"(?:advertisement|advertising|sponsored(?: content)?|ad|story continues below(?: advertisement)?|scroll to continue(?: with content)?|continue reading(?: below)?)\.?",  # noqa: E501
    r"(?:we|this (?:web)?site) uses? cookies\b.{0,300}",
    r"by (?:continuing|using) (?:to (?:use|browse) )?(?:this|our) (?:site|website).{0,200}",
    r"(?:accept|reject|manage) (?:all )?cookies.{0,100}|cookie (?:settings|policy|preferences|consent).{0,100}",  # noqa: E501
    r"follow (?:us|@\w+|\w+(?: \w+)?) on (?:facebook|twitter|x|instagram|tiktok|linkedin|youtube|telegram|threads|bluesky|whatsapp|google news|social media)\b.{0,250}|follow us\.?",  # noqa: E501
    r"[_*=~#•·-]{3,}|(?:[*•·] ?){3,}",  # section separators ("___", "* * *")
    r"(?:tags|topics|filed under|categories|category|keywords)\s*:.{0,300}",
    r"skip to (?:main )?content|menu|search|log ?in|sign ?in|sign up|subscribe(?: now)?|close|next|previous|back to top|click here.{0,100}",  # noqa: E501
    r"(?:[A-Z][\w&'.-]*(?: [\w&'.-]+){0,2} ?[|·•] ?){3,}[A-Z][\w&'.-]*(?: [\w&'.-]+){0,2}",  # menus
    rf"{_END_OF_TEXT}+",
)
CREDIT_PATTERNS: tuple[str, ...] = (
    r"(?:©|\(c\)|copyright\b).{0,250}",
    r".{0,150}\ball rights reserved\.?",
    rf"\(?(?:{_ANY_AGENCY})(?: photo ?(?:/ ?[^()]{{1,60}})?| ?/ ?[^()]{{1,60}})\)?",
    rf"\(?(?:{_alternation(list(PHOTO_AGENCIES))})\)?",
    rf"\(?(?:file )?(?:photo|image|picture|pic)s?(?: credit)? ?:? ?(?:{_ANY_AGENCY})(?: ?/ ?[^()]{{1,60}})?\)?",  # noqa: E501
    rf"(?:photo|image|picture|pic|photograph|credit|collage)s?(?: credit)? ?: ?[^.!?]{{0,60}}(?:/ ?|\b)(?:{_ANY_AGENCY})(?: via \w+)?",  # noqa: E501
    rf"{_NAME} ?/ ?(?:{_ANY_AGENCY})(?:[ /]+[\w ]{{1,40}})?",
)
CAPTION_PATTERNS: tuple[str, ...] = (
    r"(?:file photo|photo|image|picture|pictured|caption|in pictures)s? ?: ?.{3,400}",
    r"pictured\b.{3,300}",
)
_DATE_TOKEN = rf"(?:\d{{1,4}}(?::\d{{2}})?(?:[-/.]\d{{1,4}})*|{_MONTH}|(?:mon|tues|wednes|thurs|fri|satur|sun)day|today|yesterday|at|on|[ap]\.?m\.?|gmt|utc|[ecmp][sd]?t|hours?|minutes?|ago|\d+[hm])"  # noqa: E501
# Matched case-sensitively (names are capitalised); keywords carry their own (?i:) flag.
BYLINE_PATTERNS: tuple[str, ...] = (
    rf"(?:[Bb]y|BY) {_NAME}(?:(?:,| and| &) {_NAME}){{0,3}}(?: ?(?:,|\||-|/|for|in) ?(?:{_AGENCY}|{_NAME}))?\.?",  # noqa: E501
    rf"{_NAME} ?\| ?(?:{_ANY_AGENCY}|{_NAME})",
    rf"-? ?\(?(?:{_AGENCY})(?: ?[/,&] ?(?:{_AGENCY}))*\)?\.?",  # trailing agency tags
    rf"(?i:reuters?)(?:\.|\^M)*{_END_OF_TEXT}?",  # Reuters-21578's closing "Reuter", "REUTER^M"
    rf"-? ?(?i:with) (?:{_AGENCY})(?: ?(?:,|and|&) ?(?:{_AGENCY}))*\.?",
    rf"(?i:(?:additional )?reporting|writing|editing|compiled|edited) (?i:by) {_NAME}(?:(?:,| and|;) .{{0,150}})?",  # noqa: E501
    # a contributor line: "Associated Press writers X and Y contributed to this report."
    r".{0,200}\b(?i:contributed(?: reporting)?(?: to)? (?:this|the) (?:report|story|article)|contributed reporting)\.?",  # noqa: E501
    r"(?i:(?:our |special |foreign |senior |political |chief )?(?:staff (?:writer|reporter)|correspondent|reporter|news desk|wire services|agencies|agency reports|web desk|online desk))\.?",  # noqa: E501
    rf"(?i:(?:first )?published|updated|last updated|posted)(?: (?i:on|at))? ?:? (?i:{_DATE_TOKEN}[ ,]*){{1,8}}",  # noqa: E501
)


def _compile(patterns: tuple[str, ...], flags: int = _I) -> re.Pattern[str]:
    """Return one compiled full-match pattern for a list of alternatives."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


_RULES: tuple[tuple[SentenceRole, re.Pattern[str]], ...] = (
    (SentenceRole.BYLINE, _compile(BYLINE_PATTERNS, 0)),
    (SentenceRole.CREDIT, _compile(CREDIT_PATTERNS)),
    (SentenceRole.CAPTION, _compile(CAPTION_PATTERNS)),
    (SentenceRole.CHROME, _compile(CHROME_PATTERNS)),
)
# Non-story lines are short; longer ones are checked only for an embedded credit.
_LONGEST_RULE_MATCH = 320
# A cheap necessary condition for any rule above to match a whole line, so that story lines
# skip the rules: every rule's match opens (after "-", "(" or spaces) with a digit, one of
# these words or word starts, or an agency's name; or holds a mark; or ends with the rights
# notice. Keep in step with the rules: a test generates strings from each rule and checks.
_LEAD_WORDS = """home share tweet email e-mail print copy whatsapp facebook twitter x
    linkedin reddit telegram pinterest flipboard messenger save comment sign subscribe register
    get receive leave your required post submit add cancel reply log name website notify read
    see related more latest top recommended trending most you also don ad sponsored story
    scroll continue we this by accept reject manage cookie follow tags topics filed categor
    keywords skip menu search close next previous back click c) copyright file photo image
    picture pic credit collage caption pictur reuter with additional reporting writing editing
    compiled edited our special foreign senior political chief staff correspondent reporter
    news wire agenc web online first published updated last posted"""
_LEADS = (*_LEAD_WORDS.split(), "in pictur", *_SPELLINGS, *PHOTO_AGENCIES)
_Trie = dict[str, "_Trie"]


def _prefix_tree(words: Iterable[str]) -> str:
    """Return a regex matching a string that starts with one of ``words`` (lowercase them).

    The alternatives share their prefixes, so that a failing match gives up after a
    character or two instead of trying every word.
    """
    tree: _Trie = {}
    for word in words:
        node = tree
        for char in word.lower():
            node = node.setdefault(char, {})
        node[""] = {}
    return _branches(tree)


def _branches(node: _Trie) -> str:
    if "" in node:
        return ""  # a word ends here: its start is enough
    branches = [re.escape(char) + _branches(node[char]) for char in sorted(node)]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


_RULE_LEAD = re.compile(rf"[-\s(]*(?:\d|{_prefix_tree(_LEADS)})", _I)
_RULE_MARK = re.compile("[>»›|·•/©&\x03]")  # one class, no alternation: a fast scan
_ASCII_RULE_MARKS = ">|/&\x03"  # those of the marks that ASCII text may hold
# separators open with a run of marks (dashes too, which the lead skips)
_SEPARATOR_START = re.compile(r"[-\s(]*(?:[_*=~#•·-] ?){2}")
# the one rule that opens with a name is known by its end
_CONTRIBUTOR_END = re.compile(r"contributed\b.{0,30}$", _I)
_RIGHTS_NOTICE = re.compile(r"all rights reserved\.?$", _I)
_RIGHTS_NOTICE_LENGTH = len("all rights reserved.")
_CONTRIBUTOR_TAIL = len("contributed reporting to this article.") + 8

# A picture's credit inside a line, or a picture's position marker: "(r.)", "(L)", "(2nd R)".
# (the marks that open with a sign, and a label ending with a colon: searched apart, the first
# scan skips ahead to the signs and the second runs only on lines with a colon)
_CREDIT_SIGN = (
    rf"©|\(c\) ?\d{{4}}"
    rf"|\((?:{_ANY_AGENCY}) ?(?:photo|Photo|PHOTO|/)[^)]*\)|\((?:file )?(?:photo|Photo|FILE PHOTO)\b[^)]*\)"  # noqa: E501
    rf"|/ ?(?:{_ANY_AGENCY})(?: via \w+)?\)?$"
)
_CREDIT_LABEL = (
    r"\b(?:Photo|PHOTO|Image|IMAGE|Picture|Credit|CREDIT|Collage|COLLAGE|Pic)s? ?(?:credit)? ?:"
)
_CREDIT_MARK = re.compile(f"{_CREDIT_SIGN}|{_CREDIT_LABEL}")
_CREDIT_SIGN_MARK = re.compile(_CREDIT_SIGN)
_CREDIT_LABEL_MARK = re.compile(_CREDIT_LABEL)
_POSITION_MARK = re.compile(
    r"\((?:[lrc]\.|left|right|cent(?:er|re)|front|rear|top|bottom|foreground|background"
    r"|\d(?:st|nd|rd|th) (?:[LR]|left|right)\.?)\)",
    _I,
)
_PAIRED_POSITION = re.compile(r"\([LR]\).*\([LR]\)")
_LONGEST_CAPTION = 600
_CAPTION_HINT = re.compile("[©(:/]")
_ASCII_CAPTION_HINTS = "(:/"
# A line with more sentences than this is story text even if it ends in a credit.
CAPTION_MAX_SENTENCES = 3

_SEPARATOR = r"(?::|-)"
# a known agency, or any short capitalised name in brackets: most newswires are not on any list
_AGENCY_PAREN = (
    rf"\((?P<agency>{_AGENCY}|[A-Z][A-Za-z&.-]{{1,20}}(?: [A-Z][A-Za-z&.-]{{1,20}}){{0,2}})\)"
)
_CAPS_PLACE = r"[A-Z][A-Z'.-]+(?: [A-Z][A-Z'.-]+){0,3}"
_TITLE_PLACE = r"[A-Z][\w'.-]*(?: [A-Z][\w'.-]*){0,3}"
_DATE = rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}} {_MONTH} \d{{4}}|{_MONTH} \d{{1,2}},? \d{{4}})"
DATELINE_PATTERNS: tuple[str, ...] = (
    # "CARACAS:", "CARACAS (AFP) -", "WASHINGTON, Dec 1 (Reuters) -", "BEIRUT, Lebanon (AP) -"
    rf"(?P<place>{_CAPS_PLACE})(?:, (?:{_TITLE_PLACE}))?(?:,? {_MONTH} \d{{1,2}}(?:, \d{{4}})?)?"
    rf"(?: ?{_AGENCY_PAREN})? ?{_SEPARATOR}",
    # " date 2025-12-01 Washington DC -"
    rf"(?:date )?{_DATE},? (?P<place>{_TITLE_PLACE})(?: ?{_AGENCY_PAREN})? ?{_SEPARATOR}",
    # "Caracas (AFP) -"
    rf"(?P<place>{_TITLE_PLACE})(?:, (?:{_TITLE_PLACE}))?(?:,? {_MONTH} \d{{1,2}})? ?{_AGENCY_PAREN} ?{_SEPARATOR}",  # noqa: E501
)
_DATELINES = tuple(re.compile(p) for p in DATELINE_PATTERNS)
_PLACE_JOINER = r"(?:de|da|do|del|della|di|la|le|el|al|of|on|upon|sur|am|an|der)"
# "Port Alder: Fire crews ..." opening a story: a place in normal case, a colon, a capital.
_OPENING_DATELINE = re.compile(
    rf"(?P<place>[A-Z][a-z][\w'.-]*(?: (?:[A-Z][\w'.-]*|{_PLACE_JOINER})){{0,3}}):(?= [A-Z\"'])"
)
_LONGEST_OPENING_PLACE = 3
# Capitalised lead words that are story labels, not places.
NOT_PLACES = _word_set(
    """UPDATE UPDATED BREAKING EXCLUSIVE ANALYSIS WATCH LIVE VIDEO PHOTOS OPINION EDITORIAL
    FACTBOX EXPLAINER CORRECTED REFILE INSIGHT FEATURE NOTE NOTES WARNING EDITOR'S LEAD SUMMARY
    CORRECTION ENQUIRIES"""
)
# Capitalised words that open a "Word: ..." label or sentence, never a place.
NOT_OPENING_PLACES = _word_set(
    """update updated note notes breaking exclusive analysis watch live video videos photo photos
    image images picture pictures opinion editorial editor editor's factbox explainer corrected
    correction corrections clarification refile insight feature warning alert advisory summary
    background context question questions answer answers transcript disclaimer source sources read
    related tags topics caption credit comment comments reply posted published listen audio
    podcast highlights key fact facts timeline recap review verdict statement quote quotes result
    results conclusion overview introduction abstract example definition step rule tip tips
    chapter part section figure table why what how who when where which here there the this that
    these those it he she they we i you our my his her their in on at for by with from and but so
    or yes no also plus now today tonight yesterday tomorrow first second third finally
    meanwhile however monday tuesday wednesday thursday friday saturday sunday january february
    march april may june july august september october november december mr mrs ms dr sir
    president minister official officials police spokesman spokeswoman sen rep gov gen report
    reports rumor rumour scoop study survey poll analyst analysts interview profile obituary
    full special guest commentary column letter letters journalist reporter interviewer host
    moderator speaker"""
)
# a wire's own correction of a story ("CORRECTED - ...", "(CORRECTED)-", "<CORRECTED> -")
# is a later version of it, as an update is
_UPDATE_MARKER = re.compile(
    r"\s*UPDATE (?P<n>\d{1,3}) ?[-:]|\s*UPDATED? ?[-:]"
    r"|\s*(?:\(CORRECTED\)|<CORRECTED>|CORRECTED) ?[-:]"
)


@dataclass(frozen=True, slots=True)
class Dateline:
    """A dateline lead-in found at the start of a sentence.

    ``end`` is where the lead-in ends (its separator included) and
    ``body_start`` where the story text after it begins; both are offsets
    into the sentence as given.
    """

    place: str
    agency: str | None
    end: int
    body_start: int


def role_of(norm: str) -> SentenceRole | None:
    """Return the role of a whole line or sentence of non-story material, or None for story text.

    ``norm`` is the line or sentence as ``normalize`` returns it, stripped.
    """
    if not norm or len(norm) > _LONGEST_RULE_MATCH or not _may_be_ruled(norm):
        return None
    for role, pattern in _RULES:
        if pattern.fullmatch(norm):
            return role
    return None


def _may_be_ruled(norm: str) -> bool:
    """Tell whether some rule may match the whole of ``norm`` (False: surely none does)."""
    return (
        _RULE_LEAD.match(norm) is not None
        or _holds_one_of(norm, _RULE_MARK, _ASCII_RULE_MARKS)
        or _SEPARATOR_START.match(norm) is not None
        or _RIGHTS_NOTICE.search(norm, len(norm) - _RIGHTS_NOTICE_LENGTH) is not None
        or _CONTRIBUTOR_END.search(norm, max(0, len(norm) - _CONTRIBUTOR_TAIL)) is not None
    )


def _holds_one_of(text: str, pattern: re.Pattern[str], ascii_chars: str) -> bool:
    """Tell whether ``text`` holds a character of the class ``pattern`` (whose ASCII
    characters are ``ascii_chars``)."""
    if text.isascii():  # a few substring scans beat one regex scan over a character class
        for char in ascii_chars:  # noqa: SIM110 (a loop: any() over a generator costs more)
            if char in text:
                return True
        return False
    return pattern.search(text) is not None


def caption_roles(sentences: Sequence[str]) -> list[SentenceRole] | None:
    """Return the roles of a line's sentences when the line is a photo caption, else None.

    ``sentences`` are the line's sentences, normalised and stripped. A caption
    line is short (at most ``CAPTION_MAX_SENTENCES`` sentences) and carries a
    picture credit ("(c) X / AFP", "Photo: X") or a position marker ("(r.)",
    "(left)", "(L) ... (R)"). Its credit sentences are CREDIT, the others CAPTION.
    """
    line = " ".join(sentences)
    if not line or len(line) > _LONGEST_CAPTION or len(sentences) > CAPTION_MAX_SENTENCES:
        return None
    if not _holds_one_of(line, _CAPTION_HINT, _ASCII_CAPTION_HINTS):  # every marker holds one
        return None
    marked = (
        _CREDIT_SIGN_MARK.search(line, 1) is not None
        or (":" in line and _CREDIT_LABEL_MARK.search(line, 1) is not None)
        or _POSITION_MARK.search(line) is not None
        or _PAIRED_POSITION.search(line) is not None
    )
    if not marked:
        return None
    return [_role_in_caption(sentence) for sentence in sentences]


def _role_in_caption(norm: str) -> SentenceRole:
    """Return CREDIT for the credit sentence of a caption line, CAPTION for the others."""
    if role_of(norm) is SentenceRole.CREDIT or _CREDIT_MARK.match(norm):
        return SentenceRole.CREDIT
    return SentenceRole.CAPTION


def find_dateline(sentence: str, *, opening: bool = False) -> Dateline | None:
    """Return the dateline that opens ``sentence``, or None when it has none.

    With ``opening`` (the sentence opens the story), a place in normal case
    followed by a colon and a capital also counts ("Port Alder: Fire crews"),
    unless its first word is a label such as "Update" or "Note".
    """
    normalized = normalize(sentence)
    lead = len(normalized.text) - len(normalized.text.lstrip())
    patterns = (*_DATELINES, _OPENING_DATELINE) if opening else _DATELINES
    for pattern in patterns:
        match = pattern.match(normalized.text, lead)
        if match is None or not _is_place(match.group("place")):
            continue
        if pattern is _OPENING_DATELINE and not _is_opening_place(match.group("place")):
            continue
        rest = normalized.text[match.end() :]
        story = rest.lstrip()
        if story and (not rest[:1].isspace() or story[0].islower()):
            continue
        body = match.end() + len(rest) - len(story)
        agency = match.groupdict().get("agency")
        return Dateline(
            place=match.group("place"),
            agency=_SPELLINGS.get(agency, agency) if agency else None,
            end=normalized.to_original(match.end()),
            body_start=normalized.to_original(body),
        )
    return None


def _is_opening_place(place: str) -> bool:
    """Tell whether a normal-case "Place:" lead-in names 1-3 capitalised words, no label."""
    names = [word for word in place.split(" ") if word[0].isupper()]
    return len(names) <= _LONGEST_OPENING_PLACE and names[0].lower() not in NOT_OPENING_PLACES


def _is_place(place: str) -> bool:
    """Tell whether a dateline's place is a place, not a story label or an agency's name."""
    return place.split(" ")[0] not in NOT_PLACES and _AGENCY_WORD.search(place) is None


def find_agency(text: str) -> str | None:
    """Return the canonical name of the first news agency named in ``text``, or None."""
    match = _AGENCY_WORD.search(normalize(text).text)
    return _SPELLINGS[match.group()] if match else None


def find_update_marker(text: str) -> int | None:
    """Return N of an "UPDATE N-" marker opening ``text``; 1 for a bare "UPDATE:" or a
    correction ("CORRECTED - "); else None."""
    match = _UPDATE_MARKER.match(text)
    if match is None:
        return None
    number = match.group("n")
    return int(number) if number else 1
