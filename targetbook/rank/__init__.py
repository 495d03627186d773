"""Ranking: totals → competition ranks (1, 1, 3) per category and 考核组, tie-break, 进位,
否决 effects, 等次, awards, 目标达成 and 红黄绿 progress warnings.

`rank()` is pure (a Consolidation and Rules in, a Ranking out); `rank_files()` loads the
consolidated workbook, the rules, the offices' scores and last year's ranking, ranks and
writes the ranked workbook.

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
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from targetbook import labels as L
from targetbook.errors import Issue, issue
from targetbook.rank.grades import assign_grades, lower_one, pick, tie_groups
from targetbook.rank.order import competition_rank, progress_places, tie_flags
from targetbook.rank.progress import schedule, warnings
from targetbook.rules.model import Records, Rules
from targetbook.score import SCORE_FRAME_COLUMNS, VETO_FRAME_COLUMNS, Scores, score
from targetbook.text import name_key

VETO_ROW = "一票否决"


@dataclass
class Ranking:
    """The rank stage's results: the frames of the sheets 得分, 排名, 目标达成, 进度预警."""

    scores: pd.DataFrame  # labels.SCORE_COLUMNS + 期间
    ranks: pd.DataFrame  # labels.RANK_COLUMNS
    achievement: pd.DataFrame  # labels.ACHIEVEMENT_COLUMNS
    warnings: pd.DataFrame  # labels.WARNING_COLUMNS
    vetoes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=VETO_FRAME_COLUMNS))
    issues: list[Issue] = field(default_factory=list)
    year: int | None = None
    sheets: dict[str, pd.DataFrame] = field(default_factory=dict)  # copied sheets, when loaded
    out: str = ""

    def to_dict(self) -> dict:
        """The JSON document of `targetbook rank --json`."""

        def plain(v):
            v = v.item() if hasattr(v, "item") else v
            if v is None or (isinstance(v, float) and math.isnan(v)):
                return None
            return int(v) if isinstance(v, float) and v.is_integer() else v

        ranks = [
            {
                "category": r[L.CATEGORY],
                "unit": r[L.UNIT],
                "total": plain(r["总分"]),
                "rank": plain(r["名次"]),
                "tie": r["并列"] == L.YES,
                "grade": r["等次"],
                "awards": [a for a in str(r["奖项"]).split("、") if a],
                "veto": r["否决"] or None,
            }
            for r in self.ranks.to_dict("records")
        ]
        return {
            "out": self.out,
            "units": len(self.ranks),
            "ranks": ranks,
            "issues": [i.to_dict() for i in self.issues],
        }


def _records(scores) -> Records:
    if scores is None:
        return Records()
    if isinstance(scores, Records):
        return scores
    frame = scores.copy()  # a bare 考核打分 frame
    for c in (*L.SCORING_COLUMNS, *L.PROVENANCE):
        if c not in frame:
            frame[c] = None
    return Records(scoring=frame)


