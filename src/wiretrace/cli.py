"""The command line: parse, call the service, render. No algorithms here."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from wiretrace.config import Settings, load_settings
from wiretrace.contracts import analysis_to_dict, check_to_dict, family_to_dict
from wiretrace.errors import ConfigError, DependencyError, WiretraceError
from wiretrace.pipeline import IngestReport, Service
from wiretrace.relation import comparison_to_dict
from wiretrace.render.graph import family_dot
from wiretrace.render.html import compare_page, report_page
from wiretrace.render.terminal import families_table, family_table, print_comparison

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Trace how news stories are copied, cut, condensed and rewritten, and what changed.",
)
out = Console()
err = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="Database URL (sqlite:///file or postgresql://...); env WIRETRACE_DB."
    ),
]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="A TOML settings file.", exists=True)
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def _settings(db: str | None, config: Path | None) -> Settings:
    overrides: dict[str, Any] = {"store": {"url": db}} if db else {}
    return load_settings(config, overrides=overrides)


@contextmanager
def _progress(enabled: bool) -> Iterator[Any]:
    """Yield a progress callback drawing rich bars on stderr (silent when not a terminal)."""
    if not enabled:
        yield lambda stage, done, total: None
        return
    with Progress(
        TextColumn("{task.description:>12}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bars:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage, total=total or None)
            bars.update(tasks[stage], completed=done, total=total or None)

        yield update


def _report_ingest(report: IngestReport) -> None:
    for problem in report.rejected:
        err.print(f"[red]rejected[/] {problem}", highlight=False)
    err.print(
        f"read {report.read}: {report.added} added, {report.new_versions} new versions, "
        f"{report.unchanged} unchanged, {len(report.rejected)} rejected",
        highlight=False,
    )


@contextmanager
def _service(settings: Settings, temporary: bool) -> Iterator[Service]:
    if temporary:
        with tempfile.TemporaryDirectory(prefix="wiretrace-") as folder:
            url = f"sqlite:///{Path(folder) / 'analysis.sqlite'}"
            scratch = load_settings(overrides={"store": {"url": url}})
            with Service(_replace_store(settings, scratch)) as service:
                yield service
    else:
        with Service(settings) as service:
            yield service


def _replace_store(settings: Settings, scratch: Settings) -> Settings:
    from dataclasses import replace

    return replace(settings, store=scratch.store)


def _run_analysis(
    service: Service, paths: list[Path], as_json: bool, html: Path | None, title: str
) -> int:
    with _progress(sys.stderr.isatty()) as progress:
        ingested = service.ingest(paths, progress=progress)
        _report_ingest(ingested)
        report = service.analyze(progress=progress)
    articles = {a.id: a for a in service.corpus()}
    if as_json:
        out.print_json(json.dumps(analysis_to_dict(list(articles.values()), report.families)))
    else:
        out.print(families_table(report.families, articles))
    if html is not None:
        html.write_text(report_page(articles, report.families, title), encoding="utf-8")
        err.print(f"report written to {html}")
    return 1 if ingested.rejected else 0


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders: .txt .md .jsonl .csv .html")
    ],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Read articles into the store (idempotent; a changed text becomes a new version)."""
    with _service(_settings(db, config), temporary=False) as service:
        with _progress(sys.stderr.isatty()) as progress:
            report = service.ingest(paths, progress=progress)
        _report_ingest(report)
    raise typer.Exit(1 if report.rejected else 0)


