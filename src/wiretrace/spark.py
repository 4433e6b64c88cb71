"""The same stages as a PySpark job, for corpora beyond one machine (layer 6).

The job runs the pure stages of the local runner (``pipeline.Service.analyze``)
and decides only where each runs:

1. **prepare + features** per article in ``mapPartitions`` (settings
   broadcast); features travel as their JSON form.
2. **propose** without one index: each article emits blocking keys (the band
   hashes of both LSH indexes of ``propose``, its exact sentence hashes, its
   anchors); grouping by key yields document frequencies and pair hints (a
   shared band, shared rare lines, summed anchor weights). Semantic
   neighbours are searched, as in the local index, among the articles sharing
   a rare anchor: the cosine of each such pair, then each article's best.
   ``candidates.pairs.score_pair`` then gives each hinted pair the verdict
   ``propose`` gives it, and the per-article cap runs on the driver only for
   the pairs of articles over the cap (the others are all kept by it).
3. **verify** in ``mapPartitions``: pairs joined to their texts, compared with
   ``relation.compare`` and an encoder built per worker from the settings;
   comparisons travel as their JSON contract.
4. **families** on the driver from the (small) comparisons with
   ``families.plan_families`` and the service's own edge building; articles
   no verified relation touches become singleton families on the workers.

The result equals the local runner's on the same articles (tests/test_spark.py).
Limits: an LSH bucket holding very many articles emits all its pairs, as the
local index does; so does an anchor held by up to ``anchor_max_df`` articles
(its pairs feed the semantic search).
"""

from __future__ import annotations

import json
import logging
import operator
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import NamedTuple

from wiretrace.candidates import CandidateFeatures, _cap_per_article, shares_text
from wiretrace.candidates.anchors import anchor_weight
from wiretrace.candidates.pairs import CorpusCounts, band_hashes, score_pair
from wiretrace.candidates.semantic import ArticleVectors, pair_cosine, semantic_settings
from wiretrace.config import Settings
from wiretrace.embed import Encoder
from wiretrace.errors import DependencyError, InputError
from wiretrace.families import FamilyPlan, MemberInfo, plan_families
from wiretrace.ingest._records import RecordError, article_from_record
from wiretrace.models import Article, Candidate, Comparison, Document, Family, Relation
from wiretrace.parallel import featured
from wiretrace.pipeline import (
    AnalysisReport,
    LazyEncoder,
    _compare_pair,
    build_family,
)
from wiretrace.relation import comparison_from_dict, triage, unaligned_to_dict
from wiretrace.text import prepare

try:
    from pyspark import RDD, Broadcast
    from pyspark.sql import DataFrame, Row, SparkSession
    from pyspark.sql.types import StringType, StructField, StructType
except ImportError as missing:  # pragma: no cover - checked by the functions below
    _MISSING: ImportError | None = missing
else:
    _MISSING = None

__all__ = ["ARTICLE_COLUMNS", "articles_frame", "local_session", "run_spark"]

log = logging.getLogger(__name__)

ARTICLE_COLUMNS = ("id", "text", "title", "outlet", "url", "published_at")
_DOC_CACHE = 512  # prepared documents kept per verify partition
_NEAR, _EXCERPT, _LINE, _ANCHOR = "n", "x", "l", "a"  # blocking key kinds


def _require_pyspark() -> None:
    if _MISSING is not None:
        raise DependencyError(
            f"the Spark driver needs wiretrace[spark] ({_MISSING.name} is missing)"
        )


class _PairHint(NamedTuple):
    """Why blocking put two articles together; summed over their shared keys."""

    band: bool  # share an LSH band
    rare_lines: int  # exact lines shared that at most ``anchor_max_df`` articles hold
    anchors: float  # summed weights of shared anchors (summed in another order: a hint only)
    cosine: float | None  # semantic neighbours: their vector cosine


def _merge_hints(first: _PairHint, second: _PairHint) -> _PairHint:
    return _PairHint(
        first.band or second.band,
        first.rare_lines + second.rare_lines,
        first.anchors + second.anchors,
        first.cosine if first.cosine is not None else second.cosine,
    )


# -- sessions and inputs --------------------------------------------------------------------


