"""Seed 003's scheme as the demo's 考核细则, with the offices' example scores (示例数据).

Seed 003 (争先进位目标管理实施方案): 常规工作 党风廉政建设、社会治安综合治理、计划生育、
信访工作、安全生产; 中心工作 "三农"、招商引资、财政; 综合工作目标优胜奖 for one 行政村 and
one 机关站所; 单项工作先进奖; 党风廉政建设、社会治安综合治理、计划生育、安全生产 一票否决
for the award. Points, parameters and every score are invented for the demo — every scoring
method appears, so the demo shows each formula — and are marked 示例数据 wherever written.

    write_rules(path)                 the 考核细则 workbook
    write_scores(path, units=None)    考核打分 / 加扣分 / 否决 / 外部结果 (a --scores file)
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import xlsxwriter

from targetbook import labels as L
from targetbook.demo.seed import UNITS, YEAR
from targetbook.write.atomic import atomic_path

SCORES_FILE = "考核打分.xlsx"
VETO_ITEMS = ("党风廉政建设", "社会治安综合治理", "计划生育", "安全生产")
VETO_EFFECT = L.V_NO_HONOURS  # seed 003: the veto bars the 综合优胜奖
TIE_BREAK = "创先争优目标"
BONUS, PENALTY = "创新与特色加分", "通报批评扣分"
# 逾期报送扣分: the deadline of the returns; the demo's 补报 return comes a week after it.
LATE, DEADLINE = "逾期报送扣分", date(YEAR, 6, 20)
# 财政工作 reads its figures from the returns' 指标进度 (财政办's 税收收入 row): no office
# enters a score for that unit, so its score explains itself down to the return's cell.
LINKED_INDICATOR, LINKED_UNIT = "税收收入", "财政办"


def _item(name: str, points: float, method: str, note: str, **params: object) -> tuple:
    """One 考核项目 row in L.ITEM_COLUMNS order; `params` are keyed by column label."""
    row = {L.ITEM: name, L.POINTS: points, L.METHOD: method, L.NOTE: note, **params}
    return tuple(row.get(column) for column in L.ITEM_COLUMNS)


ITEMS = (
    _item("党风廉政建设", 10, L.M_DIRECT, "纪委打分；一票否决项"),
    _item("社会治安综合治理", 10, L.M_DIRECT, "平安办打分；一票否决项"),
    _item(
        "计划生育",
        10,
        L.M_RATE,
        "每低1个百分点扣0.5分，低于80%不计分；一票否决项",
        **{L.INDICATOR: "计划生育率", L.SHORT_PER_PCT: 0.5, L.FLOOR: 0, L.THRESHOLD: 80},
    ),
    _item(
        "信访工作",
        10,
        L.M_EFFICACY,
        "功效系数法：0次满分，5次及以上0分",
        **{
            L.INDICATOR: "越级访次数",
            L.SATISFIED: 0,
            L.UNACCEPTABLE: 5,
            L.DIRECTION: L.LOWER_IS_BETTER,
        },
    ),
    _item("安全生产", 10, L.M_PASS, "达标得满分；一票否决项", **{L.INDICATOR: "安全事故零伤亡"}),
    _item(
        "三农工作",
        15,
        L.M_RATE,
        "超额每1%加0.1分，封顶1.5分；每低1%扣0.3分",
        **{
            L.INDICATOR: "山药种植面积",
            L.BONUS_PER_PCT: 0.1,
            L.BONUS_CAP: 1.5,
            L.SHORT_PER_PCT: 0.3,
            L.FLOOR: 0,
        },
    ),
    _item(
        "招商引资",
        15,
        L.M_RANK,
        "按到位资金排名赋分，第7名起10分",
        **{L.INDICATOR: "招商引资到位资金", L.FLOOR: 10, L.RANK_POINTS: "15、14、13、12、11、10"},
    ),
    _item(
        "财政工作",
        10,
        L.M_RATE,
        "低于目标任务数85%不记分，每低3个百分点扣0.5分；取自指标进度",
        **{
            L.INDICATOR: LINKED_INDICATOR,
            L.FLOOR: 0,
            L.THRESHOLD: 85,
            L.STEP: 3,
            L.STEP_POINTS: 0.5,
        },
    ),
    _item(TIE_BREAK, 10, L.M_DIRECT, "督查办对照年初目标打分；并列时比较此项"),
    _item(BONUS, 5, L.M_BONUS, "累计不超过5分"),
    _item(PENALTY, 5, L.M_PENALTY, "累计不超过5分"),
    _item(
        LATE,
        2,
        L.M_LATE,
        "回收表6月20日前报送；每逾期1天扣0.5分，最多扣2分",
        **{L.DEADLINE: DEADLINE, L.PER_DAY: 0.5},
    ),
)
SETTINGS = (
    (L.S_FULL_MARKS, 100),
    (L.S_VETO_ITEMS, "、".join(VETO_ITEMS)),
    (L.S_VETO_EFFECT, VETO_EFFECT),
    (L.S_TIE_BREAK, TIE_BREAK),
    (L.S_QUOTA_ROUNDING, L.ROUND_DOWN),
    (L.S_QUOTA_TIE, L.TIE_STRICT),
    (L.S_DECIMALS, 2),
    (L.S_YELLOW, 10),
    (L.S_RED, 30),
)
GRADES = (
    ("优秀", "", 90, None, "30%"),
    ("良好", "", 80, None, None),
    ("合格", "", 60, None, None),
    ("不合格", "", None, None, None),
)
# 单项工作先进奖 on two 中心工作 items with continuous figures (`各项` would award every
# item, and items most units max out would end in ties).
AWARDS = (
    ("综合工作目标优胜奖", L.VILLAGE, "", 1, None),
    ("综合工作目标优胜奖", L.DEPARTMENT, "", 1, None),
    *(("单项工作先进奖", "", item, 1, None) for item in ("三农工作", "招商引资")),
)
# The best example scores, then a veto record from 纪委 (arriving after the scores, as they
# do): the 综合优胜奖 passes to the next village.
VETOED = "麒麟村"
VETOES = ((VETOED, "党风廉政建设", "村干部违纪被立案查处（示例数据）", date(YEAR, 11, 2)),)
UNSAFE = "营寨村"  # 安全生产 不达标 (the 达标 method's other outcome)
TIED_UNITS = ("后湾社区", "支路社区")  # identical example entries: equal totals, 并列
ADJUSTMENTS = (  # 麒麟村's two bonuses exceed the item's cap of 5 (封顶)
    ("温塘村", BONUS, 2, "获评区级文明村（示例数据）", "区文明委通报"),
    ("麒麟村", BONUS, 3, "乡村振兴示范村获市级表彰（示例数据）", "市委办通报"),
    ("麒麟村", BONUS, 3, "创新工作被市级推广（示例数据）", "市委办简报"),
    ("平安办", PENALTY, -1, "信息报送迟报被通报（示例数据）", "镇党政办通报"),
)
# 外部结果: results from outside the town (district rankings, awards) for 目标达成.
EXTERNAL = (
    ("党政办  （党群办、人大办）", "政务信息工作", "全区镇街", 2, None, None, None),
    ("经发办", "规上工业产值", "区考核组", 1, None, None, None),
    ("民政社事办", "社区养老服务社会化运营率", "", None, 45, None, None),
    ("应急办", "安全生产和自然灾害防治工作", "全区一类单位", None, None, "一等奖", None),
    ("农服中心", "农村人居环境整治成效", "全区", None, None, None, "是"),
    ("麒麟村", "违建", "", None, 0, None, None),
)
DEFAULT_UNITS = tuple((category, name) for category, name, _, _ in UNITS)  # seed 000's 34


def _sheet(wb, name: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """A titled sheet (`name（示例数据…）`), the header, then rows; text via write_string."""
    ws = wb.add_worksheet(name)
    bold = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
    red = wb.add_format({"bold": True, "font_color": "#C00000"})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_string(0, 0, f"{name}（{L.EXAMPLE_MARK}：分值、参数和得分均为演示虚构）", red)
    for col, label in enumerate(columns):
        ws.write_string(1, col, label, bold)
    for r, row in enumerate(rows, start=2):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                ws.write_datetime(r, col, value, day)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                ws.write_number(r, col, value)
            else:
                ws.write_string(r, col, str(value))
    ws.set_column(0, len(columns) - 1, 12)
    ws.freeze_panes(2, 0)


def write_rules(path: str | Path) -> Path:
    """Write seed 003's 考核细则 (考核项目, 设置, 等次, 奖项), marked 示例数据, atomically."""
    target = Path(path)
    with atomic_path(target) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False})
        _sheet(wb, L.RULES_ITEMS, L.ITEM_COLUMNS, ITEMS)
        _sheet(wb, L.RULES_SETTINGS, (L.KEY, L.VALUE), SETTINGS)
        _sheet(wb, L.RULES_GRADES, L.GRADE_COLUMNS, GRADES)
        _sheet(wb, L.RULES_AWARDS, L.AWARD_COLUMNS, AWARDS)
        wb.close()
    return target


