"""Shared fixtures: paths to the seeds, the sample corpus and the external data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("WIRETRACE_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"
SAMPLE = ROOT / "src" / "wiretrace" / "data" / "sample"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    return SEEDS


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE
