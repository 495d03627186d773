"""Excel's built-in number formats (ids 0–58) as a Chinese (zh-CN) Excel shows them."""

from __future__ import annotations

# Ids 5–8, 14, 22 and 27–58 depend on the reader's locale: the file stores only the id.
# These are the zh-CN codes (ECMA-376 Part 1, 18.8.30, zh-cn column), i.e. what staff see.
BUILTIN: dict[int, str] = {
    0: "General",
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    5: '"￥"#,##0;"￥"-#,##0',
    6: '"￥"#,##0;[Red]"￥"-#,##0',
    7: '"￥"#,##0.00;"￥"-#,##0.00',
    8: '"￥"#,##0.00;[Red]"￥"-#,##0.00',
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    12: "# ?/?",
    13: "# ??/??",
    14: "yyyy/m/d",
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM",
    20: "h:mm",
    21: "h:mm:ss",
    22: "yyyy/m/d h:mm",
    27: 'yyyy"年"m"月"',
    28: 'm"月"d"日"',
    29: 'm"月"d"日"',
    30: "m-d-yy",
    31: 'yyyy"年"m"月"d"日"',
    32: 'h"时"mm"分"',
    33: 'h"时"mm"分"ss"秒"',
    34: '上午/下午h"时"mm"分"',
    35: '上午/下午h"时"mm"分"ss"秒"',
    36: 'yyyy"年"m"月"',
    37: "#,##0;-#,##0",
    38: "#,##0;[Red]-#,##0",
    39: "#,##0.00;-#,##0.00",
    40: "#,##0.00;[Red]-#,##0.00",
    41: '_ * #,##0_ ;_ * \\-#,##0_ ;_ * "-"_ ;_ @_ ',
    42: '_ "￥"* #,##0_ ;_ "￥"* \\-#,##0_ ;_ "￥"* "-"_ ;_ @_ ',
    43: '_ * #,##0.00_ ;_ * \\-#,##0.00_ ;_ * "-"??_ ;_ @_ ',
    44: '_ "￥"* #,##0.00_ ;_ "￥"* \\-#,##0.00_ ;_ "￥"* "-"??_ ;_ @_ ',
    45: "mm:ss",
    46: "[h]:mm:ss",
    47: "mm:ss.0",
    48: "##0.0E+0",
    49: "@",
    50: 'yyyy"年"m"月"',
    51: 'm"月"d"日"',
    52: 'yyyy"年"m"月"',
    53: 'm"月"d"日"',
    54: 'm"月"d"日"',
    55: '上午/下午h"时"mm"分"',
    56: '上午/下午h"时"mm"分"ss"秒"',
    57: 'yyyy"年"m"月"',
    58: 'm"月"d"日"',
}

# openpyxl hands out the en-US code of a locale-dependent built-in instead of its id, and
# writes those codes back as the id; a return never spells them itself, so read them as the id.
_OPENPYXL = {
    5: '"$"#,##0_);("$"#,##0)',
    6: '"$"#,##0_);[Red]("$"#,##0)',
    7: '"$"#,##0.00_);("$"#,##0.00)',
    8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    14: "mm-dd-yy",
    22: "m/d/yy h:mm",
    37: "#,##0_);(#,##0)",
    38: "#,##0_);[Red](#,##0)",
    39: "#,##0.00_);(#,##0.00)",
    40: "#,##0.00_);[Red](#,##0.00)",
    41: '_(* #,##0_);_(* \\(#,##0\\);_(* "-"_);_(@_)',
    42: '_("$"* #,##0_);_("$"* \\(#,##0\\);_("$"* "-"_);_(@_)',
    43: '_(* #,##0.00_);_(* \\(#,##0.00\\);_(* "-"??_);_(@_)',
    44: '_("$"* #,##0.00_)_("$"* \\(#,##0.00\\)_("$"* "-"??_)_(@_)',
    47: "mmss.0",
}
OPENPYXL_ALIASES: dict[str, str] = {code: BUILTIN[i] for i, code in _OPENPYXL.items()}

# [$-F800] and [$-F400] mean "the system's long date / time": zh-CN's.
SYSTEM_FORMATS: dict[str, str] = {
    "F800": 'yyyy"年"m"月"d"日"',
    "F400": "h:mm:ss",
}


def builtin_format(fmt_id: int) -> str:
    """The format code of a built-in number format id (zh-CN); General for unknown ids."""
    return BUILTIN.get(fmt_id, "General")
