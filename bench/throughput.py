"""Throughput of wiretrace against datasketch and rensa on the same planted corpus.

Usage: ``python bench/throughput.py --size 10k|100k|1m [--processes 2] [--probes 200]``

Generates (or reuses from ``bench/.cache``) a corpus with planted derivatives,
then runs each pipeline in its own subprocess (so peak RSS is per pipeline):

* ``wiretrace``: the service end to end (ingest the JSONL into a temporary
  SQLite store, ``analyze()``, read the families), hashing embedder;
* ``wiretrace-query``: the corpus stored and fingerprinted without analysis
  (features on ``--processes`` processes), ``check``'s ``FrozenIndex`` read from
  the store, then the latency of checking new articles against it: the lexical
  path (prepare, features, index query), the full ``Service.check`` (that, plus
  triage or ``compare`` of each candidate read from the store), and ``check`` with
  the sentence model aligning for the first ``--model-probes``;
* ``datasketch`` and ``rensa``: see ``peers.py``;
* ``passim`` (with ``--passim DIR``, a checkout of github.com/dasmiq/passim): its PySpark
  all-pairs alignment, see ``passim_peer.py``.

Prints a table and ends with one ``summary:`` line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import passim_peer
import peers

Pair = tuple[str, str]
WIRETRACE_OVERRIDES: dict[str, Any] = {"embed": {"model": "hashing"}}
VERIFY_CHUNK = 200


# -- quality --------------------------------------------------------------------


def evaluate(
    labels: Sequence[corpus.PlantedLabel],
    groups: Sequence[Sequence[str]],
    pairs: Iterable[Pair],
) -> dict[str, Any]:
    """Return recall of planted derivative->origin pairs (same output group), by kind; the
    precision of reported pairs (both ends in one planted family); and how many output
    groups mix planted families."""
    planted = {label.derivative: label.origin for label in labels}
    group_of = groups_index(groups)
    mixed = sum(1 for g in groups if len({planted.get(m, m) for m in g}) > 1)
    found: dict[str, list[int]] = {}
    for label in labels:
        a, b = group_of.get(label.derivative), group_of.get(label.origin)
        hit = a is not None and a == b
        found.setdefault(label.kind, [0, 0])[0] += int(hit)
        found[label.kind][1] += 1
    reported = list(pairs)
    right = sum(1 for a, b in reported if planted.get(a, a) == planted.get(b, b))
    hits = sum(h for h, _ in found.values())
    return {
        "recall": hits / max(1, len(labels)),
        "recall_by_kind": {k: round(h / t, 3) for k, (h, t) in sorted(found.items())},
        "precision": right / len(reported) if reported else 1.0,
        "reported_pairs": len(reported),
        "groups": len(groups),
        "mixed_groups": mixed,
    }


def groups_index(groups: Iterable[Sequence[str]]) -> dict[str, str]:
    """Return id -> first member of its group."""
    return {member: group[0] for group in groups for member in group}


def peak_rss_mb() -> dict[str, float]:
    """Return the peak resident memory of this process and of its largest finished child."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"self": round(own, 1), "child": round(child, 1), "total": round(own + child, 1)}


def current_rss_mb() -> float:
    """Return the resident memory of this process now (Linux ``/proc``; nan elsewhere)."""
    try:
        resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return float("nan")
    return round(resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def percentiles(values: Sequence[float]) -> dict[str, float]:
    """Return p50 and p95 of ``values`` (milliseconds), rounded."""
    if not values:
        return {"p50": float("nan"), "p95": float("nan")}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(ordered), 2), "p95": round(p95, 2)}


# -- peers ----------------------------------------------------------------------


def parse_peer(name: str) -> tuple[str, peers.LshShape]:
    """Return the peer and LSH shape a pipeline name like ``rensa@32x4`` names.

    Raises:
        ValueError: on an unknown peer or a malformed shape.
    """
    peer, _, shape = name.partition("@")
    bands, _, rows = (shape or "32x4").partition("x")
    if peer not in peers.PEERS or not (bands.isdigit() and rows.isdigit()):
        raise ValueError(f"peer must look like datasketch@32x4 or rensa@16x8, got {name!r}")
    return peer, peers.LshShape(int(bands), int(rows))


