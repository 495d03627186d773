"""Scores, hand-computed: each 完成率 variant at its caps and floor, the other methods,
加扣分 caps, period weights — and every score row explains itself (得分反查)."""

from __future__ import annotations

import pandas as pd
import pytest

from targetbook import labels as L
from targetbook.registry import Registry, Unit
from targetbook.results import Consolidation
from targetbook.rules import Item, Records, Rules, Settings
from targetbook.score import score

VILLAGES = [Unit(n, L.VILLAGE) for n in ("甲村", "乙村", "丙村", "丁村")]


def cons(units=VILLAGES, progress=None):
    c = Consolidation(registry=Registry(list(units)))
    if progress is not None:
        c.others[L.PROGRESS_KIND] = progress
    return c


def scoring(rows, file="打分.xlsx"):
    """考核打分 records: rows of (单位, 项目, 得分, 完成值, 目标值, 名次[, 期间])."""
    out = []
    for n, r in enumerate(rows, start=2):
        r = list(r) + [None] * (7 - len(r))
        out.append(
            dict(zip(L.SCORING_COLUMNS[:7], r, strict=True))
            | {L.BASIS: "", L.SRC_FILE: file, L.SRC_SHEET: "考核打分", L.SRC_ROW: n}
        )
    frame = pd.DataFrame(out, columns=[*L.SCORING_COLUMNS, *L.PROVENANCE])
    letters = {c: chr(65 + i) for i, c in enumerate(L.SCORING_COLUMNS)}
    return Records(scoring=frame, columns={f"{file}!考核打分": letters})


def rules_of(*items, **settings):
    return Rules(items=list(items), settings=Settings(full_marks=None, **settings))


def scores_of(result, item):
    rows = result.rows[result.rows[L.ITEM] == item]
    return dict(zip(rows[L.UNIT], rows["得分"], strict=True))


def rate_case(item, rates):
    """Score one 完成率 item with 完成值 = rate, 目标值 = 100."""
    units = [Unit(f"村{n}", L.VILLAGE) for n in range(len(rates))]
    rec = scoring([(u.name, item.name, None, r, 100) for u, r in zip(units, rates, strict=True)])
    result = score(cons(units), rules_of(item), rec)
    return [round(v, 6) for v in scores_of(result, item.name).values()]


def test_rate_bonus_per_point_capped():
    item = Item("经济", 10, L.M_RATE, bonus_per_pct=1, bonus_cap=2, short_per_pct=1)
    #          at target, +1%, at the cap, past the cap, -3%
    assert rate_case(item, [100, 101, 102, 130, 97]) == [10, 11, 12, 12, 7]


def test_rate_bonus_without_cap_and_without_bonus():
    assert rate_case(Item("经济", 10, L.M_RATE, bonus_per_pct=0.5), [120]) == [20]
    assert rate_case(Item("经济", 10, L.M_RATE), [150]) == [10]


def test_rate_deduction_floored_at_zero_and_at_a_set_floor():
    plain = Item("经济", 10, L.M_RATE, short_per_pct=1)
    assert rate_case(plain, [95, 90, 85]) == [5, 0, 0]
    floored = Item("经济", 10, L.M_RATE, short_per_pct=1, floor=2)
    assert rate_case(floored, [95, 92, 50]) == [5, 2, 2]


def test_rate_threshold_earns_nothing_below_it():
    item = Item("经济", 10, L.M_RATE, short_per_pct=0.2, threshold=85)
    # 84.9% < 85% → 0; exactly 85% → 10 − 15 × 0.2 = 7
    assert rate_case(item, [84.9, 85, 100]) == [0, 7, 10]


def test_rate_step_deductions_count_whole_steps():
    # 每低3个百分点扣0.5分
    item = Item("经济", 10, L.M_RATE, step=3, step_points=0.5)
    assert rate_case(item, [100, 98, 97, 95, 94, 1]) == [10, 10, 9.5, 9.5, 9, 0]


def test_rate_proportional_when_no_deduction_rule():
    assert rate_case(Item("经济", 10, L.M_RATE), [80, 0]) == [8, 0]


