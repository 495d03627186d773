"""Every value as the unit saw it: number formats read from LibreOffice-saved xlsx, xls and
ods (1900 and 1904 date systems), shown identically in 汇总.xlsx, and used in scores."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from datetime import datetime, time
from pathlib import Path

import openpyxl
import pytest
from conftest import soffice_convert
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from test_numfmt import AS_SHOWN, DATE_FORMATS, FRACTION_FORMATS, NUMBER_FORMATS, TIME_FORMATS

from targetbook import labels as L
from targetbook import pipeline
from targetbook.consolidate import consolidate
from targetbook.numfmt import display
from targetbook.read import read_return
from targetbook.read._one import _load
from targetbook.registry import Registry, Unit
from targetbook.rules import Item, Rules, Settings
from targetbook.score import score
from targetbook.text._columns import shown_number
from targetbook.write.consolidation import load_consolidation, write_consolidation

# How LibreOffice saves a workbook it opened, per kind.
SAVE_AS = {
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "xls": "xls:MS Excel 97",
    "ods": "ods",
}
MOMENT = datetime(2022, 3, 15, 14, 5, 9)
# Numbers that show every format kind without LibreOffice's known departures from Excel
# (a negative rounding to zero, 17-digit integers in General: see test_numfmt.QUIRKS).
VALUES = (3.14159, -1234567.891, 1.23e10, 0.98765, 123, 0)


def _cases() -> list[tuple[str, object]]:
    cases: list[tuple[str, object]] = [(f, v) for f in NUMBER_FORMATS for v in VALUES]
    cases += [(f, MOMENT) for f in DATE_FORMATS]
    cases += [(f, time(14, 5, 9)) for f in TIME_FORMATS]
    cases += [(f, -2.25) for f in FRACTION_FORMATS]
    cases += [("General", 0.1 + 0.2), ("@", "00123"), ("General", 123456789012345)]
    cases += [("0", 123456789012345), ("@", "110101199003071234"), ("00000", 123)]
    return cases


def _as_shown(path: Path, outdir: Path, sheet: int = 1) -> list[list[str]]:
    """LibreOffice's "as shown" CSV of one sheet (1-based) of a workbook."""
    if sheet == 1:
        out = soffice_convert(path, AS_SHOWN, outdir)
    else:  # the 12th filter token picks the sheet; the file is then named <stem>-<sheet>.csv
        exe = shutil.which("soffice") or shutil.which("libreoffice")
        assert exe, "LibreOffice is required (apt-get install libreoffice-calc-nogui)"
        profile = f"-env:UserInstallation=file://{outdir / '.lo-profile'}"
        command = [exe, profile, "--headless", "--convert-to", f"{AS_SHOWN},false,false,{sheet}"]
        # The sheet's name goes into the file's: it needs a UTF-8 locale LibreOffice has
        # (zh_CN may be absent). 汇总's figures use no locale-dependent format.
        utf8 = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        subprocess.run(
            [*command, "--outdir", str(outdir), str(path)],
            check=True,
            capture_output=True,
            timeout=180,
            env=utf8,
        )
        (out,) = outdir.glob(f"{path.stem}-*.csv")
    with open(out, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


@pytest.fixture
def zh_cn(monkeypatch):
    # LibreOffice renders month/day names, AM/PM and the short date in its UI locale.
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")


def _saved_by_libreoffice(src: Path, kind: str, outdir: Path) -> Path:
    return soffice_convert(src, SAVE_AS[kind], outdir / kind)


@pytest.mark.parametrize("date1904", [False, True], ids=["1900", "1904"])
def test_formats_read_from_libreoffice_files_show_as_libreoffice_shows(tmp_path, zh_cn, date1904):
    cases = _cases()
    wb = openpyxl.Workbook()
    if date1904:
        wb.epoch = CALENDAR_MAC_1904
    for row, (fmt, value) in enumerate(cases, start=1):
        wb.active.cell(row=row, column=1, value=value).number_format = fmt
    src = tmp_path / "kinds.xlsx"
    wb.save(src)
    for kind in SAVE_AS:
        saved = _saved_by_libreoffice(src, kind, tmp_path)
        shown = [r[0] if r else "" for r in _as_shown(saved, tmp_path / f"csv_{kind}")]
        _, grids = _load(saved, None)
        grid = grids[0]
        assert grid.date1904 == date1904, kind
        wrong = []
        for row, (fmt, value) in enumerate(cases):
            cell = grid.rows[row][0] if row < len(grid.rows) and grid.rows[row] else None
            code = grid.formats[grid.styles.get((row, 0), 0)]
            number = shown_number(cell)
            ours = display(cell if number is None else number, code, date1904=grid.date1904)
            if ours != (shown[row] if row < len(shown) else ""):
                wrong.append((kind, fmt, value, code, shown[row], ours))
        assert wrong == [], "\n".join(map(repr, wrong))


# 指标进度 rows: (指标, 计量单位, 目标值, 完成值, 完成率, 进展情况) with the format of each figure.
FIGURES = [
    ("产值", "万元", (3000, '0.0"万元"'), (2819.91, "#,##0.00"), (0.93997, "0.0%")),
    ("税收", "亿元", (1.5, '#,##0"亿元"'), (1234567.891, "#,##0"), (0.98765, "0.00%")),
    ("占比", "%", (98, '0"%"'), (3.14159, "0.00"), (1.23e10, "0.00E+00")),
    ("户数", "户", (123, "00000"), (0.1 + 0.2, "General"), (1.05, "0%")),
    ("编号", "", (123456789012345, "0"), ("110101199003071234", "@"), (0.5, "# ?/?")),
]
PROGRESS_HEADER = [L.UNIT, L.INDICATOR, L.MEASURE, L.TARGET_VALUE, L.ACTUAL_VALUE, L.RATE]


def _progress_return(path: Path, date1904: bool) -> None:
    wb = openpyxl.Workbook()
    if date1904:
        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "指标进度"
    ws.append([*PROGRESS_HEADER, L.PROGRESS_TEXT])
    for n, (name, measure, *figures) in enumerate(FIGURES, start=2):
        ws.cell(n, 1, "经发办")
        ws.cell(n, 2, name)
        ws.cell(n, 3, measure or None)
        for col, (value, fmt) in enumerate(figures, start=4):
            ws.cell(n, col, value).number_format = fmt
        # a date in a text column: shown as the unit saw it, as text
        ws.cell(n, 7, MOMENT).number_format = DATE_FORMATS[n % len(DATE_FORMATS)]
    wb.save(path)


@pytest.mark.parametrize("date1904", [False, True], ids=["1900", "1904"])
def test_consolidated_figures_show_as_in_the_return_and_stay_numbers(tmp_path, zh_cn, date1904):
    src = tmp_path / "return.xlsx"  # LibreOffice's --convert-to: ASCII names are safest
    _progress_return(src, date1904)
    registry = Registry([Unit("经发办", L.DEPARTMENT)])
    for kind in SAVE_AS:
        saved = _saved_by_libreoffice(src, kind, tmp_path)
        returned = _as_shown(saved, tmp_path / f"ret_{kind}")
        cons = consolidate([read_return(saved)], registry)
        out = write_consolidation(cons, tmp_path / f"summary_{kind}.xlsx")
        book = openpyxl.load_workbook(out)
        sheet = book.sheetnames.index(L.SHEET_PROGRESS) + 1
        consolidated = _as_shown(out, tmp_path / f"sum_{kind}", sheet)
        where = {label: i for i, label in enumerate(consolidated[0])}
        ws = book[L.SHEET_PROGRESS]
        for n in range(1, len(FIGURES) + 1):
            for col, label in enumerate([*PROGRESS_HEADER[1:], L.PROGRESS_TEXT], start=1):
                assert consolidated[n][where[label]] == returned[n][col], (kind, n, label)
            for col, (value, _) in zip((4, 5, 6), FIGURES[n - 1][2:], strict=True):
                cell = ws.cell(n + 1, where[PROGRESS_HEADER[col - 1]] + 1)
                # numbers stay numbers (they sum and sort); text stays text
                assert cell.data_type == ("s" if isinstance(value, str) else "n"), (kind, n, col)
        # read back for the rank stage: the same figures, shown the same way
        again = load_consolidation(out)
        assert again.number_cells == cons.number_cells
        shown = again.others[L.PROGRESS_KIND][L.TARGET_VALUE].tolist()
        assert shown == cons.others[L.PROGRESS_KIND][L.TARGET_VALUE].tolist()


def test_the_consolidate_command_keeps_figures_numbers_too(tmp_path):
    # The command reads in worker processes and releases each table's cells once validated
    # (a run of thousands of returns): the figures typed as numbers must be kept before that.
    returns = tmp_path / "returns"
    returns.mkdir()
    _progress_return(returns / "return.xlsx", False)
    registry = Registry([Unit("经发办", L.DEPARTMENT)])
    listed = consolidate([read_return(returns / "return.xlsx", "return.xlsx")], registry)
    result = pipeline.consolidate_returns([returns], registry, tmp_path / "summary.xlsx")
    assert result.consolidation.number_cells
    assert set(result.consolidation.number_cells.values()) == set(listed.number_cells.values())
    ws = openpyxl.load_workbook(tmp_path / "summary.xlsx")[L.SHEET_PROGRESS]
    where = {cell.value: cell.column for cell in ws[1]}
    for n, figures in enumerate(FIGURES, start=2):
        for label, (value, _) in zip(PROGRESS_HEADER[3:6], figures[2:], strict=True):
            cell = ws.cell(n, where[label])
            assert cell.data_type == ("s" if isinstance(value, str) else "n"), (n, label)


def test_text_shows_numbers_as_displayed_and_keeps_every_digit(tmp_path):
    src = tmp_path / "经发办.xlsx"
    _progress_return(src, False)
    cons = consolidate([read_return(src)], Registry([Unit("经发办", L.DEPARTMENT)]))
    frame = cons.others[L.PROGRESS_KIND]
    assert frame[L.TARGET_VALUE].tolist() == [
        "3000.0万元",
        "2亿元",  # 1.5 under #,##0"亿元": Excel shows 2亿元
        "98%",  # a quoted % shows the number as it is
        "00123",
        "123456789012345",  # 15 digits under 0: all of them
    ]
    assert frame[L.ACTUAL_VALUE].tolist() == [
        "2,819.91",
        "1,234,568",
        "3.14",
        "0.3",  # General: 15 significant digits (0.30000000000000004 in the file)
        "110101199003071234",  # an identifier typed as text keeps its 18 digits
    ]
    assert frame[L.RATE].tolist() == ["94.0%", "98.77%", "1.23E+10", "105%", "1/2"]
    assert frame[L.PROGRESS_TEXT].tolist()[0] == "2022-03-15"  # DATE_FORMATS[2]: yyyy-mm-dd
    # the figure as parsed keeps the full value, not the shown rounding: 0.98765 → 98.765 %
    assert frame[L.parsed(L.RATE)].tolist()[1] == pytest.approx(98.765)


def test_a_unit_in_the_number_format_is_part_of_the_figure_and_a_mismatch_is_named(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "指标进度"
    ws.append(PROGRESS_HEADER)
    ws.append(["甲村", "集体经济收入", "万元", 30, 33])  # 万元 in the row and in the format
    ws.append(["乙村", "集体经济收入", "元", 30, 27])  # 万元 in the format, 元 in the row
    ws.append(["丙村", "集体经济收入", "", 30, 24])  # 万元 only in the format
    for row in ws.iter_rows(min_row=2, min_col=4, max_col=5):
        for cell in row:
            cell.number_format = '0"万元"'
    wb.save(tmp_path / "villages.xlsx")
    registry = Registry([Unit(n, L.VILLAGE) for n in ("甲村", "乙村", "丙村")])
    cons = consolidate([read_return(tmp_path / "villages.xlsx")], registry)
    frame = cons.others[L.PROGRESS_KIND]
    # 30万元 = 300000 元 in every row: the format's unit, whatever the row says
    assert frame[L.parsed(L.TARGET_VALUE)].tolist() == [300_000, 300_000, 300_000]
    assert frame[L.parsed(L.ACTUAL_VALUE)].tolist() == [330_000, 270_000, 240_000]
    assert [(i.cell, i.rule) for i in cons.issues if i.rule == "format_unit_mismatch"] == [
        ("D3", "format_unit_mismatch"),
        ("E3", "format_unit_mismatch"),
    ]
    item = Item("集体经济", 10, L.M_RATE, indicator="集体经济收入", short_per_pct=0.5)
    result = score(cons, Rules(items=[item], settings=Settings(full_marks=None)))
    points = dict(zip(result.rows[L.UNIT], result.rows["得分"], strict=True))
    # 甲村 33/30 = 110% → 10 (no bonus rule); 乙村 27/30 = 90% → 10 − 10 × 0.5 = 5;
    # 丙村 24/30 = 80% → 10 − 20 × 0.5 = 0
    assert points == {"甲村": 10, "乙村": 5, "丙村": 0}


def test_an_ods_time_cell_and_an_xlsx_duration_are_shown_as_times():
    assert shown_number("PT14H05M09S") is not None
    assert display(shown_number("PT1071254H05M08.999999519S"), "h:mm:ss") == "14:05:09"
    assert shown_number("98.47%") == pytest.approx(0.9847)
    assert shown_number("文本") is None


def test_numbers_and_dates_in_annex_text_columns_stay_numbers_with_their_format(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(L.KIND_COLUMNS[L.PLAN_KIND]))
    ws.append([1, "温塘村", 35, MOMENT])
    ws["C2"].number_format = '0"%"'
    ws["D2"].number_format = 'yyyy"年"m"月"d"日"'
    ws.append([2, "八〇一社区", "全区第1", "亮点"])
    wb.save(tmp_path / "plan.xlsx")
    registry = Registry([Unit("温塘村", L.VILLAGE), Unit("八〇一社区", L.COMMUNITY)])
    cons = consolidate([read_return(tmp_path / "plan.xlsx")], registry)
    assert cons.annexes[L.VILLAGE][[L.TARGET, L.PLAN]].values.tolist() == [["35%", "2022年3月15日"]]
    out = write_consolidation(cons, tmp_path / "summary.xlsx")
    sheet = openpyxl.load_workbook(out)[L.annex_sheet(L.VILLAGE)]
    target, plan = sheet["C5"], sheet["D5"]  # 附件N, title, two header rows, then the row
    assert (target.value, target.number_format) == (35, '0"%"')
    assert plan.is_date and plan.number_format == 'yyyy"年"m"月"d"日"'
    assert plan.value == MOMENT
    assert target.border.left.style == "thin"  # still an annex cell: boxed
    community = openpyxl.load_workbook(out)[L.annex_sheet(L.COMMUNITY)]
    assert community["C5"].data_type == "s"  # text stays text
    again = load_consolidation(out)
    assert again.annexes[L.VILLAGE][[L.TARGET, L.PLAN]].values.tolist() == [
        ["35%", "2022年3月15日"]
    ]
    assert again.number_cells == cons.number_cells
