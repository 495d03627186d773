"""Output safety: an output never replaces an input, the previous output is kept under
历史/<time>/ before it is replaced, an OS error on writing is a located Chinese error (exit 2),
and temporary files a killed run left behind are removed."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from targetbook import labels as L
from targetbook.beijing import from_utc
from targetbook.errors import TargetbookError

TEMP_PREFIX = ".~tb-"  # write/atomic.atomic_path's temporary files
STALE_SECONDS = 3600.0  # a temp file this old belongs to no running write
RUN_SECONDS = 30.0  # outputs replaced this close together belong to one run (one 历史 folder)


def _real(path: str | Path) -> Path:
    return Path(os.path.realpath(os.path.abspath(path)))


def check_out_path(out: str | Path, inputs: Iterable[str | Path]) -> None:
    """Refuse (TargetbookError, exit 2) an output that is one of the inputs, or that lies
    inside a folder being read (it would replace a return, or be read as one next time)."""
    target = _real(out)
    for given in inputs:
        source = _real(given)
        same = target == source
        if not same and target.exists() and source.exists():
            with contextlib.suppress(OSError):
                same = os.path.samefile(target, source)
        inside = source.is_dir() and source in target.parents
        if same or inside:
            raise TargetbookError("out_is_input", path=_shown(out))


def history_folder(folder: str | Path, when: datetime | None = None) -> Path:
    """`folder`/历史/<Beijing time>/: where outputs of `folder` are kept before replacement
    (成果/历史/20260620-093000/ in a campaign folder)."""
    when = when or datetime.now(UTC).replace(tzinfo=None)
    return Path(folder) / L.FOLDER_HISTORY / from_utc(when).strftime(L.HISTORY_STAMP)


def keep_previous(out: str | Path, when: datetime | None = None) -> Path | None:
    """Copy an existing output to 历史/<time>/ beside it before it is replaced; the copy's
    path, or None when there was nothing to keep. Nothing is silently replaced."""
    target = Path(out)
    try:
        if not stat.S_ISREG(target.stat().st_mode):
            return None
    except OSError:
        return None
    folder = _run_folder(target, history_folder(target.parent, when))
    kept = folder / target.name
    n = 1
    while kept.exists():  # two replacements within a second: keep both
        n += 1
        kept = folder / f"{target.stem}-{n}{target.suffix}"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(target, kept)
    return kept


def _run_folder(target: Path, fresh: Path) -> Path:
    """The outputs one run replaces (校验报告, 汇总, 排名, 通报 … a few seconds apart) are kept
    together: the newest <time> folder is reused when it is at most RUN_SECONDS older than
    `fresh` and holds no copy of `target` yet."""
    try:
        start = datetime.strptime(fresh.name, L.HISTORY_STAMP)
        stamps = sorted(
            (e.name for e in os.scandir(fresh.parent) if e.is_dir(follow_symlinks=False)),
            reverse=True,
        )
    except (OSError, ValueError):
        return fresh
    for name in stamps:
        try:
            age = (start - datetime.strptime(name, L.HISTORY_STAMP)).total_seconds()
        except ValueError:
            continue
        if 0 <= age <= RUN_SECONDS and not (fresh.parent / name / target.name).exists():
            return fresh.parent / name
        break
    return fresh


@contextlib.contextmanager
def writing(out: str | Path, *, keep: bool = True) -> Iterator[Path | None]:
    """Keep the previous `out` under 历史/<time>/ (yields the copy's path, or None), then
    turn an OS error while writing `out` into a TargetbookError naming it (exit 2): a
    read-only folder, a file where a folder should be, a workbook open in Excel."""
    try:
        yield keep_previous(out) if keep else None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise TargetbookError("out_unwritable", path=_shown(out), reason=reason) from None


def remove_stale_temps(folder: str | Path, older_than: float = STALE_SECONDS) -> list[Path]:
    """Delete our temporary files and folders (`.~tb-*`) left in `folder` by a killed run;
    return them."""
    removed = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(TEMP_PREFIX):
            continue
        try:
            folder = entry.is_dir(follow_symlinks=False)  # templates' staging folder
            if not folder and not entry.is_file(follow_symlinks=False):
                continue
            old = now - entry.stat(follow_symlinks=False).st_mtime > older_than
            if old or not _alive(_pid(entry.name)):
                if folder:
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue  # another run's, or not ours to remove: leave it
    return removed


def prepare_out(out: str | Path, inputs: Iterable[str | Path] = ()) -> None:
    """All checks before writing `out`: not an input, stale temps beside it removed."""
    check_out_path(out, inputs)
    remove_stale_temps(Path(out).parent if str(Path(out).parent) else ".")


def _shown(path: str | Path) -> str:
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text


def _pid(name: str) -> int | None:
    # `.~tb-<pid>-<random>.xlsx` (write/atomic.atomic_path); older names carry no pid.
    head = name[len(TEMP_PREFIX) :].split("-", 1)[0]
    return int(head) if head.isdigit() else None


def _alive(pid: int | None) -> bool:
    """True when the process that made a temp file may still be writing it."""
    if pid is None:
        return True  # unknown: only its age can tell
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True
    return True
