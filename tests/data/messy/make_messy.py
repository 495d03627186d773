"""Build the messy real-world returns in tests/data/messy and re-save them with LibreOffice.

Run from the repository root: `python3 tests/data/messy/make_messy.py` (needs `soffice`).
Each workbook is drafted with openpyxl the way a township staff member would leave it
(title rows, two-row merged headers, renamed headers, extra columns, a 填报说明 sheet
first, a hidden helper sheet, figures typed as text, a percent-formatted number, a date,
a formula) and then re-saved by a real spreadsheet program, so that the committed files
have shared strings, styles and cached formula values as Excel/WPS files do. The CSVs and
the HTML-as-.xls are written byte for byte as web systems and scripts produce them.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/data: make_fixtures' header and LibreOffice call

from make_fixtures import PROGRESS_HEADER, new_book, soffice  # noqa: E402

# 单位名录: seed 000's units (with the 别名 column the township keeps), plus one alias with
# Latin letters so that full-width letters (ＮＴ社区) can be tested.
REGISTRY = [
    ("党政办  （党群办、人大办）", "部门", "区考核组", ""),
    ("经发办", "部门", "区考核组", "经济发展办"),
    ("民政社事办", "部门", "", ""),
    ("执法办  （督查办）", "部门", "", ""),
    ("纪委", "部门", "", ""),
    ("温塘村", "村", "", ""),
    ("营寨村", "村", "", ""),
    ("王家坝村", "村", "", ""),
    ("民权村", "村", "", ""),
    ("石桥村", "村", "", ""),
    ("南桐村", "村", "", ""),
    ("麒麟村", "村", "", ""),
    ("沙坝村", "村", "", ""),
    ("金龙村", "村", "", ""),
    ("岩门村", "村", "", ""),
    ("南桐社区", "社区", "", "NT社区"),
    ("后湾社区", "社区", "", ""),
    ("八〇一社区", "社区", "", ""),
    ("新工村社区", "社区", "", ""),
]

# The 10 villages as one staff member typed them into the 附件2 return: stray spaces,
# a full-width space, a typo (温糖村 for 温塘村).
VILLAGE_ROWS = [
    (" 温糖村", "环境保护工作考核全镇第1。", "建设物流集散点。", "张三"),
    ("营寨村 ", "公共卫生服务考核全镇第1。", "1. 完善文化广场；\n2. 培育花椒大户1户。", ""),
    ("王家坝\u3000村", "综治工作考核全镇第1。", "打造院落治理示范点。", ""),
    ("民权村", "农村人居环境整治考核全镇前三。", "新建产业路2公里。", ""),
    ("石桥村", "村集体经济收入增加5万元。", "发展乡村旅游。", ""),
    ("南桐村", "1. 财政工作考核全镇第1；\n2. 村集体年经济收入增加5万元。", "老旧小区整治。", ""),
    ("麒麟村", "安全生产零事故。", "建设麒麟广场。", ""),
    ("沙坝村", "信访工作考核全镇保2争1。", "发展特色种植。", ""),
    ("金龙村", "耕地保护违建零发生。", "完善便民服务站。", ""),
    ("岩门村", "乡村振兴考核全镇进位1-2名。", "建设岩门茶园。", ""),
]


def draft_villages(path: Path) -> None:
    """附件2 on the 2nd sheet after 填报说明; renamed, reordered headers; a hidden helper."""
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "填报说明"
    notes.append(["填报说明"])
    notes.append(["1. 单位名称请从下拉列表选择；2. 多项目标请分行填写。"])
    ws = wb.create_sheet("附件2")
    ws.append(["附件2"])
    ws.append(["村2022年度创先争优目标和亮点工作计划"])
    ws.merge_cells("A2:E2")
    # columns in another order, renamed, with U+3000, a line break, trailing spaces
    ws.append(["单位名称", "序  号", "亮点工作计划 ", "创先争优\n目标\u3000", "联系人"])
    ws.append([None] * 5)
    for col in "ABCDE":
        ws.merge_cells(f"{col}3:{col}4")
    for n, (unit, target, plan, contact) in enumerate(VILLAGE_ROWS, start=1):
        ws.append([unit, n, plan, target, contact or None])
    ws.append(["备注：区考核组指万东镇、南桐镇、关坝镇、青年镇。"])
    ws.merge_cells(f"A{ws.max_row}:E{ws.max_row}")
    for row in ws.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    helper = wb.create_sheet("辅助")
    for unit, *_ in VILLAGE_ROWS:
        helper.append([unit.strip()])
    helper.sheet_state = "hidden"
    wb.save(path)


def draft_one_unit(path: Path) -> None:
    """One department's own return: its name in the alias form, 创先争优目标 left blank."""
    wb, _ = new_book(
        "Sheet1",
        ["附件1"],
        ["部门2022年度创先争优目标和亮点工作计划"],
        ["序号", "单位", "创先争优目标", "亮点工作计划"],
        [1, "执法办（督查办）", None, "科学精准高效督查。"],
    )
    wb.save(path)


