"""/docs: the API reference drawn from the OpenAPI document, with no assets from elsewhere."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from wiretrace.web.context import Context

router = APIRouter(include_in_schema=False)


def body_models(operation: dict[str, Any]) -> list[str]:
    """Return the schema names an operation's request body accepts."""
    names: list[str] = []
    for media in operation.get("requestBody", {}).get("content", {}).values():
        schema = media.get("schema", {})
        for ref in [schema, *schema.get("anyOf", []), *schema.get("oneOf", [])]:
            if "$ref" in ref:
                names.append(str(ref["$ref"]).rsplit("/", 1)[-1])
    return names


@router.get("/docs", response_class=HTMLResponse)
def docs_page(request: Request, context: Context) -> str:
    return context.render("docs.html.j2", spec=request.app.openapi(), body_models=body_models)
