"""The year's loop (issue 13) and templates that know who they were made for (issue 12.6):
nothing silently replaced, custom document properties, foreign rows, suspect saved times."""

from __future__ import annotations

import hashlib
import os
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


# --- templates that know who they were made for (issue 12 item 6) ---------------------------


def _set_saved_time(path: Path, stamp: str) -> None:
    """Rewrite docProps/core.xml's dcterms:modified, as a sender could."""
    import re
    import zipfile

    data = {}
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            data[info.filename] = zf.read(info.filename)
    core = data["docProps/core.xml"].decode("utf-8")
    core = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(<)", rf"\g<1>{stamp}\g<2>", core)
    data["docProps/core.xml"] = core.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, blob in data.items():
            zf.writestr(name, blob)


def test_a_return_from_one_units_template_cannot_carry_another_units_rows(campaign):
    root, registry = campaign
    collect = root / L.FOLDER_COLLECT
    # 温塘村's own return, then 石桥村's template also carrying a row for 温塘村, saved "in
    # 2099" so that it would win the duplicate on its saved time.
    wb = openpyxl.load_workbook(collect / "石桥村.xlsx")
    ws = wb["附件2 村"]
    ws[f"A{PLAN_FIRST_ROW + 1}"] = 2
    ws[f"B{PLAN_FIRST_ROW + 1}"] = "温塘村"
    ws[f"C{PLAN_FIRST_ROW + 1}"] = "篡改的目标"
    ws[f"D{PLAN_FIRST_ROW + 1}"] = "篡改的计划"
    wb.save(collect / "石桥村.xlsx")
    _set_saved_time(collect / "石桥村.xlsx", "2099-01-01T00:00:00Z")
    result = pipeline.check_returns([collect], registry)
    found = [(Path(i.file).name, i.sheet, i.cell, i.rule) for i in result.issues]
    row = PLAN_FIRST_ROW + 1
    assert ("石桥村.xlsx", "附件2 村", f"B{row}", "unit_not_template_owner") in found
    assert ("石桥村.xlsx", "", "", "saved_time_suspect") in found
    assert result.errors >= 1 and result.problems
    villages = result.consolidation.annexes[L.VILLAGE]
    assert villages[L.TARGET].tolist() == ["违建零发生。", "违建零发生。"]  # 温塘村's own kept
    assert result.consolidation.duplicates == []  # the foreign row never competed
    units = {Path(f).name: u for f, u in result.consolidation.file_units.items()}
    assert units == {"温塘村.xlsx": ["温塘村"], "石桥村.xlsx": ["石桥村"]}


def test_a_saved_time_before_the_template_was_issued_is_suspect(campaign):
    from targetbook.read import read_return

    root, _ = campaign
    path = root / L.FOLDER_COLLECT / "温塘村.xlsx"
    _set_saved_time(path, "2000-01-01T00:00:00Z")  # back-dated before the issue time
    src = read_return(path, "温塘村.xlsx")
    assert [(i.rule, i.value) for i in src.issues] == [("saved_time_suspect", "2000-01-01 00:00")]
    # the file's own mtime (now, after the issue time) stands instead, never the year 2000
    assert src.modified is not None and src.modified.year >= 2026
    os_time = path.stat().st_mtime
    os.utime(path, (946684800, 946684800))  # mtime also back-dated (2000-01-01): unknown
    src = read_return(path, "温塘村.xlsx")
    assert src.modified is None and [i.rule for i in src.issues] == ["saved_time_suspect"]
    os.utime(path, (os_time, os_time))
    # a saved time after the issue time (and not in the future) is believed
    src = read_return(root / L.FOLDER_COLLECT / "石桥村.xlsx", "石桥村.xlsx")
    assert src.issues == [] and src.modified is not None


# --- the receipt register (收件登记) ---------------------------------------------------------


