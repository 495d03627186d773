"""Structural, streaming pre-check of the sheet parts an xlsx workbook references.

calamine allocates the whole rectangle spanned by a sheet's cells: one stray cell at
XFD1048576 asks for ~500 GB and aborts the process (tafia/calamine#693). A regex over the
XML misses cells written with single quotes, spaces around `=`, a lower-case reference, no
`r` at all (cells then follow one another), or in a part outside `xl/worksheets/`. Here
every part the workbook references is parsed (expat, chunk by chunk, no tree kept) and the
cells are placed as a reader places them; the declared `<dimension>` is never trusted, so
a file that declares A1:XFD1048576 around a few cells (Gnumeric) still reads.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.parsers import expat

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

MAX_SHEET_CELLS = 2_000_000  # rows × columns from A1 of a sheet (the reader pads from A1)
MAX_BOOK_CELLS = 6_000_000  # the same, over all sheets (300 sparse sheets of 1.9 M each)
MAX_SHEET_ROWS = 1_048_576
MAX_SHEET_COLS = 16_384
_CHUNK = 1 << 16
_NO_VALUE_KEPT = 200  # formula cells without a cached value, reported per workbook at most

_REF = re.compile(r"\s*([A-Za-z]{1,4})\s*([0-9]{1,9})\s*$")
_MAIN_REL = "officeDocument/2006/relationships/"


class TooLarge(Exception):
    """A sheet (or the workbook) spans too many cells; args[0] says where."""


class BadXml(Exception):
    """A part is not well-formed XML or declares a DTD (an entity bomb)."""


@dataclass
class BookScan:
    """What the pre-check learnt of the sheets."""

    cell_errors: bool = False  # some sheet holds a formula error cell (`t="e"`)
    # (sheet name, A1 cell) of formula cells without a cached value (files written by scripts)
    no_value: list[tuple[str, str]] = field(default_factory=list)
    # sheet name → part, as the workbook references them
    parts: dict[str, str] = field(default_factory=dict)


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _attr(attrs: dict[str, str], key: str) -> str | None:
    value = attrs.get(key)
    if value is None:
        for k, v in attrs.items():
            if _local(k) == key:
                return v
    return value


def column_index(letters: str) -> int:
    """`"AB"` → 28 (1-based), case-insensitive."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


class _SheetScan:
    """Expat handlers placing rows and cells as a reader does; tracks the far corner."""

    def __init__(self, part: str) -> None:
        self.part = part
        self.row = 0  # 1-based row of the current <row>
        self.col = 0  # 1-based column of the last cell
        self.bottom = self.right = 0
        self.errors = False
        self.cell: tuple[int, int] | None = None
        self.formula = self.value = self.in_v = False
        self.no_value: list[tuple[int, int]] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "c":
            ref = _attr(attrs, "r")
            m = _REF.match(ref) if ref is not None else None
            if m:
                self.col = column_index(m.group(1))
                self.row = max(self.row, 1) if int(m.group(2)) == 0 else int(m.group(2))
            else:
                self.col += 1
                self.row = max(self.row, 1)
            self.bottom = max(self.bottom, self.row)
            self.right = max(self.right, self.col)
            if self.col > MAX_SHEET_COLS or self.row > MAX_SHEET_ROWS:
                self._too_large()
            self.errors = self.errors or (_attr(attrs, "t") or "").strip() == "e"
            self.cell, self.formula, self.value = (self.row, self.col), False, False
        elif tag == "row":
            r = _attr(attrs, "r")
            try:
                self.row = int(r) if r is not None else self.row + 1
            except ValueError:
                self.row += 1
            self.col = 0
            if self.row > MAX_SHEET_ROWS:
                self._too_large()
        elif self.cell is not None:
            if tag == "f":
                self.formula = True
            elif tag == "v":
                self.in_v = True  # an empty <v/> (openpyxl) is no cached value
            elif tag == "is":
                self.value = True

    def text(self, data: str) -> None:
        if self.in_v and not data.isspace():
            self.value = True

    def end(self, name: str) -> None:
        tag = _local(name)
        if tag == "v":
            self.in_v = False
        elif tag == "c" and self.cell is not None:
            if self.formula and not self.value and len(self.no_value) < _NO_VALUE_KEPT:
                self.no_value.append(self.cell)
            self.cell = None

    def area(self) -> int:
        return self.bottom * self.right

    def check(self) -> None:
        if self.area() > MAX_SHEET_CELLS:
            self._too_large()

    def _too_large(self) -> None:
        right = xl_col_to_name(min(self.right, 1 << 20) - 1) if self.right else "A"
        span = f"A1:{right}{self.bottom}"
        raise TooLarge(f"{posixpath.basename(self.part)} 单元格范围 {span} 过大")


