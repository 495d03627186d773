"""Write the ranked workbook (排名.xlsx) and read it back for the report stage.

Sheets: 排名 (with one native bar chart of totals per category), 得分, 目标达成, 进度预警,
排名问题, then the consolidated sheets (附件1–3, 指标进度 …, 校验问题, 未报送, 单位名录,
参数) so the report stage needs this one file. Text is written with write_string only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd

from targetbook import labels as L
from targetbook.errors import Issue, TargetbookError
from targetbook.headers import find_header
from targetbook.rank.order import place_numbers
from targetbook.read import read_grids
from targetbook.results import Consolidation, Ranking
from targetbook.score import SCORE_FRAME_COLUMNS
from targetbook.text import cell_text, clean_text
from targetbook.write._book import MAX_TEXT, Book, Column, finite
from targetbook.write._sheets import Formats, list_print_setup, put_text, wrapped_heights
from targetbook.write._tables import (
    annex_sheet,
    issues_frame,
    list_sheet,
    missing_frame,
    params_frame,
    print_title,
    registry_frame,
)
from targetbook.write.atomic import atomic_path

OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
NUMERIC = {
    "总分",
    "名次",
    "组内名次",
    "上年名次",
    "进位",
    "满分",
    "得分",
    "保",
    "争",
    L.RATE,
    "序时进度",
    "差距",
    L.SEQ,
    L.SRC_ROW,
    *(L.parsed(c) for c in L.NUMERIC_COLUMNS),
}
PLACES = {"名次", "组内名次", "上年名次"}
WIDE = {"计算依据", "来源", "奖项", "目标原文", "否决事由", "说明", L.TARGET, L.PLAN}
RANK_SHEETS = (
    (L.SHEET_RANKS, L.RANK_COLUMNS, "ranks"),
    (L.SHEET_SCORES, SCORE_FRAME_COLUMNS, "scores"),
    (L.SHEET_ACHIEVEMENT, L.ACHIEVEMENT_COLUMNS, "achievement"),
    (L.SHEET_WARNINGS, L.WARNING_COLUMNS, "warnings"),
)
LIGHT_COLOURS = {L.LIGHT_RED: "#FFC7CE", L.LIGHT_YELLOW: "#FFEB9C", L.LIGHT_GREEN: "#C6EFCE"}


def _table(
    ws,
    fmts: Formats,
    frame: pd.DataFrame,
    columns: Sequence[str],
    wb=None,
    book=None,
    title: str = "",
) -> None:
    """A list sheet: bold header, frozen and filtered; numbers only in numeric columns;
    long text (计算依据 …) wrapped; printed on A4 one page wide with `title` on each page.

    With `book`, the rows are spliced in as sheet XML (得分 holds units × items rows);
    without, XlsxWriter writes them (排名: its charts cache the cells' values)."""
    widths = [40 if label in WIDE else 9 if label in NUMERIC else 14 for label in columns]
    for col, label in enumerate(columns):
        put_text(ws, 0, col, label, fmts.header)
        ws.set_column(col, col, widths[col])
    numeric = [label in NUMERIC for label in columns]
    data = [frame[c].tolist() if c in frame.columns else [None] * len(frame) for c in columns]
    wide = [label in WIDE for label in columns]
    texts = [[cell_text(v) or None for v in d] for d, w in zip(data, wide, strict=True) if w]
    spans = [w for w, is_wide in zip(widths, wide, strict=True) if is_wide]
    heights = wrapped_heights(texts, spans) if texts and len(frame) else None
    if book is not None:
        body = [
            Column(v, fmts.wrap if w else None, numeric=n)
            for v, n, w in zip(data, numeric, wide, strict=True)
        ]
        book.body(ws, 1, body, heights)
    else:
        _cells(ws, data, numeric, [fmts.wrap if w else None for w in wide], heights)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(frame), 1), len(columns) - 1)
    list_print_setup(ws, widths, len(frame), title)
    if wb is not None and "预警" in columns and len(frame):
        col = list(columns).index("预警")
        for light, colour in LIGHT_COLOURS.items():
            ws.conditional_format(
                1,
                col,
                len(frame),
                col,
                {
                    "type": "cell",
                    "criteria": "==",
                    "value": f'"{light}"',
                    "format": wb.add_format({"bg_color": colour}),
                },
            )


