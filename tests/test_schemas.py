"""schemas.py: one pandera model per annex kind, and the pandera-reason → rule table."""

from __future__ import annotations

import math

import pandas as pd
import pandera.pandas as pa
import pytest

from targetbook import labels
from targetbook.labels import parsed
from targetbook.messages import MESSAGES
from targetbook.schemas import (
    ADDRESS_COLUMN,
    FAILURE_RULES,
    RULE_PRIORITY,
    SCHEMAS,
    Unparsed,
    rule_for,
)


@pytest.mark.parametrize("kind", list(labels.KIND_COLUMNS))
def test_each_kind_has_a_model_with_its_columns(kind):
    schema = SCHEMAS[kind].to_schema()
    assert set(labels.KIND_COLUMNS[kind]) <= set(schema.columns)
    assert labels.CATEGORY in schema.columns and not schema.columns[labels.CATEGORY].required


def _frame(kind: str, **overrides: list[object]) -> pd.DataFrame:
    data: dict[str, list[object]] = {c: ["x", "y"] for c in labels.KIND_COLUMNS[kind]}
    for c in labels.NUMERIC_COLUMNS:
        if c in data:
            data[parsed(c)] = [1.0, 2.0]
    data.update(overrides)
    return pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in data.items()})


@pytest.mark.parametrize("kind", list(labels.KIND_COLUMNS))
def test_clean_frame_passes(kind):
    SCHEMAS[kind].validate(_frame(kind), lazy=True)


def _reasons(kind: str, frame: pd.DataFrame) -> set[tuple[str, str, int]]:
    with pytest.raises(pa.errors.SchemaErrors) as err:
        SCHEMAS[kind].validate(frame, lazy=True)
    cases = err.value.failure_cases
    return {
        (rule_for(c, col), ADDRESS_COLUMN.get(col, col), int(i))
        for c, col, i in zip(cases["check"], cases["column"], cases["index"], strict=True)
        if not (isinstance(i, float) and math.isnan(i))
    }


def test_plan_failures_map_to_our_rules():
    frame = _frame(
        labels.PLAN_KIND,
        **{labels.UNIT: [None, "=a"], labels.TARGET: [None, "t"], labels.CATEGORY: [None, "村"]},
    )
    assert _reasons(labels.PLAN_KIND, frame) == {
        ("unit_blank", labels.UNIT, 0),
        ("unit_unknown", labels.UNIT, 0),
        ("cell_blank", labels.TARGET, 0),
        ("formula_text", labels.UNIT, 1),
    }


def test_progress_unparsed_number_is_not_a_number():
    frame = _frame(
        labels.PROGRESS_KIND,
        **{
            parsed(labels.TARGET_VALUE): [Unparsed("约五成多"), 1.0],
            parsed(labels.RATE): [1, -5.0],
        },
    )
    assert _reasons(labels.PROGRESS_KIND, frame) == {
        ("not_a_number", labels.TARGET_VALUE, 0),
        ("value_out_of_range", labels.RATE, 1),
    }


def test_unparsed_text_that_looks_numeric_still_fails():
    """`nan`, `inf`, `1_000` would coerce to floats; an Unparsed marker never does."""
    for text in ("nan", "inf", "1_000", "1e3"):
        frame = _frame(labels.PROGRESS_KIND, **{parsed(labels.ACTUAL_VALUE): [Unparsed(text), 1]})
        assert ("not_a_number", labels.ACTUAL_VALUE, 0) in _reasons(labels.PROGRESS_KIND, frame)


def test_rule_table():
    assert rule_for("column_in_dataframe", labels.PLAN) == "column_missing"
    assert rule_for("coerce_dtype('float64')", parsed(labels.RATE)) == "not_a_number"
    assert rule_for("not_nullable", labels.UNIT) == "unit_blank"
    assert rule_for("not_nullable", labels.CATEGORY) == "unit_unknown"
    assert rule_for("not_nullable", labels.PLAN) == "cell_blank"
    assert rule_for("field_uniqueness", labels.UNIT) == "duplicate_row"
    assert rule_for("no_formula", labels.EVIDENCE) == "formula_text"
    assert rule_for("not_too_long", labels.PLAN) == "cell_too_long"
    assert rule_for("some_future_check", labels.UNIT) is None


def test_every_rule_has_a_message_and_a_priority():
    rules = {rule for _, _, rule in FAILURE_RULES}
    assert rules <= set(MESSAGES)
    assert rules <= set(RULE_PRIORITY)
    assert set(RULE_PRIORITY) <= set(MESSAGES)
