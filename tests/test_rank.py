"""Ranks, ties, 进位, vetoes, grades, awards, warnings and the ranked workbook — by hand."""

from __future__ import annotations

import datetime as dt
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import soffice_convert

from targetbook import labels as L
from targetbook.pipeline import rank_files
from targetbook.rank import rank
from targetbook.rank.order import competition_rank
from targetbook.registry import Registry, Unit
from targetbook.results import Consolidation
from targetbook.rules import Award, Grade, Item, Records, Rules, Settings
from targetbook.write.ranking import load_ranking, write_ranking

ITEMS = [Item("党建", 60, L.M_DIRECT), Item("经济", 40, L.M_DIRECT)]


def units(names, category=L.VILLAGE, group=""):
    return [Unit(n, category, group) for n in names]


def cons(unit_list, annexes=None, progress=None, year=2022):
    c = Consolidation(registry=Registry(unit_list), year=year)
    c.annexes = annexes or {}
    if progress is not None:
        c.others[L.PROGRESS_KIND] = progress
    return c


def records(scores: dict[str, tuple[float, float]], vetoes=()):
    """{unit: (党建, 经济)} as 考核打分 rows; vetoes: units vetoed on 安全生产."""
    rows = [
        (u, item, s)
        for u, pair in scores.items()
        for item, s in zip(("党建", "经济"), pair, strict=True)
    ]
    frame = pd.DataFrame(rows, columns=[L.UNIT, L.ITEM, L.SCORE])
    for c in (*L.SCORING_COLUMNS, *L.PROVENANCE):
        if c not in frame:
            frame[c] = None
    veto = pd.DataFrame(
        [(u, "安全生产", "亡人事故", "2022-11-02") for u in vetoes], columns=list(L.VETO_COLUMNS)
    )
    for c in L.PROVENANCE:
        veto[c] = None
    return Records(scoring=frame, vetoes=veto)


def rules(grades=(), awards=(), **settings):
    return Rules(
        items=list(ITEMS), grades=list(grades), awards=list(awards), settings=Settings(**settings)
    )


def table(result, *cols):
    return {r[L.UNIT]: tuple(r[c] for c in cols) for r in result.ranks.to_dict("records")}


def places(result):
    return {u: (None if np.isnan(v[0]) else int(v[0])) for u, v in table(result, "名次").items()}


FOUR = units(["甲村", "乙村", "丙村", "丁村"])


def test_tie_at_the_top_ranks_like_rank_eq():
    sc = {"甲村": (50, 40), "乙村": (55, 35), "丙村": (50, 30), "丁村": (40, 30)}
    result = rank(cons(FOUR), rules(), scores=records(sc))
    assert places(result) == {"甲村": 1, "乙村": 1, "丙村": 3, "丁村": 4}
    assert table(result, "并列")["甲村"] == (L.YES,)
    assert table(result, "并列")["丙村"] == ("",)
    assert result.ranks[L.UNIT].tolist() == ["甲村", "乙村", "丙村", "丁村"]


def test_tie_break_item_decides_a_tie():
    sc = {"甲村": (50, 40), "乙村": (55, 35), "丙村": (50, 30), "丁村": (40, 30)}
    result = rank(cons(FOUR), rules(tie_break=("党建",)), scores=records(sc))
    assert places(result) == {"乙村": 1, "甲村": 2, "丙村": 3, "丁村": 4}
    assert all(v == ("",) for v in table(result, "并列").values())


def test_categories_and_groups_are_ranked_separately():
    unit_list = [
        *units(["甲村", "乙村"], group="一组"),
        *units(["丙村"], group="二组"),
        *units(["党政办", "财政办"], L.DEPARTMENT),
    ]
    sc = {"甲村": (50, 30), "乙村": (50, 40), "丙村": (60, 40), "党政办": (1, 1), "财政办": (2, 2)}
    result = rank(cons(unit_list), rules(), scores=records(sc))
    got = table(result, "名次", "组内名次")
    assert got["财政办"][0] == 1 and got["党政办"][0] == 2
    assert (got["丙村"][0], got["乙村"][0], got["甲村"][0]) == (1, 2, 3)
    assert (got["乙村"][1], got["甲村"][1], got["丙村"][1]) == (1, 2, 1)
    assert np.isnan(got["党政办"][1])


def test_a_unit_with_no_scores_is_not_ranked_and_reported():
    sc = {"甲村": (50, 40), "乙村": (40, 40), "丙村": (30, 30)}
    grades = [Grade("优秀", share=50), Grade("合格")]
    result = rank(cons(FOUR), rules(grades), scores=records(sc))
    assert places(result) == {"甲村": 1, "乙村": 2, "丙村": 3, "丁村": None}
    assert table(result, "等次")["丁村"] == ("",)
    # 50% of the 3 ranked units, rounded down: one 优秀
    assert [table(result, "等次")[u][0] for u in ("甲村", "乙村")] == ["优秀", "合格"]
    assert [(i.rule, i.message.count("丁村")) for i in result.issues] == [("unit_no_scores", 1)]
    assert result.ranks[L.UNIT].tolist()[-1] == "丁村"


def test_progress_against_last_year_and_a_unit_new_this_year():
    sc = {"甲村": (50, 40), "乙村": (40, 40), "丙村": (30, 30), "丁村": (20, 20)}
    previous = pd.DataFrame({L.UNIT: ["甲村", "乙村", "丙村"], "名次": [3, 1, 2]})
    result = rank(cons(FOUR), rules(), scores=records(sc), previous=previous)
    got = table(result, "上年名次", "进位")
    assert got["甲村"] == (3, 2) and got["乙村"] == (1, -1) and got["丙村"] == (2, -1)
    assert np.isnan(got["丁村"][0]) and np.isnan(got["丁村"][1])


