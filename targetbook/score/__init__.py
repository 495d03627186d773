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
from targetbook.explain import Explain, fmt, fmt_many, plus, render, render_all, render_each
from targetbook.registry import Unit
from targetbook.results import Consolidation, Scores
from targetbook.rules.model import Records, Rules
from targetbook.rules.settings import period_group
from targetbook.score.adjust import VETO_FRAME_COLUMNS, adjustments, lateness, vetoes
from targetbook.score.inputs import (
    Resolver,
    build_inputs,
    frame_of,
    input_issue,
    per_value,
    units_of,
)
from targetbook.score.methods import METHOD_FUNCS, max_points

# The 得分 sheet: labels.SCORE_COLUMNS plus 期间 (blank unless periods are weighted).
SCORE_FRAME_COLUMNS = (*L.SCORE_COLUMNS, L.PERIOD)
WEIGHTED = L.M_WEIGHTED


def score(consolidation: Consolidation, rules: Rules, records: Records | None = None) -> Scores:
    """Score every unit on every item of its category; add 加扣分; collect 否决."""
    records = rules.records + (records if records is not None else Records())
    resolve = Resolver(units_of(consolidation), consolidation.registry)
    inputs, units, issues = build_inputs(consolidation, rules, records, resolve)
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
    rows, totals = _totals(rows, rules, issues)
    # The records become their Chinese sentences here, once (targetbook.explain).
    rows[L.EXPLANATION] = render_all(rows[L.EXPLANATION].to_numpy(), rules.settings.decimals)
    veto_frame, veto_issues = vetoes(records, rules, resolve)
    return Scores(rows, totals, veto_frame, units, issues + veto_issues)


def _score_items(inputs: pd.DataFrame, rules: Rules, issues: list[Issue]) -> pd.DataFrame:
    out = []
    groups = inputs.groupby(["category", "item"], sort=False).indices if len(inputs) else {}
    todo = [
        (cat, item, groups[(cat, item.name)])
        for cat in L.CATEGORIES
        for item in rules.items_for(cat)
        if not item.is_adjustment and (cat, item.name) in groups
    ]
    if not todo:
        return pd.DataFrame(columns=list(SCORE_FRAME_COLUMNS))
    # The rows of every item in scoring order; each item is then a slice. Only the columns
    # every score row shows are taken for all rows (as arrays); a method that reads more
    # gets its item's whole rows (直接打分 reads only the entered score).
    order = np.concatenate([where for *_, where in todo])
    ends = np.cumsum([len(where) for *_, where in todo])
    shown = {c: inputs[c].to_numpy(dtype=object)[order] for c in ("unit", "period", "source")}
    all_basis = inputs["basis"].to_numpy(dtype=object)[order]
    all_entered = pd.to_numeric(inputs["entered"], errors="coerce").to_numpy(dtype=float)[order]
    readable = inputs[[c for c in inputs.columns if c not in ("item", "origin")]]
    for (cat, item, where), end in zip(todo, ends, strict=True):
        part = slice(end - len(where), end)
        at, entered, basis = order[part], all_entered[part], all_basis[part]
        cols = {c: v[part] for c, v in shown.items()}
        if item.period:
            keep = per_value(cols["period"], period_group) == period_group(item.period)
            at, entered, basis = at[keep], entered[keep], basis[keep]
            cols = {c: v[keep] for c, v in cols.items()}
        if not len(at):
            continue
        rows = readable.take(at) if item.method != L.M_DIRECT else readable.iloc[at, :0]
        scores, notes = METHOD_FUNCS[item.method](item, rows)
        scores = np.asarray(scores, dtype=float)
        _absent(item, inputs, at, notes, entered, issues)
        given = ~np.isnan(entered)
        notes = np.asarray(notes, dtype=object)
        if given.any():
            top = max_points(item)
            over = given & (entered > top)
            entered_shown = np.full(len(at), "", dtype=object)
            entered_shown[given] = fmt_many(entered[given])
            notes[given] = render_each("score_entered", score=entered_shown[given])
            for n in np.flatnonzero(over):
                r = inputs.iloc[at[n]]
                issues.append(
                    input_issue("score_over_points", r, value=fmt(entered[n]), points=fmt(top))
                )
                notes[n] = Explain("score_entered_over", score=entered_shown[n], points=top)
            scores[given] = np.minimum(entered[given], top)
        has = basis != ""
        if has.any():
            notes[has] = render_each(
                "with_basis",
                note=render_all(notes[has], rules.settings.decimals),
                basis=basis[has],
            )
        out.append((cat, item, cols, scores, notes))
    if not out:
        return pd.DataFrame(columns=list(SCORE_FRAME_COLUMNS))
    # One frame from the columns of all items: the per-item constants repeated over each
    # item's rows, the rest joined from the slices. Text stays object (pandas' `str` is slower).
    sizes = [len(scores) for *_, scores, _ in out]

    def each(values, dtype=object) -> np.ndarray:
        return np.repeat(np.array(values, dtype=dtype), sizes)

    def joined(column: str) -> np.ndarray:
        return np.concatenate([cols[column] for _, _, cols, _, _ in out])

    columns = {
        L.CATEGORY: each([cat for cat, *_ in out]),
        L.UNIT: joined("unit"),
        L.ITEM: each([item.name for _, item, *_ in out]),
        L.METHOD: each([item.method for _, item, *_ in out]),
        L.MAX_POINTS: each([item.points for _, item, *_ in out], dtype=float),
        L.SCORE: np.concatenate([scores for *_, scores, _ in out]),
        L.EXPLANATION: np.concatenate([notes for *_, notes in out]),
        L.SOURCE: joined("source"),
        L.PERIOD: joined("period"),
    }
    return frame_of(columns)