def peer_worker(name: str, args: argparse.Namespace) -> dict[str, Any]:
    """Run one peer end to end, then time single-article queries against its index."""
    peer, shape = parse_peer(name)
    run, index = peers.PEERS[peer](Path(args.corpus), shape, args.processes)
    labels = corpus.read_labels(Path(args.labels))
    quality = evaluate(labels, run.groups, run.pairs)
    probes = corpus.probe_articles(Path(args.corpus), args.probes)
    query = peers.QUERIES[peer]
    timings = peers.time_queries(lambda text: query(index, text), [p["text"] for p, _, _ in probes])
    hits = sum(1 for p, origin, _ in probes if origin in query(index, p["text"]))
    return {
        "name": name,
        "setup": f"{run.setup} (LSH threshold ~{shape.threshold:.2f})",
        "docs": run.docs,
        "seconds": run.seconds,
        "stages": run.stages,
        "quality": quality,
        "largest_group": max((len(g) for g in run.groups), default=0),
        "query_ms": percentiles(timings),
        "query_hit": hits / max(1, len(probes)),
    }


def passim_worker(args: argparse.Namespace) -> dict[str, Any]:
    """Run passim's all-pairs alignment over the corpus (it answers no single queries)."""
    run, _ = passim_peer.run_passim(Path(args.corpus), Path(args.passim), args.processes)
    labels = corpus.read_labels(Path(args.labels))
    return {
        "name": "passim",
        "setup": run.setup,
        "docs": run.docs,
        "seconds": run.seconds,
        "stages": run.stages,
        "quality": evaluate(labels, run.groups, run.pairs),
        "largest_group": max((len(g) for g in run.groups), default=0),
    }


# -- wiretrace: the service end to end ------------------------------------------


def wiretrace_worker(args: argparse.Namespace) -> dict[str, Any]:
    """Ingest the corpus into a temporary SQLite store, analyze, read the families."""
    from wiretrace.config import load_settings
    from wiretrace.pipeline import Service

    if args.corpus_index == "auto":
        with open(args.corpus, "rb") as lines:
            args.corpus_index = chosen_index("auto", sum(1 for _ in lines))
    marks: dict[str, list[float]] = {}

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if stage not in marks:  # where a long run is, on stderr (shown when a run fails)
            rss = peak_rss_mb()["self"]
            print(
                f"[wiretrace] {stage} from {now - begun:.0f} s, peak {rss:.0f} MB", file=sys.stderr
            )
            sys.stderr.flush()
        marks.setdefault(stage, [now, now])[1] = now

    begun = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="wt-bench-") as tmp:
        overrides = {
            **WIRETRACE_OVERRIDES,
            "store": {"url": f"sqlite:///{tmp}/bench.sqlite"},
            "run": {"corpus_index": args.corpus_index},
        }
        settings = load_settings(env={}, overrides=overrides)
        started = time.perf_counter()
        with Service(settings) as service:
            ingest = service.ingest([Path(args.corpus)], progress=progress)
            ingested = time.perf_counter()
            report = service.analyze(progress=progress)
            analyzed = time.perf_counter()
            families = service.families()
        finished = time.perf_counter()
    stages = _service_stages(marks, started, ingested, analyzed, finished)
    groups = [f.members for f in families if len(f.members) > 1]
    pairs = list(_family_pairs(families))
    labels = corpus.read_labels(Path(args.labels))
    return {
        "name": "wiretrace",
        "setup": (
            f"Service.ingest + analyze, SQLite, embed=hashing, corpus index {args.corpus_index}"
        ),
        "docs": ingest.read,
        "seconds": finished - started,
        "stages": stages,
        "quality": evaluate(labels, groups, pairs),
        "largest_group": max((len(g) for g in groups), default=0),
        "candidates": report.candidates,
        "rejected": len(ingest.rejected),
    }


