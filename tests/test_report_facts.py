"""The 通报 states one set of facts, taken from the ranking's own results (issue 11, item 1).

One test per contradiction found in a real run: a unit ranked but without a return, a late unit,
a vetoed top scorer, a unit neither returned nor scored — each checked in the context and in
both rendered documents (HTML and DOCX).
"""

from __future__ import annotations

import re

import docx
import pandas as pd
import pytest

from targetbook import labels as L
from targetbook.report import build_context, render_docx, render_html
from targetbook.report.facts import lateness

PARAMS = {
    L.PARAM_TOWN: "南桐镇",
    L.PARAM_YEAR: 2022,
    L.PARAM_DOC_NUMBER: "南桐党政办发〔2022〕14号",
}


def rank_row(cat, unit, total, place, *, grade="良好", award="", veto="", reason=""):
    return {
        L.CATEGORY: cat,
        L.GROUP: "",
        L.UNIT: unit,
        L.TOTAL: total,
        L.PLACE: place,
        L.TIED: "",
        L.GROUP_PLACE: None,
        L.LAST_PLACE: None,
        L.RISE: None,
        L.GRADE: grade,
        L.AWARD: award,
        L.VETO: veto,
        L.VETO_REASON: reason,
    }


def score_row(unit, method, points, note):
    return {
        L.CATEGORY: "社区",
        L.UNIT: unit,
        L.ITEM: "逾期报送扣分",
        L.METHOD: method,
        L.MAX_POINTS: 2,
        L.SCORE: points,
        L.EXPLANATION: note,
        L.SOURCE: "",
    }


def ranks(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(L.RANK_COLUMNS))


def registry(*pairs) -> pd.DataFrame:
    return pd.DataFrame([(u, c, "", "") for u, c in pairs], columns=list(L.REGISTRY_COLUMNS))


def documents(ctx, tmp_path) -> dict[str, str]:
    """The visible text of the 通报 as HTML and as DOCX, whitespace removed."""
    page = render_html(ctx, L.REPORT_BULLETIN)
    page = re.sub(r"<(style|svg)\b.*?</\1>", "", page, flags=re.S)
    html = re.sub(r"<[^>]+>", "", page)
    path = render_docx(ctx, L.REPORT_BULLETIN, tmp_path / "通报.docx")
    d = docx.Document(str(path))
    lines = [p.text for p in d.paragraphs]
    lines += ["|".join(c.text for c in row.cells) for t in d.tables for row in t.rows]
    return {"html": re.sub(r"\s+", "", html), "docx": re.sub(r"\s+", "", "\n".join(lines))}


def test_a_ranked_unit_without_a_return_is_ranked_and_never_not_ranked(tmp_path):
    # 纪委 has scores (the offices scored it) but sent no return: ranked 第9名, noted as such.
    frame = ranks(
        rank_row("部门", "经发办", 90.0, 1, grade="优秀"),
        rank_row("部门", "纪委", 86.10, 9),
    )
    reg = registry(("经发办", "部门"), ("纪委", "部门"))
    ctx = build_context(frame, missing=["纪委"], registry=reg, params=PARAMS)
    dept = ctx.categories[0]
    assert [(r.unit, r.rank_text, r.returned) for r in dept.rows] == [
        ("经发办", "第1名", True),
        ("纪委", "第9名", False),
    ]
    assert dept.unranked == [] and dept.remark == ""
    assert dept.rows[1].note == "未报送回收表"
    assert ctx.submission == ["未报送回收表，按已有得分参加排名：纪委（第9名）。"]
    for kind, text in documents(ctx, tmp_path).items():
        assert "纪委（第9名）" in text, kind
        assert "不参加" not in text and "补报" not in text and "按时" not in text, kind


def test_a_late_unit_is_reported_late_with_days_and_the_capped_deduction(tmp_path):
    # 7 days × 0.5 = 3.5 points, the item's cap is 2: the 封顶 row gives 1.5 back → 扣 2 分.
    scores = pd.DataFrame(
        [
            score_row("二郎峡社区", L.M_LATE, -3.5, "截止 2022-06-20，逾期 7 天 × 0.5 分 = 3.5 分"),
            score_row("二郎峡社区", L.M_LATE + L.CAPPED, 1.5, "合计扣 3.5 分，超过上限 2 分"),
            score_row("南桐社区", "直接计分", 80, ""),
        ]
    )
    late = lateness(scores)
    assert [(x.unit, x.days, x.points) for x in late.values()] == [("二郎峡社区", 7, 2.0)]
    frame = ranks(
        rank_row("社区", "南桐社区", 92.0, 1, grade="优秀"),
        rank_row("社区", "二郎峡社区", 89.92, 2),
    )
    ctx = build_context(frame, scores=scores, missing=[], params=PARAMS)
    row = ctx.categories[0].rows[1]
    assert (row.unit, row.returned, row.late) == ("二郎峡社区", True, "逾期7天报送，扣2分")
    assert ctx.late == ["二郎峡社区"]
    assert ctx.submission == ["逾期报送：二郎峡社区（逾期7天报送，扣2分）。"]
    for kind, text in documents(ctx, tmp_path).items():
        assert "二郎峡社区（逾期7天报送，扣2分）" in text, kind
        assert "按时" not in text and "均已报送" not in text, kind


