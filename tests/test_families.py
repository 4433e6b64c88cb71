"""Families and derivation graphs from hand-made verified comparisons."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.families import MemberInfo, family_id, plan_families
from wiretrace.models import AlignedPair, AlignKind, Alignment, Comparison, Relation

T0 = datetime(2026, 2, 3, 8, 0, tzinfo=UTC)


def comparison(
    source: str,
    derivative: str,
    relation: Relation,
    cov_s: float = 0.9,
    cov_d: float = 0.9,
    direction: float = 0.9,
) -> Comparison:
    pair = AlignedPair((0,), (0,), AlignKind.IDENTICAL, 1.0)
    return Comparison(
        source=source,
        derivative=derivative,
        relation=relation,
        confidence=0.9,
        alignment=Alignment((pair,), (), (), cov_s, cov_d),
        direction_confidence=direction,
    )


def info(member: str, minutes: int | None = None, body: str | None = None) -> MemberInfo:
    when = None if minutes is None else T0 + timedelta(minutes=minutes)
    return MemberInfo(member, when, (body or f"hash-{member}").encode())


def test_copy_of_copy_points_at_the_intermediate() -> None:
    infos = [info("orig", 0), info("excerpt", 30), info("copy2", 60)]
    comps = [
        comparison("orig", "excerpt", Relation.EXCERPT, cov_s=0.6, cov_d=1.0),
        comparison("orig", "copy2", Relation.EXCERPT, cov_s=0.4, cov_d=1.0),
        comparison("excerpt", "copy2", Relation.EXCERPT, cov_s=0.7, cov_d=1.0),
    ]
    (plan,) = plan_families(infos, comps)
    assert plan.origin == "orig"
    assert plan.id == family_id("orig")
    parents = {link.derivative: link.source for link in plan.links}
    assert parents == {"excerpt": "orig", "copy2": "excerpt"}


def test_independent_report_joins_the_family_without_being_a_derivative() -> None:
    infos = [info("wire", 0), info("copy", 10), info("other-agency", 5), info("unrelated", 1)]
    comps = [
        comparison("wire", "copy", Relation.VERBATIM),
        Comparison(
            "wire",
            "other-agency",
            Relation.INDEPENDENT,
            0.7,
            Alignment((), (), (), 0.05, 0.05),
            0.5,
        ),
    ]
    plans = plan_families(infos, comps)
    by_origin = {p.origin: p for p in plans}
    assert set(by_origin) == {"wire", "unrelated"}
    family = by_origin["wire"]
    assert family.members == ("copy", "other-agency", "wire")
    assert [(k.source, k.derivative) for k in family.links] == [("wire", "copy")]
    assert [(k.source, k.derivative) for k in family.independent_links] == [
        ("wire", "other-agency")
    ]
    assert by_origin["unrelated"].members == ("unrelated",)


def test_exact_duplicates_are_grouped_and_derive_from_the_first_copy() -> None:
    infos = [info("a", 0, "same"), info("b", 20, "same"), info("c", 40)]
    comps = [
        comparison("a", "b", Relation.VERBATIM, direction=0.5),
        comparison("a", "c", Relation.CONDENSED, cov_s=0.4, cov_d=0.9),
        comparison("b", "c", Relation.CONDENSED, cov_s=0.4, cov_d=0.9),
    ]
    (plan,) = plan_families(infos, comps)
    assert plan.origin == "a"
    assert plan.duplicate_groups == (("a", "b"),)
    parents = {link.derivative: link.source for link in plan.links}
    assert parents == {"b": "a", "c": "a"}


def test_unrelated_comparisons_join_nothing() -> None:
    infos = [info("x"), info("y")]
    plans = plan_families(infos, [comparison("x", "y", Relation.UNRELATED)])
    assert [p.members for p in plans] == [("x",), ("y",)]


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[MemberInfo], list[Comparison]]:
    n = draw(st.integers(min_value=1, max_value=9))
    ids = [f"a{i}" for i in range(n)]
    infos = [info(m, draw(st.none() | st.integers(0, 500))) for m in ids]
    comps: list[Comparison] = []
    for i in range(n):
        for j in range(i + 1, n):
            if draw(st.booleans()):
                rel = draw(st.sampled_from(list(Relation)))
                src, der = (ids[i], ids[j]) if draw(st.booleans()) else (ids[j], ids[i])
                comps.append(
                    comparison(
                        src,
                        der,
                        rel,
                        draw(st.floats(0, 1)),
                        draw(st.floats(0, 1)),
                        draw(st.floats(0, 1)),
                    )
                )
    return infos, comps


@settings(max_examples=150, deadline=None)
@given(graphs(), st.randoms(use_true_random=False))
def test_families_partition_members_are_acyclic_and_ignore_input_order(
    graph: tuple[list[MemberInfo], list[Comparison]], rnd: random.Random
) -> None:
    infos, comps = graph
    plans = plan_families(infos, comps)
    members = [m for p in plans for m in p.members]
    assert sorted(members) == sorted(i.id for i in infos)  # every article in exactly one family
    for plan in plans:
        parent = {k.derivative: k.source for k in plan.links}
        assert len(parent) == len(plan.links)  # one parent at most
        for start in parent:
            seen = set()
            node = start
            while node in parent:
                assert node not in seen, "derivation graph has a cycle"
                seen.add(node)
                node = parent[node]
        assert plan.origin in plan.members
        assert plan.origin not in parent
    shuffled_infos, shuffled_comps = infos[:], comps[:]
    rnd.shuffle(shuffled_infos)
    rnd.shuffle(shuffled_comps)
    assert plan_families(shuffled_infos, shuffled_comps) == plans


def test_member_facts_hold_a_digest_and_share_one_empty_caption_set() -> None:
    import hashlib
    import pickle

    from wiretrace.families import NO_CAPTIONS, member_info
    from wiretrace.models import Article
    from wiretrace.text import prepare

    doc = prepare(Article("plain", "The council met on Monday.\n\nIt voted."))
    plain = member_info(doc)
    assert plain.body_hash == hashlib.sha256(doc.body_text.lower().encode()).digest()
    assert len(plain.body_hash) == 32
    assert plain.captions is NO_CAPTIONS
    back = pickle.loads(pickle.dumps(plain))  # as a feature worker's facts arrive
    assert back == plain and back.captions is not NO_CAPTIONS
    assert back.compact().captions is NO_CAPTIONS and back.compact() == plain
    held = MemberInfo("pic", None, b"x", frozenset({"a photo of the harbour"}))
    assert held.compact() is held