def _cells(ws, data: list[list], numeric: list[bool], fmts: list, heights=None) -> None:
    for row, cells in enumerate(zip(*data, strict=True), 1):
        if heights is not None:
            ws.set_row(row, heights[row - 1])
        for col, value in enumerate(cells):
            if numeric[col] and finite(value):
                ws.write_number(row, col, float(value))
            elif value is not None and not (isinstance(value, float) and math.isnan(value)):
                text = str(value)
                if text:
                    ws.write_string(row, col, text[:MAX_TEXT], fmts[col])


def _charts(wb, ws, ranks: pd.DataFrame) -> None:
    """One horizontal bar chart of 总分 per category, under the 排名 table and inside its
    printed area (each chart starts a page)."""
    cols = list(L.RANK_COLUMNS)
    unit_col, total_col = cols.index(L.UNIT), cols.index("总分")
    anchor = len(ranks) + 2  # a blank row under the table
    breaks = []
    for cat in L.CATEGORIES:
        where = [
            n
            for n, (c, t) in enumerate(zip(ranks[L.CATEGORY], ranks["总分"], strict=True))
            if c == cat and finite(t)
        ]
        if not where:
            continue
        first, last = where[0] + 1, where[-1] + 1  # contiguous: ranks are sorted by category
        chart = wb.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": f"{cat}总分",
                "categories": [L.SHEET_RANKS, first, unit_col, last, unit_col],
                "values": [L.SHEET_RANKS, first, total_col, last, total_col],
                "data_labels": {"value": True},
            }
        )
        chart.set_title({"name": f"{cat}总分"})
        chart.set_legend({"none": True})
        chart.set_y_axis({"reverse": True})  # rank 1 on top
        chart.set_size({"width": 560, "height": max(220, 26 * len(where) + 80)})
        ws.insert_chart(anchor, 0, chart)
        breaks.append(anchor)
        anchor += max(12, int((26 * len(where) + 80) / 20) + 2)
    if breaks:
        ws.set_h_pagebreaks(breaks)
        ws.print_area(0, 0, anchor, len(cols) - 1)


def _consolidated(
    book: Book, fmts: Formats, cons: Consolidation, year: int, prefix: str = ""
) -> None:
    """The consolidated workbook's sheets the report reads, in 汇总.xlsx's own layout."""
    for category in L.CATEGORIES:
        annex_sheet(book, fmts, category, year, cons.annexes.get(category), cons.number_cells)
    lists = [
        (sheet, frame, list(frame.columns), cons.number_cells)
        for kind, sheet in L.KIND_SHEET.items()
        if (frame := cons.others.get(kind)) is not None and len(frame)
    ]
    lists += [
        (L.SHEET_ISSUES, issues_frame(cons.issues), L.ISSUE_COLUMNS, None),
        (L.SHEET_MISSING, missing_frame(cons), L.MISSING_COLUMNS, None),
        (L.SHEET_REGISTRY, registry_frame(cons), L.REGISTRY_COLUMNS, None),
    ]
    for sheet, frame, columns, numbers in lists:
        list_sheet(
            book, fmts, sheet, frame, columns, title=f"{prefix}{sheet}", number_cells=numbers
        )


