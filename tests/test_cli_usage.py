"""A Chinese command line (issue 11, item 5): usage errors with the usage line, Chinese help,
`validate --all` and `validate --report`."""

from __future__ import annotations

import json
import re

import openpyxl
import pytest
from click.testing import CliRunner

from targetbook import labels as L
from targetbook.cli import SHOW_ISSUES, cli
from targetbook.messages import render

ENGLISH = re.compile(r"Usage:|Error:|Options:|Missing|Try '|Show this|does not exist|Got unexp")
TITLE = L.annex_title(L.VILLAGE, 2022)
HEADER = list(L.KIND_COLUMNS[L.PLAN_KIND])


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="targetbook")


@pytest.fixture
def registry(book):
    rows = [list(L.REGISTRY_COLUMNS), ["温塘村", L.VILLAGE, "", ""], ["营寨村", L.VILLAGE, "", ""]]
    return book("名录.xlsx", {L.SHEET_REGISTRY: rows})


def usage_error(result, where: str, rule: str, **params) -> None:
    """Exit 2, the command's usage line and the rule's Chinese message on stderr, no English."""
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    err = result.stderr
    assert err.startswith(f"用法：targetbook {where}".rstrip()), err
    assert f"运行“targetbook {where}".rstrip() in err
    assert f"{L.FATAL_PREFIX}" in err and render(rule, **params) in err, err
    assert not ENGLISH.search(err), err


def test_a_missing_option_is_named_in_chinese_under_the_usage_line(tmp_path):
    result = run("consolidate", tmp_path, "--out", tmp_path / "x.xlsx")
    usage_error(result, "consolidate", "usage_missing_option", option="--registry")


def test_a_missing_argument_a_bad_path_and_an_unknown_command(tmp_path):
    usage_error(run("validate"), "validate", "usage_missing_argument", argument="PATHS")
    result = run("validate", tmp_path / "nowhere")
    usage_error(result, "validate", "usage_path_missing", path=tmp_path / "nowhere")
    result = run("rank", tmp_path, "--rules", tmp_path, "--out", tmp_path / "x.xlsx")
    usage_error(result, "rank", "usage_path_is_folder", path=tmp_path)
    commands = "、".join(cli.commands)
    usage_error(run("valdate"), "", "usage_no_such_command", command="valdate", commands=commands)


def test_bad_options_and_values_say_what_to_write(tmp_path, registry):
    result = run("templates", "--registry", registry, "--out", tmp_path, "--yeer", "2022")
    usage_error(
        result, "templates", "usage_no_such_option", option="--yeer", hint="，是否为 --year？"
    )
    result = run("templates", "--registry", registry, "--out")
    usage_error(result, "templates", "usage_option_needs_value", option="--out")
    result = run("templates", "--registry", registry, "--out", tmp_path, "--year", "二〇二二")
    usage_error(result, "templates", "usage_not_a_year", value="二〇二二")
    result = run("init", tmp_path / "a", tmp_path / "b")
    usage_error(result, "init", "usage_extra_arguments", args=str(tmp_path / "b"))


def test_help_is_in_chinese():
    for args in ([], ["validate"], ["templates"]):
        result = run(*args, "-h")
        assert result.exit_code == 0
        assert result.output.startswith("用法：targetbook")
        assert "选项：" in result.output and "显示本帮助并退出。" in result.output
        assert not ENGLISH.search(result.output), result.output
    assert run("--version").output.strip().startswith("targetbook ")


def unknown_units_return(book, n: int):
    rows = [["附件2"], [TITLE], HEADER]
    rows += [[i, f"不存在{i}村", "环境保护工作考核全镇第1。", "无"] for i in range(1, n + 1)]
    return book("回收/多单位.xlsx", {"附件2": rows})


def test_validate_all_prints_every_problem(tmp_path, registry, book):
    folder = unknown_units_return(book, SHOW_ISSUES + 5).parent
    doc = json.loads(run("validate", folder, "--registry", registry, "--json").stdout)
    assert len(doc["issues"]) > SHOW_ISSUES
    short = run("validate", folder, "--registry", registry)
    full = run("validate", folder, "--registry", registry, "--all")
    assert short.exit_code == full.exit_code == 1
    assert short.stdout.count("\n  [") == SHOW_ISSUES and "--all" in short.stdout
    assert full.stdout.count("\n  [") == len(doc["issues"])
    for i in doc["issues"]:
        assert i["message"].split("：")[-1] in full.stdout


def test_validate_report_writes_the_check_report_opening_on_the_problems(tmp_path, registry, book):
    folder = unknown_units_return(book, 3).parent
    out = tmp_path / "成果" / L.CHECK_REPORT_FILE
    result = run("validate", folder, "--registry", registry, "--report", out)
    assert result.exit_code == 1 and f"输出：{out}" in result.stdout
    wb = openpyxl.load_workbook(out)
    assert wb.active.title == L.SHEET_ISSUES  # opens on the problem list
    rows = list(wb[L.SHEET_ISSUES].iter_rows(values_only=True))
    assert rows[0] == L.ISSUE_COLUMNS
    assert sorted(r[5] for r in rows[1:] if r[3] == "unit_unknown") == sorted(
        i["message"]
        for i in json.loads(run("validate", folder, "--registry", registry, "--json").stdout)[
            "issues"
        ]
        if i["rule"] == "unit_unknown"
    )
    missing = [r[1] for r in wb[L.SHEET_MISSING].iter_rows(min_row=2, values_only=True)]
    assert missing == ["温塘村", "营寨村"]
