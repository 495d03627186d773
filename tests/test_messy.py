"""Real, messy returns end to end: files saved by LibreOffice (tests/data/messy, built by
make_messy.py), the CLI's JSON contract, and the figures, names and phrases staff type.

Assertions are on positions, rule ids and parsed values, never on the Chinese wording.
"""

from __future__ import annotations

import io
import json
import math
import os
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from targetbook import labels
from targetbook.cli import cli
from targetbook.messages import MESSAGES
from targetbook.read import Table, read_return
from targetbook.text import parse_quantity
from targetbook.validate import validate_table, validate_tables
from targetbook.write.registry import load_registry

MESSY = Path(__file__).parent / "data" / "messy"
RETURNS = MESSY / "returns"
REGISTRY = MESSY / "registry.csv"
WPS = "附件2-村（WPS）.xlsx"
PROGRESS = "经发办-指标进度.xlsx"
FRACTIONS = "村-完成率.xlsx"
COMMUNITIES = "附件3-社区.xlsx"
LEGACY_XLS = "附件2-村（旧版）.xls"
RATE = labels.parsed(labels.RATE)
TARGET = labels.parsed(labels.TARGET_VALUE)
ACTUAL = labels.parsed(labels.ACTUAL_VALUE)


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def contract(result, code: int, *, out: bool = False) -> dict:
    """DESIGN.md's JSON of validate/consolidate, checked key by key and type by type."""
    assert result.exit_code == code, result.output
    doc = json.loads(result.stdout)  # one JSON document and nothing else on stdout
    assert set(doc) == {"files", "issues", "missing_units", "duplicates", "rows", "out", "skipped"}
    assert isinstance(doc["rows"], int) and isinstance(doc["missing_units"], list)
    assert isinstance(doc["skipped"], list)
    assert (doc["out"] is not None) == out
    for f in doc["files"]:
        assert set(f) == {"path", "sha256", "status", "units", "rows"}
        assert f["status"] in ("ok", "error") and len(f["sha256"]) == 64
        assert isinstance(f["rows"], int) and all(isinstance(u, str) for u in f["units"])
        assert not os.path.isabs(f["path"])
    for i in doc["issues"]:
        assert set(i) == {"file", "sheet", "cell", "rule", "severity", "message", "value"}
        assert all(isinstance(v, str) for v in i.values())
        assert i["rule"] in MESSAGES and i["severity"] in ("error", "warning") and i["message"]
    for d in doc["duplicates"]:
        assert set(d) == {"unit", "files", "kept"} and d["kept"] in d["files"]
    return doc


def located(doc: dict, file: str | None = None) -> list[tuple[str, str, str]]:
    """(sheet, cell, rule) of the issues of `file`, sorted (issue order is not a contract)."""
    found = [(i["sheet"], i["cell"], i["rule"]) for i in doc["issues"] if i["file"] == file]
    return sorted(found, key=lambda f: (f[0], int(f[1][1:] or 0), f[1], f[2]))


@pytest.fixture
def messy_dir(monkeypatch):
    """Run from tests/data/messy, so the paths given are relative as a user types them."""
    monkeypatch.chdir(MESSY)
    return MESSY


def test_fixtures_were_saved_by_a_spreadsheet_program():
    for name in (WPS, PROGRESS, FRACTIONS, COMMUNITIES, "执法办.xlsx"):
        with zipfile.ZipFile(RETURNS / name) as z:
            assert b"LibreOffice" in z.read("docProps/app.xml"), name
            assert "xl/sharedStrings.xml" in z.namelist()  # not openpyxl's inline strings
    assert (RETURNS / LEGACY_XLS).read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # OLE2 (BIFF8)


