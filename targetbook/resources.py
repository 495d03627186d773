"""Where shipped files (templates/, workbooks/) live: inside the wheel or in the source tree."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def resource(*parts: str) -> Path:
    """Path of a shipped file, e.g. resource("templates", "通报.html.j2")."""
    installed = _HERE.joinpath(*parts)
    if installed.exists():
        return installed
    return _HERE.parent.joinpath(*parts)
