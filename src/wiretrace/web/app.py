"""The FastAPI application factory: routers, error handlers, limits and static files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

import wiretrace
from wiretrace.config import Settings
from wiretrace.pipeline import Service
from wiretrace.web.context import WebContext, token_from_env
from wiretrace.web.errors import install_error_handlers
from wiretrace.web.middleware import MAX_BODY_BYTES, BodySizeLimit, SecurityHeaders
from wiretrace.web.routes import articles, check, compare, docs, families, health, pages


def create_app(settings: Settings, service: Service | None = None) -> FastAPI:
    """Return the wiretrace web app over ``service`` (one is opened on ``settings`` if None).

    POST endpoints require ``Authorization: Bearer <token>`` when the environment
    variable WIRETRACE_TOKEN is set at creation; request bodies over 5 MB get 413.
    A service the app opened itself is closed when the app shuts down.

    Raises:
        StoreError: the store named by ``settings`` cannot be opened.
    """
    owned = service is None
    context = WebContext(service=service or Service(settings), token=token_from_env())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            context.service.close()

    app = FastAPI(
        title="wiretrace",
        version=wiretrace.__version__,
        description="Trace how news stories are copied, cut, condensed and rewritten.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.context = context
    install_error_handlers(app)
    for router in (articles, families, compare, check, health, pages, docs):
        app.include_router(router.router)
    static = resources.files("wiretrace.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES)
    return app
