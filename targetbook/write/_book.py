"""An XlsxWriter workbook whose large sheet bodies are written as sheet XML directly.

XlsxWriter costs ~6–8 µs per cell in Python; 汇总.xlsx for 1,000 returns has half a million
cells. XlsxWriter still lays out every sheet (formats, column widths, merged titles, print
setup, defined names, headers); the body rows registered with `Book.body` are then spliced
into its sheet XML as plain `<row>` elements: text as inline strings (`t="inlineStr"`, never a
formula), numbers as `<v>`. Text is XML-escaped, characters XML cannot carry are removed and
`_xHHHH_` sequences are protected (Excel would decode them), as XlsxWriter itself does.
"""

from __future__ import annotations

import io
import math
import queue
import re
import threading
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name as col_letter

# Strings are never turned into formulas, URLs or numbers: the text from a return stays text.
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "in_memory": True,
}
# Excel's limit per cell: a longer string is cut by Excel, so we cut it ourselves.
MAX_TEXT = 32767
# Rows are handed to zlib in chunks of this many, so memory stays flat on large bodies.
CHUNK_ROWS = 2000
# Level 1 deflates sheet XML ~3× faster than the default 6 for a ~15% larger file.
COMPRESS_LEVEL = 1

_SPECIAL = re.compile(
    r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_|^\s|\s$"
)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPED = re.compile(r"(_x[0-9A-Fa-f]{4}_)")
_UNIQUE = re.compile(r'uniqueCount="(\d+)"')
_COUNT = re.compile(r'\bcount="(\d+)"')
SST = "xl/sharedStrings.xml"
_SHEET_DATA = re.compile(r"<sheetData/>|</sheetData>")
_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')


@dataclass
class Column:
    """One body column: raw cell values and a format.

    Text is a string cell ("" none); in a `numeric` column a finite number is a number cell
    and any other non-text value (NaN, inf, bool, a date) no cell; elsewhere a non-text
    value is written as its text (NaN and None: no cell)."""

    values: Sequence[object]
    fmt: object = None
    blank_fmt: bool = False  # write formatted blank cells where there is none (borders)
    numeric: bool = True
    # per cell: a format replacing `fmt` (a number under the number format it had), or None
    styles: Sequence[object] | None = None


@dataclass
class _Strings:
    """XlsxWriter's shared-string table, extended with the bodies' strings."""

    def __init__(self, xml: str) -> None:
        self.xml = xml
        found = _UNIQUE.search(xml)
        self.base = int(found.group(1)) if found else 0
        self.index: dict[str, int] = {}
        self.refs = 0

    def write(self, sink) -> None:
        """The table: XlsxWriter's entries, then ours, counts updated."""
        head, _, tail = self.xml.rpartition("</sst>")
        found = _COUNT.search(head)
        count = (int(found.group(1)) if found else self.base) + self.refs
        head = _COUNT.sub(f'count="{count}"', head, 1)
        head = _UNIQUE.sub(f'uniqueCount="{self.base + len(self.index)}"', head, 1)
        head = head.replace("<sst/>", "<sst>")  # XlsxWriter never writes it empty; be safe
        sink.write(head.encode())
        items = list(self.index)
        for start in range(0, len(items), 5000):
            sink.write("".join(f"<si>{_t(t)}</si>" for t in items[start : start + 5000]).encode())
        sink.write(("</sst>" + tail).encode())


@dataclass
class _Body:
    index: int
    first_row: int
    columns: list[Column]
    heights: Sequence[float] | None


