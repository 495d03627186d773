"""text.py: normalisation, Chinese numerals, quantities and numbered items."""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from targetbook.text import (
    Quantity,
    cell_text,
    clean_text,
    clean_texts,
    cn_number,
    header_key,
    is_empty,
    name_key,
    parse_quantity,
    split_aliases,
    split_items,
    split_name_aliases,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (float("nan"), ""),
        (12.0, "12"),
        (0.1, "0.1"),
        (7, "7"),
        ("  a\r\nb\u3000", "a\nb"),
        ("\ufeff温塘村\u200b", "温塘村"),
        (datetime(2022, 6, 28), "2022-06-28"),
        (True, "TRUE"),
    ],
)
def test_clean_text(value, expected):
    assert clean_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (123456789012345.0, "123456789012345"),  # 15 digits: still a whole number
        (-123456789012345.0, "-123456789012345"),
        (1e15, "1E+15"),  # 16 digits: Excel's General format shows the exponent
        (12345678901234567.0, "1.23456789012346E+16"),
        (0.1 + 0.2, "0.3"),  # 15 significant digits, as Excel shows it
        (1.5e-7, "1.5E-07"),
        (-0.0, "0"),
        (float("inf"), ""),
        (12345678901234567, "12345678901234567"),  # a Python int is exact: all its digits
        (False, "FALSE"),
        (datetime(2022, 6, 28, 9, 30), "2022-06-28 09:30:00"),
        (pd.NaT, ""),
        (pd.NA, ""),
        (np.float64(3.0), "3"),
        (pd.Timestamp("2023-03-05"), "2023-03-05"),
    ],
)
def test_clean_text_edges(value, expected):
    assert clean_text(value) == expected
    assert cell_text(value) == expected


def test_cell_text_keeps_strings_verbatim():
    assert cell_text("  lead and trail \r\n") == "  lead and trail \r\n"
    assert clean_text("  lead and trail \r\n") == "lead and trail"


def test_clean_texts_matches_clean_text():
    values = ["a ", None, 3.0, "b\r\nc", "\u200bd"]
    assert clean_texts(values) == [clean_text(v) for v in values]
    assert clean_texts([" x", "y "]) == ["x", "y"]


def test_header_key_removes_every_space():
    assert header_key("序  号") == "序号"
    assert header_key("创先争优\n目标") == "创先争优目标"
    assert header_key("单位\u3000名称") == "单位名称"
    assert header_key("村（社区）") == "村(社区)"


def test_name_key_folds_width_space_and_zero():
    assert name_key("八〇一社区") == name_key("八0一 社区") == name_key("八０一社区")
    assert name_key("党政办  （党群办、人大办）") == name_key("党政办(党群办、人大办)")
    assert name_key("ＡＢ村") == name_key("ab村")


def test_split_name_aliases():
    assert split_name_aliases("党政办  （党群办、人大办）") == ("党政办", ["党群办", "人大办"])
    assert split_name_aliases("执法办 (督查办)") == ("执法办", ["督查办"])
    assert split_name_aliases("八〇一社区") == ("八〇一社区", [])
    assert split_name_aliases("（备用）") == ("（备用）", [])


def test_split_aliases_separators():
    assert split_aliases("党群办、人大办,督查办，a;b；c") == [
        "党群办", "人大办", "督查办", "a", "b", "c",
    ]  # fmt: skip
    assert split_aliases(None) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("三", 3),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("两", 2),
        ("一百零五", 105),
        ("一千二百三十四", 1234),
        ("两万三千", 23000),
        ("三亿五千万", 350_000_000),
        ("二〇二二", 2022),
        ("〇", 0),
        ("零", 0),
        ("１２", 12),
        ("0.5", 0.5),
        ("三点五", 3.5),
        ("2.5万", 25000),
        ("1,234.5", 1234.5),
    ],
)
def test_cn_number(text, expected):
    assert cn_number(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "三五十", "两三", "万", "第一", "1-2"])
def test_cn_number_rejects(text):
    assert cn_number(text) is None