def _service_stages(
    marks: dict[str, list[float]], started: float, ingested: float, analyzed: float, done: float
) -> dict[str, float]:
    fingerprinted = marks.get("fingerprint", [ingested, ingested])[1]
    proposed = marks.get("candidates", [fingerprinted, fingerprinted])[1]
    verify = marks.get("verify", [proposed, proposed])
    families = marks.get("families", [verify[1], verify[1]])[1]
    return {
        "ingest": ingested - started,
        "read+prepare+features": fingerprinted - ingested,
        "propose": proposed - fingerprinted,
        "triage (+ first verify batch)": verify[0] - proposed,
        "verify": verify[1] - verify[0],
        "plan + build families": families - verify[1],
        "store families": analyzed - families,
        "read families": done - analyzed,
    }


def _family_pairs(families: Iterable[Any]) -> Iterator[Pair]:
    for family in families:
        for edge in family.edges:
            if edge.relation.is_derivation:
                yield min(edge.source, edge.derivative), max(edge.source, edge.derivative)
        for group in family.duplicate_groups:
            for other in group[1:]:
                yield min(group[0], other), max(group[0], other)


# -- wiretrace: checking new articles against an index --------------------------


def query_worker(args: argparse.Namespace) -> dict[str, Any]:
    """Store the corpus and its features without analysing it (``Service.ingest`` then
    ``Service.fingerprint``, features on ``--processes`` processes), build ``check``'s index
    (a ``FrozenIndex`` read from the store), then time checking new articles: the lexical
    path (prepare + features + ``index.query``: the candidates found) and the whole
    ``Service.check`` (that, then each candidate read from the store and triaged or
    compared)."""
    from wiretrace.candidates import features
    from wiretrace.config import load_settings
    from wiretrace.pipeline import Service
    from wiretrace.text import prepare

    marks: dict[str, list[float]] = {}

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        marks.setdefault(stage, [now, now])[1] = now

    probes = corpus.probe_articles(Path(args.corpus), args.probes)
    with tempfile.TemporaryDirectory(prefix="wt-bench-") as tmp:
        overrides = {**WIRETRACE_OVERRIDES, "store": {"url": f"sqlite:///{tmp}/bench.sqlite"}}
        settings = load_settings(env={}, overrides=overrides)
        with Service(settings) as service:
            begun = time.perf_counter()
            ingest = service.ingest([Path(args.corpus)], progress=progress)
            ingested = time.perf_counter()
            service.fingerprint(progress)
            fingerprinted = time.perf_counter()
            fingerprint_peak = peak_rss_mb()["self"]
            before_index = current_rss_mb()
            index = service._stored_index()
            built = time.perf_counter()
            index_rss = {
                "peak before the index (ingest, fingerprint)": fingerprint_peak,
                "now, before the index": before_index,
                "now, index built": current_rss_mb(),
                "peak with the index built": peak_rss_mb()["self"],
            }
            lexical_ms: list[float] = []
            check_ms: list[float] = []
            hits = 0
            for record, origin, _ in probes:
                article = corpus.article_from(record)
                started = time.perf_counter()
                index.query(features(prepare(article), settings.candidates))
                lexical_ms.append((time.perf_counter() - started) * 1000.0)
                started = time.perf_counter()
                found = service.check(article)
                check_ms.append((time.perf_counter() - started) * 1000.0)
                hits += int(
                    any(
                        m.stored.id == origin and m.comparison.relation.is_derivation
                        for m in found.matches
                    )
                )
            model, model_ms = _checks_with_the_sentence_model(service, probes[: args.model_probes])
    stages = {
        "ingest": ingested - begun,
        "fingerprint (prepare + features, stored)": fingerprinted - ingested,
        "index build (FrozenIndex from the store)": built - fingerprinted,
    }
    return {
        "name": "wiretrace-query",
        "setup": (
            f"Service.ingest + fingerprint (features on {args.processes} processes), "
            "check's FrozenIndex read from SQLite, then Service.check per probe"
        ),
        "docs": ingest.read,
        "seconds": built - begun,
        "stages": stages,
        "quality": {
            "recall": float("nan"),
            "precision": float("nan"),
            "reported_pairs": 0,
            "mixed_groups": 0,
            "groups": 0,
            "recall_by_kind": {},
        },
        "largest_group": 0,
        "index_rss_mb": index_rss,
        "query_ms": percentiles(lexical_ms),
        "check_ms": percentiles(check_ms),
        "check_model_ms": {"model": model, **percentiles(model_ms)},
        "query_hit": hits / max(1, len(probes)),
    }


