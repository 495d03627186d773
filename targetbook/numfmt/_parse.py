"""Parse an Excel number format code into sections of tokens (cached per code)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from targetbook.numfmt._builtin import OPENPYXL_ALIASES, SYSTEM_FORMATS

# A token is (kind, text). Kinds:
#   lit   literal text              ph     digit placeholder 0 # ?      point  decimal point
#   comma thousands/scaling comma   pct    percent                      exp    E+ / E- (text: sign)
#   slash fraction bar              at     the text placeholder @       gen    General
#   y m d a h s   date/time parts (text: the letters)                    mi     minutes
#   frac  fractional seconds (text: the zeros)                          ampm   AM/PM, A/P, 上午/下午
#   el    elapsed [h] [mm] [ss] (text: the letters)
Token = tuple[str, str]

_BRACKET = re.compile(r"\[([^\]]*)\]")
_COND = re.compile(r"^(<=|>=|<>|<|>|=)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)$")
_ELAPSED = re.compile(r"^(h+|m+|s+)$", re.IGNORECASE)
_AMPM = ("AM/PM", "A/P", "上午/下午")
_NATIVE_DIGITS = frozenset({"1B", "1E"})  # numeral systems of an LCID shown as 一二三
_DATE_KINDS = frozenset("ydahsm") | {"mi", "el", "ampm", "frac"}


@dataclass(frozen=True, slots=True)
class Section:
    """One `;`-separated part of a format code, tokenised."""

    kind: str  # number | date | general | text | literal | empty
    tokens: tuple[Token, ...]
    cond: tuple[str, float] | None
    english: bool  # [$-409] and friends: English month and day names


def _bracket(body: str, tokens: list[Token], state: dict) -> None:
    if m := _COND.match(body):
        state["cond"] = (m.group(1), float(m.group(2)))
    elif _ELAPSED.match(body):
        tokens.append(("el", body.lower()))
    elif body.startswith("$"):
        symbol, _, lcid = body[1:].partition("-")
        lcid = lcid.upper()
        if len(lcid) > 6 and lcid[:-6] in _NATIVE_DIGITS:
            tokens.append(("dbnum", "1"))  # [$-1E000804]: how LibreOffice saves [DBNum1]
        lcid = lcid[-4:].lstrip("0") if len(lcid) > 6 else lcid.lstrip("0")
        if lcid in SYSTEM_FORMATS:
            state["system"] = SYSTEM_FORMATS[lcid]
        elif lcid and lcid[-3:] not in ("804", "404", "C04", "1004", "004"):
            state["english"] = True  # 409, 809 …: a non-Chinese locale names months in English
        if symbol:
            tokens.append(("lit", symbol))
    elif body.upper() == "DBNUM1":
        tokens.append(("dbnum", "1"))  # Chinese numerals: dates only (二〇二二年三月五日)
    # colours ([Red], [Color10]), [DBNum2/3] and unknown brackets change no characters we render


def _tokenize(code: str) -> tuple[list[Token], dict]:
    tokens: list[Token] = []
    state: dict = {"cond": None, "english": False, "system": None}
    i, n = 0, len(code)
    while i < n:
        c = code[i]
        low = code[i : i + 5].upper()
        if c == '"':
            j = code.find('"', i + 1)
            j = n if j < 0 else j
            tokens.append(("lit", code[i + 1 : j]))
            i = j + 1
        elif c == "\\" and i + 1 < n:
            tokens.append(("lit", code[i + 1]))
            i += 2
        elif c == "_" and i + 1 < n:
            tokens.append(("lit", " "))  # _x reserves the width of x: a space in text
            i += 2
        elif c == "*" and i + 1 < n:
            i += 2  # *x repeats x to fill the column: nothing in text
        elif c == "[":
            j = code.find("]", i)
            j = n if j < 0 else j
            _bracket(code[i + 1 : j].strip(), tokens, state)
            i = j + 1
        elif low == "GENER" and code[i : i + 7].upper() == "GENERAL":
            tokens.append(("gen", ""))
            i += 7
        elif ampm := next((a for a in _AMPM if low.startswith(a)), None):
            tokens.append(("ampm", code[i : i + len(ampm)]))
            i += len(ampm)
        elif c in "0#?":
            tokens.append(("ph", c))
            i += 1
        elif c == ".":
            tokens.append(("point", "."))
            i += 1
        elif c == ",":
            tokens.append(("comma", ","))
            i += 1
        elif c == "%":
            tokens.append(("pct", "%"))
            i += 1
        elif c in "Ee" and i + 1 < n and code[i + 1] in "+-":
            tokens.append(("exp", code[i + 1]))
            i += 2
        elif c == "/":
            tokens.append(("slash", "/"))
            i += 1
        elif c == "@":
            tokens.append(("at", "@"))
            i += 1
        elif c.lower() in "ymdhsa" and not (c.lower() == "a" and code[i : i + 3].lower() != "aaa"):
            j = i
            while j < n and code[j].lower() == c.lower():
                j += 1
            tokens.append((c.lower(), code[i:j].lower()))
            i = j
        else:
            tokens.append(("lit", c))
            i += 1
    return tokens, state


def _date_tokens(tokens: list[Token]) -> list[Token]:
    """Resolve m (month or minute) and .0 after seconds (fractional seconds)."""
    out: list[Token] = []
    for k, (kind, text) in enumerate(tokens):
        if kind == "point" and out and _last_time(out) in ("s", "el"):
            zeros = ""
            while k + 1 + len(zeros) < len(tokens) and tokens[k + 1 + len(zeros)] == ("ph", "0"):
                zeros += "0"
            if zeros:
                out.append(("frac", zeros))
                continue
        if kind == "ph" and out and out[-1][0] == "frac":
            continue  # consumed by the fraction above
        if kind in ("point", "comma", "ph", "pct", "slash", "exp"):
            out.append(("lit", {"exp": "E" + text}.get(kind, text)))
            continue
        if kind == "m" and len(text) <= 2:
            after = next((t for t in tokens[k + 1 :] if t[0] not in ("lit",)), None)
            if _last_time(out) in ("h", "el") or (after is not None and after[0] == "s"):
                kind = "mi"
        out.append((kind, text))
    return out


def _last_time(out: list[Token]) -> str | None:
    for kind, _ in reversed(out):
        if kind != "lit":
            return kind
    return None


def _section(code: str) -> Section:
    tokens, state = _tokenize(code)
    if state["system"]:
        tokens = _tokenize(state["system"])[0]
    kinds = {k for k, _ in tokens}
    if not tokens:
        kind = "empty"
    elif kinds & _DATE_KINDS:
        kind, tokens = "date", _date_tokens(tokens)
    elif "gen" in kinds:
        kind = "general"
    elif "ph" in kinds:
        kind = "number"
    elif "at" in kinds:
        kind = "text"
    else:
        kind = "literal"
    return Section(kind, tuple(tokens), state["cond"], state["english"])


def _split(code: str) -> list[str]:
    """Split at `;` outside quotes, brackets and escapes."""
    parts, start, i, n = [], 0, 0, len(code)
    while i < n:
        c = code[i]
        if c == '"':
            j = code.find('"', i + 1)
            i = n if j < 0 else j + 1
            continue
        if c == "\\":
            i += 2
            continue
        if c == "[":
            j = code.find("]", i)
            i = n if j < 0 else j + 1
            continue
        if c == ";":
            parts.append(code[start:i])
            start = i + 1
        i += 1
    parts.append(code[start:])
    return parts


@lru_cache(maxsize=4096)
def parse(code: str) -> tuple[Section, ...]:
    """The sections of a format code; openpyxl's en-US built-in codes read as zh-CN ones."""
    code = OPENPYXL_ALIASES.get(code, code) if code else "General"
    return tuple(_section(part) for part in _split(code)[:4])
