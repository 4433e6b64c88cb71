"""What each quality module returns to bench/quality.py: a titled markdown section and metrics."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Section:
    """One block of docs/quality.md and its machine-readable figures for docs/quality.json."""

    title: str
    markdown: str
    metrics: dict[str, float | int | None] = field(default_factory=dict)