GRADES = [Grade("优秀", lower=90, quota=1), Grade("良好", lower=80), Grade("合格")]
AWARD = [Award("综合优胜奖", L.VILLAGE, "", 1)]
TOP = {"甲村": (60, 38), "乙村": (55, 35), "丙村": (50, 35), "丁村": (45, 20)}  # 98 90 85 65


@pytest.mark.parametrize(
    ("effect", "place", "grade", "total", "next_grade"),
    [
        (L.V_FAIL, 1, L.V_FAIL, 98, "优秀"),  # graded 不合格; its 优秀 seat goes to 乙村
        (L.V_DOWNGRADE, 1, "良好", 98, "优秀"),  # one step below its own 优秀; no seat taken
        (L.V_NO_HONOURS, 1, "优秀", 98, "良好"),  # graded as usual, only the award is lost
        # ranked after every unvetoed unit, graded on its own 98 but never 优秀: 良好 (not the
        # 合格 of 丁村, who ranks just above it)
        (L.V_LAST, 4, "良好", 98, "优秀"),
        (L.V_NO_HONOURS_GRADE, 1, "良好", 98, "优秀"),  # keeps its place; 98 but never 优秀
        (L.V_ZERO, 4, "合格", 0, "优秀"),  # total 0 (and so last)
    ],
)
def test_vetoed_top_scorer_under_each_effect(effect, place, grade, total, next_grade):
    result = rank(
        cons(FOUR), rules(GRADES, AWARD, veto_effect=effect), scores=records(TOP, vetoes=["甲村"])
    )
    got = table(result, "名次", "等次", "总分", "奖项", "否决", "否决事由")
    assert got["甲村"] == (place, grade, total, "", "安全生产", "亡人事故")
    assert got["乙村"][1] == next_grade
    assert got["乙村"][3] == "综合优胜奖"  # the award skips the vetoed unit
    if effect == L.V_ZERO:
        rows = result.scores[result.scores[L.UNIT] == "甲村"]
        assert rows["得分"].sum() == 0 and rows[L.ITEM].iloc[-1] == "一票否决"


def test_quota_inside_a_tie_strict_gives_all_the_lower_grade():
    sc = {"甲村": (60, 35), "乙村": (50, 40), "丙村": (50, 40), "丁村": (40, 30)}  # 95 90 90 70
    grades = [Grade("优秀", quota=2), Grade("良好", quota=1), Grade("合格")]
    result = rank(cons(FOUR), rules(grades), scores=records(sc))
    got = {u: v[0] for u, v in table(result, "等次").items()}
    # 优秀 has 1 seat left for the 2 tied units: neither gets it; 良好 has 1 seat: the same
    # again; so both are 合格 (from above: a ceiling is never exceeded), and two warnings.
    assert got == {"甲村": "优秀", "乙村": "合格", "丙村": "合格", "丁村": "合格"}
    assert [i.rule for i in result.issues] == ["quota_tie", "quota_tie"]


def test_quota_inside_a_tie_lenient_gives_all_the_higher_grade():
    sc = {"甲村": (60, 35), "乙村": (50, 40), "丙村": (50, 40), "丁村": (40, 30)}
    grades = [Grade("优秀", quota=2), Grade("良好", quota=1), Grade("合格")]
    result = rank(cons(FOUR), rules(grades, quota_tie=L.TIE_LENIENT), scores=records(sc))
    got = {u: v[0] for u, v in table(result, "等次").items()}
    assert got == {"甲村": "优秀", "乙村": "优秀", "丙村": "优秀", "丁村": "良好"}
    assert [i.rule for i in result.issues] == ["quota_tie"]


@pytest.mark.parametrize(
    ("rounding", "excellent"), [(L.ROUND_DOWN, 1), (L.ROUND_HALF_UP, 2), (L.ROUND_UP, 2)]
)
def test_quota_share_rounding(rounding, excellent):
    five = units(["甲村", "乙村", "丙村", "丁村", "戊村"])
    sc = {u.name: (50 - n, 40) for n, u in enumerate(five)}
    grades = [Grade("优秀", share=30), Grade("合格")]  # 30% of 5 = 1.5
    result = rank(cons(five), rules(grades, quota_rounding=rounding), scores=records(sc))
    assert result.ranks["等次"].tolist().count("优秀") == excellent


def test_tie_across_an_award_cut():
    sc = {"甲村": (60, 38), "乙村": (55, 35), "丙村": (55, 35), "丁村": (45, 20)}
    award = [Award("综合优胜奖", L.VILLAGE, "", 2), Award("单项先进", "", "党建", 1)]
    strict = rank(cons(FOUR), rules(awards=award), scores=records(sc))
    assert {u: v[0] for u, v in table(strict, "奖项").items()} == {
        "甲村": "综合优胜奖、单项先进（党建）",
        "乙村": "",
        "丙村": "",
        "丁村": "",
    }
    assert [i.rule for i in strict.issues] == ["quota_tie"]
    lenient = rank(cons(FOUR), rules(awards=award, quota_tie=L.TIE_LENIENT), scores=records(sc))
    assert [table(lenient, "奖项")[u][0] for u in ("乙村", "丙村", "丁村")] == [
        "综合优胜奖",
        "综合优胜奖",
        "",
    ]


