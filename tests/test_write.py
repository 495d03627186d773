"""write_consolidation(): seed-000 annex layout, list sheets, no formulas, atomic, reload."""

from __future__ import annotations

import math
import shutil
import subprocess
from datetime import datetime, timedelta

import openpyxl
import pandas as pd
import pytest
from conftest import soffice_convert
from test_consolidate import T0, kind_table, make_registry, plan_table, source

from targetbook import labels as L
from targetbook.consolidate import consolidate
from targetbook.errors import TargetbookError, issue
from targetbook.write import _book as book_module
from targetbook.write import consolidation as writer
from targetbook.write import write_consolidation
from targetbook.write.consolidation import load_consolidation

LONG = (
    "1. 2022年7月建成投用镇级养老服务中心；\n2. 积极开展卫生健康进企业活动，创建卫生镇；\n3. 探索"
)


def sample():
    """Two villages (one sent twice), a department, an unknown unit, progress rows."""
    village = plan_table(
        "回收/村.xlsx", [[1, "南桐村", "=SUM(A1:A9)", LONG], [2, "温塘村", "+1", "@x"]]
    )
    again = plan_table("回收/温塘村.xlsx", [[1, "温塘村", "-1", "新计划"]], start=5)
    dept = plan_table(
        "回收/部门.xlsx", [[1, "经发办", "规上工业第1", "@x"], [2, "火星办", "x", "y"]]
    )
    progress = kind_table(
        "回收/村.xlsx", L.PROGRESS_KIND,
        [["南桐村", "集体经济", "万元", "10万元", "8万元", "80%", "=1+2", "", "", ""]],
    )  # fmt: skip
    sources = [
        source("回收/村.xlsx", village, progress),
        source("回收/温塘村.xlsx", again, modified=T0 + timedelta(days=1)),
        source("回收/部门.xlsx", dept),
        source("回收/坏.xlsx", modified=None, status="error",
               issues=[issue("file_unreadable", file="回收/坏.xlsx", reason="x")]),
    ]  # fmt: skip
    return consolidate(sources, make_registry(), year=2022)


@pytest.fixture
def written(tmp_path):
    cons = sample()
    return cons, write_consolidation(cons, tmp_path / "成果" / "汇总.xlsx")


def test_sheets_in_order(written):
    _, path = written
    assert openpyxl.load_workbook(path).sheetnames == [
        "附件1 部门", "附件2 村", "附件3 社区", "指标进度", "未识别单位", "校验问题", "未报送",
        "重复报送", "来源", "单位名录", "参数",
    ]  # fmt: skip


def test_annex_sheet_has_the_seed_layout_and_print_setup(written):
    _, path = written
    ws = openpyxl.load_workbook(path)["附件2 村"]
    assert ws["A1"].value == "附件2"
    assert ws["A2"].value == "村2022年度创先争优目标和亮点工作计划"
    # the header spans rows 3–4, each cell merged over both, as in seed 000's notice
    merged = sorted(str(r) for r in ws.merged_cells.ranges)
    assert merged == ["A2:D2", *(f"{c}3:{c}4" for c in "ABCDEFG")]
    assert [c.value for c in ws[3]] == [*L.KIND_COLUMNS[L.PLAN_KIND], *L.PROVENANCE]
    assert ws["C3"].border.bottom.style == "thin" or ws["C4"].border.bottom.style == "thin"
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=5)]
    assert rows == [
        [1, "温塘村", "-1", "新计划", "回收/温塘村.xlsx", "附件", 5],
        [2, "南桐村", "=SUM(A1:A9)", LONG, "回收/村.xlsx", "附件", 4],
    ]
    assert ws["C6"].alignment.wrap_text and ws["C6"].border.left.style == "thin"
    assert ws.row_dimensions[6].height >= 3 * 14  # three lines of the multi-line plan
    assert ws.column_dimensions["D"].width > ws.column_dimensions["B"].width > 10
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows == "$3:$4"
    assert ws.print_area == "'附件2 村'!$A$1:$D$6"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert ws.freeze_panes == "A5"
    empty = openpyxl.load_workbook(path)["附件3 社区"]
    assert empty["A2"].value == "社区2022年度创先争优目标和亮点工作计划" and empty.max_row == 4


