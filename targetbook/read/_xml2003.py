"""Excel 2003 XML spreadsheets (SpreadsheetML), a common export of web systems named .xls."""

from __future__ import annotations

from defusedxml import ElementTree

from targetbook.read._sniff import MAX_SHEET_CELLS, Rejected

_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"


def xml2003_sheets(text: str) -> list[tuple[str, list[list[object]], list, bool]]:
    """(name, rows, merges, hidden) of every worksheet; DTDs and entities are refused."""
    try:
        # Parsed as str: the text is already decoded, whatever encoding the prolog declares.
        root = ElementTree.fromstring(text.lstrip("\ufeff"))
    except Exception as exc:  # defusedxml refuses DTDs/entities; ParseError on broken XML
        raise Rejected("file_unreadable", f"XML 表格无法解析：{type(exc).__name__}") from None
    out = []
    for ws in root.iter(_SS + "Worksheet"):
        name = ws.get(_SS + "Name", "Sheet1")
        cells: dict[tuple[int, int], object] = {}
        merges = []
        table = ws.find(_SS + "Table")
        r = -1
        for row in table.iter(_SS + "Row") if table is not None else ():
            r = int(row.get(_SS + "Index", r + 2)) - 1
            c = -1
            for cell in row.iter(_SS + "Cell"):
                c = int(cell.get(_SS + "Index", c + 2)) - 1
                across = int(cell.get(_SS + "MergeAcross", 0))
                down = int(cell.get(_SS + "MergeDown", 0))
                data = cell.find(_SS + "Data")
                if data is not None:
                    cells[(r, c)] = _value(data)
                if across or down:
                    merges.append((r, c, r + down, c + across))
                c += across
            if r >= MAX_SHEET_CELLS or len(cells) > MAX_SHEET_CELLS:
                raise Rejected("file_too_large", f"{name} 行数过多")
        height = max((k[0] for k in cells), default=-1) + 1
        width = max((k[1] for k in cells), default=-1) + 1
        if height * width > MAX_SHEET_CELLS:
            raise Rejected("file_too_large", f"{name} 单元格范围过大")
        rows = [[cells.get((i, j)) for j in range(width)] for i in range(height)]
        options = ws.find("{urn:schemas-microsoft-com:office:excel}WorksheetOptions")
        hidden = (
            options is not None
            and options.find("{urn:schemas-microsoft-com:office:excel}Visible") is not None
        )
        out.append((name, rows, merges, hidden))
    return out


def _value(data) -> object:
    text = "".join(data.itertext())
    kind = data.get(_SS + "Type", "String")
    if kind == "Number":
        try:
            number = float(text)
        except ValueError:
            return text or None
        return int(number) if number.is_integer() and abs(number) < 1e15 else number
    if kind == "Boolean":
        return text.strip() == "1"
    return text if text.strip() else None
