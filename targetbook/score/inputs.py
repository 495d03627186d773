"""The inputs of scoring, one row per unit × item × period, each with where it came from."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from targetbook import labels as L
from targetbook.errors import Issue, issue
from targetbook.registry import Registry, Unit
from targetbook.results import Consolidation
from targetbook.rules.model import Records, Rules
from targetbook.rules.sheets import NotANumber, key, number, text
from targetbook.text import name_key

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
    "actual_text",  # 完成值 / 目标值 as the return or the office wrote them (得分反查)
    "target_text",
)
_BARE_NUMBER = re.compile(r"[-+]?[\d,]*\.?\d+")
PASS_WORDS = L.PASS_WORDS
FAIL_WORDS = L.FAIL_WORDS


def units_of(consolidation: Consolidation) -> list[Unit]:
    """Assessed units: the registry's, else those named in the annexes (category from the annex)."""
    registry = consolidation.registry
    if registry is not None and registry.units:
        return list(registry.units)
    out: list[Unit] = []
    for cat, frame in consolidation.annexes.items():
        for name in frame.get(L.UNIT, []):
            if text(name):
                out.append(Unit(text(name), cat))
    return out


class Resolver:
    """Unit names typed by offices → units (standard names, then the registry's aliases)."""

    def __init__(self, units: list[Unit], registry: Registry | None) -> None:
        self.units = units
        self.by_key = {name_key(u.name): u for u in units}
        for u in units:
            for a in u.aliases:
                self.by_key.setdefault(name_key(a), u)
        self.registry = registry

    def __call__(self, name: object) -> Unit | None:
        found = self.by_key.get(name_key(name))
        if found is None and self.registry is not None:
            found = self.registry.resolve(text(name))
        return found


def source_of(file: object, sheet: object, row: object, letter: str = "") -> str:
    """`回收/温塘村.xlsx!指标进度!E5`, or `…!第5行` when the column is unknown."""
    f, s, r = text(file), text(sheet), text(row)
    if not (f or s or r):
        return ""
    where = f"{letter}{r}" if letter else (L.ROW_NUMBER.format(row=r) if r else "")
    return "!".join(p for p in (f, s, where) if p)


def input_issue(rule: str, r, **params) -> Issue:
    """An issue at the source cell of an input row (src_file/src_sheet/src_cell)."""
    return issue(rule, file=r["src_file"], sheet=r["src_sheet"], cell=r["src_cell"], **params)


def texts(series: pd.Series) -> pd.Series:
    """`text()` of every cell, computed once per distinct value (200,000 rows stay fast).

    The result is an object Series: pandas' `str` dtype makes `map`, iteration and
    concatenation several times slower, and these columns are only looked up and joined.
    """
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "iu":  # row numbers, no NaN
        out = np.empty(len(series), dtype=object)
        out[:] = list(map(str, series.tolist()))
        return pd.Series(out, index=series.index, dtype=object)
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        # Scores: format each distinct value once (NaN → "", 12.0 → "12").
        codes, uniques = pd.factorize(series.to_numpy(dtype=float), use_na_sentinel=True)
        values = np.asarray(uniques, dtype=float)
        whole = np.isfinite(values) & (values == np.round(values))
        shown = np.empty(len(values) + 1, dtype=object)
        shown[:-1][whole] = list(map(str, values[whole].astype(np.int64).tolist()))
        shown[:-1][~whole] = list(map(str, values[~whole].tolist()))
        shown[-1] = ""
        out = shown[codes]  # code -1 (NaN) picks the trailing ""
        return pd.Series(out, index=series.index, dtype=object)
    values = series.to_numpy(dtype=object)
    if pd.isna(values[:1]).all() and pd.isna(values).all():  # a column nobody filled in
        return pd.Series(np.full(len(values), "", dtype=object), index=series.index, copy=False)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    shown = np.array([*(text(u) for u in uniques), ""], dtype=object)
    out = shown[codes]  # code -1 (blank) picks the trailing ""
    return pd.Series(out, index=series.index, dtype=object)


