"""Building the SQLAlchemy engine from a store URL (SQLite by path, PostgreSQL by URL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.pool import StaticPool

from wiretrace.errors import StoreError

_POSTGRES_NAMES = ("postgresql", "postgres")
_CONNECT_TIMEOUT_S = 10


def parse_url(url: str) -> URL:
    """Return the parsed URL with ``postgresql://`` mapped to the psycopg 3 driver.

    Raises:
        StoreError: the URL cannot be parsed.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise StoreError(f"not a database URL: {url!r} ({error})") from error
    if parsed.drivername in _POSTGRES_NAMES:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def build_engine(url: URL) -> Engine:
    """Return an engine for the URL; SQLite gets WAL and foreign keys on every connection.

    Raises:
        StoreError: the URL names a database driver that is not installed.
    """
    options: dict[str, Any] = {}
    if url.get_backend_name() == "sqlite":
        options = _sqlite_options(url)
    elif url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        options = {"connect_args": {"connect_timeout": _CONNECT_TIMEOUT_S}}
    try:
        engine = create_engine(url, **options)
    except (ArgumentError, NoSuchModuleError, ImportError) as error:
        safe = url.render_as_string(hide_password=True)
        raise StoreError(
            f"cannot use database {safe}: {error} (PostgreSQL needs wiretrace[postgres])"
        ) from error
    if url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_options(url: URL) -> dict[str, Any]:
    database = url.database or ""
    if database in ("", ":memory:"):
        # One shared connection, or every checkout would see a fresh empty database.
        return {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    if not database.startswith("file:"):
        folder = Path(database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(
                f"cannot create the folder of the SQLite file {database}: {error}"
            ) from error
    return {}


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()