def local_session(master: str = "local[2]", shuffle_partitions: int = 4) -> SparkSession:
    """Return a Spark session on this machine, UI off (set SPARK_LOCAL_IP=127.0.0.1 if needed).

    Raises DependencyError when pyspark is not installed.
    """
    _require_pyspark()
    return (
        SparkSession.builder.master(master)
        .appName("wiretrace")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.default.parallelism", str(shuffle_partitions))
        .getOrCreate()
    )


def articles_frame(spark: SparkSession, articles: Iterable[Article]) -> DataFrame:
    """Return a DataFrame of ``articles`` with ``ARTICLE_COLUMNS`` (dates as ISO 8601 text).

    Raises DependencyError when pyspark is not installed.
    """
    _require_pyspark()
    schema = StructType([StructField(name, StringType(), True) for name in ARTICLE_COLUMNS])
    rows = [
        (
            a.id,
            a.text,
            a.title,
            a.outlet,
            a.url,
            None if a.published_at is None else a.published_at.isoformat(),
        )
        for a in articles
    ]
    return spark.createDataFrame(rows, schema)


def _record_of_row(row: Row) -> dict[str, object]:
    record: dict[str, object] = row.asDict()
    published = record.get("published_at")
    if isinstance(published, datetime):
        # Spark hands timestamps back as naive local time
        record["published_at"] = published.astimezone(UTC).isoformat()
    return record


def _articles_from_records(
    max_chars: int, records: Iterable[dict[str, object] | str]
) -> Iterator[Article]:
    """Yield the article of each record (a JSON line or a row's dict); bad records are logged."""
    for record in records:
        try:
            data = json.loads(record) if isinstance(record, str) else record
            if isinstance(data, dict):
                yield article_from_record(data, max_chars)
            elif data is not None:
                raise RecordError(f"JSON line is not an object (got {type(data).__name__})")
        except (RecordError, json.JSONDecodeError) as error:
            log.warning("record turned away: %s", error)


def _articles_rdd(
    spark: SparkSession, articles: DataFrame | str | Path, settings: Settings
) -> RDD[Article]:
    max_chars = settings.text.max_chars
    if isinstance(articles, str | Path):
        lines = spark.sparkContext.textFile(str(articles)).filter(lambda line: bool(line.strip()))
        return lines.mapPartitions(partial(_articles_from_records, max_chars))
    records = articles.rdd.map(_record_of_row)
    return records.mapPartitions(partial(_articles_from_records, max_chars))


def _check_unique_ids(corpus: RDD[Article]) -> None:
    counted = corpus.map(lambda a: (a.id, 1)).reduceByKey(operator.add)
    repeated = counted.filter(lambda item: item[1] > 1).keys().takeOrdered(5)
    if repeated:
        raise InputError(f"article ids must be unique, repeated: {', '.join(repeated)}")


# -- 1. prepare + features ------------------------------------------------------------------


class _Featured(NamedTuple):
    article_id: str
    features: str  # CandidateFeatures JSON
    member: MemberInfo


def _featurise(shared: Broadcast[Settings], articles: Iterable[Article]) -> Iterator[_Featured]:
    settings = shared.value
    for article in articles:
        member, _, payload = featured(prepare(article), settings)
        yield _Featured(article.id, payload, member)


# -- 2. propose -----------------------------------------------------------------------------


def _blocking_keys(shared: Broadcast[Settings], item: _Featured) -> Iterator[tuple[str, str]]:
    """Yield (key, article id) for every blocking key of one article."""
    f = CandidateFeatures.from_json(item.features)
    near, excerpt = band_hashes(f, shared.value.candidates)
    for kind, bands in ((_NEAR, near), (_EXCERPT, excerpt)):
        for band, value in enumerate(bands):
            yield f"{kind}{band}:{value}", f.article_id
    for line in sorted(set(f.sentence_hashes)):
        yield f"{_LINE}:{line}", f.article_id
    for anchor in f.anchors:
        yield f"{_ANCHOR}:{anchor}", f.article_id


