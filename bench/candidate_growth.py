"""How the number of candidate pairs grows with the corpus, by the generators that proposed them.

    python bench/candidate_growth.py [--sizes 10000,30000] [--corpus PATH]

Reads the first N articles of the smallest cached benchmark corpus that holds the largest size
(``bench/corpus.py --size 30000`` builds one for the default sizes; corpora of one seed share
their prefix, so the first 10k of any of them are the same articles), computes features and candidates in 2 forked processes
as ``Service.analyze`` does, and prints candidates per article and the most common reason sets.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from datetime import datetime
from pathlib import Path

from wiretrace import parallel
from wiretrace.candidates import CorpusCandidates
from wiretrace.config import load_settings
from wiretrace.models import Article

CACHE = Path(__file__).resolve().parent / ".cache"
GENERATORS = frozenset({"lsh", "containment", "sentences", "anchors", "semantic", "common-lines"})


def read(path: Path, count: int) -> list[Article]:
    """Return the first ``count`` articles of a benchmark JSONL corpus."""
    articles: list[Article] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if len(articles) >= count:
                break
            record = json.loads(line)
            published = record.get("published_at")
            articles.append(
                Article(
                    record["id"],
                    record["text"],
                    title=record.get("title"),
                    published_at=datetime.fromisoformat(published) if published else None,
                )
            )
    return articles


def cached_corpus(size: int, seed: int = 7) -> Path | None:
    """Return the smallest cached corpus of ``seed`` with at least ``size`` articles, if any."""
    found: list[tuple[int, Path]] = []
    for path in CACHE.glob(f"corpus-v1-news-*-s{seed}.jsonl"):
        held = int(path.name.split("-")[3])
        if held >= size and path.with_suffix(".done").exists():
            found.append((held, path))
    return min(found)[1] if found else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,30000")
    parser.add_argument("--corpus", type=Path, default=None)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    corpus = args.corpus or cached_corpus(max(sizes))
    if corpus is None or not corpus.exists():
        raise SystemExit(
            f"no cached corpus of {max(sizes)}: run bench/corpus.py --size {max(sizes)}"
        )
    settings = load_settings(env={}, overrides={"embed": {"model": "hashing"}})
    for size in sizes:
        articles = read(corpus, size)
        found = [f for _, f, _ in parallel.featurize(articles, settings, 2)]
        candidates = parallel.judge(CorpusCandidates(found, settings.candidates), 2)
        kinds = Counter(
            "+".join(sorted({r.split(":")[0] for r in c.reasons} & GENERATORS)) for c in candidates
        )
        print(
            f"{len(articles)} articles: {len(candidates)} candidates "
            f"({len(candidates) / max(1, len(articles)):.2f} per article); "
            f"by reasons: {kinds.most_common(6)}"
        )


if __name__ == "__main__":
    main()
