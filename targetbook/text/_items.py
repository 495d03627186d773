"""Numbered items of a cell (`1. …；\\n2. …`)."""

from __future__ import annotations

import re

from targetbook.text._clean import clean_text
from targetbook.text._numbers import cn_number

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# `1.`/`一、` count only at the start of a line or after ；。 (else `第1.5` would split);
# `（1）` and `①` are unambiguous anywhere.
_ITEM_RE = re.compile(
    r"(?:(?:^|(?<=[\n；;。]))[ \t\u3000]*"
    r"(?:(?P<a>\d{1,2})[.．、，,)）](?!\d)|(?P<d>[一二三四五六七八九十]{1,2})、))"
    r"|[(（](?P<b>\d{1,2}|[一二三四五六七八九十]{1,2})[)）]"
    r"|(?P<c>[" + _CIRCLED + r"])"
)


def split_items(text: str) -> list[str]:
    """Numbered items of a cell (`1. …；\\n2. …`) → their texts; one item if not numbered."""
    s = clean_text(text)
    if not s:
        return []
    starts: list[tuple[int, int]] = []  # (marker start, text start)
    expected = 1
    for m in _ITEM_RE.finditer(s):
        raw = m.group("a") or m.group("b") or m.group("d")
        number = _CIRCLED.index(m.group("c")) + 1 if m.group("c") else None
        if raw is not None:
            number = int(raw) if raw.isdigit() else int(cn_number(raw) or 0)
        if number != expected:
            continue  # `2022年` or an out-of-sequence number is text, not a marker
        starts.append((m.start(), m.end()))
        expected += 1
    if not starts:
        return [_strip_item(s)]
    items = []
    if s[: starts[0][0]].strip():
        items.append(_strip_item(s[: starts[0][0]]))
    for i, (_, begin) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(s)
        item = _strip_item(s[begin:end])
        if item:
            items.append(item)
    return items


def _strip_item(text: str) -> str:
    return text.strip().rstrip("；;，,、。").strip()