def _register_rows(path: Path) -> dict[str, dict]:
    ws = openpyxl.load_workbook(path)[L.RECEIPT_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == L.RECEIPT_COLUMNS
    return {r[0]: dict(zip(L.RECEIPT_COLUMNS, r, strict=True)) for r in rows[1:]}


def test_the_register_records_receipts_and_its_received_time_decides_lateness(campaign):
    from datetime import UTC, date, datetime, timedelta

    from targetbook.rules import Item, Rules, Settings
    from targetbook.score import score
    from targetbook.write.consolidation import load_consolidation

    root, registry = campaign
    register = root / L.RECEIPT_FILE
    collect = root / L.FOLDER_COLLECT
    before = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    result = pipeline.check_returns([collect], registry, register=register)
    assert result.register == register
    rows = _register_rows(register)
    assert set(rows) == {"回收/温塘村.xlsx", "回收/石桥村.xlsx"}  # relative to its folder
    first = rows["回收/温塘村.xlsx"]
    assert first["SHA-256"] == sha(collect / "温塘村.xlsx") and first["单位"] == "温塘村"
    assert first["状态"] == L.RECEIPT_OK
    assert first["收到时间"] == first["首次收到"]  # not corrected yet
    assert first["保存时间"] is not None

    # Staff correct 收到时间 from the emails' dates (text and a date cell) and add a note.
    wb = openpyxl.load_workbook(register)
    ws = wb[L.RECEIPT_SHEET]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "回收/温塘村.xlsx":
            row[6].value = "2022-06-27 10:00"  # one week after the deadline
            row[7].value = "邮件日期"
        else:
            row[6].value = datetime(2022, 6, 19, 9, 30)  # on time
    wb.save(register)

    out = root / L.FOLDER_RESULTS / L.CONSOLIDATED_FILE
    pipeline.consolidate_returns([collect], registry, out, register=register)
    rows = _register_rows(register)
    assert rows["回收/温塘村.xlsx"]["收到时间"] == datetime(2022, 6, 27, 10, 0)
    assert rows["回收/温塘村.xlsx"]["备注"] == "邮件日期"  # staff's column kept
    assert rows["回收/温塘村.xlsx"]["首次收到"] == first["首次收到"]  # first seen stays
    # first seen is Beijing time (UTC+8), taken by this run
    assert abs((first["首次收到"] - timedelta(hours=8) - before).total_seconds()) < 600

    # lateness reads the 收到时间 the consolidated workbook carries (来源, Beijing time)
    cons = load_consolidation(out)
    late = Item("按时报送", 2, L.M_LATE, deadline=date(2022, 6, 20), per_day=0.5)
    rules = Rules(items=[late], settings=Settings(full_marks=None))
    result = score(cons, rules)
    late_rows = result.rows[result.rows[L.ITEM] == "按时报送"]
    notes = late_rows.groupby(L.UNIT)["计算依据"].first()
    # 温塘村: received 6-27, deadline 6-20 → 7 days × 0.5 = 3.5, capped at the 2 points
    assert result.totals["温塘村"] == -2
    assert "报送时间 2022-06-27 10:00" in notes["温塘村"] and "逾期 7 天" in notes["温塘村"]
    assert "石桥村" not in set(late_rows[L.UNIT])  # received 6-19: on time, no deduction

    # a new copy of 温塘村 arrives: newer by receipt wins, whatever its saved time says
    wb = openpyxl.load_workbook(collect / "温塘村.xlsx")
    wb["附件2 村"][f"C{PLAN_FIRST_ROW}"] = "修改后的目标。"
    wb.save(collect / "温塘村（修改稿）.xlsx")
    _set_saved_time(collect / "温塘村（修改稿）.xlsx", "2022-01-01T00:00:00Z")
    result = pipeline.check_returns([collect], registry, register=register)
    (dup,) = result.consolidation.duplicates
    assert Path(dup.kept).name == "温塘村（修改稿）.xlsx"  # first seen now > 2022-06-27
    rows = _register_rows(register)
    assert rows["回收/温塘村.xlsx"]["状态"] == L.RECEIPT_SUPERSEDED
    (collect / "石桥村.xlsx").unlink()
    pipeline.check_returns([collect], registry, register=register)
    assert _register_rows(register)["回收/石桥村.xlsx"]["状态"] == L.RECEIPT_GONE


def test_a_bad_received_time_is_located_and_an_unreadable_register_stops_the_run(campaign):
    root, registry = campaign
    register = root / "登记.xlsx"
    collect = root / L.FOLDER_COLLECT
    pipeline.check_returns([collect], registry, register=register)
    wb = openpyxl.load_workbook(register)
    wb[L.RECEIPT_SHEET]["G2"] = "上周三"
    wb.save(register)
    result = pipeline.check_returns([collect], registry, register=register)
    found = [(i.sheet, i.cell, i.rule) for i in result.issues if i.rule.startswith("received")]
    assert found == [(L.RECEIPT_SHEET, "G2", "received_time_invalid")]
    register.write_bytes(b"not a workbook")
    with pytest.raises(TargetbookError) as err:
        pipeline.check_returns([collect], registry, register=register)
    assert err.value.rule == "register_unreadable"
    assert register.read_bytes() == b"not a workbook"  # never overwritten
    # inside the returns folder it would be read as a return: refused
    with pytest.raises(TargetbookError) as err:
        pipeline.check_returns([collect], registry, register=collect / "登记.xlsx")
    assert err.value.rule == "out_is_input"


def test_a_campaign_folder_keeps_its_register_by_itself(tmp_path):
    registry = tmp_path / "单位名录.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    root = tmp_path / "2022年度"
    pipeline.init_campaign(root, registry=registry, year=2022)
    wb = openpyxl.load_workbook(root / L.FOLDER_SEND / "村-温塘村.xlsx")
    wb["附件2 村"][f"C{PLAN_FIRST_ROW}"] = "违建零发生。"
    wb.save(root / L.FOLDER_COLLECT / "温塘村.xlsx")
    code = _run(["validate", str(root / L.FOLDER_COLLECT), "--registry", str(registry)])
    assert code == 0
    assert set(_register_rows(root / L.RECEIPT_FILE)) == {"回收/温塘村.xlsx"}


# --- 催报: who still owes what ---------------------------------------------------------------


def test_status_lists_missing_units_days_and_returns_to_send_back(tmp_path):
    import json
    from datetime import date

    registry = tmp_path / "单位名录.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    root = tmp_path / "2022年度"
    pipeline.init_campaign(root, registry=registry, year=2022)
    control = root / L.CONTROL_WORKBOOK
    wb = openpyxl.load_workbook(control, keep_vba=True)
    wb[L.SHEET_PARAMS].append([L.PARAM_DEADLINE, "2022-06-20"])
    wb.save(control)
    send, collect = root / L.FOLDER_SEND, root / L.FOLDER_COLLECT
    wb = openpyxl.load_workbook(send / "村-温塘村.xlsx")
    wb["附件2 村"][f"C{PLAN_FIRST_ROW}"] = "违建零发生。"
    wb.save(collect / "温塘村.xlsx")
    wb = openpyxl.load_workbook(send / "部门-党政办.xlsx")
    wb["附件1 部门"][f"B{PLAN_FIRST_ROW}"] = "不存在的办"  # an error: send it back
    wb.save(collect / "党政办.xlsx")

    status = pipeline.campaign_status(root, as_of=date(2022, 6, 17))
    assert status.deadline == date(2022, 6, 20) and status.days_left == 3  # 20 − 17
    assert {c: [o.unit for o in owed] for c, owed in status.by_category().items()} == {
        L.DEPARTMENT: ["党政办"],  # its return names an unknown unit: not reported
        L.VILLAGE: ["石桥村"],
        L.COMMUNITY: ["八〇一社区"],
    }
    assert [Path(f.file).name for f in status.to_fix] == ["党政办.xlsx"]
    assert status.to_fix[0].errors >= 1 and status.problems
    late = pipeline.campaign_status(root, as_of=date(2022, 6, 23))
    assert late.days_left == -3 and "3" in late.when()  # 已逾期 3 天

    ws = openpyxl.load_workbook(root / L.FOLDER_RESULTS / L.REMINDER_FILE)[L.SHEET_REMINDERS]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True)]
    assert [(r[1], r[3]) for r in rows] == [
        ("党政办", L.STATUS_MISSING),
        ("石桥村", L.STATUS_MISSING),
        ("八〇一社区", L.STATUS_MISSING),
        ("", L.RECEIPT_RETURN),
    ]
    assert rows[-1][4].endswith("党政办.xlsx")
    # the register of the campaign was updated by the check
    assert set(_register_rows(root / L.RECEIPT_FILE)) == {"回收/温塘村.xlsx", "回收/党政办.xlsx"}

    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = _run(["status", str(root), "--json"])
    assert code == 1
    doc = json.loads(buffer.getvalue())
    assert doc["deadline"] == "2022-06-20"
    assert [m["units"] for m in doc["missing"]] == [["党政办"], ["石桥村"], ["八〇一社区"]]


