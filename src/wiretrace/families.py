"""Story families and their derivation graphs, from verified pair comparisons (pure).

A family is one story. Inside it, derivation edges (verbatim, excerpt, condensed,
paraphrase, update) form trees: each derivative points at the version it most
likely came from. Independent coverage of the same event joins the family through
an ``independent`` edge between two derivation trees but is never a derivative.

How the graph is drawn, and why:
- Every verified comparison votes on which of its two articles came first (its
  direction confidence). Articles are ranked by their net votes, then by
  publication time, then by id; a derivative may only point at an article ranked
  before it, so the graph is acyclic by construction and does not depend on input
  order.
- A derivative's parent is the earlier-ranked neighbour it resembles most: a copy
  of a copy shares the intermediate's edits and cuts, so it scores higher with the
  intermediate than with the original; a photo caption the intermediate added and
  the copy carries settles what the body text cannot.
- Exact duplicates (same body text) are grouped and counted; the first-ranked copy
  stands for the group.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from wiretrace.models import Comparison, Document, Relation, SentenceRole, pickled_by_fields


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class MemberInfo:
    """What the family stage needs to know of one article."""

    id: str
    published_at: datetime | None
    # SHA-256 digest of the normalised body text: equal digests are exact duplicates (an
    # analysis holds one per article: 32 bytes, not 64 hex characters)
    body_hash: bytes
    captions: frozenset[str] = frozenset()  # photo captions: a copy of a copy carries its source's

    def compact(self) -> MemberInfo:
        """Return this with no captions held as the one shared empty set (an empty set read
        back from another process is an object of its own: ~200 bytes an article)."""
        if self.captions or self.captions is NO_CAPTIONS:
            return self
        return replace(self, captions=NO_CAPTIONS)


NO_CAPTIONS: frozenset[str] = frozenset()


def member_info(doc: Document) -> MemberInfo:
    """Return what the family stage needs to know of a prepared document."""
    body_hash = hashlib.sha256(doc.body_text.lower().encode("utf-8")).digest()
    captions = frozenset(s.norm.lower() for s in doc.sentences if s.role is SentenceRole.CAPTION)
    return MemberInfo(doc.id, doc.article.published_at, body_hash, captions or NO_CAPTIONS)


@dataclass(frozen=True, slots=True)
class Link:
    """A derivation link chosen for the graph (the comparison may need re-orienting)."""

    source: str
    derivative: str
    comparison: Comparison

    @property
    def oriented(self) -> bool:
        """True when the stored comparison already reads source -> derivative."""
        return self.comparison.source == self.source


@dataclass(frozen=True, slots=True)
class FamilyPlan:
    """A family before its edges are filled: members, origin, links and duplicate groups."""

    id: str
    origin: str
    members: tuple[str, ...]
    links: tuple[Link, ...]
    independent_links: tuple[Link, ...]
    duplicate_groups: tuple[tuple[str, ...], ...]


def family_id(origin: str) -> str:
    """Return the stable id of the family whose origin is ``origin``."""
    return "F-" + hashlib.sha256(origin.encode("utf-8")).hexdigest()[:12]


class _UnionFind:
    def __init__(self, keys: Iterable[str]) -> None:
        self.parent = {k: k for k in keys}

    def find(self, key: str) -> str:
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller id becomes the root so that results never depend on call order
            low, high = sorted((ra, rb))
            self.parent[high] = low

    def groups(self) -> list[tuple[str, ...]]:
        by_root: dict[str, list[str]] = defaultdict(list)
        for key in self.parent:
            by_root[self.find(key)].append(key)
        return sorted(tuple(sorted(g)) for g in by_root.values())


def _time_key(info: MemberInfo) -> tuple[int, float]:
    if info.published_at is None:
        return (1, 0.0)
    return (0, info.published_at.timestamp())


def _rank(
    members: Sequence[str],
    comparisons: Sequence[Comparison],
    info: Mapping[str, MemberInfo],
) -> list[str]:
    """Order members from most to least original by their net direction votes."""
    votes: dict[str, float] = dict.fromkeys(members, 0.0)
    for c in comparisons:
        weight = c.direction_confidence - 0.5
        votes[c.source] += weight
        votes[c.derivative] -= weight
    return sorted(members, key=lambda m: (-round(votes[m], 6), _time_key(info[m]), m))


def _representatives(
    members: Sequence[str], info: Mapping[str, MemberInfo], order: Sequence[str]
) -> tuple[dict[str, str], list[tuple[str, ...]]]:
    """Map each member to the first-ranked copy of its exact-duplicate group."""
    position = {m: i for i, m in enumerate(order)}
    by_hash: dict[bytes, list[str]] = defaultdict(list)
    for m in members:
        by_hash[info[m].body_hash].append(m)
    representative: dict[str, str] = {}
    groups: list[tuple[str, ...]] = []
    for copies in by_hash.values():
        copies.sort(key=lambda m: position[m])
        for m in copies:
            representative[m] = copies[0]
        if len(copies) > 1:
            groups.append(tuple(copies))
    return representative, sorted(groups)


def _strength(c: Comparison) -> float:
    """How closely a derivative follows a candidate parent: the closer copy wins.

    The main term is how well the parent explains the derivative's aligned
    sentences (near-verbatim beats reworded); the source's coverage breaks ties in
    favour of the nearer intermediate, whose text was already cut.
    """
    pairs = c.alignment.pairs
    # summed exactly (fsum): the same however the pairs are grouped (``pipeline.held``)
    explained = math.fsum(p.score * len(p.derivative_sentences) for p in pairs)
    units = sum(len(p.derivative_sentences) for p in pairs) or 1
    return c.alignment.coverage_derivative * explained / units + 0.25 * c.alignment.coverage_source


CAPTION_BONUS = 0.1  # one shared caption outweighs small differences of alignment


def _closeness(c: Comparison, parent: str, member: str, info: Mapping[str, MemberInfo]) -> float:
    shared = len(info[parent].captions & info[member].captions)
    return _strength(c) + CAPTION_BONUS * shared


def _pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def plan_families(
    infos: Sequence[MemberInfo], comparisons: Sequence[Comparison]
) -> list[FamilyPlan]:
    """Group articles into families and draw each family's derivation graph.

    Args:
        infos: every article to place (each ends up in exactly one family).
        comparisons: verified comparisons; unrelated ones are ignored.

    Returns:
        Families sorted by id; singletons included.
    """
    info = {i.id: i for i in infos}
    derivations = [
        c
        for c in comparisons
        if c.relation.is_derivation and c.source in info and c.derivative in info
    ]
    independents = [
        c
        for c in comparisons
        if c.relation is Relation.INDEPENDENT and c.source in info and c.derivative in info
    ]
    trees = _UnionFind(info)
    for c in derivations:
        trees.union(c.source, c.derivative)
    stories = _UnionFind(info)
    for c in derivations + independents:
        stories.union(c.source, c.derivative)

    by_pair = {_pair_key(c.source, c.derivative): c for c in derivations}
    # comparisons grouped by story and tree once, so a large pile is not scanned per story
    derivations_of: dict[str, list[Comparison]] = defaultdict(list)
    for c in derivations:
        derivations_of[stories.find(c.source)].append(c)
    independents_of: dict[str, list[Comparison]] = defaultdict(list)
    for c in independents:
        independents_of[stories.find(c.source)].append(c)
    plans: list[FamilyPlan] = []
    for story in stories.groups():
        tree_of = {m: trees.find(m) for m in story}
        members_of: dict[str, list[str]] = defaultdict(list)
        for member in story:  # sorted: each tree's members come sorted too
            members_of[tree_of[member]].append(member)
        comparisons_of: dict[str, list[Comparison]] = defaultdict(list)
        for c in derivations_of[stories.find(story[0])]:
            comparisons_of[tree_of[c.source]].append(c)
        roots: list[str] = []
        links: list[Link] = []
        duplicates: list[tuple[str, ...]] = []
        for tree_root in sorted(members_of):
            tree_comparisons = comparisons_of[tree_root]
            order = _rank(members_of[tree_root], tree_comparisons, info)
            tree_pairs = {
                key: by_pair[key]
                for key in (_pair_key(c.source, c.derivative) for c in tree_comparisons)
            }
            tree_links, groups = _tree_links(order, tree_pairs, info)
            roots.append(order[0])
            links.extend(tree_links)
            duplicates.extend(groups)
        origin = _family_origin(roots, links, info)
        story_independents = independents_of[stories.find(story[0])]
        independent_links = _connect_trees(story, trees, story_independents, origin)
        plans.append(
            FamilyPlan(
                id=family_id(origin),
                origin=origin,
                members=tuple(story),
                links=tuple(sorted(links, key=lambda k: (k.source, k.derivative))),
                independent_links=independent_links,
                duplicate_groups=tuple(sorted(duplicates)),
            )
        )
    return sorted(plans, key=lambda p: p.id)


def _tree_links(
    order: Sequence[str],
    by_pair: Mapping[tuple[str, str], Comparison],
    info: Mapping[str, MemberInfo],
) -> tuple[list[Link], list[tuple[str, ...]]]:
    """Grow the derivation tree from the first-ranked member, each member taking one parent.

    Members attach in rank order to the closest already-attached neighbour, earlier-ranked
    neighbours first; a member whose only verified neighbours rank after it waits until one
    of them is attached. Attaching only to attached members keeps the graph a tree.
    """
    representative, groups = _representatives(order, info, order)
    rank = {m: i for i, m in enumerate(order)}
    neighbours: dict[str, list[str]] = defaultdict(list)
    for a, b in by_pair:
        if a in rank and b in rank:
            neighbours[a].append(b)
            neighbours[b].append(a)
    attached = {order[0]}
    links: list[Link] = []
    waiting: list[str] = []

    def attach(member: str) -> bool:
        parents = [p for p in neighbours[member] if p in attached]
        if not parents:
            return False
        copy_of = representative[member]
        if copy_of != member and copy_of in parents:
            parent = copy_of  # an exact copy derives from the first copy of its group
        else:
            pool = [p for p in parents if representative[p] == p] or parents
            earlier = [p for p in pool if rank[p] < rank[member]] or pool
            parent = max(
                sorted(earlier, key=rank.__getitem__),
                key=lambda p: _closeness(by_pair[_pair_key(p, member)], p, member, info),
            )
        links.append(Link(parent, member, by_pair[_pair_key(parent, member)]))
        attached.add(member)
        return True

    for member in order[1:]:
        if not attach(member):
            waiting.append(member)
            continue
        progress = True
        while progress and waiting:
            progress = False
            for other in list(waiting):
                if attach(other):
                    waiting.remove(other)
                    progress = True
    return links, groups


def _family_origin(
    roots: Sequence[str], links: Sequence[Link], info: Mapping[str, MemberInfo]
) -> str:
    """The origin is the root of the largest derivation tree; time, then id, break ties."""
    size: dict[str, int] = dict.fromkeys(roots, 1)
    parent_of = {k.derivative: k.source for k in links}
    for member in parent_of:
        node = member
        seen = set()
        while node in parent_of and node not in seen:
            seen.add(node)
            node = parent_of[node]
        if node in size:
            size[node] += 1
    return min(roots, key=lambda r: (-size[r], _time_key(info[r]), r))


def _connect_trees(
    story: Sequence[str],
    trees: _UnionFind,
    independents: Sequence[Comparison],
    origin: str,
) -> tuple[Link, ...]:
    """Link derivation trees of one story by their strongest independent comparisons."""
    joined = _UnionFind({trees.find(m) for m in story})
    chosen: list[Link] = []
    members = set(story)
    ranked = sorted(
        (c for c in independents if c.source in members),
        key=lambda c: (
            origin not in (c.source, c.derivative),
            -c.confidence,
            c.source,
            c.derivative,
        ),
    )
    for c in ranked:
        ta, tb = trees.find(c.source), trees.find(c.derivative)
        if joined.find(ta) == joined.find(tb):
            continue
        joined.union(ta, tb)
        # the side in the origin's tree (or the earlier id) reads as the source
        if trees.find(c.derivative) == trees.find(origin):
            chosen.append(Link(c.derivative, c.source, c))
        else:
            chosen.append(Link(c.source, c.derivative, c))
    return tuple(sorted(chosen, key=lambda k: (k.source, k.derivative)))
