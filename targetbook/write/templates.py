"""Blank returns to send out: one per unit (unit pre-filled) and one per category annex."""

from __future__ import annotations

import re
from pathlib import Path

import xlsxwriter

from targetbook import labels as L
from targetbook.registry import Registry, Unit
from targetbook.write._sheets import Formats, annex_head, print_setup, put_text
from targetbook.write.atomic import atomic_path

# Where filling code (demo, benchmark, tests) finds the input cells (Excel rows, 1-based).
PLAN_HEADER_ROW = 4  # 附件N, title, instruction line, then the header
PLAN_FIRST_ROW = 5
ROWS_HEADER_ROW = 3  # title, instruction line, then the header (指标进度/对标管理/特色工作)
ROWS_FIRST_ROW = 4
# Blank input rows per kind in a one-unit template (an annex template has more, per unit).
BLANK_ROWS = {L.PROGRESS_KIND: 20, L.BENCHMARK_KIND: 5, L.FEATURE_KIND: 5}
KIND_WIDTHS = {L.UNIT: 18, L.INDICATOR: 24, L.MEASURE: 10, L.TARGET_VALUE: 12}
KIND_WIDTHS |= {L.ACTUAL_VALUE: 12, L.RATE: 10, L.PEER: 18, L.FEATURE_ITEM: 24}
DEFAULT_WIDTH = 30
LIST_LIMIT = 255  # Excel's limit on a data-validation list typed into the rule
# in_memory: no temporary part files (creating and deleting them dominated the run time).
OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def write_templates(
    registry: Registry,
    out_dir: str | Path,
    *,
    year: int | str,
    town: str = "",
    issued: dict[str, str] | None = None,
) -> list[Path]:
    """Write one blank return per registry unit and the three category annex templates.

    `year` titles every sheet; `town` (乡镇) is the workbooks' 单位 property and title.
    `issued` (labels.PROP_CAMPAIGN, PROP_PHASE, PROP_ISSUED → text) is recorded in each as
    custom document properties, with PROP_UNIT the unit it is made for (write/issued.py)."""
    out = Path(out_dir)
    paths = []
    for unit in registry.units:
        path = out / f"{unit.category}-{_safe(unit.name)}.xlsx"
        props = {**issued, L.PROP_UNIT: unit.name} if issued else None
        paths.append(
            _write_return(path, unit.category, [unit], year, per_unit=True, town=town, props=props)
        )
    for category in L.CATEGORIES:
        name = f"{L.ANNEX_LABEL.format(n=L.ANNEX_NUMBER[category])}-{category}.xlsx"
        units = registry.in_category(category)
        props = {**issued, L.PROP_UNIT: ""} if issued else None
        paths.append(
            _write_return(out / name, category, units, year, per_unit=False, town=town, props=props)
        )
    return paths


def _safe(name: str) -> str:
    """A unit name usable as a file name on Windows (no \\ / : * ? " < > | or spaces)."""
    return _UNSAFE.sub("_", name).strip("._") or L.UNIT


def _write_return(
    path: Path,
    category: str,
    units: list[Unit],
    year: int | str,
    *,
    per_unit: bool,
    town: str = "",
    props: dict[str, str] | None = None,
) -> Path:
    """One blank return: the plan sheet, then 指标进度, 对标管理 and 特色工作."""
    names = [u.name for u in units]
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), OPTIONS)
        title = f"{town}{L.annex_title(category, year)}"
        wb.set_properties({"title": title, "company": town, "category": str(year)})
        for name, value in (props or {}).items():
            if value:  # a category annex template is made for no one unit
                wb.set_custom_property(name, value, "text")
        fmts = Formats(wb)
        _plan_sheet(wb, fmts, category, names, year)
        for kind in (L.PROGRESS_KIND, L.BENCHMARK_KIND, L.FEATURE_KIND):
            rows = BLANK_ROWS[kind] if per_unit else max(BLANK_ROWS[kind], 10 * len(names))
            _rows_sheet(wb, fmts, kind, category, names, year, rows)
        wb.close()
    return path


def _plan_sheet(wb, fmts: Formats, category: str, names: list[str], year: int | str) -> None:
    """The seed-000 annex with the units pre-filled and blank target / plan cells."""
    ws = wb.add_worksheet(L.annex_sheet(category))
    header = annex_head(ws, fmts, category, year, note=L.TEMPLATE_NOTE_PLAN)
    last = header
    for i, name in enumerate(names, 1):
        last = header + i
        ws.set_row(last, 90)
        ws.write_number(last, 0, i, fmts.center)
        put_text(ws, last, 1, name, fmts.center)
        ws.write_blank(last, 2, None, fmts.input)
        ws.write_blank(last, 3, None, fmts.input)
    if names:
        _unit_list(ws, header + 1, last, 1, names)
    print_setup(ws, header, last, 3)


def _rows_sheet(
    wb, fmts: Formats, kind: str, category: str, names: list[str], year: int | str, rows: int
) -> None:
    """A list sheet (指标进度 …): title, instruction line, header, blank input rows."""
    ws = wb.add_worksheet(L.KIND_SHEET[kind])
    columns = L.KIND_COLUMNS[kind]
    last_col = len(columns) - 1
    title = L.TEMPLATE_KIND_TITLE.format(category=category, year=year, name=L.KIND_NAMES[kind])
    ws.set_row(0, 32)
    ws.merge_range(0, 0, 0, last_col, title, fmts.title)
    ws.set_row(1, 32)
    ws.merge_range(1, 0, 1, last_col, L.TEMPLATE_NOTE_ROWS, fmts.note)
    header = ROWS_HEADER_ROW - 1
    for col, label in enumerate(columns):
        ws.set_column(col, col, KIND_WIDTHS.get(label, DEFAULT_WIDTH))
        put_text(ws, header, col, label, fmts.header)
    first, last = header + 1, header + rows
    for row in range(first, last + 1):
        for col in range(len(columns)):
            ws.write_blank(row, col, None, fmts.input)
    _unit_list(ws, first, last, columns.index(L.UNIT), names)
    if L.MEASURE in columns:
        col = columns.index(L.MEASURE)
        # A suggestion list: other measuring words are allowed (information, not stop).
        ws.data_validation(
            first,
            col,
            last,
            col,
            {"validate": "list", "source": list(L.TEMPLATE_MEASURES), "error_type": "information"},
        )
    ws.freeze_panes(header + 1, 0)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header)
    ws.center_horizontally()
    ws.print_area(0, 0, last, last_col)
    ws.set_footer(L.PAGE_FOOTER)


def _unit_list(ws, first: int, last: int, col: int, names: list[str]) -> None:
    """Restrict 单位 to the template's units (when the list fits Excel's 255-character rule)."""
    typed = ",".join(names)  # Excel keeps a typed list as one quoted, comma-separated string
    if names and len(typed) <= LIST_LIMIT and not any("," in n or '"' in n for n in names):
        ws.data_validation(
            first,
            col,
            last,
            col,
            {"validate": "list", "source": list(names), "error_type": "stop"},
        )
