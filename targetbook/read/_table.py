"""Find the annex header in a grid, classify the sheet's kind and cut out its data rows."""

from __future__ import annotations

import re
from functools import lru_cache
from operator import itemgetter

from xlsxwriter.utility import xl_col_to_name

from targetbook import labels
from targetbook.errors import Issue, issue
from targetbook.read._grid import Grid
from targetbook.read._model import CellFormats, Rows, Table
from targetbook.text import header_key

HEADER_SEARCH_ROWS = 15  # the header must start within the first rows (after 附件N + title)
col_letter = lru_cache(maxsize=1024)(xl_col_to_name)  # 0 → A; tables use a few columns
_TOTALS = {"合计", "小计", "总计"}


@lru_cache(maxsize=4096)
def _key(text: str) -> str:
    return header_key(text)


# header_key → canonical label, for the labels themselves and their aliases.
_LABELS: dict[str, str] = {header_key(k): v for k, v in labels.ALIASES.items()}
for _columns in labels.KIND_COLUMNS.values():
    _LABELS.update({header_key(c): c for c in _columns})
_MARKERS = tuple(header_key(m) for m in labels.NON_DATA_MARKERS)
_FOOTERS = tuple(header_key(m) for m in labels.FOOTER_MARKERS)
_MARKER_STARTS = frozenset(m[0] for m in (*_MARKERS, *_TOTALS, *_FOOTERS))
_UNIT_STARTS = frozenset(k[0] for k, lab in _LABELS.items() if lab == labels.UNIT and k)


_SEEN: dict[str, str | None] = {}  # raw header text → label; headers repeat across files


# What templates add around a label: a required-field star, a colon, a unit in brackets
# (`*单位`, `单位：`, `目标值（万元）`, `单位(盖章)`).
_DECORATION = re.compile(r"^[*※]+|[*※:：]+$|\([^()]*\)$")


def label_of(value: object) -> str | None:
    """The canonical column label a header cell stands for, or None."""
    if type(value) is not str:
        return None  # labels are text; numbers and dates never name a column
    lab = _SEEN.get(value, "")
    if lab == "":
        lab = None
        if len(value) < 40:
            key = _key(value)
            lab = _LABELS.get(key) or _LABELS.get(_DECORATION.sub("", key))
        if len(_SEEN) < 20000:
            _SEEN[value] = lab
    return lab


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _filled_rows(grid: Grid, first: int, stop: int) -> list[list[object]]:
    """Rows first..stop-1 with every merged range filled from its top-left cell."""
    rows = [list(r) for r in grid.rows[first:stop]]
    for r0, c0, r1, c1 in grid.merges:
        if r1 < first or r0 >= first + len(rows):
            continue
        source = grid.rows[r0]
        value = source[c0] if c0 < len(source) else None
        for r in range(max(r0, first), min(r1, first + len(rows) - 1) + 1):
            row = rows[r - first]
            if len(row) <= c1:
                row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = value
    return rows


def _row_labels(row: list[object]) -> dict[int, str]:
    return {c: lab for c, v in enumerate(row) if v is not None and (lab := label_of(v))}


def _choose_kind(found: set[str]) -> tuple[str, tuple[str, ...]] | None:
    """(kind, missing required labels) that best fits the labels found; None if no fit."""
    return _best_kind(frozenset(found))  # headers repeat: a few label sets over all files


@lru_cache(maxsize=1024)
def _best_kind(found: frozenset[str]) -> tuple[str, tuple[str, ...]] | None:
    best = None
    for kind, columns in labels.KIND_COLUMNS.items():
        missing = tuple(c for c in labels.KIND_REQUIRED[kind] if c not in found)
        score = (not missing, len(found & set(columns)))
        if score[1] >= 2 and (best is None or score > best[0]):
            best = (score, kind, missing)
    return None if best is None else (best[1], best[2])


def read_sheet(grid: Grid, file: str, frames: bool = True) -> tuple[list[Table], list[Issue], bool]:
    """The annex tables of one sheet, the issues found, and whether a header was found.

    With `frames=False` each Table's frame is left as `Rows` (built by the receiver).

    A sheet usually holds one table; one holding several (附件1, 附件2 … pasted one under
    the other, as in the notice itself) gives one Table per header.
    """
    best: tuple[tuple[bool, int], int, dict[int, str]] | None = None
    # Row by row (each filled as _filled_rows fills a block): the search mostly stops early.
    # Each call looks at every merged range, so a sheet with many fills its top at once.
    top = _filled_rows(grid, 0, HEADER_SEARCH_ROWS) if len(grid.merges) > 64 else None
    for r in range(min(HEADER_SEARCH_ROWS, len(grid.rows))):
        found = _row_labels(top[r] if top is not None else _filled_rows(grid, r, r + 1)[0])
        if len(found) < 2:
            continue
        fit = _choose_kind(set(found.values()))
        if fit is None:
            continue
        score = (not fit[1], len(set(found.values())))
        if best is None or score > best[0]:
            best = (score, r, found)
        if not fit[1]:
            break  # a complete header: what follows is data
    if best is None:
        return [], [], False
    _, h, found = best
    tables: list[Table] = []
    issues: list[Issue] = []
    next_header: int | None = h
    while next_header is not None:
        table, more, next_header = _table_at(grid, next_header, found, file, frames)
        issues += more
        if table is not None:
            tables.append(table)
        if next_header is not None:
            found = _row_labels(_filled_rows(grid, next_header, next_header + 1)[0])
    return tables, issues, True


