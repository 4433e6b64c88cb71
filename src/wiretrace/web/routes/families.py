"""/api/families: the story families, filtered and paged, and one family in full."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from wiretrace.contracts import family_to_dict
from wiretrace.models import Relation
from wiretrace.store import FamilyFilter
from wiretrace.web.context import Context
from wiretrace.web.schemas import FamilyDetailOut, FamilyPageOut
from wiretrace.web.views import family_detail, family_view, list_families

router = APIRouter(prefix="/api/families", tags=["families"])


@router.get("", response_model=FamilyPageOut)
def get_families(
    context: Context,
    outlet: Annotated[str | None, Query(description="A member comes from this outlet.")] = None,
    since: Annotated[
        datetime | None, Query(description="A member was published at or after.")
    ] = None,
    until: Annotated[
        datetime | None, Query(description="A member was published at or before.")
    ] = None,
    relation: Annotated[Relation | None, Query(description="An edge has this relation.")] = None,
    min_size: Annotated[int, Query(ge=1)] = 1,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Return the families matching the filters (largest first) and their total count."""
    query = FamilyFilter(outlet, since, until, relation, min_size, limit, offset)
    total, page = list_families(context.service, query)
    return {
        "total": total,
        "limit": limit,
        "offset": offset,
        "families": [family_to_dict(s.family) for s in page],
    }


@router.get("/{family_id}", response_model=FamilyDetailOut)
def get_family(family_id: str, context: Context) -> dict[str, Any]:
    """Return one family: members, edges with their changes, and the graph in DOT."""
    return family_detail(family_view(context.service, family_id))
