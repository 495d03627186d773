"""Schemas + reader findings → cleaned frames and list[Issue] with cell addresses.

All tables of one kind are stacked into one frame and checked by ONE pandera validation
(a thousand returns cost one call, not a thousand); every failure is mapped back to its
table, sheet and cell through the provenance kept beside each row.
"""

from __future__ import annotations

import math
import sys
import unicodedata

import pandas as pd
import pandera.pandas as pa

from targetbook import labels
from targetbook.errors import Issue, issue
from targetbook.figures import figure_findings
from targetbook.labels import parsed
from targetbook.read import Table
from targetbook.registry import ALIAS, Registry, Unit
from targetbook.schemas import ADDRESS_COLUMN, RULE_PRIORITY, SCHEMAS, Unparsed, rule_for
from targetbook.text import clean_text, parse_quantity, prepare_columns, split_name_aliases

_TABLE = "_table"  # position of the row's table in the input list (internal)
_ROW = "_row"  # Excel row (internal)
# A figure column parsed: values (NaN: blank/unparseable), bare, positions of unparseable cells
_Parsed = tuple[list[float], list[bool], list[int]]


def validate_tables(
    tables: list[Table], registry: Registry | None = None
) -> tuple[dict[str, pd.DataFrame], list[Issue]]:
    """Check many tables in one vectorised pass per kind (not one pandera call per table).

    Returns kind → cleaned rows of all tables of that kind (concatenated, in input order),
    and the issues found. Per table, each frame row is as described for validate_table.
    """
    check = Validation(registry, chunk_rows=None)
    check.add(tables)
    return check.result()


# Rows of one kind checked together when tables arrive one source at a time (Validation).
CHUNK_ROWS = 5000


class Validation:
    """validate_tables fed source by source: a kind's rows are checked (one pandera call)
    each time `chunk_rows` of them have arrived, so a caller receiving returns from reader
    workers validates while the rest are read; `result()` checks what is left.

    Tables never straddle chunks, so every per-table rule (category majority, fraction
    rates, one issue per cell) sees whole tables; the result equals validate_tables'.
    """

    def __init__(
        self,
        registry: Registry | None,
        chunk_rows: int | None = CHUNK_ROWS,
        *,
        release: bool = False,
    ) -> None:
        self.registry = registry
        self.chunk_rows = chunk_rows
        # Drop each table's cells once checked (Table.release): the caller owns the tables
        # and needs only their places, so memory stays flat over thousands of returns.
        self.release = release
        self._count = 0  # tables added so far: a table's position in the whole input
        self._pending: dict[str, list[tuple[int, Table]]] = {}  # kind → tables not checked
        self._rows: dict[str, int] = {}  # kind → rows pending
        self._frames: dict[str, list[pd.DataFrame]] = {}
        self._found: list[tuple[tuple[int, int, int], Issue]] = []
        self._memo: dict[str, tuple[Unit | None, bool]] = {}  # unit text → match, all kinds
        # (file, sheet, Excel row, column) → (number, format code) of the cells typed as
        # numbers (Consolidation.number_cells), taken from each table before its release
        self.number_cells: dict[tuple[str, str, int, str], tuple[float, str]] = {}

    def add(self, tables: list[Table]) -> None:
        """Queue tables (in input order); check a kind once enough of its rows wait."""
        for table in tables:
            self._pending.setdefault(table.kind, []).append((self._count, table))
            self._frames.setdefault(table.kind, [])
            self._rows[table.kind] = self._rows.get(table.kind, 0) + table.n_rows
            self._count += 1
        if self.chunk_rows is not None:
            for kind, rows in self._rows.items():
                if rows >= self.chunk_rows:
                    self._check(kind)

    def result(self) -> tuple[dict[str, pd.DataFrame], list[Issue]]:
        """kind → cleaned rows (input order), and the issues in input order."""
        for kind in list(self._pending):
            self._check(kind)
        frames = {}
        for kind, parts in self._frames.items():
            if len(parts) == 1:
                frames[kind] = parts[0]
            else:
                frames[kind] = pd.concat(parts)
                self._frames[kind] = [frames[kind]]  # the chunks are not kept beside it
        found = sorted(self._found, key=lambda pair: pair[0])
        return frames, [i for _, i in found]

    def _check(self, kind: str) -> None:
        pairs = self._pending.pop(kind, [])
        self._rows[kind] = 0
        if pairs:
            frame, issues = _validate_kind(kind, pairs, self.registry, self._memo)
            self._frames[kind].append(frame)
            self._found.extend(issues)
            for _, table in pairs:
                _keep_number_cells(table, self.number_cells)
            if self.release:
                for _, table in pairs:
                    table.release()


