"""The pipeline's jobs called directly (typed results), and hostile registry/rules files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from targetbook import labels as L
from targetbook import pipeline
from targetbook.cli import cli
from targetbook.errors import TargetbookError
from targetbook.read import read_grids
from targetbook.results import Campaign, Consolidation, Ranking

VILLAGES = ["温塘村", "营寨村", "民权村"]
HEADER = list(L.KIND_COLUMNS[L.PLAN_KIND])


@pytest.fixture
def registry(book) -> Path:
    rows = [list(L.REGISTRY_COLUMNS)] + [[n, L.VILLAGE, "", ""] for n in VILLAGES]
    return book("名录.xlsx", {L.SHEET_REGISTRY: rows})


def _folder(book) -> Path:
    return book("回收/a.xlsx", {"附件2": _rows("温塘村", "全镇第1。")}).parent


def _rows(unit: str, target: str) -> list[list[object]]:
    return [["附件2"], [L.annex_title(L.VILLAGE, 2022)], HEADER, [1, unit, target, "计划"]]


def far_cell(path: Path) -> Path:
    """A ~5 KB workbook whose one sheet holds a cell at XFD1048576 (calamine would abort)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = L.SHEET_REGISTRY
    ws.append(list(L.REGISTRY_COLUMNS))
    ws.append(["温塘村", L.VILLAGE, "", ""])
    ws["XFD1048576"] = "x"
    wb.save(path)
    return path


def test_check_returns_is_a_typed_result_with_issues_and_no_files(tmp_path, book, registry):
    folder = _folder(book)
    book("回收/b.xlsx", {"附件2": _rows("营寨村", "")})
    book("回收/c.xlsx", {"附件2": _rows("不存在村", "全镇第1。")})
    job = pipeline.check_returns([folder], registry)
    assert isinstance(job.consolidation, Consolidation)
    assert job.files == []
    assert job.consolidation.missing_units == ["民权村"]
    assert [(i.file, i.cell, i.rule) for i in job.issues] == [
        (str(Path("回收") / "b.xlsx"), "C4", "cell_blank"),
        (str(Path("回收") / "c.xlsx"), "B4", "unit_unknown"),
        ("", "", "unit_missing"),
    ]
    assert job.problems and job.errors == 1
    assert job.to_json()["out"] is None


def test_consolidate_returns_writes_the_workbook_with_the_campaign(tmp_path, book, registry):
    out = tmp_path / "成果" / "汇总.xlsx"
    campaign = Campaign(town="南桐镇", year=2022, issuer="南桐镇党政办公室")
    job = pipeline.consolidate_returns([_folder(book)], registry, out, campaign=campaign)
    assert job.files == [out] and out.is_file()
    assert not job.problems
    assert job.to_json()["out"] == str(out)
    from targetbook.write.consolidation import load_consolidation

    back = load_consolidation(out)
    assert back.year == 2022
    assert back.params[L.PARAM_TOWN] == "南桐镇"
    assert back.params[L.PARAM_OFFICE] == "南桐镇党政办公室"


def test_gather_without_returns_is_fatal(tmp_path, registry):
    empty = tmp_path / "空"
    empty.mkdir()
    with pytest.raises(TargetbookError):
        pipeline.check_returns([empty], registry)


def test_rank_campaign_and_publish(tmp_path, book, registry):
    consolidated = tmp_path / "汇总.xlsx"
    pipeline.consolidate_returns([_folder(book)], registry, consolidated, year=2022)
    rules = book(
        "细则.xlsx",
        {"考核项目": [["类别", "项目", "分值", "方法"], ["", "党建", 100, "直接打分"]]},
    )
    scores = book(
        "打分.xlsx",
        {"考核打分": [["单位", "项目", "得分"], ["温塘村", "党建", 90], ["营寨村", "党建", 95]]},
    )
    out = tmp_path / "排名.xlsx"
    job = pipeline.rank_campaign(consolidated, rules, scores=scores, out=out)
    assert isinstance(job.ranking, Ranking) and job.files == [out]
    ranks = job.ranking.ranks.set_index(L.UNIT)["名次"].to_dict()
    assert {u: ranks[u] for u in ("营寨村", "温塘村")} == {"营寨村": 1, "温塘村": 2}
    assert [i.rule for i in job.issues] == ["unit_no_scores"]  # 民权村 has no score
    assert job.problems  # a unit left unranked for want of data is an error (exit 1)
    assert job.to_dict()["out"] == str(out)
    html = pipeline.publish(out, tmp_path / "通报.html", campaign=Campaign(town="南桐镇"))
    assert html == tmp_path / "通报.html"
    assert "南桐镇" in html.read_text(encoding="utf-8")


