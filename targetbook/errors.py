"""Located problems (Issue, plain data) and the one fatal error type (TargetbookError)."""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass

from targetbook.labels import FATAL_PREFIX
from targetbook.messages import MESSAGES, render
from targetbook.text import cell_text

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem found in an input, located to a file, sheet and cell (A1)."""

    file: str
    sheet: str
    cell: str
    rule: str
    severity: str
    message: str
    value: str = ""

    def to_dict(self) -> dict[str, str]:
        """The JSON shape of DESIGN.md."""
        return asdict(self)

    @property
    def location(self) -> str:
        """`sheet!cell` (or what of it is known), for messages."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or self.cell


def issue(
    rule: str,
    *,
    file: str = "",
    sheet: str = "",
    cell: str = "",
    value: object = "",
    severity: str | None = None,
    **params: object,
) -> Issue:
    """Make an Issue for `rule`, rendering its Chinese message once from the template."""
    default_severity, _ = MESSAGES[rule]
    shown = cell_text(value)
    loc = f"{sheet}!{cell}" if sheet and cell else (sheet or cell)
    message = render(rule, loc=loc, value=shown, file=file, sheet=sheet, cell=cell, **params)
    return Issue(file, sheet, cell, rule, severity or default_severity, message, shown)


def has_errors(issues: list[Issue]) -> bool:
    """True when any issue is an error (exit code 1 for the CLI)."""
    return any(i.severity == ERROR for i in issues)


def _plain(value: object) -> object:
    # Parameters cross process boundaries with the error: keep only what pickles anywhere.
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


def _rebuild(cls: type, rule: str, params: dict) -> TargetbookError:
    return cls(rule, **params)


class TargetbookError(Exception):
    """A fatal problem: the run cannot go on (bad arguments, unreadable registry, …).

    It carries a rule id of the message table and the parameters of its message, so tests
    and callers can tell one fatal error from another without reading the Chinese text.
    """

    exit_code = 2

    def __init__(self, rule: str, **params: object) -> None:
        if rule not in MESSAGES:
            raise KeyError(f"no message for rule {rule!r}")
        self.rule = rule
        self.params = {k: _plain(v) for k, v in params.items()}
        self.message = render(rule, **self.params)
        super().__init__(self.message)

    # Exceptions cross process boundaries (reader workers): keep them picklable.
    def __reduce__(self):
        return (_rebuild, (type(self), self.rule, self.params))

    def format_message(self) -> str:
        """The message shown to the user."""
        return self.message

    def show(self, file=None) -> None:
        """Print the message in Chinese to stderr, as click's ClickException does."""
        print(f"{FATAL_PREFIX}{self.format_message()}", file=file or sys.stderr)
