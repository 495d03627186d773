"""The campaign folder of DESIGN.md: 控制台.xlsm, 下发/, 回收/, 成果/ (`init` and the demo)."""

from __future__ import annotations

import datetime
import importlib
import shutil
from collections.abc import Callable
from pathlib import Path

from targetbook import labels
from targetbook.errors import TargetbookError


def _optional(module: str, name: str) -> Callable | None:
    """A function of a stage that may not be built yet (None then)."""
    try:
        mod = importlib.import_module(f"targetbook.{module}")
    except ModuleNotFoundError as exc:
        if (exc.name or "").startswith("targetbook"):
            return None
        raise
    return getattr(mod, name, None)


def init_campaign(
    directory: str | Path, *, registry: str | Path | None = None, year: int | None = None
) -> list[Path]:
    """Make a campaign folder (控制台.xlsm and .bat files when built); with a registry, copy it
    in and write its templates into 下发/ (year: this year unless given)."""
    root = Path(directory)
    made: list[Path] = []
    for name in labels.CAMPAIGN_FOLDERS:
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        made.append(folder)
    copy_control = _optional("excel.build", "copy_control_workbook")
    if copy_control is not None:
        made.append(Path(copy_control(root)))
    if registry is not None:
        from targetbook.registry import load_registry

        write_templates = _optional("write.templates", "write_templates")
        if write_templates is None:
            raise TargetbookError("生成模板功能尚未实现（缺少 targetbook.write.templates）")
        registry = Path(registry)
        copied = root / (Path(labels.REGISTRY_FILE).stem + registry.suffix.lower())
        if registry.resolve() != copied.resolve():
            shutil.copyfile(registry, copied)
        made.append(copied)
        reg, _ = load_registry(registry)
        year = year or datetime.date.today().year
        written = write_templates(reg, root / labels.FOLDER_SEND, year=year)
        made.extend(Path(p) for p in written or ())
    return made
