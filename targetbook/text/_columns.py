"""A table's columns cleaned and parsed once, where it is read (pure Python, no pandas).

Reader workers run this beside calamine, so the text cleaning and figure parsing of a
thousand returns is spread over every core instead of running in the parent after
reading; validate.py stacks the results and runs only the registry and pandera steps.
"""

from __future__ import annotations

import math

from targetbook.text._clean import clean_texts
from targetbook.text._numbers import is_empty, parse_quantity

# Parsed figures shared by the tables a process prepares (figures repeat: 100%, 5万元 …).
_SEEN: dict[tuple[type, object], object] = {}
_SEEN_MAX = 1 << 14


class Prepared:
    """Cleaned text of every column, and for figure columns the parse of each cell.

    numbers[col] = (values: float, NaN when blank or unparseable; bare: the figure carried
    no unit or % sign; unparsed: positions of non-blank cells that are not numbers).
    """

    __slots__ = ("numbers", "text")

    def __init__(self, text: dict[str, list[str]], numbers: dict) -> None:
        self.text = text
        self.numbers = numbers

    def __reduce__(self):
        return (Prepared, (self.text, self.numbers))


def prepare_columns(
    names: list[str], rows: list[list[object]], numeric: tuple[str, ...]
) -> Prepared:
    """Clean each column of `rows` (clean_texts) and parse the `numeric` ones (parse_quantity)."""
    columns = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in names]
    text = {name: clean_texts(col) for name, col in zip(names, columns, strict=True)}
    numbers = {
        name: _parse(col) for name, col in zip(names, columns, strict=True) if name in numeric
    }
    return Prepared(text, numbers)


def _parse(raw: list[object]) -> tuple[list[float], list[bool], list[int]]:
    if len(_SEEN) > _SEEN_MAX:
        _SEEN.clear()
    values: list[float] = []
    bare: list[bool] = []
    unparsed: list[int] = []
    for i, cell in enumerate(raw):
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
