"""Campaign parameters set once, carried 控制台 → templates → 汇总 → 排名 → 通报 (issue 11, 2)."""

from __future__ import annotations

import re
import zipfile

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from targetbook import labels as L
from targetbook.cli import cli
from targetbook.demo import run_demo


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="targetbook")


def params_of(path) -> dict:
    wb = openpyxl.load_workbook(path, keep_vba=str(path).endswith(".xlsm"))
    rows = wb[L.SHEET_PARAMS].iter_rows(min_row=2, values_only=True)
    return {k: v for k, v, *_ in rows if k}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return run_demo(tmp_path_factory.mktemp("demo") / "campaign")


def test_init_writes_year_and_town_into_the_control_workbook_and_templates(tmp_path, demo):
    campaign = tmp_path / "2022年度"
    result = run(
        "init", campaign, "--registry", demo.registry, "--year", "2022", "--town", "南桐镇"
    )
    assert result.exit_code == 0, result.output
    control = campaign / L.CONTROL_WORKBOOK
    params = params_of(control)
    assert (params[L.PARAM_YEAR], params[L.PARAM_TOWN]) == ("2022", "南桐镇")
    assert params[L.PARAM_COLLECT_DIR] == L.FOLDER_COLLECT  # the other rows are kept
    # The VBA project (the buttons) is copied byte for byte.
    from targetbook.excel.control import control_workbook

    with zipfile.ZipFile(control) as a, zipfile.ZipFile(control_workbook()) as b:
        assert a.read("xl/vbaProject.bin") == b.read("xl/vbaProject.bin")
    template = campaign / L.FOLDER_SEND / "村-温塘村.xlsx"
    wb = openpyxl.load_workbook(template)
    cells = [str(c) for row in wb.worksheets[0].iter_rows(max_row=3, values_only=True) for c in row]
    assert L.annex_title(L.VILLAGE, 2022) in cells
    assert not any("2026" in c for c in cells)
    assert wb.properties.title == "南桐镇" + L.annex_title(L.VILLAGE, 2022)
    with zipfile.ZipFile(template) as z:
        assert "<Company>南桐镇</Company>" in z.read("docProps/app.xml").decode("utf-8")


def test_the_demo_control_workbook_keeps_its_year(demo):
    # Its buttons read 年度 from 参数: blank, they would relabel the 2022 data as this year.
    from targetbook.excel import steps

    inputs = steps.read_control_workbook(demo.out_dir)
    assert steps.year(inputs) == 2022
    assert steps.params(inputs)[L.PARAM_TOWN] == "南桐镇"


def text_of(path) -> str:
    if path.suffix == ".html":
        return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))
    return re.sub(r"\s+", "", "\n".join(p.text for p in docx.Document(str(path)).paragraphs))


def test_parameters_carry_from_consolidate_to_rank_to_both_documents(tmp_path, demo):
    from targetbook.demo.rules import write_rules

    summary, ranked = tmp_path / "汇总.xlsx", tmp_path / "排名.xlsx"
    collect = demo.out_dir / L.FOLDER_COLLECT
    args = ("--registry", demo.registry, "--out", summary, "--year", 2021, "--town", "关坝镇")
    assert run("consolidate", collect, *args).exit_code in (0, 1)
    assert params_of(summary)[L.PARAM_TOWN] == "关坝镇"
    assert params_of(summary)[L.PARAM_YEAR] == "2021"
    sheet = openpyxl.load_workbook(summary)[L.annex_sheet(L.VILLAGE)]
    assert L.annex_title(L.VILLAGE, 2021) in [
        c for r in sheet.iter_rows(values_only=True) for c in r
    ]
    rules = write_rules(tmp_path / L.RULES_FILE)
    assert run("rank", summary, "--rules", rules, "--out", ranked).exit_code in (0, 1)
    assert params_of(ranked)[L.PARAM_TOWN] == "关坝镇"
    # Carried: 关坝镇 and 2021 reach the documents without being given again; the command
    # line's 文号 and date are printed; its --town overrides the carried town in the second.
    for suffix in ("docx", "html"):
        out = tmp_path / f"通报.{suffix}"
        result = run(
            "report",
            ranked,
            "--out",
            out,
            "--number",
            "关坝党政办发〔2021〕3号",
            "--date",
            "2021-12-30",
        )
        assert result.exit_code == 0, result.output
        body = text_of(out)
        assert "关于关坝镇2021年度创先争优目标考核结果的通报" in body, suffix
        assert "关坝党政办发〔2021〕3号" in body and "2021年12月30日" in body, suffix
        assert "report_param_missing" not in result.stderr
        other = tmp_path / f"通知.{suffix}"
        args = ("--town", "青年镇", "--issuer", "青年镇人民政府", "--to", "各村（社区）：")
        assert run("report", ranked, "--out", other, *args).exit_code == 0
        body = text_of(other)
        assert "青年镇2021年度创先争优目标和亮点工作计划" in body and "关坝镇" not in body
        assert "青年镇人民政府" in body and "各村（社区）：" in body


