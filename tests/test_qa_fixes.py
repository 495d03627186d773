"""QA regressions: each test pins one reported bug by positions, rule ids and values."""

from __future__ import annotations

import openpyxl

from targetbook.read import read_return

PLAN = ["序号", "单位", "创先争优目标", "亮点工作计划"]


def where(src):
    return [(i.sheet, i.cell, i.rule) for i in src.issues]


def test_hidden_and_very_hidden_sheets_are_skipped_with_a_warning(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "计划"
    wb.active.append(PLAN)
    wb.active.append([1, "温塘村", "全镇第1", "计划"])
    for name, state in (("旧版", "hidden"), ("更旧", "veryHidden")):
        ws = wb.create_sheet(name)
        ws.append(PLAN)
        ws.append([1, "温塘村", "全镇第3", "旧"])
        ws.sheet_state = state
    # A hidden helper sheet without an annex header (dropdown lists) stays silent.
    lists = wb.create_sheet("下拉")
    lists.append(["部门", "村", "社区"])
    lists.sheet_state = "hidden"
    path = tmp_path / "h.xlsx"
    wb.save(path)
    src = read_return(path)
    assert [(t.sheet, t.frame.index.tolist()) for t in src.tables] == [("计划", [2])]
    assert src.tables[0].frame.loc[2, "创先争优目标"] == "全镇第1"
    assert where(src) == [("旧版", "", "sheet_hidden"), ("更旧", "", "sheet_hidden")]
    assert src.issues[0].severity == "warning"
