"""Unit, Registry (单位名录): load, normalise names, resolve aliases. (CONTRACT — being built)"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from targetbook.errors import Issue


@dataclass(frozen=True, slots=True)
class Unit:
    """One assessed unit: its standard name, 类别, 考核组 and aliases."""

    name: str
    category: str  # labels.DEPARTMENT | VILLAGE | COMMUNITY
    group: str = ""
    aliases: tuple[str, ...] = ()


class Registry:
    """The 单位名录, in printing order; resolves names typed in returns to units."""

    def __init__(self, units: list[Unit]) -> None:
        self.units = tuple(units)

    def resolve(self, name: str) -> Unit | None:
        """The unit `name` means (standard name or alias, tolerant of spacing/width/〇)."""
        raise NotImplementedError

    def match(self, name: str) -> tuple[Unit | None, str]:
        """(unit, how) with how ∈ {"name", "alias", ""}: lets callers warn on aliases."""
        raise NotImplementedError

    def suggest(self, name: str) -> str | None:
        """The closest standard name, for `unit_unknown` messages."""
        raise NotImplementedError

    def in_category(self, category: str) -> list[Unit]:
        """Units of one category, in registry order."""
        return [u for u in self.units if u.category == category]

    def to_frame(self) -> pd.DataFrame:
        """The registry as a 单位|类别|考核组|别名 frame."""
        raise NotImplementedError


def registry_from_frame(
    frame: pd.DataFrame, *, file: str = "", sheet: str = ""
) -> tuple[Registry, list[Issue]]:
    """Build a Registry from a 单位|类别|考核组|别名 frame (index = Excel row)."""
    raise NotImplementedError


def load_registry(path: str | Path) -> tuple[Registry, list[Issue]]:
    """Load a registry from xlsx/xls/ods/csv (sheet `单位名录` or the first with the header)."""
    raise NotImplementedError
