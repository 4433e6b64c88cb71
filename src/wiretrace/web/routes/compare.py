"""/api/compare: align two stored articles with the source fixed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from wiretrace.web.context import Context
from wiretrace.web.views import compare_stored, comparison_json

router = APIRouter(prefix="/api/compare", tags=["compare"])


@router.get("")
def get_comparison(
    context: Context,
    source: Annotated[str, Query(min_length=1, description="Id of the source article.")],
    derivative: Annotated[str, Query(min_length=1, description="Id of the derivative.")],
) -> dict[str, Any]:
    """Return how ``derivative`` derives from ``source`` and what changed (404 for unknown ids)."""
    return comparison_json(compare_stored(context.service, source, derivative))