def test_each_item_award_and_band_grades():
    sc = {"甲村": (60, 30), "乙村": (50, 40), "丙村": (45, 35)}
    award = [Award("单项先进", "", "各项", 1)]
    grades = [Grade("优秀", lower=90), Grade("良好", lower=80), Grade("一般", lower=0)]
    result = rank(cons(FOUR[:3]), rules(grades, award), scores=records(sc))
    got = table(result, "奖项", "等次")
    assert got["甲村"] == ("单项先进（党建）", "优秀")
    assert got["乙村"] == ("单项先进（经济）", "优秀")
    assert got["丙村"] == ("", "良好")


def test_progress_warnings_against_elapsed_time():
    progress = pd.DataFrame(
        {
            L.UNIT: ["甲村"] * 5,
            L.INDICATOR: list("ABCDE"),
            L.TARGET_VALUE: ["100万元"] * 5,
            L.ACTUAL_VALUE: ["x"] * 5,
            L.parsed(L.TARGET_VALUE): [100.0] * 5,
            L.parsed(L.ACTUAL_VALUE): [40.01, 40.0, 20.0, 19.99, None],
            L.parsed(L.RATE): [None] * 5,
            L.SRC_FILE: ["甲村.xlsx"] * 5,
            L.SRC_SHEET: ["指标进度"] * 5,
            L.SRC_ROW: range(3, 8),
        }
    )
    result = rank(cons(FOUR[:1], progress=progress), rules(schedule=50), scores=records({}))
    w = result.warnings
    assert list(w.columns) == list(L.WARNING_COLUMNS)
    # behind by 9.99 → green; 10 → yellow; 30 → yellow; 30.01 → red; no figures → 无数据
    assert w["预警"].tolist() == [
        L.LIGHT_GREEN,
        L.LIGHT_YELLOW,
        L.LIGHT_YELLOW,
        L.LIGHT_RED,
        L.NO_DATA,
    ]
    assert w["来源"].iloc[0] == "甲村.xlsx!指标进度!第3行"
    assert w[L.CATEGORY].tolist() == [L.VILLAGE] * 5
    on_day = rank(
        cons(FOUR[:1], progress=progress), rules(), scores=records({}), as_of=dt.date(2022, 7, 2)
    )  # day 183 of 365
    assert on_day.warnings["序时进度"].iloc[0] == round(183 / 365 * 100, 2)


def test_progress_lights_of_a_lower_is_better_indicator():
    # 森林火灾受害率, ceiling 2 (越小越好 item); 序时进度 50 must not apply to a ceiling.
    progress = pd.DataFrame(
        {
            L.UNIT: ["甲村"] * 5,
            L.INDICATOR: ["森林火灾受害率"] * 4 + ["产值"],
            L.parsed(L.TARGET_VALUE): [2.0, 2.0, 2.0, 2.0, 100.0],
            L.parsed(L.ACTUAL_VALUE): [0.0, 2.0, 2.4, 4.0, 30.0],
            L.parsed(L.RATE): [None] * 5,
        }
    )
    items = [*ITEMS, Item("火灾", 0, L.M_RATE, indicator="森林火灾受害率", lower_is_better=True)]
    r = Rules(items=items, settings=Settings(schedule=50))
    w = rank(cons(FOUR[:1], progress=progress), r, scores=records({})).warnings
    # 0 ≤ 2 and 2 ≤ 2: at or under the ceiling → 100%, gap 0 → green (it was red at 0%);
    # 2.4: 2 ÷ 2.4 = 83.33%, gap 100 − 83.33 = 16.67 → yellow;
    # 4: 2 ÷ 4 = 50%, gap 50 > 30 → red; 产值 (越大越好): 30%, gap 50 − 30 = 20 → yellow.
    assert w["完成率"].tolist() == [100, 100, 83.33, 50, 30]
    assert w["差距"].tolist() == [0, 0, 16.67, 50, 20]
    assert w["序时进度"].tolist() == [100, 100, 100, 100, 50]
    assert w["预警"].tolist() == [
        L.LIGHT_GREEN,
        L.LIGHT_GREEN,
        L.LIGHT_YELLOW,
        L.LIGHT_RED,
        L.LIGHT_YELLOW,
    ]
    # A 方向 cell on the return's row says the same without an item.
    own = progress.assign(**{L.DIRECTION: ["越小越好"] * 4 + [""]})
    w2 = rank(cons(FOUR[:1], progress=own), rules(schedule=50), scores=records({})).warnings
    assert w2["预警"].tolist() == w["预警"].tolist()


def test_schedule_per_indicator_beside_the_run_wide_one():
    progress = pd.DataFrame(
        {
            L.UNIT: ["甲村"] * 3,
            L.INDICATOR: ["山药种植面积", "产值", "税收"],
            L.parsed(L.TARGET_VALUE): [100.0] * 3,
            L.parsed(L.ACTUAL_VALUE): [85.0, 35.0, 60.0],
            L.parsed(L.RATE): [None] * 3,
            L.SCHEDULE: [None, None, "80%"],  # 税收's own row says 80%
        }
    )
    # 山药 is planted in spring: its item's 序时进度 is 90% whatever the date.
    items = [*ITEMS, Item("三农", 0, L.M_RATE, indicator="山药种植面积", schedule=90)]
    r = Rules(items=items, settings=Settings(schedule=50))
    w = rank(cons(FOUR[:1], progress=progress), r, scores=records({})).warnings
    # 山药: 90 − 85 = 5 → green (against the run's 50 it would be ahead, and against 90
    # it is still green); 产值: 50 − 35 = 15 → yellow; 税收: 80 − 60 = 20 → yellow (against
    # the run-wide 50 it would have been green: 50 − 60 < 0)
    assert w["序时进度"].tolist() == [90, 50, 80]
    assert w["差距"].tolist() == [5, 15, 20]
    assert w["预警"].tolist() == [L.LIGHT_GREEN, L.LIGHT_YELLOW, L.LIGHT_YELLOW]
    # … and 山药 at 55 would be red against its own 90 (90 − 55 = 35 > 30)
    late = progress.assign(**{L.parsed(L.ACTUAL_VALUE): [55.0, 35.0, 60.0]})
    w2 = rank(cons(FOUR[:1], progress=late), r, scores=records({})).warnings
    assert w2["预警"].iloc[0] == L.LIGHT_RED


