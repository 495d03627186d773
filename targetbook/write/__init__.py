"""All workbook writing: templates, 汇总, ranking results. Atomic and injection-safe.

Writers use XlsxWriter's `write_string` for any text that came from a return, so text
beginning with `=` is stored as a string and never becomes a formula.

The names below are loaded on first use (PEP 562): importing one light module of this
package (`write.receipts`, `write.atomic`) must not import pandas, which a run loads only
once its reader workers are forked and reading.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from targetbook.write._tables import issues_frame, missing_frame
    from targetbook.write.atomic import atomic_path
    from targetbook.write.consolidation import load_consolidation, write_consolidation
    from targetbook.write.templates import write_templates

__all__ = [
    "atomic_path",
    "issues_frame",
    "load_consolidation",
    "missing_frame",
    "write_consolidation",
    "write_templates",
]


def __getattr__(name: str):
    if name in ("issues_frame", "missing_frame"):
        from targetbook.write import _tables as module
    elif name == "atomic_path":
        from targetbook.write import atomic as module
    elif name in ("load_consolidation", "write_consolidation"):
        from targetbook.write import consolidation as module
    elif name == "write_templates":
        from targetbook.write import templates as module
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(module, name)