def test_rate_from_progress_rows_keeps_the_return_row_as_source():
    progress = pd.DataFrame(
        {
            L.UNIT: ["甲村", "乙村"],
            L.INDICATOR: ["村集体经济 收入", "村集体经济收入"],
            L.parsed(L.TARGET_VALUE): [100000.0, None],
            L.parsed(L.ACTUAL_VALUE): [90000.0, None],
            L.parsed(L.RATE): [None, 120.0],
            L.SRC_FILE: ["回收/甲村.xlsx", "回收/乙村.xlsx"],
            L.SRC_SHEET: ["指标进度", "进度"],
            L.SRC_ROW: [4, 7],
        }
    )
    item = Item("集体经济", 10, L.M_RATE, indicator="村集体经济收入", short_per_pct=0.5)
    result = score(cons(VILLAGES[:2], progress), rules_of(item))
    rows = result.rows.set_index(L.UNIT)
    assert rows.loc["甲村", "得分"] == 5  # 90% → 10 − 10 × 0.5
    assert rows.loc["乙村", "得分"] == 10  # the reported 120% (no values), no bonus rule
    assert rows.loc["甲村", "来源"] == "回收/甲村.xlsx!指标进度!第4行"
    assert "90000 ÷ 100000" in rows.loc["甲村", "计算依据"]


def test_progress_scores_trace_to_the_cell_through_the_consolidated_workbook(tmp_path):
    from targetbook.write.consolidation import load_consolidation, write_consolidation

    letters = "目标值=D;完成值=E;完成率=F"
    progress = pd.DataFrame(
        {
            L.CATEGORY: [L.VILLAGE] * 2,
            L.UNIT: ["甲村", "乙村"],
            L.INDICATOR: ["村集体经济收入"] * 2,
            L.parsed(L.TARGET_VALUE): [100000.0, None],
            L.parsed(L.ACTUAL_VALUE): [90000.0, None],
            L.parsed(L.RATE): [None, 120.0],
            L.SRC_FILE: ["回收/甲村.xlsx", "回收/乙村.xlsx"],
            L.SRC_SHEET: ["指标进度", "进度"],
            L.SRC_ROW: [4, 7],
            L.SRC_COLUMNS: [letters, letters],
        }
    )
    written = write_consolidation(cons(VILLAGES[:2], progress), tmp_path / "汇总.xlsx")
    item = Item("集体经济", 10, L.M_RATE, indicator="村集体经济收入", short_per_pct=0.5)
    result = score(load_consolidation(written), rules_of(item))
    rows = result.rows.set_index(L.UNIT)
    assert rows.loc["甲村", "来源"] == "回收/甲村.xlsx!指标进度!E4"  # 完成值's cell
    assert rows.loc["乙村", "来源"] == "回收/乙村.xlsx!进度!F7"  # only 完成率 was given


def test_rank_points_by_list_with_ties_and_past_the_list():
    item = Item("环境", 20, L.M_RANK, rank_points=(20, 18, 16))
    rec = scoring(
        [
            ("甲村", "环境", None, 9),
            ("乙村", "环境", None, 9),
            ("丙村", "环境", None, 7),
            ("丁村", "环境", None, 5),
        ]
    )
    got = scores_of(score(cons(), rules_of(item), rec), "环境")
    assert got == {"甲村": 20, "乙村": 20, "丙村": 16, "丁村": 0}


def test_rank_points_from_an_entered_place_and_lower_is_better():
    listed = Item("征兵", 10, L.M_RANK, rank_points=(10, 8))
    rec = scoring([("甲村", "征兵", None, None, None, 2), ("乙村", "征兵", None, None, None, 1)])
    assert scores_of(score(cons(), rules_of(listed), rec), "征兵") == {"甲村": 8, "乙村": 10}
    fewer = Item("信访", 10, L.M_RANK, lower_is_better=True)
    rec = scoring([("甲村", "信访", None, 2), ("乙村", "信访", None, 4)])
    assert scores_of(score(cons(), rules_of(fewer), rec), "信访") == {"甲村": 10, "乙村": 5}


def test_rank_points_proportional_to_the_best():
    item = Item("招商", 10, L.M_RANK)
    rec = scoring([("甲村", "招商", None, 500), ("乙村", "招商", None, 1000)])
    assert scores_of(score(cons(), rules_of(item), rec), "招商") == {"甲村": 5, "乙村": 10}