def _checks_with_the_sentence_model(
    service: Any, probes: Sequence[tuple[dict[str, str], str, str]]
) -> tuple[str, list[float]]:
    """Time ``Service.check`` of ``probes`` with the default sentence model aligning (the
    semantic path); return the model's name (or why it could not load) and the times."""
    from wiretrace.config import load_settings
    from wiretrace.embed import get_encoder
    from wiretrace.errors import DependencyError

    if not probes:
        return "not run", []
    try:
        service.encoder = get_encoder(load_settings(env={}).embed)
    except DependencyError as exc:
        return f"not run: {exc}", []
    timings: list[float] = []
    for record, _, _ in probes:
        started = time.perf_counter()
        service.check(corpus.article_from(record))
        timings.append((time.perf_counter() - started) * 1000.0)
    return str(service.encoder.name), timings


# -- driver ---------------------------------------------------------------------

WIRETRACE_RUNS = ("wiretrace", "wiretrace-query")
PEER_NAMES = ("datasketch", "rensa")
Results = dict[str, dict[str, Any] | None]


def run_worker(args: argparse.Namespace) -> None:
    """Run one pipeline in this process and print its result as one JSON line."""
    if args.worker == "wiretrace":
        result = wiretrace_worker(args)
    elif args.worker == "wiretrace-query":
        result = query_worker(args)
    elif args.worker == "passim":
        result = passim_worker(args)
    else:
        result = peer_worker(args.worker, args)
    result["rss_mb"] = peak_rss_mb()
    print("RESULT " + json.dumps(result))


def result_path(files: corpus.CorpusFiles, name: str) -> Path:
    """Return where the result of the run ``name`` on a corpus is kept (beside the corpus)."""
    return files.articles.with_name(f"{files.articles.stem}.{name}.result.json")


