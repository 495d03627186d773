"""Load every sheet of a sniffed return into a plain grid of cell values (no pandas yet)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from xml.etree import ElementTree

from defusedxml import ElementTree as SafeTree

from targetbook.read._biff import shows_percent, xls_cells, xls_formats
from targetbook.read._formats import ods_formats, sheet_parts, xlsx_formats
from targetbook.read._sniff import (
    CSV,
    HTML,
    MAX_SHEET_CELLS,
    ODS,
    XLS,
    XML2003,
    Rejected,
    Sniffed,
    column_number,
)
from targetbook.read._xml2003 import xml2003_sheets

# A merged range, 0-based and inclusive: (first row, first col, last row, last col).
Merge = tuple[int, int, int, int]


@dataclass
class Grid:
    """One sheet: rows of raw values (row i is Excel row i + 1, column j is column j + 1)."""

    name: str
    rows: list[list[object]]
    merges: list[Merge] = field(default_factory=list)
    hidden: bool = False
    # Number formats (xlsx, xls, ods): the file's format codes (0: General) and
    # (row, column) → index into them for each number cell whose format is not General.
    formats: list[str] = field(default_factory=lambda: ["General"])
    styles: dict[tuple[int, int], int] = field(default_factory=dict)
    date1904: bool = False


def load_grids(sniffed: Sniffed, data: bytes, stem: str) -> list[Grid]:
    """All sheets of the file; a CSV or HTML table is named after the file, as Excel does."""
    grids = _load(sniffed, data, stem)
    for grid in grids:
        # A merge may reach far beyond the cells (A1:XFD1048576): clip it to the grid, so
        # that filling it costs no more than the grid itself.
        height = len(grid.rows)
        width = max((len(r) for r in grid.rows), default=0)
        grid.merges = [
            (r0, c0, min(r1, height - 1), min(c1, width - 1))
            for r0, c0, r1, c1 in grid.merges
            if r0 < height and c0 < width and (r1 > r0 or c1 > c0)
        ]
    return grids


def _load(sniffed: Sniffed, data: bytes, stem: str) -> list[Grid]:
    if sniffed.kind == CSV:
        return [Grid(stem, _csv_rows(sniffed.text or ""))]
    if sniffed.kind == XML2003:
        return [Grid(*sheet) for sheet in xml2003_sheets(sniffed.text or "")]
    if sniffed.kind == HTML:
        tables = _html_tables(sniffed.text or "")
        return [
            Grid(stem if i == 0 else f"{stem}({i + 1})", rows, merges)
            for i, (rows, merges) in enumerate(tables)
        ]
    grids = _calamine_grids(data)
    _number_formats(sniffed, data, grids)
    percents: Cells = {}
    texts: Errors = {}
    if sniffed.kind == ODS:
        # calamine reports no merged ranges for ODS: read them from content.xml.
        merges, errors, percents, booleans = _ods_cells(data)
        for grid in grids:
            grid.merges = merges.get(grid.name, [])
        _show_booleans(grids, booleans)
    elif sniffed.kind == XLS:
        try:
            errors, percents, texts = xls_cells(data)
        except Exception:  # records calamine accepted but we cannot parse: values stand
            errors = {}
    elif sniffed.cell_errors is False:
        errors = {}  # the pre-check saw no error cell in any worksheet part
    else:
        try:
            errors = _xlsx_errors(data)
        except Exception:  # a part calamine accepted but we cannot parse: values stand
            errors = {}
    if sniffed.percent_styles and any(g.styles for g in grids):
        # the number formats are read: their percent cells, without a second scan
        percents = {g.name: _percent_cells(g) for g in grids}
    elif sniffed.percent_styles:
        try:
            percents = _xlsx_percent_cells(data, sniffed.percent_styles)
        except Exception:  # a part calamine accepted but we cannot parse: values stand
            percents = {}
    _show_percentages(grids, percents)
    for grid in grids:  # a text formula's cached text, whatever the cell's format
        for r, c, text in texts.get(grid.name, ()):
            if r < len(grid.rows) and c < len(grid.rows[r]):
                grid.rows[r][c] = text if text.strip() else None
    # calamine reads a formula's error value (#DIV/0!, #N/A …) as an empty cell: put the
    # error text back, so that validation reports it instead of a silent blank.
    for grid in grids:
        for r, c, text in errors.get(grid.name, ()):
            if r < len(grid.rows):
                row = grid.rows[r]
                if len(row) <= c:
                    row.extend([None] * (c + 1 - len(row)))
                if row[c] is None:
                    row[c] = text
    return grids


def _percent_cells(grid: Grid) -> list[tuple[int, int]]:
    """The grid's number cells whose format shows a percentage."""
    percent = {k for k, code in enumerate(grid.formats) if shows_percent(code)}
    return [cell for cell, k in grid.styles.items() if k in percent] if percent else []