def _keep_number_cells(table: Table, found: dict) -> None:
    """The table's figures typed as numbers, by provenance and column (its `prepared`)."""
    prep = table.prepared
    if prep is None or not prep.cells:
        return
    rows = table.row_numbers()
    file, sheet = table.file, table.sheet
    for column, cells in prep.cells.items():
        if column == labels.SEQ:
            continue  # renumbered in 汇总: never copied
        for i, cell in cells.items():
            found[(file, sheet, rows[i], column)] = cell


def validate_table(
    table: Table, registry: Registry | None = None
) -> tuple[pd.DataFrame, list[Issue]]:
    """Check one table; return its cleaned rows and the issues found.

    The returned frame keeps `table.frame`'s index (Excel rows) and has:
    - the canonical columns of the kind, as cleaned text (text.clean_text);
    - `单位` replaced by the registry's standard name when resolved (rows whose unit is
      unknown or blank stay, with their issue, so that no row is lost);
    - `类别` (registry category, "" if unresolved) and `考核组`;
    - for numeric columns (labels.NUMERIC_COLUMNS) a float column labels.parsed(col)
      (NaN when blank or unparseable — the latter with a `not_a_number` issue);
    - provenance: 来源文件, 来源工作表, 来源行 (labels.PROVENANCE).
    """
    frames, issues = validate_tables([table], registry)
    return frames[table.kind], issues


def output_columns(kind: str) -> list[str]:
    """Columns of a cleaned frame of `kind`, in order."""
    numbers = [parsed(c) for c in labels.NUMERIC_COLUMNS if c in labels.KIND_COLUMNS[kind]]
    return [*labels.KIND_COLUMNS[kind], labels.CATEGORY, labels.GROUP, *numbers, *labels.PROVENANCE]


def _validate_kind(
    kind: str,
    tables: list[tuple[int, Table]],
    registry: Registry | None,
    memo: dict[str, tuple[Unit | None, bool]] | None = None,
) -> tuple[pd.DataFrame, list[tuple[tuple[int, int, int], Issue]]]:
    columns = labels.KIND_COLUMNS[kind]
    order = {c: i for i, c in enumerate(columns)}
    table_by_pos = dict(tables)
    text, parsed_cells, table_of, rows = _stack(tables, columns)
    carried = _carried_units(tables, columns)
    issues: list[tuple[tuple[int, int, int], Issue]] = []

    def report(i: int, column: str, rule: str, value: object = "", **params: object) -> None:
        table = table_by_pos[table_of[i]]
        cell = table.cell(column, rows[i]) if column in table.columns else ""
        found = issue(rule, file=table.file, sheet=table.sheet, cell=cell, value=value,
                      column=column, **params)  # fmt: skip
        issues.append(((table_of[i], rows[i], order.get(column, 99)), found))

    # The check frame: None for blank text, Unparsed for text that is not a number.
    check: dict[str, list[object]] = {col: [t or None for t in text[col]] for col in columns}
    numbers: dict[str, list[float]] = {}
    bare: dict[str, list[bool]] = {}  # the figure carried no unit (a plain number)
    for col, (values, is_bare, unparsed) in parsed_cells.items():
        numbers[col], bare[col] = values, is_bare
        checked: list[object] = list(values)
        for i in unparsed:
            checked[i] = Unparsed(text[col][i])
        check[parsed(col)] = checked
    if kind == labels.PROGRESS_KIND:
        for col, units in carried.items():
            for i, unit in units.items():
                measure = text[labels.MEASURE][i]
                if measure and _unit_key(measure) != _unit_key(unit):
                    report(i, col, "format_unit_mismatch", text[col][i], unit=unit,
                           measure=measure)  # fmt: skip
        _apply_measure(numbers, bare, text[labels.MEASURE], check)
        for i in _fraction_rates(numbers, bare, table_of):
            numbers[labels.RATE][i] = check[parsed(labels.RATE)][i] = value = round(
                numbers[labels.RATE][i] * 100, 9
            )
            text[labels.RATE][i] = f"{round(value, 2):g}%"  # as Excel displayed it
        for i, column, rule, shown, params in figure_findings(text, numbers):
            if rule == "rate_mismatch":  # name the two cells the rate was checked against
                table = table_by_pos[table_of[i]]
                for key, col in (
                    ("target_cell", labels.TARGET_VALUE),
                    ("actual_cell", labels.ACTUAL_VALUE),
                ):
                    params[key] = table.cell(col, rows[i]) if col in table.columns else col
            report(i, column, rule, shown, **params)

    units = text[labels.UNIT]
    resolved: list[Unit | None] = [None] * len(units)
    if registry is not None:
        resolved, odd = _resolve(units, registry, memo)
        for i in odd:
            report(i, labels.UNIT, "unit_alias", units[i], unit=resolved[i].name)
        check[labels.CATEGORY] = [u.category if u else None for u in resolved]
        if kind == labels.PLAN_KIND:
            for i, expected, actual in _category_mismatches(table_of, resolved):
                report(i, labels.UNIT, "category_mismatch", units[i], unit=resolved[i].name,
                       expected=expected, actual=actual)  # fmt: skip

    frame_for_check = pd.DataFrame(
        {c: pd.Series(v, dtype=object) for c, v in check.items()}, index=pd.RangeIndex(len(rows))
    )
    for i, column, rule, value in _failures(kind, frame_for_check):
        if i is None:  # a whole column: reported by the reader (column_missing)
            continue
        address = ADDRESS_COLUMN.get(column, column)
        if address not in table_by_pos[table_of[i]].columns:
            continue  # the table has no such column: nothing to point at
        shown = text[address][i] if address in text else clean_text(value)
        params: dict[str, object] = {}
        if rule == "unit_unknown" and registry is not None:
            suggestion = registry.suggest(shown)
            params["hint"] = labels.UNIT_HINT.format(suggestion) if suggestion else ""
        elif rule == "cell_too_long":
            params["length"] = len(shown)
        elif rule == "value_out_of_range":
            params["reason"] = labels.RANGE_NEGATIVE
        report(i, address, rule, shown, **params)

    for pos, table, column, rule in _absent_columns(kind, tables):
        cell = f"A{table.header_row}"
        found = issue(rule, file=table.file, sheet=table.sheet, cell=cell, column=column)
        issues.append(((pos, table.header_row, order[column]), found))

    out: dict[str, object] = {col: text[col] for col in columns}
    out[labels.UNIT] = [u.name if u else t for u, t in zip(resolved, units, strict=True)]
    out[labels.CATEGORY] = [u.category if u else "" for u in resolved]
    out[labels.GROUP] = [u.group if u else "" for u in resolved]
    for col, values in numbers.items():
        out[parsed(col)] = pd.Series(values, dtype="float64")
    out[labels.SRC_FILE] = [table_by_pos[t].file for t in table_of]
    out[labels.SRC_SHEET] = [table_by_pos[t].sheet for t in table_of]
    out[labels.SRC_ROW] = rows
    result = pd.DataFrame({k: _as_series(v) for k, v in out.items()})
    result.index = pd.Index(rows, dtype="int64")
    return result[output_columns(kind)], _once_per_cell(issues)


