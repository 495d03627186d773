"""Properties (hypothesis): consolidate loses no row; no text from a return becomes a formula."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from targetbook import labels as L
from targetbook.consolidate import consolidate
from targetbook.errors import Issue
from targetbook.read import Source, Table, read_return
from targetbook.registry import Registry, Unit
from targetbook.results import UNMATCHED_COLUMNS, Consolidation
from targetbook.write import write_consolidation

REGISTRY = Registry(
    [
        Unit("党政办", L.DEPARTMENT, "", ("党群办", "人大办")),
        Unit("经发办", L.DEPARTMENT),
        Unit("温塘村", L.VILLAGE),
        Unit("南桐村", L.VILLAGE),
        Unit("八〇一社区", L.COMMUNITY),
    ]
)
# Known names, an alias, an odd spelling, unknown names and blanks.
UNIT_NAMES = [
    "党政办",
    "经发办",
    "温塘村",
    "南桐村",
    "八〇一社区",
    "党群办",
    " 温塘村 ",
    "火星村",
    "",
    None,
]
DROPPED = {"duplicate_row", "duplicate_unit"}  # the only rules under which a row may leave
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

cell_text = st.one_of(st.none(), st.sampled_from(["", "无", "1. 甲；\n2. 乙", "5万元", "=1+1"]))


@st.composite
def table(draw, file: str, sheet: str) -> Table:
    kind = draw(st.sampled_from([L.PLAN_KIND, L.PLAN_KIND, L.PROGRESS_KIND, L.FEATURE_KIND]))
    columns = list(L.KIND_COLUMNS[kind])
    start = draw(st.integers(2, 6))
    n = draw(st.integers(0, 5))
    rows = []
    for _ in range(n):
        row = [draw(cell_text) for _ in columns]
        row[columns.index(L.UNIT)] = draw(st.sampled_from(UNIT_NAMES))
        rows.append(row)
    frame = pd.DataFrame(rows, columns=columns, index=range(start, start + n), dtype=object)
    letters = {c: chr(ord("A") + i) for i, c in enumerate(columns)}
    return Table(file, sheet, kind, start - 1, letters, frame)


@st.composite
def sources(draw) -> list[Source]:
    out = []
    for i in range(draw(st.integers(1, 4))):
        file = f"回收/{i}.xlsx"
        tables = [draw(table(file, f"表{j}")) for j in range(draw(st.integers(0, 2)))]
        hours = draw(st.one_of(st.none(), st.integers(0, 3)))
        modified = None if hours is None else datetime(2022, 6, 1) + timedelta(hours=hours)
        out.append(Source(file=file, path=file, modified=modified, tables=tables))
    return out


def kept_rows(cons: Consolidation) -> list[tuple]:
    frames = [*cons.annexes.values(), *cons.others.values(), cons.unmatched]
    return [
        row
        for f in frames
        for row in zip(f[L.SRC_FILE], f[L.SRC_SHEET], f[L.SRC_ROW].astype(int), strict=True)
    ]


def issue_row(i: Issue) -> tuple:
    digits = "".join(ch for ch in i.cell if ch.isdigit())
    return (i.file, i.sheet, int(digits) if digits else 0)


@SETTINGS
@given(sources())
def test_every_input_row_ends_in_the_output_or_in_an_issue(srcs):
    cons = consolidate(srcs, REGISTRY, year=2022)
    inputs = [(t.file, t.sheet, int(r)) for s in srcs for t in s.tables for r in t.frame.index]
    kept = kept_rows(cons)
    dropped = {issue_row(i) for i in cons.issues if i.rule in DROPPED}
    assert len(kept) == len(set(kept))  # no row is printed twice
    assert set(kept) <= set(inputs)  # no row is invented
    assert set(inputs) == set(kept) | dropped  # nothing is lost …
    assert not set(kept) & dropped  # … and a dropped row is really gone
    assert cons.rows == len(kept)
    for category, frame in cons.annexes.items():
        units = list(frame[L.UNIT])
        order = [u.name for u in REGISTRY.in_category(category)]
        assert units == [u for u in order if u in units]  # registry order, each unit once
        assert list(frame[L.SEQ]) == list(range(1, len(units) + 1))
    # 未报送 = registry units with no row of any kind (not only 目标计划 rows)
    reported = {u for f in cons.annexes.values() for u in f[L.UNIT]}
    for f in cons.others.values():
        reported.update(f.loc[f[L.CATEGORY] != "", L.UNIT])
    assert cons.missing_units == [u.name for u in REGISTRY.units if u.name not in reported]


risky = st.one_of(
    st.text(max_size=30),
    st.builds(
        lambda p, t: p + t,
        st.sampled_from(["=", "+", "-", "@", "=HYPERLINK(", "=cmd|' /C calc'!A0", "\t=", " ="]),
        st.text(max_size=20),
    ),
)


@SETTINGS
@given(st.lists(risky, min_size=4, max_size=12), st.lists(risky, min_size=2, max_size=6))
def test_no_formula_is_ever_written_from_input_text(texts, names):
    units = [Unit(f"单位{i}", L.CATEGORIES[i % 3], n) for i, n in enumerate(names)]
    registry = Registry(units)
    cons = Consolidation(registry=registry, year=2022)
    for category in L.CATEGORIES:
        mine = [u for u in units if u.category == category]
        cons.annexes[category] = pd.DataFrame(
            {
                L.SEQ: range(1, len(mine) + 1),
                L.UNIT: [u.name for u in mine],
                L.TARGET: [texts[i % len(texts)] for i in range(len(mine))],
                L.PLAN: [texts[-1 - i % len(texts)] for i in range(len(mine))],
                L.SRC_FILE: [texts[1]] * len(mine),
                L.SRC_SHEET: [texts[2]] * len(mine),
                L.SRC_ROW: [4] * len(mine),
            }
        )
    progress = {c: texts[i % len(texts)] for i, c in enumerate(L.KIND_COLUMNS[L.PROGRESS_KIND])}
    cons.others[L.PROGRESS_KIND] = pd.DataFrame(
        [{L.CATEGORY: texts[0], **progress, L.SRC_FILE: texts[3], L.SRC_SHEET: "", L.SRC_ROW: 2}]
    )
    cons.unmatched = pd.DataFrame(
        [[texts[0], texts[1], texts[2], texts[3], texts[0], texts[1], 3]],
        columns=list(UNMATCHED_COLUMNS),
    )
    cons.issues = [Issue(t, t, t, "cell_blank", "warning", t, t) for t in texts]
    cons.missing_units = list(names)
    cons.sources = [Source(file=t, path=t, sha256=t) for t in texts[:3]]
    with tempfile.TemporaryDirectory() as tmp:
        path = write_consolidation(cons, Path(tmp) / "汇总.xlsx")
        wb = openpyxl.load_workbook(path)
        cells = [c for ws in wb for row in ws.iter_rows() for c in row]
        assert [c.coordinate for c in cells if c.data_type == "f"] == []
        written = {c.value for c in cells if c.data_type == "s"}
    # every risky text that Excel can hold arrives as text, unchanged
    for text in texts + names:
        plain = "".join(ch for ch in text if ch.isprintable() or ch == "\n")
        if plain == text and text:
            assert text in written


plan_cell = st.one_of(st.none(), st.sampled_from(["", " ", "目标", "=A1", "1. 甲；\n2. 乙", "5"]))
plan_row = st.one_of(
    st.tuples(st.integers(1, 40), st.sampled_from(UNIT_NAMES), plan_cell, plan_cell).map(list),
    st.just([None, None, None, None]),  # a blank line
    st.just(["合计", None, None, None]),
    st.just(["备注：区考核组指万东镇、南桐镇", None, None, None]),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(plan_row, max_size=6), min_size=1, max_size=3))
def test_every_row_of_a_real_return_file_ends_in_the_output_or_in_an_issue(books):
    """The same property from files on disk: the reader's drops are issues too."""
    with tempfile.TemporaryDirectory() as tmp:
        srcs, inputs = [], set()
        for i, rows in enumerate(books):
            wb = openpyxl.Workbook()
            ws = wb.active
            ws.title = "附件2"
            ws.append(["附件2"])
            ws.append([L.annex_title(L.VILLAGE, 2022)])
            ws.append(list(L.KIND_COLUMNS[L.PLAN_KIND]))
            for r, row in enumerate(rows, 4):
                ws.append(row)
                if any(v is not None and str(v).strip() for v in row):
                    inputs.add((f"{i}.xlsx", "附件2", r))
            wb.save(Path(tmp) / f"{i}.xlsx")
            srcs.append(read_return(Path(tmp) / f"{i}.xlsx", f"{i}.xlsx"))
        cons = consolidate(srcs, REGISTRY, year=2022)
    kept = kept_rows(cons)
    named = {issue_row(i) for i in cons.issues}
    assert len(kept) == len(set(kept))
    assert inputs <= set(kept) | named
