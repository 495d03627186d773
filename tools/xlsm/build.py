"""Build the control workbook 控制台.xlsm reproducibly (a tool, outside the runtime package).

`python -m tools.xlsm.build [OUT]`, run from the repository root, writes workbooks/控制台.xlsm
from the committed VBA source (workbooks/vba/*.bas) plus xlwings' standalone VBA module
(xlwings.bas and its Dictionary class, from the installed xlwings package). Same inputs,
same bytes: fixed zip timestamps (XlsxWriter in_memory), fixed document dates, a fixed VBA
project id.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import uuid
from pathlib import Path

import xlsxwriter

from targetbook import labels as L
from targetbook.excel.stamp import version_line
from targetbook.write.atomic import atomic_path

from . import ovba

# The repository's workbooks/ folder: the committed VBA source and the built workbook.
WORKBOOKS = Path(__file__).resolve().parents[2] / "workbooks"

XLWINGS_VERSION = "0.37.8"  # must equal the pinned xlwings (pyproject: test extra)
PROJECT_ID = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "targetbook/控制台")).upper() + "}"
CREATED = dt.datetime(2024, 1, 1, 0, 0, 0)

# (caption, VBA Sub in workbooks/vba/Buttons.bas, function of targetbook.excel, what it does)
BUTTONS = (
    ("生成模板", "MakeTemplates", "make_templates",
     "按单位名录在“下发”文件夹生成各单位的空白填报表"),
    ("校验", "ValidateReturns", "validate_returns",
     "检查“回收”文件夹里的回收表，问题列在“校验问题”“未报送”表"),
    ("汇总", "ConsolidateReturns", "consolidate_returns",
     "校验并汇总，写出 成果/汇总.xlsx，附件1–3 显示在本工作簿"),
    ("计算排名", "RankUnits", "rank_units",
     "按考核细则评分排名，写出 成果/排名.xlsx 和“得分”“排名”等表"),
    ("生成通报", "MakeReport", "make_report",
     "由排名结果生成 成果/通报.docx 和 通报.html"),
    ("催报", "RemindUnits", "remind_units",
     "列出还未报送的单位（距截止日期的天数）和需退回修改的回收表，写出 成果/催报.xlsx 和“催报”表"),
)  # fmt: skip

GUIDE = (
    "使用步骤",
    "1. 在“参数”表填写年度、考核期等；文件夹可写相对本工作簿的路径（默认 下发、回收、成果）。",
    "2. 在“单位名录”表填写各单位（单位 | 类别 | 考核组 | 别名），类别为 部门、村 或 社区；"
    "此表为空时使用本文件夹的 单位名录.xlsx。",
    "3. 点“生成模板”，把“下发”文件夹里的表发给各单位；收回的表放进“回收”文件夹（文件名随意）。",
    "4. 点“校验”查看问题，逐条通知单位修改；再点“汇总”得到附件1–3。",
    "5. 在“考核项目”“设置”“等次”“奖项”“加扣分”“否决”“考核打分”“外部结果”表填写考核细则和打分，"
    "点“计算排名”（参数“打分文件”“上年排名文件”可另给工作簿）。",
    "6. 点“生成通报”，在“成果”文件夹打开通报。",
    "",
    "说明",
    "· 按钮只改写它自己的结果表（校验问题、未报送、附件1–3、得分、排名、目标达成、进度预警、"
    "催报、日志），其他表不动。",
    "· 出错时会弹出提示，并在“日志”表记下原因。",
    "· 首次使用需安装 Python 3.11–3.13，解压 targetbook 离线安装包后双击其中的 安装.bat，"
    "并启用宏；详见使用说明“Excel 按钮”一节。",
    "· 运行哪个 Python 由隐藏表 xlwings.conf 的 Interpreter_Win 决定（默认 python）。",
    "· WPS 或不能启用宏时：双击活动文件夹里的 校验.bat、汇总.bat 等，效果相同。",
)

PARAMS = (
    (L.PARAM_TOWN, ""),
    (L.PARAM_YEAR, ""),
    (L.PARAM_PERIOD, ""),
    (L.PARAM_SEND_DIR, L.FOLDER_SEND),
    (L.PARAM_COLLECT_DIR, L.FOLDER_COLLECT),
    (L.PARAM_RESULTS_DIR, L.FOLDER_RESULTS),
    (L.PARAM_PREVIOUS, ""),
    (L.PARAM_SCORES, ""),
    (L.PARAM_OFFICE, ""),
    (L.PARAM_SIGNATURE, ""),
    (L.PARAM_DOC_NUMBER, ""),
    (L.PARAM_DATE, ""),
    (L.PARAM_RECIPIENTS, ""),
    (L.PARAM_REMARK, ""),
)

# The 考核细则 sheets (targetbook.rules reads them from this workbook as from 考核细则.xlsx).
RULE_SHEETS = (
    (L.RULES_ITEMS, L.ITEM_COLUMNS),
    (L.RULES_SETTINGS, (L.KEY, L.VALUE)),
    (L.RULES_GRADES, L.GRADE_COLUMNS),
    (L.RULES_AWARDS, L.AWARD_COLUMNS),
    (L.RULES_ADJUSTMENTS, L.ADJUSTMENT_COLUMNS),
    (L.RULES_VETOES, L.VETO_COLUMNS),
    (L.SHEET_SCORING, L.SCORING_COLUMNS),
    (L.SHEET_EXTERNAL, L.EXTERNAL_COLUMNS),
)
SETTINGS_DEFAULTS = {
    L.S_FULL_MARKS: 100,
    L.S_QUOTA_ROUNDING: L.ROUND_DOWN,
    L.S_QUOTA_TIE: L.TIE_STRICT,
    L.S_DECIMALS: 2,
    L.S_YELLOW: 10,
    L.S_RED: 30,
}

# Rows of the hidden xlwings.conf sheet: xlwings' VBA reads A1 down to the first blank key.
XLWINGS_CONF = (
    ("Interpreter_Win", "python"),
    ("Interpreter_Mac", ""),
    ("PYTHONPATH", ""),
    ("Conda Path", ""),
    ("Conda Env", ""),
    ("UDF Modules", ""),
    ("Debug UDFs", False),
    ("Use UDF Server", False),
    ("Show Console", False),
)


def vba_dir() -> Path:
    """Folder of the committed VBA source (workbooks/vba)."""
    return WORKBOOKS / "vba"


def xlwings_vba() -> tuple[str, str]:
    """Text of the installed xlwings' standalone VBA module and its Dictionary class."""
    import xlwings

    here = Path(xlwings.__file__).parent
    bas = (here / "xlwings.bas").read_text(encoding="ascii")
    found = re.search(r'XLWINGS_VERSION As String = "([^"]+)"', bas)
    version = found.group(1) if found else "?"
    if version != XLWINGS_VERSION or xlwings.__version__ != XLWINGS_VERSION:
        raise SystemExit(
            f"xlwings {XLWINGS_VERSION} is required to build (installed {xlwings.__version__}, "
            f"xlwings.bas {version}): pip install xlwings=={XLWINGS_VERSION}"
        )
    return bas, (here / "addin" / "Dictionary.cls").read_text(encoding="ascii")


