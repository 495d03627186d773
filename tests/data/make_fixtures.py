"""Build the reader's quirk fixtures in tests/data and re-save them with LibreOffice.

Run from the repository root: `python3 tests/data/make_fixtures.py [STEM ...]` (needs
`soffice`; with stems, only those fixtures are rebuilt).
The workbooks are drafted with openpyxl and then re-saved by a real spreadsheet program,
because files written by openpyxl differ from what Excel/WPS/LibreOffice write (inline
strings, no shared strings, no cached values). The HTML-as-.xls and the UTF-8 CSV are
written directly, byte for byte, as web systems and scripts produce them. The committed
results are what the tests read; this script only documents and reproduces them.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/: its conftest holds the LibreOffice call

from conftest import soffice_convert  # noqa: E402

# Rows of seed 000 (南桐党政办发〔2022〕14号), 附件1 部门, including its quirks: the alias in
# parentheses with odd spacing, multi-line numbered cells, a blank 创先争优目标 (执法办).
SEED_ROWS = [
    [
        1,
        "党政办  （党群办、人大办）",
        "政务信息工作全区镇街排名保2争1、区考核组排名第1。",
        "务实开展“岗位大练兵”等机关建设活动，组织丰富多彩的工青妇群团活动。",
    ],
    [2, "经发办", "规上工业产值指标区考核组排名第1。", "新培育1家区级餐饮品牌。"],
    [
        3,
        "民政社事办",
        "推进社区养老服务社会化运营率达50%，区考核组排名保3争2。",
        "1. 2022年7月建成投用镇级养老服务中心；\n2. 积极开展卫生健康进企业活动，创建区级卫生镇；"
        "\n3. 积极培育乡村文明新风。",
    ],
    [15, "执法办  （督查办）", None, "科学精准高效督查并指导重点项目、重点工作推进。"],
    [16, "纪委", "纪检系统考核全区一等奖，区考核组排名第1。", "高质量完成作风突出问题专项整治。"],
]
REMARK = "备注：区考核组指万东镇、南桐镇、关坝镇、青年镇。"
VILLAGE_ROWS = [
    [1, "温塘村", "环境保护工作考核全镇第1。", "建设万盛国际陆港温塘物流集散点。"],
    [
        2,
        "营寨村",
        "基本公共卫生服务覆盖率考核全镇第1。",
        "1. 完善文化广场基础设施，打造乡风文明新阵地；\n2. 新培育花椒种植大户1户。",
    ],
    [6, "南桐村", "1. 财政工作考核全镇第1；\n2. 村集体年经济收入增加5万元。", "开展老旧小区整治。"],
]


def new_book(title: str, *rows: list) -> tuple[openpyxl.Workbook, Worksheet]:
    """A workbook whose one sheet, `title`, starts with `rows`."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    return wb, ws


def seed_annex(ws, rows=SEED_ROWS, annex="附件1", category="部门") -> None:
    """附件N, title, a two-row merged header (second row empty), data, a remark line."""
    ws.append([annex])
    ws.append([f"{category}2022年度创先争优目标和亮点工作计划"])
    ws.merge_cells("A2:D2")
    ws.append(["序号", "单位", "创先争优目标", "亮点工作计划"])
    ws.append([None] * 4)
    for col in "ABCD":
        ws.merge_cells(f"{col}3:{col}4")
    for row in rows:
        ws.append(row)
    ws.append([])
    ws.append([REMARK])
    ws.merge_cells(f"A{ws.max_row}:D{ws.max_row}")
    for row in ws.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="center")


PROGRESS_HEADER = [
    "单位",
    "指标",
    "计量单位",
    "目标值",
    "完成值",
    "完成率",
    "进展情况",
    "存在问题",
    "下步打算",
    "佐证材料",
]


def draft_seed000(path: Path) -> None:
    wb = openpyxl.Workbook()
    seed_annex(wb.active)
    wb.active.title = "附件1"
    wb.save(path)


def draft_renamed(path: Path) -> None:
    # Header texts as units type them: an alias, ideographic/ASCII spaces, a line break.
    wb, ws = new_book(
        "Sheet1",
        ["村2022年度创先争优目标和亮点工作计划"],
        ["序  号", "单位名称", "创先争优\n目标", "亮点\u3000工作计划"],
    )
    for row in VILLAGE_ROWS:
        ws.append(row)
    ws.append([None, "合计", "3 个村", None])
    wb.save(path)


def draft_progress(path: Path) -> None:
    # 指标进度: one unit over several indicator rows (vertically merged), figures as text.
    wb, ws = new_book("指标进度", ["2022年上半年重点指标完成情况"], PROGRESS_HEADER)
    ws.append(
        [
            "经发办",
            "规上工业产值",
            "万元",
            "2901.5万元",
            "2819.91万元",
            "97.19%",
            "累计增速10.8%",
            "无",
            "继续推进",
            "统计报表",
        ]
    )
    ws.append(
        [
            None,
            "固定资产投资",
            "亿元",
            "1",
            "0.77亿",
            "77%",
            "全市排名8",
            "项目偏少",
            "加快入库",
            "台账",
        ]
    )
    ws.append([None, "招商引资", "个", "３", "两", "66.7%", "排名全区并列第1名", None, None, None])
    ws.merge_cells("A3:A5")
    ws.append(["小计", None, None, None, None, None, None, None, None, None])
    wb.save(path)