def _refuse_dtd(*_args: object) -> None:
    # Office files never carry a DTD; one can only be an entity ("billion laughs") bomb.
    raise BadXml("含 XML 实体声明（疑似 XML 炸弹）")


def scan_sheet(part: str, chunks) -> _SheetScan:
    """Parse one sheet part from an iterable of byte chunks; raise TooLarge or BadXml."""
    scan = _SheetScan(part)
    parser = expat.ParserCreate()
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parser.CharacterDataHandler = scan.text
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise BadXml(f"{part} 不是有效的 XML：{exc}") from None
    scan.check()
    return scan


# The fast path: a sheet part written the way Excel, WPS, LibreOffice and XlsxWriter write
# it (`<c r="B7"`, `<row r="7"`, no prefixes, no formulas, no error cells) is checked by
# expat without Python callbacks (well-formedness, no DTD) and its far corner found by
# regular expressions in C. Anything else takes the element-by-element scan above. The
# per-element callbacks cost ≈ 4 ms per return, three times what calamine needs to read it.
# A part this large is read whole for the fast path: a sheet within MAX_SHEET_CELLS is
# smaller (a 200,000-unit registry's sheet is 24 MB), and the regexes' matches for its
# cells stay far below the workers' memory limit. Larger parts are streamed to the full scan.
_FAST_MAX_BYTES = 128 << 20
_CELL_TAG = re.compile(rb"<c[\s/>]")
_CELL_CANON = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"')
_ROW_TAG = re.compile(rb"<row[\s/>]")
_ROW_CANON = re.compile(rb'<row r="([1-9][0-9]{0,6})"')
# Prefixed elements, formulas, comments/CDATA/DTD, processing instructions; error cells.
_NOT_PLAIN = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:|f[\s/>]|!|\?)")
_ERROR_VALUE = re.compile(rb"""=\s*["']\s*e\s*["']""")
_DECLARED = re.compile(rb'\s*<\?xml[^>]*?encoding\s*=\s*["\']([^"\']*)')
# _NOT_PLAIN and _ERROR_VALUE test every `<` and `=` of a part (thousands): the same
# questions asked of the reversed part start at rarer bytes (`!`, `?`, `f`, `:`), and an
# error value needs an `e` before a quote (tests/test_reliability.py checks both ways agree).
_PREFIXED_REVERSED = re.compile(rb":[\w.\-]*[A-Za-z_]<")  # `<x:` read backwards
_E_QUOTE = re.compile(rb"""e\s*["']""")
_TAG_END = frozenset(b" \t\n\r\f\v/>")


def _not_plain(body: bytes) -> bool:
    """`_NOT_PLAIN.search(body) is not None`, by searches that skip most of the part."""
    rev = body[::-1]
    if b"!<" in rev or b"?<" in rev:  # `<!`, `<?`
        return True
    at = rev.find(b"f<")  # `<f` followed by a space, `/` or `>`: a formula
    while at >= 0:
        if at > 0 and rev[at - 1] in _TAG_END:
            return True
        at = rev.find(b"f<", at + 1)
    return _PREFIXED_REVERSED.search(rev) is not None


def _plain_corner(data: bytes) -> tuple[int, int] | None:
    """(bottom, right) of a plain sheet part, or None when it is not plain (see above)."""
    if b"\x00" in data or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16
    declared = _DECLARED.match(data)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return None
    body = data[data.find(b"?>") + 2 :] if data.lstrip(b"\xef\xbb\xbf").startswith(b"<?") else data
    if _not_plain(body) or (_E_QUOTE.search(body) and _ERROR_VALUE.search(body)):
        return None
    cells = _CELL_CANON.findall(body)
    # Every canonical cell tag is a cell tag, and every cell tag starts with `<c`: when the
    # byte count of `<c` equals the canonical cells, so does the count of cell tags (no
    # `<col`, `<cfRule` … to tell apart), and the second regex pass is spared.
    if len(cells) != body.count(b"<c") and len(cells) != len(_CELL_TAG.findall(body)):
        return None
    rows = _ROW_CANON.findall(body)
    if len(rows) != body.count(b"<row") and len(rows) != len(_ROW_TAG.findall(body)):
        return None
    if rows and max(map(int, rows)) > MAX_SHEET_ROWS:
        return None
    if not cells:
        return 0, 0
    letters, numbers = zip(*cells, strict=True)
    bottom = max(map(int, set(numbers)))
    right = max(column_index(c.decode()) for c in set(letters))
    if bottom > MAX_SHEET_ROWS or right > MAX_SHEET_COLS:
        return None  # the full scan reports it
    return bottom, right


