"""An XlsxWriter workbook whose large sheet bodies are written as sheet XML directly.

XlsxWriter costs ~6–8 µs per cell in Python; 汇总.xlsx for 1,000 returns has half a million
cells. XlsxWriter still lays out every sheet (formats, column widths, merged titles, print
setup, defined names, headers); the body rows registered with `Book.body` are then spliced
into its sheet XML as plain `<row>` elements: text as shared strings (`t="s"`, added to
XlsxWriter's table; inline `t="inlineStr"` where there is none), never a formula; numbers as
`<v>`. Text is XML-escaped, characters XML cannot carry are removed and
`_xHHHH_` sequences are protected (Excel would decode them), as XlsxWriter itself does.

A large workbook's biggest bodies are written by a worker process meanwhile (`_Worker`), on
the machine's other core; the parent copies its deflated members into the output. The cells
are the same either way (the worker's text is inline, not shared: see `_Worker`).
"""

from __future__ import annotations

import atexit
import io
import math
import os
import pickle
import queue
import re
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from array import array
from collections.abc import Callable, Sequence
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
# Bodies of at least this many cells in all are shared with a second process (`_Worker`):
# the parent writes some sheets while the worker writes the others, one core each.
PARALLEL_CELLS = 200_000
# Where a worker may run: a plain Python (not a frozen app) that can start itself again.
PARALLEL = os.name == "posix" and not getattr(sys, "frozen", False)
# Temporary files beside the output start with this (outputs.remove_stale_temps removes
# those of a killed run; the pid after it names the run).
TEMP_PREFIX = ".~tb-"
# A worker that has not finished by then is stopped and its sheets written by the parent
# (a hung worker must not hang the run): a minute, plus 30 s per million cells it was given
# (it writes about a million cells a second here).
WORKER_SECONDS = 60.0
WORKER_SECONDS_PER_MILLION_CELLS = 30.0

_SPECIAL = re.compile(
    r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_|^\s|\s$"
)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPED = re.compile(r"(_x[0-9A-Fa-f]{4}_)")
_UNIQUE = re.compile(r'uniqueCount="(\d+)"')
_COUNT = re.compile(r'\bcount="(\d+)"')
SST = "xl/sharedStrings.xml"
# What `_t` must change, split for `_entries`, which looks for them in many texts at once
# (joined by a private-use character: an edge of each text is next to one, or an end).
_CHARS = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SEPARATOR = "\ue000"
_EDGE_SPACE = re.compile(r"\ue000\s")  # a literal first: searched fast
_TEXT_KINDS = {str, type(None)}
_FLOAT = {float}
_INT = {int}
# A worker keeps the `<t>` elements of up to this many texts (units, items repeat).
MEMO_TEXTS = 10_000
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
class Lines:
    """Row heights computed where a body is written (by a worker too): `fn(columns,
    widths)` of the rows' texts, one list per column; fn is a module-level function."""

    fn: Callable[[Sequence[Sequence[str | None]], Sequence[float]], Sequence[float]]
    columns: Sequence[Sequence[str | None]]
    widths: Sequence[float]

    def part(self, start: int, stop: int) -> Lines:
        return Lines(self.fn, [c[start:stop] for c in self.columns], self.widths)

    def compute(self) -> list[float]:
        return list(self.fn(self.columns, self.widths)) if self.columns else []


@dataclass
class _Style:
    """A format reduced to the style index its cells carry (what a worker is sent)."""

    xf: int

    def _get_xf_index(self) -> int:
        return self.xf


