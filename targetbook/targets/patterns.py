"""Compiled patterns of target phrases (on text folded by numbers.fold_chars).

Chinese here is data: the words of real 创先争优目标 (seed 000 annexes, seed 004 plans).
Each pattern matches the measurable part of a target; the text before it is the subject.
"""

from __future__ import annotations

import re

from targetbook.targets import model as M

CN = "零〇一二两三四五六七八九十百千"
NUM = rf"(?:\d+|[{CN}]+)"  # ranks and places: whole numbers
NUMD = rf"(?:\d+(?:\.\d+)?|[{CN}]+)"  # quantities may be decimals
RANGE = r"[-~～—–至到]"

# Scopes, longest first (alternation takes the first that matches).
SCOPE = (
    r"(?:区考核组|考核组"
    r"|(?:全区|全市|全县)各?镇\(?街(?:道)?\)?"
    rf"|[{CN}\d]+个镇\(?街(?:道)?\)?"
    r"|全街道|全区|全市|全县|全省|全国|全镇|全乡|全街)"
)
SCOPE_PREFIX = rf"(?:在?(?P<scope>{SCOPE})(?:综合考核|考核)?(?:中|内|范围内)?)?"
# words between the scope and the level: 排名 / 位于 / 升至 …
RANK_VERB = (
    r"(?:考核)?(?:排名|排位|排序|名次)?"
    r"(?:位于|位居|居于|居|进入|升至|升到|上升至|上升到|保持|达到|取得|获得|实现|为|在)?"
    r"(?:并列)?"
)
# the level must end the word: 第一 is a rank, 第一方阵 / 第三批 / 前三季度 are not
# (and is no number: 力争80% is a rate, 前10% a percentile)
# A rank may also run straight into the next target: 保5争3进位2名, 第1力争进位.
END = r"(?=$|[^\w%.\-~]|的|和|、|进位|力争|确保|争取)"
LEVEL = (
    rf"(?:保第?(?P<g>{NUM})[名位]?争第?(?P<s>{NUM})[名位]?"
    rf"|第(?P<r1>{NUM}){RANGE}第?(?P<r2>{NUM})[名位]"  # 第1-2名: 保2争1
    rf"|前?(?P<w>{NUM})[名位]以内"
    rf"|第(?P<u>{NUM})[名位]?及?以上"  # 以上 / 以内 include the number
    rf"|(?:超过|高于|优于)第?(?P<x>{NUM})[名位]?"  # 超过 excludes it: 超过第5名 → ≤ 4
    rf"|(?:不低于|不差于|不落后于)第?(?P<y>{NUM})[名位]?"
    rf"|(?:前|(?<=排名))(?P<r3>{NUM}){RANGE}(?P<r4>{NUM})[名位]"  # 前3-5名: 保5争3
    rf"|前(?P<f>{NUM})[名位强]?(?:及?以上|以内)?"  # 前三名以上: within the first three
    rf"|第(?P<o>{NUM})[名位]?"
    rf"|(?<![力竞斗])争第?(?P<s2>{NUM})[名位]?"  # 争第一, not 力争 / 竞争
    rf"|(?<![确力担环])保第?(?P<g2>{NUM})[名位]?"  # 保三, not 确保 / 力保 / 担保
    rf"|(?<=排名)(?P<b>{NUM})[名位]?)"  # 全市排名8
)
RANK_RX = re.compile(SCOPE_PREFIX + RANK_VERB + LEVEL + END)

RANK_CHANGE_RX = re.compile(
    SCOPE_PREFIX + rf"(?:争先)?(?:进位|前进|上升|提升|提高)(?P<a>{NUM})(?:{RANGE}(?P<b>{NUM}))?个?"
    r"(?:名次|位次|名|位)(?:及?以上)?"  # 进位3名以上: at least 3 places
)

GRADE_WORDS = "基本合格|基本称职|不合格|不称职|优秀|良好|合格|称职|达标"
GRADE_RX = re.compile(
    SCOPE_PREFIX
    + r"(?:考核)?(?:结果)?(?:被评为|评为|获评|获得|达到|为|是)?"
    + rf"(?P<grade>{GRADE_WORDS})(?:等次|等级|档次)(?:及?以上)?"
)
GRADE_BARE_RX = re.compile(  # 考核优秀 / 评为优秀 without 等次
    SCOPE_PREFIX
    + r"(?:考核(?:结果|等次|等级)?|被评为|评为|获评)(?:为|是|达到)?"
    + rf"(?P<grade>{GRADE_WORDS})(?:及?以上)?(?=$|[^\w]|的)"
)
AWARD_RX = re.compile(
    SCOPE_PREFIX
    + rf"(?P<cls>{NUM}类(?:单位|地区|乡镇)?)?(?:获得|荣获|获)?(?P<award>特等奖|{NUM}等奖|优秀奖)"
)

HONOUR_RX = re.compile(
    SCOPE_PREFIX + r"(?:获得|获评|评为|荣获)?"
    r"(?P<level>(?:国家|省|市|区|县)级(?:及?以上)?)?"  # 市级先进集体: the level is its scope
    r"(?P<honour>榜上有名|先进集体|先进单位|先进个人|优胜单位|优胜奖|先进奖|示范单位)"
    r"(?:荣誉)?(?:称号)?"
)

