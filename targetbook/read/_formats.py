"""The number format of every number cell (xlsx styles, ODS data styles) and the date system.

calamine gives values only. A figure's format is part of what the unit saw (`3000.0万元`,
`98.5%`, `2022年3月15日`, `00123`), so the reader keeps it beside the value: one list of format
codes per file and, per sheet, (row, column) → index into that list for the number cells
whose format is not General. Text cells are not listed (a format never changes text here).
BIFF (.xls) formats are read in `_biff.py`.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from xml.etree import ElementTree

from defusedxml import ElementTree as SafeTree

from targetbook.numfmt import builtin_format

# Per sheet name: (0-based row, 0-based column) → index into the file's format codes.
Styles = dict[str, dict[tuple[int, int], int]]
GENERAL = "General"

_NUM_FMT = re.compile(rb"<(?:\w+:)?numFmt\b([^>]*)>")
_CELL_XFS = re.compile(rb"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
_XF = re.compile(rb"<(?:\w+:)?xf\b([^>]*)>")
_ATTR = re.compile(rb'\b(numFmtId|formatCode)="([^"]*)"')
_C_ATTR = re.compile(rb'\b([rst])="([^"]*)"')
_REF = re.compile(rb"([A-Z]{1,3})([0-9]{1,7})$")
_DATE1904 = re.compile(rb'\bdate1904="(?:1|true)"')


def _unescape(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    return (
        text.replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
    )


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def xlsx_formats(
    zf: zipfile.ZipFile, sheet_parts: Callable[[], dict[str, str]]
) -> tuple[list[str], Styles, bool]:
    """(format codes, styled number cells per sheet, 1904 date system) of an xlsx/xlsm.

    `sheet_parts()` maps sheet names to their worksheet parts, asked for only when some cell
    style carries a number format.
    """
    names = set(zf.namelist())
    date1904 = bool(_DATE1904.search(zf.read("xl/workbook.xml")[:65536]))
    if "xl/styles.xml" not in names:
        return [GENERAL], {}, date1904
    styles = zf.read("xl/styles.xml")
    custom: dict[int, str] = {}
    for tag in _NUM_FMT.findall(styles):
        attrs = dict(_ATTR.findall(tag))
        if attrs.get(b"numFmtId", b"").isdigit():
            custom[int(attrs[b"numFmtId"])] = _unescape(attrs.get(b"formatCode", b""))
    xfs = _CELL_XFS.search(styles)
    codes = [GENERAL]
    index = {GENERAL: 0}
    by_xf: dict[bytes, int] = {}  # the s="…" attribute → index into codes
    for i, tag in enumerate(_XF.findall(xfs.group(1)) if xfs else ()):
        fmt = dict(_ATTR.findall(tag)).get(b"numFmtId", b"0")
        fmt_id = int(fmt) if fmt.isdigit() else 0
        code = custom.get(fmt_id) or builtin_format(fmt_id)
        if fmt_id == 0 or code == GENERAL or not code:
            continue
        by_xf[str(i).encode()] = index.setdefault(code, len(codes))
        if len(index) > len(codes):
            codes.append(code)
    found: Styles = {}
    if not by_xf:
        return codes, found, date1904
    numbers = b"|".join(sorted(by_xf))
    tags = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\s([^>]*\bs="(?:' + numbers + rb')"[^>]*)>')
    for sheet, part in sheet_parts().items():
        if part not in names:
            continue
        cells: dict[tuple[int, int], int] = {}
        for tag in tags.findall(zf.read(part)):
            attrs = dict(_C_ATTR.findall(tag))
            if attrs.get(b"t", b"n") not in (b"n", b"d"):
                continue  # text, booleans and errors: their format shows nothing of them
            m = _REF.match(attrs.get(b"r", b""))
            if m:
                cells[(int(m.group(2)) - 1, _col(m.group(1)))] = by_xf[attrs[b"s"]]
        if cells:
            found[sheet] = cells
    return codes, found, date1904


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_ANY_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet part, by a scan of the start tags (no XML tree: a few times
    cheaper, and these parts are small and already pre-checked)."""
    targets = {}
    for tag in _REL_TAG.findall(zf.read("xl/_rels/workbook.xml.rels")):
        attrs = dict(_ANY_ATTR.findall(tag))
        targets[attrs.get(b"Id", b"")] = _unescape(attrs.get(b"Target", b""))
    parts = {}
    for tag in _SHEET_TAG.findall(zf.read("xl/workbook.xml")):
        attrs = dict(_ANY_ATTR.findall(tag))
        rid = next((v for k, v in attrs.items() if k.endswith(b":id")), b"")
        where = targets.get(rid, "")
        if where:
            parts[_unescape(attrs.get(b"name", b""))] = (
                where.lstrip("/") if where.startswith("/") else "xl/" + where
            )
    return parts


