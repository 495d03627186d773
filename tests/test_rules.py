"""The 考核细则 loader: sheets, settings, and every bad rule located to its cell."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from conftest import located

from targetbook import labels as L
from targetbook.rules import period_group, rules_from_frames
from targetbook.write.rules import load_rules, load_scores

ITEM_HEAD = [
    "类别",
    "项目",
    "分值",
    "方法",
    "指标",
    "超额每1%加",
    "加分上限",
    "短缺每1%扣",
    "最低分",
    "起评线",
    "每低",
    "每档扣",
    "名次分",
    "满意值",
    "不允许值",
]


def item(cat, name, points, method, **kw):
    row = dict.fromkeys(ITEM_HEAD)
    row.update({"类别": cat, "项目": name, "分值": points, "方法": method, **kw})
    return [row[c] for c in ITEM_HEAD]


def raw(rows):
    """A sheet as pandas reads it with header=None (short rows padded)."""
    width = max(len(r) for r in rows)
    return pd.DataFrame([list(r) + [None] * (width - len(r)) for r in rows], dtype=object)


GOOD_ITEMS = [
    ["考核项目（示例标题）"],
    ITEM_HEAD,
    item("", "党建工作", 30, "直接打分"),
    item(
        "",
        "经济发展",
        40,
        "完成率",
        **{"超额每1%加": 1, "加分上限": 2, "短缺每1%扣": 1, "起评线": "85%"},
    ),
    item("", "环境整治", 20, "名次赋分", 名次分="20、18、16"),
    item("", "信访稳定", 10, "功效系数法", 满意值=0, 不允许值=10),
    item("", "创新加分", 5, "加分"),
]
GOOD = {
    "考核项目": GOOD_ITEMS,
    "设置": [
        ["项目", "值"],
        ["满分", 100],
        ["否决项目", "党风廉政建设、安全生产"],
        ["否决效果", "降一等"],
        ["并列规则", "党建工作"],
        ["名额取整", "四舍五入"],
        ["名额并列", "从宽"],
        ["期间权重", "年度40%、月度平均60%"],
        ["加分总上限", 5],
        ["黄灯差距", 15],
        ["序时进度", 0.5],
    ],
    "等次": [
        ["等次", "类别", "下限", "名额", "比例"],
        ["优秀", "", 90, None, "20%"],
        ["良好", "", 80, None, None],
        ["一般", "", None, None, None],
    ],
    "奖项": [
        ["奖项", "类别", "项目", "名额", "下限"],
        ["综合优胜奖", "村", None, 1, None],
        ["单项先进", "", "各项", 1, None],
    ],
    "加扣分": [
        ["单位", "项目", "分值", "事由", "依据"],
        ["温塘村", "创新加分", 2, "市级表彰", "文"],
    ],
    "否决": [["单位", "项目", "事由", "日期"], ["营寨村", "安全生产", "亡人事故", "2022-10-01"]],
}


def test_workbook_loads_items_settings_grades_awards_and_records(book):
    path = book("考核细则.xlsx", GOOD)
    rules, issues = load_rules(path)
    assert issues == []
    assert [(i.name, i.points, i.method) for i in rules.items] == [
        ("党建工作", 30, L.M_DIRECT),
        ("经济发展", 40, L.M_RATE),
        ("环境整治", 20, L.M_RANK),
        ("信访稳定", 10, L.M_EFFICACY),
        ("创新加分", 5, L.M_BONUS),
    ]
    rate = rules.items[1]
    assert (rate.bonus_per_pct, rate.bonus_cap, rate.short_per_pct, rate.threshold) == (1, 2, 1, 85)
    assert rules.items[1].row == 4  # the title row above the header is skipped
    assert rules.items[2].rank_points == (20, 18, 16)
    s = rules.settings
    assert s.veto_items == ("党风廉政建设", "安全生产")
    assert (s.veto_effect, s.tie_break, s.quota_rounding, s.quota_tie) == (
        L.V_DOWNGRADE,
        ("党建工作",),
        L.ROUND_HALF_UP,
        L.TIE_LENIENT,
    )
    assert s.period_weights == {"年度": 40, "月度": 60}
    assert (s.bonus_cap, s.yellow, s.red, s.schedule) == (5, 15, 30, 50)
    assert [(g.name, g.lower, g.share) for g in rules.grades] == [
        ("优秀", 90, 20),
        ("良好", 80, None),
        ("一般", None, None),
    ]
    assert [(a.name, a.category, a.item, a.quota) for a in rules.awards] == [
        ("综合优胜奖", L.VILLAGE, "", 1),
        ("单项先进", "", "各项", 1),
    ]
    assert rules.records.adjustments[L.UNIT].tolist() == ["温塘村"]
    assert rules.records.vetoes[L.SRC_ROW].tolist() == [2]


def test_unknown_method_is_located_and_sums_are_not_reported_twice():
    frames = {
        "考核项目": raw(
            [ITEM_HEAD, item("", "党建", 60, "完成率"), item("村", "经济", 40, "打分法")]
        )
    }
    _, issues = rules_from_frames(frames, file="r.xlsx")
    assert located(issues) == [("考核项目", "D3", "rule_method_unknown")]
    assert issues[0].file == "r.xlsx"


def test_points_not_adding_up_to_full_marks_per_category():
    frames = {
        "考核项目": raw(
            [
                ITEM_HEAD,
                item("", "党建", 60, "直接打分"),
                item("村", "经济", 40, "直接打分"),
                item("", "加分", 5, "加分"),
            ]
        ),
    }
    _, issues = rules_from_frames(frames)
    # 村 adds up to 100 (the 加分 item does not count); 部门 and 社区 have only 60.
    assert located(issues) == [("考核项目", "C1", "rule_points_total")] * 2
    assert [i.message.count("部门") + i.message.count("社区") for i in issues] == [1, 1]


def test_full_marks_blank_disables_the_check():
    frames = {
        "考核项目": raw([ITEM_HEAD, item("", "党建", 60, "直接打分")]),
        "设置": raw([["项目", "值"], ["满分", None]]),
    }
    assert rules_from_frames(frames)[1] == []


def test_quota_over_100_percent_and_shares_over_100_percent():
    frames = {
        "考核项目": raw([ITEM_HEAD, item("", "党建", 100, "直接打分")]),
        "等次": raw(
            [
                ["等次", "类别", "下限", "名额", "比例"],
                ["优秀", "", None, None, "120%"],
                ["良好", "", None, 2.5, None],
                ["一般", "村", None, None, 70],
                ["较差", "村", None, None, 40],
            ]
        ),
    }
    rules, issues = rules_from_frames(frames)
    assert located(issues) == [
        ("等次", "E2", "rule_quota_invalid"),
        ("等次", "D3", "rule_quota_invalid"),
        ("等次", "E4", "rule_quota_total"),
    ]
    assert [g.name for g in rules.grades_for(L.VILLAGE)] == ["一般", "较差"]
    assert [g.name for g in rules.grades_for(L.DEPARTMENT)] == ["优秀", "良好"]


def test_bad_parameters_settings_and_references_are_located():
    frames = {
        "考核项目": raw(
            [
                ITEM_HEAD,
                item("", "党建", 50, "功效系数"),  # no 满意值 / 不允许值
                item("", "经济", "五十", "完成率"),
                item("镇", "环境", 50, "直接打分"),
                item("", "信访", 50, "完成率", 每低=0),
                item("", "安全", 50, "直接打分"),
                item("", "安全", 50, "直接打分"),
            ]
        ),
        "设置": raw(
            [
                ["项目", "值"],
                ["否决效果", "通报"],
                ["并列规则", "不存在的项目"],
                ["期间权重", "年度50%、月度60%"],
                ["颜色", "红"],
            ]
        ),
        "奖项": raw([["奖项", "类别", "项目", "名额"], ["单项先进", "", "无此项", 1]]),
    }
    _, issues = rules_from_frames(frames)
    assert located(issues) == [
        ("设置", "B2", "rule_setting_invalid"),
        ("设置", "B4", "rule_weights_total"),
        ("设置", "A5", "rule_setting_unknown"),
        ("考核项目", "N2", "rule_param_missing"),
        ("考核项目", "C3", "rule_number_invalid"),
        ("考核项目", "A4", "rule_category_invalid"),
        ("考核项目", "K5", "rule_number_invalid"),
        ("考核项目", "B7", "rule_item_duplicate"),
        ("设置", "B3", "rule_tiebreak_unknown"),
        ("奖项", "C2", "rule_award_item_unknown"),
    ]
    assert {i.severity for i in issues} == {"error", "warning"}


def test_missing_items_sheet_is_an_error():
    _, issues = rules_from_frames({"设置": raw([["项目", "值"]])})
    assert located(issues) == [("考核项目", "", "rules_sheet_missing")]


def test_headed_frames_from_the_excel_door_keep_excel_cells():
    items = pd.DataFrame([["", "党建", 100, "乱写"]], columns=["类别", "项目", "分值", "方法"])
    _, issues = rules_from_frames({"考核项目": items})
    assert located(issues) == [("考核项目", "D2", "rule_method_unknown")]


def test_scores_workbook_records_keep_their_cells(book):
    path = book(
        "打分.xlsx",
        {
            "考核打分": [
                ["示例数据"],
                ["单位", "项目", "得分", "依据"],
                ["温塘村", "党建", 28, "党建办"],
                [None, None, None, None],
                ["营寨村", "党建", 30, ""],
                ["备注：得分为示例数据", None, None, None],
            ],
            "外部结果": [
                ["单位", "项目", "范围", "名次", "数值"],
                ["温塘村", "环境保护", "全区", 2, None],
            ],
        },
    )
    records, issues = load_scores(path, file="打分.xlsx")
    assert issues == []
    assert records.scoring[[L.UNIT, L.SRC_ROW]].values.tolist() == [["温塘村", 3], ["营寨村", 5]]
    assert records.columns["打分.xlsx!考核打分"][L.SCORE] == "C"
    assert records.external[L.PLACE].tolist() == [2]


def test_period_groups_and_percent_cells():
    assert [period_group(p) for p in ("", "年度", "3月", "二季度", "上半年")] == [
        "年度",
        "年度",
        "月度",
        "季度",
        "半年",
    ]
    frames = {
        "考核项目": raw([ITEM_HEAD, item("", "经济", 100, "完成率", 起评线=0.85)]),
        "等次": raw([["等次", "比例"], ["优秀", 0.2]]),
    }
    rules, issues = rules_from_frames(frames)
    assert issues == []
    assert rules.items[0].threshold == 85  # an Excel percent cell holds 0.85
    assert rules.grades[0].share == 20


def test_items_found_in_a_sheet_with_another_name():
    frames = {
        "参数": raw([["项目", "值"], ["年度", 2022]]),
        "考核细则": raw([["村考核细则"], ITEM_HEAD, item("", "党建", 100, "直接打分")]),
    }
    rules, issues = rules_from_frames(frames)
    assert issues == []
    assert [(i.name, i.row) for i in rules.items] == [("党建", 3)]


def test_lateness_items_read_their_deadline_in_any_usual_form():
    head = [*ITEM_HEAD, "截止日期", "每天扣"]

    def late(name, deadline, per_day):
        return [*item("", name, 2, "逾期扣分"), deadline, per_day]

    frames = {
        "考核项目": raw(
            [
                head,
                item("", "党建", 100, "直接打分") + [None, None],
                late("按时报送", datetime(2022, 6, 20), 0.5),  # a date cell
                late("年中报送", "2022年7月10日", 1),
                late("年终报送", "2022/12/5", 1),
                late("季报", 44742, 0.2),  # an Excel serial day: 2022-06-30
                late("周报", "下周一", 1),
                late("月报", None, 1),
                late("日报", "2022-07-01", 0),
            ]
        )
    }
    rules, issues = rules_from_frames(frames)
    deadlines = {i.name: (i.deadline, i.per_day) for i in rules.items if i.method == L.M_LATE}
    assert deadlines == {
        "按时报送": (date(2022, 6, 20), 0.5),
        "年中报送": (date(2022, 7, 10), 1),
        "年终报送": (date(2022, 12, 5), 1),
        "季报": (date(2022, 6, 30), 0.2),
    }
    assert located(issues) == [
        ("考核项目", "P7", "rule_date_invalid"),
        ("考核项目", "P8", "rule_param_missing"),
        ("考核项目", "Q9", "rule_number_invalid"),
    ]
    assert rules.items_for(L.VILLAGE)[1].is_adjustment  # outside 满分: 党建 alone is 100


def test_efficacy_needs_two_different_bounds():
    frames = {
        "考核项目": raw(
            [
                ITEM_HEAD,
                item("", "信访", 100, "功效系数", 满意值=5, 不允许值=5),  # divides by 0
                item("", "党建", 100, "功效系数", 满意值="五", 不允许值=5),
                item("", "环境", 100, "功效系数", 满意值=0),
            ]
        )
    }
    _, issues = rules_from_frames(frames)
    assert located(issues) == [
        ("考核项目", "O2", "rule_param_missing"),
        ("考核项目", "N3", "rule_number_invalid"),
        ("考核项目", "O4", "rule_param_missing"),
    ]


def test_direction_words_and_methods_that_cannot_use_them():
    head = [*ITEM_HEAD, "方向"]  # 方向 is column P

    def row(name, method, direction, **kw):
        return [*item("", name, 10, method, **kw), direction]

    frames = {
        "考核项目": raw(
            [
                head,
                row("火灾", "完成率", "越小越好", **{"短缺每1%扣": 1}),
                row("产值", "完成率", "正向"),
                row("信访", "达标", "负向"),
                row("访次", "名次赋分", "越低越好"),
                row("治安", "完成率", "越少越好"),  # not a direction word
                row("党建", "直接打分", "越小越好"),  # compares nothing
                row("环境", "功效系数", "越小越好", 满意值=10, 不允许值=0),  # contradicts
                row("受害", "功效系数", "越小越好", 满意值=1, 不允许值=5),
                row("稳定", "功效系数", None, 满意值=0, 不允许值=10),  # taken from the bounds
                row("发案", "完成率", "越小越好", **{"超额每1%加": 0.1}),  # 0 → unbounded bonus
                row("党务", "直接打分", "越大越好"),  # harmless: the default
            ]
        )
    }
    rules, issues = rules_from_frames(frames)
    lower = {i.name: i.lower_is_better for i in rules.items}
    assert lower == {
        "火灾": True,
        "产值": False,
        "信访": True,
        "访次": True,
        "受害": True,
        "稳定": True,
        "党务": False,
    }
    assert located(issues) == [
        ("考核项目", "P6", "rule_direction_invalid"),
        ("考核项目", "P7", "rule_direction_unusable"),
        ("考核项目", "P8", "rule_direction_conflict"),
        ("考核项目", "G11", "rule_param_missing"),  # 加分上限
    ]


def test_veto_effects_per_item_and_the_veto_scope():
    frames = {
        "考核项目": raw([ITEM_HEAD, item("", "党建", 100, "直接打分")]),
        "设置": raw(
            [
                ["项目", "值"],
                ["否决项目", "党风廉政建设、安全生产"],
                ["否决效果", "不得评先；安全生产：排末位；党风廉政建设=不得评先评优"],
                ["否决范围", "综合工作目标优胜奖、创新奖"],
            ]
        ),
        "奖项": raw([["奖项", "类别", "项目", "名额"], ["综合工作目标优胜奖", "村", None, 1]]),
    }
    rules, issues = rules_from_frames(frames)
    s = rules.settings
    assert s.veto_effect == "不得评先"
    assert s.veto_effects == {"安全生产": "排末位", "党风廉政建设": "不得评先评优"}
    assert s.veto_scope == ("综合工作目标优胜奖", "创新奖")
    assert located(issues) == [("设置", "B4", "rule_veto_scope_unknown")]  # 创新奖
    frames["设置"] = raw(
        [["项目", "值"], ["否决范围", "全部奖项；安全生产：综合工作目标优胜奖、单项奖"]]
    )
    rules, issues = rules_from_frames(frames)
    assert rules.settings.veto_scope == ()
    assert rules.settings.veto_scopes == {"安全生产": ("综合工作目标优胜奖", "单项奖")}
    assert located(issues) == [("设置", "B2", "rule_veto_scope_unknown")]  # 单项奖
    frames["设置"] = raw([["项目", "值"], ["否决效果", "安全生产：开除"], ["否决范围", "全部奖项"]])
    rules, issues = rules_from_frames(frames)
    assert rules.settings.veto_scope == ()
    assert located(issues) == [("设置", "B2", "rule_setting_invalid")]


def test_town_wide_grade_scope():
    frames = {
        "考核项目": raw([ITEM_HEAD, item("", "党建", 100, "直接打分")]),
        "等次": raw(
            [
                ["等次", "类别", "下限", "名额", "比例", "范围"],
                ["优秀", None, 90, None, "20%", "全镇"],
                ["良好", None, 80, None, None, "本镇"],  # not a scope
                ["合格", "村", None, None, None, "全镇"],  # a town-wide row of one category
                ["合格", None, None, None, None, None],
            ]
        ),
    }
    rules, issues = rules_from_frames(frames)
    assert [(g.name, g.town) for g in rules.grades] == [
        ("优秀", True),
        ("良好", False),
        ("合格", False),
        ("合格", False),
    ]
    assert located(issues) == [
        ("等次", "F3", "rule_grade_scope_invalid"),
        ("等次", "F4", "rule_grade_scope_invalid"),
    ]


def test_schedule_per_item_is_an_optional_column():
    frames = {
        "考核项目": raw(
            [
                ["项目", "分值", "方法", "指标", "序时进度"],  # 序时进度 is column E
                ["三农", 50, "完成率", "山药种植面积", "90%"],
                ["产值", 50, "完成率", None, None],
                ["税收", 0, "完成率", None, "120%"],  # beyond the year
                ["招商", 0, "完成率", None, -5],
            ]
        )
    }
    rules, issues = rules_from_frames(frames)
    assert [(i.name, i.schedule) for i in rules.items] == [("三农", 90), ("产值", None)]
    assert located(issues) == [
        ("考核项目", "E4", "rule_number_invalid"),
        ("考核项目", "E5", "rule_value_negative"),
    ]


def test_nonsensical_rule_values_are_located_errors():
    head = [*ITEM_HEAD]  # 超额每1%加 F, 短缺每1%扣 H, 最低分 I, 起评线 J, 每档扣 L, 名次分 M
    frames = {
        "考核项目": raw(
            [
                head,
                item("", "经济", 20, "完成率", **{"超额每1%加": -1}),  # bonus that takes points
                item("", "环境", 20, "完成率", **{"短缺每1%扣": -0.5}),  # deduction that adds
                item("", "党建", 20, "完成率", 最低分=25),  # floor above the item's 20
                item("", "治安", 20, "名次赋分", 名次分="20、-2"),
                item("", "信访", 20, "达标", 起评线=-10),
                item("", "加分", 5, "加分", 最低分=9),  # outside 满分: no check
                item("", "创新", 20, "完成率", 每低=3, 每档扣=-1),
            ]
        ),
        "设置": raw(
            [
                ["项目", "值"],
                ["满分", 0],  # no item can add up to 0
                ["保留小数", -1],
                ["黄灯差距", 40],  # above 红灯差距 30: yellow never shows
            ]
        ),
    }
    _, issues = rules_from_frames(frames)
    assert located(issues) == [
        ("设置", "B2", "rule_value_negative"),
        ("设置", "B3", "rule_setting_invalid"),
        ("设置", "B4", "rule_lights_order"),
        ("考核项目", "F2", "rule_value_negative"),
        ("考核项目", "H3", "rule_value_negative"),
        ("考核项目", "I4", "rule_floor_over_points"),
        ("考核项目", "M5", "rule_value_negative"),
        ("考核项目", "J6", "rule_value_negative"),
        ("考核项目", "L8", "rule_value_negative"),
    ]
    assert all(i.severity == "error" for i in issues)
