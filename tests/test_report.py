"""report: the 通知 and 通报 as HTML and DOCX, escaping, 公文 layout, LibreOffice → PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import docx
import pandas as pd
import pytest
from conftest import make_book
from docx.oxml.ns import qn
from docx.shared import Mm

from targetbook import labels as L
from targetbook.demo import run_demo
from targetbook.demo.seed import UNITS
from targetbook.errors import TargetbookError
from targetbook.report import build_context, render_docx, render_html, render_report

EVIL = "{{ 7*7 }}{% raise %}<script>alert(1)</script>&amp;{_{ x }_}"
VETOED = ("平安办", "安全生产", "发生一起较大安全生产责任事故")
MISSING = "二郎峡社区"
PARAMS = {
    L.PARAM_TOWN: "南桐镇",
    L.PARAM_YEAR: 2022,
    L.PARAM_OFFICE: "南桐镇党政办公室",
    L.PARAM_SIGNATURE: "南桐镇党政办",
    L.PARAM_DOC_NUMBER: "南桐党政办发〔2022〕14号",
    L.PARAM_DATE: "2022年6月28日",
    L.PARAM_REMARK: "区考核组指万东镇、南桐镇、关坝镇、青年镇。",
    L.PARAM_ANNOTATION: "此件公开发布",
}


def seed_units() -> list[tuple[str, str, str, str]]:
    """Seed 000's units with unit names as the registry keeps them (no alias parentheses)."""
    return [(c, re.sub(r"\s*（.*", "", u), t, p) for c, u, t, p in UNITS]


def frames(evil: str = "") -> dict:
    """Rank-stage-shaped frames for the seed units: a tie, moves, a veto, awards, a missing unit."""
    units = seed_units()
    annexes = {
        cat: pd.DataFrame(
            [
                (i, u, t + (evil if i == 1 else ""), p)
                for i, (_, u, t, p) in enumerate([x for x in units if x[0] == cat], start=1)
            ],
            columns=[L.SEQ, L.UNIT, L.TARGET, L.PLAN],
        )
        for cat in L.CATEGORIES
    }
    ranks, achievement = [], []
    for cat in L.CATEGORIES:
        names = [u for c, u, _, _ in units if c == cat and u != MISSING]
        for i, unit in enumerate(names):
            total = 96.5 - 2 * i + (2 if i == 2 else 0)  # units 2 and 3 tie
            rank = i + 1 if i != 2 else 2
            veto = unit == VETOED[0]
            ranks.append(
                {
                    L.CATEGORY: cat,
                    L.GROUP: "",
                    L.UNIT: unit,
                    "总分": total,
                    "名次": rank,
                    "并列": L.YES if i in (1, 2) else "",
                    "组内名次": rank,
                    "上年名次": rank + 2 - i % 3,
                    "进位": 2 - i % 3,
                    "等次": "优秀" if total >= 90 else "良好",
                    "奖项": "综合工作目标优胜奖"
                    if i == 0
                    else ("单项工作先进奖" if i == 3 else ""),
                    "否决": VETOED[1] if veto else "",
                    "否决事由": (VETOED[2] + evil) if veto else "",
                }
            )
            achievement.append(
                {
                    L.CATEGORY: cat,
                    L.UNIT: unit,
                    "目标原文": f"{unit}目标",
                    "类型": "rank",
                    "范围": "全镇",
                    "保": 2,
                    "争": 1,
                    "实际": rank,
                    "判定": "达成" if i % 2 == 0 else "未达成",
                    "来源": "",
                }
            )
    registry = pd.DataFrame(
        [(u, c, "", "") for c, u, _, _ in units], columns=list(L.REGISTRY_COLUMNS)
    )
    return {
        "ranks": pd.DataFrame(ranks, columns=list(L.RANK_COLUMNS)),
        "annexes": annexes,
        "achievement": pd.DataFrame(achievement, columns=list(L.ACHIEVEMENT_COLUMNS)),
        "missing": [MISSING],
        "registry": registry,
        "params": dict(PARAMS),
    }


def context(evil: str = ""):
    f = frames(evil)
    return build_context(
        f["ranks"],
        annexes=f["annexes"],
        achievement=f["achievement"],
        missing=f["missing"],
        registry=f["registry"],
        params=f["params"],
    )


class _Text(HTMLParser):
    """Visible text of an HTML page (stdlib parser), skipping <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_text(page: str) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(page)
    return "".join(parser.parts), parser.tags


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += ["|".join(c.text for c in row.cells) for row in table.rows]
    return "\n".join(lines)


# --- context ----------------------------------------------------------------------------------


def test_context_ranks_ties_moves_vetoes_awards_missing():
    ctx = context()
    assert [c.name for c in ctx.categories] == list(L.CATEGORIES)
    dept = ctx.categories[0]
    assert [r.rank_text for r in dept.rows[:4]] == ["第1名", "并列第2名", "并列第2名", "第4名"]
    assert [r.move for r in dept.rows[:3]] == ["进2位", "进1位", "持平"]
    assert dept.rows[0].total == "96.50"
    assert [(v.unit, v.item, v.reason) for v in ctx.vetoes] == [VETOED]
    # no 否决效果 in 参数: every effect bars awards
    assert [r.note for r in dept.rows if r.veto] == ["一票否决，不得评先"]
    assert [(a.name, len(a.units)) for a in ctx.awards] == [
        ("综合工作目标优胜奖", 3),
        ("单项工作先进奖", 3),
    ]
    assert ctx.missing == [MISSING] and ctx.categories[2].missing == [MISSING]
    totals = [(a.category, a.total) for a in ctx.achievement]
    assert totals == [("部门", 16), ("村", 10), ("社区", 7)]
    assert ctx.achievement[0].counts == [("达成", 8), ("未达成", 8)]
    assert [(a.number, len(a.rows)) for a in ctx.annexes] == [(1, 16), (2, 10), (3, 8)]
    assert ctx.doc_number == PARAMS[L.PARAM_DOC_NUMBER] and ctx.date == "2022年6月28日"
    bars = dept.chart.bars
    assert len(bars) == 16 and bars[0].width > bars[-1].width > 0
    assert [b.veto for b in bars].count(True) == 1


def test_context_keeps_awards_with_inner_separators_and_one_remark_prefix():
    ranks = pd.DataFrame(
        [
            (
                "部门",
                "一组",
                "经发办",
                90.0,
                1,
                "",
                1,
                1,
                None,
                "优秀",
                "优胜奖、单项奖（党建、安全）",
                "",
                "",
                "",
            )
        ],
        columns=list(L.RANK_COLUMNS),
    )
    ctx = build_context(ranks, params={L.PARAM_REMARK: "备注：区考核组指万东镇。"})
    assert [a.name for a in ctx.awards] == ["优胜奖", "单项奖（党建、安全）"]
    assert ctx.remark == "区考核组指万东镇。"
    assert ctx.categories[0].rows[0].move == "—" and ctx.categories[0].rows[0].tie is False
    assert ctx.categories[0].rows[0].note == "优胜奖、单项奖（党建、安全）；一组第1名"


def test_context_defaults_without_params():
    import datetime as dt

    ctx = build_context(
        None, params={L.PARAM_TOWN: "关坝镇", L.PARAM_DATE: dt.date(2023, 1, 9)}, year=2022
    )
    assert (ctx.office, ctx.signature, ctx.date) == (
        "关坝镇党政办公室",
        "关坝镇党政办公室",
        "2023年1月9日",
    )
    assert ctx.doc_number.startswith("关坝党政办发〔2022〕")
    assert ctx.categories == [] and ctx.vetoes == []


def test_chart_shortens_long_labels_and_scales_to_the_best_total():
    from targetbook.report.context import build_chart
    from targetbook.report.records import RankRow

    def row(unit, total):
        return RankRow(
            "部门", "", unit, total, 1, "第1名", False, "", "", "—", "", "", False, "", ""
        )

    chart = build_chart([row("重庆市万盛经开区南桐镇退役军人服务站", "120.00"), row("经发办", "")])
    assert [b.label for b in chart.bars] == ["重庆市万盛经开区南…", "经发办"]
    assert chart.bars[0].name == "重庆市万盛经开区南桐镇退役军人服务站"
    assert chart.scale_max == 120 and chart.bars[1].width == 0 and chart.bars[1].value == "—"


def test_context_from_ranking_and_consolidation_objects():
    from targetbook.registry import Registry, Unit
    from targetbook.report import context_from_ranking
    from targetbook.results import Consolidation, Ranking

    f = frames()
    units = [Unit(u, c) for c, u, _, _ in seed_units()]
    cons = Consolidation(Registry(units), year=2022, annexes=f["annexes"], missing_units=[MISSING])
    ranking = Ranking(pd.DataFrame(), f["ranks"], f["achievement"], pd.DataFrame(), year=2022)
    ctx = context_from_ranking(ranking, cons, params={L.PARAM_TOWN: "南桐镇"})
    assert ctx.plan_title == "南桐镇2022年度创先争优目标和亮点工作计划"
    assert [len(c.rows) for c in ctx.categories] == [16, 10, 7]
    assert ctx.categories[2].missing == [MISSING] and len(ctx.annexes) == 3


# --- HTML -------------------------------------------------------------------------------------


def test_html_bulletin_has_title_every_unit_ranks_vetoes_and_chart():
    ctx = context()
    page = render_html(ctx, L.REPORT_BULLETIN)
    text, tags = html_text(page)
    assert ctx.bulletin_title in text and "南桐党政办发〔2022〕14号" in text
    for cat in ctx.categories:
        for r in cat.rows:
            assert r.unit in text
    assert text.count("并列第2名") == 6
    assert VETOED[2] in text and "一票否决" in text
    assert f"不参加排名：{MISSING}" in text and "按时" not in text
    assert tags.count("svg") == 3 and tags.count("rect") == 33
    assert "@page" in page and "A4" in page
    # One self-contained file: no stylesheet, script or image fetched from elsewhere.
    assert not {"link", "script", "img", "iframe"} & set(tags) and "url(" not in page


def test_html_notice_has_annexes_with_every_seed_unit():
    ctx = context()
    text, tags = html_text(render_html(ctx, L.REPORT_NOTICE))
    assert ctx.notice_title in text
    for annex in ctx.annexes:
        assert f"附件{annex.number}" in text and annex.title in text
    for _, unit, target, _ in seed_units():
        assert unit in text and target.split("\n")[0] in text
    assert "备注：区考核组" in text and tags.count("table") == 3
    assert "（此件公开发布）" in text


def test_html_escapes_return_text_and_never_runs_it():
    ctx = context(EVIL)
    for kind in L.REPORT_KINDS:
        page = render_html(ctx, kind)
        text, tags = html_text(page)
        assert EVIL in text  # printed literally, not evaluated
        assert "49" not in text.replace("2049", "")
        assert "script" not in tags and "&lt;script&gt;" in page


# --- DOCX -------------------------------------------------------------------------------------


def test_docx_bulletin_text(tmp_path):
    ctx = context()
    out = render_docx(ctx, L.REPORT_BULLETIN, tmp_path / "通报.docx")
    text = docx_text(out)
    assert ctx.bulletin_title in text and ctx.doc_number in text and ctx.masthead in text
    for cat in ctx.categories:
        for r in cat.rows:
            assert f"{r.rank_text}|{r.unit}|{r.total}|{r.grade}|{r.move}|" in text
    assert VETOED[2] in text and "综合工作目标优胜奖：" in text
    assert f"不参加排名：{MISSING}" in text and "按时" not in text
    assert "{{" not in text and "{%" not in text


def test_docx_notice_text_and_layout(tmp_path):
    ctx = context()
    out = render_docx(ctx, L.REPORT_NOTICE, tmp_path / "通知.docx")
    text = docx_text(out)
    assert ctx.notice_title in text and "附件：1. 部门2022年度创先争优目标和亮点工作计划" in text
    assert "2022年6月28日\n（此件公开发布）" in text
    for _, unit, target, plan in seed_units():
        assert f"|{unit}|{target}|{plan}" in text
    document = docx.Document(str(out))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    title = next(p for p in document.paragraphs if p.text == ctx.notice_title)
    fonts = title.style.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "方正小标宋简体" and title.style.font.size.pt == 22
    body = document.styles["公文正文"]
    assert body.base_style.font.size.pt == 16
    assert len(document.tables) == 3
    # Word rejects properties out of schema order: tblPr children in CT_TblPr sequence.
    order = ["tblStyle", "tblW", "jc", "tblLayout", "tblLook"]
    for table in document.tables:
        children = [c.tag.rsplit("}", 1)[1] for c in table._tbl.tblPr]
        assert children == sorted(children, key=order.index), children
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert [c.text for c in table.rows[0].cells] == list(L.KIND_COLUMNS[L.PLAN_KIND])
    fallback = document.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
    )
    assert "方正小标宋简体" in fallback.blob.decode() and "宋体" in fallback.blob.decode()
    masthead = next(p for p in document.paragraphs if p.text == ctx.masthead)
    assert Mm(156) >= masthead.runs[0].font.size * len(ctx.masthead) * 0.95


def test_docx_escapes_return_text_and_never_runs_it(tmp_path):
    ctx = context(EVIL + "\x0c")
    for kind in L.REPORT_KINDS:
        text = docx_text(render_docx(ctx, kind, tmp_path / f"{kind}.docx"))
        assert EVIL in text
        assert "49" not in text.replace("2049", "")


def test_docx_templates_match_their_build_script(tmp_path):
    import importlib.util

    root = Path(__file__).resolve().parents[1] / "templates"
    spec = importlib.util.spec_from_file_location("build_docx", root / "build_docx_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for built in module.build(tmp_path):
        assert built.read_bytes() == (root / built.name).read_bytes(), built.name


# --- render_report from a ranked workbook ------------------------------------------------------


def ranked_book(path: Path) -> Path:
    """A ranked workbook laid out as the write stage does: title rows above annex headers."""
    f = frames()
    sheets = {}
    for cat, frame in f["annexes"].items():
        rows = [
            [f"附件{L.ANNEX_NUMBER[cat]}"],
            [L.annex_title(cat, 2022)],
            list(L.KIND_COLUMNS[L.PLAN_KIND]),
            [None] * 4,
        ]
        rows += frame.astype(object).values.tolist()
        if cat == L.DEPARTMENT:
            rows.append(["备注：区考核组指万东镇、南桐镇、关坝镇、青年镇。"])
        sheets[L.annex_sheet(cat)] = rows
    for name, frame in (
        (L.SHEET_RANKS, f["ranks"]),
        (L.SHEET_ACHIEVEMENT, f["achievement"]),
        (L.SHEET_REGISTRY, f["registry"]),
    ):
        sheets[name] = [list(frame.columns)] + frame.astype(object).values.tolist()
    sheets[L.SHEET_MISSING] = [[L.UNIT, L.CATEGORY], [MISSING, L.COMMUNITY]]
    sheets[L.SHEET_PARAMS] = [list(L.REPORT_PARAM_COLUMNS)] + [[k, v] for k, v in PARAMS.items()]
    return make_book(path, sheets)


def test_render_report_reads_the_ranked_workbook(tmp_path):
    book = ranked_book(tmp_path / "排名.xlsx")
    html = render_report(book, tmp_path / "out" / "通报.html")
    text, _ = html_text(html.read_text(encoding="utf-8"))
    assert "关于南桐镇2022年度创先争优目标考核结果的通报" in text and "并列第2名" in text
    assert VETOED[2] in text and "未参加排名：二郎峡社区（未报送回收表，无得分）" in text
    notice = render_report(book, tmp_path / "out" / "通知.docx", kind="通知")
    text = docx_text(notice)
    assert "南桐党政办发〔2022〕14号" in text and "2022年6月28日印发" in text
    assert "|党政办|政务信息工作全区镇街排名保2争1、区考核组排名第1。|" in text
    assert "备注" not in "".join(
        c.text for t in docx.Document(str(notice)).tables for r in t.rows for c in r.cells
    )
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["通报.html", "通知.docx"]


def test_notice_from_a_workbook_with_headerless_params_and_a_date_cell(tmp_path):
    import datetime as dt

    book = make_book(
        tmp_path / "汇总.xlsx",
        {
            L.annex_sheet(L.VILLAGE): [
                list(L.KIND_COLUMNS[L.PLAN_KIND]),
                [1, "温塘村", "目标", "计划"],
                ["备注：仅示例"],
            ],
            L.SHEET_PARAMS: [["乡镇", "关坝镇"], ["日期", dt.datetime(2023, 3, 5)], ["年度", 2023]],
        },
    )
    text, _ = html_text(render_report(book, tmp_path / "通知.html", "notice").read_text("utf-8"))
    assert "关坝镇党政办公室文件" in text and "2023年3月5日印发" in text
    assert "附件：2. 村2023年度创先争优目标和亮点工作计划" in text and "温塘村" in text
    assert "仅示例" not in text and "附件1" not in text


def test_render_report_reads_what_write_ranking_writes(tmp_path):
    from targetbook.results import Ranking
    from targetbook.score import SCORE_FRAME_COLUMNS
    from targetbook.write.ranking import write_ranking

    f = frames()
    ranking = Ranking(
        scores=pd.DataFrame(columns=list(SCORE_FRAME_COLUMNS)),
        ranks=f["ranks"],
        achievement=f["achievement"],
        warnings=pd.DataFrame(columns=list(L.WARNING_COLUMNS)),
        year=2022,
    )
    ranked = write_ranking(ranking, tmp_path / L.RANKED_FILE)
    out = render_report(ranked, tmp_path / "通报.docx", params={L.PARAM_TOWN: "南桐镇"})
    text = docx_text(out)
    assert "关于南桐镇2022年度创先争优目标考核结果的通报" in text
    assert "并列第2名|经发办|94.50|优秀|进1位|" in text
    assert f"{VETOED[0]}（{VETOED[1]}）：{VETOED[2]}" in text
    assert all(u in text for u in f["ranks"][L.UNIT])


@pytest.mark.parametrize(
    ("out", "kind", "rule"),
    [("x.pdf", "通报", "report_format_unknown"), ("x.html", "公告", "report_kind_unknown")],
)
def test_render_report_rejects_unknown_format_and_kind(tmp_path, out, kind, rule):
    book = ranked_book(tmp_path / "排名.xlsx")
    with pytest.raises(TargetbookError) as err:
        render_report(book, tmp_path / out, kind=kind)
    assert (err.value.rule, err.value.params) == (
        rule,
        {"value": kind if "kind" in rule else ".pdf"},
    )
    assert not (tmp_path / out).exists()


def test_render_report_needs_the_rank_sheet_for_the_bulletin(tmp_path):
    book = make_book(tmp_path / "汇总.xlsx", {L.SHEET_PARAMS: [["项目", "值"], ["年度", 2022]]})
    with pytest.raises(TargetbookError) as err:
        render_report(book, tmp_path / "通报.docx")
    assert (err.value.rule, err.value.params) == ("report_sheet_missing", {"sheet": L.SHEET_RANKS})
    with pytest.raises(TargetbookError) as err:
        render_report(tmp_path / "nope.xlsx", tmp_path / "通报.docx")
    assert err.value.rule == "report_input_missing"


# --- from the demo campaign ------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_results(tmp_path_factory):
    """The demo's 成果 folder (汇总.xlsx; 排名.xlsx once the demo ranks)."""
    return run_demo(tmp_path_factory.mktemp("demo") / "campaign").out_dir / L.FOLDER_RESULTS