def test_nobody_late_or_missing_is_said_without_claiming_a_deadline(tmp_path):
    ctx = build_context(ranks(rank_row("村", "温塘村", 90.0, 1)), params=PARAMS)
    assert ctx.submission == ["各单位均已报送回收表，无逾期扣分。"]


@pytest.mark.parametrize(
    ("effect", "said"),
    [
        (L.V_FAIL, "等次定为不合格，不得评先评优"),
        (L.V_NO_HONOURS, "不得评先"),
        (L.V_ZERO, "总分计0分，不得评先"),
    ],
)
def test_a_vetoed_top_scorer_is_shown_with_the_effect_and_without_awards(tmp_path, effect, said):
    frame = ranks(
        rank_row("村", "麒麟村", 104.5, 1, grade="不合格", veto="党风廉政建设", reason="违纪"),
        rank_row("村", "民权村", 100.0, 2, grade="优秀", award="综合工作目标优胜奖"),
    )
    ctx = build_context(frame, params={**PARAMS, L.S_VETO_EFFECT: effect})
    top = ctx.categories[0].rows[0]
    assert (top.unit, top.veto, top.note) == ("麒麟村", True, f"一票否决，{said}")
    assert [(v.unit, v.effect) for v in ctx.vetoes] == [("麒麟村", said)]
    assert [(a.name, a.units) for a in ctx.awards] == [("综合工作目标优胜奖", ["民权村"])]
    for kind, text in documents(ctx, tmp_path).items():
        assert f"按考核细则实行一票否决，{said}。" in text, kind
        assert "综合工作目标优胜奖：民权村。" in text, kind


def test_a_unit_neither_returned_nor_scored_is_not_ranked_and_says_why(tmp_path):
    # 营寨村 sent nothing and no office scored it: 名次 blank, on the 未报送 list.
    # 石桥村 returned its workbook but has no score: not ranked, for that reason alone.
    frame = ranks(
        rank_row("村", "温塘村", 90.0, 1, grade="优秀"),
        rank_row("村", "营寨村", None, None, grade=""),
        rank_row("村", "石桥村", None, None, grade=""),
    )
    reg = registry(("温塘村", "村"), ("营寨村", "村"), ("石桥村", "村"), ("金龙村", "村"))
    ctx = build_context(frame, missing=["营寨村", "金龙村"], registry=reg, params=PARAMS)
    village = ctx.categories[0]
    assert village.unranked == ["营寨村", "石桥村", "金龙村"]
    assert village.remark == (
        "未参加排名：营寨村（未报送回收表，无得分）、石桥村（无得分）、金龙村（未报送回收表，无得分）"
    )
    assert [r.rank_text for r in village.rows] == ["第1名", "—", "—"]
    assert len(village.chart.bars) == 1  # only ranked units are charted
    assert ctx.submission == [
        "未报送回收表、无得分，不参加排名：营寨村、金龙村，请限期补报。",
        "无得分，不参加排名：石桥村。",
    ]
    for kind, text in documents(ctx, tmp_path).items():
        assert "营寨村（未报送回收表，无得分）" in text and "按时" not in text, kind
        assert "温塘村（" not in text, kind  # the ranked unit is in no not-ranked list


def test_demo_bulletin_reports_the_late_unit_and_the_veto_effect_from_the_ranking(tmp_path):
    # The demo's 二郎峡社区 returned 7 days late (补报) and lost 逾期扣分 in 排名.xlsx; its
    # 通报 used to say 各单位均已按时报送. 麒麟村 tops the villages and is vetoed (不得评先).
    from targetbook.demo import run_demo
    from targetbook.report import render_report
    from targetbook.write.ranking import load_ranking

    results = run_demo(tmp_path / "campaign").out_dir / L.FOLDER_RESULTS
    ranked = load_ranking(results / L.RANKED_FILE)
    params = ranked.sheets[L.SHEET_PARAMS].astype(str).values.tolist()
    assert [L.S_VETO_EFFECT, L.V_NO_HONOURS] in params  # carried by rank_campaign
    for suffix in ("html", "docx"):
        out = render_report(results / L.RANKED_FILE, tmp_path / f"通报.{suffix}")
        if suffix == "html":
            text = re.sub(r"<[^>]+>", "", out.read_text(encoding="utf-8"))
        else:
            d = docx.Document(str(out))
            text = "\n".join(p.text for p in d.paragraphs)
        text = re.sub(r"\s+", "", text)
        assert "二郎峡社区（逾期7天报送，扣2分）" in text, suffix
        assert "按时" not in text, suffix
        assert "麒麟村（党风廉政建设）" in text and "实行一票否决，不得评先。" in text, suffix
