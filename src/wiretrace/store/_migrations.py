"""Migration steps: each brings the schema from version N-1 to version N.

A step is never edited once released; a change to the schema is a new step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlalchemy import Connection, func, inspect, select

from wiretrace.errors import SchemaError
from wiretrace.store import _schema as schema

MigrationStep = Callable[[Connection], None]


def _create_articles(connection: Connection) -> None:
    """Version 1: the version table and the articles with their versions."""
    schema.schema_version.create(connection, checkfirst=True)
    schema.articles.create(connection, checkfirst=True)


def _create_derived_and_families(connection: Connection) -> None:
    """Version 2: derived features, verified comparisons and story families."""
    for table in (
        schema.features,
        schema.comparisons,
        schema.families,
        schema.family_members,
        schema.edges,
    ):
        table.create(connection, checkfirst=True)


STEPS: Mapping[int, MigrationStep] = {
    1: _create_articles,
    2: _create_derived_and_families,
}


def stored_version(connection: Connection) -> int:
    """Return the schema version recorded in the database, 0 for an empty one.

    Raises:
        SchemaError: the database holds tables of this schema but no version table.
    """
    inspector = inspect(connection)
    if not inspector.has_table(schema.schema_version.name):
        if inspector.has_table(schema.articles.name):
            raise SchemaError("database has an 'articles' table but no schema_version table")
        return 0
    version = connection.execute(select(func.max(schema.schema_version.c.version))).scalar()
    return int(version) if version is not None else 0


def migrate(connection: Connection, target: int = schema.SCHEMA_VERSION) -> int:
    """Apply every step above the stored version up to ``target``; return the old version.

    Raises:
        SchemaError: the stored version is newer than ``target`` (a newer wiretrace wrote it).
    """
    current = stored_version(connection)
    if current > target:
        raise SchemaError(
            f"database schema version {current} is newer than this wiretrace supports "
            f"({target}); upgrade wiretrace"
        )
    for version in range(current + 1, target + 1):
        STEPS[version](connection)
        connection.execute(schema.schema_version.delete())
        connection.execute(schema.schema_version.insert().values(version=version))
    return current
