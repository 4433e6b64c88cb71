"""The passim peer of the throughput bench: when it can run, and the input it is given."""

from __future__ import annotations

import json
from pathlib import Path

from bench_modules import load as _load

passim_peer = _load("passim_peer")


def test_passim_says_why_it_cannot_run(tmp_path: Path) -> None:
    assert "no passim checkout given" in passim_peer.missing(None)
    assert "not a checkout" in passim_peer.missing(tmp_path)
    script = tmp_path / "passim" / "seriatim.py"
    script.parent.mkdir()
    script.write_text("# passim's entry point\n")
    reason = passim_peer.missing(tmp_path)
    # a checkout: it runs, or names the Python package it still needs
    assert reason is None or "needs the Python package" in reason


def test_passim_input_gives_each_article_its_own_series_across_parts(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    records = [{"id": f"a{k}", "text": f"Story number {k}.", "title": "T"} for k in range(7)]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    written = passim_peer.write_input(corpus, tmp_path / "input", 3)
    assert written == 7
    parts = sorted((tmp_path / "input").glob("part-*.jsonl"))
    assert len(parts) == 3
    rows = [json.loads(line) for p in parts for line in p.read_text().splitlines()]
    assert sorted(r["id"] for r in rows) == [f"a{k}" for k in range(7)]
    assert all(r["series"] == r["id"] and r["text"].startswith("Story") for r in rows)
    assert all(p.stat().st_size > 0 for p in parts)


def test_spark_runs_locally_on_the_processes_given() -> None:
    env = passim_peer.spark_environment(2, 6)
    assert env["SPARK_LOCAL_IP"] == "127.0.0.1"
    assert "--master local[2]" in env["PYSPARK_SUBMIT_ARGS"]
    assert "--driver-memory 6g" in env["PYSPARK_SUBMIT_ARGS"]
