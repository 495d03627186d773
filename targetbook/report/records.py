"""Plain records the 通知 / 通报 templates print (ReportContext and its parts)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass
class PlanRow:
    """One row of an annex table (seed 000)."""

    seq: str
    unit: str
    target: str
    plan: str


@dataclass
class Annex:
    """附件N: one category's 创先争优目标和亮点工作计划 table."""

    number: int
    category: str
    title: str
    rows: list[PlanRow]


@dataclass
class RankRow:
    """One unit's result line in the 通报."""

    category: str
    group: str
    unit: str
    total: str
    rank: int | None
    rank_text: str
    tie: bool
    group_rank: str
    previous: str
    move: str
    grade: str
    awards: str
    veto: bool
    veto_item: str
    veto_reason: str
    note: str = ""  # 奖项及备注: awards, 考核组 rank, 一票否决, no return, lateness
    returned: bool = True  # False: the unit is on the 未报送 list (ranked on its scores)
    late: str = ""  # 逾期7天报送，扣2分 / 未报送回收表，扣2分


@dataclass
class Bar:
    """One bar of the totals chart (SVG user units)."""

    label: str
    value: str
    y: float
    width: float
    veto: bool
    name: str = ""  # the full unit name (label may be shortened)


@dataclass
class Chart:
    """A horizontal bar chart of totals for one category."""

    width: int
    height: int
    label_width: int
    bar_height: int
    scale_max: float
    bars: list[Bar]


@dataclass
class Veto:
    """A vetoed unit and why (一票否决)."""

    category: str
    unit: str
    item: str
    reason: str
    effect: str = ""  # what the veto did: 不得评先 / 等次定为不合格，不得评先评优 …


@dataclass
class Award:
    """One award and the units that received it, in ranking order."""

    name: str
    units: list[str]


@dataclass
class Achievement:
    """Target-achievement counts of one category: verdict → number of targets."""

    category: str
    total: int
    counts: list[tuple[str, int]]
    text: str


@dataclass
class AchievementRow:
    """One target phrase and its verdict (通报 附件)."""

    category: str
    unit: str
    target: str
    actual: str
    verdict: str


@dataclass
class CategoryResult:
    """One category's section of the 通报."""

    number: str
    name: str
    title: str
    rows: list[RankRow]
    chart: Chart
    missing: list[str]  # units of the category without a return (ranked or not)
    unranked: list[str] = field(default_factory=list)  # units without a 名次
    remark: str = ""  # the line under the table: who is not ranked and why


@dataclass
class ReportContext:
    """Everything both documents print, already formatted as text."""

    town: str
    office: str
    signature: str
    doc_number: str
    date: str
    year: str
    recipients: str
    remark: str
    annotation: str
    masthead: str
    masthead_half_points: int
    plan_title: str
    notice_title: str
    bulletin_title: str
    annexes: list[Annex] = field(default_factory=list)
    categories: list[CategoryResult] = field(default_factory=list)
    awards: list[Award] = field(default_factory=list)
    vetoes: list[Veto] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    achievement: list[Achievement] = field(default_factory=list)
    achievement_rows: list[AchievementRow] = field(default_factory=list)
    # 报送情况: late returns, units ranked without a return, units not ranked and why
    submission: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)  # units that lost 逾期扣分 points

    def as_dict(self) -> dict:
        """Shallow mapping of the fields, the shape template engines take as context."""
        return {f.name: getattr(self, f.name) for f in fields(self)}