# --- a whole category in one return, saved by LibreOffice/WPS ---------------------------------
def test_wps_village_return_with_title_merged_header_and_a_notes_sheet(messy_dir):
    doc = contract(run("validate", f"returns/{WPS}", "--registry", "registry.csv", "--json"), 1)
    assert [f["path"] for f in doc["files"]] == [f"returns/{WPS}"]
    assert doc["files"][0]["rows"] == 10
    assert doc["files"][0]["units"] == [
        "营寨村", "王家坝村", "民权村", "石桥村", "南桐村", "麒麟村", "沙坝村", "金龙村", "岩门村",
    ]  # fmt: skip
    # 填报说明 is skipped, the hidden helper sheet says nothing, 温糖村 is a typo, 备注 dropped
    assert located(doc, f"returns/{WPS}") == [
        ("填报说明", "", "sheet_skipped"),
        ("附件2", "A5", "unit_unknown"),
        ("附件2", "A15", "row_total_dropped"),
    ]
    typo = next(i for i in doc["issues"] if i["rule"] == "unit_unknown")
    assert typo["value"] == "温糖村" and "温塘村" in typo["message"]  # the suggestion
    assert "温塘村" in doc["missing_units"]


def test_reordered_renamed_headers_map_to_the_right_cells():
    source = read_return(RETURNS / WPS)
    (table,) = source.tables
    assert table.sheet == "附件2" and table.kind == labels.PLAN_KIND and table.header_row == 4
    # 单位名称 | 序  号 | 亮点工作计划␠ | 创先争优\n目标\u3000 | 联系人 (extra, ignored)
    assert table.columns == {
        labels.UNIT: "A",
        labels.SEQ: "B",
        labels.PLAN: "C",
        labels.TARGET: "D",
    }
    frame, _ = validate_table(table, load_registry(REGISTRY)[0])
    assert frame.loc[6, labels.TARGET] == "公共卫生服务考核全镇第1。"
    assert frame.loc[6, labels.PLAN] == "1. 完善文化广场；\n2. 培育花椒大户1户。"
    assert frame.loc[7, labels.UNIT] == "王家坝村"  # U+3000 inside the name


def test_one_unit_return_in_the_alias_form_with_a_blank_target(messy_dir):
    doc = contract(
        run("validate", "returns/执法办.xlsx", "--registry", "registry.csv", "--json"), 0
    )
    assert doc["files"][0]["units"] == ["执法办  （督查办）"]  # the registry's standard name
    assert located(doc, "returns/执法办.xlsx") == [("Sheet1", "C4", "cell_blank")]
    assert doc["issues"][0]["severity"] == "warning"


def test_community_names_typed_every_way(messy_dir):
    doc = contract(run("validate", f"returns/{COMMUNITIES}", "--registry", REGISTRY, "--json"), 0)
    assert doc["files"][0]["units"] == [
        "八〇一社区", "南桐社区", "后湾社区", "新工村社区", "党政办  （党群办、人大办）",
    ]  # fmt: skip
    assert located(doc, f"returns/{COMMUNITIES}") == [
        ("附件3", "B4", "unit_alias"),  # 八0一社区: 0 for 〇
        ("附件3", "B5", "unit_alias"),  # ＮＴ社区: full-width letters of the alias NT社区
        ("附件3", "C7", "formula_text"),  # =全镇第1 (B6, spaces only: no warning)
        ("附件3", "B8", "category_mismatch"),  # 党政办（党群办）: a department, and …
        ("附件3", "B8", "unit_alias"),  # … by its alias
    ]


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    out = tmp_path / "汇总.xlsx"
    result = run("consolidate", RETURNS / COMMUNITIES, "--registry", REGISTRY, "--out", out)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" in z.read(n) for n in sheets)
    ws = openpyxl.load_workbook(out)[labels.annex_sheet(labels.COMMUNITY)]
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"=全镇第1", "+加快推进"} <= texts


# --- 指标进度: figures as staff type them ------------------------------------------------------
def _progress(name: str) -> tuple[pd.DataFrame, list]:
    source = read_return(RETURNS / name)
    frames, issues = validate_tables(source.tables, load_registry(REGISTRY)[0])
    return frames[labels.PROGRESS_KIND], issues


def _numbers(column: pd.Series) -> list:
    return [None if math.isnan(v) else round(v, 6) for v in column]


