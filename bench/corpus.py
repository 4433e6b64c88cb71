"""Benchmark corpora: real news sentences recombined into articles, with planted derivatives.

A corpus of N articles is written as JSONL (``id, text, title, outlet,
published_at``) next to a labels file naming, for every planted derivative,
its origin and how it was made (``kind``). Generation streams: only the
sentence pool and a window of recent originals are held in memory, so a
1M-article corpus needs no more memory than a 10k one.

Base articles are built from real news text (Reuters-21578 bodies, Reuter
50/50, BBC, FNC-1 bodies) found under the shared data folder
(``WIRETRACE_DATA``, default ``../shared/data`` next to the repository), or
from a user's JSONL (``--from FILE``). Sentences are used once each; once the
pool is spent, new sentences are spliced from the halves of two real ones, so
unrelated articles never share a whole sentence by accident.

Usage: ``python bench/corpus.py --size 10k|100k|1m|<int> [--seed 7] [--from FILE]``
"""

from __future__ import annotations

import argparse
import functools
import html
import json
import logging
import os
import random
import re
import sys
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _data import load_loaders

log = logging.getLogger("bench.corpus")

VERSION = 1  # bump when the output for a given (size, seed) changes
REPO = Path(__file__).resolve().parent.parent
CACHE_DIR = REPO / "bench" / ".cache"
DEFAULT_DATA = REPO.parent / "shared" / "data"

DERIVATIVE_SHARE = 0.30
ORIGIN_WINDOW = 2000  # derivatives pick their origin among this many recent originals
MIN_WORDS, MAX_WORDS = 300, 900
KINDS: tuple[tuple[str, float], ...] = (
    ("duplicate", 0.15),
    ("verbatim_chrome", 0.20),
    ("excerpt", 0.20),
    ("condensed", 0.15),
    ("edited", 0.15),
    ("reordered", 0.15),
)
OUTLETS = (
    "Daily Ledger",
    "Morning Courier",
    "Harbor Times",
    "Valley Gazette",
    "Metro Wire",
    "Evening Standard-Post",
    "Coastal Herald",
    "Capital Dispatch",
    "Northern Chronicle",
    "Plains Tribune",
    "River City News",
    "Summit Observer",
)
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
CORPORA = ("reuters21578", "reuters_c50", "bbc", "fnc1")

Paragraphs = list[list[str]]

_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "sen",
        "gov",
        "rep",
        "gen",
        "col",
        "lt",
        "sgt",
        "st",
        "jr",
        "sr",
        "inc",
        "co",
        "corp",
        "ltd",
        "no",
        "jan",
        "feb",
        "mar",
        "apr",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "vs",
        "prof",
        "rev",
    ]
)
_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class CorpusFiles:
    """Where a generated corpus lies: the articles JSONL and the planted labels JSONL."""

    articles: Path
    labels: Path
    size: int


@dataclass(frozen=True, slots=True)
class PlantedLabel:
    """A planted derivative: which article it is, its origin and how it was made."""

    derivative: str
    origin: str
    kind: str


@dataclass(slots=True)
class Original:
    """An original article kept while derivatives may still be made from it."""

    id: str
    title: str
    paragraphs: Paragraphs
    published_at: datetime


def parse_size(text: str) -> int:
    """Return the article count ``10k``, ``100k``, ``1m`` or a plain integer names.

    Raises:
        ValueError: when the text is not a positive size.
    """
    raw = text.strip().lower().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(raw[-1:], 1)
    digits = raw[:-1] if scale > 1 else raw
    if not digits.isdigit() or int(digits) * scale < 1:
        raise ValueError(f"size must be like 10k, 100k, 1m or a positive integer, got {text!r}")
    return int(digits) * scale


# -- sentences ------------------------------------------------------------------


def split_sentences(text: str) -> list[str]:
    """Return the sentences of a paragraph (regex splitter with an abbreviation list)."""
    flat = _SPACES.sub(" ", text).strip()
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(flat):
        before = flat[start : match.start()].rsplit(" ", 1)[-1].lower().rstrip(".")
        if before in _ABBREVIATIONS or (len(before) == 1 and before.isalpha()):
            continue
        sentences.append(flat[start : match.end()].strip())
        start = match.end()
    tail = flat[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def is_story_sentence(sentence: str) -> bool:
    """True for a prose sentence of 6-60 words that ends like one (tables and codes are not)."""
    words = sentence.split()
    if not 6 <= len(words) <= 60 or sentence[-1] not in ".!?\"'":
        return False
    alphabetic = sum(1 for w in words if any(c.isalpha() for c in w))
    return alphabetic >= 0.8 * len(words) and not sentence.isupper()


_load_data_module = load_loaders


def _reuters_body(body: str) -> str:
    text = html.unescape(body).replace("\x03", "")
    return re.sub(r"\s*Reuter\s*$", "", text.strip())


def _try(loader: Callable[[], Any], name: str) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)  # the loaders leave files to the GC
            return loader()
    except (OSError, ValueError, KeyError) as exc:
        log.warning("skipping %s: %s", name, exc)
        return None