def spawn(name: str, files: corpus.CorpusFiles, args: argparse.Namespace) -> dict[str, Any] | None:
    """Run one pipeline in a fresh subprocess; returns its result, or None when it failed."""
    command = [sys.executable, __file__, "--worker", name, "--corpus", str(files.articles)]
    command += ["--labels", str(files.labels), "--processes", str(args.processes)]
    command += ["--probes", str(args.probes), "--model-probes", str(args.model_probes)]
    command += ["--corpus-index", args.corpus_index]
    if args.passim is not None:
        command += ["--passim", str(args.passim)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("RESULT "):
            result: dict[str, Any] = json.loads(line[len("RESULT ") :])
            # kept beside the corpus as it arrives: a long run stopped later keeps this row
            kept = result_path(files, name)
            kept.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
            print(f"  result kept in {kept}", flush=True)
            return result
    print(f"[{name}] failed (exit {done.returncode}):\n{done.stderr[-3000:]}", file=sys.stderr)
    return None


def docs_per_s(result: dict[str, Any] | None) -> float:
    """Return a run's articles per second end to end (nan when it did not run)."""
    return float(result["docs"] / result["seconds"]) if result else float("nan")


def _row(name: str, r: dict[str, Any] | None) -> str:
    if r is None:
        return f"{name:<18}  (not run or failed)"
    nan = float("nan")
    q = r.get("query_ms", {"p50": nan, "p95": nan})
    quality = r["quality"]
    return (
        f"{name:<18}{docs_per_s(r):>8.0f}{r['seconds']:>8.1f}{quality['recall']:>8.3f}"
        f"{quality['precision']:>7.3f}{quality['reported_pairs']:>7}{quality['mixed_groups']:>7}"
        f"{r['rss_mb']['total']:>8.0f}{q['p50']:>9.2f}{q['p95']:>9.2f}"
        f"{r.get('query_hit', nan):>6.2f}"
    )


def _details(name: str, r: dict[str, Any]) -> list[str]:
    stages = ", ".join(f"{k} {v:.1f}s" for k, v in r["stages"].items())
    quality = r["quality"]
    lines = [
        f"[{name}] {r['setup']}",
        f"  stages: {stages}",
        f"  recall by kind: {quality['recall_by_kind']}",
        f"  groups {quality['groups']} (largest {r['largest_group']}), rss MB {r['rss_mb']}",
    ]
    for key in (
        "candidates",
        "relations",
        "query_ms",
        "check_ms",
        "check_model_ms",
        "index_rss_mb",
    ):
        if key in r:
            value = r[key]
            lines.append(f"  {key}: {round(value, 2) if isinstance(value, float) else value}")
    return lines


def print_table(results: Results, size: int, args: argparse.Namespace) -> None:
    """Print the comparison table, per-stage details, and the summary line."""
    print(f"\ncorpus: {size} articles; processes={args.processes}; probes={args.probes}")
    print(
        f"{'pipeline':<18}{'docs/s':>8}{'seconds':>8}{'recall':>8}{'prec':>7}{'pairs':>7}"
        f"{'mixed':>7}{'rss MB':>8}{'q p50':>9}{'q p95':>9}{'hit':>6}"
    )
    for name, result in results.items():
        print(_row(name, result))
    for name, result in results.items():
        if result:
            print("\n" + "\n".join(_details(name, result)))
    if results.get("passim") and results.get("wiretrace"):
        ratio = docs_per_s(results["wiretrace"]) / docs_per_s(results["passim"])
        print(f"wiretrace end to end / passim: {ratio:.2f}x")
    print(summary_line(results, size))


def matched_peer(results: Results, peer: str, recall: float) -> dict[str, Any] | None:
    """Return the run of ``peer`` whose planted recall is closest to ``recall``."""
    runs = [r for n, r in results.items() if r and n.partition("@")[0] == peer]
    if not runs:
        return None
    if recall != recall:  # nan: wiretrace did not run; take the first shape
        return runs[0]
    return min(runs, key=lambda r: abs(float(r["quality"]["recall"]) - recall))


def summary_line(results: Results, size: int) -> str:
    """Return the one-line summary: wiretrace end to end against recall-matched peers."""
    wt = results.get("wiretrace")
    query = results.get("wiretrace-query")
    rate = docs_per_s(wt)
    recall = float(wt["quality"]["recall"]) if wt else float("nan")
    rss = wt["rss_mb"]["total"] if wt else float("nan")
    p95 = query["query_ms"]["p95"] if query else float("nan")
    ratios = {p: rate / docs_per_s(matched_peer(results, p, recall)) for p in PEER_NAMES}
    return (
        f"summary: size={size} docs_per_s={rate:.0f} "
        f"ratio_vs_datasketch={ratios['datasketch']:.3f} ratio_vs_rensa={ratios['rensa']:.3f} "
        f"recall={recall:.3f} peak_rss_mb={rss:.0f} query_p95_ms={p95:.1f}"
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="wiretrace throughput against peers")
    parser.add_argument("--size", default="10k", help="10k, 100k, 1m or an integer")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--from", dest="from_file", type=Path, default=None)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--probes", type=int, default=200, help="new articles to check")
    parser.add_argument(
        "--model-probes",
        type=int,
        default=20,
        help="of those, how many to check again with the sentence model aligning",
    )
    parser.add_argument(
        "--peer-shapes", default="32x4,64x2", help="peer LSH bands x rows, comma-separated"
    )
    parser.add_argument(
        "--only", default=None, help="comma-separated runs, e.g. wiretrace,rensa@32x4"
    )
    parser.add_argument(
        "--force", action="store_true", help="run the end-to-end analysis even if too large"
    )
    parser.add_argument(
        "--passim",
        type=Path,
        default=os.environ.get("WIRETRACE_PASSIM") or None,
        help="a checkout of github.com/dasmiq/passim: run it as a peer too",
    )
    parser.add_argument(
        "--corpus-index",
        choices=("auto", "dicts", "columns"),
        default="auto",
        help=(
            "the end-to-end analysis's corpus index (wiretrace's run.corpus_index); auto: "
            "dicts when the corpus fits this machine's memory with them, else columns"
        ),
    )
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--labels", default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# what the end-to-end analysis holds per article at its peak, by corpus index (features, the
# corpus index, verdicts; docs/benchmarks.md): dicts measured at 100k (session 5), columns at
# 1M, every process together (session 12: 5.02 GB)
ANALYZE_BYTES_PER_ARTICLE = {"dicts": 34_000, "columns": 5_100}


