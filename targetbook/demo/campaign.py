"""The campaign folder of DESIGN.md: 控制台.xlsm, 下发/, 回收/, 成果/ (`init` and the demo)."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

from targetbook import labels
from targetbook.excel.bat import BAT_STEPS, write_bat_files
from targetbook.excel.control import copy_control_workbook


def init_campaign(
    directory: str | Path, *, registry: str | Path | None = None, year: int | None = None
) -> list[Path]:
    """Make a campaign folder (控制台.xlsm, .bat, 下发/回收/成果); a registry adds its templates."""
    root = Path(directory)
    made: list[Path] = []
    for name in labels.CAMPAIGN_FOLDERS:
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        made.append(folder)
    # A campaign's own 控制台.xlsm holds its 参数 and 单位名录: never overwrite it. The .bat
    # files hold nothing of the user's: (re)write them either way, for WPS users.
    if (root / labels.CONTROL_WORKBOOK).exists():
        made.extend(write_bat_files(root))
    else:
        made.append(Path(copy_control_workbook(root)))
        made.extend(root / f"{stem}.bat" for stem, _ in BAT_STEPS)
    if registry is not None:
        from targetbook.registry import load_registry
        from targetbook.write.templates import write_templates

        registry = Path(registry)
        copied = root / (Path(labels.REGISTRY_FILE).stem + registry.suffix.lower())
        if registry.resolve() != copied.resolve():
            shutil.copyfile(registry, copied)
        made.append(copied)
        reg, _ = load_registry(registry)
        year = year or datetime.date.today().year
        made.extend(Path(p) for p in write_templates(reg, root / labels.FOLDER_SEND, year=year))
    return made
