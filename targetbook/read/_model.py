"""The reader's results: Table (one annex table of one sheet) and Source (one input file)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from targetbook.errors import Issue
from targetbook.text._columns import Prepared

if TYPE_CHECKING:
    import pandas as pd

# numpy/pandas are imported on first use, not here: reader workers are forked as soon as
# `targetbook.read` is imported, and the parent imports pandas while they read.


@dataclass(slots=True)
class CellFormats:
    """The number formats of a table's number cells, compactly: the file's format codes
    (index 0 is General) and (data row position, column position) → index into them, for
    the cells whose format is not General. `date1904`: the file's date system."""

    codes: tuple[str, ...]
    cells: dict[tuple[int, int], int]
    date1904: bool = False

    def column(self, j: int) -> dict[int, str]:
        """Row position → format code of column position j's formatted number cells."""
        codes = self.codes
        return {i: codes[k] for (i, c), k in self.cells.items() if c == j}

    def __reduce__(self):
        return (CellFormats, (self.codes, self.cells, self.date1904))


@dataclass
class Table:
    """One annex table found in one sheet of a return.

    `frame` has the canonical labels present (labels.KIND_COLUMNS order) as columns and
    the Excel row number (1-based int) as index. Values are the raw cell values
    (str | int | float | bool | datetime | None); merged cells are already filled; blank
    and 合计/小计/备注 rows are already dropped (each with a warning Issue).
    """

    file: str  # the path as displayed (as given on the command line, or relative to the folder)
    sheet: str
    kind: str  # labels.PLAN_KIND | PROGRESS_KIND | BENCHMARK_KIND | FEATURE_KIND
    header_row: int  # Excel row of the (last) header row
    columns: dict[str, str]  # canonical label -> column letter, e.g. {"单位": "B"}
    frame: pd.DataFrame
    # canonical label -> the header text as written, e.g. {"目标值": "目标值（万元）"}
    headers: dict[str, str] = field(default_factory=dict)
    # the title line above the header, e.g. "村2022年度创先争优目标和亮点工作计划" ("" if none)
    title: str = ""
    # The columns cleaned and parsed where the table was read (text.prepare_columns; set
    # by reader workers), so that validation need not redo it; None: validation does it.
    prepared: Prepared | None = field(default=None, compare=False, repr=False)
    # The number formats of the table's number cells (None: no cell has one, or a CSV/HTML).
    formats: CellFormats | None = field(default=None, compare=False, repr=False)

    def format_columns(self) -> tuple[list[dict[int, str]] | None, bool]:
        """prepare_columns' `formats` and `date1904`: per column (frame order), row position
        → number format code of its formatted number cells."""
        f = self.formats
        if f is None:
            return None, False
        return [f.column(j) for j in range(len(self.columns))], f.date1904

    def column_formats(self, label: str) -> dict[int, str]:
        """Row position → number format code of `label`'s formatted number cells."""
        if self.formats is None or label not in self.columns:
            return {}
        return self.formats.column(list(self.columns).index(label))  # the frame's order

    def cell(self, label: str, row: int) -> str:
        """A1 address of `label`'s cell in Excel row `row`."""
        return f"{self.columns[label]}{row}"

    @property
    def n_rows(self) -> int:
        """Data rows of the table (without building its DataFrame)."""
        return len(self.__dict__["_frame"])

    def row_numbers(self) -> list[int]:
        """Excel row numbers of the data rows (without building its DataFrame)."""
        f = self.__dict__["_frame"]
        return list(f.index) if isinstance(f, Rows | Released) else f.index.tolist()

    def keep_prepared_only(self) -> None:
        """Drop the raw cells of a prepared table (a worker does it before sending it to a
        caller that will only validate it): `prepared` and `formats` stay, `frame` raises."""
        if self.prepared is not None:
            self.__dict__["_frame"] = Released(self.row_numbers())

    def release(self) -> None:
        """Drop the cells once validation has taken them (consolidating thousands of
        returns): the table keeps its place, headers and row numbers, not its data."""
        self.__dict__["_frame"] = Released(self.row_numbers())
        self.prepared = None

    def __reduce__(self):
        # Tables cross the worker → parent pipe by the thousand: plain lists pickle and
        # unpickle several times faster than a DataFrame. Typed frames keep pandas' pickling.
        f = self.__dict__["_frame"]
        args = (self.file, self.sheet, self.kind, self.header_row, self.columns)
        if isinstance(f, Released):
            extra = (self.prepared, self.formats) if self.prepared is not None else ()
            return (_released_table, (*args, f.index, self.headers, self.title, *extra))
        if isinstance(f, Rows):
            plain = (f.names, f.index, f.data)
        elif any(str(dt) != "object" for dt in f.dtypes) or str(f.index.dtype) != "int64":
            return (Table, (*args, f, self.headers, self.title, self.prepared, self.formats))
        else:
            plain = (list(f.columns), f.index.tolist(), f.to_numpy(dtype=object).tolist())
        extra = (self.headers, self.title, self.prepared, self.formats)
        return (_table_from_lists, (*args, plain, *extra))