@dataclass
class _Strings:
    """XlsxWriter's shared-string table, extended with the bodies' strings."""

    def __init__(self, xml: str) -> None:
        self.xml = xml
        found = _UNIQUE.search(xml)
        self.base = int(found.group(1)) if found else 0
        self.index: dict[str, int] = {}
        self.refs = 0
        # a worker's copy: texts not in `index` are written as inline strings
        self.frozen = False
        self.inline: dict[str, str] = {}  # a worker's `<t>` elements of recent texts

    @classmethod
    def fixed(cls, index: dict[str, int]) -> _Strings:
        """A worker's table: these entries of the parent's, nothing added."""
        table = cls("")
        table.index, table.frozen = index, True
        return table

    def reserve(self, columns: Sequence[Column]) -> tuple[dict[str, int], int]:
        """Entries for the texts of `columns` that need one to read back the same in every
        reader (an `_xHHHH_` sequence: openpyxl undoes its escape in shared strings only),
        and how many cells refer to them; a worker writes the other texts of its sheets as
        inline strings."""
        found: dict[str, int] = {}
        refs = 0
        step = 5000
        for column in columns:
            values = column.values
            for start in range(0, len(values), step):
                part = values[start : start + step]
                if set(map(type, part)) <= _TEXT_KINDS and "_x" not in "\0".join(
                    filter(None, part)
                ):  # in C: no text here holds _x
                    continue
                for value in part:
                    if value.__class__ is str and "_x" in value:
                        text = value[:MAX_TEXT]
                        if text in found:
                            refs += 1
                        elif _ESCAPED.search(text):
                            i = self.index.get(text)
                            if i is None:
                                i = self.index[text] = self.base + len(self.index)
                            found[text] = i
                            refs += 1
        return found, refs

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
        for start in range(0, len(items), 2000):
            sink.write(_entries(items[start : start + 2000]).encode())
        sink.write(("</sst>" + tail).encode())


@dataclass
class _Body:
    index: int
    first_row: int
    columns: list[Column]
    heights: Sequence[float] | Lines | None

    @property
    def rows(self) -> int:
        return max((len(c.values) for c in self.columns), default=0)

    def heights_of(self, start: int, stop: int) -> Sequence[float] | None:
        if self.heights is None:
            return None
        if isinstance(self.heights, Lines):
            return self.heights.part(start, stop).compute()
        return self.heights[start:stop]


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
        heights: Sequence[float] | Lines | None = None,
    ) -> None:
        """Register rows first_row… of `ws` (nothing else may be written there); `heights`
        per row, or `Lines` to compute them when the rows are written."""
        for column in columns:
            if column.fmt is not None:
                # XlsxWriter numbers a format when a cell of its own uses it; these cells
                # are not its own, so number it now (the index styles.xml will give it).
                column.fmt._get_xf_index()
            for fmt in {id(f): f for f in column.styles or () if f is not None}.values():
                fmt._get_xf_index()
        self._bodies.append(_Body(ws.index, first_row, columns, heights))

    def save(self, path: str | Path) -> None:
        """Close the workbook and write it to `path` with the bodies in place.

        Large bodies are shared with a worker process (`_Worker`) where one can run; if it
        fails, the parent writes its sheets too. Either way the file has the same cells."""
        shared = _share(self._bodies)
        worker = None
        if shared:
            try:
                worker = _Worker(Path(path).parent)
            except OSError:  # no room for its zip: the parent writes everything
                shared = set()
        try:
            self._save(path, shared, worker)
        finally:
            if worker is not None:
                worker.close()

    def _save(self, path: str | Path, shared: set[int], worker: _Worker | None) -> None:
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
            jobs = [
                (info, src.read(info).decode("utf-8"), bodies[info.filename])
                for info in src.infolist()
                if info.filename in bodies and bodies[info.filename].index in shared
            ]
            special: dict[str, int] = {}
            refs = 0
            if sst is not None and jobs:
                special, refs = sst.reserve([c for _, _, body in jobs for c in body.columns])
            if worker is not None:
                worker.feed(jobs, special)  # the worker writes these meanwhile
            for info in src.infolist():
                if info.filename == SST:
                    continue
                body = bodies.get(info.filename)
                if body is not None and body.index in shared:
                    continue
                data = src.read(info)
                if body is None:
                    out.writestr(info, data, zipfile.ZIP_DEFLATED, COMPRESS_LEVEL)
                    continue
                _write_body(out, info, data.decode("utf-8"), body, sst)
            if sst is not None:  # complete now: written while the worker ends
                sst.refs += refs  # the worker's references to its reserved entries
                entry = _entry(SST, src.getinfo(SST).date_time)
                with out.open(entry, "w", force_zip64=True) as member, _Deflating(member) as sink:
                    sst.write(sink)
            if worker is not None and worker.finish():
                _copy_raw(worker.part, out)
            else:  # no worker, or it failed: its sheets written here, as it would have
                table = _Strings.fixed(special)
                for info, xml, body in jobs:
                    _write_body(out, info, xml, body, table)

    def abandon(self) -> None:
        """Drop the workbook after a failed build (nothing was written to disk)."""
        self.wb.fileclosed = True


def _write_body(out: zipfile.ZipFile, info: zipfile.ZipInfo, xml: str, body: _Body, sst) -> None:
    entry = _entry(info.filename, info.date_time)
    with out.open(entry, "w", force_zip64=True) as member, _Deflating(member) as sink:
        _splice(xml, body, sink, sst)


