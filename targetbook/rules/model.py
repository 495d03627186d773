"""The assessment rules (考核细则) as plain data: items, grades, awards, settings, records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from targetbook import labels as L


@dataclass(frozen=True)
class Item:
    """One assessed item (考核项目) of one category (or of all when `category` is "")."""

    name: str
    points: float  # 分值: full points; for 加分/扣分 items the cap of the item's records
    method: str  # labels.METHODS
    category: str = ""  # "" = every category
    indicator: str = ""  # 指标 matched in 指标进度 rows; "" = the item's name
    bonus_per_pct: float = 0.0  # 完成率: points added per 1% above 100%
    bonus_cap: float | None = None  # 完成率: cap of those added points (None = no cap)
    short_per_pct: float = 0.0  # 完成率: points taken per 1% below 100%
    floor: float = 0.0  # 完成率/名次赋分: the score never goes below this
    threshold: float | None = None  # 完成率: below this rate nothing is earned; 达标: pass mark
    step: float | None = None  # 完成率: "每低 N 个百分点" …
    step_points: float = 0.0  # … "扣 M 分" (whole steps only)
    rank_points: tuple[float, ...] = ()  # 名次赋分: points of ranks 1, 2, …; () = proportional
    satisfied: float | None = None  # 功效系数: 满意值
    unacceptable: float | None = None  # 功效系数: 不允许值
    lower_is_better: bool = False  # 名次赋分 by value: the smallest value ranks first
    deadline: date | None = None  # 逾期扣分: the last day a return is on time (Beijing time)
    per_day: float = 0.0  # 逾期扣分: points taken per day late (the item's 分值 caps them)
    schedule: float | None = None  # 序时进度 of the item's 指标 in % (a seasonal plan)
    period: str = ""  # "" = every period
    note: str = ""
    row: int = 0  # Excel row in the 考核项目 sheet (for issues)

    @property
    def key(self) -> str:
        """The 指标 matched in progress rows."""
        return self.indicator or self.name

    @property
    def is_adjustment(self) -> bool:
        """加分/扣分/逾期扣分 items add or take points outside 满分 instead of being scored."""
        return self.method in (L.M_BONUS, L.M_PENALTY, L.M_LATE)


@dataclass(frozen=True)
class Grade:
    """One 等次, best first: a score band (lower bound) and/or a quota (count or share)."""

    name: str
    category: str = ""
    lower: float | None = None
    quota: int | None = None
    share: float | None = None  # percent of the category's ranked units
    row: int = 0
    town: bool = False  # 范围 全镇: 名额/比例 count the whole town, split across categories


@dataclass(frozen=True)
class Award:
    """An award: the top `quota` units of a category on the total (item "") or on an item."""

    name: str
    category: str = ""
    item: str = ""  # "" = the total; an item name; labels.EACH_ITEM = every scored item
    quota: int = 1
    lower: float | None = None
    row: int = 0


@dataclass
class Settings:
    """The 设置 sheet."""

    full_marks: float | None = 100.0
    veto_items: tuple[str, ...] = ()
    veto_effect: str = L.V_FAIL  # the effect of every veto item without one of its own
    veto_effects: dict[str, str] = field(default_factory=dict)  # key(veto item) → effect
    veto_scope: tuple[str, ...] = ()  # award names a veto bars; () = every award
    veto_scopes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # key(item) → awards
    tie_break: tuple[str, ...] = ()
    quota_rounding: str = L.ROUND_DOWN
    quota_tie: str = L.TIE_STRICT
    period_weights: dict[str, float] = field(default_factory=dict)  # period group → percent
    missing_period: str = L.GAP_ZERO  # 缺期处理: 计0分 or 按已有期间平均
    bonus_cap: float | None = None
    penalty_cap: float | None = None
    decimals: int = 2
    yellow: float = 10.0
    red: float = 30.0
    schedule: float | None = None  # 序时进度 in percent; None = from as_of (year end if none)
    cells: dict[str, str] = field(default_factory=dict)  # setting → its 值 cell (for issues)


def _records(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in (*columns, *L.PROVENANCE)})


def empty_scoring() -> pd.DataFrame:
    """An empty 考核打分 frame (with provenance columns)."""
    return _records(L.SCORING_COLUMNS)


def empty_adjustments() -> pd.DataFrame:
    """An empty 加扣分 frame."""
    return _records(L.ADJUSTMENT_COLUMNS)


def empty_vetoes() -> pd.DataFrame:
    """An empty 否决 frame."""
    return _records(L.VETO_COLUMNS)


def empty_external() -> pd.DataFrame:
    """An empty 外部结果 frame."""
    return _records(L.EXTERNAL_COLUMNS)


@dataclass
class Records:
    """Per-unit records from offices: 考核打分, 加扣分, 否决, 外部结果 — each keeps its cell.

    Provenance columns: 来源文件, 来源工作表, 来源行 (Excel row); cells are rebuilt from the
    column letters in `columns` (sheet → label → letter).
    """

    scoring: pd.DataFrame = field(default_factory=empty_scoring)
    adjustments: pd.DataFrame = field(default_factory=empty_adjustments)
    vetoes: pd.DataFrame = field(default_factory=empty_vetoes)
    external: pd.DataFrame = field(default_factory=empty_external)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)

    def __add__(self, other: Records) -> Records:
        """Both sets of records (rules workbook + scores file)."""

        def cat(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
            if a.empty:
                return b
            if b.empty:
                return a
            return pd.concat([a, b], ignore_index=True)

        return Records(
            cat(self.scoring, other.scoring),
            cat(self.adjustments, other.adjustments),
            cat(self.vetoes, other.vetoes),
            cat(self.external, other.external),
            {**self.columns, **other.columns},
        )


@dataclass
class Rules:
    """A whole 考核细则: items, grades, awards, settings, and any records it carries."""

    items: list[Item] = field(default_factory=list)
    grades: list[Grade] = field(default_factory=list)
    awards: list[Award] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)
    records: Records = field(default_factory=Records)
    file: str = ""

    def items_for(self, category: str) -> list[Item]:
        """Items that apply to `category` (its own and the all-category ones), in sheet order."""
        return [i for i in self.items if i.category in ("", category)]

    def grades_for(self, category: str) -> list[Grade]:
        """The grade ladder of `category`: its own rows if any, else the all-category rows."""
        own = [g for g in self.grades if g.category == category]
        return own or [g for g in self.grades if g.category == ""]
