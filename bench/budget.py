"""What each article costs, step by step, against what the throughput targets leave it.

Usage: ``python bench/budget.py --size 100k [--sample 5000] [--pairs 300] [--processes 2]
[--datasketch-rate 2687]``

Reads the first ``--sample`` articles of the planted corpus (``corpus.py``; built if missing)
and times, in this one process with one BLAS thread, each step an article goes through:

* the floor any pipeline here pays, the peers' included: parsing its JSON line, and the
  peers' shingling (lowercased ``\\w+`` word 5-grams, ``peers.shingles``); then the two peers'
  MinHash of those shingles;
* wiretrace's text stage (``prepare``: sentences, roles, datelines) and its features
  (``parallel.featured``: MinHash, line hashes, anchors, vectors, facts and their JSON);
* ``compare`` of planted pairs by how they were made (``--pairs`` of each kind at most, the
  documents prepared beforehand): verification's cost per aligned pair.

Each step prints its milliseconds per article (or per pair) and the most articles a second
``--processes`` processes could take if they did nothing else; the budget lines say what an
article may cost in all at 2,000 articles a second and at five times the datasketch pipeline's
rate (``--datasketch-rate``, from ``throughput.py`` on the same corpus). Ends with one line:
``budget: size=N sample=S read_ms=.. shingle_ms=.. prepare_ms=.. features_ms=.. ...``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import peers

TARGET_DOCS_PER_S = 2000
TARGET_VS_DATASKETCH = 5


def timed(step: Callable[[], object]) -> float:
    """Return the seconds ``step`` takes (the best of two runs: caches warm, noise less)."""
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - started)
    return best


def _datasketch_minhash(shingled: Sequence[list[str]]) -> object:
    """The datasketch pipeline's MinHash of shingled texts, as its workers make it
    (``peers.datasketch_signatures`` without the shingling)."""
    from datasketch import MinHash

    if not peers._DS_STATE:
        peers._datasketch_worker_init()
    encoded = [[s.encode("utf-8") for s in shingles] for shingles in shingled]
    return MinHash.bulk(encoded, **peers._DS_STATE["kwargs"])


def _rensa_minhash(shingled: Sequence[list[str]]) -> object:
    """The rensa pipeline's MinHash of shingled texts (``peers.rensa_signatures`` without the
    shingling)."""
    import rensa

    return rensa.RMinHash.from_token_sets(list(shingled), peers.NUM_PERM, peers.SEED)


def article_steps(lines: Sequence[str]) -> dict[str, float]:
    """Return the milliseconds per article of each step, over the JSON ``lines``."""
    from wiretrace import parallel
    from wiretrace.config import load_settings
    from wiretrace.text import prepare

    settings = load_settings(env={}, overrides={"embed": {"model": "hashing"}})
    records = [json.loads(line) for line in lines]
    texts = [str(r["text"]) for r in records]
    articles = [corpus.article_from(r) for r in records]
    documents = [prepare(a) for a in articles]
    parallel.featured(documents[0], settings)  # settings' caches made before timing
    count = len(lines)
    shingled = [peers.shingles(t) for t in texts]
    seconds = {
        "read": timed(lambda: [json.loads(line) for line in lines]),
        "shingle": timed(lambda: [peers.shingles(t) for t in texts]),
        "datasketch_minhash": timed(lambda: _datasketch_minhash(shingled)),
        "rensa_minhash": timed(lambda: _rensa_minhash(shingled)),
        "prepare": timed(lambda: [prepare(a) for a in articles]),
        "features": timed(lambda: [parallel.featured(d, settings) for d in documents]),
    }
    return {step: 1000 * s / count for step, s in seconds.items()}


def pair_steps(
    lines: Sequence[str], labels: Sequence[corpus.PlantedLabel], per_kind: int
) -> dict[str, tuple[int, float]]:
    """Return, for each kind of planted derivative among ``lines``, how many pairs were
    compared and the milliseconds ``compare`` took a pair (documents prepared beforehand)."""
    from wiretrace.config import load_settings
    from wiretrace.embed import get_encoder
    from wiretrace.relation import compare
    from wiretrace.text import prepare

    settings = load_settings(env={}, overrides={"embed": {"model": "hashing"}})
    encoder = get_encoder(settings.embed)
    by_id = {str(r["id"]): r for r in map(json.loads, lines)}
    chosen: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for label in labels:
        pairs = chosen[label.kind]
        if label.derivative in by_id and label.origin in by_id and len(pairs) < per_kind:
            pairs.append((label.origin, label.derivative))
    documents = {
        i: prepare(corpus.article_from(by_id[i]))
        for pairs in chosen.values()
        for p in pairs
        for i in p
    }
    found: dict[str, tuple[int, float]] = {}
    for kind in sorted(chosen):
        pairs = chosen[kind]
        if not pairs:
            continue
        seconds = timed(
            lambda pairs=pairs: [
                compare(documents[a], documents[b], encoder, settings) for a, b in pairs
            ]
        )
        found[kind] = (len(pairs), 1000 * seconds / len(pairs))
    return found


def report(
    size: int,
    steps: dict[str, float],
    pairs: dict[str, tuple[int, float]],
    processes: int,
    datasketch_rate: float | None,
    sample: int,
) -> list[str]:
    """Return the printed lines: the budgets, each step's cost and ceiling, the summary."""
    lines = [f"sample: the first {sample:,} articles of the {size:,}-article corpus; one process"]
    budget = 1000 * processes / TARGET_DOCS_PER_S
    lines.append(
        f"budget at {TARGET_DOCS_PER_S:,} articles/s on {processes} processes: "
        f"{budget:.3f} ms of one core per article, every stage included"
    )
    if datasketch_rate:
        rate = TARGET_VS_DATASKETCH * datasketch_rate
        lines.append(
            f"budget at {TARGET_VS_DATASKETCH}x datasketch ({rate:,.0f} articles/s) on "
            f"{processes} processes: {1000 * processes / rate:.3f} ms per article"
        )
    lines.append("")
    lines.append(f"| step | ms per article | ceiling on {processes} processes (articles/s) |")
    lines.append("|---|---|---|")
    for step, ms in steps.items():
        ceiling = 1000 * processes / ms if ms > 0 else float("inf")
        lines.append(f"| {step} | {ms:.3f} | {ceiling:,.0f} |")
    if pairs:
        lines.append("")
        lines.append("| compare, planted kind | pairs | ms per pair |")
        lines.append("|---|---|---|")
        for kind, (count, ms) in pairs.items():
            lines.append(f"| {kind} | {count} | {ms:.2f} |")
    summary = " ".join(f"{step}_ms={ms:.3f}" for step, ms in steps.items())
    compared = " ".join(f"compare_{kind}_ms={ms:.2f}" for kind, (_, ms) in pairs.items())
    lines.append("")
    lines.append(f"budget: size={size} sample={sample} {summary} {compared}".rstrip())
    return lines


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="100k", help="10k, 100k, 1m or a number")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sample", type=int, default=5000, help="articles timed")
    parser.add_argument("--pairs", type=int, default=300, help="planted pairs of each kind")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument(
        "--datasketch-rate",
        type=float,
        default=None,
        help="the datasketch pipeline's articles/s on this corpus (throughput.py's table)",
    )
    parser.add_argument("--cache-dir", type=Path, default=corpus.CACHE_DIR, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    from wiretrace.runtime import one_blas_thread

    args = parse_args(argv)
    files = corpus.write_corpus(corpus.parse_size(args.size), args.seed, cache_dir=args.cache_dir)
    with files.articles.open(encoding="utf-8") as source:
        lines = [line for _, line in zip(range(args.sample), source, strict=False)]
    with one_blas_thread():  # as in the analysis's workers
        steps = article_steps(lines)
        pairs = pair_steps(lines, corpus.read_labels(files.labels), args.pairs)
    for line in report(files.size, steps, pairs, args.processes, args.datasketch_rate, len(lines)):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