@pytest.mark.parametrize(
    ("value", "number", "unit"),
    [
        ("5万元", 50_000, "元"),
        ("0.77亿", 77_000_000, "元"),
        ("2819.91万元", 28_199_100, "元"),
        ("97.19%", 97.19, "%"),
        ("１２", 12, ""),
        ("１２．５％", 12.5, "%"),
        ("三", 3, ""),
        ("十二", 12, ""),
        ("5家", 5, "家"),
        ("三家", 3, "家"),
        ("五万元", 50_000, "元"),
        ("12.5万人", 125_000, "人"),
        ("累计增速10.8%", 10.8, "%"),
        ("完成率65%", 65, "%"),
        ("80%以上", 80, "%"),
        ("1020.9余万元", 10_209_000, "元"),
        ("百分之六十五", 65, "%"),
        ("-3%", -3, "%"),
        (12, 12, ""),
        (3.5, 3.5, ""),
    ],
)
def test_parse_quantity(value, number, unit):
    q = parse_quantity(value)
    assert q is not None
    assert q.value == pytest.approx(number)
    assert q.unit == unit


@pytest.mark.parametrize("value", [None, "", " ", "-", "—", "无", "/", float("nan")])
def test_parse_quantity_empty_is_none_and_empty(value):
    assert parse_quantity(value) is None
    assert is_empty(value)


@pytest.mark.parametrize("value", ["abc", "保2争1", "1-2", "2022年7月", "一般", True, "inf", "nan"])
def test_parse_quantity_never_guesses(value):
    """Text that is not a number is None and not empty: validate reports it, never a 0."""
    assert parse_quantity(value) is None
    assert not is_empty(value)


def test_split_items_numbering_styles():
    cell = "1. 城市综合管理水平区考核组排名第1；\n2. 农村公路养护管理考核优秀等次。"
    assert split_items(cell) == ["城市综合管理水平区考核组排名第1", "农村公路养护管理考核优秀等次"]
    assert split_items("1、甲；2、乙") == ["甲", "乙"]
    assert split_items("（1）甲（2）乙") == ["甲", "乙"]
    assert split_items("①甲②乙③丙") == ["甲", "乙", "丙"]
    assert split_items("一、甲\n二、乙") == ["甲", "乙"]


def test_split_items_keeps_unnumbered_and_numbers_in_text():
    assert split_items("全区第1。") == ["全区第1"]
    assert split_items("1. 2022年7月建成；\n2. 确保1.5万元") == ["2022年7月建成", "确保1.5万元"]
    assert split_items("目标：\n1.甲\n2.乙") == ["目标：", "甲", "乙"]
    assert split_items("") == []


# --- properties ------------------------------------------------------------------------
@given(st.one_of(st.none(), st.text(), st.floats(), st.integers(), st.booleans(), st.binary()))
def test_clean_text_never_raises(value):
    assert isinstance(clean_text(value), str)
    assert isinstance(header_key(value), str)


@given(st.text())
def test_name_key_idempotent(text):
    assert name_key(name_key(text)) == name_key(text)


@given(st.text(alphabet=st.sampled_from("村社区办样本〇０Ａa1Z\u200b\u3000 \r（(")))
def test_name_key_shortcut_agrees_with_the_full_key(text):
    # plain names (CJK ideographs, digits, lower-case letters) skip normalisation: the
    # key must be what the full NFKC/casefold/space/invisible pipeline gives
    from targetbook.text._clean import _name_key_of_text

    assert name_key(text) == _name_key_of_text(text)
    assert clean_text(text) == clean_text(text.replace("\u200b", ""))


@given(st.text(), st.lists(st.sampled_from([" ", "\u3000", "\t", "\n", "\xa0"]), max_size=3))
def test_name_key_ignores_whitespace(text, spaces):
    spaced = "".join(spaces) + " ".join(text) + "".join(spaces)
    assert name_key(spaced) == name_key(text)


@given(
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
    st.sampled_from([("", 1, ""), ("万元", 10_000, "元"), ("亿", 10**8, "元"), ("%", 1, "%"),
                     ("家", 1, "家")]),
)  # fmt: skip
def test_parse_quantity_round_trips(number, suffix):
    word, factor, unit = suffix
    q = parse_quantity(f"{number}{word}")
    assert q == Quantity(float(number * factor), unit, f"{number}{word}")


@given(st.integers(min_value=0, max_value=99_999_999))
def test_cn_number_round_trips_chinese_numerals(n):
    assert cn_number(_to_chinese(n)) == n


@given(st.text(max_size=30))
def test_parse_quantity_is_number_or_none(text):
    q = parse_quantity(text)
    assert q is None or (isinstance(q.value, float) and not math.isnan(q.value))


