"""Formula error cells of a BIFF8 `.xls`: calamine reads their cached error as empty."""

from __future__ import annotations

import io
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
_BOF, _EOF, _BOUNDSHEET, _FORMULA, _BOOLERR = 0x0809, 0x000A, 0x0085, 0x0006, 0x0205


def _records(stream: bytes, pos: int):
    """(type, body) of the BIFF records from `pos` up to the substream's EOF record."""
    while pos + 4 <= len(stream):
        rtype, size = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4 : pos + 4 + size]
        pos += 4 + size
        if rtype == _EOF:
            return
        yield rtype, body


def xls_errors(data: bytes) -> dict[str, list[tuple[int, int, str]]]:
    """(0-based row, column, error text) of each error cell, per worksheet name."""
    import olefile

    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
        if name is None:
            return {}
        stream = ole.openstream(name).read()
    sheets: list[tuple[int, str]] = []
    # The globals substream lists the sheets (name and offset of their BOF record).
    for rtype, body in _records(stream, 0):
        if rtype == _BOUNDSHEET and len(body) >= 8 and body[5] == 0:  # 0: a worksheet
            offset, cch, flags = struct.unpack_from("<I", body)[0], body[6], body[7]
            raw = body[8:]
            text = raw[: cch * 2].decode("utf-16-le") if flags & 1 else raw[:cch].decode("latin-1")
            sheets.append((offset, text))
    out: dict[str, list[tuple[int, int, str]]] = {}
    for offset, sheet in sheets:
        found = out.setdefault(sheet, [])
        for rtype, body in _records(stream, offset):
            if rtype == _FORMULA and len(body) >= 14:
                # The cached result is an error when bytes 6..7 are 0xFFFF and byte 0 is 2.
                if body[6] == 2 and body[12:14] == b"\xff\xff":
                    row, col = struct.unpack_from("<HH", body)
                    found.append((row, col, _CODES.get(body[8], "#ERROR")))
            elif rtype == _BOOLERR and len(body) >= 8 and body[7] == 1:
                row, col = struct.unpack_from("<HH", body)
                found.append((row, col, _CODES.get(body[6], "#ERROR")))
    return out
