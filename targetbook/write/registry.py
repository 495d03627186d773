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
        raise TargetbookError(f"找不到单位名录文件：{display}")
    try:
        grids = read_grids(path)
    except TargetbookError as exc:
        raise TargetbookError(f"单位名录无法读取：{exc.message}") from exc
    if not grids:
        raise TargetbookError(f"单位名录中没有工作表：{display}")
    sheets = {name: grid.to_numpy(dtype=object).tolist() for name, grid in grids.items()}
    return registry_from_sheets(sheets, file=display)
