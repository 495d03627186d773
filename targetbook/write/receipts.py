"""The receipt register (收件登记.xlsx): every return file a campaign has seen, and when.

One row per file and content (SHA-256): file (relative to the register's folder), SHA-256,
units, 首次收到 (first seen by a check or consolidation, Beijing time), 保存时间 (the workbook's
own saved time), 状态, and 收到时间 — first seen unless staff corrected it (e.g. from the email's
date). 收到时间 is the source of truth for lateness (逾期扣分) and for which of two copies is
newer: the pipeline hands it on as each Source's `modified`. Staff's own 备注 is kept.

Read through read_grids (isolated, as every workbook), written atomically, never a formula.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import xlsxwriter

from targetbook import labels as L
from targetbook.beijing import from_utc, to_utc
from targetbook.errors import Issue, TargetbookError, issue
from targetbook.read import Source, read_grids
from targetbook.results import Consolidation
from targetbook.text import cell_text
from targetbook.write.atomic import atomic_path

C_FILE, C_SHA, C_UNITS, C_FIRST, C_SAVED, C_STATUS, C_RECEIVED, C_NOTE = L.RECEIPT_COLUMNS
_EXCEL_EPOCH = datetime(1899, 12, 30)
WIDTHS = {C_FILE: 36, C_SHA: 18, C_UNITS: 20, C_FIRST: 20, C_SAVED: 20, C_STATUS: 12}
WIDTHS |= {C_RECEIVED: 20, C_NOTE: 30}


@dataclass
class Receipt:
    """One row of the register; times are naive Beijing time."""

    file: str
    sha256: str
    units: str = ""
    first_seen: datetime | None = None
    saved: datetime | None = None
    status: str = ""
    received: datetime | None = None
    note: str = ""


def campaign_register(paths: Iterable[str | Path]) -> Path | None:
    """A campaign's 收件登记.xlsx when one of `paths` is a campaign's 回收/ folder (beside its
    控制台.xlsm); None for any other run (scripts pass `register` explicitly)."""
    for given in paths:
        p = Path(given)
        if p.is_dir() and p.resolve().name == L.FOLDER_COLLECT:
            root = p.resolve().parent
            if (root / L.CONTROL_WORKBOOK).is_file():
                return root / L.RECEIPT_FILE
    return None


class Register:
    """The register of one run: loaded before reading, consulted per file, saved after."""

    def __init__(self, path: str | Path, now: datetime | None = None) -> None:
        self.path = Path(path)
        self.folder = self.path.resolve().parent
        self.now = (now or from_utc(datetime.now(UTC).replace(tzinfo=None))).replace(microsecond=0)
        self.issues: list[Issue] = []
        self.rows: dict[tuple[str, str], Receipt] = {}
        if self.path.exists():
            self._load()
        self.seen: set[tuple[str, str]] = set()

    def name(self, src: Source) -> str:
        """The file as the register names it: relative to the register's folder."""
        try:
            rel = os.path.relpath(src.path, self.folder)
        except ValueError:  # another drive (Windows)
            return Path(src.path).as_posix()
        return Path(rel).as_posix() if not rel.startswith("..") else Path(src.path).as_posix()

    def receive(self, src: Source) -> None:
        """Record `src` (first seen now if new) and make its 收到时间 its `modified` (UTC);
        the workbook's own saved time moves to `saved` (the tie-break of equal receipts)."""
        if not src.sha256:
            return  # never opened (a FIFO, a device): nothing to register
        key = (self.name(src), src.sha256)
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = Receipt(key[0], key[1], first_seen=self.now)
        row.saved = from_utc(src.modified) if src.modified is not None else None
        self.seen.add(key)
        src.saved = src.modified
        src.modified = to_utc(row.received or row.first_seen or self.now)

    def wrap(self, sources: Iterator[Source]) -> Iterator[Source]:
        """`receive` every source as it comes from the readers."""
        for src in sources:
            self.receive(src)
            yield src

    def update(self, cons: Consolidation) -> None:
        """Units and 状态 of the files read this run; files no longer there are marked."""
        by_file = {s.file: s for s in cons.sources}
        errors = {i.file for i in cons.issues if i.severity == "error"}
        losers = {f for d in cons.duplicates for f in d.files if f != d.kept}
        winners = {d.kept for d in cons.duplicates}
        for src in by_file.values():
            key = (self.name(src), src.sha256)
            row = self.rows.get(key)
            if row is None:
                continue
            row.units = L.LIST_SEP.join(cons.file_units.get(src.file, []))
            if src.status == "error":
                row.status = L.RECEIPT_UNREADABLE
            elif src.file in errors:
                row.status = L.RECEIPT_RETURN
            elif src.file in losers and src.file not in winners:
                row.status = L.RECEIPT_SUPERSEDED
            else:
                row.status = L.RECEIPT_OK
        for key, row in self.rows.items():
            if key not in self.seen and not (self.folder / row.file).exists():
                row.status = L.RECEIPT_GONE

    def save(self) -> Path:
        """Write the register atomically (rows by first seen, then file)."""
        rows = sorted(self.rows.values(), key=lambda r: (r.first_seen or self.now, r.file))
        with atomic_path(self.path) as tmp:
            wb = xlsxwriter.Workbook(
                str(tmp), {"strings_to_formulas": False, "strings_to_urls": False}
            )
            head = wb.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7"})
            when = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss", "border": 1})
            edit = wb.add_format(
                {"num_format": "yyyy-mm-dd hh:mm:ss", "border": 1, "bg_color": "#FFF2CC"}
            )
            plain = wb.add_format({"border": 1, "text_wrap": True, "valign": "top"})
            ws = wb.add_worksheet(L.RECEIPT_SHEET)
            for col, label in enumerate(L.RECEIPT_COLUMNS):
                ws.write_string(0, col, label, head)
                ws.set_column(col, col, WIDTHS.get(label, 16))
            for r, row in enumerate(rows, 1):
                values = (row.file, row.sha256, row.units)
                for col, value in enumerate(values):
                    ws.write_string(r, col, value, plain)
                _time(ws, r, 3, row.first_seen, when)
                _time(ws, r, 4, row.saved, when)
                ws.write_string(r, 5, row.status, plain)
                _time(ws, r, 6, row.received or row.first_seen, edit)
                ws.write_string(r, 7, row.note, plain)
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, max(len(rows), 1), len(L.RECEIPT_COLUMNS) - 1)
            wb.close()
        return self.path

    def _load(self) -> None:
        try:
            grids = read_grids(self.path)
        except TargetbookError as exc:
            raise TargetbookError(
                "register_unreadable", path=str(self.path), reason=exc.message
            ) from exc
        grid = grids.get(L.RECEIPT_SHEET)
        if grid is None and grids:
            grid = next(iter(grids.values()))
        cells = grid.to_numpy(dtype=object).tolist() if grid is not None else []
        where = {cell_text(c): i for i, c in enumerate(cells[0])} if cells else {}
        if C_FILE not in where or C_SHA not in where:
            raise TargetbookError("register_unreadable", path=str(self.path), reason=C_FILE)

        def get(row: list, label: str) -> object:
            i = where.get(label)
            return row[i] if i is not None and i < len(row) else None

        for n, row in enumerate(cells[1:], 2):
            file, sha = cell_text(get(row, C_FILE)), cell_text(get(row, C_SHA))
            if not file or not sha:
                continue
            receipt = Receipt(
                file,
                sha,
                units=cell_text(get(row, C_UNITS)),
                first_seen=parse_time(get(row, C_FIRST)),
                saved=parse_time(get(row, C_SAVED)),
                status=cell_text(get(row, C_STATUS)),
                note=cell_text(get(row, C_NOTE)),
            )
            typed = get(row, C_RECEIVED)
            receipt.received = parse_time(typed)
            if receipt.received is None and cell_text(typed):
                letter = _letter(where[C_RECEIVED])
                self.issues.append(
                    issue(
                        "received_time_invalid",
                        file=str(self.path),
                        sheet=L.RECEIPT_SHEET,
                        cell=f"{letter}{n}",
                        value=cell_text(typed),
                    )
                )
            self.rows[(file, sha)] = receipt


def parse_time(value: object) -> datetime | None:
    """A time cell as staff may type it: a date/time cell, an Excel serial, or text
    (`2022-06-27 10:00`, `2022/6/27`, `2022年6月27日`); None when it is none of these."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if math.isfinite(value) and 1 <= value < 2958466:
            return (_EXCEL_EPOCH + timedelta(days=float(value))).replace(microsecond=0)
        return None
    text = cell_text(value).strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None, microsecond=0)
    except ValueError:
        pass
    for fmt in L.TIME_TEXT_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _time(ws, row: int, col: int, value: datetime | None, fmt) -> None:
    if value is None:
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_datetime(row, col, value, fmt)


def _letter(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