class _LazyFrame:
    """Table.frame: a table received from a worker keeps its `Rows` until someone asks for
    the DataFrame (validation uses the prepared columns and never does)."""

    def __get__(self, table, owner=None):
        if table is None:
            return self
        f = table.__dict__["_frame"]
        if isinstance(f, Rows):
            f = table.__dict__["_frame"] = f.to_frame()
        elif isinstance(f, Released):
            raise RuntimeError(f"{table.file}!{table.sheet}: cells released after validation")
        return f

    def __set__(self, table, value) -> None:
        table.__dict__["_frame"] = value


# After @dataclass has read the annotations: its __init__ assigns through the descriptor.
Table.frame = _LazyFrame()  # type: ignore[assignment]


@dataclass(slots=True)
class Rows:
    """A table's cells before they become a DataFrame: what a worker sends to the parent."""

    names: list[str]
    index: list[int]  # Excel row numbers
    data: list[list[object]]

    def __len__(self) -> int:
        return len(self.index)

    def to_frame(self) -> pd.DataFrame:
        """One object block built in one go (pandas' per-column inference costs more)."""
        import numpy as np
        import pandas as pd

        block = np.empty((len(self.data), len(self.names)), dtype=object)
        if self.data:
            block[:] = self.data
        return pd.DataFrame(
            block,
            columns=_columns(tuple(self.names)),
            index=np.array(self.index, dtype=np.int64),
            dtype=object,
            copy=False,
        )


@dataclass(slots=True)
class Released:
    """What a table keeps of its cells after `Table.release`: the Excel row numbers."""

    index: list[int]

    def __len__(self) -> int:
        return len(self.index)


def _released_table(
    file, sheet, kind, header_row, columns, index, headers, title, prepared=None, formats=None
) -> Table:
    rows = Released(index)
    return Table(file, sheet, kind, header_row, columns, rows, headers, title, prepared, formats)


@lru_cache(maxsize=64)
def _columns(names: tuple[str, ...]) -> pd.Index:
    # Indexes are immutable: one per column set serves every table.
    import pandas as pd

    return pd.Index(names, dtype=object)


def _table_from_lists(
    file, sheet, kind, header_row, columns, plain, headers, title="", prepared=None, formats=None
) -> Table:
    rows = Rows(*plain)
    if prepared is None:
        frame = rows.to_frame()
        return Table(file, sheet, kind, header_row, columns, frame, headers, title, None, formats)
    # Prepared by a worker: the DataFrame is built only if someone asks (Table.frame).
    return Table(file, sheet, kind, header_row, columns, rows, headers, title, prepared, formats)


@dataclass
class Source:
    """One input file and what was read from it."""

    file: str  # as displayed
    path: str  # absolute path
    sha256: str = ""
    size: int = 0
    modified: datetime | None = None  # the workbook's own saved time (docProps), else mtime
    status: str = "ok"  # "ok" | "error" (unreadable file)
    tables: list[Table] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    grids: list = field(default_factory=list)  # raw sheets (read_grids only: no tables)
    # A targetbook template's custom properties (labels.PROP_*: campaign, unit, phase,
    # issue time): who the return's template was made for, and when it was issued.
    issued: dict[str, str] = field(default_factory=dict)
    # With a receipt register, `modified` holds the 收到时间 and this the workbook's own
    # (believable) saved time: the tie-break between copies received at the same time.
    saved: datetime | None = None
