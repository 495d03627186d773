"""targetbook.numfmt against LibreOffice's "as shown" CSV export of the same cells."""

from __future__ import annotations

import csv
import re
import zipfile
from datetime import date, datetime, time

import openpyxl
import pandas as pd
import pytest
from conftest import soffice_convert
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from targetbook.numfmt import display, format_scale, format_unit, is_date_format

# csv filter tokens: separator 44 (,), quote 34 ("), charset 76 (UTF-8), start row 1, column
# formats none, language 0, quoted as text false, detect special numbers true, and the 9th
# token — "save cell contents as shown" — true.
AS_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true"

NUMBERS = [0, 1, -1, 3.14159, -1234567.891, 12345678901234567, 1.23e10, 0.1 + 0.2, 123, 0.98765]
NUMBER_FORMATS = [
    "General",
    "0",
    "0.00",
    "#,##0",
    "#,##0.00",
    "0%",
    "0.0%",
    "0.00E+00",
    "00000",
    '0.0"万元"',
    '#,##0"亿元"',
    "0\\元",
    '0 "人"',
    '"¥"#,##0.00',
    "[$¥-804]#,##0.00",
    "#,##0_);(#,##0)",
    "#,##0.00_ ;[Red]-#,##0.00 ",
    '#,##0.00;[Red]-#,##0.00;"-"',
    '[>=100]"大"0;[<0]"负"0;0',
    "[Blue]0.00",
    "0.0??",
    "#,##0,",
    '#,##0.0,,"百万"',
    '0.00"%"',
    "#,###",
    "@",
    '@"元"',
]
FRACTIONS = [0, 1, -1, 3.14159, 0.3, 0.5, -2.25, 0.98765]
FRACTION_FORMATS = ["# ?/?", "# ??/??", "?/?", "# ?/8", "# ??/100"]
MOMENTS = [
    datetime(2022, 3, 15, 14, 5, 9),
    date(2024, 2, 29),
    datetime(2022, 12, 31, 9, 5, 0),
    datetime(1999, 1, 1, 23, 59, 30),
]
DATE_FORMATS = [
    'yyyy"年"m"月"d"日"',
    "yyyy/m/d",
    "yyyy-mm-dd",
    'yyyy"年"mm"月"dd"日"',
    '[$-804]yyyy"年"m"月"d"日"',
    'yyyy"年"m"月"',
    'm"月"d"日"',
    "d-mmm-yy",
    "yyyy.mm.dd",
    'yyyy"年"m"月"d"日" aaaa',
    "dddd",
    "ddd",
    "mmmm",
    "mmm",
    "[$-409]mmmm d, yyyy",
    "[$-409]dddd",
    "h:mm:ss",
    "hh:mm",
    'h"时"mm"分"ss"秒"',
    "h:mm AM/PM",
    'AM/PM h"时"mm"分"',
    "[h]:mm",
    "[mm]:ss",
    "yyyy-mm-dd hh:mm:ss",
    "yyyy/m/d h:mm",
    "yyyy/m/d;@",
    '[DBNum1]yyyy"年"m"月"d"日"',
    '[DBNum1][$-804]yyyy"年"m"月"',
    '[DBNum1]m"月"d"日" aaaa',
]
TIMES = [time(9, 30), time(14, 5, 9, 250000), 1.75]
TIME_FORMATS = ["h:mm", "h:mm:ss", "[h]:mm:ss", "mm:ss.0", "h:mm:ss.00", "h:mm AM/PM"]
OTHER = [
    ("General", 1e-7),
    ("General", 0.000123456),
    ("General", 1234567.1234567891),
    ("General", 1e15),
    ("General", True),
    ("General", False),
    ("General", "00123"),
    ("0.00", 2.675),  # 15 significant digits, then half up: not Python's round() (2.67)
    ("0.00", 1.005),
    ("0.00", "文本"),
    ('0;0;0;"[" @ "]"', "文本"),
    ('@"元"', "文本"),
    ("##0.0E+0", 12345),
    ("##0.0E+0", 0.00012345),
    ("0.00E-00", 12345),
    ("000-0000", 1234567),
    ('#,##0,"千"', 1234567),
    ('[>=1000]#,##0,"K";0', 123456),
    ('[>=1000]#,##0,"K";0', 12),
    ('[>100]0;[<-100]-0;"小"', 50),
    ('[>100]0;[<-100]-0;"小"', -500),
    ("[Red][<0]0.0;0.0", -3),
    ("0.00;;", -1),
    (";;;", 5),
    ("0;-0;;@", 0),
    ("[>100]0;0", -500),
]