def real_news_texts(
    data_dir: Path, corpora: Sequence[str] = CORPORA
) -> tuple[list[str], list[str]]:
    """Return (article bodies, titles) from the shared news corpora that are present.

    Raises:
        FileNotFoundError: when no corpus could be read from ``data_dir``.
        ValueError: on a corpus name not in ``CORPORA``.
    """
    unknown = sorted(set(corpora) - set(CORPORA))
    if unknown:
        raise ValueError(f"corpora must be among {CORPORA}, got {unknown}")
    loaders = _load_data_module(data_dir)
    if loaders is None:
        raise FileNotFoundError(f"{data_dir}: no loaders.py (set WIRETRACE_DATA)")
    bodies: list[str] = []
    titles: list[str] = []
    if "reuters21578" in corpora:
        for record in _try(loaders.reuters21578, "reuters21578") or []:
            if record["body"]:
                bodies.append(_reuters_body(record["body"]))
            if record["title"]:
                titles.append(html.unescape(record["title"]).title())
    if "reuters_c50" in corpora:
        bodies += [r["text"] for r in _try(loaders.reuters_c50, "reuters_c50") or []]
    if "bbc" in corpora:
        for record in _try(loaders.bbc, "bbc") or []:
            bodies.append(record["text"])
            titles.append(record["title"])
    for split in ("train", "competition_test") if "fnc1" in corpora else ():
        found = _try(functools.partial(loaders.fnc1, split), f"fnc1 {split}")
        if found:
            bodies += [found[0][k] for k in sorted(found[0])]
            titles += [headline for headline, _, _ in found[1]]
    if not bodies:
        raise FileNotFoundError(f"{data_dir}: none of the news corpora could be read")
    return bodies, titles


def sentence_pool(bodies: Iterable[str]) -> list[str]:
    """Return the distinct story sentences of ``bodies`` in first-seen order."""
    seen: dict[str, None] = {}
    for body in bodies:
        for paragraph in re.split(r"\n\s*\n|\n(?=\s)", body):
            for sentence in split_sentences(paragraph):
                if is_story_sentence(sentence):
                    seen.setdefault(sentence, None)
    return list(seen)


# -- base articles --------------------------------------------------------------


class SentenceSource:
    """Hands out real sentences once each in shuffled order, then spliced halves of two."""

    def __init__(self, pool: Sequence[str], rng: random.Random) -> None:
        if not pool:
            raise ValueError("the sentence pool is empty")
        self._pool = pool
        self._rng = rng
        self._order = list(range(len(pool)))
        rng.shuffle(self._order)
        self._next = 0
        self.spliced = False

    def sentence(self) -> str:
        """Return the next sentence."""
        if self._next >= len(self._order):
            self.spliced = True
            self._next = 0
            self._rng.shuffle(self._order)
        chosen = self._pool[self._order[self._next]]
        self._next += 1
        if not self.spliced:
            return chosen
        return self._splice(chosen, self._pool[self._rng.randrange(len(self._pool))])

    def _splice(self, head: str, tail: str) -> str:
        head_words, tail_words = head.split(), tail.split()
        cut_head = self._rng.randint(3, max(3, len(head_words) - 3))
        cut_tail = self._rng.randint(min(3, len(tail_words) - 3), len(tail_words) - 3)
        return " ".join(head_words[:cut_head] + tail_words[cut_tail:])


def compose_article(source: SentenceSource, rng: random.Random) -> Paragraphs:
    """Return paragraphs of 1-3 sentences adding up to 300-900 words."""
    target = rng.randint(MIN_WORDS, MAX_WORDS)
    paragraphs: Paragraphs = []
    words = 0
    while words < target:
        paragraph = []
        for _ in range(rng.randint(1, 3)):
            sentence = source.sentence()
            paragraph.append(sentence)
            words += len(sentence.split())
            if words >= target:
                break
        paragraphs.append(paragraph)
    return paragraphs


