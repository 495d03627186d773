"""Cell formats and the seed-000 annex layout shared by the 汇总 and template writers."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from targetbook import labels as L
from targetbook.text import cell_text

LINE_HEIGHT = 14.5  # points per wrapped line of the 11pt body font
# Column widths (Excel character units) for the seed-000 annex: 序号 | 单位 | 目标 | 计划.
ANNEX_WIDTHS = (6, 20, 50, 58)
PROVENANCE_WIDTHS = (30, 14, 8)
# Excel/XlsxWriter limits: a longer string is cut by Excel, so we cut it ourselves.
MAX_TEXT = 32767
DEFAULT_ROW_HEIGHT = 15.0  # points: Excel's one-line row
# Column widths (Excel character units) that print across portrait A4 at a readable scale;
# a wider sheet prints landscape. Either way every column fits one page width.
PORTRAIT_WIDTH = 95


class Formats:
    """The workbook's formats, created once (XlsxWriter slows down with one per cell)."""

    def __init__(self, wb) -> None:
        base = {"font_name": L.FONT_BODY, "font_size": 11, "valign": "vcenter"}
        boxed = {**base, "border": 1, "text_wrap": True}
        self.annex_no = wb.add_format({**base, "font_name": L.FONT_HEADING, "font_size": 14})
        self.title = wb.add_format(
            {**base, "bold": True, "font_size": 18, "align": "center", "text_wrap": True}
        )
        self.header = wb.add_format(
            {**boxed, "bold": True, "align": "center", "bg_color": "#D9E1F2"}
        )
        self.cell = wb.add_format({**boxed, "align": "left"})
        self.center = wb.add_format({**boxed, "align": "center"})
        # what number_format builds on (a Format does not give its properties back)
        self._props = {
            id(self.cell): {**boxed, "align": "left"},
            id(self.center): {**boxed, "align": "center"},
        }
        self.number = wb.add_format({**boxed, "align": "right"})
        self.plain = wb.add_format({**base, "text_wrap": True, "valign": "top"})
        self.side = wb.add_format({**base, "font_color": "#808080", "font_size": 9})
        self.side_header = wb.add_format(
            {**base, "font_color": "#808080", "font_size": 9, "bold": True}
        )
        self.note = wb.add_format(
            {**base, "font_color": "#C00000", "font_size": 10, "text_wrap": True}
        )
        self.input = wb.add_format({**boxed, "align": "left", "locked": False})
        # long text in list sheets (计算依据, 说明 …): wrapped, so it prints whole
        self.wrap = wb.add_format({**base, "text_wrap": True, "valign": "top"})
        self._wb = wb
        self._numbers: dict[tuple[str, int], object] = {}

    def number_format(self, code: str, base=None):
        """A format showing numbers under a return's number format code (one per code and
        base format: an annex cell keeps its borders and alignment)."""
        key = (code, id(base))
        fmt = self._numbers.get(key)
        if fmt is None:
            props = self._props.get(id(base), {}) if base is not None else {}
            fmt = self._numbers[key] = self._wb.add_format({**props, "num_format": code})
        return fmt


def text_width(text: str) -> float:
    """Display width in Excel character units: CJK and full-width forms count about two."""
    # Counting ASCII in C is ~20× faster than asking unicodedata per character; the
    # non-ASCII text of a return is nearly all CJK and full-width punctuation.
    narrow = len(text.encode("ascii", "ignore"))
    return 2.1 * (len(text) - narrow) + 1.1 * narrow


def row_height(texts: Iterable[str], widths: Sequence[float]) -> float:
    """Height (points) a row of wrapped cells needs, so printed annexes show every line."""
    lines = 1
    for text, width in zip(texts, widths, strict=False):
        usable = max(width - 1, 1)
        n = sum(max(1, math.ceil(text_width(part) / usable)) for part in str(text).split("\n"))
        lines = max(lines, n)
    return lines * LINE_HEIGHT + 6


