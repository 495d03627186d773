"""Sniff a return's real format from its bytes and pre-check it before any parser runs.

Parsers (calamine, zipfile) trust sizes and cell positions written in the file; a hostile
or broken file can make them allocate gigabytes or abort the process. The checks here are
cheap (zip directory, a regex over the sheet XML) and turn such files into a `Rejected`
carrying the rule id, so the worker never hands them to calamine.
"""

from __future__ import annotations

import html
import io
import re
import struct
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from targetbook.read._biff import PERCENT_FORMATS, biff_encrypted, shows_percent
from targetbook.read._precheck import (
    MAX_SHEET_CELLS,
    MAX_SHEET_ROWS,
    BadXml,
    BookScan,
    TooLarge,
    read_part,
    scan_book,
    scan_ods,
    scan_sheet,
)

__all__ = ["MAX_SHEET_CELLS", "MAX_SHEET_ROWS"]

# Limits far above any real return (a township annex is a few hundred cells).
MAX_FILE_BYTES = 100 << 20
MAX_UNPACKED_BYTES = 300 << 20  # all zip members together, as declared
MAX_MEMBER_RATIO = 200  # compression ratio of one member larger than 1 MiB

XLSX, XLSB, XLS, ODS, CSV, HTML, XML2003 = "xlsx", "xlsb", "xls", "ods", "csv", "html", "xml2003"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>([^<]{10,40})<")
_ODS_DATE = re.compile(rb"<dc:date>([^<]{10,40})<")
# Our templates' custom document properties (labels.TEMPLATE_PROPS), as Excel/WPS keep them.
_CUSTOM = re.compile(
    rb"<property\b[^>]*?\bname=[\"'](targetbook\.[a-z]{1,20})[\"'][^>]*>\s*"
    rb"<(?:[\w.-]+:)?lpwstr\b[^>]*>([^<]{0,400})</"
)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Rejected(Exception):
    """The file cannot or must not be parsed: `rule` is the Issue rule id."""

    def __init__(self, rule: str, reason: str = "") -> None:
        super().__init__(rule, reason)
        self.rule = rule
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Sniffed:
    """What a file really is, and what the pre-check learnt on the way."""

    kind: str  # XLSX | XLSB | XLS | ODS | CSV | HTML | XML2003
    modified: datetime | None = None  # the workbook's own saved time (naive UTC)
    text: str | None = None  # decoded text for CSV / HTML
    # xlsx: some worksheet part holds a formula error cell (`t="e"`); None: not looked at
    cell_errors: bool | None = None
    # xlsx: indexes of the cell styles (cellXfs) whose number format shows a percentage
    percent_styles: frozenset[int] = frozenset()
    # xlsx: (sheet, A1 cell) of formula cells without a cached value
    no_value: tuple[tuple[str, str], ...] = ()
    # xlsx: the custom document properties a targetbook template records ((name, value) …)
    issued: tuple[tuple[str, str], ...] = ()
    # xlsx: some cell style has a number format other than General (None: not looked at)
    number_styles: bool | None = None


def sniff(data: bytes) -> Sniffed:
    """Detect the format of `data` by content and pre-check it; raise Rejected if unusable."""
    if not data:
        raise Rejected("file_empty")
    if len(data) > MAX_FILE_BYTES:
        raise Rejected("file_too_large", f"{len(data) >> 20} MB")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _sniff_zip(data)
    if data.startswith(_OLE_MAGIC):
        return _sniff_ole(data)
    if data.startswith(b"%PDF"):
        raise Rejected("not_a_workbook", "PDF")
    unsupported = _unsupported(data)
    if unsupported:
        raise Rejected("format_unsupported", unsupported)
    return _sniff_text(data)


