"""One test per real-world quirk file in tests/data (built and re-saved by make_fixtures.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import located

from targetbook import labels
from targetbook.read import Source, read_return, read_returns

DATA = Path(__file__).parent / "data"
PLAN = ["序号", "单位", "创先争优目标", "亮点工作计划"]
SEED_UNITS = ["党政办  （党群办、人大办）", "经发办", "民政社事办", "执法办  （督查办）", "纪委"]
VILLAGES = ["温塘村", "营寨村", "南桐村"]


def read(name: str) -> Source:
    src = read_return(DATA / name, name)
    assert src.status == "ok", src.issues
    assert len(src.sha256) == 64 and src.size == (DATA / name).stat().st_size
    return src


def assert_seed_annex(src: Source, sheet: str = "附件1") -> None:
    """Seed 000's 附件1: title rows, header merged over rows 3–4, data 5–9, remark row 11."""
    (t,) = [t for t in src.tables if t.sheet == sheet]
    assert (t.kind, t.header_row) == (labels.PLAN_KIND, 4)
    assert t.columns == dict(zip(PLAN, "ABCD", strict=True))
    assert list(t.frame.columns) == PLAN
    assert t.frame.index.tolist() == [5, 6, 7, 8, 9]
    assert t.frame["单位"].tolist() == SEED_UNITS
    assert t.frame["序号"].tolist() == [1, 2, 3, 15, 16]
    # a multi-line numbered cell keeps its line breaks; the blank target stays blank
    assert t.frame.loc[7, "亮点工作计划"].count("\n") == 2
    assert t.frame.loc[8, "创先争优目标"] is None
    assert t.cell("单位", 8) == "B8"


@pytest.mark.parametrize(
    "name", ["seed000_annex.xlsx", "seed000_annex.xls", "seed000_annex.ods", "progress.ods"]
)
def test_saved_by_libreoffice(name):
    # The fixtures must come from a real spreadsheet program, not from openpyxl.
    raw = (DATA / name).read_bytes()
    if name.endswith(".xls"):
        assert raw.startswith(b"\xd0\xcf\x11\xe0")
    else:
        with zipfile.ZipFile(DATA / name) as zf:
            meta = zf.read("docProps/app.xml" if name.endswith("xlsx") else "meta.xml")
        assert b"LibreOffice" in meta


def test_seed000_xlsx():
    src = read("seed000_annex.xlsx")
    assert_seed_annex(src)
    assert located(src.issues) == [("附件1", "A11", "row_total_dropped")]
    assert src.modified is not None and src.modified.tzinfo is None


def test_seed000_xls():
    src = read("seed000_annex.xls")
    assert_seed_annex(src)
    assert located(src.issues) == [("附件1", "A11", "row_total_dropped")]


def test_seed000_ods():
    src = read("seed000_annex.ods")
    assert_seed_annex(src)
    assert located(src.issues) == [("附件1", "A11", "row_total_dropped")]


def test_renamed_headers_xlsx():
    # `序  号`, `单位名称`, `创先争优\n目标`, `亮点\u3000工作计划`; a 合计 row under 单位.
    src = read("renamed_headers.xlsx")
    (t,) = src.tables
    assert (t.sheet, t.kind, t.header_row) == ("Sheet1", labels.PLAN_KIND, 2)
    assert t.columns == dict(zip(PLAN, "ABCD", strict=True))
    assert t.frame.index.tolist() == [3, 4, 5]
    assert t.frame["单位"].tolist() == VILLAGES
    assert located(src.issues) == [("Sheet1", "B6", "row_total_dropped")]


def test_gb18030_csv():
    src = read("renamed_headers_gb18030.csv")
    (t,) = src.tables
    assert (t.sheet, t.kind, t.header_row) == ("renamed_headers_gb18030", labels.PLAN_KIND, 2)
    assert t.frame["单位"].tolist() == VILLAGES
    assert (
        t.frame.loc[5, "创先争优目标"] == "1. 财政工作考核全镇第1；\n2. 村集体年经济收入增加5万元。"
    )
    assert located(src.issues) == [("renamed_headers_gb18030", "B6", "row_total_dropped")]


def test_utf8_bom_semicolon_csv():
    src = read("benchmark_utf8.csv")
    (t,) = src.tables
    assert (t.kind, t.header_row) == (labels.BENCHMARK_KIND, 1)
    assert t.columns == {"单位": "A", "对标对象": "B", "对标项目": "C", "赶超标准": "D"}
    assert t.frame["单位"].tolist() == ["经发办", "温塘村"]  # no BOM glued to the first label
    assert t.frame.loc[3, "对标项目"] == "人居环境\n整治"
    assert located(src.issues) == []


