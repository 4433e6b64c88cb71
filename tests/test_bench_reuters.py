"""The Reuters-21578 gold list of the wire's own corrections and repeats, and its verdict file."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from bench_modules import load as _load

from wiretrace.models import Article

updates = _load("reuters_updates")

MARCH_2 = datetime(1987, 3, 2, 14, 5)
DIVIDEND = "Qtly div 17-1/2 cts vs 17-1/4 cts Pay April 15 Record March 31 Reuter"
PLANTS = (
    "General Motors Corp will idle six of its car assembly plants next week, temporarily "
    "laying off 21,600 workers, the company said. The plants are in Michigan, Ohio and "
    "Missouri. Reuter"
)


def _article(newid: str, title: str, text: str, hours: float = 0.0) -> Article:
    return Article(id=newid, text=text, title=title, published_at=MARCH_2 + timedelta(hours=hours))


@pytest.mark.parametrize(
    ("title", "kind", "text"),
    [
        ("CORRECTED - GM <GM> TO IDLE SIX PLANTS", "correction", "CORRECTED -"),
        ("(CORRECTED)-CRAZY EDDIE <CRZY.O> SETS RIGHTS", "correction", "(CORRECTED)-"),
        ("<CORRECTED> - GENERAL INSTRUMENT CORP <GRL> DIVI", "correction", "<CORRECTED> -"),
        ("RPT - ARGENTINE GRAIN/OILSEED EXPORT PRICES ADJUSTED", "repeat", "RPT -"),
        ("LYNG WARNS U.S. TRADE SITUATION IS EXPLOSIVE (RPT)", "repeat", "(RPT)"),
        ("UPDATE 2-OPEC AGREES OUTPUT CEILING", "update", "UPDATE 2-"),
    ],
)
def test_headline_markers_are_read_with_their_kind(title: str, kind: str, text: str) -> None:
    assert updates.wire_markers(title, "A body.") == (updates.WireMarker(kind, text),)


@pytest.mark.parametrize(
    "title",
    [
        "MELLON <MEL>, REPUBLIC <RPT> LIFT PRIME RATES",  # RPT as a ticker
        "GREECE REPEATS IT CAN DECIDE ON AEGEAN DRILLING",  # "repeats" as a verb
        "CORRECTIONS <CCAX.O> SEEKS 1,000 PRISON BEDS",  # Corrections Corp of America
        "FED ADDS RESERVES VIA CUSTOMER REPURCHASES",
    ],
)
def test_headlines_that_only_use_the_words_carry_no_marker(title: str) -> None:
    assert updates.wire_markers(title, "The Fed said so. Reuter") == ()


def test_body_notes_are_markers_and_figure_revisions_are_not() -> None:
    body = "Shr loss 56 cts vs loss 71 cts (Company corrects 1985 year per share figure) Reuter"
    assert updates.wire_markers("DEROSE INDUSTRIES INC <DRI> 4TH QTR", body) == (
        updates.WireMarker("correction", "(Company corrects 1985 year per share figure)"),
    )
    added = updates.wire_markers("NEW BANK RULES", "Banks said. (Adds title first paragraph)")
    assert [m.kind for m in added] == ["addition"]
    revised = "The deficit narrowed to 750 mln from 1.23 billion (revised from 1.29 billion)."
    assert updates.wire_markers("DEFICIT NARROWS", revised) == ()


def test_a_bare_note_counts_when_it_opens_a_line_or_follows_a_dash() -> None:
    body = "Rexnord said it will sell the unit to Oak Industries. -- Corrects name of purchaser\n"
    assert updates.wire_markers("REXNORD <REX> TO SELL UNIT", body) == (
        updates.WireMarker("correction", "Corrects name of purchaser"),
    )
    # a wrapped line of prose that opens with the verb in lower case is no note
    assert updates.wire_markers("SHELL ADDS RIGS", "Shell said it\nadds two rigs.") == ()


def test_headline_keys_drop_markers_and_cut_words_to_their_stem() -> None:
    assert updates.tickers("(CORRECTED)-CRAZY EDDIE <CRZY.O> SETS RIGHTS") == {"CRZY"}
    assert updates.headline_words("CORRECTED - AUSTRIA 1987 GROWTH FORECAST REVISED") == {
        "austr",
        "1987",
        "growt",
        "forec",
        "revis",
    }
    assert updates.headline_words("GM <GM> TO IDLE SIX PLANTS") == {"idle", "six", "plant"}


def test_a_correction_pairs_with_its_story_and_not_with_lookalikes() -> None:
    original = _article("reu-01", "GM <GM> TO IDLE SIX PLANTS, 21,600 WORKERS", PLANTS)
    corrected = _article(
        "reu-02",
        "CORRECTED - GM <GM> TO IDLE SIX PLANTS",
        PLANTS.replace("six", "seven") + " (corrects number of plants)",
        hours=3,
    )
    other_story = _article("reu-03", "GM <GM> RAISES CAR PRICES", "GM raised prices. Reuter", 1)
    stale = _article("reu-04", "GM <GM> TO IDLE SIX PLANTS", PLANTS, hours=-24 * 9)
    assert updates.gold_update_pairs([corrected, other_story, stale, original]) == [
        updates.GoldPair("reu-01", "reu-02", "correction", "CORRECTED -")
    ]


def test_same_body_different_company_is_not_the_same_story() -> None:
    paper = _article("reu-10", "FEDERAL PAPER BOARD CO <FBT> SETS PAYOUT", DIVIDEND)
    bank = _article("reu-11", "WESTERN FEDERAL SAVINGS BANK <WFPR> UPS PAYOUT", DIVIDEND, 2)
    corrected = _article("reu-12", "CORRECTED - FEDERAL PAPER <FBT> RAISES PAYOUT", DIVIDEND, 20)
    pairs = updates.gold_update_pairs([paper, bank, corrected])
    assert [(p.earlier, p.later) for p in pairs] == [("reu-10", "reu-12")]


def test_two_marked_versions_pair_in_time_order_and_unmarked_copies_do_not() -> None:
    first = _article("reu-21", "CORRECTED - GM <GM> TO IDLE SIX PLANTS", PLANTS, hours=5)
    second = _article("reu-20", "CORRECTED - GM <GM> TO IDLE PLANTS", PLANTS, hours=6)
    plain = [_article(f"reu-3{i}", "GM <GM> TO IDLE SIX PLANTS", PLANTS, hours=i) for i in (1, 2)]
    pairs = updates.gold_update_pairs([second, first, *plain])
    assert [(p.earlier, p.later) for p in pairs] == [
        ("reu-21", "reu-20"),
        ("reu-31", "reu-20"),
        ("reu-31", "reu-21"),
        ("reu-32", "reu-20"),
        ("reu-32", "reu-21"),
    ]


def test_the_verdict_table_is_read_back_by_edge(tmp_path: Path) -> None:
    pile = _load("quality_pile")
    table = tmp_path / "reuters_updates.md"
    table.write_text(
        "| # | source | derivative | verdict | reason |\n"
        "|---|---|---|---|---|\n"
        "| 1 | `reu-02016` | `reu-02249` | right | The correction fixes the quarter. |\n"
        "| 2 | reu-00001 | reu-00002 | wrong direction | The later one is the source. |\n"
        "| 3 | `reu-00003` | `reu-00004` | maybe | Not a verdict word: left out. |\n",
        encoding="utf-8",
    )
    assert pile.reuters_update_verdicts(table) == {
        ("reu-02016", "reu-02249"): pile.EdgeVerdict("right", "The correction fixes the quarter."),
        ("reu-00001", "reu-00002"): pile.EdgeVerdict(
            "wrong direction", "The later one is the source."
        ),
    }
    assert pile.reuters_update_verdicts(tmp_path / "absent.md") == {}