def _stack(
    tables: list[tuple[int, Table]], columns: tuple[str, ...]
) -> tuple[dict[str, list[str]], dict[str, _Parsed], list[int], list[int]]:
    """Cleaned text of all tables column by column, the parse of the figure columns
    (values, bare, positions of unparseable cells), and each row's table and Excel row.

    Reader workers prepare each table's columns (Table.prepared); a table read in this
    process is prepared here. Plain lists: far cheaper than pd.concat of small frames.
    """
    numeric = tuple(c for c in labels.NUMERIC_COLUMNS if c in columns)
    text: dict[str, list[str]] = {c: [] for c in columns}
    numbers = {c: ([], [], []) for c in numeric}
    table_of: list[int] = []
    rows: list[int] = []
    for pos, table in tables:
        prep = table.prepared
        if prep is None:
            frame = table.frame
            values = frame.to_numpy(dtype=object).tolist()
            prep = prepare_columns(
                list(frame.columns), values, labels.NUMERIC_COLUMNS, *table.format_columns()
            )
            table.prepared = prep  # kept: the consolidation copies its number cells
        start, n = len(rows), table.n_rows
        table_of.extend([pos] * n)
        rows.extend(table.row_numbers())
        for col in columns:
            texts = prep.text.get(col)
            if texts is None:
                text[col].extend([""] * n)
            else:
                text[col].extend(texts if col in numeric else _shared(texts))
        for col in numeric:
            values, bare, unparsed = numbers[col]
            if col in prep.numbers:
                v, b, u = prep.numbers[col]
                values.extend(v)
                bare.extend(b)
                unparsed.extend(start + i for i in u)
            else:
                values.extend([math.nan] * n)
                bare.extend([False] * n)
    return text, numbers, table_of, rows


