"""Sniff and read any return; find the annex header; keep provenance. (CONTRACT — being built)"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from targetbook.errors import Issue


@dataclass
class Table:
    """One annex table found in one sheet of a return.

    `frame` has the canonical labels present (labels.KIND_COLUMNS order) as columns and
    the Excel row number (1-based int) as index. Values are the raw cell values
    (str | int | float | bool | datetime | None); merged cells are already filled; blank
    and 合计/小计/备注 rows are already dropped (each with a warning Issue).
    """

    file: str  # the path as displayed (as given on the command line, or relative to the folder)
    sheet: str
    kind: str  # labels.PLAN_KIND | PROGRESS_KIND | BENCHMARK_KIND | FEATURE_KIND
    header_row: int  # Excel row of the (last) header row
    columns: dict[str, str]  # canonical label -> column letter, e.g. {"单位": "B"}
    frame: pd.DataFrame

    def cell(self, label: str, row: int) -> str:
        """A1 address of `label`'s cell in Excel row `row`."""
        return f"{self.columns[label]}{row}"


@dataclass
class Source:
    """One input file and what was read from it."""

    file: str  # as displayed
    path: str  # absolute path
    sha256: str = ""
    size: int = 0
    modified: datetime | None = None  # the workbook's own saved time (docProps), else mtime
    status: str = "ok"  # "ok" | "error" (unreadable file)
    tables: list[Table] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def find_returns(paths: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """Expand files and folders (recursively) into (path, display name); skip `~$*` lock files."""
    raise NotImplementedError


def read_return(path: str | Path, display: str | None = None) -> Source:
    """Read one return in this process (no isolation)."""
    raise NotImplementedError


def read_returns(
    paths: Iterable[str | Path],
    *,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Source]:
    """Read many returns in worker processes; a crashing or hostile file becomes an Issue."""
    raise NotImplementedError