def test_efficacy_coefficient_within_its_bounds():
    item = Item("财政", 10, L.M_EFFICACY, satisfied=100, unacceptable=60)
    rec = scoring(
        [
            ("甲村", "财政", None, 80),
            ("乙村", "财政", None, 120),
            ("丙村", "财政", None, 50),
            ("丁村", "财政", None, 60),
        ]
    )
    got = scores_of(score(cons(), rules_of(item), rec), "财政")
    # 60 + 40 × (80 − 60) / (100 − 60) = 80 → 8; above 满意值 → 10; below 不允许值 → 0
    assert got == {"甲村": 8, "乙村": 10, "丙村": 0, "丁村": 6}
    lower = Item("事故", 10, L.M_EFFICACY, satisfied=0, unacceptable=10)
    rec = scoring([("甲村", "事故", None, 3)])
    assert scores_of(score(cons(), rules_of(lower), rec), "事故") == {"甲村": 8.8}


def test_pass_fail_by_verdict_or_by_rate():
    item = Item("安全", 10, L.M_PASS, threshold=100)
    rec = scoring(
        [
            ("甲村", "安全", "达标"),
            ("乙村", "安全", "不达标"),
            ("丙村", "安全", None, 100, 100),
            ("丁村", "安全", None, 99, 100),
        ]
    )
    got = scores_of(score(cons(), rules_of(item), rec), "安全")
    assert got == {"甲村": 10, "乙村": 0, "丙村": 10, "丁村": 0}


def test_direct_score_over_points_is_capped_and_located():
    item = Item("党建", 30, L.M_DIRECT)
    rec = scoring([("甲村", "党建", 28), ("乙村", "党建", 31)])
    result = score(cons(VILLAGES[:2]), rules_of(item), rec)
    assert scores_of(result, "党建") == {"甲村": 28, "乙村": 30}
    assert [(i.file, i.sheet, i.cell, i.rule) for i in result.issues] == [
        ("打分.xlsx", "考核打分", "C3", "score_over_points")
    ]
    assert result.rows["来源"].tolist() == ["打分.xlsx!考核打分!C2", "打分.xlsx!考核打分!C3"]


def test_unknown_units_items_bad_numbers_and_missing_items():
    items = [Item("党建", 50, L.M_DIRECT), Item("经济", 50, L.M_DIRECT)]
    rec = scoring(
        [("甲村", "党建", 40), ("戊村", "党建", 40), ("乙村", "纪检", 40), ("乙村", "党建", "四十")]
    )
    result = score(cons(VILLAGES[:3]), rules_of(*items), rec)
    assert [(i.cell, i.rule) for i in result.issues] == [
        ("A3", "score_unit_unknown"),
        ("B4", "score_item_unknown"),
        ("C5", "score_not_a_number"),
        ("", "score_input_missing"),
    ]
    # 甲村 has data: its missing item scores 0 with a reason; 乙村/丙村 have none: no rows.
    assert result.rows[[L.UNIT, L.ITEM, "得分"]].values.tolist() == [
        ["甲村", "党建", 40],
        ["甲村", "经济", 0],
    ]
    assert result.totals.to_dict() == {"甲村": 40}


def test_bonus_and_deduction_caps_keep_the_rows_adding_up():
    items = [
        Item("党建", 100, L.M_DIRECT),
        Item("创新加分", 5, L.M_BONUS),
        Item("通报扣分", 3, L.M_PENALTY),
    ]
    rec = scoring([("甲村", "党建", 90), ("乙村", "党建", 80)])
    adj = pd.DataFrame(
        [
            ("甲村", "创新加分", 3, "市级表彰", "文1"),
            ("甲村", "创新加分", 4, "区级表彰", ""),
            ("甲村", "", 2, "其他", ""),
            ("乙村", "通报扣分", 2, "通报批评", ""),
            ("乙村", "通报扣分", 2, "越级上访", ""),
        ],
        columns=list(L.ADJUSTMENT_COLUMNS),
    )
    adj[L.SRC_FILE], adj[L.SRC_SHEET], adj[L.SRC_ROW] = "细则.xlsx", "加扣分", range(2, 7)
    rec.adjustments = adj
    result = score(cons(VILLAGES[:2]), rules_of(*items, bonus_cap=6), rec)
    # 甲村: 3 + 4 → item cap 5; + 2 generic = 7 → total cap 6.  乙村: −4 → item cap −3.
    assert result.totals.to_dict() == {"甲村": 96, "乙村": 77}
    sums = result.rows.groupby(L.UNIT)["得分"].sum().to_dict()
    assert sums == {"甲村": 96, "乙村": 77}
    assert [i.rule for i in result.issues] == ["adjustment_capped"] * 3
    # 甲村's two 创新加分 records capped at 5: one row naming both and the cap
    jia = result.rows[(result.rows[L.UNIT] == "甲村") & (result.rows[L.ITEM] == "创新加分")]
    assert jia["得分"].tolist() == [5]
    assert jia["计算依据"].iloc[0] == (
        "市级表彰；文1 3 分、区级表彰 4 分，合计加 7 分，超过上限 5 分，按上限加 5 分"
    )
    assert (
        jia["来源"].iloc[0] == "细则.xlsx!加扣分!第2行；细则.xlsx!加扣分!第3行"
    )  # no letters given