# --- the year's loop on the demo campaign (issue 13 "Done when") ------------------------------


def test_the_years_loop_on_the_demo_campaign(tmp_path):
    from targetbook.demo import run_demo
    from targetbook.write.templates import ROWS_FIRST_ROW

    # 年初亮目标: the demo's campaign, consolidated: its 汇总 is the year's baseline
    demo = run_demo(tmp_path / "年初")
    baseline = demo.outputs["汇总"]
    # the demo's summary shows the loop: register, pre-filled 年中 templates, 催报, 历史
    lines = demo.summary_lines()
    loop = lines[lines.index("全年闭环（年初亮目标 → 年中亮进度 → 年终亮成果）：") :]
    assert loop[1].startswith("  收件登记：29 个文件") and "34 个" in loop[2]
    assert loop[3].startswith("  催报（2022-06-30）：未报送 0 个，退回修改 0 份")
    assert len(demo.midyear) == 34 and demo.commitments[1] > 0
    # 年中亮进度: a campaign folder for mid-year, templates pre-filled from the baseline
    root = tmp_path / "年中"
    registry = demo.registry
    pipeline.init_campaign(root, registry=registry, year=2022)
    send, collect = root / L.FOLDER_SEND, root / L.FOLDER_COLLECT
    pipeline.make_templates(registry, send, year=2022, baseline=baseline)

    book = openpyxl.load_workbook(send / "部门-经发办.xlsx")
    props = {p.name: p.value for p in book.custom_doc_props}
    assert props[L.PROP_UNIT] == "经发办" and props[L.PROP_PHASE] == L.PHASE_MID
    ws = book[L.SHEET_PROGRESS]
    assert ws.protection.sheet and book["附件1 部门"].protection.sheet  # no password
    assert ws.protection.password is None
    header = [c.value for c in ws[ROWS_FIRST_ROW - 1]]
    assert header == [*L.KIND_COLUMNS[L.PROGRESS_KIND], L.SOURCE_PHRASE]
    first = [c.value for c in ws[ROWS_FIRST_ROW]]
    assert first[:4] == ["经发办", "规上工业产值", "亿元", "5.8亿元"]  # declared at 年初
    locked = {c.column_letter: c.protection.locked for c in ws[ROWS_FIRST_ROW]}
    assert [k for k, v in locked.items() if not v] == list("EFGHIJ")  # only the 6 columns
    # a parsed target keeps its phrase: 南桐村's 村集体年经济收入增加5万元 → 50000 元
    ws = openpyxl.load_workbook(send / "村-南桐村.xlsx")[L.SHEET_PROGRESS]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=ROWS_FIRST_ROW)]
    parsed = [r for r in rows if r[10] == "村集体年经济收入增加5万元"]
    assert [(r[1], r[2], r[3]) for r in parsed] == [("村集体年经济收入增加", "元", 50000)]
    zero = openpyxl.load_workbook(send / "村-麒麟村.xlsx")[L.SHEET_PROGRESS]
    assert [c.value for c in zero[ROWS_FIRST_ROW]][:4] == ["麒麟村", "违建", None, 0]
    # a rank phrase needs a person: listed (no figure) for 进展情况
    ranked = [r for r in rows if r[10] == "财政工作考核全镇第1"]
    assert [(r[1], r[3]) for r in ranked] == [("财政工作考核全镇第1", None)]

    # returns come back filled, one 目标值 changed; 二郎峡社区 sends nothing
    for path in sorted(send.glob("*-*.xlsx")):
        if path.name.startswith("附件") or "二郎峡社区" in path.name:
            continue
        wb = openpyxl.load_workbook(path)
        ws = wb[L.SHEET_PROGRESS]
        row = ROWS_FIRST_ROW
        while ws.cell(row, 2).value:
            ws.cell(row, 5).value = ws.cell(row, 4).value  # 完成值 = 目标值
            ws.cell(row, 7).value = "进展顺利"
            row += 1
        if path.name == "部门-经发办.xlsx":
            ws[f"D{ROWS_FIRST_ROW}"] = "5亿元"  # quietly lowered from 5.8亿元 …
            ws[f"E{ROWS_FIRST_ROW}"] = "5亿元"  # … and "met" (100 % of its own target)
        wb.save(collect / path.name)

    out = root / L.FOLDER_RESULTS / L.CONSOLIDATED_FILE
    result = pipeline.consolidate_returns([collect], registry, out, baseline=baseline)
    changed = [i for i in result.issues if i.rule == "target_changed"]
    assert [(Path(i.file).name, i.sheet, i.cell) for i in changed] == [
        ("部门-经发办.xlsx", L.SHEET_PROGRESS, f"D{ROWS_FIRST_ROW}")
    ]
    assert "5亿元" in changed[0].message and "5.8亿元" in changed[0].message
    assert result.problems  # an error: exit 1
    progress = result.consolidation.others[L.PROGRESS_KIND]
    row = progress[progress[L.UNIT] == "经发办"].iloc[0]
    # 完成率 against the committed 5.8亿元: 5亿元 ÷ 5.8亿元 × 100 = 86.2 %
    assert row[L.parsed(L.RATE)] == pytest.approx(500_000_000 / 580_000_000 * 100)

    # 催报: the missing unit is listed; the changed return is to be sent back (the campaign's
    # 参数 names its baseline)
    control = root / L.CONTROL_WORKBOOK
    wb = openpyxl.load_workbook(control, keep_vba=True)
    wb[L.SHEET_PARAMS].append([L.PARAM_BASELINE, str(baseline)])
    wb.save(control)
    status = pipeline.campaign_status(root)
    assert [o.unit for o in status.missing] == ["二郎峡社区"]
    assert [Path(f.file).name for f in status.to_fix] == ["部门-经发办.xlsx"]
    # the register of the mid-year campaign recorded every return, first seen by these runs
    register = _register_rows(root / L.RECEIPT_FILE)
    assert len(register) == 33 and all(r["首次收到"] for r in register.values())
    assert register["回收/部门-经发办.xlsx"]["状态"] == L.RECEIPT_RETURN

    # a second consolidation keeps the first 汇总 under 成果/历史/
    first = sha(out)
    pipeline.consolidate_returns([collect], registry, out, baseline=baseline)
    kept = list((root / L.FOLDER_RESULTS / L.FOLDER_HISTORY).glob("*/" + L.CONSOLIDATED_FILE))
    assert [sha(k) for k in kept] == [first]

    # the Excel door's 生成模板 (here through the .bat path) pre-fills from the 参数's 基准汇总
    from targetbook.excel import steps

    outcome = steps.make_templates(steps.read_control_workbook(root))
    assert len(outcome.files) == 34
    again = openpyxl.load_workbook(send / "部门-经发办.xlsx")[L.SHEET_PROGRESS]
    assert again.protection.sheet and again[f"D{ROWS_FIRST_ROW}"].value == "5.8亿元"