def test_progress_figures_as_text_percent_cells_dates_and_formulas():
    frame, issues = _progress(PROGRESS)
    assert [(i.sheet, i.cell, i.rule) for i in issues] == [
        ("指标进度", "D7", "value_approximate"),  # 约50: used as 50, flagged
        ("指标进度", "F7", "value_placeholder"),  # —: blank, but said
        ("指标进度", "E8", "value_placeholder"),  # /
        ("指标进度", "F8", "value_placeholder"),  # 无
        ("指标进度", "E11", "not_a_number"),  # a date is not a 完成值
        ("指标进度", "E12", "not_a_number"),  # 待定
        ("指标进度", "F12", "not_a_number"),  # "=E5" typed as text: neither 5 nor a formula
        ("指标进度", "F13", "not_a_number"),  # =E13/D13 cached #DIV/0!: visible, not blank
    ]
    # rows 3…13: 2901.5万元 | 1亿 | １２ | 10% | 约50 | 2000万 | 4 | 20 | – | 两 | 0
    assert _numbers(frame[TARGET]) == [29_015_000, 1e8, 12, 10, 50, 2e7, 4, 20, None, 2, 0]
    # 2819.91万元 | 0.77亿 | 三 | 累计增速10.8% | 50户 | / | 3 | 15 | date | 待定 | 0
    assert _numbers(frame[ACTUAL]) == [28_199_100, 77e6, 3, 10.8, 50, None, 3, 15, None, None, 0]
    # 97.19% | 完成率77% | 25% | 108% | — | 无 | 0.75 (75% format) | =E10/D10 cached 0.75 | …
    assert _numbers(frame[RATE]) == [97.19, 77, 25, 108, None, None, 75, 75, None, None, None]
    assert frame.loc[9, labels.RATE] == "75%" and frame.loc[10, labels.RATE] == "75%"
    assert frame.loc[13, labels.PROGRESS_TEXT] == "污水管网推进中"  # a text formula's cached value
    assert frame.loc[12, labels.PROGRESS_TEXT] == "+加快推进"


def test_a_percent_formatted_rate_column_is_read_as_percentages():
    frame, issues = _progress(FRACTIONS)
    assert [(i.cell, i.rule) for i in issues] == [("D5", "not_a_number")]  # 待定
    # 0.95 (38/40) | 1.5 (3/2) | 0.2 (1万元/5万元): each row's own figures agree with ×100;
    # 0.8 (目标值 待定): the table rule, every bare rate of the table being ≤ 1.5
    assert frame[RATE].tolist() == [95, 150, 20, 80]
    assert frame[labels.RATE].tolist() == ["95%", "150%", "20%", "80%"]


def _table(rows: list[list[object]]) -> Table:
    columns = labels.KIND_COLUMNS[labels.PROGRESS_KIND]
    frame = pd.DataFrame(
        [[*r, *[None] * (len(columns) - len(r))] for r in rows],
        columns=list(columns),
        index=range(3, 3 + len(rows)),
        dtype=object,
    )
    letters = {c: chr(65 + n) for n, c in enumerate(columns)}
    return Table("t.xlsx", "进度", labels.PROGRESS_KIND, 2, letters, frame)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # the row decides: 1 of 100 is 1%, not 100%, though the table is all ≤ 1.5
        ([["温塘村", "a", "个", 100, 1, 1], ["温塘村", "b", "", None, None, 0.5]], [1, 0.5]),
        # the row decides: 100 of 100 stored as 1 is 100%
        ([["温塘村", "a", "个", 100, 100, 1], ["温塘村", "b", "", None, None, 0.5]], [100, 50]),
        # no figures, a table of percentages typed as numbers: 0.9 stays 0.9
        ([["温塘村", "a", "", None, None, 85], ["温塘村", "b", "", None, None, 0.9]], [85, 0.9]),
        # a rate written with its % sign is never rescaled
        (
            [["温塘村", "a", "", None, None, "0.5%"], ["温塘村", "b", "", None, None, 0.5]],
            [0.5, 50],
        ),
        # neither scale agrees with the figures: the table rule decides
        ([["温塘村", "a", "个", 10, 3, 0.9]], [90]),
    ],
)
def test_fraction_rule(rows, expected):
    frame, _ = validate_table(_table(rows), None)
    assert frame[RATE].tolist() == pytest.approx(expected)