def test_period_weights_annual_and_monthly_average():
    item = Item("党建", 100, L.M_DIRECT)
    rec = scoring(
        [
            ("甲村", "党建", 80, None, None, None, "年度"),
            ("甲村", "党建", 70, None, None, None, "1月"),
            ("甲村", "党建", 90, None, None, None, "2月"),
        ]
    )
    rules = rules_of(item, period_weights={"年度": 40, "月度": 60})
    result = score(cons(VILLAGES[:1]), rules, rec)
    # 80 × 40% + (70 + 90) / 2 × 60% = 80
    assert result.totals.to_dict() == {"甲村": 80}
    weighted = result.rows[result.rows["方法"] == "期间加权"]
    assert weighted["得分"].tolist() == [80]


@pytest.mark.parametrize("method", [L.M_RATE, L.M_RANK, L.M_EFFICACY, L.M_PASS, L.M_DIRECT])
def test_every_score_row_explains_itself(method):
    item = Item("项目", 10, method, satisfied=100, unacceptable=0)
    rec = scoring([("甲村", "项目", None, 50, 100, None), ("乙村", "项目", 7)])
    result = score(cons(VILLAGES[:2]), rules_of(item), rec)
    assert len(result.rows) == 2
    assert all(result.rows["计算依据"].str.len() > 0)
    assert result.rows["来源"].str.startswith("打分.xlsx!考核打分!").all()
    assert result.rows.set_index(L.UNIT).loc["乙村", "得分"] == 7  # an entered score wins


def test_rate_at_the_threshold_is_not_lost_to_float_rounding():
    # 57 ÷ 100 × 100 is 56.99999999999999 in floating point: still at the threshold.
    item = Item("经济", 10, L.M_RATE, threshold=57)
    assert rate_case(item, [57]) == [5.7]


def test_parsed_rate_is_used_as_percent_not_scaled_again():
    # 完成率_数值 is already in percent (97.19 means 97.19 %): 0.5 must stay 0.5 %, not 50 %.
    progress = pd.DataFrame(
        {
            L.UNIT: ["甲村", "乙村"],
            L.INDICATOR: ["村集体经济收入", "村集体经济收入"],
            L.parsed(L.TARGET_VALUE): [None, None],
            L.parsed(L.ACTUAL_VALUE): [None, None],
            L.parsed(L.RATE): [0.5, 97.19],
            L.SRC_FILE: ["甲村.xlsx", "乙村.xlsx"],
            L.SRC_SHEET: ["指标进度", "指标进度"],
            L.SRC_ROW: [4, 4],
        }
    )
    item = Item("集体经济", 10, L.M_RATE, indicator="村集体经济收入")
    rows = score(cons(VILLAGES[:2], progress), rules_of(item)).rows.set_index(L.UNIT)
    assert rows.loc["甲村", "得分"] == pytest.approx(0.05)  # 10 × 0.5 %
    assert rows.loc["乙村", "得分"] == pytest.approx(9.72)  # 10 × 97.19 % = 9.719 → 保留小数 2


