"""Text normalisation: NFKC, whitespace, Chinese numerals, amounts (万元/亿元/%)."""

from __future__ import annotations

from targetbook.text._clean import (
    EMPTY_MARKERS,
    MEASURE_WORDS,
    cell_text,
    clean_text,
    clean_texts,
    header_key,
    name_key,
    split_aliases,
    split_name_aliases,
)
from targetbook.text._columns import prepare_columns
from targetbook.text._items import split_items
from targetbook.text._numbers import _APPROX_CHARS as APPROX_CHARS
from targetbook.text._numbers import (
    Quantity,
    cn_number,
    is_approximate,
    is_empty,
    parse_quantity,
)

__all__ = [
    "APPROX_CHARS",
    "EMPTY_MARKERS",
    "MEASURE_WORDS",
    "Quantity",
    "cell_text",
    "clean_text",
    "clean_texts",
    "cn_number",
    "header_key",
    "is_approximate",
    "is_empty",
    "name_key",
    "parse_quantity",
    "prepare_columns",
    "split_aliases",
    "split_items",
    "split_name_aliases",
]
