"""The demo reproduces seed 000's annex tables exactly and reports each planted fault."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from targetbook import labels
from targetbook.cli import cli
from targetbook.demo import rules as demo_rules
from targetbook.demo import run_demo
from targetbook.demo.seed import UNITS as SEED_UNITS

# The three annex tables of seed 000, copied once from the seed text (see its "source").
SEED = json.loads((Path(__file__).parent / "data" / "seed000_annex.json").read_text("utf-8"))
COLLECT = Path(labels.FOLDER_COLLECT)
PLANTED = {
    (str(COLLECT / "附件1-党政办.xlsx"), "附件1", "B5", "unit_alias"),  # typed as 党群办
    (str(COLLECT / "附件1-执法办.xlsx"), "附件1", "C5", "cell_blank"),  # blank in the seed
    (str(COLLECT / "温塘村.xlsx"), "附件2", "B5", "duplicate_unit"),  # the older draft
    ("", "", "", "unit_missing"),  # 二郎峡社区 sends nothing in the first round
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return run_demo(tmp_path_factory.mktemp("demo") / "campaign")


def _text(value: object) -> str:
    return "" if value is None else str(value)


@pytest.mark.parametrize("annex", SEED["annexes"], ids=lambda a: a["annex"])
def test_annex_sheets_reproduce_seed_000(demo, annex):
    wb = openpyxl.load_workbook(demo.outputs["汇总"], read_only=True)
    rows = list(wb[labels.annex_sheet(annex["category"])].iter_rows(values_only=True))
    assert rows[0][0] == annex["annex"]
    assert rows[1][0] == annex["title"]
    assert list(rows[2][:4]) == list(labels.KIND_COLUMNS[labels.PLAN_KIND])
    got = [
        (r[0], _text(r[1]), _text(r[2]), _text(r[3]))
        for r in rows[3:]
        if any(v not in (None, "") for v in r[:4])
    ]
    expected = [(r["序号"], r["单位"], r["创先争优目标"], r["亮点工作计划"]) for r in annex["rows"]]
    assert got == expected


def test_each_planted_fault_is_reported_with_file_sheet_cell_and_rule(demo):
    found = {(i.file, i.sheet, i.cell, i.rule) for i in demo.check.issues}
    assert PLANTED <= found
    assert {(f.file, f.sheet, f.cell, f.rule) for f in demo.faults} == PLANTED
    assert demo.check.missing_units == ["二郎峡社区"]
    assert not [i for i in demo.check.issues if i.severity == "error"]


def test_faults_are_in_the_check_report_workbook(demo):
    wb = openpyxl.load_workbook(demo.outputs["校验报告（第一轮）"], read_only=True)
    rows = list(wb[labels.SHEET_ISSUES].iter_rows(values_only=True))
    assert tuple(rows[0][:7]) == labels.ISSUE_COLUMNS
    reported = {tuple(_text(v) for v in r[:4]) for r in rows[1:]}
    assert PLANTED <= reported


def test_duplicate_keeps_the_newest_saved_workbook_not_the_newest_file(demo):
    (dup,) = demo.check.duplicates
    assert dup.unit == "温塘村"
    assert dup.kept == str(COLLECT / "温塘村（修改稿）.xlsx")
    draft, corrected = (demo.out_dir / f for f in dup.files)
    assert draft.stat().st_mtime > corrected.stat().st_mtime  # the trap the demo sets


def test_after_the_late_return_nothing_is_missing_and_only_warnings_remain(demo):
    cons = demo.consolidation
    assert cons.missing_units == []
    assert sum(len(f) for f in cons.annexes.values()) == 34
    assert {i.rule for i in cons.issues} == {"unit_alias", "cell_blank", "duplicate_unit"}


def test_example_progress_figures_are_parsed_and_marked(demo):
    progress = demo.consolidation.others[labels.PROGRESS_KIND]
    row = progress[progress[labels.INDICATOR] == "税收收入"].iloc[0]
    assert row[labels.UNIT] == "财政办"
    assert row[labels.parsed(labels.ACTUAL_VALUE)] == pytest.approx(28_199_100)
    assert row[labels.parsed(labels.RATE)] == pytest.approx(97.19)
    assert set(progress[labels.EVIDENCE]) == {labels.EXAMPLE_DATA}


def test_cli_demo_runs_twice_in_the_same_folder_and_keeps_other_files(tmp_path):
    other = tmp_path / "d" / labels.FOLDER_COLLECT / "其他单位.xlsx"
    other.parent.mkdir(parents=True)
    other.write_bytes(b"not the demo's")
    for _ in range(2):
        result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path / "d")])
        assert result.exit_code == 0, result.output
        assert "unit_missing" in result.stdout  # the first round misses a unit every time
    assert str(tmp_path / "d") in result.stdout
    assert str(Path(labels.FOLDER_RESULTS) / labels.CONSOLIDATED_FILE) in result.stdout
    assert (tmp_path / "d" / labels.FOLDER_RESULTS / labels.CONSOLIDATED_FILE).is_file()
    assert other.read_bytes() == b"not the demo's"


def test_ranking_applies_the_veto_the_award_and_the_tie(demo):
    ranks = demo.ranking.ranks.fillna({"奖项": "", "并列": ""})
    villages = ranks[ranks[labels.CATEGORY] == labels.VILLAGE]
    first, second = villages.iloc[0], villages.iloc[1]
    assert (first[labels.UNIT], first["名次"], first["否决"], first["奖项"]) == (
        demo_rules.VETOED,
        1,
        "党风廉政建设",
        "",
    )
    assert "综合工作目标优胜奖" in second["奖项"]  # the award passes to the next village
    departments = ranks[ranks[labels.CATEGORY] == labels.DEPARTMENT]
    assert "综合工作目标优胜奖" in departments.iloc[0]["奖项"]
    by_unit = ranks.set_index(labels.UNIT)
    a, b = demo_rules.TIED_UNITS
    assert by_unit.loc[a, "总分"] == by_unit.loc[b, "总分"]
    assert by_unit.loc[a, "名次"] == by_unit.loc[b, "名次"]
    assert by_unit.loc[a, "并列"] == by_unit.loc[b, "并列"] == labels.YES
    assert (ranks["并列"] == labels.YES).sum() == 2  # the planted tie is the only one
    assert len(ranks) == 34
    # 通报批评扣分 over its cap, and the 补报 unit's week of lateness over its 2 points
    assert [i.rule for i in demo.ranking.issues] == ["adjustment_capped"] * 2


def test_the_late_return_loses_points_per_day_up_to_the_cap(demo):
    from targetbook.demo.returns import MISSING_UNIT

    scores = demo.ranking.scores
    late = scores[scores[labels.ITEM] == demo_rules.LATE]
    assert set(late[labels.UNIT]) == {MISSING_UNIT}  # every other return came on time
    (deducted,) = late["计算依据"].tolist()  # ONE row: the deduction and its cap
    # saved 10:00 UTC = 18:00 Beijing time, on June 27th: 7 days after June 20th
    assert "报送时间 2022-06-27 18:00" in deducted and "逾期 7 天 × 0.5 分 = 3.5 分" in deducted
    assert "超过上限 2 分，按上限扣 2 分" in deducted
    assert late["得分"].tolist() == [-2]
    assert late["来源"].iloc[0].endswith(".xlsx")


def test_summary_names_the_tie_and_the_veto(demo):
    lines = demo.summary_lines()
    a, b = demo_rules.TIED_UNITS
    assert any(line.startswith("  并列：") and a in line and b in line for line in lines)
    assert any(line.startswith("  一票否决：") and demo_rules.VETOED in line for line in lines)


def test_finance_item_is_scored_from_the_return_progress_row(demo):
    wb = openpyxl.load_workbook(demo.outputs["排名"], read_only=True)
    rows = list(wb["得分"].iter_rows(values_only=True))
    unit, item, source = (rows[0].index(c) for c in (labels.UNIT, labels.ITEM, "来源"))
    (row,) = [r for r in rows if r[unit] == demo_rules.LINKED_UNIT and r[item] == "财政工作"]
    assert row[source].startswith(str(COLLECT / "附件1-财政办.xlsx") + "!" + labels.SHEET_PROGRESS)


def test_progress_warning_flags_the_unit_behind_schedule(demo):
    wb = openpyxl.load_workbook(demo.outputs["排名"], read_only=True)
    rows = list(wb["进度预警"].iter_rows(values_only=True))
    unit, light = rows[0].index(labels.UNIT), rows[0].index("预警")
    assert {r[unit]: r[light] for r in rows[1:]}["产业中心"] == "黄灯"


def test_reports_are_written_for_every_unit(demo):
    for kind in (labels.REPORT_BULLETIN, labels.REPORT_NOTICE):
        assert demo.outputs[f"{kind}.docx"].stat().st_size > 0
        page = demo.outputs[f"{kind}.html"].read_text(encoding="utf-8")
        assert all(name in page for _, name, _, _ in SEED_UNITS)


def test_cli_rank_and_report_on_the_demo_campaign(demo, tmp_path):
    root = demo.out_dir
    ranked = tmp_path / "排名.xlsx"
    result = CliRunner().invoke(
        cli,
        [
            "rank",
            str(demo.outputs["汇总"]),
            "--rules",
            str(root / labels.RULES_FILE),
            "--scores",
            str(root / demo_rules.SCORES_FILE),
            "--out",
            str(ranked),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["out"] == str(ranked) and len(doc["ranks"]) == 34
    vetoed = next(r for r in doc["ranks"] if r["unit"] == demo_rules.VETOED)
    assert vetoed["veto"] == "党风廉政建设"
    html = tmp_path / "通报.html"
    result = CliRunner().invoke(cli, ["report", str(ranked), "--out", str(html)])
    assert result.exit_code == 0, result.output
    assert demo_rules.VETOED in html.read_text(encoding="utf-8")
    notice = tmp_path / "通知.html"  # the file name picks the notice with annexes 1–3
    result = CliRunner().invoke(cli, ["report", str(ranked), "--out", str(notice)])
    assert result.exit_code == 0, result.output
    page = notice.read_text(encoding="utf-8")
    assert all(a["title"] in page for a in SEED["annexes"])


def test_readme_library_example_runs_on_the_demo_returns(demo, tmp_path):
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    code += "print([(i.file, i.sheet, i.cell, i.rule) for i in cons.issues])\n"
    shutil.copy(demo.registry, tmp_path / labels.REGISTRY_FILE)
    shutil.copytree(demo.out_dir / labels.FOLDER_COLLECT, tmp_path / labels.FOLDER_COLLECT)
    # A fresh interpreter, as a user runs it.
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, encoding="utf-8"
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / labels.FOLDER_RESULTS / labels.CONSOLIDATED_FILE).is_file()
    assert "unit_alias" in run.stdout and "附件1" in run.stdout
