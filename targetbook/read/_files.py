"""Expand the paths given by the user into the returns to read, in a stable order."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

# Inside a folder only spreadsheet-like files are returns (folders also hold 佐证材料 such as
# PDFs and photos). A file named explicitly is always read and sniffed by content.
RETURN_SUFFIXES = frozenset(
    {
        ".xlsx",
        ".xlsm",
        ".xltx",
        ".xltm",
        ".xlsb",
        ".xls",
        ".xlt",
        ".et",
        ".ett",
        ".ods",
        ".csv",
        ".tsv",
        ".htm",
        ".html",
    }
)
# Spreadsheets we do not read: reported as `format_unsupported`, never silently skipped.
UNSUPPORTED_SUFFIXES = frozenset(
    {".fods", ".slk", ".sylk", ".numbers", ".dif", ".wk1", ".wks", ".wb2", ".123", ".gnumeric"}
)
# Text and XML files in a folder are mostly notes (说明.txt) and other data: read only those
# whose first bytes look like a table (Excel's 文本/Unicode 文本 export is tab-separated) or
# an XML Spreadsheet 2003.
_PEEKED = {".txt": (b"\t",), ".xml": (b"urn:schemas-microsoft-com:office:spreadsheet",)}


def is_regular(path: str | Path) -> bool:
    """True for a regular file (or a link to one), decided by `stat` without opening it:
    opening a FIFO, a socket or a device can block forever or never reach its end."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):  # dangling or looping link, bad name
        return False


def shown_name(name: str) -> str:
    """A file name as text safe to print and to put in JSON: bytes that are not UTF-8
    (a GBK name from a zip made on Windows) are shown escaped (`\\xb9`), never a crash."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = name.encode("utf-8", "surrogateescape")
        return raw.decode("utf-8", "backslashreplace")


def _is_return(path: Path) -> bool:
    if not is_regular(path):
        return True  # a FIFO, device or broken link in a folder: the reader reports it
    suffix = path.suffix.lower()
    if suffix in RETURN_SUFFIXES or suffix in UNSUPPORTED_SUFFIXES:
        return True
    marks = _PEEKED.get(suffix)
    if marks is None:
        return False
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError:
        return True  # let the reader report it
    return any(m in head for m in marks)


def _skipped(name: str) -> bool:
    # `~$x.xlsx` is the lock file Excel/WPS keep beside an open workbook; `.~lock.x#` is
    # LibreOffice's; dot files and `~x.tmp` are hidden or temporary saves.
    return name.startswith(("~", ".")) or name.endswith((".tmp", ".bak", "#"))


def find_returns(paths: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """Expand files and folders (recursively) into (path, display name); skip `~$*` lock files."""
    found: list[tuple[Path, str]] = []
    seen: set[str] = set()
    for given in paths:
        p = Path(given)
        if p.is_dir():
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                base = Path(dirpath)
                for name in sorted(filenames):
                    f = base / name
                    if _skipped(name) or not _is_return(f):
                        continue
                    # Shown relative to the folder, starting with the folder's own name.
                    shown = Path(p.name) / f.relative_to(p) if p.name else f.relative_to(p)
                    _add(found, seen, f, shown_name(str(shown)))
        elif not p.name.startswith("~$"):
            # A file named explicitly is read whatever its name (a shell glob still drops
            # lock files); if it does not exist the reader reports it as unreadable.
            _add(found, seen, p, shown_name(str(given)))
    return found


def _add(found: list[tuple[Path, str]], seen: set[str], path: Path, shown: str) -> None:
    key = os.path.normcase(os.path.abspath(path))
    if key not in seen:
        seen.add(key)
        found.append((path, shown))


def skipped_files(paths: Iterable[str | Path]) -> list[str]:
    """Files inside the given folders that are not read (photos, PDFs of 佐证材料, notes),
    as displayed: listed so that every file of a folder run is accounted for."""
    skipped = []
    for given in paths:
        p = Path(given)
        if not p.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(p):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            base = Path(dirpath)
            for name in sorted(filenames):
                f = base / name
                if name.startswith(".") or _is_return(f) and not _skipped(name):
                    continue
                shown = Path(p.name) / f.relative_to(p) if p.name else f.relative_to(p)
                skipped.append(shown_name(str(shown)))
    return skipped
