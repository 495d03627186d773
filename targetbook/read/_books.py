"""Read a whole workbook of ours or the user's (registry, rules, scores, 汇总, 排名, 控制台)
as raw grids, with the returns' sniffing, pre-check and isolated worker."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from targetbook.errors import TargetbookError
from targetbook.read._model import Source
from targetbook.read._one import read_book
from targetbook.read._pool import DEFAULT_MEMORY, DEFAULT_TIMEOUT, _Reading

if TYPE_CHECKING:
    import pandas as pd


def read_grids(
    path: str | Path,
    *,
    isolated: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    memory_limit: int | None = DEFAULT_MEMORY,
) -> dict[str, pd.DataFrame]:
    """Every worksheet of a workbook (or CSV) as {sheet: grid (header=None, dtype=object)}.

    Row i of a grid is Excel row i + 1. The file is read in a worker process, as returns
    are: a hostile file (a cell at XFD1048576, a zip bomb) or a crashing parser is a fatal
    TargetbookError naming the file, never the end of the calling process."""
    src = _book(path, isolated, timeout, memory_limit)
    import pandas as pd  # not at import: reader workers fork before the parent loads pandas

    grids = {}
    for grid in src.grids:
        frame = pd.DataFrame(grid.rows, dtype=object) if grid.rows else pd.DataFrame()
        if grid.styles:
            # (codes, (row, column) → index into codes, 1904 system) of the number cells
            frame.attrs[NUMBER_FORMATS] = (grid.formats, grid.styles, grid.date1904)
        grids[grid.name] = frame
    return grids


NUMBER_FORMATS = "number_formats"  # the DataFrame.attrs key of read_grids' number formats


def read_grid_rows(
    path: str | Path,
    *,
    isolated: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    memory_limit: int | None = DEFAULT_MEMORY,
) -> dict[str, list[list[object]]]:
    """read_grids' sheets as plain rows (row i is Excel row i + 1; rows may be ragged, their
    missing cells blank): for a caller that walks them (a 100,000-unit 单位名录) rather than
    working on frames."""
    src = _book(path, isolated, timeout, memory_limit)
    return {grid.name: grid.rows for grid in src.grids}


def _book(path: str | Path, isolated: bool, timeout: float, memory_limit: int | None) -> Source:
    """The workbook read (in a worker when isolated); a missing or unreadable file is fatal."""
    p = Path(path)
    if not p.is_file():
        raise TargetbookError("book_missing", file=str(path))
    src = _read(p, isolated, timeout, memory_limit)
    if src.status == "error" or not src.grids and src.issues:
        reason = src.issues[0].message if src.issues else ""
        raise TargetbookError("book_unreadable", file=str(path), reason=reason)
    return src


def _read(path: Path, isolated: bool, timeout: float, memory_limit: int | None) -> Source:
    shown = str(path)
    if isolated:
        try:
            reading = _Reading([(0, shown, shown)], 1, timeout, memory_limit, reader=read_book)
        except OSError:  # no worker can start here (a locked-down machine): read in process
            pass
        else:
            try:
                return next(reading)
            finally:
                reading.close()
    try:
        return read_book(path, shown)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine's Rust panics are BaseExceptions (PyO3)
        reason = f"{type(exc).__name__}: {str(exc)[:200]}"
        raise TargetbookError("book_unreadable", file=shown, reason=reason) from exc
