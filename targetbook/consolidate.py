"""Returns → Consolidation: dedup, 未报送, registry order, nothing lost (pure, no file I/O)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime

import pandas as pd

from targetbook import labels as L
from targetbook.errors import Issue, issue
from targetbook.read import Source
from targetbook.registry import Registry
from targetbook.results import UNMATCHED_COLUMNS, Consolidation, Duplicate
from targetbook.validate import Validation, validate_tables  # noqa: F401 (kept importable here)

_ORDER = "_order"  # registry position of the row's unit (unmatched rows sort last)
_MATCHED = "_matched"  # the unit is a registry name (validate resolved it)


def consolidate(
    sources: Iterable[Source], registry: Registry | None, *, year: int | None = None
) -> Consolidation:
    """Pure: validated tables of many sources → one Consolidation (dedup, 未报送, order).

    `sources` may be a generator (read.iter_returns): they are validated as they come.

    Policies (every input row ends in an output frame or in an Issue):
    - one unit twice in one file's plan rows: merged into the first row (distinct texts
      joined by a line break), `duplicate_row` at the second row;
    - one unit's rows of a kind in several files: the newest file's rows are kept (saved
      time, unknown oldest, ties → later in the input), `duplicate_unit` at each dropped
      row and one Duplicate record;
    - plan rows whose unit is blank or unknown go to `unmatched` (never printed in the
      annexes); other kinds keep such rows at the end with an empty 类别.
    """
    # Sources may arrive one by one from reader workers: each kind is validated a chunk at
    # a time meanwhile, so little is left to check when the last file has been read.
    # Sources streamed in (a generator) belong to this call: their cells are released once
    # validated (the frames hold them), so memory does not grow with every return kept.
    check = Validation(registry, release=not isinstance(sources, list | tuple))
    received = []
    for src in sources:
        received.append(src)
        check.add(src.tables)
    sources = received
    tables = [t for s in sources for t in s.tables]
    frames, found = check.result() if tables else ({}, [])
    cells = {(t.file, t.sheet): t for t in tables}
    # The newest file wins a duplicate: its saved time, then its place in the input.
    # (With a receipt register `modified` is the 收到时间 and `saved` breaks its ties.)
    newest = sorted(
        range(len(sources)),
        key=lambda i: (_stamp(sources[i].modified), _stamp(sources[i].saved), i),
    )
    file_rank = {sources[i].file: r for r, i in enumerate(newest)}
    unit_order = {u.name: i for i, u in enumerate(registry.units)} if registry else {}

    if year is None:
        year = _title_year(sources)
    cons = Consolidation(registry=registry, year=year, sources=list(sources))
    own: list[Issue] = []
    dups: dict[tuple[str, tuple[str, ...], str], Duplicate] = {}
    prepared = {kind: _prepare(frames.get(kind), kind, unit_order) for kind in frames}
    owners = _owners(sources, registry)
    if owners:
        prepared = {k: _drop_foreign(df, owners, cells, own) for k, df in prepared.items()}
    cons.file_units, cons.file_rows = _per_file(sources, prepared, registry is not None)

    for kind, df in prepared.items():
        if kind == L.PLAN_KIND:
            df = _merge_same_file(df, cells, own)
        df = _drop_older(df, kind, file_rank, cells, own, dups)
        df = df.sort_values(_ORDER, kind="stable")
        if kind == L.PLAN_KIND:
            _split_plan(cons, df)
        else:
            cols = [L.CATEGORY, *L.KIND_COLUMNS[kind]]
            cols += [L.parsed(c) for c in L.NUMERIC_COLUMNS if L.parsed(c) in df.columns]
            out = df[[*cols, *L.PROVENANCE]].reset_index(drop=True)
            if any(c in L.KIND_COLUMNS[kind] for c in L.NUMERIC_COLUMNS):
                out[L.SRC_COLUMNS] = _column_letters(out, kind, tables)
            cons.others[kind] = out
    if L.PLAN_KIND not in prepared:
        _split_plan(cons, _prepare(None, L.PLAN_KIND, unit_order))

    # 未报送 = registry units with no row of any kind (a unit may send only 指标进度 in
    # the 年中亮进度 phase); a duplicate's dropped rows still count as reported.
    reported = {u for units in cons.file_units.values() for u in units}
    for unit in registry.units if registry else ():
        if unit.name not in reported:
            cons.missing_units.append(unit.name)
            own.append(issue("unit_missing", unit=unit.name, category=unit.category))

    cons.number_cells = check.number_cells  # taken before each table's cells were released
    cons.duplicates = list(dups.values())
    order = {s.file: i for i, s in enumerate(sources)}
    everything = [i for s in sources for i in s.issues] + list(found) + own
    cons.issues = sorted(everything, key=lambda i: order.get(i.file, len(order)))
    return cons


def _stamp(value: datetime | None) -> float:
    """Sortable saved time: naive times are taken as UTC; unknown is oldest."""
    if value is None:
        return float("-inf")
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def _column_letters(df: pd.DataFrame, kind: str, tables) -> list[str]:
    """Per row, where its numeric cells were: `目标值=D;完成值=E;完成率=F` (来源列)."""
    found: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for t in tables:
        if t.kind == kind:
            note = ";".join(f"{c}={t.columns[c]}" for c in L.NUMERIC_COLUMNS if t.columns.get(c))
            found.setdefault((t.file, t.sheet), []).append((t.header_row, note))
    for spans in found.values():
        spans.sort()
    out = []
    files, sheets, rows = (df[c].tolist() for c in (L.SRC_FILE, L.SRC_SHEET, L.SRC_ROW))
    for file, sheet, row in zip(files, sheets, rows, strict=True):
        spans = found.get((file, sheet), ())
        if len(spans) == 1:
            out.append(spans[0][1])
            continue
        # several tables in one sheet: the row belongs to the last header above it
        note = next((n for head, n in reversed(spans) if head < row), "")
        out.append(note or (spans[0][1] if spans else ""))
    return out


_YEAR = re.compile(L.YEAR_IN_TITLE)


def _title_year(sources: list[Source]) -> int | None:
    """The year most returns' title lines name (`村2022年度…`; a tie → the later year);
    None when no title names one (the writers then fall back to the current year)."""
    votes: Counter[int] = Counter()
    for s in sources:
        years = {int(m.group(1)) for t in s.tables if (m := _YEAR.search(t.title))}
        votes.update(years)  # one vote per file and year
    if not votes:
        return None
    return max(votes.items(), key=lambda kv: (kv[1], kv[0]))[0]


def _prepare(df: pd.DataFrame | None, kind: str, unit_order: dict[str, int]) -> pd.DataFrame:
    """Every expected column present, text blank instead of NaN, a registry-order key."""
    wanted = [*L.KIND_COLUMNS[kind], L.CATEGORY, L.GROUP, *L.PROVENANCE]
    df = pd.DataFrame(columns=wanted) if df is None else df.reset_index(drop=True)
    df = df.copy()
    for col in wanted:
        if col not in df.columns:
            df[col] = ""
    for col in (*L.KIND_COLUMNS[kind], L.CATEGORY, L.GROUP, L.SRC_FILE, L.SRC_SHEET):
        column = df[col]
        if column.dtype == "str" and not column.isna().any():
            continue  # validated text: already str, nothing blank (most columns)
        df[col] = column.astype(object).where(column.notna(), "").astype(str)
    df[L.SRC_ROW] = pd.to_numeric(df[L.SRC_ROW], errors="coerce").fillna(0).astype(int)
    # Plain lists: `map`/`isin` over a pandas `str` column run a Python call per cell.
    last = len(unit_order)
    units, categories = df[L.UNIT].tolist(), df[L.CATEGORY].tolist()
    matched = [u in unit_order and c != "" for u, c in zip(units, categories, strict=True)]
    order = [unit_order[u] if m else last for u, m in zip(units, matched, strict=True)]
    df[_MATCHED] = pd.Series(matched, index=df.index, dtype=bool)
    df[_ORDER] = pd.Series(order, index=df.index, dtype=int)
    return df


def _where(df: pd.DataFrame, idx: int, cells: dict) -> tuple[str, str, str]:
    """(file, sheet, 单位 cell) of a row in its own return (column B if the table is unknown)."""
    file, sheet, row = df.at[idx, L.SRC_FILE], df.at[idx, L.SRC_SHEET], df.at[idx, L.SRC_ROW]
    table = cells.get((file, sheet))
    if table is not None and L.UNIT in table.columns:
        return file, sheet, table.cell(L.UNIT, row)
    return file, sheet, f"B{row}"


def _merge_same_file(df: pd.DataFrame, cells: dict, own: list[Issue]) -> pd.DataFrame:
    """One unit twice in one file (often a plan split over rows): merge texts into the first."""
    matched = df[_MATCHED]
    again = matched & df.duplicated([L.UNIT, L.SRC_FILE], keep="first")
    if not again.any():
        return df
    first_of = {}
    for idx in df.index[matched & ~again]:
        first_of[(df.at[idx, L.UNIT], df.at[idx, L.SRC_FILE])] = idx
    for idx in df.index[again]:
        first = first_of[(df.at[idx, L.UNIT], df.at[idx, L.SRC_FILE])]
        for col in (L.TARGET, L.PLAN):
            new, old = df.at[idx, col], df.at[first, col]
            if new and new not in old:
                df.at[first, col] = f"{old}\n{new}" if old else new
        file, sheet, cell = _where(df, idx, cells)
        own.append(
            issue(
                "duplicate_row",
                file=file,
                sheet=sheet,
                cell=cell,
                value=df.at[idx, L.UNIT],
                other=df.at[first, L.SRC_ROW],
            )
        )
    return df[~again]


def _drop_older(
    df: pd.DataFrame,
    kind: str,
    file_rank: dict[str, int],
    cells: dict,
    own: list[Issue],
    dups: dict,
) -> pd.DataFrame:
    """A unit's rows of one kind from several files: keep the newest file's, report the rest."""
    if not len(df):
        return df
    matched = df[_MATCHED]
    if not matched.any():
        return df
    # Plain lists: a unit's files are few, and pandas' groupby/map over 10⁵ text cells
    # costs more than the loop (a 5,000-return run).
    files, units = df[L.SRC_FILE].tolist(), df[L.UNIT].tolist()
    ranks = [file_rank.get(f, -1) for f in files]
    newest: dict[str, int] = {}
    per_row = list(zip(units, ranks, matched.tolist(), strict=True))
    for unit, r, ok in per_row:
        if ok and newest.get(unit, -2) < r:
            newest[unit] = r
    if all(r == newest[u] for u, r, ok in per_row if ok):
        return df
    rank = pd.Series(ranks, index=df.index, dtype="float64")
    best = pd.Series([newest.get(u, math.nan) for u in units], index=df.index, dtype="float64")
    best = best.where(matched)
    drop = matched & (rank != best)
    ranked = sorted(file_rank, key=file_rank.get)
    for unit in pd.unique(df.loc[drop, L.UNIT]):
        rows = matched & (df[L.UNIT] == unit)
        files = list(pd.unique(df.loc[rows, L.SRC_FILE]))
        kept = ranked[int(best[rows].iloc[0])] if best[rows].iloc[0] >= 0 else files[-1]
        key = (unit, tuple(files), kept)
        dup = dups.setdefault(key, Duplicate(unit, files, kept))
        dup.kinds.append(kind)
        shown = "、".join(files)
        for idx in df.index[rows & drop]:
            file, sheet, cell = _where(df, idx, cells)
            own.append(
                issue(
                    "duplicate_unit",
                    file=file,
                    sheet=sheet,
                    cell=cell,
                    value=unit,
                    unit=unit,
                    files=shown,
                    kept=kept,
                )
            )
    return df[~drop]


def _owners(sources: list[Source], registry: Registry | None) -> dict[str, str]:
    """file → the registry unit its template was made for (labels.PROP_UNIT), when known."""
    owners = {}
    for src in sources:
        made_for = src.issued.get(L.PROP_UNIT, "") if registry is not None else ""
        unit = registry.resolve(made_for) if made_for else None
        if unit is not None:
            owners[src.file] = unit.name
    return owners


def _drop_foreign(
    df: pd.DataFrame, owners: dict[str, str], cells: dict, own: list[Issue]
) -> pd.DataFrame:
    """Rows for another unit in a return made from one unit's template: an error each, and
    never consolidated (they would speak for a unit that did not send them)."""
    if not len(df):
        return df
    owner = df[L.SRC_FILE].map(owners)
    foreign = df[_MATCHED] & owner.notna() & (df[L.UNIT] != owner)
    for idx in df.index[foreign]:
        file, sheet, cell = _where(df, idx, cells)
        unit = df.at[idx, L.UNIT]
        own.append(
            issue(
                "unit_not_template_owner",
                file=file,
                sheet=sheet,
                cell=cell,
                value=unit,
                unit=unit,
                owner=owner[idx],
            )
        )
    return df[~foreign]


def _split_plan(cons: Consolidation, df: pd.DataFrame) -> None:
    """Matched plan rows → one annex per category (序号 1…n); the rest → cons.unmatched."""
    matched = df[_MATCHED]
    plan_cols = [*L.KIND_COLUMNS[L.PLAN_KIND], *L.PROVENANCE]
    for category in L.CATEGORIES:
        part = df[matched & (df[L.CATEGORY] == category)][plan_cols].reset_index(drop=True)
        part[L.SEQ] = range(1, len(part) + 1)
        cons.annexes[category] = part
    cons.unmatched = df[~matched][list(UNMATCHED_COLUMNS)].reset_index(drop=True)


def _per_file(
    sources: list[Source], prepared: dict[str, pd.DataFrame], matched: bool = True
) -> tuple[dict, dict]:
    """Units each file reported (registry names, first-seen order) and its data-row count.

    Without a registry (`matched=False`) the units are the cleaned texts as written."""
    units: dict[str, list[str]] = {s.file: [] for s in sources}
    rows = {s.file: sum(t.n_rows for t in s.tables) for s in sources}
    seen: dict[str, dict[str, None]] = {file: {} for file in units}  # ordered sets
    for df in prepared.values():
        keep = (df[_MATCHED] if matched else df[L.UNIT] != "").tolist()
        files, names = df[L.SRC_FILE].tolist(), df[L.UNIT].tolist()
        for file, unit, ok in zip(files, names, keep, strict=True):
            if ok:
                seen.setdefault(file, {})[unit] = None
    for file, found in seen.items():
        units[file] = list(found)
    return units, rows