def test_renamed_missing_and_new_indicators_against_the_baseline(campaign):
    from targetbook.write.templates import ROWS_FIRST_ROW

    root, registry = campaign
    collect = root / L.FOLDER_COLLECT
    # 年初: 温塘村 also declares an indicator (10万元); both plans say 违建零发生
    wb = openpyxl.load_workbook(collect / "温塘村.xlsx")
    for col, value in enumerate(["温塘村", "集体经济收入", "万元", "10万元"], 1):
        wb[L.SHEET_PROGRESS].cell(ROWS_FIRST_ROW, col, value)
    wb.save(collect / "温塘村.xlsx")
    baseline = root / "年初汇总.xlsx"
    pipeline.consolidate_returns([collect], registry, baseline)
    mid = root / "年中下发"
    pipeline.make_templates(registry, mid, year=2022, baseline=baseline)
    ws = openpyxl.load_workbook(mid / "村-温塘村.xlsx")[L.SHEET_PROGRESS]
    rows = [[c.value for c in r][:4] for r in ws.iter_rows(min_row=ROWS_FIRST_ROW, max_row=5)]
    assert rows == [["温塘村", "集体经济收入", "万元", "10万元"], ["温塘村", "违建", None, 0]]

    back = root / "年中回收"
    back.mkdir()
    # 温塘村 (pre-filled): renames its declared indicator in place, reports 违建 = 0
    wb = openpyxl.load_workbook(mid / "村-温塘村.xlsx")
    wb[L.SHEET_PROGRESS][f"B{ROWS_FIRST_ROW}"] = "集体收入"
    wb[L.SHEET_PROGRESS][f"E{ROWS_FIRST_ROW + 1}"] = 0
    wb.save(back / "温塘村.xlsx")
    # 石桥村 uses a blank template: its own row 4 is new, the committed 违建 is missing
    wb = openpyxl.load_workbook(root / L.FOLDER_SEND / "村-石桥村.xlsx")
    for col, value in enumerate(["石桥村", "其他指标", "个", 3, 1], 1):
        wb[L.SHEET_PROGRESS].cell(ROWS_FIRST_ROW, col, value)
    wb["附件2 村"][f"C{PLAN_FIRST_ROW}"] = "违建零发生。"
    wb.save(back / "石桥村.xlsx")
    out = root / "年中汇总.xlsx"
    result = pipeline.consolidate_returns([back], registry, out, baseline=baseline)
    found = sorted(
        (Path(i.file).name, i.sheet, i.cell, i.rule, i.value)
        for i in result.issues
        if i.rule in ("target_changed", "indicator_missing", "indicator_new")
    )
    assert found == [
        ("温塘村.xlsx", L.SHEET_PROGRESS, f"B{ROWS_FIRST_ROW}", "target_changed", "集体收入"),
        ("石桥村.xlsx", L.SHEET_PROGRESS, "", "indicator_missing", "违建"),
        ("石桥村.xlsx", L.SHEET_PROGRESS, f"B{ROWS_FIRST_ROW}", "indicator_new", "其他指标"),
    ]


