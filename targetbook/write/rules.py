"""The 考核细则 and 考核打分 workbooks: read through read_grids, parsed by rules.load."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from targetbook.errors import Issue, TargetbookError
from targetbook.read import read_grids
from targetbook.rules.load import records_from_frames, rules_from_frames
from targetbook.rules.model import Records, Rules


def read_frames(path: str | Path) -> dict[str, pd.DataFrame]:
    """Every sheet of a workbook, raw (header=None); a fatal TargetbookError if unreadable."""
    if not Path(path).exists():
        raise TargetbookError("rules_file_missing", path=path)
    return read_grids(path)


def cited(path: str | Path) -> str:
    """How a rules/scores file is cited in 来源 and issues: a relative path as given (as typed
    on the command line), an absolute one by its file name — so outputs never depend on
    where the campaign folder lives."""
    p = Path(path)
    return p.name if p.is_absolute() else str(path)


def load_rules(path: str | Path, *, file: str | None = None) -> tuple[Rules, list[Issue]]:
    """Load a 考核细则 workbook (sheets 考核项目, 设置, 等次, 奖项, 加扣分, 否决, 考核打分)."""
    return rules_from_frames(read_frames(path), file=cited(path) if file is None else file)


def load_scores(path: str | Path, *, file: str | None = None) -> tuple[Records, list[Issue]]:
    """Load offices' records (sheets 考核打分 / 加扣分 / 否决 / 外部结果) from a workbook."""
    return records_from_frames(read_frames(path), file=cited(path) if file is None else file)
