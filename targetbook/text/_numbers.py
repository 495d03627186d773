"""Numbers in cells: Chinese numerals, amounts (万元/亿元/%), "nothing" markers."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from targetbook.text._clean import (
    _HEADER_UNITS,
    _SPACE_RE,
    EMPTY_MARKERS,
    MEASURE_WORDS,
    clean_text,
)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number parsed from a cell with its unit, in base units (5万元 → 50000, 元)."""

    value: float
    unit: str  # "元", "%", "" (plain number), or the measuring word found (户, 家, 人 …)
    text: str  # the original text


_DIGITS = {
    "〇": 0,
    "零": 0,
    "0": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
_CN_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)
_ARABIC_RE = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")


def _cn_integer(text: str) -> int | None:
    """Chinese numerals (十二, 二十, 一百零五, 两万三千, 二〇二二) → int; None if malformed."""
    if not text:
        return None
    if all(c in _DIGITS for c in text):  # digit by digit: 二〇二二 → 2022
        if len(text) > 1 and "两" in text:
            return None  # 两三 means "two or three", not 23
        return int("".join(str(_DIGITS[c]) for c in text))
    total = section = 0
    digit: int | None = None
    last_small = 10_000  # within a section units fall: 千 > 百 > 十
    seen_wan = False
    for char in text:
        if char in _DIGITS:
            if digit:  # two non-zero digits in a row: 三五十
                return None
            digit = _DIGITS[char]
        elif char in _SMALL_UNITS:
            unit = _SMALL_UNITS[char]
            if unit >= last_small or digit == 0:
                return None
            section += (1 if digit is None else digit) * unit
            digit, last_small = None, unit
        elif char in "万萬":
            if seen_wan or not (section or digit):
                return None
            total += (section + (digit or 0)) * 10_000
            section, digit, last_small, seen_wan = 0, None, 10_000, True
        else:  # 亿
            if not (total or section or digit):
                return None
            total = (total + section + (digit or 0)) * 100_000_000
            section, digit, last_small, seen_wan = 0, None, 10_000, False
    return total + section + (digit or 0)


def cn_number(text: str) -> float | None:
    """`三` → 3, `十二` → 12, `两` → 2, `１２` → 12, `0.5` → 0.5; None if not a number."""
    try:
        s = _SPACE_RE.sub("", unicodedata.normalize("NFKC", clean_text(text)))
    except Exception:
        return None
    if not s:
        return None
    arabic = _ARABIC_RE.fullmatch(s)
    if arabic:
        return float(Decimal(s.replace(",", "")))
    # Arabic mantissa with a Chinese magnitude: 2.5万 → 25000
    m = re.fullmatch(r"(" + _ARABIC_RE.pattern + r")([万萬亿億千百]+)", s)
    if m:
        mult = _magnitude(m.group(2))
        if mult is None:
            return None
        return float(Decimal(m.group(1).replace(",", "")) * mult)
    negative = s[0] in "负-"
    if negative:
        s = s[1:]
    if "点" in s:  # 三点五 → 3.5
        whole, _, frac = s.partition("点")
        w = _cn_integer(whole)
        if w is None or not frac or any(c not in _DIGITS for c in frac):
            return None
        value = float(Decimal(f"{w}.{''.join(str(_DIGITS[c]) for c in frac)}"))
    else:
        n = _cn_integer(s) if all(c in _CN_CHARS for c in s) else None
        if n is None:
            return None
        value = float(n)
    return -value if negative else value


def _magnitude(word: str) -> Decimal | None:
    value = Decimal(1)
    for char in word:
        unit = _BIG_UNITS.get(char) or _SMALL_UNITS.get(char)
        if unit is None:
            return None
        value *= unit
    return value