ZERO_RX = re.compile(
    r"(?:零(?:发生|增长|事故|伤亡|投诉|上访|案件|新增)|不发生|不出现|未发生|无新增|杜绝"
    # 无重大安全事故发生 / 无安全事故: the 无 is the target, the words after it its subject
    r"|无(?=[^\s,、;:和及与]{1,12}?发生)"
    r"|无(?=(?:重大|较大|一般)?(?:安全生产|安全|交通|刑事|治安|群体性)?(?:事故|命案|案件|事件)(?:$|[^\w]))"
    r"|为零|为0(?![\d.%‰]))"  # 越级访为零
)

# Vague tiers are never guessed: they become manual targets (需人工认定).
VAGUE_RX = re.compile(
    SCOPE_PREFIX + r"(?:排名|排位)?(?:位于|位居|居于|居|进入|走在|保持|达到|力争)?"
    rf"(?:前列|靠前|第一方阵|第一梯队|前茅|领先地位|领先|最低|最高|先进行列|争先进位|前{NUMD}%)"
)

CMP_PRE = (
    r"(?P<pre>不得低于|不得少于|不得超过|不得高于"
    r"|不低于|不少于|不超过|不高于|不足|不满|至少|超过|高于|多于|低于|少于"
    r"|控制在|保持在|提高到|提高至|提升到|提升至|达到|达|为)"
)
CMP_POST = r"(?P<post>及以上|以上|及以下|以下|以内)"
RATE_RX = re.compile(rf"{CMP_PRE}?(?P<num>{NUMD})(?P<pct>%|‰|个百分点){CMP_POST}?")
COUNT_UNITS = (
    "平方米|公里|千米|人次|户次|个|家|户|名|人|场|次|项|座|所|处|条|件|套|栋|幢|亩|米|吨|台|辆|篇|本|支"
    "|间|张|份|宗|例|株|棵|起|批"
)
COUNT_RX = re.compile(
    rf"{CMP_PRE}?(?P<num>{NUMD})(?:{RANGE}(?P<hi>{NUMD}))?(?P<mult>万|千)?"
    rf"(?P<unit>{COUNT_UNITS})(?!月|工作日|小时|季度)"  # 3个月 is a duration
    rf"{CMP_POST}?"
)
AMOUNT_RX = re.compile(
    rf"{CMP_PRE}?(?P<num>{NUMD})(?:(?P<mult>千万|百万|万|亿)个?元|个?(?P<yi>亿)|元)"
    rf"{CMP_POST}?"
)

# (kind, pattern, priority, triggers): at the same start the longer match wins, then the
# lower priority. A pattern is tried only on clauses holding one of its trigger characters
# (every match contains one): that keeps 10,000 phrases well under a second.
PATTERNS = (
    (M.RANK_CHANGE, RANK_CHANGE_RX, 0, frozenset("名位")),
    (M.RANK, RANK_RX, 1, frozenset("第前保争以排超高优低差落")),
    (M.GRADE, AWARD_RX, 2, frozenset("奖")),
    (M.GRADE, GRADE_RX, 3, frozenset("等档")),
    (M.GRADE, GRADE_BARE_RX, 4, frozenset("优良合称达基不")),
    (M.HONOUR, HONOUR_RX, 5, frozenset("榜先优示")),
    (M.MANUAL, VAGUE_RX, 6, frozenset("前靠第领最先争")),
    (M.ZERO, ZERO_RX, 7, frozenset("零不未无杜为")),
    (M.RATE, RATE_RX, 8, frozenset("%‰百")),
    (M.AMOUNT, AMOUNT_RX, 9, frozenset("元亿")),
    (M.COUNT, COUNT_RX, 10, frozenset(u[0] for u in COUNT_UNITS.split("|"))),
)

# Kinds whose number may qualify a noun (`超过10万元的村`): followed by 的, not a target.
QUALIFIABLE = frozenset({M.RATE, M.COUNT, M.AMOUNT})
QUALIFIER_RX = re.compile(r"的(?!目标|任务)")
ORDINAL = "第"
AWARD_LEVEL_RX = re.compile(rf"(?P<n>{NUM})等奖")  # 一等奖 / 1等奖 → the award's level
# A 名次 cell of a hand-made ranking: 3, 第3名, 并列第1名, 第一名, 第十一名.
PLACE_CELL_RX = re.compile(rf"第?\s*({NUM})\s*名?")
# Kinds that quantify a noun when another target follows in the clause (`一个示范点进入前10名`,
# `5亿元企业5家`); 和 / 及 / 与 join two targets instead.
QUANTIFYING = frozenset({M.COUNT, M.AMOUNT})
CONJUNCTIONS = frozenset("和及与、")
# 年度考核优秀等次: the pattern takes 考核, the subject keeps it after these words
OVERALL_RX = re.compile(r"(?:年度|综合|年终|目标)$")
ASSESSMENT = "考核"
# A bare 一 counts only with these measure words (一个, 一次 …).
ONE = "一"  # 一家亲: the numeral that is more often an idiom than a count
ONE_UNITS = frozenset({"个", "次", "场", "支", "项", "名", "户", "处", "座"})
# Kinds whose following words belong to the subject (`新培育1家区级餐饮品牌`, `不发生命案`).
ABSORBING = frozenset({M.RATE, M.COUNT, M.AMOUNT, M.ZERO})
# Kinds that take a missing scope from the target before them (`全区第3，力争第1`).
PLACED = frozenset({M.RANK, M.RANK_CHANGE})
# Kinds for which a scope or a 力争/确保 earlier in the clause applies.
RANKISH = frozenset({M.RANK, M.RANK_CHANGE, M.GRADE, M.HONOUR})

