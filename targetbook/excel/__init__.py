"""The Excel door: one function per button of 控制台.xlsm, run by xlwings' RunPython.

Each takes the workbook (default: `xlwings.Book.caller()`), reads 参数 / 单位名录 / 考核细则
from its sheets, calls the library and writes its result sheets back. Names are stable:
the committed VBA (workbooks/vba/Buttons.bas) calls them.
"""

from targetbook.excel.buttons import button

make_templates = button("make_templates", "生成模板")
validate_returns = button("validate_returns", "校验")
consolidate_returns = button("consolidate_returns", "汇总")
rank_units = button("rank_units", "计算排名")
make_report = button("make_report", "生成通报")
remind_units = button("remind_units", "催报")

__all__ = [
    "consolidate_returns",
    "make_report",
    "make_templates",
    "rank_units",
    "remind_units",
    "validate_returns",
]
