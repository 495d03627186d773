"""Read one return in this process: provenance, sniff, pre-check, sheets → tables."""

from __future__ import annotations

import hashlib
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

from targetbook import labels as L
from targetbook.beijing import from_utc, to_utc
from targetbook.errors import ERROR, issue
from targetbook.read._files import UNSUPPORTED_SUFFIXES
from targetbook.read._grid import Grid, load_grids
from targetbook.read._model import Source
from targetbook.read._sniff import MAX_FILE_BYTES, XLSX, Rejected, sniff
from targetbook.read._special import refused_by_calamine, without_special_sheets
from targetbook.read._table import HEADER_SEARCH_ROWS, read_sheet


def read_return(path: str | Path, display: str | None = None) -> Source:
    """Read one return in this process (no isolation)."""
    return read_source(path, display)


def read_source(path: str | Path, display: str | None = None, frames: bool = True) -> Source:
    """read_return; with `frames=False` tables hold `Rows` (workers: cheaper to send)."""
    src, grids = _load(path, display)
    if grids is None:
        return src
    file = src.file
    headerless = []
    for grid in grids:
        tables, issues, has_header = read_sheet(grid, file, frames)
        if grid.hidden:
            # A hidden sheet is often last year's or a superseded copy: never merged into
            # the printed annex. Only one holding an annex table is worth a warning (hidden
            # dropdown-list sheets are not).
            if has_header:
                src.issues.append(issue("sheet_hidden", file=file, sheet=grid.name))
            continue
        src.issues.extend(issues)
        src.tables.extend(tables)
        if not has_header:
            headerless.append(grid)
    if len(headerless) == sum(not g.hidden for g in grids):
        # No sheet of the file looks like an annex: say so once, on its first sheet.
        first = grids[0].name if grids else ""
        src.issues.append(issue("header_missing", file=file, sheet=first, rows=HEADER_SEARCH_ROWS))
    else:
        for grid in headerless:
            if any(any(v is not None for v in row) for row in grid.rows):
                src.issues.append(issue("sheet_skipped", file=file, sheet=grid.name))
    if not src.tables and any(i.severity == ERROR for i in src.issues):
        src.status = "error"
    return src


def read_book(path: str | Path, display: str | None = None) -> Source:
    """One workbook's sheets as raw grids in `Source.grids` (no annex tables): what
    read_grids' worker runs for the registry, rules, scores and targetbook's own books."""
    src, grids = _load(path, display)
    if grids is not None:
        src.grids = grids
    return src


def _load(path: str | Path, display: str | None) -> tuple[Source, list[Grid] | None]:
    """Provenance, size limit, sniff and pre-check, then every sheet's grid; on failure
    the Source carries the Issue and the grids are None."""
    p = Path(path)
    file = display if display is not None else str(path)
    src = Source(file=file, path=str(p.absolute()))
    try:
        st = p.stat()
        if not stat.S_ISREG(st.st_mode):
            # Never opened: a FIFO or device would block or never end.
            raise Rejected("file_not_regular", _kind(st.st_mode))
        src.size = st.st_size
        src.modified = datetime.fromtimestamp(st.st_mtime, UTC).replace(tzinfo=None)
        if st.st_size > MAX_FILE_BYTES:
            raise Rejected("file_too_large", f"{st.st_size >> 20} MB")
        data = p.read_bytes()
    except Rejected as exc:
        return _fail(src, exc.rule, exc.reason), None
    except OSError as exc:
        if p.is_symlink():  # a dangling or looping link
            return _fail(src, "file_not_regular", "失效的链接"), None
        return _fail(src, "file_unreadable", exc.strerror or type(exc).__name__), None
    src.sha256 = hashlib.sha256(data).hexdigest()
    try:
        sniffed = sniff(data)
        src.issued = dict(sniffed.issued)
        if sniffed.modified is not None:
            _saved_time(src, sniffed.modified, file)
        try:
            grids = load_grids(sniffed, data, p.stem)
        except Exception as exc:
            if sniffed.kind != XLSX or not refused_by_calamine(exc):
                raise
            # A macro or dialog sheet: read the data sheets without it, and say so.
            data, special = without_special_sheets(data)
            if not special:
                raise
            grids = load_grids(sniffed, data, p.stem)
            for name in special:
                src.issues.append(issue("sheet_macro_skipped", file=file, sheet=name))
    except Rejected as exc:
        if exc.rule == "not_a_workbook" and p.suffix.lower() in UNSUPPORTED_SUFFIXES:
            return _fail(src, "format_unsupported", p.suffix.lower()), None
        return _fail(src, exc.rule, exc.reason), None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine/zip/codec errors on a broken file: the run goes on
        # (a Rust panic in calamine is a PyO3 PanicException, a BaseException)
        name = type(exc).__name__
        if isinstance(exc, MemoryError):
            return _fail(src, "file_too_large", "内存不足"), None
        if name == "PasswordError":
            return _fail(src, "file_encrypted"), None
        return _fail(src, "file_unreadable", f"{name}: {str(exc)[:200]}"), None
    # Files written by scripts (openpyxl) hold formulas without a computed value: calamine
    # reads them as blank, so say which cells they are.
    for sheet, cell in sniffed.no_value:
        src.issues.append(issue("formula_no_value", file=file, sheet=sheet, cell=cell))
    return src, grids


# A saved time this far ahead of the clock is no time zone slip: the sender set it.
_FUTURE_SLACK = timedelta(days=1)
# A unit's PC clock may lag the office's by minutes; a back-dated return lags by days.
_ISSUE_SLACK = timedelta(minutes=10)


def _saved_time(src: Source, saved: datetime, file: str) -> None:
    """Take the workbook's own saved time unless it is in the future, or before the
    template it was made from was issued.

    The sender controls it: a time in 2099 would win every duplicate, one back-dated to 2000
    would escape any lateness deduction. Such a time is reported and the file's own
    modification time (when it is believable too) stands instead; unknown sorts as oldest."""
    now = datetime.now(UTC).replace(tzinfo=None)
    issued = issued_time(src.issued)
    early = issued - _ISSUE_SLACK if issued is not None else None
    if saved > now + _FUTURE_SLACK:
        reason = "晚于当前时间"
    elif early is not None and saved < early:
        reason = f"早于模板下发时间 {from_utc(issued):%Y-%m-%d %H:%M}"
    else:
        src.modified = saved
        return
    src.issues.append(
        issue("saved_time_suspect", file=file, value=f"{saved:%Y-%m-%d %H:%M}", reason=reason)
    )
    mtime = src.modified
    if mtime is not None and (mtime > now + _FUTURE_SLACK or (early is not None and mtime < early)):
        src.modified = None


def issued_time(props: dict[str, str]) -> datetime | None:
    """When a return's template was issued (naive UTC), from its custom properties."""
    text = props.get(L.PROP_ISSUED, "")
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else to_utc(when)


def _fail(src: Source, rule: str, reason: str = "") -> Source:
    src.status = "error"
    src.issues.append(issue(rule, file=src.file, reason=reason))
    return src


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "文件夹"
    if stat.S_ISFIFO(mode):
        return "管道"
    if stat.S_ISSOCK(mode):
        return "套接字"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备"
    return "特殊文件"
