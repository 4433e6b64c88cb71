"""One typed settings object: defaults < TOML file < environment < CLI flags.

Every stage takes its own nested section, so a stage never sees settings it
does not use. Values are checked at the door with a message naming the value.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from wiretrace.errors import ConfigError

DEFAULT_DB = "sqlite:///wiretrace.sqlite"


@dataclass(frozen=True, slots=True)
class TextSettings:
    max_chars: int = 500_000  # oversize records are rejected at ingest

    def __post_init__(self) -> None:
        if self.max_chars < 1:
            raise ConfigError(f"text.max_chars must be positive, got {self.max_chars}")


@dataclass(frozen=True, slots=True)
class CandidateSettings:
    num_perm: int = 128
    ngram: int = 5
    jaccard_threshold: float = 0.5  # whole-article near duplicates
    containment_threshold: float = 0.3  # excerpts: share of the smaller text found in the larger
    anchor_min_shared: int = 4  # rare anchors two articles must share to be proposed
    anchor_max_df: int = 50  # anchors in more articles than this carry no identity
    # the shared rare anchors must come from this many different sentences of each article: the
    # anchors of one shared sentence (a quote, a reused clause) grow with the corpus by chance
    anchor_min_lines: int = 2
    max_candidates_per_article: int = 50
    seed: int = 1
    # paraphrase-proof proposals from article and lead vectors: "off", "hashing" (content words
    # hashed, nearly free) or "static" (a static model distilled from the bundled MiniLM)
    semantic: str = "hashing"
    semantic_threshold: float = 0.4  # use 0.8 with "static"
    semantic_top_k: int = 2
    semantic_window_days: int = 3
    # a shared publication window stands in for a shared rare anchor only for vectors this
    # near: in a pile of one day's news every pair is in the window
    semantic_window_threshold: float = 0.9
    semantic_min_anchors: int = 1

    def __post_init__(self) -> None:
        for name in ("jaccard_threshold", "containment_threshold"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ConfigError(f"candidates.{name} must be in (0, 1], got {value}")
        if self.num_perm < 16:
            raise ConfigError(f"candidates.num_perm must be >= 16, got {self.num_perm}")
        if self.ngram < 1:
            raise ConfigError(f"candidates.ngram must be >= 1, got {self.ngram}")
        if self.anchor_min_lines < 1:
            raise ConfigError(
                f"candidates.anchor_min_lines must be >= 1, got {self.anchor_min_lines}"
            )
        if self.semantic not in ("off", "hashing", "static"):
            raise ConfigError(
                f"candidates.semantic must be 'off', 'hashing' or 'static', got {self.semantic!r}"
            )


@dataclass(frozen=True, slots=True)
class EmbedSettings:
    # "minilm-int8" (the bundled all-MiniLM-L6-v2 as an int8 ONNX model, built from its weights
    # on first use and cached: ~2.5x faster per core, cosine >= 0.99 to torch), "minilm" (the
    # same model through torch) or "hashing" (lexical only, no model)
    model: str = "minilm-int8"
    threads: int = 2
    batch_size: int = 64

    def __post_init__(self) -> None:
        if self.model not in ("minilm", "minilm-int8", "hashing"):
            raise ConfigError(
                f"embed.model must be 'minilm', 'minilm-int8' or 'hashing', got {self.model!r}"
            )


@dataclass(frozen=True, slots=True)
class AlignSettings:
    pair_threshold: float = 0.55  # combined similarity to accept an aligned unit
    identical_threshold: float = 0.97
    edited_threshold: float = 0.75

    def __post_init__(self) -> None:
        for name in ("pair_threshold", "identical_threshold", "edited_threshold"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ConfigError(f"align.{name} must be in [0, 1], got {value}")


@dataclass(frozen=True, slots=True)
class RunSettings:
    processes: int = 2  # verification runs in this many processes when there is enough of it
    parallel_min_pairs: int = 400  # below this many pairs to verify, one process is faster
    parallel_min_articles: int = 2000  # ... and below this many articles to read and index
    # the analysis's corpus index: "dicts" (fastest) or "columns" (numpy columns, as ``check``
    # uses: about a third of the memory, proposing takes ~30% more CPU); the same candidates
    corpus_index: str = "dicts"
    # where an analysis keeps the compressed texts (and, with the columns index, the features
    # laid out by article) in unlinked temporary files instead of its memory; "" is the
    # system's temporary directory (TMPDIR)
    spill_dir: str = ""

    def __post_init__(self) -> None:
        if self.corpus_index not in ("dicts", "columns"):
            raise ConfigError(
                f"run.corpus_index must be 'dicts' or 'columns', got {self.corpus_index!r}"
            )
        if self.processes < 1:
            raise ConfigError(f"run.processes must be >= 1, got {self.processes}")
        if self.parallel_min_pairs < 1:
            raise ConfigError(f"run.parallel_min_pairs must be >= 1, got {self.parallel_min_pairs}")
        if self.parallel_min_articles < 1:
            raise ConfigError(
                f"run.parallel_min_articles must be >= 1, got {self.parallel_min_articles}"
            )


@dataclass(frozen=True, slots=True)
class StoreSettings:
    url: str = DEFAULT_DB


@dataclass(frozen=True, slots=True)
class Settings:
    text: TextSettings = field(default_factory=TextSettings)
    candidates: CandidateSettings = field(default_factory=CandidateSettings)
    embed: EmbedSettings = field(default_factory=EmbedSettings)
    align: AlignSettings = field(default_factory=AlignSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    run: RunSettings = field(default_factory=RunSettings)


ENV_PREFIX = "WIRETRACE_"


def _apply(obj: Any, values: dict[str, Any], where: str) -> Any:
    """Return a copy of a settings dataclass with ``values`` applied, checking names and types."""
    known = {f.name: f for f in fields(obj)}
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown setting {key!r}")
        current = getattr(obj, key)
        if is_dataclass(current):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: {key} must be a table, got {value!r}")
            changes[key] = _apply(current, value, f"{where}.{key}")
            continue
        changes[key] = _coerce(value, type(current), f"{where}.{key}")
    return replace(obj, **changes)


def _coerce(value: Any, kind: type, where: str) -> Any:
    try:
        if kind is bool and isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "on")
        return kind(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: cannot use {value!r} as {kind.__name__}") from exc


def load_settings(
    path: Path | None = None,
    env: dict[str, str] | None = None,
    overrides: dict[str, Any] | None = None,
) -> Settings:
    """Build settings from defaults, an optional TOML file, the environment, then overrides.

    Environment variables are ``WIRETRACE_DB`` for the store URL and
    ``WIRETRACE_<SECTION>__<NAME>`` for any other value.

    Raises:
        ConfigError: on an unknown name, a bad value or an unreadable file.
    """
    settings = Settings()
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read settings: {exc}") from exc
        settings = _apply(settings, data, str(path))
    environ = os.environ if env is None else env
    from_env: dict[str, Any] = {}
    if environ.get(f"{ENV_PREFIX}DB"):
        from_env.setdefault("store", {})["url"] = environ[f"{ENV_PREFIX}DB"]
    for key, value in environ.items():
        if key.startswith(ENV_PREFIX) and "__" in key:
            section, _, name = key[len(ENV_PREFIX) :].lower().partition("__")
            from_env.setdefault(section, {})[name] = value
    if from_env:
        settings = _apply(settings, from_env, "environment")
    if overrides:
        settings = _apply(settings, overrides, "options")
    return settings