# a scope found in a subject, removed from it with its 在 … 中
SCOPE_RX = re.compile(rf"在?(?P<scope>{SCOPE})(?:综合考核|考核)?(?:中|内|范围内)?")
STRIVE_RX = re.compile(r"力争|争取|争创|努力|力促|冲刺")
GUARANTEE_RX = re.compile(r"确保|力保|保证|务必|必须")

SENTENCE_RX = re.compile(r"[\n;。!?]")
CLAUSE_RX = re.compile(r"[,:](?!\d)")
# item numbers at the start of a clause: 1. / 1、 / (1) / ①; not 1.5万亩
MARKER_RX = re.compile(rf"\s*(?:\d+[.、](?!\d)|\(\d+\)|[①-⑳]|[{CN}]{{1,3}}是(?=.))\s*")
NONE_WORDS = frozenset({"无", "暂无", "无目标", "没有"})
SEPARATORS = frozenset(" \t\r\n\u3000、,;。.:!?")

LEADING_RX = re.compile(
    r"^(?:\d{4}年度?|确保|力争|争取|争创|力保|努力|实现|继续保持|保持|全年|年底|年内|本年度|今年|继续|并且)"
)
TRAILING_RX = re.compile(
    # 年度考核 / 综合考核 are what is measured (the overall assessment): kept whole
    r"(?:社区排名|村排名|镇街排名|(?<!年度|综合|年终|目标)考核中?|排名|排位|名次|位于|位居|居于|居|进入"
    r"|取得|获得|实现|达到|力争|确保|争取|发生|中|在)$"
)

GRADE_LEVELS = {
    "优秀": 1,
    "良好": 2,
    "合格": 3,
    "称职": 3,
    "达标": 3,
    "基本合格": 4,
    "基本称职": 4,
    "不合格": 5,
    "不称职": 5,
}
AWARD_LEVELS = {"特等奖": 0, "一等奖": 1, "二等奖": 2, "三等奖": 3, "优秀奖": 4}
GRADE_UNIT = "等次"
AWARD_UNIT = "等奖"
RANK_UNIT = "名"
RATE_UNITS = {"%": "%", "‰": "‰", "个百分点": "百分点"}
YUAN = "元"

EQUALS = "为"
COMPARATOR_WORDS = {
    "超过": ">",
    "高于": ">",
    "多于": ">",
    "低于": "<",
    "少于": "<",
    "不足": "<",
    "不满": "<",
    "不超过": "<=",
    "不得超过": "<=",
    "不得高于": "<=",
    "不高于": "<=",
    "控制在": "<=",
    "以内": "<=",
    "以下": "<=",
    "及以下": "<=",
}

# --- what the grammar does not understand: the whole clause goes to a person ---------------
# A negation a pattern did not take as its own word (不低于 as a comparator, 不发生 as a
# zero target) turns the target round: 不出现在倒数后三名 is no count of three, 不得低于
# no "below". 倒数 / 末位 / 后三名 count from the bottom. Words that only look negative
# (不断, 不动产, 未成年人, 无障碍) are left alone.
NEGATION_RX = re.compile(
    r"不(?!断|动产|忘|折不扣|稳定|良)|未(?!来|成年)|没有|无(?!人机|障碍|偿|线)"
    rf"|杜绝|避免|防止(?!返贫)|严禁|禁止|倒数|末位|末尾|后(?={NUM}[名位])"
)
# A figure measured against a moving reference (高于全区平均增速2个百分点, 超过卧龙镇2亿元)
# or per period / per unit (每季度至少召开一次) is no plain target figure either.
RELATIVE_RX = re.compile(r"高于|低于|超过|超出|高出|优于|快于|好于|领先|每")
# An approximate figure (约1500万元, 1500万元左右, 近千万) is no target figure.
APPROX_BEFORE_RX = re.compile(r"(?:约|大约|大概|近|将近|接近|逾)$")
APPROX_AFTER_RX = re.compile(r"左右|上下|开外")
# A count in 名 right after these words is a place, not people (前三名以上, 排名3-5名).
PLACE_BEFORE_RX = re.compile(r"(?:前|后|排名|排位|名次|倒数|位居|位列)$")
PLACE_UNITS = frozenset({"名", "位"})