def sheet_names() -> list[str]:
    """The control workbook's sheets in order (the last, xlwings.conf, is hidden)."""
    names = [L.SHEET_GUIDE, L.SHEET_PARAMS, L.SHEET_REGISTRY]
    names += [name for name, _ in RULE_SHEETS]
    return [*names, L.SHEET_XLWINGS_CONF]


def vba_modules() -> list[ovba.Module]:
    """Every module of the project: document modules, the button Subs, xlwings and Dictionary."""
    modules = [ovba.document_module("ThisWorkbook", "workbook")]
    count = len(sheet_names())
    modules += [ovba.document_module(f"Sheet{i}", "sheet") for i in range(1, count + 1)]
    for path in sorted(vba_dir().glob("*.bas")):
        modules.append(ovba.module_from_file_text(path.read_text(encoding="ascii"), ovba.STANDARD))
    bas, dictionary = xlwings_vba()
    modules.append(ovba.module_from_file_text(bas, ovba.STANDARD))
    modules.append(ovba.module_from_file_text(dictionary, ovba.CLASS))
    return modules


def _guide(wb, ws, fmt) -> None:
    ws.set_column("A:A", 2)
    ws.set_column("B:B", 16)
    ws.set_column("C:C", 90)
    ws.write_string(0, 1, "创先争优目标管理 · 控制台", fmt["title"])
    ws.set_row(0, 30)
    ws.write_string(1, 1, version_line(), fmt["text"])  # the buttons compare it on every run
    for i, (caption, sub, _, what) in enumerate(BUTTONS):
        row = 2 + 2 * i
        ws.set_row(row, 30)
        ws.insert_button(
            row, 1, {"macro": sub, "caption": caption, "width": 110, "height": 34, "x_offset": 2}
        )
        ws.write_string(row, 2, what, fmt["text"])
    start = 3 + 2 * len(BUTTONS)
    for j, line in enumerate(GUIDE):
        style = fmt["head"] if line in ("使用步骤", "说明") else fmt["text"]
        ws.write_string(start + j, 1, line, style)
    ws.activate()


