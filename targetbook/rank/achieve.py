"""目标达成: each 创先争优目标 parsed (targets.parse_targets_frame) and judged.

Actual results come from the 外部结果 sheet (单位 | 项目 | 范围 | 名次 | 数值 | 等次 | 达成),
which wins when a row answers the target (its 项目, 范围 and the figure of the target's kind:
a rank takes 名次, a rate/count/amount 数值 — see `_external`), or from this run: a rank
target of scope 全镇 is judged on the unit's rank in its category — on an item when the
target's subject names one, on the total when it names none; a grade or 进位 target without
a subject is judged on the unit's 等次 / 进位. Anything else is 待认定 (a person decides),
never guessed.
"""

from __future__ import annotations

import math

import pandas as pd

from targetbook import labels as L
from targetbook.explain import Explain, render
from targetbook.rules.model import Records
from targetbook.rules.sheets import NotANumber, key, number, text
from targetbook.score.inputs import source_of
from targetbook.text import name_key

OWN_SCOPES = L.OWN_SCOPES
OVERALL_WORDS = L.OVERALL_WORDS
YES_WORDS = L.ACHIEVED_WORDS
NO_WORDS = L.NOT_ACHIEVED_WORDS


def _n(value) -> float | None:
    try:
        return number(value)
    except NotANumber:
        return None


# Which 外部结果 figure answers a target of each kind (a 达成 verdict answers any kind).
FIGURE_OF_KIND = {
    "rank": "rank",
    "rank_change": "value",  # places gained, entered from outside
    "grade": "grade",
    "rate": "value",
    "count": "value",
    "amount": "value",
    "zero": "value",
}


def _same_subject(item: str, subject: str) -> bool:
    """项目 names the target's subject: equal or one inside the other, both normalised; a
    blank 项目 is the unit's overall result and answers only targets without a subject."""
    if not item or not subject:
        return not item and not subject
    return item in subject or subject in item


def _external(records: Records, unit: str, target: dict) -> tuple[dict, str] | None:
    """The first 外部结果 row for this unit that answers `target`: its 项目 names the
    target's subject, its 范围 (blank = any) is the target's scope, and it carries the
    figure the target's kind is judged on (名次 for a rank, 数值 for a rate/count/amount/
    zero/进位, 等次 for a grade) or a 达成 verdict."""
    frame = records.external
    if frame is None or frame.empty:
        return None
    subject, scope = key(target.get("subject")), key(target.get("scope"))
    wanted = FIGURE_OF_KIND.get(target.get("kind") or "")
    for r in frame.to_dict("records"):
        if name_key(r[L.UNIT]) != name_key(unit) or not _same_subject(key(r[L.ITEM]), subject):
            continue
        where = key(r[L.SCOPE])
        if where and scope and where != scope:
            continue
        achieved = key(r[L.ACHIEVED]).upper()
        place = _n(r[L.PLACE])
        actual = {
            "rank": None if place is None else int(place),
            "value": _n(r[L.NUMBER]),
            "grade": text(r[L.GRADE]) or None,
            "achieved": True if achieved in YES_WORDS else False if achieved in NO_WORDS else None,
        }
        if actual["achieved"] is None and (wanted is None or actual[wanted] is None):
            continue  # e.g. a rate's 数值 never answers a rank target
        # Show only what the target is judged on (and a person's verdict).
        actual = {k: v for k, v in actual.items() if k in (wanted, "achieved")}
        letters = records.columns.get(f"{text(r[L.SRC_FILE])}!{text(r[L.SRC_SHEET])}", {})
        src = source_of(r[L.SRC_FILE], r[L.SRC_SHEET], r[L.SRC_ROW], letters.get(L.UNIT, ""))
        return actual, src
    return None


def _item_of(subject: str, item_ranks: dict[str, dict[str, float]]) -> str | None:
    subj = key(subject)
    for item in item_ranks:
        k = key(item)
        if k and subj and (k in subj or subj in k):
            return item
    return None


def _overall(subject) -> bool:
    s = key(subject)
    return not s or any(s == w or s.endswith(w) and len(s) <= 6 for w in OVERALL_WORDS)


def _own(target: dict, unit: str, own: dict) -> dict | None:
    kind, subject, scope = target["kind"], text(target["subject"]), key(target["scope"])
    row = own["ranks"].get(name_key(unit))
    if row is None:
        return None
    if kind == "rank" and scope in OWN_SCOPES:
        item = _item_of(subject, own["items"])
        if item is not None:
            place = own["items"][item].get(name_key(unit))
            return None if place is None else {"rank": int(place)}
        if _overall(subject) and not math.isnan(row[L.PLACE]):
            return {"rank": int(row[L.PLACE])}
    if kind == "grade" and _overall(subject) and row[L.GRADE]:
        return {"grade": row[L.GRADE]}
    if kind == "rank_change" and _overall(subject) and not math.isnan(row[L.RISE]):
        return {"value": row[L.RISE]}
    return None


def _shown(actual: dict | None) -> str:
    if not actual:
        return ""
    parts = []
    if actual.get("rank") is not None:
        parts.append(render(Explain("actual_place", place=actual["rank"])))
    if actual.get("value") is not None:
        v = actual["value"]
        parts.append(f"{v:g}" if isinstance(v, float) else str(v))
    if actual.get("grade"):
        parts.append(actual["grade"])
    if actual.get("achieved") is not None:
        parts.append(L.YES if actual["achieved"] else L.NO)
    return L.CLAUSE_SEP.join(parts)


def achievement(annexes: dict[str, pd.DataFrame], records: Records, own: dict) -> pd.DataFrame:
    """One row per target of every unit's 创先争优目标, judged (ACHIEVEMENT_COLUMNS)."""
    # Imported here: the rank stage works (without 目标达成) should targets fail to import.
    from targetbook.targets import Target, judge, parse_targets_frame

    out = []
    for cat in L.CATEGORIES:
        frame = (annexes or {}).get(cat)
        if frame is None or frame.empty or L.TARGET not in frame:
            continue
        parsed = parse_targets_frame(frame)
        for r in parsed.to_dict("records"):
            unit = text(r.get(L.UNIT))
            target = {k: r.get(k) for k in ("kind", "subject", "scope")}
            target = {
                k: (None if isinstance(v, float) and math.isnan(v) else v)
                for k, v in target.items()
            }
            found = _external(records, unit, target)
            if found:
                actual, src = found
            else:
                actual = _own(target, unit, own)
                src = source_of(r.get(L.SRC_FILE), r.get(L.SRC_SHEET), r.get(L.SRC_ROW))
            t = Target(**{f: _clean(r.get(f)) for f in Target.__dataclass_fields__})
            out.append(
                {
                    L.CATEGORY: cat,
                    L.UNIT: unit,
                    L.TARGET_TEXT: t.text,
                    L.KIND: L.TARGET_KIND_NAMES.get(t.kind, t.kind),
                    L.SCOPE: t.scope or "",
                    L.GUARANTEE: t.guarantee,
                    L.STRIVE: t.strive,
                    L.ACTUAL: _shown(actual),
                    L.VERDICT: judge(t, actual),
                    L.SOURCE: src,
                }
            )
    return pd.DataFrame(out, columns=list(L.ACHIEVEMENT_COLUMNS))


def _clean(v):
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item") and not isinstance(v, str):
        v = v.item()  # numpy scalars → Python numbers
    return v
