"""The real CLI in a subprocess: ingest, analyze, families, family, compare, demo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

WIRE = """PORT ALDER, Feb 3 (MPA) - Fire crews in the harbour town of Port Alder fought a blaze at the
old grain terminal for nine hours on Monday, the regional fire service said.

About 140 firefighters and 32 engines were sent to the terminal after the alarm was raised at 4:10 a.m.,
chief officer Marta Kessel told reporters at the quay.

"We were lucky the wind turned north before dawn," Kessel said. "Otherwise the fuel depot would have
been next."

Two workers were treated for smoke inhalation and released, according to the Alder General Hospital.
The cause of the fire was not yet known, and the port authority said an inquiry would begin on Tuesday.

The terminal, built in 1911, has been empty since 2019 and was due to be converted into housing.
"""

UNRELATED = """LINDMARK, Feb 4 - The Lindmark city council voted 7 to 2 on Tuesday to extend the
tram line to the university campus, a project estimated at 48 million crowns.

Mayor Ilse Brandt said construction would start in the spring and take three years. Opponents said the
money should go to bus routes in the northern districts.
"""


def run(
    *args: str, cwd: Path, env_extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WIRETRACE_EMBED__MODEL": "hashing", "COLUMNS": "200"}
    env.pop("WIRETRACE_DB", None)
    if env_extra:
        env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "wiretrace.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture()
def pile(tmp_path: Path) -> Path:
    folder = tmp_path / "pile"
    folder.mkdir()
    (folder / "wire.txt").write_text(
        "Fire at Port Alder grain terminal\n\n" + WIRE, encoding="utf-8"
    )
    excerpt = WIRE.split("\n\n")
    (folder / "excerpt.txt").write_text(
        "\n\n".join(excerpt[:3])
        + "\n\nFirefighters at the quay on Monday. Photo: J. Okafor / MPA\n",
        encoding="utf-8",
    )
    (folder / "tram.txt").write_text("Tram line approved\n\n" + UNRELATED, encoding="utf-8")
    return folder


def test_analyze_json_contract(pile: Path, tmp_path: Path) -> None:
    result = run("analyze", str(pile), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    ids = sorted(a["id"] for a in data["articles"])
    assert ids == ["excerpt", "tram", "wire"]
    for article in data["articles"]:
        assert set(article) >= {"id", "title", "outlet", "published_at", "family"}
    by_origin = {f["origin"]: f for f in data["families"]}
    assert set(by_origin) == {"wire", "tram"}
    (edge,) = by_origin["wire"]["edges"]
    assert (edge["source"], edge["derivative"], edge["relation"]) == ("wire", "excerpt", "excerpt")
    assert set(edge) >= {"source", "derivative", "relation", "score", "changes"}
    assert by_origin["tram"]["members"] == ["tram"]
    family_of = {a["id"]: a["family"] for a in data["articles"]}
    assert family_of["excerpt"] == family_of["wire"] == by_origin["wire"]["id"]


def test_same_input_in_another_order_gives_the_same_output(pile: Path, tmp_path: Path) -> None:
    first = run(
        "analyze",
        str(pile / "tram.txt"),
        str(pile / "wire.txt"),
        str(pile / "excerpt.txt"),
        "--json",
        cwd=tmp_path,
    )
    second = run(
        "analyze",
        str(pile / "excerpt.txt"),
        str(pile / "wire.txt"),
        str(pile / "tram.txt"),
        "--json",
        cwd=tmp_path,
    )
    assert first.returncode == second.returncode == 0
    assert json.loads(first.stdout) == json.loads(second.stdout)


def test_ingest_is_idempotent_and_incremental(pile: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'news.sqlite'}"
    first = run("ingest", str(pile), "--db", db, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "3 added" in first.stderr
    again = run("ingest", str(pile), "--db", db, cwd=tmp_path)
    assert "0 added" in again.stderr and "3 unchanged" in again.stderr
    (pile / "tram.txt").write_text(
        "Tram line approved\n\n" + UNRELATED + "\nThe vote was delayed.\n", encoding="utf-8"
    )
    changed = run("ingest", str(pile), "--db", db, cwd=tmp_path)
    assert "1 new versions" in changed.stderr
    analysed = run("analyze", str(pile), "--db", db, "--json", cwd=tmp_path)
    assert analysed.returncode == 0, analysed.stderr
    ids = {a["id"] for a in json.loads(analysed.stdout)["articles"]}
    assert ids == {"wire", "excerpt", "tram", "tram@v1"}
    listed = run("families", "--db", db, "--json", cwd=tmp_path)
    families = json.loads(listed.stdout)
    tram = next(f for f in families if "tram" in f["members"])
    assert sorted(tram["members"]) == ["tram", "tram@v1"]
    shown = run("family", tram["id"], "--db", db, "--dot", cwd=tmp_path)
    assert shown.stdout.startswith(f'digraph "{tram["id"]}"')


def test_bad_input_is_named_and_the_rest_goes_in(pile: Path, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"id": "ok-1", "text": UNRELATED})
        + "\n{not json\n"
        + json.dumps({"id": "empty", "text": ""})
        + "\n",
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 'news.sqlite'}"
    result = run("ingest", str(feed), str(pile), "--db", db, cwd=tmp_path)
    assert result.returncode == 1
    assert "feed.jsonl:2" in result.stderr and "feed.jsonl:3" in result.stderr
    assert "4 added" in result.stderr and "2 rejected" in result.stderr


def test_compare_files_json_and_html(pile: Path, tmp_path: Path) -> None:
    page = tmp_path / "diff.html"
    result = run(
        "compare",
        str(pile / "excerpt.txt"),
        str(pile / "wire.txt"),
        "--json",
        "--html",
        str(page),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["source"], data["derivative"], data["relation"]) == ("wire", "excerpt", "excerpt")
    assert {"coverage", "pairs", "omitted", "added", "confidence"} <= set(data)
    assert any(a["kind"] == "caption" for a in data["added"])
    assert "<table" in page.read_text(encoding="utf-8")


def test_unknown_family_is_a_clear_error(tmp_path: Path) -> None:
    result = run("family", "F-nope", "--db", f"sqlite:///{tmp_path / 'x.sqlite'}", cwd=tmp_path)
    assert result.returncode == 2
    assert "F-nope" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_archive_fingerprinted_without_analysis_is_checked_against(
    pile: Path, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    ingested = run(
        "ingest", str(pile / "wire.txt"), str(pile / "tram.txt"), "--db", db, cwd=tmp_path
    )
    assert ingested.returncode == 0, ingested.stderr
    done = run("fingerprint", "--db", db, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "fingerprinted 2 articles; 2 have current features" in done.stderr
    assert "fingerprinted 0 articles" in run("fingerprint", "--db", db, cwd=tmp_path).stderr
    drifted = tmp_path / "drifted.txt"
    drifted.write_text(
        WIRE.replace("About 140 firefighters", "About 410 firefighters"), encoding="utf-8"
    )
    result = run("check", str(drifted), "--db", db, "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["source"] == "wire"


def test_check_reports_source_family_and_changes_without_storing(
    pile: Path, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'news.sqlite'}"
    assert (
        run(
            "analyze", str(pile / "wire.txt"), str(pile / "tram.txt"), "--db", db, cwd=tmp_path
        ).returncode
        == 0
    )
    drifted = tmp_path / "drifted.txt"
    drifted.write_text(
        "Port Alder fire\n\n" + WIRE.replace("About 140 firefighters", "About 410 firefighters"),
        encoding="utf-8",
    )
    result = run("check", str(drifted), "--db", db, "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["source"] == "wire"
    assert data["relation"] in ("verbatim", "excerpt")
    changes = [c for m in data["matches"] for p in m["comparison"]["pairs"] for c in p["changes"]]
    assert {"kind": "number", "source_text": "140", "derivative_text": "410"}.items() <= next(
        c for c in changes if c["kind"] == "number"
    ).items()
    listed = json.loads(
        run("analyze", str(pile / "wire.txt"), "--db", db, "--json", cwd=tmp_path).stdout
    )
    assert "drifted" not in {a["id"] for a in listed["articles"]}


@pytest.mark.postgres
def test_analyze_into_postgresql_then_read_back(
    pile: Path, tmp_path: Path, postgres_url: str
) -> None:
    first = run("analyze", str(pile), "--db", postgres_url, "--json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    listed = run("families", "--db", postgres_url, "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    stored = {f["origin"]: sorted(f["members"]) for f in json.loads(listed.stdout)}
    assert stored == {"wire": ["excerpt", "wire"], "tram": ["tram"]}
    again = run("ingest", str(pile), "--db", postgres_url, cwd=tmp_path)
    assert "3 unchanged" in again.stderr


@pytest.mark.slow
@pytest.mark.xdist_group("model")
def test_demo_writes_the_report(tmp_path: Path) -> None:
    page = tmp_path / "demo.html"
    result = run(
        "demo",
        "--html",
        str(page),
        cwd=tmp_path,
        env_extra={"WIRETRACE_EMBED__MODEL": "minilm-int8"},
    )
    assert result.returncode == 0, result.stderr
    assert "9 story families" in result.stdout
    html = page.read_text(encoding="utf-8")
    assert html.count('<section class="family"') == 9
    assert 'class="family-graph"' in html
    assert "harbor-fire-newspulse-rewrite" in html and "2,300" in html and "23,000" in html
