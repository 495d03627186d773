"""Returns → Consolidation. (CONTRACT — being built)"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from targetbook.errors import Issue
from targetbook.read import Source
from targetbook.registry import Registry


@dataclass
class Duplicate:
    """One unit reported in several files; `kept` is the newest."""

    unit: str
    files: list[str]
    kept: str


@dataclass
class Consolidation:
    """Everything the consolidate stage produced, in memory (written by write.py)."""

    registry: Registry | None
    year: int | None = None
    # category → plan rows in registry order: 序号 单位 创先争优目标 亮点工作计划 + PROVENANCE
    annexes: dict[str, pd.DataFrame] = field(default_factory=dict)
    # kind → rows (labels.PROGRESS_KIND / BENCHMARK_KIND / FEATURE_KIND), with 类别 and PROVENANCE
    others: dict[str, pd.DataFrame] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    missing_units: list[str] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Data rows kept in the output."""
        return sum(len(f) for f in self.annexes.values()) + sum(len(f) for f in self.others.values())

    def to_json(self, out: str | None = None) -> dict:
        """The JSON document of DESIGN.md (validate / consolidate --json)."""
        raise NotImplementedError


def consolidate(
    sources: list[Source], registry: Registry | None, *, year: int | None = None
) -> Consolidation:
    """Pure: validated tables of many sources → one Consolidation (dedup, 未报送, order)."""
    raise NotImplementedError
