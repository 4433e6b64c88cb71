"""Shared fixtures: paths to the seeds, the sample corpus and the external data."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from functools import cache
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


PG_HOST = "127.0.0.1:5432"
PG_DATABASE = "test"


@cache
def _postgres_base_url() -> str | None:
    """Return the URL of the first user the local PostgreSQL accepts, or None."""
    try:
        import psycopg
    except ImportError:
        return None
    for user in ("postgres", "root"):
        url = f"postgresql://{user}@{PG_HOST}/{PG_DATABASE}"
        try:
            with psycopg.connect(url, connect_timeout=3):
                return url
        except psycopg.Error:
            continue
    return None


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    base = _postgres_base_url()
    if base is None:
        reason = f"no PostgreSQL server answers at {PG_HOST} (users postgres, root)"
        print(reason)
        pytest.skip(reason)
    import psycopg

    schema = f"wt_store_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")
