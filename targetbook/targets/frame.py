"""parse_targets_frame: an annex frame (单位, 创先争优目标, provenance) → one row per target."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from targetbook import labels as L
from targetbook.errors import Issue, issue
from targetbook.targets.model import MANUAL, TARGET_FIELDS
from targetbook.targets.parse import parse_target
from targetbook.text import clean_text

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


def manual_issues(
    parsed: pd.DataFrame, column_of: Callable[[str, str], str] | None = None
) -> list[Issue]:
    """A `target_manual` warning per manual target of a parse_targets_frame result.

    `column_of(file, sheet)` gives the letter of the 创先争优目标 column in that return, so
    the warning points at its cell (`附件2!C7`); without it the warning names the sheet only.
    """
    out = []
    for row in parsed.loc[parsed["kind"] == MANUAL].to_dict("records"):
        file, sheet = clean_text(row.get(L.SRC_FILE)), clean_text(row.get(L.SRC_SHEET))
        line = row.get(L.SRC_ROW)
        letter = column_of(file, sheet) if column_of else ""
        cell = f"{letter}{int(line)}" if letter and clean_text(line) else ""
        out.append(
            issue(
                "target_manual",
                file=file,
                sheet=sheet,
                cell=cell,
                value=row["text"],
                unit=clean_text(row.get(L.UNIT)),
            )
        )
    return out
