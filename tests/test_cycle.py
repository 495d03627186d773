"""The year's loop (issue 13) and templates that know who they were made for (issue 12.6):
nothing silently replaced, custom document properties, foreign rows, suspect saved times."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest

from targetbook import labels as L
from targetbook import pipeline
from targetbook.cli import main
from targetbook.errors import TargetbookError
from targetbook.write.templates import PLAN_FIRST_ROW

REGISTRY = "单位,类别,考核组,别名\n党政办,部门,,\n温塘村,村,,\n石桥村,村,,\n八〇一社区,社区,,\n"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def campaign(tmp_path):
    """A registry, its templates in 下发/ and two filled village returns in 回收/."""
    registry = tmp_path / "单位名录.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    send = tmp_path / L.FOLDER_SEND
    pipeline.make_templates(registry, send, year=2022)
    collect = tmp_path / L.FOLDER_COLLECT
    collect.mkdir()
    for name in ("温塘村", "石桥村"):
        wb = openpyxl.load_workbook(send / f"村-{name}.xlsx")
        wb["附件2 村"][f"C{PLAN_FIRST_ROW}"] = "违建零发生。"
        wb["附件2 村"][f"D{PLAN_FIRST_ROW}"] = "打造示范点。"
        wb.save(collect / f"{name}.xlsx")
    return tmp_path, registry


# --- nothing silently replaced -------------------------------------------------------------


def test_second_consolidation_keeps_the_first_under_history(campaign):
    root, registry = campaign
    out = root / L.FOLDER_RESULTS / L.CONSOLIDATED_FILE
    pipeline.consolidate_returns([root / L.FOLDER_COLLECT], registry, out)
    first = sha(out)
    assert not (root / L.FOLDER_RESULTS / L.FOLDER_HISTORY).exists()  # nothing to keep yet
    pipeline.consolidate_returns([root / L.FOLDER_COLLECT], registry, out)
    kept = list((root / L.FOLDER_RESULTS / L.FOLDER_HISTORY).glob("*/" + L.CONSOLIDATED_FILE))
    assert len(kept) == 1 and sha(kept[0]) == first
    assert len(kept[0].parent.name) == len("20220620-093000")  # <Beijing time> folder
    # a third run within the same second keeps the second copy beside the first
    pipeline.consolidate_returns([root / L.FOLDER_COLLECT], registry, out)
    assert len(list((root / L.FOLDER_RESULTS / L.FOLDER_HISTORY).rglob("*.xlsx"))) == 2


def test_templates_record_campaign_unit_phase_and_issue_time(campaign):
    root, _ = campaign
    props = {
        p.name: p.value
        for p in openpyxl.load_workbook(root / "下发/村-温塘村.xlsx").custom_doc_props
    }
    assert props[L.PROP_UNIT] == "温塘村"
    assert props[L.PROP_CAMPAIGN] == "2022年度" and props[L.PROP_PHASE] == L.PHASE_START
    assert props[L.PROP_ISSUED].endswith("+08:00")
    annex = openpyxl.load_workbook(root / "下发/附件2-村.xlsx").custom_doc_props
    assert L.PROP_UNIT not in {p.name for p in annex}  # made for a whole category


def test_templates_never_overwrite_a_changed_template_unless_forced(campaign):
    root, registry = campaign
    send = root / L.FOLDER_SEND
    before = {p.name: sha(p) for p in send.glob("*.xlsx")}
    # unchanged templates are ours: writing them again is allowed (new issue time)
    pipeline.make_templates(registry, send, year=2022)
    edited = send / "村-温塘村.xlsx"
    wb = openpyxl.load_workbook(edited)
    wb["附件2 村"]["D1"] = "办公室补充的说明"
    wb.save(edited)
    edited_sha = sha(edited)
    current = {p.name: sha(p) for p in send.glob("*.xlsx")}
    assert set(current) == set(before)
    with pytest.raises(TargetbookError) as err:
        pipeline.make_templates(registry, send, year=2022)
    assert err.value.rule == "template_changed" and "村-温塘村.xlsx" in str(err.value)
    assert {p.name: sha(p) for p in send.glob("*.xlsx")} == current  # nothing written
    assert not list(send.glob(".~tb-*"))  # the staging folder is gone

    code = _run(["templates", "--registry", str(registry), "--out", str(send), "--year", "2022"])
    assert code == 2

    code = _run(
        ["templates", "--registry", str(registry), "--out", str(send), "--year", "2022", "--force"]
    )
    assert code == 0
    kept = list((send / L.FOLDER_HISTORY).glob("*/村-温塘村.xlsx"))
    assert len(kept) == 1 and sha(kept[0]) == edited_sha  # the edited copy is kept
    assert sha(edited) != edited_sha
    pipeline.make_templates(registry, send, year=2022)  # ours again: no complaint


def test_a_template_targetbook_did_not_write_is_not_overwritten(tmp_path):
    registry = tmp_path / "单位名录.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    send = tmp_path / "下发"
    send.mkdir()
    (send / "村-温塘村.xlsx").write_bytes(b"someone else's file")
    with pytest.raises(TargetbookError) as err:
        pipeline.make_templates(registry, send, year=2022)
    assert err.value.rule == "template_changed"
    assert (send / "村-温塘村.xlsx").read_bytes() == b"someone else's file"
    assert sorted(p.name for p in send.iterdir()) == ["村-温塘村.xlsx"]


def _run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    return exit_.value.code
