"""Ranking: totals → competition ranks (1, 1, 3) per category and 考核组, tie-break, 进位,
否决 effects, 等次, awards, 目标达成 and 红黄绿 progress warnings.

`rank()` is pure (a Consolidation and Rules in, a Ranking out); `pipeline.rank_campaign`
loads the workbooks around it and writes the ranked one.

- 名次: within the category, on 总分 (rounded to 保留小数), descending; equal totals share
  the best rank and the next is skipped (Excel RANK.EQ: 1, 1, 3). 并列规则 items, in order,
  rank units with equal totals by their score on that item; 并列 = 是 when a rank is still
  shared. 组内名次: the same within (类别, 考核组) for units with a 考核组.
- 进位 = 上年名次 − 名次 (positive = moved up), matched by unit name; blank for units
  new this year or unranked.
- A unit without any score or 加扣分 record is not ranked (`unit_no_scores`); it
  takes no 名额 and the share-based quotas count only ranked units.
- 否决 effects, 等次 quotas and the quota-inside-a-tie rule: see `targetbook.rules` and
  `targetbook.rank.grades`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from targetbook import labels as L
from targetbook.errors import Issue, issue
from targetbook.explain import Explain, render
from targetbook.rank.achieve import achievement
from targetbook.rank.grades import (
    assign_grades,
    lower_one,
    pick,
    seats,
    split_town,
    tie_groups,
    tie_groups_of,
)
from targetbook.rank.order import competition_rank, progress_places, tie_flags
from targetbook.rank.progress import schedule, warnings
from targetbook.results import Consolidation, Ranking, Scores
from targetbook.rules.model import Grade, Records, Rules
from targetbook.rules.sheets import key
from targetbook.score import SCORE_FRAME_COLUMNS, score
from targetbook.text import name_key

VETO_ROW = L.VETO_ROW


def rank(
    consolidation: Consolidation,
    rules: Rules,
    *,
    scores: Records | None = None,
    previous: pd.DataFrame | None = None,
    as_of: dt.date | None = None,
) -> Ranking:
    """Pure: score, rank, grade, award, judge targets and warn — one Ranking.

    `scores` are the offices' records; `previous` is last year's 排名 frame (Ranking.ranks)."""
    records = scores if scores is not None else Records()
    sc = score(consolidation, rules, records)
    issues = list(sc.issues)
    s = rules.settings
    frame = _base(sc)
    for u in frame.loc[frame[L.TOTAL].isna(), [L.UNIT, L.CATEGORY]].itertuples(index=False):
        issues.append(issue("unit_no_scores", unit=u[0], category=u[1]))
    # Never a blank row: an unranked unit says so, and why.
    missing = {name_key(u) for u in consolidation.missing_units}
    reason = {True: L.UNRANKED_NO_RETURN, False: L.UNRANKED_NO_DATA}
    frame[L.NOTE] = [
        "" if not np.isnan(t) else L.UNRANKED_NOTE.format(reason=reason[name_key(u) in missing])
        for u, t in zip(frame[L.UNIT], frame[L.TOTAL], strict=True)
    ]
    rows = sc.rows
    frame["_effect"] = _effects(sc.vetoes, frame[L.UNIT], s)
    effect = frame["_effect"]
    scored = frame[L.TOTAL].notna()
    frame.loc[(effect != "") & scored, L.NOTE] = [
        L.VETO_NOTE.format(effect=e) for e in effect[(effect != "") & scored]
    ]
    zero = (effect == L.V_ZERO) & scored
    if zero.any():
        rows = _zero_rows(rows, frame[zero])
        frame.loc[zero, L.TOTAL] = 0.0
    last = effect == L.V_LAST
    frame["_last"] = np.where(last, 0.0, 1.0)  # 排末位: unvetoed units first
    keys = [L.TOTAL]
    for n, item in enumerate(s.tie_break):
        per_item = rows[rows[L.ITEM] == item].groupby(L.UNIT)[L.SCORE].sum()
        frame[f"_tb{n}"] = frame[L.UNIT].map(per_item).fillna(0.0)
        keys.append(f"_tb{n}")
    frame.loc[frame[L.TOTAL].isna(), "_last"] = np.nan
    # Grades follow a unit's own score (排末位 moves the place, not the score).
    frame["_score_place"] = competition_rank(frame, [L.CATEGORY], keys)
    if last.any():
        keys = ["_last", *keys]
    frame[L.PLACE] = competition_rank(frame, [L.CATEGORY], keys)
    frame[L.TIED] = tie_flags(frame, [L.CATEGORY], L.PLACE)
    grouped = frame[L.GROUP] != ""
    frame[L.GROUP_PLACE] = np.nan
    if grouped.any():
        sub = frame[grouped]
        ks = keys if len(keys) > 1 else [L.TOTAL]
        frame.loc[grouped, L.GROUP_PLACE] = competition_rank(sub, [L.CATEGORY, L.GROUP], ks)
    frame[L.LAST_PLACE], frame[L.RISE] = progress_places(frame, previous)
    _grade(frame, rules, issues)
    _award(frame, rows, rules, issues, sc.vetoes)
    # Printed by category, best first; unranked units last, in registry order.
    frame["_cat"] = frame[L.CATEGORY].map({c: n for n, c in enumerate(L.CATEGORIES)})
    frame = frame.sort_values(["_cat", L.PLACE], na_position="last", kind="stable")
    ranks = frame[list(L.RANK_COLUMNS)].reset_index(drop=True)
    annexes = consolidation.annexes
    named = {name_key(u) for f in annexes.values() if L.UNIT in f for u in f[L.UNIT]}
    mine = ranks[ranks[L.UNIT].map(name_key).isin(named)] if named else ranks.iloc[:0]
    own = {
        "ranks": {name_key(r[L.UNIT]): r for r in mine.to_dict("records")},
        "items": _item_ranks(rows, named),
    }
    records = rules.records + records

    achieved = achievement(annexes, records, own)
    year = consolidation.year
    cats = {u.name: u.category for u in sc.units}
    progress = consolidation.others.get(L.PROGRESS_KIND)
    lower = {(i.category, key(i.key)) for i in rules.items if i.lower_is_better}
    plans = {(i.category, key(i.key)): i.schedule for i in rules.items if i.schedule is not None}
    warned = warnings(progress, cats, s, schedule(s, year, as_of), lower, plans)
    return Ranking(
        rows[list(SCORE_FRAME_COLUMNS)], ranks, achieved, warned, sc.vetoes, issues, year
    )


def _base(sc: Scores) -> pd.DataFrame:
    """One row per unit in registry order, with its total and vetoes."""
    units = sc.units
    frame = pd.DataFrame(
        {
            L.CATEGORY: [u.category for u in units],
            L.GROUP: [u.group for u in units],
            L.UNIT: [u.name for u in units],
        },
        dtype=object,  # not pandas' `str`: these columns are looked up, not processed as text
    )
    frame[L.TOTAL] = frame[L.UNIT].map(sc.totals).astype(float)
    by_unit = sc.vetoes.groupby(L.UNIT, sort=False)
    items = by_unit[L.ITEM].agg(
        lambda x: L.LIST_SEP.join(dict.fromkeys(v for v in x if v)) or L.YES
    )
    reasons = by_unit[L.REASON].agg(lambda x: L.CLAUSE_SEP.join(v for v in x if v))
    items, reasons = items.to_dict(), reasons.to_dict()
    names = frame[L.UNIT].to_numpy(dtype=object)
    frame[L.VETO] = pd.Series([items.get(u, "") for u in names], dtype=object)
    frame[L.VETO_REASON] = pd.Series([reasons.get(u, "") for u in names], dtype=object)
    return frame


def _zero_rows(rows: pd.DataFrame, hit: pd.DataFrame) -> pd.DataFrame:
    """Under 0分, a 一票否决 row cancels the unit's total so 得分 still adds up."""
    extra = [
        {
            L.CATEGORY: r[L.CATEGORY],
            L.UNIT: r[L.UNIT],
            L.ITEM: VETO_ROW,
            L.METHOD: VETO_ROW,
            L.MAX_POINTS: np.nan,
            L.SCORE: -r[L.TOTAL],
            L.EXPLANATION: render(Explain("veto_zero", items=r[L.VETO])),
            L.SOURCE: "",
            L.PERIOD: "",
        }
        for r in hit.to_dict("records")
    ]
    return pd.concat([rows, pd.DataFrame(extra, columns=rows.columns)], ignore_index=True)