def user_articles(path: Path) -> Iterator[tuple[Paragraphs, str]]:
    """Yield (paragraphs, title) of each record with a ``text`` in a user's JSONL file.

    Raises:
        ValueError: on a line that is not a JSON object.
    """
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError(f"{path}:{number}: expected a JSON object, got {line[:60]!r}")
            text = str(record.get("text") or "")
            paragraphs = [split_sentences(p) for p in re.split(r"\n+", text) if p.strip()]
            if paragraphs:
                yield paragraphs, str(record.get("title") or paragraphs[0][0][:80])


# -- derivatives ----------------------------------------------------------------


def _flatten(paragraphs: Paragraphs) -> list[str]:
    return [s for p in paragraphs for s in p]


def _regroup(sentences: list[str], rng: random.Random) -> Paragraphs:
    paragraphs: Paragraphs = []
    i = 0
    while i < len(sentences):
        step = rng.randint(1, 3)
        paragraphs.append(sentences[i : i + step])
        i += step
    return paragraphs


def chrome_lines(outlet: str, rng: random.Random) -> tuple[list[str], list[str]]:
    """Return (lines above, lines below) of site furniture a copying site adds."""
    above = [
        f"Home > News > {rng.choice(('World', 'Business', 'Politics', 'Markets'))}",
        "Share this article: Facebook Twitter WhatsApp Email",
        "Advertisement",
    ]
    below = [
        "Sign up for our morning newsletter to get the day's top stories.",
        f"Read more: the latest stories from {outlet}",
        f"© {EPOCH.year} {outlet}. All rights reserved.",
        "Leave a Reply. Your email address will not be published.",
    ]
    return rng.sample(above, rng.randint(1, 3)), rng.sample(below, rng.randint(1, 4))


def excerpt(paragraphs: Paragraphs, rng: random.Random) -> Paragraphs:
    """Return the first 40-70% of the words, cut at a sentence boundary."""
    sentences = _flatten(paragraphs)
    total = sum(len(s.split()) for s in sentences)
    budget = rng.uniform(0.4, 0.7) * total
    kept: list[str] = []
    words = 0
    for sentence in sentences:
        if kept and words + len(sentence.split()) > budget:
            break
        kept.append(sentence)
        words += len(sentence.split())
    return _regroup(kept, rng)


def condense(paragraphs: Paragraphs, rng: random.Random) -> Paragraphs:
    """Return 40-70% of the sentences (the lead kept), some cut at their last comma."""
    sentences = _flatten(paragraphs)
    keep = max(1, round(len(sentences) * rng.uniform(0.4, 0.7)))
    chosen = sorted([0, *rng.sample(range(1, len(sentences)), max(0, keep - 1))])
    kept = []
    for index in chosen:
        sentence = sentences[index]
        comma = sentence.rfind(",")
        if rng.random() < 0.3 and comma > len(sentence) // 3:
            sentence = sentence[:comma] + "."
        kept.append(sentence)
    return _regroup(kept, rng)


def edit_sentence(sentence: str, vocabulary: Sequence[str], rng: random.Random) -> str:
    """Return the sentence with 1-3 words changed (numbers nudged, other words replaced)."""
    words = sentence.split()
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(words))
        word = words[i]
        if _DIGITS.search(word):
            words[i] = _DIGITS.sub(lambda m: str(int(m.group()) + rng.randint(1, 9)), word, 1)
        elif len(word) > 3:
            words[i] = rng.choice(vocabulary)
    return " ".join(words)


def edit(paragraphs: Paragraphs, vocabulary: Sequence[str], rng: random.Random) -> Paragraphs:
    """Return the article with a few words changed in every sentence."""
    return [[edit_sentence(s, vocabulary, rng) for s in p] for p in paragraphs]


def reorder(paragraphs: Paragraphs, rng: random.Random) -> Paragraphs:
    """Return the paragraphs shuffled (sentences shuffled when there is one paragraph)."""
    if len(paragraphs) == 1:
        sentences = list(paragraphs[0])
        rng.shuffle(sentences)
        return [sentences]
    shuffled = list(paragraphs)
    rng.shuffle(shuffled)
    return shuffled


def render(paragraphs: Paragraphs) -> str:
    """Return the article text: one paragraph per block, blank lines between."""
    return "\n\n".join(" ".join(p) for p in paragraphs)


# -- the corpus -----------------------------------------------------------------