def test_a_document_with_placeholders_warns_naming_the_parameter(tmp_path, demo):
    from targetbook.write.ranking import load_ranking, write_ranking

    # A 排名.xlsx without 乡镇/文号/日期 (a campaign whose 参数 were never filled).
    loaded = load_ranking(demo.out_dir / L.FOLDER_RESULTS / L.RANKED_FILE)
    bare = write_ranking(loaded, tmp_path / "排名.xlsx")
    result = run("report", bare, "--out", tmp_path / "通报.html")
    assert result.exit_code == 0
    warned = re.findall(
        r"参数“(.+?)”未设置.*?请用 (--\w+) 指定.*?（report_param_missing）", result.stderr
    )
    assert warned == [
        (L.PARAM_TOWN, "--town"),
        (L.PARAM_DOC_NUMBER, "--number"),
        (L.PARAM_DATE, "--date"),
    ]
    assert "本镇" in result.stderr  # what was printed instead
    result = run(
        "report",
        bare,
        "--out",
        tmp_path / "通报2.html",
        "--town",
        "南桐镇",
        "--number",
        "南桐党政办发〔2022〕14号",
        "--date",
        "2022-06-28",
    )
    assert result.exit_code == 0 and "report_param_missing" not in result.stderr


def test_a_bad_date_is_a_usage_error(tmp_path, demo):
    ranked = demo.out_dir / L.FOLDER_RESULTS / L.RANKED_FILE
    result = run("report", ranked, "--out", tmp_path / "x.html", "--date", "2022-13-01")
    assert result.exit_code == 2 and "不是日期" in result.stderr


def test_the_check_button_writes_the_check_report_and_report_warns_in_the_log(tmp_path, demo):
    import shutil

    from targetbook.excel import steps
    from targetbook.pipeline import init_campaign

    quiet = steps.read_control_workbook(demo.out_dir)
    quiet.progress = lambda _: None
    # The demo's 参数 are filled: its 通报 carries no placeholder warning.
    assert not [i for i in steps.make_report(quiet).issues if i.rule == "report_param_missing"]
    # A campaign whose 参数 were never filled: the button still writes the 通报, and says what
    # is missing (the Excel door writes these issues to 日志).
    bare = tmp_path / "活动"
    init_campaign(bare)
    from targetbook.write.ranking import load_ranking, write_ranking

    # Its 排名.xlsx carries no 乡镇/文号/日期 either (only the 年度 the ranking knows).
    loaded = load_ranking(demo.out_dir / L.FOLDER_RESULTS / L.RANKED_FILE)
    write_ranking(loaded, bare / L.FOLDER_RESULTS / L.RANKED_FILE)
    inputs = steps.read_control_workbook(bare)
    inputs.progress = lambda _: None
    outcome = steps.make_report(inputs)
    assert len(outcome.files) == 2
    warned = [i for i in outcome.issues if i.rule == "report_param_missing"]
    # 乡镇, 文号 and 日期 for each of the two documents (.docx and .html): 3 × 2.
    assert len(warned) == 6 and {i.file for i in warned} == {str(p) for p in outcome.files}
    # 校验 writes 成果/校验报告.xlsx, the workbook `validate --report` writes.
    shutil.copytree(demo.out_dir / L.FOLDER_COLLECT, bare / L.FOLDER_COLLECT, dirs_exist_ok=True)
    shutil.copy(demo.registry, bare / demo.registry.name)
    inputs = steps.read_control_workbook(bare)
    inputs.progress = lambda _: None
    outcome = steps.validate_returns(inputs)
    report = bare / L.FOLDER_RESULTS / L.CHECK_REPORT_FILE
    assert outcome.files == [report]
    assert openpyxl.load_workbook(report).active.title == L.SHEET_ISSUES