def _group_hints(
    shared: Broadcast[Settings], total: int, group: tuple[str, Iterable[str]]
) -> Iterator[tuple[tuple[str, str], _PairHint]]:
    """Yield a hint for each pair of distinct articles holding one blocking key."""
    key, holders = group
    held = list(holders)
    members = sorted(set(held))
    settings = shared.value.candidates
    kind = key[0]
    if kind in (_NEAR, _EXCERPT):
        hint = _PairHint(True, 0, 0.0, None)
    elif kind == _LINE:
        if len(held) > settings.anchor_max_df:
            return
        hint = _PairHint(False, 1, 0.0, None)
    else:
        weight = anchor_weight(len(held), total, settings.anchor_max_df)
        if weight <= 0.0:
            return
        hint = _PairHint(False, 0, weight, None)
    for position, a in enumerate(members):
        for b in members[position + 1 :]:
            yield (a, b), hint


def _group_counts(group: tuple[str, Iterable[str]]) -> Iterator[tuple[str, tuple[str, int]]]:
    """Yield (article id, (key, df)) for the lines and anchors that several articles hold."""
    key, holders = group
    held = list(holders)
    if key[0] in (_LINE, _ANCHOR) and len(held) > 1:
        for article_id in sorted(set(held)):
            yield article_id, (key, len(held))


def _worth_judging(shared: Broadcast[Settings], hint: _PairHint) -> bool:
    settings = shared.value.candidates
    # the hint's anchor sum may round apart from the exact one: score_pair decides
    return (
        hint.band
        or hint.cosine is not None
        or hint.rare_lines >= 2
        or hint.anchors >= settings.anchor_min_shared - 1e-9
    )


class _Judged(NamedTuple):
    features: CandidateFeatures
    line_df: dict[int, int]
    anchor_df: dict[int, int]


def _judged_article(item: tuple[str, tuple[str, Iterable[tuple[str, int]] | None]]) -> _Judged:
    _, (payload, counted) = item
    line_df: dict[int, int] = {}
    anchor_df: dict[int, int] = {}
    for key, df in counted or ():
        if key[0] == _LINE:
            line_df[int(key[2:])] = df
        else:
            anchor_df[int(key[2:])] = df
    return _Judged(CandidateFeatures.from_json(payload), line_df, anchor_df)


def _score(
    shared: Broadcast[Settings],
    total: int,
    item: tuple[str, tuple[tuple[_Judged, float | None], _Judged]],
) -> Iterator[Candidate]:
    _, ((first, cosine), second) = item
    counts = CorpusCounts(
        total,
        {**first.line_df, **second.line_df},
        {**first.anchor_df, **second.anchor_df},
    )
    found = score_pair(first.features, second.features, counts, shared.value.candidates, cosine)
    if found is not None:
        yield found


def _pair_cosine(
    item: tuple[str, tuple[tuple[str, str], str]],
) -> tuple[tuple[str, str], float]:
    second, ((first, first_vectors), second_vectors) = item
    cosine = pair_cosine(
        ArticleVectors.decode(first_vectors), ArticleVectors.decode(second_vectors)
    )
    return (first, second), cosine


def _best_neighbours(
    top_k: int, first: list[tuple[str, float]], second: list[tuple[str, float]]
) -> list[tuple[str, float]]:
    """Return the ``top_k`` best of two neighbour lists: best first, ties by id."""
    return sorted(first + second, key=lambda near: (-near[1], near[0]))[:top_k]


def _semantic_hints(
    featured: RDD[_Featured],
    hints: RDD[tuple[tuple[str, str], _PairHint]],
    settings: Settings,
) -> RDD[tuple[tuple[str, str], _PairHint]]:
    """Return a hint for each pair where one article is among the other's nearest, searched
    (as the local index does) among the articles sharing a rare anchor with it."""
    semantic = semantic_settings(settings.candidates)
    context = featured.context
    if not semantic.enabled:
        return context.emptyRDD()
    vectors = featured.map(
        lambda item: (item.article_id, CandidateFeatures.from_json(item.features).vectors)
    ).filter(lambda item: bool(item[1]))
    pool = hints.filter(lambda item: item[1].anchors > 0.0).keys()
    with_first = pool.join(vectors)  # (a, (b, vectors of a))
    by_second = with_first.map(lambda item: (item[1][0], (item[0], item[1][1])))
    cosines = by_second.join(vectors).map(_pair_cosine)
    kept = cosines.filter(lambda item: item[1] >= semantic.threshold)
    lists = kept.flatMap(
        lambda item: ((item[0][0], [(item[0][1], item[1])]), (item[0][1], [(item[0][0], item[1])]))
    )
    best = lists.reduceByKey(partial(_best_neighbours, semantic.top_k))
    return best.flatMap(
        lambda item: (
            ((min(item[0], other), max(item[0], other)), _PairHint(False, 0, 0.0, cosine))
            for other, cosine in item[1]
        )
    ).reduceByKey(lambda first, second: first)