def test_demo_notice_prints_every_seed_unit_in_both_formats(demo_results, tmp_path):
    ranked = demo_results / L.RANKED_FILE
    source = ranked if ranked.exists() else demo_results / L.CONSOLIDATED_FILE
    docx_out = render_report(source, tmp_path / "通知.docx", kind=L.REPORT_NOTICE)
    html_out = render_report(source, tmp_path / "通知.html", kind=L.REPORT_NOTICE)
    text = docx_text(docx_out)
    page, _ = html_text(html_out.read_text(encoding="utf-8"))
    for body in (text, page):
        assert "2022年度创先争优目标和亮点工作计划" in body
        for n, category in enumerate(L.CATEGORIES, start=1):
            assert f"附件{n}" in body and L.annex_title(category, 2022) in body
        for _, unit, target, _ in UNITS:
            assert unit in body and target.split("\n")[0] in body
    rows = [r for t in docx.Document(str(docx_out)).tables for r in t.rows[1:]]
    assert len(rows) == len(UNITS)


def test_demo_bulletin_prints_every_ranked_unit_rank_and_veto(demo_results, tmp_path):
    from targetbook.write.ranking import load_ranking

    ranked = demo_results / L.RANKED_FILE
    ranks = load_ranking(ranked).ranks
    vetoed = ranks.loc[ranks["否决"] != "", [L.UNIT, "否决事由"]].values.tolist()
    assert vetoed, "the demo plants a veto"
    docx_out = render_report(ranked, tmp_path / "通报.docx")
    html_out = render_report(ranked, tmp_path / "通报.html")
    text = docx_text(docx_out)
    page, tags = html_text(html_out.read_text(encoding="utf-8"))
    for body in (text, page):
        assert "年度创先争优目标考核结果的通报" in body
        for unit, reason in vetoed:
            assert f"{unit}" in body and reason in body
    for r in ranks.to_dict("records"):
        tie = "并列" if r["并列"] == L.YES else ""
        assert f"{tie}第{int(r['名次'])}名|{r[L.UNIT]}|{r['总分']:.2f}|" in text
        assert r[L.UNIT] in page
    assert tags.count("svg") == len(set(ranks[L.CATEGORY]))


# --- LibreOffice -------------------------------------------------------------------------------


def test_docx_converts_to_pdf_with_its_text(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is required"
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is required"
    ctx = context(EVIL)
    docs = {kind: render_docx(ctx, kind, tmp_path / f"{kind}.docx") for kind in L.REPORT_KINDS}
    # One LibreOffice start for both files (private profile, as conftest.soffice_convert).
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *map(str, docs.values()),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    titles = {L.REPORT_BULLETIN: ctx.bulletin_title, L.REPORT_NOTICE: ctx.plan_title}
    for kind, title in titles.items():
        pdf = tmp_path / "pdf" / f"{kind}.pdf"
        assert pdf.exists(), f"LibreOffice did not write {pdf}"
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
        flat = re.sub(r"\s+", "", text)
        assert re.sub(r"\s+", "", title) in flat
        assert "南桐党政办发〔2022〕14号" in flat and "温塘村" in flat and "八〇一社区" in flat
        assert "{{7*7}}" in flat  # the return's text, printed literally
