"""Errors as clear responses: JSON ``{"error", "detail"}`` for the API, a page for browsers.

No handler ever puts a traceback or an exception's internals in a response.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException

from wiretrace.errors import (
    ConfigError,
    DependencyError,
    InputError,
    NotFoundError,
    StoreError,
    WiretraceError,
)
from wiretrace.web.context import UnauthorizedError, WebContext

log = logging.getLogger(__name__)

API_PREFIX = "/api"

# Most specific first: the first class an error is an instance of gives its status and name.
_STATUS: tuple[tuple[type[WiretraceError], int, str], ...] = (
    (NotFoundError, 404, "not found"),
    (InputError, 422, "invalid input"),
    (ConfigError, 400, "bad setting"),
    (DependencyError, 501, "missing dependency"),
    (StoreError, 500, "store error"),
    (WiretraceError, 400, "bad request"),
)


def error_response(request: Request, status: int, error: str, detail: Any) -> Response:
    """Return the error as JSON under /api (and for non-browser clients), else as a page."""
    wants_page = not request.url.path.startswith(API_PREFIX) and "text/html" in request.headers.get(
        "accept", ""
    )
    if wants_page:
        context: WebContext = request.app.state.context
        html = context.render("error.html.j2", status=status, error=error, detail=detail)
        return HTMLResponse(html, status_code=status)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": error, "detail": detail}, status_code=status, headers=headers)


async def _wiretrace_error(request: Request, exc: Exception) -> Response:
    for kind, status, name in _STATUS:
        if isinstance(exc, kind):
            if status >= 500:
                log.error("%s on %s: %s", name, request.url.path, exc)
                return error_response(request, status, name, "the server could not do this")
            reason = exc.reason if isinstance(exc, InputError) else str(exc)
            return error_response(request, status, name, reason)
    return error_response(request, 400, "bad request", str(exc))


async def _unauthorized(request: Request, exc: Exception) -> Response:
    return error_response(request, 401, "unauthorized", str(exc))


async def _validation(request: Request, exc: Exception) -> Response:
    problems: list[dict[str, Any]] = []
    if isinstance(exc, RequestValidationError):
        problems = [
            {
                "loc": [str(part) for part in e.get("loc", ())],
                "msg": e.get("msg", ""),
                "type": e.get("type", ""),
            }
            for e in exc.errors()
        ]
    return error_response(request, 422, "invalid request", problems)


async def _http(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    try:
        phrase = HTTPStatus(status).phrase.lower()
    except ValueError:
        phrase = "error"
    detail = exc.detail if isinstance(exc, HTTPException) else phrase
    return error_response(request, status, phrase, detail)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s", request.url.path, exc_info=exc)
    return error_response(request, 500, "internal error", "the server hit an unexpected error")


def install_error_handlers(app: FastAPI) -> None:
    """Register every exception handler on ``app``."""
    app.add_exception_handler(WiretraceError, _wiretrace_error)
    app.add_exception_handler(UnauthorizedError, _unauthorized)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