def test_make_templates_and_init_campaign(tmp_path, registry):
    written = pipeline.make_templates(registry, tmp_path / "下发", year=2022)
    assert {p.stem for p in written} >= {f"{L.VILLAGE}-{v}" for v in VILLAGES}
    made = pipeline.init_campaign(tmp_path / "活动", registry=registry, year=2022)
    root = tmp_path / "活动"
    assert (root / L.CONTROL_WORKBOOK) in made
    assert all((root / name).is_dir() for name in L.CAMPAIGN_FOLDERS)
    assert len([p for p in made if p.parent == root / L.FOLDER_SEND]) >= len(VILLAGES)


def test_campaign_round_trips_its_parameters():
    params = {L.PARAM_YEAR: 2022.0, L.PARAM_TOWN: "南桐镇", L.PARAM_REMARK: "备注", "空": ""}
    campaign = Campaign.from_params(params)
    assert (campaign.year, campaign.town, campaign.extra) == (
        2022,
        "南桐镇",
        {L.PARAM_REMARK: "备注"},
    )
    assert campaign.params() == {
        L.PARAM_YEAR: "2022",
        L.PARAM_TOWN: "南桐镇",
        L.PARAM_REMARK: "备注",
    }


@pytest.mark.parametrize("isolated", [True, False])
def test_read_grids_turns_a_far_cell_into_a_fatal_error(tmp_path, isolated):
    bad = far_cell(tmp_path / "名录.xlsx")
    assert bad.stat().st_size < 8000
    with pytest.raises(TargetbookError) as caught:
        read_grids(bad, isolated=isolated)
    assert str(bad) in caught.value.message
    assert "无法读取" in caught.value.message


def test_read_grids_gives_raw_sheets_indexed_by_excel_row(book):
    path = book("a.xlsx", {"甲": [["单位", "类别"], ["温塘村", "村"]], "乙": [[None, 3]]})
    grids = read_grids(path)
    assert list(grids) == ["甲", "乙"]
    assert grids["甲"].iloc[1].tolist() == ["温塘村", "村"]
    assert grids["乙"].iloc[0, 1] == 3


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_cli_hostile_registry_exits_2_in_chinese(tmp_path, book):
    bad = far_cell(tmp_path / "名录.xlsx")
    folder = _folder(book)
    result = _run("validate", folder, "--registry", bad, "--json")
    assert result.exit_code == 2
    assert "单位名录无法读取" in result.output and str(bad) in result.output


def test_cli_hostile_rules_exits_2_in_chinese(tmp_path, book, registry):
    consolidated = tmp_path / "汇总.xlsx"
    pipeline.consolidate_returns([_folder(book)], registry, consolidated, year=2022)
    bad = far_cell(tmp_path / "细则.xlsx")
    result = _run("rank", consolidated, "--rules", bad, "--out", tmp_path / "排名.xlsx")
    assert result.exit_code == 2
    assert "无法读取" in result.output and str(bad) in result.output


def test_reader_workers_fork_before_pandas_is_loaded():
    # `consolidate` starts its reader workers (forked) from what the command has imported
    # so far: they must not carry pandas (~50 MB each in RSS) nor wait for its import.
    code = (
        "import sys, targetbook.pipeline, targetbook.read, targetbook.write.receipts, "
        "targetbook.outputs; print(sorted(m for m in ('pandas', 'pandera', 'numpy') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
