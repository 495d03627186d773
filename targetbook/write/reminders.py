"""Who still owes what (催报): the status of a campaign's returns and its 催报.xlsx.

Built from a check of the campaign's 回收/ (a Consolidation) and the deadline (截止日期 of the
control workbook's 参数, else the earliest 逾期扣分 deadline of the campaign's 考核细则):
per category the units without a return with the days left or overdue, and the returns
with errors to send back (退回修改). Written as a 催报 sheet, atomically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import xlsxwriter

from targetbook import labels as L
from targetbook.errors import Issue
from targetbook.results import Consolidation
from targetbook.write.atomic import atomic_path

SHOW_ERRORS = 3  # error messages quoted per return to send back


@dataclass
class Owed:
    """A unit without a return."""

    category: str
    unit: str
    group: str = ""


@dataclass
class ToFix:
    """A return with error-level issues: send it back (退回修改)."""

    file: str
    units: list[str]
    errors: int
    messages: list[str] = field(default_factory=list)


@dataclass
class CampaignStatus:
    """The status of a campaign's returns on `as_of` (a Beijing date)."""

    as_of: date
    deadline: date | None
    missing: list[Owed] = field(default_factory=list)
    to_fix: list[ToFix] = field(default_factory=list)
    received: int = 0  # return files read
    units: int = 0  # registry units
    issues: list[Issue] = field(default_factory=list)
    out: str | None = None

    @property
    def days_left(self) -> int | None:
        """Days to the deadline (0 on the day; negative: days overdue); None without one."""
        return (self.deadline - self.as_of).days if self.deadline is not None else None

    @property
    def problems(self) -> bool:
        """True when a unit still owes a return or a return must be sent back (exit 1)."""
        return bool(self.missing or self.to_fix)

    def when(self) -> str:
        """剩 3 天 / 逾期 2 天 / 今天截止 / 未设截止日期."""
        days = self.days_left
        if days is None:
            return L.STATUS_NO_DEADLINE
        if days > 0:
            return L.STATUS_DAYS_LEFT.format(days=days)
        if days == 0:
            return L.STATUS_DUE_TODAY
        return L.STATUS_OVERDUE.format(days=-days)

    def by_category(self) -> dict[str, list[Owed]]:
        """The units without a return, per category in registry order."""
        out: dict[str, list[Owed]] = {c: [] for c in L.CATEGORIES}
        for owed in self.missing:
            out.setdefault(owed.category, []).append(owed)
        return out

    def to_dict(self) -> dict:
        """The JSON document of `status --json`."""
        return {
            "as_of": self.as_of.isoformat(),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "days_left": self.days_left,
            "units": self.units,
            "received": self.received,
            "missing": [
                {"category": c, "units": [o.unit for o in owed]}
                for c, owed in self.by_category().items()
            ],
            "to_fix": [
                {"file": f.file, "units": f.units, "errors": f.errors, "messages": f.messages}
                for f in self.to_fix
            ],
            "issues": [i.to_dict() for i in self.issues],
            "out": self.out,
        }


def campaign_status(cons: Consolidation, deadline: date | None, as_of: date) -> CampaignStatus:
    """The status from a check of the returns (pure)."""
    registry = cons.registry
    units = {u.name: u for u in registry.units} if registry is not None else {}
    status = CampaignStatus(as_of=as_of, deadline=deadline, units=len(units))
    status.received = sum(1 for s in cons.sources if s.status == "ok")
    for name in cons.missing_units:
        unit = units.get(name)
        status.missing.append(Owed(unit.category if unit else "", name, unit.group if unit else ""))
    errors: dict[str, list[Issue]] = {}
    for i in cons.issues:
        if i.severity == "error" and i.file:
            errors.setdefault(i.file, []).append(i)
    for src in cons.sources:
        found = errors.get(src.file)
        if found:
            status.to_fix.append(
                ToFix(
                    src.file,
                    list(cons.file_units.get(src.file, [])),
                    len(found),
                    [i.message for i in found[:SHOW_ERRORS]],
                )
            )
    return status


def write_reminders(status: CampaignStatus, path: str | Path) -> Path:
    """催报.xlsx: one 催报 sheet — the deadline line, units without a return, returns to fix."""
    target = Path(path)
    with atomic_path(target) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False})
        title = wb.add_format({"bold": True, "font_size": 14})
        head = wb.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7"})
        cell = wb.add_format({"border": 1, "text_wrap": True, "valign": "top"})
        ws = wb.add_worksheet(L.SHEET_REMINDERS)
        deadline = status.deadline.isoformat() if status.deadline else ""
        ws.write_string(
            0,
            0,
            L.STATUS_TITLE.format(
                as_of=status.as_of.isoformat(), deadline=deadline, when=status.when()
            ),
            title,
        )
        row = 2
        for col, label in enumerate(L.REMINDER_COLUMNS):
            ws.write_string(row, col, label, head)
        for owed in status.missing:
            row += 1
            values = (owed.category, owed.unit, owed.group, L.STATUS_MISSING, status.when(), "")
            for col, value in enumerate(values):
                ws.write_string(row, col, value, cell)
        for fix in status.to_fix:
            row += 1
            values = (
                "",
                L.LIST_SEP.join(fix.units),
                "",
                L.RECEIPT_RETURN,
                fix.file,
                "\n".join(fix.messages),
            )
            for col, value in enumerate(values):
                ws.write_string(row, col, value, cell)
        for col, width in enumerate((8, 24, 10, 10, 30, 60)):
            ws.set_column(col, col, width)
        ws.freeze_panes(3, 0)
        wb.close()
    return target
