"""The command line: DESIGN.md's JSON contract, exit codes 0/1/2, progress on stderr, UTF-8."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from targetbook import labels
from targetbook.cli import cli

TITLE = labels.annex_title(labels.VILLAGE, 2022)
HEADER = list(labels.KIND_COLUMNS[labels.PLAN_KIND])
VILLAGES = ["温塘村", "营寨村", "民权村"]


@pytest.fixture
def registry(book) -> Path:
    rows = [list(labels.REGISTRY_COLUMNS)]
    rows += [[name, labels.VILLAGE, "", ""] for name in VILLAGES]
    rows.append(["经发办", labels.DEPARTMENT, "", "经济发展办"])
    return book("名录.xlsx", {labels.SHEET_REGISTRY: rows})


@pytest.fixture
def village_return(book):
    """Factory: a one-unit return in seed 000's layout under tmp_path; data in Excel row 4."""

    def factory(name: str, unit: str, target: str = "环境保护工作考核全镇第1。") -> Path:
        rows = [["附件2"], [TITLE], HEADER, [1, unit, target, "建设物流集散点。"]]
        return book(name, {"附件2": rows})

    return factory


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_validate_json_is_one_document_of_the_design_schema(tmp_path, registry, village_return):
    folder = tmp_path / "回收"
    village_return("回收/温塘村.xlsx", "温塘村")
    village_return("回收/营寨.xlsx", "营寨村")
    result = run("validate", folder, "--registry", registry, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)  # exactly one JSON document, nothing else on stdout
    assert {"files", "issues", "missing_units", "duplicates", "rows"} <= set(doc)
    assert sorted(f["path"] for f in doc["files"]) == [
        str(Path("回收") / "温塘村.xlsx"),
        str(Path("回收") / "营寨.xlsx"),
    ]
    assert all(f["status"] == "ok" and len(f["sha256"]) == 64 for f in doc["files"])
    assert doc["missing_units"] == ["民权村", "经发办"]
    assert doc["rows"] == 2
    assert "民权村" in result.stdout  # ensure_ascii=False: Chinese is not \u-escaped