def _sniff_zip(data: bytes) -> Sniffed:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise Rejected("file_unreadable", f"压缩包不完整或已损坏：{exc}") from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" in names:
        kind = XLSX
    elif "xl/workbook.bin" in names:
        kind = XLSB
    elif "content.xml" in names and b"spreadsheet" in _read(zf, "mimetype", 200):
        kind = ODS
    elif any(n.startswith("Index/") and n.endswith(".iwa") for n in names):
        raise Rejected("format_unsupported", "Apple Numbers")
    elif "word/document.xml" in names:
        raise Rejected("not_a_workbook", "Word 文档")
    elif "ppt/presentation.xml" in names:
        raise Rejected("not_a_workbook", "PowerPoint 文档")
    else:
        raise Rejected("not_a_workbook", "未知的压缩文件")
    _check_sizes(infos)
    try:
        if kind == XLSX:
            book = _check_xlsx(zf, names)
            modified = _parse_time(_MODIFIED, _read(zf, "docProps/core.xml", 1 << 16))
            styles = read_part(zf, _STYLES) if _STYLES in names else b""
            percent = _percent_styles(styles) if styles else frozenset()
            return Sniffed(
                kind,
                modified,
                cell_errors=book.cell_errors,
                percent_styles=percent,
                no_value=tuple(book.no_value),
                issued=_custom(_read(zf, "docProps/custom.xml", 1 << 16)),
                number_styles=_has_number_styles(styles),
            )
        if kind == ODS:
            # An ODS with a password keeps content.xml encrypted; the manifest says so.
            if b"encryption-data" in _read(zf, "META-INF/manifest.xml", 1 << 16):
                raise Rejected("file_encrypted")
            _check_xml(zf, "content.xml", head=True)
            try:
                scan_ods(zf)
            except TooLarge as exc:
                raise Rejected("file_too_large", str(exc)) from None
            except BadXml as exc:
                raise Rejected("file_unreadable", str(exc)) from None
            return Sniffed(kind, _parse_time(_ODS_DATE, _read(zf, "meta.xml", 1 << 16)))
        return Sniffed(kind)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise Rejected("file_unreadable", f"压缩包已损坏：{exc}") from None


