"""The inputs of scoring, one row per unit × item × period, each with where it came from."""

from __future__ import annotations

import pandas as pd

from targetbook import labels as L
from targetbook.errors import Issue, issue
from targetbook.registry import Registry, Unit
from targetbook.rules.model import Records, Rules
from targetbook.rules.sheets import NotANumber, key, number, text

# Columns of the inputs frame (English: internal only, never written).
INPUT_COLUMNS = (
    "unit",
    "category",
    "item",
    "period",
    "actual",
    "target",
    "rate",
    "place",
    "entered",
    "verdict",
    "basis",
    "source",
    "origin",
    "src_file",
    "src_sheet",
    "src_cell",
)
PASS_WORDS = {"达标", "是", "合格", "通过", "完成", "√", "✓", "Y", "YES"}
FAIL_WORDS = {"不达标", "否", "不合格", "未达标", "未完成", "未通过", "×", "✗", "N", "NO"}


def units_of(consolidation) -> list[Unit]:
    """Assessed units: the registry's, else those named in the annexes (category from the annex)."""
    registry = getattr(consolidation, "registry", None)
    if registry is not None and registry.units:
        return list(registry.units)
    out: list[Unit] = []
    for cat, frame in (getattr(consolidation, "annexes", None) or {}).items():
        for name in frame.get(L.UNIT, []):
            if text(name):
                out.append(Unit(text(name), cat))
    return out


class Resolver:
    """Unit names typed by offices → units (standard names, then the registry's aliases)."""

    def __init__(self, units: list[Unit], registry: Registry | None) -> None:
        self.by_key = {key(u.name): u for u in units}
        for u in units:
            for a in u.aliases:
                self.by_key.setdefault(key(a), u)
        self.registry = registry

    def __call__(self, name: object) -> Unit | None:
        found = self.by_key.get(key(name))
        if found is None and self.registry is not None:
            try:
                found = self.registry.resolve(text(name))
            except NotImplementedError:  # the registry contract may not be built yet
                found = None
        return found


def source_of(file: object, sheet: object, row: object, letter: str = "") -> str:
    """`回收/温塘村.xlsx!指标进度!E5`, or `…!第5行` when the column is unknown."""
    f, s, r = text(file), text(sheet), text(row)
    if not (f or s or r):
        return ""
    where = f"{letter}{r}" if letter else (f"第{r}行" if r else "")
    return "!".join(p for p in (f, s, where) if p)


def _num(value, issues, file, sheet, cell, column, *, percent=False) -> float | None:
    try:
        return number(value, percent=percent)
    except NotANumber:
        issues.append(
            issue(
                "score_not_a_number",
                file=file,
                sheet=sheet,
                cell=cell,
                column=column,
                value=text(value),
            )
        )
        raise


def from_records(
    records: Records, rules: Rules, resolve: Resolver
) -> tuple[list[dict], list[Issue]]:
    """考核打分 rows → input rows (unknown units/items and bad numbers become issues)."""
    issues: list[Issue] = []
    rows: list[dict] = []
    frame = records.scoring
    for r in frame.to_dict("records"):
        file, sheet, row = text(r[L.SRC_FILE]), text(r[L.SRC_SHEET]), text(r[L.SRC_ROW])
        letters = records.columns.get(f"{file}!{sheet}", {})

        def cell(label: str, letters=letters, row=row) -> str:
            return f"{letters.get(label, 'A')}{row}"

        unit = resolve(r[L.UNIT])
        if unit is None:
            issues.append(
                issue(
                    "score_unit_unknown",
                    file=file,
                    sheet=sheet,
                    cell=cell(L.UNIT),
                    value=text(r[L.UNIT]),
                )
            )
            continue
        items = {i.name: i for i in rules.items_for(unit.category) if not i.is_adjustment}
        item = items.get(text(r[L.ITEM]))
        if item is None:
            issues.append(
                issue(
                    "score_item_unknown",
                    file=file,
                    sheet=sheet,
                    cell=cell(L.ITEM),
                    value=text(r[L.ITEM]),
                )
            )
            continue
        raw_score = text(r[L.SCORE])
        verdict = None
        if item.method == L.M_PASS and key(raw_score).upper() in PASS_WORDS | FAIL_WORDS:
            verdict = key(raw_score).upper() in PASS_WORDS
            raw_score = ""
        try:
            values = {
                lab: _num(v, issues, file, sheet, cell(lab), lab, percent=(lab == L.RATE))
                for lab, v in (
                    (L.SCORE, raw_score),
                    (L.ACTUAL_VALUE, r[L.ACTUAL_VALUE]),
                    (L.TARGET_VALUE, r[L.TARGET_VALUE]),
                    (L.PLACE, r[L.PLACE]),
                )
            }
        except NotANumber:
            continue
        what = L.SCORE if values[L.SCORE] is not None else L.ACTUAL_VALUE
        rows.append(
            {
                "unit": unit.name,
                "category": unit.category,
                "item": item.name,
                "period": text(r[L.PERIOD]),
                "actual": values[L.ACTUAL_VALUE],
                "target": values[L.TARGET_VALUE],
                "rate": None,
                "place": values[L.PLACE],
                "entered": values[L.SCORE],
                "verdict": verdict,
                "basis": text(r[L.BASIS]),
                "source": source_of(file, sheet, row, letters.get(what, "")),
                "origin": "scoring",
                "src_file": file,
                "src_sheet": sheet,
                "src_cell": cell(what),
            }
        )
    return rows, issues