# Explanations of a score of 0 (or 最低分) given for want of data, not for the data's value.
NO_DATA_KINDS = frozenset(
    (
        "rate_no_data",
        "rank_no_data",
        "rank_no_data_floor",
        "efficacy_no_data",
        "pass_no_data",
        "direct_not_entered",
    )
)


def _absent(item, inputs: pd.DataFrame, at: np.ndarray, notes, entered, issues) -> None:
    """An error per unit scored for want of data (an office's entered score excepted): the
    run says so instead of ranking on a silent 0. `at`: the item's rows of `inputs`."""
    blank = np.flatnonzero(np.isnan(entered))
    if not len(blank):
        return  # every score entered by an office (the common large case): nothing absent
    actual = pd.to_numeric(inputs["actual"].iloc[at], errors="coerce").to_numpy(dtype=float)
    for n in blank.tolist():
        note = notes[n]
        kind = getattr(note, "kind", "")
        # 按最优值比例 without a value of its own (an all-zero category is data, not absence)
        if kind in NO_DATA_KINDS or (kind.startswith("best_no_data") and np.isnan(actual[n])):
            r = inputs.iloc[at[n]]
            issues.append(
                input_issue(
                    "score_value_missing", r, unit=r["unit"], item=item.name, reason=render(note)
                )
            )


