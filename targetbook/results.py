"""The typed results the stages hand on: Consolidation, Scores, Ranking, and the Campaign.

Plain dataclasses on the ground floor, so that stages, writers, the pipeline and the doors
share them without importing one another.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from targetbook import labels as L
from targetbook.errors import Issue

if TYPE_CHECKING:
    import pandas as pd

    from targetbook.read import Source
    from targetbook.registry import Registry, Unit

# Plan rows whose unit is unknown or blank are kept here (never printed in the annexes).
UNMATCHED_COLUMNS = (L.SEQ, L.UNIT, L.TARGET, L.PLAN, *L.PROVENANCE)


@dataclass
class Campaign:
    """The campaign's parameters (参数), set once and carried 汇总 → 排名 → 通报.

    `extra` holds the other 参数 rows (落款, 备注 …) by their label."""

    town: str = ""  # 乡镇
    year: int | None = None  # 年度
    issuer: str = ""  # 发文机关
    number: str = ""  # 文号
    date: str = ""  # 成文日期
    to: str = ""  # 主送
    extra: dict[str, str] = field(default_factory=dict)

    _LABELS = (
        ("town", L.PARAM_TOWN),
        ("issuer", L.PARAM_OFFICE),
        ("number", L.PARAM_DOC_NUMBER),
        ("date", L.PARAM_DATE),
        ("to", L.PARAM_RECIPIENTS),
    )

    def params(self) -> dict[str, str]:
        """As 参数 rows {label: text}; blank values are left out."""
        out = {L.PARAM_YEAR: str(self.year)} if self.year is not None else {}
        out.update((label, getattr(self, name)) for name, label in self._LABELS)
        out.update(self.extra)
        return {k: v for k, v in out.items() if v not in ("", None)}

    @classmethod
    def from_params(cls, params: dict[str, object]) -> Campaign:
        """From 参数 rows ({label: value}, as the 参数 sheet or a workbook's 参数 holds them)."""
        shown = {str(k).strip(): _text(v) for k, v in params.items()}
        year = "".join(ch for ch in shown.pop(L.PARAM_YEAR, "") if ch.isdigit())
        found = {name: shown.pop(label, "") for name, label in cls._LABELS}
        extra = {k: v for k, v in shown.items() if k and v}
        return cls(year=int(year) if len(year) == 4 else None, extra=extra, **found)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class Duplicate:
    """One unit reported in several files; `kept` is the newest."""

    unit: str
    files: list[str]
    kept: str
    kinds: list[str] = field(default_factory=list)  # annex kinds in which it was duplicated


@dataclass
class Consolidation:
    """Everything the consolidate stage produced, in memory (written by write.consolidation)."""

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
    # plan rows whose unit is blank or not in the registry (UNMATCHED_COLUMNS), input order
    unmatched: pd.DataFrame = field(default_factory=lambda: _frame(UNMATCHED_COLUMNS))
    file_units: dict[str, list[str]] = field(default_factory=dict)  # file → units it reported
    file_rows: dict[str, int] = field(default_factory=dict)  # file → data rows read from it
    # 参数 carried to 汇总.xlsx and on to 排名.xlsx (乡镇, 发文机关, 文号 …; 年度 is `year`)
    params: dict[str, str] = field(default_factory=dict)
    # (file, sheet, Excel row, figure column) → (number, format code) of each figure typed
    # as a number: written into 汇总/排名 as that number under that format, as the unit saw it
    number_cells: dict[tuple[str, str, int, str], tuple[float, str]] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        """Data rows kept in the output (annexes, other kinds and unmatched plan rows)."""
        return (
            sum(len(f) for f in self.annexes.values())
            + sum(len(f) for f in self.others.values())
            + len(self.unmatched)
        )

    def to_json(self, out: str | None = None) -> dict:
        """The JSON document of DESIGN.md (validate / consolidate --json)."""
        files = [
            {
                "path": s.file,
                "sha256": s.sha256,
                "status": s.status,
                "units": list(self.file_units.get(s.file, [])),
                "rows": self.file_rows.get(s.file, sum(t.n_rows for t in s.tables)),
            }
            for s in self.sources
        ]
        return {
            "files": files,
            "issues": [i.to_dict() for i in self.issues],
            "missing_units": list(self.missing_units),
            "duplicates": [
                {"unit": d.unit, "files": list(d.files), "kept": d.kept} for d in self.duplicates
            ],
            "rows": self.rows,
            "out": None if out is None else str(out),
        }


@dataclass
class Scores:
    """Scoring results: 得分 rows, per-unit totals, vetoes and what went wrong."""

    rows: pd.DataFrame  # score.SCORE_FRAME_COLUMNS
    totals: pd.Series  # unit name → 总分 (rounded); units without any data are absent
    vetoes: pd.DataFrame  # 单位 | 项目 | 事由 | 日期 | 来源
    units: list[Unit] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


@dataclass
class Ranking:
    """The rank stage's results: the frames of the sheets 得分, 排名, 目标达成, 进度预警."""

    scores: pd.DataFrame  # score.SCORE_FRAME_COLUMNS
    ranks: pd.DataFrame  # labels.RANK_COLUMNS
    achievement: pd.DataFrame  # labels.ACHIEVEMENT_COLUMNS
    warnings: pd.DataFrame  # labels.WARNING_COLUMNS
    vetoes: pd.DataFrame = field(default_factory=lambda: _frame())  # Scores.vetoes (not written)
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
                "total": plain(r[L.TOTAL]),
                "rank": plain(r[L.PLACE]),
                "tie": r[L.TIED] == L.YES,
                "grade": r[L.GRADE],
                "awards": [a for a in str(r[L.AWARD]).split(L.LIST_SEP) if a],
                "veto": r[L.VETO] or None,
                "note": r.get(L.NOTE) or None,
            }
            for r in self.ranks.to_dict("records")
        ]
        return {
            "out": self.out,
            "units": len(self.ranks),
            "ranks": ranks,
            "issues": [i.to_dict() for i in self.issues],
        }


def _frame(columns=None) -> pd.DataFrame:
    # pandas is imported on first use: the CLI starts its reader workers (forked) before
    # importing it, so they read while it loads and do not carry its memory.
    import pandas as pd

    return pd.DataFrame(columns=columns)