def test_lateness_per_day_capped_missing_returns_and_an_office_record():
    from datetime import date, datetime

    from targetbook.read import Source

    units = [Unit(n, L.VILLAGE) for n in ("甲村", "乙村", "丙村", "丁村", "戊村")]
    c = cons(units)
    # saved times are UTC: 2022-06-20 15:59 UTC is 23:59 on June 20th in Beijing
    saved = {
        "甲.xlsx": datetime(2022, 6, 20, 15, 59),  # on time (Beijing: the deadline's evening)
        "乙.xlsx": datetime(2022, 6, 20, 16, 1),  # 00:01 on June 21st: one day late
        "丙旧.xlsx": datetime(2022, 6, 19, 9, 0),  # first sent on time …
        "丙新.xlsx": datetime(2022, 6, 30, 9, 0),  # … corrected later: still on time
        "丁.xlsx": datetime(2022, 6, 29, 9, 0),  # 9 days late: 4.5 > the 3-point cap
    }
    c.sources = [Source(file=f, path=f, modified=t) for f, t in saved.items()]
    c.file_units = {"甲.xlsx": ["甲村"], "乙.xlsx": ["乙村"], "丙旧.xlsx": ["丙村"]}
    c.file_units |= {"丙新.xlsx": ["丙村"], "丁.xlsx": ["丁村"]}  # 戊村 sent nothing
    late = Item("按时报送", 3, L.M_LATE, deadline=date(2022, 6, 20), per_day=0.5)
    items = [Item("党建", 100, L.M_DIRECT), late]
    rec = scoring([(u.name, "党建", 90) for u in units])
    result = score(c, rules_of(*items), rec)
    assert result.totals.to_dict() == {"甲村": 90, "乙村": 89.5, "丙村": 90, "丁村": 87, "戊村": 87}
    rows = result.rows[result.rows[L.ITEM] == "按时报送"]
    notes = dict(zip(rows[L.UNIT], rows["计算依据"], strict=False))
    assert "报送时间 2022-06-21 00:01（乙.xlsx 的保存时间）" in notes["乙村"]
    assert "逾期 1 天 × 0.5 分 = 0.5 分" in notes["乙村"]
    assert "未报送回收表" in notes["戊村"]
    assert [i.rule for i in result.issues] == ["adjustment_capped"]  # 丁村's 4.5 → 3
    # … as ONE row saying what was capped: 9 days × 0.5 = 4.5, over the cap of 3 → −3
    ding = rows[rows[L.UNIT] == "丁村"]
    assert ding["得分"].tolist() == [-3]
    assert "逾期 9 天 × 0.5 分 = 4.5 分，超过上限 3 分，按上限扣 3 分" in ding["计算依据"].iloc[0]
    assert ding["来源"].iloc[0] == "丁.xlsx"
    # An office's record on the item (an approved delay) replaces the computed deduction.
    adj = pd.DataFrame([("丁村", "按时报送", 0.5, "经批准延期", "")], columns=L.ADJUSTMENT_COLUMNS)
    adj[L.SRC_FILE], adj[L.SRC_SHEET], adj[L.SRC_ROW] = "细则.xlsx", "加扣分", 2
    rec.adjustments = adj
    again = score(c, rules_of(*items), rec)
    assert again.totals["丁村"] == 89.5  # the office's −0.5 (a 逾期扣分 item only deducts)


def lower_case(item, actuals, target=2):
    """Score one 越小越好 item with 目标值 = `target` (a ceiling) and the given 完成值."""
    units = [Unit(f"村{n}", L.VILLAGE) for n in range(len(actuals))]
    rec = scoring(
        [(u.name, item.name, None, a, target) for u, a in zip(units, actuals, strict=True)]
    )
    result = score(cons(units), rules_of(item), rec)
    rows = result.rows[result.rows[L.ITEM] == item.name]
    return [round(v, 6) for v in rows["得分"]], list(rows["计算依据"])