def _missing(units, with_data, inputs, rules, issues) -> pd.DataFrame:
    """A 0 row (and a warning) for each item without data of a unit that has other data."""
    catalogue = {
        c: [(i.name, i.method, i.points) for i in rules.items_for(c) if not i.is_adjustment]
        for c in L.CATEGORIES
    }
    chosen = [u for u in units if u.name in with_data and catalogue.get(u.category)]
    if not chosen:
        return pd.DataFrame(columns=list(SCORE_FRAME_COLUMNS))
    # Integer codes instead of (unit, item) tuples: the registry's units × items are 200,000
    # pairs for 10,000 units. The catalogues laid end to end; each unit points at its own.
    flat = [(c, *entry) for c, entries in catalogue.items() for entry in entries]
    start = {}
    for n, (c, *_) in enumerate(flat):
        start.setdefault(c, n)
    item_code: dict[str, int] = {}
    for _, name, _, _ in flat:
        item_code.setdefault(name, len(item_code))
    unit_code: dict[str, int] = {}
    for u in chosen:
        unit_code.setdefault(u.name, len(unit_code))
    width = len(item_code)
    have_unit = per_value(inputs["unit"], lambda n: unit_code.get(n, -1)).astype(np.int64)
    have_item = per_value(inputs["item"], lambda n: item_code.get(n, -1)).astype(np.int64)
    known = (have_unit >= 0) & (have_item >= 0)
    have = have_unit[known] * width + have_item[known]
    counts = np.array([len(catalogue[u.category]) for u in chosen], dtype=np.int64)
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    where = np.repeat(np.array([start[u.category] for u in chosen], dtype=np.int64), counts)
    where += within
    codes = np.array([item_code[name] for _, name, _, _ in flat], dtype=np.int64)
    owner = np.repeat(np.arange(len(chosen)), counts)
    pair = np.array([unit_code[u.name] for u in chosen], dtype=np.int64)[owner] * width
    gap = ~np.isin(pair + codes[where], have)
    if not gap.any():
        return pd.DataFrame(columns=list(SCORE_FRAME_COLUMNS))
    where, owner = where[gap], owner[gap]
    names = np.array([u.name for u in chosen], dtype=object)[owner]
    cats = np.array([u.category for u in chosen], dtype=object)[owner]
    items = np.array([name for _, name, _, _ in flat], dtype=object)[where]
    for u, i in zip(names.tolist(), items.tolist(), strict=True):
        issues.append(issue("score_input_missing", unit=u, item=i))
    return pd.DataFrame(
        {
            L.CATEGORY: cats,
            L.UNIT: names,
            L.ITEM: items,
            L.METHOD: np.array([method for *_, method, _ in flat], dtype=object)[where],
            L.MAX_POINTS: np.array([points for *_, points in flat], dtype=float)[where],
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


def _period_gaps(scored: pd.DataFrame, s, issues: list[Issue]) -> None:
    """A warning per (unit, item, period) missing where the unit's category was scored on
    that item in that period (an item missing in a period the unit has counts 0 there)."""
    seen = scored[[L.CATEGORY, L.ITEM, L.PERIOD, "g"]].drop_duplicates()
    units = scored[[L.UNIT, L.CATEGORY]].drop_duplicates()
    have = scored[[L.UNIT, L.ITEM, L.PERIOD]].drop_duplicates().assign(_have=True)
    cross = units.merge(seen, on=L.CATEGORY, sort=False)
    cross = cross.merge(have, on=[L.UNIT, L.ITEM, L.PERIOD], how="left", sort=False)
    gaps = cross[cross["_have"].isna()]
    how = "period_gap_zero" if s.missing_period == L.GAP_ZERO else "period_gap_mean"
    for unit, item, period, g in gaps[[L.UNIT, L.ITEM, L.PERIOD, "g"]].itertuples(index=False):
        issues.append(
            issue(
                "period_score_missing",
                unit=unit,
                item=item,
                period=period or L.PERIOD_YEAR,
                how=render(Explain(how, group=g)),
            )
        )


def half_up(values: pd.Series, decimals: int) -> pd.Series:
    """Rounded 四舍五入 as staff and Excel's ROUND do (0.125 → 0.13), not to even; the
    float noise of a sum (2.675 stored as 2.67499…) is absorbed first."""
    f = 10.0**decimals
    x = values.astype(float)
    return np.sign(x) * np.floor(np.abs(x).round(9) * f + 0.5 + 1e-9) / f


def _totals(
    rows: pd.DataFrame, rules: Rules, issues: list[Issue]
) -> tuple[pd.DataFrame, pd.Series]:
    """Σ 得分 per unit; with 期间权重, Σ over groups of weight × mean of the periods' sums."""
    s = rules.settings
    # Every score is shown per 保留小数, and the totals add up the scores as shown.
    points = half_up(pd.to_numeric(rows[L.SCORE], errors="coerce").fillna(0.0), s.decimals)
    rows = rows.assign(**{L.SCORE: points})
    if rows.empty:
        return rows, pd.Series(dtype=float)
    weights = s.period_weights
    if not weights:
        totals = rows.groupby(L.UNIT, sort=False)[L.SCORE].sum()
        return rows, half_up(totals, s.decimals)
    is_adj = rows[L.METHOD].astype(str).str.startswith((L.M_BONUS, L.M_PENALTY))
    scored = rows[~is_adj].copy()
    # Items of no particular period count in the annual group.
    scored["g"] = scored[L.PERIOD].map(period_group)
    _period_gaps(scored, s, issues)
    per_period = scored.groupby([L.UNIT, "g", L.PERIOD], sort=False)[L.SCORE].sum()
    # The periods of a group are those any unit of the category was scored in: a unit
    # without a score in one is never silently averaged away (缺期处理).
    expected = scored.groupby([L.CATEGORY, "g"], sort=False)[L.PERIOD].nunique().to_dict()
    category = dict(zip(scored[L.UNIT], scored[L.CATEGORY], strict=True))
    extra = []
    totals = {}
    for unit, groups in per_period.groupby(level=0, sort=False):
        parts, total = [], 0.0
        have = dict(tuple(groups.groupby(level=1, sort=False)))
        # A group the unit has no period of at all counts 0 under either setting.
        for g in [g for (c, g) in expected if c == category[unit] and g not in have]:
            have[g] = pd.Series(dtype=float)
        for g, values in have.items():
            count = len(values)
            full = expected.get((category[unit], g), count)
            missed = full - count
            if not count:
                v = 0.0
            elif s.missing_period == L.GAP_ZERO:
                v = float(values.sum()) / full
            else:
                v = float(values.mean())
            w = weights.get(g, 0.0)
            total += v * w / 100
            if missed:
                how = "gap_zero" if s.missing_period == L.GAP_ZERO else "gap_mean"
                parts.append(
                    Explain(
                        "weighted_term_gaps",
                        group=g,
                        value=round(v, 4),
                        count=full,
                        gaps=missed,
                        how=Explain(how),
                        weight=w,
                    )
                )
            else:
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
    return rows, half_up(out, s.decimals)


__all__ = ["SCORE_FRAME_COLUMNS", "VETO_FRAME_COLUMNS", "Scores", "score"]