def _effects(vetoes: pd.DataFrame, units: pd.Series, s) -> pd.Series:
    """Each unit's veto effect: the strongest of its veto items' (设置 否决效果 per item,
    else the default); "" when not vetoed."""
    rank_of = {e: n for n, e in enumerate(L.VETO_SEVERITY)}
    strongest: dict[str, str] = {}
    for unit, item in zip(vetoes[L.UNIT], vetoes[L.ITEM], strict=True):
        e = s.veto_effects.get(key(item), s.veto_effect)
        if unit not in strongest or rank_of[e] < rank_of[strongest[unit]]:
            strongest[unit] = e
    return units.map(lambda u: strongest.get(u, "")).astype(object)


def _grade(frame: pd.DataFrame, rules: Rules, issues: list[Issue]) -> None:
    """等次 on each unit's own score (`_score_place`), per its veto effect (README's table):
    不合格 → 不合格, no seat; 降一等 → one below what it would earn, no seat; 不得评先评优
    and 排末位 → the best grade its score earns below the top one, taking a seat of it."""
    s = rules.settings
    frame[L.GRADE] = ""
    effect = frame["_effect"]
    no_seat = effect.isin((L.V_FAIL, L.V_DOWNGRADE))
    barred = set(frame.loc[effect.isin((L.V_LAST, L.V_NO_HONOURS_GRADE)), L.UNIT])
    place = "_score_place"
    town = _town_seats(frame, rules, issues)
    for cat in L.CATEGORIES:
        ladder = [
            Grade(g.name, g.category, g.lower, town[g.name].get(cat, 0), None, g.row)
            if g.name in town
            else g
            for g in rules.grades_for(cat)
        ]
        of_cat = frame[(frame[L.CATEGORY] == cat) & frame[L.PLACE].notna()]
        if of_cat.empty:
            continue
        n = len(of_cat)
        if ladder:
            seated = of_cat[~no_seat.loc[of_cat.index]]
            got = assign_grades(
                tie_groups(seated, place, L.TOTAL), ladder, n, s, cat, issues, barred
            )
            frame.loc[seated.index, L.GRADE] = seated[L.UNIT].map(got).fillna("")
        hit = of_cat[no_seat.loc[of_cat.index]]
        if hit.empty:
            continue
        failed = hit[effect.loc[hit.index] == L.V_FAIL]
        frame.loc[failed.index, L.GRADE] = L.V_FAIL
        lowered = hit[effect.loc[hit.index] == L.V_DOWNGRADE]
        if ladder and not lowered.empty:
            # 降一等: the grade its own score and place would earn, one step lower.
            would = assign_grades(tie_groups(of_cat, place, L.TOTAL), ladder, n, s, cat, None)
            frame.loc[lowered.index, L.GRADE] = [
                lower_one(would.get(u, ""), ladder) for u in lowered[L.UNIT]
            ]