def write_ranking(
    ranking: Ranking,
    path: str | Path,
    *,
    consolidation: Consolidation | None = None,
    params: dict[str, object] | None = None,
) -> Path:
    """Write 排名.xlsx atomically (rank sheets, charts, the consolidated sheets, 参数).

    参数 carries the consolidation's parameters (乡镇, 发文机关, 文号 …) and `params` over
    them, so the report of this one file prints the real names."""
    target = Path(path)
    carried = consolidation.params if consolidation is not None else {}
    year = ranking.year or (consolidation and consolidation.year) or datetime.now().year
    shown = {L.PARAM_YEAR: str(year)}
    for source in (carried, params or {}):
        shown.update((cell_text(k), cell_text(v)) for k, v in source.items())
    shown[L.PARAM_YEAR] = str(year)
    book = Book()
    try:
        wb = book.wb
        fmts = Formats(wb)
        prefix = print_title(shown, year)
        for sheet, columns, attr in RANK_SHEETS:
            ws = wb.add_worksheet(sheet)
            charted = attr == "ranks"
            frame = getattr(ranking, attr)
            lower = None if charted else book
            _table(ws, fmts, frame, columns, wb, lower, title=f"{prefix}{sheet}")
            if charted:
                _charts(wb, ws, ranking.ranks)
        ws = wb.add_worksheet(L.SHEET_RANK_ISSUES)
        title = f"{prefix}{L.SHEET_RANK_ISSUES}"
        _table(ws, fmts, issues_frame(ranking.issues), L.ISSUE_COLUMNS, book=book, title=title)
        if consolidation is not None:
            _consolidated(book, fmts, consolidation, year, prefix)
        params = params_frame(shown)
        title = f"{prefix}{L.SHEET_PARAMS}"
        list_sheet(book, fmts, L.SHEET_PARAMS, params, [L.KEY, L.VALUE], title=title)
    except BaseException:
        book.abandon()
        raise
    with atomic_path(target) as tmp:
        book.save(tmp)
    return target


def _header_row(grid: pd.DataFrame, columns: Sequence[str] | None) -> int:
    """The first of the top rows holding 单位 (or columns[0]): staff-made workbooks (a
    previous year's ranking typed by hand) often have a title above the header."""
    wanted = L.UNIT if columns is None or L.UNIT in columns else columns[0]
    rows = grid.iloc[:10].to_numpy(dtype=object).tolist()
    found = find_header(rows, {wanted: wanted}, (wanted,), scan=10, key=clean_text)
    return 0 if found is None else found.row


def _frame(grid: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Rows under the header row → frame; numbers back in numeric columns."""
    if grid.empty:
        return pd.DataFrame(columns=list(columns or []))
    top = _header_row(grid, columns)
    head = [clean_text(c) for c in grid.iloc[top]]
    body = grid.iloc[top + 1 :].set_axis(head, axis=1).reset_index(drop=True)
    body = body.loc[:, ~pd.Index(head).duplicated()]
    head = list(body.columns)
    body = body.loc[:, [h != "" for h in head]]
    out = {}
    for label in columns or list(body.columns):
        values = body[label] if label in body.columns else pd.Series([None] * len(body))
        if label in PLACES:
            out[label] = place_numbers(values)
        elif label in NUMERIC:
            out[label] = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
        else:
            out[label] = [cell_text(v) for v in values]
    return pd.DataFrame(out, columns=list(columns or body.columns))


def load_ranking(path: str | Path) -> Ranking:
    """Read a ranked workbook back: the four rank frames, issues, and every other sheet."""
    p = Path(path)
    if not p.is_file():
        raise TargetbookError("ranking_missing", path=path)
    grids = read_grids(p)
    frames = {
        attr: _frame(grids.get(sheet, pd.DataFrame()), columns)
        for sheet, columns, attr in RANK_SHEETS
    }
    issues = []
    severity = {v: k for k, v in L.SEVERITY_NAMES.items()}
    for r in _frame(grids.get(L.SHEET_RANK_ISSUES, pd.DataFrame()), L.ISSUE_COLUMNS).to_dict(
        "records"
    ):
        values = [r[c] for c in L.ISSUE_COLUMNS]
        values[4] = severity.get(values[4], values[4])
        issues.append(Issue(*values))
    done = {s for s, _, _ in RANK_SHEETS} | {L.SHEET_RANK_ISSUES}
    sheets = {name: g for name, g in grids.items() if name not in done}
    params = _frame(sheets.get(L.SHEET_PARAMS, pd.DataFrame()), [L.KEY, L.VALUE])
    year = dict(zip(params[L.KEY], params[L.VALUE], strict=True)).get(L.PARAM_YEAR, "")
    return Ranking(
        frames["scores"],
        frames["ranks"],
        frames["achievement"],
        frames["warnings"],
        issues=issues,
        year=int(year) if year.isdigit() else None,
        sheets=sheets,
        out=str(p),
    )
