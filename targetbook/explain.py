"""Score explanations (计算依据) as records, and the one place they become Chinese.

The middle of the pipeline (score/, rank/) says *how* a figure was reached as an `Explain`
record: a kind of the message table's EXPLANATIONS and the numbers it used. `render`
turns a record into its Chinese sentence; numbers are formatted here, once (`fmt`), so a
score reads the same wherever it is shown. Records nest: a parameter may itself be a
record (the 完成率 head of a 完成率 score) and renders in place.
"""

from __future__ import annotations

import datetime as dt
import math
import string

import numpy as np
import pandas as pd

from targetbook.labels import LIST_SEP
from targetbook.messages import EXPLANATIONS


def fmt(x: object, decimals: int = 4) -> str:
    """A number as staff write it: 85, 97.19, 0.5 (at most `decimals` decimals, 4 unless
    保留小数 says otherwise; no trailing zeros)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    s = f"{float(x):.{decimals}f}"
    s = s.rstrip("0").rstrip(".") if "." in s else s
    return "0" if s == "-0" else s


# Parameters of an explanation that are points (scores, caps, sums): shown per 保留小数.
# Inputs (完成值, 目标值, rates, bounds) keep their own decimals.
POINT_PARAMS = frozenset(
    ("points", "raw", "score", "capped", "extra", "value", "total", "cap", "floor", "minus")
    + ("cut", "back", "step_points")
)


def fmt_many(values: np.ndarray) -> np.ndarray:
    """`fmt` of many numbers at once (the 200,000 entered scores of a large run)."""
    rounded = np.round(np.asarray(values, dtype=float), 4)
    # Each distinct value is formatted once: scores repeat (a 0.5 grid, full marks). A hash
    # (factorize), not np.unique: under numpy 2.4 that costs more than all the rest here.
    back, distinct = pd.factorize(rounded.ravel(), use_na_sentinel=False)
    distinct = np.asarray(distinct, dtype=float)
    whole = distinct == np.round(distinct)
    shown = np.where(
        whole, np.nan_to_num(distinct).astype(np.int64).astype(str), distinct.astype(str)
    ).astype(object)
    return shown[back.reshape(rounded.shape)]


class Explain:
    """How one figure was reached: an EXPLANATIONS kind and the numbers it used."""

    __slots__ = ("kind", "params")

    def __init__(self, kind: str, /, **params: object) -> None:
        if kind not in EXPLANATIONS:
            raise KeyError(f"no explanation template for {kind!r}")
        self.kind = kind
        self.params = params

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Explain) and (self.kind, self.params) == (other.kind, other.params)

    def __hash__(self) -> int:
        return hash(self.kind)

    def __repr__(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"Explain({self.kind!r}{args})"

    def __reduce__(self):
        return (_rebuild, (self.kind, self.params))

    def __str__(self) -> str:
        return render(self)

    def __format__(self, spec: str) -> str:
        return format(render(self), spec)


def _rebuild(kind: str, params: dict) -> Explain:
    return Explain(kind, **params)


def plus(*terms: object) -> object:
    """Terms shown as `a + b + c` (a record of nested `plus` records; one term as itself)."""
    out = terms[0]
    for term in terms[1:]:
        out = Explain("plus", a=out, b=term)
    return out


def _shown(value: object, decimals: int | None = None, point: bool = False) -> object:
    if isinstance(value, Explain):
        return render(value, decimals)
    if value is None:
        return ""
    if isinstance(value, str | bool | dt.date):
        return value  # dates keep their type: templates give their format (`{x:%Y-%m-%d}`)
    if isinstance(value, int | float | np.integer | np.floating):
        return fmt(value, decimals) if point and decimals is not None else fmt(value)
    if isinstance(value, list | tuple):
        return LIST_SEP.join(str(_shown(v, decimals, point)) for v in value)
    return value


def render(record: Explain | str, decimals: int | None = None) -> str:
    """The Chinese sentence of a record (a string, already a sentence, is returned as is);
    with `decimals` (保留小数), the points in it are rounded to that many decimals."""
    if not isinstance(record, Explain):
        return record
    shown = {k: _shown(v, decimals, k in POINT_PARAMS) for k, v in record.params.items()}
    return EXPLANATIONS[record.kind].format(**shown)


def render_all(records, decimals: int | None = None) -> np.ndarray:
    """`render` of each record of a column (strings pass through unchanged)."""
    out = np.empty(len(records), dtype=object)
    out[:] = [render(r, decimals) if type(r) is Explain else r for r in records]
    return out


def render_each(kind: str, **columns: np.ndarray) -> np.ndarray:
    """One kind rendered over columns of equal length at once (numbers via `fmt_many`)."""
    template = EXPLANATIONS[kind]
    shown = {}
    for name, values in columns.items():
        values = np.asarray(values)
        shown[name] = fmt_many(values) if values.dtype.kind in "iuf" else values.astype(object)
    size = len(next(iter(shown.values()))) if shown else 0
    out = np.full(size, "", dtype=object)
    for literal, field, _, _ in string.Formatter().parse(template):
        if literal:
            out = out + literal
        if field is not None:
            out = out + shown[field]
    return out


__all__ = ["Explain", "fmt", "fmt_many", "plus", "render", "render_all", "render_each"]