def test_the_annexes_read_back_as_returns(written):
    """汇总.xlsx's annexes are themselves returns: the reader finds the two-row header."""
    cons, path = written
    from targetbook.read import read_return

    source = read_return(path, path.parent)
    plans = {t.sheet: t for t in source.tables if t.kind == L.PLAN_KIND}
    village = plans["附件2 村"]
    assert village.header_row == 4 and village.columns[L.UNIT] == "B"
    assert village.frame[L.UNIT].tolist() == ["温塘村", "南桐村"]
    assert village.frame.index.tolist() == [5, 6]
    assert village.frame[L.PLAN].tolist()[1] == LONG


def test_text_from_returns_is_never_a_formula(written):
    _, path = written
    wb = openpyxl.load_workbook(path)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if c.data_type == "s"}
    assert {"=SUM(A1:A9)", "-1", "@x", "=1+2"} <= texts


def test_list_sheets(written):
    cons, path = written
    wb = openpyxl.load_workbook(path)
    progress = [[c.value for c in r] for r in wb["指标进度"].iter_rows()]
    assert progress[0][:3] == [L.CATEGORY, L.UNIT, L.INDICATOR] and len(progress) == 2
    assert progress[1][progress[0].index(L.parsed(L.TARGET_VALUE))] == 100000
    assert wb["指标进度"].freeze_panes == "A2"
    issues = [[c.value for c in r] for r in wb["校验问题"].iter_rows()]
    assert issues[0] == list(L.ISSUE_COLUMNS)
    assert issues[1][:5] == ["回收/村.xlsx", "附件", "C4", "formula_text", "警告"]
    assert ["回收/部门.xlsx", "附件", "B5", "unit_unknown", "错误"] in [r[:5] for r in issues]
    assert len(issues) == len(cons.issues) + 1
    missing = [[c.value for c in r] for r in wb["未报送"].iter_rows()]
    assert missing == [
        list(L.MISSING_COLUMNS),
        ["部门", "党政办", None],
        ["社区", "八〇一社区", None],
    ]
    dups = [[c.value for c in r] for r in wb["重复报送"].iter_rows()]
    assert dups[1] == ["温塘村", "回收/村.xlsx\n回收/温塘村.xlsx", "回收/温塘村.xlsx", "目标计划"]
    sources = [[c.value for c in r] for r in wb["来源"].iter_rows()]
    assert sources[0] == [*L.SOURCE_COLUMNS, L.SOURCE_UNITS]
    stamp = "2022-06-01 17:00:00"  # T0 is UTC: shown in Beijing time (UTC+8)
    assert sources[1] == ["回收/村.xlsx", "ab" * 32, stamp, "附件", 2, "ok", "南桐村\n温塘村"]
    assert sources[-1] == ["回收/坏.xlsx", "ab" * 32, None, None, 0, "error", None]
    registry = [[c.value for c in r] for r in wb["单位名录"].iter_rows(max_row=2)]
    assert registry == [list(L.REGISTRY_COLUMNS), ["党政办", "部门", None, "党群办、人大办"]]
    assert [[c.value for c in r] for r in wb["参数"].iter_rows()] == [
        ["项目", "值"],
        ["年度", "2022"],
    ]
    unmatched = [[c.value for c in r] for r in wb["未识别单位"].iter_rows()]
    assert unmatched[1][1:3] == ["火星办", "x"] and unmatched[1][-1] == 5


