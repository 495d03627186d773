"""Write the consolidated workbook (汇总.xlsx) and read it back for the later stages."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd
import xlsxwriter
from python_calamine import CalamineWorkbook

from targetbook import labels as L
from targetbook.consolidate import UNMATCHED_COLUMNS, Consolidation, Duplicate
from targetbook.errors import Issue, TargetbookError
from targetbook.read import Source
from targetbook.registry import Registry, Unit
from targetbook.write._common import atomic_path
from targetbook.write._sheets import (
    ANNEX_WIDTHS,
    MAX_TEXT,
    PROVENANCE_WIDTHS,
    Formats,
    annex_head,
    print_setup,
    put_text,
    row_height,
)

# Strings are never turned into formulas, URLs or numbers: the text from a return stays text.
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
# Up to this many cells the workbook is built in memory (shared strings, no temporary part
# files: ~15% less CPU and 6× faster on small outputs, measured); above it constant_memory
# streams rows to disk so memory stays flat for prefecture-sized runs.
IN_MEMORY_CELLS = 1_000_000
PARSED = {L.parsed(c) for c in L.NUMERIC_COLUMNS}
S_FILE, S_SHA, S_TIME, S_SHEET, S_ROWS, S_STATUS = L.SOURCE_COLUMNS
NUMERIC = {L.SEQ, L.SRC_ROW, S_ROWS, *PARSED}
WIDE = {L.TARGET, L.PLAN, L.PROGRESS_TEXT, L.PROBLEMS, L.NEXT_STEPS, L.EVIDENCE}
WIDE |= {L.PEER_ITEM, L.PEER_STANDARD, L.FEATURE_CONTENT, L.SRC_FILE, L.SOURCE_UNITS}
WIDE |= {L.ISSUE_COLUMNS[0], L.ISSUE_COLUMNS[5], L.ISSUE_COLUMNS[6], *L.DUPLICATE_COLUMNS[1:3]}


def write_consolidation(cons: Consolidation, path: str | Path, *, year: int | None = None) -> Path:
    """Write 汇总.xlsx atomically: printable annexes, other kinds, issues, sources, registry."""
    shown_year = year or cons.year or datetime.now().year
    lists = [(L.KIND_SHEET[k], f, list(f.columns)) for k, f in cons.others.items() if len(f)]
    if len(cons.unmatched):
        lists.append((L.SHEET_UNMATCHED, cons.unmatched, UNMATCHED_COLUMNS))
    lists += [
        (L.SHEET_ISSUES, _issues_frame(cons), L.ISSUE_COLUMNS),
        (L.SHEET_MISSING, _missing_frame(cons), L.MISSING_COLUMNS),
        (L.SHEET_DUPLICATES, _dups_frame(cons), L.DUPLICATE_COLUMNS),
        (L.SHEET_SOURCES, _sources_frame(cons), [*L.SOURCE_COLUMNS, L.SOURCE_UNITS]),
        (L.SHEET_REGISTRY, _registry_frame(cons), L.REGISTRY_COLUMNS),
        (
            L.SHEET_PARAMS,
            pd.DataFrame([(L.PARAM_YEAR, str(shown_year))], columns=L.PARAM_COLUMNS),
            L.PARAM_COLUMNS,
        ),
    ]
    order = {sheet: i for i, sheet in enumerate(L.KIND_SHEET.values())}
    lists.sort(key=lambda item: order.get(item[0], len(order)))  # stable: kinds first
    target = Path(path)
    with atomic_path(target) as tmp:
        cells = sum(len(frame) * len(columns) for _, frame, columns in lists)
        cells += 7 * sum(len(f) for f in cons.annexes.values())
        streamed = cells > IN_MEMORY_CELLS
        options = {**WORKBOOK_OPTIONS, "constant_memory": streamed, "in_memory": not streamed}
        wb = xlsxwriter.Workbook(str(tmp), options)
        try:
            fmts = Formats(wb)
            for category in L.CATEGORIES:
                _annex(wb, fmts, category, shown_year, cons.annexes.get(category))
            for sheet, frame, columns in lists:
                _table(wb.add_worksheet(sheet), fmts, frame, columns)
            wb.close()
        except BaseException:
            _abandon(wb)
            raise
    return target


def _abandon(wb) -> None:
    """Close and delete constant_memory's per-sheet temporary files after a failed write."""
    for ws in wb.worksheets():
        handle = getattr(ws, "row_data_fh", None)
        if handle is not None and not handle.closed:
            handle.close()
        name = getattr(ws, "row_data_filename", None)
        if name and os.path.exists(name):
            os.unlink(name)
    wb.fileclosed = True


