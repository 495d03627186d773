"""Chinese sheet names, headers and categories as English-named constants, with aliases.

Header matching happens after `text.header_key()` normalisation (NFKC, all whitespace and
line breaks removed), so `序  号` and `创先争优\\n目标` need no alias of their own.
"""

from __future__ import annotations

# --- categories (类别) and their annex numbers --------------------------------------------
DEPARTMENT = "部门"
VILLAGE = "村"
COMMUNITY = "社区"
CATEGORIES = (DEPARTMENT, VILLAGE, COMMUNITY)
ANNEX_NUMBER = {DEPARTMENT: 1, VILLAGE: 2, COMMUNITY: 3}


def annex_sheet(category: str) -> str:
    """`附件2 村`: the consolidated workbook's sheet for a category."""
    return f"附件{ANNEX_NUMBER[category]} {category}"


def annex_title(category: str, year: int | str) -> str:
    """`村2022年度创先争优目标和亮点工作计划` (seed 000)."""
    return f"{category}{year}年度创先争优目标和亮点工作计划"


# --- columns ------------------------------------------------------------------------------
SEQ = "序号"
UNIT = "单位"
TARGET = "创先争优目标"
PLAN = "亮点工作计划"
INDICATOR = "指标"
MEASURE = "计量单位"
TARGET_VALUE = "目标值"
ACTUAL_VALUE = "完成值"
RATE = "完成率"
PROGRESS_TEXT = "进展情况"
PROBLEMS = "存在问题"
NEXT_STEPS = "下步打算"
EVIDENCE = "佐证材料"
PEER = "对标对象"
PEER_ITEM = "对标项目"
PEER_STANDARD = "赶超标准"
FEATURE_ITEM = "特色项目"
FEATURE_CONTENT = "特色内容"

# Registry (单位名录) columns
REG_UNIT = "单位"
REG_CATEGORY = "类别"
REG_GROUP = "考核组"
REG_ALIASES = "别名"
REGISTRY_COLUMNS = (REG_UNIT, REG_CATEGORY, REG_GROUP, REG_ALIASES)

# Provenance columns carried by every consolidated data row (written right of the print area)
SRC_FILE = "来源文件"
SRC_SHEET = "来源工作表"
SRC_ROW = "来源行"
PROVENANCE = (SRC_FILE, SRC_SHEET, SRC_ROW)

# --- annex kinds: a sheet is recognised by its header, never by its name -------------------
PLAN_KIND = "plan"  # 目标计划 (seed 000)
PROGRESS_KIND = "progress"  # 指标进度
BENCHMARK_KIND = "benchmark"  # 对标管理
FEATURE_KIND = "feature"  # 特色工作

KIND_NAMES = {
    PLAN_KIND: "目标计划",
    PROGRESS_KIND: "指标进度",
    BENCHMARK_KIND: "对标管理",
    FEATURE_KIND: "特色工作",
}

# Columns of each kind, in printing order.
KIND_COLUMNS: dict[str, tuple[str, ...]] = {
    PLAN_KIND: (SEQ, UNIT, TARGET, PLAN),
    PROGRESS_KIND: (
        UNIT, INDICATOR, MEASURE, TARGET_VALUE, ACTUAL_VALUE, RATE,
        PROGRESS_TEXT, PROBLEMS, NEXT_STEPS, EVIDENCE,
    ),
    BENCHMARK_KIND: (UNIT, PEER, PEER_ITEM, PEER_STANDARD),
    FEATURE_KIND: (UNIT, FEATURE_ITEM, FEATURE_CONTENT),
}

# Columns that must be present for a header row to count as that kind.
KIND_REQUIRED: dict[str, tuple[str, ...]] = {
    PLAN_KIND: (UNIT, TARGET),
    PROGRESS_KIND: (UNIT, INDICATOR),
    BENCHMARK_KIND: (UNIT, PEER),
    FEATURE_KIND: (UNIT, FEATURE_ITEM),
}

# Numeric columns (parsed with their unit before validation).
NUMERIC_COLUMNS = (TARGET_VALUE, ACTUAL_VALUE, RATE)

