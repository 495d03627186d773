"""The scoring methods, vectorised over the units of one item; each score explains itself
(an `Explain` record per unit, rendered to Chinese by targetbook.explain)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from targetbook import labels as L
from targetbook.explain import Explain, plus
from targetbook.rules.model import Item


def max_points(item: Item) -> float:
    """The most an item can earn (完成率 bonuses included)."""
    if item.method == L.M_RATE and item.bonus_per_pct:
        return math.inf if item.bonus_cap is None else item.points + item.bonus_cap
    return item.points


def _f(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)


def completion_rate(rows: pd.DataFrame, lower: bool = False) -> np.ndarray:
    """完成值 ÷ 目标值 × 100 when both are known, else the reported 完成率.

    越小越好 (`lower`): 目标值 ÷ 完成值 × 100; a 完成值 of 0 under a ceiling above 0 is
    met beyond measure (inf: any bonus is its cap), 0 against a ceiling of 0 is exactly met."""
    actual, target, rate = _f(rows["actual"]), _f(rows["target"]), _f(rows["rate"])
    with np.errstate(divide="ignore", invalid="ignore"):
        # × 100 first and rounded: 57 ÷ 100 × 100 would be 56.99999999999999 < 57.
        if lower:
            computed = np.where(
                actual != 0,
                np.round(target * 100 / actual, 9),
                np.where(target > 0, np.inf, np.where(target == 0, 100.0, np.nan)),
            )
        else:
            computed = np.where(target != 0, np.round(actual * 100 / target, 9), np.nan)
    return np.where(np.isnan(computed), rate, computed)


def _shown(rows: pd.DataFrame, column: str, values: np.ndarray) -> list:
    """Each figure as the return wrote it (`15.9万元`), else the number itself."""
    if column not in rows:
        return list(values)
    texts = rows[column].to_numpy(dtype=object)
    return [t if isinstance(t, str) and t else v for t, v in zip(texts, values, strict=True)]


def _rate_head(a, t, r, lower: bool = False, shown_a=None, shown_t=None) -> Explain:
    sa = a if shown_a is None else shown_a
    st = t if shown_t is None else shown_t
    if lower and not (math.isnan(a) or math.isnan(t)) and a != 0:
        return Explain("rate_computed_inverse", actual=sa, target=st, rate=round(r, 2))
    if not (math.isnan(a) or math.isnan(t)) and t != 0:
        return Explain("rate_computed", actual=sa, target=st, rate=round(r, 2))
    return Explain("rate_reported", rate=round(r, 2))


def by_rate(item: Item, rows: pd.DataFrame) -> tuple[np.ndarray, list[Explain]]:
    """完成率: base when met, ± per 1% with caps and a floor, a threshold, step deductions.

    越小越好: the rate is 目标值 ÷ 完成值; 0 under a ceiling is met with the bonus's cap."""
    P = item.points
    lower = item.lower_is_better
    rate = completion_rate(rows, lower)
    a, t = _f(rows["actual"]), _f(rows["target"])
    sa, st = _shown(rows, "actual_text", a), _shown(rows, "target_text", t)
    scores = np.full(len(rows), np.nan)
    notes: list[Explain] = []
    for n, r in enumerate(rate):
        if math.isnan(r):
            notes.append(Explain("rate_no_data"))
            scores[n] = 0.0
            continue
        if math.isinf(r):  # 越小越好, 完成值 0 under a ceiling above 0
            if item.bonus_per_pct:
                scores[n] = P + item.bonus_cap
                notes.append(
                    Explain(
                        "rate_zero_bonus",
                        target=st[n],
                        cap=item.bonus_cap,
                        points=P,
                        score=scores[n],
                    )
                )
            else:
                scores[n] = P
                notes.append(Explain("rate_zero_met", target=st[n], points=P))
            continue
        head = _rate_head(a[n], t[n], r, lower, sa[n], st[n])
        if item.threshold is not None and r < item.threshold:
            scores[n] = 0.0
            notes.append(Explain("rate_below_threshold", head=head, threshold=item.threshold))
            continue
        if r >= 100:
            extra = (r - 100) * item.bonus_per_pct
            capped = extra if item.bonus_cap is None else min(extra, item.bonus_cap)
            scores[n] = P + capped
            if extra:
                cap = None if capped == extra else Explain("rate_bonus_cap", cap=item.bonus_cap)
                notes.append(
                    Explain(
                        "rate_bonus",
                        head=head,
                        over=round(r - 100, 2),
                        per_pct=item.bonus_per_pct,
                        extra=extra,
                        cap=cap,
                        points=P,
                        capped=capped,
                        score=P + capped,
                    )
                )
            else:
                notes.append(Explain("rate_met", head=head, points=P))
            continue
        short = 100 - r
        if item.short_per_pct or item.step:
            minus = short * item.short_per_pct
            terms = []
            if item.short_per_pct:
                terms.append(
                    Explain("rate_short_term", short=round(short, 2), per_pct=item.short_per_pct)
                )
            if item.step:
                steps = math.floor(round(short / item.step, 9))
                minus += steps * item.step_points
                terms.append(
                    Explain(
                        "rate_step_term", step=item.step, step_points=item.step_points, steps=steps
                    )
                )
            raw = P - minus
            kind, params = "rate_deducted", {"terms": plus(*terms)}
        else:
            raw = P * r / 100
            kind, params = "rate_proportional", {"rate": round(r, 2)}
        score = max(raw, item.floor)
        floor = Explain("floor_applied", floor=item.floor) if score != raw else None
        scores[n] = score
        notes.append(Explain(kind, head=head, points=P, raw=raw, floor=floor, **params))
    return scores, notes