def _number_formats(sniffed: Sniffed, data: bytes, grids: list[Grid]) -> None:
    """Each grid's number formats (read/_formats.py, _biff.py); none if they cannot be read."""
    try:
        if sniffed.kind == ODS:
            codes, styles, date1904 = ods_formats(data)
        elif sniffed.kind == XLS:
            codes, styles, date1904 = xls_formats(data)
        elif sniffed.number_styles is False:
            return  # the pre-check saw only General cell styles: nothing to read
        else:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                codes, styles, date1904 = xlsx_formats(zf, lambda: sheet_parts(zf))
    except Exception:  # xlsb, or parts calamine accepted but we cannot parse: values stand
        return
    for grid in grids:
        grid.formats = codes
        grid.styles = styles.get(grid.name, {})
        grid.date1904 = date1904


_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
# (0-based row, 0-based column, error text) of each formula error cell, per sheet name
Errors = dict[str, list[tuple[int, int, str]]]
# (0-based row, 0-based column) of each number cell shown as a percentage, per sheet name
Cells = dict[str, list[tuple[int, int]]]


def _ods_cells(data: bytes) -> tuple[dict[str, list[Merge]], Errors, Cells, Cells]:
    """Merged ranges, formula error cells, percentage and boolean cells of an ODS, per sheet."""
    merges: dict[str, list[Merge]] = {}
    errors: Errors = {}
    percents: Cells = {}
    booleans: Cells = {}
    error_at: tuple[int, int] | None = None
    bool_at: tuple[int, int] | None = None
    name, row, col = "", -1, 0
    with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open("content.xml") as f:
        for event, el in ElementTree.iterparse(f, events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == _T + "table":
                    name, row = el.get(_T + "name", ""), -1
                elif tag == _T + "table-row":
                    row, col = row + 1, 0
                elif tag in (_T + "table-cell", _T + "covered-table-cell"):
                    rs = int(el.get(_T + "number-rows-spanned", 1))
                    cs = int(el.get(_T + "number-columns-spanned", 1))
                    if rs > 1 or cs > 1:
                        merges.setdefault(name, []).append((row, col, row + rs - 1, col + cs - 1))
                    if el.get(_CALCEXT + "value-type") == "error":
                        error_at = (row, col)
                    elif el.get(_OFFICE + "value") in ("0", "1"):
                        # TRUE()/FALSE(), or a boolean from an xlsx, kept as the number 1/0
                        # and shown as TRUE/FALSE: a boolean, as in xlsx and xls.
                        bool_at = (row, col)
                    repeat = int(el.get(_T + "number-columns-repeated", 1))
                    kind = el.get(_OFFICE + "value-type")
                    if kind in ("percentage", "boolean"):
                        found = percents if kind == "percentage" else booleans
                        cells = found.setdefault(name, [])
                        cells.extend((row, c) for c in range(col, col + min(repeat, 1024)))
                    col += repeat
            elif tag == _T + "table-cell" and bool_at is not None:
                if "".join(el.itertext()).strip().upper() in _BOOLEAN_TEXTS:
                    booleans.setdefault(name, []).append(bool_at)
                bool_at = None
            elif tag == _T + "table-cell" and error_at is not None:
                text = "".join(el.itertext()).strip()
                errors.setdefault(name, []).append((*error_at, text[:40] or "#ERROR"))
                error_at = None
            elif tag == _T + "table-row":
                row += int(el.get(_T + "number-rows-repeated", 1)) - 1
                el.clear()
    return merges, errors, percents, booleans


_BOOLEAN_TEXTS = frozenset({"TRUE", "FALSE", "真", "假", "WAHR", "FALSCH", "VRAI", "FAUX"})


def _show_booleans(grids: list[Grid], cells: Cells) -> None:
    """calamine reads an ODS boolean as 1/0: make it True/False, as in xlsx and xls."""
    for grid in grids:
        for r, c in cells.get(grid.name, ()):
            if r < len(grid.rows) and c < len(grid.rows[r]) and grid.rows[r][c] in (0, 1):
                grid.rows[r][c] = bool(grid.rows[r][c])


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})$")