def xml_text(text: str) -> str:
    """Text as the content of a `<t>` element: escaped, illegal characters dropped."""
    text = _ILLEGAL.sub("", text)
    if "_x" in text:
        text = _ESCAPED.sub(r"_x005F\1", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


class Book:
    """An XlsxWriter workbook in memory; `save` splices the registered bodies into it."""

    def __init__(self) -> None:
        self._buffer = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self._buffer, WORKBOOK_OPTIONS)
        self._bodies: list[_Body] = []

    def body(
        self,
        ws,
        first_row: int,
        columns: list[Column],
        heights: Sequence[float] | None = None,
    ) -> None:
        """Register rows first_row… of `ws` (nothing else may be written there)."""
        for column in columns:
            if column.fmt is not None:
                # XlsxWriter numbers a format when a cell of its own uses it; these cells
                # are not its own, so number it now (the index styles.xml will give it).
                column.fmt._get_xf_index()
            for fmt in {id(f): f for f in column.styles or () if f is not None}.values():
                fmt._get_xf_index()
        self._bodies.append(_Body(ws.index, first_row, columns, heights))

    def save(self, path: str | Path) -> None:
        """Close the workbook and write it to `path` with the bodies in place."""
        self.wb.close()
        bodies = {f"xl/worksheets/sheet{b.index + 1}.xml": b for b in self._bodies}
        self._buffer.seek(0)
        with (
            zipfile.ZipFile(self._buffer) as src,
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as out,
        ):
            names = set(src.namelist())
            # The bodies' text joins XlsxWriter's shared-string table (one copy of each
            # repeated unit, file and sheet name); inline strings if it wrote none.
            sst = _Strings(src.read(SST).decode("utf-8")) if SST in names else None
            for info in src.infolist():
                if info.filename == SST:
                    continue
                data = src.read(info)
                body = bodies.get(info.filename)
                if body is None:
                    out.writestr(info, data, zipfile.ZIP_DEFLATED, COMPRESS_LEVEL)
                    continue
                entry = _entry(info.filename, info.date_time)
                with out.open(entry, "w", force_zip64=True) as member, _Deflating(member) as sink:
                    _splice(data.decode("utf-8"), body, sink, sst)
            if sst is not None:
                entry = _entry(SST, src.getinfo(SST).date_time)
                with out.open(entry, "w", force_zip64=True) as member, _Deflating(member) as sink:
                    sst.write(sink)

    def abandon(self) -> None:
        """Drop the workbook after a failed build (nothing was written to disk)."""
        self.wb.fileclosed = True


def _entry(name: str, date_time: tuple) -> zipfile.ZipInfo:
    """A member to deflate at COMPRESS_LEVEL (a ZipInfo given to ZipFile.open would
    otherwise get zlib's default level 6, not the ZipFile's)."""
    entry = zipfile.ZipInfo(name, date_time)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry._compresslevel = COMPRESS_LEVEL  # public as `compress_level` from Python 3.13
    return entry


