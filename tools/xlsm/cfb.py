"""A small writer of Compound File Binary files (MS-CFB version 3), enough for vbaProject.bin.

olefile and oletools only read these files. The output is deterministic: no timestamps, no
CLSIDs, sectors laid out in a fixed order.
"""

from __future__ import annotations

import struct

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1


class _Entry:
    def __init__(self, name: str, kind: int, data: bytes = b"") -> None:
        self.name, self.kind, self.data = name, kind, data
        self.children: dict[str, _Entry] = {}
        self.left = self.right = self.child = NOSTREAM
        self.start, self.size = ENDOFCHAIN, 0
        self.sid = 0
        self.depth = 0
        self.colour = _BLACK


def _key(name: str) -> tuple[int, str]:
    # MS-CFB 2.6.4: shorter names sort first, then by upper-cased UTF-16 code units.
    return len(name.encode("utf-16-le")), name.upper()


def _balanced(entries: list[_Entry], depth: int = 0) -> int:
    """Link sorted siblings into a balanced binary search tree; return the root's id."""
    if not entries:
        return NOSTREAM
    mid = len(entries) // 2
    node = entries[mid]
    node.depth = depth
    node.left = _balanced(entries[:mid], depth + 1)
    node.right = _balanced(entries[mid + 1 :], depth + 1)
    return node.sid


def _colour(siblings: list[_Entry]) -> None:
    # Halving splits leave every level full but the deepest; colouring that level red (when
    # it is not full) makes a valid red-black tree: equal black height, no red under red.
    if not siblings:
        return
    deepest = max(e.depth for e in siblings)
    full = len(siblings) == 2 ** (deepest + 1) - 1
    for e in siblings:
        e.colour = _RED if e.depth == deepest and not full else _BLACK


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i < count - 1 else ENDOFCHAIN


def _sectors(n: int, size: int) -> int:
    return -(-n // size)


def write_cfb(streams: dict[str, bytes]) -> bytes:
    """A compound file holding `streams` ({"VBA/dir": bytes, …}; "/" separates storages)."""
    root = _Entry("Root Entry", _ROOT)
    for path in sorted(streams):
        *dirs, leaf = path.split("/")
        node = root
        for part in dirs:
            node = node.children.setdefault(part, _Entry(part, _STORAGE))
        node.children[leaf] = _Entry(leaf, _STREAM, streams[path])

    entries: list[_Entry] = []

    def number(node: _Entry) -> None:
        node.sid = len(entries)
        entries.append(node)
        for child in sorted(node.children.values(), key=lambda e: _key(e.name)):
            number(child)

    number(root)
    for node in entries:
        siblings = sorted(node.children.values(), key=lambda e: _key(e.name))
        node.child = _balanced(siblings)
        _colour(siblings)

    # Small streams live in the mini stream (64-byte sectors) held by the root entry.
    small = [e for e in entries if e.kind == _STREAM and 0 < len(e.data) < MINI_CUTOFF]
    large = [e for e in entries if e.kind == _STREAM and len(e.data) >= MINI_CUTOFF]
    mini_fat: list[int] = []
    mini_data = bytearray()
    for e in small:
        count = _sectors(len(e.data), MINI_SECTOR)
        e.start, e.size = len(mini_fat), len(e.data)
        mini_fat.extend([0] * count)
        _chain(mini_fat, e.start, count)
        mini_data += e.data.ljust(count * MINI_SECTOR, b"\x00")
    for e in large:
        e.size = len(e.data)

    n_dir = _sectors(len(entries), SECTOR // 128)
    n_minifat = _sectors(len(mini_fat), SECTOR // 4)
    n_ministream = _sectors(len(mini_data), SECTOR)
    n_large = sum(_sectors(len(e.data), SECTOR) for e in large)
    body = n_dir + n_minifat + n_ministream + n_large
    n_fat = 1
    while n_fat * (SECTOR // 4) < n_fat + body:
        n_fat += 1
    assert n_fat <= 109, "file too large for a header-only DIFAT"

    fat = [FREESECT] * (n_fat * (SECTOR // 4))
    for i in range(n_fat):
        fat[i] = FATSECT
    pos = n_fat
    dir_start = pos
    _chain(fat, pos, n_dir)
    pos += n_dir
    minifat_start = pos if n_minifat else ENDOFCHAIN
    _chain(fat, pos, n_minifat)
    pos += n_minifat
    if n_ministream:
        root.start, root.size = pos, len(mini_data)
        _chain(fat, pos, n_ministream)
        pos += n_ministream
    for e in large:
        count = _sectors(len(e.data), SECTOR)
        e.start = pos
        _chain(fat, pos, count)
        pos += count

    header = bytearray(SECTOR)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x003E, 0x0003, 0xFFFE, 9, 6)
    struct.pack_into(
        "<IIIIIIIII", header, 40,
        0, n_fat, dir_start, 0, MINI_CUTOFF, minifat_start, n_minifat, ENDOFCHAIN, 0,
    )  # fmt: skip
    difat = list(range(n_fat)) + [FREESECT] * (109 - n_fat)
    struct.pack_into("<109I", header, 76, *difat)

    directory = bytearray()
    for e in entries:
        raw = e.name.encode("utf-16-le") + b"\x00\x00"
        rec = bytearray(128)
        rec[0 : len(raw)] = raw
        struct.pack_into("<HBBIII", rec, 64, len(raw), e.kind, e.colour, e.left, e.right, e.child)
        struct.pack_into("<IQ", rec, 116, e.start, e.size)
        directory += rec
    while len(directory) % SECTOR:
        free = bytearray(128)
        struct.pack_into("<III", free, 68, NOSTREAM, NOSTREAM, NOSTREAM)
        directory += free

    def padded(data: bytes | bytearray) -> bytes:
        return bytes(data) + b"\x00" * (-len(data) % SECTOR)

    out = bytearray(header)
    out += struct.pack(f"<{len(fat)}I", *fat)
    out += directory
    mini_fat += [FREESECT] * (-len(mini_fat) % (SECTOR // 4))
    out += struct.pack(f"<{len(mini_fat)}I", *mini_fat)
    out += padded(mini_data)
    for e in large:
        out += padded(e.data)
    return bytes(out)
