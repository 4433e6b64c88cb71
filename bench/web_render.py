"""Server time to render the web pages: a 50-member family page and a 1,000-word comparison.

Run:  .venv/bin/python bench/web_render.py [--model hashing|minilm] [--repeat 30]

The family is synthetic (fictional text, a hand-made derivation graph written to the
store), so the figure is rendering alone; the comparison page aligns two ~1,000-word
fictional articles on each request, and the bare ``Service.compare`` is timed beside it
so the page's own share shows. Target: under 200 ms per page.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from wiretrace.config import EmbedSettings, Settings, StoreSettings
from wiretrace.models import Article, Change, ChangeKind, Edge, Family, Relation
from wiretrace.pipeline import Service
from wiretrace.web import create_app

PLACES = ["Port Alder", "Brennick", "Tollgate", "Eastquay", "Marrow Bay", "Kestrel Point"]
PEOPLE = ["Ilse Marwood", "Tomas Reyl", "Anja Feld", "Corin Haske", "Pell Odum"]
THINGS = ["grain terminal", "ferry line", "council", "water board", "rail depot", "harbour"]
VERBS = ["said", "told reporters", "confirmed", "announced", "warned"]


def sentence(rng: random.Random) -> str:
    """Return one fictional news sentence (about 20 words) with a number and a name."""
    return (
        f"{rng.choice(PEOPLE)} of the {rng.choice(PLACES)} {rng.choice(THINGS)} "
        f"{rng.choice(VERBS)} on {rng.choice(['Monday', 'Tuesday', 'Friday'])} that "
        f"{rng.randint(2, 9000):,} residents near the {rng.choice(THINGS)} in "
        f"{rng.choice(PLACES)} would be affected for about {rng.randint(2, 40)} days."
    )


def story(rng: random.Random, words: int) -> list[str]:
    sentences: list[str] = []
    while sum(len(s.split()) for s in sentences) < words:
        sentences.append(sentence(rng))
    return sentences


def rewrite(sentences: list[str], rng: random.Random) -> list[str]:
    """A derivative: some sentences dropped, numbers changed, words swapped, lines added."""
    out: list[str] = []
    for line in sentences:
        roll = rng.random()
        if roll < 0.1:
            continue
        if roll < 0.25:
            line = line.replace("about", "nearly").replace("said", "claimed")
        elif roll < 0.35:
            words = line.split()
            words[-3] = f"{rng.randint(50, 99)}"
            line = " ".join(words)
        out.append(line)
        if rng.random() < 0.05:
            out.append("Readers can sign up for our newsletter to follow this story.")
    return out


def paragraphs(sentences: list[str]) -> str:
    return "\n\n".join(" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3))


def seed_family(service: Service, rng: random.Random) -> str:
    """Store 50 articles and a family over them; return the family id."""
    base = story(rng, 450)
    articles = [Article(id="fam-00", text=paragraphs(base), title="Origin", outlet="Wire")]
    edges: list[Edge] = []
    relations = [Relation.VERBATIM, Relation.EXCERPT, Relation.CONDENSED, Relation.PARAPHRASE]
    for n in range(1, 50):
        member = f"fam-{n:02d}"
        parent = f"fam-{rng.randint(0, n - 1):02d}"
        text = paragraphs(rewrite(base, rng))
        articles.append(Article(id=member, text=text, title=f"Copy {n}", outlet=f"Outlet {n % 9}"))
        change = Change(ChangeKind.NUMBER, "4,000", "40,000")
        edges.append(Edge(parent, member, relations[n % 4], 0.9, (change,) * (n % 3)))
    service.add_articles(articles)
    family = Family(
        id="F-bench",
        origin="fam-00",
        members=tuple(a.id for a in articles),
        edges=tuple(sorted(edges, key=lambda e: (e.source, e.derivative))),
    )
    service.store.replace_families([family])
    return family.id


def seed_pair(service: Service, rng: random.Random) -> tuple[Article, Article]:
    source = story(rng, 1000)
    pair = (
        Article(id="long-source", text=paragraphs(source), title="Long source", outlet="Wire"),
        Article(id="long-copy", text=paragraphs(rewrite(source, rng)), title="Long copy"),
    )
    service.add_articles(pair)
    return pair


def timed(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Return the median and the worst wall time of ``action`` in milliseconds."""
    action()  # warm up: templates compiled, caches filled
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def get_ok(client: TestClient, url: str) -> Callable[[], object]:
    def fetch() -> object:
        reply = client.get(url)
        if reply.status_code != 200:
            raise SystemExit(f"{url}: HTTP {reply.status_code}: {reply.text[:300]}")
        return reply

    return fetch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["hashing", "minilm"], default="hashing")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="wiretrace-bench-") as folder:
        settings = Settings(
            embed=EmbedSettings(model=args.model),
            store=StoreSettings(f"sqlite:///{Path(folder) / 'bench.sqlite'}"),
        )
        with Service(settings) as service, TestClient(create_app(settings, service)) as client:
            family_id = seed_family(service, rng)
            source, derivative = seed_pair(service, rng)
            words = len(source.text.split())
            compare_url = f"/compare?source={source.id}&derivative={derivative.id}"
            rows = [
                ("family page, 50 members", get_ok(client, f"/families/{family_id}")),
                ("family JSON, 50 members", get_ok(client, f"/api/families/{family_id}")),
                ("families list page", get_ok(client, "/")),
                (f"compare page, {words} words", get_ok(client, compare_url)),
                (
                    f"  of which Service.compare ({args.model})",
                    lambda: service.compare(source, derivative, source.id),
                ),
            ]
            print(f"web render bench: median / worst of {args.repeat} requests, ms")
            print(f"{'page':<40}{'median':>10}{'worst':>10}")
            for name, action in rows:
                median, worst = timed(action, args.repeat)
                print(f"{name:<40}{median:>10.1f}{worst:>10.1f}")


if __name__ == "__main__":
    main()
