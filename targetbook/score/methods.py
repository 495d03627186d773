"""The scoring methods, vectorised over the units of one item; each score explains itself."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from targetbook import labels as L
from targetbook.rules.model import Item


def fmt(x: object) -> str:
    """A number as staff write it: 85, 97.19, 0.5 (at most 4 decimals, no trailing zeros)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    s = f"{float(x):.4f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def fmt_many(values: np.ndarray) -> np.ndarray:
    """`fmt` of many numbers at once (the 200,000 entered scores of a large run)."""
    rounded = np.round(np.asarray(values, dtype=float), 4)
    whole = rounded == np.round(rounded)
    out = np.where(
        whole, np.nan_to_num(rounded).astype(np.int64).astype(str), rounded.astype(str)
    ).astype(object)
    return out


def max_points(item: Item) -> float:
    """The most an item can earn (完成率 bonuses included)."""
    if item.method == L.M_RATE and item.bonus_per_pct:
        return math.inf if item.bonus_cap is None else item.points + item.bonus_cap
    return item.points


def _f(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)


def completion_rate(rows: pd.DataFrame) -> np.ndarray:
    """完成值 ÷ 目标值 × 100 when both are known, else the reported 完成率."""
    actual, target, rate = _f(rows["actual"]), _f(rows["target"]), _f(rows["rate"])
    with np.errstate(divide="ignore", invalid="ignore"):
        # × 100 first and rounded: 57 ÷ 100 × 100 would be 56.99999999999999 < 57.
        computed = np.where(target != 0, np.round(actual * 100 / target, 9), np.nan)
    return np.where(np.isnan(computed), rate, computed)


def _rate_text(a, t, r) -> str:
    if not (math.isnan(a) or math.isnan(t)) and t != 0:
        return f"完成率 = {fmt(a)} ÷ {fmt(t)} × 100% = {fmt(round(r, 2))}%"
    return f"完成率 {fmt(round(r, 2))}%"


