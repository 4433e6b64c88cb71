"""Persistence for wiretrace (layer 4): SQLAlchemy Core over SQLite or PostgreSQL.

No algorithms live here: the store keeps articles with their versions, derived
per-article features and verified comparisons stamped with the content hashes
they were computed from, and the story families.
"""

from __future__ import annotations

from wiretrace.store._schema import SCHEMA_VERSION
from wiretrace.store._store import FamilyFilter, Store, StoredComparison
from wiretrace.store._versions import PutResult

__all__ = ["SCHEMA_VERSION", "FamilyFilter", "PutResult", "Store", "StoredComparison"]