class _Deflating:
    """A zip member written (deflated, checksummed) by a thread while the caller makes XML.

    zlib and crc32 release the GIL: on two cores, compression no longer adds to the time
    spent building the rows. Errors of the writer are raised in the caller.
    """

    def __init__(self, member) -> None:
        self._member = member
        self._chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (chunk := self._chunks.get()) is not None:
            if self._error is None:
                try:
                    self._member.write(chunk)
                except BaseException as exc:  # handed to the caller
                    self._error = exc

    def write(self, data: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._chunks.put(data)

    def __enter__(self) -> _Deflating:
        return self

    def __exit__(self, *exc_info) -> None:
        self._chunks.put(None)
        self._thread.join()
        if self._error is not None and exc_info[0] is None:
            raise self._error


def _splice(xml: str, body: _Body, sink, sst: _Strings | None = None) -> None:
    """XlsxWriter's sheet XML with the body's rows appended to its sheetData."""
    n = max((len(c.values) for c in body.columns), default=0)
    last_row = body.first_row + n  # 1-based number of the last body row
    last_col = len(body.columns) - 1
    match = _DIMENSION.search(xml)
    if match and n:
        old = match.group(0)[len('<dimension ref="') : -3].split(":")[-1]
        old_col = re.match(r"[A-Z]+", old).group(0) if old[:1].isalpha() else "A"
        old_row = int(old[len(old_col) :] or 1)
        cols = max(last_col, _col_index(old_col))
        ref = f"A1:{col_letter(cols)}{max(old_row, last_row)}"
        xml = xml.replace(match.group(0), f'<dimension ref="{ref}"/>', 1)
    where = _SHEET_DATA.search(xml)
    head, tail = xml[: where.start()], xml[where.end() :]
    sink.write((head + "<sheetData>" if where.group(0) == "<sheetData/>" else head).encode())
    first = body.first_row + 1
    for start in range(0, n, max(CHUNK_ROWS, 1)):
        stop = min(n, start + max(CHUNK_ROWS, 1))
        numbers = range(first + start, first + stop)
        if body.heights is None:
            opens = [f'<row r="{r}">' for r in numbers]
        else:
            opens = [
                f'<row r="{r}" ht="{h:g}" customHeight="1">'
                for r, h in zip(numbers, body.heights[start:stop], strict=True)
            ]
        cells = [
            _column_cells(c, col_letter(i), numbers, start, stop, sst)
            for i, c in enumerate(body.columns)
        ]
        rows = map("".join, zip(opens, *cells, strict=True))
        sink.write(("</row>".join(rows) + "</row>").encode())
    sink.write(("</sheetData>" + tail).encode())


def _column_cells(
    column: Column, letter: str, numbers: range, start: int, stop: int, sst: _Strings | None
) -> list:
    """One column's cell elements for rows numbers (values[start:stop]); '' for no cell."""
    if column.styles is not None:
        return _styled_cells(column, letter, numbers, start, stop, sst)
    style = f' s="{column.fmt._get_xf_index()}"' if column.fmt is not None else ""
    blank = f'"{style}/>' if column.blank_fmt and column.fmt is not None else None
    text_open, number_open = f'"{style} t="inlineStr"><is>', f'"{style}><v>'
    shared_open = f'"{style} t="s"><v>'
    index = sst.index if sst is not None else None
    base = sst.base if sst is not None else 0
    shared = 0
    out = []
    append = out.append
    numeric = column.numeric
    for r, value in zip(numbers, column.values[start:stop], strict=True):
        cls = value.__class__
        if cls is str:
            text = value
        elif value is None or (cls is float and value != value):
            text = ""
        elif numeric:
            if cls is float:  # the common case, inlined: finite (inf - inf is NaN)
                if value - value == 0.0:
                    shown = (
                        str(int(value))
                        if value.is_integer() and -1e15 < value < 1e15
                        else repr(value)
                    )
                    append(f'<c r="{letter}{r}{number_open}{shown}</v></c>')
                    continue
            elif finite(value):
                append(f'<c r="{letter}{r}{number_open}{_number(float(value))}</v></c>')
                continue
            text = ""
        else:
            text = str(value)
        if text and index is not None:
            text = text[:MAX_TEXT]
            i = index.get(text)
            if i is None:
                i = index[text] = base + len(index)
            append(f'<c r="{letter}{r}{shared_open}{i}</v></c>')
            shared += 1
        elif text:
            append(f'<c r="{letter}{r}{text_open}{_t(text)}</is></c>')
        elif blank is not None:
            append(f'<c r="{letter}{r}{blank}')
        else:
            append("")
    if sst is not None:
        sst.refs += shared
    return out


def _styled_cells(
    column: Column, letter: str, numbers: range, start: int, stop: int, sst: _Strings | None
) -> list:
    """_column_cells of a column whose cells have formats of their own (few such columns:
    the figures of 指标进度), one cell at a time."""
    out = []
    styles = column.styles or ()
    for n, r in enumerate(numbers, start):
        fmt = styles[n] if n < len(styles) and styles[n] is not None else column.fmt
        one = Column([column.values[n]], fmt, column.blank_fmt, column.numeric)
        out += _column_cells(one, letter, range(r, r + 1), 0, 1, sst)
    return out


def _t(text: str) -> str:
    """A `<t>` element for text (cut to Excel's limit; spaces kept at either end)."""
    text = text[:MAX_TEXT]
    if _SPECIAL.search(text) is None:
        return f"<t>{text}</t>"
    text = xml_text(text)
    if text[:1].isspace() or text[-1:].isspace():
        return f'<t xml:space="preserve">{text}</t>'
    return f"<t>{text}</t>"


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def finite(value: object) -> bool:
    """True for a real, finite number (not bool, not NaN/inf, not text)."""
    if isinstance(value, bool) or value is None:
        return False
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
