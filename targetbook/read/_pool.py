"""Read many returns in worker processes that a hostile file can crash without harm.

A small hand-rolled pool (not concurrent.futures, whose pool breaks as a whole when one
worker dies). Workers take batches of files and send results back a few at a time, so a
thousand small returns cost a few dozen pipe messages. When a worker dies (calamine
aborts, the memory limit hits) or hangs, the files of its batch not yet sent back are read
again one by one in fresh workers: the file that fails alone is the culprit and becomes an
Issue; every other file is still read.

A thread of the calling process runs the pool (hands out batches, drains results), so the
workers keep reading while the caller is busy. Workers are forked (Linux; spawned
elsewhere) by the caller's thread only.
"""

from __future__ import annotations

import faulthandler
import gc
import hashlib
import multiprocessing as mp
import os
import queue
import stat
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from multiprocessing.connection import Connection, wait
from pathlib import Path

from targetbook.errors import issue
from targetbook.labels import NUMERIC_COLUMNS
from targetbook.read._files import find_returns
from targetbook.read._model import Rows, Source
from targetbook.read._one import read_return, read_source
from targetbook.read._sniff import MAX_FILE_BYTES
from targetbook.text._columns import prepare_columns

DEFAULT_TIMEOUT = 60.0  # seconds a worker may go without progress; a return takes milliseconds
# A file may hold a worker this long per MiB (at least one MiB's worth), up to the timeout:
# no small file can hold a worker for the full minute (issue 12).
SECONDS_PER_MIB = 10.0
DEFAULT_MEMORY = 3 << 30  # address-space limit per worker (Linux)
_BATCH_MAX = 32
_WORKERS_MAX = 8
# Sources read ahead of the caller: enough for its start (imports, registry) on a few
# cores, and a bound on memory when it is slow.
_AHEAD = 1024
_WORKER_WANTED = object()  # the loop asks the caller's thread for a new worker
_FLUSH_SECONDS = 0.2  # a worker sends what it has at least this often (progress, timeouts)

Item = tuple[int, str, str]  # (position, path, display)


def read_rows(path: str, display: str) -> Source:
    """What a worker runs per file: tables as Rows, made into DataFrames by the parent,
    with their columns already cleaned and parsed (validation's per-cell work, done here
    on every core while files are read)."""
    src = read_source(path, display, frames=False)
    for table in src.tables:
        rows = table.__dict__["_frame"]  # the Rows (Table.frame would build a DataFrame)
        if isinstance(rows, Rows):
            try:
                table.prepared = prepare_columns(
                    rows.names, rows.data, NUMERIC_COLUMNS, *table.format_columns()
                )
            except Exception:  # an odd table: validation then prepares it (and reports)
                table.prepared = None
    return src


def read_prepared(path: str, display: str) -> Source:
    """read_rows for a caller that only validates the tables (`iter_returns(cells=False)`):
    the raw cells of each prepared table stay in the worker, a table whose preparation
    failed keeps them (validation prepares it). A third less to pickle and unpickle."""
    src = read_rows(path, display)
    for table in src.tables:
        table.keep_prepared_only()
    return src


def _worker(
    tasks: Connection,
    results: Connection,
    memory_limit: int | None,
    reader: Callable[[str, str], Source],
) -> None:
    if memory_limit and sys.platform.startswith("linux"):
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    # A crash here is expected and reported by the parent as an Issue: keep the console
    # free of Rust's allocation-failure notes and of faulthandler dumps.
    faulthandler.disable()
    try:
        os.nice(10)  # the caller, which validates every result, goes first on a busy CPU
    except (AttributeError, OSError):  # not on Windows
        pass
    # The CLI may have disabled it in the parent; a hostile file may make cycles. What the
    # worker inherited is never garbage (freeze), and a return's ~10⁴ fresh lists and
    # strings need no collection every 700 allocations (threshold).
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    gc.enable()
    os.environ["RUST_BACKTRACE"] = "0"
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    while True:
        try:
            batch = tasks.recv()
        except EOFError:
            return
        if batch is None:
            return
        ready: list[tuple[int, Source]] = []
        flushed = time.monotonic()
        for pos, path, display in batch:
            try:
                src = reader(path, display)
            except MemoryError:
                src = _failed(path, display, "file_too_large", "内存不足")
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # a bug (or a Rust panic) must cost one file, not the run
                src = _failed(path, display, "file_unreadable", f"{type(exc).__name__}: {exc}")
            ready.append((pos, src))
            if time.monotonic() - flushed > _FLUSH_SECONDS:
                results.send(ready)
                ready, flushed = [], time.monotonic()
        results.send(ready)


