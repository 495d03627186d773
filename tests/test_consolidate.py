"""consolidate(): registry order, 序号, duplicates, 未报送, unmatched rows, JSON."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta, timezone

import openpyxl
import pandas as pd

from targetbook import labels as L
from targetbook.consolidate import consolidate
from targetbook.errors import issue
from targetbook.read import Source, Table, read_return
from targetbook.registry import Registry, Unit
from targetbook.results import Consolidation, Duplicate

# The module, not targetbook's lazily exported function of the same name.
PLAN_LETTERS = {L.SEQ: "A", L.UNIT: "B", L.TARGET: "C", L.PLAN: "D"}
T0 = datetime(2022, 6, 1, 9, 0, 0)


def make_registry() -> Registry:
    return Registry(
        [
            Unit("党政办", L.DEPARTMENT, "", ("党群办", "人大办")),
            Unit("经发办", L.DEPARTMENT),
            Unit("温塘村", L.VILLAGE, "一组"),
            Unit("南桐村", L.VILLAGE, "一组"),
            Unit("八〇一社区", L.COMMUNITY),
        ]
    )


def plan_table(file: str, rows: list[list], *, sheet: str = "附件", start: int = 4) -> Table:
    """A plan table as read.py delivers it: Excel rows as index, raw values."""
    frame = pd.DataFrame(
        rows, columns=list(L.KIND_COLUMNS[L.PLAN_KIND]), index=range(start, start + len(rows))
    )
    return Table(file, sheet, L.PLAN_KIND, start - 1, dict(PLAN_LETTERS), frame)


def kind_table(file: str, kind: str, rows: list[list], *, sheet: str = "进度", start: int = 2):
    columns = list(L.KIND_COLUMNS[kind])
    frame = pd.DataFrame(rows, columns=columns, index=range(start, start + len(rows)))
    letters = {c: chr(ord("A") + i) for i, c in enumerate(columns)}
    return Table(file, sheet, kind, start - 1, letters, frame)


def source(file: str, *tables: Table, modified: datetime | None = T0, **kw) -> Source:
    return Source(
        file=file,
        path="/in/" + file,
        sha256="ab" * 32,
        modified=modified,
        tables=list(tables),
        **kw,
    )


def where(frame: pd.DataFrame) -> list[tuple]:
    return list(zip(frame[L.SRC_FILE], frame[L.SRC_SHEET], frame[L.SRC_ROW], strict=True))


def rules(cons: Consolidation, *wanted: str) -> list[tuple]:
    return [(i.file, i.sheet, i.cell, i.rule) for i in cons.issues if i.rule in wanted]


def test_annexes_follow_registry_order_and_renumber():
    village = plan_table(
        "村.xlsx", [[7, "南桐村", "目标乙", "计划乙"], [3, "温塘村", "目标甲", "计划甲"]]
    )
    dept = plan_table("部门.xlsx", [["九", "经发办", "规上工业第1", "新培育1家"]], start=5)
    cons = consolidate(
        [source("村.xlsx", village), source("部门.xlsx", dept)], make_registry(), year=2022
    )

    annex = cons.annexes[L.VILLAGE]
    assert list(annex.columns) == [*L.KIND_COLUMNS[L.PLAN_KIND], *L.PROVENANCE]
    assert list(annex[L.UNIT]) == ["温塘村", "南桐村"]
    assert list(annex[L.SEQ]) == [1, 2]
    assert list(annex[L.TARGET]) == ["目标甲", "目标乙"]
    assert where(annex) == [("村.xlsx", "附件", 5), ("村.xlsx", "附件", 4)]
    assert list(cons.annexes[L.DEPARTMENT][L.UNIT]) == ["经发办"]
    assert len(cons.annexes[L.COMMUNITY]) == 0
    assert cons.missing_units == ["党政办", "八〇一社区"]
    assert [(i.rule, i.severity) for i in cons.issues] == [("unit_missing", "warning")] * 2
    assert cons.rows == 3 and cons.year == 2022


def test_alias_resolves_to_standard_name():
    t = plan_table("a.xlsx", [[1, "党群办", "政务信息保2争1", "岗位大练兵"]])
    cons = consolidate([source("a.xlsx", t)], make_registry())
    assert list(cons.annexes[L.DEPARTMENT][L.UNIT]) == ["党政办"]
    assert "党政办" not in cons.missing_units


def test_duplicate_unit_keeps_newest_by_saved_time():
    old = plan_table("旧.xlsx", [[1, "温塘村", "旧目标", "旧计划"]])
    new = plan_table("新.xlsx", [[1, "温塘村", "新目标", "新计划"]], start=6)
    # the newer return comes first: order must not matter, the saved time does
    cons = consolidate(
        [source("新.xlsx", new, modified=T0 + timedelta(days=2)), source("旧.xlsx", old)],
        make_registry(),
    )
    assert list(cons.annexes[L.VILLAGE][L.TARGET]) == ["新目标"]
    assert where(cons.annexes[L.VILLAGE]) == [("新.xlsx", "附件", 6)]
    assert cons.duplicates == [Duplicate("温塘村", ["新.xlsx", "旧.xlsx"], "新.xlsx", ["plan"])]
    assert rules(cons, "duplicate_unit") == [("旧.xlsx", "附件", "B4", "duplicate_unit")]
    dup = next(i for i in cons.issues if i.rule == "duplicate_unit")
    assert dup.value == "温塘村" and "新.xlsx" in dup.message


def test_duplicate_unknown_saved_time_is_oldest_and_aware_times_compare():
    a = plan_table("a.xlsx", [[1, "温塘村", "甲", ""]])
    b = plan_table("b.xlsx", [[1, "温塘村", "乙", ""]])
    c = plan_table("c.xlsx", [[1, "温塘村", "丙", ""]])
    aware = datetime(2022, 6, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))  # 01:00 UTC
    cons = consolidate(
        [
            source("a.xlsx", a, modified=None),
            source("b.xlsx", b, modified=aware),
            source("c.xlsx", c, modified=T0),
        ],
        make_registry(),
    )
    assert list(cons.annexes[L.VILLAGE][L.TARGET]) == ["丙"]
    assert cons.duplicates[0].kept == "c.xlsx"
    assert sorted(i.file for i in cons.issues if i.rule == "duplicate_unit") == ["a.xlsx", "b.xlsx"]


def test_same_time_keeps_the_later_input():
    a = plan_table("a.xlsx", [[1, "温塘村", "甲", ""]])
    b = plan_table("b.xlsx", [[1, "温塘村", "乙", ""]])
    cons = consolidate([source("a.xlsx", a), source("b.xlsx", b)], make_registry())
    assert cons.duplicates[0].kept == "b.xlsx"


def test_same_unit_twice_in_one_file_is_merged_into_the_first_row():
    t = plan_table(
        "村.xlsx",
        [
            [1, "温塘村", "1. 目标一；", "计划一"],
            [None, "温塘村", "2. 目标二。", "计划一"],
            [2, "南桐村", "x", "y"],
        ],
    )
    cons = consolidate([source("村.xlsx", t)], make_registry())
    annex = cons.annexes[L.VILLAGE]
    assert list(annex[L.UNIT]) == ["温塘村", "南桐村"]
    assert annex[L.TARGET][0] == "1. 目标一；\n2. 目标二。"
    assert annex[L.PLAN][0] == "计划一"  # identical text is not repeated
    assert where(annex)[0] == ("村.xlsx", "附件", 4)
    assert rules(cons, "duplicate_row") == [("村.xlsx", "附件", "B5", "duplicate_row")]
    assert not cons.duplicates


def test_unknown_and_blank_units_stay_visible_as_unmatched():
    t = plan_table(
        "村.xlsx", [[1, "温塘村", "a", "b"], [2, "火星村", "c", "d"], [3, None, "e", ""]]
    )
    cons = consolidate([source("村.xlsx", t)], make_registry())
    assert list(cons.annexes[L.VILLAGE][L.UNIT]) == ["温塘村"]
    assert list(cons.unmatched[L.UNIT]) == ["火星村", ""]
    assert where(cons.unmatched) == [("村.xlsx", "附件", 5), ("村.xlsx", "附件", 6)]
    assert rules(cons, "unit_unknown", "unit_blank") == [
        ("村.xlsx", "附件", "B5", "unit_unknown"),
        ("村.xlsx", "附件", "B6", "unit_blank"),
    ]
    assert cons.rows == 3


def test_other_kinds_in_registry_order_with_category_and_dedup():
    rows_a = [
        ["八〇一社区", "税收", "万元", "5万元", "3万元", "60%", "", "", "", ""],
        ["温塘村", "集体经济", "万元", "10", "8", "80%", "", "", "", ""],
    ]
    rows_b = [["温塘村", "集体经济", "万元", "10", "9", "90%", "", "", "", ""]]
    a = kind_table("a.xlsx", L.PROGRESS_KIND, rows_a)
    b = kind_table("b.xlsx", L.PROGRESS_KIND, rows_b)
    feature = kind_table("b.xlsx", L.FEATURE_KIND, [["南桐村", "民宿", "新发展5家"]], sheet="特色")
    cons = consolidate(
        [source("a.xlsx", a), source("b.xlsx", b, feature, modified=T0 + timedelta(hours=1))],
        make_registry(),
    )
    progress = cons.others[L.PROGRESS_KIND]
    assert list(progress[L.UNIT]) == ["温塘村", "八〇一社区"]
    assert list(progress[L.CATEGORY]) == [L.VILLAGE, L.COMMUNITY]
    assert list(progress[L.ACTUAL_VALUE]) == ["9", "3万元"]
    assert progress.columns[0] == L.CATEGORY and tuple(progress.columns[-4:-1]) == L.PROVENANCE
    assert L.parsed(L.RATE) in progress.columns
    # 来源列: the return's column of each numeric value, so scores trace to the cell
    assert progress.columns[-1] == L.SRC_COLUMNS
    letters = {L.TARGET_VALUE: "D", L.ACTUAL_VALUE: "E", L.RATE: "F"}
    assert set(progress[L.SRC_COLUMNS]) == {";".join(f"{k}={v}" for k, v in letters.items())}
    assert list(cons.others[L.FEATURE_KIND][L.FEATURE_ITEM]) == ["民宿"]
    assert L.SRC_COLUMNS not in cons.others[L.FEATURE_KIND]
    assert rules(cons, "duplicate_unit") == [("a.xlsx", "进度", "A3", "duplicate_unit")]
    assert cons.duplicates == [Duplicate("温塘村", ["a.xlsx", "b.xlsx"], "b.xlsx", ["progress"])]
    # no plan sheet at all: annexes exist and are empty; 未报送 = units with no row of any
    # kind (sending only 指标进度/特色工作 counts as reported)
    sent = {"温塘村", "八〇一社区", "南桐村"}
    assert cons.missing_units == [u.name for u in make_registry().units if u.name not in sent]
    assert all(len(cons.annexes[c]) == 0 for c in L.CATEGORIES)


def test_without_registry_nothing_is_lost_or_missing():
    t = plan_table("a.xlsx", [[1, "温塘村", "a", "b"]])
    cons = consolidate([source("a.xlsx", t)], None)
    assert cons.missing_units == [] and len(cons.unmatched) == 1 and cons.rows == 1


def test_to_json_matches_the_design_shape():
    bad = source(
        "坏.xlsx",
        modified=None,
        status="error",
        issues=[issue("file_unreadable", file="坏.xlsx", reason="x")],
    )
    good = plan_table("好.xlsx", [[1, "温塘村", "=1+1", "b"], [2, "火星村", "c", "d"]])
    cons = consolidate([bad, source("好.xlsx", good)], make_registry())
    doc = json.loads(json.dumps(cons.to_json("成果/汇总.xlsx"), ensure_ascii=False))
    assert list(doc) == ["files", "issues", "missing_units", "duplicates", "rows", "out"]
    assert doc["files"] == [
        {"path": "坏.xlsx", "sha256": "ab" * 32, "status": "error", "units": [], "rows": 0},
        {"path": "好.xlsx", "sha256": "ab" * 32, "status": "ok", "units": ["温塘村"], "rows": 2},
    ]
    found = [(i["file"], i["rule"]) for i in doc["issues"]]
    assert found[0] == ("坏.xlsx", "file_unreadable")  # issues follow the input files' order
    assert ("好.xlsx", "unit_unknown") in found and found[-1] == ("", "unit_missing")
    assert set(doc["issues"][0]) == {
        "file",
        "sheet",
        "cell",
        "rule",
        "severity",
        "message",
        "value",
    }
    assert doc["missing_units"] == ["党政办", "经发办", "南桐村", "八〇一社区"]
    assert doc["duplicates"] == [] and doc["rows"] == 2 and doc["out"] == "成果/汇总.xlsx"
    assert cons.to_json()["out"] is None


def test_parsed_numbers_survive_as_floats():
    a = kind_table(
        "a.xlsx", L.PROGRESS_KIND, [["温塘村", "集体经济", "万元", "10", "", "", "", "", "", ""]]
    )
    cons = consolidate([source("a.xlsx", a)], make_registry())
    values = cons.others[L.PROGRESS_KIND][L.parsed(L.ACTUAL_VALUE)].tolist()
    assert len(values) == 1 and math.isnan(values[0])


def test_column_letters_follow_each_table_of_a_sheet():
    """Two 指标进度 tables in one sheet, laid out differently: each row keeps its own."""
    first = kind_table("a.xlsx", L.PROGRESS_KIND, [["温塘村", "集体经济", "万元", "10", "8",
                       "80%", "", "", "", ""]])  # fmt: skip
    second = kind_table("a.xlsx", L.PROGRESS_KIND, [["南桐村", "集体经济", "万元", "10", "9",
                        "90%", "", "", "", ""]], start=12)  # fmt: skip
    second.columns = {**second.columns, L.TARGET_VALUE: "H", L.ACTUAL_VALUE: "I", L.RATE: "J"}
    cons = consolidate([source("a.xlsx", first, second)], make_registry())
    progress = cons.others[L.PROGRESS_KIND].set_index(L.UNIT)
    assert progress.loc["温塘村", L.SRC_COLUMNS] == "目标值=D;完成值=E;完成率=F"
    assert progress.loc["南桐村", L.SRC_COLUMNS] == "目标值=H;完成值=I;完成率=J"


# --- units reported, units as written, the year --------------------------------------------
PLAN = ["序号", "单位", "创先争优目标", "亮点工作计划"]
PROGRESS = ["单位", "指标", "计量单位", "目标值", "完成值", "完成率", "进展情况"]


def _save(path, rows):
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def test_a_unit_that_sent_only_progress_rows_has_reported(tmp_path):
    from targetbook import labels
    from targetbook.consolidate import consolidate
    from targetbook.registry import Registry, Unit

    reg = Registry([Unit(n, labels.VILLAGE) for n in ("甲村", "乙村", "丙村")])
    plan = _save(tmp_path / "甲村.xlsx", [PLAN, [1, "甲村", "全镇第1", "计划"]])
    prog = _save(tmp_path / "乙村.xlsx", [PROGRESS, ["乙村", "收入", "万元", 100, 60, "60%", "好"]])
    cons = consolidate([read_return(plan), read_return(prog)], reg)
    assert cons.missing_units == ["丙村"]
    assert ["丙村" in i.message for i in cons.issues if i.rule == "unit_missing"] == [True]
    doc = cons.to_json()
    assert doc["missing_units"] == ["丙村"]
    assert [f["units"] for f in doc["files"]] == [["甲村"], ["乙村"]]


def test_without_a_registry_files_list_the_units_as_written(tmp_path):
    from targetbook.consolidate import consolidate

    plan = _save(tmp_path / "p.xlsx", [PLAN, [1, " 甲村 ", "第1", "计划"], [2, "乙村", "x", "y"]])
    prog = _save(tmp_path / "q.xlsx", [PROGRESS, ["丙村", "收入", "万元", 100, 60, "60%", "好"]])
    doc = consolidate([read_return(plan), read_return(prog)], None).to_json()
    assert [f["units"] for f in doc["files"]] == [["甲村", "乙村"], ["丙村"]]
    assert doc["missing_units"] == []


def test_year_is_inferred_from_the_returns_titles(tmp_path):
    from targetbook import labels
    from targetbook.consolidate import consolidate
    from targetbook.registry import Registry, Unit
    from targetbook.write.consolidation import write_consolidation

    reg = Registry([Unit(n, labels.VILLAGE) for n in ("甲村", "乙村", "丙村", "丁村")])
    files = []
    for unit, year in (("甲村", 2022), ("乙村", 2022), ("丙村", 2021)):
        title = f"村{year}年度创先争优目标和亮点工作计划"
        rows = [["附件2"], [title], PLAN, [1, unit, "全镇第1", "计划"]]
        files.append(read_return(_save(tmp_path / f"{unit}.xlsx", rows)))
    assert [t.title for s in files for t in s.tables] == [
        "村2022年度创先争优目标和亮点工作计划",
        "村2022年度创先争优目标和亮点工作计划",
        "村2021年度创先争优目标和亮点工作计划",
    ]
    # A second table in one sheet takes the title line just above its own header.
    two = [PLAN, [1, "丁村", "第1", "计划"], [], ["村2022年度指标进度"], PROGRESS]
    two.append(["丁村", "收入", "万元", 100, 60, "60%", "2023年完成"])
    files.append(read_return(_save(tmp_path / "丁村.xlsx", two)))
    assert [t.title for t in files[-1].tables] == ["", "村2022年度指标进度"]
    assert consolidate(files, reg).year == 2022
    assert consolidate(files, reg, year=2024).year == 2024
    assert consolidate(files[2:3], reg).year == 2021
    assert consolidate([read_return(_save(tmp_path / "x.xlsx", [PLAN]))], reg).year is None
    out = write_consolidation(consolidate(files, reg), tmp_path / "汇总.xlsx")
    ws = openpyxl.load_workbook(out)[labels.annex_sheet(labels.VILLAGE)]
    texts = [str(c.value) for row in ws.iter_rows(max_row=3) for c in row if c.value]
    assert any("2022年" in t for t in texts) and not any("2026年" in t for t in texts)


def test_streamed_sources_release_their_cells_and_consolidate_the_same():
    """Sources given as a generator (the CLI's reader workers) belong to consolidate: their
    cells are dropped once validated, so memory does not grow with every return kept. The
    result is the same as from a list, whose tables keep their cells."""
    import pytest

    def sources():
        return [
            source("a.xlsx", plan_table("a.xlsx", [[1, "温塘村", "目标甲", "计划甲"]])),
            source(
                "b.xlsx",
                plan_table("b.xlsx", [[1, "南桐村", "目标乙", "计划乙"], [2, "经发办", "", ""]]),
            ),
        ]

    kept, streamed = sources(), sources()
    from_list = consolidate(kept, make_registry())
    from_stream = consolidate(iter(streamed), make_registry())
    assert from_stream.to_json() == from_list.to_json()
    for cat in from_list.annexes:
        pd.testing.assert_frame_equal(from_stream.annexes[cat], from_list.annexes[cat])
    released = streamed[1].tables[0]
    assert released.n_rows == 2 and released.row_numbers() == [4, 5]  # rows 4 and 5
    with pytest.raises(RuntimeError):
        released.frame  # noqa: B018 (the cells are gone)
    assert kept[1].tables[0].frame[L.UNIT].tolist() == ["南桐村", "经发办"]
