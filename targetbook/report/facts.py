"""What the 通报 says about each unit's return, rank and veto — taken from the ranking's own
results, so one document never states two contradicting things (pure).

- ranked or not: the 排名 sheet's 名次 (a unit with scores is ranked, returned or not);
- returned or not: the consolidation's 未报送 list;
- late: the 得分 rows of the 逾期扣分 method (the deduction after any cap, and the days the
  score's 计算依据 counted);
- vetoed: the 排名 sheet's 否决, with the campaign's 否决效果 (carried in 排名.xlsx's 参数).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from targetbook import labels as L
from targetbook.text import clean_text

# The days of a late return as the late_days explanation prints them (逾期 7 天 × 0.5 分).
_LATE_DAYS = re.compile(r"逾期\s*(\d+)\s*天")

# What a veto does, in the words of a 通报 (the effects of labels.VETO_EFFECTS).
VETO_EFFECT_TEXT = {
    L.V_FAIL: "等次定为不合格，不得评先评优",
    L.V_DOWNGRADE: "等次降一等，不得评先",
    L.V_NO_HONOURS: "不得评先",
    L.V_LAST: "排本类别末位，不得评先",
    L.V_ZERO: "总分计0分，不得评先",
}
# Every effect bars awards (rank stage: vetoed units are never eligible).
VETO_EFFECT_DEFAULT = L.V_NO_HONOURS


@dataclass
class Lateness:
    """A 逾期扣分 a unit lost: days late (None when not counted) and the points taken."""

    unit: str
    days: int | None
    points: float  # positive: the net deduction after the item's cap


def _number(value: object) -> float:
    try:
        x = float(clean_text(value))
    except ValueError:
        return 0.0
    return 0.0 if math.isnan(x) else x


def lateness(scores: pd.DataFrame | None) -> dict[str, Lateness]:
    """Unit → its 逾期扣分 (net of caps): the 得分 rows whose 方法 is 逾期扣分 or its 封顶."""
    if scores is None or scores.empty or L.METHOD not in scores.columns:
        return {}
    methods = scores[L.METHOD].map(clean_text)
    late = scores[methods.str.startswith(L.M_LATE)]
    out: dict[str, Lateness] = {}
    for r in late.to_dict("records"):
        unit = clean_text(r.get(L.UNIT))
        if not unit:
            continue
        entry = out.setdefault(unit, Lateness(unit, None, 0.0))
        entry.points -= _number(r.get(L.SCORE))
        if clean_text(r.get(L.METHOD)) == L.M_LATE:
            found = _LATE_DAYS.search(clean_text(r.get(L.EXPLANATION)))
            if found:
                entry.days = max(entry.days or 0, int(found.group(1)))
    return {u: e for u, e in out.items() if e.points > 0}


def points_text(points: float) -> str:
    """2 → `2`, 1.5 → `1.5` (a deduction as a 通报 prints it)."""
    return f"{round(points, 2):g}"


def late_text(late: Lateness | None, returned: bool) -> str:
    """`逾期7天报送，扣2分` / `未报送回收表，扣2分` / `` for the row's 备注."""
    if late is None:
        return ""
    if not returned:
        return f"未报送回收表，扣{points_text(late.points)}分"
    days = f"逾期{late.days}天报送" if late.days else "逾期报送"
    return f"{days}，扣{points_text(late.points)}分"


def veto_effect_text(effect: str) -> str:
    """The campaign's 否决效果 in a 通报's words (unknown or blank: 不得评先)."""
    return VETO_EFFECT_TEXT.get(clean_text(effect), VETO_EFFECT_TEXT[VETO_EFFECT_DEFAULT])


def submission_lines(
    late: list[tuple[str, str]],
    ranked_missing: list[tuple[str, str]],
    unranked_missing: list[str],
    unscored: list[str],
) -> list[str]:
    """Section 报送情况: late returns, units ranked without a return, units not ranked and why.

    `late`: (unit, 逾期N天，扣M分); `ranked_missing`: (unit, 第N名 + deduction).
    Never says 按时: the ranking knows deductions, not whether a deadline was set."""
    lines = []
    if late:
        shown = "、".join(f"{u}（{t}）" for u, t in late)
        lines.append(f"逾期报送：{shown}。")
    if ranked_missing:
        shown = "、".join(f"{u}（{t}）" for u, t in ranked_missing)
        lines.append(f"未报送回收表，按已有得分参加排名：{shown}。")
    if unranked_missing:
        lines.append(
            f"未报送回收表、无得分，不参加排名：{'、'.join(unranked_missing)}，请限期补报。"
        )
    if unscored:
        lines.append(f"无得分，不参加排名：{'、'.join(unscored)}。")
    if not lines:
        # Without a 逾期扣分 item nobody's lateness was counted: say only what is known.
        lines.append("各单位均已报送回收表，无逾期扣分。")
    return lines
