"""validate.py: cleaned frames and located issues, one pandera pass per kind."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from conftest import located
from hypothesis import given, settings
from hypothesis import strategies as st

from targetbook import labels, schemas
from targetbook.labels import parsed
from targetbook.read import Table
from targetbook.registry import registry_from_frame
from targetbook.validate import output_columns, validate_table, validate_tables

PLAN_COLUMNS = {"序号": "A", "单位": "B", "创先争优目标": "C", "亮点工作计划": "D"}
PROGRESS_COLUMNS = {c: chr(ord("A") + i) for i, c in enumerate(labels.KIND_COLUMNS["progress"])}


@pytest.fixture(scope="module")
def registry():
    rows = [
        ("党政办  （党群办、人大办）", "部门", "", ""),
        ("执法办  （督查办）", "部门", "", ""),
        ("温塘村", "村", "一组", ""),
        ("八〇一社区", "社区", "", ""),
    ]
    frame = pd.DataFrame(rows, columns=["单位", "类别", "考核组", "别名"])
    reg, issues = registry_from_frame(frame.set_axis(range(2, 6)))
    assert issues == []
    return reg


def plan(rows, *, file="a.xlsx", sheet="附件1", first=4, columns=PLAN_COLUMNS) -> Table:
    frame = pd.DataFrame(rows, columns=list(columns), dtype=object)
    frame.index = range(first, first + len(frame))
    return Table(file, sheet, labels.PLAN_KIND, first - 1, dict(columns), frame)


def progress(rows, *, file="b.xlsx", sheet="进度", first=3) -> Table:
    frame = pd.DataFrame(rows, columns=list(PROGRESS_COLUMNS), dtype=object)
    frame.index = range(first, first + len(frame))
    return Table(file, sheet, labels.PROGRESS_KIND, first - 1, dict(PROGRESS_COLUMNS), frame)


def test_seed_plan_table(registry):
    table = plan(
        [
            [1, "党政办  （党群办、人大办）", "政务信息工作全区镇街排名保2争1。", "务实开展…"],
            [15, "执法办  （督查办）", None, "科学精准高效督查并指导重点项目、重点工作推进。"],
        ]
    )
    frame, issues = validate_table(table, registry)
    assert located(issues) == [("附件1", "C5", "cell_blank")]
    assert issues[0].severity == "warning"
    assert list(frame.index) == [4, 5]
    assert list(frame.columns) == output_columns(labels.PLAN_KIND)
    assert frame.loc[5, labels.TARGET] == ""
    assert frame.loc[4, labels.SEQ] == "1"
    assert frame[labels.CATEGORY].tolist() == ["部门", "部门"]
    assert frame[labels.SRC_ROW].tolist() == [4, 5]
    assert frame[labels.SRC_FILE].tolist() == ["a.xlsx", "a.xlsx"]


def test_unit_rules(registry):
    table = plan(
        [
            [1, "温塘", "a", "b"],  # row 4: unknown, close to 温塘村
            [2, "党群办", "a", "b"],  # row 5: alias
            [3, "八0一社区", "a", "b"],  # row 6: odd spelling
            [4, None, "a", "b"],  # row 7: blank
            [5, "温塘\u3000村", "a", "b"],  # row 8: spacing only, no warning
            [6, "=温塘村", "a", "b"],  # row 9: unknown AND formula: reported once
        ]
    )
    frame, issues = validate_table(table, registry)
    assert located(issues) == [
        ("附件1", "B4", "unit_unknown"),
        ("附件1", "B5", "unit_alias"),
        ("附件1", "B6", "unit_alias"),
        ("附件1", "B7", "unit_blank"),
        ("附件1", "B9", "unit_unknown"),
    ]
    assert "温塘村" in issues[0].message  # the suggestion
    assert [i.severity for i in issues] == ["error", "warning", "warning", "error", "error"]
    assert frame[labels.UNIT].tolist() == [
        "温塘", "党政办  （党群办、人大办）", "八〇一社区", "", "温塘村", "=温塘村",
    ]  # fmt: skip
    assert frame[labels.CATEGORY].tolist() == ["", "部门", "社区", "", "村", ""]
    assert frame.loc[8, labels.GROUP] == "一组"


def test_category_mismatch_in_a_plan_table(registry):
    rows = [[1, "党政办", "a", "b"], [2, "执法办", "a", "b"], [3, "温塘村", "a", "b"]]
    frame, issues = validate_table(plan(rows), registry)
    assert located(issues) == [("附件1", "B6", "category_mismatch")]
    assert frame.loc[6, labels.CATEGORY] == "村"  # classified by the registry
    # no majority, no guess
    _, issues = validate_table(plan(rows[1:]), registry)
    assert issues == []


def test_formula_text_is_kept_as_text(registry):
    frame, issues = validate_table(plan([[1, "温塘村", "=SUM(A1:A3)", "+1"]]), registry)
    assert located(issues) == [("附件1", "C4", "formula_text")]
    assert frame.loc[4, labels.TARGET] == "=SUM(A1:A3)"


def test_cell_too_long(registry):
    long = "很长" * (schemas.MAX_TEXT_LENGTH // 2 + 1)
    frame, issues = validate_table(plan([[1, "温塘村", "a", long]]), registry)
    assert located(issues) == [("附件1", "D4", "cell_too_long")]
    assert frame.loc[4, labels.PLAN] == long  # reported, never cut


def test_numbers_are_parsed_and_bad_ones_located(registry):
    blank = [None] * 4
    table = progress(
        [
            ["温塘村", "财政收入", "万元", "2819.91万元", 1500, "53.2%", *blank],  # row 3
            ["温塘村", "招商", "家", "5家", "三", "-", *blank],  # row 4
            ["温塘村", "税收", "万元", "约两千", "abc", "-5%", *blank],  # row 5
            ["温塘村", "投资", "亿元", "0.77亿", None, "完成率65%", *blank],  # row 6
        ]
    )
    frame, issues = validate_table(table, registry)
    assert located(issues) == [
        ("进度", "F4", "value_placeholder"),  # `-` where a figure belongs: said, not blank
        ("进度", "D5", "value_approximate"),  # 约两千: used as 2000, and flagged
        ("进度", "E5", "not_a_number"),
        ("进度", "F5", "value_out_of_range"),
    ]
    assert issues[1].value == "约两千"
    target = frame[parsed(labels.TARGET_VALUE)]
    assert target[3] == pytest.approx(28_199_100) and target[4] == 5 and target[6] == 77_000_000
    assert target[5] == 20_000_000  # 两千 under 计量单位 万元
    assert "20,000,000" in issues[1].message
    # a bare 1500 under 计量单位 万元 is in 万元, like the 目标值 beside it
    assert frame[parsed(labels.ACTUAL_VALUE)].tolist()[:2] == [15_000_000.0, 3.0]
    assert math.isnan(frame.loc[6, parsed(labels.ACTUAL_VALUE)])
    rate = frame[parsed(labels.RATE)]
    assert rate[3] == pytest.approx(53.2) and math.isnan(rate[4]) and rate[6] == 65
    assert frame[parsed(labels.RATE)].dtype == "float64"
    assert frame.loc[5, labels.ACTUAL_VALUE] == "abc"  # the text stays


def test_unparseable_rate_is_one_issue(registry):
    table = progress([["温塘村", "x", "", "1", "1", "约一半", None, None, None, None]])
    _, issues = validate_table(table, registry)
    assert located(issues) == [("进度", "F3", "not_a_number")]


def test_many_tables_keep_provenance_and_order(registry):
    tables = [
        plan([[1, "温塘村", "a", None]], file="x/1.xlsx", sheet="附件2"),
        progress([["八〇一社区", "x", "", "1", "2", "200%", "", "", "", ""]], file="x/2.xls"),
        plan([[1, "镇政府", "a", "b"]], file="x/3.xlsx", sheet="Sheet1", first=7),
    ]
    frames, issues = validate_tables(tables, registry)
    assert [(i.file, i.sheet, i.cell, i.rule) for i in issues] == [
        ("x/1.xlsx", "附件2", "D4", "cell_blank"),
        ("x/3.xlsx", "Sheet1", "B7", "unit_unknown"),
    ]
    plans = frames[labels.PLAN_KIND]
    assert plans[labels.SRC_FILE].tolist() == ["x/1.xlsx", "x/3.xlsx"]
    assert plans[labels.SRC_SHEET].tolist() == ["附件2", "Sheet1"]
    assert plans[labels.SRC_ROW].tolist() == [4, 7]
    assert list(plans.index) == [4, 7]
    assert frames[labels.PROGRESS_KIND][labels.CATEGORY].tolist() == ["社区"]


def test_missing_optional_column_is_not_reported_per_cell(registry):
    columns = {"单位": "A", "创先争优目标": "B"}
    table = plan([["温塘村", "全区第1"], ["温塘村", "全区第2"]], columns=columns)
    frame, issues = validate_table(table, registry)
    # once, at the header row (not a cell_blank per row); 序号 is optional and says nothing
    assert located(issues) == [("附件1", "A3", "column_absent")]
    assert issues[0].severity == "warning"
    assert frame.loc[4, labels.PLAN] == "" and frame.loc[4, labels.SEQ] == ""


def test_without_registry_units_are_not_checked():
    frame, issues = validate_table(plan([[1, "随便什么", "a", "b"], [2, None, "a", "b"]]))
    assert located(issues) == [("附件1", "B5", "unit_blank")]
    assert frame[labels.CATEGORY].tolist() == ["", ""]
    assert frame[labels.UNIT].tolist() == ["随便什么", ""]


def test_no_tables():
    assert validate_tables([]) == ({}, [])


def test_one_pandera_call_per_kind(registry, monkeypatch):
    calls = []
    for kind, model in schemas.SCHEMAS.items():
        original = model.validate

        def spy(frame, *args, _kind=kind, _original=original, **kwargs):
            calls.append((_kind, len(frame)))
            return _original(frame, *args, **kwargs)

        monkeypatch.setattr(model, "validate", spy)
    tables = [plan([[1, "温塘村", "a", "b"]] * 3, file=f"{n}.xlsx") for n in range(50)]
    tables += [progress([["温塘村", "x", "", "1", "1", "100%", "", "", "", ""]] * 2)] * 20
    frames, issues = validate_tables(tables, registry)
    assert sorted(calls) == [(labels.PLAN_KIND, 150), (labels.PROGRESS_KIND, 40)]
    assert issues == []


cells = st.one_of(
    st.none(),
    st.sampled_from(["温塘村", "党群办", "温塘", "", "=1+1", "5万元", "abc", "无", "-", " "]),
    st.text(max_size=8),
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([labels.PLAN_KIND, labels.PROGRESS_KIND]),
            st.lists(st.lists(cells, min_size=10, max_size=10), max_size=5),
        ),
        max_size=4,
    )
)
def test_row_conservation(registry, tables):
    """Every input row is in the output frame of its kind, with its provenance."""
    built = []
    for n, (kind, rows) in enumerate(tables):
        make = plan if kind == labels.PLAN_KIND else progress
        width = len(PLAN_COLUMNS) if kind == labels.PLAN_KIND else len(PROGRESS_COLUMNS)
        built.append(make([r[:width] for r in rows], file=f"{n}.xlsx"))
    frames, issues = validate_tables(built, registry)
    for kind in {t.kind for t in built}:
        expected = [(t.file, r) for t in built if t.kind == kind for r in t.frame.index]
        got = frames[kind]
        assert list(zip(got[labels.SRC_FILE], got[labels.SRC_ROW], strict=True)) == expected
    for found in issues:
        assert found.cell
        assert found.rule in (
            *schemas.RULE_PRIORITY,
            "unit_alias",
            "category_mismatch",
            "value_approximate",
            "value_placeholder",
            "rate_mismatch",
        )
    # a cell is reported at most once
    assert len({(i.file, i.cell) for i in issues}) == len(issues)