def per_value(values: pd.Series | np.ndarray, func) -> np.ndarray:
    """`func` of every element, called once per distinct value (missing cells included)."""
    values = np.asarray(values, dtype=object)
    # Missing cells take the sentinel first: asking for them as a value of their own makes
    # pandas scan every cell for NaN first; only a column that has some pays for that.
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if (codes < 0).any():
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
    results = np.empty(len(uniques), dtype=object)
    results[:] = [func(u) for u in uniques]
    return results[codes]


def _numbers(raw: pd.Series, shown: pd.Series, percent: bool) -> tuple[pd.Series, pd.Series]:
    """(numbers, bad) of a column: the fast path for plain numbers, `number()` for the rest."""
    present = shown.to_numpy(dtype=object) != ""
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        fast = raw.to_numpy(dtype=float, copy=True)
    else:
        # Only the cells that show something are parsed (most of these columns are blank).
        fast = np.full(len(raw), np.nan)
        if present.any():
            cells = pd.Series(raw.to_numpy(dtype=object)[present], dtype=object)
            fast[present] = pd.to_numeric(cells, errors="coerce").astype(float).to_numpy()
    bad = np.zeros(len(raw), dtype=bool)
    for i in np.flatnonzero(np.isnan(fast) & present).tolist():
        try:
            v = number(raw.iloc[i], percent=percent)
        except NotANumber:
            bad[i] = True
        else:
            fast[i] = np.nan if v is None else v
    if percent:
        fast = np.where((np.abs(fast) <= 1) & (fast != 0), fast * 100, fast)
    return pd.Series(fast, index=raw.index), pd.Series(bad, index=raw.index)