def _to_chinese(n: int) -> str:
    """A straightforward writer of Chinese numerals, to check the reader against."""
    digits = "零一二三四五六七八九"
    if n == 0:
        return "零"

    def below_10000(m: int, leading: bool) -> str:
        out, zero = "", False
        for value, word in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = m // value % 10
            if d:
                if zero or (not leading and not out and value < 1000):
                    out += "零"
                out += digits[d] + word
                zero = False
            elif out:
                zero = True
        return out

    high, low = divmod(n, 10_000)
    text = below_10000(high, True) + "万" if high else ""
    text += below_10000(low, not high) if low else ""
    return text


def test_find_header_skips_titles_and_maps_aliases_to_first_columns():
    from targetbook.headers import find_header, label_map

    rows = [
        ["附件2", None, None],
        ["村 2022年度 目标", None, None],
        [None, None, None],
        ["序 号", "单位名称", "单位"],
        [1, "温塘村", "x"],
    ]
    known = label_map(["序号", "单位"], {"单位名称": "单位"})
    found = find_header(rows, known, ["单位"])
    assert (found.row, found.columns) == (3, {"序号": 0, "单位": 1})
    assert find_header(rows, known, ["单位"], scan=3) is None
    assert find_header(rows, known, ["单位", "类别"]) is None


def test_find_header_takes_a_cell_to_label_function():
    from targetbook.headers import find_header

    rows = [["名录"], ["名称", "分类"]]
    found = find_header(rows, {"名称": "单位", "分类": "类别"}.get, ["单位", "类别"])
    assert (found.row, found.columns) == (1, {"单位": 0, "类别": 1})


def test_approximate_prefilter_covers_every_character_nfkc_maps_to_an_estimate_word():
    """is_approximate skips text without any of _APPROX_CHARS: the list must hold every
    character that is, or NFKC-normalises into, a character each estimate word needs."""
    import sys
    import unicodedata

    from targetbook.text import _numbers

    needed = set("约概近逾左上≈~～余多")
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        if needed & set(unicodedata.normalize("NFKC", c)):
            assert c in _numbers._APPROX_CHARS, hex(cp)
    # the words still count, a compatibility character too (㊤下 is 上下 after NFKC)
    cases = {"约1500万": True, "1500万左右": True, "㊤下100": True, "2901.40万元": False}
    cases |= {"1500多万": True, "～100": True, "100": False}
    for shown, approximate in cases.items():
        assert _numbers.is_approximate(shown) is approximate, shown


# parse_quantity's quick path for plain figures (`49.8万元`, `3.95亿`, `97.19%`, `３９`) must
# give what the general path gives, for those forms and for their near misses.
_FIGURE_CHARS = "0123456789０１２３４５６７８９.．,%％万亿元萬千人户-负约 （）()"


def _figures():
    from targetbook.text._numbers import _PLAIN_FIGURE_RE

    plain = st.from_regex(_PLAIN_FIGURE_RE, fullmatch=True)
    near = st.tuples(plain, st.text(alphabet=_FIGURE_CHARS, max_size=2)).map("".join)
    return st.one_of(plain, near, st.text(alphabet=_FIGURE_CHARS, min_size=1, max_size=12))


@given(_figures())
def test_plain_figure_path_agrees_with_the_general_path(text):
    from targetbook.text._numbers import _parse_general, _parse_text

    _parse_text.cache_clear()
    quick, general = _parse_text(text), _parse_general(text)
    assert quick == general
    if quick is not None:
        assert type(quick.value) is float


def test_plain_figure_path_values():
    from targetbook.text._numbers import _PLAIN_FIGURE_RE, parse_quantity

    # 49.8 × 10,000 = 498,000 元; 3.95 × 10⁸ = 395,000,000 元; full-width ３９ = 39
    cases = {
        "49.8万元": (498000.0, "元"),
        "3.95亿": (395000000.0, "元"),
        "102.82%": (102.82, "%"),
        "３９": (39.0, ""),
        "１２．５％": (12.5, "%"),
        "2901.40元": (2901.4, "元"),
    }
    for text, (value, unit) in cases.items():
        assert _PLAIN_FIGURE_RE.fullmatch(text), text
        q = parse_quantity(text)
        assert (q.value, q.unit, q.text) == (value, unit, text)