def _table(ws, fmt, columns, rows=()) -> None:
    for c, label in enumerate(columns):
        ws.write_string(0, c, label, fmt["header"])
        ws.set_column(c, c, max(10, 2.2 * len(label) + 2))
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, str):
                ws.write_string(r, c, value)
            else:
                ws.write_number(r, c, value)
    ws.freeze_panes(1, 0)


def build_workbook(out: str | Path) -> Path:
    """Write the control workbook to `out` (deterministic bytes)."""
    out = Path(out)
    project = ovba.vba_project_bin(vba_modules(), PROJECT_ID)
    with atomic_path(out) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"in_memory": True})
        wb.set_properties({"title": "创先争优目标管理控制台", "created": CREATED})
        wb.set_vba_name("ThisWorkbook")
        wb.add_vba_project(io.BytesIO(project), is_stream=True)
        base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter"}
        fmt = {
            "title": wb.add_format({**base, "bold": True, "font_size": 16}),
            "head": wb.add_format({**base, "bold": True}),
            "text": wb.add_format(base),
            "header": wb.add_format({**base, "bold": True, "bg_color": "#D9E1F2", "border": 1}),
        }
        sheets = {}
        for i, name in enumerate(sheet_names(), start=1):
            sheets[name] = wb.add_worksheet(name)
            sheets[name].set_vba_name(f"Sheet{i}")
        _guide(wb, sheets[L.SHEET_GUIDE], fmt)
        _table(sheets[L.SHEET_PARAMS], fmt, L.REPORT_PARAM_COLUMNS, PARAMS)
        sheets[L.SHEET_PARAMS].set_column(1, 1, 40)
        _table(sheets[L.SHEET_REGISTRY], fmt, L.REGISTRY_COLUMNS)
        for name, columns in RULE_SHEETS:
            rows = SETTINGS_DEFAULTS.items() if name == L.RULES_SETTINGS else ()
            _table(sheets[name], fmt, columns, rows)
        conf = sheets[L.SHEET_XLWINGS_CONF]
        for r, (key, value) in enumerate(XLWINGS_CONF):
            conf.write_string(r, 0, key)
            if isinstance(value, bool):
                conf.write_boolean(r, 1, value)
            else:
                conf.write_string(r, 1, value)
        conf.hide()
        wb.close()
    return out


def main(argv: list[str] | None = None) -> None:
    """`python -m tools.xlsm.build [OUT]`: rebuild the control workbook."""
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else WORKBOOKS / L.CONTROL_WORKBOOK
    print(build_workbook(out))


if __name__ == "__main__":
    main()