def test_target_achievement_from_own_ranks_and_outside_results():
    annex = pd.DataFrame(
        {
            L.SEQ: [1, 2, 3],
            L.UNIT: ["甲村", "乙村", "丙村"],
            L.TARGET: ["党建工作考核全镇第1", "党建考核全镇保2争1；全区榜上有名", "违建零发生"],
            L.PLAN: ["", "", ""],
            L.SRC_FILE: ["汇总"] * 3,
            L.SRC_SHEET: ["附件2"] * 3,
            L.SRC_ROW: [4, 5, 6],
        }
    )
    sc = {"甲村": (60, 30), "乙村": (50, 40), "丙村": (45, 35)}
    rec = records(sc)
    rec.external = pd.DataFrame(
        [["丙村", "违建", "", None, 0, None, None, "打分.xlsx", "外部结果", 2]],
        columns=[*L.EXTERNAL_COLUMNS, *L.PROVENANCE],
    )
    result = rank(cons(FOUR[:3], annexes={L.VILLAGE: annex}), rules(), scores=rec)
    a = result.achievement
    assert list(a.columns) == list(L.ACHIEVEMENT_COLUMNS)
    got = list(zip(a[L.UNIT], a["判定"], a["实际"], strict=True))
    assert got == [
        ("甲村", L.VERDICT_MET, "第1名"),
        ("乙村", L.VERDICT_GUARANTEE, "第2名"),
        ("乙村", L.VERDICT_PENDING, ""),
        ("丙村", L.VERDICT_MET, "0"),
    ]
    assert a["来源"].tolist()[0] == "汇总!附件2!第4行"
    assert a["来源"].tolist()[-1] == "打分.xlsx!外部结果!第2行"


def test_competition_rank_matches_libreoffice_rank_eq(tmp_path):
    rng = np.random.default_rng(7)
    totals = np.round(rng.choice([70, 80.5, 85.25, 90, 99.99, 100], size=40), 2)
    totals[:3] = [85.25, 85.25, 100]
    src = tmp_path / "rank.xlsx"
    # openpyxl stores formulas without cached results, so LibreOffice must compute them
    # (it keeps the cached 0 XlsxWriter would write).
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for n, v in enumerate(totals, start=1):
        ws.cell(n, 1, float(v))
        ws.cell(n, 2, f"=_xlfn.RANK.EQ(A{n},$A$1:$A${len(totals)},0)")
    wb.save(src)
    out = soffice_convert(src, "xlsx", tmp_path / "lo")
    sheet = openpyxl.load_workbook(out, data_only=True)["S"]
    excel = [int(sheet.cell(n + 1, 2).value) for n in range(len(totals))]
    frame = pd.DataFrame({"c": 0, "t": totals})
    assert competition_rank(frame, ["c"], ["t"]).astype(int).tolist() == excel
    assert len(set(excel)) < len(excel)  # the fixture really has ties


def test_ranked_workbook_round_trip_with_charts_and_text_safety(tmp_path):
    unit_list = [*FOUR, *units(["党政办", "财政办"], L.DEPARTMENT)]
    sc = {
        "甲村": (60, 38),
        "乙村": (55, 35),
        "丙村": (50, 35),
        "党政办": (50, 40),
        "财政办": (50, 30),
    }
    rec = records(sc, vetoes=["丙村"])
    rec.scoring.loc[0, L.BASIS] = '=HYPERLINK("http://x")'
    c = cons(unit_list)
    result = rank(c, rules(GRADES, AWARD), scores=rec)
    path = write_ranking(result, tmp_path / "排名.xlsx", consolidation=c)
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2  # 部门 and 村 have totals, 社区 has no units
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:5] == [
        L.SHEET_RANKS,
        L.SHEET_SCORES,
        L.SHEET_ACHIEVEMENT,
        L.SHEET_WARNINGS,
        L.SHEET_RANK_ISSUES,
    ]
    assert {L.annex_sheet(L.VILLAGE), L.SHEET_REGISTRY, L.SHEET_PARAMS} <= set(book.sheetnames)
    cell = book[L.SHEET_SCORES]["G2"]
    assert cell.data_type == "s" and cell.value.startswith("考核打分录入")
    back = load_ranking(path)
    assert list(back.ranks.columns) == list(L.RANK_COLUMNS)
    assert back.ranks[L.UNIT].tolist() == result.ranks[L.UNIT].tolist()
    assert back.ranks["名次"].tolist()[:2] == [1.0, 2.0]
    assert back.ranks["否决"].tolist() == result.ranks["否决"].tolist()
    assert [i.rule for i in back.issues] == [i.rule for i in result.issues]
    assert back.year == 2022


