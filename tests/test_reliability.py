"""Issue 12: no file, name or path can hang, abort, overwrite or fool a run.

Every case goes through the whole door (`python -m targetbook validate … --json`) and
asserts the rule id, the file (and cell), the exit code; subprocess timeouts are generous
bounds for a busy machine, not timing assertions.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.test_hostile import good, rewrite

ROOT = Path(__file__).resolve().parents[1]
BOUND = 120  # seconds: a hang fails the test instead of the suite


def run(*args: str | Path, cwd: Path | None = None) -> tuple[int, dict | None, str]:
    """`python -m targetbook ARGS`: (exit code, the JSON document or None, stderr)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "targetbook", *map(str, args)],
        capture_output=True,
        timeout=BOUND,
        env=env,
        cwd=cwd,
    )
    out = result.stdout.decode("utf-8")  # must be UTF-8, whatever the file names
    doc = json.loads(out) if "--json" in args else None
    err = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    return result.returncode, doc, err


def errors_by_file(doc: dict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for i in doc["issues"]:
        if i["severity"] == "error":
            found.setdefault(Path(i["file"]).name, []).append(i["rule"])
    return found


# --- 1. only regular files are opened -----------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_fifos_devices_and_broken_links_are_issues_never_opened(tmp_path):
    folder = tmp_path / "回收"
    folder.mkdir()
    good(folder / "a_good.xlsx")
    os.mkfifo(folder / "pipe.xlsx")
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.xlsx").symlink_to("/dev/zero")
    (folder / "dangling.xlsx").symlink_to(tmp_path / "nowhere.xlsx")
    (folder / "loop.xls").symlink_to(folder / "loop.xls")
    code, doc, _ = run("validate", folder, "--json")
    assert code == 1
    status = {Path(f["path"]).name: f["status"] for f in doc["files"]}
    bad = ["dangling.xlsx", "loop.xls", "pipe.txt", "pipe.xlsx", "zero.xlsx"]
    assert status == {"a_good.xlsx": "ok"} | dict.fromkeys(bad, "error")
    assert errors_by_file(doc) == {name: ["file_not_regular"] for name in bad}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_fifo_named_on_the_command_line_is_an_issue(tmp_path):
    os.mkfifo(tmp_path / "pipe.xlsx")
    code, doc, _ = run("validate", tmp_path / "pipe.xlsx", "--json")
    assert code == 1
    assert [(i["file"], i["rule"]) for i in doc["issues"]] == [
        (str(tmp_path / "pipe.xlsx"), "file_not_regular")
    ]


@pytest.mark.skipif(sys.platform != "linux", reason="Linux file names are bytes")
def test_gbk_file_name_is_escaped_in_json_and_text(tmp_path):
    folder = tmp_path / "回收"
    folder.mkdir()
    name = "温塘村.xlsx".encode("gbk")
    good(Path(os.fsdecode(os.path.join(os.fsencode(folder), name))))
    code, doc, _ = run("validate", folder, "--json")
    assert code == 0
    (shown,) = [f["path"] for f in doc["files"]]
    assert shown.startswith("回收/\\x") and shown.endswith(".xlsx")
    assert [f["status"] for f in doc["files"]] == ["ok"]
    code, _, _ = run("validate", folder)
    assert code == 0


# --- 2. the far-cell pre-check is structural ----------------------------------------------

FAR_ROWS = {
    "single_quotes": b"<row r='1048576'><c r='XFD1048576' t='s'><v>0</v></c></row>",
    "spaces": b'<row r = "1048576"><c r = "XFD1048576" t="s"><v>0</v></c></row>',
    "lower_case": b'<row r="1048576"><c r="xfd1048576" t="s"><v>0</v></c></row>',
    "no_refs": b'<row r="1048576">' + b'<c t="s"><v>0</v></c>' * 16384 + b"</row>",
    "rows_without_r": b'<row r="1048575"/><row><c r="XFD1048576" t="s"><v>0</v></c></row>',
}


def far(path: Path, tmp: Path, row: bytes) -> Path:
    base = good(tmp / f"base_{path.stem}.xlsx")
    xml = zipfile.ZipFile(base).read("xl/worksheets/sheet1.xml")
    return rewrite(
        base, path, "xl/worksheets/sheet1.xml", xml.replace(b"</sheetData>", row + b"</sheetData>")
    )


def far_outside_worksheets(path: Path, tmp: Path) -> Path:
    # The sheet part lives elsewhere; workbook.xml.rels points to it.
    src = far(tmp / "moved.xlsx", tmp, FAR_ROWS["spaces"])
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            name = info.filename
            if name == "xl/worksheets/sheet1.xml":
                name = "xl/data/s1.xml"
            data = data.replace(b"worksheets/sheet1.xml", b"data/s1.xml")
            zout.writestr(name, data)
    return path


def test_every_way_of_writing_a_far_cell_is_file_too_large(tmp_path):
    folder = tmp_path / "回收"
    folder.mkdir()
    for kind, row in FAR_ROWS.items():
        far(folder / f"{kind}.xlsx", tmp_path, row)
    far_outside_worksheets(folder / "outside.xlsx", tmp_path)
    good(folder / "a_good.xlsx")
    code, doc, _ = run("validate", folder, "--json")
    assert code == 1
    expected = {f"{kind}.xlsx": ["file_too_large"] for kind in [*FAR_ROWS, "outside"]}
    assert errors_by_file(doc) == expected


def test_declared_dimension_alone_never_rejects(tmp_path):
    # Gnumeric declares A1:XFD1048576 around a few cells (calamine's issue_174.xlsx).
    base = good(tmp_path / "base.xlsx")
    xml = zipfile.ZipFile(base).read("xl/worksheets/sheet1.xml")
    xml = xml.replace(b'<dimension ref="A1:D2"/>', b"").replace(
        b"<sheetViews>", b'<dimension ref="A1:XFD1048576"/><sheetViews>'
    )
    assert b"XFD1048576" in xml
    path = rewrite(base, tmp_path / "gnumeric.xlsx", "xl/worksheets/sheet1.xml", xml)
    code, doc, _ = run("validate", path, "--json")
    assert (code, doc["issues"], doc["rows"]) == (0, [], 1)


def test_many_sparse_sheets_are_file_too_large(tmp_path):
    # 300 sheets each spanning A1:F300000 (under the per-sheet cap): ~100 KB, 1.8 G cells.
    base = good(tmp_path / "base.xlsx")
    path = tmp_path / "sparse.xlsx"
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        sheet = zin.read("xl/worksheets/sheet1.xml").replace(
            b"</sheetData>", b'<row r="300000"><c r="F300000"><v>1</v></c></row></sheetData>'
        )
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
        for i in range(2, 302):
            zout.writestr(f"xl/worksheets/sheet{i}.xml", sheet)
    code, doc, _ = run("validate", path, "--json")
    assert code == 1
    assert errors_by_file(doc) == {"sparse.xlsx": ["file_too_large"]}


# --- 3. budgets proportional to size --------------------------------------------------------


def fuzzed_summary_xls(path: Path) -> Path:
    # The summary information claims 2³¹ properties: olefile's get_metadata() walks them all.
    import shutil

    import olefile

    shutil.copy(ROOT / "tests" / "data" / "seed000_annex.xls", path)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        data = bytearray(ole.openstream("\x05SummaryInformation").read())
        section = int.from_bytes(data[44:48], "little")
        data[section + 4 : section + 8] = (0x7FFFFFFF).to_bytes(4, "little")
        ole.write_stream("\x05SummaryInformation", bytes(data))
    return path


def test_text_bombs_fail_fast_and_odd_metadata_is_bounded(tmp_path):
    folder = tmp_path / "回收"
    folder.mkdir()
    (folder / "bang.html").write_text("<html><table>" + "<!" * 500_000, encoding="utf-8")
    (folder / "tags.html").write_text("<html><table>" + "<a" * 500_000, encoding="utf-8")
    (folder / "big.csv").write_text("1,2,3,4,5,6,7,8,9\n" * 500_000, encoding="utf-8")
    rows = "<Row>" + "<Cell><Data ss:Type='Number'>1</Data></Cell>" * 50 + "</Row>"
    (folder / "big.xml").write_text(
        '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="S">'
        f"<Table>{rows * 45_000}</Table></Worksheet></Workbook>",
        encoding="utf-8",
    )
    fuzzed_summary_xls(folder / "summary.xls")
    code, doc, _ = run("validate", folder, "--json")
    assert code == 1
    assert errors_by_file(doc) == {
        "bang.html": ["header_missing"],
        "tags.html": ["header_missing"],
        "big.csv": ["file_too_large"],
        "big.xml": ["file_too_large"],
    }
    assert {Path(f["path"]).name: f["status"] for f in doc["files"]}["summary.xls"] == "ok"


def test_a_small_file_holds_a_worker_ten_seconds_at_most(tmp_path, monkeypatch):
    import targetbook.read._pool as pool
    from targetbook.read import read_returns

    monkeypatch.setattr(pool, "read_rows", _slow_reader)
    path = good(tmp_path / "slow.xlsx")
    (src,) = read_returns([path], workers=1, timeout=60)
    assert [(i.rule, i.file) for i in src.issues] == [("read_timeout", str(path))]
    assert "10" in src.issues[0].message


def _slow_reader(path, display):
    import time

    time.sleep(120)


# --- 4. real files read right ---------------------------------------------------------------

DATA = ROOT / "tests" / "data"


def encrypted_xls(path: Path) -> Path:
    # A FILEPASS record in the workbook globals, as Excel writes for a password to open
    # (the record after BOF is given FILEPASS's type; its length is kept).
    import shutil

    import olefile

    shutil.copy(DATA / "seed000_annex.xls", path)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        stream = bytearray(ole.openstream("Workbook").read())
        first = 4 + int.from_bytes(stream[2:4], "little")
        stream[first : first + 2] = (0x002F).to_bytes(2, "little")
        ole.write_stream("Workbook", bytes(stream))
    return path


def encrypted_ods(path: Path) -> Path:
    src = DATA / "seed000_annex.ods"
    manifest = zipfile.ZipFile(src).read("META-INF/manifest.xml")
    entry = b'manifest:full-path="content.xml"'
    assert entry in manifest
    encrypted = manifest.replace(
        entry,
        entry + b' manifest:size="1"><manifest:encryption-data manifest:checksum-type="SHA1"'
        b' manifest:checksum="x"/></manifest:file-entry><manifest:file-entry'
        b' manifest:full-path="x" manifest:media-type=""',
    )
    return rewrite(src, path, "META-INF/manifest.xml", encrypted)


def script_written(path: Path) -> Path:
    # openpyxl writes formulas without a computed value (`<v></v>`).
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件2"
    ws.append(["序号", "单位", "创先争优目标", "亮点工作计划"])
    ws.append([1, "温塘村", '="环境"&"保护"', "计划"])
    wb.save(path)
    return path


def test_real_files_encrypted_unsupported_and_formulas(tmp_path):
    folder = tmp_path / "回收"
    folder.mkdir()
    encrypted_xls(folder / "locked.xls")
    encrypted_ods(folder / "locked.ods")
    script_written(folder / "script.xlsx")
    (folder / "sheet.slk").write_text('ID;PWXL;N;E\nC;Y1;X1;K"单位"\nE\n', encoding="utf-8")
    (folder / "sheet.numbers").write_bytes(b"\x00\x01binary")
    fods = '<?xml version="1.0"?>\n<office:document office:mimetype='
    fods += '"application/vnd.oasis.opendocument.spreadsheet"></office:document>'
    (folder / "flat.fods").write_text(fods, encoding="utf-8")
    code, doc, _ = run("validate", folder, "--json")
    assert code == 1
    assert errors_by_file(doc) == {
        "locked.xls": ["file_encrypted"],
        "locked.ods": ["file_encrypted"],
        "sheet.slk": ["format_unsupported"],
        "sheet.numbers": ["format_unsupported"],
        "flat.fods": ["format_unsupported"],
    }
    warnings = [
        (Path(i["file"]).name, i["sheet"], i["cell"], i["rule"])
        for i in doc["issues"]
        if i["rule"] == "formula_no_value"
    ]
    assert warnings == [("script.xlsx", "附件2", "C2", "formula_no_value")]


def test_ods_booleans_read_as_booleans(tmp_path):
    # LibreOffice keeps a boolean from an xlsx as TRUE() with the value 1, shown TRUE.
    from targetbook.read._grid import load_grids
    from targetbook.read._sniff import sniff

    src = DATA / "seed000_annex.ods"
    content = zipfile.ZipFile(src).read("content.xml")
    cell = (
        b'<table:table-cell table:formula="of:=TRUE()" office:value-type="float" '
        b'office:value="1" calcext:value-type="float"><text:p>TRUE</text:p></table:table-cell>'
    )
    at = content.index(b"</table:table-cell>") + len(b"</table:table-cell>")  # after A1
    content = content[:at] + cell + content[at:]
    path = rewrite(src, tmp_path / "bool.ods", "content.xml", content)
    data = path.read_bytes()
    first = load_grids(sniff(data), data, "bool")[0].rows[0]
    assert first[:2] == ["附件1", True]


def test_text_formula_in_a_time_formatted_xls_cell_reads_as_text():
    # FORMULA (cached result: a string, in the STRING record that follows) in a cell whose
    # format is a time: calamine shows 00:00:00; the text is what Excel shows.
    import struct

    from targetbook.read._biff import sheet_texts

    formula = struct.pack("<HHH", 1, 2, 15) + b"\x00" * 6 + b"\xff\xff" + b"\x00" * 8
    text = "环境保护".encode("utf-16-le")
    string = struct.pack("<HB", 4, 1) + text
    stream = b"".join(
        struct.pack("<HH", t, len(b)) + b
        for t, b in [(0x0809, b"\x00" * 16), (0x0006, formula), (0x0207, string), (0x000A, b"")]
    )
    assert sheet_texts(stream, 0) == [(1, 2, "环境保护")]


# --- 5. output safety -----------------------------------------------------------------------


def registry(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "单位名录"
    wb.active.append(["单位", "类别", "考核组", "别名"])
    wb.active.append(["温塘村", "村", "", ""])
    wb.save(path)
    return path


def test_out_that_is_an_input_or_inside_the_returns_is_refused(tmp_path):
    folder = tmp_path / "回收"
    folder.mkdir()
    ret = good(folder / "温塘村.xlsx")
    before = ret.read_bytes()
    reg = registry(tmp_path / "名录.xlsx")
    for out in (ret, folder / "汇总.xlsx", reg):
        code, _, err = run("consolidate", folder, "--registry", reg, "--out", out)
        assert (code, "错误" in err, str(out.name) in err) == (2, True, True), err
    assert ret.read_bytes() == before
    assert not (folder / "汇总.xlsx").exists()


def test_unwritable_out_is_exit_2_naming_the_path(tmp_path):
    ret = good(tmp_path / "温塘村.xlsx")
    reg = registry(tmp_path / "名录.xlsx")
    (tmp_path / "not_a_folder").write_text("x")
    out = tmp_path / "not_a_folder" / "汇总.xlsx"
    code, _, err = run("consolidate", ret, "--registry", reg, "--out", out)
    assert code == 2
    assert "汇总.xlsx" in err and "错误" in err


def test_stale_temp_files_of_a_killed_run_are_removed(tmp_path):
    ret = good(tmp_path / "温塘村.xlsx")
    reg = registry(tmp_path / "名录.xlsx")
    out_dir = tmp_path / "成果"
    out_dir.mkdir()
    # pid 2**22 + 1 is above Linux's pid_max default: no such process is running.
    stale = out_dir / f".~tb-{2**22 + 1}-abcd.xlsx"
    stale.write_bytes(b"half written")
    live = out_dir / f".~tb-{os.getpid()}-efgh.xlsx"  # a run still writing: kept
    live.write_bytes(b"being written")
    code, _, _ = run("consolidate", ret, "--registry", reg, "--out", out_dir / "汇总.xlsx")
    assert code == 0
    assert sorted(p.name for p in out_dir.iterdir()) == [live.name, "汇总.xlsx"]


# --- 8. rules values that make no sense -----------------------------------------------------


def test_negative_caps_and_points_are_located_errors():
    from targetbook.rules import rules_from_frames
    from tests.test_rules import ITEM_HEAD, item, located, raw

    frames = {
        "考核项目": raw(
            [
                ITEM_HEAD,
                item("", "经济", 50, "完成率", **{"超额每1%加": 1, "加分上限": -2}),
                item("", "党建", -50, "直接打分"),
                item("", "环境", 100, "直接打分"),
                item("", "扣分", -5, "扣分"),  # 扣分 items may carry a signed cap
            ]
        ),
        "设置": raw([["项目", "值"], ["加分总上限", -3], ["扣分总上限", -10]]),
    }
    rules, issues = rules_from_frames(frames)
    assert [i for i in located(issues) if i[2] == "rule_value_negative"] == [
        ("设置", "B2", "rule_value_negative"),
        ("考核项目", "G2", "rule_value_negative"),
        ("考核项目", "C3", "rule_value_negative"),
    ]
    assert all(i.severity == "error" for i in issues if i.rule == "rule_value_negative")
    assert rules.settings.bonus_cap is None and rules.settings.penalty_cap == 10
    assert [i.name for i in rules.items] == ["环境", "扣分"]


def test_files_not_read_are_listed_as_skipped(tmp_path):
    from targetbook.read import find_returns, skipped_files

    folder = tmp_path / "回收"
    (folder / "佐证").mkdir(parents=True)
    good(folder / "a.xlsx")
    (folder / "佐证" / "照片.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / "说明.txt").write_text("请查收", encoding="utf-8")
    (folder / "~$a.xlsx").write_bytes(b"lock")
    read = [shown for _, shown in find_returns([folder])]
    assert read == ["回收/a.xlsx"]
    assert skipped_files([folder]) == ["回收/~$a.xlsx", "回收/说明.txt", "回收/佐证/照片.jpg"]


def macro_sheet_book(path: Path, tmp: Path) -> Path:
    # An Excel 4 macro sheet listed in workbook.xml beside the data sheet.
    base = good(tmp / "macro_base.xlsx")
    z = zipfile.ZipFile(base)
    changed = {
        "xl/workbook.xml": z.read("xl/workbook.xml").replace(
            b"</sheets>", b'<sheet name="Macro1" sheetId="9" r:id="rId99"/></sheets>'
        ),
        "xl/_rels/workbook.xml.rels": z.read("xl/_rels/workbook.xml.rels").replace(
            b"</Relationships>",
            b'<Relationship Id="rId99" Type="http://schemas.microsoft.com/office/2006/'
            b'relationships/xlMacrosheet" Target="macrosheets/sheet1.xml"/></Relationships>',
        ),
    }
    macro = (
        b'<?xml version="1.0"?><xm:macrosheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/'
        b'main"><sheetData><row r="1"><c r="A1"><f>HALT()</f><v>1</v></c></row></sheetData>'
        b"</xm:macrosheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            out.writestr(info.filename, changed.get(info.filename, z.read(info.filename)))
        out.writestr("xl/macrosheets/sheet1.xml", macro)
    return path


def test_macro_sheet_is_skipped_with_a_note_and_data_sheets_read(tmp_path):
    path = macro_sheet_book(tmp_path / "macro.xlsm", tmp_path)
    code, doc, _ = run("validate", path, "--json")
    assert code == 0
    assert [(i["sheet"], i["rule"], i["severity"]) for i in doc["issues"]] == [
        ("Macro1", "sheet_macro_skipped", "warning")
    ]
    assert [(f["status"], f["units"]) for f in doc["files"]] == [("ok", ["温塘村"])]


def test_ods_value_repeated_far_is_file_too_large(tmp_path):
    # Empty cells repeated to the sheet's end are normal (LibreOffice); a value repeated
    # over a million rows is what makes the reader allocate the rectangle.
    src = DATA / "seed000_annex.ods"
    content = zipfile.ZipFile(src).read("content.xml")
    far = (
        b'<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
        b'office:value-type="string" table:number-columns-repeated="100"><text:p>x</text:p>'
        b"</table:table-cell></table:table-row></table:table>"
    )
    content = content.replace(b"</table:table>", far, 1)
    path = rewrite(src, tmp_path / "far.ods", "content.xml", content)
    code, doc, _ = run("validate", path, "--json")
    assert code == 1
    assert [(Path(i["file"]).name, i["rule"]) for i in doc["issues"]] == [
        ("far.ods", "file_too_large")
    ]


# --- 6. metadata a sender controls ----------------------------------------------------------


def test_saved_time_in_the_future_is_suspect_and_never_wins_a_duplicate(tmp_path):
    folder = tmp_path / "回收"
    folder.mkdir()
    good(folder / "a_honest.xlsx", "温塘村")
    liar = good(tmp_path / "liar_base.xlsx", "温塘村")
    core = zipfile.ZipFile(liar).read("docProps/core.xml")

    core = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>2099-01-01T00:00:00Z\g<2>", core)
    assert b"2099-01-01" in core
    liar = rewrite(liar, folder / "b_liar.xlsx", "docProps/core.xml", core)
    os.utime(liar, (1_000_000_000, 1_000_000_000))  # received in 2001: the time that stands
    code, doc, _ = run("validate", folder, "--json", "--registry", registry(tmp_path / "r.xlsx"))
    assert code == 0
    suspect = [
        (Path(i["file"]).name, i["rule"]) for i in doc["issues"] if i["severity"] == "warning"
    ]
    assert ("b_liar.xlsx", "saved_time_suspect") in suspect
    (dup,) = doc["duplicates"]
    assert Path(dup["kept"]).name == "a_honest.xlsx"


# The pre-check's fast path (regular expressions over a plain sheet part, expat without
# callbacks) must find the same far corner as the element-by-element scan, and hand every
# part it cannot read plainly to that scan.
_SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheetData>{rows}</sheetData></worksheet>"
)


def test_precheck_fast_path_finds_the_same_corner_as_the_full_scan():
    from targetbook.read import _precheck as P

    variants = {
        # plain: cells up to C7 → bottom 7, right 3
        "plain": '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
        '<row r="7"><c r="C7"><v>1</v></c></row>',
        # single quotes, lower case, spaces: not plain, the full scan places them at AB9 → 9, 28
        "odd": "<row r='9'><c r = 'ab9'><v>1</v></c></row>",
        # no r: cells follow one another in row 1 → bottom 1, right 3
        "no_ref": "<row><c><v>1</v></c><c/><c><v>2</v></c></row>",
        # a prefixed cell element: only the full scan sees it → bottom 5, right 2
        "prefixed": '<row r="5"><x:c xmlns:x="urn:x" r="B5"><x:v>1</x:v></x:c></row>',
        # a formula without a cached value: the full scan reports it → bottom 3, right 1
        "formula": '<row r="3"><c r="A3"><f>1+1</f></c></row>',
        "empty": "",
    }
    expected = {
        "plain": (7, 3, True),
        "odd": (9, 28, False),
        "no_ref": (1, 3, False),
        "prefixed": (5, 2, False),
        "formula": (3, 1, False),
        "empty": (0, 0, True),
    }
    for name, rows in variants.items():
        data = _SHEET.format(rows=rows).encode()
        fast = P.scan_sheet_bytes("xl/worksheets/sheet1.xml", data)
        full = P.scan_sheet("xl/worksheets/sheet1.xml", [data])
        bottom, right, plain = expected[name]
        assert (fast.bottom, fast.right) == (full.bottom, full.right) == (bottom, right), name
        assert (P._plain_corner(data) is not None) == plain, name
        assert fast.no_value == full.no_value, name
    assert P.scan_sheet_bytes("s", _SHEET.format(rows=variants["formula"]).encode()).no_value


def test_precheck_fast_path_refuses_far_cells_bad_xml_and_dtds():
    from targetbook.read import _precheck as P

    far = _SHEET.format(rows='<row r="1"><c r="A1"/></row><row r="9000"><c r="ZZ9000"/></row>')
    # ZZ = 26 × 26 + 26 = 702 columns × 9,000 rows = 6,318,000 cells > 2,000,000
    assert P._plain_corner(far.encode()) == (9000, 702)
    with pytest.raises(P.TooLarge):
        P.scan_sheet_bytes("s", far.encode())
    broken = _SHEET.format(rows='<row r="1"><c r="A1"><v>1</v></row>')  # </c> missing
    assert P._plain_corner(broken.encode()) is not None  # plain to the regexes, yet
    with pytest.raises(P.BadXml):  # expat still checks well-formedness
        P.scan_sheet_bytes("s", broken.encode())
    dtd = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'
    assert P._plain_corner(dtd.encode()) is None
    with pytest.raises(P.BadXml):
        P.scan_sheet_bytes("s", dtd.encode())


def test_precheck_fast_path_counts_cell_and_row_tags_among_look_alikes():
    # `<col`, `<cfRule`, `<rowBreaks` start like cell and row tags: the fast path's byte
    # counts then differ from the canonical matches, and the exact tag count decides.
    from targetbook.read import _precheck as P

    head = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    )
    cases = {
        # plain despite the look-alikes: cells up to D4 → bottom 4, right 4
        "cols": '<cols><col min="1" max="4"/></cols><sheetData><row r="4"><c r="D4"/></row>'
        '</sheetData><rowBreaks count="0"/><conditionalFormatting sqref="A1">'
        '<cfRule type="x" priority="1"/></conditionalFormatting>',
        # a cell without r among canonical ones: not plain; it follows D2 → E2 (bottom 2, right 5)
        "no_ref": '<cols><col min="1" max="1"/></cols><sheetData><row r="2"><c r="D2"/><c/>'
        "</row></sheetData>",
        # a row without r after row 3: not plain; row 4 holds A4 (bottom 4, right 1)
        "row_no_ref": '<sheetData><row r="3"><c r="A3"/></row><row><c r="A4"/></row>'
        "</sheetData><rowBreaks/>",
    }
    expected = {"cols": (4, 4, True), "no_ref": (2, 5, False), "row_no_ref": (4, 1, False)}
    for name, inner in cases.items():
        data = (head + inner + "</worksheet>").encode()
        fast = P.scan_sheet_bytes("s", data)
        full = P.scan_sheet("s", [data])
        bottom, right, plain = expected[name]
        assert (fast.bottom, fast.right) == (full.bottom, full.right) == (bottom, right), name
        assert (P._plain_corner(data) is not None) == plain, name


def test_read_part_reads_as_zipfile_does_and_leaves_odd_members_to_it():
    # The pre-check reads members straight from the archive's bytes; whatever is not as
    # declared (bad CRC, lying size, unknown name) must read or fail exactly as zipfile does.
    import io
    import zipfile

    from targetbook.read._precheck import read_part

    buf = io.BytesIO()
    text = b"<x>" + b"abc" * 5000 + b"</x>"
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("deflated.xml", text, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("stored.xml", b"<y/>", compress_type=zipfile.ZIP_STORED)
        zf.writestr("\u8868.xml", b"<z/>", compress_type=zipfile.ZIP_DEFLATED)  # a UTF-8 name
    good = buf.getvalue()
    zf = zipfile.ZipFile(io.BytesIO(good))
    for name in zf.namelist():
        assert read_part(zf, name) == zf.read(name), name
        assert read_part(zf, name, 10) == zf.read(name)[:10], name
    with pytest.raises(KeyError):
        read_part(zf, "missing.xml")

    # A corrupted byte inside the deflated data: the CRC no longer matches.
    at = good.index(b"deflated.xml") + len(b"deflated.xml") + 5
    bad = good[:at] + bytes([good[at] ^ 0xFF]) + good[at + 1 :]
    zf = zipfile.ZipFile(io.BytesIO(bad))
    with pytest.raises((zipfile.BadZipFile, zlib_error())):
        zf.read("deflated.xml")
    with pytest.raises((zipfile.BadZipFile, zlib_error())):
        read_part(zf, "deflated.xml")

    # A member declaring fewer bytes than it inflates to (and a CRC of those): zipfile cuts
    # the data to the declared size, then fails its CRC check; so does read_part.
    zf = zipfile.ZipFile(io.BytesIO(good))
    info = zf.getinfo("deflated.xml")
    info.file_size = 100
    with pytest.raises(zipfile.BadZipFile):
        read_part(zf, "deflated.xml")
    # a head within the declared size reaches its end (and the CRC check) at once too
    with pytest.raises(zipfile.BadZipFile), zf.open("deflated.xml") as f:
        f.read(50)
    with pytest.raises(zipfile.BadZipFile):
        read_part(zf, "deflated.xml", 50)


def zlib_error():
    import zlib

    return zlib.error


@given(
    st.binary(max_size=40) | st.text(alphabet="<>!?f:x_1 .-/=\"'\te", max_size=30).map(str.encode)
)
def test_precheck_plain_tests_read_backwards_agree_with_the_regexes(body):
    from targetbook.read import _precheck as P

    assert P._not_plain(body) == (P._NOT_PLAIN.search(body) is not None)
    if P._ERROR_VALUE.search(body):  # the quick test never misses an error value
        assert P._E_QUOTE.search(body)


def test_precheck_plain_tests_examples():
    from targetbook.read import _precheck as P

    for body, expected in {
        b'<row r="1"><c r="A1"><v>1</v></c></row>': False,
        b'<row r="1" spans="1:4"><c r="A1"/></row>': False,  # a colon in a value
        b"<x:c/>": True,
        b"<c><f>1</f></c>": True,
        b"<c><f/></c>": True,
        b"<c><font/></c>": False,  # `<f` not followed by a space, `/` or `>`
        b"<c>x<f": False,
        b"<!-- c -->": True,
        b"<?pi x?>": True,
    }.items():
        assert P._not_plain(body) is expected, body
        assert (P._NOT_PLAIN.search(body) is not None) is expected, body


def test_referenced_parts_remembered_per_workbook_bytes(tmp_path):
    # Returns of one template share workbook.xml and its relationships: the second one's
    # parts come from memory and equal a fresh parse; bad XML is never remembered.
    import io

    from targetbook.read import _precheck as P

    data = (ROOT / "tests/data/multisheet.xlsx").read_bytes()
    zf = zipfile.ZipFile(io.BytesIO(data))
    names = set(zf.namelist())
    P._PARTS_SEEN.clear()
    first = P.referenced_parts(zf, names)
    assert len(P._PARTS_SEEN) == 1
    first["x"] = "mutated"  # callers get their own copy
    again = P.referenced_parts(zf, names)
    assert again == P._referenced_parts(zf, names) and "x" not in again
    assert len(again) == 3 and all(p.startswith("xl/worksheets/") for p in again.values())

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for info in zf.infolist():
            body = zf.read(info)
            if info.filename == "xl/workbook.xml":
                body = body.replace(b"</workbook>", b"")  # not well-formed
            out.writestr(info, body)
    broken = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    for _ in range(2):
        with pytest.raises(P.BadXml):
            P.referenced_parts(broken, names)
    assert len(P._PARTS_SEEN) == 1