def by_rank(item: Item, rows: pd.DataFrame) -> tuple[np.ndarray, list[Explain]]:
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
    notes: list[Explain] = []
    if item.rank_points:
        table = np.array(item.rank_points)
        for n, p in enumerate(place):
            if math.isnan(p):
                scores[n] = item.floor
                notes.append(_no_data("rank_no_data", item.floor))
                continue
            k = int(p)
            pts = float(table[k - 1]) if 1 <= k <= len(table) else item.floor
            shown = tuple(float(x) for x in table)
            scores[n] = pts
            if given[n]:
                notes.append(Explain("rank_given", place=k, table=shown, points=pts))
            else:
                notes.append(
                    Explain("rank_by_value", actual=actual[n], place=k, table=shown, points=pts)
                )
        return scores, notes
    best = (
        pd.Series(actual, index=rows.index)
        .groupby([rows["category"], rows["period"]])
        .transform("min" if item.lower_is_better else "max")
        .to_numpy()
    )
    for n, (v, b) in enumerate(zip(actual, best, strict=True)):
        lower = item.lower_is_better
        if math.isnan(v) or math.isnan(b) or (b == 0 and not lower):
            scores[n] = item.floor
            notes.append(_no_data("best_no_data", item.floor))
            continue
        # 越小越好 with a best of 0 (零发生): the units at 0 are the best (full points), any
        # other value earns best ÷ value = 0.
        if lower and v == 0:
            scores[n] = P
            notes.append(Explain("best_is_zero", points=P))
            continue
        ratio = b / v if lower else v / b
        scores[n] = max(P * ratio, item.floor)
        num, den = (b, v) if item.lower_is_better else (v, b)
        notes.append(Explain("best_ratio", points=P, num=num, den=den, raw=P * ratio))
    return scores, notes


def _no_data(kind: str, floor: float) -> Explain:
    """No data: 0 points, or the item's 最低分 when it has one."""
    return Explain(f"{kind}_floor", floor=floor) if floor else Explain(kind)


def by_efficacy(item: Item, rows: pd.DataFrame) -> tuple[np.ndarray, list[Explain]]:
    """功效系数: P × (60 + 40 × (实际 − 不允许值) ÷ (满意值 − 不允许值)) ÷ 100, within [0, P]."""
    P, s, u = item.points, float(item.satisfied), float(item.unacceptable)
    actual = _f(rows["actual"])
    if not item.lower_is_better:  # a 越小越好 coefficient compares 完成值 only
        actual = np.where(np.isnan(actual), completion_rate(rows), actual)
    scores = np.zeros(len(rows))
    notes: list[Explain] = []
    for n, a in enumerate(actual):
        if math.isnan(a):
            notes.append(Explain("efficacy_no_data"))
            continue
        share = (a - u) / (s - u)
        if share >= 1:
            coef, why = 100.0, Explain("efficacy_full", actual=a, satisfied=s)
        elif share < 0:
            coef, why = 0.0, Explain("efficacy_zero", actual=a, unacceptable=u)
        else:
            coef = 60 + 40 * share
            why = Explain(
                "efficacy_between", actual=a, unacceptable=u, satisfied=s, coef=round(coef, 4)
            )
        scores[n] = P * coef / 100
        notes.append(
            Explain("efficacy_score", why=why, points=P, coef=round(coef, 4), score=scores[n])
        )
    return scores, notes


def by_pass(item: Item, rows: pd.DataFrame) -> tuple[np.ndarray, list[Explain]]:
    """达标: full points when passed (a verdict entered, or 完成率 ≥ 起评线), else 0."""
    P = item.points
    mark = 100.0 if item.threshold is None else item.threshold
    rate = completion_rate(rows, item.lower_is_better)
    target = _f(rows["target"])
    scores = np.zeros(len(rows))
    notes: list[Explain] = []
    for n, (verdict, r) in enumerate(zip(rows["verdict"], rate, strict=True)):
        if isinstance(verdict, bool):
            ok, why = verdict, Explain("pass_verdict" if verdict else "pass_verdict_failed")
        elif math.isinf(r):  # 越小越好, 完成值 0 under a ceiling
            ok, why = True, Explain("pass_zero_met", target=target[n])
        elif not math.isnan(r):
            ok = r >= mark
            kind = "pass_rate_met" if ok else "pass_rate_not_met"
            why = Explain(kind, rate=round(r, 2), mark=mark)
        else:
            notes.append(Explain("pass_no_data"))
            continue
        scores[n] = P if ok else 0.0
        notes.append(Explain("pass_score", why=why, score=scores[n]))
    return scores, notes


def by_direct(item: Item, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """直接打分: the office's score (entered rows are handled by the caller)."""
    return np.zeros(len(rows)), np.full(len(rows), Explain("direct_not_entered"), dtype=object)


METHOD_FUNCS = {
    L.M_RATE: by_rate,
    L.M_RANK: by_rank,
    L.M_EFFICACY: by_efficacy,
    L.M_PASS: by_pass,
    L.M_DIRECT: by_direct,
}
