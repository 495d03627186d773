"""Unit, Registry (单位名录): build from rows, normalise names, resolve aliases (no files:
write.registry loads the workbook)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xlsxwriter.utility import xl_col_to_name as column_letter

from targetbook import labels
from targetbook.errors import Issue, issue
from targetbook.headers import find_header, row_labels
from targetbook.text import (
    clean_text,
    clean_texts,
    header_key,
    name_key,
    split_aliases,
    split_name_aliases,
)

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, slots=True)
class Unit:
    """One assessed unit: its standard name, 类别, 考核组 and aliases."""

    name: str
    category: str  # labels.DEPARTMENT | VILLAGE | COMMUNITY
    group: str = ""
    aliases: tuple[str, ...] = ()


# How a name was matched: the standard name (or its text before a parenthesis) or an alias.
NAME, ALIAS = "name", "alias"


class Registry:
    """The 单位名录, in printing order; resolves names typed in returns to units."""

    def __init__(self, units: list[Unit]) -> None:
        self.units = tuple(units)
        self._index: dict[str, tuple[Unit, str]] = {}
        # (key text, unit that wanted it, unit that has it): for registry_duplicate
        self.collisions: list[tuple[str, Unit, Unit]] = []
        split = [split_name_aliases(unit.name) for unit in self.units]
        # Standard names first, so that another unit's alias never shadows a name.
        for unit, (base, _) in zip(self.units, split, strict=True):
            self._add(unit.name, unit, NAME)
            if base != unit.name:
                self._add(base, unit, NAME)
        for unit, (_, inline) in zip(self.units, split, strict=True):
            for text in (*inline, *unit.aliases):
                self._add(text, unit, ALIAS)

    def _add(self, text: str, unit: Unit, how: str) -> None:
        key = name_key(text)
        if not key:
            return
        held = self._index.get(key)
        if held is None:
            self._index[key] = (unit, how)
        elif held[0] != unit:
            self.collisions.append((text, unit, held[0]))

    def __len__(self) -> int:
        return len(self.units)

    def __iter__(self):
        return iter(self.units)

    def __contains__(self, name: object) -> bool:
        return name_key(name) in self._index

    def resolve(self, name: str) -> Unit | None:
        """The unit `name` means (standard name or alias, tolerant of spacing/width/〇)."""
        return self.match(name)[0]

    def match(self, name: str) -> tuple[Unit | None, str]:
        """(unit, how) with how ∈ {"name", "alias", ""}: lets callers warn on aliases."""
        found = self._index.get(name_key(name))
        if found is None:
            # `党政办（党群办）` typed with only some of the aliases: its base still names it
            base, _ = split_name_aliases(clean_text(name))
            found = self._index.get(name_key(base))
        if found is None:
            # units sign with their committee's or town's name: `温塘村委会`, `后湾社区居委会`,
            # `南桐镇经发办`; tried last, and reported as an alias (use the standard name)
            for variant in _variants(name_key(name)):
                held = self._index.get(variant)
                if held is not None:
                    return held[0], ALIAS
            return None, ""
        return found

    def suggest(self, name: str) -> str | None:
        """The closest standard name, for `unit_unknown` messages."""
        key = name_key(name)
        if not key or not self._index:
            return None
        # A typed name that is part of a known one (温塘 → 温塘村), or the other way round.
        near = [k for k in self._index if (key in k or k in key) and min(len(k), len(key)) >= 2]
        if not near:
            near = difflib.get_close_matches(key, list(self._index), n=3, cutoff=0.5)
        if not near:
            return None
        best = max(near, key=lambda k: difflib.SequenceMatcher(None, key, k).ratio())
        return self._index[best][0].name

    def in_category(self, category: str) -> list[Unit]:
        """Units of one category, in registry order."""
        return [u for u in self.units if u.category == category]

    def to_frame(self) -> pd.DataFrame:
        """The registry as a 单位|类别|考核组|别名 frame."""
        import pandas as pd

        rows = [(u.name, u.category, u.group, "、".join(u.aliases)) for u in self.units]
        return pd.DataFrame(rows, columns=list(labels.REGISTRY_COLUMNS), dtype=object)


# committee suffix → what the name is without it: a village (村委会) or a community (居委会)
_COMMITTEE_RE = re.compile(r"(?:(?P<v>村民委员会|村委会)|(?P<c>居民委员会|居委会)|委员会|委会)$")
_TOWN_RE = re.compile(r"^[\u4e00-\u9fff]{1,4}?(?:镇人民政府|镇政府|镇|乡|街道办事处|街道)")


def _variants(key: str) -> list[str]:
    """Name keys with a committee suffix or a town prefix removed (`温塘村委会` → `温塘村`)."""
    out = []
    m = _COMMITTEE_RE.search(key)
    if m and m.start():
        stem = key[: m.start()]
        out.append(stem)
        if m["c"] is not None:  # 后湾居委会 → 后湾社区
            out.append(stem + "社区")
        elif m["v"] is not None:  # 温塘村委会 → 温塘 → 温塘村
            out.append(stem + "村")
    town = _TOWN_RE.sub("", key, count=1)
    if town != key and town:
        out.append(town)
    return out


# 类别 texts seen in real 名录 besides the three canonical ones.
_CATEGORY_ALIASES = {
    "机关": labels.DEPARTMENT,
    "机关部门": labels.DEPARTMENT,
    "部门站所": labels.DEPARTMENT,
    "站所": labels.DEPARTMENT,
    "行政村": labels.VILLAGE,
    "村委会": labels.VILLAGE,
    "居委会": labels.COMMUNITY,
    "社区居委会": labels.COMMUNITY,
}


def _category(value: object) -> str:
    key = header_key(value)
    if key in labels.CATEGORIES:
        return key
    return _CATEGORY_ALIASES.get(key, "")


def _registry_label(col: object) -> str | None:
    """The registry column a header cell names (aliases included), or None."""
    key = header_key(col)
    label = key if key in labels.REGISTRY_COLUMNS else labels.ALIASES.get(key)
    if key in ("名称", "单位名称", "单位"):
        label = labels.REG_UNIT
    elif key in ("分类", "类型", "类别"):
        label = labels.REG_CATEGORY
    elif key in ("别称", "简称", "曾用名", "别名"):
        label = labels.REG_ALIASES
    elif key in ("分组", "考核分组", "考核组"):
        label = labels.REG_GROUP
    return label if label in labels.REGISTRY_COLUMNS else None


def _canonical_columns(columns: list[object]) -> dict[str, int]:
    """Registry label → position in `columns` (first occurrence wins)."""
    return row_labels(columns, _registry_label)


def registry_from_frame(
    frame: pd.DataFrame, *, file: str = "", sheet: str = ""
) -> tuple[Registry, list[Issue]]:
    """Build a Registry from a 单位|类别|考核组|别名 frame (index = Excel row)."""
    values = frame.to_numpy(dtype=object).tolist()
    return _registry_from_rows(
        list(frame.columns), values, list(frame.index), file=file, sheet=sheet
    )


def _registry_from_rows(
    header: list[object],
    values: list[list[object]],
    row_numbers: list[object],
    *,
    file: str = "",
    sheet: str = "",
) -> tuple[Registry, list[Issue]]:
    """registry_from_frame on plain rows."""
    issues: list[Issue] = []

    def flag(rule: str, **params) -> None:
        issues.append(issue(rule, file=file, sheet=sheet, **params))

    columns = _canonical_columns(header)
    # Many 名录 have no 类别 column: units are listed under section rows (一、机关部门 …)
    sections = labels.REG_CATEGORY not in columns and any(_section_of(r) for r in values)
    for required in (labels.REG_UNIT, labels.REG_CATEGORY):
        if required not in columns and not (required == labels.REG_CATEGORY and sections):
            flag("registry_column_missing", column=required)
    if issues:
        return Registry([]), issues
    section = ""
    units: list[Unit] = []
    rows_of: dict[int, object] = {}  # id(unit) → Excel row, to locate collisions
    seen: dict[str, str] = {}  # name_key of a standard name → that name
    letter = {label: column_letter(pos) for label, pos in columns.items()}
    unit_at, category_at = columns[labels.REG_UNIT], columns.get(labels.REG_CATEGORY)
    group_at, aliases_at = columns.get(labels.REG_GROUP), columns.get(labels.REG_ALIASES)
    unit_col = letter[labels.REG_UNIT]
    category_col = letter.get(labels.REG_CATEGORY, unit_col)
    categories: dict[str, str] = {}  # 类别 text → category ("" invalid): a handful of texts

    def cleaned(at: int | None) -> list[str]:  # one column's texts, cleaned in one pass
        return [""] * len(values) if at is None else clean_texts([row[at] for row in values])

    names, raw_categories = cleaned(unit_at), cleaned(category_at)
    groups, alias_texts = cleaned(group_at), cleaned(aliases_at)
    for i, (row_number, row) in enumerate(zip(row_numbers, values, strict=True)):
        if sections and _section_of(row):
            section = _section_of(row)
            continue
        name = names[i]
        raw_category = section if sections else raw_categories[i]
        if not name:
            first = next((t for t in map(clean_text, row) if t), "")
            # a 备注 line under the table may start in the 序号 column, left of 单位
            if first and not first.startswith(labels.NON_DATA_MARKERS):
                flag("registry_blank_name", cell=f"{unit_col}{row_number}")
            continue
        if not raw_category and name.startswith(labels.NON_DATA_MARKERS):
            continue  # a 备注 line under the table
        category = categories.get(raw_category)
        if category is None:
            category = categories[raw_category] = _category(raw_category)
        if not category:
            flag(
                "registry_category_invalid",
                cell=f"{category_col}{row_number}",
                value=raw_category,
            )
            continue
        key = name_key(name)
        if key in seen:
            flag("registry_duplicate", cell=f"{unit_col}{row_number}", value=name, unit=seen[key])
            continue
        seen[key] = name
        unit = Unit(
            name=name,
            category=category,
            group=groups[i],
            aliases=tuple(split_aliases(alias_texts[i])) if alias_texts[i] else (),
        )
        rows_of[id(unit)] = row_number
        units.append(unit)
    registry = Registry(units)
    for text, unit, holder in registry.collisions:
        label = labels.REG_ALIASES if text in unit.aliases else labels.REG_UNIT
        cell = f"{letter.get(label, letter[labels.REG_UNIT])}{rows_of.get(id(unit), '')}"
        flag("registry_duplicate", cell=cell, value=text, unit=holder.name)
    return registry, sorted(issues, key=_cell_order)


# 一、机关部门 / 二、行政村（10个） / 三、社区: a section row naming the category below it.
_SECTION_RE = re.compile(
    r"^[一二三四五六七八九十]+[、.．]\s*(.+?)\s*(?:[(（][^()（）]*[)）])?[:：]?$"
)


def _section_of(row) -> str:
    """The category a section row names (its only filled cell), or ""."""
    filled = [t for t in (clean_text(v) for v in row) if t]
    if len(filled) != 1:
        return ""
    m = _SECTION_RE.match(filled[0])
    body = m.group(1) if m else filled[0]
    direct = _category(body)
    if direct or not m:
        return direct  # without a 一、 number only a category word itself counts
    key = header_key(body)
    if "社区" in key or "居委" in key:
        return labels.COMMUNITY
    if "村" in key:
        return labels.VILLAGE
    if any(word in key for word in ("部门", "机关", "站所", "单位", "中心")):
        return labels.DEPARTMENT
    return ""


def _cell_order(found: Issue) -> tuple[int, int, str]:
    digits = "".join(c for c in found.cell if c.isdigit())
    letters = "".join(c for c in found.cell if c.isalpha())
    return (int(digits) if digits else 0, len(letters), letters)


def _header_row(rows: list[list[object]], limit: int = 15) -> int | None:
    """Index of the first row (within `limit`) holding the 单位 and 类别 columns."""
    both = (labels.REG_UNIT, labels.REG_CATEGORY)
    found = find_header(rows, _registry_label, both, scan=limit)
    if found is None:  # a 名录 by sections has no 类别 column
        found = find_header(rows, _registry_label, both[:1], scan=limit)
    return None if found is None else found.row


def _table_of(rows: list[list[object]]) -> tuple[list[str], list[list[object]], list[int]]:
    """Rows of a sheet → (header, body rows padded to one width, their Excel row numbers)."""
    at = _header_row(rows)
    if at is None:  # let _registry_from_rows report the missing columns
        at = 0
    width = max((len(r) for r in rows), default=0)
    padded = [list(r) + [None] * (width - len(r)) for r in rows]
    header = [clean_text(v) for v in padded[at]] if padded else []
    body = padded[at + 1 :]
    return header, body, list(range(at + 2, at + 2 + len(body)))


def registry_from_sheets(
    sheets: dict[str, list[list[object]]], *, file: str = ""
) -> tuple[Registry, list[Issue]]:
    """A Registry from a workbook's sheets as rows: sheet `单位名录`, else the first holding
    the header (单位, 类别), else the first sheet."""
    chosen = next((n for n in sheets if header_key(n) == labels.SHEET_REGISTRY), None)
    if chosen is None:
        chosen = next((n for n, rows in sheets.items() if _header_row(rows) is not None), None)
    if chosen is None:
        chosen = next(iter(sheets))
    header, body, numbers = _table_of(sheets[chosen])
    return _registry_from_rows(header, body, numbers, file=file, sheet=chosen)
