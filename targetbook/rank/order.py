"""Competition ranking (Excel RANK.EQ: 1, 1, 3), tie-break keys, groups and 进位."""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

from targetbook import labels as L
from targetbook.rules.sheets import text
from targetbook.targets.patterns import PLACE_CELL_RX
from targetbook.text import cn_number, name_key


def competition_rank(frame: pd.DataFrame, by: list[str], keys: list[str]) -> pd.Series:
    """Rank within `by` groups on `keys` (all descending, first decides): equal keys share the
    best rank and the next rank is skipped, as Excel's RANK.EQ does. Rows with a NaN first
    key are not ranked (NaN)."""
    out = pd.Series(np.nan, index=frame.index)
    valid = frame[frame[keys[0]].notna()]
    if valid.empty:
        return out
    if len(keys) == 1:
        # The common case in one vectorised call (what the benchmark measures).
        ranks = valid.groupby(by, sort=False)[keys[0]].rank(method="min", ascending=False)
        out.loc[ranks.index] = ranks
        return out
    ordered = valid.sort_values(
        [*by, *keys], ascending=[True] * len(by) + [False] * len(keys), kind="stable"
    )
    position = ordered.groupby(by, sort=False).cumcount() + 1
    cols = ordered[[*by, *keys]]
    new = (cols != cols.shift()).any(axis=1)
    rank = position.where(new).ffill()
    out.loc[rank.index] = rank
    return out


def tie_flags(frame: pd.DataFrame, by: list[str], rank: str) -> pd.Series:
    """是 where another unit of the same group shares the rank."""
    ranked = frame[rank].notna()
    size = frame[ranked].groupby([*by, rank], sort=False)[rank].transform("size")
    flags = pd.Series("", index=frame.index, dtype=object)
    flags.loc[size[size > 1].index] = L.YES
    return flags


def previous_ranks(frame: pd.DataFrame | None) -> dict[str, float]:
    """{unit key: last year's 名次} from a frame with 单位 and 名次 columns (Ranking.ranks)."""
    if frame is None or len(frame) == 0 or L.UNIT not in frame or L.PLACE not in frame:
        return {}
    places = place_numbers(frame[L.PLACE])
    names = frame[L.UNIT].to_numpy(dtype=object)
    return {
        name_key(u): float(p)
        for u, p in zip(names, places, strict=True)
        if not np.isnan(p) and text(u)
    }


def place_numbers(values: pd.Series) -> np.ndarray:
    """名次 cells → numbers; a hand-made ranking may say 第3名 / 并列第1名 / 第一名."""
    places = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, copy=True)
    raw = values.to_numpy(dtype=object)
    for n in np.flatnonzero(np.isnan(places)):
        found = PLACE_CELL_RX.search(unicodedata.normalize("NFKC", text(raw[n])))
        number = cn_number(found.group(1)) if found else None
        if number is not None:
            places[n] = number
    return places


def progress_places(
    frame: pd.DataFrame, previous: pd.DataFrame | None
) -> tuple[pd.Series, pd.Series]:
    """(上年名次, 进位 = 上年名次 − 名次); blank for units new this year or unranked."""
    last = previous_ranks(previous)
    before = pd.Series(
        [last.get(name_key(u), np.nan) for u in frame[L.UNIT].to_numpy(dtype=object)],
        index=frame.index,
        dtype=float,
    )
    moved = before - frame[L.PLACE].astype(float)
    return before, moved
