"""The .bat files' contents: the buttons' steps by double-click (WPS, macros off).

Each file is ASCII with CRLF line ends, so no code page can garble it; Chinese appears only
in the file names and in what Python prints (UTF-8, after `chcp 65001`). Their entry point,
`python -m targetbook.excel.bat STEP DIR`, is excel/bat.py.
"""

from __future__ import annotations

from pathlib import Path

from targetbook.excel.pyfind import CHECK_TARGETBOOK, find_python_snippet
from targetbook.write.atomic import atomic_path

# file stem → step (a function of targetbook.excel; run here by main())
BAT_STEPS = (
    ("生成模板", "make_templates"),
    ("校验", "validate_returns"),
    ("汇总", "consolidate_returns"),
    ("计算排名", "rank_units"),
    ("生成通报", "make_report"),
    ("催报", "remind_units"),
)

_TEMPLATE = """@echo off
rem targetbook: {step} - the same step as the button in the control workbook.
rem Runs on the folder this file is in. To use another Python, put its full path
rem (...\\python.exe) after PY= on the set line below.
setlocal
chcp 65001 >nul
set PYTHONIOENCODING=utf-8
cd /d "%~dp0"
set "PY="
if not defined PY call :tb_find_python
if not defined PY goto tb_no_python
"%PY%" -m targetbook.excel.bat {step} .
echo.
pause
exit /b

:tb_no_python
echo No Python with targetbook found (py launcher, PATH, usual install folders).
echo Install it with the installer .bat of the targetbook Windows bundle, then try again.
echo.
pause
exit /b 2

"""


def bat_text(step: str) -> bytes:
    """Bytes of the .bat file running `step` (ASCII, CRLF)."""
    text = _TEMPLATE.format(step=step) + find_python_snippet(CHECK_TARGETBOOK)
    return text.replace("\n", "\r\n").encode("ascii")


def write_bat_files(dest_dir: str | Path) -> list[Path]:
    """Write 生成模板.bat, 校验.bat, 汇总.bat, 计算排名.bat, 生成通报.bat into `dest_dir`."""
    written = []
    for stem, step in BAT_STEPS:
        path = Path(dest_dir) / f"{stem}.bat"
        with atomic_path(path) as tmp:
            tmp.write_bytes(bat_text(step))
        written.append(path)
    return written