def _table_at(
    grid: Grid, h: int, found: dict[int, str], file: str, frames: bool
) -> tuple[Table | None, list[Issue], int | None]:
    """The table whose header starts in row h (0-based); also the next header's row, if any."""
    last = h
    head = _filled_rows(grid, h, h + 1)[0]
    texts = {c: str(head[c]).strip() for c in found}
    below_raw = grid.rows[h + 1] if h + 1 < len(grid.rows) else None
    if below_raw is not None:
        under = _filled_rows(grid, h + 1, h + 2)[0]
        below = _row_labels(under)
        raw_values = [v for v in below_raw if not _is_blank(v)]
        labelled = raw_values and all(label_of(v) for v in raw_values)
        if labelled or not raw_values:
            # A two-row header: the lower row names the columns under a merged group label,
            # or is empty under vertically merged labels (seed 000; merges lost in CSV).
            found = {**found, **below}
            texts.update({c: str(under[c]).strip() for c in below})
            last = h + 1
    issues: list[Issue] = []
    columns: dict[str, int] = {}
    for c in sorted(found):
        lab = found[c]
        if lab in columns:
            if columns[lab] != c and not _same_merge(grid, last, columns[lab], c):
                cell = f"{col_letter(c)}{last + 1}"
                issues.append(
                    issue("column_duplicate", file=file, sheet=grid.name, cell=cell, column=lab)
                )
            continue
        columns[lab] = c
    kind, missing = _choose_kind(set(columns))  # type: ignore[misc]
    if missing:
        for lab in missing:
            issues.append(
                issue("column_missing", file=file, sheet=grid.name, cell=f"A{last + 1}", column=lab)
            )
        return None, issues, None
    wanted = [lab for lab in labels.KIND_COLUMNS[kind] if lab in columns]
    cols = [columns[lab] for lab in wanted]
    rows, row_issues, restart = _data_rows(grid, last + 1, cols, wanted, file)
    table = Table(
        file=file,
        sheet=grid.name,
        kind=kind,
        header_row=last + 1,
        columns={lab: col_letter(columns[lab]) for lab in wanted},
        frame=rows.to_frame() if frames else rows,  # type: ignore[arg-type]
        headers={lab: texts[columns[lab]] for lab in wanted},
        title=_title_above(grid, h),
        formats=_formats(grid, rows.index, cols),
    )
    return table, issues + row_issues, restart


def _formats(grid: Grid, index: list[int], cols: list[int]) -> CellFormats | None:
    """The number formats of the table's cells (index: Excel rows; cols: grid columns)."""
    styles = grid.styles
    if not styles:
        return None
    cells = {
        (i, j): k
        for i, r in enumerate(index)
        for j, c in enumerate(cols)
        if (k := styles.get((r - 1, c)))
    }
    return CellFormats(tuple(grid.formats), cells, grid.date1904) if cells else None


def _title_above(grid: Grid, h: int) -> str:
    """The nearest title line above a header (one text cell naming a year, as in
    `村2022年度创先争优目标和亮点工作计划`): the consolidation infers 年度 from it."""
    for r in range(h - 1, max(-1, h - 6), -1):
        filled = [v for v in grid.rows[r] if not _is_blank(v)]
        if len(filled) == 1 and type(filled[0]) is str and "年" in filled[0]:
            return filled[0].strip()[:200]
    return ""


def _same_merge(grid: Grid, row: int, a: int, b: int) -> bool:
    return any(
        r0 <= row <= r1 and c0 <= a <= c1 and c0 <= b <= c1 for r0, c0, r1, c1 in grid.merges
    )


