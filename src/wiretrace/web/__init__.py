"""The HTTP adapter: a JSON API and server-rendered pages over the service facade.

``create_app(settings)`` builds the FastAPI application; ``wiretrace serve`` runs it.
"""

from __future__ import annotations

from wiretrace.web.app import create_app

__all__ = ["create_app"]