def chosen_index(asked: str, size: int) -> str:
    """Return the corpus index a run of ``size`` articles uses: ``asked`` unless "auto",
    which takes dicts (quicker to build) when they fit this machine's memory, else columns."""
    if asked != "auto":
        return asked
    return "dicts" if _needs_more_memory("wiretrace", size, False, "dicts") is None else "columns"


# what a peer's pipeline holds per article at its peak, by LSH bands (its signatures, index and
# pairs), from the runs of docs/benchmarks.md and rounded up: datasketch 32 bands 11.2 KB at
# 1M, 64 bands 20.0 KB at 100k; rensa 32 bands 3.5 KB and 64 bands 7.3 KB at 1M
PEER_BYTES_PER_BAND = {"datasketch": 350, "rensa": 115}


def _bytes_per_article(name: str, index: str) -> int | None:
    """Return what the run ``name`` holds per article, None when it is not estimated."""
    if name == "wiretrace":
        return ANALYZE_BYTES_PER_ARTICLE[index]
    peer, _, shape = name.partition("@")
    if peer not in PEER_BYTES_PER_BAND:
        return None
    bands = parse_peer(name)[1].bands if shape else 32
    return PEER_BYTES_PER_BAND[peer] * bands


def _needs_more_memory(name: str, size: int, force: bool, index: str = "dicts") -> str | None:
    """Return why the run ``name`` of ``size`` articles would not fit this machine's memory
    (None when it would, when it is not estimated, or when ``force``)."""
    per_article = _bytes_per_article(name, index)
    if per_article is None or force:
        return None
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return None
    needed = per_article * size
    if needed <= 0.8 * memory:
        return None
    held = "the end-to-end analysis" if name == "wiretrace" else name
    return (
        f"{held} holds ~{per_article / 1000:.1f} KB per article in "
        f"memory, ~{needed / 2**30:.0f} GiB for {size:,} articles, and this machine has "
        f"{memory / 2**30:.0f} GiB (--force runs it anyway)"
    )


def run_names(args: argparse.Namespace) -> list[str]:
    """Return the runs asked for: wiretrace's two, then each peer at each LSH shape."""
    if args.only:
        return [n for n in args.only.split(",") if n]
    shapes = [s for s in args.peer_shapes.split(",") if s]
    return [*WIRETRACE_RUNS, *(f"{p}@{s}" for s in shapes for p in PEER_NAMES), "passim"]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        run_worker(args)
        return 0
    files = corpus.write_corpus(corpus.parse_size(args.size), args.seed, args.from_file)
    print(f"corpus {files.articles} ({files.size} articles); machine: {os.cpu_count()} cores")
    args.corpus_index = chosen_index(args.corpus_index, files.size)
    print(f"wiretrace's corpus index: {args.corpus_index}")
    results: Results = {}
    for name in run_names(args):
        too_big = _needs_more_memory(name, files.size, args.force, args.corpus_index)
        if name == "passim":
            too_big = passim_peer.missing(args.passim)
        if too_big:
            print(f"skipping {name}: {too_big}", flush=True)
            results[name] = None
            continue
        print(f"running {name} ...", flush=True)
        started = time.perf_counter()
        results[name] = spawn(name, files, args)
        print(f"  done in {time.perf_counter() - started:.0f}s", flush=True)
    print_table(results, files.size, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
