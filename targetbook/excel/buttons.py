"""The xlwings glue: read the calling workbook's sheets, run a step, write its result sheets.

Only the sheets a step produces (and 日志) are ever touched; the user's other sheets stay as
they are. xlwings is imported lazily (the optional `excel` extra).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import traceback
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from targetbook import labels as L
from targetbook.errors import TargetbookError
from targetbook.excel import steps
from targetbook.excel.stamp import version_warning
from targetbook.messages import render

# The sheets the buttons own: created or overwritten by them, never read as input.
OWNED_SHEETS = (
    L.SHEET_ISSUES, L.SHEET_MISSING, *(L.annex_sheet(c) for c in L.CATEGORIES),
    L.SHEET_SCORES, L.SHEET_RANKS, L.SHEET_ACHIEVEMENT, L.SHEET_WARNINGS, L.SHEET_RANK_ISSUES,
    L.SHEET_LOG,
)  # fmt: skip
_MAX_TEXT = 32767  # Excel refuses longer cell text
# Excel would turn such text into a formula or a number when set as a value.
_FORMULA_LIKE = re.compile(r"^[=+\-@]|^\s*[-+]?(\d[\d,]*\.?\d*|\.\d+)([eE][-+]?\d+)?%?\s*$")


def _caller(book):
    if book is not None:
        return book
    import xlwings as xw

    return xw.Book.caller()


def _status(book, text: str | bool) -> None:
    # Not every engine has a status bar (xlwings' remote engine raises): progress is optional.
    try:
        book.app.status_bar = text
    except Exception:  # noqa: BLE001 - any engine failure here must not stop the step
        pass


def _cell(value: object) -> object:
    """A value safe to set into a cell: text stays text, NaN/NaT become blank."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, bool | int | float | dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if hasattr(value, "item"):  # numpy scalars
        return _cell(value.item())
    text = str(value)[:_MAX_TEXT]
    return "'" + text if _FORMULA_LIKE.match(text) else text


def _grid(sheet) -> pd.DataFrame:
    """A sheet's values from A1 to the end of its used range, as a raw grid (header=None)."""
    last = sheet.used_range.last_cell
    values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
    return pd.DataFrame(values, dtype=object)


def read_inputs(book) -> steps.Inputs:
    """The workbook's input sheets (all but the owned result sheets and xlwings.conf)."""
    skip = {*OWNED_SHEETS, L.SHEET_XLWINGS_CONF}
    frames = {s.name: _grid(s) for s in book.sheets if s.name not in skip}
    base = Path(book.fullname).resolve().parent
    return steps.Inputs(frames, base, book.name, progress=lambda text: _status(book, text))


def _target_sheet(book, name: str):
    names = [s.name for s in book.sheets]
    if name in names:
        sheet = book.sheets[name]
        sheet.clear()
        return sheet
    return book.sheets.add(name, after=book.sheets[len(names) - 1])


def write_sheet(book, name: str, frame: pd.DataFrame) -> None:
    """Replace the owned sheet `name` with header + rows of `frame`."""
    if name not in OWNED_SHEETS:
        raise ValueError(f"not a result sheet: {name}")
    sheet = _target_sheet(book, name)
    rows = [[str(c) for c in frame.columns]]
    rows += [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
    sheet.range("A1").value = rows


def _log(book, caption: str, result: str, text: str) -> None:
    now = dt.datetime.now().replace(microsecond=0)
    line = [now, caption, result, _cell(text)]
    names = [s.name for s in book.sheets]
    if L.SHEET_LOG in names:
        sheet = book.sheets[L.SHEET_LOG]
        sheet.range((sheet.used_range.last_cell.row + 1, 1)).value = [line]
    else:
        sheet = book.sheets.add(L.SHEET_LOG, after=book.sheets[len(names) - 1])
        sheet.range("A1").value = [list(L.LOG_COLUMNS), line]


def _log_failure(book, caption: str, text: str) -> None:
    # The step's own error is what xlwings must show: a failing 日志 write may not replace it.
    try:
        _log(book, caption, "失败", text)
    except Exception:  # noqa: BLE001
        pass


def run(step: str, caption: str, book=None) -> steps.Outcome:
    """Run one step for the calling workbook; on failure log a Chinese message and raise."""
    book = _caller(book)
    _status(book, f"targetbook：正在{caption}……")
    notes = []  # a version mismatch leads the 日志 line, whatever the outcome
    try:
        inputs = read_inputs(book)
        notes += filter(None, [version_warning(inputs.frames)])
        outcome = steps.STEPS[step](inputs)
        for name, frame in outcome.sheets.items():
            _status(book, f"targetbook：正在写入“{name}”……")
            write_sheet(book, name, frame)
        _log(book, caption, "完成", "\n".join([*notes, outcome.summary]))
        return outcome
    except TargetbookError as exc:
        _log_failure(book, caption, "\n".join([*notes, exc.message]))
        raise
    except Exception as exc:
        where = traceback.extract_tb(exc.__traceback__)[-1]
        reason = f"{type(exc).__name__}: {exc} @ {where.name}"
        _log_failure(book, caption, "\n".join([*notes, render("excel_unexpected", reason=reason)]))
        raise
    finally:
        _status(book, False)


def button(step: str, caption: str) -> Callable:
    """The public function of one button: fn(book=None) → Outcome."""

    def fn(book=None) -> steps.Outcome:
        return run(step, caption, book)

    fn.__name__ = fn.__qualname__ = step
    fn.__doc__ = f"{caption}: {steps.STEPS[step].__doc__}"
    return fn
