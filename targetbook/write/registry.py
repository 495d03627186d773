"""The 单位名录 workbook (xlsx/xls/ods/csv): read through read_grids, parsed by registry."""

from __future__ import annotations

from pathlib import Path

from targetbook.errors import Issue, TargetbookError
from targetbook.read import read_grids
from targetbook.registry import Registry, registry_from_sheets


def load_registry(path: str | Path) -> tuple[Registry, list[Issue]]:
    """Load a registry from xlsx/xls/ods/csv (sheet `单位名录` or the first with the header)."""
    path = Path(path)
    display = str(path)
    if not path.is_file():
        raise TargetbookError("registry_file_missing", path=display)
    try:
        grids = read_grids(path)
    except TargetbookError as exc:
        raise TargetbookError("registry_unreadable", path=display, reason=exc.message) from exc
    if not grids:
        raise TargetbookError("registry_no_sheets", path=display)
    sheets = {name: grid.to_numpy(dtype=object).tolist() for name, grid in grids.items()}
    return registry_from_sheets(sheets, file=display)
