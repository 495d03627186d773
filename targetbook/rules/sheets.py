"""Sheet-level helpers of the rules loader: header finding, cell addresses, numbers, lists."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from targetbook import labels as L
from targetbook.errors import Issue, issue
from targetbook.headers import find_header
from targetbook.registry import column_letter
from targetbook.text import clean_text

HEADER_SCAN_ROWS = 10  # title/example rows above a header are allowed, as in returns


def word_key(value: object) -> str:
    """Key for headers, sheet names and rule words: NFKC, no whitespace (units: text.name_key)."""
    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", clean_text(value)))


# The old name, kept while other branches still call it; never for unit names.
key = word_key
_SPACE_RE = re.compile(r"\s+")


# Cell → display text is targetbook.text's one conversion (names keep their own width).
text = clean_text


class NotANumber(ValueError):
    """A cell that should hold a number does not."""


_NUM = re.compile(r"^([-+]?\d+(?:\.\d+)?)\s*(%|分|个|名|家|人)?$")


def number(value: object, *, percent: bool = False) -> float | None:
    """A number from a cell: 85, "85", "85%", "0.5分", full-width digits; "" → None.

    With `percent`, a numeric cell ≤ 1 is taken as a fraction (Excel stores 20% as 0.2).
    """
    if isinstance(value, bool):
        raise NotANumber(str(value))
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            return None
        v = float(value)
        return v * 100 if percent and 0 < abs(v) <= 1 else v
    s = unicodedata.normalize("NFKC", text(value)).replace(",", "")
    if not s:
        return None
    m = _NUM.match(s)
    if not m:
        raise NotANumber(s)
    return float(m.group(1))


def split_list(value: object) -> list[str]:
    """`党风廉政建设、社会治安综合治理` → two names (、 , ， ; ； / and line breaks separate)."""
    return [p for p in (x.strip() for x in re.split(r"[、,，;；/\n]+", text(value))) if p]


@dataclass
class Sheet:
    """A rules/records sheet with its header found: labels → letters, rows by Excel number."""

    name: str
    frame: pd.DataFrame  # columns = canonical labels present; index = Excel row
    letters: dict[str, str]
    header_row: int

    def cell(self, label: str, row: int) -> str:
        """A1 address of `label` in Excel row `row` (the header's column if unknown)."""
        return f"{self.letters.get(label, 'A')}{row}"


def find_sheet(frames: dict[str, pd.DataFrame], name: str) -> tuple[str, pd.DataFrame] | None:
    """The frame whose sheet name matches `name` (whitespace/width tolerant)."""
    for sheet, frame in frames.items():
        if key(sheet) == key(name):
            return sheet, frame
    return None


def read_sheet(sheet: str, frame: pd.DataFrame, columns: tuple[str, ...]) -> Sheet | None:
    """Find the header (first of `columns` plus any other) in a raw or a headed frame.

    A raw frame (read with header=None) has a RangeIndex 0… for Excel rows 1…; a headed frame
    (as the Excel door reads a range with its header) has the labels as columns and data from
    Excel row 2. Returns None when no header holding columns[0] is found.
    """
    wanted = {key(c): c for c in columns}
    heads = [key(c) for c in frame.columns]
    if wanted and key(columns[0]) in heads:
        letters = {wanted[h]: column_letter(i) for i, h in enumerate(heads) if h in wanted}
        data = frame.set_axis(range(frame.shape[1]), axis=1)
        return _build(sheet, data, letters, range(2, 2 + len(frame)), 1)
    rows = frame.iloc[:HEADER_SCAN_ROWS].to_numpy(dtype=object).tolist()
    found = find_header(rows, wanted, columns[:1], scan=HEADER_SCAN_ROWS, key=word_key)
    if found is None:
        return None
    r = found.row
    letters = {lab: column_letter(c) for lab, c in found.columns.items()}
    body = frame.iloc[r + 1 :].set_axis(range(frame.shape[1]), axis=1)
    return _build(sheet, body, letters, range(r + 2, r + 2 + len(body)), r + 1)


def _build(sheet, body, letters, rows, header_row) -> Sheet:
    position = {lab: _pos(let) for lab, let in letters.items()}
    out = pd.DataFrame(
        {lab: list(body.iloc[:, p]) for lab, p in position.items()}, index=list(rows), dtype=object
    )
    # Rows whose every cell is blank are layout, not data.
    keep = [any(text(v) for v in row) for row in out.itertuples(index=False)]
    return Sheet(sheet, out[keep], letters, header_row)


def _pos(col: str) -> int:
    n = 0
    for ch in col:
        n = n * 26 + ord(ch) - 64
    return n - 1


CATEGORY_ALL = ("", "全部", "所有", "全体", "各类")


def category(value: object) -> str | None:
    """A 类别 cell → a category, "" for all, None when invalid."""
    s = key(value)
    if s in CATEGORY_ALL:
        return ""
    aliases = {
        "机关": L.DEPARTMENT,
        "部门": L.DEPARTMENT,
        "站所": L.DEPARTMENT,
        "机关站所": L.DEPARTMENT,
        "行政村": L.VILLAGE,
        "村": L.VILLAGE,
        "社区": L.COMMUNITY,
    }
    return aliases.get(s)


class NotADate(ValueError):
    """A cell that should hold a date does not."""


_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's serial dates (1900 system)


def as_date(value: object) -> date | None:
    """A date cell, `2022-07-10`, `2022/7/10`, `2022.7.10`, `2022年7月10日` or an Excel
    serial day number → a date; None when blank; NotADate otherwise."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None  # a blank cell
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value) or not 1 <= value < 2958466:
            raise NotADate(value)
        return _EXCEL_EPOCH + timedelta(days=int(value))
    shown = text(value)
    if not shown:
        return None
    m = _DATE_RE.fullmatch(unicodedata.normalize("NFKC", shown).strip())
    if m is None:
        raise NotADate(value)
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise NotADate(value) from None


class Ctx:
    """Collects the issues of one workbook."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.issues: list[Issue] = []

    def add(self, rule: str, sheet: str = "", cell: str = "", **params) -> None:
        self.issues.append(issue(rule, file=self.file, sheet=sheet, cell=cell, **params))

    def day(self, sh: Sheet, label: str, row: int, value) -> date | None:
        try:
            return as_date(value)
        except NotADate:
            self.add(
                "rule_date_invalid", sh.name, sh.cell(label, row), column=label, value=text(value)
            )
            return None

    def num(self, sh: Sheet, label: str, row: int, value, *, percent=False) -> float | None:
        try:
            return number(value, percent=percent)
        except NotANumber:
            self.add(
                "rule_number_invalid", sh.name, sh.cell(label, row), column=label, value=text(value)
            )
            return None