def test_lower_is_better_rate_below_at_above_and_at_zero():
    item = Item(
        "森林火灾受害率",
        10,
        L.M_RATE,
        bonus_per_pct=0.05,
        bonus_cap=2,
        short_per_pct=0.1,
        lower_is_better=True,
    )
    got, why = lower_case(item, [1.6, 2, 4, 0])
    # 1.6: 2 ÷ 1.6 = 125% → 10 + 25 × 0.05 = 11.25
    # 2:   2 ÷ 2 = 100% → 10
    # 4:   2 ÷ 4 = 50% → 10 − 50 × 0.1 = 5
    # 0:   under the ceiling of 2 → met, bonus at its cap: 10 + 2 = 12
    assert got == [11.25, 10, 5, 12]
    assert "完成率 = 2 ÷ 1.6 × 100% = 125%" in why[0]
    assert "完成值 0" in why[3] and "12" in why[3]
    # The same figures scored 越大越好 would rank them backwards (the bug this fixes).
    higher = Item(
        "森林火灾受害率", 10, L.M_RATE, bonus_per_pct=0.05, bonus_cap=2, short_per_pct=0.1
    )
    # 越大越好: 80% → 10 − 20 × 0.1 = 8; 100% → 10; 200% → 10 + min(100 × 0.05, 2) = 12;
    # 0% → 10 − 100 × 0.1 = 0: the best (lowest) rate would get the fewest points.
    assert lower_case(higher, [1.6, 2, 4, 0])[0] == [8, 10, 12, 0]


def test_lower_is_better_zero_without_bonus_and_a_ceiling_of_zero():
    item = Item("越级访", 10, L.M_RATE, lower_is_better=True)
    # target 2: 0 → met, 10 (no bonus rule); 3 → 2 ÷ 3 = 66.67% → 10 × 66.67% = 6.67
    # (score rows are rounded per 保留小数, 2 by default: 6.67)
    assert lower_case(item, [0, 3])[0] == [10, 6.67]
    # a ceiling of 0 (零发生): 0 is exactly met (100%); 1 → 0 ÷ 1 = 0% → 0
    assert lower_case(item, [0, 1], target=0)[0] == [10, 0]


def test_lower_is_better_pass_and_efficacy():
    passing = Item("受害率达标", 5, L.M_PASS, threshold=100, lower_is_better=True)
    # 1.6 → 125% ≥ 100 ✓; 2 → 100% ✓; 4 → 50% ✗; 0 under 2 ✓
    assert lower_case(passing, [1.6, 2, 4, 0])[0] == [5, 5, 0, 5]
    eff = Item("受害率", 10, L.M_EFFICACY, satisfied=1, unacceptable=5, lower_is_better=True)
    # 0.5 → (0.5 − 5) ÷ (1 − 5) = 1.125 ≥ 1 → coefficient 100 → 10
    # 3   → (3 − 5) ÷ (1 − 5) = 0.5 → 60 + 40 × 0.5 = 80 → 8
    # 6   → (6 − 5) ÷ (1 − 5) = −0.25 < 0 → 0
    assert lower_case(eff, [0.5, 3, 6])[0] == [10, 8, 0]


def test_lower_is_better_rank_points_by_value():
    item = Item("发案数", 10, L.M_RANK, rank_points=(10, 8, 6), lower_is_better=True)
    # values 3, 0, 5: the smallest ranks first → 0 is 1st (10), 3 is 2nd (8), 5 is 3rd (6)
    assert lower_case(item, [3, 0, 5])[0] == [8, 10, 6]


def test_an_item_scored_zero_for_absent_data_is_an_error_per_unit_and_item():
    items = [
        Item("经济", 50, L.M_RATE, short_per_pct=1),
        Item("党建", 50, L.M_DIRECT),
    ]
    # 甲村: 经济 with figures (80 of 100), 党建 entered; 乙村: an 经济 row with neither 完成值
    # nor 目标值 (rate_no_data) and no 党建 entry at all (score_input_missing); 丙村: 党建 only.
    rec = scoring(
        [
            ("甲村", "经济", None, 80, 100),
            ("甲村", "党建", 40),
            ("乙村", "经济", None, None, None),
            ("丙村", "党建", 45),
        ]
    )
    result = score(cons(VILLAGES[:3]), rules_of(*items), rec)
    got = [(i.cell, i.rule, i.severity) for i in result.issues]
    assert got == [
        ("D4", "score_value_missing", "error"),  # 乙村 经济, at its 完成值 cell
        ("", "score_input_missing", "error"),  # 乙村 党建
        ("", "score_input_missing", "error"),  # 丙村 经济
    ]
    assert "乙村" in result.issues[0].message and "经济" in result.issues[0].message
    by = {(u, i): s for u, i, s in result.rows[[L.UNIT, L.ITEM, "得分"]].values.tolist()}
    # 甲村 经济: 50 − 20 × 1 = 30; every absent input is 0 — and said so above
    assert by == {
        ("甲村", "经济"): 30,
        ("甲村", "党建"): 40,
        ("乙村", "经济"): 0,
        ("乙村", "党建"): 0,
        ("丙村", "经济"): 0,
        ("丙村", "党建"): 45,
    }


