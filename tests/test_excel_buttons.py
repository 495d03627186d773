"""The button functions against xlwings' own remote engine (a real xw.Book built from the JSON
that xlwings' VBA client sends), asserting on the actions the engine records."""

from __future__ import annotations

import datetime as dt
import json
import os

import openpyxl
import pytest
import xlwings as xw

import targetbook.excel as t
from targetbook import labels as L
from targetbook.errors import TargetbookError
from targetbook.excel import control


def _remote_engine() -> None:
    """Register xlwings' remote engine (xlwings PRO, noncommercial key: in tests only).

    xlwings registers it at import time when a key is set; another test module may have
    imported xlwings first, so do the same registration here with the key set meanwhile.
    """
    if "remote" in [e.name for e in xw.engines]:
        return
    old = os.environ.get("XLWINGS_LICENSE_KEY")
    os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
    try:
        from xlwings.pro import _xlremote

        xw.engines.add(xw.main.Engine(impl=_xlremote.engine))
    finally:
        if old is None:
            del os.environ["XLWINGS_LICENSE_KEY"]
        else:
            os.environ["XLWINGS_LICENSE_KEY"] = old


UNITS = [
    ["党政办", "部门", "", "党群办"],
    ["温塘村", "村", "", ""],
    ["八〇一社区", "社区", "", ""],
]
OWNED = {
    L.SHEET_ISSUES, L.SHEET_MISSING, L.SHEET_LOG, L.SHEET_RANK_ISSUES, L.SHEET_SCORES,
    L.SHEET_RANKS, L.SHEET_ACHIEVEMENT, L.SHEET_WARNINGS, *(L.annex_sheet(c) for c in L.CATEGORIES),
}  # fmt: skip


def _json_value(value):
    # What xlwings' VBA client sends: blanks as "", dates as ISO text, numbers as floats.
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    return value