def rank(
    consolidation, rules: Rules, *, scores=None, previous=None, as_of: dt.date | None = None
) -> Ranking:
    """Pure: score, rank, grade, award, judge targets and warn — one Ranking."""
    sc = score(consolidation, rules, _records(scores))
    issues = list(sc.issues)
    s = rules.settings
    frame = _base(sc)
    for u in frame.loc[frame["总分"].isna(), [L.UNIT, L.CATEGORY]].itertuples(index=False):
        issues.append(issue("unit_no_scores", unit=u[0], category=u[1]))
    rows = sc.rows
    vetoed = frame["否决"] != ""
    if s.veto_effect == L.V_ZERO and vetoed.any():
        rows = _zero_rows(rows, frame[vetoed & frame["总分"].notna()])
        frame.loc[vetoed & frame["总分"].notna(), "总分"] = 0.0
    keys = ["_last", "总分"] if s.veto_effect == L.V_LAST else ["总分"]
    frame["_last"] = np.where(vetoed, 0.0, 1.0)  # 排末位: unvetoed units first
    for n, item in enumerate(s.tie_break):
        per_item = rows[rows[L.ITEM] == item].groupby(L.UNIT)["得分"].sum()
        frame[f"_tb{n}"] = frame[L.UNIT].map(per_item).fillna(0.0)
        keys.append(f"_tb{n}")
    frame.loc[frame["总分"].isna(), "_last"] = np.nan
    frame["名次"] = competition_rank(frame, [L.CATEGORY], keys if len(keys) > 1 else ["总分"])
    frame["并列"] = tie_flags(frame, [L.CATEGORY], "名次")
    grouped = frame[L.GROUP] != ""
    frame["组内名次"] = np.nan
    if grouped.any():
        sub = frame[grouped]
        ks = keys if len(keys) > 1 else ["总分"]
        frame.loc[grouped, "组内名次"] = competition_rank(sub, [L.CATEGORY, L.GROUP], ks)
    frame["上年名次"], frame["进位"] = progress_places(frame, previous)
    _grade(frame, rules, issues)
    _award(frame, rows, rules, issues)
    # Printed by category, best first; unranked units last, in registry order.
    frame["_cat"] = frame[L.CATEGORY].map({c: n for n, c in enumerate(L.CATEGORIES)})
    frame = frame.sort_values(["_cat", "名次"], na_position="last", kind="stable")
    ranks = frame[list(L.RANK_COLUMNS)].reset_index(drop=True)
    annexes = getattr(consolidation, "annexes", None) or {}
    named = {name_key(u) for f in annexes.values() if L.UNIT in f for u in f[L.UNIT]}
    mine = ranks[ranks[L.UNIT].map(name_key).isin(named)]
    own = {
        "ranks": {name_key(r[L.UNIT]): r for r in mine.to_dict("records")},
        "items": _item_ranks(rows, named),
    }
    records = rules.records + _records(scores)
    from targetbook.rank.achieve import achievement

    achieved = achievement(annexes, records, own)
    year = getattr(consolidation, "year", None)
    cats = {u.name: u.category for u in sc.units}
    progress = (getattr(consolidation, "others", None) or {}).get(L.PROGRESS_KIND)
    warned = warnings(progress, cats, s, schedule(s, year, as_of))
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
        }
    )
    frame["总分"] = frame[L.UNIT].map(sc.totals).astype(float)
    by_unit = sc.vetoes.groupby(L.UNIT, sort=False)
    items = by_unit[L.ITEM].agg(lambda x: "、".join(dict.fromkeys(v for v in x if v)) or L.YES)
    reasons = by_unit[L.REASON].agg(lambda x: "；".join(v for v in x if v))
    items, reasons = items.to_dict(), reasons.to_dict()
    frame["否决"] = [items.get(u, "") for u in frame[L.UNIT]]
    frame["否决事由"] = [reasons.get(u, "") for u in frame[L.UNIT]]
    return frame


def _zero_rows(rows: pd.DataFrame, hit: pd.DataFrame) -> pd.DataFrame:
    """Under 0分, a 一票否决 row cancels the unit's total so 得分 still adds up."""
    extra = [
        {
            L.CATEGORY: r[L.CATEGORY],
            L.UNIT: r[L.UNIT],
            L.ITEM: VETO_ROW,
            "方法": VETO_ROW,
            "满分": np.nan,
            "得分": -r["总分"],
            "计算依据": f"一票否决（{r['否决']}），总分计0分",
            "来源": "",
            L.PERIOD: "",
        }
        for r in hit.to_dict("records")
    ]
    return pd.concat([rows, pd.DataFrame(extra, columns=rows.columns)], ignore_index=True)


def _grade(frame: pd.DataFrame, rules: Rules, issues: list[Issue]) -> None:
    s = rules.settings
    frame["等次"] = ""
    vetoed = frame["否决"] != ""
    no_seat = vetoed & (s.veto_effect in (L.V_FAIL, L.V_DOWNGRADE))
    for cat in L.CATEGORIES:
        ladder = rules.grades_for(cat)
        of_cat = frame[(frame[L.CATEGORY] == cat) & frame["名次"].notna()]
        if of_cat.empty:
            continue
        n = len(of_cat)
        if ladder:
            seated = of_cat[~no_seat.loc[of_cat.index]]
            got = assign_grades(tie_groups(seated, "名次", "总分"), ladder, n, s, cat, issues)
            frame.loc[seated.index, "等次"] = seated[L.UNIT].map(got).fillna("")
        hit = of_cat[no_seat.loc[of_cat.index]]
        if hit.empty:
            continue
        if s.veto_effect == L.V_FAIL:
            frame.loc[hit.index, "等次"] = L.V_FAIL
        elif ladder:
            # 降一等: the grade its own score and place would earn, one step lower.
            would = assign_grades(tie_groups(of_cat, "名次", "总分"), ladder, n, s, cat, None)
            frame.loc[hit.index, "等次"] = [
                lower_one(would.get(u, ""), ladder) for u in hit[L.UNIT]
            ]