def test_rank_files_end_to_end(tmp_path, book):
    from targetbook.write.consolidation import write_consolidation

    c = cons(FOUR)
    consolidated = write_consolidation(c, tmp_path / "汇总.xlsx", year=2022)
    rules_path = book(
        "考核细则.xlsx",
        {
            "考核项目": [["类别", "项目", "分值", "方法"], ["", "党建", 100, "直接打分"]],
            "等次": [["等次", "名额"], ["优秀", 1], ["合格", None]],
            "奖项": [["奖项", "类别", "名额"], ["综合优胜奖", "村", 1]],
        },
    )
    scores_path = book(
        "打分.xlsx",
        {
            "考核打分": [
                ["单位", "项目", "得分"],
                ["甲村", "党建", 90],
                ["乙村", "党建", 95],
                ["丙村", "党建", 80],
            ]
        },
    )
    first = rank_files(consolidated, rules_path, scores=scores_path, out=tmp_path / "2022.xlsx")
    again = rank_files(
        consolidated,
        rules_path,
        scores=scores_path,
        previous=tmp_path / "2022.xlsx",
        out=tmp_path / "2023.xlsx",
    )
    assert places(first) == {"乙村": 1, "甲村": 2, "丙村": 3, "丁村": None}
    assert table(again, "进位")["乙村"] == (0,)
    doc = again.to_dict()
    assert doc["out"].endswith("2023.xlsx")
    assert doc["ranks"][0] == {
        "category": L.VILLAGE,
        "unit": "乙村",
        "total": 95,
        "rank": 1,
        "tie": False,
        "grade": "优秀",
        "awards": ["综合优胜奖"],
        "veto": None,
        "note": None,
    }
    assert [i["rule"] for i in doc["issues"]] == ["unit_no_scores"]
    # 丁村 is listed, unranked, with the reason (never a blank row)
    assert doc["ranks"][-1]["unit"] == "丁村" and doc["ranks"][-1]["note"].startswith("未参加排名")


def test_demo_rules_express_seed_003_with_marked_examples(tmp_path):
    from targetbook.demo.rules import (
        DEFAULT_UNITS,
        LINKED_UNIT,
        VETOED,
        write_rules,
        write_scores,
    )
    from targetbook.write.rules import load_rules, load_scores

    rules_obj, issues = load_rules(write_rules(tmp_path / "考核细则.xlsx"))
    assert issues == []
    s = rules_obj.settings
    assert s.veto_items == ("党风廉政建设", "社会治安综合治理", "计划生育", "安全生产")
    assert {i.method for i in rules_obj.items} == set(L.METHODS)
    assert [(a.name, a.category, a.quota) for a in rules_obj.awards][:2] == [
        ("综合工作目标优胜奖", L.VILLAGE, 1),
        ("综合工作目标优胜奖", L.DEPARTMENT, 1),
    ]
    records, issues = load_scores(write_scores(tmp_path / "打分.xlsx"))
    assert issues == []
    assert set(records.scoring[L.BASIS]) == {L.EXAMPLE_MARK}
    assert all(L.EXAMPLE_MARK in r for r in records.vetoes[L.REASON])
    unit_list = [Unit(n, c) for c, n in DEFAULT_UNITS]
    assert len(unit_list) == 34
    result = rank(cons(unit_list), rules_obj, scores=records)
    # 财政办's 财政工作 comes from its return's 指标进度, absent from this bare consolidation.
    assert sorted(i.rule for i in result.issues) == ["adjustment_capped", "score_input_missing"]
    (missing,) = [i for i in result.issues if i.rule == "score_input_missing"]
    assert LINKED_UNIT in missing.message and "财政工作" in missing.message
    villages = result.ranks[result.ranks[L.CATEGORY] == L.VILLAGE]
    first, second = villages.iloc[0], villages.iloc[1]
    assert (first[L.UNIT], first["名次"], first["奖项"]) == (VETOED, 1, "")
    assert first["否决"] == "党风廉政建设"
    assert "综合工作目标优胜奖" in second["奖项"]
    departments = result.ranks[result.ranks[L.CATEGORY] == L.DEPARTMENT]
    assert "综合工作目标优胜奖" in departments.iloc[0]["奖项"]


def test_hand_made_previous_ranking_with_a_title_and_place_texts(book):
    path = book(
        "2021年排名.xlsx",
        {
            L.SHEET_RANKS: [
                ["2021年度村考核排名"],
                [L.UNIT, "总分", "名次"],
                ["甲村", 90, "并列第1名"],
                ["乙村", 90, "并列第1名"],
                ["丙村", 80, "第三名"],
            ],
        },
    )
    previous = load_ranking(path).ranks
    sc = {"甲村": (50, 40), "乙村": (55, 40), "丙村": (60, 40), "丁村": (40, 30)}
    result = rank(cons(FOUR), rules(), scores=records(sc), previous=previous)
    got = {u: v for u, v in table(result, "上年名次", "进位").items() if not np.isnan(v[0])}
    assert got == {"丙村": (3, 2), "乙村": (1, -1), "甲村": (1, -2)}


def test_outside_result_without_item_answers_only_targets_without_subject():
    annex = pd.DataFrame(
        {
            L.SEQ: [1],
            L.UNIT: ["甲村"],
            L.TARGET: ["考核优秀等次；水利工作考核全区第1"],
            L.PLAN: [""],
            L.SRC_FILE: ["汇总"],
            L.SRC_SHEET: ["附件2"],
            L.SRC_ROW: [4],
        }
    )
    rec = records({"甲村": (60, 30)})
    rec.external = pd.DataFrame(
        [["甲村", "", "", 3, None, "优秀", None, "f", "外部结果", 2]],
        columns=[*L.EXTERNAL_COLUMNS, *L.PROVENANCE],
    )
    result = rank(cons(FOUR[:1], annexes={L.VILLAGE: annex}), rules(), scores=rec)
    assert result.achievement["判定"].tolist() == [L.VERDICT_MET, L.VERDICT_PENDING]