def from_progress(consolidation, rules: Rules, resolve: Resolver) -> list[dict]:
    """指标进度 rows whose 指标 is an item's 指标 → input rows (values already parsed)."""
    frame = (getattr(consolidation, "others", None) or {}).get(L.PROGRESS_KIND)
    if frame is None or frame.empty or L.INDICATOR not in frame:
        return []
    rows: list[dict] = []
    by_cat: dict[str, dict[str, str]] = {}
    for r in frame.to_dict("records"):
        unit = resolve(r.get(L.UNIT))
        if unit is None:
            continue  # the consolidate stage has already reported unknown units
        keys = by_cat.setdefault(
            unit.category,
            {
                key(i.key): i.name
                for i in rules.items_for(unit.category)
                if i.method in (L.M_RATE, L.M_RANK, L.M_EFFICACY, L.M_PASS)
            },
        )
        item = keys.get(key(r.get(L.INDICATOR)))
        if item is None:
            continue

        def val(column: str, r=r) -> float | None:
            v = r.get(L.parsed(column), r.get(column))
            try:
                return number(v, percent=column == L.RATE)
            except NotANumber:
                return None

        rows.append(
            {
                "unit": unit.name,
                "category": unit.category,
                "item": item,
                "period": "",
                "actual": val(L.ACTUAL_VALUE),
                "target": val(L.TARGET_VALUE),
                "rate": val(L.RATE),
                "place": None,
                "entered": None,
                "verdict": None,
                "basis": "",
                "source": source_of(r.get(L.SRC_FILE), r.get(L.SRC_SHEET), r.get(L.SRC_ROW)),
                "origin": "progress",
                "src_file": text(r.get(L.SRC_FILE)),
                "src_sheet": text(r.get(L.SRC_SHEET)),
                "src_cell": "",
            }
        )
    return rows


def build_inputs(
    consolidation, rules: Rules, records: Records
) -> tuple[pd.DataFrame, list[Unit], list[Issue]]:
    """All input rows; an office's 考核打分 row overrides a return's row for the same cell."""
    units = units_of(consolidation)
    resolve = Resolver(units, getattr(consolidation, "registry", None))
    office, issues = from_records(records, rules, resolve)
    returns = from_progress(consolidation, rules, resolve)
    frame = pd.DataFrame(returns + office, columns=list(INPUT_COLUMNS))
    if not frame.empty:
        dup = frame.duplicated(["unit", "item", "period"], keep="last")
        for r in frame[dup & (frame["origin"] == "scoring")].to_dict("records"):
            issues.append(
                issue(
                    "score_duplicate",
                    file=r["src_file"],
                    sheet=r["src_sheet"],
                    cell=r["src_cell"],
                    unit=r["unit"],
                    item=r["item"],
                    period=r["period"] or L.PERIOD_YEAR,
                )
            )
        frame = frame[~dup].reset_index(drop=True)
    return frame, units, issues