def _town_seats(frame: pd.DataFrame, rules: Rules, issues: list[Issue]) -> dict:
    """{grade name: {category: seats}} for 全镇 grades (those of the all-category ladder)."""
    ranked = frame[frame[L.PLACE].notna()]
    counts = {c: int((ranked[L.CATEGORY] == c).sum()) for c in L.CATEGORIES}
    counts = {c: n for c, n in counts.items() if n}
    out = {}
    for g in rules.grades:
        if g.town and seats(sum(counts.values()), g, rules.settings) is not None:
            out[g.name] = split_town(g, counts, rules.settings, issues)
    return out


def _barred_awards(vetoes: pd.DataFrame, s) -> dict[str, set[str]]:
    """{vetoed unit: keys of the awards its vetoes bar; an empty set = every award}."""
    out: dict[str, set[str] | None] = {}
    for unit, item in zip(vetoes[L.UNIT], vetoes[L.ITEM], strict=True):
        scope = s.veto_scopes.get(key(item), s.veto_scope)
        if not scope or out.get(unit, set()) is None:
            out[unit] = None  # every award
        else:
            out.setdefault(unit, set()).update(key(a) for a in scope)
    return {u: (set() if v is None else v) for u, v in out.items()}


def _award(
    frame: pd.DataFrame, rows: pd.DataFrame, rules: Rules, issues: list[Issue], vetoes
) -> None:
    s = rules.settings
    got: dict[str, list[str]] = {}
    # per item and unit, computed once per set of eligible units (a veto may bar one award
    # and not another: each award ranks its own eligible units)
    sums_for: dict[tuple[str, ...], dict] = {}
    ranked = frame[frame[L.PLACE].notna()]
    bars = _barred_awards(vetoes, s)
    for award in rules.awards:
        # A veto bars every award, or only those 否决范围 names (seed 003: the overall one).
        name = key(award.name)
        out = ranked[L.UNIT].map(
            lambda u, name=name: u in bars and (not bars[u] or name in bars[u])
        )
        eligible = ranked[~out.astype(bool)]
        who = tuple(eligible[L.UNIT].tolist())
        for cat in L.CATEGORIES if award.category == "" else (award.category,):
            cands = eligible[eligible[L.CATEGORY] == cat]
            if cands.empty:
                continue
            if not award.item:
                for u in pick(
                    tie_groups(cands, L.PLACE, L.TOTAL), award, s, cat, award.name, issues
                ):
                    got.setdefault(u, []).append(award.name)
                continue
            items = (
                [i.name for i in rules.items_for(cat) if not i.is_adjustment]
                if award.item in L.EACH_ITEM
                else [award.item]
            )
            for item in items:
                if who not in sums_for:
                    sums_for[who] = _item_sums(rows, eligible[L.UNIT].to_numpy(dtype=object))
                per = sums_for[who].get((cat, item))
                if per is None:
                    continue
                # RANK.EQ on the item's score; a tie group ranked below the quota cannot
                # take a seat (the seats above it are full), so only the top is grouped.
                units, points = per
                place = _min_ranks(points)
                top = np.flatnonzero(place <= award.quota)
                top = top[np.argsort(place[top], kind="stable")]
                groups = tie_groups_of(units[top], place[top], points[top])
                label = L.AWARD_ON_ITEM.format(award=award.name, item=item)
                for u in pick(groups, award, s, cat, label, issues):
                    got.setdefault(u, []).append(label)
    frame[L.AWARD] = frame[L.UNIT].map(lambda u: L.LIST_SEP.join(got.get(u, [])))