def _share(bodies: list[_Body]) -> set[int]:
    """Sheet indexes of the bodies a worker should write: the largest first, while its
    share stays within half of all cells; none for a small workbook."""
    if not PARALLEL:
        return set()
    cost = {b.index: b.rows * len(b.columns) for b in bodies}
    total = sum(cost.values())
    if total < PARALLEL_CELLS:
        return set()
    shared: set[int] = set()
    taken = 0
    for index in sorted(cost, key=cost.__getitem__, reverse=True):
        if not shared or taken + cost[index] <= total / 2:
            shared.add(index)
            taken += cost[index]
    return shared


# How a worker starts: the package's folder first on its path, and `targetbook.write`
# bound to its folder without running its __init__ (which imports pandas: ~1 s).
_BOOT = """import sys, types
sys.path.insert(0, sys.argv[1])
import targetbook
package = types.ModuleType("targetbook.write")
package.__path__ = [sys.argv[2]]
sys.modules["targetbook.write"] = package
from targetbook.write._book import serve
serve()
"""
# A worker started ahead of the write (`prestart`), waiting for its first message.
_WARM: list[subprocess.Popen] = []


def prestart() -> None:
    """Start the write worker now, while this process is small (a run's start): starting a
    process from a parent that holds a consolidation momentarily shows the parent's memory
    twice in the process tree, and its start-up (~0.2 s) is hidden behind the reading. An
    unused one ends when this process does (or at once where no worker can run)."""
    if not PARALLEL or _WARM:
        return
    try:
        _WARM.append(_start_worker())
    except OSError:
        return
    atexit.register(_stop_warm)


def _start_worker() -> subprocess.Popen:
    here = Path(__file__).resolve().parent
    command = [sys.executable, "-I", "-c", _BOOT, str(here.parents[1]), str(here)]
    return subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )


def _stop_warm() -> None:
    """End an unused worker: its stdin closed, it exits (killed if it does not)."""
    while _WARM:
        proc = _WARM.pop()
        try:
            proc.stdin.close()
            proc.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
        proc.stdout.close()


