"""Which targetbook a control workbook was built for, and the warning when another is installed.

The builder writes `version_line()` on the 说明 sheet; the buttons and the .bat files read it
back from the workbook's frames. Workbooks built before the stamp carry none: no warning then.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from targetbook import __version__
from targetbook import labels as L
from targetbook.messages import render


def version_line(version: str = __version__) -> str:
    """The 说明 sheet line naming the targetbook version the workbook is built for."""
    return L.GUIDE_VERSION.format(version=version)


def built_for(frames: Mapping[str, pd.DataFrame]) -> str | None:
    """The version stamped on the 说明 sheet of a control workbook's frames, or None."""
    grid = frames.get(L.SHEET_GUIDE)
    if grid is None:
        return None
    prefix, _, suffix = L.GUIDE_VERSION.partition("{version}")
    for value in grid.to_numpy().ravel():
        text = value.strip() if isinstance(value, str) else ""
        if text.startswith(prefix) and text.endswith(suffix):
            version = text[len(prefix) : len(text) - len(suffix)].strip()
            if version:
                return version
    return None


def version_warning(frames: Mapping[str, pd.DataFrame], installed: str = __version__) -> str | None:
    """A Chinese warning when the workbook was built for another targetbook than `installed`."""
    built = built_for(frames)
    if built is None or built == installed:
        return None
    return render("excel_version_mismatch", built=built, installed=installed)
