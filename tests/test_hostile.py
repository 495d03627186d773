"""Hostile and broken inputs: each becomes an error Issue with its rule id, never a crash.

The files are generated here into tmp_path (bombs stay out of the repository).
"""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
import xlsxwriter
from msoffcrypto.format.ooxml import OOXMLFile

from targetbook.read import read_return, read_returns
from targetbook.read._pool import read_rows

PLAN = ["序号", "单位", "创先争优目标", "亮点工作计划"]


def good(path: Path, unit: str = "温塘村") -> Path:
    """A clean return written with shared strings (as Excel does)."""
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("附件2")
    ws.write_row(0, 0, PLAN)
    ws.write_row(1, 0, [1, unit, "环境保护工作考核全镇第1。", "建设物流集散点。"])
    wb.close()
    return path


def stray_far_cell(path: Path) -> Path:
    # calamine allocates A1:XFD1048576 and aborts the process (tafia/calamine#693).
    # (openpyxl, not XlsxWriter: XlsxWriter walks every row up to the last one.)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件2"
    ws.append(PLAN)
    ws.append([1, "温塘村", "目标", "计划"])
    ws["XFD1048576"] = "x"
    wb.save(path)
    return path


def prefixed_far_cell(path: Path, tmp: Path) -> Path:
    # The same stray cell, written with a namespace prefix as the OpenXML SDK does.
    base = stray_far_cell(tmp / "far.xlsx")
    xml = zipfile.ZipFile(base).read("xl/worksheets/sheet1.xml")
    xml = xml.replace(b"<c ", b"<x:c ").replace(b"</c>", b"</x:c>")
    xml = xml.replace(b"<row ", b"<x:row ").replace(b"</row>", b"</x:row>")
    ns = b'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns='
    xml = xml.replace(b"xmlns=", ns, 1)
    return rewrite(base, path, "xl/worksheets/sheet1.xml", xml)


def html_spans(path: Path) -> Path:
    # Thousands of cells each spanning 1000 columns would build a grid of billions.
    rows = '<tr><td colspan="1000">单位</td><td colspan="1000">指标</td></tr>' * 3000
    path.write_text(f"<html><table>{rows}</table></html>", encoding="utf-8")
    return path


def rewrite(src: Path, dst: Path, member: str, content: bytes) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = content if info.filename == member else zin.read(info.filename)
            zout.writestr(info.filename, data)
    return dst


def zip_bomb(path: Path, tmp: Path) -> Path:
    # 32 MB of blanks inside the sheet XML compress ~1000:1.
    base = good(tmp / "bomb_base.xlsx")
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                xml = zin.read(info.filename)
                head, tail = xml.split(b"<sheetData>", 1)
                with zout.open(info.filename, "w", force_zip64=True) as f:
                    f.write(head + b"<sheetData>")
                    chunk = b" " * (1 << 20)
                    for _ in range(32):
                        f.write(chunk)
                    f.write(tail)
            else:
                zout.writestr(info.filename, zin.read(info.filename))
    return path


def entity_bomb(path: Path, tmp: Path) -> Path:
    # "Billion laughs" in the shared strings: ten levels of ten-fold entity expansion.
    base = good(tmp / "entity_base.xlsx")
    ents = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    sst = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<!DOCTYPE sst [<!ENTITY lol0 "lol">{ents}]>\n'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    ).encode()
    return rewrite(base, path, "xl/sharedStrings.xml", sst)


def truncated(path: Path, tmp: Path) -> Path:
    data = good(tmp / "whole.xlsx").read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def encrypted(path: Path, tmp: Path) -> Path:
    plain = good(tmp / "plain.xlsx")
    with open(plain, "rb") as fin, open(path, "wb") as fout:
        OOXMLFile(fin).encrypt("secret", fout)
    return path


def docx_named_xlsx(path: Path) -> Path:
    doc = docx.Document()
    doc.add_paragraph("关于印发创先争优目标的通知")
    doc.save(path)
    return path


def no_header(path: Path) -> Path:
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Sheet1")
    ws.write_row(0, 0, ["温塘村", "环境保护工作考核全镇第1。"])
    ws.write_row(1, 0, ["营寨村", "基本公共卫生服务覆盖率考核全镇第1。"])
    wb.close()
    return path


