"""Fingerprints of an article's body: word n-gram MinHash and exact sentence hashes.

Both are versioned and deterministic: words are hashed with xxh3-64 over their
UTF-8 bytes (never the builtin ``hash()``, which is salted per process), n
consecutive word hashes are combined with numpy uint64 arithmetic into one
shingle hash, and rensa turns the shingle hashes into a MinHash signature.
``SCHEME`` names this recipe; ``scheme_for(settings)`` adds the settings that
change the values (n-gram size, permutations, seed), so stored signatures can
be checked before they are compared.

Only body sentences count (site chrome, captions and credits are left out by
the text stage); a document without body sentences falls back to all of its
sentences so that an article is never invisible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import numpy.typing as npt
import rensa
import xxhash

from wiretrace.config import CandidateSettings
from wiretrace.models import Document, Sentence, Signature
from wiretrace.text.tokens import words as split_words

__all__ = [
    "MIN_SENTENCE_WORDS",
    "SCHEME",
    "BodyWords",
    "Tokens",
    "body_sentences",
    "body_words",
    "fingerprints_from_words",
    "line_hash",
    "scheme_for",
    "sentence_fingerprints",
    "shingle_hashes",
    "signature",
    "signature_from_tokens",
    "tokenise",
    "tokens",
    "tokens_from_words",
    "word_hashes",
]

SCHEME = "wt1:lower-w+:xxh3_64:poly-ngram:rminhash"
MIN_SENTENCE_WORDS = 6  # shorter lines ("Aid from OPEC?") are too common to identify a text

_UINT64 = np.uint64
# Odd 64-bit constants: the n-gram polynomial base and the splitmix64 finaliser multipliers.
_BASE = _UINT64(0x9E3779B97F4A7C15)
_MIX1 = _UINT64(0xBF58476D1CE4E5B9)
_MIX2 = _UINT64(0x94D049BB133111EB)

HashArray = npt.NDArray[np.uint64]
BodyWords = list[list[str]]


def scheme_for(settings: CandidateSettings) -> str:
    """Return the scheme string of signatures built with ``settings``."""
    return f"{SCHEME}/n{settings.ngram}/p{settings.num_perm}/s{settings.seed}"


def body_sentences(doc: Document) -> tuple[Sentence, ...]:
    """Return the body sentences of ``doc``, or all sentences when it has no body."""
    body = doc.body
    return body if body else doc.sentences


def tokenise(text: str) -> list[str]:
    """Return the lowercased words of ``text``, punctuation dropped (``text.words``)."""
    return split_words(text)


def body_words(doc: Document) -> BodyWords:
    """Return the lowercased words of each body sentence, punctuation dropped."""
    return [tokenise(s.norm) for s in body_sentences(doc)]


@dataclass(frozen=True, slots=True)
class Tokens:
    """The body words of one document, tokenised and hashed once for every fingerprint."""

    words: BodyWords  # lowercased words of each body sentence
    stream: list[str]  # the same words in one sequence
    hashes: HashArray  # xxh3-64 of each word of ``stream``
    sentence_of: npt.NDArray[np.intp]  # index into ``words`` of each word of ``stream``


def tokens(doc: Document) -> Tokens:
    """Return the tokenised, hashed body of ``doc``."""
    return tokens_from_words(body_words(doc))


def tokens_from_words(words: BodyWords) -> Tokens:
    """Return the token record of already split body words."""
    stream = list(chain.from_iterable(words))
    lengths = np.fromiter(map(len, words), dtype=np.intp, count=len(words))
    sentence_of = np.repeat(np.arange(len(words), dtype=np.intp), lengths)
    return Tokens(words, stream, word_hashes(stream), sentence_of)


def word_hashes(words: Sequence[str]) -> HashArray:
    """Return the xxh3-64 hash of each word's UTF-8 bytes as a uint64 array."""
    encoded = map(str.encode, words)
    return np.fromiter(map(xxhash.xxh3_64_intdigest, encoded), dtype=np.uint64, count=len(words))


def shingle_hashes(hashes: HashArray, ngram: int) -> HashArray:
    """Return one uint64 hash per run of ``ngram`` consecutive word hashes.

    A text shorter than ``ngram`` words gives a single shingle of all its words;
    an empty text gives none. Raises ValueError when ``ngram`` is below 1.
    """
    if ngram < 1:
        raise ValueError(f"ngram must be >= 1, got {ngram}")
    width = min(ngram, len(hashes))
    if width == 0:
        return np.empty(0, dtype=np.uint64)
    count = len(hashes) - width + 1
    combined = hashes[:count].copy()
    for offset in range(1, width):
        combined *= _BASE  # uint64 arrays wrap around silently: modular arithmetic
        combined += hashes[offset : offset + count]
    return _finalise(combined)


def _finalise(values: HashArray) -> HashArray:
    """Spread the bits of polynomial hashes (splitmix64 finaliser)."""
    values = values ^ (values >> _UINT64(30))
    values *= _MIX1
    values ^= values >> _UINT64(27)
    values *= _MIX2
    values ^= values >> _UINT64(31)
    return values


def _distinct(values: HashArray) -> int:
    if len(values) == 0:
        return 0
    return int(np.count_nonzero(np.diff(np.sort(values)))) + 1


def signature_from_tokens(article_id: str, body: Tokens, settings: CandidateSettings) -> Signature:
    """Return the MinHash signature of the body word stream (shingles may span sentences)."""
    shingles = shingle_hashes(body.hashes, settings.ngram)
    offsets = np.array([0, len(shingles)], dtype=np.uint64)
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        shingles, offsets, settings.num_perm, settings.seed
    )
    hashvalues: list[int] = matrix.to_rows()[0]
    return Signature(article_id, tuple(hashvalues), _distinct(shingles), scheme_for(settings))


def signature(doc: Document, settings: CandidateSettings) -> Signature:
    """Return the MinHash signature of ``doc``'s body word n-grams.

    The signature holds ``settings.num_perm`` 32-bit values; an empty body gives
    ``shingle_count == 0`` and all values at the maximum.
    """
    return signature_from_tokens(doc.id, tokens(doc), settings)


def line_hash(words: Sequence[str]) -> int:
    """Return the 64-bit xxh3 hash of a word sequence (words joined by single spaces)."""
    return xxhash.xxh3_64_intdigest(" ".join(words).encode("utf-8"))


def sentence_fingerprints(doc: Document) -> tuple[int, ...]:
    """Return the line hash of each body sentence of >= ``MIN_SENTENCE_WORDS`` words, in order."""
    return fingerprints_from_words(body_words(doc))


def fingerprints_from_words(words: BodyWords) -> tuple[int, ...]:
    """Return the line hash of each sentence of >= ``MIN_SENTENCE_WORDS`` words, in order."""
    return tuple(line_hash(w) for w in words if len(w) >= MIN_SENTENCE_WORDS)
