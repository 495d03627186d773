"""Sheet writers shared by 汇总.xlsx and 排名.xlsx: the printable annexes, plain list sheets
and the frames of a Consolidation's issues, missing units, duplicates, sources and registry."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from targetbook import labels as L
from targetbook.beijing import from_utc
from targetbook.numfmt import display
from targetbook.text import cell_text, clean_text
from targetbook.write._book import MAX_TEXT, Book, Column, Lines, finite
from targetbook.write._sheets import (
    ANNEX_WIDTHS,
    PROVENANCE_WIDTHS,
    Formats,
    annex_head,
    list_print_setup,
    print_setup,
    put_text,
    row_heights,
    wrapped_heights,
)

PARSED = {L.parsed(c) for c in L.NUMERIC_COLUMNS}
S_FILE, S_SHA, S_TIME, S_SHEET, S_ROWS, S_STATUS = L.SOURCE_COLUMNS
NUMERIC = {L.SEQ, L.SRC_ROW, S_ROWS, *PARSED}
WIDE = {L.TARGET, L.PLAN, L.PROGRESS_TEXT, L.PROBLEMS, L.NEXT_STEPS, L.EVIDENCE}
WIDE |= {L.PEER_ITEM, L.PEER_STANDARD, L.FEATURE_CONTENT, L.SRC_FILE, L.SOURCE_UNITS}
WIDE |= {L.ISSUE_COLUMNS[0], L.ISSUE_COLUMNS[5], L.ISSUE_COLUMNS[6], *L.DUPLICATE_COLUMNS[1:3]}


def annex_sheet(
    book: Book,
    fmts: Formats,
    category: str,
    year: object,
    frame: pd.DataFrame | None,
    number_cells: dict | None = None,
) -> None:
    """One annex sheet in seed 000's layout; provenance to the right of the print area.
    `number_cells`: as list_sheet's (a number typed in a text column stays a number)."""
    ws = book.wb.add_worksheet(L.annex_sheet(category))
    header = annex_head(ws, fmts, category, year, two_rows=True)
    top = header - 1  # the header spans two rows, as in seed 000
    for col, (label, width) in enumerate(zip(L.PROVENANCE, PROVENANCE_WIDTHS, strict=True), 4):
        ws.set_column(col, col, width)
        ws.merge_range(top, col, header, col, label, fmts.side_header)
    frame = frame if frame is not None else pd.DataFrame(columns=[*L.KIND_COLUMNS[L.PLAN_KIND]])
    n = len(frame)
    units, targets, plans, files, sheets = (
        cells(frame, c, False) for c in (L.UNIT, L.TARGET, L.PLAN, L.SRC_FILE, L.SRC_SHEET)
    )
    # Every row gets a height from its text: LibreOffice does not auto-fit wrapped rows
    # stored without one (checked: its PDF clips them to one line), and printing is the
    # point of these sheets.
    heights = Lines(row_heights, [units, targets, plans], ANNEX_WIDTHS[1:])
    body = [Column(units, fmts.center, True), Column(targets, fmts.cell, True)]
    body.append(Column(plans, fmts.cell, True))
    keys = _provenance(frame) if number_cells else None
    for label, column in zip((L.UNIT, L.TARGET, L.PLAN), body, strict=True):
        if keys is not None:
            _as_numbers(column, label, keys, number_cells, fmts, column.fmt)  # type: ignore[arg-type]
    columns = [
        Column([float(i) for i in range(1, n + 1)], fmts.center, True),  # 序号 renumbered
        *body,
        Column(files, fmts.side),
        Column(sheets, fmts.side),
        Column(cells(frame, L.SRC_ROW, True), fmts.side),
    ]
    book.body(ws, header + 1, columns, heights)
    print_setup(ws, header, header + n, 3, top=top)


def print_title(params: dict[str, str], year: object) -> str:
    """What a printed list sheet's title starts with: `南桐镇2022年度` (乡镇 when set)."""
    return f"{params.get(L.PARAM_TOWN, '')}{year}{L.YEAR_SUFFIX}"


def list_sheet(
    book: Book,
    fmts: Formats,
    sheet: str,
    frame: pd.DataFrame,
    columns: Sequence[str],
    title: str = "",
    number_cells: dict | None = None,
) -> None:
    """A plain list sheet: bold header, frozen, filtered; numbers for numeric columns only;
    long text wrapped; printed on A4 with `title` (default: the sheet name) on each page.

    `number_cells` (Consolidation.number_cells): a figure the return held as a number is
    written as that number under its number format, so it shows as in the return and sums."""
    ws = book.wb.add_worksheet(sheet)
    body, widths, wrapped, wrapped_widths = [], [], [], []
    keys = _provenance(frame) if number_cells else None
    for col, label in enumerate(columns):
        put_text(ws, 0, col, label, fmts.header)
        width = 40 if label in WIDE else 10 if label in NUMERIC else 16
        widths.append(width)
        side = label in L.PROVENANCE
        ws.set_column(col, col, width, fmts.side if side else None)
        values = frame[label].tolist() if label in frame.columns else [None] * len(frame)
        fmt = fmts.side if side else fmts.wrap if label in WIDE else None
        column = Column(values, fmt, numeric=label in NUMERIC)
        if keys is not None and label in frame.columns and label not in NOT_COPIED:
            _as_numbers(column, label, keys, number_cells, fmts)  # type: ignore[arg-type]
        body.append(column)
        if label in WIDE and not side:
            wrapped.append(cells(frame, label, False))
            wrapped_widths.append(width)
    heights = Lines(wrapped_heights, wrapped, wrapped_widths) if wrapped and len(frame) else None
    book.body(ws, 1, body, heights)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(frame), 1), len(columns) - 1)
    list_print_setup(ws, widths, len(frame), title or sheet)


