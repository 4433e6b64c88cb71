"""What every route needs: the service, the write token and the page renderer."""

from __future__ import annotations

import hmac
import os
import threading
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from jinja2 import Environment, PackageLoader

from wiretrace.pipeline import Service

TOKEN_ENV = "WIRETRACE_TOKEN"


class UnauthorizedError(Exception):
    """A write request without the right bearer token."""


def page_environment() -> Environment:
    """Return the Jinja2 environment of the web pages (autoescaping always on)."""
    env = Environment(
        loader=PackageLoader("wiretrace.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    return env


def safe_url(url: str | None) -> str | None:
    """Return ``url`` when it is a plain http(s) link, else None (never a live script link)."""
    if not url:
        return None
    cleaned = url.strip()
    if cleaned.lower().startswith(("http://", "https://")) and not any(
        ch.isspace() or ord(ch) < 32 for ch in cleaned
    ):
        return cleaned
    return None


@dataclass
class WebContext:
    """Shared state of one app: the service, its write lock, the token and the templates."""

    service: Service
    token: str | None
    pages: Environment = field(default_factory=page_environment)
    write_lock: threading.Lock = field(default_factory=threading.Lock)

    def render(self, template: str, **values: Any) -> str:
        """Return the rendered page ``template`` with ``values`` (autoescaped)."""
        return self.pages.get_template(template).render(
            token_required=self.token is not None, **values
        )

    def check_token(self, presented: str | None) -> None:
        """Accept the request when no token is set or ``presented`` equals it.

        Raises:
            UnauthorizedError: a token is set and ``presented`` is missing or wrong.
        """
        if self.token is None:
            return
        if presented is None or not hmac.compare_digest(
            presented.encode("utf-8"), self.token.encode("utf-8")
        ):
            raise UnauthorizedError("a valid 'Authorization: Bearer <token>' header is required")


def token_from_env() -> str | None:
    """Return WIRETRACE_TOKEN, or None when it is unset or blank."""
    value = os.environ.get(TOKEN_ENV, "").strip()
    return value or None


def bearer(request: Request) -> str | None:
    """Return the bearer token of a request's Authorization header, if any."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip()


def get_context(request: Request) -> WebContext:
    """Return the app's shared context (a FastAPI dependency)."""
    context: WebContext = request.app.state.context
    return context


def require_writer(request: Request) -> WebContext:
    """Return the context once the request may write (a FastAPI dependency).

    Raises:
        UnauthorizedError: a token is set and the request does not carry it.
    """
    context = get_context(request)
    context.check_token(bearer(request))
    return context


Context = Annotated[WebContext, Depends(get_context)]
Writer = Annotated[WebContext, Depends(require_writer)]

__all__ = ["Context", "WebContext", "Writer", "bearer", "safe_url", "token_from_env"]
