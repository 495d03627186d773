"""A table's columns cleaned and parsed once, where it is read (pure Python, no pandas).

Reader workers run this beside calamine, so the text cleaning and figure parsing of a
thousand returns is spread over every core instead of running in the parent after
reading; validate.py stacks the results and runs only the registry and pandera steps.
"""

from __future__ import annotations

import math
import re
from datetime import date, time, timedelta
from functools import lru_cache
from itertools import chain

from targetbook.numfmt import display, format_scale, format_unit, serial_number
from targetbook.text._clean import clean_text, clean_texts
from targetbook.text._numbers import is_empty, parse_quantity

# Parsed figures shared by the tables a process prepares (figures repeat: 100%, 5万元 …).
_SEEN: dict[tuple[type, object], object] = {}
_SEEN_MAX = 1 << 14


class Prepared:
    """Cleaned text of every column, and for figure columns the parse of each cell.

    text[col]: a cell's text as the unit saw it (a number under its number format).
    numbers[col] = (values: float, NaN when blank or unparseable; bare: the figure carried
    no unit or % sign; unparsed: positions of non-blank cells that are not numbers).
    units[col] = {row position: the unit its number format carried (`0.0"万元"` → 万元)}.
    cells[col] = {row position: (number, format code)} of a column's number cells:
    what a workbook we write shows as the same number under the same format.
    """

    __slots__ = ("cells", "numbers", "text", "units")

    def __init__(
        self,
        text: dict[str, list[str]],
        numbers: dict,
        units: dict | None = None,
        cells: dict | None = None,
    ) -> None:
        self.text = text
        self.numbers = numbers
        self.units: dict[str, dict[int, str]] = units or {}
        self.cells: dict[str, dict[int, tuple[float, str]]] = cells or {}

    def __reduce__(self):
        return (Prepared, (self.text, self.numbers, self.units, self.cells))


def prepare_columns(
    names: list[str],
    rows: list[list[object]],
    numeric: tuple[str, ...],
    formats: list[dict[int, str]] | None = None,
    date1904: bool = False,
) -> Prepared:
    """Clean each column of `rows` (clean_texts) and parse the `numeric` ones (parse_quantity).

    `formats[j]`: row position → number format code of column j's formatted number cells.
    Those cells' text is the number as the format shows it (numfmt.display), and a unit the
    format carries is part of the figure (3000 under `0.0"万元"` is 3000万元)."""
    columns = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in names]
    # One clean_texts over the whole table: it cleans each cell on its own, whatever the
    # list, so the columns are the slices of the result (one scan instead of one per column).
    n = len(rows)
    flat = clean_texts(list(chain.from_iterable(columns)))
    text = {name: flat[j * n : (j + 1) * n] for j, name in enumerate(names)}
    numbers = {}
    units: dict[str, dict[int, str]] = {}
    cells: dict[str, dict[int, tuple[float, str]]] = {}
    for j, (name, col) in enumerate(zip(names, columns, strict=True)):
        shown = formats[j] if formats is not None and j < len(formats) else {}
        if shown:
            texts = text[name]
            for i, code in shown.items():
                value = shown_number(col[i])
                if value is not None:
                    texts[i] = _shown_text(value, code, date1904)
        kept = _number_cells(col, shown)
        if kept:
            cells[name] = kept
        if name in numeric:
            carried = {}
            for i, code in shown.items():
                unit = format_unit(code)
                if unit and unit != "%" and format_scale(code) == 1.0:
                    carried[i] = unit
            numbers[name] = _parse(col, carried)
            if carried:
                units[name] = carried
    return Prepared(text, numbers, units, cells)


def _number_cells(col: list[object], shown: dict[int, str]) -> dict[int, tuple[float, str]]:
    """(number, format code) of each number cell of a column (General: no format); dates,
    times and durations as their 1900-system serial number (what 汇总.xlsx stores)."""
    if not shown:
        kinds = set(map(type, col))  # one pass in C: most columns hold text only
        if float not in kinds and int not in kinds:
            return {}
    kept = {}
    for i, value in enumerate(col):
        cls = value.__class__
        if cls is float or cls is int:
            if value - value == 0:  # finite
                kept[i] = (float(value), shown.get(i, "General"))
        elif i in shown:
            number = shown_number(value)
            if number.__class__ is float:  # the reader's percent text
                kept[i] = (number, shown[i])
            elif number is not None and not isinstance(number, float | int):
                try:
                    kept[i] = (serial_number(number), shown[i])  # type: ignore[arg-type]
                except (OverflowError, ValueError):  # before 1900: stays text
                    pass
    return kept


@lru_cache(maxsize=1 << 14)
def _cached_text(value: object, code: str, date1904: bool) -> str:
    return clean_text(display(value, code, date1904=date1904))


def _shown_text(value: object, code: str, date1904: bool) -> str:
    """A number as its format shows it, remembered: returns repeat figures (0, 100, 1)."""
    try:
        return _cached_text(value, code, date1904)
    except TypeError:  # unhashable
        return clean_text(display(value, code, date1904=date1904))


def shown_number(value: object) -> object | None:
    """The number a formatted number cell holds: itself, or the number behind the reader's
    percent text (`98.47%` for 0.9847 under a percent format); None for anything else."""
    cls = value.__class__
    if cls is float or cls is int or isinstance(value, date | time | timedelta):
        return value
    if cls is str and _PERCENT.match(value):
        return float(value[:-1]) / 100
    if cls is str and (m := _DURATION.match(value)):
        # an ODS time cell as calamine gives it: PT14H05M09S
        h, mi, sec = int(m[2]), int(m[3]), float(m[4])
        span = timedelta(hours=h, minutes=mi, seconds=sec)
        return -span if m[1] else span
    return None


_PERCENT = re.compile(r"-?\d+(?:\.\d+)?%\Z")
_DURATION = re.compile(r"(-)?PT(\d+)H(\d+)M(\d+(?:\.\d+)?)S\Z")


def _parse(
    raw: list[object], carried: dict[int, str] | None = None
) -> tuple[list[float], list[bool], list[int]]:
    if len(_SEEN) > _SEEN_MAX:
        _SEEN.clear()
    values: list[float] = []
    bare: list[bool] = []
    unparsed: list[int] = []
    for i, cell in enumerate(raw):
        if carried and i in carried and cell.__class__ in (int, float):
            # the number and the unit its format shows: 3000 + 万元 → 3000万元
            qty = parse_quantity(f"{float(cell)!r}{carried[i]}")
            if qty is not None and qty.unit:  # type: ignore[attr-defined]
                values.append(qty.value)  # type: ignore[attr-defined]
                bare.append(False)
                continue
            del carried[i]  # a unit no figure takes (人, 个): the number stands bare
        try:
            qty = _SEEN[(cell.__class__, cell)]
        except KeyError:
            qty = _SEEN[(cell.__class__, cell)] = parse_quantity(cell)
        except TypeError:  # an unhashable cell value
            qty = parse_quantity(cell)
        if qty is not None:
            values.append(qty.value)  # type: ignore[attr-defined]
            bare.append(qty.unit == "")  # type: ignore[attr-defined]
        else:
            values.append(math.nan)
            bare.append(False)
            if not is_empty(cell):
                unparsed.append(i)
    return values, bare, unparsed
