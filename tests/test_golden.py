"""Golden tests with the real sentence model: the seeds and the bundled sample corpus."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from wiretrace.config import Settings, StoreSettings
from wiretrace.models import Family, Relation
from wiretrace.pipeline import Service

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("model")]

SEED_ORIGIN = "000_176c83b3e0869926"


def analyse(folder: Path, tmp_path: Path) -> tuple[Service, list[Family]]:
    settings = replace(Settings(), store=StoreSettings(f"sqlite:///{tmp_path / 'golden.sqlite'}"))
    service = Service(settings)
    report = service.ingest([folder])
    assert not report.rejected, [str(r) for r in report.rejected]
    return service, list(service.analyze().families)


@pytest.fixture(scope="module")
def seed_families(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Family]:
    service, families = analyse(seeds_dir, tmp_path_factory.mktemp("seeds"))
    service.close()
    return families


def test_seeds_form_one_family_with_the_wire_original(seed_families: list[Family]) -> None:
    (family,) = seed_families
    assert family.origin == SEED_ORIGIN
    assert len(family.members) == 5
    derived = {e.derivative: e for e in family.edges}
    assert set(derived) == set(family.members) - {SEED_ORIGIN}
    assert all(e.relation.is_derivation for e in family.edges)
    assert derived["003_e411dfb05ee96fe8"].relation is Relation.EXCERPT


@pytest.fixture(scope="module")
def labels(sample_dir: Path) -> dict[str, object]:
    return json.loads((sample_dir / "labels.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sample_families(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Family]:
    service, families = analyse(sample_dir / "articles", tmp_path_factory.mktemp("sample"))
    service.close()
    return families


def test_sample_families_and_origins_match_the_labels(
    sample_families: list[Family], labels: dict[str, list[dict[str, object]]]
) -> None:
    found = {tuple(sorted(f.members)): f.origin for f in sample_families}
    expected = {tuple(sorted(f["members"])): f["origin"] for f in labels["families"]}  # type: ignore[arg-type]
    assert found == expected


def test_sample_derivation_edges_match_the_labels(
    sample_families: list[Family], labels: dict[str, list[dict[str, object]]]
) -> None:
    found = {(e.source, e.derivative): e.relation.value for f in sample_families for e in f.edges}
    expected = {
        (str(e["source"]), str(e["derivative"])): str(e["relation"])
        for f in labels["families"]
        for e in f["edges"]  # type: ignore[attr-defined]
    }
    assert found == expected
