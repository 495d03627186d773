"""The assessment rules (考核细则): the workbook's sheets, their model and their parsing
(write.rules reads the workbooks).

The workbook's format is documented for users in README.md (section "考核细则 workbook");
the control workbook carries the same sheets.
"""

from targetbook.rules.load import records_from_frames, rules_from_frames
from targetbook.rules.model import Award, Grade, Item, Records, Rules, Settings
from targetbook.rules.settings import period_group

__all__ = [
    "Award",
    "Grade",
    "Item",
    "Records",
    "Rules",
    "Settings",
    "period_group",
    "records_from_frames",
    "rules_from_frames",
]
