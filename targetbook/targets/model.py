"""Targets as plain data: Target (one measurable target of a phrase) and Actual (a result)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

RANK = "rank"
RANK_CHANGE = "rank_change"
GRADE = "grade"
RATE = "rate"
COUNT = "count"
AMOUNT = "amount"
ZERO = "zero"
HONOUR = "honour"
MANUAL = "manual"
KINDS = (RANK, RANK_CHANGE, GRADE, RATE, COUNT, AMOUNT, ZERO, HONOUR, MANUAL)

# Comparators: ranks and grade levels are "<=" (smaller is better); "<" only for 低于/不足/不满.
COMPARATORS = (">=", "<=", "=", ">", "<")


@dataclass(frozen=True, slots=True)
class Target:
    """One measurable target found in a 创先争优目标 phrase; `text` is the span it came from.

    rank: guarantee / strive are the worst acceptable ranks and comparator is always "<="
    (第1 is rank <= 1, the same as = 1): 保2争1 → 2, 1; 第1 / 前三 / 确保前三 → n, n (a
    firm target); 力争前三 / 争第一 → None, n (only strived for); value is the rank that
    must be reached (guarantee, else strive). 以内 / 以上 include the number, 超过 excludes
    it (超过第5名 → 4). scope is the words as written (区考核组, 全区镇街, 十个镇(街));
    `社区排名全镇` is scope 全镇 (the category ranking already is among communities).
    rank_change: places gained, comparator ">=" (进位1-2名 → 1, 2; 力争进位2个名次 → None, 2).
    grade: levels, 1 = best, comparator "<=": unit 等次 (优秀 1, 良好 2, 合格 3 …) or 等奖
    (一等奖 1 …; 一类单位 goes into scope).
    rate / count / amount: value in base units (%, the measure word, 元: 5万元 → 50000);
    a count range (1-2个) gives guarantee = low, strive = high, value = low.
    zero: comparator "=", value 0. honour: scope only (全区, or a level: 市级; pass/fail,
    a person confirms). manual: only `text` is set (需人工认定): vague tiers (前列, 第一方阵,
    全区最低), anything no pattern explains, and a whole clause only partly understood (a
    negation, words left after its target, an estimate) — never half a parse.
    subject: the words before the target (modifiers such as 确保 / 力争 and 考核 / 排名
    dropped); empty → the previous target's of the same sentence, and so is a rank's missing
    scope (`全区第3，力争第1`).
    """

    text: str
    kind: str
    subject: str | None = None
    scope: str | None = None
    guarantee: int | None = None
    strive: int | None = None
    comparator: str | None = None
    value: int | float | None = None
    unit: str | None = None

    def to_dict(self) -> dict:
        """The target as JSON-ready data (the `parse-target --json` record)."""
        return asdict(self)


TARGET_FIELDS = tuple(f.name for f in fields(Target))


@dataclass(frozen=True, slots=True)
class Actual:
    """An actual result to judge a target against; None fields are unknown.

    rank: this year's rank in the target's scope; previous_rank: last year's (for 进位);
    value: a rate / count / amount in the target's unit (or places gained, or occurrences
    for a zero target); grade: 优秀 / 一等奖 …; achieved: a person's verdict for honour
    lists and manual targets (外部结果).
    """

    rank: int | None = None
    value: float | None = None
    grade: str | None = None
    previous_rank: int | None = None
    achieved: bool | None = None

    @classmethod
    def from_mapping(cls, data: dict) -> Actual:
        """Build from a dict with the same keys (unknown keys are ignored)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})
