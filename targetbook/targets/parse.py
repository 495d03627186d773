"""parse_target: a 创先争优目标 phrase → its targets, each with the span it came from.

A phrase is cut into sentences (。；newline) and clauses (，); numbered items (`1. `)
are dropped. In each clause the patterns of patterns.py are matched, earliest and
longest first; the text between two matches is the subject of the second one. Every
letter or digit of the phrase ends up in some target's span: what no pattern explains
becomes a manual target (需人工认定) rather than being dropped or guessed.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from targetbook.targets import model as M
from targetbook.targets import patterns as P
from targetbook.targets.numbers import fold_chars, to_number

Span = tuple[int, int, M.Target]


def parse_target(text: object) -> list[M.Target]:
    """`区考核组排名保2争1` → [Target(kind="rank", scope="区考核组", guarantee=2, strive=1, …)]."""
    if not isinstance(text, str):
        if text is None or _missing(text):
            return []
        text = str(text)
    return [target for _, _, target in target_spans(text)]


def _missing(value: object) -> bool:
    """NaN, pd.NA and the like (a blank cell read by pandas), without importing pandas."""
    try:
        return bool(value != value)
    except TypeError:  # pd.NA refuses to be a bool
        return True


@lru_cache(maxsize=8192)
def target_spans(text: str) -> tuple[Span, ...]:
    """The targets of `text` with their (start, end) positions in it; text[start:end] == .text."""
    norm = fold_chars(text)
    out: list[Span] = []
    if norm.strip(" \t\r\n\u3000。.") in P.NONE_WORDS:
        return ()  # `无`: the unit states it has no target (what the blank-cell message asks)
    for s_start, s_end in _pieces(P.SENTENCE_RX, norm, 0, len(norm)):
        # an empty subject (`、区考核组排名第1`) takes the previous one of the same sentence,
        # and so does a missing scope (`全区第3，力争第1`)
        previous: M.Target | None = None
        for c_start, c_end in _pieces(P.CLAUSE_RX, norm, s_start, s_end):
            marker = P.MARKER_RX.match(norm, c_start, c_end)
            if marker:
                c_start = marker.end()
            previous = _parse_clause(text, norm, c_start, c_end, previous, out)
    return tuple(out)


def _pieces(rx: re.Pattern, norm: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces, pos = [], start
    for sep in rx.finditer(norm, start, end):
        pieces.append((pos, sep.start()))
        pos = sep.end()
    pieces.append((pos, end))
    return pieces


def _has_content(norm: str, start: int, end: int) -> bool:
    """True if the range holds a letter or a digit (not only punctuation and spaces)."""
    return any(ch.isalnum() for ch in norm[start:end])


def _trim(norm: str, start: int, end: int) -> tuple[int, int]:
    while start < end and norm[start] in P.SEPARATORS:
        start += 1
    while end > start and norm[end - 1] in P.SEPARATORS:
        end -= 1
    return start, end


def _matches(norm: str, start: int, end: int) -> list[tuple[str, re.Match]]:
    """Non-overlapping pattern matches of a clause: earliest, then longest, then by priority."""
    found = []
    clause = norm[start:end]
    for kind, rx, priority, triggers in P.PATTERNS:
        if triggers.isdisjoint(clause):
            continue
        for m in rx.finditer(norm, start, end):
            if m.end() == m.start():
                continue
            if kind in P.QUALIFIABLE and P.QUALIFIER_RX.match(norm, m.end()):
                continue  # `超过10万元的村`: a qualifier of the subject, not a target
            if kind in P.QUALIFIABLE and norm[m.start() - 1 : m.start()] == P.ORDINAL:
                continue  # 第1次, 第5名以外: an ordinal, not a quantity
            if kind == M.COUNT and m["num"] == P.ONE and m["unit"] not in P.ONE_UNITS:
                continue  # 一家亲, 一张网, 一条街: idioms, not counts
            if (
                kind == M.COUNT
                and m["unit"] in P.PLACE_UNITS
                and P.PLACE_BEFORE_RX.search(norm, start, m.start())
            ):
                continue  # 后三名, 排名3-5名: places in a ranking, not people
            found.append((m.start(), m.start() - m.end(), priority, kind, m))
    found.sort(key=lambda f: f[:3])
    chosen, pos = [], start
    for m_start, _, _, kind, m in found:
        if m_start >= pos:
            chosen.append((kind, m))
            pos = m.end()
    return [
        (kind, m)
        for i, (kind, m) in enumerate(chosen)
        if not (i < len(chosen) - 1 and kind in P.QUANTIFYING and _quantifies(norm, m.end()))
    ]


def _quantifies(norm: str, pos: int) -> bool:
    """A number directly followed by a noun (not by 、/和/punctuation) quantifies it."""
    return pos < len(norm) and norm[pos].isalnum() and norm[pos] not in P.CONJUNCTIONS


def _parse_clause(
    text: str, norm: str, start: int, end: int, previous: M.Target | None, out: list[Span]
) -> M.Target | None:
    """Append the clause's targets to `out`; return the target whose subject carries on."""
    chosen = _matches(norm, start, end)
    if not chosen or _needs_person(norm, start, end, chosen):
        if _has_content(norm, start, end):
            out.append(_manual(text, norm, start, end))
        return previous
    seg_start = start
    for i, (kind, m) in enumerate(chosen):
        last = i == len(chosen) - 1
        span_end, tail = m.end(), ""
        if last and kind in P.ABSORBING and _has_content(norm, m.end(), end):
            span_end, tail = end, norm[m.end() : end]
        fields = None if kind == M.MANUAL else _BUILDERS[kind](m, norm[start : m.start()])
        if fields is not None and not _sane(kind, fields):
            fields = None
        if fields is None:
            out.append(_manual(text, norm, seg_start, span_end))
        else:
            pre = norm[seg_start : m.start()]
            if seg_start > start and pre[:1] in P.CONJUNCTIONS:
                pre = pre[1:]  # 5家和商户3户: 和 joins the two targets
            if norm.startswith(P.ASSESSMENT, m.start()) and P.OVERALL_RX.search(pre):
                pre += P.ASSESSMENT
            if kind in P.RANKISH and fields.get("scope") is None:
                found = _last(P.SCOPE_RX, pre)
                if found:
                    fields["scope"] = found["scope"]
                    pre = pre[: found.start()] + pre[found.end() :]
            own = clean_subject(pre + tail)
            if not own and previous is not None:
                if kind in P.PLACED and previous.kind in P.PLACED and not fields.get("scope"):
                    fields["scope"] = previous.scope
            subject = own or (previous.subject if previous is not None else None)
            a, b = _trim(norm, seg_start, span_end)
            previous = M.Target(text=text[a:b], kind=kind, subject=subject, **fields)
            out.append((a, b, previous))
        seg_start = m.end()
    return previous