_C_ATTR = re.compile(rb'\b([rst])="([^"]*)"')
_CELL_REF_BYTES = re.compile(rb"([A-Z]{1,3})([0-9]{1,7})$")


def _xlsx_percent_cells(data: bytes, styles: frozenset[int]) -> Cells:
    """Number cells whose style shows a percentage (Excel stores 97.19% as 0.9719)."""
    # Only the start tags of cells in one of those styles: few, whatever the sheet's size.
    numbers = b"|".join(str(i).encode() for i in sorted(styles))
    tags = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\s([^>]*\bs="(?:' + numbers + rb')"[^>]*)>')
    found: Cells = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name, part in _sheet_parts(zf).items():
            cells = found.setdefault(name, [])
            for tag in tags.findall(zf.read(part)):
                attrs = dict(_C_ATTR.findall(tag))
                if attrs.get(b"t", b"n") != b"n":
                    continue
                m = _CELL_REF_BYTES.match(attrs.get(b"r", b""))
                if m:
                    cells.append((int(m.group(2)) - 1, column_number(m.group(1)) - 1))
    return found


def _show_percentages(grids: list[Grid], cells: Cells) -> None:
    """A number shown as a percentage becomes the text the unit saw (0.9719 → `97.19%`),
    so `97.19%` in a cell formatted as percent and typed as text read the same."""
    for grid in grids:
        for r, c in cells.get(grid.name, ()):
            if r < len(grid.rows) and c < len(grid.rows[r]):
                value = grid.rows[r][c]
                if isinstance(value, int | float) and not isinstance(value, bool):
                    grid.rows[r][c] = percent_text(value)


def percent_text(value: float) -> str:
    """0.9719 → `97.19%`; 1 → `100%` (six decimals at most: no float noise)."""
    shown = f"{value * 100:.6f}".rstrip("0").rstrip(".")
    return f"{'0' if shown in ('', '-0') else shown}%"


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its worksheet part (`xl/worksheets/sheet1.xml`)."""
    rels = SafeTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target", "") for r in rels}
    book = SafeTree.fromstring(zf.read("xl/workbook.xml"))
    parts = {}
    for sheet in book.iter(_MAIN + "sheet"):
        where = target.get(sheet.get(_REL + "id"), "")
        if where:
            part = where.lstrip("/") if where.startswith("/") else "xl/" + where
            parts[sheet.get("name", "")] = part
    return parts


def _xlsx_errors(data: bytes) -> Errors:
    """Formula error cells (`t="e"`) of an xlsx/xlsm; cheap when there are none (a byte
    search per worksheet part, which is the common case)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return {}  # .xls (BIFF): not handled here
    errors: Errors = {}
    with zf:
        names = set(zf.namelist())
        parts = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        hits = {n: raw for n in parts if b't="e"' in (raw := zf.read(n))}
        if not hits:
            return {}
        for name, part in _sheet_parts(zf).items():
            raw = hits.get(part)
            if raw is None:
                continue
            found = errors.setdefault(name, [])
            for el in SafeTree.fromstring(raw).iter(_MAIN + "c"):
                m = _CELL_REF.match(el.get("r", ""))
                if el.get("t") == "e" and m:
                    v = el.find(_MAIN + "v")
                    text = (v.text or "").strip()[:40] if v is not None else ""
                    col = column_number(m.group(1).encode()) - 1
                    found.append((int(m.group(2)) - 1, col, text or "#ERROR"))
    return errors


def _calamine_grids(data: bytes) -> list[Grid]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    grids = []
    with CalamineWorkbook.from_filelike(io.BytesIO(data)) as wb:
        for meta in wb.sheets_metadata:
            if meta.typ not in (SheetTypeEnum.WorkSheet,):
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            ranges = getattr(sheet, "merged_cell_ranges", None) or ()  # python-calamine ≥ 0.4
            merges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in ranges]
            rows = [_clean_row(row) for row in sheet.to_python(skip_empty_area=False)]
            grids.append(Grid(meta.name, rows, merges, meta.visible != SheetVisibleEnum.Visible))
    return grids


def _clean_row(row: list[object]) -> list[object]:
    # calamine gives "" for empty cells and floats for every number: 1.0 → 1 reads like Excel.
    for v in row:
        if v.__class__ is not str or not v:
            break
    else:  # text only (a return's usual row): nothing to change, and the list is ours
        return row
    return [
        None
        if v == "" or v is None
        else int(v)
        if type(v) is float and v.is_integer() and -1e15 < v < 1e15
        else v
        for v in row
    ]


