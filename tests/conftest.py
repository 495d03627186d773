"""Shared test factories: most inputs are built in the test; tests/data holds quirk files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

# The build tooling (tools/xlsm: the control workbook builder) is outside the package.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def make_book(
    path: Path, sheets: dict[str, list[list[object]]], merges: dict | None = None
) -> Path:
    """Write an .xlsx with openpyxl: {sheet name: rows}; merges: {sheet: ["A1:A2", …]}."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def soffice_convert(src: Path, fmt: str, outdir: Path, profile: Path | None = None) -> Path:
    """Convert with LibreOffice (headless); fails the test when LibreOffice is missing."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe, "LibreOffice is required (apt-get install libreoffice-calc-nogui)"
    outdir.mkdir(parents=True, exist_ok=True)
    profile = profile or outdir / ".lo-profile"
    subprocess.run(
        [
            exe,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    out = outdir / (src.stem + "." + fmt.split(":")[0])
    assert out.exists(), f"LibreOffice did not write {out}"
    return out


@pytest.fixture
def book(tmp_path):
    """Factory fixture: book("name.xlsx", {"Sheet": rows}) → path under tmp_path."""

    def factory(name: str, sheets: dict[str, list[list[object]]], merges: dict | None = None):
        return make_book(tmp_path / name, sheets, merges)

    return factory


def located(issues) -> list[tuple[str, str, str]]:
    """(sheet, cell, rule) of each issue, in order: a message pinned without its wording."""
    return [(i.sheet, i.cell, i.rule) for i in issues]