# prefix · number · 余/多 · magnitude · 余 · unit · qualifier.
# The prefix is Chinese words and/or a comparison sign (`累计增速`, `完成率`, `约`, `≥`):
# never Latin letters or `=`/`@` (`=E5`, `A1`, `V5` are references and names, not 5 or 1).
_NUM = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_QUALIFIERS = r"以上|以下|以内|左右|上下|及以上|余"
_QTY_RE = re.compile(
    r"(?P<prefix>(?:[\u4e00-\u9fff]{1,12}?[:：]?)?(?:[≈~～≥≤]|[<>]=?)?)"
    r"(?P<num>" + _NUM + r")"
    r"(?P<approx>[余多])?"
    # 千米 / 千克 / 千瓦 are SI units, not a thousand 米; 百分点 is not a hundred 分点
    r"(?P<mag>百万|千万|万亿|[万萬亿億]|千(?![米克瓦伏帕焦卡])|百(?!分))?"
    r"(?:[余多](?=[\u4e00-\u9fff]))?"  # 5万余元
    # a qualifier is not a unit: `50左右`, `5万元以上` (unit 元, not 元以上)
    r"(?P<unit>(?!" + _QUALIFIERS + r")(?:%|‰|[A-Za-z²³/\u4e00-\u9fff]{1,4}?))?"
    r"(?P<qual>" + _QUALIFIERS + r")?"
)
# A prefix ending in one of these words makes the figure negative: `下降5%` is -5%.
_NEGATIVE_WORDS = ("下降", "减少", "降低", "负增长", "回落", "下滑", "负")
# Minus signs that NFKC leaves alone (U+2212 minus, U+2013 en dash, U+FE63 small hyphen).
_MINUS_TABLE = {0x2212: "-", 0x2013: "-", 0xFE63: "-"}
_CN_QTY_RE = re.compile(
    r"(?P<num>负?[" + _CN_CHARS + r"点]+)"
    r"(?P<unit>%|" + "|".join(sorted(set(MEASURE_WORDS), key=len, reverse=True)) + r")?"
)
# A bracketed remark after a figure (NFKC has made （） ASCII); never a digit inside, so
# `5(3)` or `12(2022年)` stay unparsed rather than guessed.
_NOTE_RE = re.compile(r"\(([^()\d]{1,12})\)$")
_TRAILING_PUNCT = "。．.;；,，、!！"
_CURRENCY = {"元", "万元", "亿元", "块", "块钱"}
# Words that make a figure approximate (约1500万, 1500万左右, 近千万, 1500余万, 1500多万):
# the figure is used, and is_approximate lets the caller say so.
_APPROX_PREFIX_RE = re.compile(r"(?:大约|约|大概|将近|接近|近|逾)")
_APPROX_RE = re.compile(
    r"大约|约|大概|将近|接近|逾|左右|上下|[≈~～]|(?:^|[:：])近|[\d万萬亿億千百十][余多]"
)
_PERCENT = "百分之"
# Every match of _APPROX_RE holds one of these characters, or (before NFKC) one of the
# compatibility characters NFKC turns into one of them (tests/test_text.py checks the list).
_APPROX_CHARS = frozenset(
    "约概近逾左上≈~～余多" + "\U0001f215\U0001f22c\U0002f85d\u3196\u32a4\u32a7"
)
_ASCII_DIGIT_RE = re.compile("[0-9]")


