"""The shipped control workbook 控制台.xlsm and copying it into a campaign folder.

The workbook is built outside the runtime package (tools/xlsm, `python -m tools.xlsm.build`);
here it is only found and copied.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from html import unescape
from pathlib import Path
from xml.sax.saxutils import escape

from targetbook import labels as L
from targetbook.errors import TargetbookError
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


_ROW = re.compile(r'<row r="(\d+)"[^>]*>(.*?)</row>', re.S)
_CELL = re.compile(r'<c r="([A-Z]+)\d+"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_SI = re.compile(r"<si>(.*?)</si>", re.S)
_T = re.compile(r"<t[^>]*>(.*?)</t>", re.S)


def _sheet_part(files: dict[str, bytes], sheet: str) -> str:
    """The zip member of a sheet, by its name (workbook.xml → its relationship target)."""
    book = files["xl/workbook.xml"].decode("utf-8")
    found = re.search(rf'<sheet name="{re.escape(escape(sheet))}"[^>]*r:id="([^"]+)"', book)
    if found is None:
        raise TargetbookError("excel_sheet_missing", sheet=sheet)
    rels = files["xl/_rels/workbook.xml.rels"].decode("utf-8")
    target = re.search(rf'Id="{found.group(1)}"[^>]*Target="([^"]+)"', rels)
    if target is None:
        raise TargetbookError("excel_sheet_missing", sheet=sheet)
    return "xl/" + target.group(1).removeprefix("/xl/")


def _cell_text(attrs: str, body: str | None, strings: list[str]) -> str:
    if not body:
        return ""
    if 't="s"' in attrs:
        index = re.search(r"<v>(\d+)</v>", body)
        return strings[int(index.group(1))] if index else ""
    return unescape("".join(_T.findall(body)))


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def fill_params(workbook: str | Path, params: dict[str, str]) -> Path:
    """Write `params` ({项目: 值}) into the 参数 sheet of a control workbook (in place,
    atomically); every other part of the .xlsm (its VBA project too) is copied unchanged.

    A 项目 already listed gets its 值 replaced; a new one is added under the last row."""
    path = Path(workbook)
    with zipfile.ZipFile(path) as src:
        infos = src.infolist()
        files = {i.filename: src.read(i.filename) for i in infos}
    strings = []
    if "xl/sharedStrings.xml" in files:
        shared = files["xl/sharedStrings.xml"].decode("utf-8")
        strings = [unescape("".join(_T.findall(si))) for si in _SI.findall(shared)]
    part = _sheet_part(files, L.SHEET_PARAMS)
    xml = files[part].decode("utf-8")
    todo = {k: str(v) for k, v in params.items() if str(v).strip()}
    last = 0

    def fill_row(match: re.Match) -> str:
        nonlocal last
        number, body = int(match.group(1)), match.group(2)
        last = max(last, number)
        cells = {m.group(1): m for m in _CELL.finditer(body)}
        key = cells.get("A")
        name = _cell_text(key.group(2), key.group(3), strings).strip() if key else ""
        if name not in todo:
            return match.group(0)
        new = _inline(f"B{number}", todo.pop(name))
        if "B" in cells:
            body = body.replace(cells["B"].group(0), new)
        else:
            body = body.replace(key.group(0), key.group(0) + new)
        return match.group(0).replace(match.group(2), body)

    xml = _ROW.sub(fill_row, xml)
    extra = "".join(
        f'<row r="{n}">{_inline(f"A{n}", k)}{_inline(f"B{n}", v)}</row>'
        for n, (k, v) in enumerate(todo.items(), start=last + 1)
    )
    if extra:
        xml = xml.replace("</sheetData>", extra + "</sheetData>")
        xml = re.sub(
            r'<dimension ref="A1:B\d+"/>', f'<dimension ref="A1:B{last + len(todo)}"/>', xml
        )
    files[part] = xml.encode("utf-8")
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in infos:
            dst.writestr(info, files[info.filename])
    return path
