"""registry.py: loading the 单位名录 and matching names typed in returns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from targetbook.errors import TargetbookError
from targetbook.registry import Registry, Unit, registry_from_frame
from targetbook.write.registry import load_registry

SEED_ROWS = [
    ("党政办  （党群办、人大办）", "部门", "", ""),
    ("执法办  （督查办）", "部门", "", ""),
    ("经发办", "部门", "", "经济发展办"),
    ("温塘村", "村", "一组", ""),
    ("南桐村", "村", "一组", ""),
    ("南桐社区", "社区", "", ""),
    ("八〇一社区", "社区", "", "801社区、八零一社区"),
]


def seed_frame(rows=SEED_ROWS) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["单位", "类别", "考核组", "别名"], dtype=object)
    frame.index = range(2, 2 + len(frame))
    return frame


@pytest.fixture
def registry() -> Registry:
    reg, issues = registry_from_frame(seed_frame())
    assert issues == []
    return reg


@pytest.mark.parametrize(
    ("typed", "name", "how"),
    [
        ("党政办  （党群办、人大办）", "党政办  （党群办、人大办）", "name"),
        ("党政办（党群办、人大办）", "党政办  （党群办、人大办）", "name"),
        ("党政办", "党政办  （党群办、人大办）", "name"),
        ("党群办", "党政办  （党群办、人大办）", "alias"),
        ("人大办", "党政办  （党群办、人大办）", "alias"),
        ("督查办", "执法办  （督查办）", "alias"),
        ("执法办", "执法办  （督查办）", "name"),
        ("经济发展办", "经发办", "alias"),
        ("温塘村", "温塘村", "name"),
        ("温塘\u3000村", "温塘村", "name"),
        (" 温 塘 村\n", "温塘村", "name"),
        ("八0一社区", "八〇一社区", "name"),
        ("八０一社区", "八〇一社区", "name"),
        ("801社区", "八〇一社区", "alias"),
        ("党政办（党群办）", "党政办  （党群办、人大办）", "name"),
    ],
)
def test_match(registry, typed, name, how):
    unit, found_how = registry.match(typed)
    assert unit is not None and unit.name == name
    assert found_how == how
    assert registry.resolve(typed) == unit


def test_unknown_names(registry):
    assert registry.match("镇政府") == (None, "")
    assert registry.resolve("") is None


def test_suggest(registry):
    assert registry.suggest("温塘") == "温塘村"
    assert registry.suggest("温糖村") == "温塘村"
    assert registry.suggest("八零一") == "八〇一社区"
    assert registry.suggest("经发") == "经发办"
    assert registry.suggest("完全无关的名字") is None


def test_order_category_and_group(registry):
    assert [u.name for u in registry.in_category("村")] == ["温塘村", "南桐村"]
    assert registry.resolve("温塘村") == Unit("温塘村", "村", "一组", ())
    frame = registry.to_frame()
    assert list(frame.columns) == ["单位", "类别", "考核组", "别名"]
    assert frame.iloc[-1].tolist() == ["八〇一社区", "社区", "", "801社区、八零一社区"]
    again, issues = registry_from_frame(frame.set_axis(range(2, 2 + len(frame))))
    assert issues == [] and again.units == registry.units


def test_registry_issues_are_located():
    rows = [
        *SEED_ROWS,
        ("", "村", "", ""),  # row 9: blank name
        ("新村", "镇", "", ""),  # row 10: invalid category
        ("新工村社区", "社区", "", "温塘村"),  # row 11: alias = another unit's name
        ("温塘村", "村", "", ""),  # row 12: the same unit twice
        ("备注：按名录顺序打印", "", "", ""),  # row 13: a remark line, skipped silently
        ("", "", "", ""),  # row 14: blank line, skipped silently
    ]
    reg, issues = registry_from_frame(seed_frame(rows), file="名录.xlsx", sheet="单位名录")
    assert [(i.sheet, i.cell, i.rule) for i in issues] == [
        ("单位名录", "A9", "registry_blank_name"),
        ("单位名录", "B10", "registry_category_invalid"),
        ("单位名录", "D11", "registry_duplicate"),
        ("单位名录", "A12", "registry_duplicate"),
    ]
    assert {i.severity for i in issues[1:]} == {"error"}
    # The alias that collides never shadows the standard name
    assert reg.match("温塘村")[0].name == "温塘村"
    assert len(reg) == len(SEED_ROWS) + 1


def test_registry_column_missing():
    frame = pd.DataFrame({"单位": ["温塘村"], "考核组": [""]})
    reg, issues = registry_from_frame(frame)
    assert [(i.rule, i.severity) for i in issues] == [("registry_column_missing", "error")]
    assert len(reg) == 0


def test_registry_header_aliases():
    frame = pd.DataFrame({"单位名称": ["温塘村"], "类 别": ["行政村"], "简称": ["温塘"]})
    reg, issues = registry_from_frame(frame)
    assert issues == []
    assert reg.match("温塘") == (Unit("温塘村", "村", "", ("温塘",)), "alias")


def test_load_xlsx_with_title_rows(book):
    path = book(
        "名录.xlsx",
        {
            "说明": [["本表为单位名录"]],
            "单位名录": [["南桐镇单位名录"], [], ["序号", "单位", "类别", "考核组", "别名"],
                         [1, "温塘村", "村", "", "温塘"], [2, "", "村", "", ""]],
        },
    )  # fmt: skip
    reg, issues = load_registry(path)
    assert [u.name for u in reg] == ["温塘村"]
    assert [(i.sheet, i.cell, i.rule) for i in issues] == [
        ("单位名录", "B5", "registry_blank_name")
    ]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_load_csv(tmp_path, encoding):
    path = tmp_path / "名录.csv"
    text = "单位,类别,考核组,别名\n党政办  （党群办、人大办）,部门,,\n八〇一社区,社区,,801社区\n"
    path.write_bytes(text.encode(encoding))
    reg, issues = load_registry(path)
    assert issues == []
    assert reg.resolve("人大办").name == "党政办  （党群办、人大办）"
    assert reg.resolve("801社区").category == "社区"


def test_load_missing_file_is_fatal(tmp_path):
    with pytest.raises(TargetbookError) as err:
        load_registry(tmp_path / "无.xlsx")
    assert (err.value.rule, err.value.exit_code) == ("registry_file_missing", 2)


def test_match_is_a_dict_lookup():
    """match() looks names up in an index built once; it never scans the unit list."""
    big = Registry([Unit(f"单位{i}", "村") for i in range(20_000)])
    big.units = ()  # a scan would now find nothing
    assert big.match("单位 19999")[0].name == "单位19999"


_SPACES = st.sampled_from([" ", "\u3000", "\t", "\n", "\xa0", "  "])


@given(st.sampled_from(SEED_ROWS), st.data())
def test_any_spacing_or_width_still_matches(row, data):
    """Staff type names with any whitespace, full-width digits/brackets and 0 for 〇."""
    reg, _ = registry_from_frame(seed_frame())
    name = row[0]
    typed = "".join(c + (data.draw(_SPACES) if data.draw(st.booleans()) else "") for c in name)
    if data.draw(st.booleans()):
        typed = typed.replace("〇", "0")
    if data.draw(st.booleans()):  # full-width forms, as a Chinese IME types them
        typed = typed.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    unit, how = reg.match(typed)
    assert unit is not None and unit.name == name and how == "name"


MESSY_REGISTRY = Path(__file__).parent / "data" / "messy" / "registry.csv"


# --- the registry as offices keep it -----------------------------------------------------------
def test_registry_with_title_seq_column_aliases_and_a_remark(book):
    path = book(
        "名录.xlsx",
        {
            "说明": [["本表为单位名录"]],
            "名录": [
                ["南桐镇2022年度考核单位名录"],
                [],
                ["序  号", "单位名称 ", "类\u3000别", "考核分组", "别称"],
                [1, "党政办  （党群办、人大办）", "部门 ", None, None],
                [2, " 温塘村", "行政村", None, "温塘"],
                [None, None, None, None, None],
                [3, "八〇一社区", "社区居委会", None, "801社区,八零一社区"],
                ["备注：以上单位按2022年调整"],  # in the 序号 column: not a blank name
            ],
        },
    )
    registry, issues = load_registry(path)
    assert issues == []
    assert [(u.name, u.category) for u in registry] == [
        ("党政办  （党群办、人大办）", "部门"), ("温塘村", "村"), ("八〇一社区", "社区"),
    ]  # fmt: skip
    for typed, name in [
        ("党群办", "党政办  （党群办、人大办）"),
        ("党政办(人大办)", "党政办  （党群办、人大办）"),
        ("８０１社区", "八〇一社区"),
        ("八零一社区", "八〇一社区"),
        ("八0一社区", "八〇一社区"),
        ("温塘村\u3000", "温塘村"),
    ]:
        assert registry.resolve(typed).name == name, typed
    assert registry.suggest("温糖村") == "温塘村"


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("温塘村委会", "温塘村"),
        ("南桐村村民委员会", "南桐村"),
        ("南桐居委会", "南桐社区"),  # 居委会: the community, not 南桐村
        ("后湾社区居委会", "后湾社区"),
        ("八0一社区居委会", "八〇一社区"),
        ("南桐镇经发办", "经发办"),
        ("南桐镇人民政府纪委", "纪委"),
        ("镇纪委", None),
        ("居委会", None),
    ],
)
def test_names_signed_with_committee_or_town(typed, name):
    registry, _ = load_registry(MESSY_REGISTRY)
    unit, how = registry.match(typed)
    assert (unit.name if unit else None) == name
    assert how == ("alias" if name else "")  # reported as unit_alias: use the standard name