def _data_rows(
    grid: Grid, start: int, cols: list[int], names: list[str], file: str
) -> tuple[Rows, list[Issue], int | None]:
    rows = grid.rows
    # Vertically merged data cells (one unit over several indicator rows) take the value
    # of their top cell; horizontal merges stay as they are (the value is in the first cell).
    fill: dict[tuple[int, int], object] = {}
    for r0, c0, r1, _ in grid.merges:
        if r0 >= start and r1 > r0 and r0 < len(rows) and c0 < len(rows[r0]):
            for r in range(r0 + 1, r1 + 1):
                fill[(r, c0)] = rows[r0][c0]
    index: list[int] = []
    data: list[list[object]] = []
    issues: list[Issue] = []
    blanks: list[int] = []
    width = max(cols) + 1 if cols else 0
    pick = itemgetter(*cols) if len(cols) > 1 else None  # a tuple of the row's cells
    restart = None
    for r in range(start, len(rows)):
        row = rows[r]
        if fill:
            row = list(row) + [None] * max(0, width - len(row))
            for c in range(len(row)):
                if (r, c) in fill:
                    row[c] = fill[(r, c)]
        tests = _row_tests(row)
        if tests is None:  # the row's first cells need the full look
            may_be_header, marker, blank = _may_be_header(row), -1, False
        else:
            may_be_header, marker, blank = tests
        if may_be_header and _is_header(_filled_rows(grid, r, r + 1)[0]):
            restart = r
            break
        if marker == -1:
            marker = _non_data(row)
        if marker is not None:
            c, text, rule = marker
            issues.append(
                issue(
                    rule,
                    file=file,
                    sheet=grid.name,
                    cell=f"{col_letter(c)}{r + 1}",
                    value=text[:60],
                )
            )
            continue
        if blank or (tests is None and all(_is_blank(v) for v in row)):
            blanks.append(r + 1)
            continue
        # A blank row between data rows is reported; blank rows after the table are not data.
        for b in blanks:
            issues.append(
                issue("row_blank_dropped", file=file, sheet=grid.name, cell=f"A{b}", row=b)
            )
        blanks = []
        index.append(r + 1)
        n = len(row)
        data.append(
            list(pick(row)) if pick and n >= width else [row[c] if c < n else None for c in cols]
        )
    if restart is not None:
        # Lines between two tables holding a single cell are the next table's 附件N/title.
        titles = []
        while index and sum(not _is_blank(v) for v in rows[index[-1] - 1]) == 1:
            r = index.pop() - 1
            data.pop()
            c, text = next((c, v) for c, v in enumerate(rows[r]) if not _is_blank(v))
            titles.append(
                issue(
                    "row_title_dropped",
                    file=file,
                    sheet=grid.name,
                    cell=f"{col_letter(c)}{r + 1}",
                    value=str(text).strip()[:60],
                )
            )
        if titles:
            # Blank lines above those titles lie between the tables: not worth a warning.
            end = index[-1] if index else start
            issues = [i for i in issues if i.rule != "row_blank_dropped" or int(i.cell[1:]) < end]
            issues += reversed(titles)
    return Rows(names, index, data), issues, restart


def _row_tests(row: list[object]) -> tuple[bool, tuple[int, str, str] | None, bool] | None:
    """(_may_be_header, _non_data, blank) of a row, from one short scan of its first two
    filled cells; None when one of them is a text of only spaces (or a str subclass):
    the three tests then count cells differently, and take the row themselves.

    For any other row the three tests look at the same first cells, so one scan serves
    them all (tests/test_read.py checks it against the full functions)."""
    seen = 0
    header = False
    marker = None
    for c, v in enumerate(row):
        if v is None:
            continue
        if type(v) is str:
            head = v.lstrip()[:1]
            if not head:
                return None
            if not header and len(v) <= 12 and head in _UNIT_STARTS:
                header = True
            if marker is None and head in _MARKER_STARTS:
                k = _key(v)
                if seen == 0 and k.startswith(_FOOTERS):
                    marker = (c, v.strip(), "row_footer_dropped")
                elif (seen == 0 and k.startswith(_MARKERS)) or k in _TOTALS:
                    marker = (c, v.strip(), "row_total_dropped")
        elif isinstance(v, str):
            return None
        seen += 1
        if seen == 2:
            break
    return header, marker, seen == 0


def _may_be_header(row: list[object]) -> bool:
    # Every kind's header has 单位 within its first two labels (序号 | 单位 …, 单位 | 指标 …):
    # only rows with a 单位-like text there are worth a full look.
    seen = 0
    for v in row:
        if v is None or v == "":
            continue
        if type(v) is str and len(v) <= 12 and v.lstrip()[:1] in _UNIT_STARTS:
            return True
        seen += 1
        if seen == 2:
            return False
    return False


def _is_header(row: list[object]) -> bool:
    found = set(_row_labels(row).values())
    fit = _choose_kind(found) if len(found) >= 2 else None
    return fit is not None and not fit[1]


def _non_data(row: list[object]) -> tuple[int, str, str] | None:
    """(column, text, rule) of a 合计/小计/备注 or footer marker if this row is not data.

    A remark or a sign-off (`备注：…`, `填表人：…`) starts the row; a total sits in the
    first or second filled cell (`合计` under 序号 or under 单位).
    """
    seen = 0
    for c, v in enumerate(row):
        if v is None:
            continue
        if isinstance(v, str):
            head = v.lstrip()[:1]
            if not head:
                continue
            # Cheap test first: most cells do not even start like a marker.
            if head in _MARKER_STARTS:
                k = _key(v)
                if seen == 0 and k.startswith(_FOOTERS):
                    return c, v.strip(), "row_footer_dropped"
                if (seen == 0 and k.startswith(_MARKERS)) or k in _TOTALS:
                    return c, v.strip(), "row_total_dropped"
        seen += 1
        if seen == 2:
            return None
    return None
