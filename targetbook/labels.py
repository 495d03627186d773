"""Chinese sheet names, headers and categories as English-named constants, with aliases.

Header matching happens after `text.header_key()` normalisation (NFKC, all whitespace and
line breaks removed), so `序  号` and `创先争优\\n目标` need no alias of their own.

Sections are titled by what they label — Words (categories, kinds, cell values), Sheets,
Columns (per workbook), Params (参数 keys), Files and folders — not by the stage that added them.
"""

from __future__ import annotations

# --- Words: categories (类别) and their annex numbers ---------------------------------------
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


# --- Columns: annex tables of a return (and 汇总's annex sheets) ----------------------------
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

# --- Words: annex kinds (a sheet is recognised by its header, never by its name) ----------
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
        UNIT,
        INDICATOR,
        MEASURE,
        TARGET_VALUE,
        ACTUAL_VALUE,
        RATE,
        PROGRESS_TEXT,
        PROBLEMS,
        NEXT_STEPS,
        EVIDENCE,
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

# --- Sheets and columns: the consolidated workbook 汇总.xlsx --------------------------------
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

# --- Sheets and columns: the ranked workbook 排名.xlsx --------------------------------------
SHEET_SCORES = "得分"
SHEET_RANKS = "排名"
SHEET_ACHIEVEMENT = "目标达成"
SHEET_WARNINGS = "进度预警"
SHEET_EXTERNAL = "外部结果"
SHEET_SCORING = "考核打分"

# Columns of the rank stage's sheets (report.py and excel/ read them back by these labels).
CATEGORY = "类别"
GROUP = "考核组"
# RANK_COLUMNS, SCORE_COLUMNS, ACHIEVEMENT_COLUMNS, WARNING_COLUMNS: after the rank stage's words.


def parsed(column: str) -> str:
    """Name of the numeric column parsed from a text column: `目标值` → `目标值_数值`."""
    return f"{column}_数值"


# --- Params: 参数 keys the 通知 / 通报 print; report kinds --------------------------------------
# 参数 sheet keys read by the report, beside PARAM_YEAR / PARAM_TOWN (all optional).
PARAM_OFFICE = "发文机关"  # 南桐镇党政办公室
PARAM_SIGNATURE = "落款"  # 南桐镇党政办 (defaults to 发文机关)
PARAM_DOC_NUMBER = "文号"  # 南桐党政办发〔2022〕14号
PARAM_DATE = "日期"  # 2022年6月28日 (or a date cell)
PARAM_RECIPIENTS = "主送"  # 各村、社区，机关各部门：
PARAM_REMARK = "备注"  # printed under the notice's annex tables
PARAM_ANNOTATION = "附注"  # 此件公开发布: printed in parentheses under the date
REPORT_PARAM_COLUMNS = ("项目", "值")
REPORT_BULLETIN = "通报"  # the results bulletin (default)
REPORT_NOTICE = "通知"  # the notice publishing annexes 1–3 (seed 000)
REPORT_KINDS = (REPORT_BULLETIN, REPORT_NOTICE)

# --- Sheets, columns and words: the 考核细则 workbook and 考核打分 records ------------------------
RULES_ITEMS = "考核项目"
RULES_ADJUSTMENTS = "加扣分"
RULES_VETOES = "否决"
RULES_GRADES = "等次"
RULES_AWARDS = "奖项"
RULES_SETTINGS = "设置"
RULES_SHEETS = (
    RULES_ITEMS,
    RULES_ADJUSTMENTS,
    RULES_VETOES,
    RULES_GRADES,
    RULES_AWARDS,
    RULES_SETTINGS,
)