def draft_communities(path: Path) -> None:
    """Community names typed with 0 for 〇, full-width letters, U+3000; an alias."""
    wb, ws = new_book(
        "附件3",
        ["附件3"],
        ["社区2022年度创先争优目标和亮点工作计划"],
        ["序号", "单位", "创先争优目标", "亮点工作计划"],
        [1, "八0一社区", "综治工作全镇第1。", "打造红色物业。"],
        [2, "ＮＴ社区", "文明创建全镇前二。", "建设邻里中心。"],
        [3, "后湾\u3000社区\u3000", "信访工作全镇第1。", "建设议事厅。"],
        [4, "新工村社区", "=全镇第1", "+加快推进"],
        [5, "党政办（党群办）", "@全镇第1", "在社区表里填了部门。"],
    )
    ws["C7"].data_type = "s"  # typed text that starts with "=": not a formula
    wb.save(path)


# (指标, 计量单位, 目标值, 完成值, 完成率): figures as staff type them. Row 3 onwards.
PROGRESS_ROWS = [
    ("规上工业产值", "万元", "2901.5万元", "2819.91万元", "97.19%"),
    ("固定资产投资", "亿元", "1亿", "0.77亿", "完成率77%"),
    ("招商引资", "个", "１２", "三", "25%"),
    ("社零总额增速", "%", "10%", "累计增速10.8%", "108%"),
    ("新增市场主体", "户", "约50", "50户", "—"),
    ("税收", "万元", "2000万", "/", "无"),
    ("项目入库", "个", 4, 3, None),  # 完成率: a percent-formatted number, see below
    ("农房整治", "户", 20, 15, None),  # 完成率: a formula =E9/D9 with a cached value
    ("验收日期", "", None, None, None),  # 完成值: a date cell
    ("文旅项目", "个", "两", "待定", "=E5"),  # text that only looks like a formula
    ("污水管网", "公里", 0, 0, None),  # 完成率: =E13/D13, cached #DIV/0!
]


def draft_progress(path: Path) -> None:
    """指标进度 of 经发办, one row per indicator; every odd kind of figure."""
    wb, ws = new_book("指标进度", ["2022年上半年重点指标完成情况"], PROGRESS_HEADER)
    for indicator, measure, target, actual, rate in PROGRESS_ROWS:
        texts = ["推进中", "无", "加快", "台账"]
        ws.append(["经发办", indicator, measure, target, actual, rate, *texts])
    ws["F9"] = 0.75
    ws["F9"].number_format = "0.00%"
    ws["F10"] = "=E10/D10"
    ws["F10"].number_format = "0%"
    ws["E11"] = dt.datetime(2022, 6, 30)
    ws["E11"].number_format = "yyyy-mm-dd"
    ws["F12"].value = "=E5"
    ws["F12"].data_type = "s"  # text, not a formula: LibreOffice keeps it as a string
    ws["G12"].value = "+加快推进"
    ws["G12"].data_type = "s"
    ws["F13"] = "=E13/D13"
    ws["G13"] = '=B13&"推进中"'  # a text formula: its cached value is what Excel shows
    wb.save(path)


def draft_fractions(path: Path) -> None:
    """A 指标进度 whose 完成率 column is percent-formatted numbers (fractions in the file)."""
    wb, ws = new_book("指标进度", PROGRESS_HEADER)
    rows = [
        ("民权村", "人居环境整治", "户", 40, 38, 0.95),
        ("民权村", "产业路", "公里", 2, 3, 1.5),
        ("石桥村", "集体经济收入", "万元", "5万元", "1万元", 0.2),
        ("石桥村", "旅游接待", "人次", "待定", "1000", 0.8),  # no ratio to check: column rule
    ]
    for row in rows:
        ws.append([*row, "推进中", None, None, None])
    for r in range(2, 2 + len(rows)):
        ws[f"F{r}"].number_format = "0%"
    wb.save(path)


