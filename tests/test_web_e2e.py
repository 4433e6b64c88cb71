"""The web pages in a real headless Chromium against a real uvicorn server and SQLite store.

Needs Debian's Chromium at /usr/bin/chromium (installed here with apt-get when running as
root) and Playwright for Python; skipped with the reason printed otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from wiretrace.config import EmbedSettings, Settings, StoreSettings
from wiretrace.models import Article
from wiretrace.pipeline import Service
from wiretrace.web import create_app

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "src" / "wiretrace" / "data" / "sample"
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ORIGIN = "harbor-fire-mpa-original"
REWRITE = "harbor-fire-newspulse-rewrite"


def _skip(reason: str) -> None:
    print(f"skipping browser tests: {reason}")
    pytest.skip(reason, allow_module_level=True)


def _install_chromium() -> str | None:
    """Install Debian's chromium when possible; return why it is still missing, else None."""
    if CHROMIUM.exists():
        return None
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return f"{CHROMIUM} is missing and apt-get cannot run here (not root)"
    install = ["apt-get", "install", "-y", "chromium"]
    for commands in ([install], [["apt-get", "update"], install]):
        for command in commands:
            subprocess.run(command, capture_output=True, check=False, timeout=900)
        if CHROMIUM.exists():
            return None
    return f"apt-get install chromium did not provide {CHROMIUM}"


try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
except ImportError:
    _skip("playwright for Python is not installed")
_missing = _install_chromium()
if _missing is not None:
    _skip(_missing)


def sample_articles() -> list[Article]:
    meta_file = next(
        p for p in (SAMPLE / "articles" / "meta.jsonl", SAMPLE / "meta.jsonl") if p.exists()
    )
    meta_lines = meta_file.read_text(encoding="utf-8").splitlines()
    meta = {m["id"]: m for m in map(json.loads, filter(None, meta_lines))}
    articles = []
    for path in sorted((SAMPLE / "articles").glob("*.txt")):
        info: dict[str, Any] = meta.get(path.stem, {})
        published = info.get("published_at")
        articles.append(
            Article(
                id=path.stem,
                text=path.read_text(encoding="utf-8"),
                title=info.get("title"),
                outlet=info.get("outlet"),
                url=info.get("url"),
                published_at=_parse_time(published) if published else None,
            )
        )
    return articles


def _parse_time(value: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(value)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A uvicorn server in a background thread over the analysed sample corpus."""
    import uvicorn

    folder = tmp_path_factory.mktemp("web")
    settings = Settings(
        embed=EmbedSettings(model="hashing"),
        store=StoreSettings(f"sqlite:///{folder / 'web.sqlite'}"),
    )
    service = Service(settings)
    service.add_articles(sample_articles())
    service.analyze()
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings, service), host="127.0.0.1", port=port, log_level="warning", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    service.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    yield opened
    context.close()
    assert not errors, f"the page logged errors: {errors}"


def test_families_family_and_comparison_of_the_llm_rewrite(page: Page, base_url: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(base_url + "/")
    rows = page.locator("tr.family-row")
    expect(rows.first).to_be_visible()
    page.fill("#family-filter", "grain terminal")
    visible = page.locator("tr.family-row:not(.filtered-out)")
    expect(visible).to_have_count(1)
    visible.locator("a.family-link").click()

    page.wait_for_url("**/families/F-*")
    expect(page.locator("#family-graph svg")).to_be_visible()
    expect(page.locator("#family-graph g.node.origin")).to_have_count(1)
    expect(page.locator(f'#members tr[data-id="{REWRITE}"] .badge')).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "family.png"), full_page=True)
    page.locator(f'#members tr[data-id="{REWRITE}"] a.compare-link').click()

    page.wait_for_url("**/compare?*")
    number = page.locator("mark.chg.k-number").first
    expect(number).to_be_visible()
    assert "23,000" in (number.text_content() or "") or "2,300" in (number.text_content() or "")
    expect(page.locator("tr.passage.added, tr.passage.omitted").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "compare.png"), full_page=True)

    identical = page.locator("tr.passage.identical")
    if identical.count():
        expect(identical.first).to_be_visible()
    page.check("#toggle-identical")
    if identical.count():
        expect(identical.first).to_be_hidden()
    expect(number).to_be_visible()

    changed = page.locator("tr.passage", has=page.locator("mark.k-number")).first
    changed.click()
    expect(page.locator("#passage-detail")).to_be_visible()
    expect(page.locator("#detail-derivative")).to_contain_text("23,000")


def test_families_sort_by_outlet(page: Page, base_url: str) -> None:
    page.goto(base_url + "/?min_size=1")
    page.select_option("#family-sort", "outlet")
    outlets = page.locator("tr.family-row").evaluate_all(
        "rows => rows.map(r => r.dataset.outlet).filter(Boolean)"
    )
    assert outlets == sorted(outlets)
    page.select_option("#family-sort", "size")
    sizes = page.locator("tr.family-row").evaluate_all("rows => rows.map(r => +r.dataset.size)")
    assert sizes == sorted(sizes, reverse=True)


def test_graph_nodes_lead_to_articles(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.fill("#family-filter", "grain terminal")
    page.locator("tr.family-row:not(.filtered-out) a.family-link").click()
    page.locator(f'#family-graph g.node[data-id="{REWRITE}"]').click()
    page.wait_for_url(f"**/articles/{REWRITE}")
    expect(page.locator("a.compare-link")).to_be_visible()


def test_check_form_shows_reuse(page: Page, base_url: str) -> None:
    text = (SAMPLE / "articles" / f"{REWRITE}.txt").read_text(encoding="utf-8")
    page.goto(base_url + "/check")
    page.fill("textarea[name=text]", text)
    page.click("button[type=submit]")
    result = page.locator("#check-result")
    expect(result).to_be_visible()
    expect(result.locator("table.side-by-side")).to_be_visible()