ITEM = "项目"
POINTS = "分值"
METHOD = "方法"
PERIOD = "期间"
REMARK = "备注"
# 考核项目 columns (类别 | 项目 | 分值 | 方法 | 指标 | parameters … | 期间 | 说明)
BONUS_PER_PCT = "超额每1%加"
BONUS_CAP = "加分上限"
SHORT_PER_PCT = "短缺每1%扣"
FLOOR = "最低分"
THRESHOLD = "起评线"
STEP = "每低"
STEP_POINTS = "每档扣"
RANK_POINTS = "名次分"
SATISFIED = "满意值"
UNACCEPTABLE = "不允许值"
DIRECTION = "方向"
DEADLINE = "截止日期"
PER_DAY = "每天扣"
NOTE = "说明"
ITEM_COLUMNS = (
    CATEGORY,
    ITEM,
    POINTS,
    METHOD,
    INDICATOR,
    BONUS_PER_PCT,
    BONUS_CAP,
    SHORT_PER_PCT,
    FLOOR,
    THRESHOLD,
    STEP,
    STEP_POINTS,
    RANK_POINTS,
    SATISFIED,
    UNACCEPTABLE,
    DIRECTION,
    DEADLINE,
    PER_DAY,
    PERIOD,
    NOTE,
)
# methods
M_RATE = "完成率"
M_RANK = "名次赋分"
M_EFFICACY = "功效系数"
M_PASS = "达标"
M_DIRECT = "直接打分"
M_BONUS = "加分"
M_PENALTY = "扣分"
M_LATE = "逾期扣分"
METHODS = (M_RATE, M_RANK, M_EFFICACY, M_PASS, M_DIRECT, M_BONUS, M_PENALTY, M_LATE)
# What else staff may type in 方法 for each method (matched like unit names: spaces, width).
METHOD_ALIASES = {
    M_RATE: ("完成率法", "完成比例"),
    M_RANK: ("排名赋分", "名次", "按名次赋分"),
    M_EFFICACY: ("功效系数法",),
    M_PASS: ("达标制", "是否达标"),
    M_DIRECT: ("打分", "评分", "直接评分"),
    M_LATE: ("逾期", "按时报送", "迟报扣分"),
}
# Methods scored from a unit's 指标进度 figures (their rows are matched to items by 指标).
FIGURE_METHODS = (M_RATE, M_RANK, M_EFFICACY, M_PASS)
# Parameters (考核项目 columns) a method cannot do without, beyond 分值.
METHOD_PARAMS = {M_EFFICACY: (SATISFIED, UNACCEPTABLE), M_LATE: (DEADLINE, PER_DAY)}
LOWER_IS_BETTER = "越小越好"
LOWER_IS_BETTER_WORDS = (LOWER_IS_BETTER, "越低越好", "负向")  # 方向 cells meaning the same
HIGHER_IS_BETTER = "越大越好"
HIGHER_IS_BETTER_WORDS = (HIGHER_IS_BETTER, "越高越好", "正向")  # … and the default (blank)
DIRECTION_METHODS = (M_RATE, M_RANK, M_EFFICACY, M_PASS)  # the methods that compare figures
ANY_CATEGORY = "全部"  # a rule row with a blank 类别, as messages name it
REASON_NOT_A_COUNT = "应为非负整数"  # rule_quota_invalid reasons
REASON_SHARE_RANGE = "比例应在 0–100% 之间"
CHOICE_NUMBER = "数字"  # rule_setting_invalid: what a numeric setting accepts