def _propose(featured: RDD[_Featured], total: int, shared: Broadcast[Settings]) -> RDD[Candidate]:
    """Return the candidates ``propose`` finds for the featured articles, before its cap."""
    settings = shared.value
    groups = featured.flatMap(partial(_blocking_keys, shared)).groupByKey().persist()
    hints = groups.flatMap(partial(_group_hints, shared, total)).reduceByKey(_merge_hints)
    hints = hints.union(_semantic_hints(featured, hints, settings)).reduceByKey(_merge_hints)
    worth = hints.filter(lambda item: _worth_judging(shared, item[1]))
    counted = groups.flatMap(_group_counts).groupByKey()
    judged = (
        featured.map(lambda item: (item.article_id, item.features))
        .leftOuterJoin(counted)
        .map(lambda item: (item[0], _judged_article(item)))
    )
    by_first = worth.map(lambda item: (item[0][0], (item[0][1], item[1].cosine))).join(judged)
    by_second = by_first.map(lambda item: (item[1][0][0], (item[1][1], item[1][0][1])))
    return by_second.join(judged).flatMap(partial(_score, shared, total))


def _cap(candidates: RDD[Candidate], limit: int) -> RDD[Candidate]:
    """Return the candidates the per-article cap of ``propose`` keeps.

    A pair whose two articles are each in at most ``limit`` candidates is kept
    whatever the order, so only the pairs of crowded articles go to the driver.
    ``candidates`` should be persisted: it is read up to three times.
    """
    degrees = candidates.flatMap(lambda c: ((c.a, 1), (c.b, 1))).reduceByKey(operator.add)
    crowded = frozenset(degrees.filter(lambda item: item[1] > limit).keys().collect())
    if not crowded:
        return candidates
    shared = candidates.context.broadcast(crowded)
    is_crowded = partial(_touches, shared)
    capped = _cap_per_article(candidates.filter(is_crowded).collect(), limit)
    free = candidates.filter(lambda c: not is_crowded(c))
    return free.union(candidates.context.parallelize(capped, 1))


def _touches(shared: Broadcast[frozenset[str]], candidate: Candidate) -> bool:
    return candidate.a in shared.value or candidate.b in shared.value


# -- 3. verify ------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _worker_encoder(settings: Settings) -> Encoder:
    """Return this worker's encoder for ``settings`` (the model loads on first use)."""
    return LazyEncoder(settings)


def _compare_partition(
    shared: Broadcast[Settings], jobs: Iterable[tuple[Article, Article, bool]]
) -> Iterator[tuple[str, str, str, str]]:
    """Yield (a, b, relation, comparison JSON) for each candidate pair of articles (a < b);
    a pair proposed without shared text (flag True) is triaged first, as the service does."""
    settings = shared.value
    encoder = _worker_encoder(settings)
    docs: dict[str, Document] = {}

    def doc(article: Article) -> Document:
        if article.id not in docs:
            if len(docs) >= _DOC_CACHE:
                docs.clear()
            docs[article.id] = prepare(article)
        return docs[article.id]

    for a, b, may_triage in jobs:
        cheap = triage(doc(a), doc(b)) if may_triage else None
        if cheap is not None:
            yield a.id, b.id, cheap.relation.value, json.dumps(unaligned_to_dict(cheap))
            continue
        result, payload = _compare_pair(doc(a), doc(b), encoder, settings)
        yield a.id, b.id, result.relation.value, payload


