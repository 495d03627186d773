"""The 单位名录 workbook (xlsx/xls/ods/csv): read through read_grid_rows, parsed by registry."""

from __future__ import annotations

from pathlib import Path

from targetbook.errors import Issue, TargetbookError
from targetbook.read import read_grid_rows
from targetbook.registry import Registry, registry_from_sheets


def load_registry(path: str | Path) -> tuple[Registry, list[Issue]]:
    """Load a registry from xlsx/xls/ods/csv (sheet `单位名录` or the first with the header)."""
    path = Path(path)
    display = str(path)
    if not path.is_file():
        raise TargetbookError("registry_file_missing", path=display)
    try:
        sheets = read_grid_rows(path)
    except TargetbookError as exc:
        raise TargetbookError("registry_unreadable", path=display, reason=exc.message) from exc
    if not sheets:
        raise TargetbookError("registry_no_sheets", path=display)
    return registry_from_sheets(sheets, file=display)