def _unit_rows(name: str, rnd: random.Random) -> list[tuple]:
    """One unit's 考核打分 rows (单位 项目 得分 完成值 目标值 名次 期间 依据)."""
    level = 1.0 if name == VETOED else rnd.uniform(0.8, 0.97)

    def pts(points: float) -> float:
        return round(points * min(1.0, level + rnd.uniform(-0.04, 0.04)) * 2) / 2

    rows = [
        ("党风廉政建设", pts(10), None, None),
        ("社会治安综合治理", pts(10), None, None),
        ("计划生育", None, round(85 * (level + 0.05), 1), 85),
        ("信访工作", None, 0 if name == VETOED else rnd.choice((0, 0, 1, 2, 3)), None),
        ("安全生产", "不达标" if name == UNSAFE else "达标", None, None),
        ("三农工作", None, round(1000 * (level + rnd.uniform(0.02, 0.2))), 1000),
        ("招商引资", None, round(1000 * (level + rnd.uniform(-0.1, 0.12))), None),
        ("财政工作", None, round(1000 * (level + rnd.uniform(-0.05, 0.1))), 1000),
        (TIE_BREAK, pts(10), None, None),
    ]
    return [
        (name, item, score, actual, goal, None, L.PERIOD_YEAR, L.EXAMPLE_MARK)
        for item, score, actual, goal in rows
        if not (name == LINKED_UNIT and item == "财政工作")  # from its return instead
    ]