def draft_plan_xls(path: Path) -> None:
    """A two-village 附件2 that will be saved as .xls (Excel 97) by LibreOffice."""
    wb, _ = new_book(
        "附件2",
        ["附件2"],
        ["村2022年度创先争优目标和亮点工作计划"],
        ["序号", "单位名称", "创先争优目标", "亮点工作计划"],
        [1, "温塘村", "环境保护工作考核全镇第1。", "建设物流集散点。"],
        [2, "营寨村", "卫生考核全镇第1。", "1. 完善文化广场；\n2. 培育大户。"],
        ["合计", None, None, None],
    )
    wb.save(path)


def write_csvs() -> None:
    """特色工作 as GB18030 CSV (Excel's 'CSV' on a Chinese Windows) and UTF-8 with BOM."""
    rows = [
        "单位名称,特色项目,特色内容",
        "温塘村,物流集散点,依托万盛国际陆港建设物流集散点",
        '营寨村,花椒种植,"1. 新培育大户1户；\n2. 建设烘干房"',
        "南桐 村,老旧小区整治,完成3个院落整治",
    ]
    (HERE / "feature_gb18030.csv").write_bytes("\r\n".join(rows).encode("gb18030") + b"\r\n")
    bench = [
        "单位,对标对象,对标项目,赶超标准",
        "经济发展办,万东镇,规上工业产值,增速高于对标镇1个百分点",
        "纪委,关坝镇,作风建设,考核排名超过对标镇",
    ]
    data = "\ufeff" + "\r\n".join(bench) + "\r\n"
    (HERE / "benchmark_utf8_bom.csv").write_bytes(data.encode("utf-8"))


def write_html_xls() -> None:
    """指标进度 exported by a web system as an HTML table named .xls, unit merged by rowspan."""
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "</head><body><table border=1>\n"
        '<tr><td colspan="10">2022年上半年重点指标完成情况</td></tr>\n'
        "<tr>" + "".join(f"<th>{h}</th>" for h in PROGRESS_HEADER) + "</tr>\n"
        '<tr><td rowspan="3">民政社事办</td><td>养老服务社会化运营率</td><td>%</td>'
        "<td>50%</td><td>45%</td><td>90%</td><td>推进中</td><td>无</td><td>加快</td>"
        "<td>台账</td></tr>\n"
        "<tr><td>卫生镇创建</td><td>项</td><td>1</td><td>1</td><td>100%</td>"
        "<td>已完成</td><td>无</td><td>巩固</td><td>文件</td></tr>\n"
        "<tr><td>培训人次</td><td>人次</td><td>200</td><td>二百</td><td>abc</td>"
        "<td>推进中</td><td>无</td><td>加快</td><td>签到表</td></tr>\n"
        "</table></body></html>\n"
    )
    (HERE / "progress_export.xls").write_bytes(html.encode("gb18030"))


def write_registry() -> None:
    lines = ["单位,类别,考核组,别名"] + [",".join(row) for row in REGISTRY]
    (HERE / "registry.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))


def main() -> None:
    returns = HERE / "returns"
    shutil.rmtree(returns, ignore_errors=True)
    returns.mkdir()
    jobs = [
        ("附件2-村（WPS）", draft_villages, "xlsx"),
        ("执法办", draft_one_unit, "xlsx"),
        ("附件3-社区", draft_communities, "xlsx"),
        ("经发办-指标进度", draft_progress, "xlsx"),
        ("村-完成率", draft_fractions, "xlsx"),
        ("附件2-村（旧版）", draft_plan_xls, "xls:MS Excel 97"),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        draft, out, profile = tmp_dir / "draft", tmp_dir / "out", tmp_dir / "profile"
        draft.mkdir()
        for stem, build, fmt in jobs:
            src = draft / f"{stem}.xlsx"
            build(src)
            saved = soffice(src, fmt, out, profile)
            shutil.copyfile(saved, returns / saved.name)
            print("wrote", saved.name)
    write_csvs()
    write_html_xls()
    for name in ("feature_gb18030.csv", "benchmark_utf8_bom.csv", "progress_export.xls"):
        (HERE / name).replace(returns / name)
    write_registry()
    print("wrote CSVs, HTML-as-xls, registry.csv")


if __name__ == "__main__":
    main()