# 加扣分: 单位 | 项目 | 分值 (signed) | 事由 | 依据 ; 否决: 单位 | 项目 | 事由 | 日期
REASON = "事由"
BASIS = "依据"
DATE = "日期"
ADJUSTMENT_COLUMNS = (UNIT, ITEM, POINTS, REASON, BASIS)
VETO_COLUMNS = (UNIT, ITEM, REASON, DATE)
# 等次: 等次 | 类别 | 下限 | 名额 | 比例 ; 奖项: 奖项 | 类别 | 项目 | 名额 | 下限
GRADE = "等次"
LOWER_BOUND = "下限"
QUOTA = "名额"
SHARE = "比例"
AWARD = "奖项"
GRADE_COLUMNS = (GRADE, CATEGORY, LOWER_BOUND, QUOTA, SHARE)
AWARD_COLUMNS = (AWARD, CATEGORY, ITEM, QUOTA, LOWER_BOUND)
EACH_ITEM = ("各项", "每项", "*")
# 等次's optional 范围 column: a quota of the whole town, split across the categories
GRADE_SCOPE = "范围"
TOWN_WIDE = ("全镇", "全乡", "全街道", "全部单位")
# 设置: 项目 | 值
KEY = "项目"
VALUE = "值"
S_FULL_MARKS = "满分"
S_VETO_ITEMS = "否决项目"
S_VETO_EFFECT = "否决效果"
S_TIE_BREAK = "并列规则"
S_QUOTA_ROUNDING = "名额取整"
S_QUOTA_TIE = "名额并列"
S_PERIOD_WEIGHTS = "期间权重"
S_BONUS_CAP = "加分总上限"
S_PENALTY_CAP = "扣分总上限"
S_DECIMALS = "保留小数"
S_YELLOW = "黄灯差距"
S_RED = "红灯差距"
S_SCHEDULE = "序时进度"
S_VETO_SCOPE = "否决范围"  # the awards a veto bars: blank = all, or award names
S_MISSING_PERIOD = "缺期处理"  # with 期间权重: a period without a score counts …
GAP_ZERO = "计0分"  # … as 0 in its group's mean (default), or
GAP_MEAN = "按已有期间平均"  # … is left out: the mean of the periods the unit has
SETTING_KEYS = (
    S_FULL_MARKS,
    S_VETO_ITEMS,
    S_VETO_EFFECT,
    S_TIE_BREAK,
    S_QUOTA_ROUNDING,
    S_QUOTA_TIE,
    S_PERIOD_WEIGHTS,
    S_BONUS_CAP,
    S_PENALTY_CAP,
    S_DECIMALS,
    S_YELLOW,
    S_RED,
    S_SCHEDULE,
    S_VETO_SCOPE,
    S_MISSING_PERIOD,
)
# veto effects
V_FAIL = "不合格"
V_DOWNGRADE = "降一等"
V_NO_HONOURS = "不得评先"
V_LAST = "排末位"
V_ZERO = "0分"
V_NO_HONOURS_GRADE = "不得评先评优"  # no award and never the top grade (优秀)
VETO_EFFECTS = (V_FAIL, V_DOWNGRADE, V_NO_HONOURS, V_LAST, V_ZERO, V_NO_HONOURS_GRADE)
# A unit vetoed on items of different effects takes the strongest, first here.
VETO_SEVERITY = (V_ZERO, V_FAIL, V_LAST, V_DOWNGRADE, V_NO_HONOURS_GRADE, V_NO_HONOURS)
ALL_AWARDS = ("全部奖项", "全部", "所有奖项")  # 否决范围 words for every award (the default)
VETO_NOTE = "一票否决：{effect}"  # 排名's 说明 of a vetoed unit
# quota rounding and quota-inside-a-tie rules
ROUND_DOWN = "向下"
ROUND_HALF_UP = "四舍五入"
ROUND_UP = "向上"
TIE_STRICT = "从严"  # tied units straddling a quota all get the lower grade
TIE_LENIENT = "从宽"  # … all get the higher grade (the quota is exceeded)
# 考核打分 (scores from offices): 单位 | 项目 | 得分 | 完成值 | 目标值 | 名次 | 期间 | 依据
SCORE = "得分"
PLACE = "名次"
SCORING_COLUMNS = (UNIT, ITEM, SCORE, ACTUAL_VALUE, TARGET_VALUE, PLACE, PERIOD, BASIS)
PERIOD_YEAR = "年度"
EXAMPLE_MARK = "示例数据"
# 排名 / 进度预警 cell values
YES = "是"
LIGHT_RED = "红灯"
LIGHT_YELLOW = "黄灯"
LIGHT_GREEN = "绿灯"
NO_DATA = "无数据"
TOTAL = "总分"
SHEET_RANK_ISSUES = "排名问题"
UNRANKED = "未参加排名"  # 排名's 说明 of a unit without any score, with its reason
UNRANKED_NOTE = UNRANKED + "：{reason}"
UNRANKED_NO_RETURN = "未报送回收表，也没有考核打分或加扣分记录"
UNRANKED_NO_DATA = "没有任何可计分的考核数据"