@pytest.mark.parametrize(
    ("setting", "total", "shown"),
    [
        # 计0分: 80 × 40% + (70 + 90 + 0) / 3 × 60% = 32 + 32 = 64
        (L.GAP_ZERO, 64, "月度平均 53.33（3 期，缺 1 期按0分计） × 60%"),
        # 按已有期间平均: 80 × 40% + (70 + 90) / 2 × 60% = 32 + 48 = 80
        (L.GAP_MEAN, 80, "月度平均 80（3 期，缺 1 期不计入平均） × 60%"),
    ],
)
def test_a_missing_monthly_score_under_both_settings(setting, total, shown):
    item = Item("党建", 100, L.M_DIRECT)
    rec = scoring(
        [
            ("甲村", "党建", 80, None, None, None, "年度"),
            ("甲村", "党建", 70, None, None, None, "1月"),
            ("甲村", "党建", 90, None, None, None, "2月"),
            # 乙村 was scored in 3月 too, so the category's 月度 has 3 periods; 甲村 lacks 3月
            ("乙村", "党建", 80, None, None, None, "年度"),
            ("乙村", "党建", 60, None, None, None, "1月"),
            ("乙村", "党建", 60, None, None, None, "2月"),
            ("乙村", "党建", 90, None, None, None, "3月"),
        ]
    )
    rules = rules_of(item, period_weights={"年度": 40, "月度": 60}, missing_period=setting)
    result = score(cons(VILLAGES[:2]), rules, rec)
    # 乙村 has every period: 80 × 40% + (60 + 60 + 90) / 3 × 60% = 32 + 42 = 74
    assert result.totals.to_dict() == {"甲村": total, "乙村": 74}
    gaps = [i for i in result.issues if i.rule == "period_score_missing"]
    assert [(i.rule, i.severity) for i in gaps] == [("period_score_missing", "warning")]
    assert all(w in gaps[0].message for w in ("甲村", "党建", "3月"))
    weighted = result.rows[(result.rows["方法"] == "期间加权") & (result.rows[L.UNIT] == "甲村")]
    assert shown in weighted["计算依据"].iloc[0]


def test_missing_period_setting_is_read_and_checked():
    from targetbook.rules import rules_from_frames

    def frames(value):
        return {
            "考核项目": pd.DataFrame([["项目", "分值", "方法"], ["党建", 100, "直接打分"]]),
            "设置": pd.DataFrame([["项目", "值"], ["缺期处理", value]]),
        }

    rules, issues = rules_from_frames(frames("按已有期间平均"))
    assert rules.settings.missing_period == L.GAP_MEAN and issues == []
    _, issues = rules_from_frames(frames("跳过"))
    assert [(i.sheet, i.cell, i.rule) for i in issues] == [("设置", "B2", "rule_setting_invalid")]


def test_explanations_speak_in_the_returns_terms_and_round_per_decimals():
    progress = pd.DataFrame(
        {
            L.UNIT: ["甲村", "乙村"],
            L.INDICATOR: ["村集体经济收入"] * 2,
            L.MEASURE: ["万元", "万元"],
            L.TARGET_VALUE: [20, "20万元"],  # a bare number under 计量单位 万元, and a text
            L.ACTUAL_VALUE: [15.9, "0.159亿"],
            L.parsed(L.TARGET_VALUE): [200000.0, 200000.0],
            L.parsed(L.ACTUAL_VALUE): [159000.0, 15900000.0 / 100],
            L.parsed(L.RATE): [None, None],
            L.SRC_FILE: ["甲村.xlsx", "乙村.xlsx"],
            L.SRC_SHEET: ["指标进度"] * 2,
            L.SRC_ROW: [4, 4],
        }
    )
    item = Item("集体经济", 7, L.M_RATE, indicator="村集体经济收入")
    result = score(cons(VILLAGES[:2], progress), rules_of(item, decimals=1))
    rows = result.rows.set_index(L.UNIT)
    # 159000 ÷ 200000 = 79.5%; 7 × 79.5% = 5.565 → 保留小数 1 → 5.6 (row and explanation)
    assert rows.loc["甲村", "得分"] == 5.6
    assert rows.loc["甲村", "计算依据"] == (
        "完成率 = 15.9万元 ÷ 20万元 × 100% = 79.5%；得分 = 7 × 79.5% = 5.6"
    )
    assert rows.loc["乙村", "计算依据"].startswith("完成率 = 0.159亿 ÷ 20万元 × 100% = 79.5%")


