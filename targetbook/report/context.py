"""The report context: ranked frames → plain records the 通知 / 通报 templates print. Pure."""

from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd

from targetbook import labels as L
from targetbook.report.facts import (
    late_text,
    lateness,
    points_text,
    submission_lines,
    veto_effect_text,
)
from targetbook.report.records import (
    Achievement,
    AchievementRow,
    Annex,
    Award,
    Bar,
    CategoryResult,
    Chart,
    PlanRow,
    RankRow,
    ReportContext,
    Veto,
)
from targetbook.text import clean_text as cell_text

# How each category is named in a 公文 (主送 and section headings).
CATEGORY_TITLES = {L.DEPARTMENT: "机关各部门", L.VILLAGE: "各村", L.COMMUNITY: "各社区"}
ORDINALS = "一二三四五六七八九十"
# Text width of the 版心 (156 mm) in points: sizes the 发文机关标志 so it stays on one line.
_TEXT_WIDTH_PT = 442
# XML 1.0 forbids most C0 controls; \f and \a would also be turned into page/paragraph
# breaks by docxtpl. Tabs and line breaks are kept.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Award lists are joined by 、 (rank stage); 、 inside （…） belongs to the award's name.
_AWARD_SPLIT = re.compile(r"[、；;,，\n]+(?![^（(]*[）)])")
_FALSE_WORDS = {"", "否", "无", "false", "0", "no", "n", "nan", "none", "×"}


def clean_text(value: object) -> str:
    """Cell value → printable text: targetbook.text's cell text, dates in Chinese, no controls."""
    if isinstance(value, dt.datetime | dt.date) and value is not pd.NaT:
        return format_date(value)
    return _CONTROL.sub("", cell_text(value))