def _needs_person(norm: str, start: int, end: int, chosen: list[tuple[str, re.Match]]) -> bool:
    """True if the clause is only partly understood: then it is one manual target, whole.

    Half a parse is worse than none (`不出现在倒数后三名` is no count of three): words
    left after a target that takes no subject (`继续保持全区第一的领先地位`), a negation
    no pattern took as its own word, an approximate figure (`约`, `左右`), or a zero
    target running into another one (`不发生3人以上事故`).
    """
    last_kind, last = chosen[-1]
    if last_kind not in P.ABSORBING and _has_content(norm, last.end(), end):
        return True
    understood = [(m.start(), m.end()) for kind, m in chosen if kind != M.MANUAL]
    understood += _qualifiers(norm, start, end)
    for rx in (P.NEGATION_RX, P.RELATIVE_RX):
        for word in rx.finditer(norm, start, end):
            if not any(a <= word.start() < b for a, b in understood):
                return True
    for kind, m in chosen:
        if kind in P.QUALIFIABLE:
            num = m.start("num") if m["num"] is not None else m.start()
            if P.APPROX_BEFORE_RX.search(norm, start, num) or P.APPROX_AFTER_RX.match(
                norm, m.end()
            ):
                return True
    for (k0, m0), (k1, m1) in zip(chosen, chosen[1:], strict=False):
        glued = not P.CONJUNCTIONS.intersection(norm[m0.end() : m1.start()])
        # 不发生3人以上事故: a zero target running into the next one;
        # 全区第一的领先地位: a vague tier glued to a target qualifies it
        if glued and (k0 == M.ZERO or M.MANUAL in (k0, k1)):
            return True
    return False


