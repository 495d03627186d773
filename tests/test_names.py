"""A unit name is matched the same way in every stage: text.name_key (width, case, 〇, spaces)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from targetbook import labels as L
from targetbook.consolidate import consolidate
from targetbook.rank import rank
from targetbook.read import Source, Table
from targetbook.registry import Registry, Unit
from targetbook.rules import Item, Records, Rules, Settings

NAME = "八〇一社区"
UNITS = [Unit(NAME, L.COMMUNITY), Unit("Ａ栋社区", L.COMMUNITY), Unit("后湾社区", L.COMMUNITY)]


def _return(rows: list[list]) -> Source:
    columns = list(L.KIND_COLUMNS[L.PLAN_KIND])
    frame = pd.DataFrame(rows, columns=columns, index=range(4, 4 + len(rows)))
    letters = {c: chr(ord("A") + i) for i, c in enumerate(columns)}
    table = Table("社区.xlsx", "附件3", L.PLAN_KIND, 3, letters, frame)
    modified = datetime(2022, 6, 1)
    return Source(
        file="社区.xlsx", path="/in/社区.xlsx", sha256="ab" * 32, modified=modified, tables=[table]
    )


def _scores(rows: list[tuple[str, float]]) -> Records:
    frame = pd.DataFrame([(u, "党建", s) for u, s in rows], columns=[L.UNIT, L.ITEM, L.SCORE])
    for c in (*L.SCORING_COLUMNS, *L.PROVENANCE):
        if c not in frame:
            frame[c] = None
    return Records(scoring=frame)


def test_a_unit_name_written_differently_matches_in_consolidation_and_rank():
    registry = Registry(UNITS)
    source = _return([[1, "八0一社区", "目标甲", "计划甲"], [2, "a 栋社区", "目标乙", "计划乙"]])
    cons = consolidate([source], registry, year=2022)
    assert list(cons.annexes[L.COMMUNITY][L.UNIT]) == [NAME, "Ａ栋社区"]
    assert cons.missing_units == ["后湾社区"]

    rules = Rules(items=[Item("党建", 100, L.M_DIRECT)], settings=Settings())
    scores = _scores([("八0一社区", 90), ("ａ栋 社区", 80), ("后湾社区", 70)])
    previous = pd.DataFrame({L.UNIT: ["八０一 社区", "a栋社区", "后湾社区"], "名次": [3, 1, 2]})
    result = rank(cons, rules, scores=scores, previous=previous)
    got = {
        r[L.UNIT]: (r["总分"], r["名次"], r["上年名次"]) for r in result.ranks.to_dict("records")
    }
    assert got == {NAME: (90, 1, 3), "Ａ栋社区": (80, 2, 1), "后湾社区": (70, 3, 2)}
    assert [i.rule for i in result.issues if i.rule.startswith("unit")] == []
