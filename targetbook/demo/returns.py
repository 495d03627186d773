"""The demo campaign's inputs: the 单位名录 and the units' returns, with a few planted faults.

Returns are written with XlsxWriter (shared strings, docProps saved times, merged two-row
headers) the way Excel saves them, in seed 000's layout: `附件N`, the title, the header.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import xlsxwriter

from targetbook import labels
from targetbook.demo.seed import UNITS, YEAR

# Extra aliases a registry typically carries; parenthetical ones come with the names.
ALIASES = {
    "农服中心": "农业服务中心",
    "劳动社保所": "劳动保障所",
    "八〇一社区": "801社区",
}

MISSING_UNIT = "二郎峡社区"  # reports late: absent in the first round, then 补报
DUPLICATE_UNIT = "温塘村"  # a draft and a corrected copy
ALIAS_UNIT = "党政办  （党群办、人大办）"
ALIAS_TYPED = "党群办"  # the name the unit typed in its return
BLANK_UNIT = "执法办  （督查办）"  # no 创先争优目标 in the seed itself
DRAFT_TARGET = "环境保护工作考核全镇前三。"  # the draft's text, replaced by the corrected copy

DRAFT_FILE = f"{DUPLICATE_UNIT}.xlsx"
CORRECTED_FILE = f"{DUPLICATE_UNIT}（修改稿）.xlsx"
COMMUNITY_FILE = "附件3 社区（汇总）.xlsx"
LATE_FILE = f"{MISSING_UNIT}（补报）.xlsx"
PLAN_SHEET = {labels.DEPARTMENT: "附件1", labels.VILLAGE: "附件2", labels.COMMUNITY: "附件3"}
PROGRESS_SHEET = labels.SHEET_PROGRESS
FIRST_DATA_ROW = 5  # 附件N, title, two header rows

# Example progress figures (invented, marked 示例数据): unit → rows of 指标进度 without 单位.
EXAMPLE_PROGRESS: dict[str, list[tuple[str, ...]]] = {
    "经发办": [
        (
            "规上工业产值",
            "亿元",
            "5.8亿元",
            "2.9亿元",
            "50%",
            "1-5月累计增速10.8%",
            "部分企业订单不足",
            "走访重点企业，帮助拓展市场",
        ),
    ],
    "财政办": [
        (
            "税收收入",
            "万元",
            "2901.4万元",
            "2819.91万元",
            "97.19%",
            "1-5月累计完成2819.91万元",
            "非税收入占比偏高",
            "加强重点税源监控",
        ),
    ],
    "劳动社保所": [
        (
            "居民医保参保率",
            "%",
            "98%",
            "96.5%",
            "98.47%",
            "全市排名8",
            "外出务工人员动员难",
            "开展入户动员",
        ),
        (
            "创业担保贷款",
            "万元",
            "600万元",
            "0.05亿",
            "83.33%",
            "已发放贷款500万元",
            "",
            "加强政策宣传",
        ),
    ],
    "产业中心": [  # behind the half-year schedule: a yellow warning (黄灯) in 进度预警
        (
            "重点项目投资",
            "亿元",
            "2亿元",
            "0.6亿元",
            "30%",
            "2个项目未开工",
            "用地手续未办结",
            "协调办理用地手续",
        ),
    ],
    "南桐村": [
        (
            "村集体经济年收入",
            "万元",
            "25万元",
            "18.6万元",
            "74.4%",
            "完成率65%以上",
            "产业项目见效慢",
            "推进农产品初加工",
        ),
    ],
    "南桐社区": [
        ("居民医保参保率", "%", "98%", "97.19%", "99.17%", "排名全区并列第1名", "", "巩固参保成果"),
    ],
}


@dataclass(frozen=True, slots=True)
class PlantedFault:
    """A fault put into the demo returns on purpose, and where it must be reported."""

    rule: str
    unit: str
    file: str  # as the reader shows it (回收/…; "" for a unit that sent nothing)
    sheet: str
    cell: str
    note: str  # Chinese: what was done


def short_name(name: str) -> str:
    """`党政办  （党群办、人大办）` → `党政办` (for file names only)."""
    return name.split("（")[0].split("(")[0].strip()


def unit_file(category: str, name: str) -> str:
    """File name of a one-unit demo return (departments carry their annex number)."""
    prefix = f"附件{labels.ANNEX_NUMBER[category]}-" if category == labels.DEPARTMENT else ""
    return f"{prefix}{short_name(name)}.xlsx"


def file_names() -> set[str]:
    """Every file name the demo writes into 回收/ (so a rerun removes exactly those)."""
    names = {DRAFT_FILE, CORRECTED_FILE, COMMUNITY_FILE, LATE_FILE}
    names |= {unit_file(c, n) for c, n, _, _ in UNITS if c != labels.COMMUNITY}
    return names


def write_registry(path: Path) -> Path:
    """The demo 单位名录: seed names (with their parenthetical aliases), 类别, 别名."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet(labels.SHEET_REGISTRY)
    bold = wb.add_format({"bold": True})
    for col, label in enumerate(labels.REGISTRY_COLUMNS):
        ws.write_string(0, col, label, bold)
    for row, (category, name, _, _) in enumerate(UNITS, start=1):
        ws.write_string(row, 0, name)
        ws.write_string(row, 1, category)
        ws.write_string(row, 2, "")
        ws.write_string(row, 3, ALIASES.get(name, ""))
    ws.set_column(0, 0, 28)
    ws.set_column(3, 3, 16)
    wb.close()
    return path