def test_bare_figures_take_the_magnitude_of_their_measure():
    rows = [
        ["温塘村", "产值", "万元", 2901.5, "2819.91万元", None],
        ["温塘村", "投资", "亿元", "1", 0.77, None],
        ["温塘村", "游客", "万人次", 2, "1.5万人次", None],
        ["温塘村", "增速", "%", 10, "10.8%", None],
        ["温塘村", "道路", "千米", 5, "3千米", None],  # 千米 is a unit, not 1000 米
        ["温塘村", "经费", "千元", 5, "3千元", None],
    ]
    frame, issues = validate_table(_table(rows), None)
    assert issues == []
    assert frame[TARGET].tolist() == pytest.approx([29_015_000, 1e8, 20_000, 10, 5, 5000])
    assert frame[ACTUAL].tolist() == pytest.approx([28_199_100, 77e6, 15_000, 10.8, 3, 3000])


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("2000万", 20_000_000, "元"),
        ("2819.91万元", 28_199_100, "元"),
        ("0.77亿", 77_000_000, "元"),
        ("97.19%", 97.19, "%"),
        ("累计增速10.8%", 10.8, "%"),
        ("完成率65%", 65, "%"),
        ("１２", 12, ""),
        ("三", 3, ""),
        ("约50", 50, ""),
        ("≥90%", 90, "%"),
        ("5万元以上", 50_000, "元"),  # 以上 qualifies, it is not part of the unit
        ("100万元左右", 1_000_000, "元"),
        ("50左右", 50, ""),
        ("50户左右", 50, "户"),
        ("5万余元", 50_000, "元"),
        ("5百", 500, ""),
        ("3千", 3000, ""),
        ("3千米", 3, "千米"),
        ("3千克", 3, "千克"),
        ("5个百分点", 5, "个百分点"),
        ("下降5%", -5, "%"),
        ("同比下降10.8%", -10.8, "%"),
        ("减少5万元", -50_000, "元"),
        ("\u22125", -5, ""),  # U+2212 MINUS SIGN
        ("\u20135%", -5, "%"),  # an en dash typed as a minus
        ("5（万元）", 50_000, "元"),  # the unit in brackets
        ("2819.91万元（含税）", 28_199_100, "元"),  # a remark on the figure
        ("97.19%(累计)", 97.19, "%"),
    ],
)
def test_figures_as_typed(text, value, unit):
    q = parse_quantity(text)
    assert q is not None and q.value == pytest.approx(value) and q.unit == unit


@pytest.mark.parametrize(
    "text", ["=E5", "@5", "A1", "V5", "T+1", "abc5", "5(3)", "12（2022年）", "待定（无）", "待定"]
)
def test_references_and_names_are_not_figures(text):
    assert parse_quantity(text) is None


# --- other formats ----------------------------------------------------------------------------
def test_csv_in_gb18030_and_utf8_with_bom(messy_dir):
    doc = contract(
        run(
            "validate",
            "returns/feature_gb18030.csv",
            "returns/benchmark_utf8_bom.csv",
            "--registry",
            "registry.csv",
            "--json",
        ),
        0,
    )
    units = {f["path"]: f["units"] for f in doc["files"]}
    assert units == {
        "returns/feature_gb18030.csv": ["温塘村", "营寨村", "南桐村"],  # 南桐 村: a stray space
        "returns/benchmark_utf8_bom.csv": ["经发办", "纪委"],
    }
    assert located(doc, "returns/benchmark_utf8_bom.csv") == [
        ("benchmark_utf8_bom", "A2", "unit_alias")  # 经济发展办, the registry's 别名
    ]
    assert located(doc, "returns/feature_gb18030.csv") == []


def test_xls_saved_by_libreoffice(messy_dir):
    doc = contract(run("validate", f"returns/{LEGACY_XLS}", "--registry", REGISTRY, "--json"), 0)
    assert doc["files"][0]["units"] == ["温塘村", "营寨村"] and doc["files"][0]["rows"] == 2
    assert located(doc, f"returns/{LEGACY_XLS}") == [("附件2", "A6", "row_total_dropped")]


