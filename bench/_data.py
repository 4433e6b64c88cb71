"""Access to the external evaluation data (../shared/data), never copied into the project."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType


def load_loaders(data_dir: Path) -> ModuleType | None:
    """Import ``loaders.py`` of the data folder by path; None when the data is absent."""
    path = data_dir / "loaders.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("wiretrace_bench_loaders", path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