# Columns of the rank stage's sheets (得分 / 排名 / 目标达成 / 进度预警) not named above.
MAX_POINTS = "满分"
EXPLANATION = "计算依据"
SOURCE = "来源"
TIED = "并列"
GROUP_PLACE = "组内名次"
LAST_PLACE = "上年名次"
RISE = "进位"
VETO = "否决"
VETO_REASON = "否决事由"
TARGET_TEXT = "目标原文"
SCOPE = "范围"
KIND = "类型"
GUARANTEE = "保"
STRIVE = "争"
ACTUAL = "实际"
VERDICT = "判定"
SCHEDULE = "序时进度"
GAP = "差距"
LIGHT = "预警"
RANK_COLUMNS = (
    CATEGORY,
    GROUP,
    UNIT,
    TOTAL,
    PLACE,
    TIED,
    GROUP_PLACE,
    LAST_PLACE,
    RISE,
    GRADE,
    AWARD,
    VETO,
    VETO_REASON,
    NOTE,  # 说明: why a unit is not ranked (未参加排名：…), what a veto did
)
SCORE_COLUMNS = (CATEGORY, UNIT, ITEM, METHOD, MAX_POINTS, SCORE, EXPLANATION, SOURCE)
ACHIEVEMENT_COLUMNS = (
    CATEGORY,
    UNIT,
    TARGET_TEXT,
    KIND,
    SCOPE,
    GUARANTEE,
    STRIVE,
    ACTUAL,
    VERDICT,
    SOURCE,
)
WARNING_COLUMNS = (
    CATEGORY,
    UNIT,
    INDICATOR,
    TARGET_VALUE,
    ACTUAL_VALUE,
    RATE,
    SCHEDULE,
    GAP,
    LIGHT,
    SOURCE,
)
# Rows the rank stage adds to 得分 (项目 and 方法 of the row), and a capped sum's 方法 suffix.
M_WEIGHTED = "期间加权"
VETO_ROW = "一票否决"
CAPPED = "封顶"  # 加分封顶 / 扣分封顶
NO = "否"
AWARD_ON_ITEM = "{award}（{item}）"  # an award on one item: 单项奖（财政工作）
ROW_NUMBER = "第{row}行"  # where a score came from when the cell's column is unknown
# 目标达成: scopes that mean the town's own ranking, subjects that mean the overall result,
# and 外部结果 达成 words.
OWN_SCOPES = ("全镇", "本镇", "镇", "全乡", "本乡", "全镇(街)")
OVERALL_WORDS = ("综合", "年度考核", "目标考核", "总分", "考核")
ACHIEVED_WORDS = frozenset({"是", "达成", "完成", "√", "1", "TRUE", "YES"})
NOT_ACHIEVED_WORDS = frozenset({"否", "未达成", "未完成", "×", "0", "FALSE", "NO"})
# 考核打分 达标 verdicts typed by offices.
PASS_WORDS = frozenset({"达标", "是", "合格", "通过", "完成", "√", "✓", "Y", "YES"})
FAIL_WORDS = frozenset(
    {"不达标", "否", "不合格", "未达标", "未完成", "未通过", "×", "✗", "N", "NO"}
)

