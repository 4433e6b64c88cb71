"""wiretrace: trace how news stories are copied, cut, condensed and rewritten, and what changed."""

from __future__ import annotations

from wiretrace.models import (
    AddedKind,
    AlignKind,
    Article,
    ChangeKind,
    Comparison,
    Document,
    Edge,
    Family,
    Relation,
    SentenceRole,
)

__all__ = [
    "AddedKind",
    "AlignKind",
    "Article",
    "ChangeKind",
    "Comparison",
    "Document",
    "Edge",
    "Family",
    "Relation",
    "SentenceRole",
]
__version__ = "0.1.0"