def line_counts(texts: Sequence[str | None], width: float) -> list[int]:
    """Wrapped lines each text needs in a column `width` characters wide (at least 1)."""
    usable = max(width - 1, 1)
    ceil = math.ceil
    seen: dict[str, int] = {}  # a column's texts often repeat (targets, units, items)
    get = seen.get
    out = []
    append = out.append
    for text in texts:
        if not text:
            append(1)
            continue
        lines = get(text)
        if lines is None:
            if "\n" in text:
                lines = 0
                for part in text.split("\n"):
                    narrow = len(part.encode("ascii", "ignore"))  # as text_width, inlined
                    lines += ceil((2.1 * (len(part) - narrow) + 1.1 * narrow) / usable) or 1
            else:
                narrow = len(text.encode("ascii", "ignore"))
                lines = ceil((2.1 * (len(text) - narrow) + 1.1 * narrow) / usable) or 1
            seen[text] = lines
        append(lines)
    return out


def row_heights(columns: Sequence[Sequence[str | None]], widths: Sequence[float]) -> list[float]:
    """Row heights (points) for rows of wrapped cells, one list of texts per column."""
    counts = [line_counts(texts, width) for texts, width in zip(columns, widths, strict=True)]
    return [max(lines) * LINE_HEIGHT + 6 for lines in zip(*counts, strict=True)]


def wrapped_heights(
    columns: Sequence[Sequence[str | None]], widths: Sequence[float]
) -> list[float]:
    """Row heights (points) for list rows with wrapped columns: one line keeps Excel's
    default; more lines get room for each (LibreOffice prints a row at its stored height)."""
    if not columns:
        return []
    counts = [line_counts(texts, width) for texts, width in zip(columns, widths, strict=True)]
    return [
        DEFAULT_ROW_HEIGHT if n == 1 else n * LINE_HEIGHT + 6
        for n in map(max, zip(*counts, strict=True))
    ]


def list_print_setup(ws, widths: Sequence[float], last_row: int, title: str = "") -> None:
    """A list sheet on A4: landscape when wide, all columns on one page width, the header row
    repeated, `title` printed at the top of each page and page numbers in the footer."""
    ws.set_paper(9)
    if sum(widths) > PORTRAIT_WIDTH:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.8, bottom=0.6)
    ws.repeat_rows(0)
    ws.print_area(0, 0, max(last_row, 1), max(len(widths) - 1, 0))
    if title:  # & starts a header code in Excel: a literal one is doubled
        ws.set_header(f"&C&14&B{title.replace('&', '&&')}", {"margin": 0.3})
    ws.set_footer(L.PAGE_FOOTER)


def put_text(ws, row: int, col: int, value: object, fmt=None) -> None:
    """Write any value as a string cell (never a formula, URL or number guess)."""
    text = cell_text(value)
    if text:
        ws.write_string(row, col, text[:MAX_TEXT], fmt)
    elif fmt is not None:
        ws.write_blank(row, col, None, fmt)


def annex_head(
    ws, fmts: Formats, category: str, year: object, *, note: str = "", two_rows: bool = False
) -> int:
    """附件N, the merged title, an optional note line and the header; returns the header's
    last row. two_rows: each header cell merged over two rows, as in seed 000's notice."""
    ws.set_row(0, 24)
    put_text(ws, 0, 0, L.ANNEX_LABEL.format(n=L.ANNEX_NUMBER[category]), fmts.annex_no)
    ws.set_row(1, 36)
    ws.merge_range(1, 0, 1, 3, L.annex_title(category, year), fmts.title)
    header = 2
    if note:
        ws.set_row(2, 32)
        ws.merge_range(2, 0, 2, 3, note, fmts.note)
        header = 3
    labels = L.KIND_COLUMNS[L.PLAN_KIND]
    if two_rows:
        ws.set_row(header, 16)
        ws.set_row(header + 1, 16)
        for col, label in enumerate(labels):
            ws.merge_range(header, col, header + 1, col, label, fmts.header)
        header += 1
    else:
        ws.set_row(header, 22)
        for col, label in enumerate(labels):
            put_text(ws, header, col, label, fmts.header)
    for col, width in enumerate(ANNEX_WIDTHS):
        ws.set_column(col, col, width)
    return header


def print_setup(ws, header: int, last_row: int, last_col: int, *, top: int | None = None) -> None:
    """A4 landscape, one page wide, header rows (top…header) repeated on every page,
    A:last_col printed."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.repeat_rows(header if top is None else top, header)
    ws.print_area(0, 0, max(last_row, header), last_col)
    ws.set_footer(L.PAGE_FOOTER)
    ws.freeze_panes(header + 1, 0)