def test_the_reminder_step_of_the_excel_door(tmp_path):
    """`python -m targetbook.excel.bat remind_units DIR`: the 催报 step on a campaign folder."""
    from targetbook.excel import steps
    from targetbook.excel.bat import main as bat_main

    registry = tmp_path / "单位名录.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    root = tmp_path / "活动"
    pipeline.init_campaign(root, registry=registry, year=2022)
    wb = openpyxl.load_workbook(root / L.FOLDER_SEND / "村-温塘村.xlsx")
    wb["附件2 村"][f"C{PLAN_FIRST_ROW}"] = "违建零发生。"
    wb.save(root / L.FOLDER_COLLECT / "温塘村.xlsx")
    outcome = steps.remind_units(steps.read_control_workbook(root))
    sheet = outcome.sheets[L.SHEET_REMINDERS]
    assert list(sheet.columns) == list(L.REMINDER_COLUMNS)
    assert sheet[L.UNIT].tolist() == ["党政办", "石桥村", "八〇一社区"]
    assert outcome.files == [root / L.FOLDER_RESULTS / L.REMINDER_FILE]
    # the .bat path: exit 0 (no error in the returns; missing units are the list, not errors)
    assert bat_main(["remind_units", str(root)]) == 0


def test_template_properties_survive_a_resave_by_a_spreadsheet_program(campaign):
    """A return saved by a real spreadsheet program (LibreOffice here) keeps who it was for."""
    from conftest import soffice_convert

    root, registry = campaign
    collect = root / L.FOLDER_COLLECT
    wb = openpyxl.load_workbook(collect / "石桥村.xlsx")
    ws = wb["附件2 村"]
    for col, value in enumerate([2, "温塘村", "篡改的目标", "篡改的计划"], 1):
        ws.cell(PLAN_FIRST_ROW + 1, col, value)
    wb.save(root / "石桥村.xlsx")
    (collect / "石桥村.xlsx").unlink()
    soffice_convert(root / "石桥村.xlsx", "xlsx:Calc MS Excel 2007 XML", collect)
    result = pipeline.check_returns([collect], registry)
    found = [(Path(i.file).name, i.cell, i.rule) for i in result.issues]
    assert ("石桥村.xlsx", f"B{PLAN_FIRST_ROW + 1}", "unit_not_template_owner") in found
