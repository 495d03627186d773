"""What calamine does not tell of a BIFF8 `.xls`: formula error cells (it reads their
cached error as empty) and number cells shown as percentages (it gives 0.98 for 98%)."""

from __future__ import annotations

import io
import re
import struct

# BIFF8 error codes (FORMULA result / BOOLERR value) → the text Excel shows.
_CODES = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
}
PERCENT_FORMATS = frozenset({9, 10})  # Excel's built-in 0% and 0.00%
_LITERAL = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_BOF, _EOF, _BOUNDSHEET, _FORMULA, _BOOLERR = 0x0809, 0x000A, 0x0085, 0x0006, 0x0205
_FORMAT, _XF, _NUMBER, _RK, _MULRK = 0x041E, 0x00E0, 0x0203, 0x027E, 0x00BD
_STRING, _FILEPASS = 0x0207, 0x002F


def _records(stream: bytes, pos: int):
    """(type, body) of the BIFF records from `pos` up to the substream's EOF record."""
    while pos + 4 <= len(stream):
        rtype, size = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4 : pos + 4 + size]
        pos += 4 + size
        if rtype == _EOF:
            return
        yield rtype, body


def _string(raw: bytes, cch: int, flags: int) -> str:
    """A BIFF8 string of cch characters: UTF-16 when bit 0 of flags is set, else Latin-1."""
    if flags & 1:
        return raw[: cch * 2].decode("utf-16-le", "replace")
    return raw[:cch].decode("latin-1")


Texts = dict[str, list[tuple[int, int, str]]]


