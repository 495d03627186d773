"""QA regressions: each test pins one reported bug by positions, rule ids and values."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

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


def test_a_folder_holds_returns_not_notes_but_a_named_file_is_read(tmp_path):
    from targetbook.read import find_returns

    folder = tmp_path / "回收"
    folder.mkdir()
    wb = openpyxl.Workbook()
    wb.active.append(PLAN)
    wb.active.append([1, "温塘村", "全镇第1", "计划"])
    wb.save(folder / "温塘村.xlsx")
    (folder / "说明.txt").write_text("请各单位于6月30日前报送。\n联系人：张三\n", encoding="utf-8")
    (folder / "佐证.docx").write_bytes(b"PK\x03\x04not really")
    (folder / "佐证.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "notes.xml").write_text("<notes/>", encoding="utf-8")
    # Excel's Unicode-text export (tab-separated, UTF-16) is a .txt return worth reading.
    tsv = "单位\t特色项目\t特色内容\r\n经发办\t招商\t服务\r\n"
    (folder / "导出.txt").write_bytes(tsv.encode("utf-16"))
    xml = '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>'
    (folder / "表.xml").write_text(xml, encoding="utf-8")
    found = [shown for _, shown in find_returns([folder])]
    assert found == ["回收/导出.txt", "回收/温塘村.xlsx", "回收/表.xml"]
    named = find_returns([folder / "说明.txt", folder / "佐证.pdf"])
    assert [p.name for p, _ in named] == ["说明.txt", "佐证.pdf"]


def test_footer_lines_under_the_table_are_not_data(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "计划"
    ws.append(PLAN)
    ws.append([1, "温塘村", "全镇第1", "计划"])
    ws.append(["填表人：张三", "联系电话：123"])
    ws.append([None, "审核人:李四"])  # first non-empty cell in column B
    ws.append(["单位负责人 ：赵六", None, "填报日期：2022年3月1日"])
    ws.append([2, "塘厦村", "全镇第2", "计划2"])  # not footer-like: still data
    path = tmp_path / "f.xlsx"
    wb.save(path)
    src = read_return(path)
    (t,) = src.tables
    assert t.frame.index.tolist() == [2, 6]
    assert t.frame.loc[6, "单位"] == "塘厦村"
    assert where(src) == [
        ("计划", "A3", "row_footer_dropped"),
        ("计划", "B4", "row_footer_dropped"),
        ("计划", "A5", "row_footer_dropped"),
    ]
    assert src.issues[0].value == "填表人：张三"
    assert all(i.severity == "warning" for i in src.issues)


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


DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("suffix", ["xlsx", "ods", "xls"])
def test_formula_error_values_stay_visible_and_are_reported(suffix):
    # Saved by LibreOffice from openpyxl formulas (=E2/D2 with D2=0, =NA(), =A1+1 …):
    # the cells hold cached error values, which calamine reads as empty.
    from targetbook.validate import validate_tables

    src = read_return(DATA / f"formula_errors.{suffix}")
    (t,) = src.tables
    f = t.frame
    assert [f.loc[r, "完成率"] for r in (2, 3, 4)] == ["#DIV/0!", "#N/A", "#VALUE!"]
    assert f.loc[4, "完成值"] == "#VALUE!"
    assert f.loc[5, "完成率"] == 0.5
    _, issues = validate_tables([t], None)
    found = sorted((i.cell, i.rule) for i in issues if i.value.startswith("#"))
    assert found == [
        ("E4", "not_a_number"),
        ("F2", "not_a_number"),
        ("F3", "not_a_number"),
        ("F4", "not_a_number"),
    ]