def payload_from_workbook(path, fill: dict[str, list[list]] | None = None) -> dict:
    """The request body of xlwings' Remote.bas for `path`, with `fill` typed in (A1 down)."""
    wb = openpyxl.load_workbook(path, keep_vba=True)
    sheets = []
    for ws in wb.worksheets:
        grid = [list(r) for r in ws.iter_rows(values_only=True)] if ws.max_row else []
        for r, row in enumerate((fill or {}).get(ws.title, [])):
            while len(grid) <= r:
                grid.append([None] * (len(grid[0]) if grid else 0))
            width = max(len(grid[r]), len(row))
            grid[r] = [*grid[r], *[None] * (width - len(grid[r]))]
            grid[r][: len(row)] = row
        width = max((len(r) for r in grid), default=0)
        values = [[_json_value(v) for v in [*r, *[None] * (width - len(r))]] for r in grid]
        sheets.append({"name": ws.title, "pictures": [], "tables": [], "values": values or [[]]})
    return {
        "client": "VBA",
        "version": xw.__version__,
        "book": {"name": L.CONTROL_WORKBOOK, "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": sheets,
    }


def _return(path, annex: int, category: str, rows: list[list]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = f"附件{annex}"
    ws.append([f"附件{annex}"])
    ws.append([L.annex_title(category, 2022)])
    ws.append(list(L.KIND_COLUMNS[L.PLAN_KIND]))
    for row in rows:
        ws.append(row)
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text typed with a leading =, as a unit might
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


@pytest.fixture
def campaign(tmp_path, monkeypatch):
    """A campaign folder holding the control workbook; the workbook's folder is the cwd (as
    xlwings' remote engine knows only the book's name)."""
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")  # xlwings' remote engine, tests only
    _remote_engine()
    root = tmp_path / "活动"
    control.copy_control_workbook(root)
    for name in L.CAMPAIGN_FOLDERS:
        (root / name).mkdir()
    monkeypatch.chdir(root)
    return root


def _book(fill: dict[str, list[list]] | None = None, extra_sheets=()):
    payload = payload_from_workbook(control.control_workbook(), fill)
    payload["sheets"] += list(extra_sheets)
    return xw.Book(json=payload)


def _params(year=2022.0):
    return {L.SHEET_PARAMS: [["项目", "值"], ["乡镇", "南桐镇"], ["年度", year]]}


def _filled(**more):
    return {**_params(), L.SHEET_REGISTRY: [list(L.REGISTRY_COLUMNS), *UNITS], **more}


def _sheet_names(book) -> list[str]:
    return [s.name for s in book.sheets]


def _values(book, sheet: str) -> list[list]:
    """The values the button set on `sheet` (one setValues at A1 per sheet)."""
    pos = _sheet_names(book).index(sheet)
    sets = [
        a for a in book.json()["actions"] if a["func"] == "setValues" and a["sheet_position"] == pos
    ]
    assert sets and (sets[0]["start_row"], sets[0]["start_column"]) == (0, 0)
    return sets[0]["values"]


def _touched(book) -> set[str]:
    names = _sheet_names(book)
    out = set()
    for a in book.json()["actions"]:
        if a["func"] == "addSheet":
            out.add(a["args"][1])
        elif a["sheet_position"] is not None:
            out.add(names[a["sheet_position"]])
    return out


def _returns(root):
    collect = root / L.FOLDER_COLLECT
    _return(collect / "温塘村.xlsx", 2, "村", [[1, "温塘村", "全镇第1", '=HYPERLINK("x")']])
    _return(collect / "党政办.xlsx", 1, "部门", [[1, "党群办", None, "计划"]])
    _return(collect / "外来.xlsx", 1, "部门", [[1, "不存在办", "目标", "计划"]])


def test_validate_writes_issue_and_missing_sheets_only(campaign):
    _returns(campaign)
    book = _book(_filled())
    outcome = t.validate_returns(book)
    json.dumps(book.json(), default=str)  # the response body must serialise
    issues = _values(book, L.SHEET_ISSUES)
    assert issues[0] == list(L.ISSUE_COLUMNS)
    found = {(r[0], r[2], r[3]) for r in issues[1:]}
    assert ("回收/党政办.xlsx", "C4", "cell_blank") in found
    assert ("回收/党政办.xlsx", "B4", "unit_alias") in found
    assert ("回收/外来.xlsx", "B4", "unit_unknown") in found
    assert {r[3] for r in issues[1:]} >= {"unit_missing"}
    missing = _values(book, L.SHEET_MISSING)
    assert missing[0] == list(L.MISSING_COLUMNS)
    assert [r[1] for r in missing[1:]] == ["八〇一社区"]
    assert _touched(book) == {L.SHEET_ISSUES, L.SHEET_MISSING, L.SHEET_LOG}
    assert outcome.problems
    log = _values(book, L.SHEET_LOG)
    assert log[0] == list(L.LOG_COLUMNS)


def test_consolidate_writes_annexes_and_file(campaign):
    _returns(campaign)
    book = _book(_filled())
    t.consolidate_returns(book)
    assert (campaign / L.FOLDER_RESULTS / L.CONSOLIDATED_FILE).is_file()
    village = _values(book, L.annex_sheet(L.VILLAGE))
    assert village[0][:4] == list(L.KIND_COLUMNS[L.PLAN_KIND])
    assert village[1][1:3] == ["温塘村", "全镇第1"]
    assert village[1][3] == '\'=HYPERLINK("x")'  # text from a return never becomes a formula
    dept = _values(book, L.annex_sheet(L.DEPARTMENT))
    assert [r[1] for r in dept[1:]] == ["党政办"]
    assert _touched(book) <= OWNED


def test_existing_result_sheet_is_cleared_in_place_and_user_sheets_untouched(campaign):
    _returns(campaign)
    old = {"name": L.SHEET_ISSUES, "pictures": [], "tables": [], "values": [["旧"], ["旧"]]}
    mine = {"name": "我的表", "pictures": [], "tables": [], "values": [["自己的"]]}
    book = _book(_filled(), extra_sheets=[old, mine])
    t.validate_returns(book)
    pos = _sheet_names(book).index(L.SHEET_ISSUES)
    funcs = [(a["func"], a["sheet_position"]) for a in book.json()["actions"]]
    assert ("sheetClear", pos) in funcs
    assert ("addSheet", None) not in [(f, p) for f, p in funcs if f == "addSheet" and p == pos]
    assert _sheet_names(book).count(L.SHEET_ISSUES) == 1
    assert "我的表" not in _touched(book)


def test_failure_writes_chinese_log_and_raises(campaign):
    book = _book(_params())  # 单位名录 left empty
    with pytest.raises(TargetbookError) as err:
        t.validate_returns(book)
    assert err.value.rule == "excel_registry_empty"
    expected = err.value.message
    log = _values(book, L.SHEET_LOG)
    assert log[1][1:] == ["校验", "失败", expected]
    assert "Traceback" not in log[1][3]
    assert _touched(book) == {L.SHEET_LOG}


def test_missing_collect_folder_is_reported(campaign):
    (campaign / L.FOLDER_COLLECT).rmdir()
    book = _book(_filled())
    with pytest.raises(TargetbookError) as err:
        t.consolidate_returns(book)
    assert str(campaign / L.FOLDER_COLLECT) in err.value.message


def test_make_templates_writes_one_return_per_unit(campaign):
    book = _book(_filled())
    outcome = t.make_templates(book)
    sent = sorted(p.name for p in (campaign / L.FOLDER_SEND).iterdir())
    assert len(sent) >= len(UNITS)
    assert all(p.exists() for p in outcome.files)
    assert _touched(book) == {L.SHEET_LOG}


def test_rank_and_report_from_rules_sheets(campaign):
    _returns(campaign)
    rules = {
        L.RULES_ITEMS: [list(L.ITEM_COLUMNS), ["", "综合工作", 100.0, L.M_DIRECT]],
        L.SHEET_SCORING: [
            list(L.SCORING_COLUMNS),
            ["党政办", "综合工作", 90.0],
            ["温塘村", "综合工作", 88.0],
            ["八〇一社区", "综合工作", 70.0],
        ],
        L.RULES_VETOES: [list(L.VETO_COLUMNS), ["八〇一社区", "安全生产", "事故", ""]],
    }
    t.consolidate_returns(_book(_filled()))
    book = _book(_filled(**rules))
    t.rank_units(book)
    assert (campaign / L.FOLDER_RESULTS / L.RANKED_FILE).is_file()
    ranks = _values(book, L.SHEET_RANKS)
    header = ranks[0]
    assert header == list(L.RANK_COLUMNS)
    got = {r[header.index(L.UNIT)]: r[header.index("名次")] for r in ranks[1:]}
    assert got == {"党政办": 1, "温塘村": 1, "八〇一社区": 1}  # one unit per category
    veto = {r[header.index(L.UNIT)]: r[header.index("否决")] for r in ranks[1:]}
    assert veto["八〇一社区"] and not veto["温塘村"]
    assert {L.SHEET_SCORES, L.SHEET_RANKS, L.SHEET_LOG} <= _touched(book) <= OWNED
    book = _book(_filled(**rules))
    outcome = t.make_report(book)
    names = sorted(p.name for p in outcome.files)
    assert names == [f"{L.BULLETIN_STEM}.docx", f"{L.BULLETIN_STEM}.html"]
    html = (campaign / L.FOLDER_RESULTS / f"{L.BULLETIN_STEM}.html").read_text(encoding="utf-8")
    assert "南桐镇" in html and "温塘村" in html
    assert _touched(book) == {L.SHEET_LOG}


def test_report_before_rank_names_the_missing_step(campaign):
    book = _book(_filled())
    with pytest.raises(TargetbookError) as err:
        t.make_report(book)
    path = campaign / L.FOLDER_RESULTS / L.RANKED_FILE
    assert (err.value.rule, err.value.params["path"]) == ("excel_run_first", str(path))


def test_log_appends_below_existing_rows(campaign):
    old = [list(L.LOG_COLUMNS), ["2024-01-01T00:00:00.000Z", "校验", "完成", "上次"]]
    log = {"name": L.SHEET_LOG, "pictures": [], "tables": [], "values": old}
    book = _book(_filled(), extra_sheets=[log])
    t.make_templates(book)
    pos = _sheet_names(book).index(L.SHEET_LOG)
    sets = [a for a in book.json()["actions"] if a["sheet_position"] == pos]
    assert [(a["func"], a["start_row"], a["start_column"]) for a in sets] == [("setValues", 2, 0)]
    assert sets[0]["values"][0][1:3] == ["生成模板", "完成"]


def test_bat_step_runs_on_the_campaign_folder(campaign, capsys):
    from targetbook.excel.bat import main

    _returns(campaign)
    wb = openpyxl.load_workbook(campaign / L.CONTROL_WORKBOOK, keep_vba=True)
    for row in UNITS:
        wb[L.SHEET_REGISTRY].append(row)
    wb[L.SHEET_PARAMS]["B3"] = 2022
    wb.save(campaign / L.CONTROL_WORKBOOK)  # values only: the test edits what staff would type
    assert main(["consolidate_returns", str(campaign)]) == 1  # unit_unknown is an error
    out = capsys.readouterr().out
    assert "外来.xlsx" in out and str(campaign / L.FOLDER_RESULTS / L.CONSOLIDATED_FILE) in out
    assert (campaign / L.FOLDER_RESULTS / L.CONSOLIDATED_FILE).is_file()
    assert main(["no_such_step"]) == 2
    assert main(["make_report", str(campaign)]) == 2  # 排名.xlsx not there yet


def test_cell_values_keep_text_as_text():
    from targetbook.excel.buttons import _cell

    assert [_cell(v) for v in ("=A1", "+1", "-2", "@x", "001", "12.5%", "1e3")] == [
        "'=A1", "'+1", "'-2", "'@x", "'001", "'12.5%", "'1e3",
    ]  # fmt: skip
    assert [_cell(v) for v in ("全镇第1", "2022年", float("nan"), None, 3.0)] == [
        "全镇第1", "2022年", None, None, 3.0,
    ]  # fmt: skip
    assert _cell(dt.date(2022, 6, 28)) == dt.datetime(2022, 6, 28)
    assert len(_cell("字" * 40000)) == 32767


def test_empty_registry_sheet_falls_back_to_the_campaign_registry_file(campaign):
    _returns(campaign)
    wb = openpyxl.Workbook()
    wb.active.title = L.SHEET_REGISTRY
    for row in [list(L.REGISTRY_COLUMNS), *UNITS]:
        wb.active.append(row)
    wb.save(campaign / L.REGISTRY_FILE)  # what `targetbook init --registry` copies in
    book = _book(_params())
    t.validate_returns(book)
    assert [r[1] for r in _values(book, L.SHEET_MISSING)[1:]] == ["八〇一社区"]


def test_demo_returns_every_planted_fault_reaches_the_issue_sheet(campaign):
    from targetbook.demo.returns import write_registry, write_returns

    write_registry(campaign / L.REGISTRY_FILE)
    _, faults = write_returns(campaign / L.FOLDER_COLLECT)
    book = _book(_params())
    t.validate_returns(book)
    issues = _values(book, L.SHEET_ISSUES)
    found = {(r[0], r[1], r[2], r[3]) for r in issues[1:]}
    for fault in faults:
        assert (fault.file, fault.sheet, fault.cell, fault.rule) in found, fault


def test_progress_reported_once_per_return(campaign):
    from targetbook.excel import steps
    from targetbook.excel.buttons import read_inputs

    _returns(campaign)
    calls: list[str] = []
    inputs = read_inputs(_book(_filled()))
    inputs.progress = calls.append
    steps.validate_returns(inputs)
    assert len(calls) == 3 and "3/3" in calls[-1]


def test_bat_steps_run_the_demo_campaign_end_to_end(tmp_path, capsys):
    from targetbook.demo import run_demo
    from targetbook.excel.bat import main
    from targetbook.write.ranking import load_ranking

    demo = run_demo(tmp_path / "demo")
    root, results = demo.out_dir, demo.out_dir / L.FOLDER_RESULTS
    expected = demo.ranking.ranks[[L.UNIT, "总分", "名次", "等次"]]
    for name in (L.CONSOLIDATED_FILE, L.RANKED_FILE, f"{L.BULLETIN_STEM}.html"):
        (results / name).unlink()
    # The control workbook's 单位名录 / 考核项目 sheets are empty: the campaign's files are used.
    steps = ["validate_returns", "consolidate_returns", "rank_units", "make_report"]
    assert [main([step, str(root)]) for step in steps] == [0, 0, 0, 0]
    for name in (L.CONSOLIDATED_FILE, L.RANKED_FILE, f"{L.BULLETIN_STEM}.html"):
        assert (results / name).is_file(), name
    got = load_ranking(results / L.RANKED_FILE).ranks[[L.UNIT, "总分", "名次", "等次"]]
    assert len(got) == len(demo.consolidation.registry.units) > 0
    assert got.astype(str).values.tolist() == expected.astype(str).values.tolist()
    capsys.readouterr()