def _verify(
    corpus: RDD[Article], kept: RDD[Candidate], shared: Broadcast[Settings]
) -> list[Comparison]:
    """Return the comparisons of the kept candidates that found a relation, sorted by pair."""
    by_id = corpus.keyBy(lambda a: a.id)
    pairs = kept.map(lambda c: (c.a, (c.b, not shares_text(c))))
    with_first = pairs.join(by_id).map(lambda item: (item[1][0][0], (item[1][1], item[1][0][1])))
    jobs = with_first.join(by_id).map(lambda item: (item[1][0][0], item[1][1], item[1][0][1]))
    compared = jobs.mapPartitions(partial(_compare_partition, shared))
    # unrelated verdicts never reach a family: they stay on the workers
    rows = compared.filter(lambda row: row[2] != Relation.UNRELATED.value).collect()
    return [comparison_from_dict(json.loads(payload)) for _, _, _, payload in sorted(rows)]


# -- 4. families ----------------------------------------------------------------------------


def _singleton_plans(members: Iterable[MemberInfo]) -> Iterator[FamilyPlan]:
    for member in members:
        yield from plan_families([member], [])


def _families(
    corpus: RDD[Article],
    featured: RDD[_Featured],
    comparisons: Sequence[Comparison],
    settings: Settings,
) -> list[Family]:
    """Return every article's family, sorted by id, edges built as the service builds them."""
    linked = frozenset(
        name
        for c in comparisons
        if c.relation is not Relation.UNRELATED
        for name in (c.source, c.derivative)
    )
    shared = corpus.context.broadcast(linked)
    members = featured.map(lambda item: item.member)
    linked_members = members.filter(lambda m: m.id in shared.value).collect()
    plans = plan_families(sorted(linked_members, key=lambda m: m.id), comparisons)
    plans += (
        members.filter(lambda m: m.id not in shared.value).mapPartitions(_singleton_plans).collect()
    )
    docs = _documents_for_edges(corpus, plans)
    encoder = LazyEncoder(settings)
    families = [build_family(plan, docs.__getitem__, encoder, settings) for plan in plans]
    return sorted(families, key=lambda f: f.id)


def _documents_for_edges(corpus: RDD[Article], plans: Sequence[FamilyPlan]) -> dict[str, Document]:
    """Return the documents of links the family ranking turned around (compared again)."""
    needed = frozenset(
        name
        for plan in plans
        for link in (*plan.links, *plan.independent_links)
        if not link.oriented
        for name in (link.source, link.derivative)
    )
    if not needed:
        return {}
    shared = corpus.context.broadcast(needed)
    found = corpus.filter(lambda a: a.id in shared.value).collect()
    return {a.id: prepare(a) for a in found}


# -- the job --------------------------------------------------------------------------------


def run_spark(
    spark: SparkSession, articles: DataFrame | str | Path, settings: Settings
) -> AnalysisReport:
    """Analyse ``articles`` on Spark and return what ``Service.analyze`` returns for them.

    ``articles`` is a DataFrame with ``ARTICLE_COLUMNS`` (only ``id`` and
    ``text`` needed; ``published_at`` as ISO 8601 text or a timestamp) or the
    path of JSON Lines files with those fields. Records the ingest rules turn
    away are logged and left out. Nothing is stored: the report's families
    (singletons included, sorted by id) are the result.

    Raises:
        DependencyError: pyspark is not installed.
        InputError: two articles share an id.
    """
    _require_pyspark()
    shared = spark.sparkContext.broadcast(settings)
    corpus = _articles_rdd(spark, articles, settings).persist()
    _check_unique_ids(corpus)
    featured = corpus.mapPartitions(partial(_featurise, shared)).persist()
    total = featured.count()
    if total == 0:
        return AnalysisReport(0, 0, 0, 0, ())
    candidates = _propose(featured, total, shared).persist()
    kept = _cap(candidates, settings.candidates.max_candidates_per_article)
    proposed = kept.count()
    comparisons = _verify(corpus, kept, shared)
    families = _families(corpus, featured, comparisons, settings)
    candidates.unpersist()
    featured.unpersist()
    corpus.unpersist()
    return AnalysisReport(total, total, proposed, proposed, tuple(families))