def _provenance(frame: pd.DataFrame) -> list[tuple[str, str, int]] | None:
    if not all(c in frame.columns for c in L.PROVENANCE):
        return None
    files, sheets, rows = (frame[c].tolist() for c in L.PROVENANCE)
    return [
        (f, s, int(r) if finite(r) else -1) for f, s, r in zip(files, sheets, rows, strict=True)
    ]


# Columns that are ours, not a copy of a return's cell.
NOT_COPIED = {*L.PROVENANCE, L.SEQ, L.CATEGORY, L.GROUP, *PARSED, L.SRC_COLUMNS}


def _as_numbers(
    column: Column, label: str, keys, number_cells: dict, fmts: Formats, base=None
) -> None:
    """A return's cells typed as numbers become number cells under their format again —
    where the row still shows that number (a merged or rewritten cell stays text)."""
    values = list(column.values)
    styles: list[object] = [None] * len(values)
    hit = False
    for n, (file, sheet, row) in enumerate(keys):
        cell = number_cells.get((file, sheet, row, label))
        if cell is None:
            continue
        number, code = cell
        if clean_text(display(number, code)) != cell_text(values[n]):
            continue
        values[n] = number
        styles[n] = fmts.number_format(code, base) if code != "General" or base else None
        hit = True
    if hit:
        column.values, column.styles, column.numeric = values, styles, True


def cells(frame: pd.DataFrame, label: str, numeric: bool) -> list[str | float | None]:
    """A column as cells to write: text (cut to Excel's limit), a finite number, or None."""
    if label not in frame.columns:
        return [None] * len(frame)
    values = frame[label].tolist()
    if set(map(type, values)) == {str} and max(map(len, values), default=0) <= MAX_TEXT:
        return [v or None for v in values] if "" in values else values  # text: as it is
    out: list[str | float | None] = []
    append = out.append
    for value in values:
        if value.__class__ is str:
            append(value[:MAX_TEXT] if value else None)
        elif numeric:
            append(float(value) if finite(value) else None)
        elif value is None or (value.__class__ is float and value != value):
            append(None)
        else:
            text = str(value)
            append(text[:MAX_TEXT] if text else None)
    return out


def issues_frame(issues) -> pd.DataFrame:
    """Issues as the 校验问题 sheet's rows."""
    rows = [
        (i.file, i.sheet, i.cell, i.rule, L.SEVERITY_NAMES.get(i.severity, i.severity),
         i.message, i.value)
        for i in issues
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=list(L.ISSUE_COLUMNS))


def missing_frame(cons) -> pd.DataFrame:
    """未报送: category, unit and group of each registry unit with no row."""
    units = {u.name: u for u in cons.registry.units} if cons.registry else {}
    rows = []
    for name in cons.missing_units:
        unit = units.get(name)
        rows.append((unit.category if unit else "", name, unit.group if unit else ""))
    return pd.DataFrame(rows, columns=list(L.MISSING_COLUMNS))


def sources_frame(cons) -> pd.DataFrame:
    """来源: one row per file and sheet read (or per file when no table was read)."""
    rows = []
    for s in cons.sources:
        # 修改时间 in Beijing time, as staff read their clocks
        stamp = from_utc(s.modified).isoformat(sep=" ", timespec="seconds") if s.modified else ""
        # one unit per line: a name may hold 、 itself (`党政办（党群办、人大办）`)
        units = "\n".join(cons.file_units.get(s.file, []))
        if s.tables:
            rows += [
                (s.file, s.sha256, stamp, t.sheet, t.n_rows, s.status, units) for t in s.tables
            ]
        else:
            rows.append(
                (s.file, s.sha256, stamp, "", cons.file_rows.get(s.file, 0), s.status, units)
            )
    return pd.DataFrame(rows, columns=[*L.SOURCE_COLUMNS, L.SOURCE_UNITS])


def duplicates_frame(cons) -> pd.DataFrame:
    """重复报送: unit, the files that reported it, the file kept, the kinds concerned."""
    rows = [
        (d.unit, "\n".join(d.files), d.kept, "、".join(L.KIND_NAMES.get(k, k) for k in d.kinds))
        for d in cons.duplicates
    ]
    return pd.DataFrame(rows, columns=list(L.DUPLICATE_COLUMNS))


def registry_frame(cons) -> pd.DataFrame:
    """单位名录: the registry the consolidation matched against (the rank stage needs it)."""
    units = cons.registry.units if cons.registry else ()
    rows = [(u.name, u.category, u.group, "、".join(u.aliases)) for u in units]
    return pd.DataFrame(rows, columns=list(L.REGISTRY_COLUMNS))


def params_frame(params: dict[str, str]) -> pd.DataFrame:
    """参数: key/value rows (年度 first)."""
    return pd.DataFrame(list(params.items()), columns=list(L.PARAM_COLUMNS))
