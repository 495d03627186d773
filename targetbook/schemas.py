"""pandera models, one per annex kind, and the one table mapping pandera's reasons to ours.

The models check a *check frame* built by validate.py: text columns hold the cleaned text
or None when blank (so pandera's `not_nullable` finds blanks), numeric columns hold the
parsed float, or an `Unparsed` marker that no dtype coercion can turn into a number (so
pandera's `coerce_dtype('float64')` finds it), and `类别` holds the registry category or
None when the unit is unknown. Text columns are typed `Any`: pandas 2 stores text as
object and pandas 3 as `str`, and the dtype says nothing about a return's validity.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from targetbook import labels
from targetbook.labels import parsed


class Unparsed:
    """A cell text that is not a number: fails float coercion whatever the text says."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


# A cell longer than this is a paste accident (a whole report in one cell), not a target.
MAX_TEXT_LENGTH = 1000

# Free-text columns of each kind (序号 is a number-ish label, not free text).
TEXT_COLUMNS = {
    kind: tuple(c for c in columns if c != labels.SEQ)
    for kind, columns in labels.KIND_COLUMNS.items()
}


def _shown(series: pd.Series) -> list[str]:
    """Each cell as `astype(str)` shows it, over an object array (pandas' `str` accessor
    runs a Python call per cell: 280,000 cells per 1,000 returns)."""
    return list(map(str, series.to_numpy(dtype=object)))  # str(text) is the text itself


def _no_formula(series: pd.Series) -> pd.Series:
    # Text from a return that starts with "=" would become a formula if written naively.
    shown = _shown(series)
    if "=" not in "".join(shown):  # the common case: no "=" anywhere in the column
        return pd.Series(True, index=series.index)
    return pd.Series([not v.startswith("=") for v in shown], index=series.index, dtype=bool)


def _not_too_long(series: pd.Series) -> pd.Series:
    shown = _shown(series)
    if max(map(len, shown), default=0) <= MAX_TEXT_LENGTH:  # the common case
        return pd.Series(True, index=series.index)
    lengths = np.fromiter(map(len, shown), dtype=np.int64, count=len(shown))
    return pd.Series(lengths <= MAX_TEXT_LENGTH, index=series.index)


def _text_checks(kind: str):
    """The no_formula and not_too_long checks on `kind`'s free-text columns, for a model body."""

    def no_formula(cls, series: pd.Series) -> pd.Series:
        return _no_formula(series)

    def not_too_long(cls, series: pd.Series) -> pd.Series:
        return _not_too_long(series)

    columns = TEXT_COLUMNS[kind]
    return (
        pa.check(*columns, name="no_formula")(no_formula),
        pa.check(*columns, name="not_too_long")(not_too_long),
    )


class _Common(pa.DataFrameModel):
    """Columns every kind has: the unit, and its registry category when a registry is given."""

    unit: Series[Any] = pa.Field(alias=labels.UNIT, nullable=False)
    # Present only when validating against a registry: None = unit not in the registry.
    category: Series[Any] = pa.Field(alias=labels.CATEGORY, nullable=False, required=False)

    class Config:
        strict = False
        coerce = False


class PlanSchema(_Common):
    """目标计划 (seed 000): 序号 | 单位 | 创先争优目标 | 亮点工作计划."""

    seq: Series[Any] = pa.Field(alias=labels.SEQ, nullable=True)
    target: Series[Any] = pa.Field(alias=labels.TARGET, nullable=False)
    plan: Series[Any] = pa.Field(alias=labels.PLAN, nullable=False)

    no_formula, not_too_long = _text_checks(labels.PLAN_KIND)