class _Worker:
    """A second Python process writing some sheet bodies into a zip of its own (`part`,
    beside the output), fed one chunk of rows at a time through its stdin, so its memory
    holds a chunk, not the sheets. The parent copies its members into the output as they
    are (already deflated). Text is written as inline strings there (the shared-string
    table is the parent's) but for the few entries it is sent (`_Strings.reserve`)."""

    def __init__(self, folder: Path) -> None:
        prefix = f"{TEMP_PREFIX}{os.getpid()}-"
        fd, part = tempfile.mkstemp(prefix=prefix, suffix=".part", dir=folder)
        os.close(fd)
        self.part = Path(part)
        self.error: str | None = None
        self.refs = 0  # references to shared strings in its sheets
        self.cells = 0  # cells it was given (its time budget grows with them)
        self._thread: threading.Thread | None = None
        self._proc: subprocess.Popen | None = None
        warm = _WARM.pop() if _WARM else None
        try:
            if warm is not None and warm.poll() is None:
                self._proc = warm  # started at the run's start (prestart)
            else:
                self._proc = _start_worker()
            # its first message: where to write (a worker waits for it before anything)
            pickle.dump(part, self._proc.stdin, 5)
            self._proc.stdin.flush()
        except OSError as exc:  # no worker, or it died: the parent writes everything
            self.error = f"{type(exc).__name__}: {exc}"
            if self._proc is not None:
                self._proc.kill()
                self._proc.wait()
                self._proc = None

    def feed(self, jobs: list[tuple[zipfile.ZipInfo, str, _Body]], strings: dict) -> None:
        """Send the bodies (from a thread: the parent goes on with its own sheets) and the
        shared strings the worker may refer to."""
        self.cells = sum(body.rows * len(body.columns) for _, _, body in jobs)
        if self._proc is not None:
            self._thread = threading.Thread(target=self._send, args=(jobs, strings), daemon=True)
            self._thread.start()

    def _send(self, jobs: list[tuple[zipfile.ZipInfo, str, _Body]], strings: dict) -> None:
        stdin = self._proc.stdin
        step = max(CHUNK_ROWS, 1)
        try:
            pickle.dump(strings, stdin, 5)
            for info, xml, body in jobs:
                n = body.rows
                head = (info.filename, info.date_time, xml, body.first_row, n, len(body.columns))
                pickle.dump(head, stdin, 5)
                for start in range(0, n, step):
                    stop = min(n, start + step)
                    columns = [_plain(c, start, stop) for c in body.columns]
                    heights = body.heights
                    if isinstance(heights, Lines):
                        part = heights.part(start, stop)
                        heights = Lines(part.fn, [_pack(c) for c in part.columns], part.widths)
                    elif heights is not None:
                        heights = heights[start:stop]
                    pickle.dump((start, columns, heights), stdin, 5)
                pickle.dump(None, stdin, 5)
            pickle.dump(None, stdin, 5)
            stdin.close()
        except BaseException as exc:  # BrokenPipeError when the worker died: finish() says
            self.error = f"{type(exc).__name__}: {exc}"

    def finish(self) -> bool:
        """Wait for the worker; True when it wrote every body it was sent."""
        if self._proc is None or self._thread is None:
            return False
        budget = WORKER_SECONDS + WORKER_SECONDS_PER_MILLION_CELLS * self.cells / 1e6
        deadline = time.monotonic() + budget
        self._thread.join(budget)  # the feeder waits on a worker that stopped reading
        try:
            # its answer is a few bytes: it fits the pipe, so the worker exits before we read
            code = self._proc.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self._proc.kill()  # close() reaps it and the feeder (its pipe is broken now)
            self.error = f"timeout after {budget:.0f} s"
            return False
        answer = self._proc.stdout.read()
        try:
            result = pickle.loads(answer) if answer else ("error", f"exit status {code}")
        except Exception as exc:
            result = ("error", f"{type(exc).__name__}: {exc}")
        if self.error is None and code == 0 and result[0] == "ok":
            self.refs = result[1]
            return True
        self.error = self.error or str(result[-1])
        return False

    def close(self) -> None:
        """Stop the worker if it still runs; remove its zip."""
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            self._proc.wait()
            for stream in (self._proc.stdin, self._proc.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
        if self._thread is not None:
            self._thread.join()
        self.part.unlink(missing_ok=True)


def _plain(column: Column, start: int, stop: int) -> Column:
    """Rows start:stop of a column, formats as style indexes (what a worker is sent)."""
    styles = None
    if column.styles is not None:
        cache: dict[int, _Style] = {}
        styles = [
            None if f is None else cache.setdefault(id(f), _Style(f._get_xf_index()))
            for f in column.styles[start:stop]
        ]
    fmt = column.fmt
    return Column(
        _pack(column.values[start:stop]),
        None if fmt is None else _Style(fmt._get_xf_index()),
        column.blank_fmt,
        column.numeric,
        styles,
    )


# A run of texts is sent to a worker joined by this (not one of them: checked), numbers
# as their bytes: ~5× faster to load than a list of objects, and the same cells.
_JOIN = "\ue001"


def _pack(values: Sequence) -> object:
    """Values as sent to a worker: texts (None sent as "": neither is a cell) joined,
    finite numbers as doubles, anything else as a list (see `_unpack`)."""
    values = list(values)
    kinds = set(map(type, values))
    if kinds <= _TEXT_KINDS and values:
        if type(None) in kinds:
            values = ["" if v is None else v for v in values]
        joined = _JOIN.join(values)
        if joined.count(_JOIN) == len(values) - 1:
            return ("text", joined)
    elif kinds == _FLOAT and math.isfinite(sum(values)):
        return ("float", array("d", values).tobytes())
    return values


def _unpack(packed: object) -> list:
    if packed.__class__ is tuple:
        kind, data = packed
        if kind == "text":
            return data.split(_JOIN)
        numbers = array("d")
        numbers.frombytes(data)
        return numbers.tolist()
    return packed


def serve() -> None:
    """A worker's main (`_Worker`): write the bodies read from stdin into the zip whose
    path comes first, then answer ("ok", shared-string references) or ("error", reason) on
    stdout. A worker closed before any message (started ahead, never used) just ends."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    try:
        part = pickle.load(stdin)
    except EOFError:
        return
    result: tuple
    try:
        sst = _Strings.fixed(pickle.load(stdin))
        with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as out:
            while (head := pickle.load(stdin)) is not None:
                name, date_time, xml, first_row, n, width = head
                start_xml, end_xml = _frame_xml(xml, first_row, n, width)
                entry = _entry(name, date_time)
                with out.open(entry, "w", force_zip64=True) as member, _Deflating(member) as sink:
                    sink.write(start_xml)
                    while (chunk := pickle.load(stdin)) is not None:
                        start, columns, heights = chunk
                        for column in columns:
                            column.values = _unpack(column.values)
                        if isinstance(heights, Lines):
                            heights.columns = [_unpack(c) for c in heights.columns]
                            heights = heights.compute()
                        stop = start + max((len(c.values) for c in columns), default=0)
                        first = first_row + 1 + start
                        sink.write(_rows(columns, heights, first, 0, stop - start, sst))
                    sink.write(end_xml)
        result = ("ok", sst.refs)
    except BaseException as exc:
        result = ("error", f"{type(exc).__name__}: {exc}")
    stdout.write(pickle.dumps(result))
    stdout.flush()


def _copy_raw(part: Path, out: zipfile.ZipFile) -> None:
    """Append the members of the zip `part` to `out` as they are (deflated, checksummed)."""
    with zipfile.ZipFile(part) as src, open(part, "rb") as raw:
        for info in src.infolist():
            raw.seek(info.header_offset)
            fixed = raw.read(30)
            if fixed[:4] != b"PK\x03\x04":
                raise zipfile.BadZipFile(f"no local header for {info.filename}")
            name_len, extra_len = struct.unpack("<HH", fixed[26:30])
            raw.seek(info.header_offset + 30 + name_len + extra_len)
            entry = zipfile.ZipInfo(info.filename, info.date_time)
            entry.compress_type = info.compress_type
            entry.external_attr = info.external_attr
            entry.CRC, entry.file_size = info.CRC, info.file_size
            entry.compress_size = info.compress_size
            zip64 = max(entry.file_size, entry.compress_size) > zipfile.ZIP64_LIMIT
            out.fp.seek(out.start_dir)
            entry.header_offset = out.fp.tell()
            out.fp.write(entry.FileHeader(zip64))
            left = entry.compress_size
            while left:
                block = raw.read(min(left, 1 << 20))
                if not block:
                    raise zipfile.BadZipFile(f"{info.filename} is cut short")
                out.fp.write(block)
                left -= len(block)
            out.filelist.append(entry)
            out.NameToInfo[entry.filename] = entry
            out.start_dir = out.fp.tell()


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
    n = body.rows
    start_xml, end_xml = _frame_xml(xml, body.first_row, n, len(body.columns))
    sink.write(start_xml)
    step = max(CHUNK_ROWS, 1)
    for start in range(0, n, step):
        stop = min(n, start + step)
        heights = body.heights_of(start, stop)
        sink.write(_rows(body.columns, heights, body.first_row + 1 + start, start, stop, sst))
    sink.write(end_xml)


def _frame_xml(xml: str, first_row: int, n: int, width: int) -> tuple[bytes, bytes]:
    """A sheet's XML before and after the body's rows (its dimension widened to them)."""
    last_row = first_row + n  # 1-based number of the last body row
    last_col = width - 1
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
    head = head + "<sheetData>" if where.group(0) == "<sheetData/>" else head
    return head.encode(), ("</sheetData>" + tail).encode()


def _rows(
    columns: Sequence[Column],
    heights: Sequence[float] | None,
    first: int,
    start: int,
    stop: int,
    sst: _Strings | None = None,
) -> bytes:
    """Rows values[start:stop] of the columns as `<row>` elements numbered from `first`."""
    numbers = range(first, first + stop - start)
    if heights is None:
        opens = [f'<row r="{r}">' for r in numbers]
    else:
        opens = [
            f'<row r="{r}" ht="{h:g}" customHeight="1">'
            for r, h in zip(numbers, heights, strict=True)
        ]
    cells = [
        _column_cells(c, col_letter(i), numbers, start, stop, sst) for i, c in enumerate(columns)
    ]
    rows = map("".join, zip(opens, *cells, strict=True))
    return ("</row>".join(rows) + "</row>").encode()


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
    values = column.values[start:stop]
    # Most chunks of a column hold one kind of value: text (and blanks), or finite
    # numbers. They are written by comprehensions, the others cell by cell below.
    kinds = set(map(type, values))
    if sst is not None and kinds <= _TEXT_KINDS:
        ids = _text_ids(values, sst)
        return [
            f'<c r="{letter}{r}{shared_open}{i}</v></c>'
            if i.__class__ is int
            else f'<c r="{letter}{r}{text_open}{i}</is></c>'
            if i is not None
            else f'<c r="{letter}{r}{blank}'
            if blank is not None
            else ""
            for r, i in zip(numbers, ids, strict=True)
        ]
    if column.numeric and kinds == _INT and -1e15 < min(values) and max(values) < 1e15:
        return [
            f'<c r="{letter}{r}{number_open}{v}</v></c>'
            for r, v in zip(numbers, values, strict=True)
        ]
    if column.numeric and kinds == _FLOAT and math.isfinite(sum(values)):
        return [
            f'<c r="{letter}{r}{number_open}'
            f"{int(v) if v.is_integer() and -1e15 < v < 1e15 else repr(v)}</v></c>"
            for r, v in zip(numbers, values, strict=True)
        ]
    index = sst.index if sst is not None else None
    base = sst.base if sst is not None else 0
    frozen = sst is not None and sst.frozen
    shared = 0
    out = []
    append = out.append
    numeric = column.numeric
    for r, value in zip(numbers, values, strict=True):
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
            i = index.get(text) if cls is str or not frozen else None
            if i is None:
                if frozen:  # a worker's: inline
                    append(f'<c r="{letter}{r}{text_open}{_t(text)}</is></c>')
                    continue
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
    the figures of 指标进度), a run of cells with the same format at a time."""
    out: list = []
    styles = list(column.styles or ())[start:stop]
    fmts = [column.fmt if f is None else f for f in styles]
    fmts += [column.fmt] * (stop - start - len(fmts))
    n = 0
    while n < len(fmts):
        end = n + 1
        while end < len(fmts) and fmts[end] is fmts[n]:
            end += 1
        run = Column(column.values, fmts[n], column.blank_fmt, column.numeric)
        out += _column_cells(run, letter, numbers[n:end], start + n, start + end, sst)
        n = end
    return out


def _text_ids(values: Sequence[str | None], sst: _Strings) -> list:
    """Per text: its shared-string index (int), or its `<t>` element (a worker's inline
    string), or None (no text)."""
    index = sst.index
    if sst.frozen:  # a worker: inline strings (kept for repeats), but for reserved entries
        memo = sst.inline
        if len(memo) > MEMO_TEXTS:
            memo.clear()
        ids = list(map(memo.get, values))
        if None in ids:
            new: dict[str, None] = {}
            for k, i in enumerate(ids):
                if i is None and (value := values[k]):
                    if "_x" in value and (i := index.get(value[:MAX_TEXT])) is not None:
                        ids[k] = i
                    else:
                        new[value] = None
            if new:
                memo.update(zip(new, _elements(list(new)), strict=True))
                for k, i in enumerate(ids):
                    if i is None and (value := values[k]):
                        ids[k] = memo[value]
    else:
        ids = list(map(index.get, values))
        if None in ids:
            base = sst.base
            for k, i in enumerate(ids):
                if i is None and (value := values[k]):
                    text = value[:MAX_TEXT]
                    i = index.get(text)
                    if i is None:
                        i = index[text] = base + len(index)
                    ids[k] = i
    if not sst.frozen:  # ints and None
        sst.refs += len(ids) - ids.count(None)
    elif index:  # a worker's inline texts but for reserved entries
        sst.refs += sum(1 for i in ids if i.__class__ is int)
    return ids


def _entries(texts: list[str]) -> str:
    """`<si>` elements of texts; as `_t` makes them, but for a run of plain texts in C."""
    if not _plain_texts(texts):
        return "".join(f"<si>{_t(t)}</si>" for t in texts)
    return "<si><t>" + "</t></si><si><t>".join(texts) + "</t></si>" if texts else ""


def _elements(texts: list[str]) -> list[str]:
    """`_t` of each text (a run of plain texts checked at once)."""
    if not _plain_texts(texts):
        return [_t(t) for t in texts]
    return [f"<t>{t}</t>" for t in texts]


def _plain_texts(texts: list[str]) -> bool:
    """True when `_t` would change none of the texts but for its `<t>` tags."""
    joined = _SEPARATOR.join(texts)
    return not (
        max(map(len, texts), default=0) > MAX_TEXT
        or _CHARS.search(joined)
        or "_x" in joined
        or joined[:1].isspace()
        or joined[-1:].isspace()
        or _EDGE_SPACE.search(joined)
        or _EDGE_SPACE.search(joined[::-1])  # a space before a separator, or at the end
    )


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