@app.command()
def analyze(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to analyse.")],
    as_json: JsonOption = False,
    html: Annotated[Path | None, typer.Option("--html", help="Write an HTML report here.")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Ingest and analyse in one shot (a temporary store unless --db is given)."""
    with _service(_settings(db, config), temporary=db is None) as service:
        code = _run_analysis(service, paths, as_json, html, "wiretrace analysis")
    raise typer.Exit(code)


@app.command()
def families(db: DbOption = None, config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """List the stored story families."""
    with _service(_settings(db, config), temporary=False) as service:
        found = service.families()
        articles = {a.id: a for a in service.corpus()}
    if as_json:
        out.print_json(json.dumps([family_to_dict(f) for f in found]))
    else:
        out.print(families_table(found, articles))


@app.command()
def family(
    family_id: Annotated[str, typer.Argument(help="A family id (see `wiretrace families`).")],
    db: DbOption = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
    dot: Annotated[bool, typer.Option("--dot", help="Print the graph as Graphviz DOT.")] = False,
) -> None:
    """Show one family: origin, members, derivation edges and changes."""
    with _service(_settings(db, config), temporary=False) as service:
        found = service.family(family_id)
        articles = {a.id: a for a in service.corpus()}
    if dot:
        out.out(family_dot(found), end="")
    elif as_json:
        out.print_json(json.dumps(family_to_dict(found)))
    else:
        out.print(family_table(found, articles))


@app.command()
def compare(
    a: Annotated[str, typer.Argument(help="A file or a stored article id.")],
    b: Annotated[str, typer.Argument(help="A file or a stored article id.")],
    source: Annotated[
        str | None, typer.Option("--source", help="Which of the two is the source.")
    ] = None,
    as_json: JsonOption = False,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write a side-by-side page here.")
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Align two versions and say how one derives from the other and what changed."""
    with _service(_settings(db, config), temporary=False) as service:
        first, second = service.resolve(a), service.resolve(b)
        if source is not None and source in (a, b) and source not in (first.id, second.id):
            source = first.id if source == a else second.id
        comparison, src, der = service.compare(first, second, source)
    if as_json:
        out.print_json(json.dumps(comparison_to_dict(comparison, src, der)))
    else:
        print_comparison(out, comparison, src, der)
    if html is not None:
        html.write_text(compare_page(comparison, src, der), encoding="utf-8")
        err.print(f"comparison written to {html}")


@app.command()
def fingerprint(db: DbOption = None, config: ConfigOption = None) -> None:
    """Compute the candidate features of stored articles, without analysing them.

    ``check`` then runs against the whole store: an archive of a million articles can be
    checked against without the all-pairs analysis. Articles whose features are current are
    skipped; the store is read through in blocks.
    """
    with _service(_settings(db, config), temporary=False) as service:
        with _progress(sys.stderr.isatty()) as progress:
            computed = service.fingerprint(progress)
        stored = service.store.count_features()
    err.print(f"fingerprinted {computed} articles; {stored} have current features")


@app.command()
def check(
    path: Annotated[Path, typer.Argument(help="An article file to check against the store.")],
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Say which stored story an article reuses, from which version, and what it changed.

    Nothing is stored: the article is matched against everything in the store.
    """
    with _service(_settings(db, config), temporary=False) as service:
        article = service.resolve(str(path))
        result = service.check(article)
    matches = [(m.comparison, m.family, m.source, m.derivative) for m in result.matches]
    if as_json:
        out.print_json(json.dumps(check_to_dict(article, matches, comparison_to_dict)))
        return
    if not matches:
        out.print(f"{article.id}: no stored story reuses or is reused by this article")
        return
    for comparison, family_id, src, der in matches:
        out.rule(f"family {family_id or '?'}")
        print_comparison(out, comparison, src, der)


def sample_corpus() -> Path:
    """Return the folder of the bundled sample corpus."""
    return Path(str(resources.files("wiretrace") / "data" / "sample" / "articles"))


@app.command()
def demo(
    html: Annotated[Path, typer.Option("--html", help="Where to write the report.")] = Path(
        "wiretrace-demo.html"
    ),
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Analyse the bundled sample corpus, print its families and write an HTML report."""
    settings = _settings(db, None)
    with _service(settings, temporary=db is None) as service:
        code = _run_analysis(
            service, [sample_corpus()], as_json, html, "wiretrace demo: sample corpus"
        )
        if not as_json:
            found = service.families()
            articles = {a.id: a for a in service.corpus()}
            largest = max(found, key=lambda f: (len(f.members), f.id))
            out.print(family_table(largest, articles))
    raise typer.Exit(code)


@app.command("spark-analyze")
def spark_analyze(
    corpus: Annotated[str, typer.Argument(help="JSON Lines file or folder (any Spark path).")],
    master: Annotated[str, typer.Option("--master", help="Spark master URL.")] = "local[*]",
    config: ConfigOption = None,
) -> None:
    """Analyse a JSON Lines corpus on Spark (needs wiretrace[spark]); print the families as JSON."""
    from wiretrace.spark import local_session, run_spark

    session = local_session(master)
    try:
        report = run_spark(session, corpus, _settings(None, config))
    finally:
        session.stop()
    out.print_json(json.dumps([family_to_dict(f) for f in report.families]))


LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Serve the JSON API, its docs at /docs and the web pages."""
    if host not in LOCAL_HOSTS and not os.environ.get("WIRETRACE_TOKEN", "").strip():
        raise ConfigError(
            f"refusing to listen on {host} without WIRETRACE_TOKEN: anyone could write to the "
            "store; set the token or use --host 127.0.0.1"
        )
    try:
        import uvicorn

        from wiretrace.web import create_app
    except ImportError as exc:
        raise DependencyError(f"serving needs wiretrace[web] ({exc.name} is missing)") from exc
    uvicorn.run(create_app(_settings(db, config)), host=host, port=port, log_level="info")


def main() -> None:
    """Entry point: run the app, turning wiretrace errors into one clear line and exit code 2."""
    try:
        code = app(standalone_mode=False)
    except WiretraceError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # click's usage errors carry their own exit code
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
