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


@pytest.fixture(scope="module")
def seed_comparisons(seeds_dir: Path) -> dict[str, dict[str, object]]:
    from wiretrace.embed import get_encoder
    from wiretrace.ingest import read_inputs
    from wiretrace.relation import compare, comparison_to_dict
    from wiretrace.text import prepare

    settings = Settings()
    encoder = get_encoder(settings.embed)
    docs = {a.id[:3]: prepare(a) for a in read_inputs([seeds_dir]) if not isinstance(a, Exception)}
    out = {}
    for key in ("001", "002", "003", "004"):
        result = compare(docs["000"], docs[key], encoder, settings)  # no source named: decided
        assert result.source == SEED_ORIGIN
        out[key] = comparison_to_dict(result, docs["000"], docs[key])
    return out


def _changes(data: dict[str, object]) -> list[dict[str, str]]:
    return [c for p in data["pairs"] for c in p["changes"]]  # type: ignore[attr-defined]


def test_seed_relations(seed_comparisons: dict[str, dict[str, object]]) -> None:
    relations = {k: v["relation"] for k, v in seed_comparisons.items()}
    assert relations == {
        "001": "condensed",
        "002": "paraphrase",
        "003": "excerpt",
        "004": "paraphrase",
    }


def test_seed_added_material_is_labelled(seed_comparisons: dict[str, dict[str, object]]) -> None:
    added_002 = {a["text"]: a["kind"] for a in seed_comparisons["002"]["added"]}  # type: ignore[attr-defined]
    assert added_002["Leave a Reply"] == "boilerplate"
    assert added_002["Your email address will not be published."] == "boilerplate"
    kinds_003 = {a["kind"] for a in seed_comparisons["003"]["added"]}  # type: ignore[attr-defined]
    assert {"byline", "caption"} <= kinds_003  # the dateline and the photo caption


def test_the_llm_rewrite_drift_is_reported(seed_comparisons: dict[str, dict[str, object]]) -> None:
    changes = _changes(seed_comparisons["004"])
    assert any(
        c["kind"] == "hedge" and "killed" in c["source_text"] and "may have" in c["derivative_text"]
        for c in changes
    ), "the follow-up strike that killed survivors is hedged"
    assert any(c["kind"] == "quote" and "kill everybody" in c["source_text"] for c in changes)
    assert any(
        c["kind"] == "attribution" and "Washington Post and CNN" in c["source_text"]
        for c in changes
    )
    closing = seed_comparisons["004"]["added"][-1]  # type: ignore[index]
    assert closing["kind"] == "editorial" and closing["text"].startswith("This series of events")