def example_scores(units: Iterable[tuple[str, str]] | None = None) -> list[tuple]:
    """考核打分 rows for `units` ((类别, 单位); default seed 000's 34): invented, reproducible.

    The second of TIED_UNITS copies the first's entries, so their totals are equal (并列)."""
    rnd = random.Random(YEAR)
    by_unit = {name: _unit_rows(name, rnd) for _, name in units or DEFAULT_UNITS}
    first, second = TIED_UNITS
    if first in by_unit and second in by_unit:
        by_unit[second] = [(second, *row[1:]) for row in by_unit[first]]
    return [row for rows in by_unit.values() for row in rows]


def write_scores(path: str | Path, units: Iterable[tuple[str, str]] | None = None) -> Path:
    """Write the offices' example entries (考核打分, 加扣分, 否决, 外部结果) for `units`
    ((类别, 单位) pairs; default seed 000's 34), marked 示例数据: a `--scores` file."""
    target = Path(path)
    units = list(units or DEFAULT_UNITS)
    names = {n for _, n in units}
    with atomic_path(target) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False})
        _sheet(wb, L.SHEET_SCORING, L.SCORING_COLUMNS, example_scores(units))
        _sheet(
            wb, L.RULES_ADJUSTMENTS, L.ADJUSTMENT_COLUMNS, [r for r in ADJUSTMENTS if r[0] in names]
        )
        _sheet(wb, L.RULES_VETOES, L.VETO_COLUMNS, [r for r in VETOES if r[0] in names])
        _sheet(wb, L.SHEET_EXTERNAL, L.EXTERNAL_COLUMNS, [r for r in EXTERNAL if r[0] in names])
        wb.close()
    return target
