"""All workbook writing: templates, 汇总, ranking results. Atomic and injection-safe.

Writers use XlsxWriter's `write_string` for any text that came from a return, so text
beginning with `=` is stored as a string and never becomes a formula.
"""

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