def test_error_in_the_data_exits_1_and_locates_the_cell(tmp_path, registry, village_return):
    folder = tmp_path / "回收"
    village_return("回收/a.xlsx", "温塘村")
    village_return("回收/b.xlsx", "不存在村")
    result = run("validate", folder, "--registry", registry, "--json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    located = [(i["file"], i["sheet"], i["cell"], i["rule"], i["severity"]) for i in doc["issues"]]
    assert (str(Path("回收") / "b.xlsx"), "附件2", "B4", "unit_unknown", "error") in located


def test_human_summary_shows_counts_and_located_issues(tmp_path, registry, village_return):
    folder = tmp_path / "回收"
    village_return("回收/b.xlsx", "不存在村")
    result = run("validate", folder, "--registry", registry)
    assert result.exit_code == 1
    assert result.stdout.lstrip()[:1] != "{"
    line = next(x for x in result.stdout.splitlines() if "unit_unknown" in x)
    assert str(Path("回收") / "b.xlsx") in line and "附件2!B4" in line


def test_consolidate_writes_the_workbook_and_names_it(tmp_path, registry, village_return):
    folder = tmp_path / "回收"
    for unit in VILLAGES:
        village_return(f"回收/{unit}.xlsx", unit)
    out = tmp_path / "成果" / "汇总.xlsx"
    result = run("consolidate", folder, "--registry", registry, "--out", out, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["out"] == str(out)
    assert doc["missing_units"] == ["经发办"]
    sheets = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert labels.annex_sheet(labels.VILLAGE) in sheets


def test_progress_goes_to_stderr_and_stdout_stays_json(tmp_path, registry, village_return):
    folder = tmp_path / "回收"
    for n in range(8):
        village_return(f"回收/{n}.xlsx", VILLAGES[n % 3])
    result = run("validate", folder, "--registry", registry, "--json")
    doc = json.loads(result.stdout)
    assert len(doc["files"]) == 8
    assert result.stderr.strip()  # the progress label/bar
    assert not result.stderr.lstrip().startswith("{")


def test_usage_and_fatal_errors_exit_2(tmp_path, registry):
    assert run("validate", tmp_path / "nowhere").exit_code == 2
    assert run("consolidate", tmp_path, "--out", tmp_path / "x.xlsx").exit_code == 2  # no registry
    assert run("report", registry, "--out", tmp_path / "x.pdf").exit_code == 2
    empty = tmp_path / "空"
    empty.mkdir()
    result = run("validate", empty, "--registry", registry)
    assert result.exit_code == 2 and "错误" in result.stderr
    assert result.stdout == ""
    unusable = tmp_path / "名录.csv"  # no 单位/类别 columns: every unit would be unknown
    unusable.write_text("名称,备注\n温塘村,\n", encoding="utf-8")
    result = run("validate", registry, "--registry", unusable, "--json")
    assert result.exit_code == 2 and result.stdout == ""


def test_main_prints_chinese_on_a_legacy_console(tmp_path, registry, village_return):
    folder = tmp_path / "回收"
    village_return("回收/a.xlsx", "温塘村")
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}  # what a redirected GBK/cp1252 console gives
    proc = subprocess.run(
        [sys.executable, "-m", "targetbook", "validate", str(folder), "--registry", str(registry)],
        capture_output=True,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert "民权村" in proc.stdout.decode("utf-8")


def test_init_makes_the_campaign_folder_with_templates(tmp_path, registry):
    campaign = tmp_path / "2022年度"
    result = run("init", campaign, "--registry", registry)
    assert result.exit_code == 0, result.output
    for name in labels.CAMPAIGN_FOLDERS:
        assert (campaign / name).is_dir()
    assert len(list((campaign / labels.FOLDER_SEND).rglob("*.xlsx"))) >= len(VILLAGES) + 1
    control = campaign / labels.CONTROL_WORKBOOK
    bats = {p.name for p in campaign.glob("*.bat")}
    assert control.is_file() and bats == {
        "生成模板.bat",
        "校验.bat",
        "汇总.bat",
        "计算排名.bat",
        "生成通报.bat",
        "催报.bat",
    }
    assert all(name in result.output for name in bats)  # listed for the user
    control.write_bytes(b"the office's own settings")
    (campaign / "校验.bat").unlink()
    assert run("init", campaign).exit_code == 0  # a second init keeps the control workbook
    assert control.read_bytes() == b"the office's own settings"
    assert (campaign / "校验.bat").is_file()  # … and restores the .bat files


def test_templates_writes_one_return_per_unit(tmp_path, registry):
    out = tmp_path / "下发"
    result = run("templates", "--registry", registry, "--out", out, "--year", "2022")
    assert result.exit_code == 0, result.output
    written = {p.stem for p in out.rglob("*.xlsx")}
    assert all(any(unit in stem for stem in written) for unit in [*VILLAGES, "经发办"])


def test_parse_target_json_is_a_list_of_targets():
    result = run("parse-target", "区考核组排名保2争1", "违建零发生。", "--json")
    assert result.exit_code == 0, result.output
    targets = json.loads(result.stdout)
    assert [t["kind"] for t in targets] == ["rank", "zero"]
    assert (targets[0]["guarantee"], targets[0]["strive"]) == (2, 1)


def test_files_that_are_not_read_are_listed_as_skipped(tmp_path, village_return):
    """Every file of a folder run is accounted for: read, an Issue, or listed as skipped."""
    folder = tmp_path / "回收"
    village_return("回收/温塘村.xlsx", "温塘村")
    (folder / "佐证材料.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "照片.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (folder / "~$温塘村.xlsx").write_bytes(b"lock")
    result = run("validate", folder, "--json")
    doc = json.loads(result.stdout)
    assert [f["path"] for f in doc["files"]] == [str(Path("回收") / "温塘村.xlsx")]
    assert doc["skipped"] == [
        str(Path("回收") / name) for name in ("~$温塘村.xlsx", "佐证材料.pdf", "照片.jpg")
    ]
    assert "未读取的非表格文件：3 个" in run("validate", folder).output


def test_rank_exits_1_on_missing_data_and_2_on_a_file_that_is_not_rules(
    tmp_path, book, registry, village_return
):
    folder = tmp_path / "回收"
    folder.mkdir()
    village_return("回收/温塘村.xlsx", "温塘村")
    consolidated = tmp_path / "汇总.xlsx"
    run("consolidate", folder, "--registry", registry, "--out", consolidated)
    assert consolidated.is_file()
    rules = book("细则.xlsx", {"考核项目": [["项目", "分值", "方法"], ["党建", 100, "直接打分"]]})
    scores = book("打分.xlsx", {"考核打分": [["单位", "项目", "得分"], ["温塘村", "党建", 90]]})
    out = tmp_path / "排名.xlsx"
    # 营寨村, 民权村 and 经发办 have no score at all: listed as 未参加排名, the run exits 1.
    done = run("rank", consolidated, "--rules", rules, "--scores", scores, "--out", out, "--json")
    assert done.exit_code == 1
    doc = json.loads(done.output)
    unranked = [r["unit"] for r in doc["ranks"] if r["rank"] is None]
    assert sorted(unranked) == ["民权村", "经发办", "营寨村"]
    assert all(r["note"].startswith("未参加排名") for r in doc["ranks"] if r["rank"] is None)
    # The registry given as rules: fatal, exit 2, nothing written.
    wrong = tmp_path / "排名2.xlsx"
    bad = run("rank", consolidated, "--rules", registry, "--out", wrong)
    assert bad.exit_code == 2 and "考核细则" in bad.output
    assert not wrong.exists()
