"""The shipped control workbook 控制台.xlsm and copying it into a campaign folder.

The workbook is built outside the runtime package (tools/xlsm, `python -m tools.xlsm.build`);
here it is only found and copied.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from targetbook import labels as L
from targetbook.excel.batfiles import write_bat_files
from targetbook.resources import resource
from targetbook.write.atomic import atomic_path


def control_workbook() -> Path:
    """The shipped control workbook (workbooks/控制台.xlsm)."""
    return resource("workbooks", L.CONTROL_WORKBOOK)


def copy_control_workbook(dest_dir: str | Path) -> Path:
    """Copy 控制台.xlsm and write the .bat files into a campaign folder; return the workbook."""
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / L.CONTROL_WORKBOOK
    with atomic_path(target) as tmp:
        shutil.copyfile(control_workbook(), tmp)
    write_bat_files(dest)
    return target
