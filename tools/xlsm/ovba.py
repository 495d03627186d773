"""MS-OVBA: a VBA project (vbaProject.bin streams) in source-only form, written from source text.

The project carries module source and no compiled p-code: `_VBA_PROJECT` holds only its
7-byte header (MS-OVBA 2.3.4.1: the performance cache "MUST NOT be present on write"), every
MODULEOFFSET is 0, and Office compiles the source when the workbook opens.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from .cfb import write_cfb

# --- 2.4.1 CompressedContainer ----------------------------------------------------------------
_CHUNK = 4096
_CHAIN = 64


def _copy_token_help(difference: int) -> tuple[int, int]:
    """(bit count of the offset, maximum length) for a copy token at `difference` (2.4.1.3.19.1)."""
    bit_count = max((difference - 1).bit_length(), 4)
    return bit_count, (0xFFFF >> bit_count) + 3


def _compress_chunk(data: bytes, start: int, end: int) -> bytes:
    """One CompressedChunk (header + data) for data[start:end], following the spec's matching."""
    out = bytearray()
    # Positions of each 3-byte prefix seen so far in this chunk, newest last: a candidate
    # shorter than 3 bytes can never be chosen, so only same-prefix positions are scanned,
    # newest first, as the spec's backward scan does. The scan stops at the longest length a
    # copy token can carry, and after _CHAIN candidates, so long runs stay linear; any
    # match is valid for the decompressor (2.4.1.3.19.4 is informative on which to pick).
    seen: dict[bytes, list[int]] = {}
    current = start
    while current < end:
        flag_pos = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if current >= end:
                break
            best_len, best_cand = 0, 0
            bit_count, max_len = _copy_token_help(current - start)
            limit = min(end - current, max_len)
            if current + 3 <= end:
                chain = seen.get(data[current : current + 3], ())
                for cand in reversed(chain[-_CHAIN:]):
                    length = 3
                    while length < limit and data[cand + length] == data[current + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_cand = length, cand
                        if length >= limit:
                            break
            if best_len >= 3:
                length = best_len
                offset = current - best_cand
                token = ((offset - 1) << (16 - bit_count)) | (length - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                step = length
            else:
                out.append(data[current])
                step = 1
            for pos in range(current, current + step):
                if pos + 3 <= end:
                    seen.setdefault(data[pos : pos + 3], []).append(pos)
            current += step
        out[flag_pos] = flags
    if len(out) > _CHUNK:
        # Incompressible: a raw chunk holds exactly 4096 bytes (padded per 2.4.1.3.10).
        raw = data[start:end].ljust(_CHUNK, b"\x00")
        return struct.pack("<H", 0x3000 | (_CHUNK - 1)) + raw
    return struct.pack("<H", 0xB000 | (len(out) + 2 - 3)) + bytes(out)


def compress(data: bytes) -> bytes:
    """MS-OVBA 2.4.1 CompressedContainer of `data` (signature byte 0x01 + chunks)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), _CHUNK):
        out += _compress_chunk(data, start, min(start + _CHUNK, len(data)))
    return bytes(out)


# --- 2.4.3 Data Encryption (PROJECT stream's CMG / DPB / GC) ------------------------------------
def encrypt(data: bytes, project_id: str, seed: int = 0x8D) -> str:
    """Hex text of `data` encrypted per 2.4.3.2; a fixed seed keeps builds reproducible."""
    version = 2
    proj_key = sum(project_id.encode("ascii")) & 0xFF
    out = bytearray([seed, seed ^ version, seed ^ proj_key])
    unencrypted1, encrypted1, encrypted2 = proj_key, out[2], out[1]
    ignored = [0] * ((seed & 6) // 2)
    for byte in ignored + list(struct.pack("<I", len(data))) + list(data):
        enc = byte ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(enc)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte
    return out.hex().upper()


def decrypt(text: str) -> bytes:
    """Inverse of `encrypt` (2.4.3.3): the data bytes of a CMG/DPB/GC value."""
    raw = bytes.fromhex(text)
    seed, version_enc, key_enc = raw[0], raw[1], raw[2]
    proj_key = seed ^ key_enc
    unencrypted1, encrypted1, encrypted2 = proj_key, key_enc, version_enc
    plain = bytearray()
    for enc in raw[3:]:
        byte = enc ^ ((encrypted2 + unencrypted1) & 0xFF)
        plain.append(byte)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte
    ignored = (seed & 6) // 2
    length = struct.unpack_from("<I", plain, ignored)[0]
    return bytes(plain[ignored + 4 : ignored + 4 + length])


# --- the project --------------------------------------------------------------------------------
STANDARD, CLASS, DOCUMENT = "standard", "class", "document"

_DOC_BASE = {
    "workbook": "0{00020819-0000-0000-C000-000000000046}",
    "sheet": "0{00020820-0000-0000-C000-000000000046}",
}

# Registered references Excel writes into a new project (resolved by GUID; paths are hints).
REFERENCES = (
    (
        "stdole",
        "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb"
        "#OLE Automation",
    ),
    (
        "Office",
        "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\\Program Files\\Common Files"
        "\\Microsoft Shared\\OFFICE16\\MSO.DLL#Microsoft Office 16.0 Object Library",
    ),
)


@dataclass(frozen=True)
class Module:
    """One VBA module: name, kind (standard/class/document), source with its Attribute lines."""

    name: str
    kind: str
    source: str


def document_module(name: str, base: str) -> Module:
    """The empty code module Excel keeps behind a workbook ("workbook") or a worksheet ("sheet")."""
    lines = [
        f'Attribute VB_Name = "{name}"',
        f'Attribute VB_Base = "{_DOC_BASE[base]}"',
        "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = True",
        "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = True",
    ]
    return Module(name, DOCUMENT, "\r\n".join(lines) + "\r\n")


def module_from_file_text(text: str, kind: str) -> Module:
    """A Module from exported .bas/.cls text (drops a .cls VERSION/BEGIN…END header; CRLF)."""
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[0].startswith("VERSION "):
        end = lines.index("END")
        lines = lines[end + 1 :]
    name = next(
        line.split("=", 1)[1].strip().strip('"')
        for line in lines
        if line.startswith("Attribute VB_Name")
    )
    source = "\r\n".join(lines).rstrip("\r\n") + "\r\n"
    return Module(name, kind, source)


def _rec(rid: int, data: bytes) -> bytes:
    return struct.pack("<HI", rid, len(data)) + data


def _dir_stream(modules: list[Module], codepage: int, name: str) -> bytes:
    """The decompressed `dir` stream (2.3.4.2): project information, references, modules."""
    enc = f"cp{codepage}"
    out = bytearray()
    out += _rec(0x0001, struct.pack("<I", 3))  # SYSKIND: 64-bit Windows, as xlwings ships it
    out += _rec(0x0002, struct.pack("<I", 0x0409))  # LCID
    out += _rec(0x0014, struct.pack("<I", 0x0409))  # LCIDINVOKE
    out += _rec(0x0003, struct.pack("<H", codepage))
    out += _rec(0x0004, name.encode(enc))
    out += _rec(0x0005, b"") + _rec(0x0040, b"")  # DOCSTRING (+ unicode)
    out += _rec(0x0006, b"") + _rec(0x003D, b"")  # HELPFILEPATH (+ second path)
    out += _rec(0x0007, struct.pack("<I", 0))  # HELPCONTEXT
    out += _rec(0x0008, struct.pack("<I", 0))  # LIBFLAGS
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)  # VERSION: Reserved=4, major, minor
    out += _rec(0x000C, b"") + _rec(0x003C, b"")  # CONSTANTS (+ unicode)
    for ref_name, libid in REFERENCES:
        out += _rec(0x0016, ref_name.encode(enc)) + _rec(0x003E, ref_name.encode("utf-16-le"))
        lib = libid.encode(enc)
        out += _rec(0x000D, struct.pack("<I", len(lib)) + lib + struct.pack("<IH", 0, 0))
    out += _rec(0x000F, struct.pack("<H", len(modules)))
    out += _rec(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE
    for module in modules:
        out += _rec(0x0019, module.name.encode(enc))
        out += _rec(0x0047, module.name.encode("utf-16-le"))
        out += _rec(0x001A, module.name.encode(enc)) + _rec(0x0032, module.name.encode("utf-16-le"))
        out += _rec(0x001C, b"") + _rec(0x0048, b"")  # DOCSTRING (+ unicode)
        out += _rec(0x0031, struct.pack("<I", 0))  # OFFSET: source starts the stream (no p-code)
        out += _rec(0x001E, struct.pack("<I", 0))  # HELPCONTEXT
        out += _rec(0x002C, struct.pack("<H", 0xFFFF))  # COOKIE
        out += _rec(0x0021 if module.kind == STANDARD else 0x0022, b"")
        out += _rec(0x002B, b"")  # module TERMINATOR
    out += _rec(0x0010, b"")  # dir TERMINATOR
    return bytes(out)


_VISIBLE = b"\xff"


def _project_stream(modules: list[Module], project_id: str, codepage: int, name: str) -> bytes:
    """The PROJECT stream (2.3.1): module list, name, protection state, workspace."""
    lines = [f'ID="{project_id}"']
    for module in modules:
        if module.kind == DOCUMENT:
            lines.append(f"Document={module.name}/&H00000000")
        elif module.kind == CLASS:
            lines.append(f"Class={module.name}")
        else:
            lines.append(f"Module={module.name}")
    lines += [
        f'Name="{name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{encrypt(bytes(4), project_id)}"',  # not protected
        f'DPB="{encrypt(bytes(1), project_id)}"',  # no password
        f'GC="{encrypt(_VISIBLE, project_id)}"',  # visible
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
    ]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n").encode(f"cp{codepage}")


def _projectwm_stream(modules: list[Module], codepage: int) -> bytes:
    out = bytearray()
    for module in modules:
        out += module.name.encode(f"cp{codepage}") + b"\x00"
        out += module.name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out + b"\x00\x00")


def vba_project_bin(
    modules: list[Module], project_id: str, *, codepage: int = 936, name: str = "VBAProject"
) -> bytes:
    """The bytes of vbaProject.bin holding `modules` as source only (Office compiles on open)."""
    streams = {
        "PROJECT": _project_stream(modules, project_id, codepage, name),
        "PROJECTwm": _projectwm_stream(modules, codepage),
        "VBA/_VBA_PROJECT": b"\xcc\x61\xff\xff\x00\x01\x00",
        "VBA/dir": compress(_dir_stream(modules, codepage, name)),
    }
    for module in modules:
        streams[f"VBA/{module.name}"] = compress(module.source.encode(f"cp{codepage}"))
    return write_cfb(streams)
