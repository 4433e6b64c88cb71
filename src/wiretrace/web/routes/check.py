"""/api/check: match pasted text or HTML against the store without storing it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from wiretrace.web.context import Writer
from wiretrace.web.schemas import CheckIn, CheckOut
from wiretrace.web.views import check_json, check_matches, checked_article

router = APIRouter(prefix="/api/check", tags=["check"])


@router.post("", response_model=CheckOut)
def check(body: CheckIn, context: Writer) -> dict[str, Any]:
    """Return the stored articles the pasted one was verified against, best first."""
    article = checked_article(body, context.service.settings.text.max_chars)
    return check_json(article, check_matches(context.service, article))
