"""Find a table's header row in a grid: the one search every reader of a workbook uses.

Staff put titles, notes and blank rows above a header and name columns with aliases; the
registry, the rules sheets, our own 排名 read back and the report's input go through
`find_header` (the returns reader scores each row against every annex kind instead, and
keeps every column to report duplicates, but names columns with the same label_of idea).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from targetbook.text import header_key

# What a reader recognises: {key of a label or alias: canonical label}, or cell → label.
Known = Mapping[str, str] | Callable[[object], str | None]
SCAN_ROWS = 15  # a header starts within the first rows (after 附件N, a title, a note)


@dataclass(frozen=True)
class Header:
    """Where a header is: its row (0-based) and canonical label → 0-based column."""

    row: int
    columns: dict[str, int] = field(default_factory=dict)


def label_map(
    labels: Iterable[str], aliases: Mapping[str, str] | None = None, *, key=header_key
) -> dict[str, str]:
    """{key of a label or alias: canonical label}: what `find_header` recognises."""
    out = {key(a): lab for a, lab in (aliases or {}).items()}
    out.update({key(lab): lab for lab in labels})
    return out


def row_labels(
    row: Sequence[object],
    known: Known,
    *,
    key: Callable[[object], str] = header_key,
) -> dict[str, int]:
    """{canonical label: first column holding it} for one row."""
    label_of = _labeller(known, key)
    found: dict[str, int] = {}
    for c, value in enumerate(row):
        label = label_of(value)
        if label and label not in found:
            found[label] = c
    return found


def _labeller(known: Known, key: Callable[[object], str]) -> Callable[[object], str | None]:
    return known if callable(known) else (lambda v: known.get(key(v)))


def find_header(
    rows: Sequence[Sequence[object]],
    known: Known,
    required: Iterable[str],
    *,
    scan: int = SCAN_ROWS,
    key: Callable[[object], str] = header_key,
) -> Header | None:
    """The first row within `scan` holding every `required` label, and its column map."""
    wanted = set(required)
    for r, row in enumerate(rows[:scan]):
        found = row_labels(row, known, key=key)
        if wanted <= set(found):
            return Header(r, found)
    return None