HOSTILE = {
    "stray_far_cell.xlsx": ("file_too_large", lambda p, t: stray_far_cell(p)),
    "prefixed_far_cell.xlsx": ("file_too_large", prefixed_far_cell),
    "html_spans.xls": ("file_too_large", lambda p, t: html_spans(p)),
    "zip_bomb.xlsx": ("file_too_large", zip_bomb),
    "entity_bomb.xlsx": ("file_unreadable", entity_bomb),
    "truncated.xlsx": ("file_unreadable", truncated),
    "empty.xlsx": ("file_empty", lambda p, t: p.write_bytes(b"")),
    "random.xls": ("not_a_workbook", lambda p, t: p.write_bytes(random.Random(7).randbytes(4096))),
    "word.xlsx": ("not_a_workbook", lambda p, t: docx_named_xlsx(p)),
    "encrypted.xlsx": ("file_encrypted", encrypted),
    "no_header.xlsx": ("header_missing", lambda p, t: no_header(p)),
}


def build(tmp_path: Path, name: str) -> Path:
    out = tmp_path / "in"
    out.mkdir(exist_ok=True)
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    HOSTILE[name][1](out / name, work)
    return out / name


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_an_error_issue(tmp_path, name):
    path = build(tmp_path, name)
    (src,) = read_returns([path], workers=1)
    assert src.file == str(path)
    assert src.status == "error"
    assert src.tables == []
    assert [(i.rule, i.severity) for i in src.issues] == [(HOSTILE[name][0], "error")]
    assert src.issues[0].file == str(path)
    if name != "empty.xlsx":
        assert len(src.sha256) == 64 and src.size == path.stat().st_size


def test_hostile_files_among_good_ones(tmp_path):
    paths = [good(tmp_path / "a_good.xlsx", "温塘村")]
    paths += [build(tmp_path, name) for name in sorted(HOSTILE)]
    paths.append(good(tmp_path / "z_good.xlsx", "营寨村"))
    sources = read_returns(paths, workers=2)
    assert [s.file for s in sources] == [str(p) for p in paths]
    assert [s.status for s in sources] == ["ok"] + ["error"] * len(HOSTILE) + ["ok"]
    assert [s.tables[0].frame["单位"].tolist() for s in (sources[0], sources[-1])] == [
        ["温塘村"],
        ["营寨村"],
    ]
    assert [s.issues[0].rule for s in sources[1:-1]] == [HOSTILE[n][0] for n in sorted(HOSTILE)]


def _read_without_precheck(path, display):
    """What a worker runs, with the far-cell pre-check switched off (in that worker only)."""
    import targetbook.read._sniff as sniff

    sniff.scan_book = lambda zf, names: sniff.BookScan()
    return read_rows(path, display)  # the original, imported before any test replaced it


@pytest.mark.parametrize("n", [2, 12])  # batches of one file; batches of three files
def test_worker_killed_by_calamine_costs_one_file(tmp_path, monkeypatch, n):
    # Without the pre-check calamine really aborts the worker mid-batch; the files of that
    # batch are read again one by one, and only the culprit fails.
    import targetbook.read._pool as pool

    monkeypatch.setattr(pool, "read_rows", _read_without_precheck)
    units = [f"单位{i}" for i in range(n)]
    paths = [good(tmp_path / f"{i:02d}.xlsx", u) for i, u in enumerate(units)]
    bad = n // 2 + 1
    paths.insert(bad, stray_far_cell(tmp_path / "bad.xlsx"))
    sources = read_returns(paths, workers=1)
    assert [s.file for s in sources] == [str(p) for p in paths]
    assert [s.status for s in sources].count("ok") == n
    assert (sources[bad].status, [i.rule for i in sources[bad].issues]) == (
        "error",
        ["file_unreadable"],
    )
    assert len(sources[bad].sha256) == 64  # provenance kept for the failed file
    assert [s.tables[0].frame["单位"].iloc[0] for s in sources if s.tables] == units


def test_lying_zip_sizes_are_caught(tmp_path):
    # A member whose header understates its size: the zip reader stops at the declared size
    # and the CRC check fails, so the file is unreadable rather than a memory hog.
    base = good(tmp_path / "base.xlsx")
    raw = bytearray(base.read_bytes())
    # Patch the central directory's uncompressed size of the sheet down to 10 bytes.
    name = b"xl/worksheets/sheet1.xml"
    pos = raw.find(b"PK\x01\x02")
    while raw[pos + 46 : pos + 46 + len(name)] != name:
        pos = raw.find(b"PK\x01\x02", pos + 4)
        assert pos >= 0
    raw[pos + 24 : pos + 28] = (10).to_bytes(4, "little")
    assert zipfile.ZipFile(io.BytesIO(bytes(raw))).getinfo(name.decode()).file_size == 10
    bad = tmp_path / "lying.xlsx"
    bad.write_bytes(bytes(raw))
    (src,) = read_returns([bad], workers=1)
    assert src.status == "error"
    assert [i.rule for i in src.issues] == ["file_unreadable"]


def test_far_merged_range_is_clipped(tmp_path):
    # A merge reaching XFD1048576 is filled only as far as the cells go.
    base = good(tmp_path / "base.xlsx")
    xml = zipfile.ZipFile(base).read("xl/worksheets/sheet1.xml")
    merge = b'</sheetData><mergeCells count="1"><mergeCell ref="B2:XFD1048576"/></mergeCells>'
    path = rewrite(
        base,
        tmp_path / "merge.xlsx",
        "xl/worksheets/sheet1.xml",
        xml.replace(b"</sheetData>", merge),
    )
    (src,) = read_returns([path], workers=1)
    assert (src.status, src.issues) == ("ok", [])
    assert src.tables[0].frame["单位"].tolist() == ["温塘村"]


def test_ole_files_without_olefile(tmp_path, monkeypatch):
    # olefile is optional: the stream names in the OLE directory still tell the kinds apart.
    monkeypatch.setitem(sys.modules, "olefile", None)
    enc = build(tmp_path, "encrypted.xlsx")
    assert [i.rule for i in read_return(enc).issues] == ["file_encrypted"]
    xls = read_return(Path(__file__).parent / "data" / "seed000_annex.xls")
    assert xls.status == "ok" and len(xls.tables) == 1


def test_cli_validate_over_hostile_folder_exits_1(tmp_path):
    # The whole door: a folder of hostile files and two good ones → exit 1, one JSON document.
    folder = tmp_path / "回收"
    folder.mkdir()
    good(folder / "a_good.xlsx", "温塘村")
    good(folder / "z_good.xlsx", "营寨村")
    for name in sorted(HOSTILE):
        HOSTILE[name][1](folder / name, tmp_path)
    registry = tmp_path / "名录.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "单位名录"
    wb.active.append(["单位", "类别", "考核组", "别名"])
    for unit in ("温塘村", "营寨村"):
        wb.active.append([unit, "村", "", ""])
    wb.save(registry)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "targetbook",
            "validate",
            str(folder),
            "--registry",
            str(registry),
            "--json",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert result.returncode == 1, result.stderr
    doc = json.loads(result.stdout)
    status = {Path(f["path"]).name: f["status"] for f in doc["files"]}
    assert status == {"a_good.xlsx": "ok", "z_good.xlsx": "ok"} | {n: "error" for n in HOSTILE}
    rules = {(Path(i["file"]).name, i["rule"]) for i in doc["issues"] if i["severity"] == "error"}
    assert {(n, HOSTILE[n][0]) for n in HOSTILE} <= rules
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("refs", "too_large"),
    [
        (["A1", "Z9999"], False),  # the fast path: no reference beyond Z / row 9,999
        (["A1", "XFD1"], False),  # one wide row is small
        (["C3", "XFD100"], False),
        (["A1", "B1048576"], True),
        (["XFD1048576", "A1"], True),  # order does not matter
        (["A1", "ZZ10000"], True),
    ],
)
def test_sheet_span_pre_check(refs, too_large):
    from targetbook.read._sniff import Rejected, _check_sheet

    cells = b"".join(b'<row r="1"><c r="%s" t="s"><v>0</v></c></row>' % r.encode() for r in refs)
    xml = b"<worksheet><sheetData>" + cells + b"</sheetData></worksheet>"
    if too_large:
        with pytest.raises(Rejected) as err:
            _check_sheet("xl/worksheets/sheet1.xml", xml)
        assert err.value.rule == "file_too_large"
    else:
        _check_sheet("xl/worksheets/sheet1.xml", xml)