def test_scores_round_half_up_like_excel_round():
    item = Item("党建", 100, L.M_DIRECT)
    rec = scoring([("甲村", "党建", 80.125), ("乙村", "党建", 80.135), ("丙村", "党建", 2.675)])
    result = score(cons(VILLAGES[:3]), rules_of(item), rec)
    # 保留小数 2, 四舍五入 (Excel ROUND): 80.125 → 80.13, 80.135 → 80.14, 2.675 → 2.68
    # (round-half-even or binary floats would give 80.12 and 2.67)
    assert result.totals.to_dict() == {"甲村": 80.13, "乙村": 80.14, "丙村": 2.68}


def test_lower_is_better_proportional_to_a_best_of_zero():
    item = Item("发案数", 10, L.M_RANK, lower_is_better=True)
    # best 0: the unit at 0 earns 10; the others 10 × 0 ÷ 2 = 0 and 10 × 0 ÷ 5 = 0
    assert lower_case(item, [0, 2, 5])[0] == [10, 0, 0]
    # best 2: 10 × 2 ÷ 2 = 10, 10 × 2 ÷ 4 = 5, 10 × 2 ÷ 8 = 2.5
    assert lower_case(item, [2, 4, 8])[0] == [10, 5, 2.5]


def test_records_in_any_order_score_in_registry_then_item_order_with_gaps_per_category():
    # Each category has its own catalogue: 村 党建 + 经济 + 治理, 社区 党建 + 服务 (党建 is
    # shared). The records come shuffled, one is blank and one over its points: the score
    # rows follow the registry, then the 考核项目 order; each gap is a 0 row and a warning.
    units = [Unit("甲村", L.VILLAGE), Unit("一社区", L.COMMUNITY), Unit("乙村", L.VILLAGE)]
    items = [
        Item("党建", 10, L.M_DIRECT),
        Item("经济", 10, L.M_DIRECT, category=L.VILLAGE),
        Item("服务", 10, L.M_DIRECT, category=L.COMMUNITY),
        Item("治理", 10, L.M_DIRECT, category=L.VILLAGE),
    ]
    rec = scoring(
        [
            ("乙村", "治理", 7),  # row 2
            ("一社区", "服务", 12),  # row 3: over 10 points
            ("甲村", "党建", 9),  # row 4
            ("乙村", "党建", None),  # row 5: blank
            ("甲村", "治理", 6.5),  # row 6
        ]
    )
    result = score(cons(units), rules_of(*items), rec)
    rows = result.rows[[L.UNIT, L.ITEM, "得分", "来源"]].values.tolist()
    assert rows == [
        ["甲村", "党建", 9, "打分.xlsx!考核打分!C4"],
        ["甲村", "经济", 0, ""],  # no record at all: a gap
        ["甲村", "治理", 6.5, "打分.xlsx!考核打分!C6"],
        ["一社区", "党建", 0, ""],  # a gap
        ["一社区", "服务", 10, "打分.xlsx!考核打分!C3"],  # capped at 10
        ["乙村", "党建", 0, "打分.xlsx!考核打分!D5"],  # blank: at its 完成值 cell
        ["乙村", "经济", 0, ""],  # a gap
        ["乙村", "治理", 7, "打分.xlsx!考核打分!C2"],
    ]
    # Issues in scoring order: category (村 before 社区), then item.
    found = [(i.cell, i.rule) for i in result.issues]
    assert found == [
        ("D5", "score_value_missing"),
        ("C3", "score_over_points"),
        ("", "score_input_missing"),  # 甲村 经济
        ("", "score_input_missing"),  # 一社区 党建
        ("", "score_input_missing"),  # 乙村 经济
    ]
    # 甲村 9 + 0 + 6.5 = 15.5; 一社区 0 + 10 = 10; 乙村 0 + 0 + 7 = 7
    assert result.totals.to_dict() == {"甲村": 15.5, "一社区": 10, "乙村": 7}