# --- Files and folders: the campaign folder and output file names -------------------------
FOLDER_SEND = "下发"  # blank per-unit returns to send out
FOLDER_COLLECT = "回收"  # returns dropped here, any file names
FOLDER_RESULTS = "成果"  # outputs
CAMPAIGN_FOLDERS = (FOLDER_SEND, FOLDER_COLLECT, FOLDER_RESULTS)
FOLDER_HISTORY = "历史"  # 成果/历史/<time>/: earlier outputs, kept before each replacement
HISTORY_STAMP = "%Y%m%d-%H%M%S"  # the <time> folder's name, Beijing time
TEMPLATE_MANIFEST = ".targetbook-templates.json"  # 下发/: SHA-256 of each template written
# Custom document properties of a template sent out: who it was made for, and when issued.
PROP_CAMPAIGN = "targetbook.campaign"  # 南桐镇2022年度
PROP_UNIT = "targetbook.unit"  # the registry name (blank in a category annex template)
PROP_PHASE = "targetbook.phase"  # 年初 / 年中 / 年终
PROP_ISSUED = "targetbook.issued"  # ISO time with its offset, Beijing time
TEMPLATE_PROPS = (PROP_CAMPAIGN, PROP_UNIT, PROP_PHASE, PROP_ISSUED)
PHASE_START, PHASE_MID, PHASE_END = "年初", "年中", "年终"  # 年初亮目标 → 年中亮进度 → 年终亮成果
CAMPAIGN_NAME = "{town}{year}年度"
MORE_FILES = "（另有 {n} 个）"
# The receipt register (收件登记.xlsx in the campaign folder; write/receipts.py).
RECEIPT_FILE = "收件登记.xlsx"
RECEIPT_SHEET = "收件登记"
RECEIPT_COLUMNS = ("文件", "SHA-256", "单位", "首次收到", "保存时间", "状态", "收到时间", "备注")
RECEIPT_OK = "已收"
RECEIPT_RETURN = "退回修改"  # read, with error-level issues: send it back
RECEIPT_UNREADABLE = "无法读取"
RECEIPT_SUPERSEDED = "已被新版替代"  # every unit it reported came newer in another file
RECEIPT_GONE = "已移出回收"  # no longer in the folder
# Templates from the year's baseline (templates --from; write/prefilled.py, baseline.py).
SOURCE_PHRASE = "目标原文"  # the 创先争优目标 phrase a pre-filled 指标进度 row came from
PREFILLED_NOTE = (
    "填表说明：灰色单元格是年初承诺的指标和目标值（已锁定，不得修改）；请填写 完成值、完成率、"
    "进展情况、存在问题、下步打算、佐证材料。“目标原文”无目标值的行，请在 进展情况 中说明。"
    "新增指标请填在下方空白行。"
)
# 催报 (status): who still owes a return (write/reminders.py; `targetbook status`).
REMINDER_FILE = "催报.xlsx"
SHEET_REMINDERS = "催报"
REMINDER_COLUMNS = ("类别", "单位", "考核组", "事项", "时限或文件", "说明")
PARAM_DEADLINE = "截止日期"  # 参数: the last day a return is on time
PARAM_BASELINE = "基准汇总"  # 参数: the year's baseline (年初汇总.xlsx), relative to the folder
STATUS_TITLE = "催报（{as_of}）：截止日期 {deadline}，{when}"
STATUS_MISSING = "未报送"
STATUS_DAYS_LEFT = "还剩 {days} 天"
STATUS_DUE_TODAY = "今天截止"
STATUS_OVERDUE = "已逾期 {days} 天"
STATUS_NO_DEADLINE = "未设截止日期"
# How staff type a time (收到时间), besides a date/time cell and ISO text.
TIME_TEXT_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M",
    "%Y年%m月%d日",
    "%Y.%m.%d",
)
CONTROL_WORKBOOK = "控制台.xlsm"
REGISTRY_FILE = "单位名录.xlsx"
CONSOLIDATED_FILE = "汇总.xlsx"
CHECK_REPORT_FILE = "校验报告.xlsx"
RANKED_FILE = "排名.xlsx"
RULES_FILE = "考核细则.xlsx"
BULLETIN_STEM = "通报"  # 通报.docx / 通报.html
EXAMPLE_DATA = EXAMPLE_MARK  # marks invented figures in the demo (one mark, two names)

# --- Sheets, columns and words: 汇总 extras and the templates sent out ----------------------
SHEET_UNMATCHED = "未识别单位"  # plan rows whose unit is blank or not in the registry
MISSING_COLUMNS = (CATEGORY, UNIT, GROUP)
DUPLICATE_COLUMNS = (UNIT, "报送文件", "保留文件", "表格")
PARAM_COLUMNS = ("项目", "值")
ANNEX_LABEL = "附件{n}"
TEMPLATE_PLAN_SHEET = "目标计划"
TEMPLATE_SUFFIX = "创先争优目标和亮点工作计划"  # annex template file names
TEMPLATE_NOTE_PLAN = (
    "填表说明：请在本表填写本单位创先争优目标和亮点工作计划，多项内容请按“1. …；2. …”分行填写；"
    "不要修改表头和单位名称，无内容请注明“无”。"
)
TEMPLATE_NOTE_ROWS = (
    "填表说明：每行填写一项，“单位”请从下拉列表选择；数值可写“5万元”“97.19%”等；"
    "不要修改表头，不用的行保持空白。"
)
TEMPLATE_MEASURES = ("万元", "亿元", "元", "%", "个", "家", "户", "人", "项", "名", "亩", "公里")
PAGE_FOOTER = "&C第 &P 页，共 &N 页"
YEAR_SUFFIX = "年度"  # 南桐镇2022年度指标进度: the printed title of a list sheet

