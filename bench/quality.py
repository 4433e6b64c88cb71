"""Measure wiretrace's quality on data others wrote; write docs/quality.md and docs/quality.json.

    python bench/quality.py                 # everything found in ../shared/data
    python bench/quality.py --only pairs    # one group: pairs, pile or candidates
    WIRETRACE_DATA=/path/to/data python bench/quality.py

Data that is absent is skipped and said so. Thresholds are fitted on train/dev splits
only, never on the test splits reported here.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from _sections import Section  # noqa: E402

GROUPS = {"pairs": "quality_pairs", "pile": "quality_pile", "candidates": "quality_candidates"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=Path(os.environ.get("WIRETRACE_DATA", ROOT.parent / "shared" / "data")),
    )
    parser.add_argument("--only", choices=sorted(GROUPS), action="append")
    parser.add_argument(
        "--quick", action="store_true", help="subsample large sets (for a smoke run)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    groups = args.only or sorted(GROUPS)
    sections: list[Section] = []
    started = time.perf_counter()
    for group in groups:
        module = importlib.import_module(GROUPS[group])
        print(f"== {group}", flush=True)
        sections.extend(module.run(args.data, quick=args.quick))
    elapsed = time.perf_counter() - started
    piles = "".join(
        f"{name}={os.environ[name]} "
        for name in ("WIRETRACE_PILES", "WIRETRACE_QUICK_PILES")
        if os.environ.get(name)
    )
    command = (
        piles
        + "python bench/quality.py"
        + "".join(f" --only {g}" for g in (args.only or []))
        + (" --quick" if args.quick else "")
    )
    write(args.out, sections, command, elapsed, args.data)


def write(out: Path, sections: list[Section], command: str, elapsed: float, data: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / "quality.json"
    merged: dict[str, object] = json.loads(json_path.read_text()) if json_path.exists() else {}
    for section in sections:
        merged.update(section.metrics)
    merged["_measured"] = datetime.now(UTC).strftime("%Y-%m-%d")
    json_path.write_text(json.dumps(dict(sorted(merged.items())), indent=2) + "\n")
    parts_dir = out / "quality"
    parts_dir.mkdir(exist_ok=True)
    for section in sections:
        slug = "".join(c if c.isalnum() else "-" for c in section.title.lower()).strip("-")
        header = f"## {section.title}\n\n_Measured {datetime.now(UTC):%Y-%m-%d} with `{command}` ({elapsed:.0f} s for the run) on {platform.machine()}, 2 cores, Python {platform.python_version()}; data: `{data}`._\n\n"
        (parts_dir / f"{slug}.md").write_text(header + section.markdown.strip() + "\n")
    body = [
        "# wiretrace quality, measured on data others wrote",
        "",
        "Every figure below is produced by `python bench/quality.py` (each section names the exact command and date).",
        "Machine-readable figures: `docs/quality.json`.",
        "",
    ]
    for part in sorted(parts_dir.glob("*.md")):
        body.append(part.read_text().strip())
        body.append("")
    (out / "quality.md").write_text("\n".join(body))
    print(f"wrote {out / 'quality.md'} and {json_path}")


if __name__ == "__main__":
    main()
