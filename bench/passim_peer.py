"""passim (github.com/dasmiq/passim, the PySpark text-reuse aligner) as a peer on a corpus.

passim is not on PyPI (a package of that name there is an unrelated password checker), so
the bench runs a checkout of its repository given with ``--passim DIR`` (for instance one
made with ``git clone https://github.com/dasmiq/passim``); its own Python needs are in
wiretrace's ``bench`` extra (``graphframes-py``, ``intervaltree``), PySpark in ``spark``.

The run is passim's all-pairs mode as its ``passim`` script sets it up, stopped after the
aligned extents (``--to-extents``): every pair of articles with an aligned passage of at
least ``--min-align`` characters. The last step, clustering the passages into connected
components, needs the graphframes JVM package, which Spark fetches from Maven at start;
this machine reaches no Maven repository, so it is left out (it reads the extents the
timed run wrote, so the pairs and their recall are what the clusters would hold). Each
article is its own series (passim's default filter would otherwise skip pairs within one
outlet). Spark runs ``local[P]`` with ``P`` the processes of the other pipelines; the
corpus is written as ``2 P`` JSONL parts so every core has partitions to read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from peers import Pair, PeerRun, connected_groups, read_articles

SCRIPT = Path("passim") / "seriatim.py"  # inside a checkout of dasmiq/passim


def missing(checkout: Path | None) -> str | None:
    """Return why passim cannot run from ``checkout`` (None when it can)."""
    if checkout is None:
        return (
            "no passim checkout given (--passim DIR, a clone of github.com/dasmiq/passim: "
            "passim is not on PyPI)"
        )
    if not (checkout / SCRIPT).is_file():
        return f"{checkout} holds no {SCRIPT}: not a checkout of github.com/dasmiq/passim"
    for module in ("pyspark", "graphframes", "intervaltree"):
        try:
            __import__(module)
        except ImportError:
            return f"passim needs the Python package {module!r} (pip install -e '.[spark,bench]')"
    return None


def write_input(path: Path, folder: Path, parts: int) -> int:
    """Write the corpus as passim's JSONL input, ``parts`` files, each article its own
    series; return how many articles were written."""
    folder.mkdir(parents=True, exist_ok=True)
    files = [(folder / f"part-{k:03d}.jsonl").open("w", encoding="utf-8") for k in range(parts)]
    count = 0
    try:
        for count, (article_id, text) in enumerate(read_articles(path), start=1):
            record = {"id": article_id, "series": article_id, "text": text}
            files[count % parts].write(json.dumps(record) + "\n")
    finally:
        for handle in files:
            handle.close()
    return count


def spark_environment(processes: int, memory_gb: int) -> dict[str, str]:
    """Return the environment that runs Spark locally on ``processes`` cores."""
    return {
        **os.environ,
        "SPARK_LOCAL_IP": "127.0.0.1",
        "PYSPARK_SUBMIT_ARGS": (
            f"--master local[{processes}] --conf spark.ui.enabled=false "
            f"--driver-memory {memory_gb}g pyspark-shell"
        ),
    }


def read_pairs(extents: Path, processes: int) -> list[Pair]:
    """Return the (id, id) pairs of the aligned extents passim wrote (parquet, read with
    Spark: that is not part of the timed run)."""
    from pyspark.sql import SparkSession

    os.environ.update(spark_environment(processes, 4))
    spark = SparkSession.builder.appName("wiretrace bench: read passim extents").getOrCreate()
    try:
        rows = spark.read.parquet(str(extents)).select("id", "id2").distinct().collect()
    finally:
        spark.stop()
    return sorted({(min(r["id"], r["id2"]), max(r["id"], r["id2"])) for r in rows})


def run_passim(
    path: Path, checkout: Path, processes: int, memory_gb: int = 8
) -> tuple[PeerRun, None]:
    """Run passim over a corpus (input written, Spark session, n-gram index, candidate
    pairs, alignment to extents, all timed); returns the run (passim takes no queries)."""
    with tempfile.TemporaryDirectory(prefix="wt-passim-") as tmp:
        started = time.perf_counter()
        docs = write_input(path, Path(tmp) / "input", 2 * processes)
        written = time.perf_counter()
        output = Path(tmp) / "output"
        command = [sys.executable, str(checkout / SCRIPT), "--all-pairs", "--fields", "id"]
        command += ["--to-extents", "--log-level", "ERROR", str(Path(tmp) / "input"), str(output)]
        done = subprocess.run(
            command,
            env=spark_environment(processes, memory_gb),
            capture_output=True,
            text=True,
            check=False,
        )
        finished = time.perf_counter()
        if done.returncode != 0:
            raise RuntimeError(f"passim failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
        pairs = read_pairs(output / "tmp" / "extents.parquet", processes)
    groups = connected_groups(pairs)
    run = PeerRun(
        name="passim",
        docs=docs,
        seconds=finished - started,
        stages={"write input": written - started, "spark: index, pairs, align": finished - written},
        pairs=pairs,
        groups=groups,
        setup=(
            f"passim --all-pairs --to-extents, Spark local[{processes}] "
            "(n=25, minDF 2, maxDF 100, min-match 5, min-align 50: its defaults)"
        ),
    )
    return run, None
