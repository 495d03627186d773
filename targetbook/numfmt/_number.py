"""Numbers under a number section: General, fixed, scientific and fractions."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal
from functools import lru_cache

from targetbook.numfmt._parse import Token

_CTX = Context(prec=400, rounding=ROUND_HALF_UP)  # wide enough for 1E+308 with decimals
_EXACT = 2**53  # LibreOffice's General shows integers up to here in full, beyond in E notation


def to_decimal(x: float) -> Decimal:
    """|x| kept to 15 significant digits, as Excel stores and shows it (0.1+0.2 → 0.3)."""
    return Decimal(f"{abs(x):.15g}") if x else Decimal(0)


def general(x: float) -> str:
    """|x| in the General format: up to 15 significant digits, E notation when very large/small."""
    d = to_decimal(x)
    if not d:
        return "0"
    exp = d.adjusted()
    digits = len(d.normalize().as_tuple().digits)
    if abs(x) >= _EXACT or exp < -9 or (exp < -4 and digits - exp - 1 > 17):
        mantissa = format(d.normalize().scaleb(-exp), "f")
        return f"{mantissa}E{'-' if exp < 0 else '+'}{abs(exp):02d}"
    return format(d.normalize(), "f")


@lru_cache(maxsize=4096)
def _layout(tokens: tuple[Token, ...]) -> tuple[int, int, bool, int, int]:
    """(percent signs, scaling commas, grouping, index of E or -1, index of / or -1)."""
    kinds = [k for k, _ in tokens]
    pct = kinds.count("pct")
    scale, grouping = 0, False
    for i, kind in enumerate(kinds):
        if kind != "comma":
            continue
        after = next((k for k in kinds[i + 1 :] if k != "lit"), None)
        if after == "ph":
            grouping = grouping or "ph" in kinds[:i]
        elif after in (None, "point", "comma", "pct", "exp"):
            scale += 1
    exp = kinds.index("exp") if "exp" in kinds else -1
    slash = kinds.index("slash") if "slash" in kinds else -1
    return pct, scale, grouping, exp, slash


def number(x: float, tokens: tuple[Token, ...]) -> str:
    """|x| under a section with digit placeholders (sign handled by the caller)."""
    d = to_decimal(x)
    pct, scale, grouping, exp, slash = _layout(tokens)
    if pct or scale:
        d = _CTX.multiply(d, Decimal(100) ** pct).scaleb(-3 * scale)
    if exp >= 0:
        return _scientific(d, tokens, exp)
    if slash >= 0:
        return _fraction(d, tokens, slash)
    return _fill(tokens, d, grouping)


@lru_cache(maxsize=4096)
def _plan(tokens: tuple[Token, ...]) -> tuple:
    """What _fill needs of a token run, worked out once per format."""
    point = next((i for i, (k, _) in enumerate(tokens) if k == "point"), len(tokens))
    ints = tuple(i for i, (k, _) in enumerate(tokens) if k == "ph" and i < point)
    decs = tuple(i for i, (k, _) in enumerate(tokens) if k == "ph" and i > point)
    solid = bool(ints) and all(tokens[i][0] in ("ph", "comma") for i in range(ints[0], ints[-1]))
    static = tuple(t if k in ("point", "pct", "lit", "slash", "at") else "" for k, t in tokens)
    return ints, decs, solid, static, Decimal(1).scaleb(-len(decs))


def _fill(tokens: tuple[Token, ...], d: Decimal, grouping: bool) -> str:
    """Place the digits of d into the placeholders of tokens (no exponent, no fraction)."""
    ints, decs, solid, static, step = _plan(tokens)
    whole, _, frac = format(d.quantize(step, context=_CTX), "f").partition(".")
    whole = whole.lstrip("0")
    parts = list(static)
    n_ints, n_whole = len(ints), len(whole)
    for n, i in enumerate(ints):
        pos = n_whole - n_ints + n
        parts[i] = whole[pos] if pos >= 0 else _FILLER[tokens[i][1]]
    if n_whole > n_ints and ints:
        parts[ints[0]] = whole[: n_whole - n_ints + 1]
    if grouping and solid:
        text = "".join(parts[i] for i in ints)
        digits = text.lstrip(" ")
        head = len(digits) % 3 or 3
        groups = [digits[:head]] + [digits[j : j + 3] for j in range(head, len(digits), 3)]
        for i in ints:
            parts[i] = ""
        parts[ints[0]] = " " * (len(text) - len(digits)) + ",".join(g for g in groups if g)
    trailing = True
    for n in range(len(decs) - 1, -1, -1):
        i = decs[n]
        ph, digit = tokens[i][1], frac[n]
        if trailing and digit == "0" and ph != "0":
            parts[i] = " " if ph == "?" else ""
        else:
            trailing = False
            parts[i] = digit
    return "".join(parts)


_FILLER = {"0": "0", "?": " ", "#": ""}


def _scientific(d: Decimal, tokens: tuple[Token, ...], at: int) -> str:
    head, tail = tokens[:at], tokens[at + 1 :]
    point = next((i for i, (k, _) in enumerate(head) if k == "point"), len(head))
    ints = [t for t in head[:point] if t[0] == "ph"]
    ndec = sum(1 for t in head[point:] if t[0] == "ph")
    width = max(len(ints), 1)
    engineering = any(t[1] == "#" for t in ints) and width > 1
    exp = 0
    if d:
        exp = d.adjusted()
        exp = exp // width * width if engineering else exp - (width - 1)
    mantissa = d.scaleb(-exp).quantize(Decimal(1).scaleb(-ndec), context=_CTX)
    if mantissa >= Decimal(10) ** width:  # 9.996 → 10.00: one more power of ten
        exp += width if engineering else 1
        mantissa = d.scaleb(-exp).quantize(Decimal(1).scaleb(-ndec), context=_CTX)
    digits = [t for t in tail if t[0] == "ph"]
    rest = tail[len(digits) :] if all(t[0] == "ph" for t in tail[: len(digits)]) else ()
    sign = "-" if exp < 0 else ("+" if tokens[at][1] == "+" else "")
    zeros = sum(1 for t in digits if t[1] == "0")
    literal = "".join(t[1] for t in rest if t[0] in ("lit", "pct"))
    return f"{_fill(head, mantissa, False)}E{sign}{str(abs(exp)).zfill(zeros)}{literal}"


def _fraction(d: Decimal, tokens: tuple[Token, ...], slash: int) -> str:
    k = slash - 1
    while k >= 0 and tokens[k][0] == "ph":
        k -= 1
    num_w = slash - 1 - k
    sep_end = k
    while k >= 0 and tokens[k][0] == "lit":
        k -= 1
    whole_ph = [t for t in tokens[: k + 1] if t[0] == "ph"]
    sep = "".join(t[1] for t in tokens[k + 1 : sep_end + 1])
    prefix = "".join(t[1] for t in tokens[: k + 1] if t[0] == "lit")
    j = slash + 1
    while j < len(tokens) and (tokens[j][0] == "ph" or tokens[j][1].isdigit()):
        j += 1
    den_text = "".join(t[1] for t in tokens[slash + 1 : j])
    suffix = "".join(t[1] for t in tokens[j:] if t[0] in ("lit", "pct"))
    whole = int(d) if whole_ph else 0
    rest = float(d - whole)
    fixed = any(c in "123456789" for c in den_text)
    if fixed:
        den = int(den_text)
        num = int(Decimal(rest * den).quantize(Decimal(1), context=_CTX))
    else:
        num, den = _best(rest, 10 ** len(den_text) - 1)
    if whole_ph and num == den:
        whole, num = whole + 1, 0
    if whole_ph and num == 0:
        blank = len(sep) + num_w + 1 + (0 if fixed else len(den_text))  # as LibreOffice pads
        return f"{prefix}{whole}{' ' * blank}{suffix}"
    shown = str(whole) if whole or (whole_ph and whole_ph[-1][1] == "0") else ""
    if not whole_ph:
        shown, sep = "", ""
    return f"{prefix}{shown}{sep}{str(num).rjust(num_w)}/{str(den).ljust(len(den_text))}{suffix}"


def _best(x: float, max_den: int) -> tuple[int, int]:
    """The closest num/den to x with den ≤ max_den (smallest den on ties)."""
    best = (round(x), 1)
    err = abs(x - best[0])
    for den in range(2, max(max_den, 1) + 1):
        num = int(x * den + 0.5)
        e = abs(x - num / den)
        if e < err - 1e-12:
            best, err = (num, den), e
    return best
