"""The service facade: every driver (CLI, API, web, Spark) calls these methods.

The service runs the pure stages in order over what the store holds:
ingest -> prepare -> candidate features -> propose -> verify (compare) -> families.
Work is incremental: features are kept per (article, content hash) and verified
pairs per (both content hashes), so analysing after an ingest only computes what
the new or changed articles need.
"""

from __future__ import annotations

import gc
import itertools
import json
import logging
import multiprocessing
import sys
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, overload

import numpy as np
import orjson

from wiretrace import parallel
from wiretrace.candidates import (
    CandidateFeatures,
    CandidateIndex,
    CorpusCandidates,
    Hashes,
    facts_overlap,
    features,
    features_scheme,
    shares_text,
)
from wiretrace.candidates.columns import FactColumns
from wiretrace.candidates.frozen import FrozenIndex
from wiretrace.config import Settings
from wiretrace.embed import Encoder, Matrix, get_encoder
from wiretrace.errors import InputError, NotFoundError
from wiretrace.families import FamilyPlan, Link, MemberInfo, member_info, plan_families
from wiretrace.ingest import read_inputs
from wiretrace.models import (
    AlignedPair,
    AlignKind,
    Article,
    Candidate,
    Comparison,
    Document,
    Edge,
    Family,
    Relation,
)
from wiretrace.relation import (
    RULES,
    compare,
    comparison_from_dict,
    comparison_to_dict,
    triage,
    triage_by_facts,
    unaligned_to_dict,
)
from wiretrace.runtime import WorkCollector, forking, one_blas_thread, paused_gc
from wiretrace.shelf import ArticleShelf
from wiretrace.store import FamilyFilter, Store
from wiretrace.text import prepare

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
"""Called as progress(stage, done, total) while long work runs."""

VERSION_SEPARATOR = "@v"


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What an ingest did: counts, and every input that was turned away (with where)."""

    read: int
    added: int
    unchanged: int
    new_versions: int
    rejected: tuple[InputError, ...] = ()


@dataclass(frozen=True, slots=True)
class AnalysisReport:
    """What an analysis computed and found."""

    articles: int
    featured: int  # articles whose features were computed in this run
    candidates: int
    verified: int  # candidate pairs compared in this run (the rest came from the store)
    families: tuple[Family, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class CheckMatch:
    """A stored article an unstored one was verified against, with both documents."""

    comparison: Comparison
    family: str | None  # the stored article's family
    stored: Article
    source: Document  # the comparison's source document
    derivative: Document


@dataclass(frozen=True, slots=True)
class CheckResult:
    """An unstored article's matches, best first (derivations before same-event coverage)."""

    article: Article
    matches: tuple[CheckMatch, ...]

    @property
    def best(self) -> CheckMatch | None:
        return self.matches[0] if self.matches else None