def _annex(wb, fmts: Formats, category: str, year: object, frame: pd.DataFrame | None) -> None:
    """One annex sheet in seed 000's layout; provenance to the right of the print area."""
    ws = wb.add_worksheet(L.annex_sheet(category))
    header = annex_head(ws, fmts, category, year)
    for col, (label, width) in enumerate(zip(L.PROVENANCE, PROVENANCE_WIDTHS, strict=True), 4):
        ws.set_column(col, col, width)
        put_text(ws, header, col, label, fmts.side_header)
    frame = frame if frame is not None else pd.DataFrame(columns=[*L.KIND_COLUMNS[L.PLAN_KIND]])
    units, targets, plans, files, sheets = (
        _cells(frame, c, False) for c in (L.UNIT, L.TARGET, L.PLAN, L.SRC_FILE, L.SRC_SHEET)
    )
    rows = _cells(frame, L.SRC_ROW, True)
    row = header
    for i, (unit, target, plan) in enumerate(zip(units, targets, plans, strict=True)):
        row = header + 1 + i
        ws.set_row(row, row_height((unit or "", target or "", plan or ""), ANNEX_WIDTHS[1:]))
        ws.write_number(row, 0, i + 1, fmts.center)  # 序号 renumbered 1…n
        for col, value, fmt in (
            (1, unit, fmts.center), (2, target, fmts.cell), (3, plan, fmts.cell),
            (4, files[i], fmts.side), (5, sheets[i], fmts.side), (6, rows[i], fmts.side),
        ):  # fmt: skip
            if value.__class__ is str:
                ws.write_string(row, col, value, fmt)
            elif value is not None:
                ws.write_number(row, col, value, fmt)
            elif col < 4:
                ws.write_blank(row, col, None, fmt)  # keep the printed borders
    print_setup(ws, header, row, 3)


def _table(ws, fmts: Formats, frame: pd.DataFrame, columns: Sequence[str]) -> None:
    """A plain list sheet: bold header, frozen, filtered; numbers for numeric columns only."""
    for col, label in enumerate(columns):
        put_text(ws, 0, col, label, fmts.header)
        width = 40 if label in WIDE else 10 if label in NUMERIC else 16
        ws.set_column(col, col, width, fmts.side if label in L.PROVENANCE else None)
    write_string, write_number = ws.write_string, ws.write_number
    values = [_cells(frame, c, c in NUMERIC) for c in columns]
    for row, cells in enumerate(zip(*values, strict=True), 1):
        for col, value in enumerate(cells):
            if value.__class__ is str:
                write_string(row, col, value)
            elif value is not None:
                write_number(row, col, value)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(frame), 1), len(columns) - 1)


def _cells(frame: pd.DataFrame, label: str, numeric: bool) -> list[str | float | None]:
    """A column as cells to write: text (cut to Excel's limit), a finite number, or None."""
    if label not in frame.columns:
        return [None] * len(frame)
    out: list[str | float | None] = []
    for value in frame[label].tolist():
        if value.__class__ is str:
            out.append(value[:MAX_TEXT] if value else None)
        elif numeric and _finite(value):
            out.append(float(value))
        else:
            text = _text(value)
            out.append(text[:MAX_TEXT] if text and not numeric else None)
    return out


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value if isinstance(value, str) else str(value)


