"""Per-character normalisation and Chinese numerals for the target parser."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}
MULTIPLIERS = {
    "": 1,
    "十": 10,
    "百": 100,
    "千": 1000,
    "万": 10_000,
    "百万": 1_000_000,
    "千万": 10_000_000,
    "亿": 100_000_000,
}


@lru_cache(maxsize=4096)
def _fold(ch: str) -> str:
    # only full-width forms and the ideographic space: ① must stay an item marker, not a 1
    if ch == "\u3000" or "\uff01" <= ch <= "\uff5e":
        return unicodedata.normalize("NFKC", ch)
    return ch


def fold_chars(text: str) -> str:
    """Full-width forms folded per character (`１２％，` → `12%,`), positions unchanged."""
    if text.isascii():
        return text
    return "".join(_fold(ch) for ch in text)


def cn_int(text: str) -> int:
    """`三` → 3, `十二` → 12, `二十` → 20, `一百零五` → 105, `一〇一` → 101."""
    if len(text) > 1 and all(ch in _DIGITS for ch in text):
        # digit-by-digit numerals (二〇二二) rather than positional ones
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total = num = 0
    for ch in text:
        if ch in _DIGITS:
            num = _DIGITS[ch]
        elif ch in _UNITS:
            total += (num or 1) * _UNITS[ch]
            num = 0
    return total + num


def tidy(number: float) -> int | float:
    """50000.0 → 50000; 97.19 stays a float."""
    return int(number) if float(number).is_integer() else number


def to_number(text: str, multiplier: str = "") -> int | float:
    """`5` / `0.77` / `三` / `十二` with a multiplier (万, 亿 …) → a number in base units."""
    base = float(text) if text[0].isdigit() else cn_int(text)
    return tidy(round(base * MULTIPLIERS[multiplier], 6))