def _award(frame: pd.DataFrame, rows: pd.DataFrame, rules: Rules, issues: list[Issue]) -> None:
    s = rules.settings
    got: dict[str, list[str]] = {}
    sums = None  # per item and unit, computed once when an item award needs it
    eligible = frame[(frame["否决"] == "") & frame["名次"].notna()]
    for award in rules.awards:
        for cat in L.CATEGORIES if award.category == "" else (award.category,):
            cands = eligible[eligible[L.CATEGORY] == cat]
            if cands.empty:
                continue
            if not award.item:
                for u in pick(tie_groups(cands, "名次", "总分"), award, s, cat, award.name, issues):
                    got.setdefault(u, []).append(award.name)
                continue
            items = (
                [i.name for i in rules.items_for(cat) if not i.is_adjustment]
                if award.item in L.EACH_ITEM
                else [award.item]
            )
            for item in items:
                if sums is None:
                    sums = rows.groupby([L.ITEM, L.UNIT], sort=False)["得分"].sum()
                    scored_items = set(sums.index.get_level_values(0))
                if item not in scored_items:
                    continue
                per = sums.xs(item, level=0)
                per = per[per.index.isin(cands[L.UNIT]) & (per > 0)].rename("分").reset_index()
                if per.empty:
                    continue
                per["名次"] = competition_rank(per.assign(c=0), ["c"], ["分"])
                label = f"{award.name}（{item}）"
                for u in pick(tie_groups(per, "名次", "分"), award, s, cat, label, issues):
                    got.setdefault(u, []).append(label)
    frame["奖项"] = frame[L.UNIT].map(lambda u: "、".join(got.get(u, [])))


def _item_ranks(rows: pd.DataFrame, named: set[str]) -> dict[str, dict[str, float]]:
    """{item: {unit: rank of its item score within its category}} for the units `named` in
    the annexes (for 目标达成); the ranks are taken among all units of the category."""
    if not named:
        return {}
    scored = rows[~rows["方法"].astype(str).str.startswith((L.M_BONUS, L.M_PENALTY, VETO_ROW))]
    per = scored.groupby([L.ITEM, L.CATEGORY, L.UNIT], sort=False)["得分"].sum().reset_index()
    per["名次"] = per.groupby([L.ITEM, L.CATEGORY])["得分"].rank(method="min", ascending=False)
    out: dict[str, dict[str, float]] = {}
    per = per[per[L.UNIT].map(name_key).isin(named)]
    for item, unit, place in zip(per[L.ITEM], per[L.UNIT], per["名次"], strict=True):
        out.setdefault(item, {})[name_key(unit)] = place
    return out


def rank_files(
    consolidated, rules, *, scores=None, previous=None, out, as_of: dt.date | None = None
) -> Ranking:
    """Load 汇总.xlsx, the 考核细则, offices' scores and last year's ranking; rank; write."""
    from targetbook.rules import load_rules, load_scores
    from targetbook.write.consolidation import load_consolidation
    from targetbook.write.ranking import load_ranking, write_ranking

    cons = load_consolidation(consolidated)
    rule_set, issues = load_rules(rules)
    records = Records()
    if scores is not None:
        records, more = load_scores(scores)
        issues += more
    before = load_ranking(previous) if previous is not None else None
    result = rank(cons, rule_set, scores=records, previous=before, as_of=as_of)
    result.issues = issues + result.issues
    write_ranking(result, out, consolidation=cons)
    result.out = str(Path(out))
    return result


__all__ = ["Ranking", "rank", "rank_files"]