def test_load_consolidation_reads_back_what_was_written(written):
    cons, path = written
    back = load_consolidation(path)
    assert back.year == 2022
    for category in L.CATEGORIES:
        pd.testing.assert_frame_equal(
            back.annexes[category], cons.annexes[category], check_dtype=False
        )
    got, want = back.others[L.PROGRESS_KIND], cons.others[L.PROGRESS_KIND]
    assert list(got.columns) == list(want.columns)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert back.issues == cons.issues
    assert back.missing_units == cons.missing_units
    assert back.duplicates == cons.duplicates
    assert back.registry.units == make_registry().units
    assert [(s.file, s.status, s.modified) for s in back.sources] == [
        (s.file, s.status, s.modified) for s in cons.sources
    ]
    assert back.to_json()["files"] == cons.to_json()["files"]
    assert back.rows == cons.rows
    reported = {f: units for f, units in back.file_units.items() if units}
    assert reported == {f: units for f, units in cons.file_units.items() if units}
    pd.testing.assert_frame_equal(back.unmatched, cons.unmatched, check_dtype=False)


def test_units_whose_names_hold_a_list_mark_survive_the_round_trip(tmp_path):
    cons = sample()
    cons.file_units["回收/部门.xlsx"] = ["党政办  （党群办、人大办）", "经发办"]
    back = load_consolidation(write_consolidation(cons, tmp_path / "a.xlsx"))
    assert back.file_units["回收/部门.xlsx"] == ["党政办  （党群办、人大办）", "经发办"]


