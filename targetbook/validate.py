"""Schemas + reader findings → cleaned frames and list[Issue] with cell addresses. (CONTRACT)"""

from __future__ import annotations

import pandas as pd

from targetbook.errors import Issue
from targetbook.read import Table
from targetbook.registry import Registry


def validate_tables(
    tables: list[Table], registry: Registry | None = None
) -> tuple[dict[str, pd.DataFrame], list[Issue]]:
    """Check many tables in one vectorised pass per kind (not one pandera call per table).

    Returns kind → cleaned rows of all tables of that kind (concatenated, in input order),
    and the issues found. Per table, each frame row is as described for validate_table.
    """
    raise NotImplementedError


def validate_table(table: Table, registry: Registry | None = None) -> tuple[pd.DataFrame, list[Issue]]:
    """Check one table; return its cleaned rows and the issues found.

    The returned frame keeps `table.frame`'s index (Excel rows) and has:
    - the canonical columns of the kind, as cleaned text (text.clean_text);
    - `单位` replaced by the registry's standard name when resolved (rows whose unit is
      unknown or blank stay, with their issue, so that no row is lost);
    - `类别` (registry category, "" if unresolved) and `考核组`;
    - for numeric columns (labels.NUMERIC_COLUMNS) a float column labels.parsed(col)
      (NaN when blank or unparseable — the latter with a `not_a_number` issue);
    - provenance: 来源文件, 来源工作表, 来源行 (labels.PROVENANCE).
    """
    raise NotImplementedError
