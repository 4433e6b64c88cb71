"""How the number of candidate pairs grows with the corpus, by the generators that proposed them.

    python bench/candidate_growth.py [--sizes 10000,30000] [--corpus PATH]

Reads the first N articles of the cached 100k benchmark corpus (built by
``bench/throughput.py --size 100k``), computes features and candidates in 2 forked processes
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

CORPUS = Path(__file__).resolve().parent / ".cache" / "corpus-v1-news-100000-s7.jsonl"
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,30000")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    if not args.corpus.exists():
        raise SystemExit(f"{args.corpus} is missing: run bench/throughput.py --size 100k first")
    settings = load_settings(env={}, overrides={"embed": {"model": "hashing"}})
    for size in (int(s) for s in args.sizes.split(",") if s):
        articles = read(args.corpus, size)
        found = [f for _, f in parallel.featurize(articles, settings, 2)]
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
