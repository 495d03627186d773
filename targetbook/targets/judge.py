"""judge: a Target against an Actual → 达成争 / 达成保 / 达成 / 未达成 / 待认定."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping

from targetbook import labels as L
from targetbook.targets import model as M
from targetbook.targets import patterns as P
from targetbook.targets.numbers import fold_chars, to_number

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "=": operator.eq,
    ">": operator.gt,
    "<": operator.lt,
}
_AWARD_RX = P.AWARD_LEVEL_RX


def judge(target: M.Target, actual: M.Actual | Mapping | None) -> str:
    """The verdict of `target` given `actual` (None, or no usable figure → 待认定)."""
    if actual is None:
        return L.VERDICT_PENDING
    if isinstance(actual, Mapping):
        actual = M.Actual.from_mapping(actual)
    verdict = _JUDGES.get(target.kind, _by_person)(target, actual)
    return verdict if verdict is not None else _by_person(target, actual)


def _known(x: object) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def _by_person(target: M.Target, actual: M.Actual) -> str:
    """Honour lists and manual targets need a person's verdict (外部结果 achieved)."""
    if not _known(actual.achieved):
        return L.VERDICT_PENDING
    return L.VERDICT_MET if actual.achieved else L.VERDICT_NOT_MET


def _by_levels(x: float, target: M.Target, ok: Callable[[float, float], bool]) -> str:
    """保/争 levels: reaching strive → 达成争, guarantee only → 达成保; a single level → 达成."""
    g, s = target.guarantee, target.strive
    if g is None:
        return L.VERDICT_STRIVE if ok(x, s) else L.VERDICT_NOT_MET
    if s is None or g == s:
        return L.VERDICT_MET if ok(x, g) else L.VERDICT_NOT_MET
    if ok(x, s):
        return L.VERDICT_STRIVE
    return L.VERDICT_GUARANTEE if ok(x, g) else L.VERDICT_NOT_MET


def _rank(target: M.Target, actual: M.Actual) -> str | None:
    if not _known(actual.rank):
        return None
    return _by_levels(actual.rank, target, operator.le)


def _rank_change(target: M.Target, actual: M.Actual) -> str | None:
    if _known(actual.rank) and _known(actual.previous_rank):
        gained = actual.previous_rank - actual.rank
    elif _known(actual.value):
        gained = actual.value  # places gained, entered from outside
    else:
        return None
    return _by_levels(gained, target, operator.ge)


def grade_level(grade: str, unit: str | None) -> int | None:
    """`优秀` → 1 (等次), `一等奖` / `1等奖` → 1 (等奖); None if not on the target's scale."""
    word = fold_chars(str(grade)).strip()
    if unit == P.AWARD_UNIT:
        if word in P.AWARD_LEVELS:
            return P.AWARD_LEVELS[word]
        m = _AWARD_RX.fullmatch(word)
        return to_number(m["n"]) if m else None
    return P.GRADE_LEVELS.get(word)


def _grade(target: M.Target, actual: M.Actual) -> str | None:
    if not _known(actual.grade):
        return None
    level = grade_level(actual.grade, target.unit)
    return None if level is None else _by_levels(level, target, operator.le)


def _quantity(target: M.Target, actual: M.Actual) -> str | None:
    if not _known(actual.value) or target.value is None:
        return None
    g, s = target.guarantee, target.strive
    if g is not None and s is not None and g != s:
        return _by_levels(actual.value, target, operator.ge)  # a range: 选树1-2个
    ok = _OPS[target.comparator or ">="](actual.value, target.value)
    return L.VERDICT_MET if ok else L.VERDICT_NOT_MET


def _zero(target: M.Target, actual: M.Actual) -> str | None:
    if not _known(actual.value):
        return None
    return L.VERDICT_MET if actual.value == 0 else L.VERDICT_NOT_MET


_JUDGES = {
    M.RANK: _rank,
    M.RANK_CHANGE: _rank_change,
    M.GRADE: _grade,
    M.RATE: _quantity,
    M.COUNT: _quantity,
    M.AMOUNT: _quantity,
    M.ZERO: _zero,
}
