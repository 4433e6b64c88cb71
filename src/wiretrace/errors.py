"""The one exception tree of wiretrace.

WiretraceError
├── InputError        bad input: a file, line or record that cannot be read (carries where)
├── ConfigError       a setting with a bad value
├── StoreError        the database refused or holds something unexpected
│   └── SchemaError   the stored schema version is newer than this code
├── NotFoundError     an id that is not in the store
├── DependencyError   an optional extra is not installed ("install wiretrace[web]")
└── ModelBuildError   a model built on first use (int8 MiniLM) does not match its source
"""

from __future__ import annotations


class WiretraceError(Exception):
    """Base of every error wiretrace raises on purpose."""


class InputError(WiretraceError):
    """An input that cannot be taken in; ``where`` names the file and line."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")
        self.reason = message


class ConfigError(WiretraceError):
    """A setting with a value that cannot be used."""


class StoreError(WiretraceError):
    """The store failed or holds data this code cannot use."""


class SchemaError(StoreError):
    """The database's schema version is not one this code can migrate."""


class NotFoundError(WiretraceError):
    """An article or family id that is not in the store."""


class DependencyError(WiretraceError):
    """An optional dependency is missing; the message names the extra to install."""


class ModelBuildError(WiretraceError):
    """A model built on first use did not match the model it was built from."""
