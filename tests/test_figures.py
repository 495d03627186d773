"""figures.py via validate: estimates, placeholders and a typed 完成率 in 指标进度, located."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from conftest import located

from targetbook import labels
from targetbook.labels import parsed
from targetbook.read import Table
from targetbook.text import is_approximate, parse_quantity
from targetbook.validate import validate_table

COLUMNS = {c: chr(ord("A") + i) for i, c in enumerate(labels.KIND_COLUMNS["progress"])}
REST = [None] * 4  # 进展情况 … 佐证材料


def progress(rows, first=3):
    """A 指标进度 table: rows of (指标, 计量单位, 目标值, 完成值, 完成率), unit 温塘村."""
    full = [["温塘村", *row, *REST] for row in rows]
    frame = pd.DataFrame(full, columns=list(COLUMNS), dtype=object)
    frame.index = range(first, first + len(frame))
    return Table("b.xlsx", "进度", labels.PROGRESS_KIND, first - 1, dict(COLUMNS), frame)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("约1500万", 15_000_000),
        ("1500万左右", 15_000_000),
        ("近千万", 10_000_000),
        ("大约1500万元", 15_000_000),
        ("1500万上下", 15_000_000),
        ("1500余万", 15_000_000),
        ("1500多万", 15_000_000),
        ("5万余元", 50_000),
    ],
)
def test_an_estimate_is_used_and_known_as_one(text, value):
    assert parse_quantity(text).value == value
    assert is_approximate(text)


@pytest.mark.parametrize("text", ["2000万", "97.19%", "0.77亿", "1500", "5家", "-", "无", ""])
def test_exact_figures_and_blanks_are_no_estimates(text):
    assert not is_approximate(text)


def test_estimates_are_warnings_and_their_values_are_used():
    table = progress(
        [
            ["财政收入", "元", "约1500万", "1500万左右", None],  # row 3
            ["税收", "元", "近千万", "2000万", None],  # row 4
            ["投资", "元", "大约1500万元", "1500万上下", None],  # row 5
            ["招商", "元", "1500余万", "1500多万", None],  # row 6
        ]
    )
    frame, issues = validate_table(table)
    assert located(issues) == [
        ("进度", "D3", "value_approximate"),
        ("进度", "E3", "value_approximate"),
        ("进度", "D4", "value_approximate"),
        ("进度", "D5", "value_approximate"),
        ("进度", "E5", "value_approximate"),
        ("进度", "D6", "value_approximate"),
        ("进度", "E6", "value_approximate"),
    ]
    assert all(i.severity == "warning" for i in issues)
    target = frame[parsed(labels.TARGET_VALUE)].tolist()
    actual = frame[parsed(labels.ACTUAL_VALUE)].tolist()
    assert target == [15_000_000, 10_000_000, 15_000_000, 15_000_000]
    assert actual == [15_000_000, 20_000_000, 15_000_000, 15_000_000]  # 2000万 stays exact


@pytest.mark.parametrize("mark", ["—", "-", "/", "无", "暂无", "——", "N/A", "／", "–"])
def test_a_placeholder_in_a_figure_column_is_a_warning(mark):
    frame, issues = validate_table(progress([["财政收入", "万元", mark, mark, mark]]))
    assert located(issues) == [
        ("进度", "D3", "value_placeholder"),
        ("进度", "E3", "value_placeholder"),
        ("进度", "F3", "value_placeholder"),
    ]
    assert [i.value for i in issues] == [mark] * 3
    assert math.isnan(frame.loc[3, parsed(labels.TARGET_VALUE)])  # still no number


def test_a_blank_figure_says_nothing():
    _, issues = validate_table(progress([["财政收入", "万元", None, "", None]]))
    assert issues == []


def test_a_typed_rate_that_disagrees_with_actual_over_target_is_a_warning():
    table = progress(
        [
            # 1500 / 2000 = 75%: typed 75% agrees
            ["a", "万元", 2000, 1500, "75%"],  # row 3
            # 1500 / 2000 = 75%, typed 85%: 10 points off
            ["b", "万元", 2000, 1500, "85%"],  # row 4
            # 2819.91 / 2901.5 = 97.188%, rounded to 2 decimals 97.19: typed 97.19% agrees
            ["c", "万元", "2901.5", "2819.91", "97.19%"],  # row 5
            # 2819.91 / 2901.5 = 97.19%, typed 97.8%: 0.61 points off (> 0.5)
            ["d", "万元", "2901.5", "2819.91", "97.8%"],  # row 6
            # 2 / 3 = 66.67%, typed 67 (no decimals): 66.67 rounds to 67, agrees
            ["e", "个", 3, 2, 67],  # row 7
            # 2 / 3 = 66.666…%, typed 66.2%: round to 1 decimal 66.7, 0.5 off: within rounding
            ["f", "个", 3, 2, "66.2%"],  # row 8
            # Excel stores 75% as 0.75: read as a fraction, agrees
            ["g", "万元", 2000, 1500, 0.75],  # row 9
            # 越小越好 (受害率 ceiling 2, actual 1.6): typed 目标值 ÷ 完成值 = 125% agrees
            ["h", "‰", 2, 1.6, "125%"],  # row 10
            # 目标值 0: no rate to compute, nothing said
            ["i", "个", 0, 3, "100%"],  # row 11
        ]
    )
    _, issues = validate_table(table)
    assert located(issues) == [("进度", "F4", "rate_mismatch"), ("进度", "F6", "rate_mismatch")]
    first = issues[0]
    assert (first.value, first.severity) == ("85%", "warning")
    assert "D4" in first.message and "E4" in first.message and "75%" in first.message


def test_a_row_with_an_estimate_is_not_also_a_rate_mismatch():
    # 约1500 / 2000 = 75%, typed 90%: the estimate is the warning, not the rate
    _, issues = validate_table(progress([["a", "万元", 2000, "约1500", "90%"]]))
    assert located(issues) == [("进度", "E3", "value_approximate")]


def test_amounts_keep_their_magnitude():
    frame, issues = validate_table(progress([["a", "元", "2000万", "0.5亿", "250%"]]))
    # 0.5亿 / 2000万 = 50,000,000 / 20,000,000 = 250%
    assert issues == []
    assert frame.loc[3, parsed(labels.TARGET_VALUE)] == 20_000_000
    assert frame.loc[3, parsed(labels.ACTUAL_VALUE)] == 50_000_000