def _check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 1 << 20 and info.file_size > MAX_MEMBER_RATIO * max(
            info.compress_size, 1
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            raise Rejected("file_too_large", f"{info.filename} 压缩比 {ratio}:1")
    if total > MAX_UNPACKED_BYTES:
        raise Rejected("file_too_large", f"解压后 {total >> 20} MB")


def _check_xlsx(zf: zipfile.ZipFile, names: set[str]) -> BookScan:
    """Pre-check the parts calamine will read: every sheet the workbook references, parsed
    structurally (see _precheck); also learns whether a sheet holds a formula error cell."""
    if "xl/sharedStrings.xml" in names:
        _check_xml(zf, "xl/sharedStrings.xml", head=True)
    try:
        return scan_book(zf, names)
    except TooLarge as exc:
        raise Rejected("file_too_large", str(exc)) from None
    except BadXml as exc:
        raise Rejected("file_unreadable", str(exc)) from None


_STYLES = "xl/styles.xml"
_NUM_FMT = re.compile(rb"<(?:\w+:)?numFmt\b[^>]*>")
_CELL_XFS = re.compile(rb"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
_XF = re.compile(rb"<(?:\w+:)?xf\b([^>]*)>")
_ATTR = re.compile(rb'\b(numFmtId|formatCode)="([^"]*)"')


_FORMATTED_XF = re.compile(rb'numFmtId="(?!0")')


def _has_number_styles(styles: bytes) -> bool:
    """True when a cell style (cellXfs) names a number format other than General's id 0."""
    xfs = _CELL_XFS.search(styles)
    return bool(xfs and _FORMATTED_XF.search(xfs.group(1)))


def _percent_styles(styles: bytes) -> frozenset[int]:
    """Indexes of the cell styles whose number format shows a percentage (`0%`, `0.0%`)."""
    if b"%" not in styles and b'numFmtId="9"' not in styles and b'numFmtId="10"' not in styles:
        return frozenset()  # the common case: no percent format at all
    percent = set(PERCENT_FORMATS)
    for tag in _NUM_FMT.findall(styles):
        attrs = dict(_ATTR.findall(tag))
        code = attrs.get(b"formatCode", b"").decode("utf-8", "replace")
        code = code.replace("&quot;", '"').replace("&amp;", "&")
        if shows_percent(code) and attrs.get(b"numFmtId", b"").isdigit():
            percent.add(int(attrs[b"numFmtId"]))
    xfs = _CELL_XFS.search(styles)
    if xfs is None:
        return frozenset()
    found = set()
    for i, tag in enumerate(_XF.findall(xfs.group(1))):
        fmt = dict(_ATTR.findall(tag)).get(b"numFmtId", b"0")
        if fmt.isdigit() and int(fmt) in percent:
            found.add(i)
    return frozenset(found)


def _check_xml(zf: zipfile.ZipFile, name: str, head: bool = False) -> bytes:
    """Read one XML member, or its head (a DTD can only sit there); refuse DTDs."""
    # The whole member is bounded by its declared size, checked above; a member lying
    # about it fails its CRC check here.
    xml = _read(zf, name, 4096) if head else read_part(zf, name)
    # Office files never carry a DTD; one here can only be an entity ("billion laughs") bomb.
    if b"<!DOCTYPE" in xml[:4096] or b"<!ENTITY" in xml[:4096]:
        raise Rejected("file_unreadable", f"{name} 含 XML 实体声明（疑似 XML 炸弹）")
    return xml


def _check_sheet(name: str, xml: bytes) -> None:
    """Pre-check one worksheet part held in memory (see _precheck.scan_sheet)."""
    try:
        scan_sheet(name, [xml])
    except TooLarge as exc:
        raise Rejected("file_too_large", str(exc)) from None
    except BadXml as exc:
        raise Rejected("file_unreadable", str(exc)) from None


def _sniff_ole(data: bytes) -> Sniffed:
    try:
        import olefile
    except ImportError:  # olefile is optional: fall back to the directory's stream names
        return _sniff_ole_names(data)
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile raises bare OSError/struct errors on broken files
        raise Rejected("file_unreadable", f"OLE 文件已损坏：{exc}") from None
    with ole:
        streams = {"/".join(entry) for entry in ole.listdir()}
        _ole_kind(streams)
        if "Workbook" not in streams:
            # Only a `Book` stream: BIFF5 (Excel 5/95), which calamine does not read right.
            raise Rejected("format_unsupported", "Excel 95 或更早的 .xls")
        try:
            head = ole.openstream("Workbook").read(1 << 16)
        except Exception:  # a broken stream: calamine will say
            head = b""
        if biff_encrypted(head):
            raise Rejected("file_encrypted")
        saved = _ole_saved(ole)
    return Sniffed(XLS, saved)


_SUMMARY = "\x05SummaryInformation"
_PID_LASTSAVE, _VT_FILETIME = 13, 64


def _ole_saved(ole) -> datetime | None:
    """The last-saved time of the summary information, read with bounded work: olefile's
    get_metadata() can spin for a minute on a fuzzed 8 KB file (a huge property count)."""
    try:
        if not ole.exists(_SUMMARY) or ole.get_size(_SUMMARY) > 1 << 16:
            return None
        data = ole.openstream(_SUMMARY).read(1 << 16)
        return summary_saved_time(data)
    except Exception:  # metadata is optional and often malformed; mtime is the fallback
        return None


def summary_saved_time(data: bytes) -> datetime | None:
    """PIDSI_LASTSAVE_DTM of a SummaryInformation property set, or None."""
    if len(data) < 48:
        return None
    section = struct.unpack_from("<I", data, 44)[0]
    if section + 8 > len(data):
        return None
    count = struct.unpack_from("<I", data, section + 4)[0]
    count = min(count, (len(data) - section - 8) // 8)  # never more than the bytes hold
    for i in range(count):
        pid, offset = struct.unpack_from("<II", data, section + 8 + 8 * i)
        at = section + offset
        if pid != _PID_LASTSAVE or at + 12 > len(data):
            continue
        kind, ticks = struct.unpack_from("<IQ", data, at)
        if kind != _VT_FILETIME or not ticks:
            return None
        try:
            return datetime(1601, 1, 1) + timedelta(microseconds=ticks // 10)
        except OverflowError:
            return None
    return None


def _sniff_ole_names(data: bytes) -> Sniffed:
    # Directory entries hold UTF-16LE stream names; good enough to tell the kinds apart.
    names = ("EncryptedPackage", "WordDocument", "Workbook", "Book")
    _ole_kind({n for n in names if n.encode("utf-16-le") + b"\0\0" in data})
    return Sniffed(XLS)


def _ole_kind(streams: set[str]) -> None:
    # An encrypted .xlsx is an OLE2 container holding the encrypted zip.
    if "EncryptedPackage" in streams:
        raise Rejected("file_encrypted")
    if "WordDocument" in streams:
        raise Rejected("not_a_workbook", "Word 文档")
    if not streams & {"Workbook", "Book"}:
        raise Rejected("not_a_workbook", "未知的 OLE 文件")


# BOF records of BIFF2-BIFF4 worksheets saved without an OLE container (Excel 2.x-4.0).
_OLD_BIFF = (b"\x09\x00", b"\x09\x02", b"\x09\x04")


def _unsupported(data: bytes) -> str:
    """The name of a spreadsheet format we recognise but do not read, else ""."""
    head = data[:4096]
    if head.startswith(b"ID;P"):
        return "SYLK（.slk）"
    if head.startswith(b"\x1f\x8b"):
        return "压缩的表格（如 Gnumeric）"
    if head[:2] in _OLD_BIFF and head[2:4] in (b"\x04\x00", b"\x06\x00", b"\x08\x00"):
        return "Excel 4.0 或更早的 .xls"
    if head.startswith((b"\x00\x00\x02\x00\x04\x04", b"\x00\x00\x02\x00\x06\x04")):
        return "Lotus 1-2-3"
    if b"<office:document" in head and b"opendocument.spreadsheet" in data[:16384]:
        return "单文件 ODS（.fods）"
    return ""


def _sniff_text(data: bytes) -> Sniffed:
    text = decode_text(data)
    if text is None or _CONTROL.search(text[:65536]):
        raise Rejected("not_a_workbook", "无法识别的文件内容")
    head = text[:4096].lstrip().lower()
    if head.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in head:
        _cap(text.count("<Cell") + text.count(":Cell "), "XML 表格")
        return Sniffed(XML2003, text=text)
    if head.startswith("<") and ("<table" in text[: 1 << 20].lower() or "<html" in head):
        _cap(sum(text.count(t) for t in ("<td", "<TD", "<Td", "<th", "<TH", "<Th")), "HTML 表格")
        return Sniffed(HTML, text=text)
    # Every cell ends with a separator or a line end: the count bounds the cells from above
    # (quoted separators only overcount).
    lines = text.count("\n")
    _cap(lines + max(text.count(","), text.count("\t"), text.count(";")), "CSV", slack=2)
    return Sniffed(CSV, text=text)


def _cap(cells: int, what: str, slack: int = 1) -> None:
    """Text tables obey the workbooks' cell cap, and fail before any parsing (issue 12)."""
    if cells > MAX_SHEET_CELLS * slack:
        raise Rejected("file_too_large", f"{what}约 {cells:,} 个单元格")


def decode_text(data: bytes) -> str | None:
    """Decode a text export: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _read(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    try:
        return read_part(zf, name, limit)
    except KeyError:
        return b""


def _custom(xml: bytes) -> tuple[tuple[str, str], ...]:
    """The `targetbook.*` custom properties of docProps/custom.xml (text values)."""
    found = []
    for m in _CUSTOM.finditer(xml):
        try:
            found.append((m.group(1).decode("ascii"), html.unescape(m.group(2).decode("utf-8"))))
        except UnicodeDecodeError:
            continue
    return tuple(found)


def _parse_time(pattern: re.Pattern[bytes], xml: bytes) -> datetime | None:
    m = pattern.search(xml)
    if not m:
        return None
    try:
        when = datetime.fromisoformat(m.group(1).decode("ascii").strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when


def column_number(letters: bytes) -> int:
    """`b"AB"` → 28 (1-based)."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n