def test_html_exported_as_xls_with_a_rowspan():
    frame, issues = _progress("progress_export.xls")
    assert frame[labels.UNIT].tolist() == ["民政社事办"] * 3  # the rowspan filled down
    assert frame[ACTUAL].tolist() == [45, 1, 200]  # 二百
    assert [(i.cell, i.rule) for i in issues] == [("F5", "not_a_number")]  # abc


def test_the_whole_messy_folder(messy_dir, tmp_path):
    out = tmp_path / "汇总.xlsx"
    result = run("consolidate", "returns", "--registry", "registry.csv", "--out", out, "--json")
    doc = contract(result, 1, out=True)
    assert sorted(f["path"] for f in doc["files"]) == sorted(
        f"returns/{p.name}" for p in RETURNS.iterdir()
    )
    assert all(f["status"] == "ok" for f in doc["files"])
    assert sum(f["rows"] for f in doc["files"]) == 41
    # row conservation: each row read is in the output or dropped with an issue
    dropped = [i for i in doc["issues"] if i["rule"] == "duplicate_unit"]
    assert doc["rows"] + len(dropped) == 41
    (dup,) = doc["duplicates"]  # 营寨村 is in both village returns
    assert dup["unit"] == "营寨村"
    assert sorted(dup["files"]) == [f"returns/{WPS}", f"returns/{LEGACY_XLS}"]
    assert {i["file"] for i in doc["issues"] if i["file"]} <= {f["path"] for f in doc["files"]}
    assert Path(doc["out"]).resolve() == out.resolve()


# --- a county's folder: 200 returns, a few broken ----------------------------------------------
def _village_return(path: Path, unit: str) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件2"
    for row in (["附件2"], ["村2022年度创先争优目标和亮点工作计划"], list(labels.KIND_COLUMNS[
        labels.PLAN_KIND
    ]), [1, unit, "全镇第1。", "计划。"]):  # fmt: skip
        ws.append(row)
    wb.save(path)


