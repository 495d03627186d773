"""等次 by score bands and quotas, and awards — with one stated rule for a quota inside a tie.

The rule (名额并列, default 从严): when the last seats of a quota fall inside a group of
tied units (tied after the 并列规则 items), none of the tied units gets the higher grade or
the award. Quotas in real schemes are ceilings handed down ("优秀不超过20%"), so exceeding
one is a breach while leaving a seat empty is not; the `quota_tie` warning names the units
so the office can break the tie by hand (or set 并列规则). With 从宽 the tied units all get
the higher grade / the award and the quota is exceeded by the size of the tie.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from targetbook import labels as L
from targetbook.errors import Issue, issue
from targetbook.explain import Explain, render
from targetbook.rules.model import Award, Grade, Settings


def seats(n_ranked: int, grade: Grade, settings: Settings) -> int | None:
    """Seats of a grade among `n_ranked` units: the count, the share rounded per 名额取整, or
    the smaller of both; None = unlimited."""
    limits = []
    if grade.quota is not None:
        limits.append(grade.quota)
    if grade.share is not None:
        exact = n_ranked * grade.share / 100
        if settings.quota_rounding == L.ROUND_UP:
            limits.append(math.ceil(round(exact, 9)))
        elif settings.quota_rounding == L.ROUND_HALF_UP:
            limits.append(math.floor(exact + 0.5 + 1e-9))
        else:
            limits.append(math.floor(round(exact, 9)))
    return min(limits) if limits else None


def _tie_issue(category, name, room, units, settings, higher) -> Issue:
    lenient = settings.quota_tie == L.TIE_LENIENT
    outcome = Explain("quota_tie_lenient", grade=higher) if lenient else Explain("quota_tie_strict")
    return issue(
        "quota_tie",
        category=category,
        grade=name,
        quota=room,
        count=len(units),
        units=L.LIST_SEP.join(units),
        how=settings.quota_tie,
        outcome=render(outcome),
    )


def assign_grades(
    groups: Sequence[tuple[float, list[str]]],
    ladder: Sequence[Grade],
    n_ranked: int,
    settings: Settings,
    category: str,
    issues: list[Issue] | None,
    barred: set[str] | frozenset[str] = frozenset(),
) -> dict[str, str]:
    """Tie groups (score, units), best first → {unit: grade}; units no grade admits get "".

    `barred` units (不得评先评优, 排末位) never take the first grade: each gets the best grade
    below it that its score reaches and that has a seat, and takes that seat."""
    out: dict[str, str] = {}
    used: dict[int, int] = {}  # grade index → seats taken
    pointer = {False: 0, True: min(1, len(ladder))}  # the next grade to try, per class
    for score, units in groups:
        for is_barred in (False, True):
            members = [u for u in units if (u in barred) == is_barred]
            if not members:
                continue
            gi = pointer[is_barred]
            while gi < len(ladder):
                g = ladder[gi]
                if g.lower is not None and score < g.lower - 1e-9:
                    gi += 1
                    continue
                cap = seats(n_ranked, g, settings)
                taken = used.get(gi, 0)
                if cap is None or taken + len(members) <= cap:
                    break
                room = cap - taken
                if room > 0:  # the cut falls inside this tie
                    if issues is not None:
                        issues.append(_tie_issue(category, g.name, room, members, settings, g.name))
                    if settings.quota_tie == L.TIE_LENIENT:
                        break
                gi += 1
            pointer[is_barred] = gi
            if gi < len(ladder):
                used[gi] = used.get(gi, 0) + len(members)
            for u in members:
                out[u] = ladder[gi].name if gi < len(ladder) else ""
    return out


def split_town(
    grade: Grade, counts: dict[str, int], settings: Settings, issues: list[Issue]
) -> dict[str, int]:
    """A 全镇 grade's seats → seats per category, in proportion to each category's ranked
    units (largest remainder: each gets ⌊seats × n ÷ N⌋, the seats left go to the largest
    remainders). Seats left inside equal remainders follow 名额并列: 从严 gives them to
    none (the town's ceiling holds), 从宽 to every tied category; a `quota_split_tie`
    warning names them."""
    total = sum(counts.values())
    town = seats(total, grade, settings)
    if town is None or not total:
        return {}
    exact = {c: town * n / total for c, n in counts.items()}
    out = {c: math.floor(round(v, 9)) for c, v in exact.items()}
    left = town - sum(out.values())
    by_rest = sorted(counts, key=lambda c: -round(exact[c] - out[c], 9))
    while left > 0 and by_rest:
        rest = round(exact[by_rest[0]] - out[by_rest[0]], 9)
        if rest <= 0:
            break
        tied = [c for c in by_rest if round(exact[c] - out[c], 9) == rest]
        by_rest = by_rest[len(tied) :]
        if len(tied) <= left:
            for c in tied:
                out[c] += 1
            left -= len(tied)
            continue
        lenient = settings.quota_tie == L.TIE_LENIENT
        outcome = (
            Explain("quota_tie_lenient", grade=grade.name)
            if lenient
            else Explain("quota_tie_strict")
        )
        issues.append(
            issue(
                "quota_split_tie",
                grade=grade.name,
                quota=town,
                room=left,
                categories=L.LIST_SEP.join(tied),
                how=settings.quota_tie,
                outcome=render(outcome),
            )
        )
        if lenient:
            for c in tied:
                out[c] += 1
        break
    return out


def lower_one(grade: str, ladder: Sequence[Grade]) -> str:
    """The grade one step below (the last grade stays last)."""
    names = [g.name for g in ladder]
    if grade not in names:
        return grade
    return names[min(names.index(grade) + 1, len(names) - 1)]


def pick(
    groups: Sequence[tuple[float, list[str]]],
    award: Award,
    settings: Settings,
    category: str,
    label: str,
    issues: list[Issue],
) -> list[str]:
    """The units an award goes to: the best `quota` of the candidates' tie groups."""
    winners: list[str] = []
    for score, units in groups:
        if award.lower is not None and score < award.lower - 1e-9:
            break
        room = award.quota - len(winners)
        if room <= 0:
            break
        if len(units) <= room:
            winners += units
            continue
        issues.append(_tie_issue(category, label, room, units, settings, label))
        if settings.quota_tie == L.TIE_LENIENT:
            winners += units
        break
    return winners


def tie_groups(frame: pd.DataFrame, rank: str, score: str) -> list[tuple[float, list[str]]]:
    """Rows sorted by `rank` → [(score, [units sharing that rank])], best first."""
    ranked = frame[frame[rank].notna()].sort_values(rank, kind="stable")
    return tie_groups_of(
        ranked[L.UNIT].to_numpy(dtype=object),
        ranked[rank].to_numpy(dtype=float),
        ranked[score].to_numpy(dtype=float),
    )


def tie_groups_of(
    units: np.ndarray, ranks: np.ndarray, scores: np.ndarray
) -> list[tuple[float, list[str]]]:
    """`tie_groups` of arrays already sorted by rank (no frame to build per item)."""
    out: list[tuple[float, list[str]]] = []
    last = None
    for unit, r, s in zip(units.tolist(), ranks.tolist(), scores.tolist(), strict=True):
        if r == last:
            out[-1][1].append(unit)
        else:
            out.append((float(s), [unit]))
            last = r
    return out
