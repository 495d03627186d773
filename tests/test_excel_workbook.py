"""The committed control workbook: reproducible; buttons bound to Subs calling targetbook.excel."""

from __future__ import annotations

import html
import re
import subprocess
import sys
import warnings
import zipfile

import openpyxl
import pytest
import xlwings
from conftest import soffice_convert

import targetbook.excel
from targetbook import labels as L
from targetbook.excel import control
from targetbook.excel.bat import BAT_STEPS
from tools.xlsm import build

with warnings.catch_warnings():
    # oletools 0.60 calls pyparsing names deprecated in pyparsing 3.3 at import time.
    warnings.simplefilter("ignore")
    from oletools.olevba import VBA_Parser

COMMITTED = control.control_workbook()
RUN = re.compile(r'Sub (\w+)\(\)\s+RunPython "import targetbook\.excel as t; t\.(\w+)\(\)"')


@pytest.fixture(scope="module")
def modules() -> dict[str, str]:
    parser = VBA_Parser(str(COMMITTED))
    return {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}


def _button_macros() -> list[tuple[str, str]]:
    with zipfile.ZipFile(COMMITTED) as z:
        vml = z.read("xl/drawings/vmlDrawing1.vml").decode("utf-8")
    buttons = re.findall(r"<font[^>]*>([^<]+)</font>.*?<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml)
    return [(html.unescape(caption), macro) for caption, macro in buttons]


def test_rebuild_equals_committed_file(tmp_path):
    out = build.build_workbook(tmp_path / "控制台.xlsm")
    assert out.read_bytes() == COMMITTED.read_bytes()


def test_every_module_extracted(modules):
    sheets = {f"Sheet{i}" for i in range(1, len(build.sheet_names()) + 1)}
    assert set(modules) == {"ThisWorkbook", "Buttons", "xlwings", "Dictionary", *sheets}
    wb = openpyxl.load_workbook(COMMITTED, keep_vba=True)
    codes = [ws.sheet_properties.codeName for ws in wb.worksheets]
    assert sorted(codes) == sorted(sheets)  # every sheet's code name has its document module
    assert wb.code_name == "ThisWorkbook"
    committed = (build.vba_dir() / "Buttons.bas").read_text(encoding="ascii")
    assert modules["Buttons"].split() == committed.split()


def test_buttons_bound_to_subs_that_run_existing_functions(modules):
    runs = dict(RUN.findall(modules["Buttons"]))
    buttons = _button_macros()
    captions = [caption for caption, _ in buttons]
    assert captions == ["生成模板", "校验", "汇总", "计算排名", "生成通报", "催报"]
    for caption, macro in buttons:
        assert macro in runs, f"{caption}: no Sub {macro}"
        assert callable(getattr(targetbook.excel, runs[macro], None)), runs[macro]
    assert [(c, s, f) for c, s, f, _ in build.BUTTONS] == [(c, m, runs[m]) for c, m in buttons]
    assert {step for _, step in BAT_STEPS} == set(runs.values())


def test_embedded_xlwings_vba_matches_installed_xlwings(modules):
    found = re.search(r'XLWINGS_VERSION As String = "([^"]+)"', modules["xlwings"])
    assert found and found.group(1) == xlwings.__version__ == build.XLWINGS_VERSION
    assert "Public Function RunPython(" in modules["xlwings"]


def test_sheets_and_hidden_xlwings_conf():
    wb = openpyxl.load_workbook(COMMITTED, keep_vba=True)
    assert wb.sheetnames == build.sheet_names()
    conf = wb[L.SHEET_XLWINGS_CONF]
    assert conf.sheet_state == "hidden"
    keys = [conf.cell(r, 1).value for r in range(1, conf.max_row + 1)]
    assert keys[0] == "Interpreter_Win" and None not in keys  # VBA reads A1 down to a blank
    params = [row[0].value for row in wb[L.SHEET_PARAMS].iter_rows(min_row=2)]
    assert {L.PARAM_YEAR, L.PARAM_PERIOD, L.PARAM_COLLECT_DIR, L.PARAM_RESULTS_DIR} <= set(params)
    reg = [c.value for c in wb[L.SHEET_REGISTRY][1]]
    assert tuple(reg) == L.REGISTRY_COLUMNS


def test_libreoffice_opens_workbook_and_binds_buttons(tmp_path):
    fods = soffice_convert(COMMITTED, "fods", tmp_path)
    text = fods.read_text(encoding="utf-8")
    bound = re.findall(r"vnd\.sun\.star\.script:VBAProject\.(\w+)\.(\w+)\?language=Basic", text)
    assert bound == [("Buttons", sub) for _, sub, _, _ in build.BUTTONS]
    # LibreOffice decompressed the module sources too, to the last chunk.
    assert f"XLWINGS_VERSION As String = &quot;{xlwings.__version__}&quot;" in text
    assert "GetFullName = found_path" in text  # near the end of xlwings.bas (46 KB)
    labels = re.findall(r'<form:button [^>]*form:label="([^"]+)"', text)
    assert labels == [caption for caption, _, _, _ in build.BUTTONS]


def test_copy_control_workbook_writes_workbook_and_bat_files(tmp_path):
    path = control.copy_control_workbook(tmp_path / "活动")
    assert path == tmp_path / "活动" / L.CONTROL_WORKBOOK
    assert path.read_bytes() == COMMITTED.read_bytes()
    for stem, step in BAT_STEPS:
        raw = (tmp_path / "活动" / f"{stem}.bat").read_bytes()
        raw.decode("ascii")
        assert b"\n" not in raw.replace(b"\r\n", b"")
        assert f"-m targetbook.excel.bat {step} .".encode() in raw
        assert raw.startswith(b"@echo off\r\n") and b"chcp 65001" in raw


def test_rule_sheets_are_a_rules_workbook_for_the_cli(tmp_path):
    from targetbook.write.rules import load_rules

    wb = openpyxl.load_workbook(COMMITTED, keep_vba=True)
    for sheet in L.RULES_SHEETS:
        assert wb[sheet].max_row >= 1, sheet
    assert tuple(c.value for c in wb[L.RULES_ITEMS][1]) == L.ITEM_COLUMNS
    assert tuple(c.value for c in wb[L.SHEET_SCORING][1]) == L.SCORING_COLUMNS
    wb[L.RULES_ITEMS].append(["", "综合工作", 100, L.M_DIRECT])
    path = tmp_path / L.CONTROL_WORKBOOK
    wb.save(path)
    rules, issues = load_rules(path)  # `targetbook rank … --rules 控制台.xlsm`
    assert [i.name for i in rules.items] == ["综合工作"]
    assert [i.rule for i in issues if i.severity == "error"] == []


def test_runtime_excel_door_does_not_import_the_builder():
    code = "import sys, targetbook.excel, targetbook.excel.control, targetbook.pipeline; "
    code += "print(sorted(m for m in sys.modules if m.startswith(('tools', 'xlsxwriter.vba'))))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