def _finite(value: object) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _issues_frame(cons: Consolidation) -> pd.DataFrame:
    rows = [
        (
            i.file,
            i.sheet,
            i.cell,
            i.rule,
            L.SEVERITY_NAMES.get(i.severity, i.severity),
            i.message,
            i.value,
        )
        for i in cons.issues
    ]
    return pd.DataFrame(rows, columns=L.ISSUE_COLUMNS)


def _missing_frame(cons: Consolidation) -> pd.DataFrame:
    units = {u.name: u for u in cons.registry.units} if cons.registry else {}
    rows = []
    for name in cons.missing_units:
        unit = units.get(name)
        rows.append((unit.category if unit else "", name, unit.group if unit else ""))
    return pd.DataFrame(rows, columns=L.MISSING_COLUMNS)


def _sources_frame(cons: Consolidation) -> pd.DataFrame:
    rows = []
    for s in cons.sources:
        stamp = s.modified.isoformat(sep=" ", timespec="seconds") if s.modified else ""
        units = "、".join(cons.file_units.get(s.file, []))
        if s.tables:
            rows += [
                (s.file, s.sha256, stamp, t.sheet, len(t.frame), s.status, units) for t in s.tables
            ]
        else:
            rows.append(
                (s.file, s.sha256, stamp, "", cons.file_rows.get(s.file, 0), s.status, units)
            )
    return pd.DataFrame(rows, columns=[*L.SOURCE_COLUMNS, L.SOURCE_UNITS])


def _dups_frame(cons: Consolidation) -> pd.DataFrame:
    rows = [
        (d.unit, "\n".join(d.files), d.kept, "、".join(L.KIND_NAMES.get(k, k) for k in d.kinds))
        for d in cons.duplicates
    ]
    return pd.DataFrame(rows, columns=L.DUPLICATE_COLUMNS)


def _registry_frame(cons: Consolidation) -> pd.DataFrame:
    units = cons.registry.units if cons.registry else ()
    rows = [(u.name, u.category, u.group, "、".join(u.aliases)) for u in units]
    return pd.DataFrame(rows, columns=L.REGISTRY_COLUMNS)


def load_consolidation(path: str | Path) -> Consolidation:
    """Read back a 汇总.xlsx written by write_consolidation (the rank stage's input)."""
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types as well as OSError
        raise TargetbookError(L.CONSOLIDATED_UNREADABLE.format(path=path, reason=exc)) from exc
    sheets = set(book.sheet_names)
    if not {L.annex_sheet(c) for c in L.CATEGORIES} <= sheets:
        first = L.annex_sheet(L.DEPARTMENT)
        raise TargetbookError(L.NOT_CONSOLIDATED.format(path=path, sheet=first))

    def rows(name: str) -> list[list]:
        return book.get_sheet_by_name(name).to_python() if name in sheets else []

    params = {_text(r[0]): _text(r[1]) for r in rows(L.SHEET_PARAMS)[1:] if len(r) > 1}
    year = params.get(L.PARAM_YEAR, "")
    registry = Registry(
        [
            Unit(f[L.REG_UNIT], f[L.REG_CATEGORY], f[L.REG_GROUP], _split(f[L.REG_ALIASES]))
            for f in _records(rows(L.SHEET_REGISTRY), L.REGISTRY_COLUMNS)
            if f[L.REG_UNIT]
        ]
    )
    cons = Consolidation(registry=registry, year=int(year) if year.isdigit() else None)
    plan = [*L.KIND_COLUMNS[L.PLAN_KIND], *L.PROVENANCE]
    for category in L.CATEGORIES:
        grid = rows(L.annex_sheet(category))
        start = next((i for i, r in enumerate(grid) if r[:2] == [L.SEQ, L.UNIT]), len(grid))
        cons.annexes[category] = _frame(grid[start:], plan)
    for kind, sheet in L.KIND_SHEET.items():
        if sheet in sheets:
            grid = rows(sheet)
            cons.others[kind] = _frame(grid, [_text(c) for c in grid[0]] if grid else [])
    if L.SHEET_UNMATCHED in sheets:
        cons.unmatched = _frame(rows(L.SHEET_UNMATCHED), UNMATCHED_COLUMNS, (L.SRC_ROW,))
    severity = {v: k for k, v in L.SEVERITY_NAMES.items()}
    for f in _records(rows(L.SHEET_ISSUES), L.ISSUE_COLUMNS):
        values = [f[c] for c in L.ISSUE_COLUMNS]
        values[4] = severity.get(values[4], values[4])
        cons.issues.append(Issue(*values))
    cons.missing_units = [f[L.UNIT] for f in _records(rows(L.SHEET_MISSING), L.MISSING_COLUMNS)]
    kinds = {v: k for k, v in L.KIND_NAMES.items()}
    for f in _records(rows(L.SHEET_DUPLICATES), L.DUPLICATE_COLUMNS):
        unit, files, kept, shown = (f[c] for c in L.DUPLICATE_COLUMNS)
        found = [kinds.get(k, k) for k in _split(shown)]
        cons.duplicates.append(Duplicate(unit, files.split("\n"), kept, found))
    _load_sources(cons, _records(rows(L.SHEET_SOURCES), [*L.SOURCE_COLUMNS, L.SOURCE_UNITS]))
    return cons