def test_two_hundred_returns_with_broken_ones_mixed_in(tmp_path):
    units = [f"第{n:03d}村" for n in range(200)]
    registry = tmp_path / "名录.csv"
    registry.write_text(
        "单位,类别,考核组,别名\n" + "".join(f"{u},村,,\n" for u in units), encoding="utf-8"
    )
    folder = tmp_path / "回收"
    (folder / "乡镇A").mkdir(parents=True)
    for n, unit in enumerate(units[:195]):
        _village_return(folder / ("乡镇A" if n % 2 else "") / f"{unit}.xlsx", unit)
    good = (folder / f"{units[0]}.xlsx").read_bytes()
    (folder / "截断.xlsx").write_bytes(good[: len(good) // 2])
    (folder / "空文件.xlsx").write_bytes(b"")
    (folder / "乱码.xlsx").write_bytes(bytes(range(256)) * 8)
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    (folder / "其实是文档.xlsx").write_bytes(docx.getvalue())
    make_sheet = openpyxl.Workbook()
    make_sheet.active.append(["随便", "写写"])
    make_sheet.save(folder / "无表头.xlsx")
    (folder / f"~${units[1]}.xlsx").write_bytes(b"lock")  # Excel's lock file: skipped

    out = tmp_path / "汇总.xlsx"
    result = run("consolidate", folder, "--registry", registry, "--out", out, "--json")
    doc = contract(result, 1, out=True)
    status = {f["path"]: f["status"] for f in doc["files"]}
    assert len(status) == 200 and not any("~$" in p for p in status)
    broken = {p for p, s in status.items() if s == "error"}
    assert broken == {
        f"回收/{n}"
        for n in ("截断.xlsx", "空文件.xlsx", "乱码.xlsx", "其实是文档.xlsx", "无表头.xlsx")
    }
    file_rules = {(i["file"], i["rule"]) for i in doc["issues"] if i["file"] in broken}
    assert {f for f, _ in file_rules} == broken
    assert ("回收/空文件.xlsx", "file_empty") in file_rules
    assert ("回收/其实是文档.xlsx", "not_a_workbook") in file_rules
    assert ("回收/无表头.xlsx", "header_missing") in file_rules
    assert all(MESSAGES[r][0] == "error" for _, r in file_rules)
    assert doc["rows"] == 195 and doc["missing_units"] == units[195:]
    wb = openpyxl.load_workbook(out, read_only=True)
    ws = wb[labels.annex_sheet(labels.VILLAGE)]
    printed = [r[1] for r in ws.iter_rows(values_only=True) if r and r[1] in set(units)]
    wb.close()  # a read-only workbook holds its file open until closed
    assert printed == units[:195]  # every good return, in registry order


# --- the registry as offices keep it -----------------------------------------------------------
def test_registry_with_title_seq_column_aliases_and_a_remark(book):
    path = book(
        "名录.xlsx",
        {
            "说明": [["本表为单位名录"]],
            "名录": [
                ["南桐镇2022年度考核单位名录"],
                [],
                ["序  号", "单位名称 ", "类\u3000别", "考核分组", "别称"],
                [1, "党政办  （党群办、人大办）", "部门 ", None, None],
                [2, " 温塘村", "行政村", None, "温塘"],
                [None, None, None, None, None],
                [3, "八〇一社区", "社区居委会", None, "801社区,八零一社区"],
                ["备注：以上单位按2022年调整"],  # in the 序号 column: not a blank name
            ],
        },
    )
    registry, issues = load_registry(path)
    assert issues == []
    assert [(u.name, u.category) for u in registry] == [
        ("党政办  （党群办、人大办）", "部门"), ("温塘村", "村"), ("八〇一社区", "社区"),
    ]  # fmt: skip
    for typed, name in [
        ("党群办", "党政办  （党群办、人大办）"),
        ("党政办(人大办)", "党政办  （党群办、人大办）"),
        ("８０１社区", "八〇一社区"),
        ("八零一社区", "八〇一社区"),
        ("八0一社区", "八〇一社区"),
        ("温塘村\u3000", "温塘村"),
    ]:
        assert registry.resolve(typed).name == name, typed
    assert registry.suggest("温糖村") == "温塘村"


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("温塘村委会", "温塘村"),
        ("南桐村村民委员会", "南桐村"),
        ("南桐居委会", "南桐社区"),  # 居委会: the community, not 南桐村
        ("后湾社区居委会", "后湾社区"),
        ("八0一社区居委会", "八〇一社区"),
        ("南桐镇经发办", "经发办"),
        ("南桐镇人民政府纪委", "纪委"),
        ("镇纪委", None),
        ("居委会", None),
    ],
)
def test_names_signed_with_committee_or_town(typed, name):
    registry, _ = load_registry(REGISTRY)
    unit, how = registry.match(typed)
    assert (unit.name if unit else None) == name
    assert how == ("alias" if name else "")  # reported as unit_alias: use the standard name


# --- target phrases ----------------------------------------------------------------------------
def _targets(*phrases: str) -> list[list[dict]]:
    found = []
    for phrase in phrases:
        result = run("parse-target", phrase, "--json")
        assert result.exit_code == 0, result.output
        found.append(json.loads(result.stdout, parse_constant=_not_json))
    return found


def _not_json(word: str):
    raise AssertionError(f"{word} is not JSON")  # Python would accept Infinity / NaN


def test_parse_target_seed_phrase_as_json():
    ((first, second),) = _targets("政务信息工作全区镇街排名保2争1、区考核组排名第1")
    assert first["kind"] == second["kind"] == "rank"
    assert (first["scope"], first["guarantee"], first["strive"]) == ("全区镇街", 2, 1)
    assert (second["scope"], second["guarantee"], second["strive"]) == ("区考核组", 1, 1)
    assert first["subject"] == second["subject"] == "政务信息工作"


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("全镇第〇", [("manual", None, None)]),  # no 0th place: a person reads it
        ("前0名", [("manual", None, None)]),
        ("保5争3进位2名", [("rank", 5, 3), ("rank_change", 2, 2)]),
        ("区考核组排名保２争１", [("rank", 2, 1)]),
        ("确保全区第一，力争全市前十", [("rank", 1, 1), ("rank", None, 10)]),
        ("全区前列", [("manual", None, None)]),
        ('=HYPERLINK("x")', [("manual", None, None)]),
        ("1. 全镇第1；\n2. 增加5万元", [("rank", 1, 1), ("amount", None, None)]),
        ("  ", []),
        ("保" + "2" * 400 + "争1", [("manual", None, None)]),  # a pasted digit run: no inf
        ("达" + "9" * 400 + "%", [("manual", None, None)]),
        ("全区第1000000000000名", [("manual", None, None)]),
    ],
)
def test_parse_target_odd_phrases(phrase, expected):
    (found,) = _targets(phrase)
    assert [(t["kind"], t["guarantee"], t["strive"]) for t in found] == expected