def scan_sheet_bytes(part: str, data: bytes) -> _SheetScan:
    """`scan_sheet` of a part held in memory, by the fast path when the part is plain."""
    corner = _plain_corner(data)
    if corner is None:
        return scan_sheet(part, [data])
    parser = expat.ParserCreate()  # no element handlers: well-formedness in C only
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise BadXml(f"{part} 不是有效的 XML：{exc}") from None
    scan = _SheetScan(part)
    scan.bottom, scan.right = corner
    scan.check()
    return scan


# A member's local header: signature, flags (at 6), name and extra field lengths (at 26).
_LOCAL_HEADER = struct.Struct("<4s2xH18xHH")
_HEAD_MAX = 1 << 16  # a member this small is read whole when a head of it is asked for


def read_part(zf: zipfile.ZipFile, name: str, limit: int | None = None) -> bytes:
    """`zf.read(name)`, or the first `limit` bytes of the member, taken from the archive
    held in memory with one `zlib` call instead of zipfile's reader objects (a return's
    dozen small parts cost more in zipfile's Python than in inflating them).

    Only a member whose local header, name, method, size and CRC all agree with the
    directory is read so; anything else (encryption, a lying size, a bad CRC, a large
    member's head) goes to zipfile, which reads or fails exactly as it always did."""
    data = _archive(zf)
    info = zf.NameToInfo.get(name)
    if data is not None and info is not None and (limit is None or info.file_size <= _HEAD_MAX):
        out = _inflate(data, info)
        if out is not None:
            return out if limit is None else out[:limit]
    if limit is None:
        return zf.read(name)
    with zf.open(name) as f:
        return f.read(limit)


def _archive(zf: zipfile.ZipFile) -> bytes | None:
    fp = zf.fp
    # BytesIO(data).getvalue() returns `data` itself while the buffer is unchanged.
    return fp.getvalue() if type(fp) is io.BytesIO and not zf._writing else None