def from_records(
    records: Records, rules: Rules, resolve: Resolver
) -> tuple[pd.DataFrame, list[Issue]]:
    """考核打分 rows → input rows (unknown units/items and bad numbers become issues).

    Vectorised: 10,000 units × 20 items of entered scores are 200,000 rows. Lookups run
    once per distinct value (unit names, items) over object arrays.
    """
    frame = records.scoring.reset_index(drop=True)
    if frame.empty:
        return pd.DataFrame(columns=list(INPUT_COLUMNS)), []
    file, sheet, row = (texts(frame[c]) for c in L.PROVENANCE)
    files, sheets, rows = (c.to_numpy(dtype=object) for c in (file, sheet, row))
    # `file!sheet` once per distinct pair (a file's sheets are few; its rows are many).
    file_codes, file_uniques = pd.factorize(files)
    sheet_codes, sheet_uniques = pd.factorize(sheets)
    where_codes, pairs = pd.factorize(file_codes * len(sheet_uniques) + sheet_codes)
    where_uniques = [
        f"{file_uniques[p // len(sheet_uniques)]}!{sheet_uniques[p % len(sheet_uniques)]}"
        for p in pairs.tolist()
    ]
    letter_maps = [records.columns.get(k, {}) for k in where_uniques]

    def letters(label: str) -> np.ndarray:
        return np.array([m.get(label, "A") for m in letter_maps], dtype=object)[where_codes]

    found: list[tuple[int, Issue]] = []

    def flag(mask: pd.Series, rule: str, label: str, shown: pd.Series, **params) -> None:
        if not mask.any():
            return
        cells = letters(label) + row.to_numpy(dtype=object)
        for i in mask[mask].index:
            found.append(
                (
                    i,
                    issue(
                        rule, file=file[i], sheet=sheet[i], cell=cells[i], value=shown[i], **params
                    ),
                )
            )

    names = texts(frame[L.UNIT])
    name_codes, name_uniques = pd.factorize(names.to_numpy(dtype=object))
    units = [resolve(n) for n in name_uniques]
    known = pd.Series(np.array([u is not None for u in units] + [False])[name_codes])
    flag(~known, "score_unit_unknown", L.UNIT, names)
    category = np.array([u.category if u else "" for u in units], dtype=object)[name_codes]
    unit_name = np.array([u.name if u else "" for u in units], dtype=object)[name_codes]
    valid = {
        (c, i.name): i for c in L.CATEGORIES for i in rules.items_for(c) if not i.is_adjustment
    }
    item_names = texts(frame[L.ITEM])
    # One lookup per distinct (category, item) pair, not per row.
    cat_codes = pd.factorize(category)[0]
    item_codes, item_uniques = pd.factorize(item_names.to_numpy(dtype=object))
    pair_codes, pairs = pd.factorize(cat_codes * (len(item_uniques) + 1) + item_codes)
    # The first row of each pair: factorize numbers pairs in order of first appearance.
    pair_rows = np.flatnonzero(np.diff(np.maximum.accumulate(pair_codes), prepend=-1) > 0)
    pair_items = [valid.get((category[r], item_names[r])) for r in pair_rows]
    has_item = pd.Series(
        np.array([i is not None for i in pair_items] + [False])[pair_codes], index=frame.index
    )
    flag(known & ~has_item, "score_item_unknown", L.ITEM, item_names)
    keep = known & has_item
    shown_score = texts(frame[L.SCORE])
    raw_score = frame[L.SCORE].astype(object)
    verdict = pd.Series(None, index=frame.index, dtype=object)
    pair_pass = np.array([i is not None and i.method == L.M_PASS for i in pair_items] + [False])
    is_pass = keep & pd.Series(pair_pass[pair_codes], index=frame.index)
    for i in is_pass[is_pass].index:
        word = key(shown_score[i]).upper()
        if word in PASS_WORDS | FAIL_WORDS:
            verdict[i] = word in PASS_WORDS
            raw_score[i], shown_score[i] = None, ""
    values = {}
    shown_of = {L.SCORE: shown_score}
    for label in (L.SCORE, L.ACTUAL_VALUE, L.TARGET_VALUE, L.PLACE):
        raw = raw_score if label == L.SCORE else frame[label]
        if label not in shown_of:
            shown_of[label] = texts(frame[label])
        shown = shown_of[label]
        values[label], bad = _numbers(raw, shown, percent=False)
        flag(keep & bad, "score_not_a_number", label, shown, column=label)
        keep &= ~bad
    entered = values[L.SCORE]
    cell = np.where(entered.notna(), letters(L.SCORE), letters(L.ACTUAL_VALUE)) + rows
    source = np.array([f"{w}!" for w in where_uniques], dtype=object)[where_codes] + cell
    partial = (files == "") | (sheets == "") | (rows == "")
    if partial.any():  # records built in code may lack parts of their provenance
        source[partial] = [
            "!".join(p for p in (f, s, c) if p) if r else "!".join(p for p in (f, s) if p)
            for f, s, c, r in zip(
                files[partial], sheets[partial], cell[partial], rows[partial], strict=True
            )
        ]
    item_name = np.array([i.name if i else None for i in pair_items] + [None], dtype=object)[
        pair_codes
    ]
    out = frame_of(
        {
            "unit": unit_name,
            "category": category,
            "item": item_name,
            "period": texts(frame[L.PERIOD]),
            "actual": values[L.ACTUAL_VALUE],
            "target": values[L.TARGET_VALUE],
            "rate": np.full(len(frame), np.nan),
            "place": values[L.PLACE],
            "entered": entered,
            "verdict": verdict,
            "basis": texts(frame[L.BASIS]),
            "source": source,
            "origin": np.full(len(frame), "scoring", dtype=object),
            "src_file": files,
            "src_sheet": sheets,
            "src_cell": cell,
            "actual_text": shown_of[L.ACTUAL_VALUE],
            "target_text": shown_of[L.TARGET_VALUE],
        }
    )
    issues = [i for _, i in sorted(found, key=lambda x: x[0])]
    if keep.all():
        return out, issues
    return out[keep.to_numpy()].reset_index(drop=True), issues


def frame_of(columns: dict[str, object]) -> pd.DataFrame:
    """A frame of equal-length columns (arrays or Series) taken as they are: no copy and no
    inference of pandas' `str` dtype (text stays object, looked up fast; see ARCHITECTURE)."""
    return pd.DataFrame(
        {
            c: pd.Series(v, dtype=v.dtype, copy=False)
            for c, v in ((c, np.asarray(v)) for c, v in columns.items())
        },
        copy=False,
    )


