"""The HTTP API and pages through the real app, a real SQLite store and the sample corpus."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from wiretrace.config import EmbedSettings, Settings, StoreSettings
from wiretrace.errors import StoreError
from wiretrace.models import Article, Family
from wiretrace.pipeline import Service
from wiretrace.store import FamilyFilter
from wiretrace.web import create_app
from wiretrace.web.context import page_environment, safe_url

SAMPLE = Path(__file__).resolve().parent.parent / "src" / "wiretrace" / "data" / "sample"
REWRITE = "harbor-fire-newspulse-rewrite"
ORIGIN = "harbor-fire-mpa-original"
HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_OUTLET = '" onmouseover="alert(2)'
HOSTILE_URL = "javascript:alert(3)"


def web_settings(folder: Path) -> Settings:
    return Settings(
        embed=EmbedSettings(model="hashing"),
        store=StoreSettings(f"sqlite:///{folder / 'api.sqlite'}"),
    )


def sample_articles() -> list[dict[str, Any]]:
    """The bundled sample corpus as API inputs (text from the files, metadata from meta.jsonl)."""
    meta_file = next(
        p for p in (SAMPLE / "articles" / "meta.jsonl", SAMPLE / "meta.jsonl") if p.exists()
    )
    meta_lines = meta_file.read_text(encoding="utf-8").splitlines()
    meta = {m["id"]: m for m in map(json.loads, filter(None, meta_lines))}
    articles = []
    for path in sorted((SAMPLE / "articles").glob("*.txt")):
        item = {"id": path.stem, "text": path.read_text(encoding="utf-8")}
        info = meta.get(path.stem, {})
        item.update({k: info[k] for k in ("title", "outlet", "url", "published_at") if info.get(k)})
        articles.append(item)
    return articles


HOSTILE = {
    "id": "hostile-copy",
    "title": HOSTILE_TITLE,
    "outlet": HOSTILE_OUTLET,
    "url": HOSTILE_URL,
}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, Any]]]:
    """An app over a store holding the sample corpus plus one hostile copy, and the POST reply."""
    folder = tmp_path_factory.mktemp("api")
    app = create_app(web_settings(folder))
    with TestClient(app) as client:
        batch = sample_articles()
        hostile = dict(HOSTILE, text=next(a["text"] for a in batch if a["id"] == ORIGIN))
        reply = client.post("/api/articles", json={"articles": [*batch, hostile]})
        assert reply.status_code == 200, reply.text
        yield client, reply.json()


@pytest.fixture()
def fresh(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(web_settings(tmp_path))) as client:
        yield client


def assert_error(reply: Any, status: int) -> dict[str, Any]:
    assert reply.status_code == status, reply.text
    body = reply.json()
    assert set(body) == {"error", "detail"}
    assert "Traceback" not in reply.text
    return dict(body)


# -- writing -----------------------------------------------------------------------


def test_batch_post_places_every_article_in_a_family(seeded: tuple[TestClient, Any]) -> None:
    _, reply = seeded
    placed = {a["id"]: a for a in reply["articles"]}
    assert len(placed) == len(sample_articles()) + 1
    assert reply["ingest"]["added"] == len(placed)
    assert all(a["family"] for a in placed.values())
    rewrite, origin = placed[REWRITE], placed[ORIGIN]
    assert rewrite["family"] == origin["family"]
    assert rewrite["source"] is not None and rewrite["relation"] is not None
    assert placed["herald-regatta"]["source"] is None


def test_single_post_is_incremental_and_idempotent(fresh: TestClient) -> None:
    article = {"id": "regatta", "text": "Rowers raced on the bay. The club won the cup again."}
    first = fresh.post("/api/articles", json=article).json()
    again = fresh.post("/api/articles", json=article).json()
    assert first["ingest"]["added"] == 1
    assert again["ingest"]["unchanged"] == 1
    assert first["articles"][0]["family"] == again["articles"][0]["family"]


def test_post_without_id_derives_one_from_the_text(fresh: TestClient) -> None:
    reply = fresh.post("/api/articles", json={"text": "A ferry sailed at dawn."}).json()
    (placed,) = reply["articles"]
    assert placed["id"].startswith("a-")
    assert fresh.get(f"/api/articles/{placed['id']}").json()["text"] == "A ferry sailed at dawn."


@pytest.mark.parametrize(
    "body",
    [
        {"title": "no text"},
        {"text": "   "},
        {"id": "has space", "text": "x"},
        {"id": "old@v2", "text": "x"},
        {"articles": []},
        {"text": "x", "unknown": 1},
        {"text": "x", "published_at": "not a date"},
    ],
)
def test_bad_articles_get_422_json(fresh: TestClient, body: dict[str, Any]) -> None:
    error = assert_error(fresh.post("/api/articles", json=body), 422)
    assert error["error"] == "invalid request"


def test_malformed_json_gets_422_json(fresh: TestClient) -> None:
    reply = fresh.post(
        "/api/articles", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert_error(reply, 422)


def test_oversize_body_gets_413_json(fresh: TestClient) -> None:
    text = "word " * (1_100_000)
    assert_error(fresh.post("/api/articles", json={"text": text}), 413)


def test_text_over_the_settings_limit_gets_422(tmp_path: Path) -> None:
    from dataclasses import replace

    from wiretrace.config import TextSettings

    limited = replace(web_settings(tmp_path), text=TextSettings(max_chars=50))
    with TestClient(create_app(limited)) as client:
        error = assert_error(client.post("/api/articles", json={"text": "x" * 51}), 422)
    assert "exceeds" in error["detail"]


# -- the write token ------------------------------------------------------------------


def test_token_guards_writes_but_not_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIRETRACE_TOKEN", "s3cret")
    with TestClient(create_app(web_settings(tmp_path))) as client:
        article = {"id": "t1", "text": "The bridge reopened on Monday."}
        missing = client.post("/api/articles", json=article)
        assert_error(missing, 401)
        assert missing.headers["www-authenticate"] == "Bearer"
        wrong = client.post("/api/articles", json=article, headers=bearer("nope"))
        assert_error(wrong, 401)
        assert_error(client.post("/api/check", json={"text": "x"}), 401)
        assert client.post("/check", data={"text": "x"}).status_code == 401
        good = client.post("/api/articles", json=article, headers=bearer("s3cret"))
        assert good.status_code == 200
        assert client.get("/api/articles/t1").status_code == 200
        assert client.get("/").status_code == 200


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# -- reading ---------------------------------------------------------------------------


def test_get_article_returns_text_family_and_source(seeded: tuple[TestClient, Any]) -> None:
    client, reply = seeded
    body = client.get(f"/api/articles/{REWRITE}").json()
    placed = next(a for a in reply["articles"] if a["id"] == REWRITE)
    assert body["text"].startswith("Deadly Port Alder")
    assert body["outlet"] == "NewsPulse Today"
    assert (body["family"], body["source"], body["relation"]) == (
        placed["family"],
        placed["source"],
        placed["relation"],
    )


def test_unknown_ids_get_404_json(seeded: tuple[TestClient, Any]) -> None:
    client, _ = seeded
    assert_error(client.get("/api/articles/nope"), 404)
    assert_error(client.get("/api/families/F-nope"), 404)
    assert_error(client.get("/api/compare", params={"source": ORIGIN, "derivative": "x"}), 404)
    assert_error(client.get("/api/nothing-here"), 404)


def families(client: TestClient, **params: Any) -> dict[str, Any]:
    reply = client.get("/api/families", params=params)
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def test_families_are_paged_with_a_stable_total(seeded: tuple[TestClient, Any]) -> None:
    client, _ = seeded
    everything = families(client, limit=1000)
    first, second = families(client, limit=3), families(client, limit=3, offset=3)
    assert first["total"] == second["total"] == everything["total"] == len(everything["families"])
    ids = [f["id"] for f in everything["families"]]
    assert [f["id"] for f in first["families"] + second["families"]] == ids[:6]
    sizes = [len(f["members"]) for f in everything["families"]]
    assert sizes == sorted(sizes, reverse=True)


def test_families_filters(seeded: tuple[TestClient, Any]) -> None:
    client, _ = seeded
    multi = families(client, min_size=2)["families"]
    assert multi and all(len(f["members"]) >= 2 for f in multi)
    pulse = families(client, outlet="newspulse today")["families"]
    assert pulse and all(any("newspulse" in m for m in f["members"]) for f in pulse)
    verbatim = families(client, relation="verbatim")["families"]
    assert verbatim and all(any(e["relation"] == "verbatim" for e in f["edges"]) for f in verbatim)
    assert families(client, since="2100-01-01T00:00:00Z")["total"] == 0
    assert families(client, until="1990-01-01")["total"] == 0
    assert_error(client.get("/api/families", params={"relation": "copied"}), 422)
    assert_error(client.get("/api/families", params={"limit": 0}), 422)


def test_family_detail_has_members_edges_changes_and_dot(seeded: tuple[TestClient, Any]) -> None:
    client, reply = seeded
    family_id = next(a["family"] for a in reply["articles"] if a["id"] == REWRITE)
    body = client.get(f"/api/families/{family_id}").json()
    assert REWRITE in body["members"] and ORIGIN in body["members"]
    assert {a["id"] for a in body["articles"]} == set(body["members"])
    assert body["dot"].startswith("digraph")
    into_rewrite = next(e for e in body["edges"] if e["derivative"] == REWRITE)
    assert into_rewrite["changes"], "the LLM rewrite's planted changes are missing"
    assert body["origin"] in body["members"]


def test_compare_keeps_the_given_source(seeded: tuple[TestClient, Any]) -> None:
    client, _ = seeded
    forward = client.get("/api/compare", params={"source": ORIGIN, "derivative": REWRITE}).json()
    assert (forward["source"], forward["derivative"]) == (ORIGIN, REWRITE)
    kinds = {c["kind"] for p in forward["pairs"] for c in p["changes"]}
    assert "number" in kinds
    backward = client.get("/api/compare", params={"source": REWRITE, "derivative": ORIGIN}).json()
    assert backward["source"] == REWRITE
    same = client.get("/api/compare", params={"source": ORIGIN, "derivative": ORIGIN})
    assert_error(same, 422)
    assert_error(client.get("/api/compare", params={"source": ORIGIN}), 422)


def test_check_matches_pasted_text_without_storing_it(seeded: tuple[TestClient, Any]) -> None:
    client, _ = seeded
    before = client.get("/api/health").json()
    rewrite = client.get(f"/api/articles/{REWRITE}").json()["text"]
    reply = client.post("/api/check", json={"text": rewrite.replace("Tuesday", "Wednesday")})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["article"]["family"] is None
    assert body["matches"], "the pasted rewrite matched nothing"
    best = body["matches"][0]
    assert best["family"] is not None
    assert best["comparison"]["relation"] != "unrelated"
    assert client.get("/api/health").json() == before


def test_check_reads_pasted_html(seeded: tuple[TestClient, Any]) -> None:
    client, _ = seeded
    text = client.get(f"/api/articles/{ORIGIN}").json()["text"]
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n"))
    page = f"<html><head><title>t</title></head><body><article>{paragraphs}</article></body></html>"
    reply = client.post("/api/check", json={"html": page})
    assert reply.status_code == 200, reply.text
    assert reply.json()["matches"]


def test_check_needs_exactly_one_of_text_or_html(fresh: TestClient) -> None:
    assert_error(fresh.post("/api/check", json={}), 422)
    assert_error(fresh.post("/api/check", json={"text": "a", "html": "<p>a</p>"}), 422)


def test_health_counts_the_store(seeded: tuple[TestClient, Any]) -> None:
    client, reply = seeded
    body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["articles"] == len(reply["articles"])
    assert body["families"] == reply["analysis"]["families"]
    assert isinstance(body["schema_version"], int)


def test_openapi_lists_the_api(seeded: tuple[TestClient, Any]) -> None:
    client, _ = seeded
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/articles", "/api/families", "/api/compare", "/api/check", "/api/health"):
        assert path in paths
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/api/families/{family_id}" in docs.text
    assert "http://" not in docs.text and "https://" not in docs.text


# -- pages -----------------------------------------------------------------------------


def family_of(reply: dict[str, Any], article_id: str) -> str:
    return str(next(a["family"] for a in reply["articles"] if a["id"] == article_id))


def test_pages_render(seeded: tuple[TestClient, Any]) -> None:
    client, reply = seeded
    family_id = family_of(reply, REWRITE)
    index = client.get("/")
    assert index.status_code == 200 and f"/families/{family_id}" in index.text
    family = client.get(f"/families/{family_id}")
    assert family.status_code == 200
    assert "<svg" in family.text and 'class="node origin"' in family.text
    assert f"derivative={REWRITE}" in family.text
    compare = client.get("/compare", params={"source": ORIGIN, "derivative": REWRITE})
    assert compare.status_code == 200
    assert 'class="chg k-number"' in compare.text and "toggle-identical" in compare.text
    assert client.get(f"/articles/{REWRITE}").status_code == 200
    assert client.get("/check").status_code == 200
    theme = client.get("/theme.css")
    assert theme.headers["content-type"].startswith("text/css") and "k-number" in theme.text
    assert client.get("/static/app.js").status_code == 200


def test_pages_send_a_strict_content_security_policy(seeded: tuple[TestClient, Any]) -> None:
    client, _ = seeded
    policy = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_check_page_shows_what_the_text_reuses(seeded: tuple[TestClient, Any]) -> None:
    client, _ = seeded
    rewrite = client.get(f"/api/articles/{REWRITE}").json()["text"]
    page = client.post("/check", data={"text": rewrite, "title": HOSTILE_TITLE})
    assert page.status_code == 200
    assert 'id="check-result"' in page.text and "compare-table" in page.text
    assert HOSTILE_TITLE not in page.text


def test_unknown_pages_get_an_html_404(seeded: tuple[TestClient, Any]) -> None:
    client, _ = seeded
    page = client.get("/families/F-nope", headers={"accept": "text/html"})
    assert page.status_code == 404 and "<html" in page.text
    assert_error(client.get("/families/F-nope", headers={"accept": "application/json"}), 404)


def test_hostile_metadata_is_never_live(seeded: tuple[TestClient, Any]) -> None:
    client, reply = seeded
    family_id = family_of(reply, "hostile-copy")
    pages = [
        client.get("/"),
        client.get("/?min_size=1"),
        client.get(f"/families/{family_id}"),
        client.get("/articles/hostile-copy"),
        client.get("/compare", params={"source": ORIGIN, "derivative": "hostile-copy"}),
    ]
    for page in pages:
        assert page.status_code == 200, page.url
        assert HOSTILE_TITLE not in page.text
        assert HOSTILE_OUTLET not in page.text
        assert 'href="javascript:' not in page.text.lower()
    assert str(escape(HOSTILE_TITLE)) in pages[3].text
    api = client.get("/api/articles/hostile-copy").json()
    assert (api["title"], api["url"]) == (HOSTILE_TITLE, HOSTILE_URL)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=60), st.text(max_size=60))
def test_any_title_and_url_render_escaped(title: str, url: str) -> None:
    article = Article(id="a1", text="Body.", title=title, url=url or None)
    page = (
        page_environment()
        .get_template("article.html.j2")
        .render(article=article, family=None, edge=None, token_required=False)
    )
    assert f"<h1>{escape(title)}</h1>" in page
    for link in re.findall(r'href="([^"]*)"', page):
        assert link.startswith("/") or link.lower().startswith(("http://", "https://"))


@given(st.text(max_size=80))
def test_safe_url_only_passes_plain_web_links(url: str) -> None:
    kept = safe_url(url)
    if kept is not None:
        assert kept.lower().startswith(("http://", "https://"))
        assert not any(ch.isspace() for ch in kept)


def test_safe_url_refuses_script_links() -> None:
    for url in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "vbscript:x"):
        assert safe_url(url) is None
    assert safe_url("https://news.example/a?b=1") == "https://news.example/a?b=1"


# -- failures --------------------------------------------------------------------------


class BrokenService(Service):
    """A service whose store has gone away, and one read that fails unexpectedly."""

    def family_page(self, wanted: FamilyFilter) -> tuple[int, list[Family]]:
        raise StoreError("database is locked: /secret/path.sqlite")

    def article(self, ref: str) -> Article:
        raise RuntimeError("boom at 0xdeadbeef")


@pytest.fixture()
def broken(tmp_path: Path) -> Iterator[TestClient]:
    settings_ = web_settings(tmp_path)
    app: FastAPI = create_app(settings_, BrokenService(settings_))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_failures_answer_json_without_internals(broken: TestClient) -> None:
    store = assert_error(broken.get("/api/families"), 500)
    assert "/secret" not in json.dumps(store)
    crash = assert_error(broken.get("/api/articles/x"), 500)
    assert "boom" not in json.dumps(crash) and "0xdeadbeef" not in json.dumps(crash)
    page = broken.get("/articles/x", headers={"accept": "text/html"})
    assert page.status_code == 500 and "boom" not in page.text and "Traceback" not in page.text
