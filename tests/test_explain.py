"""Score explanations are records (a kind and its numbers), rendered to Chinese in one place."""

from __future__ import annotations

import pickle
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from targetbook import labels as L
from targetbook.explain import Explain, fmt, plus, render, render_all, render_each
from targetbook.rules import Item
from targetbook.score.methods import by_pass, by_rank, by_rate


def rows_of(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {
        "actual": [np.nan] * n,
        "target": [np.nan] * n,
        "rate": [np.nan] * n,
        "place": [np.nan] * n,
        "verdict": [None] * n,
        "category": [L.VILLAGE] * n,
        "period": [""] * n,
    }
    return pd.DataFrame(base | columns)


def test_a_rate_score_is_explained_by_its_kind_and_numbers():
    item = Item("集体经济", 10, L.M_RATE, short_per_pct=0.5, floor=2)
    scores, notes = by_rate(item, rows_of(actual=[90000.0, 1.0, np.nan], target=[100000.0, 100, 1]))
    assert list(scores) == [5, 2, 0]
    assert [n.kind for n in notes] == ["rate_deducted", "rate_deducted", "rate_no_data"]
    head = notes[0].params["head"]
    assert (head.kind, head.params) == (
        "rate_computed",
        {"actual": 90000.0, "target": 100000.0, "rate": 90.0},
    )
    assert (notes[0].params["raw"], notes[0].params["floor"]) == (5.0, None)
    assert notes[1].params["floor"] == Explain("floor_applied", floor=2)


def test_the_rendered_rate_explanation_keeps_its_wording():
    item = Item("集体经济", 10, L.M_RATE, short_per_pct=0.5, step=10, step_points=1)
    _, notes = by_rate(item, rows_of(actual=[85.0], target=[100.0]))
    assert render(notes[0]) == (
        "完成率 = 85 ÷ 100 × 100% = 85%；得分 = 10 − (15 × 0.5 + "
        "每低 10 个百分点扣 1 分 × 1 档) = 1.5"
    )


def test_rank_and_pass_records_carry_the_place_table_and_verdict():
    item = Item("招商", 6, L.M_RANK, rank_points=(6, 4, 2))
    _, notes = by_rank(item, rows_of(actual=[3.0, 9.0], place=[np.nan, 1.0]))
    assert [(n.kind, n.params["place"], n.params["points"]) for n in notes] == [
        ("rank_by_value", 2, 4.0),
        ("rank_given", 1, 6.0),
    ]
    assert "按名次分（6、4、2）得 4 分" in render(notes[0])
    _, notes = by_pass(Item("安全", 5, L.M_PASS), rows_of(verdict=[True, False]))
    assert [n.params["why"].kind for n in notes] == ["pass_verdict", "pass_verdict_failed"]


def test_numbers_dates_lists_and_nested_records_are_formatted_by_the_renderer():
    assert [fmt(85.0), fmt(97.19), fmt(1 / 3), fmt(-0.0), fmt(float("nan"))] == [
        "85",
        "97.19",
        "0.3333",
        "0",
        "—",
    ]
    late = Explain(
        "late_days",
        saved=datetime(2022, 6, 21, 0, 1),
        file="乙.xlsx",
        deadline=date(2022, 6, 20),
        days=1,
        per_day=0.5,
        minus=0.5,
    )
    assert render(late) == (
        "报送时间 2022-06-21 00:01（乙.xlsx 的保存时间），截止 2022-06-20，"
        "逾期 1 天 × 0.5 分 = 0.5 分"
    )
    terms = plus(Explain("rate_short_term", short=3, per_pct=1), Explain("rate_reported", rate=7))
    assert render(terms) == "3 × 1 + 完成率 7%"
    assert render(Explain("rank_given", place=1, table=(6.0, 4.5), points=6)).count("6、4.5") == 1


def test_vectorised_rendering_matches_one_by_one_and_strings_pass_through():
    values = np.array([90.0, 97.19, 0.5])
    each = render_each("score_entered", score=values)
    assert list(each) == [render(Explain("score_entered", score=v)) for v in values]
    mixed = render_all([Explain("no_input"), "已是文字"])
    assert list(mixed) == ["无考核数据，计0分", "已是文字"]


def test_records_compare_pickle_and_refuse_unknown_kinds():
    note = Explain("rate_met", head=Explain("rate_reported", rate=100), points=10)
    back = pickle.loads(pickle.dumps(note))
    assert back == note and str(back) == "完成率 100%，达到目标，得 10 分"
    with pytest.raises(KeyError):
        Explain("no_such_kind")
