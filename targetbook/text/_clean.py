"""Cell text: display text, header keys, unit-name keys and aliases."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time
from functools import lru_cache

# Characters Excel/WPS users paste that are invisible but not whitespace for str.split().
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE_TABLE = {ord(c): None for c in _INVISIBLE}
_SPACE_RE = re.compile(r"\s+")
# str.translate looks up every character of a non-ASCII string in the table (~2 µs for a
# unit name): a C scan first, and the translation only for the rare text that needs it.
_NEEDS_WORK_RE = re.compile("[\r" + _INVISIBLE + "]")
_INVISIBLE_RE = re.compile("[" + _INVISIBLE + "]")

# Cells people fill to say "nothing here"; they parse to no number but are not errors.
EMPTY_MARKERS = frozenset(["", *"- -- — —— － / \\ 无 暂无 空 n/a na none null".split()])


def clean_text(value: object) -> str:
    """Cell value → display text: None/NaN → "", 12.0 → "12", 15 digits as Excel shows them."""
    # The one conversion for every reader and writer: True → "TRUE", dates as ISO (the time
    # only when set), CRLF → LF, invisible characters dropped, outer whitespace stripped.
    if type(value) is str:  # the hot path: most cells are text
        if _NEEDS_WORK_RE.search(value) is None:
            return value.strip()
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return value.translate(_INVISIBLE_TABLE).strip()
    try:
        return _clean_other(value)
    except Exception:  # a display text must never fail on an odd object
        return ""


def cell_text(value: object) -> str:
    """A cell's text as stored: a string verbatim, any other value as clean_text shows it."""
    return value if type(value) is str else clean_text(value)


def clean_texts(values: list[object]) -> list[str]:
    """clean_text over a whole column, with one scan for the rare CR / invisible characters."""
    strings = [v for v in values if type(v) is str]
    if _NEEDS_WORK_RE.search("\x00".join(strings)):
        return [clean_text(v) for v in values]
    return [v.strip() if type(v) is str else clean_text(v) for v in values]


def _drop_invisible(text: str) -> str:
    return text.translate(_INVISIBLE_TABLE) if _INVISIBLE_RE.search(text) else text


def _clean_other(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # as Excel displays it
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if math.isinf(value):
            return ""
        return _float_text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, str):  # str subclasses
        return clean_text(str.__str__(value))
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return ""
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    if hasattr(value, "item"):  # numpy scalars
        return _clean_other(value.item())
    return clean_text(str(value))


# Excel keeps and shows 15 significant digits: a whole number below 10^15 prints as digits
# (Excel stores 12 as 12.0), anything else as Excel's General format would show it.
EXCEL_DIGITS = 15
_WHOLE_LIMIT = 10.0**EXCEL_DIGITS


def _float_text(value: float) -> str:
    if value.is_integer() and -_WHOLE_LIMIT < value < _WHOLE_LIMIT:
        return str(int(value))
    text = format(value, f".{EXCEL_DIGITS}g")
    return text.replace("e+", "E+").replace("e-", "E-")


def header_key(value: object) -> str:
    """Key for header matching: NFKC, every whitespace (incl. U+3000, line breaks) removed,
    and a measuring unit noted after the label dropped (`目标值（万元）`, `完成率(%)`)."""
    text = unicodedata.normalize("NFKC", clean_text(value))
    key = _SPACE_RE.sub("", _drop_invisible(text))
    if key.endswith((")", "]", "】")):
        m = _HEADER_UNIT_RE.search(key)
        note = _HEADER_UNIT_PREFIX_RE.sub("", m.group(1)) if m and m.start() else ""
        if note in _HEADER_UNITS or (note and _HEADER_PERIOD_RE.fullmatch(note)):
            return key[: m.start()]
    return key


# A unit in brackets after a header label (`目标值(万元)`, `完成率(%)`, `产值(单位:万元)`);
# words that are not units (`村(社区)`, `单位(计量)`) stay part of the key.
_HEADER_UNIT_RE = re.compile(r"[(\[【]([^()\[\]【】]{1,8})[)\]】]$")
_HEADER_UNIT_PREFIX_RE = re.compile(r"^(?:计量)?单位[:]?")
# … or the period it covers: `完成值(1-6月)`, `目标值(2022年)`, `完成值(截至6月底)`, `(上半年)`
_HEADER_PERIOD_RE = re.compile(
    r"(?:截至|截止)?(?:\d{4}年?度?)?"
    r"(?:\d{1,2}(?:[-~至]\d{1,2})?月(?:\d{1,2}日)?|[上下]半年|[一二三四1-4]季度|全年|年度|年初|累计)?"
    r"(?:底|末|止)?"
)


def name_key(value: object) -> str:
    """Key for unit-name matching: NFKC, no whitespace, `〇` → `0`, full-width forms folded."""
    if type(value) is str:
        if _PLAIN_NAME.fullmatch(value) is not None:
            return value  # already its own key: most names are (a registry of 10⁵ units)
        return _name_key_of_text(value)
    return _name_key_of_text(clean_text(value))


# Text that NFKC, casefold and the rest leave as it is: CJK unified ideographs (not the
# compatibility ones), ASCII digits and lower-case letters. No space, no 〇 (U+3007).
_PLAIN_NAME = re.compile(r"[\u4e00-\u9fff0-9a-z]+")


@lru_cache(maxsize=1 << 16)
def _name_key_of_text(value: str) -> str:
    # Cached: a registry of 20,000 units keys each name several times (index, duplicates,
    # then every return row that names it).
    text = clean_text(value)
    # Repeat until stable: NFKC and casefold do not commute for a few code points, and the
    # key must be idempotent (name_key(name_key(x)) == name_key(x)).
    for _ in range(4):
        key = unicodedata.normalize("NFKC", text).casefold()
        key = unicodedata.normalize("NFKC", key).replace("〇", "0")
        key = _SPACE_RE.sub("", _drop_invisible(key))
        if key == text:
            break
        text = key
    return key


_PAREN_RE = re.compile(r"^(.*?)\s*[(（]([^()（）]*)[)）]\s*$", re.S)
_ALIAS_SEP_RE = re.compile(r"[、,，;；/／\s]+")


def split_name_aliases(name: str) -> tuple[str, list[str]]:
    """`党政办  （党群办、人大办）` → ("党政办", ["党群办", "人大办"])."""
    text = clean_text(name)
    if "(" not in text and "（" not in text:  # most names: no aliases to split off
        return text, []
    match = _PAREN_RE.match(text)
    if not match or not match.group(1).strip():
        return text, []
    base = match.group(1).strip()
    aliases = [a for a in _ALIAS_SEP_RE.split(match.group(2)) if a]
    return base, aliases


def split_aliases(text: object) -> list[str]:
    """A 别名 cell (`党群办、人大办`, `a,b；c`) → its aliases."""
    return [a for a in _ALIAS_SEP_RE.split(clean_text(text)) if a]


# Chinese numerals only with a known measure word: 一般 / 三好 are words, not quantities.
MEASURE_WORDS = (
    "个 家 户 人 名 项 次 件 座 处 所 亩 吨 米 公里 平方米 立方米 头 只 场 期 批 条 位 篇 份 "
    "天 日 年 月 周 人次 台 套 辆 眼 株 棵 本 支 幢 栋 间 片 公顷 千米 万人 万户 万亩 元 "
    "万元 亿元 块 所 类 级 星 分 倍 成"
).split()
_HEADER_UNITS = frozenset(
    ["%", "‰", "元", "千元", "万元", "亿元", "万", "亿", "百分比", "百分点", *MEASURE_WORDS]
)