def test_no_veto_records_at_all():
    sc = {"甲村": (50, 40), "乙村": (55, 35)}
    rec = records(sc)
    empty = pd.DataFrame({c: pd.Series([], dtype="float64") for c in rec.vetoes.columns})
    for vetoes in (rec.vetoes, empty):  # no rows; columns typed object or float64
        result = rank(cons(FOUR), rules(), scores=Records(scoring=rec.scoring, vetoes=vetoes))
        assert table(result, "否决", "否决事由")["甲村"] == ("", "")
        assert places(result)["甲村"] == 1


def test_ranked_workbook_carries_the_consolidation_parameters(tmp_path):
    c = cons(FOUR)
    c.params = {L.PARAM_TOWN: "南桐镇", L.PARAM_OFFICE: "南桐镇党政办公室", L.PARAM_YEAR: "1999"}
    result = rank(c, rules(), scores=records({"甲村": (50, 40)}))
    path = write_ranking(
        result, tmp_path / "排名.xlsx", consolidation=c, params={L.PARAM_DOC_NUMBER: "14号"}
    )
    ws = openpyxl.load_workbook(path)[L.SHEET_PARAMS]
    got = {r[0].value: r[1].value for r in ws.iter_rows(min_row=2)}
    assert got == {
        L.PARAM_YEAR: "2022",  # the ranking's year wins over a stale 参数 row
        L.PARAM_TOWN: "南桐镇",
        L.PARAM_OFFICE: "南桐镇党政办公室",
        L.PARAM_DOC_NUMBER: "14号",
    }
    from targetbook.report.load import read_ranked

    assert read_ranked(path).params[L.PARAM_OFFICE] == "南桐镇党政办公室"


def test_outside_results_answer_only_targets_of_their_kind_subject_and_scope():
    # 甲村's second target inherits the rate's subject when parsed; its 外部结果 row has only
    # a 数值 (the rate's 45%), which must not answer the rank target.
    annex = pd.DataFrame(
        {
            L.UNIT: ["甲村", "乙村", "丙村", "丁村"],
            L.TARGET: [
                "养老服务社会化运营率达50%，区考核组排名保3争2",
                "政务信息工作全区镇街排名保2争1",
                "环境卫生考核全区第1",
                "区考核组排名第1",
            ],
            L.SRC_FILE: ["汇总"] * 4,
            L.SRC_SHEET: ["附件2"] * 4,
            L.SRC_ROW: [4, 5, 6, 7],
        }
    )
    outside = [
        ["甲村", "养老服务社会化运营率", "", None, 45, None, None],
        ["乙村", "政务信息", "全区镇街", None, 88, None, None],  # a 数值 only: not a rank
        ["乙村", "政务信息工作", "全市", 1, None, None, None],  # another scope
        ["乙村", "政务 信息", "全区镇街", 2, None, None, None],  # the one (normalised 项目)
        ["丙村", "安全生产", "全区", 1, None, None, None],  # another subject
        ["丁村", "", "区考核组", 1, None, None, None],  # the unit's overall place
    ]
    rec = records({u: (50, 30) for u in ["甲村", "乙村", "丙村", "丁村"]})
    rec.external = pd.DataFrame(
        [[*r, "打分.xlsx", "外部结果", n] for n, r in enumerate(outside, start=2)],
        columns=[*L.EXTERNAL_COLUMNS, *L.PROVENANCE],
    )
    a = rank(cons(FOUR, annexes={L.VILLAGE: annex}), rules(), scores=rec).achievement
    got = list(zip(a[L.UNIT], a["实际"], a["判定"], a["来源"], strict=True))
    assert got == [
        ("甲村", "45", L.VERDICT_NOT_MET, "打分.xlsx!外部结果!第2行"),
        ("甲村", "", L.VERDICT_PENDING, "汇总!附件2!第4行"),
        ("乙村", "第2名", L.VERDICT_GUARANTEE, "打分.xlsx!外部结果!第5行"),
        ("丙村", "", L.VERDICT_PENDING, "汇总!附件2!第6行"),
        ("丁村", "第1名", L.VERDICT_MET, "打分.xlsx!外部结果!第7行"),
    ]


def test_rules_and_scores_files_are_cited_as_given_never_by_absolute_path(
    tmp_path, book, monkeypatch
):
    from targetbook.write.consolidation import write_consolidation

    annex = pd.DataFrame(
        {
            L.SEQ: [1],
            L.UNIT: ["甲村"],
            L.TARGET: ["党建工作全区第1"],
            L.PLAN: [""],
            L.SRC_FILE: ["回收/甲村.xlsx"],
            L.SRC_SHEET: ["附件2"],
            L.SRC_ROW: [5],
        }
    )
    consolidated = write_consolidation(
        cons(FOUR, annexes={L.VILLAGE: annex}), tmp_path / "汇总.xlsx", year=2022
    )
    rules_path = book(
        "细则/考核细则.xlsx",
        {
            "考核项目": [["类别", "项目", "分值", "方法"], ["", "党建", 100, "直接打分"]],
            "加扣分": [["单位", "项目", "分值", "事由"], ["乙村", "", 1, "表彰"]],
        },
    )
    scores_path = book(
        "打分/打分.xlsx",
        {
            "考核打分": [["单位", "项目", "得分"], ["甲村", "党建", 90], ["乙村", "党建", 95]],
            "外部结果": [["单位", "项目", "范围", "名次"], ["甲村", "党建工作", "全区", 1]],
        },
    )

    def cited(result):
        scored = result.scores.set_index([L.UNIT, L.ITEM])["来源"]
        return scored[("甲村", "党建")], result.achievement["来源"].tolist()

    assert rules_path.is_absolute() and scores_path.is_absolute()
    absolute = rank_files(consolidated, rules_path, scores=scores_path, out=tmp_path / "a.xlsx")
    assert not any(str(tmp_path) in s for s in absolute.scores["来源"])
    assert cited(absolute)[0] == "打分.xlsx!考核打分!C2"
    assert cited(absolute)[1] == ["打分.xlsx!外部结果!A2"]
    assert any(s.startswith("考核细则.xlsx!加扣分!") for s in absolute.scores["来源"])
    # Relative paths, as typed on the command line, are cited as typed.
    monkeypatch.chdir(tmp_path)
    relative = rank_files(
        "汇总.xlsx", "细则/考核细则.xlsx", scores="打分/打分.xlsx", out=tmp_path / "r.xlsx"
    )
    assert cited(relative)[0] == "打分/打分.xlsx!考核打分!C2"
    assert cited(relative)[1] == ["打分/打分.xlsx!外部结果!A2"]
    assert any(s.startswith("细则/考核细则.xlsx!加扣分!") for s in relative.scores["来源"])