def parse_quantity(value: object) -> Quantity | None:
    """`5万元`, `0.77亿`, `97.19%`, `１２`, `三`, 12.5 → Quantity; None if not understood.

    Blank cells and the "nothing" markers (`-`, `无`, `/`) give None as well: tell them from
    unparseable text with `is_empty`. A bare 万/亿 magnitude means money (`0.77亿` → 元).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        f = float(value)
        if math.isnan(f) or math.isinf(f):
            return None
        return Quantity(f, "", clean_text(value))
    try:
        text = clean_text(value)
    except Exception:  # pragma: no cover - clean_text never raises
        return None
    if not text or len(text) > 60:
        return None
    return _parse_text(text)


# The figures returns hold most (`2901.40万元`, `2.89亿`, `97.19%`, `１２`, `39`): digits
# (ASCII or full-width), a decimal part, then 万/亿 (and 元), or % / 元. For these the
# general path below (NFKC, notes, prefixes, _QTY_RE) comes to the same groups: the number,
# the magnitude, the unit; tests/test_text.py checks the two paths agree.
_PLAIN_FIGURE_RE = re.compile(
    "([0-9\uff10-\uff19]+(?:[.\uff0e][0-9\uff10-\uff19]+)?)(?:([万亿])(元)?|([%\uff05元]))?"
)
_FULL_WIDTH = {0xFF0E: ".", 0xFF05: "%", **{0xFF10 + i: str(i) for i in range(10)}}
_PLAIN_MAGNITUDE = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}  # as _magnitude gives
_PLAIN_EXPONENT = {"万": 4, "亿": 8}
_EXACT_DIGITS = 20  # a number this long times 10⁸ stays within Decimal's 28 digits, exactly


@lru_cache(maxsize=65536)
def _parse_text(text: str) -> Quantity | None:
    m = _PLAIN_FIGURE_RE.fullmatch(text)
    if m is None:
        return _parse_general(text)
    num, mag, money, unit = m.groups("")
    unit = money or unit
    if not text.isascii():
        num, unit = num.translate(_FULL_WIDTH), unit.translate(_FULL_WIDTH)
    if len(num) > _EXACT_DIGITS:  # Decimal arithmetic as below, rounded to its precision
        value = float(Decimal(num) * _PLAIN_MAGNITUDE[mag]) if mag else float(Decimal(num))
    else:
        # The exact Decimal product, rounded once to a float, is what float() makes of the
        # same number written with an exponent: `49.8e4` for 49.8万.
        value = float(f"{num}e{_PLAIN_EXPONENT[mag]}" if mag else num)
    if mag:  # _money: a magnitude, bare or before 元, is money
        return Quantity(value, "元", text)
    return Quantity(value, unit, text)  # _money leaves %, 元 and "" as they are


def _parse_general(text: str) -> Quantity | None:
    """_parse_text of any text (the figure forms of _PLAIN_FIGURE_RE are quicker there)."""
    s = _SPACE_RE.sub("", unicodedata.normalize("NFKC", text)).rstrip(_TRAILING_PUNCT)
    if s.casefold() in EMPTY_MARKERS:
        return None
    s = s.translate(_MINUS_TABLE)
    if s in ("-", "--"):
        return None
    note = _NOTE_RE.search(s)
    if note and note.start():
        # `5（万元）`: the unit in brackets; `2819.91万元（含税）`: a note on the figure
        word = note.group(1)
        inner = _parse_text(s[: note.start()] + (word if word in _HEADER_UNITS else ""))
        return None if inner is None else Quantity(inner.value, inner.unit, text)
    if s.startswith(_PERCENT):
        inner = _parse_text(s[len(_PERCENT) :])
        if inner is None or inner.unit:
            return None
        return Quantity(inner.value, "%", text)
    m = _QTY_RE.fullmatch(s)
    if m:
        number = Decimal(m.group("num").replace(",", ""))
        mag = m.group("mag") or ""
        if mag:
            number *= _magnitude(mag)
        number, unit = _money(number, m.group("unit") or "", any(c in "万萬亿億" for c in mag))
        if m.group("prefix").endswith(_NEGATIVE_WORDS) and number > 0:
            number = -number
        return Quantity(float(number), unit, text)
    approx = _APPROX_PREFIX_RE.match(s)
    if approx and approx.end() < len(s):
        # 近千万 / 约两千: Chinese numerals after the word (Arabic ones take it as a prefix)
        inner = _parse_text(s[approx.end() :])
        return None if inner is None else Quantity(inner.value, inner.unit, text)
    m = _CN_QTY_RE.fullmatch(s)
    if m:
        n = cn_number(m.group("num"))
        if n is None:
            return None
        has_mag = m.group("num")[-1] in "万萬亿億"
        number, unit = _money(Decimal(repr(n)), m.group("unit") or "", has_mag)
        return Quantity(float(number), unit, text)
    return None


def _money(number: Decimal, unit: str, has_magnitude: bool) -> tuple[Decimal, str]:
    # has_magnitude: the number already carries 万/亿 (`2.5万人`, `0.77亿`)
    """Fold 万元/亿元/万人 into base units; a bare 万/亿 magnitude means 元 (`0.77亿`)."""
    if unit in _CURRENCY:
        if unit.startswith("万"):
            number *= 10_000
        elif unit.startswith("亿"):
            number *= 100_000_000
        return number, "元"
    if unit.startswith(("万", "亿")) and not has_magnitude:
        return number * _magnitude(unit[0]), unit[1:] or "元"
    if has_magnitude and not unit:
        return number, "元"
    return number, unit


def is_approximate(value: object) -> bool:
    """True for a figure given as an estimate (`约1500万`, `1500万左右`, `近千万`, `1500余万`)."""
    # The cheap test first: most figures hold no estimate word (60,000 cells per 1,000 returns).
    if not isinstance(value, str) or _APPROX_CHARS.isdisjoint(value):
        return False
    s = _SPACE_RE.sub("", unicodedata.normalize("NFKC", clean_text(value)))
    return _APPROX_RE.search(s) is not None and parse_quantity(value) is not None


def is_empty(value: object) -> bool:
    """True for a blank cell or a "nothing" marker (`-`, `无`, `/`): no number, no error."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if type(value) is str and _ASCII_DIGIT_RE.search(value):
        return False  # no marker holds a digit, and no normalisation below removes one
    s = _SPACE_RE.sub("", unicodedata.normalize("NFKC", clean_text(value)))
    return s.translate(_MINUS_TABLE).casefold() in EMPTY_MARKERS  # `–` (en dash) as `-`