def _failed(path: str, display: str, rule: str, reason: str = "", **params: object) -> Source:
    """A Source for a file whose reading failed; provenance kept when the file is there."""
    p = Path(path)
    src = Source(file=display, path=str(p.absolute()), status="error")
    try:
        st = p.stat()
        src.size = st.st_size
        src.modified = datetime.fromtimestamp(st.st_mtime, UTC).replace(tzinfo=None)
        if stat.S_ISREG(st.st_mode) and st.st_size <= MAX_FILE_BYTES:
            with open(p, "rb") as f:
                src.sha256 = hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        pass
    src.issues.append(issue(rule, file=display, reason=reason, **params))
    return src


class _Slot:
    """One worker process and the files it has been given, in order."""

    def __init__(
        self, ctx, memory_limit: int | None, reader: Callable[[str, str], Source] | None = None
    ) -> None:
        task_out, self.tasks = ctx.Pipe(duplex=False)
        self.conn, result_in = ctx.Pipe(duplex=False)
        _widen(result_in)
        # The reader goes by name (this module's read_rows unless a test replaced it).
        args = (task_out, result_in, memory_limit, reader or read_rows)
        self.proc = ctx.Process(target=_worker, args=args, daemon=True)
        self.proc.start()
        task_out.close()
        result_in.close()
        self.batches: deque[deque[Item]] = deque()  # the first one is being read
        self.since = time.monotonic()

    @property
    def pending(self) -> int:
        """Files given and not yet returned."""
        return sum(len(b) for b in self.batches)

    def give(self, batch: list[Item]) -> None:
        """Queue a batch for the worker (a worker that died idle fails at its next read)."""
        if not self.batches:
            self.since = time.monotonic()
        self.batches.append(deque(batch))
        try:
            self.tasks.send(batch)
        except OSError:
            pass  # its sentinel is ready: the batch is retried file by file

    def returned(self) -> None:
        """One file of the current batch came back."""
        self.batches[0].popleft()
        if not self.batches[0]:
            self.batches.popleft()

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        else:
            try:
                self.tasks.send(None)
            except OSError:
                self.proc.kill()
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()
        self.tasks.close()


def read_returns(
    paths: Iterable[str | Path],
    *,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_limit: int | None = DEFAULT_MEMORY,
) -> list[Source]:
    """Read many returns in worker processes; a crashing or hostile file becomes an Issue.

    `workers=0` reads in this process, without isolation (for profiling and debugging).
    """
    return list(
        iter_returns(
            paths, workers=workers, progress=progress, timeout=timeout, memory_limit=memory_limit
        )
    )


def iter_returns(
    paths: Iterable[str | Path],
    *,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_limit: int | None = DEFAULT_MEMORY,
    cells: bool = True,
) -> Iterator[Source]:
    """read_returns as an iterator, in input order: the caller works while workers read.

    Reading starts at once, before the first `next()`: workers are fed and drained by a
    thread of this process, so they keep reading while the caller is busy (importing,
    loading the registry). `progress` is called in the caller's thread, at each `next()`
    (Excel's COM objects need that). `close()` stops the workers when the caller stops
    early. `cells=False`: tables come with their prepared columns only (Table.prepared;
    `frame` raises), for a caller that validates and releases them (consolidate)."""
    items = [(i, str(p), shown) for i, (p, shown) in enumerate(find_returns(paths))]
    if workers == 0 or not items:
        return _read_here(items, progress)
    n_workers = max(1, min(workers or _cpus(), len(items)))
    reader = None if cells else read_prepared
    return _Reading(items, n_workers, timeout, memory_limit, progress, reader)