# --- headers that carry a unit or a period, and headers that are not there ---------------------
def test_headers_with_a_unit_or_period_note_name_their_column(book):
    header = ["单位", "指标", "计量单位", "目标值（万元）", "完成值(1-6月)", "完成率（%）"]
    path = book("notes.xlsx", {"指标": [header, ["经发办", "产值", "", 2901.5, 2819.91, 0.9719]]})
    (table,) = read_return(path).tables
    assert set(table.columns) >= {labels.TARGET_VALUE, labels.ACTUAL_VALUE, labels.RATE}
    frame, issues = validate_table(table)
    assert [(i.cell, i.rule) for i in issues] == []
    assert _numbers(frame[RATE]) == [97.19]  # 2819.91 / 2901.5 agrees with 0.9719 × 100


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("目标值（万元）", "目标值"),
        ("完成率(%)", "完成率"),
        ("产值(单位：万元)", "产值"),
        ("完成值（截至6月底）", "完成值"),
        ("目标值（2022年度）", "目标值"),
        ("亮点工作计划(上半年)", "亮点工作计划"),
        ("村(社区)", "村(社区)"),  # an alias of 单位, not a unit note
        ("单位（计量）", "单位(计量)"),
    ],
)
def test_header_key_drops_unit_and_period_notes(header, key):
    from targetbook.text import header_key

    assert header_key(header) == key


def test_a_header_without_a_kind_column_is_reported_not_dropped_silently(book):
    plan = [
        ["附件1"],
        ["序号", "单位", "创先争优目标", "工作亮点安排"],
        [1, "经发办", "全区第1", "x"],
    ]
    progress = [
        ["单位", "指标", "年度任务数", "完成数", "完成率"],
        ["经发办", "产值", 100, 50, 0.5],
    ]
    path = book("缺列.xlsx", {"附件1": plan, "指标": progress})
    frames, issues = validate_tables(read_return(path).tables)
    assert [(i.sheet, i.cell, i.rule, i.severity) for i in issues] == [
        ("附件1", "A2", "column_absent", "warning"),  # 亮点工作计划, under an unknown header
        ("指标", "A1", "column_absent", "warning"),  # 目标值
        ("指标", "A1", "column_absent", "warning"),  # 完成值
    ]
    assert frames[labels.PROGRESS_KIND][RATE].tolist() == [50]  # table rule: 0.5 ≤ 1.5


def test_registry_listed_under_section_rows_without_a_category_column(book):
    rows = [
        ["南桐镇考核单位名录"],
        ["序号", "单位名称", "别名"],
        ["一、机关部门"],
        [1, "党政办  （党群办、人大办）", None],
        [2, "经发办", "经济发展办"],
        [None, "二、行政村（2个）"],  # the section title in the 单位 column
        [1, "温塘村", None],
        ["三、社区："],
        [1, "八〇一社区", "801社区"],
        ["备注：按2022年调整"],
    ]
    registry, issues = load_registry(book("名录.xlsx", {"名录": rows}))
    assert issues == []
    assert [(u.name, u.category) for u in registry] == [
        ("党政办  （党群办、人大办）", "部门"),
        ("经发办", "部门"),
        ("温塘村", "村"),
        ("八〇一社区", "社区"),
    ]
    assert registry.resolve("801社区").name == "八〇一社区"
    # no 类别 column and no sections: still the missing column
    _, issues = load_registry(book("无类别.xlsx", {"名录": [["序号", "单位"], [1, "温塘村"]]}))
    assert [(i.rule, i.severity) for i in issues] == [("registry_column_missing", "error")]
