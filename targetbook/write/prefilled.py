"""Templates pre-filled from the year's baseline (templates --from 年初汇总.xlsx), locked.

Each unit gets its own return with what it committed to at 年初 (baseline.commitments): the
plan sheet with its 创先争优目标 and 亮点工作计划, and 指标进度 with one row per commitment
(指标, 计量单位, 目标值 and, for a parsed target, 目标原文: the phrase it came from). Sheet
protection (no password) locks every committed cell: only 完成值, 完成率, 进展情况, 存在问题,
下步打算 and 佐证材料 are editable, plus blank rows below for new indicators. The k-th
commitment is at Excel row ROWS_FIRST_ROW + k, which baseline.check_baseline relies on.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import xlsxwriter

from targetbook import labels as L
from targetbook.baseline import VALUE
from targetbook.registry import Registry, Unit
from targetbook.results import Consolidation
from targetbook.write._sheets import Formats, annex_head, print_setup, put_text
from targetbook.write.atomic import atomic_path
from targetbook.write.templates import (
    BLANK_ROWS,
    DEFAULT_WIDTH,
    KIND_WIDTHS,
    OPTIONS,
    ROWS_HEADER_ROW,
    _rows_sheet,
    _safe,
    _unit_list,
)

EDITABLE = (L.ACTUAL_VALUE, L.RATE, L.PROGRESS_TEXT, L.PROBLEMS, L.NEXT_STEPS, L.EVIDENCE)
NEW_ROWS = 10  # blank rows under the commitments, for indicators added during the year
# Protected sheets still let staff resize and select; nothing else.
PROTECT = {"format_columns": True, "format_rows": True}


def write_prefilled(
    registry: Registry,
    baseline: Consolidation,
    committed: pd.DataFrame,
    out_dir: str | Path,
    *,
    year: int | str,
    issued: dict[str, str] | None = None,
) -> list[Path]:
    """One pre-filled, locked return per registry unit (per-unit templates only)."""
    out = Path(out_dir)
    plans = _plans(baseline)
    paths = []
    for unit in registry.units:
        path = out / f"{unit.category}-{_safe(unit.name)}.xlsx"
        rows = committed[committed[L.UNIT] == unit.name]
        props = {**issued, L.PROP_UNIT: unit.name} if issued else None
        paths.append(_write(path, unit, plans.get(unit.name, ("", "")), rows, year, props))
    return paths


def _plans(baseline: Consolidation) -> dict[str, tuple[str, str]]:
    """unit → (创先争优目标, 亮点工作计划) as committed at 年初."""
    out = {}
    for frame in baseline.annexes.values():
        for unit, target, plan in zip(frame[L.UNIT], frame[L.TARGET], frame[L.PLAN], strict=True):
            out[str(unit)] = (str(target or ""), str(plan or ""))
    return out


def _write(
    path: Path,
    unit: Unit,
    plan: tuple[str, str],
    rows: pd.DataFrame,
    year: int | str,
    props: dict[str, str] | None,
) -> Path:
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), OPTIONS)
        for name, value in (props or {}).items():
            if value:
                wb.set_custom_property(name, value, "text")
        fmts = Formats(wb)
        locked = wb.add_format(
            {"border": 1, "text_wrap": True, "valign": "vcenter", "bg_color": "#E7E6E6"}
        )
        _plan_sheet(wb, fmts, locked, unit, plan, year)
        _progress_sheet(wb, fmts, locked, unit, rows, year)
        for kind in (L.BENCHMARK_KIND, L.FEATURE_KIND):
            _rows_sheet(wb, fmts, kind, unit.category, [unit.name], year, BLANK_ROWS[kind])
        wb.close()
    return path


def _plan_sheet(wb, fmts: Formats, locked, unit: Unit, plan: tuple[str, str], year) -> None:
    """The annex with the unit's committed 创先争优目标 and 亮点工作计划, all locked."""
    ws = wb.add_worksheet(L.annex_sheet(unit.category))
    header = annex_head(ws, fmts, unit.category, year, note=L.PREFILLED_NOTE)
    row = header + 1
    ws.set_row(row, 90)
    ws.write_number(row, 0, 1, locked)
    put_text(ws, row, 1, unit.name, locked)
    put_text(ws, row, 2, plan[0], locked)
    put_text(ws, row, 3, plan[1], locked)
    print_setup(ws, header, row, 3)
    ws.protect("", PROTECT)


def _progress_sheet(wb, fmts: Formats, locked, unit: Unit, rows: pd.DataFrame, year) -> None:
    """指标进度: a locked row per commitment (editable figures and texts), then blank rows."""
    ws = wb.add_worksheet(L.KIND_SHEET[L.PROGRESS_KIND])
    columns = [*L.KIND_COLUMNS[L.PROGRESS_KIND], L.SOURCE_PHRASE]
    last_col = len(columns) - 1
    title = L.TEMPLATE_KIND_TITLE.format(
        category=unit.category, year=year, name=L.KIND_NAMES[L.PROGRESS_KIND]
    )
    ws.set_row(0, 32)
    ws.merge_range(0, 0, 0, last_col, title, fmts.title)
    ws.set_row(1, 48)
    ws.merge_range(1, 0, 1, last_col, L.PREFILLED_NOTE, fmts.note)
    header = ROWS_HEADER_ROW - 1
    for col, label in enumerate(columns):
        ws.set_column(col, col, KIND_WIDTHS.get(label, DEFAULT_WIDTH))
        put_text(ws, header, col, label, fmts.header)
    row = header
    for record in rows.to_dict("records"):
        row += 1
        for col, label in enumerate(columns):
            if label in EDITABLE:
                ws.write_blank(row, col, None, fmts.input)
            elif label == L.TARGET_VALUE and record[VALUE] == record[VALUE]:  # not NaN
                if record[L.TARGET_VALUE] and not _plain_number(record[L.TARGET_VALUE]):
                    put_text(ws, row, col, record[L.TARGET_VALUE], locked)  # 10万元 as typed
                else:
                    ws.write_number(row, col, record[VALUE], locked)
            else:
                put_text(ws, row, col, record.get(label, ""), locked)
    first_new, last = row + 1, row + NEW_ROWS
    for r in range(first_new, last + 1):
        for col, label in enumerate(columns):
            ws.write_blank(r, col, None, locked if label == L.SOURCE_PHRASE else fmts.input)
    _unit_list(ws, first_new, last, columns.index(L.UNIT), [unit.name])
    ws.freeze_panes(header + 1, 0)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header)
    ws.protect("", PROTECT)


def _plain_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
