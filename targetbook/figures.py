"""The figures of 指标进度 checked beside their parse: estimates, placeholders, 完成率.

A score stands on 目标值, 完成值 and 完成率, so a figure that is only an estimate
(`约1500万`), a placeholder where a figure belongs (`—`, `/`, `无`), or a typed 完成率 that
disagrees with 完成值 ÷ 目标值 is a located warning instead of a silent number or blank.
Pure: works on the column lists validate.py has already built.
"""

from __future__ import annotations

import re

from targetbook import labels
from targetbook.text import APPROX_CHARS, is_approximate, is_empty

# (row position, column, rule, shown value, message parameters)
Finding = tuple[int, str, str, str, dict[str, object]]

# A typed rate more than this many percentage points away from 完成值 ÷ 目标值 (rounded to
# the typed rate's decimals) disagrees with it; closer is rounding or truncation.
RATE_TOLERANCE = 0.5
_DECIMALS_RX = re.compile(r"\d+(?:\.(\d+))?")
# A column with none of these characters holds no estimate (is_approximate is False).
_APPROX_ANY = re.compile("[" + re.escape("".join(sorted(APPROX_CHARS))) + "]")


def figure_findings(text: dict[str, list[str]], numbers: dict[str, list[float]]) -> list[Finding]:
    """value_approximate / value_placeholder per figure cell, rate_mismatch per row."""
    found: list[Finding] = []
    flagged: set[int] = set()  # rows with an estimate: their 完成率 may well disagree
    for column in labels.NUMERIC_COLUMNS:
        if column not in numbers:
            continue
        values = numbers[column]
        # One C scan of the whole column first: most columns hold no estimate word at all
        # (60,000 figure cells per 1,000 returns).
        texts = text[column]
        estimates = _APPROX_ANY.search("\x00".join(texts)) is not None
        for i, shown in enumerate(texts):
            if not shown:
                continue
            if is_empty(shown):  # returns at once for text with a digit
                found.append((i, column, "value_placeholder", shown, {}))
            elif estimates and values[i] == values[i] and is_approximate(shown):
                number = f"{values[i]:,.10g}"
                found.append((i, column, "value_approximate", shown, {"number": number}))
                flagged.add(i)
    if all(c in numbers for c in labels.NUMERIC_COLUMNS):
        found.extend(_rate_mismatches(text, numbers, flagged))
    return found


def _rate_mismatches(
    text: dict[str, list[str]], numbers: dict[str, list[float]], skip: set[int]
) -> list[Finding]:
    """Rows whose typed 完成率 is neither 完成值 ÷ 目标值 nor, for an indicator where less is
    better (a 越小越好 row has no column of its own here), 目标值 ÷ 完成值."""
    found: list[Finding] = []
    rates = numbers[labels.RATE]
    targets, actuals = numbers[labels.TARGET_VALUE], numbers[labels.ACTUAL_VALUE]
    for i, rate in enumerate(rates):
        t, a = targets[i], actuals[i]
        # NaN fails every comparison: `not rate >= 0` and `not t > 0` skip it, `a != a` too.
        if not (rate >= 0 and t > 0) or a != a or i in skip:
            continue
        digits = _decimals(text[labels.RATE][i])
        computed = round(a / t * 100, digits)
        if abs(computed - rate) <= RATE_TOLERANCE:
            continue
        if a > 0 and abs(round(t / a * 100, digits) - rate) <= RATE_TOLERANCE:
            continue
        found.append(
            (i, labels.RATE, "rate_mismatch", text[labels.RATE][i], {"computed": f"{computed:g}"})
        )
    return found


def _decimals(shown: str) -> int:
    """Decimals of the typed rate (`97.19%` → 2, `85` → 0)."""
    m = _DECIMALS_RX.search(shown)
    return len(m.group(1) or "") if m else 0
