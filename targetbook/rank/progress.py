"""红黄绿 progress warnings: completion against elapsed time (序时进度)."""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import pandas as pd

from targetbook import labels as L
from targetbook.rules.model import Settings
from targetbook.rules.sheets import text
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
    progress: pd.DataFrame | None, categories: dict[str, str], settings: Settings, elapsed: float
) -> pd.DataFrame:
    """One row per 指标进度 row: its rate, 序时进度, points behind, and the light."""
    columns = list(L.WARNING_COLUMNS)
    if progress is None or progress.empty or L.UNIT not in progress:
        return pd.DataFrame(columns=columns)
    target, actual = _numbers(progress, L.TARGET_VALUE), _numbers(progress, L.ACTUAL_VALUE)
    with np.errstate(divide="ignore", invalid="ignore"):
        computed = (actual * 100 / target.where(target != 0)).round(9)
    rate = computed.where(computed.notna(), _numbers(progress, L.RATE)).round(2)
    gap = (elapsed - rate).round(2)
    light = np.select(
        [rate.isna(), gap > settings.red, gap >= settings.yellow],
        [L.NO_DATA, L.LIGHT_RED, L.LIGHT_YELLOW],
        default=L.LIGHT_GREEN,
    )
    units = progress[L.UNIT].map(text)
    cat = progress[L.CATEGORY].map(text) if L.CATEGORY in progress else units.map(categories)
    cat = cat.where(cat.astype(bool), units.map(categories)).fillna("")
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
            L.SCHEDULE: round(elapsed, 2),
            L.GAP: gap.to_numpy(),
            L.LIGHT: light,
            L.SOURCE: sources,
        },
        columns=columns,
    )