def _qualifiers(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of figures that qualify a noun (`超过10万元的村`): their words are understood."""
    spans = []
    for kind, rx, _, triggers in P.PATTERNS:
        if kind in P.QUALIFIABLE and not triggers.isdisjoint(norm[start:end]):
            for m in rx.finditer(norm, start, end):
                if P.QUALIFIER_RX.match(norm, m.end()):
                    spans.append((m.start(), m.end()))
    return spans


# No place is that far down a ranking: a pasted run of digits, not a target.
_MAX_PLACE = 10_000


def _sane(kind: str, fields: dict) -> bool:
    """False for figures nobody writes (`保2222…争1`, `第1000000000000名`): a person reads them.

    An infinite figure would also make the --json output invalid JSON (`Infinity`).
    """
    for key in ("guarantee", "strive", "value"):
        v = fields.get(key)
        if v is None:
            continue
        if not math.isfinite(v):
            return False
        if kind in (M.RANK, M.RANK_CHANGE) and abs(v) >= _MAX_PLACE:
            return False
    return True


def _manual(text: str, norm: str, start: int, end: int) -> Span:
    a, b = _trim(norm, start, end)
    return (a, b, M.Target(text=text[a:b], kind=M.MANUAL))


def _last(rx: re.Pattern, s: str) -> re.Match | None:
    found = None
    for found in rx.finditer(s):  # noqa: B007 - the last match is wanted
        pass
    return found


def clean_subject(raw: str) -> str | None:
    """`确保空气质量排名` → `空气质量`: drop modifiers, 考核/排名 words and separators."""
    s = raw
    while True:
        before = s
        while s and s[0] in P.SEPARATORS:
            s = s[1:]
        while s and s[-1] in P.SEPARATORS:
            s = s[:-1]
        s = P.LEADING_RX.sub("", s, count=1)
        s = P.TRAILING_RX.sub("", s, count=1)
        if s == before:
            return s or None


def _modifier(region: str) -> str | None:
    """The last of 力争 (strive) / 确保 (guarantee) before the target in its clause."""
    strive, guarantee = _last(P.STRIVE_RX, region), _last(P.GUARANTEE_RX, region)
    if strive and (not guarantee or strive.start() > guarantee.start()):
        return "strive"
    return "guarantee" if guarantee else None


def _n(value: str | None) -> int | float | None:
    return None if value is None else to_number(value)


def _levels(n: int, region: str) -> tuple[int | None, int]:
    """A single level (前三, 第1): firm unless only strived for (力争前三 → None, 3)."""
    return (None, n) if _modifier(region) == "strive" else (n, n)


def _comparator(gd: dict, value: float) -> str:
    word = gd.get("post") or gd.get("pre")
    if value == 0 and word in (None, P.EQUALS):
        return "="  # 发案率为0% / 0起: "at least nothing" is no target; nothing is meant
    return P.COMPARATOR_WORDS.get(word, ">=") if word else ">="


def _rank(m: re.Match, region: str) -> dict | None:
    gd = m.groupdict()
    if gd["g"] is not None:
        g, s = _n(gd["g"]), _n(gd["s"])
    elif gd["r1"] is not None or gd["r3"] is not None:
        ends = (gd["r1"], gd["r2"]) if gd["r1"] is not None else (gd["r3"], gd["r4"])
        low, high = sorted(_n(x) for x in ends)
        g, s = high, low
    elif gd["s2"] is not None:
        g, s = None, _n(gd["s2"])
    elif gd["g2"] is not None:
        g = s = _n(gd["g2"])
    elif gd["x"] is not None:
        if _n(gd["x"]) < 2:
            return None  # 超过第1名: no such rank, a person must read it
        g, s = _levels(_n(gd["x"]) - 1, region)
    else:
        single = gd["w"] or gd["f"] or gd["o"] or gd["u"] or gd["y"] or gd["b"]
        g, s = _levels(_n(single), region)
    if any(level is not None and level < 1 for level in (g, s)):
        return None  # 全镇第〇 / 前0名: no such place, a person must read it
    return _levelled(gd["scope"], g, s, "<=", P.RANK_UNIT)


def _levelled(scope, g, s, comparator: str, unit: str) -> dict:
    """Fields of a 保/争 target: its value is the guaranteed level, else the striven one."""
    return dict(
        scope=scope,
        guarantee=g,
        strive=s,
        comparator=comparator,
        value=s if g is None else g,
        unit=unit,
    )


def _rank_change(m: re.Match, region: str) -> dict:
    a, b = _n(m["a"]), _n(m["b"])
    g, s = (a, b) if b is not None else _levels(a, region)
    return _levelled(m["scope"], g, s, ">=", P.RANK_UNIT)


def _grade(m: re.Match, region: str) -> dict:
    gd = m.groupdict()
    scope = gd["scope"]
    if gd.get("award"):
        award = gd["award"]
        if award in P.AWARD_LEVELS:
            level = P.AWARD_LEVELS[award]
        else:
            level = to_number(award[: -len(P.AWARD_UNIT)])
        unit = P.AWARD_UNIT
        if gd["cls"]:
            scope = (scope or "") + gd["cls"]
    else:
        level, unit = P.GRADE_LEVELS[gd["grade"]], P.GRADE_UNIT
    g, s = _levels(level, region)
    return _levelled(scope, g, s, "<=", unit)


def _honour(m: re.Match, region: str) -> dict:
    return dict(scope=m["scope"] or m["level"])


def _zero(m: re.Match, region: str) -> dict:
    return dict(comparator="=", value=0)


def _rate(m: re.Match, region: str) -> dict:
    gd = m.groupdict()
    value = _n(gd["num"])
    return dict(comparator=_comparator(gd, value), value=value, unit=P.RATE_UNITS[gd["pct"]])


def _count(m: re.Match, region: str) -> dict:
    gd = m.groupdict()
    mult = gd["mult"] or ""
    low = to_number(gd["num"], mult)
    fields = dict(comparator=_comparator(gd, low), value=low, unit=gd["unit"])
    if gd["hi"] is not None:
        fields.update(guarantee=low, strive=to_number(gd["hi"], mult))
    return fields


def _amount(m: re.Match, region: str) -> dict:
    gd = m.groupdict()
    mult = gd["mult"] or gd["yi"] or ""
    value = to_number(gd["num"], mult)
    return dict(comparator=_comparator(gd, value), value=value, unit=P.YUAN)


_BUILDERS = {
    M.RANK: _rank,
    M.RANK_CHANGE: _rank_change,
    M.GRADE: _grade,
    M.HONOUR: _honour,
    M.ZERO: _zero,
    M.RATE: _rate,
    M.COUNT: _count,
    M.AMOUNT: _amount,
}
