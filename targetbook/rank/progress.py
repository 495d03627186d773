"""红黄绿 progress warnings: completion against elapsed time (序时进度)."""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import pandas as pd

from targetbook import labels as L
from targetbook.rules.model import Settings
from targetbook.rules.sheets import NotANumber, key, number, text
from targetbook.score.inputs import source_of


def schedule(settings: Settings, year: int | None, as_of: dt.date | None) -> float:
    """序时进度 in %: the 设置 value, else the share of `year` elapsed on `as_of` (100 if none)."""
    if settings.schedule is not None:
        return settings.schedule
    if as_of is None:
        return 100.0
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    year = year or as_of.year
    days = 366 if calendar.isleap(year) else 365
    elapsed = (as_of - dt.date(year, 1, 1)).days + 1
    return float(min(max(elapsed / days * 100, 0.0), 100.0))


def _numbers(frame: pd.DataFrame, column: str) -> pd.Series:
    values = frame.get(L.parsed(column), frame.get(column))
    if values is None:
        return pd.Series(np.nan, index=frame.index)
    return pd.to_numeric(values, errors="coerce").astype(float)


def warnings(
    progress: pd.DataFrame | None,
    categories: dict[str, str],
    settings: Settings,
    elapsed: float,
    lower: set[tuple[str, str]] = frozenset(),
    schedules: dict[tuple[str, str], float] | None = None,
) -> pd.DataFrame:
    """One row per 指标进度 row: its rate, 序时进度, points behind, and the light.

    A 越小越好 row (its 指标 is a 越小越好 item's, `lower` holds (类别, key(指标)) pairs with
    类别 "" for every category, or the row's own 方向 cell says so) is a ceiling, not a plan
    spread over the year: at or under its 目标值 it is green; over it, its rate is
    目标值 ÷ 完成值 and the gap is 100 − rate (序时进度 does not apply).

    序时进度 per row: the row's own 序时进度 cell, else its item's (`schedules`, keyed like
    `lower`: a seasonal plan), else the run-wide `elapsed`."""
    columns = list(L.WARNING_COLUMNS)
    if progress is None or progress.empty or L.UNIT not in progress:
        return pd.DataFrame(columns=columns)
    target, actual = _numbers(progress, L.TARGET_VALUE), _numbers(progress, L.ACTUAL_VALUE)
    units = progress[L.UNIT].map(text)
    cat = progress[L.CATEGORY].map(text) if L.CATEGORY in progress else units.map(categories)
    cat = cat.where(cat.astype(bool), units.map(categories)).fillna("")
    is_lower = _lower_rows(progress, cat, lower)
    with np.errstate(divide="ignore", invalid="ignore"):
        computed = (actual * 100 / target.where(target != 0)).round(9)
        inverse = (target * 100 / actual.where(actual != 0)).round(9)
    # A ceiling met (完成值 ≤ 目标值, 0 included) reads as 100%: on target, green.
    met = is_lower & (actual <= target)
    computed = computed.where(~is_lower, inverse.where(~met, 100.0))
    rate = computed.where(computed.notna(), _numbers(progress, L.RATE)).round(2)
    due = _due(progress, cat, elapsed, schedules or {}).where(~is_lower, 100.0)
    gap = (due - rate).round(2)
    light = np.select(
        [rate.isna(), gap > settings.red, gap >= settings.yellow],
        [L.NO_DATA, L.LIGHT_RED, L.LIGHT_YELLOW],
        default=L.LIGHT_GREEN,
    )
    blank = pd.Series("", index=progress.index, dtype=object)
    sources = [
        source_of(f, s, r)
        for f, s, r in zip(
            progress.get(L.SRC_FILE, blank),
            progress.get(L.SRC_SHEET, blank),
            progress.get(L.SRC_ROW, blank),
            strict=True,
        )
    ]
    return pd.DataFrame(
        {
            L.CATEGORY: cat.to_numpy(),
            L.UNIT: units.to_numpy(),
            L.INDICATOR: progress.get(L.INDICATOR, blank).map(text).to_numpy(),
            L.TARGET_VALUE: progress.get(L.TARGET_VALUE, target).map(text).to_numpy(),
            L.ACTUAL_VALUE: progress.get(L.ACTUAL_VALUE, actual).map(text).to_numpy(),
            L.RATE: rate.to_numpy(),
            L.SCHEDULE: due.round(2).to_numpy(),
            L.GAP: gap.to_numpy(),
            L.LIGHT: light,
            L.SOURCE: sources,
        },
        columns=columns,
    )


def _lower_rows(progress: pd.DataFrame, cat: pd.Series, lower) -> pd.Series:
    """Rows of a 越小越好 indicator: by the row's 方向 cell, else by the item's 方向."""
    own = progress.get(L.DIRECTION)
    by_cell = (
        own.map(key).isin(L.LOWER_IS_BETTER_WORDS)
        if own is not None
        else pd.Series(False, index=progress.index)
    )
    if not lower or L.INDICATOR not in progress:
        return by_cell
    names = progress[L.INDICATOR].map(key)
    by_item = pd.Series(
        [(c, n) in lower or ("", n) in lower for c, n in zip(cat, names, strict=True)],
        index=progress.index,
    )
    return by_cell | by_item


def _due(progress: pd.DataFrame, cat: pd.Series, elapsed: float, schedules) -> pd.Series:
    """The 序时进度 of each row (see `warnings`)."""
    due = pd.Series(float(elapsed), index=progress.index)
    if schedules and L.INDICATOR in progress:
        names = progress[L.INDICATOR].map(key)
        per_item = [
            schedules.get((c, n), schedules.get(("", n), np.nan))
            for c, n in zip(cat, names, strict=True)
        ]
        due = pd.Series(per_item, index=progress.index, dtype=float).fillna(due)
    if L.SCHEDULE in progress:
        own = pd.Series(
            [_percent(v) for v in progress[L.SCHEDULE]], index=progress.index, dtype=float
        )
        due = own.fillna(due)
    return due


def _percent(value) -> float:
    """`75%`, `75`, 0.75 (a percent cell) → 75; blank or unreadable → NaN."""
    try:
        v = number(value, percent=True)
    except NotANumber:
        return np.nan
    if v is None:
        return np.nan
    return v * 100 if 0 < abs(v) <= 1 and not text(value).endswith("%") else v