def _inflate(data: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """The member's bytes when everything about it is as declared, else None."""
    flags, method, at = info.flag_bits, info.compress_type, info.header_offset
    if flags & 0x61 or method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return None  # encrypted, patched data, strong encryption; other methods
    if at < 0 or at + _LOCAL_HEADER.size > len(data):
        return None
    magic, local_flags, n_name, n_extra = _LOCAL_HEADER.unpack_from(data, at)
    if magic != b"PK\x03\x04":
        return None
    start = at + _LOCAL_HEADER.size
    try:
        fname = data[start : start + n_name].decode("utf-8" if local_flags & 0x800 else "cp437")
    except UnicodeDecodeError:
        return None
    if fname != info.orig_filename:
        return None
    start += n_name + n_extra
    raw = data[start : start + info.compress_size]
    if len(raw) != info.compress_size:
        return None
    if method == zipfile.ZIP_STORED:
        out = raw
    else:
        try:
            # One byte more than declared: a member inflating beyond its size is seen.
            out = zlib.decompressobj(-15).decompress(raw, info.file_size + 1)
        except zlib.error:
            return None
    if len(out) != info.file_size or zlib.crc32(out) != info.CRC:
        return None
    return out


def _member_chunks(zf: zipfile.ZipFile, name: str):
    # The member's declared size was checked against the budget; a member lying about it
    # fails its CRC check while being read.
    with zf.open(name) as f:
        while chunk := f.read(_CHUNK):
            yield chunk


# referenced_parts of the workbook parts seen lately: returns made from one template share
# them byte for byte, and the same bytes always parse to the same parts (bad XML raises
# and is never remembered).
_PARTS_SEEN: dict[tuple[bytes | None, bytes], dict[str, str]] = {}
_PARTS_SEEN_MAX = 64
_SMALL_PART = 1 << 14  # remembered parts: at most 64 × 2 × 16 KB held by a worker


def referenced_parts(zf: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Sheet name → part for every sheet workbook.xml lists (any sheet type), resolved
    through its relationships, as a reader finds them."""
    rels_name = "xl/_rels/workbook.xml.rels"
    book = zf.getinfo("xl/workbook.xml")
    rels_info = zf.getinfo(rels_name) if rels_name in names else None
    if book.file_size > _SMALL_PART or (rels_info and rels_info.file_size > _SMALL_PART):
        return _referenced_parts(zf, names)
    try:
        key = (read_part(zf, rels_name) if rels_info else None, read_part(zf, "xl/workbook.xml"))
    except Exception:  # a broken member: fail as the parts are read one after the other
        return _referenced_parts(zf, names)
    parts = _PARTS_SEEN.get(key)
    if parts is None:
        parts = _referenced_parts(zf, names, key)
        if len(_PARTS_SEEN) >= _PARTS_SEEN_MAX:
            _PARTS_SEEN.clear()
        _PARTS_SEEN[key] = parts
    return dict(parts)


def _referenced_parts(
    zf: zipfile.ZipFile, names: set[str], data: tuple[bytes | None, bytes] | None = None
) -> dict[str, str]:
    rels: dict[str, str] = {}
    rels_name = "xl/_rels/workbook.xml.rels"
    if rels_name in names:

        def rel(name: str, attrs: dict[str, str]) -> None:
            if _local(name) == "Relationship" and attrs.get("Id"):
                rels[attrs["Id"]] = attrs.get("Target", "")

        _parse_small(zf, rels_name, rel, data and data[0])
    parts: dict[str, str] = {}

    def sheet(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "sheet":
            rid = next((v for k, v in attrs.items() if _local(k) == "id" and k != "sheetId"), "")
            target = rels.get(rid, "")
            if target:
                if target.startswith("/"):
                    part = target.lstrip("/")
                else:
                    part = posixpath.normpath(posixpath.join("xl", target))
                parts[attrs.get("name", "")] = part

    _parse_small(zf, "xl/workbook.xml", sheet, data and data[1])
    return parts


def _parse_small(zf: zipfile.ZipFile, name: str, handler, data: bytes | None = None) -> None:
    """Parse member `name` (or its bytes `data`, already read) with `handler` per element."""
    parser = expat.ParserCreate()
    parser.StartElementHandler = handler
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    try:
        for chunk in [data] if data is not None else _member_chunks(zf, name):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise BadXml(f"{name} 不是有效的 XML：{exc}") from None


def scan_book(zf: zipfile.ZipFile, names: set[str]) -> BookScan:
    """Pre-check every sheet part the workbook references (and any under xl/worksheets/)."""
    book = BookScan(parts=referenced_parts(zf, names))
    sheet_of = {part: sheet for sheet, part in book.parts.items()}
    todo = sorted(
        {p for p in book.parts.values() if p in names}
        | {n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")}
    )
    total = 0
    for part in todo:
        if zf.getinfo(part).file_size <= _FAST_MAX_BYTES:
            scan = scan_sheet_bytes(part, read_part(zf, part))
        else:
            scan = scan_sheet(part, _member_chunks(zf, part))
        total += scan.area()
        if total > MAX_BOOK_CELLS:
            raise TooLarge(f"各工作表单元格范围合计超过 {MAX_BOOK_CELLS:,}")
        book.cell_errors = book.cell_errors or scan.errors
        if part in sheet_of:
            for r, c in scan.no_value:
                book.no_value.append((sheet_of[part], xl_rowcol_to_cell(r - 1, c - 1)))
    return book


class _OdsScan:
    """Expat handlers over content.xml: the far corner of the cells that hold a value.

    Empty cells and rows repeated to the sheet's end are what LibreOffice always writes;
    a value repeated that far is what makes a reader allocate the whole rectangle."""

    def __init__(self) -> None:
        self.row = 0  # rows before the current one (repeats counted)
        self.col = 0  # columns before the current cell
        self.repeat = 1  # repeats of the current row
        self.bottom = self.right = 0
        self.filled = False  # the current row holds a value
        self.total = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "table":
            self._end_sheet()
        elif tag == "table-row":
            self.col, self.filled = 0, False
            self.repeat = _count(attrs, "number-rows-repeated")
        elif tag in ("table-cell", "covered-table-cell"):
            span = _count(attrs, "number-columns-repeated")
            if any(_local(k) == "value-type" for k in attrs):
                self.filled = True
                self.right = max(self.right, self.col + span)
            self.col += span

    def end(self, name: str) -> None:
        if _local(name) == "table-row":
            if self.filled:
                self.bottom = self.row + self.repeat
            self.row += self.repeat
            if self.bottom * self.right > MAX_SHEET_CELLS:
                raise TooLarge(f"content.xml 单元格范围 {self.bottom}×{self.right} 过大")

    def _end_sheet(self) -> None:
        self.total += self.bottom * self.right
        if self.total > MAX_BOOK_CELLS:
            raise TooLarge(f"各工作表单元格范围合计超过 {MAX_BOOK_CELLS:,}")
        self.row = self.bottom = self.right = 0


def _count(attrs: dict[str, str], key: str) -> int:
    value = _attr(attrs, key)
    try:
        return max(1, int(value)) if value is not None else 1
    except ValueError:
        return 1


def scan_ods(zf: zipfile.ZipFile) -> None:
    """Pre-check an ODS's content.xml; raise TooLarge or BadXml."""
    scan = _OdsScan()
    parser = expat.ParserCreate()
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    try:
        for chunk in _member_chunks(zf, "content.xml"):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise BadXml(f"content.xml 不是有效的 XML：{exc}") from None
    scan._end_sheet()