# --- ODS: data styles (number:*-style elements) as Excel format codes ----------------------

_NS = "urn:oasis:names:tc:opendocument:xmlns:"
_N = "{" + _NS + "datastyle:1.0}"
_S = "{" + _NS + "style:1.0}"
_T = "{" + _NS + "table:1.0}"
_O = "{" + _NS + "office:1.0}"
_F = "{" + _NS + "xsl-fo-compatible:1.0}"
_NUMBER_TYPES = frozenset({"float", "percentage", "currency", "date", "time"})


def _quoted(text: str) -> str:
    return '"' + text.replace('"', "") + '"' if text else ""


def _digits(el) -> str:
    """number:number / scientific-number → the placeholder part of a code (`#,##0.00`)."""
    if el.get(_N + "decimal-places") is None and el.tag == _N + "number":
        return GENERAL  # LibreOffice's 标准 (Standard): General
    places = int(el.get(_N + "decimal-places", 0) or 0)
    min_places = int(el.get(_N + "min-decimal-places", places) or 0)
    min_int = int(el.get(_N + "min-integer-digits", 1) or 0)
    grouping = el.get(_N + "grouping") == "true"
    whole = "0" * min_int or "#"
    if grouping:
        whole = "#,##" + whole if len(whole) <= 1 else "#," + whole
    # `?` (a space for each missing decimal) is kept by LibreOffice as a decimal replacement
    optional = "?" if el.get(_N + "decimal-replacement") is not None else "#"
    decimals = "0" * min(min_places, places) + optional * max(places - min_places, 0)
    factor = el.get(_N + "display-factor") or "1"
    scale = "," * ((len(factor) - 1) // 3) if factor.strip("0") == "1" else ""
    return whole + ("." + decimals if decimals else "") + scale


def _date_part(el, tag: str) -> str:
    long = el.get(_N + "style") == "long"
    textual = el.get(_N + "textual") == "true"
    if tag == "year":
        return "yyyy" if long else "yy"
    if tag == "month":
        return ("mmmm" if long else "mmm") if textual else ("mm" if long else "m")
    if tag == "day":
        return "dd" if long else "d"
    if tag == "day-of-week":
        return "dddd" if long else "ddd"
    if tag == "hours":
        return "hh" if long else "h"
    if tag == "minutes":
        return "mm" if long else "m"
    if tag == "seconds":
        places = int(el.get(_N + "decimal-places", 0) or 0)
        return ("ss" if long else "s") + ("." + "0" * places if places else "")
    if tag == "am-pm":
        return "AM/PM"
    return ""


def _section(style) -> str:
    """One ODS data style as one section of an Excel format code."""
    kind = style.tag[len(_N) :]
    if kind == "boolean-style":
        return GENERAL
    parts: list[str] = []
    lang = style.get(_N + "language") or ""
    if lang and lang != "zh" and kind == "date-style":
        parts.append("[$-409]")  # names of months and days in English
    if style.get(_N + "transliteration-format") == "一":
        parts.append("[DBNum1]")  # Chinese numerals (二〇二二年三月十五日)
    elapsed = kind == "time-style" and style.get(_N + "truncate-on-overflow") == "false"
    for el in style:
        tag = el.tag[len(_N) :] if el.tag.startswith(_N) else ""
        if tag == "text":
            text = el.text or ""
            if kind == "percentage-style":  # the % of a percentage style scales by 100
                parts.append("%".join(_quoted(t) for t in text.split("%")))
            else:
                parts.append(_quoted(text))
        elif tag == "number":
            parts.append(_digits(el))
        elif tag == "scientific-number":
            exp = int(el.get(_N + "min-exponent-digits", 2) or 2)
            parts.append(_digits(el) + "E+" + "0" * exp)
        elif tag == "fraction":
            whole = el.get(_N + "min-integer-digits")  # absent: no whole part (`?/?`)
            num = int(el.get(_N + "min-numerator-digits", 1) or 1)
            fixed = el.get(_N + "denominator-value")
            den = fixed or "?" * int(el.get(_N + "min-denominator-digits", 1) or 1)
            head = "" if whole is None else ("0" * int(whole or 0) or "#") + " "
            parts.append(head + "?" * num + "/" + den)
        elif tag == "currency-symbol":
            parts.append(_quoted(el.text or ""))
        elif tag == "text-content":
            parts.append("@")
        elif tag:
            part = _date_part(el, tag)
            if elapsed and tag in ("hours", "minutes", "seconds"):  # the first: [h] [mm] [ss]
                part, elapsed = f"[{part}]", False
            parts.append(part)
    return "".join(parts) or GENERAL


def _condition(text: str) -> str:
    m = re.match(r"value\(\)\s*(<=|>=|<>|!=|<|>|=)\s*([-+0-9.eE]+)$", text.strip())
    if not m:
        return ""
    op = "<>" if m.group(1) == "!=" else m.group(1)
    return f"[{op}{m.group(2)}]"


def _ods_codes(roots) -> dict[str, str]:
    """Data style name → Excel format code, from the automatic and common styles."""
    data: dict[str, object] = {}
    for root in roots:
        for el in root.iter():
            if el.tag.startswith(_N) and el.tag.endswith("-style") and el.get(_S + "name"):
                data[el.get(_S + "name")] = el
    codes: dict[str, str] = {}
    for name, style in data.items():
        sections = []
        for m in style.findall(_S + "map"):  # type: ignore[attr-defined]
            other = data.get(m.get(_S + "apply-style-name", ""))
            if other is None:
                continue
            cond = _condition(m.get(_S + "condition", ""))
            plain = cond in ("[>=0]", "[>0]") and not sections
            sections.append(("" if plain else cond) + _section(other))
        own = _section(style)
        codes[name] = ";".join([*sections, own]) if sections else own
    return codes


def ods_formats(data: bytes) -> tuple[list[str], Styles, bool]:
    """(format codes, styled number cells per sheet, 1904 date system) of an ODS."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        roots = []
        if "styles.xml" in names:
            roots.append(SafeTree.fromstring(zf.read("styles.xml")))
        content = zf.read("content.xml")
    head = content[: content.find(b"<office:body")] + b"</office:document-content>"
    try:
        roots.append(SafeTree.fromstring(head))
    except ElementTree.ParseError:
        pass
    data_codes = _ods_codes(roots)
    cell_code: dict[str, str] = {}  # cell style name → its data style's code
    for root in roots:
        for el in root.iter(_S + "style"):
            ds = el.get(_S + "data-style-name")
            if ds and ds in data_codes and data_codes[ds] != GENERAL:
                cell_code[el.get(_S + "name", "")] = data_codes[ds]
    date1904 = b'date-value="1904-01-01"' in content[: content.find(b"<office:body") + 65536]
    codes = [GENERAL]
    found: Styles = {}
    if not cell_code:
        return codes, found, date1904
    index = {GENERAL: 0}

    def code_index(style: str | None) -> int:
        code = cell_code.get(style or "")
        if code is None:
            return 0
        if code not in index:
            index[code] = len(codes)
            codes.append(code)
        return index[code]

    name, row, col = "", -1, 0
    column_styles: list[int] = []
    row_style = 0
    cells: dict[tuple[int, int], int] = {}
    row_cells: list[tuple[int, int]] = []
    for event, el in ElementTree.iterparse(io.BytesIO(content), events=("start", "end")):
        tag = el.tag
        if event == "start":
            if tag == _T + "table":
                name, row, column_styles, cells = el.get(_T + "name", ""), -1, [], {}
                found[name] = cells
            elif tag == _T + "table-column":
                repeat = min(int(el.get(_T + "number-columns-repeated", 1)), 1024)
                column_styles.extend([code_index(el.get(_T + "default-cell-style-name"))] * repeat)
            elif tag == _T + "table-row":
                row, col, row_cells = row + 1, 0, []
                row_style = code_index(el.get(_T + "default-cell-style-name"))
            elif tag in (_T + "table-cell", _T + "covered-table-cell"):
                repeat = int(el.get(_T + "number-columns-repeated", 1))
                if el.get(_O + "value-type") in _NUMBER_TYPES:
                    style = el.get(_T + "style-name")
                    k = code_index(style) if style else row_style
                    for c in range(col, col + min(repeat, 1024)):
                        shown = k or (
                            column_styles[c] if not style and c < len(column_styles) else 0
                        )
                        if shown:
                            cells[(row, c)] = shown
                            row_cells.append((c, shown))
                col += repeat
        elif tag == _T + "table-row":
            repeat = int(el.get(_T + "number-rows-repeated", 1))
            if repeat > 1 and row_cells:  # identical rows saved once: formatted alike
                for r in range(row + 1, row + min(repeat, 1024)):
                    cells.update(((r, c), k) for c, k in row_cells)
            row += repeat - 1
            el.clear()
    return codes, {k: v for k, v in found.items() if v}, date1904
