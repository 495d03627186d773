"""The VBA project writer: MS-OVBA compression, CMG/DPB/GC encryption, the CFB container."""

from __future__ import annotations

import random
import warnings
from pathlib import Path

import olefile
import xlwings
from hypothesis import given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():
    # oletools 0.60 calls pyparsing names deprecated in pyparsing 3.3 at import time.
    warnings.simplefilter("ignore")
    from oletools.olevba import VBA_Parser, decompress_stream

from tools.xlsm import cfb, ovba

XLWINGS_BAS = Path(xlwings.__file__).parent / "xlwings.bas"


def _round_trip(data: bytes) -> bytes:
    return bytes(decompress_stream(bytearray(ovba.compress(data))))


def test_compress_round_trips_long_sources_through_oletools():
    source = XLWINGS_BAS.read_bytes()  # 46 KB: a dozen chunks, long repeated lines
    assert len(source) > 40_000
    packed = ovba.compress(source)
    assert len(packed) < len(source) // 2
    assert _round_trip(source) == source
    for size in (589, 590, 591, 600, 4095, 4096, 4097, 8192, 10_000):
        assert _round_trip(source[:size]) == source[:size], size


def test_compress_repetitive_and_incompressible_data():
    rng = random.Random(7)
    noise = bytes(rng.randrange(256) for _ in range(4096 * 2 + 100))
    assert _round_trip(noise) == noise  # raw chunks for the full ones
    runs = b" " * 5000 + b"ab" * 3000 + b"\r\n" * 10
    assert _round_trip(runs) == runs
    assert len(ovba.compress(runs)) < 400


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=1, max_size=3000))
def test_compress_round_trips_any_bytes(data):
    assert _round_trip(data) == data


def test_encryption_matches_office_values_and_round_trips():
    # CMG / DPB / GC of xlwings' quickstart workbook (project id below), written by Office.
    assert ovba.decrypt("8D8FA61394EA98EA98EA98EA98") == bytes(4)
    assert ovba.decrypt("8D8FA61394EF95EF95EF") == b"\x00"
    assert ovba.decrypt("8D8FA61394EF95EF9510") == b"\xff"
    pid = "{5CF9CDAB-B77B-4FE4-BD7E-D29900070E1B}"
    assert ovba.encrypt(b"\xff", pid)[:6] == "8D8FA6"  # seed, version, project key
    for seed in (0x00, 0x8D, 0xFE):
        assert ovba.decrypt(ovba.encrypt(b"\x01\x02\x03", pid, seed)) == b"\x01\x02\x03"


def test_cfb_holds_mini_and_regular_streams(tmp_path):
    streams = {f"S/{i:02d}": bytes([i]) * (i * 37) for i in range(1, 30)}
    streams["BIG"] = b"x" * 70_000  # past the mini-stream cutoff, several FAT pages
    streams["S/T/deep"] = b"deep"
    path = tmp_path / "f.bin"
    path.write_bytes(cfb.write_cfb(streams))
    ole = olefile.OleFileIO(str(path))
    assert sorted("/".join(e) for e in ole.listdir()) == sorted(streams)
    for name, data in streams.items():
        assert ole.openstream(name).read() == data, name
    assert cfb.write_cfb(streams) == path.read_bytes()


def test_vba_project_modules_extracted_by_olevba(tmp_path):
    modules = [
        ovba.document_module("ThisWorkbook", "workbook"),
        ovba.document_module("Sheet1", "sheet"),
        ovba.module_from_file_text(XLWINGS_BAS.read_text(), ovba.STANDARD),
        ovba.Module("M", ovba.STANDARD, 'Attribute VB_Name = "M"\r\nSub A()\r\nEnd Sub\r\n'),
    ]
    path = tmp_path / "vbaProject.bin"
    path.write_bytes(ovba.vba_project_bin(modules, "{00000000-1111-2222-3333-444444444444}"))
    got = {name: code for _, _, name, code in VBA_Parser(str(path)).extract_macros()}
    assert set(got) == {"ThisWorkbook.cls", "Sheet1.cls", "xlwings.bas", "M.bas"}
    assert got["M.bas"].replace("\r\n", "\n") == 'Attribute VB_Name = "M"\nSub A()\nEnd Sub\n'
    assert got["xlwings.bas"] == modules[2].source
    ole = olefile.OleFileIO(str(path))
    assert ole.openstream("VBA/_VBA_PROJECT").read() == b"\xcc\x61\xff\xff\x00\x01\x00"
    project = ole.openstream("PROJECT").read().decode("ascii")
    assert "Document=ThisWorkbook/&H00000000" in project and "Module=M" in project


def _check_red_black(ole, sid, lower=None) -> int:
    """Black height of the sibling tree at `sid`; asserts CFB order and red-black rules."""
    if sid == cfb.NOSTREAM:
        return 1
    entry = ole.direntries[sid]
    key = cfb._key(entry.name)
    if lower is not None:
        assert (key < lower[0]) if lower[1] == "left" else (key > lower[0])
    if entry.color == 0:  # red: both children black
        for child in (entry.sid_left, entry.sid_right):
            assert child == cfb.NOSTREAM or ole.direntries[child].color == 1
    left = _check_red_black(ole, entry.sid_left, (key, "left"))
    right = _check_red_black(ole, entry.sid_right, (key, "right"))
    assert left == right
    return left + (entry.color == 1)


def test_cfb_directory_trees_are_red_black(tmp_path):
    for n in (1, 2, 3, 5, 7, 8, 12, 15, 16, 31):
        streams = {f"D/s{i:03d}{'x' * (i % 4)}": b"1" for i in range(n)}
        path = tmp_path / f"rb{n}.bin"
        path.write_bytes(cfb.write_cfb(streams))
        ole = olefile.OleFileIO(str(path))
        storage = ole.direntries[ole.root.sid_child]
        assert storage.color == 1
        _check_red_black(ole, storage.sid_child)
        assert ole.direntries[storage.sid_child].color == 1  # a tree's root is black
