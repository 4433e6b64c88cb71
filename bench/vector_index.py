"""Compare vector indexes for the semantic candidate generator: build time, queries/s, recall@10.

    python bench/vector_index.py [--n 100000] [--queries 2000]

Vectors are real: static-model (``embed.StaticEncoder``) vectors of news sentences from
BBC and Reuters C50 (../shared/data), int8-quantised like the stored article vectors, so
the exact search is the reference every approximate index is measured against. Indexes
that are not installed (faiss-cpu, usearch) are skipped and said so.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("WIRETRACE_DATA", ROOT.parent / "shared" / "data"))
K = 10
Vectors = npt.NDArray[np.float32]
Hits = npt.NDArray[np.int64]


@dataclass
class IndexFigures:
    name: str
    build_s: float
    queries_per_s: float
    recall_at_10: float
    note: str = ""


def news_sentences(data: Path, n: int) -> list[str]:
    """Return up to ``n`` distinct sentences of >= 8 words from BBC and Reuters C50."""
    sys.path.insert(0, str(data))
    import loaders

    texts = [b["text"] for b in loaders.bbc()] + [r["text"] for r in loaders.reuters_c50()]
    seen: dict[str, None] = {}
    for text in texts:
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if len(sentence.split()) >= 8:
                seen.setdefault(sentence.strip(), None)
                if len(seen) >= n:
                    return list(seen)
    return list(seen)


def int8_vectors(sentences: list[str]) -> Vectors:
    """Return static-model vectors, int8-quantised then held as float32 (exact dot products)."""
    from wiretrace.embed import static_encoder

    matrix = static_encoder().encode(sentences)
    peak = np.max(np.abs(matrix), axis=1, keepdims=True)
    peak[peak == 0] = 1.0
    quantised = np.rint(matrix / peak * 127).astype(np.float32)
    normalised: Vectors = quantised / np.linalg.norm(quantised, axis=1, keepdims=True)
    return normalised


def exact_numpy(base: Vectors, queries: Vectors) -> tuple[Hits, float, float]:
    started = time.perf_counter()
    hits = np.empty((len(queries), K), dtype=np.int64)
    for start in range(0, len(queries), 512):
        scores = queries[start : start + 512] @ base.T
        top = np.argpartition(-scores, K, axis=1)[:, :K]
        order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1)
        hits[start : start + 512] = np.take_along_axis(top, order, axis=1)
    return hits, 0.0, time.perf_counter() - started


def faiss_flat(base: Vectors, queries: Vectors) -> tuple[Hits, float, float]:
    import faiss

    started = time.perf_counter()
    index = faiss.IndexFlatIP(base.shape[1])
    index.add(base)
    built = time.perf_counter()
    _, hits = index.search(queries, K)
    return hits.astype(np.int64), built - started, time.perf_counter() - built


def faiss_hnsw(base: Vectors, queries: Vectors) -> tuple[Hits, float, float]:
    import faiss

    started = time.perf_counter()
    index = faiss.IndexHNSWFlat(base.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efSearch = 64
    index.add(base)
    built = time.perf_counter()
    _, hits = index.search(queries, K)
    return hits.astype(np.int64), built - started, time.perf_counter() - built


def usearch_hnsw(base: Vectors, queries: Vectors, dtype: str) -> tuple[Hits, float, float]:
    from usearch.index import Index

    started = time.perf_counter()
    index = Index(ndim=base.shape[1], metric="ip", dtype=dtype)
    index.add(np.arange(len(base)), base)
    built = time.perf_counter()
    found = index.search(queries, K)
    return np.asarray(found.keys, dtype=np.int64), built - started, time.perf_counter() - built


def candidates() -> list[tuple[str, Callable[[Vectors, Vectors], tuple[Hits, float, float]], str]]:
    """Return (name, search, module needed) for every index this bench knows."""
    return [
        ("numpy exact (int8 values in float32 BLAS; shipped)", exact_numpy, "numpy"),
        ("faiss IndexFlatIP (exact)", faiss_flat, "faiss"),
        ("faiss HNSW32 efSearch=64", faiss_hnsw, "faiss"),
        ("usearch HNSW f32", lambda b, q: usearch_hnsw(b, q, "f32"), "usearch"),
        ("usearch HNSW i8", lambda b, q: usearch_hnsw(b, q, "i8"), "usearch"),
    ]


def recall(found: Hits, truth: Hits) -> float:
    """Return the share of the true top-10 each search found, averaged over queries."""
    shared = [len(set(f.tolist()) & set(t.tolist())) for f, t in zip(found, truth, strict=True)]
    return float(np.mean(shared)) / K


def compare(data: Path, n: int, queries: int) -> tuple[list[IndexFigures], int]:
    """Return the figures of every installed index on ``n`` vectors and the vectors used."""
    vectors = int8_vectors(news_sentences(data, n + queries))
    base, asked = vectors[:-queries], vectors[-queries:]
    truth, _, _ = exact_numpy(base, asked)
    figures: list[IndexFigures] = []
    for name, search, module in candidates():
        if importlib.util.find_spec(module) is None:
            figures.append(
                IndexFigures(name, float("nan"), float("nan"), float("nan"), "not installed")
            )
            continue
        found, build_s, query_s = search(base, asked)
        figures.append(IndexFigures(name, build_s, len(asked) / query_s, recall(found, truth)))
    return figures, len(base)


def table(figures: list[IndexFigures], n: int) -> str:
    """Return the figures as a markdown table."""
    lines = [
        f"| index ({n:,} x 256, k={K}, batched queries) | build s | queries/s | recall@10 vs exact |",
        "|---|---|---|---|",
    ]
    for f in figures:
        if f.note:
            lines.append(f"| {f.name} | - | - | {f.note} |")
        else:
            lines.append(
                f"| {f.name} | {f.build_s:.1f} | {f.queries_per_s:,.0f} | {f.recall_at_10:.3f} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2_000)
    args = parser.parse_args()
    figures, n = compare(DATA, args.n, args.queries)
    print(table(figures, n))


if __name__ == "__main__":
    main()