@pytest.mark.parametrize("where", ["build", "save"])
def test_write_is_atomic(tmp_path, monkeypatch, where):
    target = tmp_path / "汇总.xlsx"
    target.write_bytes(b"old")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    if where == "build":  # while laying out the sheets
        monkeypatch.setattr(writer, "issues_frame", broken)
    else:  # while writing the sheet bodies into the temporary file
        monkeypatch.setattr(book_module, "_splice", broken)
    with pytest.raises(RuntimeError):
        write_consolidation(sample(), target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["汇总.xlsx"]


def test_year_falls_back_to_the_consolidation_then_this_year(tmp_path):
    cons = sample()
    cons.year = None
    path = write_consolidation(cons, tmp_path / "a.xlsx", year=2031)
    assert openpyxl.load_workbook(path)["附件2 村"]["A2"].value.startswith("村2031年度")
    path = write_consolidation(cons, tmp_path / "b.xlsx")
    year = str(datetime.now().year)
    assert (
        openpyxl.load_workbook(path)["附件2 村"]["A2"].value
        == f"村{year}年度创先争优目标和亮点工作计划"
    )


def test_unprintable_numbers_and_huge_text_do_not_break_the_writer(tmp_path):
    cons = sample()
    frame = cons.others[L.PROGRESS_KIND]
    frame[L.parsed(L.RATE)] = [math.inf]
    frame[L.PROGRESS_TEXT] = ["长" * 40000]
    back = load_consolidation(write_consolidation(cons, tmp_path / "a.xlsx"))
    row = back.others[L.PROGRESS_KIND].iloc[0]
    assert math.isnan(row[L.parsed(L.RATE)]) and len(row[L.PROGRESS_TEXT]) == 32767


def test_libreoffice_prints_the_annex_on_landscape_pages(written, tmp_path):
    _, path = written
    single = tmp_path / "annex.xlsx"
    shutil.copy(path, single)
    pdf = soffice_convert(single, "pdf", tmp_path / "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = (float(v) for v in info.split("Page size:")[1].split("pts")[0].split(" x "))
    assert width > height  # the first printed sheet (附件1) is A4 landscape
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "部门2022年度创先争优目标和亮点工作计划" in text
    assert "来源文件" not in text.split("村2022年度")[0]  # provenance is outside the print area


def test_chunked_bodies_write_the_same_cells(written, tmp_path, monkeypatch):
    cons, in_memory = written
    monkeypatch.setattr(book_module, "CHUNK_ROWS", 0)  # hand rows to zlib one at a time
    streamed = write_consolidation(cons, tmp_path / "streamed.xlsx")
    ws = openpyxl.load_workbook(streamed)["附件2 村"]
    assert ws.row_dimensions[6].height >= 3 * 14 and ws.row_dimensions[2].height == 36

    def cells(path):
        wb = openpyxl.load_workbook(path)
        return {
            (ws.title, c.coordinate): (c.value, c.data_type)
            for ws in wb
            for row in ws.iter_rows()
            for c in row
            if c.value is not None
        }

    assert cells(streamed) == cells(in_memory)
    back = load_consolidation(streamed)
    assert back.issues == cons.issues and back.rows == cons.rows


def test_load_consolidation_refuses_other_files(tmp_path, book):
    other = book("returns.xlsx", {"附件2": [["序号", "单位", "创先争优目标"]]})
    with pytest.raises(TargetbookError) as err:
        load_consolidation(other)
    assert err.value.rule == "not_consolidated"
    with pytest.raises(TargetbookError) as err:
        load_consolidation(tmp_path / "missing.xlsx")
    assert err.value.rule == "consolidated_unreadable"
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(TargetbookError) as err:
        load_consolidation(broken)
    assert err.value.rule == "consolidated_unreadable"


HOSTILE = [
    "a & b < c > d",  # escaped
    "ctl\x01\x08\x0b\x1fend",  # characters XML cannot carry are dropped
    "  lead and trail  ",  # kept at both ends
    "_x0041_ stays",  # not decoded to "A"
    '=HYPERLINK("http://x")',  # text, never a formula
    "tab\tand\nnewline",
    "lone \ud800 surrogate",
    "",  # no cell
]
EXPECTED = [
    "a & b < c > d", "ctlend", "  lead and trail  ", "_x0041_ stays",
    "=HYPERLINK(\"http://x\")", "tab\tand\nnewline", "lone  surrogate", "",
]  # fmt: skip


def hostile_consolidation():
    cons = sample()
    frame = cons.others[L.PROGRESS_KIND]
    cons.others[L.PROGRESS_KIND] = pd.concat([frame] * len(HOSTILE), ignore_index=True)
    cons.others[L.PROGRESS_KIND][L.PROGRESS_TEXT] = HOSTILE
    return cons


@pytest.mark.parametrize("shared", [True, False])
def test_text_is_escaped_and_cleaned_for_every_reader(tmp_path, monkeypatch, shared):
    if not shared:  # as if XlsxWriter had written no shared-string table: inline strings
        monkeypatch.setattr(book_module, "SST", "xl/no-such-part.xml")
    path = write_consolidation(hostile_consolidation(), tmp_path / "a.xlsx")
    back = load_consolidation(path).others[L.PROGRESS_KIND][L.PROGRESS_TEXT].tolist()
    assert back == EXPECTED  # calamine
    ws = openpyxl.load_workbook(path)["指标进度"]
    col = [c.value for c in ws[1]].index(L.PROGRESS_TEXT)
    got = [r[col].value for r in ws.iter_rows(min_row=2)]
    if shared:
        assert got == [v or None for v in EXPECTED]
    else:  # openpyxl does not decode _xHHHH_ in inline strings (Excel and calamine do)
        assert got[3] == "_x005F_x0041_ stays"
        assert got[:3] + got[4:] == [v or None for v in EXPECTED[:3] + EXPECTED[4:]]
    assert all(r[col].data_type == "s" for r in ws.iter_rows(min_row=2) if r[col].value)


def test_libreoffice_opens_the_workbook_and_keeps_text_layout_and_heights(tmp_path):
    path = write_consolidation(hostile_consolidation(), tmp_path / "汇总.xlsx")
    resaved = soffice_convert(path, "xlsx", tmp_path / "lo")
    wb = openpyxl.load_workbook(resaved)
    ws = wb["指标进度"]
    col = [c.value for c in ws[1]].index(L.PROGRESS_TEXT)
    got = [r[col].value for r in ws.iter_rows(min_row=2)]
    assert got == [v or None for v in EXPECTED]
    cells = [c for sheet in wb for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    annex = wb["附件2 村"]
    assert annex["D6"].value == LONG and annex["A6"].value == 2
    assert annex.row_dimensions[6].height >= 3 * 14  # LibreOffice kept the row's lines
    assert annex.print_title_rows == "$3:$4"
    assert annex.page_setup.orientation == "landscape"


def test_parameters_are_written_and_read_back(tmp_path):
    cons = sample()
    cons.params = {L.PARAM_TOWN: "南桐镇", L.PARAM_DOC_NUMBER: "南桐党政办发〔2022〕14号"}
    back = load_consolidation(write_consolidation(cons, tmp_path / "a.xlsx"))
    assert back.params == cons.params and back.year == 2022
    more = {L.PARAM_OFFICE: "南桐镇党政办公室", L.PARAM_YEAR: "1999"}
    back = load_consolidation(write_consolidation(cons, tmp_path / "b.xlsx", params=more))
    assert back.params == {**cons.params, L.PARAM_OFFICE: "南桐镇党政办公室"}
    assert back.year == 2022  # 年度 comes from the year, never from a stray parameter


def test_shared_string_table_counts_match_its_entries(written):
    import re
    import zipfile

    _, path = written
    with zipfile.ZipFile(path) as z:
        sst = z.read("xl/sharedStrings.xml").decode()
        sheets = "".join(z.read(n).decode() for n in z.namelist() if "worksheets/sheet" in n)
    unique = int(re.search(r'uniqueCount="(\d+)"', sst).group(1))
    count = int(re.search(r'\bcount="(\d+)"', sst).group(1))
    assert sst.count("<si>") == unique
    assert len(re.findall(r't="s"', sheets)) == count
    refs = {int(v) for v in re.findall(r't="s"><v>(\d+)</v>', sheets)}
    assert refs == set(range(unique))  # every entry used, none missing
    assert 't="str"' not in sheets and "<f>" not in sheets


def test_every_part_is_deflated_at_the_fast_level(written):
    # Level 1 (not zlib's default 6) for every part, spliced bodies included.
    import zipfile
    import zlib

    _, path = written
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            packer = zlib.compressobj(book_module.COMPRESS_LEVEL, zlib.DEFLATED, -15)
            data = z.read(info)
            deflated = packer.compress(data) + packer.flush()
            assert (info.filename, info.compress_size) == (info.filename, len(deflated))


# --- large bodies shared with a worker process (write/_book._Worker) ---


def _everything(path):
    """What a user sees of every cell (openpyxl), sheet layout included."""
    wb = openpyxl.load_workbook(path)
    cells = {
        (ws.title, c.coordinate): (
            c.value, c.data_type, c.number_format, c.font.sz, c.font.b, c.alignment.horizontal,
            c.alignment.wrap_text, c.border.left.style,
        )
        for ws in wb
        for row in ws.iter_rows()
        for c in row
        if c.value is not None or c.has_style
    }  # fmt: skip
    layout = {
        ws.title: (
            sorted(str(r) for r in ws.merged_cells.ranges),
            {k: d.width for k, d in ws.column_dimensions.items()},
            {k: d.height for k, d in ws.row_dimensions.items() if d.height is not None},
            ws.freeze_panes, ws.auto_filter.ref, str(ws.print_area), str(ws.print_title_rows),
            ws.page_setup.orientation,
        )
        for ws in wb
    }  # fmt: skip
    return cells, layout, sorted(wb.defined_names), wb.active.title


def _worker_consolidation():
    """The hostile texts (escapes, _xHHHH_, blanks) over a few hundred progress rows."""
    cons = hostile_consolidation()
    frame = cons.others[L.PROGRESS_KIND]
    cons.others[L.PROGRESS_KIND] = pd.concat([frame] * 40, ignore_index=True)
    return cons


@pytest.fixture
def workers(monkeypatch):
    """Every write shares its bodies with a worker; the workers started, to check them."""
    started = []
    popen = book_module.subprocess.Popen

    def spy(*args, **kwargs):
        started.append(popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(book_module, "PARALLEL_CELLS", 0)
    monkeypatch.setattr(book_module.subprocess, "Popen", spy)
    return started


def test_a_worker_writes_the_large_sheets_with_the_same_cells(tmp_path, monkeypatch, workers):
    cons = _worker_consolidation()
    shared = write_consolidation(cons, tmp_path / "w" / "汇总.xlsx", opens_on=L.SHEET_ISSUES)
    assert len(workers) == 1 and workers[0].returncode == 0
    monkeypatch.setattr(book_module, "PARALLEL", False)  # the serial path (no fork/spawn)
    alone = write_consolidation(cons, tmp_path / "s" / "汇总.xlsx", opens_on=L.SHEET_ISSUES)
    assert len(workers) == 1  # no worker this time
    assert _everything(shared) == _everything(alone)
    back, again = load_consolidation(shared), load_consolidation(alone)  # calamine
    assert back.others[L.PROGRESS_KIND].equals(again.others[L.PROGRESS_KIND])
    assert back.issues == again.issues and back.rows == again.rows == cons.rows
    import re
    import zipfile

    with zipfile.ZipFile(shared) as z:
        assert z.testzip() is None  # every member's CRC checks, the copied ones too
        sst = z.read("xl/sharedStrings.xml").decode()
        sheets = "".join(z.read(n).decode() for n in z.namelist() if "worksheets/sheet" in n)
        progress = z.read("xl/worksheets/sheet4.xml").decode()  # the largest: the worker's
    assert 't="inlineStr"' in progress and "_x005F_x0041_" not in progress
    count = int(re.search(r'\bcount="(\d+)"', sst).group(1))
    unique = int(re.search(r'uniqueCount="(\d+)"', sst).group(1))
    assert len(re.findall(r't="s"', sheets)) == count and sst.count("<si>") == unique
    refs = {int(v) for v in re.findall(r't="s"><v>(\d+)</v>', sheets)}
    assert refs == set(range(unique))
    # the _xHHHH_ text is a shared string in the worker's sheet (openpyxl reads it back)
    assert "_x005F_x0041_ stays" in sst and "<f>" not in sheets
    assert [p.name for p in (tmp_path / "w").iterdir()] == ["汇总.xlsx"]


def test_libreoffice_opens_a_workbook_written_with_a_worker(tmp_path, workers):
    path = write_consolidation(_worker_consolidation(), tmp_path / "汇总.xlsx")
    assert len(workers) == 1
    wb = openpyxl.load_workbook(soffice_convert(path, "xlsx", tmp_path / "lo"))
    ws = wb["指标进度"]
    col = [c.value for c in ws[1]].index(L.PROGRESS_TEXT)
    got = [r[col].value for r in ws.iter_rows(min_row=2)]
    assert got == [v or None for v in EXPECTED] * 40
    assert wb["附件2 村"]["D6"].value == LONG


def test_small_workbooks_and_the_serial_path_start_no_worker(tmp_path, monkeypatch):
    def no_worker(*args, **kwargs):
        raise AssertionError("no worker expected")

    monkeypatch.setattr(book_module.subprocess, "Popen", no_worker)
    write_consolidation(sample(), tmp_path / "small.xlsx")  # below PARALLEL_CELLS
    monkeypatch.setattr(book_module, "PARALLEL_CELLS", 0)
    monkeypatch.setattr(book_module, "PARALLEL", False)  # e.g. Windows, a frozen app
    path = write_consolidation(_worker_consolidation(), tmp_path / "serial.xlsx")
    import zipfile

    with zipfile.ZipFile(path) as z:
        assert 't="inlineStr"' not in z.read("xl/worksheets/sheet4.xml").decode()


@pytest.mark.parametrize(
    "how", ["no_room", "cannot_start", "exits", "answers_error", "garbles", "hangs"]
)
def test_a_failing_worker_leaves_its_sheets_to_the_parent(tmp_path, monkeypatch, workers, how):
    cons = _worker_consolidation()
    expected = _everything(write_consolidation(cons, tmp_path / "first.xlsx"))
    if how == "no_room":  # its zip cannot be made beside the output
        mkstemp = book_module.tempfile.mkstemp

        def full(*args, suffix=None, **kwargs):
            if suffix == ".part":  # the worker's (atomic_path makes the output's)
                raise OSError(28, "No space left on device")
            return mkstemp(*args, suffix=suffix, **kwargs)

        monkeypatch.setattr(book_module.tempfile, "mkstemp", full)
    elif how == "cannot_start":
        monkeypatch.setattr(book_module.sys, "executable", str(tmp_path / "no-python"))
    elif how == "exits":  # dies at once: the parent's feeder meets a closed pipe
        monkeypatch.setattr(book_module, "_BOOT", "import sys; sys.exit(3)")
    elif how == "answers_error":  # reads everything, then reports a failure
        boot = book_module._BOOT.replace(
            "serve()",
            "sys.stdin.buffer.read(); import pickle; "
            "sys.stdout.buffer.write(pickle.dumps(('error', 'MemoryError: x')))",
        )
        monkeypatch.setattr(book_module, "_BOOT", boot)
    elif how == "hangs":  # never reads its input nor ends: stopped after its time budget
        monkeypatch.setattr(book_module, "_BOOT", "import time; time.sleep(600)")
        monkeypatch.setattr(book_module, "WORKER_SECONDS", 1.0)
        monkeypatch.setattr(book_module, "WORKER_SECONDS_PER_MILLION_CELLS", 0.0)
    else:  # says ok but its zip is not one
        boot = book_module._BOOT.replace("serve()", "sys.stdin.buffer.read(); print('ok')")
        monkeypatch.setattr(book_module, "_BOOT", boot)
    out = tmp_path / "out"
    path = write_consolidation(cons, out / "汇总.xlsx")
    assert _everything(path) == expected
    assert [p.name for p in out.iterdir()] == ["汇总.xlsx"]  # the worker's zip removed
    assert all(p.returncode is not None for p in workers)  # none left running


def test_a_failure_while_a_worker_runs_keeps_the_old_output(tmp_path, monkeypatch, workers):
    target = tmp_path / "汇总.xlsx"
    target.write_bytes(b"old")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(book_module, "_copy_raw", broken)
    with pytest.raises(RuntimeError):
        write_consolidation(_worker_consolidation(), target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["汇总.xlsx"]
    assert len(workers) == 1 and workers[0].returncode is not None


@pytest.mark.parametrize(
    "texts",
    [
        [],
        ["南桐村", "经发办", "plain ascii"],
        ["南桐村", " 前有空格", "经发办"],  # a space at the start of a middle text
        ["南桐村", "后有空格\u3000", "经发办"],  # an ideographic space at the end
        ["前后\n", "x"],  # a newline ends the first
        ["x", "最后 "],  # the last text ends with a space
        ["\t开头"],  # the first begins with a tab
        ["a & b", "c"],
        ["_x0041_ stays", "d"],
        ["ctl\x01", "e"],
        ["长" * 40000, "f"],  # cut to Excel's limit
        ["私\ue000用", " g"],  # the separator itself inside a text
    ],
)
def test_shared_string_entries_are_written_as_each_text_alone(texts):
    # _entries takes a fast path for runs of plain texts: it must give what _t gives
    expected = "".join(f"<si>{book_module._t(t)}</si>" for t in texts)
    assert book_module._entries(texts) == expected


def test_a_worker_started_ahead_writes_the_sheets_and_an_unused_one_ends(
    tmp_path, monkeypatch, workers
):
    # consolidate starts its write worker with the reader workers (prestart), while the
    # parent is small; the write then uses it instead of starting one
    cons = _worker_consolidation()
    monkeypatch.setattr(book_module, "_WARM", [])
    book_module.prestart()
    assert len(workers) == 1 and book_module._WARM == workers
    shared = write_consolidation(cons, tmp_path / "w" / "汇总.xlsx")
    assert len(workers) == 1 and workers[0].returncode == 0 and book_module._WARM == []
    monkeypatch.setattr(book_module, "PARALLEL", False)
    alone = write_consolidation(cons, tmp_path / "s" / "汇总.xlsx")
    assert _everything(shared) == _everything(alone)
    monkeypatch.setattr(book_module, "PARALLEL", True)
    book_module.prestart()  # a run too small to use it: it ends with the process
    assert len(workers) == 2
    book_module._stop_warm()
    assert workers[1].returncode == 0 and book_module._WARM == []
