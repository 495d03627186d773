"""The demo's 考核细则 (seed 003's scheme) and the offices' example scores (示例数据).

Seed 003: 综合工作目标优胜奖 for one village and one 机关站所, 单项工作先进奖, and a one-vote
veto on 党风廉政建设、社会治安综合治理、计划生育、安全生产 for the award. Points and
scores are invented for the demo and marked as examples wherever they are written.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import xlsxwriter

from targetbook import labels as L
from targetbook.demo.seed import UNITS, YEAR

SCORES_FILE = "考核打分.xlsx"
VETO_EFFECT = L.V_NO_HONOURS  # seed 003: the veto applies to the award
VETO_ITEMS = ("党风廉政建设", "社会治安综合治理", "计划生育", "安全生产")
BONUS_ITEM = "创新与特色加分"
PENALTY_ITEM = "通报批评扣分"
TIE_BREAK_ITEM = "创先争优目标"
# (项目, 分值, 方法): every category, 100 points, plus capped bonuses and deductions.
ITEMS = (
    ("党风廉政建设", 20, L.M_DIRECT),
    ("社会治安综合治理", 20, L.M_DIRECT),
    ("安全生产", 15, L.M_DIRECT),
    ("信访工作", 15, L.M_DIRECT),
    (TIE_BREAK_ITEM, 30, L.M_DIRECT),
    (BONUS_ITEM, 5, L.M_BONUS),
    (PENALTY_ITEM, 5, L.M_PENALTY),
)
SETTINGS = (
    (L.S_FULL_MARKS, "100"),
    (L.S_VETO_ITEMS, "、".join(VETO_ITEMS)),
    (L.S_VETO_EFFECT, VETO_EFFECT),
    (L.S_TIE_BREAK, TIE_BREAK_ITEM),
    (L.S_QUOTA_TIE, L.TIE_STRICT),
    (L.S_DECIMALS, "2"),
)
GRADES = (
    ("优秀", "", 90, None, "30%"),
    ("良好", "", 80, None, None),
    ("合格", "", 60, None, None),
    ("不合格", "", None, None, None),
)
AWARDS = (
    ("综合工作目标优胜奖", L.VILLAGE, "", 1, None),
    ("综合工作目标优胜奖", L.DEPARTMENT, "", 1, None),
    ("单项工作先进奖", "", TIE_BREAK_ITEM, 1, None),
)
ADJUSTMENTS = (
    ("温塘村", BONUS_ITEM, 2, "获评区级文明村（示例）"),
    ("平安办", PENALTY_ITEM, -1, "信息报送迟报被通报（示例）"),
)
VETOED_UNIT = "麒麟村"  # the best village on points: the veto hands its award to the next
VETOES = ((VETOED_UNIT, "安全生产", "发生一起安全生产责任事故（示例）", date(YEAR, 11, 2)),)
TIED_UNITS = ("后湾社区", "支路社区")  # identical example scores: ranked equal (并列)


def _sheet(wb, name: str, columns: tuple[str, ...], rows) -> None:
    ws = wb.add_worksheet(name)
    bold = wb.add_format({"bold": True})
    ws.write_string(0, 0, f"{name}（{L.EXAMPLE_DATA}）")
    for col, label in enumerate(columns):
        ws.write_string(1, col, label, bold)
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows, start=2):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                ws.write_datetime(r, col, value, day)
            elif isinstance(value, int | float):
                ws.write_number(r, col, value)
            else:
                ws.write_string(r, col, str(value))
    ws.set_column(0, len(columns) - 1, 14)


def write_rules(path: Path) -> Path:
    """The demo 考核细则 workbook: 考核项目, 设置, 等次, 奖项."""
    wb = xlsxwriter.Workbook(str(path))
    items = [("", name, points, method, "", L.EXAMPLE_DATA) for name, points, method in ITEMS]
    _sheet(wb, L.RULES_ITEMS, (L.CATEGORY, L.ITEM, L.POINTS, L.METHOD, L.INDICATOR, L.NOTE), items)
    _sheet(wb, L.RULES_SETTINGS, (L.KEY, L.VALUE), SETTINGS)
    _sheet(wb, L.RULES_GRADES, L.GRADE_COLUMNS, GRADES)
    _sheet(wb, L.RULES_AWARDS, L.AWARD_COLUMNS, AWARDS)
    wb.close()
    return path


def example_scores() -> list[tuple[str, str, float]]:
    """(单位, 项目, 得分) for every unit and scored item: invented, reproducible."""
    rnd = random.Random(YEAR)
    out: list[tuple[str, str, float]] = []
    by_unit: dict[str, list[float]] = {}
    for _, name, _, _ in UNITS:
        level = rnd.uniform(0.78, 0.96)
        if name == VETOED_UNIT:
            level = 1.04  # full marks on most items
        shares = by_unit.get(TIED_UNITS[0]) if name == TIED_UNITS[1] else None
        scores = shares or [
            round(points * min(1.0, level + rnd.uniform(-0.05, 0.05)), 1)
            for _, points, method in ITEMS
            if method == L.M_DIRECT
        ]
        by_unit[name] = scores
        direct = [n for n, _, m in ITEMS if m == L.M_DIRECT]
        out.extend(zip([name] * len(direct), direct, scores, strict=True))
    return out


def write_scores(path: Path) -> Path:
    """The offices' entries: 考核打分, 加扣分 and 否决 sheets (a `--scores` file)."""
    wb = xlsxwriter.Workbook(str(path))
    scoring = [
        (unit, item, score, None, None, None, L.PERIOD_YEAR, L.EXAMPLE_DATA)
        for unit, item, score in example_scores()
    ]
    _sheet(wb, L.SHEET_SCORING, L.SCORING_COLUMNS, scoring)
    adjustments = [(*row, L.EXAMPLE_DATA) for row in ADJUSTMENTS]
    _sheet(wb, L.RULES_ADJUSTMENTS, L.ADJUSTMENT_COLUMNS, adjustments)
    _sheet(wb, L.RULES_VETOES, L.VETO_COLUMNS, VETOES)
    wb.close()
    return path