def _min_ranks(values: np.ndarray) -> np.ndarray:
    """RANK.EQ, descending (pandas' rank(method="min", ascending=False)) of numbers without
    NaN, as floats: 1 + how many values are greater."""
    order = np.argsort(-values, kind="stable")
    ordered = values[order]
    n = np.arange(len(values))
    starts = np.r_[True, ordered[1:] != ordered[:-1]] if len(values) else np.zeros(0, bool)
    out = np.empty(len(values), dtype=float)
    out[order] = np.maximum.accumulate(np.where(starts, n, 0)) + 1.0
    return out


def _item_sums(rows: pd.DataFrame, eligible: np.ndarray) -> dict[tuple, tuple]:
    """{(类别, item): (单位, 得分 summed over periods)}: eligible units, positive scores."""
    # Integer codes and one bincount instead of a groupby on three text columns.
    cat_c, cats = pd.factorize(rows[L.CATEGORY].to_numpy(dtype=object))
    item_c, items = pd.factorize(rows[L.ITEM].to_numpy(dtype=object))
    unit_c, units = pd.factorize(rows[L.UNIT].to_numpy(dtype=object))
    mask = pd.Series(units, dtype=object).isin(eligible).to_numpy()[unit_c]
    mask &= (cat_c >= 0) & (item_c >= 0)
    key = (cat_c[mask].astype(np.int64) * len(items) + item_c[mask]) * len(units) + unit_c[mask]
    score = rows[L.SCORE].to_numpy(dtype=float)[mask]
    # Sorted distinct keys and each row's place among them (np.unique's answer, by one
    # stable argsort: under numpy 2.4 np.unique of 200,000 keys takes ~15× a sort).
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]] if len(ordered) else np.zeros(0, bool)
    keys = ordered[first]
    back = np.empty(len(key), dtype=np.int64)
    back[order] = np.cumsum(first) - 1
    sums = np.bincount(back, weights=np.nan_to_num(score), minlength=len(keys))
    positive = sums > 0
    keys, sums = keys[positive], sums[positive]
    group, unit = np.divmod(keys, len(units))
    out: dict[tuple, pd.DataFrame] = {}
    bounds = np.flatnonzero(np.diff(group)) + 1
    for part in np.split(np.arange(len(keys)), bounds) if len(keys) else []:
        cat, item = divmod(int(group[part[0]]), len(items))
        out[(cats[cat], items[item])] = (np.asarray(units[unit[part]], dtype=object), sums[part])
    return out


def _item_ranks(rows: pd.DataFrame, named: set[str]) -> dict[str, dict[str, float]]:
    """{item: {unit: rank of its item score within its category}} for the units `named` in
    the annexes (for 目标达成); the ranks are taken among all units of the category."""
    if not named:
        return {}
    scored = rows[~rows[L.METHOD].astype(str).str.startswith((L.M_BONUS, L.M_PENALTY, VETO_ROW))]
    per = scored.groupby([L.ITEM, L.CATEGORY, L.UNIT], sort=False)[L.SCORE].sum().reset_index()
    per[L.PLACE] = per.groupby([L.ITEM, L.CATEGORY])[L.SCORE].rank(method="min", ascending=False)
    out: dict[str, dict[str, float]] = {}
    per = per[per[L.UNIT].map(name_key).isin(named)]
    for item, unit, place in zip(per[L.ITEM], per[L.UNIT], per[L.PLACE], strict=True):
        out.setdefault(item, {})[name_key(unit)] = place
    return out


__all__ = ["Ranking", "rank"]
