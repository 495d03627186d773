"""Sniff and read any return; find the annex header; keep provenance.

Formats are recognised by content, never by extension: xlsx/xlsm/xlsb, xls, ods, CSV
(UTF-8 or GB18030) and HTML tables saved as .xls. `read_returns` reads in worker
processes so that a hostile file becomes an Issue instead of killing the run; `read_grids`
reads any other workbook (registry, rules, scores, our own outputs) the same way.
"""

from __future__ import annotations

from targetbook.read._books import read_grid_rows, read_grids
from targetbook.read._files import find_returns, skipped_files
from targetbook.read._model import Source, Table
from targetbook.read._one import read_return
from targetbook.read._pool import iter_returns, read_returns

__all__ = [
    "Source",
    "Table",
    "find_returns",
    "iter_returns",
    "read_grid_rows",
    "read_grids",
    "read_return",
    "read_returns",
    "skipped_files",
]