def _records(grid: list[list], columns: Sequence[str]) -> list[dict[str, str]]:
    """Rows under a one-row header as {label: text}, by label (column order may differ)."""
    if not grid:
        return []
    where = {_text(c): i for i, c in enumerate(grid[0])}
    return [
        {c: _text(r[where[c]]) if c in where and where[c] < len(r) else "" for c in columns}
        for r in grid[1:]
    ]


def _frame(
    grid: list[list], columns: Sequence[str], ints: Sequence[str] = (L.SEQ, L.SRC_ROW)
) -> pd.DataFrame:
    """Rows under a header → frame with `columns`; numbers where the writer wrote numbers."""
    where = {_text(c): i for i, c in enumerate(grid[0])} if grid else {}
    body = grid[1:]
    data = {}
    for label in columns:
        i = where.get(label)
        cells = [r[i] if i is not None and i < len(r) else "" for r in body]
        if label in ints:
            data[label] = [int(v) if _finite(v) else 0 for v in cells]
        elif label in PARSED:
            data[label] = [float(v) if _finite(v) and v != "" else math.nan for v in cells]
        else:
            data[label] = [_text(v) for v in cells]
    return pd.DataFrame(data, columns=list(columns))


def _split(text: str) -> tuple[str, ...]:
    return tuple(
        p.strip() for p in text.replace(",", "、").replace("，", "、").split("、") if p.strip()
    )


def _load_sources(cons: Consolidation, records: list[dict[str, str]]) -> None:
    """来源 rows (one per file and sheet) → Source records without tables, file row counts."""
    by_file: dict[str, Source] = {}
    for f in records:
        source = by_file.get(f[S_FILE])
        if source is None:
            stamp = f[S_TIME]
            source = Source(
                file=f[S_FILE],
                path=f[S_FILE],
                sha256=f[S_SHA],
                status=f[S_STATUS] or "ok",
                modified=datetime.fromisoformat(stamp) if stamp else None,
            )
            by_file[source.file] = source
            cons.file_rows[source.file] = 0
        cons.file_rows[source.file] += int(float(f[S_ROWS])) if _finite(f[S_ROWS]) else 0
    cons.sources = list(by_file.values())
    for f in records:
        cons.file_units.setdefault(f[S_FILE], list(_split(f[L.SOURCE_UNITS])))
