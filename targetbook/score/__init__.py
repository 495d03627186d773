"""Scores per unit per item with their explanation (得分反查), bonuses, deductions, vetoes.

Pure: a Consolidation, the Rules and offices' Records in; a `Scores` out. Every score row
says how it was computed (计算依据, the formula with its numbers) and where its input came
from (来源: `file!sheet!cell` of the 考核打分 entry, or `file!sheet!第N行` of the return's
指标进度 row as the consolidated workbook's 来源文件/来源工作表/来源行 columns give it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from targetbook import labels as L
from targetbook.errors import Issue, issue
from targetbook.explain import Explain, fmt, fmt_many, plus, render_all, render_each
from targetbook.registry import Unit
from targetbook.results import Consolidation, Scores
from targetbook.rules.model import Records, Rules
from targetbook.rules.settings import period_group
from targetbook.score.adjust import VETO_FRAME_COLUMNS, adjustments, lateness, vetoes
from targetbook.score.inputs import Resolver, build_inputs, input_issue, per_value
from targetbook.score.methods import METHOD_FUNCS, max_points

# The 得分 sheet: labels.SCORE_COLUMNS plus 期间 (blank unless periods are weighted).
SCORE_FRAME_COLUMNS = (*L.SCORE_COLUMNS, L.PERIOD)
WEIGHTED = L.M_WEIGHTED


def score(consolidation: Consolidation, rules: Rules, records: Records | None = None) -> Scores:
    """Score every unit on every item of its category; add 加扣分; collect 否决."""
    records = rules.records + (records if records is not None else Records())
    inputs, units, issues = build_inputs(consolidation, rules, records)
    resolve = Resolver(units, consolidation.registry)
    parts = [_score_items(inputs, rules, issues)]
    late = lateness(consolidation, rules, units, records, resolve)
    adj_rows, adj_issues = adjustments(records, rules, resolve, late)
    issues += adj_issues
    with_data = set(pd.unique(inputs["unit"].to_numpy(dtype=object))) | {
        r[L.UNIT] for r in adj_rows
    }
    parts.append(_missing(units, with_data, inputs, rules, issues))
    parts.append(pd.DataFrame(adj_rows, columns=list(SCORE_FRAME_COLUMNS)))
    rows = (
        pd.concat([p for p in parts if not p.empty], ignore_index=True)
        if any(not p.empty for p in parts)
        else pd.DataFrame(columns=list(SCORE_FRAME_COLUMNS))
    )
    rows = _order(rows, units, rules)
    rows, totals = _totals(rows, rules)
    # The records become their Chinese sentences here, once (targetbook.explain).
    rows[L.EXPLANATION] = render_all(rows[L.EXPLANATION].to_numpy())
    veto_frame, veto_issues = vetoes(records, rules, resolve)
    return Scores(rows, totals, veto_frame, units, issues + veto_issues)


def _score_items(inputs: pd.DataFrame, rules: Rules, issues: list[Issue]) -> pd.DataFrame:
    out = []
    groups = inputs.groupby(["category", "item"], sort=False).indices if len(inputs) else {}
    # The rows of every item, taken once in scoring order; each item is then a slice.
    todo = [
        (cat, item, groups[(cat, item.name)])
        for cat in L.CATEGORIES
        for item in rules.items_for(cat)
        if not item.is_adjustment and (cat, item.name) in groups
    ]
    if todo:
        inputs = inputs.take(np.concatenate([where for *_, where in todo]))
    ends = np.cumsum([len(where) for *_, where in todo])
    for (cat, item, where), end in zip(todo, ends, strict=True):
        rows = inputs.iloc[end - len(where) : end]
        if item.period:
            rows = rows[rows["period"].map(period_group) == period_group(item.period)]
        if rows.empty:
            continue
        scores, notes = METHOD_FUNCS[item.method](item, rows)
        scores = np.asarray(scores, dtype=float)
        entered = pd.to_numeric(rows["entered"], errors="coerce").to_numpy(dtype=float)
        given = ~np.isnan(entered)
        notes = np.asarray(notes, dtype=object)
        if given.any():
            top = max_points(item)
            over = given & (entered > top)
            shown = np.full(len(rows), "", dtype=object)
            shown[given] = fmt_many(entered[given])
            notes[given] = render_each("score_entered", score=shown[given])
            for n in np.flatnonzero(over):
                r = rows.iloc[n]
                issues.append(
                    input_issue("score_over_points", r, value=fmt(entered[n]), points=fmt(top))
                )
                notes[n] = Explain("score_entered_over", score=shown[n], points=top)
            scores[given] = np.minimum(entered[given], top)
        basis = rows["basis"].to_numpy(dtype=object)
        has = basis != ""
        if has.any():
            notes[has] = render_each("with_basis", note=render_all(notes[has]), basis=basis[has])
        n = len(rows)
        out.append(
            {
                L.CATEGORY: np.full(n, cat, dtype=object),
                L.UNIT: rows["unit"].to_numpy(dtype=object),
                L.ITEM: np.full(n, item.name, dtype=object),
                L.METHOD: np.full(n, item.method, dtype=object),
                L.MAX_POINTS: np.full(n, item.points, dtype=float),
                L.SCORE: scores,
                L.EXPLANATION: notes,
                L.SOURCE: rows["source"].to_numpy(dtype=object),
                L.PERIOD: rows["period"].to_numpy(dtype=object),
            }
        )
    if not out:
        return pd.DataFrame(columns=list(SCORE_FRAME_COLUMNS))
    # One frame from the columns of all items; text stays object (pandas' `str` is slower).
    return pd.DataFrame(
        {
            c: pd.Series(np.concatenate([o[c] for o in out]), dtype=float)
            if c in (L.MAX_POINTS, L.SCORE)
            else pd.Series(np.concatenate([o[c] for o in out]), dtype=object)
            for c in SCORE_FRAME_COLUMNS
        }
    )


def _missing(units, with_data, inputs, rules, issues) -> pd.DataFrame:
    """A 0 row (and a warning) for each item without data of a unit that has other data."""
    catalogue = {
        c: [(i.name, i.method, i.points) for i in rules.items_for(c) if not i.is_adjustment]
        for c in L.CATEGORIES
    }
    # Plain tuples and a set of the (unit, item) pairs that have data: the registry's units
    # × items are 200,000 pairs for 10,000 units, and two merges on text keys cost more.
    have = set(
        zip(
            inputs["unit"].to_numpy(dtype=object),
            inputs["item"].to_numpy(dtype=object),
            strict=True,
        )
    )
    found = [
        (u.category, u.name, item, method, points)
        for u in units
        if u.name in with_data
        for item, method, points in catalogue.get(u.category, ())
        if (u.name, item) not in have
    ]
    if not found:
        return pd.DataFrame(columns=list(SCORE_FRAME_COLUMNS))
    gaps = pd.DataFrame(found, columns=["cat", "unit", "item", "method", "points"], dtype=object)
    for u, i in zip(gaps["unit"], gaps["item"], strict=True):
        issues.append(issue("score_input_missing", unit=u, item=i))
    return pd.DataFrame(
        {
            L.CATEGORY: gaps["cat"].to_numpy(),
            L.UNIT: gaps["unit"].to_numpy(),
            L.ITEM: gaps["item"].to_numpy(),
            L.METHOD: gaps["method"].to_numpy(),
            L.MAX_POINTS: gaps["points"].to_numpy(dtype=float),
            L.SCORE: 0.0,
            L.EXPLANATION: Explain("no_input"),
            L.SOURCE: "",
            L.PERIOD: "",
        },
        columns=list(SCORE_FRAME_COLUMNS),
    )


def _order(rows: pd.DataFrame, units: list[Unit], rules: Rules) -> pd.DataFrame:
    """Registry order of units, then the 考核项目 order of items, adjustments last."""
    if rows.empty:
        return rows
    unit_pos = {u.name: n for n, u in enumerate(units)}
    item_pos: dict[str, int] = {}
    for n, i in enumerate(rules.items):
        item_pos.setdefault(i.name, n)
    adjustment = (L.M_BONUS, L.M_PENALTY)
    u = per_value(rows[L.UNIT], lambda u: unit_pos.get(u, len(unit_pos))).astype(np.int64)
    i = per_value(rows[L.ITEM], lambda i: item_pos.get(i, len(item_pos))).astype(np.int64)
    adj = per_value(rows[L.METHOD], lambda m: str(m).startswith(adjustment)).astype(np.int64)
    idx = np.lexsort((i, adj, u))  # by unit, then adjustments last, then item; stable
    return rows.take(idx).reset_index(drop=True)


def _totals(rows: pd.DataFrame, rules: Rules) -> tuple[pd.DataFrame, pd.Series]:
    """Σ 得分 per unit; with 期间权重, Σ over groups of weight × mean of the periods' sums."""
    s = rules.settings
    points = pd.to_numeric(rows[L.SCORE], errors="coerce").fillna(0.0).round(4)
    rows = rows.assign(**{L.SCORE: points})
    if rows.empty:
        return rows, pd.Series(dtype=float)
    weights = s.period_weights
    if not weights:
        totals = rows.groupby(L.UNIT, sort=False)[L.SCORE].sum()
        return rows, totals.round(s.decimals)
    is_adj = rows[L.METHOD].astype(str).str.startswith((L.M_BONUS, L.M_PENALTY))
    scored = rows[~is_adj].copy()
    # Items of no particular period count in the annual group.
    scored["g"] = scored[L.PERIOD].map(period_group)
    per_period = scored.groupby([L.UNIT, "g", L.PERIOD], sort=False)[L.SCORE].sum()
    per_group = per_period.groupby(level=[0, 1], sort=False).mean()
    extra = []
    totals = {}
    for unit, groups in per_group.groupby(level=0, sort=False):
        parts, total = [], 0.0
        for (_, g), v in groups.items():
            w = weights.get(g, 0.0)
            total += v * w / 100
            kind = "weighted_term" if g == L.PERIOD_YEAR else "weighted_term_mean"
            parts.append(Explain(kind, group=g, value=round(v, 4), weight=w))
        totals[unit] = total
        first = scored[scored[L.UNIT] == unit].iloc[0]
        extra.append(
            {
                L.CATEGORY: first[L.CATEGORY],
                L.UNIT: unit,
                L.ITEM: WEIGHTED,
                L.METHOD: WEIGHTED,
                L.MAX_POINTS: np.nan,
                L.SCORE: total,
                L.EXPLANATION: Explain("weighted_total", terms=plus(*parts), total=round(total, 4)),
                L.SOURCE: "",
                L.PERIOD: "",
            }
        )
    adj = rows[is_adj].groupby(L.UNIT, sort=False)[L.SCORE].sum()
    out = pd.Series(totals, dtype=float).add(adj, fill_value=0.0)
    rows = pd.concat([rows, pd.DataFrame(extra, columns=rows.columns)], ignore_index=True)
    return rows, out.round(s.decimals)


__all__ = ["SCORE_FRAME_COLUMNS", "VETO_FRAME_COLUMNS", "Scores", "score"]