class ProgressSchema(_Common):
    """指标进度: 单位 | 指标 | 计量单位 | 目标值 | 完成值 | 完成率 | 进展情况 | … | 佐证材料."""

    indicator: Series[Any] = pa.Field(alias=labels.INDICATOR, nullable=False)
    measure: Series[Any] = pa.Field(alias=labels.MEASURE, nullable=True)
    target_value: Series[Any] = pa.Field(alias=labels.TARGET_VALUE, nullable=True)
    actual_value: Series[Any] = pa.Field(alias=labels.ACTUAL_VALUE, nullable=True)
    rate: Series[Any] = pa.Field(alias=labels.RATE, nullable=True)
    target_number: Series[float] = pa.Field(
        alias=parsed(labels.TARGET_VALUE), nullable=True, coerce=True
    )
    actual_number: Series[float] = pa.Field(
        alias=parsed(labels.ACTUAL_VALUE), nullable=True, coerce=True
    )
    rate_number: Series[float] = pa.Field(
        alias=parsed(labels.RATE), nullable=True, coerce=True, ge=0
    )
    progress: Series[Any] = pa.Field(alias=labels.PROGRESS_TEXT, nullable=True)
    problems: Series[Any] = pa.Field(alias=labels.PROBLEMS, nullable=True)
    next_steps: Series[Any] = pa.Field(alias=labels.NEXT_STEPS, nullable=True)
    evidence: Series[Any] = pa.Field(alias=labels.EVIDENCE, nullable=True)

    no_formula, not_too_long = _text_checks(labels.PROGRESS_KIND)


class BenchmarkSchema(_Common):
    """对标管理 (seed 004): 单位 | 对标对象 | 对标项目 | 赶超标准."""

    peer: Series[Any] = pa.Field(alias=labels.PEER, nullable=False)
    peer_item: Series[Any] = pa.Field(alias=labels.PEER_ITEM, nullable=True)
    peer_standard: Series[Any] = pa.Field(alias=labels.PEER_STANDARD, nullable=True)

    no_formula, not_too_long = _text_checks(labels.BENCHMARK_KIND)


class FeatureSchema(_Common):
    """特色工作: 单位 | 特色项目 | 特色内容."""

    feature: Series[Any] = pa.Field(alias=labels.FEATURE_ITEM, nullable=False)
    content: Series[Any] = pa.Field(alias=labels.FEATURE_CONTENT, nullable=True)

    no_formula, not_too_long = _text_checks(labels.FEATURE_KIND)


SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    labels.PLAN_KIND: PlanSchema,
    labels.PROGRESS_KIND: ProgressSchema,
    labels.BENCHMARK_KIND: BenchmarkSchema,
    labels.FEATURE_KIND: FeatureSchema,
}

_PARSED = tuple(parsed(c) for c in labels.NUMERIC_COLUMNS)

# THE table: pandera's failure (check name prefix, columns or None for any) → our rule id.
# First match wins.
FAILURE_RULES: tuple[tuple[str, tuple[str, ...] | None, str], ...] = (
    ("column_in_dataframe", None, "column_missing"),
    ("coerce_dtype", _PARSED, "not_a_number"),
    ("dtype", _PARSED, "not_a_number"),
    ("not_nullable", (labels.UNIT,), "unit_blank"),
    ("not_nullable", (labels.CATEGORY,), "unit_unknown"),
    ("not_nullable", None, "cell_blank"),
    ("field_uniqueness", None, "duplicate_row"),
    ("multiple_fields_uniqueness", None, "duplicate_row"),
    ("no_formula", None, "formula_text"),
    ("not_too_long", None, "cell_too_long"),
    ("greater_than_or_equal_to", _PARSED, "value_out_of_range"),
)

# The column whose cell an issue points to: numbers are parsed from, and 类别 derives from,
# another column of the return.
ADDRESS_COLUMN: dict[str, str] = {
    labels.CATEGORY: labels.UNIT,
    **{parsed(c): c for c in labels.NUMERIC_COLUMNS},
}

# When several checks fail on one cell, only the first of these is reported.
RULE_PRIORITY: tuple[str, ...] = (
    "column_missing",
    "unit_blank",
    "unit_unknown",
    "not_a_number",
    "value_out_of_range",
    "formula_text",
    "cell_too_long",
    "cell_blank",
    "duplicate_row",
)


def rule_for(check: str, column: str | None) -> str | None:
    """Our rule id for a pandera failure reason on `column`; None when it is not ours."""
    for prefix, columns, rule in FAILURE_RULES:
        if check.startswith(prefix) and (columns is None or column in columns):
            return rule
    return None
