"""加分/扣分 records with per-item and total caps; 否决 (veto) records."""

from __future__ import annotations

import pandas as pd

from targetbook import labels as L
from targetbook.beijing import from_utc
from targetbook.errors import Issue, issue
from targetbook.explain import Explain, fmt
from targetbook.results import Consolidation
from targetbook.rules.model import Records, Rules
from targetbook.rules.sheets import NotANumber, key, number, text
from targetbook.score.inputs import Resolver, source_of

VETO_FRAME_COLUMNS = (L.UNIT, L.ITEM, L.REASON, L.DATE, L.SOURCE)
CAP_PENALTY_KINDS = ("cap_one_penalty", "cap_many_penalty")


def _cell(records: Records, r: dict, label: str) -> tuple[str, str, str]:
    file, sheet, row = text(r[L.SRC_FILE]), text(r[L.SRC_SHEET]), text(r[L.SRC_ROW])
    letters = records.columns.get(f"{file}!{sheet}", {})
    return file, sheet, f"{letters.get(label, 'A')}{row}" if row else ""


def _known_unit(records: Records, r: dict, resolve: Resolver, issues: list[Issue]):
    """The record's registry unit (None, with an issue, when unknown), file, sheet and 单位 cell."""
    file, sheet, cell = _cell(records, r, L.UNIT)
    unit = resolve(r[L.UNIT])
    if unit is None:
        issues.append(
            issue("score_unit_unknown", file=file, sheet=sheet, cell=cell, value=text(r[L.UNIT]))
        )
    return unit, file, sheet, cell


def _row(unit, item, method, cap, points, note, source) -> dict:
    return {
        L.CATEGORY: unit.category,
        L.UNIT: unit.name,
        L.ITEM: item,
        L.METHOD: method,
        L.MAX_POINTS: cap,
        L.SCORE: points,
        L.EXPLANATION: note,
        L.SOURCE: source,
        L.PERIOD: "",
    }


def lateness(
    consolidation: Consolidation, rules: Rules, units: list, records: Records, resolve: Resolver
):
    """逾期扣分 deductions, as `adjustments` takes them: (unit, item, method, cap, points,
    note, source).

    A unit's return is on time when its earliest return (by the workbook's saved time, in
    Beijing time) was saved on or before the item's 截止日期; each day later takes 每天扣,
    and the item's 分值 caps the sum. A unit that sent no return loses the whole 分值. An
    office's 加扣分 record on the item replaces the computed deduction (an approved delay).
    """
    late_items = {c: [i for i in rules.items_for(c) if i.method == L.M_LATE] for c in L.CATEGORIES}
    if not any(late_items.values()):
        return []
    entered = set()
    for r in records.adjustments.to_dict("records"):
        unit = resolve(r[L.UNIT])
        if unit is not None:
            entered.add((unit.name, text(r[L.ITEM])))
    saved = {s.file: s.modified for s in consolidation.sources if s.modified is not None}
    first: dict[str, tuple] = {}  # unit → (earliest saved time, its file)
    for file, names in consolidation.file_units.items():
        when = saved.get(file)
        for name in names if when is not None else ():
            if name not in first or when < first[name][0]:
                first[name] = (when, file)
    out = []
    for unit in units:
        for item in late_items.get(unit.category, ()):
            if (unit.name, item.name) in entered:
                continue
            if unit.name not in first:
                note = Explain("late_no_return", points=item.points)
                out.append((unit, item.name, item.method, item.points, -item.points, note, ""))
                continue
            when, file = first[unit.name]
            local = from_utc(when)
            days = (local.date() - item.deadline).days
            if days <= 0:
                continue
            minus = days * item.per_day
            note = Explain(
                "late_days",
                saved=local,
                file=file,
                deadline=item.deadline,
                days=days,
                per_day=item.per_day,
                minus=minus,
            )
            out.append((unit, item.name, item.method, item.points, -minus, note, file))
    return out