def truthy(value: object) -> bool:
    """A flag cell (并列/否决) is set: True, a non-zero number, or a word other than 否/无."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return not (isinstance(value, float) and math.isnan(value)) and value != 0
    return clean_text(value).lower() not in _FALSE_WORDS


def format_date(value: object) -> str:
    """A date as a 公文 prints it: `2022年6月28日` (Arabic numerals, no leading zeros)."""
    if isinstance(value, str):
        return value.strip()
    d = pd.Timestamp(value)
    return f"{d.year}年{d.month}月{d.day}日"


def _number(value: object) -> float | None:
    try:
        x = float(clean_text(value))
    except ValueError:
        return None
    return None if math.isnan(x) else x


def _rank(value: object) -> int | None:
    x = _number(value)
    return None if x is None else int(x)


def _col(row: pd.Series, name: str) -> object:
    return row[name] if name in row.index else None


def _move_text(value: object) -> str:
    x = _number(value)
    if x is None:
        return "—"
    n = int(x)
    if n > 0:
        return f"进{n}位"
    if n < 0:
        return f"退{-n}位"
    return "持平"


def _rows(frame: pd.DataFrame | None) -> list[pd.Series]:
    if frame is None or frame.empty:
        return []
    return [row for _, row in frame.iterrows()]


def _categories(*frames: pd.DataFrame | None, extra: tuple[str, ...] = ()) -> list[str]:
    seen = list(L.CATEGORIES)
    for frame in frames:
        if frame is not None and L.CATEGORY in frame.columns:
            for c in frame[L.CATEGORY].map(clean_text):
                if c and c not in seen:
                    seen.append(c)
    seen += [c for c in extra if c not in seen]
    return seen


def _params(params: dict | None, year: int | str | None, today: dt.date | None) -> dict:
    # clean_text prints a date cell the 公文 way, so 日期 may be text or a date.
    p = {k: clean_text(v) for k, v in (params or {}).items()}
    yr = clean_text(year) or p.get(L.PARAM_YEAR) or str((today or dt.date.today()).year)
    town = p.get(L.PARAM_TOWN) or "本镇"
    office = p.get(L.PARAM_OFFICE) or f"{town}党政办公室"
    short = re.sub(r"[镇乡]$", "", town) if len(town) > 2 else town
    return {
        "town": town,
        "year": yr,
        "office": office,
        "signature": p.get(L.PARAM_SIGNATURE) or office,
        # An unnumbered draft: staff fill the number in once the office registers the file.
        "doc_number": p.get(L.PARAM_DOC_NUMBER) or f"{short}党政办发〔{yr}〕  号",
        "date": p.get(L.PARAM_DATE) or format_date(today or dt.date.today()),
        "recipients": p.get(L.PARAM_RECIPIENTS) or "各村、社区，机关各部门：",
        "annotation": p.get(L.PARAM_ANNOTATION, "").strip("（）()"),
        # The template prints `备注：`; a 参数 value that already starts with it keeps one.
        "remark": re.sub(r"^备注\s*[：:]\s*", "", p.get(L.PARAM_REMARK, "")),
    }


def build_annexes(annexes: dict[str, pd.DataFrame] | None, year: str) -> list[Annex]:
    """Consolidated annex frames (category → 序号 单位 创先争优目标 亮点工作计划) → Annexes."""
    out = []
    for category, frame in (annexes or {}).items():
        rows = [
            PlanRow(
                seq=clean_text(_col(r, L.SEQ)) or str(i),
                unit=clean_text(_col(r, L.UNIT)),
                target=clean_text(_col(r, L.TARGET)),
                plan=clean_text(_col(r, L.PLAN)),
            )
            for i, r in enumerate(_rows(frame), start=1)
            if clean_text(_col(r, L.UNIT))
        ]
        number = L.ANNEX_NUMBER.get(category, len(out) + 1)
        out.append(Annex(number, category, L.annex_title(category, year), rows))
    return sorted(out, key=lambda a: a.number)


def _rank_row(r: pd.Series, effect: str = "") -> RankRow:
    rank = _rank(_col(r, "名次"))
    tie = truthy(_col(r, "并列"))
    veto_flag = _col(r, "否决")
    veto = truthy(veto_flag)
    item = clean_text(veto_flag)
    if isinstance(veto_flag, bool | int | float) or item.lower() in {"是", "true", "1", "√", "yes"}:
        item = ""
    total = _number(_col(r, "总分"))
    group, group_rank = clean_text(_col(r, L.GROUP)), clean_text(_col(r, "组内名次"))
    awards = clean_text(_col(r, "奖项"))
    in_group = f"{group}第{group_rank}名" if group and group_rank else ""
    notes = [awards, in_group, f"一票否决，{effect}" if veto and effect else ""]
    return RankRow(
        category=clean_text(_col(r, L.CATEGORY)),
        group=group,
        unit=clean_text(_col(r, L.UNIT)),
        total="" if total is None else f"{total:.2f}",
        rank=rank,
        rank_text="—" if rank is None else f"{'并列' if tie else ''}第{rank}名",
        tie=tie,
        group_rank=group_rank,
        previous=clean_text(_col(r, "上年名次")),
        move=_move_text(_col(r, "进位")),
        grade=clean_text(_col(r, "等次")),
        awards=awards,
        veto=veto,
        veto_item=item,
        veto_reason=clean_text(_col(r, "否决事由")),
        note="；".join(n for n in notes if n),
    )


def _short(name: str, limit: int = 10) -> str:
    # The label column holds about ten characters at 11 px; the bar's tooltip has the rest.
    return name if len(name) <= limit else name[: limit - 1] + "…"


def build_chart(rows: list[RankRow], *, width: int = 640, bar_height: int = 14) -> Chart:
    """Bar geometry for the totals of one category (vetoed units flagged)."""
    label_width, gap, value_room = 130, 5, 56
    values = [_number(r.total) or 0.0 for r in rows]
    top = max(values, default=0.0)
    scale_max = max(10.0, math.ceil(top / 10.0) * 10.0)
    area = width - label_width - value_room
    bars = [
        Bar(
            _short(r.unit),
            r.total or "—",
            8 + i * (bar_height + gap),
            area * v / scale_max,
            r.veto,
            r.unit,
        )
        for i, (r, v) in enumerate(zip(rows, values, strict=True))
    ]
    height = 16 + len(rows) * (bar_height + gap)
    return Chart(width, height, label_width, bar_height, scale_max, bars)


def _awards(rows: list[RankRow]) -> list[Award]:
    by_name: dict[str, list[str]] = {}
    for r in rows:
        for name in _AWARD_SPLIT.split(r.awards):
            if name.strip() and r.unit not in by_name.setdefault(name.strip(), []):
                by_name[name.strip()].append(r.unit)
    return [Award(name, units) for name, units in by_name.items()]


def build_achievement(
    frame: pd.DataFrame | None, categories: list[str]
) -> tuple[list[Achievement], list[AchievementRow]]:
    """Per-category counts of target verdicts (判定), and the detail rows."""
    rows = [
        AchievementRow(
            category=clean_text(_col(r, L.CATEGORY)),
            unit=clean_text(_col(r, L.UNIT)),
            target=clean_text(_col(r, "目标原文")),
            actual=clean_text(_col(r, "实际")),
            verdict=clean_text(_col(r, "判定")) or "未判定",
        )
        for r in _rows(frame)
    ]
    summary = []
    for category in categories:
        mine = [r for r in rows if r.category == category]
        if not mine:
            continue
        counts: dict[str, int] = {}
        for r in mine:
            counts[r.verdict] = counts.get(r.verdict, 0) + 1
        order = {v: i for i, v in enumerate(L.VERDICTS)}
        counts = dict(sorted(counts.items(), key=lambda kv: order.get(kv[0], len(order))))
        parts = "、".join(f"{v}{n}项" for v, n in counts.items())
        title = CATEGORY_TITLES.get(category, category)
        text = f"{title}共有创先争优目标{len(mine)}项，其中{parts}。"
        summary.append(Achievement(category, len(mine), list(counts.items()), text))
    return summary, rows


def build_context(
    ranks: pd.DataFrame | None = None,
    *,
    annexes: dict[str, pd.DataFrame] | None = None,
    achievement: pd.DataFrame | None = None,
    missing: list[str] | pd.DataFrame | None = None,
    registry: pd.DataFrame | object | None = None,
    params: dict | None = None,
    year: int | str | None = None,
    today: dt.date | None = None,
    scores: pd.DataFrame | None = None,
) -> ReportContext:
    """Pure: rank-stage frames (RANK_COLUMNS, SCORE_COLUMNS, ACHIEVEMENT_COLUMNS), annexes,
    参数 → context. Every statement about a unit (ranked, returned, late, vetoed) comes from
    these frames once (report.facts), so the table and the sections agree."""
    p = _params(params, year, today)
    effect = veto_effect_text((params or {}).get(L.S_VETO_EFFECT, ""))
    missing_units = _missing_units(missing)
    unit_category = _unit_categories(registry) | _unit_categories(missing)
    cats = _categories(ranks, achievement, extra=tuple(annexes or {}))
    all_rows = [_rank_row(r, effect) for r in _rows(ranks)]
    late = lateness(scores)
    absent_set = set(missing_units)
    for r in all_rows:
        r.returned = r.unit not in absent_set
        r.late = late_text(late.get(r.unit), r.returned)
        if not r.returned and not r.late:
            r.late = "未报送回收表"
        r.note = "；".join(n for n in (r.note, r.late) if n)
    results = []
    listed = {r.unit for r in all_rows}
    for category in cats:
        rows = [r for r in all_rows if r.category == category]
        absent = [u for u in missing_units if unit_category.get(u) == category]
        if not rows and not absent:
            continue
        # Print by rank (ties keep the rank stage's order); unranked units go last.
        rows.sort(key=lambda r: (r.rank is None, r.rank or 0))
        unranked = [r.unit for r in rows if r.rank is None]
        unranked += [u for u in absent if u not in listed]
        number = ORDINALS[len(results)] if len(results) < len(ORDINALS) else str(len(results) + 1)
        title = CATEGORY_TITLES.get(category, category).removeprefix("各")
        results.append(
            CategoryResult(
                number,
                category,
                title,
                rows,
                build_chart([r for r in rows if r.rank is not None]),
                absent,
                unranked,
                _unranked_remark(unranked, absent_set),
            )
        )
    ordered = [r for c in results for r in c.rows]
    unranked_all = [u for c in results for u in c.unranked]
    submission = submission_lines(
        [(r.unit, r.late) for r in ordered if r.returned and r.late],
        [
            (
                r.unit,
                r.rank_text
                + (f"，扣{points_text(late[r.unit].points)}分" if r.unit in late else ""),
            )
            for r in ordered
            if not r.returned and r.rank is not None
        ],
        [u for u in unranked_all if u in absent_set],
        [u for u in unranked_all if u not in absent_set],
    )
    summary, detail = build_achievement(achievement, cats)
    masthead = f"{p['office']}文件"
    plan_title = f"{p['town']}{p['year']}年度创先争优目标和亮点工作计划"
    return ReportContext(
        **p,
        masthead=masthead,
        masthead_half_points=2 * max(22, min(42, _TEXT_WIDTH_PT // max(1, len(masthead)))),
        plan_title=plan_title,
        notice_title=f"关于印发《{plan_title}》的通知",
        bulletin_title=f"关于{p['town']}{p['year']}年度创先争优目标考核结果的通报",
        annexes=build_annexes(annexes, p["year"]),
        categories=results,
        awards=_awards(ordered),
        vetoes=[
            Veto(r.category, r.unit, r.veto_item, r.veto_reason, effect) for r in ordered if r.veto
        ],
        missing=missing_units,
        achievement=summary,
        achievement_rows=detail,
        submission=submission,
        late=[r.unit for r in ordered if r.late and r.returned],
    )


def _unranked_remark(unranked: list[str], absent: set[str]) -> str:
    """The line under a category's table: who is not ranked and why (never a ranked unit)."""
    if not unranked:
        return ""
    reasons = [f"{u}（{'未报送回收表，' if u in absent else ''}无得分）" for u in unranked]
    return f"未参加排名：{'、'.join(reasons)}"


def _missing_units(missing: list[str] | pd.DataFrame | None) -> list[str]:
    if missing is None:
        return []
    if isinstance(missing, pd.DataFrame):
        if missing.empty:
            return []
        column = L.UNIT if L.UNIT in missing.columns else missing.columns[0]
        values = missing[column].tolist()
    else:
        values = list(missing)
    return [t for t in (clean_text(v) for v in values) if t]


def _unit_categories(registry: object) -> dict[str, str]:
    if hasattr(registry, "units"):  # a registry.Registry
        return {u.name: u.category for u in registry.units}
    if not isinstance(registry, pd.DataFrame) or registry.empty:
        return {}
    if L.REG_CATEGORY not in registry.columns or L.REG_UNIT not in registry.columns:
        return {}
    return {
        clean_text(u): clean_text(c)
        for u, c in zip(registry[L.REG_UNIT], registry[L.REG_CATEGORY], strict=True)
    }
