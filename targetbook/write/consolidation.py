"""Write the consolidated workbook (汇总.xlsx) and read it back for the later stages."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd

from targetbook import labels as L
from targetbook.beijing import to_utc
from targetbook.errors import Issue, TargetbookError
from targetbook.numfmt import display, serial_number
from targetbook.read import Source, read_grids
from targetbook.read._books import NUMBER_FORMATS
from targetbook.registry import Registry, Unit
from targetbook.results import UNMATCHED_COLUMNS, Consolidation, Duplicate
from targetbook.text import cell_text, clean_text
from targetbook.text._columns import shown_number
from targetbook.write._book import Book, finite
from targetbook.write._sheets import Formats
from targetbook.write._tables import (
    NOT_COPIED,
    PARSED,
    S_FILE,
    S_ROWS,
    S_SHA,
    S_STATUS,
    S_TIME,
    annex_sheet,
    duplicates_frame,
    issues_frame,
    list_sheet,
    missing_frame,
    params_frame,
    print_title,
    registry_frame,
    sources_frame,
)
from targetbook.write.atomic import atomic_path


def consolidation_params(
    cons: Consolidation, year: object, extra: dict[str, object] | None = None
) -> dict[str, str]:
    """The 参数 sheet's rows: 年度 first, then the consolidation's parameters and `extra`."""
    params = {L.PARAM_YEAR: str(year)}
    for source in (cons.params, extra or {}):
        params.update((str(k), cell_text(v)) for k, v in source.items() if k != L.PARAM_YEAR)
    return params


def write_consolidation(
    cons: Consolidation,
    path: str | Path,
    *,
    year: int | None = None,
    params: dict[str, object] | None = None,
    opens_on: str | None = None,
) -> Path:
    """Write 汇总.xlsx atomically: printable annexes, other kinds, issues, sources, registry.

    参数 holds 年度, `cons.params` and `params` (乡镇, 发文机关, 文号 …): the rank stage
    carries them on to 排名.xlsx, whose report prints them. `opens_on` names the sheet the
    workbook opens on (校验报告: 校验问题)."""
    shown_year = year or cons.year or datetime.now().year
    lists = [(L.KIND_SHEET[k], f, list(f.columns)) for k, f in cons.others.items() if len(f)]
    if len(cons.unmatched):
        lists.append((L.SHEET_UNMATCHED, cons.unmatched, UNMATCHED_COLUMNS))
    lists += [
        (L.SHEET_ISSUES, issues_frame(cons.issues), L.ISSUE_COLUMNS),
        (L.SHEET_MISSING, missing_frame(cons), L.MISSING_COLUMNS),
        (L.SHEET_DUPLICATES, duplicates_frame(cons), L.DUPLICATE_COLUMNS),
        (L.SHEET_SOURCES, sources_frame(cons), [*L.SOURCE_COLUMNS, L.SOURCE_UNITS]),
        (L.SHEET_REGISTRY, registry_frame(cons), L.REGISTRY_COLUMNS),
        (
            L.SHEET_PARAMS,
            params_frame(consolidation_params(cons, shown_year, params)),  # = shown
            L.PARAM_COLUMNS,
        ),
    ]
    order = {sheet: i for i, sheet in enumerate(L.KIND_SHEET.values())}
    lists.sort(key=lambda item: order.get(item[0], len(order)))  # stable: kinds first
    target = Path(path)
    shown = consolidation_params(cons, shown_year, params)
    prefix = print_title(shown, shown_year)
    book = Book()
    try:
        fmts = Formats(book.wb)
        for category in L.CATEGORIES:
            annex_sheet(
                book, fmts, category, shown_year, cons.annexes.get(category), cons.number_cells
            )
        for sheet, frame, columns in lists:
            list_sheet(
                book,
                fmts,
                sheet,
                frame,
                columns,
                title=f"{prefix}{sheet}",
                number_cells=cons.number_cells,
            )
        if opens_on is not None:
            book.wb.get_worksheet_by_name(opens_on).activate()
    except BaseException:
        book.abandon()
        raise
    with atomic_path(target) as tmp:
        book.save(tmp)
    return target


def write_check_report(
    cons: Consolidation,
    path: str | Path,
    *,
    year: int | None = None,
    params: dict[str, object] | None = None,
) -> Path:
    """Write 校验报告.xlsx: the consolidated workbook, opening on the problem list (校验问题)."""
    return write_consolidation(cons, path, year=year, params=params, opens_on=L.SHEET_ISSUES)


_finite = finite


def load_consolidation(path: str | Path) -> Consolidation:
    """Read back a 汇总.xlsx written by write_consolidation (the rank stage's input)."""
    try:
        grids = read_grids(path)
    except TargetbookError as exc:
        reason = exc.message
        raise TargetbookError("consolidated_unreadable", path=path, reason=reason) from exc
    sheets = set(grids)
    if not {L.annex_sheet(c) for c in L.CATEGORIES} <= sheets:
        first = L.annex_sheet(L.DEPARTMENT)
        raise TargetbookError("not_consolidated", path=path, sheet=first)

    def rows(name: str) -> list[list]:
        return grids[name].to_numpy(dtype=object).tolist() if name in sheets else []

    params = {cell_text(r[0]): cell_text(r[1]) for r in rows(L.SHEET_PARAMS)[1:] if len(r) > 1}
    year = params.get(L.PARAM_YEAR, "")
    registry = Registry(
        [
            Unit(f[L.REG_UNIT], f[L.REG_CATEGORY], f[L.REG_GROUP], _split(f[L.REG_ALIASES]))
            for f in _records(rows(L.SHEET_REGISTRY), L.REGISTRY_COLUMNS)
            if f[L.REG_UNIT]
        ]
    )
    cons = Consolidation(registry=registry, year=int(year) if year.isdigit() else None)
    cons.params = {k: v for k, v in params.items() if k and k != L.PARAM_YEAR}
    plan = [*L.KIND_COLUMNS[L.PLAN_KIND], *L.PROVENANCE]
    for category in L.CATEGORIES:
        grid = rows(L.annex_sheet(category))
        start = next((i for i, r in enumerate(grid) if r[:2] == [L.SEQ, L.UNIT]), len(grid))
        # the header's second row (merged cells) is blank; every data row has its 序号
        body = [r for r in grid[start + 1 :] if any(v not in ("", None) for v in r)]
        cons.annexes[category] = _frame(grid[start : start + 1] + body, plan)
        at = [i for i, r in enumerate(grid) if i > start and any(v not in ("", None) for v in r)]
        sheet = grids[L.annex_sheet(category)]
        _load_numbers(cons, cons.annexes[category], grid[start], list(zip(at, body, strict=True)),
                      sheet.attrs.get(NUMBER_FORMATS))  # fmt: skip
    for kind, sheet in L.KIND_SHEET.items():
        if sheet in sheets:
            grid = rows(sheet)
            cons.others[kind] = _frame(grid, [cell_text(c) for c in grid[0]] if grid else [])
            if grid:
                body = list(enumerate(grid[1:], start=1))
                formats = grids[sheet].attrs.get(NUMBER_FORMATS)
                _load_numbers(cons, cons.others[kind], grid[0], body, formats)
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


def _load_numbers(
    cons: Consolidation,
    frame: pd.DataFrame,
    header: list,
    body: list[tuple[int, list]],
    formats,
) -> None:
    """A return's cells we wrote as numbers (body: (grid row, row) of the frame's rows):
    back into `number_cells` (排名.xlsx writes them the same way), their text as shown."""
    if not all(c in frame.columns for c in L.PROVENANCE):
        return
    codes, styles, date1904 = formats or (["General"], {}, False)
    where = {cell_text(c): i for i, c in enumerate(header)}
    keys = list(zip(*(frame[c].tolist() for c in L.PROVENANCE), strict=True))
    for label in frame.columns:
        col = where.get(label)
        if col is None or label in NOT_COPIED:
            continue
        texts = frame[label].tolist()
        for n, (r, row) in enumerate(body):
            value = row[col] if col < len(row) else None
            k = styles.get((r, col), 0)
            number = shown_number(value) if k or value.__class__ in (int, float) else None
            if number is None or isinstance(number, bool):
                continue
            if not isinstance(number, int | float):
                number = serial_number(number)  # a date we wrote: its serial again
            code = codes[k]
            file, sheet, src_row = keys[n]
            cons.number_cells[(file, sheet, int(src_row), label)] = (float(number), code)
            texts[n] = clean_text(display(number, code, date1904=date1904))
        frame[label] = texts


def _records(grid: list[list], columns: Sequence[str]) -> list[dict[str, str]]:
    """Rows under a one-row header as {label: text}, by label (column order may differ)."""
    if not grid:
        return []
    where = {cell_text(c): i for i, c in enumerate(grid[0])}
    return [
        {c: cell_text(r[where[c]]) if c in where and where[c] < len(r) else "" for c in columns}
        for r in grid[1:]
    ]


def _frame(
    grid: list[list], columns: Sequence[str], ints: Sequence[str] = (L.SEQ, L.SRC_ROW)
) -> pd.DataFrame:
    """Rows under a header → frame with `columns`; numbers where the writer wrote numbers."""
    where = {cell_text(c): i for i, c in enumerate(grid[0])} if grid else {}
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
            data[label] = [cell_text(v) for v in cells]
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
                modified=to_utc(datetime.fromisoformat(stamp)) if stamp else None,
            )
            by_file[source.file] = source
            cons.file_rows[source.file] = 0
        cons.file_rows[source.file] += int(float(f[S_ROWS])) if _finite(f[S_ROWS]) else 0
    cons.sources = list(by_file.values())
    for f in records:
        names = (n.strip() for n in f[L.SOURCE_UNITS].split("\n"))
        cons.file_units.setdefault(f[S_FILE], [n for n in names if n])
