"""Searching a sorted column of 64-bit hashes: ``np.searchsorted`` against the frozen index's
directory search (``wiretrace.candidates.frozen.SortedSearch``).

At 1M articles the frozen corpus index's columns hold ~10^8 keys (every article's anchors, or
its LSH bands), and each judged article searches ~170 of them. Run:

    .venv/bin/python bench/sorted_search.py [--keys 100000000] [--queries 2000]

It prints the microseconds a query's left and right searches take both ways, and with
``SortedSearch.runs`` (both sides in one pass, what the index reads), and checks that the
searches give the same positions.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

import numpy as np

from wiretrace.candidates.frozen import SortedSearch


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=100_000_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--present", type=int, default=100, help="keys of a query in the column")
    parser.add_argument("--absent", type=int, default=70, help="keys of a query not in it")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(7)
    keys = np.sort(rng.integers(0, 2**64, size=args.keys, dtype=np.uint64))
    started = time.perf_counter()
    search = SortedSearch(keys)
    built = time.perf_counter() - started
    queries = [
        np.concatenate(
            [
                keys[rng.integers(0, len(keys), args.present)],
                rng.integers(0, 2**64, args.absent, dtype=np.uint64),
            ]
        )
        for _ in range(args.queries)
    ]
    for query in queries[:100]:
        for side in ("left", "right"):
            if not (search(query, side) == np.searchsorted(keys, query, side=side)).all():
                print("the directory search and np.searchsorted disagree", file=sys.stderr)
                return 1
    started = time.perf_counter()
    for query in queries:
        np.searchsorted(keys, query, side="left")
        np.searchsorted(keys, query, side="right")
    plain = (time.perf_counter() - started) / len(queries)
    started = time.perf_counter()
    for query in queries:
        search(query, "left")
        search(query, "right")
    directory = (time.perf_counter() - started) / len(queries)
    started = time.perf_counter()
    for query in queries:
        search.runs(query)
    runs = (time.perf_counter() - started) / len(queries)
    print(f"{args.keys:,} keys; directory built in {built:.2f} s")
    print(f"np.searchsorted   {plain * 1e6:8.0f} us a query ({len(queries[0])} keys, both sides)")
    print(f"directory search  {directory * 1e6:8.0f} us a query ({plain / directory:.1f}x)")
    print(
        f"directory runs    {runs * 1e6:8.0f} us a query ({plain / runs:.1f}x; both sides at once)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
