"""Candidate recall on planted paraphrases hidden in a pile of real news, with and without
the semantic generator; and the vector index comparison (bench/vector_index.py).

Run through the driver: ``python bench/quality.py --only candidates [--quick]``.

Planted pairs: the 200 human -> ChatGPT rephrasings of human_vs_chatgpt_news_rephrase
(real LLM rewrites, condensed to about a third), the seed rewrites 002 and 004 of 000, and
four fictional LLM-style rewrites written for this bench. The pile around them: the
other ChatGPT texts (200 written from the title only: same story, no reuse), 2,225 BBC and
2,775 Reuters C50 articles. No publication dates are given, so the semantic generator's
gate is always a shared rare anchor here, never the time window.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from _sections import Section

from wiretrace.candidates import SemanticSettings, features, propose
from wiretrace.config import CandidateSettings
from wiretrace.errors import DependencyError
from wiretrace.models import Article, Candidate, Document
from wiretrace.text import prepare

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(os.environ.get("WIRETRACE_SHARED", ROOT.parent / "shared")) / "seeds"
DISTRACTORS = 5_000
MODES = {
    "lexical only (LSH, sentences, anchors)": SemanticSettings(mode="off"),
    "+ semantic, hashing vectors": SemanticSettings(mode="hashing", threshold=0.4),
    "+ semantic, static MiniLM-distilled vectors": SemanticSettings(mode="static", threshold=0.8),
}

PLANTED = [
    (
        "Emergency crews in the river town of Kelmoor evacuated 1,240 residents on Sunday after "
        "the Varne Dam spillway cracked during three days of heavy rain. Regional governor Alma "
        "Restrepo said engineers from the Hydro Authority found a 14-metre fissure at dawn. "
        "Schools in the valley will stay closed until Wednesday. The authority said water was "
        "being released slowly to lower the reservoir by four metres.",
        "Over a thousand people were moved out of their homes in Kelmoor as the Varne Dam "
        "showed dangerous damage following days of torrential downpours. According to governor "
        "Alma Restrepo, inspectors discovered a large crack early in the morning. Local schools "
        "are expected to remain shut for several days while officials gradually drain the "
        "reservoir to reduce pressure on the structure.",
    ),
    (
        "Shares in Brightwell Foods fell 18 percent on Thursday after the grocer cut its annual "
        "profit forecast to 310 million pounds, blaming a price war with discount chains. Chief "
        "executive Tomas Ferrier told analysts the company would close 42 stores and invest in "
        "its delivery service. It was the company's second profit warning this year.",
        "Brightwell Foods saw its stock tumble sharply after the supermarket group lowered its "
        "earnings outlook, pointing to intense competition from budget rivals. CEO Tomas Ferrier "
        "said dozens of shops will be shut as the business shifts money into home delivery. "
        "This marks the second time in twelve months the retailer has warned on profits.",
    ),
    (
        "The Orlena Philharmonic will tour nine cities in South America next spring, its first "
        "overseas tour in a decade, conductor Mireille Achebe announced on Monday. The orchestra "
        "will open in Montevideo on April 3 with a new cello concerto by composer Ivo Santangelo. "
        "Tickets go on sale in January.",
        "For the first time in ten years, the Orlena Philharmonic is heading abroad: conductor "
        "Mireille Achebe revealed plans for a spring tour taking in nine South American cities. "
        "The opening night in Montevideo will feature the premiere of a cello concerto written "
        "by Ivo Santangelo, with ticket sales starting early next year.",
    ),
    (
        "Police in Darrow arrested two men on Friday over the theft of 37 paintings from the "
        "Halvard Museum last month. Detective inspector Ruth Okafor said most of the works, "
        "including a portrait by Elsa Vinter, were recovered from a storage unit near the port. "
        "The museum's director thanked the public for tips.",
        "Two suspects have been detained in connection with the disappearance of dozens of "
        "artworks from Darrow's Halvard Museum, investigators said. Detective Ruth Okafor "
        "explained that the bulk of the stolen pieces, among them an Elsa Vinter portrait, "
        "turned up in a lock-up close to the harbour. Museum management credited information "
        "from members of the public.",
    ),
]


@dataclass
class Pile:
    articles: list[Article]
    planted: list[tuple[str, str]]  # (source id, rewrite id), planted in the pile


def _loaders(data: Path):  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(data))
    import loaders

    return loaders


def build_pile(data: Path, distractors: int) -> Pile:
    """Return the planted pairs and the distractor articles as one pile."""
    loaders = _loaders(data)
    human, generated = loaders.human_vs_chatgpt()
    articles = [Article(f"human-{i:03d}", h["text"]) for i, h in enumerate(human)]
    human_id = {h["title_en"]: f"human-{i:03d}" for i, h in enumerate(human)}
    planted: list[tuple[str, str]] = []
    for j, g in enumerate(generated):
        articles.append(Article(f"chatgpt-{j:03d}", g["text"]))
        if g["source"].startswith("rephrase"):
            planted.append((human_id[g["title_en"]], f"chatgpt-{j:03d}"))
    for k, (source, rewrite) in enumerate(PLANTED):
        articles += [Article(f"planted-{k}-src", source), Article(f"planted-{k}-llm", rewrite)]
        planted.append((f"planted-{k}-src", f"planted-{k}-llm"))
    if SEEDS.is_dir():
        for path in sorted(SEEDS.glob("00[024]_*.txt")):
            articles.append(Article(f"seed-{path.name[:3]}", path.read_text(encoding="utf-8")))
        planted += [("seed-000", "seed-002"), ("seed-000", "seed-004")]
    bbc = [Article(f"bbc-{b['id']}", f"{b['title']}\n\n{b['text']}") for b in loaders.bbc()]
    reuters = [Article(f"c50-{r['author']}-{r['id']}", r["text"]) for r in loaders.reuters_c50()]
    articles += (bbc + reuters)[:distractors]
    return Pile(articles, planted)


@dataclass
class Run:
    mode: str
    recall: float
    missed: list[tuple[str, str]]
    per_article_mean: float
    per_article_p95: float
    features_s: float
    propose_s: float
    semantic_only: int


def measure(docs: list[Document], pile: Pile, name: str, semantic: SemanticSettings) -> Run:
    """Return recall and cost of candidate search over ``docs`` with ``semantic``."""
    settings = CandidateSettings()
    started = time.perf_counter()
    all_features = [features(d, settings, semantic) for d in docs]
    featured = time.perf_counter()
    found = propose(all_features, settings, semantic)
    proposed = time.perf_counter()
    pairs = {(c.a, c.b) for c in found}
    missed = [p for p in pile.planted if tuple(sorted(p)) not in pairs]
    counts = _pairs_per_article(found, [d.id for d in docs])
    return Run(
        name,
        1.0 - len(missed) / len(pile.planted),
        missed,
        float(np.mean(counts)),
        float(np.percentile(counts, 95)),
        featured - started,
        proposed - featured,
        sum(1 for c in found if all(r.startswith(("semantic", "common")) for r in c.reasons)),
    )


def _pairs_per_article(found: list[Candidate], ids: list[str]) -> list[int]:
    counts = dict.fromkeys(ids, 0)
    for c in found:
        counts[c.a] += 1
        counts[c.b] += 1
    return [counts[i] for i in ids]


def run(data: Path, quick: bool = False) -> list[Section]:
    """Return the candidate recall section and the vector index section."""
    pile = build_pile(data, 1_000 if quick else DISTRACTORS)
    docs = [prepare(a) for a in pile.articles]
    runs: list[Run] = []
    for name, semantic in MODES.items():
        try:
            runs.append(measure(docs, pile, name, semantic))
        except DependencyError as exc:
            print(f"   {name}: skipped ({exc})", flush=True)
        else:
            r = runs[-1]
            print(
                f"   {name}: recall {r.recall:.3f}, {r.per_article_mean:.2f} pairs/article",
                flush=True,
            )
    sections = [_recall_section(runs, pile, len(docs))]
    sections.append(_index_section(data, 20_000 if quick else 100_000))
    return sections


def _recall_section(runs: list[Run], pile: Pile, articles: int) -> Section:
    lines = [
        f"{len(pile.planted)} planted paraphrase pairs (200 human -> ChatGPT rephrasings, "
        f"{len(PLANTED)} fictional LLM-style rewrites, seeds 002/004 vs 000) in a pile of "
        f"{articles:,} articles (the rest: 200 ChatGPT articles written from the title only, "
        "BBC and Reuters C50). Candidate pairs per article = pairs alignment would verify.",
        "",
        "| candidate generators | planted recall | pairs/article mean | p95 | semantic-only pairs "
        "| features s | propose s |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        lines.append(
            f"| {r.mode} | {r.recall:.3f} | {r.per_article_mean:.2f} | {r.per_article_p95:.0f} "
            f"| {r.semantic_only:,} | {r.features_s:.1f} | {r.propose_s:.1f} |"
        )
    for r in runs:
        if r.missed:
            lines.append(f"\nMissed by {r.mode}: {', '.join(f'{a}/{b}' for a, b in r.missed[:8])}")
    lines.append(
        "\nSemantic settings: hashing threshold 0.4, static threshold 0.8, top_k 5, "
        ">= 1 shared rare anchor. No GPU was available for this run; none is used."
    )
    lexical = runs[0]
    best = min(runs, key=lambda r: (-r.recall, r.per_article_mean))
    lines.append(f"\nHeadline figures in quality.json: {best.mode}.")
    metrics: dict[str, float | int | None] = {
        "planted_paraphrase_candidate_recall": round(best.recall, 4),
        "planted_paraphrase_candidate_recall_lexical": round(lexical.recall, 4),
        "candidates_per_article_mean": round(best.per_article_mean, 3),
        "candidates_per_article_p95": round(best.per_article_p95, 1),
        "candidates_per_article_mean_lexical": round(lexical.per_article_mean, 3),
    }
    return Section("Candidate recall on planted paraphrases", "\n".join(lines), metrics)


def _index_section(data: Path, n: int) -> Section:
    import vector_index

    figures, used = vector_index.compare(data, n, 2_000)
    text = (
        vector_index.table(figures, used)
        + "\n\nThe semantic index ships the exact numpy search: it needs no extra package and gives "
        "the same neighbours in any insertion order; HNSW indexes trade recall for speed."
    )
    exact = figures[0]
    return Section(
        "Vector index for semantic candidates",
        text,
        {"vector_index_exact_queries_per_s": round(exact.queries_per_s, 1)},
    )