# --- Sheets and params: the control workbook 控制台.xlsm (the Excel door) --------------------
SHEET_GUIDE = "说明"
# the 说明 line stamping the targetbook version the workbook is built for (excel/stamp.py)
GUIDE_VERSION = "本控制台适用于 targetbook {version}"
SHEET_LOG = "日志"
SHEET_XLWINGS_CONF = "xlwings.conf"  # read by xlwings' VBA (interpreter, PYTHONPATH …)
PARAM_SEND_DIR = "下发文件夹"
PARAM_COLLECT_DIR = "回收文件夹"
PARAM_RESULTS_DIR = "成果文件夹"
PARAM_PREVIOUS = "上年排名文件"  # optional: last year's 排名.xlsx (进位)
PARAM_SCORES = "打分文件"  # optional: offices' 考核打分 workbook
LOG_COLUMNS = ("时间", "按钮", "结果", "说明")
SCORING_FILE = "考核打分.xlsx"  # offices' scores beside the control workbook (optional)

# --- Words: message fragments of validation -----------------------------------------------
UNIT_HINT = "，是否为“{}”？"  # appended to unit_unknown when a close registry name exists
RANGE_NEGATIVE = "不应为负数"  # value_out_of_range reason

# --- Words: target verdicts and kinds (目标达成) ----------------------------------------------
# Verdicts of a target against actual results (目标达成 sheet, column 判定).
VERDICT_STRIVE = "达成争"
VERDICT_GUARANTEE = "达成保"
VERDICT_MET = "达成"
VERDICT_NOT_MET = "未达成"
VERDICT_PENDING = "待认定"
VERDICTS = (VERDICT_STRIVE, VERDICT_GUARANTEE, VERDICT_MET, VERDICT_NOT_MET, VERDICT_PENDING)
# Target kinds (Target.kind) as shown to staff (目标达成 sheet, column 类型).
TARGET_KIND_NAMES = {
    "rank": "名次",
    "rank_change": "进位",
    "grade": "等次",
    "rate": "比率",
    "count": "数量",
    "amount": "金额",
    "zero": "零发生",
    "honour": "荣誉",
    "manual": "需人工认定",
}

# --- Words: template titles, 来源 and fonts of the workbooks we write -----------------------
TEMPLATE_KIND_TITLE = "{category}{year}年度{name}"  # 村2022年度指标进度 (template sheet titles)
SOURCE_UNITS = "报送单位"  # 来源: units each file reported (after SOURCE_COLUMNS)
YEAR_IN_TITLE = r"((?:19|20)\d{2})\s*年"  # 村2022年度指标进度: the year a return's title names
FONT_BODY = "宋体"  # workbook fonts (as in the seed notice's annex tables)
FONT_HEADING = "黑体"

# --- Columns: the 外部结果 sheet (results from outside, for 目标达成) -----------------------------
NUMBER = "数值"
ACHIEVED = "达成"
EXTERNAL_COLUMNS = (UNIT, ITEM, SCOPE, PLACE, NUMBER, GRADE, ACHIEVED)

# --- Columns: cell-level provenance of numeric columns (指标进度 …) ---------------------------
# 来源列: the return's column letter of each numeric column, `目标值=D;完成值=E;完成率=F`,
# so a score traces to the cell (回收/x.xlsx!指标进度!E7), not only to the row.
SRC_COLUMNS = "来源列"

# --- Words: footer lines under a table of a return ----------------------------------------
# A row whose first filled cell starts with one of these is the form's sign-off, not data.
FOOTER_MARKERS = (
    "填表人",
    "填报人",
    "制表人",
    "联系人",
    "联系电话",
    "审核人",
    "填报日期",
    "填表日期",
    "单位负责人",
    "负责人",
)

# --- validate: magnitudes of a 计量单位 (万人, 亿元) and money (千元) -----------------------
MAGNITUDE_CHARS = "万亿萬億"
YUAN = "元"

# --- excel: button captions named in messages ("请先点“汇总”") ------------------------------
BUTTON_CONSOLIDATE = "汇总"
BUTTON_RANK = "计算排名"

# --- punctuation that joins words and clauses in messages and cells ----------------------
LIST_SEP = "、"  # 温塘村、石桥村
CLAUSE_SEP = "；"  # one clause; the next

# --- errors: how a fatal error is shown on stderr ------------------------------------------
FATAL_PREFIX = "错误："