def test_html_saved_as_xls():
    # A GB2312 HTML table named .xls; a rowspan/colspan two-row header.
    src = read("html_export.xls")
    (t,) = src.tables
    assert (t.sheet, t.kind, t.header_row) == ("html_export", labels.PLAN_KIND, 3)
    assert t.columns == dict(zip(PLAN, "ABCD", strict=True))
    assert t.frame.index.tolist() == [4, 5, 6]
    assert t.frame["单位"].tolist() == VILLAGES
    assert (
        t.frame.loc[5, "亮点工作计划"]
        == "1. 完善文化广场基础设施，打造乡风文明新阵地；\n2. 新培育花椒种植大户1户。"
    )
    assert located(src.issues) == []


@pytest.mark.parametrize("name", ["progress.xlsx", "progress.ods"])
def test_progress_sheet(name):
    # 指标进度: figures as text, one unit merged over three indicator rows, a 小计 row.
    # (ODS: calamine gives no merged ranges; they come from content.xml.)
    src = read(name)
    (t,) = src.tables
    assert (t.sheet, t.kind, t.header_row) == ("指标进度", labels.PROGRESS_KIND, 2)
    assert list(t.frame.columns) == list(labels.KIND_COLUMNS[labels.PROGRESS_KIND])
    assert t.frame.index.tolist() == [3, 4, 5]
    assert t.frame["单位"].tolist() == ["经发办"] * 3
    assert t.frame.loc[3, ["完成值", "完成率"]].tolist() == ["2819.91万元", "97.19%"]
    assert t.frame.loc[5, ["目标值", "完成值"]].tolist() == ["３", "两"]
    assert located(src.issues) == [("指标进度", "A6", "row_total_dropped")]


@pytest.mark.parametrize("name", ["percent_cells.xlsx", "percent_cells.xls", "percent_cells.ods"])
def test_numbers_shown_as_percentages_read_as_the_unit_saw_them(name):
    # Typing 98% in Excel stores 0.98 with a percent format: read it as `98%`, like the
    # same text typed as text. Numbers without a percent format stay numbers.
    src = read(name)
    (t,) = src.tables
    frame = t.frame[["目标值", "完成值", "完成率"]]
    assert frame.loc[3].tolist() == ["98%", "96.5%", "98.47%"]
    assert frame.loc[4].tolist() == [25, 18.6, "74.4%"]
    assert frame.loc[5].tolist() == [12, 3, "25%"]
    assert src.issues == []


def test_percentages_from_formats_are_consolidated_as_percent_figures():
    from targetbook.consolidate import consolidate
    from targetbook.registry import Registry, Unit

    registry = Registry([Unit("民政社事办", labels.DEPARTMENT)])
    cons = consolidate([read("percent_cells.xlsx")], registry)
    progress = cons.others[labels.PROGRESS_KIND]
    figures = progress[[labels.parsed(c) for c in ("目标值", "完成值", "完成率")]]
    assert figures.iloc[0].tolist() == [98.0, 96.5, 98.47]
    assert figures.iloc[1].tolist() == [250000.0, 186000.0, 74.4]  # 万元 → 元
    assert [i.rule for i in cons.issues if i.severity == "error"] == []


def test_multisheet_workbook():
    # A 说明 sheet (skipped with a warning) and two annexes, each found by its header.
    src = read("multisheet.xlsx")
    assert [t.sheet for t in src.tables] == ["附件1 部门", "附件2 村"]
    assert_seed_annex(src, "附件1 部门")
    assert src.tables[1].frame["单位"].tolist() == VILLAGES
    assert src.tables[1].frame.index.tolist() == [5, 6, 7]
    assert located(src.issues) == [
        ("附件1 部门", "A11", "row_total_dropped"),
        ("附件2 村", "A9", "row_total_dropped"),
        ("说明", "", "sheet_skipped"),
    ]


def test_all_fixtures_through_workers():
    # The isolated path gives the same tables as the in-process one.
    names = sorted(p.name for p in DATA.iterdir() if p.suffix in {".xlsx", ".xls", ".ods", ".csv"})
    sources = read_returns([DATA / n for n in names], workers=2)
    assert [Path(s.file).name for s in sources] == names
    for s in sources:
        direct = read_return(s.path, s.file)
        assert [(t.sheet, t.header_row) for t in s.tables] == [
            (t.sheet, t.header_row) for t in direct.tables
        ]
        assert all(t.frame.equals(d.frame) for t, d in zip(s.tables, direct.tables, strict=True))
        assert located(s.issues) == located(direct.issues)
