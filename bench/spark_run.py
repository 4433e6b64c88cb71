"""Time the Spark job against the local runner on the same JSONL corpus, and check they agree.

    SPARK_LOCAL_IP=127.0.0.1 python bench/spark_run.py bench/.cache/corpus-v1-news-2000-s7.jsonl \
        [--master local[2]] [--limit 2000]

Both runs use the hashing sentence encoder (no model load in either). The local runner
ingests into a temporary SQLite store and analyses with ``run.processes``; the Spark job
reads the same file (the first ``--limit`` records) on a fresh session. Prints wall times,
the ratio, and whether the families (members, origins, edges) are equal.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import replace
from itertools import islice
from pathlib import Path

from wiretrace.config import EmbedSettings, Settings, StoreSettings
from wiretrace.pipeline import Service
from wiretrace.spark import local_session, run_spark


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--limit", type=int, default=2000)
    args = parser.parse_args()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "corpus.jsonl"
        with args.corpus.open(encoding="utf-8") as source:
            corpus.write_text("".join(islice(source, args.limit)))
        settings = replace(
            Settings(),
            store=StoreSettings(f"sqlite:///{folder}/local.sqlite"),
            embed=EmbedSettings(model="hashing"),
        )
        started = time.perf_counter()
        with Service(settings) as service:
            service.ingest([corpus])
            local = service.analyze()
        local_s = time.perf_counter() - started

        session = local_session(args.master)
        session.sparkContext.setLogLevel("ERROR")
        started = time.perf_counter()
        spark = run_spark(session, str(corpus), settings)
        spark_s = time.perf_counter() - started
        session.stop()

    print(
        f"articles {local.articles}, candidates local {local.candidates} spark {spark.candidates}"
    )
    print(
        f"local runner {local_s:.1f} s; spark {args.master} {spark_s:.1f} s (session start excluded)"
    )
    print(f"spark / local time: {spark_s / local_s:.2f}x")
    print(f"families equal: {list(spark.families) == list(local.families)}")


if __name__ == "__main__":
    main()
