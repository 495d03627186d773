"""What calamine does not tell of a BIFF8 `.xls`: formula error cells (it reads their
cached error as empty) and number cells shown as percentages (it gives 0.98 for 98%)."""

from __future__ import annotations

import io
import struct

from targetbook.read._sniff import PERCENT_FORMATS, shows_percent

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
_BOF, _EOF, _BOUNDSHEET, _FORMULA, _BOOLERR = 0x0809, 0x000A, 0x0085, 0x0006, 0x0205
_FORMAT, _XF, _NUMBER, _RK, _MULRK = 0x041E, 0x00E0, 0x0203, 0x027E, 0x00BD


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


def xls_cells(
    data: bytes,
) -> tuple[dict[str, list[tuple[int, int, str]]], dict[str, list[tuple[int, int]]]]:
    """Per worksheet name: (0-based row, column, error text) of each error cell, and
    (row, column) of each number cell whose format shows a percentage (0.98 → 98%)."""
    import olefile

    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
        if name is None:
            return {}, {}
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
    for offset, sheet in sheets:
        found = errors.setdefault(sheet, [])
        shown = percents.setdefault(sheet, [])
        for rtype, body in _records(stream, offset):
            if rtype == _FORMULA and len(body) >= 14:
                row, col, xf = struct.unpack_from("<HHH", body)
                # The cached result is not a number when bytes 12..13 are 0xFFFF; it is an
                # error when byte 6 is 2.
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
    return errors, percents
