"""Benchmark: rank 10,000 units × 20 items (scores entered by offices) — target under 2 s.

Run: python3 benchmarks/bench_rank.py [units] [items]. Prints the time of each stage:
scoring (score.score: 200,000 score rows with their 计算依据 and 来源) and ranking proper
(rank.rank: totals, RANK.EQ per category and group, 进位, grades with quotas, awards).
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from targetbook import labels as L
from targetbook.rank import rank
from targetbook.registry import Registry, Unit
from targetbook.results import Consolidation
from targetbook.rules import Award, Grade, Item, Records, Rules, Settings
from targetbook.score import score


def build(n_units: int, n_items: int, seed: int = 1):
    """A registry of n_units (three categories, 10 groups), n_items 直接打分 items, scores."""
    rng = np.random.default_rng(seed)
    cats = np.array(L.CATEGORIES)[rng.integers(0, 3, n_units)]
    units = [Unit(f"单位{n:05d}", c, f"组{n % 10}") for n, c in enumerate(cats)]
    points = 100 / n_items
    items = [Item(f"项目{k:02d}", points, L.M_DIRECT) for k in range(n_items)]
    names = np.repeat([u.name for u in units], n_items)
    item_names = np.tile([i.name for i in items], n_units)
    # Scores on a 0.5 grid so that ties happen, as they do in real schemes.
    values = np.round(rng.uniform(0.5, 1.0, n_units * n_items) * points * 2) / 2
    frame = pd.DataFrame({L.UNIT: names, L.ITEM: item_names, L.SCORE: values})
    for c in (*L.SCORING_COLUMNS, *L.PROVENANCE):
        if c not in frame:
            frame[c] = None
    frame[L.SRC_FILE], frame[L.SRC_SHEET] = "打分.xlsx", L.SHEET_SCORING
    frame[L.SRC_ROW] = np.arange(2, len(frame) + 2)
    rules = Rules(
        items=items,
        grades=[Grade("优秀", share=20), Grade("良好", lower=80), Grade("一般")],
        awards=[Award("综合优胜奖", "", "", 3), Award("单项先进", "", "各项", 1)],
        settings=Settings(full_marks=None, tie_break=(items[0].name,)),
    )
    previous = pd.DataFrame(
        {
            L.UNIT: [u.name for u in units[::2]],
            "名次": rng.integers(1, n_units // 3, len(units[::2])),
        }
    )
    cons = Consolidation(registry=Registry(units))
    return cons, rules, Records(scoring=frame), previous


def main(n_units: int = 10_000, n_items: int = 20) -> float:
    """Time score + rank; print the figures; return the CPU seconds of rank (score included)."""
    cons, rules, records, previous = build(n_units, n_items)
    t0, c0 = time.perf_counter(), time.process_time()
    scored = score(cons, rules, records)
    t1, c1 = time.perf_counter(), time.process_time()
    result = rank(cons, rules, scores=records, previous=previous)
    t2, c2 = time.perf_counter(), time.process_time()
    ranked = result.ranks["名次"].notna().sum()
    print(f"units={n_units} items={n_items} score rows={len(scored.rows):,} ranked={ranked:,}")
    # CPU time as well: on a busy machine the wall clock measures the neighbours too.
    print(f"score only: {t1 - t0:.2f} s wall, {c1 - c0:.2f} s CPU")
    print(f"rank (score included): {t2 - t1:.2f} s wall, {c2 - c1:.2f} s CPU")
    return c2 - c1


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    seconds = main(*args)
    print("OK: under 2 s CPU" if seconds < 2 else "SLOW: 2 s CPU or more")