def xls_cells(data: bytes) -> tuple[Texts, dict[str, list[tuple[int, int]]], Texts]:
    """Per worksheet name: (0-based row, column, error text) of each error cell,
    (row, column) of each number cell whose format shows a percentage (0.98 → 98%), and
    (row, column, text) of each formula whose cached result is text (calamine shows it
    through the cell's format: a date/time format turns it into 00:00:00)."""
    import olefile

    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
        if name is None:
            return {}, {}, {}
        stream = ole.openstream(name).read()
    sheets: list[tuple[int, str]] = []
    percent_formats = set(PERCENT_FORMATS)
    xf_formats: list[int] = []  # number format of each XF record, in order
    # The globals substream lists the sheets (name and offset of their BOF record), the
    # number formats and the cell styles (XF).
    for rtype, body in _records(stream, 0):
        if rtype == _BOUNDSHEET and len(body) >= 8 and body[5] == 0:  # 0: a worksheet
            offset, cch, flags = struct.unpack_from("<I", body)[0], body[6], body[7]
            sheets.append((offset, _string(body[8:], cch, flags)))
        elif rtype == _FORMAT and len(body) >= 5:
            ifmt, cch, flags = struct.unpack_from("<HHB", body)
            if shows_percent(_string(body[5:], cch, flags)):
                percent_formats.add(ifmt)
        elif rtype == _XF and len(body) >= 4:
            xf_formats.append(struct.unpack_from("<H", body, 2)[0])
    percent_xf = {i for i, f in enumerate(xf_formats) if f in percent_formats}
    errors: dict[str, list[tuple[int, int, str]]] = {}
    percents: dict[str, list[tuple[int, int]]] = {}
    texts: Texts = {}
    for offset, sheet in sheets:
        found = errors.setdefault(sheet, [])
        shown = percents.setdefault(sheet, [])
        texts[sheet] = sheet_texts(stream, offset)
        for rtype, body in _records(stream, offset):
            if rtype == _FORMULA and len(body) >= 14:
                row, col, xf = struct.unpack_from("<HHH", body)
                # The cached result is not a number when bytes 12..13 are 0xFFFF; it is
                # an error when byte 6 is 2.
                if body[12:14] == b"\xff\xff":
                    if body[6] == 2:
                        found.append((row, col, _CODES.get(body[8], "#ERROR")))
                elif xf in percent_xf:
                    shown.append((row, col))
            elif rtype == _BOOLERR and len(body) >= 8 and body[7] == 1:
                row, col = struct.unpack_from("<HH", body)
                found.append((row, col, _CODES.get(body[6], "#ERROR")))
            elif rtype in (_NUMBER, _RK) and len(body) >= 6 and percent_xf:
                row, col, xf = struct.unpack_from("<HHH", body)
                if xf in percent_xf:
                    shown.append((row, col))
            elif rtype == _MULRK and len(body) >= 10 and percent_xf:
                row, first = struct.unpack_from("<HH", body)
                for i in range((len(body) - 6) // 6):
                    if struct.unpack_from("<H", body, 4 + 6 * i)[0] in percent_xf:
                        shown.append((row, first + i))
    return errors, percents, texts


def sheet_texts(stream: bytes, offset: int) -> list[tuple[int, int, str]]:
    """(row, column, text) of the formulas of one sheet whose cached result is text: a
    FORMULA record marked so (byte 6 is 0, bytes 12..13 0xFFFF), then a STRING record."""
    found = []
    at: tuple[int, int] | None = None
    for rtype, body in _records(stream, offset):
        if rtype == _STRING and at is not None and len(body) >= 3:
            cch, flags = struct.unpack_from("<HB", body)
            found.append((*at, _string(body[3:], cch, flags)))
        at = None
        if rtype == _FORMULA and len(body) >= 14 and body[12:14] == b"\xff\xff" and not body[6]:
            at = struct.unpack_from("<HH", body)
    return found


def biff_encrypted(stream: bytes) -> bool:
    """True when the workbook globals (the head of the Workbook stream) hold a FILEPASS
    record: the file needs a password to open."""
    return any(rtype == _FILEPASS for rtype, _ in _records(stream, 0))


def shows_percent(code: str) -> bool:
    """True when a number format code (`0.0%`, `0.00%;[Red]-0.00%`) shows a percentage."""
    return "%" in _LITERAL.sub("", code)


_DATEMODE = 0x0022
_GENERAL = "General"


def xls_formats(data: bytes) -> tuple[list[str], dict[str, dict[tuple[int, int], int]], bool]:
    """(format codes, per worksheet (row, column) → code index of each number cell whose
    format is not General, 1904 date system) of a BIFF8 `.xls`: FORMAT and XF records of
    the globals, the XF index of NUMBER, RK, MULRK and numeric FORMULA records."""
    import olefile

    from targetbook.numfmt import builtin_format

    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
        if name is None:
            return [_GENERAL], {}, False
        stream = ole.openstream(name).read()
    sheets: list[tuple[int, str]] = []
    custom: dict[int, str] = {}
    xf_formats: list[int] = []
    date1904 = False
    for rtype, body in _records(stream, 0):
        if rtype == _BOUNDSHEET and len(body) >= 8 and body[5] == 0:
            offset, cch, flags = struct.unpack_from("<I", body)[0], body[6], body[7]
            sheets.append((offset, _string(body[8:], cch, flags)))
        elif rtype == _FORMAT and len(body) >= 5:
            ifmt, cch, flags = struct.unpack_from("<HHB", body)
            custom[ifmt] = _string(body[5:], cch, flags)
        elif rtype == _XF and len(body) >= 4:
            xf_formats.append(struct.unpack_from("<H", body, 2)[0])
        elif rtype == _DATEMODE and len(body) >= 2:
            date1904 = struct.unpack_from("<H", body)[0] == 1
    codes = [_GENERAL]
    index = {_GENERAL: 0}
    by_xf: dict[int, int] = {}
    for xf, fmt_id in enumerate(xf_formats):
        code = custom.get(fmt_id) or builtin_format(fmt_id)
        if fmt_id == 0 or not code or code == _GENERAL:
            continue
        if code not in index:
            index[code] = len(codes)
            codes.append(code)
        by_xf[xf] = index[code]
    found: dict[str, dict[tuple[int, int], int]] = {}
    if not by_xf:
        return codes, found, date1904
    for offset, sheet in sheets:
        cells: dict[tuple[int, int], int] = {}
        for rtype, body in _records(stream, offset):
            if rtype in (_NUMBER, _RK) and len(body) >= 6:
                row, col, xf = struct.unpack_from("<HHH", body)
                if xf in by_xf:
                    cells[(row, col)] = by_xf[xf]
            elif rtype == _FORMULA and len(body) >= 14 and body[12:14] != b"\xff\xff":
                row, col, xf = struct.unpack_from("<HHH", body)  # a numeric cached result
                if xf in by_xf:
                    cells[(row, col)] = by_xf[xf]
            elif rtype == _MULRK and len(body) >= 10:
                row, first = struct.unpack_from("<HH", body)
                for i in range((len(body) - 6) // 6):
                    xf = struct.unpack_from("<H", body, 4 + 6 * i)[0]
                    if xf in by_xf:
                        cells[(row, first + i)] = by_xf[xf]
        if cells:
            found[sheet] = cells
    return codes, found, date1904