def adjustments(
    records: Records, rules: Rules, resolve: Resolver, computed: list[tuple] = ()
) -> tuple[list[dict], list[Issue]]:
    """Score rows of 加扣分 records and of `computed` deductions (lateness), plus a 封顶 row
    wherever a cap cuts a sum."""
    issues: list[Issue] = []
    kept: list[tuple] = list(computed)  # (unit, item name, method, cap, points, note, source)
    for r in records.adjustments.to_dict("records"):
        unit, file, sheet, cell = _known_unit(records, r, resolve, issues)
        if unit is None:
            continue
        try:
            pts = number(r[L.POINTS])
        except NotANumber:
            _, _, c = _cell(records, r, L.POINTS)
            issues.append(
                issue(
                    "score_not_a_number",
                    file=file,
                    sheet=sheet,
                    cell=c,
                    column=L.POINTS,
                    value=text(r[L.POINTS]),
                )
            )
            continue
        if not pts:
            continue
        items = {i.name: i for i in rules.items_for(unit.category) if i.is_adjustment}
        item = items.get(text(r[L.ITEM]))
        if item is not None:
            # A 扣分 item holds deductions whatever sign the office typed.
            pts = -abs(pts) if item.method in (L.M_PENALTY, L.M_LATE) else pts
            name, method, cap = item.name, item.method, item.points
        else:
            method = L.M_BONUS if pts > 0 else L.M_PENALTY
            name, cap = text(r[L.ITEM]) or method, None
        note = L.CLAUSE_SEP.join(p for p in (text(r[L.REASON]), text(r[L.BASIS])) if p)
        letter = records.columns.get(f"{file}!{sheet}", {}).get(L.POINTS, "")
        source = source_of(file, sheet, r[L.SRC_ROW], letter)
        kept.append((unit, name, method, cap, pts, note or method, source))
    # Per-item caps, then total caps (on what the item caps left). An item its cap cuts is
    # ONE row: its records, their sum and what the cap kept (never −499 then +497).
    groups: dict[tuple[str, str], list[tuple]] = {}
    for entry in kept:
        groups.setdefault((entry[0].name, entry[1]), []).append(entry)
    rows: list[dict] = []
    after: dict[str, dict[str, float]] = {}
    for (_, name), entries in groups.items():
        u, _, m, cap = entries[0][:4]
        total = sum(e[4] for e in entries)
        value = total
        if cap is not None and abs(total) > cap:
            value = cap if total > 0 else -cap
            rows.append(_capped_row(entries, total, value))
            issues.append(
                issue("adjustment_capped", unit=u.name, item=name, total=fmt(total), cap=fmt(cap))
            )
        else:
            rows += [_row(u, n, m, c, p, note, src) for u, n, m, c, p, note, src in entries]
        side = "plus" if value > 0 else "minus"
        after.setdefault(u.name, {"plus": 0.0, "minus": 0.0, "unit": u})[side] += value
    s = rules.settings
    for name, sides in after.items():
        u = sides["unit"]
        for side, cap, label in (
            ("plus", s.bonus_cap, L.S_BONUS_CAP),
            ("minus", s.penalty_cap, L.S_PENALTY_CAP),
        ):
            total = sides[side]
            if cap is not None and abs(total) > cap:
                value = cap if total > 0 else -cap
                method = L.M_BONUS if side == "plus" else L.M_PENALTY
                rows.append(_cap_row(u, label, method, cap, total, value))
                issues.append(
                    issue(
                        "adjustment_capped", unit=name, item=label, total=fmt(total), cap=fmt(cap)
                    )
                )
    return rows, issues


def _capped_row(entries: list[tuple], total: float, value: float) -> dict:
    """One row for an item whose records its cap cuts: what was capped, and to what."""
    u, name, method, cap = entries[0][:4]
    one, many = ("cap_one_bonus", "cap_many_bonus") if total > 0 else CAP_PENALTY_KINDS
    if len(entries) == 1:
        note = Explain(one, note=entries[0][5], cap=cap)
    else:
        parts = tuple(Explain("cap_record", note=e[5], points=e[4]) for e in entries)
        note = Explain(many, records=parts, total=abs(total), cap=cap)
    source = L.CLAUSE_SEP.join(dict.fromkeys(e[6] for e in entries if e[6]))
    return _row(u, name, method, cap, value, note, source)


def _cap_row(unit, name, method, cap, total, value) -> dict:
    if total > 0:
        note = Explain("cap_bonus", name=name, total=total, cap=cap, cut=total - value)
    else:  # deductions: the points taken beyond the cap are given back
        note = Explain("cap_penalty", name=name, total=-total, cap=cap, back=value - total)
    return _row(unit, name, f"{method}{L.CAPPED}", cap, value - total, note, "")


def vetoes(records: Records, rules: Rules, resolve: Resolver) -> tuple[pd.DataFrame, list[Issue]]:
    """否决 records of known units: 单位 | 项目 | 事由 | 日期 | 来源 (unknown items warn)."""
    issues: list[Issue] = []
    out: list[dict] = []
    listed = {key(v) for v in rules.settings.veto_items}
    for r in records.vetoes.to_dict("records"):
        unit, file, sheet, cell = _known_unit(records, r, resolve, issues)
        if unit is None:
            continue
        if listed and key(r[L.ITEM]) not in listed:
            _, _, c = _cell(records, r, L.ITEM)
            issues.append(
                issue("veto_item_unknown", file=file, sheet=sheet, cell=c, value=text(r[L.ITEM]))
            )
        date = r[L.DATE]
        date = date.strftime("%Y-%m-%d") if hasattr(date, "strftime") else text(date)
        out.append(
            {
                L.UNIT: unit.name,
                L.ITEM: text(r[L.ITEM]),
                L.REASON: text(r[L.REASON]),
                L.DATE: date,
                L.SOURCE: source_of(file, sheet, r[L.SRC_ROW], cell.rstrip("0123456789")),
            }
        )
    return pd.DataFrame(out, columns=list(VETO_FRAME_COLUMNS)), issues