class LazyEncoder:
    """Loads the sentence model on first use, so lexical-only work never pays for it."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._inner: Encoder | None = None
        self.name = settings.embed.model

    def encode(self, sentences: Sequence[str]) -> Matrix:
        if self._inner is None:
            self._inner = get_encoder(self._settings.embed)
            self.name = self._inner.name
        return self._inner.encode(sentences)


class Service:
    """One facade over the stages and the store."""

    def __init__(
        self, settings: Settings, store: Store | None = None, encoder: Encoder | None = None
    ) -> None:
        self.settings = settings
        self.store = store if store is not None else Store(settings.store.url)
        self.encoder: Encoder = encoder if encoder is not None else LazyEncoder(settings)
        self._index: tuple[int, CandidateIndex] | None = None  # ``check``'s index, with its key

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Service:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- ingest -------------------------------------------------------------------

    def ingest(
        self, paths: Sequence[Path], progress: Progress = _no_progress, batch_size: int = 2000
    ) -> IngestReport:
        """Read files and folders into the store; bad inputs are reported, the rest goes in."""
        rejected: list[InputError] = []
        batch: list[Article] = []
        read = added = unchanged = new_versions = 0

        def flush() -> None:
            nonlocal added, unchanged, new_versions
            if batch:
                result = self.store.put_articles(batch)
                added += result.added
                unchanged += result.unchanged
                new_versions += result.new_versions
                batch.clear()

        for item in read_inputs(paths, max_chars=self.settings.text.max_chars):
            if isinstance(item, InputError):
                rejected.append(item)
                continue
            read += 1
            batch.append(item)
            if len(batch) >= batch_size:
                flush()
                progress("ingest", read, 0)
        flush()
        progress("ingest", read, read)
        return IngestReport(read, added, unchanged, new_versions, tuple(rejected))

    def add_articles(self, articles: Iterable[Article]) -> IngestReport:
        """Store already-built articles (the API's entry point)."""
        batch = list(articles)
        result = self.store.put_articles(batch)
        return IngestReport(len(batch), result.added, result.unchanged, result.new_versions)

    # -- analysis -----------------------------------------------------------------

    def corpus(self) -> list[Article]:
        """Every stored article: latest versions under their id, older ones as ``id@vN``."""
        articles = list(self.store.articles())
        for article_id, version, old in self.store.older_versions():
            articles.append(_as_version(old, article_id, version))
        return sorted(articles, key=lambda a: a.id)

    def shelf(self) -> ArticleShelf:
        """Every stored article as ``corpus`` names them, their texts held compressed in a
        temporary file (``run.spill_dir``): ``close`` it when done."""
        shelf = ArticleShelf(self.store.iter_articles(), spill_dir=self.settings.run.spill_dir)
        for article_id, version, old in self.store.older_versions():
            shelf.add(_as_version(old, article_id, version))
        return shelf

    def analyze(self, progress: Progress = _no_progress) -> AnalysisReport:
        """Find candidates, verify them, build and store the families of everything stored.

        The texts are held compressed (``ArticleShelf``), and once the candidates are found
        only the fact hashes of the features are kept (what triage reads): the corpus held
        at once is its index and its features, then its candidates and their verdicts.
        """
        articles = self.shelf()
        try:
            return self._analyze(articles, progress)
        finally:
            articles.close()

    def _analyze(self, articles: ArticleShelf, progress: Progress) -> AnalysisReport:
        # a bounded cache: a large corpus is read through once, not held as documents
        docs = DocumentCache(DOCUMENT_CACHE)

        def doc(article_id: str) -> Document:
            return docs.document(article_id, articles)

        # the corpus index is built as the features arrive (the workers compute the rest)
        columns = self.settings.run.corpus_index == "columns"
        corpus = CorpusCandidates(
            [], self.settings.candidates, columns=columns, spill_dir=self.settings.run.spill_dir
        )
        with paused_gc():  # what the features and the index build is kept: no collections
            featured = self._features(articles, docs, progress, corpus.add)
        progress("candidates", 0, len(articles))
        candidates = self._propose(corpus)
        progress("candidates", len(articles), len(articles))
        facts_of = corpus.facts()
        del corpus
        # a frozen index and its parts refer to each other: only a collection frees it, and
        # verification should not run beside a corpus index it no longer reads (~8 GB at 1M)
        gc.collect()
        proposed = len(candidates)
        comparisons, verified = self._verify(candidates, articles, facts_of, docs, progress)
        if isinstance(facts_of, FactColumns):
            facts_of.close()  # their records' temporary file
        del facts_of, candidates  # emptied by _verify
        families = []
        with paused_gc():  # the families are all kept: no collection while they are built
            infos = [docs.known_info(i) or docs.info(articles[i]) for i in articles.ids]
            plans = plan_families(infos, comparisons)
            for done, plan in enumerate(plans, start=1):
                families.append(build_family(plan, doc, self.encoder, self.settings))
                if done % 500 == 0 or done == len(plans):
                    progress("families", done, len(plans))
        self.store.replace_families(families)
        progress("store", 1, 1)
        return AnalysisReport(len(articles), featured, proposed, verified, tuple(families))

    def _features(
        self,
        articles: ArticleShelf,
        docs: DocumentCache,
        progress: Progress,
        take: Callable[[CandidateFeatures], None],
    ) -> int:
        """Hand every article's features to ``take`` as they are found: stored ones when still
        valid, the rest computed (in forked workers when there are many); return how many
        were computed. The family facts of each go into ``docs``, and the documents prepared
        in this process too. Call it with the collector paused: all it builds is kept for the
        whole analysis.
        """
        stored = self.store.features()
        scheme = features_scheme(self.settings.candidates)
        todo: list[str] = []
        for article_id in articles.ids:
            known = stored.get(article_id)
            reused = None
            if known is not None and known[0] == articles.content_hash(article_id):
                reused = CandidateFeatures.from_json(known[1])
            if reused is not None and reused.scheme == scheme:
                take(reused)
            else:
                todo.append(article_id)
        del stored
        run = self.settings.run
        computed: Iterable[parallel.Featured]
        if parallel.can_fork(run.processes, len(todo), run.parallel_min_articles):
            computed = parallel.featurize(articles.sequence(todo), self.settings, run.processes)
        else:
            computed = (self._featured_here(articles[i], docs) for i in todo)
        fresh: list[tuple[str, str, str]] = []
        if todo:
            self._index = None
        for done, (article_id, (info, computed_features, payload)) in enumerate(
            zip(todo, computed, strict=True), start=1
        ):
            docs.put_info(info)
            take(computed_features)
            fresh.append((article_id, articles.content_hash(article_id), payload))
            if done % 500 == 0:
                progress("fingerprint", len(articles) - len(todo) + done, len(articles))
            if len(fresh) >= FEATURE_BATCH:  # stored as they come: a large pile's JSON is big
                self.store.put_features(fresh)
                fresh.clear()
        self.store.put_features(fresh)
        progress("fingerprint", len(articles), len(articles))
        return len(todo)

    def _featured_here(self, article: Article, docs: DocumentCache) -> parallel.Featured:
        doc = prepare(article)
        found = parallel.featured(doc, self.settings)
        docs.put(doc, found[0])
        return found

    def _propose(self, corpus: CorpusCandidates) -> list[Candidate]:
        """Return the candidate pairs of the corpus, judged in forked workers when many."""
        run = self.settings.run
        if not parallel.can_fork(run.processes, len(corpus), run.parallel_min_articles):
            with paused_gc():  # the candidates found are all kept: no collection on the way
                return corpus.propose()
        return parallel.judge(corpus, run.processes)

    def _verify(
        self,
        candidates: list[Candidate],
        articles: ArticleShelf,
        facts_of: Mapping[str, Hashes],
        docs: DocumentCache,
        progress: Progress,
    ) -> tuple[list[Comparison], int]:
        """Return the comparisons of the candidates that are related (in candidate order) and
        how many were judged now: each is stored, or judged now (``_judge_pair``: triaged from
        the features when proposed without shared text and sharing too few facts, else
        compared), in worker processes when there are many.

        Unrelated verdicts go to the store but are not held: families ignore them, and in a
        large pile they are most of the candidates. Related ones are held without their
        omitted and added sentences (``held``). New verdicts are written in batches. The
        ``candidates`` list is emptied once read: verification holds only the pairs to judge.
        """
        known: dict[tuple[str, str, str, str], str] = {}
        related: dict[int, Comparison] = {}
        todo: list[Job] = []
        fresh: list[tuple[str, str, str, str, str]] = []
        for position, candidate in enumerate(candidates):
            if position % KNOWN_BLOCK == 0:  # stored verdicts are read a block at a time
                block = candidates[position : position + KNOWN_BLOCK]
                rows = self.store.comparisons_of(c.a for c in block)
                known = {(r.a_id, r.a_hash, r.b_id, r.b_hash): r.comparison_json for r in rows}
            a, b = candidate.a, candidate.b
            a_hash, b_hash = articles.content_hash(a), articles.content_hash(b)
            stored = known.get((a, a_hash, b, b_hash))
            data = json.loads(stored) if stored is not None else None
            if data is not None and data.get("rules") == RULES:  # else judged under old rules
                comparison = comparison_from_dict(data)
                if comparison.relation is not Relation.UNRELATED:
                    related[position] = held(comparison)
                continue
            todo.append((position, a, b, not shares_text(candidate)))
        known.clear()
        candidates.clear()
        # verdicts are kept or written, and judging here makes no cyclic garbage to speak of:
        # no automatic collections, which would walk every verdict kept (see WorkCollector)
        collector = WorkCollector(COLLECT_EVERY)
        with paused_gc():
            for done, (position, a, b, result, payload) in enumerate(
                self._judge_all(todo, articles, facts_of, docs), start=1
            ):
                collector.tick()
                if result is not None:
                    related[position] = result
                fresh.append((a, articles.content_hash(a), b, articles.content_hash(b), payload))
                if len(fresh) >= COMPARISON_BATCH:
                    self.store.put_comparisons(fresh)
                    fresh.clear()
                if done % 20 == 0 or done == len(todo):
                    progress("verify", done, len(todo))
        self.store.put_comparisons(fresh)
        return [related[position] for position in sorted(related)], len(todo)

    def _judge_all(
        self,
        todo: Sequence[Job],
        articles: ArticleShelf,
        facts_of: Mapping[str, Hashes],
        docs: DocumentCache,
    ) -> Iterator[tuple[int, str, str, Comparison | None, str]]:
        """Judge each pair (``_judge_pair``), in worker processes when there are enough; yields
        each with its position (in input order here; workers yield the pairs of a group of
        articles together).

        Forked workers start with the documents ``docs`` holds and prepare the rest
        themselves.
        """
        run = self.settings.run
        # workers build their encoder from the settings: an injected encoder keeps work here
        from_settings = isinstance(self.encoder, LazyEncoder)
        compared = sum(1 for job in todo if not job[3])  # at least these are aligned
        if from_settings and run.processes > 1 and compared >= run.parallel_min_pairs:
            yield from _judge_in_workers(todo, articles, facts_of, self.settings, docs)
            return
        for position, a, b, triaged in todo:
            result, payload = _judge_pair(
                a, b, triaged, articles, facts_of, docs, self.encoder, self.settings
            )
            yield position, a, b, result, payload

    def check(self, article: Article) -> CheckResult:
        """Match an article against everything stored, without storing it.

        Returns the stored articles it was verified against, best first: the
        first derivation (if any) names its likely source and family.
        """
        doc = prepare(article)
        probe = features(doc, self.settings.candidates)
        index = self._stored_index()
        results: list[CheckMatch] = []
        for candidate in index.query(probe):
            other_id = candidate.b if candidate.a == probe.article_id else candidate.a
            other = prepare(self.article(other_id))
            if not shares_text(candidate) and triage(other, doc) is not None:
                continue
            result = compare(other, doc, self.encoder, self.settings)
            if result.relation is Relation.UNRELATED:
                continue
            source, derivative = _ordered(result, other, doc)
            family = self.store.family_of(other_id)
            results.append(CheckMatch(result, family, other.article, source, derivative))
        results.sort(
            key=lambda m: (
                not m.comparison.relation.is_derivation,
                -m.comparison.confidence,
                m.stored.id,
            )
        )
        return CheckResult(article=article, matches=tuple(results))

    def _stored_index(self) -> CandidateIndex:
        """Return the candidate index of the stored features, built once and kept while the
        store holds the same features (this service's own writes drop it; another process's
        are seen by the feature count).

        It is a ``FrozenIndex``: the stored features are read through once into numpy
        columns, and a candidate's features are read back from the store when it is judged,
        so a stored corpus of a million articles is checked against in a few GB.
        """
        count = self.store.count_features()
        if self._index is None or self._index[0] != count:
            self._index = None  # the old one goes before the new one is built
            stored = (CandidateFeatures.from_json(row[2]) for row in self.store.iter_features())
            index = FrozenIndex.build(stored, self.settings.candidates, self._stored_features)
            self._index = (count, index)
        return self._index[1]

    def _stored_features(self, article_ids: Sequence[str]) -> dict[str, CandidateFeatures]:
        """Return the stored features of ``article_ids`` (those stored), parsed."""
        found = self.store.features_of(article_ids)
        return {k: CandidateFeatures.from_json(payload) for k, (_, payload) in found.items()}

    def fingerprint(self, progress: Progress = _no_progress, block: int = 20000) -> int:
        """Compute and store the candidate features of every stored article (latest versions)
        that lacks current ones, so ``check`` can run against a corpus that was never
        analysed; return how many were computed.

        The store is read through ``block`` articles at a time and nothing is held, so a
        corpus larger than memory can be fingerprinted (features are computed in forked
        workers when there are many).
        """
        scheme = features_scheme(self.settings.candidates)
        total = self.store.count_articles()
        done = computed = 0
        articles = self.store.iter_articles()
        while batch := list(itertools.islice(articles, block)):
            known = self.store.features_of(a.id for a in batch)
            todo = [
                a
                for a in batch
                if (stored := known.get(a.id)) is None
                or stored[0] != a.content_hash
                or CandidateFeatures.from_json(stored[1]).scheme != scheme
            ]
            run = self.settings.run
            found: Iterable[parallel.Featured]
            if parallel.can_fork(run.processes, len(todo), run.parallel_min_articles):
                found = parallel.featurize(todo, self.settings, run.processes)
            else:
                found = (parallel.featured(prepare(a), self.settings) for a in todo)
            rows = [
                (a.id, a.content_hash, payload)
                for a, (_, _, payload) in zip(todo, found, strict=True)
            ]
            for start in range(0, len(rows), FEATURE_BATCH):
                self.store.put_features(rows[start : start + FEATURE_BATCH])
            if rows:
                self._index = None
            computed += len(rows)
            done += len(batch)
            progress("fingerprint", done, total)
        return computed

    # -- reading ------------------------------------------------------------------

    def families(self) -> list[Family]:
        return list(self.store.families())

    def family(self, family_id: str) -> Family:
        return self.store.family(family_id)

    def family_page(self, wanted: FamilyFilter) -> tuple[int, list[Family]]:
        """Return how many stored families match ``wanted`` and its page, largest first."""
        return self.store.family_page(wanted)

    def articles_by_id(self, refs: Iterable[str]) -> dict[str, Article]:
        """Return the stored articles these references name (``id@vN`` for an older
        version); references to nothing stored are left out."""
        wanted = set(refs)
        found = self.store.articles_by_id(r for r in wanted if VERSION_SEPARATOR not in r)
        for ref in sorted(r for r in wanted if VERSION_SEPARATOR in r):
            try:
                found[ref] = self.article(ref)
            except NotFoundError:
                continue
        return found

    def article(self, ref: str) -> Article:
        """Return a stored article by id (``id@vN`` for an older version)."""
        base, sep, version = ref.rpartition(VERSION_SEPARATOR)
        if sep and version.isdigit():
            return _as_version(self.store.get_article(base, int(version)), base, int(version))
        return self.store.get_article(ref)

    def resolve(self, ref: str) -> Article:
        """Return the article a CLI/API reference names: a stored id, else a readable file."""
        try:
            return self.article(ref)
        except NotFoundError:
            path = Path(ref)
            if not path.exists():
                raise
        items = list(read_inputs([path], max_chars=self.settings.text.max_chars))
        for item in items:
            if isinstance(item, InputError):
                raise item
            return item
        raise NotFoundError(f"{ref}: no article in this file")

    def compare(
        self, a: Article, b: Article, source: str | None = None
    ) -> tuple[Comparison, Document, Document]:
        """Compare two articles; returns the comparison and the (source, derivative) documents."""
        da, db = prepare(a), prepare(b)
        if source is not None and source not in (a.id, b.id):
            raise NotFoundError(f"--source {source!r} is neither {a.id!r} nor {b.id!r}")
        result = compare(da, db, self.encoder, self.settings, source)
        return (result, *_ordered(result, da, db))


def build_family(
    plan: FamilyPlan, doc: Callable[[str], Document], encoder: Encoder, settings: Settings
) -> Family:
    """Return the family a plan describes, each link turned into an edge (``build_edge``).

    ``doc`` gives the prepared document of an id; it is read only for links the family's
    ranking turned around, which are compared again in the ranking's direction.
    """
    edges = [build_edge(link, doc, encoder, settings) for link in plan.links]
    edges += [build_edge(link, doc, encoder, settings) for link in plan.independent_links]
    return Family(
        id=plan.id,
        origin=plan.origin,
        members=plan.members,
        edges=tuple(sorted(edges, key=lambda e: (e.source, e.derivative))),
        duplicate_groups=plan.duplicate_groups,
    )


def build_edge(
    link: Link, doc: Callable[[str], Document], encoder: Encoder, settings: Settings
) -> Edge:
    """Return the edge of a family link, with its comparison's changes and evidence."""
    comparison = link.comparison
    evidence = comparison.evidence
    if not link.oriented:
        # the family's ranking overruled this pair's own direction: compare again that way
        turned = compare(doc(link.source), doc(link.derivative), encoder, settings, link.source)
        if turned.relation.is_derivation:
            comparison = turned
            evidence = (*turned.evidence, "direction set by the family's ranking")
        else:
            # read the other way it is no derivation: an "unrelated" or "independent" link
            # would stand in the tree, so the pair keeps its own direction and verdict
            evidence = (
                *comparison.evidence,
                f"the family's ranking put {link.source} first, but read that way the pair "
                f"is {turned.relation.value}: the pair's own direction is kept",
            )
    return Edge(
        source=comparison.source,
        derivative=comparison.derivative,
        relation=comparison.relation,
        score=round(comparison.confidence, 4),
        changes=comparison.changes,
        evidence=evidence,
    )


def _compare_pair(
    da: Document, db: Document, encoder: Encoder, settings: Settings
) -> tuple[Comparison, str]:
    """Compare two documents; return the comparison and its stored JSON form."""
    result = compare(da, db, encoder, settings)
    return result, orjson.dumps(comparison_to_dict(result, *_ordered(result, da, db))).decode()


def _judge_pair(
    a: str,
    b: str,
    triaged: bool,
    articles: ArticleShelf,
    facts_of: Mapping[str, Hashes],
    docs: DocumentCache,
    encoder: Encoder,
    settings: Settings,
) -> tuple[Comparison | None, str]:
    """Return the verdict of the candidate pair of articles ``a`` and ``b`` (None when
    unrelated: families ignore those) and its stored JSON. With ``triaged`` (proposed without
    shared text), a pair whose features share too few names and numbers is judged unrelated
    from them (``relation.triage_by_facts``, on the fact hashes of their features:
    ``facts_of``), its texts unread; any other pair is compared, each text read from the shelf
    only when ``docs`` does not hold its document."""
    if triaged:
        overlap, shared = facts_overlap(facts_of[a], facts_of[b])
        cheap = triage_by_facts(a, b, overlap, shared)
        if cheap is not None:
            return None, orjson.dumps(unaligned_to_dict(cheap)).decode()
    da, db = docs.document(a, articles), docs.document(b, articles)
    result, payload = _compare_pair(da, db, encoder, settings)
    return (None if result.relation is Relation.UNRELATED else held(result)), payload


def held(comparison: Comparison) -> Comparison:
    """Return what an analysis keeps of a verified comparison until its families are built.

    Families read the pairs' changes, scores and derivative sentence counts (how closely a
    derivative follows a parent), the coverages and the evidence; the stored JSON, written
    from the whole comparison, keeps the rest. So the omitted and added sentences are let
    go (their texts are most of a comparison's size), and each run of identical pairs
    without changes is held as one pair of the run's sentences: 82% of the aligned pairs of
    the 10k bench corpus's related comparisons are such, one object each (a family's ``_strength``
    sums score times sentences, the same for a run as for its pairs).
    """
    alignment = comparison.alignment
    pairs = _identical_runs_merged(alignment.pairs)
    if not alignment.omitted and not alignment.added and len(pairs) == len(alignment.pairs):
        return comparison
    kept = replace(alignment, pairs=pairs, omitted=(), added=())
    return replace(comparison, alignment=kept)


def _identical_runs_merged(pairs: Sequence[AlignedPair]) -> tuple[AlignedPair, ...]:
    """Return ``pairs`` with each run of consecutive identical pairs (score 1, no changes)
    as one identical pair of all their sentences."""
    found: list[AlignedPair] = []
    run: list[AlignedPair] = []

    def close_run() -> None:
        if len(run) == 1:
            found.append(run[0])
        elif run:
            sources = tuple(i for p in run for i in p.source_sentences)
            derivatives = tuple(i for p in run for i in p.derivative_sentences)
            found.append(AlignedPair(sources, derivatives, AlignKind.IDENTICAL, 1.0))
        run.clear()

    for pair in pairs:
        if pair.kind is AlignKind.IDENTICAL and pair.score == 1.0 and not pair.changes:
            run.append(pair)
        else:
            close_run()
            found.append(pair)
    close_run()
    return tuple(found)


COLLECT_EVERY = 20000  # verified pairs between collections of the young generations
FEATURE_BATCH = 5000  # computed features written to the store this many at a time
COMPARISON_BATCH = 5000  # new verdicts written to the store this many at a time
KNOWN_BLOCK = 5000  # candidates whose stored verdicts are looked up together
Job = tuple[int, str, str, bool]
"""A pair to judge: its position, its two articles' ids, and whether it may be triaged by
facts."""
DOCUMENT_CACHE = 4096  # prepared documents a process keeps (candidates come sorted by id)


class DocumentCache:
    """The most recently used prepared documents, and each article's family facts.

    Keeps at most ``size`` documents (an analysis reads a large corpus through once instead of
    holding it), and the small ``MemberInfo`` of every document it ever prepared or was given
    (unless made with ``keeps_infos=False``: a verifying worker's, whose facts nobody reads).
    """

    def __init__(self, size: int, keeps_infos: bool = True) -> None:
        self.size = size
        self.keeps_infos = keeps_infos
        self._docs: OrderedDict[str, Document] = OrderedDict()
        self._infos: dict[str, MemberInfo] = {}

    def for_worker(self) -> DocumentCache:
        """Return a cache of the same documents that keeps no family facts: what a verifying
        worker starts from. (Filling the inherited facts of every article, a million at 1M,
        would copy their pages into the worker, for facts only the parent reads.)"""
        cache = DocumentCache(self.size, keeps_infos=False)
        cache._docs = OrderedDict(self._docs)
        return cache

    def put(self, doc: Document, info: MemberInfo | None = None) -> None:
        """Keep ``doc`` as the most recently used document, with its family facts (``info``,
        or computed now) when this cache keeps them."""
        self._docs[doc.id] = doc
        self._docs.move_to_end(doc.id)
        if self.keeps_infos:
            self._infos[doc.id] = info if info is not None else member_info(doc)
        while len(self._docs) > self.size:
            self._docs.popitem(last=False)

    def put_info(self, info: MemberInfo) -> None:
        """Keep the family facts of a document prepared elsewhere (``compact``: one is
        kept for every article of an analysis)."""
        self._infos[info.id] = info.compact()

    def document(self, article_id: str, articles: ArticleShelf) -> Document:
        """Return the prepared document of an article of ``articles``, its text read and
        prepared only when not kept (or kept for another content)."""
        known = self._kept(article_id, articles.content_hash(article_id))
        return known if known is not None else self._prepared(articles[article_id])

    def get(self, article: Article) -> Document:
        """Return the prepared document of ``article`` (prepared now when not kept)."""
        known = self._kept(article.id, article.content_hash)
        return known if known is not None else self._prepared(article)

    def _kept(self, article_id: str, content_hash: str) -> Document | None:
        """Return the kept document of that content, now the most recently used."""
        known = self._docs.get(article_id)
        if known is None or known.article.content_hash != content_hash:
            return None
        self._docs.move_to_end(article_id)
        return known

    def _prepared(self, article: Article) -> Document:
        doc = prepare(article)
        self.put(doc)
        return doc

    def known_info(self, article_id: str) -> MemberInfo | None:
        """Return the family facts of an article when this cache has them."""
        return self._infos.get(article_id)

    def info(self, article: Article) -> MemberInfo:
        """Return the family facts of ``article`` (preparing it when never seen)."""
        known = self._infos.get(article.id)
        return known if known is not None else member_info(self.get(article))


_WORKER: dict[str, Any] = {}


class JobTable(Sequence[tuple[str, str, bool]]):
    """Pairs to judge, (article id, article id, may be triaged), held as arrays: the ids
    once each, UTF-8 in one bytes object, and each pair as two id numbers and a flag.

    What verifying workers read their jobs from. Forked workers read it without copying it:
    a list of a million tuples (and the id strings they hold) would be copied page by page
    into each worker as it touched their reference counts.
    """

    def __init__(self, jobs: Iterable[tuple[str, str, bool]]) -> None:
        number: dict[str, int] = {}
        firsts: list[int] = []
        seconds: list[int] = []
        flags: list[bool] = []
        for a, b, triaged in jobs:
            firsts.append(number.setdefault(a, len(number)))
            seconds.append(number.setdefault(b, len(number)))
            flags.append(triaged)
        encoded = [article_id.encode("utf-8") for article_id in number]
        self._names = b"".join(encoded)
        self._ends = np.cumsum([len(e) for e in encoded], dtype=np.int64)
        self._first = np.asarray(firsts, dtype=np.int32)
        self._second = np.asarray(seconds, dtype=np.int32)
        self._triaged = np.asarray(flags, dtype=np.bool_)

    def _name(self, n: int) -> str:
        start = int(self._ends[n - 1]) if n else 0
        return self._names[start : int(self._ends[n])].decode("utf-8")

    def __len__(self) -> int:
        return len(self._first)

    @overload
    def __getitem__(self, job: int) -> tuple[str, str, bool]: ...

    @overload
    def __getitem__(self, job: slice) -> list[tuple[str, str, bool]]: ...

    def __getitem__(self, job: int | slice) -> tuple[str, str, bool] | list[tuple[str, str, bool]]:
        if isinstance(job, slice):
            return [self[n] for n in range(*job.indices(len(self)))]
        if not -len(self) <= job < len(self):
            raise IndexError(f"job {job} of {len(self)}")
        return (
            self._name(int(self._first[job])),
            self._name(int(self._second[job])),
            bool(self._triaged[job]),
        )


def _worker_start(
    settings: Settings,
    inherited: DocumentCache | None,
    jobs: JobTable,
    articles: ArticleShelf,
    facts_of: Mapping[str, Hashes],
) -> None:
    gc.disable()  # a verifying worker makes no cyclic garbage to speak of: see WorkCollector
    _WORKER["blas"] = one_blas_thread()  # a spawned worker too: the workers fill the cores
    _WORKER["collector"] = WorkCollector(COLLECT_EVERY)
    _WORKER["settings"] = settings
    _WORKER["encoder"] = LazyEncoder(settings)
    _WORKER["docs"] = (
        inherited.for_worker()
        if inherited is not None
        else DocumentCache(DOCUMENT_CACHE, keeps_infos=False)
    )
    _WORKER["jobs"] = jobs
    _WORKER["articles"] = articles
    _WORKER["facts"] = facts_of


def _worker_judge(job: int) -> tuple[Comparison | None, str]:
    a, b, triaged = _WORKER["jobs"][job]
    _WORKER["collector"].tick()
    return _judge_pair(
        a,
        b,
        triaged,
        _WORKER["articles"],
        _WORKER["facts"],
        _WORKER["docs"],
        _WORKER["encoder"],
        _WORKER["settings"],
    )


def _grouped(jobs: Sequence[tuple[str, str, bool]]) -> list[int]:
    """Return the job numbers with the pairs of each connected group of articles together
    (groups in the order of their first pair, pairs in job order): a worker then prepares an
    article once for all its pairs, where candidate order spreads them over many chunks."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while (up := parent.setdefault(x, x)) != x:
            parent[x] = parent.setdefault(up, up)
            x = up
        return x

    for a, b, _ in jobs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    first: dict[str, int] = {}
    group = [first.setdefault(root(a), n) for n, (a, _, _) in enumerate(jobs)]
    return sorted(range(len(jobs)), key=lambda n: (group[n], n))


def _judge_in_workers(
    todo: Sequence[Job],
    articles: ArticleShelf,
    facts_of: Mapping[str, Hashes],
    settings: Settings,
    docs: DocumentCache,
) -> Iterator[tuple[int, str, str, Comparison | None, str]]:
    """Judge pairs in ``settings.run.processes`` processes; each result comes with its job's
    position, the pairs of one connected group of articles together (``_grouped``).

    Workers are forked while no sentence model is loaded in this process (cheap, and safe),
    and then start from the documents ``docs`` holds; once torch is loaded they are spawned,
    since forking a threaded torch can hang, and prepare what they compare themselves. Either
    way they get the pairs and the features once, at start, and then only job numbers; the
    verdicts of unrelated pairs come back as their JSON only.
    """
    method = "spawn" if "torch" in sys.modules else "fork"
    context = multiprocessing.get_context(method)
    inherited = docs if method == "fork" else None
    if method == "spawn":  # what goes to a spawned worker is pickled: only what it reads
        needed = {x for _, a, b, triaged in todo if triaged for x in (a, b)}
        facts_of = {k: facts_of[k] for k in needed}
        wanted = {x for _, a, b, _ in todo for x in (a, b)}
        articles = articles.subset(sorted(wanted))
    pairs = [(a, b, triaged) for _, a, b, triaged in todo]
    order = _grouped(pairs)
    jobs = JobTable(pairs)
    del pairs  # the workers read the table
    chunk = max(1, min(64, len(jobs) // (settings.run.processes * 8)))
    with (
        forking(),
        ProcessPoolExecutor(
            max_workers=settings.run.processes,
            mp_context=context,
            initializer=_worker_start,
            initargs=(settings, inherited, jobs, articles, facts_of),
        ) as pool,
    ):
        for n, (result, payload) in zip(
            order, pool.map(_worker_judge, order, chunksize=chunk), strict=True
        ):
            position, a, b, _ = todo[n]
            yield position, a, b, result, payload


def _ordered(result: Comparison, da: Document, db: Document) -> tuple[Document, Document]:
    return (da, db) if result.source == da.id else (db, da)


def _as_version(article: Article, article_id: str, version: int) -> Article:
    return Article(
        id=f"{article_id}{VERSION_SEPARATOR}{version}",
        text=article.text,
        title=article.title,
        outlet=article.outlet,
        url=article.url,
        published_at=article.published_at,
    )
