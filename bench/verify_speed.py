"""Time verification (``relation.compare``) per candidate pair, as the pipeline runs it.

    python bench/verify_speed.py [--articles 800] [--pairs 300] [--profile]

Takes the first --articles articles of the cached 2k benchmark corpus (built by
``bench/throughput.py --size 2000``), proposes candidates with the default settings and the
hashing encoder, and compares the first --pairs of them in one process.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import time
from collections import Counter
from pathlib import Path

from wiretrace.candidates import features, propose
from wiretrace.config import load_settings
from wiretrace.embed import get_encoder
from wiretrace.models import Article
from wiretrace.relation import compare
from wiretrace.text import prepare

CORPUS = Path(__file__).resolve().parent / ".cache" / "corpus-v1-news-2000-s7.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=800)
    parser.add_argument("--pairs", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if not CORPUS.exists():
        raise SystemExit(f"{CORPUS} is missing: run bench/throughput.py --size 2000 first")
    settings = load_settings(overrides={"embed": {"model": "hashing"}})
    articles: list[Article] = []
    with CORPUS.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            articles.append(Article(record["id"], record["text"]))
            if len(articles) >= args.articles:
                break
    docs = {a.id: prepare(a) for a in articles}
    candidates = propose(
        [features(docs[a.id], settings.candidates) for a in articles], settings.candidates
    )
    sample = candidates[: args.pairs]
    encoder = get_encoder(settings.embed)
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    started = time.perf_counter()
    relations = Counter(
        compare(docs[c.a], docs[c.b], encoder, settings).relation.value for c in sample
    )
    elapsed = time.perf_counter() - started
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(20)
    print(f"{len(candidates)} candidates for {len(articles)} articles; compared {len(sample)}")
    print(
        f"{1000 * elapsed / max(1, len(sample)):.1f} ms per pair; verdicts {dict(sorted(relations.items()))}"
    )


if __name__ == "__main__":
    main()