class CorpusWriter:
    """Turns a stream of base articles into records with planted derivatives."""

    def __init__(self, seed: int, vocabulary: Sequence[str]) -> None:
        self.rng = random.Random(seed)
        self.vocabulary = vocabulary
        self.recent: deque[Original] = deque(maxlen=ORIGIN_WINDOW)
        self.count = 0
        self._kinds = [k for k, _ in KINDS]
        self._weights = [w for _, w in KINDS]

    def _record(self, title: str, text: str, published_at: datetime) -> dict[str, str]:
        self.count += 1
        return {
            "id": f"a{self.count:07d}",
            "text": text,
            "title": title,
            "outlet": self.rng.choice(OUTLETS),
            "published_at": published_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }

    def original(self, paragraphs: Paragraphs, title: str) -> dict[str, str]:
        """Return the record of a base article and keep it as a possible origin."""
        when = EPOCH + timedelta(minutes=self.count)
        record = self._record(title, render(paragraphs), when)
        self.recent.append(Original(record["id"], title, paragraphs, when))
        return record

    def derivative(self) -> tuple[dict[str, str], PlantedLabel]:
        """Return a derivative of a recent original and its label."""
        origin = self.rng.choice(self.recent)
        kind = self.pick_kind()
        when = origin.published_at + timedelta(seconds=self.rng.randint(60, 86_400))
        record = self._record(origin.title, self.derive(origin, kind), when)
        return record, PlantedLabel(record["id"], origin.id, kind)

    def pick_kind(self) -> str:
        """Return a derivative kind drawn with the ``KINDS`` weights."""
        return self.rng.choices(self._kinds, self._weights)[0]

    def derive(self, origin: Original, kind: str) -> str:
        """Return the text of a ``kind`` derivative of ``origin``."""
        rng = self.rng
        if kind == "duplicate":
            return render(origin.paragraphs)
        if kind == "verbatim_chrome":
            above, below = chrome_lines(rng.choice(OUTLETS), rng)
            return "\n\n".join([*above, render(origin.paragraphs), *below])
        if kind == "excerpt":
            return render(excerpt(origin.paragraphs, rng))
        if kind == "condensed":
            return render(condense(origin.paragraphs, rng))
        if kind == "edited":
            return render(edit(origin.paragraphs, self.vocabulary, rng))
        return render(reorder(origin.paragraphs, rng))

    def stream(
        self, bases: Iterator[tuple[Paragraphs, str]], size: int
    ) -> Iterator[tuple[dict[str, str], PlantedLabel | None]]:
        """Yield ``size`` records (fewer if the bases run out), ~30% planted derivatives."""
        while self.count < size:
            if self.recent and self.rng.random() < DERIVATIVE_SHARE:
                record, label = self.derivative()
                yield record, label
                continue
            base = next(bases, None)
            if base is None:
                log.warning("base articles ran out after %d records", self.count)
                return
            yield self.original(*base), None


def pool_bases(
    pool: Sequence[str], titles: Sequence[str], rng: random.Random
) -> Iterator[tuple[Paragraphs, str]]:
    """Yield endless base articles composed from the sentence pool."""
    source = SentenceSource(pool, rng)
    while True:
        paragraphs = compose_article(source, rng)
        title = rng.choice(titles) if titles else paragraphs[0][0][:80]
        yield paragraphs, title


def vocabulary_of(sentences: Sequence[str], rng: random.Random, size: int = 2000) -> list[str]:
    """Return a sorted sample of lowercase words of 4+ letters, the replacements of edits."""
    words: set[str] = set()
    for sentence in rng.sample(list(sentences), min(len(sentences), 5000)):
        words.update(w.lower() for w in _WORD.findall(sentence) if len(w) > 3 and w.isalpha())
    ordered = sorted(words)
    return rng.sample(ordered, min(size, len(ordered)))


def generate(
    size: int,
    seed: int = 7,
    from_file: Path | None = None,
    data_dir: Path | None = None,
    corpora: Sequence[str] = CORPORA,
) -> Iterator[tuple[dict[str, str], PlantedLabel | None]]:
    """Yield (record, label or None) for a corpus of ``size`` articles.

    Raises:
        FileNotFoundError: when no base text is available.
    """
    rng = random.Random(seed)
    if from_file is not None:
        first = [
            s
            for paragraphs, _ in _first(user_articles(from_file), 200)
            for s in _flatten(paragraphs)
        ]
        bases: Iterator[tuple[Paragraphs, str]] = user_articles(from_file)
        vocabulary = vocabulary_of(first, rng) or ["report"]
    else:
        where = data_dir or Path(os.environ.get("WIRETRACE_DATA", DEFAULT_DATA))
        bodies, titles = real_news_texts(where, corpora)
        pool = sentence_pool(bodies)
        del bodies
        vocabulary = vocabulary_of(pool, rng)
        bases = pool_bases(pool, titles, rng)
    yield from CorpusWriter(seed, vocabulary).stream(bases, size)