def by_rate(item: Item, rows: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """完成率: base when met, ± per 1% with caps and a floor, a threshold, step deductions."""
    P = item.points
    rate = completion_rate(rows)
    a, t = _f(rows["actual"]), _f(rows["target"])
    scores = np.full(len(rows), np.nan)
    notes: list[str] = []
    for n, r in enumerate(rate):
        head = _rate_text(a[n], t[n], r) if not math.isnan(r) else ""
        if math.isnan(r):
            notes.append("无完成值/目标值/完成率数据，计0分")
            scores[n] = 0.0
            continue
        if item.threshold is not None and r < item.threshold:
            scores[n] = 0.0
            notes.append(f"{head}，低于起评线 {fmt(item.threshold)}%，不计分")
            continue
        if r >= 100:
            extra = (r - 100) * item.bonus_per_pct
            capped = extra if item.bonus_cap is None else min(extra, item.bonus_cap)
            scores[n] = P + capped
            if extra:
                cap = "" if capped == extra else f"，封顶 {fmt(item.bonus_cap)} 分"
                notes.append(
                    f"{head}；超额 {fmt(round(r - 100, 2))} 个百分点 × "
                    f"{fmt(item.bonus_per_pct)} 分 = {fmt(extra)} 分{cap}；"
                    f"得分 = {fmt(P)} + {fmt(capped)} = {fmt(P + capped)}"
                )
            else:
                notes.append(f"{head}，达到目标，得 {fmt(P)} 分")
            continue
        short = 100 - r
        if item.short_per_pct or item.step:
            minus = short * item.short_per_pct
            parts = []
            if item.short_per_pct:
                parts.append(f"{fmt(round(short, 2))} × {fmt(item.short_per_pct)}")
            if item.step:
                steps = math.floor(round(short / item.step, 9))
                minus += steps * item.step_points
                parts.append(
                    f"每低 {fmt(item.step)} 个百分点扣 {fmt(item.step_points)} 分 × {steps} 档"
                )
            raw = P - minus
            text = f"{head}；得分 = {fmt(P)} − ({' + '.join(parts)}) = {fmt(raw)}"
        else:
            raw = P * r / 100
            text = f"{head}；得分 = {fmt(P)} × {fmt(round(r, 2))}% = {fmt(raw)}"
        score = max(raw, item.floor)
        if score != raw:
            text += f"，不低于最低分 {fmt(item.floor)}"
        scores[n] = score
        notes.append(text)
    return scores, notes


def by_rank(item: Item, rows: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """名次赋分: points by rank list, or proportional to the best value of the category."""
    P = item.points
    actual = _f(rows["actual"])
    place = _f(rows["place"])
    # Ties share a rank (Excel RANK.EQ): rank the values within each category and period.
    ranked = (
        pd.Series(actual, index=rows.index)
        .groupby([rows["category"], rows["period"]])
        .rank(method="min", ascending=item.lower_is_better)
        .to_numpy()
    )
    given = ~np.isnan(place)
    place = np.where(given, place, ranked)
    scores = np.zeros(len(rows))
    notes: list[str] = []
    if item.rank_points:
        table = np.array(item.rank_points)
        for n, p in enumerate(place):
            if math.isnan(p):
                scores[n] = item.floor
                notes.append(
                    "无名次或数值数据，计0分"
                    if not item.floor
                    else f"无名次或数值数据，计最低分 {fmt(item.floor)}"
                )
                continue
            k = int(p)
            pts = float(table[k - 1]) if 1 <= k <= len(table) else item.floor
            how = "名次" if given[n] else f"数值 {fmt(actual[n])} 在类别内排名"
            scores[n] = pts
            notes.append(
                f"{how}第{k}名，按名次分（{'、'.join(fmt(x) for x in table)}）得 {fmt(pts)} 分"
            )
        return scores, notes
    best = (
        pd.Series(actual, index=rows.index)
        .groupby([rows["category"], rows["period"]])
        .transform("min" if item.lower_is_better else "max")
        .to_numpy()
    )
    for n, (v, b) in enumerate(zip(actual, best, strict=True)):
        if math.isnan(v) or math.isnan(b) or b == 0 or v == 0 and item.lower_is_better:
            scores[n] = item.floor
            notes.append(
                "无可比较的数值，计0分"
                if not item.floor
                else f"无可比较的数值，计最低分 {fmt(item.floor)}"
            )
            continue
        ratio = b / v if item.lower_is_better else v / b
        scores[n] = max(P * ratio, item.floor)
        formula = f"{fmt(b)} ÷ {fmt(v)}" if item.lower_is_better else f"{fmt(v)} ÷ {fmt(b)}"
        notes.append(f"按最优值比例：{fmt(P)} × {formula} = {fmt(P * ratio)}")
    return scores, notes


def by_efficacy(item: Item, rows: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """功效系数: P × (60 + 40 × (实际 − 不允许值) ÷ (满意值 − 不允许值)) ÷ 100, within [0, P]."""
    P, s, u = item.points, float(item.satisfied), float(item.unacceptable)
    actual = _f(rows["actual"])
    actual = np.where(np.isnan(actual), completion_rate(rows), actual)
    scores = np.zeros(len(rows))
    notes: list[str] = []
    for n, a in enumerate(actual):
        if math.isnan(a):
            notes.append("无完成值数据，计0分")
            continue
        share = (a - u) / (s - u)
        if share >= 1:
            coef, why = 100.0, f"实际 {fmt(a)} 达到满意值 {fmt(s)}，系数 100"
        elif share < 0:
            coef, why = 0.0, f"实际 {fmt(a)} 未达不允许值 {fmt(u)}，系数 0"
        else:
            coef = 60 + 40 * share
            why = (
                f"系数 = 60 + 40 × ({fmt(a)} − {fmt(u)}) ÷ ({fmt(s)} − {fmt(u)}) "
                f"= {fmt(round(coef, 4))}"
            )
        scores[n] = P * coef / 100
        notes.append(f"{why}；得分 = {fmt(P)} × {fmt(round(coef, 4))}% = {fmt(scores[n])}")
    return scores, notes


def by_pass(item: Item, rows: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """达标: full points when passed (a verdict entered, or 完成率 ≥ 起评线), else 0."""
    P = item.points
    mark = 100.0 if item.threshold is None else item.threshold
    rate = completion_rate(rows)
    scores = np.zeros(len(rows))
    notes: list[str] = []
    for n, (verdict, r) in enumerate(zip(rows["verdict"], rate, strict=True)):
        if isinstance(verdict, bool):
            ok, why = verdict, "考核认定" + ("达标" if verdict else "未达标")
        elif not math.isnan(r):
            ok = r >= mark
            why = f"完成率 {fmt(round(r, 2))}% {'≥' if ok else '<'} 达标线 {fmt(mark)}%"
        else:
            notes.append("无达标认定或完成率数据，计0分")
            continue
        scores[n] = P if ok else 0.0
        notes.append(f"{why}，得 {fmt(scores[n])} 分")
    return scores, notes


def by_direct(item: Item, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """直接打分: the office's score (entered rows are handled by the caller)."""
    return np.zeros(len(rows)), np.full(len(rows), "未录入得分，计0分", dtype=object)


METHOD_FUNCS = {
    L.M_RATE: by_rate,
    L.M_RANK: by_rank,
    L.M_EFFICACY: by_efficacy,
    L.M_PASS: by_pass,
    L.M_DIRECT: by_direct,
}