_TEXT_COLUMNS = ("unit", "category", "item", "period", "basis", "source", "origin")


def _as_object(frame: pd.DataFrame) -> pd.DataFrame:
    """The text columns of an inputs frame as object columns (not pandas' slower `str`)."""
    for c in (*_TEXT_COLUMNS, "src_file", "src_sheet", "src_cell"):
        if c in frame and frame[c].dtype != object:
            frame[c] = frame[c].astype(object)
    return frame


def from_progress(consolidation: Consolidation, rules: Rules, resolve: Resolver) -> list[dict]:
    """指标进度 rows whose 指标 is an item's 指标 → input rows (values already parsed)."""
    frame = consolidation.others.get(L.PROGRESS_KIND)
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
                if i.method in L.FIGURE_METHODS
            },
        )
        item = keys.get(key(r.get(L.INDICATOR)))
        if item is None:
            continue

        def val(column: str, r=r) -> float | None:
            # The parsed column is already in percent units (97.19 means 97.19 %): only a
            # raw cell (no parsed column) may hold a fraction that needs scaling.
            if L.parsed(column) in r:
                v, percent = r[L.parsed(column)], False
            else:
                v, percent = r.get(column), column == L.RATE
            try:
                return number(v, percent=percent)
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
                "source": source_of(
                    r.get(L.SRC_FILE), r.get(L.SRC_SHEET), r.get(L.SRC_ROW), _letter(r, val)
                ),
                "origin": "progress",
                "src_file": text(r.get(L.SRC_FILE)),
                "src_sheet": text(r.get(L.SRC_SHEET)),
                "src_cell": "",
                "actual_text": in_own_terms(r.get(L.ACTUAL_VALUE), r.get(L.MEASURE)),
                "target_text": in_own_terms(r.get(L.TARGET_VALUE), r.get(L.MEASURE)),
            }
        )
    return rows


def in_own_terms(value: object, measure: object) -> str:
    """A figure as the return wrote it: `15.9万元` for 15.9 under 计量单位 万元, `0.77亿` as
    typed; "" when blank (the explanation then shows the parsed number)."""
    shown = text(value)
    unit = text(measure)
    if shown and unit and _BARE_NUMBER.fullmatch(shown):
        return shown + unit
    return shown


def _letter(row: dict, val) -> str:
    """The column of the value a score starts from (完成值, else 完成率, else 目标值), read
    from 来源列 (`目标值=D;完成值=E;完成率=F`); "" when the consolidation has none."""
    letters = dict(
        part.split("=", 1) for part in text(row.get(L.SRC_COLUMNS)).split(";") if "=" in part
    )
    for column in (L.ACTUAL_VALUE, L.RATE, L.TARGET_VALUE):
        if letters.get(column) and val(column) is not None:
            return letters[column]
    return ""


def build_inputs(
    consolidation: Consolidation,
    rules: Rules,
    records: Records,
    resolve: Resolver | None = None,
) -> tuple[pd.DataFrame, list[Unit], list[Issue]]:
    """All input rows; an office's 考核打分 row overrides a return's row for the same cell.
    `resolve`: the consolidation's units' Resolver, when the caller has built it already."""
    if resolve is None:
        resolve = Resolver(units_of(consolidation), consolidation.registry)
    units = resolve.units
    office, issues = from_records(records, rules, resolve)
    returns = pd.DataFrame(
        from_progress(consolidation, rules, resolve), columns=list(INPUT_COLUMNS)
    )
    parts = [f for f in (returns, office) if not f.empty]
    frame = (
        pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(INPUT_COLUMNS))
    )
    if not frame.empty:
        dup = frame.duplicated(["unit", "item", "period"], keep="last")
        if dup.any():
            for r in frame[dup & (frame["origin"] == "scoring")].to_dict("records"):
                issues.append(
                    input_issue(
                        "score_duplicate",
                        r,
                        unit=r["unit"],
                        item=r["item"],
                        period=r["period"] or L.PERIOD_YEAR,
                    )
                )
            frame = frame[~dup].reset_index(drop=True)
    return _as_object(frame), units, issues