# Alternative header texts seen in real returns → canonical label. Keys are header_key()s.
ALIASES: dict[str, str] = {
    "编号": SEQ,
    "序": SEQ,
    "单位名称": UNIT,
    "责任单位": UNIT,
    "填报单位": UNIT,
    "村(社区)": UNIT,
    "村社区": UNIT,
    "部门": UNIT,
    "部门名称": UNIT,
    "创先争优目标任务": TARGET,
    "争先进位目标": TARGET,
    "创先争优": TARGET,
    "亮点工作": PLAN,
    "亮点工作计划安排": PLAN,
    "亮点计划": PLAN,
    "考核指标": INDICATOR,
    "指标名称": INDICATOR,
    "单位(计量)": MEASURE,
    "计量": MEASURE,
    "年度目标": TARGET_VALUE,
    "目标任务": TARGET_VALUE,
    "全年目标": TARGET_VALUE,
    "完成情况": ACTUAL_VALUE,
    "实际完成": ACTUAL_VALUE,
    "累计完成": ACTUAL_VALUE,
    "完成比例": RATE,
    "完成进度": RATE,
    "进展": PROGRESS_TEXT,
    "工作进展": PROGRESS_TEXT,
    "问题": PROBLEMS,
    "下一步打算": NEXT_STEPS,
    "下步工作打算": NEXT_STEPS,
    "佐证资料": EVIDENCE,
    "证明材料": EVIDENCE,
    "对标单位": PEER,
    "对标镇": PEER,
    "对标内容": PEER_ITEM,
    "赶超目标": PEER_STANDARD,
    "特色工作": FEATURE_ITEM,
    "特色工作项目": FEATURE_ITEM,
    "特色工作内容": FEATURE_CONTENT,
}

# First-cell texts of rows that are not data (合计/小计/备注 lines).
NON_DATA_MARKERS = ("合计", "小计", "总计", "备注", "说明", "注：", "注:", "填表说明")

# --- consolidated workbook (汇总.xlsx) sheets ----------------------------------------------
SHEET_PROGRESS = "指标进度"
SHEET_BENCHMARK = "对标管理"
SHEET_FEATURE = "特色工作"
SHEET_ISSUES = "校验问题"
SHEET_MISSING = "未报送"
SHEET_DUPLICATES = "重复报送"
SHEET_SOURCES = "来源"
SHEET_REGISTRY = "单位名录"
SHEET_PARAMS = "参数"
KIND_SHEET = {
    PROGRESS_KIND: SHEET_PROGRESS,
    BENCHMARK_KIND: SHEET_BENCHMARK,
    FEATURE_KIND: SHEET_FEATURE,
}

ISSUE_COLUMNS = ("文件", "工作表", "单元格", "规则", "级别", "说明", "原值")
SOURCE_COLUMNS = ("文件", "SHA-256", "修改时间", "工作表", "行数", "状态")
SEVERITY_NAMES = {"error": "错误", "warning": "警告"}

# Parameter keys (参数 sheet: 项目 | 值)
PARAM_YEAR = "年度"
PARAM_PERIOD = "考核期"
PARAM_TOWN = "乡镇"

# --- ranked workbook sheets (rank stage) --------------------------------------------------
SHEET_SCORES = "得分"
SHEET_RANKS = "排名"
SHEET_ACHIEVEMENT = "目标达成"
SHEET_WARNINGS = "进度预警"
SHEET_EXTERNAL = "外部结果"
SHEET_SCORING = "考核打分"

# Columns of the rank stage's sheets (report.py and excel/ read them back by these labels).
CATEGORY = "类别"
GROUP = "考核组"
RANK_COLUMNS = (
    CATEGORY, GROUP, UNIT, "总分", "名次", "并列", "组内名次", "上年名次", "进位",
    "等次", "奖项", "否决", "否决事由",
)
SCORE_COLUMNS = (CATEGORY, UNIT, "项目", "方法", "满分", "得分", "计算依据", "来源")
ACHIEVEMENT_COLUMNS = (
    CATEGORY, UNIT, "目标原文", "类型", "范围", "保", "争", "实际", "判定", "来源",
)
WARNING_COLUMNS = (
    CATEGORY, UNIT, INDICATOR, TARGET_VALUE, ACTUAL_VALUE, RATE, "序时进度", "差距", "预警", "来源",
)


def parsed(column: str) -> str:
    """Name of the numeric column parsed from a text column: `目标值` → `目标值_数值`."""
    return f"{column}_数值"