def _read_here(items: list[Item], progress: Callable[[int, int], None] | None) -> Iterator[Source]:
    for pos, path, shown in items:
        yield read_return(path, shown)
        if progress is not None:
            progress(pos + 1, len(items))


class _Reading:
    """The pool's loop, run by a thread: hands out batches, collects results, replaces
    workers that die or hang. As an iterator: the Sources in input order.

    Workers are started only in the caller's thread (here and in `__next__`, when the loop
    asks for a replacement): forking from the reading thread while the caller imports
    pandas could copy a held import lock into the worker."""

    def __init__(
        self,
        items: list[Item],
        n_workers: int,
        timeout: float,
        memory_limit: int | None,
        progress: Callable[[int, int], None] | None = None,
        reader: Callable[[str, str], Source] | None = None,
    ) -> None:
        self.total = len(items)
        self.reader = reader
        self.n_workers = n_workers
        self.timeout = timeout
        self._sizes: dict[str, int] = {}
        self.memory_limit = memory_limit
        self.progress = progress
        size = max(1, min(_BATCH_MAX, self.total // (n_workers * 4)))
        self.todo: deque[list[Item]] = deque(
            items[i : i + size] for i in range(0, self.total, size)
        )
        self.handed = 0
        self.closed = False
        self.ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        self.out: queue.Queue = queue.Queue(maxsize=_AHEAD)
        self.fresh: queue.SimpleQueue[_Slot] = queue.SimpleQueue()  # started, not yet used
        self.asked = 0  # replacements asked of the caller's thread, not yet received
        self.stopping = threading.Event()
        self._wake_in, self._wake = self.ctx.Pipe(duplex=False)
        self.slots = [_Slot(self.ctx, memory_limit, reader) for _ in range(n_workers)]
        self._thread = threading.Thread(target=self._run, name="targetbook-read", daemon=True)
        self._thread.start()

    def __iter__(self) -> Iterator[Source]:
        return self

    def __next__(self) -> Source:
        while not self.closed:
            try:
                # A timeout keeps the wait interruptible by Ctrl-C (Windows).
                got = self.out.get(timeout=0.5)
            except queue.Empty:
                continue
            if got is _WORKER_WANTED:
                self.fresh.put(_Slot(self.ctx, self.memory_limit, self.reader))
                self._wake_loop()
                continue
            if got is None:
                break
            if isinstance(got, BaseException):
                self.close()
                raise got
            self.handed += 1
            if self.progress is not None:
                self.progress(self.handed, self.total)
            return got
        self.close()
        raise StopIteration

    def close(self) -> None:
        """Stop reading (the caller is done or gave up) and wait for the workers to end."""
        if self.closed:
            return
        self.closed = True
        self.stopping.set()
        self._wake_loop()
        self._thread.join()
        while not self.fresh.empty():
            self.fresh.get().stop()
        self._wake.close()
        self._wake_in.close()

    def __del__(self) -> None:
        if not getattr(self, "closed", True):
            self.close()

    def _wake_loop(self) -> None:
        try:
            self._wake.send_bytes(b"")
        except OSError:
            pass

    def _put(self, item: object) -> bool:
        """Hand `item` to the caller; False when the caller stopped reading."""
        while not self.stopping.is_set():
            try:
                self.out.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        try:
            self._loop()
            self._put(None)
        except BaseException as exc:  # a bug here must reach the caller, not hang it
            self._put(exc)
        finally:
            for slot in self.slots:
                slot.stop()

    def _budget(self, slot: _Slot) -> float:
        """Seconds the worker may spend on the file it is reading: proportional to its size."""
        if not slot.batches or not slot.batches[0]:
            return self.timeout
        path = slot.batches[0][0][1]
        size = self._sizes.get(path)
        if size is None:
            size = self._sizes[path] = _size(path)
        return file_budget(size, self.timeout)

    def _lose(self, slot: _Slot, results: list, rule: str, **params: object) -> None:
        """The worker is gone while reading its current batch.

        Results come back a few at a time, so any file of that batch not yet returned may
        be the culprit: with one left it is, with more they are retried one per batch.
        Batches it had not started go back as they were.
        """
        self.slots.remove(slot)
        slot.stop(kill=True)
        current = slot.batches.popleft() if slot.batches else deque()
        self.todo.extendleft(list(b) for b in reversed(slot.batches))
        if len(current) == 1:
            pos, path, display = current[0]
            results[pos] = _failed(path, display, rule, **params)
        else:
            self.todo.extendleft([item] for item in reversed(current))

    def _loop(self) -> None:
        slots, todo = self.slots, self.todo
        results: list[Source | None] = [None] * self.total
        given = 0  # results[:given] have been handed to the caller
        while given < self.total and not self.stopping.is_set():
            while not self.fresh.empty():
                slots.append(self.fresh.get())
                self.asked -= 1
            while todo and len(slots) + self.asked < self.n_workers:
                if not self._put(_WORKER_WANTED):
                    return
                self.asked += 1
            for slot in list(slots):
                # Keep a second batch queued in the pipe so a worker never waits for us.
                while todo and len(slot.batches) < 2:
                    slot.give(todo.popleft())
                if not slot.batches:
                    slots.remove(slot)
                    slot.stop()
            busy = [s for s in slots if s.batches]
            waited: list = [self._wake_in]
            wait_for = None  # no worker busy: until a replacement arrives or we stop
            if busy:
                deadline = min(s.since + self._budget(s) for s in busy)
                wait_for = max(0.0, deadline - time.monotonic())
                waited += [s.conn for s in busy] + [s.proc.sentinel for s in busy]
            ready = set(wait(waited, wait_for))
            if self._wake_in in ready:
                while self._wake_in.poll():
                    self._wake_in.recv_bytes()
            for slot in busy:
                try:
                    while slot.conn.poll():
                        for pos, src in slot.conn.recv():
                            slot.returned()
                            results[pos] = src
                        slot.since = time.monotonic()
                except (EOFError, OSError):
                    self._lose(slot, results, "file_unreadable", reason=_death(slot))
                    continue
                if slot.proc.sentinel in ready and slot.batches:
                    self._lose(slot, results, "file_unreadable", reason=_death(slot))
                elif slot.batches and time.monotonic() - slot.since > self._budget(slot):
                    seconds = f"{self._budget(slot):.0f}"
                    self._lose(slot, results, "read_timeout", seconds=seconds)
            while given < self.total and results[given] is not None:
                src, results[given] = results[given], None
                given += 1
                if not self._put(src):
                    return


def file_budget(size: int, timeout: float) -> float:
    """Seconds a file of `size` bytes may hold a worker."""
    return min(timeout, max(SECONDS_PER_MIB, SECONDS_PER_MIB * size / (1 << 20)))


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except (OSError, ValueError):
        return 0


def _cpus() -> int:
    # CPUs this process may use (affinity/containers), capped: beyond a few workers the
    # parent, which receives every result, is the bottleneck and memory only grows.
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        n = os.cpu_count() or 1
    return max(1, min(n, _WORKERS_MAX))


def _widen(conn: Connection) -> None:
    # A busy machine is slow to wake the parent: a 1 MB result pipe (Linux; 64 KB by
    # default) lets a worker post several batches' results without waiting for it.
    try:
        import fcntl

        fcntl.fcntl(conn.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):
        pass


def _death(slot: _Slot) -> str:
    slot.proc.join(1)
    code = slot.proc.exitcode
    return f"读取进程异常退出（代码 {code}）"