# Cells of returns arrive as separate string objects, one per cell, even where thousands
# of rows say the same thing (`万元`, `按序时推进`, `无`, an indicator's name): one shared
# copy of each short text keeps the consolidation's memory to what the returns hold.
# (Not the figures: `2901.40万元` rarely repeats.)
SHARED_TEXT = 24


def _shared(texts: list[str]) -> list[str]:
    intern = sys.intern
    return [intern(t) if len(t) <= SHARED_TEXT else t for t in texts]


def _carried_units(
    tables: list[tuple[int, Table]], columns: tuple[str, ...]
) -> dict[str, dict[int, str]]:
    """Figure column → {stacked row: the unit its number format carried} (as _stack's rows)."""
    found: dict[str, dict[int, str]] = {}
    start = 0
    for _, table in tables:
        prep = table.prepared
        for col, units in (prep.units if prep is not None else {}).items():
            if col in columns:
                found.setdefault(col, {}).update((start + i, u) for i, u in units.items())
        start += table.n_rows
    return found


def _unit_key(unit: str) -> str:
    return unicodedata.normalize("NFKC", unit).strip().casefold()


def _apply_measure(
    numbers: dict[str, list[float]],
    bare: dict[str, list[bool]],
    measures: list[str],
    check: dict[str, list[object]],
) -> None:
    """Bare 目标值/完成值 in a row whose 计量单位 has a magnitude (万元, 亿元, 万人) → base units.

    `2901.5` under 计量单位 `万元` and `2819.91万元` must compare as 29015000 and 28199100
    元: parsed figures are in base units, so a bare number takes its row's magnitude.
    """
    factors: dict[str, float] = {}
    for col in (labels.TARGET_VALUE, labels.ACTUAL_VALUE):
        if col not in numbers:
            continue
        for i, measure in enumerate(measures):
            # only the counting magnitudes (万人, 亿元) and money (千元): 千米 is a unit
            if not measure or not (measure[0] in labels.MAGNITUDE_CHARS or labels.YUAN in measure):
                continue
            if not bare[col][i] or math.isnan(numbers[col][i]):
                continue
            if measure not in factors:
                unit = parse_quantity("1" + measure)
                factors[measure] = unit.value if unit is not None and unit.value > 0 else 1.0
            if factors[measure] != 1.0:
                value = numbers[col][i] * factors[measure]
                numbers[col][i] = check[parsed(col)][i] = value


def _agrees(value: float, expected: float) -> bool:
    return abs(value - expected) <= max(0.5, abs(expected) * 0.01)


def _fraction_rates(
    numbers: dict[str, list[float]], bare: dict[str, list[bool]], table_of: list[int]
) -> list[int]:
    """Rows whose bare 完成率 is a fraction (0.9719) of a percentage (97.19%).

    Excel stores a cell shown as 97.19% as 0.9719, and the reader gets the number without
    its format. The rule, per row with a bare rate r (no % sign):
    1. when 目标值 and 完成值 are numbers (目标值 ≠ 0), the row decides alone: r is a fraction
       if r×100 agrees with 完成值/目标值×100 and r does not; it is a percentage if r agrees;
    2. otherwise r is a fraction when every bare rate of its table lies in [0, 1.5] and no
       row of that table was found to be a percentage: a table of percentages typed as
       numbers holds values like 85 and 100, and 1.5% completion is far rarer than 150%.
    """
    rates = numbers.get(labels.RATE)
    if rates is None:
        return []
    nan = [math.nan] * len(rates)
    targets = numbers.get(labels.TARGET_VALUE, nan)
    actuals = numbers.get(labels.ACTUAL_VALUE, nan)
    decided: dict[int, bool] = {}  # row → is a fraction
    fractional: dict[int, bool] = {}  # table → all its bare rates look like fractions
    for i, r in enumerate(rates):
        if not bare[labels.RATE][i] or math.isnan(r):
            continue
        t, a = targets[i], actuals[i]
        if not (math.isnan(t) or math.isnan(a) or t == 0):
            expected = a / t * 100
            if _agrees(r * 100, expected) and not _agrees(r, expected):
                decided[i] = True
            elif _agrees(r, expected):
                decided[i] = False
        table = table_of[i]
        fractional[table] = fractional.get(table, True) and 0 <= r <= 1.5
        if decided.get(i) is False:
            fractional[table] = False
    rows = []
    for i, r in enumerate(rates):
        if not bare[labels.RATE][i] or math.isnan(r):
            continue
        if decided.get(i, fractional.get(table_of[i], False)):
            rows.append(i)
    return rows


