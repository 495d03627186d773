"""Excel number formats: a value as a spreadsheet shows it, and the unit its format carries."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from numbers import Real

from targetbook.numfmt import _date, _number
from targetbook.numfmt._builtin import builtin_format
from targetbook.numfmt._parse import Section, parse

__all__ = [
    "builtin_format",
    "display",
    "format_scale",
    "format_unit",
    "is_date_format",
    "serial_number",
]

_CURRENCY = frozenset("¥￥$€£")
_MISSING = frozenset({"NaTType", "NAType"})  # pandas' empty cells, named to avoid importing pandas


def display(value: object, fmt: str | int | None = "General", *, date1904: bool = False) -> str:
    """The text Excel shows for a cell value under a number format (a code or a built-in id)."""
    if value is None or type(value).__name__ in _MISSING:
        return ""
    if isinstance(fmt, int):
        fmt = builtin_format(fmt)
    sections = parse(fmt or "General")
    if (type(value) is float or type(value) is int) and math.isfinite(value):
        return _number_text(float(value), sections, date1904)  # the common case first
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # Excel shows booleans the same under any format
    if isinstance(value, str):
        return _text(value, sections)
    if isinstance(value, (datetime, date, time)):
        x = _date.to_serial(value, date1904)
    elif isinstance(value, timedelta):  # a duration ([h]:mm): days as a serial number
        x = value.total_seconds() / 86400
    elif isinstance(value, (Real, Decimal)):
        x = float(value)
    else:
        return str(value)
    if math.isnan(x):
        return ""  # an empty cell as pandas holds it
    if not math.isfinite(x):
        return str(value)
    return _number_text(x, sections, date1904)


def serial_number(value: datetime | date | time | timedelta) -> float:
    """A date, time or duration as the number a 1900-system workbook stores for it."""
    if isinstance(value, timedelta):
        return value.total_seconds() / 86400
    return _date.to_serial(value, False)


def _number_text(x: float, sections: tuple[Section, ...], date1904: bool) -> str:
    chosen = _choose(sections, x)
    if chosen is None:
        return ("-" if x < 0 else "") + _number.general(x)
    section, signed = chosen
    body = _render(section, x, date1904)
    if body is None:  # a date Excel cannot show (negative, after 9999): show the number instead
        return ("-" if x < 0 else "") + _number.general(x)
    return ("-" if signed and x < 0 and section.kind not in ("empty", "date") else "") + body


def _numeric(sections: tuple[Section, ...]) -> tuple[Section, ...]:
    """The sections used for numbers: a trailing text section (`0;-0;@`) is not one."""
    if len(sections) == 4 or (len(sections) > 1 and sections[-1].kind == "text"):
        return sections[:-1]
    return sections


def _text(value: str, sections: tuple[Section, ...]) -> str:
    section = sections[-1]
    if len(sections) < 4 and section.kind != "text":
        return value  # numeric formats leave text as typed
    return "".join(
        value if kind == "at" else text for kind, text in section.tokens if kind in ("lit", "at")
    )


def _holds(cond: tuple[str, float], x: float) -> bool:
    op, bound = cond
    return {
        "<": x < bound,
        "<=": x <= bound,
        ">": x > bound,
        ">=": x >= bound,
        "=": x == bound,
        "<>": x != bound,
    }[op]


def _choose(sections: tuple[Section, ...], x: float) -> tuple[Section, bool] | None:
    """The section showing x and whether it shows x's minus sign (None: no section fits)."""
    numeric = _numeric(sections)
    first = numeric[0]
    if len(numeric) == 1:
        return first, True
    # Excel's defaults: 2 sections split at ≥0/<0, 3 at >0/<0/=0; a second section without
    # its own condition takes what the first one's does not when there are only two.
    c0 = first.cond or ((">", 0.0) if len(numeric) >= 3 else (">=", 0.0))
    c1 = numeric[1].cond or (("<", 0.0) if len(numeric) >= 3 else None)
    if _holds(c0, x):
        return first, False
    if c1 is None or _holds(c1, x):
        return numeric[1], False
    if len(numeric) >= 3:
        return numeric[2], False
    return None


def _render(section: Section, x: float, date1904: bool) -> str | None:
    kind = section.kind
    if kind == "number":
        return _number.number(x, section.tokens)
    if kind == "date":
        return _date.render(x, section.tokens, section.english, date1904)
    if kind in ("general", "text"):
        literal = kind == "general"  # a number under `@` shows as General, without the literals
        shown = _number.general(x)
        if not literal:
            return shown
        return "".join(shown if k == "gen" else t for k, t in section.tokens if k in ("gen", "lit"))
    if kind == "literal":
        return "".join(t for k, t in section.tokens if k in ("lit", "pct"))
    return ""


def is_date_format(fmt: str | int | None) -> bool:
    """True when the format shows numbers as dates or times."""
    if isinstance(fmt, int):
        fmt = builtin_format(fmt)
    return parse(fmt or "General")[0].kind == "date"


def format_unit(fmt: str | int | None) -> str:
    """The unit a number format's literal text carries: 0.0"万元" → 万元, 0% → %, ¥#,##0 → ¥."""
    if isinstance(fmt, int):
        fmt = builtin_format(fmt)
    section = parse(fmt or "General")[0]
    if section.kind not in ("number", "general"):
        return ""
    tokens = section.tokens
    last = max((i for i, (k, _) in enumerate(tokens) if k in ("ph", "gen")), default=-1)
    suffix = "".join(t for k, t in tokens[last + 1 :] if k in ("lit", "pct")).strip()
    if suffix:
        return suffix
    prefix = "".join(t for k, t in tokens[: last + 1] if k == "lit").strip()
    return prefix if prefix and set(prefix) <= _CURRENCY else ""


def format_scale(fmt: str | int | None) -> float:
    """Displayed number per unit of value: 100 for 0%, 0.001 for #,##0, (thousands), else 1."""
    if isinstance(fmt, int):
        fmt = builtin_format(fmt)
    section = parse(fmt or "General")[0]
    if section.kind != "number":
        return 1.0
    pct, scale = _number._layout(section.tokens)[:2]
    return 100.0**pct / 1000.0**scale