def draft_percent(path: Path) -> None:
    # 指标进度 typed in Excel: `98%` typed into a cell becomes the number 0.98 shown as 98%.
    # Numbers under 万元 and a % typed as text stay as they are.
    wb, ws = new_book("指标进度", ["2022年上半年重点指标完成情况"], PROGRESS_HEADER)
    rows = [
        ["民政社事办", "居民医保参保率", "%", 0.98, 0.965, 0.9847, "按序时推进", "无", "", ""],
        ["民政社事办", "村集体经济收入", "万元", 25, 18.6, 0.744, "", "", "", ""],
        ["民政社事办", "新增市场主体", "户", 12, 3, "25%", "", "", "", ""],
    ]
    formats = {(3, "D"): "0%", (3, "E"): "0.0%", (3, "F"): "0.00%", (4, "F"): "0.0%"}
    for row in rows:
        ws.append(row)
    for (r, col), fmt in formats.items():
        ws[f"{col}{r}"].number_format = fmt
    wb.save(path)


def draft_multisheet(path: Path) -> None:
    # A 说明 sheet before the annex, and a second annex of another category.
    wb, _ = new_book(
        "说明", ["填报说明"], ["1. 请勿修改表头；2. 每个单位一行；3. 多项内容请分行填写。"]
    )
    seed_annex(wb.create_sheet("附件1 部门"))
    seed_annex(wb.create_sheet("附件2 村"), VILLAGE_ROWS, "附件2", "村")
    wb.save(path)


def write_html_xls(path: Path) -> None:
    """An HTML table saved as .xls, as web systems export it (GB2312 meta, rowspan/colspan)."""
    cells = "".join(
        f"<tr><td>{n}</td><td>{unit}</td><td>{target.replace(chr(10), '<br>')}</td>"
        f"<td>{plan.replace(chr(10), '<br>')}</td></tr>\n"
        for n, unit, target, plan in VILLAGE_ROWS
    )
    html = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel">\n'
        '<head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">\n'
        "<style>td { mso-number-format:'\\@'; }</style></head>\n<body>\n"
        '<table border="1">\n'
        '<tr><td colspan="4">村2022年度创先争优目标和亮点工作计划</td></tr>\n'
        '<tr><th rowspan="2">序号</th><th rowspan="2">单位</th>'
        '<th colspan="2">目标与计划</th></tr>\n'
        "<tr><th>创先争优目标</th><th>亮点工作计划</th></tr>\n"
        f"{cells}</table>\n</body></html>\n"
    )
    path.write_bytes(html.encode("gb18030"))


def write_utf8_csv(path: Path) -> None:
    """A UTF-8 CSV with BOM and semicolons, as a script or a European-locale Excel writes."""
    lines = [
        "单位;对标对象;对标项目;赶超标准",
        "经发办;万东镇;规上工业产值;增速高于对标镇1个百分点",
        '温塘村;关坝镇;"人居环境\n整治";考核排名超过对标镇',
    ]
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))


def soffice(src: Path, fmt: str, outdir: Path, profile: Path) -> Path:
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        sys.exit("LibreOffice (soffice) is required to re-save the fixtures")
    return soffice_convert(src, fmt, outdir, profile)


# LibreOffice's CSV filter options: separator 44 (,), quote 34 ("), charset 85 (GB 18030).
GB18030_CSV = "csv:Text - txt - csv (StarCalc):44,34,85"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        draft, out, profile = tmp_dir / "draft", tmp_dir / "out", tmp_dir / "profile"
        draft.mkdir()
        jobs = [
            (
                "seed000_annex",
                draft_seed000,
                [
                    ("xlsx", "seed000_annex.xlsx"),
                    ("xls", "seed000_annex.xls"),
                    ("ods", "seed000_annex.ods"),
                ],
            ),
            (
                "renamed_headers",
                draft_renamed,
                [("xlsx", "renamed_headers.xlsx"), (GB18030_CSV, "renamed_headers_gb18030.csv")],
            ),
            ("progress", draft_progress, [("xlsx", "progress.xlsx"), ("ods", "progress.ods")]),
            ("multisheet", draft_multisheet, [("xlsx", "multisheet.xlsx")]),
            (
                "percent_cells",
                draft_percent,
                [
                    ("xlsx", "percent_cells.xlsx"),
                    ("xls", "percent_cells.xls"),
                    ("ods", "percent_cells.ods"),
                ],
            ),
        ]
        wanted = set(sys.argv[1:])  # stems to rebuild; none: all of them
        for stem, build, targets in jobs:
            if wanted and stem not in wanted:
                continue
            src = draft / f"{stem}.xlsx"
            build(src)
            for fmt, name in targets:
                saved = soffice(src, fmt, out, profile)
                shutil.copyfile(saved, HERE / name)
                print("wrote", name)
    if not wanted:
        write_html_xls(HERE / "html_export.xls")
        write_utf8_csv(HERE / "benchmark_utf8.csv")
        print("wrote html_export.xls, benchmark_utf8.csv")


if __name__ == "__main__":
    main()