def _resolve(
    units: list[str], registry: Registry, memo: dict[str, tuple[Unit | None, bool]] | None = None
) -> tuple[list[Unit | None], list[int]]:
    """Each row's registry unit (one lookup per distinct name), and rows needing unit_alias.

    `memo` carries the lookups over to the next kind (the same units fill every annex).
    """
    matches = {} if memo is None else memo
    for name in set(units).difference(matches):
        unit, how = registry.match(name) if name else (None, "")
        matches[name] = (unit, unit is not None and _odd_spelling(name, unit, how))
    resolved = [matches[name][0] for name in units]
    odd = [i for i, name in enumerate(units) if matches[name][1]]
    return resolved, odd


def _as_series(values: object) -> pd.Series:
    if isinstance(values, pd.Series):
        return values.reset_index(drop=True)
    return pd.Series(values, dtype=object if not values else None)


def _category_mismatches(table_of: list[int], resolved: list[Unit | None]):
    """Rows whose unit belongs to another category than most units of the same annex table.

    A plan table is one category's annex (附件1 部门, 附件2 村 …): a village among departments
    was put in the wrong table. Tables without a clear majority say nothing.
    """
    counts: dict[int, dict[str, int]] = {}
    for t, unit in zip(table_of, resolved, strict=True):
        if unit is not None:
            per = counts.setdefault(t, {})
            per[unit.category] = per.get(unit.category, 0) + 1
    majority: dict[int, str] = {}
    for t, per in counts.items():
        category, n = max(per.items(), key=lambda kv: kv[1])
        if n * 2 > sum(per.values()) and len(per) > 1:
            majority[t] = category
    for i, (t, unit) in enumerate(zip(table_of, resolved, strict=True)):
        if unit is not None and t in majority and unit.category != majority[t]:
            yield i, unit.category, majority[t]


def _odd_spelling(name: str, unit: Unit, how: str) -> bool:
    """Matched by an alias, or spelled differently from the standard name (`八0一社区`)."""
    if how == ALIAS:
        return True
    if name == unit.name:  # the common case, spelled exactly as registered
        return False
    base, _ = split_name_aliases(unit.name)
    return _squeeze(name) not in (_squeeze(unit.name), _squeeze(base))


def _squeeze(name: str) -> str:
    # Spacing and full/half width (（ vs (, ＡＢ vs AB) are not worth a warning; 0 for 〇 is
    # (NFKC keeps 〇), since the name then differs from the printed one.
    return "".join(unicodedata.normalize("NFKC", name).split())


def _absent_columns(kind: str, tables: list[tuple[int, Table]]):
    """(position, table, column, rule) for each column of the kind a table's header lacks.

    The reader only insists on the columns that identify a kind (单位 + 创先争优目标 …); a
    table without, say, 亮点工作计划 (under a header nobody recognised) would otherwise lose
    that column silently. A column the schema wants filled, or a figure column (目标值,
    完成值, 完成率), is reported once at the header row as `column_absent`: a warning, as
    each blank cell of it would be; optional text columns (佐证材料 …) say nothing.
    """
    schema = SCHEMAS[kind].to_schema()
    for pos, table in tables:
        for column in labels.KIND_COLUMNS[kind]:
            if column in table.columns or column not in schema.columns:
                continue
            if not schema.columns[column].nullable or column in labels.NUMERIC_COLUMNS:
                yield pos, table, column, "column_absent"


def _failures(kind: str, frame: pd.DataFrame):
    """(row position or None, column, rule, failure value) for each failed check we own."""
    try:
        SCHEMAS[kind].validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        for column, check, value, index in zip(
            cases["column"], cases["check"], cases["failure_case"], cases["index"], strict=True
        ):
            rule = rule_for(str(check), column)
            if rule is None:
                continue
            i = (
                None
                if index is None or (isinstance(index, float) and math.isnan(index))
                else int(index)
            )
            yield i, column, rule, value


def _once_per_cell(
    issues: list[tuple[tuple[int, int, int], Issue]],
) -> list[tuple[tuple[int, int, int], Issue]]:
    """A cell that fails several schema checks is reported once, by the most serious rule."""
    rank = {r: n for n, r in enumerate(RULE_PRIORITY)}
    best: dict[tuple[str, str, str], tuple[tuple[int, int, int], Issue]] = {}
    extra: list[tuple[tuple[int, int, int], Issue]] = []
    for key, found in issues:
        if not found.cell or found.rule not in rank:  # not a schema check: always reported
            extra.append((key, found))
            continue
        where = (found.file, found.sheet, found.cell)
        held = best.get(where)
        if held is None or rank.get(found.rule, 99) < rank.get(held[1].rule, 99):
            best[where] = (key, found)
    return [*best.values(), *extra]
