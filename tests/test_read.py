"""The reader: finding returns, finding headers, cutting data rows, and the worker pool."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import re
import subprocess
import sys
import time
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from conftest import located

from targetbook import labels
from targetbook.read import find_returns, iter_returns, read_return, read_returns
from targetbook.read._pool import read_rows

PLAN = ["序号", "单位", "创先争优目标", "亮点工作计划"]
PROGRESS = list(labels.KIND_COLUMNS[labels.PROGRESS_KIND])


def plan_rows(*units: str) -> list[list[object]]:
    return [[n, u, f"{u}目标", f"{u}计划"] for n, u in enumerate(units, 1)]


# --- find_returns -------------------------------------------------------------------------


def test_find_returns_walks_folders_in_order_and_skips_temp_files(tmp_path):
    root = tmp_path / "回收"
    for rel in [
        "b.xlsx",
        "a.XLS",
        "sub/c.csv",
        "sub/~$c.xlsx",
        ".hidden.xlsx",
        "sub/.~lock.c#",
        "佐证.pdf",
        "x.tmp",
        ".git/d.xlsx",
    ]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"x")
    explicit = tmp_path / "单独.dat"
    explicit.write_bytes(b"x")
    found = find_returns([root, explicit, root / "b.xlsx", tmp_path / "~$lock.xlsx"])
    assert [shown for _, shown in found] == [
        str(Path("回收") / "a.XLS"),
        str(Path("回收") / "b.xlsx"),
        str(Path("回收") / "sub" / "c.csv"),
        str(explicit),  # a file named explicitly is read whatever its suffix
    ]
    assert [p for p, _ in found][2] == root / "sub" / "c.csv"


def test_find_returns_keeps_a_file_path_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("r.xlsx").write_bytes(b"x")
    assert find_returns(["r.xlsx", "./missing.xlsx"]) == [
        (Path("r.xlsx"), "r.xlsx"),
        (Path("./missing.xlsx"), "./missing.xlsx"),
    ]


# --- headers ------------------------------------------------------------------------------


def test_title_rows_above_the_header(book):
    path = book(
        "r.xlsx",
        {
            "附件2": [
                ["附件2"],
                ["村2022年度创先争优目标和亮点工作计划"],
                PLAN,
                *plan_rows("温塘村", "营寨村"),
            ]
        },
    )
    (t,) = read_return(path).tables
    assert (t.sheet, t.kind, t.header_row) == ("附件2", labels.PLAN_KIND, 3)
    assert t.frame.index.tolist() == [4, 5]
    assert t.frame["单位"].tolist() == ["温塘村", "营寨村"]
    assert t.frame["序号"].tolist() == [1, 2]


def test_aliases_and_spacing_in_header_labels(book):
    header = ["编 号", "责任单位", "争先进位\n目标", "亮点工作计划安排", "联系人"]
    path = book("r.xlsx", {"S": [header, [1, "经发办", "目标", "计划", "张三"]]})
    (t,) = read_return(path).tables
    assert t.columns == dict(zip(PLAN, "ABCD", strict=True))
    assert list(t.frame.columns) == PLAN  # unknown columns (联系人) are not carried


def test_grouped_two_row_header(book):
    rows = [
        ["单位", "指标", "计量单位", "完成情况", None, "完成率"],
        [None, None, None, "目标值", "完成值", None],
        ["经发办", "规上工业产值", "万元", "2901.5万元", "2819.91万元", "97.19%"],
    ]
    path = book("r.xlsx", {"进度": rows}, {"进度": ["A1:A2", "B1:B2", "C1:C2", "D1:E1", "F1:F2"]})
    (t,) = read_return(path).tables
    assert (t.kind, t.header_row) == (labels.PROGRESS_KIND, 2)
    assert t.columns == {
        "单位": "A",
        "指标": "B",
        "计量单位": "C",
        "目标值": "D",
        "完成值": "E",
        "完成率": "F",
    }
    assert t.frame.loc[3, "完成值"] == "2819.91万元"


def test_header_below_the_search_window_is_missing(book):
    path = book("r.xlsx", {"S": [[f"说明第{i}行"] for i in range(15)] + [PLAN, *plan_rows("纪委")]})
    src = read_return(path)
    assert src.tables == [] and src.status == "error"
    assert located(src.issues) == [("S", "", "header_missing")]


def test_missing_required_column(book):
    path = book("r.xlsx", {"S": [["序号", "单位", "亮点工作计划"], [1, "纪委", "计划"]]})
    src = read_return(path)
    assert src.tables == []
    assert [(i.sheet, i.cell, i.rule, i.severity) for i in src.issues] == [
        ("S", "A1", "column_missing", "error")
    ]
    assert "创先争优目标" in src.issues[0].message


def test_duplicate_column_uses_the_first(book):
    path = book("r.xlsx", {"S": [["单位", "创先争优目标", "单位名称"], ["纪委", "目标", "别的"]]})
    src = read_return(path)
    assert located(src.issues) == [("S", "C1", "column_duplicate")]
    assert src.tables[0].columns == {"单位": "A", "创先争优目标": "B"}


def test_headerless_sheets_beside_an_annex(book, tmp_path):
    path = book(
        "r.xlsx", {"说明": [["请按模板填写"]], "空": [], "附件": [PLAN, *plan_rows("纪委")]}
    )
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("列表").append(["部门", "村", "社区"])
    wb["列表"].sheet_state = "hidden"
    wb.save(path)
    src = read_return(path)
    assert [t.sheet for t in src.tables] == ["附件"]
    assert located(src.issues) == [
        ("说明", "", "sheet_skipped")
    ]  # not the empty or the hidden sheet
    assert src.status == "ok"


# --- data rows ----------------------------------------------------------------------------


def test_blank_total_and_remark_rows(book):
    rows = [
        PLAN,
        [1, "温塘村", "目标", "计划"],
        [None, None, "  ", None],  # blank between data rows: reported
        [2, "营寨村", "目标", "计划"],
        [None, "小 计", None, None],
        ["合计", None, None, None],
        [],
        ["备注：区考核组指万东镇、南桐镇。"],
        [],
        [],  # blank rows after the table: not data, not reported
    ]
    src = read_return(book("r.xlsx", {"S": rows}))
    (t,) = src.tables
    assert t.frame.index.tolist() == [2, 4]
    assert located(src.issues) == [
        ("S", "A3", "row_blank_dropped"),
        ("S", "B5", "row_total_dropped"),
        ("S", "A6", "row_total_dropped"),
        ("S", "A8", "row_total_dropped"),
    ]
    assert [i.severity for i in src.issues] == ["warning"] * 4
    assert src.issues[-1].value == "备注：区考核组指万东镇、南桐镇。"


def test_vertically_merged_unit_is_filled(book):
    rows = [
        ["单位", "指标", "完成值"],
        ["经发办", "产值", "1"],
        [None, "投资", "2"],
        ["规建环保办", "复垦", "3"],
    ]
    (t,) = read_return(book("r.xlsx", {"S": rows}, {"S": ["A2:A3"]})).tables
    assert t.frame["单位"].tolist() == ["经发办", "经发办", "规建环保办"]


def test_values_are_raw_with_whole_numbers_as_int(book):
    rows = [
        ["单位", "指标", "目标值", "完成值"],
        ["经发办", "产值", 12.0, 97.19],
        ["纪委", 3, True, "2.5万"],
    ]
    (t,) = read_return(book("r.xlsx", {"S": rows})).tables
    assert t.frame.loc[2, "目标值"] == 12 and type(t.frame.loc[2, "目标值"]) is int
    assert t.frame.loc[2, "完成值"] == 97.19
    assert t.frame.loc[3, "目标值"] is True
    assert t.frame.loc[3, ["指标", "完成值"]].tolist() == [3, "2.5万"]
    assert t.frame.dtypes.tolist() == [object] * 4


def test_provenance_uses_the_workbook_saved_time(book):
    draft = book("draft.xlsx", {"S": [PLAN, *plan_rows("纪委")]})
    path = draft.with_name("r.xlsx")
    # openpyxl stamps the save time itself: set docProps/core.xml as Excel would have.
    with zipfile.ZipFile(draft) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2022-06-28T09:30:00Z", data
                )
            zout.writestr(info, data)
    src = read_return(path, "回收/r.xlsx")
    assert (src.file, src.path) == ("回收/r.xlsx", str(path.absolute()))
    assert src.modified == datetime(2022, 6, 28, 9, 30)
    assert src.tables[0].file == "回收/r.xlsx"


# --- text formats -------------------------------------------------------------------------


def test_tab_separated_text_named_xls(tmp_path):
    path = tmp_path / "导出.xls"
    text = "单位\t对标对象\t对标项目\t赶超标准\r\n经发办\t万东镇\t产值\t高于1个百分点\r\n"
    path.write_bytes(text.encode("gb18030"))
    src = read_return(path)
    (t,) = src.tables
    assert (t.sheet, t.kind) == ("导出", labels.BENCHMARK_KIND)
    assert t.frame.loc[2].tolist() == ["经发办", "万东镇", "产值", "高于1个百分点"]
    assert src.modified is not None  # no saved time inside: file mtime


def test_html_rowspan_in_data_is_filled(tmp_path):
    html = (
        "<html><body><table><tr><td>单位</td><td>指标</td><td>完成值</td></tr>"
        "<tr><td rowspan=2>经发办</td><td>产值</td><td>1&nbsp;万元</td></tr>"
        "<tr><td>投资</td><td>2</td></tr></table></body></html>"
    )
    path = tmp_path / "web.xls"
    path.write_text(html, encoding="utf-8")
    (t,) = read_return(path).tables
    assert t.frame["单位"].tolist() == ["经发办", "经发办"]
    assert t.frame["完成值"].tolist() == ["1 万元", "2"]


# --- worker pool --------------------------------------------------------------------------


def test_many_files_keep_their_order_and_report_progress(book):
    paths = [book(f"r{i:02d}.xlsx", {"S": [PLAN, *plan_rows(f"单位{i}")]}) for i in range(30)]
    seen = []
    sources = read_returns(
        paths, workers=2, progress=lambda done, total: seen.append((done, total))
    )
    assert [s.file for s in sources] == [str(p) for p in paths]
    assert [s.tables[0].frame["单位"].iloc[0] for s in sources] == [f"单位{i}" for i in range(30)]
    assert seen == [(i, 30) for i in range(1, 31)]
    assert read_returns([]) == []


def _slow_or_broken(path, display=None):
    name = Path(path).name
    if name == "slow.xlsx":
        time.sleep(30)
    if name == "bug.xlsx":
        raise RuntimeError("a bug in the reader")
    if name == "hog.xlsx":
        bytearray(1 << 31)
    return read_return(path, display)


def test_slow_hungry_or_buggy_files_cost_only_themselves(book, monkeypatch):
    import targetbook.read._pool as pool

    monkeypatch.setattr(pool, "read_rows", _slow_or_broken)
    names = ["a.xlsx", "slow.xlsx", "bug.xlsx", "hog.xlsx", "b.xlsx"]
    paths = [book(n, {"S": [PLAN, *plan_rows(n)]}) for n in names]
    sources = read_returns(paths, workers=2, timeout=2, memory_limit=1 << 30)
    assert [(Path(s.file).name, s.status) for s in sources] == [
        ("a.xlsx", "ok"),
        ("slow.xlsx", "error"),
        ("bug.xlsx", "error"),
        ("hog.xlsx", "error"),
        ("b.xlsx", "ok"),
    ]
    assert [[i.rule for i in s.issues] for s in sources[1:4]] == [
        ["read_timeout"],
        ["file_unreadable"],
        ["file_too_large"],
    ]


def test_sources_survive_pickling(book):
    src = read_return(book("r.xlsx", {"S": [PLAN, *plan_rows("纪委"), ["合计"]]}))
    back = pickle.loads(pickle.dumps(src))
    assert back.issues == src.issues
    assert back.tables[0].frame.equals(src.tables[0].frame)
    assert back.tables[0].frame.index.tolist() == [2]
    # a frame typed by a later stage keeps its dtypes across the pipe
    typed = src.tables[0]
    typed.frame["序号_数值"] = typed.frame["序号"].astype("float64")
    again = pickle.loads(pickle.dumps(typed))
    assert str(again.frame["序号_数值"].dtype) == "float64"
    assert again.frame.equals(typed.frame)


@pytest.mark.parametrize("workers", [0, 1, 3])
def test_missing_file_is_unreadable(tmp_path, workers):
    (src,) = read_returns([tmp_path / "nope.xlsx"], workers=workers)
    assert (src.status, [i.rule for i in src.issues]) == ("error", ["file_unreadable"])


def test_excel_2003_xml_spreadsheet(tmp_path):
    # SpreadsheetML (“XML 表格”), as web systems export it: GB2312, ss:Index, MergeDown.
    xml = """<?xml version="1.0" encoding="gb2312"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="进度"><Table>
  <Row><Cell><Data ss:Type="String">指标进度</Data></Cell></Row>
  <Row ss:Index="3"><Cell><Data ss:Type="String">单位</Data></Cell>
   <Cell><Data ss:Type="String">指标</Data></Cell>
   <Cell ss:Index="4"><Data ss:Type="String">完成值</Data></Cell></Row>
  <Row><Cell ss:MergeDown="1"><Data ss:Type="String">经发办</Data></Cell>
   <Cell><Data ss:Type="String">产值</Data></Cell>
   <Cell ss:Index="4"><Data ss:Type="Number">12</Data></Cell></Row>
  <Row><Cell ss:Index="2"><Data ss:Type="String">投资</Data></Cell>
   <Cell ss:Index="4"><Data ss:Type="String">0.77亿</Data></Cell></Row>
 </Table></Worksheet></Workbook>"""
    path = tmp_path / "export.xls"
    path.write_bytes(xml.encode("gb18030"))
    src = read_return(path)
    (t,) = src.tables
    assert (t.sheet, t.kind, t.header_row) == ("进度", labels.PROGRESS_KIND, 3)
    assert t.columns == {"单位": "A", "指标": "B", "完成值": "D"}
    assert t.frame.index.tolist() == [4, 5]
    assert t.frame["单位"].tolist() == ["经发办", "经发办"]
    assert t.frame["完成值"].tolist() == [12, "0.77亿"]


def test_excel_2003_xml_with_entities_is_refused(tmp_path):
    xml = (
        '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">]>'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet/></Workbook>'
    )
    path = tmp_path / "x.xls"
    path.write_text(xml, encoding="utf-8")
    src = read_return(path)
    assert [i.rule for i in src.issues] == ["file_unreadable"]


def test_several_tables_in_one_sheet(book):
    # The notice's annexes pasted one under the other: one Table per header; the 附件N and
    # title lines of the second table are not data of the first.
    rows = [
        ["附件1"],
        ["部门2022年度创先争优目标和亮点工作计划"],
        PLAN,
        *plan_rows("经发办", "纪委"),
        [],
        ["附件2"],
        ["村2022年度创先争优目标和亮点工作计划"],
        PLAN,
        *plan_rows("温塘村"),
        [],
        ["单位", "指标", "完成值"],
        ["温塘村", "集体经济收入", "8万元"],
    ]
    src = read_return(book("r.xlsx", {"S": rows}))
    assert [(t.kind, t.header_row, t.frame.index.tolist()) for t in src.tables] == [
        (labels.PLAN_KIND, 3, [4, 5]),
        (labels.PLAN_KIND, 9, [10]),
        (labels.PROGRESS_KIND, 12, [13]),
    ]
    assert [t.frame["单位"].tolist() for t in src.tables] == [
        ["经发办", "纪委"],
        ["温塘村"],
        ["温塘村"],
    ]
    assert located(src.issues) == [
        ("S", "A7", "row_title_dropped"),
        ("S", "A8", "row_title_dropped"),
    ]


def test_table_away_from_a1_keeps_its_addresses(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C5"], ws["D5"], ws["C6"], ws["D6"] = "单位", "创先争优目标", "纪委", "目标"
    wb.save(tmp_path / "r.xlsx")
    (t,) = read_return(tmp_path / "r.xlsx").tables
    assert (t.header_row, t.columns, t.frame.index.tolist()) == (
        5,
        {"单位": "C", "创先争优目标": "D"},
        [6],
    )
    assert t.cell("单位", 6) == "C6"


def test_excel_unicode_text_export(tmp_path):
    # Excel's “Unicode 文本” export: UTF-16 with BOM, tab-separated, often named .xls.
    path = tmp_path / "unicode.xls"
    text = "单位\t特色项目\t特色内容\r\n经发办\t招商引资\t“一企一策”服务\r\n"
    path.write_bytes(text.encode("utf-16"))
    (t,) = read_return(path).tables
    assert t.kind == labels.FEATURE_KIND
    assert t.columns == {"单位": "A", "特色项目": "B", "特色内容": "C"}
    assert t.frame.loc[2].tolist() == ["经发办", "招商引资", "“一企一策”服务"]


def test_random_text_is_not_a_table(tmp_path):
    path = tmp_path / "说明.txt"
    path.write_text("请各单位于6月30日前报送。\n联系人：张三\n", encoding="utf-8")
    src = read_return(path)
    assert (src.status, located(src.issues)) == ("error", [("说明", "", "header_missing")])


def test_decorated_header_labels_and_their_texts(book):
    # A required-field star, a colon, a unit in brackets: still the canonical columns, and
    # the header text as written is kept (the unit of bare numbers is in it).
    header = ["*单位", "指标：", "目标值（万元）", "完成值(万元)", "完成率(%)"]
    (t,) = read_return(
        book("r.xlsx", {"S": [header, ["经发办", "产值", 2901.5, 2819.91, 0.97]]})
    ).tables
    assert t.columns == {"单位": "A", "指标": "B", "目标值": "C", "完成值": "D", "完成率": "E"}
    assert t.headers["目标值"] == "目标值（万元）" and t.headers["单位"] == "*单位"
    back = pickle.loads(pickle.dumps(t))
    assert back.headers == t.headers


def _read_and_mark(path, display):
    """What a worker runs in the test below: leave a mark beside each file it reads."""
    Path(path + ".read").touch()
    return read_rows(path, display)  # the original, imported before any test replaced it


def test_workers_read_on_while_the_caller_is_busy(book, monkeypatch):
    # The caller loads its registry before asking for the first return: every file is
    # read by then, more than the two batches a worker is handed ahead.
    import targetbook.read._pool as pool

    monkeypatch.setattr(pool, "read_rows", _read_and_mark)
    paths = [book(f"r{i:02d}.xlsx", {"S": [PLAN, *plan_rows(f"单位{i}")]}) for i in range(40)]
    it = iter_returns(paths, workers=1)
    deadline = time.monotonic() + 60
    while not all(Path(f"{p}.read").exists() for p in paths) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(Path(f"{p}.read").exists() for p in paths)
    assert [s.tables[0].frame["单位"].iloc[0] for s in it] == [f"单位{i}" for i in range(40)]
    assert multiprocessing.active_children() == []  # read to the end: its workers are gone


def _read_and_note_priority(path, display):
    """What a worker runs in the test below: note its niceness beside the file."""
    import os

    Path(path + ".nice").write_text(str(os.nice(0)))
    return read_rows(path, display)


@pytest.mark.skipif(not hasattr(os, "nice"), reason="no process priorities on Windows")
def test_workers_yield_the_cpu_to_the_caller(book, monkeypatch):
    # The caller validates every result: on a busy CPU it goes first.
    import targetbook.read._pool as pool

    monkeypatch.setattr(pool, "read_rows", _read_and_note_priority)
    paths = [book(f"r{i}.xlsx", {"S": [PLAN, *plan_rows(f"单位{i}")]}) for i in range(4)]
    assert [s.status for s in read_returns(paths, workers=2)] == ["ok"] * 4
    assert {int(Path(f"{p}.nice").read_text()) for p in paths} == {min(19, os.nice(0) + 10)}


def test_iter_returns_yields_in_order_and_stops_its_workers_when_dropped(book):
    paths = [book(f"r{i:02d}.xlsx", {"S": [PLAN, *plan_rows(f"单位{i}")]}) for i in range(20)]
    assert [s.file for s in iter_returns(paths, workers=2)] == [str(p) for p in paths]
    it = iter_returns(paths, workers=2)
    assert next(it).file == str(paths[0])
    it.close()  # the caller stops early: no worker is left behind
    assert multiprocessing.active_children() == []


def test_iter_returns_without_cells_sends_the_prepared_columns_only(book):
    # consolidate asks for the prepared columns only: the same validation, a third less to
    # pickle; `frame` says the cells are not there instead of building an empty one
    from targetbook.consolidate import consolidate

    paths = [book(f"r{i}.xlsx", {"S": [PLAN, *plan_rows(f"单位{i}")]}) for i in range(3)]
    lean = list(iter_returns(paths, workers=2, cells=False))
    full = list(iter_returns(paths, workers=2))
    for a, b in zip(lean, full, strict=True):
        for t, u in zip(a.tables, b.tables, strict=True):
            assert t.prepared.text == u.prepared.text
            assert t.row_numbers() == u.row_numbers() and t.n_rows == u.n_rows
            with pytest.raises(RuntimeError):
                t.frame  # noqa: B018
            assert len(u.frame) == u.n_rows
    ours, theirs = consolidate(iter(lean), None), consolidate(full, None)
    for kind, frame in theirs.others.items():
        assert ours.others[kind].equals(frame)
    for category, frame in theirs.annexes.items():
        assert ours.annexes[category].equals(frame)
    assert [i.message for i in ours.issues] == [i.message for i in theirs.issues]


def test_a_script_without_a_main_guard_reads_with_workers(book, tmp_path):
    # Script writers rarely write `if __name__ == "__main__":`. Workers that re-import the
    # main script (spawn, forkserver) would run it again in each worker; on Linux they are
    # forked, so a plain top-level script works.
    paths = [book(f"r{i}.xlsx", {"S": [PLAN, *plan_rows(f"单位{i}")]}) for i in range(6)]
    script = tmp_path / "merge.py"
    script.write_text(
        "import sys\n"
        "from targetbook.read import read_returns\n"
        "sources = read_returns(sys.argv[1:], workers=2)\n"
        "print(','.join(s.status for s in sources))\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout.strip()) == (0, ",".join(["ok"] * 6)), done.stderr


def test_percent_formats_of_other_writers(tmp_path):
    # XlsxWriter: built-in 0% / 0.00% and a custom 0.0%; a literal "%" in quotes and a text
    # cell in a percent style are not percentages.
    import xlsxwriter

    path = tmp_path / "r.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("指标进度")
    ws.write_row(0, 0, ["单位", "指标", "计量单位", "目标值", "完成值", "完成率"])
    ws.write_row(1, 0, ["经发办", "参保率", "%"])
    ws.write_number(1, 3, 0.98, wb.add_format({"num_format": "0%"}))
    ws.write_number(1, 4, 0.965, wb.add_format({"num_format": "0.0%"}))
    ws.write_number(1, 5, 0.9847, wb.add_format({"num_format": "0.00%"}))
    ws.write_row(2, 0, ["经发办", "增速", "%"])
    ws.write_number(2, 3, 5, wb.add_format({"num_format": '0"%"'}))
    ws.write_string(2, 4, "4.5%", wb.add_format({"num_format": "0.00%"}))
    ws.write_formula(2, 5, "=E3/D3", wb.add_format({"num_format": "0.0%"}), 0.9)
    wb.close()
    (t,) = read_return(path).tables
    assert t.frame.loc[2, ["目标值", "完成值", "完成率"]].tolist() == ["98%", "96.5%", "98.47%"]
    assert t.frame.loc[3, ["目标值", "完成值", "完成率"]].tolist() == [5, "4.5%", "90%"]


# --- sheets and rows that are not data ----------------------------------------------------
def test_hidden_and_very_hidden_sheets_are_skipped_with_a_warning(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "计划"
    wb.active.append(PLAN)
    wb.active.append([1, "温塘村", "全镇第1", "计划"])
    for name, state in (("旧版", "hidden"), ("更旧", "veryHidden")):
        ws = wb.create_sheet(name)
        ws.append(PLAN)
        ws.append([1, "温塘村", "全镇第3", "旧"])
        ws.sheet_state = state
    # A hidden helper sheet without an annex header (dropdown lists) stays silent.
    lists = wb.create_sheet("下拉")
    lists.append(["部门", "村", "社区"])
    lists.sheet_state = "hidden"
    path = tmp_path / "h.xlsx"
    wb.save(path)
    src = read_return(path)
    assert [(t.sheet, t.frame.index.tolist()) for t in src.tables] == [("计划", [2])]
    assert src.tables[0].frame.loc[2, "创先争优目标"] == "全镇第1"
    assert located(src.issues) == [("旧版", "", "sheet_hidden"), ("更旧", "", "sheet_hidden")]
    assert src.issues[0].severity == "warning"


def test_a_folder_holds_returns_not_notes_but_a_named_file_is_read(tmp_path):
    from targetbook.read import find_returns

    folder = tmp_path / "回收"
    folder.mkdir()
    wb = openpyxl.Workbook()
    wb.active.append(PLAN)
    wb.active.append([1, "温塘村", "全镇第1", "计划"])
    wb.save(folder / "温塘村.xlsx")
    (folder / "说明.txt").write_text("请各单位于6月30日前报送。\n联系人：张三\n", encoding="utf-8")
    (folder / "佐证.docx").write_bytes(b"PK\x03\x04not really")
    (folder / "佐证.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "notes.xml").write_text("<notes/>", encoding="utf-8")
    # Excel's Unicode-text export (tab-separated, UTF-16) is a .txt return worth reading.
    tsv = "单位\t特色项目\t特色内容\r\n经发办\t招商\t服务\r\n"
    (folder / "导出.txt").write_bytes(tsv.encode("utf-16"))
    xml = '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>'
    (folder / "表.xml").write_text(xml, encoding="utf-8")
    found = [shown for _, shown in find_returns([folder])]
    assert found == ["回收/导出.txt", "回收/温塘村.xlsx", "回收/表.xml"]
    named = find_returns([folder / "说明.txt", folder / "佐证.pdf"])
    assert [p.name for p, _ in named] == ["说明.txt", "佐证.pdf"]


def test_footer_lines_under_the_table_are_not_data(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "计划"
    ws.append(PLAN)
    ws.append([1, "温塘村", "全镇第1", "计划"])
    ws.append(["填表人：张三", "联系电话：123"])
    ws.append([None, "审核人:李四"])  # first non-empty cell in column B
    ws.append(["单位负责人 ：赵六", None, "填报日期：2022年3月1日"])
    ws.append([2, "塘厦村", "全镇第2", "计划2"])  # not footer-like: still data
    path = tmp_path / "f.xlsx"
    wb.save(path)
    src = read_return(path)
    (t,) = src.tables
    assert t.frame.index.tolist() == [2, 6]
    assert t.frame.loc[6, "单位"] == "塘厦村"
    assert located(src.issues) == [
        ("计划", "A3", "row_footer_dropped"),
        ("计划", "B4", "row_footer_dropped"),
        ("计划", "A5", "row_footer_dropped"),
    ]
    assert src.issues[0].value == "填表人：张三"
    assert all(i.severity == "warning" for i in src.issues)


DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("suffix", ["xlsx", "ods", "xls"])
def test_formula_error_values_stay_visible_and_are_reported(suffix):
    # Saved by LibreOffice from openpyxl formulas (=E2/D2 with D2=0, =NA(), =A1+1 …):
    # the cells hold cached error values, which calamine reads as empty.
    from targetbook.validate import validate_tables

    src = read_return(DATA / f"formula_errors.{suffix}")
    (t,) = src.tables
    f = t.frame
    assert [f.loc[r, "完成率"] for r in (2, 3, 4)] == ["#DIV/0!", "#N/A", "#VALUE!"]
    assert f.loc[4, "完成值"] == "#VALUE!"
    assert f.loc[5, "完成率"] == 0.5
    _, issues = validate_tables([t], None)
    found = sorted((i.cell, i.rule) for i in issues if i.value.startswith("#"))
    assert found == [
        ("E4", "not_a_number"),
        ("F2", "not_a_number"),
        ("F3", "not_a_number"),
        ("F4", "not_a_number"),
    ]


def test_data_rows_short_scan_agrees_with_the_full_row_tests():
    # _data_rows looks at a row's first two filled cells once (_row_tests) instead of
    # running _may_be_header, _non_data and the blank test over the row; both must agree on
    # every row the short scan accepts, and it must hand rows with space-only texts to them.
    import itertools

    from targetbook.read import _table as T

    class Sub(str):
        pass

    values = [None, "", " ", "\u3000", 1, 2.5, True, datetime(2022, 1, 1), Sub("合计")]
    values += [labels.UNIT, f" {labels.UNIT}", "村集体经济收入", "样本村", "x" * 13]
    values += ["合计", " 小计 ", "备注：无", "填表人：张三", "总计（万元）", "说明"]
    accepted = 0
    for row in itertools.product(values, repeat=3):
        row = list(row)
        tests = T._row_tests(row)
        blank = all(T._is_blank(v) for v in row)
        if tests is None:
            assert any(isinstance(v, str) and (type(v) is not str or not v.strip()) for v in row)
            continue
        accepted += 1
        assert tests == (T._may_be_header(row), T._non_data(row), blank), row
    # most rows take the short scan (the rest hold a space-only text before a filled cell)
    assert accepted > len(values) ** 3 // 2


@pytest.mark.parametrize("extra_merges", [0, 80])
def test_header_search_fills_merged_header_cells_with_few_or_many_merges(extra_merges):
    # The header search fills rows one by one when a sheet has few merged ranges and its top
    # 15 rows at once when it has many: both read a header whose 单位 cell is merged over
    # two columns and two rows (A2:B3) the same way.
    from targetbook.read._grid import Grid
    from targetbook.read._table import read_sheet

    cols = labels.KIND_COLUMNS[labels.PROGRESS_KIND]
    header = [labels.UNIT, None, *cols[1:]]
    rows = [["title"] + [None] * len(cols), header, [None] * (len(cols) + 1)]
    rows += [[f"u{i}", None, *[f"v{i}"] * (len(cols) - 1)] for i in range(90)]
    merges = [(1, 0, 2, 1)]  # 单位 over A2:B3
    merges += [(3 + i, 0, 3 + i, 1) for i in range(extra_merges)]  # each unit over A:B
    tables, issues, found = read_sheet(Grid("s", rows, merges), "f.xlsx", frames=False)
    assert found and len(tables) == 1
    (table,) = tables
    assert table.kind == labels.PROGRESS_KIND and table.columns[labels.UNIT] == "A"
    assert table.header_row == 3  # the two header rows end in row 3 (A2:B3)
    data = table.__dict__["_frame"]
    assert len(data.index) == 90 and data.data[0][0] == "u0"
