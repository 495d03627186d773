"""write_templates(): one blank return per unit + three annex templates; filled ones read clean."""

from __future__ import annotations

import openpyxl

from targetbook import labels as L
from targetbook.read import read_return
from targetbook.registry import Registry, Unit
from targetbook.validate import validate_tables
from targetbook.write import write_templates
from targetbook.write.templates import (
    PLAN_FIRST_ROW,
    PLAN_HEADER_ROW,
    ROWS_FIRST_ROW,
    ROWS_HEADER_ROW,
)


def registry() -> Registry:
    return Registry(
        [
            Unit("党政办", L.DEPARTMENT, "", ("党群办", "人大办")),
            Unit("经发办", L.DEPARTMENT),
            Unit("温塘村", L.VILLAGE),
            Unit("八〇一社区", L.COMMUNITY),
        ]
    )


def validations(ws) -> dict[str, str]:
    return {str(d.sqref): d.formula1 for d in ws.data_validations.dataValidation}


def test_one_file_per_unit_then_the_three_annexes(tmp_path):
    paths = write_templates(registry(), tmp_path / "下发", year=2022)
    assert [p.name for p in paths] == [
        "部门-党政办.xlsx", "部门-经发办.xlsx", "村-温塘村.xlsx", "社区-八〇一社区.xlsx",
        "附件1-部门.xlsx", "附件2-村.xlsx", "附件3-社区.xlsx",
    ]  # fmt: skip
    assert all(p.parent == tmp_path / "下发" and p.exists() for p in paths)


def test_unit_template_structure(tmp_path):
    path = write_templates(registry(), tmp_path, year=2022)[2]
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["附件2 村", "指标进度", "对标管理", "特色工作"]
    ws = wb["附件2 村"]
    assert ws["A1"].value == "附件2"
    assert ws["A2"].value == L.annex_title(L.VILLAGE, 2022)
    assert {str(r) for r in ws.merged_cells.ranges} == {"A2:D2", "A3:D3"}
    assert ws["A3"].value.startswith("填表说明")  # the instruction line above the header
    header = [c.value for c in ws[PLAN_HEADER_ROW]]
    assert header == list(L.KIND_COLUMNS[L.PLAN_KIND])
    assert [c.value for c in ws[PLAN_FIRST_ROW]] == [1, "温塘村", None, None]
    assert ws.max_row == PLAN_FIRST_ROW
    assert ws.freeze_panes == f"A{PLAN_FIRST_ROW}"
    assert validations(ws) == {f"B{PLAN_FIRST_ROW}": '"温塘村"'}
    assert ws[f"C{PLAN_FIRST_ROW}"].alignment.wrap_text
    assert ws.column_dimensions["C"].width > 30
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$4:$4"

    progress = wb["指标进度"]
    assert [c.value for c in progress[ROWS_HEADER_ROW]] == list(L.KIND_COLUMNS[L.PROGRESS_KIND])
    assert progress.freeze_panes == f"A{ROWS_FIRST_ROW}"
    last = ROWS_FIRST_ROW + 19
    assert validations(progress) == {
        f"A{ROWS_FIRST_ROW}:A{last}": '"温塘村"',
        f"C{ROWS_FIRST_ROW}:C{last}": '"' + ",".join(L.TEMPLATE_MEASURES) + '"',
    }
    assert progress["A2"].value.startswith("填表说明")
    feature = [c.value for c in wb["特色工作"][ROWS_HEADER_ROW]]
    assert feature == list(L.KIND_COLUMNS[L.FEATURE_KIND])


def test_annex_template_prefills_all_units_of_the_category(tmp_path):
    path = write_templates(registry(), tmp_path, year=2023)[4]
    ws = openpyxl.load_workbook(path)["附件1 部门"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=PLAN_FIRST_ROW)]
    assert rows == [[1, "党政办", None, None], [2, "经发办", None, None]]
    assert validations(ws) == {f"B{PLAN_FIRST_ROW}:B{PLAN_FIRST_ROW + 1}": '"党政办,经发办"'}


def test_long_unit_lists_and_odd_names(tmp_path):
    units = [Unit(f"很长的单位名称第{i:03d}号", L.VILLAGE) for i in range(40)]
    units.append(Unit("a/b:c 村", L.VILLAGE))
    units.append(Unit('引号"村', L.COMMUNITY))
    paths = write_templates(Registry(units), tmp_path, year=2022)
    assert paths[-3].name == "附件1-部门.xlsx" and paths[40].name == "村-a_b_c_村.xlsx"
    ws = openpyxl.load_workbook(paths[-2])["附件2 村"]
    # more than Excel's 255 characters: units stay pre-filled, without a dropdown
    assert validations(ws) == {}
    assert ws.cell(PLAN_FIRST_ROW + 40, 2).value == "a/b:c 村"
    quoted = openpyxl.load_workbook(paths[-1])["附件3 社区"]
    assert validations(quoted) == {} and quoted.cell(PLAN_FIRST_ROW, 2).value == '引号"村'
    assert paths[41].name == "社区-引号_村.xlsx"


def test_filled_template_reads_back_clean(tmp_path):
    path = write_templates(registry(), tmp_path, year=2022)[2]
    wb = openpyxl.load_workbook(path)
    ws = wb["附件2 村"]
    ws[f"C{PLAN_FIRST_ROW}"] = "1. 集体经济收入增加5万元；\n2. 违建零发生。"
    ws[f"D{PLAN_FIRST_ROW}"] = "打造乡村民宿示范点。"
    progress = wb["指标进度"]
    rows = [
        ["温塘村", "集体经济收入", "万元", "10万元", "8万元", "80%", "顺利", "无", "加快", "台账"],
        ["温塘村", "民宿", "家", "5", "3", "60%", "在建", "资金", "招商", "照片"],
    ]
    for i, row in enumerate(rows):
        for col, value in enumerate(row, 1):
            progress.cell(ROWS_FIRST_ROW + i, col, value)
    for col, value in enumerate(["温塘村", "乡村旅游", "打造乡村民宿示范点"], 1):
        wb["特色工作"].cell(ROWS_FIRST_ROW, col, value)
    wb.save(path)

    source = read_return(path, "村-温塘村.xlsx")
    assert source.status == "ok" and source.issues == []
    kinds = {t.kind: t for t in source.tables}
    assert set(kinds) == {L.PLAN_KIND, L.PROGRESS_KIND, L.BENCHMARK_KIND, L.FEATURE_KIND}
    assert kinds[L.PLAN_KIND].header_row == PLAN_HEADER_ROW
    assert list(kinds[L.PLAN_KIND].frame.index) == [PLAN_FIRST_ROW]
    assert list(kinds[L.PROGRESS_KIND].frame.index) == [ROWS_FIRST_ROW, ROWS_FIRST_ROW + 1]
    assert len(kinds[L.BENCHMARK_KIND].frame) == 0
    frames, issues = validate_tables(source.tables, registry())
    assert [(i.cell, i.rule) for i in issues] == []
    assert frames[L.PROGRESS_KIND][L.parsed(L.TARGET_VALUE)].tolist() == [100000.0, 5.0]
    assert frames[L.PLAN_KIND][L.UNIT].tolist() == ["温塘村"]
