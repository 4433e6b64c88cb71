"""Settings: defaults < TOML < environment < overrides, with checked values."""

from __future__ import annotations

from pathlib import Path

import pytest

from wiretrace.config import DEFAULT_DB, Settings, load_settings
from wiretrace.errors import ConfigError


def test_defaults() -> None:
    settings = load_settings(env={})
    assert settings == Settings()
    assert settings.store.url == DEFAULT_DB


def test_layers_apply_in_order(tmp_path: Path) -> None:
    toml = tmp_path / "wiretrace.toml"
    toml.write_text('[candidates]\nnum_perm = 64\n[store]\nurl = "sqlite:///a.db"\n')
    env = {"WIRETRACE_DB": "sqlite:///b.db", "WIRETRACE_CANDIDATES__NGRAM": "4"}
    settings = load_settings(toml, env=env, overrides={"candidates": {"ngram": 3}})
    assert settings.candidates.num_perm == 64
    assert settings.store.url == "sqlite:///b.db"
    assert settings.candidates.ngram == 3


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"candidates": {"jaccard_threshold": 1.5}},
            "jaccard_threshold must be in (0, 1], got 1.5",
        ),
        ({"candidates": {"bogus": 1}}, "unknown setting 'bogus'"),
        ({"embed": {"model": "gpt"}}, "embed.model must be"),
        ({"candidates": {"num_perm": "many"}}, "cannot use 'many' as int"),
    ],
)
def test_bad_values_are_named(values: dict[str, dict[str, object]], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(env={}, overrides=values)
    assert message in str(info.value)


def test_unreadable_toml_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[candidates\n")
    with pytest.raises(ConfigError, match=r"bad\.toml"):
        load_settings(bad, env={})