def _write_book(
    path: Path,
    category: str,
    rows: list[tuple[int, str, str, str]],
    saved: datetime,
    progress: list[tuple[str, ...]] = (),
) -> Path:
    """One return in seed 000's layout (+ a 指标进度 sheet when given)."""
    wb = xlsxwriter.Workbook(str(path))
    # Excel stores the saved time in docProps/core.xml; duplicates are resolved by it.
    wb.set_properties({"created": saved, "author": rows[0][1] if rows else ""})
    title = wb.add_format({"bold": True, "font_size": 16, "align": "center"})
    head = wb.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter"})
    cell = wb.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    ws = wb.add_worksheet(PLAN_SHEET[category])
    ws.write_string(0, 0, f"附件{labels.ANNEX_NUMBER[category]}")
    ws.merge_range(1, 0, 1, 3, labels.annex_title(category, YEAR), title)
    for col, label in enumerate(labels.KIND_COLUMNS[labels.PLAN_KIND]):
        ws.merge_range(2, col, 3, col, label, head)  # the seed's header spans two rows
    for r, (seq, name, target, plan) in enumerate(rows, start=FIRST_DATA_ROW - 1):
        ws.write_number(r, 0, seq, cell)
        for col, text in enumerate((name, target, plan), start=1):
            if text:
                ws.write_string(r, col, text, cell)
            else:
                ws.write_blank(r, col, None, cell)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 3, 48)
    if progress:
        ps = wb.add_worksheet(PROGRESS_SHEET)
        ps.write_string(0, 0, f"{labels.SHEET_PROGRESS}（{labels.EXAMPLE_DATA}，非真实统计）")
        columns = labels.KIND_COLUMNS[labels.PROGRESS_KIND]
        for col, label in enumerate(columns):
            ps.write_string(1, col, label, head)
        for r, values in enumerate(progress, start=2):
            for col, text in enumerate(values):
                ps.write_string(r, col, text, cell)
        ps.set_column(0, len(columns) - 1, 14)
    wb.close()
    return path


def _progress(name: str) -> list[tuple[str, ...]]:
    """Example 指标进度 rows of one unit (单位 first, 佐证材料 marks them as examples)."""
    unit = short_name(name)
    return [(unit, *row, labels.EXAMPLE_DATA) for row in EXAMPLE_PROGRESS.get(unit, [])]


def write_returns(folder: Path) -> tuple[list[Path], list[PlantedFault]]:
    """The first round of returns (one unit missing), and the faults planted in them."""
    folder.mkdir(parents=True, exist_ok=True)
    base = datetime(YEAR, 6, 15, 9, 0)
    written: list[Path] = []
    seq = {labels.DEPARTMENT: 0, labels.VILLAGE: 0, labels.COMMUNITY: 0}
    communities: list[tuple[int, str, str, str]] = []
    community_progress: list[tuple[str, ...]] = []
    for n, (category, name, target, plan) in enumerate(UNITS):
        seq[category] += 1
        row = (seq[category], name, target, plan)
        saved = base + timedelta(minutes=37 * n)
        if category == labels.COMMUNITY:
            if name != MISSING_UNIT:
                communities.append(row)
                community_progress += _progress(name)
            continue
        if name == ALIAS_UNIT:
            row = (row[0], ALIAS_TYPED, target, plan)
        if name == DUPLICATE_UNIT:
            draft = (row[0], name, DRAFT_TARGET, plan)
            older = _write_book(folder / DRAFT_FILE, category, [draft], saved)
            newer = _write_book(folder / CORRECTED_FILE, category, [row], saved + timedelta(days=8))
            # The draft was forwarded again later: its file time is newer than the
            # corrected copy's, so only the workbook's own saved time tells them apart.
            stamp = newer.stat().st_mtime + 3600
            os.utime(older, (stamp, stamp))
            written += [older, newer]
            continue
        path = folder / unit_file(category, name)
        written.append(_write_book(path, category, [row], saved, _progress(name)))
    written.append(
        _write_book(
            folder / COMMUNITY_FILE,
            labels.COMMUNITY,
            communities,
            base + timedelta(days=5),
            community_progress,
        )
    )
    return written, _faults()


def write_late_return(folder: Path) -> Path:
    """The missing unit's return, sent after the first check (补报)."""
    n, (category, name, target, plan) = next(
        (n, u) for n, u in enumerate(UNITS) if u[1] == MISSING_UNIT
    )
    seq = sum(1 for u in UNITS[: n + 1] if u[0] == category)
    saved = datetime(YEAR, 6, 27, 10, 0)
    return _write_book(folder / LATE_FILE, category, [(seq, name, target, plan)], saved)


def _faults() -> list[PlantedFault]:
    def shown(name: str) -> str:  # as the reader displays a file found in the 回收 folder
        return str(Path(labels.FOLDER_COLLECT) / name)

    dept = PLAN_SHEET[labels.DEPARTMENT]
    data = f"{FIRST_DATA_ROW}"
    return [
        PlantedFault("unit_missing", MISSING_UNIT, "", "", "", "第一轮未报送，随后补报"),
        PlantedFault(
            "duplicate_unit",
            DUPLICATE_UNIT,
            shown(DRAFT_FILE),
            PLAN_SHEET[labels.VILLAGE],
            f"B{data}",
            f"报送两份：旧稿的文件时间反而更新，应按工作簿保存时间保留{CORRECTED_FILE}",
        ),
        PlantedFault(
            "unit_alias",
            ALIAS_UNIT,
            shown(unit_file(labels.DEPARTMENT, ALIAS_UNIT)),
            dept,
            f"B{data}",
            f"单位名称填成了别名“{ALIAS_TYPED}”",
        ),
        PlantedFault(
            "cell_blank",
            BLANK_UNIT,
            shown(unit_file(labels.DEPARTMENT, BLANK_UNIT)),
            dept,
            f"C{data}",
            "创先争优目标为空（原文如此）",
        ),
    ]