def test_unranked_units_say_why_in_the_ranking():
    c = cons(FOUR)
    c.missing_units = ["丁村"]  # sent no return
    sc = {"甲村": (50, 40), "乙村": (40, 40)}  # 丙村 returned, but nothing to score
    result = rank(c, rules(), scores=records(sc))
    notes = {u: v[0] for u, v in table(result, "说明").items()}
    assert notes == {
        "甲村": "",
        "乙村": "",
        "丙村": "未参加排名：没有任何可计分的考核数据",
        "丁村": "未参加排名：未报送回收表，也没有考核打分或加扣分记录",
    }
    assert [(i.rule, i.severity) for i in result.issues] == [("unit_no_scores", "error")] * 2


def test_a_rules_file_that_is_not_a_rules_file_is_fatal_and_writes_nothing(tmp_path, book):
    from targetbook.errors import TargetbookError
    from targetbook.pipeline import rank_campaign

    consolidated = tmp_path / "汇总.xlsx"
    from targetbook.write.consolidation import write_consolidation

    write_consolidation(cons(FOUR), consolidated)
    wrong = book("名录.xlsx", {"单位名录": [["单位", "类别"], ["甲村", "村"]]})
    out = tmp_path / "排名.xlsx"
    with pytest.raises(TargetbookError) as err:
        rank_campaign(consolidated, wrong, out=out)
    assert err.value.rule == "rules_not_rules" and err.value.exit_code == 2
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["名录.xlsx", "汇总.xlsx"]


def vetoes_of(rows):
    """否决 records [(unit, item)] (with provenance columns)."""
    frame = pd.DataFrame(
        [(u, item, "事由", "2022-11-02") for u, item in rows], columns=list(L.VETO_COLUMNS)
    )
    for c in L.PROVENANCE:
        frame[c] = None
    return frame


TWO_AWARDS = [Award("综合优胜奖", L.VILLAGE, "", 1), Award("单项先进", "", "党建", 1)]


@pytest.mark.parametrize("effect", L.VETO_EFFECTS)
@pytest.mark.parametrize(
    ("scope", "jia", "yi"),
    [
        # every award barred: both go to 乙村 (total 90, 党建 55 — the best unvetoed)
        ((), "", "综合优胜奖、单项先进（党建）"),
        # seed 003: only the overall award; 甲村 keeps 单项先进 on its 党建 60
        (("综合优胜奖",), "单项先进（党建）", "综合优胜奖"),
    ],
)
def test_every_veto_effect_with_each_scope(effect, scope, jia, yi):
    s = rules(GRADES, TWO_AWARDS, veto_effect=effect, veto_scope=scope)
    result = rank(cons(FOUR), s, scores=records(TOP, vetoes=["甲村"]))
    got = table(result, "奖项")
    assert (got["甲村"][0], got["乙村"][0]) == (jia, yi)
    # 总分 | 名次 | 等次 of 甲村 (98 = 60 + 38; the others 90, 85, 65), per effect:
    expected = {
        L.V_FAIL: (98, 1, L.V_FAIL),
        L.V_DOWNGRADE: (98, 1, "良好"),  # its own 优秀, one step down
        L.V_NO_HONOURS: (98, 1, "优秀"),
        L.V_NO_HONOURS_GRADE: (98, 1, "良好"),  # never 优秀: the next grade its 98 reaches
        L.V_LAST: (98, 4, "良好"),  # after all unvetoed units; graded on its own 98
        L.V_ZERO: (0, 4, "合格"),  # 0 points: last, and graded on 0
    }[effect]
    assert table(result, "总分", "名次", "等次")["甲村"] == expected
    assert table(result, "说明")["甲村"] == (f"一票否决：{effect}",)


def test_a_veto_scoped_to_one_item_award_bars_that_award_only():
    # Two awards on the same item; 甲村 (党建 60, the best) is barred from the second only.
    # Each award ranks its own eligible units: 甲村 takes 党建标兵, 乙村 (党建 55) 党建先进.
    awards = [Award("党建标兵", "", "党建", 1), Award("党建先进", "", "党建", 1)]
    s = rules(GRADES, awards, veto_effect=L.V_NO_HONOURS, veto_scope=("党建先进",))
    result = rank(cons(FOUR), s, scores=records(TOP, vetoes=["甲村"]))
    got = table(result, "奖项")
    assert got["甲村"] == ("党建标兵（党建）",)
    assert got["乙村"] == ("党建先进（党建）",)


