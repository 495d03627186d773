"""Target phrases (创先争优目标) → structured targets; achievement against actual results.

parse_target("政务信息工作全区镇街排名保2争1、区考核组排名第1。") gives two rank targets;
judge(target, Actual(rank=2)) gives 达成保; parse_targets_frame turns an annex frame into
one row per target. What the parser does not understand is a `manual` target (需人工认定).
"""

from targetbook.targets.frame import FRAME_COLUMNS, TARGET_NO, manual_issues, parse_targets_frame
from targetbook.targets.judge import grade_level, judge
from targetbook.targets.model import (
    AMOUNT,
    COMPARATORS,
    COUNT,
    GRADE,
    HONOUR,
    KINDS,
    MANUAL,
    RANK,
    RANK_CHANGE,
    RATE,
    TARGET_FIELDS,
    ZERO,
    Actual,
    Target,
)
from targetbook.targets.parse import parse_target, target_spans

__all__ = [
    "AMOUNT",
    "COMPARATORS",
    "COUNT",
    "FRAME_COLUMNS",
    "GRADE",
    "HONOUR",
    "KINDS",
    "MANUAL",
    "RANK",
    "RANK_CHANGE",
    "RATE",
    "TARGET_FIELDS",
    "TARGET_NO",
    "ZERO",
    "Actual",
    "Target",
    "grade_level",
    "judge",
    "manual_issues",
    "parse_target",
    "parse_targets_frame",
    "target_spans",
]