def _first(items: Iterator[tuple[Paragraphs, str]], n: int) -> list[tuple[Paragraphs, str]]:
    return [item for _, item in zip(range(n), items, strict=False)]


def corpus_files(size: int, seed: int, cache_dir: Path, tag: str = "news") -> CorpusFiles:
    """Return the cache paths of a corpus (whether or not it exists yet)."""
    stem = f"corpus-v{VERSION}-{tag}-{size}-s{seed}"
    return CorpusFiles(cache_dir / f"{stem}.jsonl", cache_dir / f"{stem}.labels.jsonl", size)


def write_corpus(
    size: int,
    seed: int = 7,
    from_file: Path | None = None,
    cache_dir: Path = CACHE_DIR,
    data_dir: Path | None = None,
    corpora: Sequence[str] = CORPORA,
) -> CorpusFiles:
    """Write (or reuse from the cache) a corpus and return where it lies.

    A finished corpus leaves a ``.done`` marker, so an interrupted run is redone.

    Raises:
        FileNotFoundError: when no base text is available.
    """
    tag = f"from-{from_file.stem}" if from_file is not None else "news"
    if from_file is None and tuple(corpora) != CORPORA:
        tag = "-".join(corpora)
    files = corpus_files(size, seed, cache_dir, tag)
    done = files.articles.with_suffix(".done")
    if done.exists():
        return files
    cache_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    with (
        files.articles.open("w", encoding="utf-8") as articles,
        files.labels.open("w", encoding="utf-8") as labels,
    ):
        for record, label in generate(size, seed, from_file, data_dir, corpora):
            articles.write(json.dumps(record, ensure_ascii=False) + "\n")
            written += 1
            if label is not None:
                labels.write(
                    json.dumps({"id": label.derivative, "origin": label.origin, "kind": label.kind})
                    + "\n"
                )
    done.write_text(f"{written}\n", encoding="utf-8")
    return CorpusFiles(files.articles, files.labels, written)


def article_from(record: dict[str, Any]) -> Any:
    """Return the wiretrace ``Article`` of one corpus record (a JSON line of the articles)."""
    from wiretrace.models import Article

    published = record.get("published_at")
    return Article(
        id=str(record["id"]),
        text=str(record["text"]),
        title=record.get("title"),
        outlet=record.get("outlet"),
        published_at=datetime.fromisoformat(published) if published else None,
    )


def read_labels(path: Path) -> list[PlantedLabel]:
    """Return the planted labels of a corpus, in file order."""
    with path.open(encoding="utf-8") as lines:
        return [
            PlantedLabel(r["id"], r["origin"], r["kind"])
            for r in (json.loads(line) for line in lines if line.strip())
        ]


def probe_articles(path: Path, count: int, seed: int = 11) -> list[tuple[dict[str, str], str, str]]:
    """Return ``count`` new derivatives of corpus articles: (record, origin id, kind).

    Origins are a seeded reservoir sample of the corpus (one streaming pass);
    probe ids start with ``probe`` so they never clash with corpus ids.
    """
    rng = random.Random(seed)
    chosen: list[dict[str, str]] = []
    with path.open(encoding="utf-8") as lines:
        for seen, line in enumerate(lines):
            if seen < count:
                chosen.append(json.loads(line))
            elif (slot := rng.randrange(seen + 1)) < count:
                chosen[slot] = json.loads(line)
    words = [w for r in chosen[:50] for w in _WORD.findall(r["text"]) if len(w) > 3]
    writer = CorpusWriter(seed, sorted(set(words)) or ["report"])
    probes = []
    for number, record in enumerate(chosen, start=1):
        paragraphs = [split_sentences(p) for p in record["text"].split("\n\n") if p.strip()]
        origin = Original(record["id"], record["title"], paragraphs, EPOCH)
        kind = writer.pick_kind()
        probe = {**record, "id": f"probe{number:05d}", "text": writer.derive(origin, kind)}
        probes.append((probe, record["id"], kind))
    return probes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", default="10k", help="10k, 100k, 1m or an integer")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--from", dest="from_file", type=Path, default=None)
    parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR)
    parser.add_argument("--corpora", default=",".join(CORPORA), help="shared corpora to draw from")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    files = write_corpus(
        parse_size(args.size),
        args.seed,
        args.from_file,
        args.cache_dir,
        corpora=tuple(args.corpora.split(",")),
    )
    labels = read_labels(files.labels)
    print(f"articles: {files.articles} ({files.size})")
    print(f"labels:   {files.labels} ({len(labels)} planted derivatives)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