def test_per_item_effects_take_the_strongest():
    vetoes = vetoes_of(
        [("甲村", "安全生产"), ("乙村", "计划生育"), ("丙村", "计划生育"), ("丙村", "安全生产")]
    )
    base = records(TOP)
    rec = Records(scoring=base.scoring, vetoes=vetoes)
    s = rules(GRADES, veto_effect=L.V_NO_HONOURS, veto_effects={"安全生产": L.V_LAST})
    result = rank(cons(FOUR), s, scores=rec)
    got = table(result, "名次", "等次", "说明")
    # 甲村 (98) 安全生产 → 排末位; 丙村 (85) on both → the stronger 排末位; 乙村 (90) 计划生育 →
    # the default 不得评先: place 1 among the unvetoed, 优秀 (the seat 甲村 may not take).
    # Order: 乙村 1, 丁村 2, then the 排末位 units by score: 甲村 3, 丙村 4.
    assert got["乙村"] == (1, "优秀", "一票否决：不得评先")
    assert got["丁村"] == (2, "合格", "")
    assert got["甲村"] == (3, "良好", "一票否决：排末位")
    assert got["丙村"] == (4, "良好", "一票否决：排末位")  # 85 ≥ 80, 良好 has no quota


def test_last_place_veto_takes_a_seat_of_its_own_grade_under_quotas():
    grades = [Grade("优秀", lower=90, quota=1), Grade("良好", lower=80, quota=1), Grade("合格")]
    result = rank(
        cons(FOUR), rules(grades, veto_effect=L.V_LAST), scores=records(TOP, vetoes=["甲村"])
    )
    got = table(result, "名次", "等次")
    # By score: 甲村 98 (barred from 优秀) → 良好, taking its only seat; 乙村 90 → 优秀;
    # 丙村 85 → 良好 is full → 合格; 丁村 65 → 合格. Places: 甲村 after every unvetoed unit.
    assert got == {
        "乙村": (1, "优秀"),
        "丙村": (2, "合格"),
        "丁村": (3, "合格"),
        "甲村": (4, "良好"),
    }


def town(depts, villages, grades, **settings):
    """Rank departments and villages with totals (党建 t − 40, 经济 40) under `grades`."""
    unit_list = units(list(depts), L.DEPARTMENT) + units(list(villages), L.VILLAGE)
    sc = {u: (t - 40, 40) for u, t in {**depts, **villages}.items()}
    return rank(cons(unit_list), rules(grades, **settings), scores=records(sc))


def test_town_wide_quota_split_across_categories_by_their_size():
    depts = {"党政办": 95, "经发办": 90, "财政办": 85, "民政办": 80, "司法所": 75}
    villages = {"甲村": 98, "乙村": 88, "丙村": 70}
    grades = [Grade("优秀", share=25, town=True), Grade("合格")]
    result = town(depts, villages, grades)
    got = {u: v[0] for u, v in table(result, "等次").items()}
    # 8 ranked units × 25% = 2 seats; 部门 2 × 5 ÷ 8 = 1.25, 村 2 × 3 ÷ 8 = 0.75 → ⌊⌋ 1 and
    # 0, one seat left → the larger remainder (村 0.75): 部门 1 (党政办), 村 1 (甲村)
    assert [u for u, g in got.items() if g == "优秀"] == ["党政办", "甲村"]
    assert result.issues == []


def test_town_wide_quota_with_a_tie_at_the_cut():
    depts = {"党政办": 95, "经发办": 90, "财政办": 85}
    villages = {"甲村": 98, "乙村": 88, "丙村": 70}
    grades = [Grade("优秀", share=50, town=True), Grade("合格")]
    # 6 × 50% = 3 seats; 部门 3 × 3 ÷ 6 = 1.5, 村 1.5 → 1 each, 1 seat left inside equal
    # remainders (0.5, 0.5): 从严 gives it to neither (2 优秀, the town's 3 never exceeded) …
    strict = town(depts, villages, grades)
    assert [u for u, v in table(strict, "等次").items() if v[0] == "优秀"] == ["党政办", "甲村"]
    assert [i.rule for i in strict.issues] == ["quota_split_tie"]
    # … 从宽 to both (4 优秀: 2 部门, 2 村)
    lenient = town(depts, villages, grades, quota_tie=L.TIE_LENIENT)
    top = [u for u, v in table(lenient, "等次").items() if v[0] == "优秀"]
    assert top == ["党政办", "经发办", "甲村", "乙村"]
    # A tie of units at a category's cut: 村 gets 1 seat, 甲村 and 乙村 tie at 98 → 从严: none.
    tied = town(
        {"党政办": 95, "经发办": 90},
        {"甲村": 98, "乙村": 98},
        [Grade("优秀", quota=2, town=True), Grade("合格")],
    )
    # 2 seats: 部门 2 × 2 ÷ 4 = 1, 村 1 → 党政办; 甲村/乙村 share the 村 seat → quota_tie
    assert [u for u, v in table(tied, "等次").items() if v[0] == "优秀"] == ["党政办"]
    assert [i.rule for i in tied.issues] == ["quota_tie"]


def test_veto_scope_per_item():
    # 安全生产 bars only the overall award; 党风廉政建设 bars every award.
    vetoes = vetoes_of([("甲村", "安全生产"), ("乙村", "党风廉政建设")])
    rec = Records(scoring=records(TOP).scoring, vetoes=vetoes)
    s = rules(
        GRADES,
        TWO_AWARDS,
        veto_effect=L.V_NO_HONOURS,
        veto_scope=(),
        veto_scopes={"安全生产": ("综合优胜奖",)},
    )
    got = {u: v[0] for u, v in table(rank(cons(FOUR), s, scores=rec), "奖项").items()}
    # 综合优胜奖: 甲村 (98) and 乙村 (90) barred → 丙村 (85). 单项先进（党建）: 甲村's 60 is
    # still open to it (its veto bars the overall award only).
    assert got == {"甲村": "单项先进（党建）", "乙村": "", "丙村": "综合优胜奖", "丁村": ""}
