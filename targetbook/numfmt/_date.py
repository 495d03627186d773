"""Dates and times under a date section: Excel serial numbers → calendar and clock."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta

from targetbook.numfmt import _names as names
from targetbook.numfmt._parse import Token

_DAY = 86400
_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)
_LAST_SERIAL = 2958466  # the day after 9999-12-31 (1900 system)


def to_serial(value: datetime | date | time, date1904: bool) -> float:
    """The Excel serial number of a date, datetime or time (time alone: a fraction of a day)."""
    if isinstance(value, time):
        return (
            value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        ) / _DAY
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    delta = value.replace(tzinfo=None) - (_EPOCH_1904 if date1904 else _EPOCH_1900)
    serial = delta.days + delta.seconds / _DAY + delta.microseconds / (_DAY * 1e6)
    if not date1904 and serial < 61:
        serial -= 1  # Excel counts a 29 February 1900 that never was: earlier days shift by one
    return serial


def _calendar(days: int, date1904: bool) -> tuple[int, int, int, int]:
    """(year, month, day, weekday Sunday=0) of a day number, with Excel's 1900 leap-year bug."""
    if date1904:
        d = _EPOCH_1904.date() + timedelta(days=days)
        return d.year, d.month, d.day, (d.weekday() + 1) % 7
    weekday = (days + 6) % 7  # Excel's WEEKDAY, wrong before March 1900 like the dates
    if days == 0:
        return 1900, 1, 0, weekday
    if days == 60:
        return 1900, 2, 29, weekday
    d = _EPOCH_1900.date() + timedelta(days=days + (1 if days < 60 else 0))
    return d.year, d.month, d.day, weekday


def render(serial: float, tokens: tuple[Token, ...], english: bool, date1904: bool) -> str | None:
    """The text of a date/time section; None when Excel cannot show it (negative, after 9999)."""
    kinds = {k for k, _ in tokens}
    if abs(serial) >= _LAST_SERIAL:
        return None  # after 9999-12-31, even as elapsed time: Excel shows ####
    places = max((len(t) for k, t in tokens if k == "frac"), default=0)
    unit = 10**places
    # Excel rounds to the finest unit shown (whole seconds unless .0 follows the seconds).
    ticks = math.floor(abs(serial) * _DAY * unit + 0.5)
    if serial < 0 and (kinds - {"el", "mi", "s", "frac", "lit"} or "el" not in kinds):
        return None
    days, rem = divmod(ticks, _DAY * unit)
    secs, frac = divmod(rem, unit)
    hour, minute, second = secs // 3600, secs // 60 % 60, secs % 60
    year = month = day = weekday = 0
    if kinds & {"y", "m", "d", "a"}:
        try:
            year, month, day, weekday = _calendar(days, date1904)
        except OverflowError:  # after 9999-12-31: Excel shows ####
            return None
    twelve = "ampm" in kinds
    chinese = "dbnum" in kinds
    parts = ["-"] if serial < 0 else []
    for kind, text in tokens:
        n = len(text)
        if chinese and kind in ("m", "d", "h", "mi", "s") and n <= 2:
            value = {"m": month, "d": day, "h": (hour % 12 or 12) if twelve else hour}.get(kind)
            parts.append(_reading({"mi": minute, "s": second}.get(kind, value)))
        elif kind == "y":
            shown = f"{year % 100:02d}" if n <= 2 else f"{year:04d}"
            parts.append("".join(names.ZH_DIGITS[int(c)] for c in shown) if chinese else shown)
        elif kind == "m":
            parts.append(_month(month, n, english))
        elif kind in ("d", "a"):
            parts.append(
                f"{day:0{min(n, 2)}d}" if kind == "d" and n <= 2 else _weekday(weekday, n, english)
            )
        elif kind == "h":
            shown = (hour % 12 or 12) if twelve else hour
            parts.append(f"{shown:0{min(n, 2)}d}")
        elif kind == "mi":
            parts.append(f"{minute:0{min(n, 2)}d}")
        elif kind == "s":
            parts.append(f"{second:0{min(n, 2)}d}")
        elif kind == "frac":
            parts.append("." + f"{frac:0{places}d}"[:n])
        elif kind == "el":
            total = ticks // unit // {"h": 3600, "m": 60, "s": 1}[text[0]]
            parts.append(f"{total:0{n}d}")
        elif kind == "ampm":
            parts.append(_ampm(text, hour, english))
        elif kind != "dbnum":
            parts.append(text)
    return "".join(parts)


def _month(month: int, n: int, english: bool) -> str:
    if n <= 2:
        return f"{month:0{n}d}"
    full = (names.EN_MONTHS if english else names.ZH_MONTHS)[month - 1]
    if n == 3:
        return full[:3] if english else f"{month}{names.ZH_MONTH_SUFFIX}"
    return full if n == 4 else full[0]


def _weekday(weekday: int, n: int, english: bool) -> str:
    if english:
        full = names.EN_WEEKDAYS[weekday]
        return full if n >= 4 else full[:3]
    short = names.ZH_WEEKDAYS[weekday]
    return names.ZH_WEEK + short if n >= 4 else short


def _ampm(text: str, hour: int, english: bool) -> str:
    pm = hour >= 12
    if text.upper() == "A/P":  # A/P keeps the case written in the format
        return (text[2] if pm else text[0]) if text else ""
    if text.upper() == "AM/PM" and english:
        return names.EN_AMPM[pm]
    return names.ZH_AMPM[pm]


def _reading(n: int) -> str:
    """0–99 read in Chinese numerals, as [DBNum1] shows a month or day: 20 → 二十, 31 → 三十一."""
    tens, ones = divmod(n, 10)
    if not tens:
        return names.ZH_DIGITS[ones]
    head = "" if tens == 1 else names.ZH_DIGITS[tens]
    return head + names.ZH_TEN + (names.ZH_DIGITS[ones] if ones else "")
