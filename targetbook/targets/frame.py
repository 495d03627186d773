"""parse_targets_frame: an annex frame (单位, 创先争优目标, provenance) → one row per target."""

from __future__ import annotations

import pandas as pd

from targetbook import labels as L
from targetbook.targets.model import TARGET_FIELDS
from targetbook.targets.parse import parse_target

TARGET_NO = "target_no"  # 1-based position of the target within its cell
FRAME_COLUMNS = (TARGET_NO, *TARGET_FIELDS)


def parse_targets_frame(frame: pd.DataFrame, column: str = L.TARGET) -> pd.DataFrame:
    """Each row's `column` parsed: the row's other columns repeated, plus the Target fields.

    A blank cell gives no rows. The result has a fresh RangeIndex; guarantee / strive are
    nullable integers, value a float (NaN when absent).
    """
    keep = [c for c in frame.columns if c not in FRAME_COLUMNS]
    records = []
    for row in frame[keep].to_dict("records"):
        for no, target in enumerate(parse_target(row.get(column)), start=1):
            records.append({**row, TARGET_NO: no, **target.to_dict()})
    out = pd.DataFrame.from_records(records, columns=[*keep, *FRAME_COLUMNS])
    out[TARGET_NO] = out[TARGET_NO].astype("int64")
    for name in ("guarantee", "strive"):
        out[name] = pd.array(out[name].tolist(), dtype="Int64")
    out["value"] = pd.to_numeric(out["value"].astype(object), errors="coerce").astype("float64")
    return out
