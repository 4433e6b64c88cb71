"""Word lists used by change detection, kept as data (lowercase, straight apostrophes).

Each list names a closed class of news language: hedges, certainty markers, negators,
reporting verbs, antonym pairs and intensity scales. Multi-word entries are matched as
token sequences.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    """Return the whitespace-separated words of a word list."""
    return frozenset(text.split())


# Lower the certainty of a claim.
HEDGES: tuple[str, ...] = (
    "may",
    "might",
    "could",
    "allegedly",
    "alleged",
    "reportedly",
    "purportedly",
    "purported",
    "apparently",
    "apparent",
    "possibly",
    "possible",
    "possibility",
    "possibilities",
    "potential",
    "potentially",
    "probably",
    "likely",
    "perhaps",
    "seemingly",
    "supposedly",
    "suspected",
    "unconfirmed",
    "unverified",
    "is believed to",
    "are believed to",
    "was believed to",
    "were believed to",
    "believed to",
    "is thought to",
    "thought to",
    "appears to",
    "appeared to",
    "appear to",
    "seems to",
    "seemed to",
    "seem to",
)

# Raise the certainty of a claim.
CERTAINTY: tuple[str, ...] = (
    "confirmed",
    "proven",
    "proved",
    "definitely",
    "clearly",
    "certainly",
    "undoubtedly",
    "undeniably",
    "indeed",
    "in fact",
    "without doubt",
    "is known to",
    "verified",
)

# Reverse the polarity of what follows.
NEGATORS: tuple[str, ...] = (
    "not",
    "no",
    "never",
    "none",
    "nobody",
    "nothing",
    "neither",
    "nor",
    "little",
    "hardly",
    "barely",
    "scarcely",
    "without",
    "cannot",
    "yet to",
    "no longer",
    "refrained from",
    "declined to",
    "refused to",
    "failed to",
    "unable to",
    "lack",
    "lacks",
    "lacked",
    "lacking",
    "deny",
    "denies",
    "denied",
    "denying",
)

# Verbs and phrases that attribute a claim to a source.
REPORTING_VERBS: tuple[str, ...] = (
    "said",
    "says",
    "say",
    "told",
    "tells",
    "reported",
    "reports",
    "claimed",
    "claims",
    "stated",
    "states",
    "announced",
    "announces",
    "added",
    "noted",
    "insisted",
    "insists",
    "warned",
    "wrote",
    "writes",
    "argued",
    "argue",
    "asserted",
    "assert",
    "remarked",
    "revealed",
    "mentioned",
    "indicated",
    "explained",
    "confirmed",
    "acknowledged",
    "alleged",
    "alleges",
    "accused",
    "accuses",
    "tweeted",
    "posted",
)

ACCORDING_TO: tuple[str, ...] = ("according to", "citing", "quoted by", "quoting")

# Attribution without a named source.
UNNAMED_ATTRIBUTION: tuple[str, ...] = (
    "is said to",
    "are said to",
    "was said to",
    "were said to",
    "reportedly",
    "reports indicate",
    "reports say",
    "sources say",
    "it is claimed",
)

PRONOUNS: frozenset[str] = _words(
    "he she they it we i you his her their its who which that this these those"
)

# Pairs of words whose swap reverses the meaning; each entry lists forms of one lemma.
ANTONYM_PAIRS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("agree", "agrees", "agreed", "agreeing"), ("refuse", "refuses", "refused", "refusing")),
    (("accept", "accepts", "accepted", "accepting"), ("reject", "rejects", "rejected")),
    (("rise", "rises", "rose", "risen", "rising"), ("fall", "falls", "fell", "fallen", "falling")),
    (("increase", "increases", "increased"), ("decrease", "decreases", "decreased")),
    (("win", "wins", "won", "winning"), ("lose", "loses", "lost", "losing")),
    (("approve", "approves", "approved"), ("block", "blocks", "blocked")),
    (("approve", "approves", "approved"), ("reject", "rejects", "rejected")),
    (("admit", "admits", "admitted", "admitting"), ("deny", "denies", "denied", "denying")),
    (("confirm", "confirms", "confirmed"), ("deny", "denies", "denied", "denying")),
    (("allow", "allows", "allowed"), ("ban", "bans", "banned", "forbid", "forbade")),
    (("support", "supports", "supported"), ("oppose", "opposes", "opposed")),
    (("guilty",), ("innocent",)),
    (("convicted",), ("acquitted",)),
    (("gain", "gains", "gained"), ("loss", "losses")),
    (("resume", "resumes", "resumed"), ("suspend", "suspends", "suspended", "halt", "halted")),
    (("open", "opens", "opened", "reopened"), ("close", "closes", "closed", "shut")),
    (("lift", "lifts", "lifted"), ("impose", "imposes", "imposed")),
    (("legal",), ("illegal",)),
)

# Intensity scales: scale name -> (level, forms) rows; a higher level is a stronger word.
INTENSITY_SCALES: dict[str, tuple[tuple[int, tuple[str, ...]], ...]] = {
    "criticism": (
        (1, ("criticised", "criticized", "criticise", "criticize", "criticises", "criticizes")),
        (
            2,
            (
                "slammed",
                "slams",
                "slam",
                "blasted",
                "blasts",
                "lambasted",
                "lambasts",
                "condemned",
                "condemns",
                "denounced",
                "denounces",
                "assailed",
                "excoriated",
                "savaged",
            ),
        ),
    ),
    "amount": (
        (1, ("few", "some", "handful")),
        (2, ("several",)),
        (3, ("many", "numerous", "dozens", "scores", "countless")),
    ),
    "injury": (
        (1, ("minor", "slight", "superficial")),
        (2, ("serious", "severe", "grave", "life-threatening")),
    ),
    "unrest": (
        (1, ("protest", "protests", "protesters", "demonstration", "demonstrations", "rally")),
        (2, ("clash", "clashes", "clashed", "unrest", "scuffles")),
        (3, ("riot", "riots", "rioting", "rioters")),
    ),
    "custody": (
        (1, ("detained", "detain", "detains", "questioned")),
        (2, ("arrested", "arrest", "arrests", "jailed", "imprisoned")),
    ),
    "damage": (
        (1, ("damaged", "damage", "damages")),
        (2, ("destroyed", "destroys", "devastated", "obliterated", "razed", "flattened")),
    ),
    "size": (
        (1, ("small", "modest", "limited")),
        (2, ("large", "big", "major", "significant", "substantial", "considerable")),
        (3, ("huge", "massive", "enormous", "vast", "unprecedented", "sweeping")),
    ),
    "rise": (
        (1, ("rose", "rise", "rises", "risen", "increased", "grew", "edged", "climbed")),
        (2, ("soared", "soaring", "surged", "surging", "skyrocketed", "spiked", "jumped")),
    ),
    "fall": (
        (1, ("fell", "fall", "falls", "declined", "dipped", "dropped", "slipped", "eased")),
        (2, ("plunged", "plummeted", "crashed", "collapsed", "tumbled", "slumped")),
    ),
    "killing": (
        (1, ("killed", "kill", "kills", "killing")),
        (2, ("murdered", "slaughtered", "massacred", "executed", "butchered")),
    ),
}

# Modifiers whose addition makes a fact stronger or weaker.
INTENSIFIERS: tuple[str, ...] = (
    "very",
    "extremely",
    "highly",
    "deeply",
    "brutally",
    "violently",
    "violent",
    "fiercely",
    "severely",
    "heavily",
    "massively",
    "dramatically",
    "deliberately",
    "intentionally",
    "viciously",
    "savagely",
    "hugely",
    "bloody",
)

SOFTENERS: tuple[str, ...] = (
    "unintentionally",
    "inadvertently",
    "accidentally",
    "mistakenly",
    "briefly",
    "slightly",
    "somewhat",
    "partly",
    "partially",
    "merely",
    "mildly",
    "temporarily",
)

# Quantity qualifiers: "at least 83" is a hedge on the number, not a different number.
QUANTITY_QUALIFIERS: tuple[str, ...] = (
    "at least",
    "at most",
    "more than",
    "less than",
    "fewer than",
    "up to",
    "over",
    "under",
    "nearly",
    "almost",
    "about",
    "around",
    "approximately",
    "roughly",
    "some",
    "an estimated",
    "as many as",
    "as few as",
)

# Qualifiers that say the same thing: swapping one for another is no hedge change.
QUALIFIER_CLASSES: dict[str, str] = {
    "about": "approximately",
    "around": "approximately",
    "approximately": "approximately",
    "roughly": "approximately",
    "some": "approximately",
    "an estimated": "approximately",
    "more than": "above",
    "over": "above",
    "less than": "below",
    "fewer than": "below",
    "under": "below",
}

# Vague quantities: swapping one for a precise figure (or back) changes the number.
VAGUE_QUANTITIES: tuple[str, ...] = (
    "nearly all",
    "almost all",
    "virtually all",
    "all",
    "most",
    "the majority",
    "a majority",
    "many",
    "dozens",
    "scores",
    "hundreds",
    "thousands",
    "tens of thousands",
    "hundreds of thousands",
    "millions",
    "a handful",
    "a few",
    "several",
    "a number",
)

# Function words: never names, never the head of a phrase.
FUNCTION_WORDS: frozenset[str] = _words(
    """a an the and or but if of to in on at by for from with as into onto about than then
    that this these those there here is are was were be been being am has have had having do
    does did will would shall should can may might must could also just even still so such
    any some all its it his her their our your my we they he she i you who whom whose which
    what when where while why how after before since until though although however because
    not no yet very more most much many over under up down out off per via amid"""
)

# Sentence starters that are capitalised only because they start a sentence.
NON_NAME_CAPITALS: frozenset[str] = _words(
    """the a an on in at by for from with as but and or if while though although however
    despite following during after before since until when where this that these those there
    here it its he she they we i you his her their our officially meanwhile moreover
    furthermore still yet so then also several some many experts reports officials among
    across against within without amid"""
)

# Different spellings of the same entity, mapped to one key.
ENTITY_ALIASES: dict[str, str] = {
    "u.s.": "us",
    "u.s": "us",
    "us": "us",
    "usa": "us",
    "u.s.a.": "us",
    "united states": "us",
    "united states of america": "us",
    "america": "us",
    "american": "us",
    "americans": "us",
    "washington": "us",
    "u.k.": "uk",
    "uk": "uk",
    "britain": "uk",
    "great britain": "uk",
    "united kingdom": "uk",
    "british": "uk",
    "london": "uk",
    "un": "un",
    "u.n.": "un",
    "united nations": "un",
    "eu": "eu",
    "european union": "eu",
    "venezuelan": "venezuela",
    "caracas": "venezuela",
    "russian": "russia",
    "moscow": "russia",
    "kremlin": "russia",
    "chinese": "china",
    "beijing": "china",
    "ukrainian": "ukraine",
    "kyiv": "ukraine",
    "iranian": "iran",
    "tehran": "iran",
    "french": "france",
    "paris": "france",
    "german": "germany",
    "berlin": "germany",
    "israeli": "israel",
    "palestinian": "palestine",
    "mexican": "mexico",
}

WEEKDAYS: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)

MONTHS: tuple[str, ...] = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)

NUMBER_WORDS: dict[str, int] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
}

SCALE_WORDS: dict[str, float] = {
    "hundred": 1e2,
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "billion": 1e9,
    "billions": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}

# Currency spellings -> ISO-like code.
CURRENCIES: dict[str, str] = {
    "$": "usd",
    "us$": "usd",
    "usd": "usd",
    "dollar": "usd",
    "dollars": "usd",
    "€": "eur",
    "eur": "eur",
    "euro": "eur",
    "euros": "eur",
    "£": "gbp",
    "gbp": "gbp",
    "pound": "gbp",
    "pounds": "gbp",
    "sterling": "gbp",
    "¥": "jpy",
    "yen": "jpy",
}

PERCENT_WORDS: tuple[str, ...] = ("%", "percent", "per cent", "pct", "percentage points")

# Titles and roles that precede a name; they do not identify the person.
TITLES: frozenset[str] = _words(
    """president vice senator sen secretary minister prime leader general gen chief head
    mr mrs ms dr prof professor judge governor gov mayor king queen prince pope spokesman
    spokeswoman spokesperson ambassador director chairman ceo defense defence foreign interior
    republican democrat democratic representative rep commander colonel lieutenant captain
    sergeant officer former acting deputy state"""
)

# Common nouns that name the source of a claim ("police said", "officials told").
SOURCE_NOUNS: frozenset[str] = _words(
    """police officials official authorities government ministry spokesman spokeswoman
    spokesperson sources source media experts expert analysts analyst witnesses witness
    residents investigators prosecutors prosecutor lawyers lawyer union army military court
    judge report reports statement agency company firm activists doctors hospital observers
    researchers scientists study survey poll diplomats diplomat administration officers
    minister ministers president leaders leader organisers organizers campaigners critics
    supporters opponents protesters lawmakers legislators students workers people
    authority council commission coastguard regulator operator spokespeople"""
)

# Source nouns that, after "the", may stand for a source named earlier ("Hesketh" -> "the company").
INSTITUTION_NOUNS: frozenset[str] = _words(
    """company firm group agency ministry government authority council commission hospital
    court army military union operator regulator organisation organization club airline
    bank university school administration"""
)

# Caveats, qualifications and denials (regular expressions, matched case-insensitively).
CAVEAT_PATTERNS: tuple[str, ...] = (
    r"\b(?:has|have|had) not (?:yet )?been (?:peer[- ]reviewed|published|verified|confirmed)",
    r"\bnot (?:yet )?peer[- ]reviewed\b",
    r"\bpre-?print\b",
    r"\bsample (?:size )?(?:was|is) (?:small|limited)\b",
    r"\bsmall sample\b",
    r"\b(?:study|research|findings?|data) (?:has|have|had) (?:several |some )?limitations?\b",
    r"\bcaution(?:ed)? (?:that|against)\b",
    r"\bcorrelation (?:does not|doesn't) (?:imply|mean) causation\b",
    r"\bden(?:y|ies|ied|ying)\b",
    r"\brejected (?:the|these|those|such) (?:claims?|allegations?|accusations?|reports?)\b",
    r"\bdismissed (?:the|these|those|such) (?:claims?|allegations?|accusations?|reports?)\b",
    r"\bno (?:concrete |hard |direct |credible )?evidence\b",
    r"\b(?:has|have|had) (?:not|yet to) (?:provided|offered|presented|produced|shown) "
    r"(?:any |concrete |substantial )?evidence\b",
    r"\binsists? (?:that )?no such\b",
    r"\bno such [a-z]+ (?:even )?exists?\b",
    r"\bcould not (?:be )?(?:independently )?(?:verified|confirmed)\b",
    r"\b(?:cannot|can't|could not|couldn't) (?:independently )?(?:verify|confirm)\b",
    r"\b(?:did|does) not (?:immediately )?respond to (?:a |the )?requests? for comment\b",
    r"\b(?:declined|refused) to comment\b",
    r"\bwas not (?:immediately )?available for comment\b",
    r"\bit (?:is|was|remains) (?:still )?(?:unclear|not clear|not known|unknown) "
    r"(?:whether|if|how|why|what|who|when)\b",
    r"\bunconfirmed\b",
    r"\bcould not be reached\b",
    r"\bquestioned the (?:legality|validity|accuracy|reliability)\b",
)

# Site furniture that slips into an article body.
BOILERPLATE_PATTERNS: tuple[str, ...] = (
    r"\bleave a (?:reply|comment)\b",
    r"\byour email address will not be published\b",
    r"\brequired fields are marked\b",
    r"\bpost comment\b",
    r"\bsave my name\b",
    r"\bsubscribe\b",
    r"\bnewsletter\b",
    r"\bsign up\b",
    r"\bshare (?:this|on)\b",
    r"\bclick here\b",
    r"\bfollow us\b",
    r"\ball rights reserved\b",
    r"\bcopyright\b",
    r"©",
    r"\bread more\b",
    r"\brelated (?:articles|stories|posts)\b",
    r"^advertisement$",
    r"\bcookies?\b",
    r"\bprivacy policy\b",
    r"\bterms of (?:use|service)\b",
    r"\blog ?in\b",
    r"\b(?:next|previous) (?:post|article)\b",
    r"^(?:tags|filed under|categories)\s*:",
)

# Framing and opinion cues of an editorial sentence.
EDITORIAL_PATTERNS: tuple[str, ...] = (
    r"\bunderscor(?:es|ed|ing)\b",
    r"\bhighlight(?:s|ed|ing)\b",
    r"\bit remains to be seen\b",
    r"\bremains? to be seen\b",
    r"\brais(?:es|ed|ing) (?:serious |further |new )?(?:questions|concerns|doubts)\b",
    r"\bserves? as a (?:stark |sobering )?reminder\b",
    r"\bshed(?:s|ding)? light\b",
    r"\bsignals? (?:a|an|the)\b",
    r"\bmarks? a (?:turning point|new chapter|significant)\b",
    r"\bonly time will tell\b",
    r"\bin a move that\b",
    r"\bit is (?:clear|evident|obvious) that\b",
    r"\bthis (?:series of events|development|situation|episode|move)\b",
    r"\bthe potential for (?:further|more)\b",
    r"\b(?:fragile|alarming|troubling|worrying|shocking|dramatic|stark|dangerous|"
    r"remarkable|unprecedented|volatile|precarious|delicate|tense) (?:state|situation|"
    r"moment|landscape|climate|escalation|reminder|turn|relationship|relations)\b",
    r"\b(?:complicat|exacerbat|escalat|deepen)(?:es|ed|ing) (?:the|an|already)\b",
)
