"""/api/health: is the service up, and how much does the store hold."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

import wiretrace
from wiretrace.store import SCHEMA_VERSION
from wiretrace.web.context import Context
from wiretrace.web.schemas import HealthOut

router = APIRouter(prefix="/api/health", tags=["health"])


@router.get("", response_model=HealthOut)
def health(context: Context) -> dict[str, Any]:
    """Return status "ok" with the stored article and family counts and the schema version."""
    store = context.service.store
    return {
        "status": "ok",
        "articles": store.count_articles(),
        "families": store.count_families(),
        "schema_version": SCHEMA_VERSION,
        "version": wiretrace.__version__,
    }