# Where LibreOffice shows something other than Excel, we follow Excel (what the units' staff
# see in Excel/WPS). Each entry: (LibreOffice's text, ours, why).
QUIRKS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("General", "12345678901234567"): (
        "1.23456789012346E+016",
        "1.23456789012346E+16",
        "LibreOffice's CSV export writes 3-digit positive exponents in General; Excel E+16",
    ),
    ("#,##0,", "-1"): ("0", "-0", "LibreOffice drops the sign of a negative that rounds to 0"),
    ('#,##0.0,,"百万"', "-1"): (
        "0.0百万",
        "-0.0百万",
        "LibreOffice drops the sign of a negative that rounds to 0",
    ),
}
# Built-ins 14 and 22 are the reader's short date: zh-CN Excel yyyy/m/d, LibreOffice YYYY-M-D.
SHORT_DATE = {
    "mm-dd-yy": ("2022-3-15", "2022/3/15", "built-in 14"),
    "m/d/yy h:mm": ("2022-3-15 14:05", "2022/3/15 14:05", "built-in 22"),
}


def _cases() -> list[tuple[str, object]]:
    cases = [(f, v) for f in NUMBER_FORMATS for v in NUMBERS]
    cases += [(f, v) for f in FRACTION_FORMATS for v in FRACTIONS]
    cases += [(f, v) for f in DATE_FORMATS for v in MOMENTS]
    cases += [(f, v) for f in TIME_FORMATS for v in TIMES]
    # Built-in ids: openpyxl names each by its en-US code and writes the id back; LibreOffice
    # then shows its own zh-CN built-in, display() reads the code as the zh-CN built-in too.
    moment = datetime(2022, 3, 15, 14, 5, 9)
    for fmt_id, code in BUILTIN_FORMATS.items():
        values = [moment] if is_date_format(code) else [1234.5678, -1234.5678, 0, "文本"]
        cases += [(code, v) for v in values if 0 < fmt_id < 50]
    return cases + OTHER


def _libreoffice(tmp_path, cases, date1904: bool) -> list[str]:
    wb = openpyxl.Workbook()
    if date1904:
        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    for row, (fmt, value) in enumerate(cases, start=1):
        ws.cell(row=row, column=1, value=value).number_format = fmt
    src = tmp_path / ("d1904.xlsx" if date1904 else "d1900.xlsx")
    wb.save(src)
    out = soffice_convert(src, AS_SHOWN, tmp_path / "lo")
    with open(out, encoding="utf-8", newline="") as f:
        shown = [row[0] if row else "" for row in csv.reader(f)]
    return shown + [""] * (len(cases) - len(shown))


@pytest.mark.parametrize("date1904", [False, True], ids=["1900", "1904"])
def test_display_matches_libreoffice_as_shown(tmp_path, monkeypatch, date1904):
    # LibreOffice renders month/day names, AM/PM and the short date in its UI locale.
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    cases = _cases()
    shown = _libreoffice(tmp_path, cases, date1904)
    assert len(shown) == len(cases)
    wrong, used = [], set()
    for (fmt, value), lo in zip(cases, shown, strict=True):
        ours = display(value, fmt, date1904=date1904)
        quirk = SHORT_DATE.get(fmt) or QUIRKS.get((fmt, repr(value)))
        used.add(quirk)
        expected = (quirk[0], quirk[1]) if quirk else (lo, lo)
        if (lo, ours) != expected:
            wrong.append((fmt, value, lo, ours))
    assert wrong == [], "\n".join(map(repr, wrong))
    assert set(QUIRKS.values()) | set(SHORT_DATE.values()) <= used  # no stale excuse