def _csv_rows(text: str) -> list[list[object]]:
    sample = text[:16384]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, ",\t;|")
    except csv.Error:
        dialect = csv.excel_tab if sample.count("\t") > sample.count(",") else csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows = []
    cells = 0
    for row in reader:
        cells += max(len(row), 1)
        if cells > MAX_SHEET_CELLS:
            raise Rejected("file_too_large", "CSV 单元格过多")
        rows.append([v if v.strip() else None for v in row])
    return rows


# --- HTML tables (web systems export them with an .xls name) -------------------------------

_SPACES = re.compile(r"[ \t\r\n\f]+")


class _TableParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[tuple[str, int, int]]]] = []
        self._depth = 0  # nested tables are read as text of the outer cell
        self._skip = 0  # inside <style>/<script>
        self._cell: list[str] | None = None
        self._span = (1, 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        elif tag == "table":
            self._depth += 1
            if self._depth == 1:
                self.tables.append([])
        elif self._depth == 1 and tag == "tr":
            self._end_cell()
            self.tables[-1].append([])
        elif self._depth == 1 and tag in ("td", "th"):
            self._end_cell()
            if not self.tables[-1]:
                self.tables[-1].append([])
            a = dict(attrs)
            self._cell = []
            self._span = (_span(a.get("rowspan")), _span(a.get("colspan")))
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip = max(0, self._skip - 1)
        elif tag == "table":
            if self._depth == 1:
                self._end_cell()
            self._depth = max(0, self._depth - 1)
        elif self._depth == 1 and tag in ("td", "th", "tr"):
            self._end_cell()

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._skip:
            self._cell.append(_SPACES.sub(" ", data.replace("\xa0", " ")))

    def _end_cell(self) -> None:
        if self._cell is not None and self.tables and self.tables[-1]:
            text = "\n".join(line.strip() for line in "".join(self._cell).split("\n")).strip()
            self.tables[-1][-1].append((text, *self._span))
        self._cell = None


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


# A `<` that does not open a closed tag: no `>` comes before the next `<`.
_LONE_LT = re.compile(r"<(?![^<>]*>)")


def defuse_markup(text: str) -> str:
    """Escape every `<` that does not open a closed tag, and comments never closed.

    html.parser looks ahead to the end of the text for the end of each construct it cannot
    close (`<!`, `<a`, `<!--`): a few MB of them take minutes. Escaped, they are text."""
    text = _LONE_LT.sub("&lt;", text)
    last_close = text.rfind("-->")
    tail = text[last_close + 1 :]
    if "<!--" in tail:
        text = text[: last_close + 1] + tail.replace("<!--", "&lt;!--")
    return text


def _html_tables(text: str) -> list[tuple[list[list[object]], list[Merge]]]:
    parser = _TableParser()
    parser.feed(defuse_markup(text))
    parser.close()
    parser._end_cell()
    out = []
    area = 0
    for table in parser.tables:
        # A rowspan cannot reach below the table (browsers clip it too); the cells a table
        # spans are counted before any is laid out, so a span bomb costs nothing.
        spans = [
            [(value, min(rowspan, len(table) - r), colspan) for value, rowspan, colspan in cells]
            for r, cells in enumerate(table)
        ]
        area += sum(rs * cs for cells in spans for _, rs, cs in cells)
        if area > MAX_SHEET_CELLS:
            raise Rejected("file_too_large", "HTML 表格单元格过多")
        occupied: dict[tuple[int, int], object] = {}
        merges: list[Merge] = []
        for r, cells in enumerate(spans):
            c = 0
            for value, rowspan, colspan in cells:
                while (r, c) in occupied:
                    c += 1
                occupied[(r, c)] = value or None
                for dr in range(rowspan):
                    for dc in range(colspan):
                        if dr or dc:
                            occupied.setdefault((r + dr, c + dc), None)
                if rowspan > 1 or colspan > 1:
                    merges.append((r, c, r + rowspan - 1, c + colspan - 1))
                c += colspan
        if not occupied:
            continue
        height = max(r for r, _ in occupied) + 1
        width = max(c for _, c in occupied) + 1
        if height * width > MAX_SHEET_CELLS:
            raise Rejected("file_too_large", "HTML 表格范围过大")
        rows = [[occupied.get((r, c)) for c in range(width)] for r in range(height)]
        out.append((rows, merges))
    return out
