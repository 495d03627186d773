"""Read the ranked workbook (排名, 目标达成, 附件1–3, 未报送, 单位名录, 参数) back into frames."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from targetbook import labels as L
from targetbook.errors import TargetbookError
from targetbook.headers import find_header, label_map

# Sheets carry title rows above their header (附件N, the annex title): look this far down.
_HEADER_SEARCH_ROWS = 12


@dataclass
class RankedBook:
    """The frames of a ranked workbook the report prints (absent sheets are None / empty)."""

    ranks: pd.DataFrame | None = None
    scores: pd.DataFrame | None = None  # 得分: the 逾期扣分 rows tell who was late
    achievement: pd.DataFrame | None = None
    annexes: dict[str, pd.DataFrame] = field(default_factory=dict)
    missing: pd.DataFrame | None = None
    registry: pd.DataFrame | None = None
    params: dict[str, object] = field(default_factory=dict)


def _key(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


def frame_below_header(grid: pd.DataFrame, required: tuple[str, ...]) -> pd.DataFrame | None:
    """The table under the first row holding every `required` label; None if there is none."""
    rows = grid.iloc[:_HEADER_SEARCH_ROWS].to_numpy(dtype=object).tolist()
    known = label_map(required, key=_key)
    found = find_header(rows, known, required, scan=_HEADER_SEARCH_ROWS, key=_key)
    if found is None:
        return None
    header = [_key(v) for v in rows[found.row]]
    body = grid.iloc[found.row + 1 :]
    keep = [j for j, h in enumerate(header) if h and h not in header[:j]]
    out = body.iloc[:, keep].copy()
    out.columns = [header[j] for j in keep]
    # Drop the second row of a merged two-row header and other all-blank rows.
    blank = out.apply(lambda r: all(_key(v) == "" for v in r), axis=1)
    return out.loc[~blank].reset_index(drop=True)


def _params(grid: pd.DataFrame) -> dict[str, object]:
    table = frame_below_header(grid, L.REPORT_PARAM_COLUMNS)
    if table is None:  # no 项目|值 header: the first two columns are key and value
        if grid.shape[1] < 2:
            return {}
        table = grid.iloc[:, :2].copy()
        table.columns = list(L.REPORT_PARAM_COLUMNS)
    key, value = L.REPORT_PARAM_COLUMNS
    out: dict[str, object] = {}
    for k, v in zip(table[key], table[value], strict=True):
        if _key(k) and not (v is None or (isinstance(v, float) and v != v)):
            out[_key(k)] = v
    return out


def read_ranked(path: str | Path) -> RankedBook:
    """Read the sheets the report needs from a ranked (排名.xlsx) or consolidated workbook."""
    from targetbook.write.ranking import load_ranking

    source = Path(path)
    if not source.is_file():
        raise TargetbookError("report_input_missing", file=str(source))
    ranking = load_ranking(source)
    grids = ranking.sheets
    book = RankedBook()
    # load_ranking gives empty frames for absent rank sheets: a 汇总.xlsx has none.
    if len(ranking.ranks):
        book.ranks = ranking.ranks
    if len(ranking.scores):
        book.scores = ranking.scores
    if len(ranking.achievement):
        book.achievement = ranking.achievement
    for category in L.CATEGORIES:
        grid = grids.get(L.annex_sheet(category))
        if grid is not None:
            table = frame_below_header(grid, (L.UNIT, L.TARGET))
            if table is not None:
                # A remark line (备注：…) under the table is not a unit.
                first = [_key(v) for v in table.iloc[:, 0]]
                table = table.loc[[not v.startswith(L.NON_DATA_MARKERS) for v in first]]
                book.annexes[category] = table.reset_index(drop=True)
    if L.SHEET_MISSING in grids:
        book.missing = frame_below_header(grids[L.SHEET_MISSING], (L.UNIT,))
    if L.SHEET_REGISTRY in grids:
        book.registry = frame_below_header(grids[L.SHEET_REGISTRY], (L.REG_UNIT, L.REG_CATEGORY))
    if L.SHEET_PARAMS in grids:
        book.params = _params(grids[L.SHEET_PARAMS])
    if ranking.year and L.PARAM_YEAR not in book.params:
        book.params[L.PARAM_YEAR] = ranking.year
    return book
