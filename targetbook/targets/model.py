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

    rank: guarantee/strive are the worst acceptable ranks (保2争1 → 2, 1; 第1 → 1, 1;
    力争前三 → None, 3); value is the rank that must be reached (guarantee, else strive).
    rank_change: guarantee/strive are places gained (进位1-2名 → 1, 2).
    grade: value/guarantee/strive are levels (1 = 优秀 or 一等奖), unit 等次 or 等奖.
    count: a range (1-2个) gives guarantee = low, strive = high, value = low.
    manual: only `text` is set (需人工认定).
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