_CODED = re.compile(r'<numFmt numFmtId="(\d+)" formatCode="&quot;ID(\d+)&quot;0"')


def _bare_styles(xml: str) -> str:
    """styles.xml with each placeholder code "IDn"0 replaced by the bare built-in id n."""
    to_id = dict(_CODED.findall(xml))
    assert to_id
    xml = re.sub(r"<numFmts[^>]*>.*?</numFmts>", "", xml, flags=re.S)
    return re.sub(r'numFmtId="(\d+)"', lambda m: f'numFmtId="{to_id.get(m[1], m[1])}"', xml)


def _bare_ids(src, dst) -> None:
    """Copy an xlsx, its cells carrying bare built-in ids (no format code), as Excel saves."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/styles.xml":
                data = _bare_styles(data.decode()).encode()
            zout.writestr(item, data)


def test_bare_builtin_ids_match_libreoffice(tmp_path, monkeypatch):
    # A file from a Chinese Excel stores only the id for these: LibreOffice (zh_CN) reads them
    # with its zh-CN table, display() with ours. 14 and 22 are the short date (see SHORT_DATE).
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    moment, amount = datetime(2022, 3, 15, 14, 5, 9), -1234.5678
    ids = [5, 6, 7, 8, 37, 38, 39, 40, 41, 42, 43, 44, 14, 22, *range(27, 37), *range(50, 59)]
    cases = [(i, moment if is_date_format(i) else amount) for i in ids]
    wb = openpyxl.Workbook()
    for row, (fmt_id, value) in enumerate(cases, start=1):
        wb.active.cell(row=row, column=1, value=value).number_format = f'"ID{fmt_id}"0'
    wb.save(tmp_path / "coded.xlsx")
    _bare_ids(tmp_path / "coded.xlsx", tmp_path / "ids.xlsx")
    out = soffice_convert(tmp_path / "ids.xlsx", AS_SHOWN, tmp_path / "lo")
    with open(out, encoding="utf-8", newline="") as f:
        shown = [row[0] for row in csv.reader(f)]
    short = {14: ("2022-3-15", "2022/3/15"), 22: ("2022-3-15 14:05", "2022/3/15 14:05")}
    got = [(i, lo, display(v, i)) for (i, v), lo in zip(cases, shown, strict=True)]
    assert [(i, lo, ours) for i, lo, ours in got if short.get(i, (lo, lo)) != (lo, ours)] == []


@pytest.mark.parametrize(
    ("fmt", "unit", "scale"),
    [
        ('0.0"万元"', "万元", 1.0),
        ('#,##0"亿元"', "亿元", 1.0),
        ("0\\元", "元", 1.0),
        ('0 "人"', "人", 1.0),
        ("0%", "%", 100.0),
        ("0.0%", "%", 100.0),
        ('0.00"%"', "%", 1.0),  # a quoted % shows the value as it is: 5 → 5.00%
        ('#,##0,"千"', "千", 0.001),
        ('"¥"#,##0.00', "¥", 1.0),
        ("[$¥-804]#,##0.00", "¥", 1.0),
        (7, "￥", 1.0),
        ('#,##0.00;[Red]-#,##0.00;"-"', "", 1.0),
        ('"总计："0.00', "", 1.0),
        ("General", "", 1.0),
        ("0.00", "", 1.0),
        ('yyyy"年"m"月"', "", 1.0),
        ("@", "", 1.0),
    ],
)
def test_format_unit_and_scale(fmt, unit, scale):
    assert (format_unit(fmt), format_scale(fmt)) == (unit, scale)


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (44635, 14, "2022/3/15"),
        (44635.5869097222, 22, "2022/3/15 14:05"),
        (44635, 27, "2022年3月"),
        (44635, 28, "3月15日"),
        (44635, 31, "2022年3月15日"),
        (0.5869097222, 32, "14时05分"),
        (0.5869097222, 33, "14时05分09秒"),
        (0.5869097222, 55, "下午2时05分"),
        (0.3958333333, 56, "上午9时30分00秒"),
        (44635, 57, "2022年3月"),
        (44635, 58, "3月15日"),
        (0.98765, 10, "98.77%"),
        (1234.5, 4, "1,234.50"),
        (1234.5, 49, "1234.5"),
        (1234.5, 200, "1234.5"),  # an id without a built-in code shows as General
        (datetime(2022, 3, 15, 14, 5, 9), '上午/下午h"时"mm"分"', "下午2时05分"),
    ],
)
def test_builtin_ids_and_chinese_clock(value, fmt, shown):
    assert display(value, fmt) == shown


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        # Excel keeps the minus of a negative shown as zero; LibreOffice drops it.
        (-0.001, "0.00", "-0.00"),
        (-0.4, "0", "-0"),
        # Excel keeps a decimal point with no digits after it; LibreOffice drops it.
        (2, "0.###", "2."),
        # Excel's 1900 system has a 29 February 1900 and a 0 January 1900; LibreOffice does not.
        (60, "yyyy-mm-dd", "1900-02-29"),
        (0, "yyyy-mm-dd", "1900-01-00"),
        (datetime(1900, 1, 1), "yyyy-mm-dd", "1900-01-01"),
        (time(9, 30), "yyyy/m/d h:mm", "1900/1/0 9:30"),
        # Excel rounds to the second before showing a time; LibreOffice truncates clock times.
        (datetime(2022, 12, 31, 23, 59, 59, 600000), "h:mm:ss", "0:00:00"),
        # Excel shows ##### for a negative date; we show the number rather than nothing.
        (-1, "yyyy-mm-dd", "-1"),
        # A/P keeps the letter case written in the format (LibreOffice writes p).
        (0.75, "h:mm A/P", "6:00 P"),
    ],
)
def test_excel_where_libreoffice_differs(value, fmt, shown):
    assert display(value, fmt) == shown


@pytest.mark.parametrize(
    ("value", "fmt", "date1904", "shown"),
    [
        (0, "yyyy-mm-dd", True, "1904-01-01"),
        (date(2022, 3, 15), "General", False, "44635"),
        (date(2022, 3, 15), "General", True, "43173"),
        (None, "0.00", False, ""),
        (pd.NaT, "yyyy-mm-dd", False, ""),
        (float("nan"), "0.00", False, ""),  # how pandas holds an empty cell
        ("12345678901234567", "0", False, "12345678901234567"),  # text ids keep every digit
        (12345678901234567, "0", False, "12345678901234600"),  # a number keeps 15, as Excel
        (0.1 + 0.2, "General", False, "0.3"),
        (1.23e10, "0.00E+00", False, "1.23E+10"),
        (-2.25, "# ?/?", False, "-2 1/4"),
    ],
)
def test_display_values(value, fmt, date1904, shown):
    assert display(value, fmt, date1904=date1904) == shown


# Pieces of format codes, glued at random: whatever a return's author typed, display() answers.
_PIECES = st.sampled_from(
    [
        "0",
        "#",
        "?",
        ".",
        ",",
        "%",
        "E+",
        "e-",
        "/",
        "@",
        ";",
        '"元"',
        "\\万",
        "_)",
        "* ",
        "[Red]",
        "[>=100]",
        "[<0]",
        "[$¥-804]",
        "[$-409]",
        "[h]",
        "[mm]",
        "y",
        "m",
        "d",
        "h",
        "s",
        "aaaa",
        "AM/PM",
        "A/P",
        "上午/下午",
        "General",
        " ",
        "-",
        "[",
        "]",
        '"',
    ]
)
_VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9999, 12, 31)),
    st.text(max_size=5),
    st.booleans(),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=8).map("".join), _VALUES, st.booleans())
def test_display_answers_any_format(fmt, value, date1904):
    assert isinstance(display(value, fmt, date1904=date1904), str)
    assert isinstance(format_unit(fmt), str) and format_scale(fmt) > 0
