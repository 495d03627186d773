"""Workbooks calamine refuses because of a macro sheet (Excel 4) or a dialog sheet.

calamine fails on the whole xlsm ("Unrecognized sheet type") when workbook.xml lists a
sheet that is neither a worksheet nor a chart sheet. Such sheets hold no annex data: the
workbook is rewritten in memory without them, read, and each is noted.
"""

from __future__ import annotations

import io
import re
import zipfile

from targetbook.read._precheck import referenced_parts

_SHEET = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?sheet\b[^>]*?/>|<(?:[A-Za-z_][\w.-]*:)?sheet\b[^>]*?>.*?</(?:[A-Za-z_][\w.-]*:)?sheet>",
    re.S,
)
_NAME = re.compile(rb'\bname\s*=\s*(["\'])(.*?)\1', re.S)
_READABLE = ("xl/worksheets/", "xl/chartsheets/")


def refused_by_calamine(exc: BaseException) -> bool:
    """True when calamine may have refused a workbook for a sheet type it does not know
    (from a file-like object it only says it cannot detect the format)."""
    return "Unrecognized sheet" in str(exc) or "Cannot detect file format" in str(exc)


def without_special_sheets(data: bytes) -> tuple[bytes, list[str]]:
    """The xlsx bytes with macro and dialog sheets left out of workbook.xml, and their names."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        names = set(zin.namelist())
        parts = referenced_parts(zin, names)
        special = {name for name, part in parts.items() if not part.startswith(_READABLE)}
        if not special:
            return data, []
        dropped: list[str] = []

        def keep(m: re.Match[bytes]) -> bytes:
            found = _NAME.search(m.group())
            name = _unescape(found.group(2).decode("utf-8", "replace")) if found else ""
            if name in special:
                dropped.append(name)
                return b""
            return m.group()

        book = _SHEET.sub(keep, zin.read("xl/workbook.xml"))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                if info.filename == "xl/workbook.xml":
                    zout.writestr(info.filename, book)
                else:
                    zout.writestr(info, zin.read(info.filename))
    return out.getvalue(), dropped


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )
