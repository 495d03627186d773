"""The year's baseline (年初亮目标): what each unit committed to, and returns checked against it.

Pure (no files): the baseline is the year-start Consolidation (年初汇总.xlsx read back).
A unit's commitments are its declared 指标进度 rows (指标, 计量单位, 目标值) and the targets
parsed from its 创先争优目标: rates, counts, amounts and 零发生 become rows with a figure; the
phrases a person must judge (ranks, grades, honours, manual) become rows without one, listed
so that the unit reports on them in 进展情况. Each parsed row keeps the phrase it came from.

The same commitments pre-fill the mid-year templates (write/prefilled.py, in this order: the
k-th commitment of a unit sits at the template's k-th input row) and check the returns:
`target_changed` (an error naming the cell and both values), `indicator_missing`,
`indicator_new` (warnings); 完成率 is computed against the committed 目标值.
"""

from __future__ import annotations

import math

import pandas as pd

from targetbook import labels as L
from targetbook.errors import Issue, issue
from targetbook.results import Consolidation
from targetbook.targets import model as M
from targetbook.targets.numbers import tidy
from targetbook.targets.parse import parse_target
from targetbook.text import clean_text

FIGURE_KINDS = (M.RATE, M.COUNT, M.AMOUNT, M.ZERO)  # a figure the unit reports itself
COMMITTED_COLUMNS = (L.UNIT, L.INDICATOR, L.MEASURE, L.TARGET_VALUE, L.SOURCE_PHRASE)
VALUE = L.parsed(L.TARGET_VALUE)
_TOLERANCE = 1e-9


def commitments(baseline: Consolidation) -> pd.DataFrame:
    """Every unit's commitments, in registry order, then declared before parsed rows:
    COMMITTED_COLUMNS and the committed value (`目标值_数值`, NaN when none)."""
    rows: list[tuple] = []
    seen: set[tuple[str, str]] = set()
    declared = baseline.others.get(L.PROGRESS_KIND)
    by_unit: dict[str, list[tuple]] = {}
    if declared is not None and len(declared):
        values = declared[VALUE] if VALUE in declared.columns else [math.nan] * len(declared)
        for unit, name, measure, target, value in zip(
            declared[L.UNIT],
            declared[L.INDICATOR],
            declared[L.MEASURE],
            declared[L.TARGET_VALUE],
            values,
            strict=True,
        ):
            unit, name = clean_text(unit), clean_text(name)
            if not unit or not name or (unit, name) in seen:
                continue
            seen.add((unit, name))
            entry = (unit, name, clean_text(measure), clean_text(target), "", _number(value))
            by_unit.setdefault(unit, []).append(entry)
    for frame in baseline.annexes.values():
        for unit, phrase in zip(frame[L.UNIT], frame[L.TARGET], strict=True):
            unit = clean_text(unit)
            for target in parse_target(phrase):
                entry = _parsed_row(unit, target)
                if (unit, entry[1]) in seen:
                    continue
                seen.add((unit, entry[1]))
                by_unit.setdefault(unit, []).append(entry)
    order = [u.name for u in baseline.registry.units] if baseline.registry else []
    order += [u for u in by_unit if u not in order]
    for unit in order:
        rows.extend(by_unit.get(unit, []))
    return pd.DataFrame(rows, columns=[*COMMITTED_COLUMNS, VALUE])


def _parsed_row(unit: str, target: M.Target) -> tuple:
    """One commitment from a parsed target: a figure, or the phrase for 进展情况."""
    text = clean_text(target.text)
    if target.kind in FIGURE_KINDS and target.value is not None:
        name = clean_text(target.subject) or text
        value = float(target.value)
        return (unit, name, target.unit or "", str(tidy(value)), text, value)
    return (unit, text, "", "", text, math.nan)


def _number(value: object) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan


def check_baseline(cons: Consolidation, committed: pd.DataFrame, *, first_row: int) -> list[Issue]:
    """Compare the consolidated 指标进度 with the commitments of every unit that reported.

    In a return made from a pre-filled template (its phase property 年中/年终), a row at the
    template row of a commitment (first_row + its position) with another 指标 is that
    commitment renamed: `target_changed`. Rows otherwise unmatched are new
    (`indicator_new`), commitments without a row are `indicator_missing`. A changed 目标值
    is `target_changed` and the row is re-rated against the committed value (in place)."""
    found: list[Issue] = []
    progress = cons.others.get(L.PROGRESS_KIND)
    if progress is None:
        progress = pd.DataFrame(columns=[*L.KIND_COLUMNS[L.PROGRESS_KIND], *L.PROVENANCE])
    reported = {u: f for f, units in cons.file_units.items() for u in units}
    # Only a return made from a pre-filled template (phase 年中/年终) has its commitments at
    # known rows: elsewhere a row's position says nothing about which commitment it is.
    prefilled = {
        s.file for s in cons.sources if s.issued.get(L.PROP_PHASE) in (L.PHASE_MID, L.PHASE_END)
    }
    for unit, owed in committed.groupby(L.UNIT, sort=False):
        if unit not in reported:
            continue  # 未报送 says it already
        mine = progress[progress[L.UNIT] == unit]
        by_name = {clean_text(n): idx for idx, n in zip(mine.index, mine[L.INDICATOR], strict=True)}
        used: set = set()
        for position, (_, c) in enumerate(owed.iterrows()):
            name = c[L.INDICATOR]
            idx = by_name.get(name)
            if idx is None:
                idx = _at_row(mine, first_row + position, used, prefilled)
                if idx is not None:
                    used.add(idx)
                    found.append(_changed(mine, idx, L.INDICATOR, name, first_row))
                    continue
                found.append(
                    issue(
                        "indicator_missing",
                        file=reported[unit],
                        sheet=L.SHEET_PROGRESS,
                        unit=unit,
                        value=name,
                        indicator=name,
                    )
                )
                continue
            used.add(idx)
            if _differs(c, mine.loc[idx]):
                found.append(_changed(mine, idx, L.TARGET_VALUE, c[L.TARGET_VALUE], first_row))
                _rerate(progress, idx, c[VALUE])
        for idx in mine.index:
            if idx not in used and clean_text(mine.at[idx, L.INDICATOR]):
                file, sheet, cell = _cell(mine, idx, L.INDICATOR)
                found.append(
                    issue(
                        "indicator_new",
                        file=file,
                        sheet=sheet,
                        cell=cell,
                        value=clean_text(mine.at[idx, L.INDICATOR]),
                        unit=unit,
                    )
                )
    return found


def _at_row(mine: pd.DataFrame, row: int, used: set, prefilled: set[str]) -> object | None:
    """The unit's row at Excel row `row` of a pre-filled return, if not matched yet."""
    for idx in mine.index[mine[L.SRC_ROW] == row]:
        if idx not in used and mine.at[idx, L.SRC_FILE] in prefilled:
            return idx
    return None


def _differs(committed: pd.Series, row: pd.Series) -> bool:
    """True when the return's 目标值 is not the committed one (by value, else by text)."""
    want, got = committed[VALUE], _number(row.get(VALUE, math.nan))
    if not math.isnan(want) or not math.isnan(got):
        if math.isnan(want) or math.isnan(got):
            return True
        return abs(want - got) > _TOLERANCE * max(1.0, abs(want))
    return clean_text(committed[L.TARGET_VALUE]) != clean_text(row.get(L.TARGET_VALUE, ""))


def _changed(mine: pd.DataFrame, idx, column: str, committed: str, first_row: int) -> Issue:
    file, sheet, cell = _cell(mine, idx, column)
    return issue(
        "target_changed",
        file=file,
        sheet=sheet,
        cell=cell,
        value=clean_text(mine.at[idx, column]),
        column=column,
        committed=committed,
    )


def _cell(mine: pd.DataFrame, idx, column: str) -> tuple[str, str, str]:
    """(file, sheet, A1) of a row's cell: the 来源列 letter for figures, else the template's."""
    letter = ""
    notes = mine.at[idx, L.SRC_COLUMNS] if L.SRC_COLUMNS in mine.columns else ""
    for part in clean_text(notes).split(";"):
        label, _, found = part.partition("=")
        if label == column:
            letter = found
    if not letter:
        letter = chr(ord("A") + L.KIND_COLUMNS[L.PROGRESS_KIND].index(column))
    row = int(mine.at[idx, L.SRC_ROW])
    return str(mine.at[idx, L.SRC_FILE]), str(mine.at[idx, L.SRC_SHEET]), f"{letter}{row}"


def _rerate(progress: pd.DataFrame, idx, committed: float) -> None:
    """The committed 目标值 stands: 完成率 = 完成值 ÷ it × 100 (when both are known)."""
    if math.isnan(committed):
        return
    progress.at[idx, VALUE] = committed
    actual_col, rate_col = L.parsed(L.ACTUAL_VALUE), L.parsed(L.RATE)
    actual = _number(progress.at[idx, actual_col]) if actual_col in progress.columns else math.nan
    if committed and not math.isnan(actual) and rate_col in progress.columns:
        progress.at[idx, rate_col] = actual / committed * 100
