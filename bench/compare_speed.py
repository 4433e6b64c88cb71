"""Time `compare` on a ~1,000-word pair once the sentence model is loaded.

    python bench/compare_speed.py [--repeat 5] [--model minilm|minilm-int8|hashing]

Pairs (built from the bundled sample corpus, fictional text): a 1,000-word original against
(a) its LLM-style rewrite, (b) a verbatim copy with chrome, (c) a condensed brief. Each is timed
cold (no sentence embedding cached: what a first comparison costs) and warm (embeddings cached,
as when the same article is compared again), median of --repeat runs. The encoder is the one
the settings name (``WIRETRACE_EMBED__MODEL``, default ``minilm``) unless --model is given.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from wiretrace.config import load_settings
from wiretrace.embed import CachedEncoder, get_encoder
from wiretrace.ingest import read_inputs
from wiretrace.models import Article
from wiretrace.relation import compare
from wiretrace.text import prepare

SAMPLE = (
    Path(__file__).resolve().parent.parent / "src" / "wiretrace" / "data" / "sample" / "articles"
)


def joined(articles: dict[str, Article], ids: list[str], new_id: str) -> Article:
    return Article(new_id, "\n\n".join(articles[i].text for i in ids))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--model", choices=["minilm", "minilm-int8", "hashing"], default=None)
    args = parser.parse_args()
    articles = {a.id: a for a in read_inputs([SAMPLE]) if isinstance(a, Article)}
    pairs = {
        "rewrite (paraphrase)": (
            ["harbor-fire-mpa-original", "fever-trial-mpa-original"],
            ["harbor-fire-newspulse-rewrite", "fever-trial-newspulse-rewrite"],
        ),
        "verbatim with chrome": (
            ["harbor-fire-mpa-original", "fever-trial-mpa-original"],
            ["harbor-fire-herald-verbatim", "fever-trial-lantern-verbatim"],
        ),
        "condensed brief": (
            ["harbor-fire-mpa-original", "fever-trial-mpa-original"],
            ["harbor-fire-quickbrief-condensed", "serrin-talks-quickbrief-condensed"],
        ),
    }
    settings = load_settings(overrides={"embed": {"model": args.model}} if args.model else None)
    started = time.perf_counter()
    shared = get_encoder(settings.embed)
    model = shared.inner if isinstance(shared, CachedEncoder) else shared
    print(f"{model.name} loaded in {time.perf_counter() - started:.1f} s (import included)")
    model.encode(["warm up the model once"])
    print(f"{'pair':24s} {'words':>11s} {'cold ms':>8s} {'warm ms':>8s}  relation")
    for name, (source_ids, derivative_ids) in pairs.items():
        source = prepare(joined(articles, source_ids, "source"))
        derivative = prepare(joined(articles, derivative_ids, "derivative"))
        words = f"{len(source.body_text.split())}/{len(derivative.body_text.split())}"
        cold, warm = [], []
        relation = ""
        for _ in range(args.repeat):
            encoder = CachedEncoder(model)
            t0 = time.perf_counter()
            result = compare(source, derivative, encoder, settings, source="source")
            cold.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            compare(source, derivative, encoder, settings, source="source")
            warm.append(time.perf_counter() - t0)
            relation = result.relation.value
        print(
            f"{name:24s} {words:>11s} {1000 * statistics.median(cold):8.0f} {1000 * statistics.median(warm):8.0f}  {relation}"
        )


if __name__ == "__main__":
    main()
