"""Parse a 考核细则 (and 考核打分 records) from sheet frames; every bad rule is an Issue with
its cell. The workbooks are read by write.rules."""

from __future__ import annotations

import pandas as pd

from targetbook import labels as L
from targetbook.errors import Issue
from targetbook.rules.model import Award, Grade, Item, Records, Rules
from targetbook.rules.settings import parse_settings
from targetbook.rules.sheets import (
    Ctx,
    NotANumber,
    Sheet,
    category,
    find_sheet,
    key,
    number,
    read_sheet,
    split_list,
    text,
)

# Every name staff may type for a method (its own name included), keyed as typed names are.
METHOD_ALIASES = {
    key(typed): method
    for method in L.METHODS
    for typed in (method, *L.METHOD_ALIASES.get(method, ()))
}


def _sheet(ctx: Ctx, frames, name, columns, *, required=False) -> Sheet | None:
    found = find_sheet(frames, name)
    if found is None:
        if required:
            ctx.add("rules_sheet_missing", sheet=name)
        return None
    sh = read_sheet(found[0], found[1], columns)
    if sh is None:
        ctx.add("rules_column_missing", found[0], "A1", column=columns[0])
    return sh


def _items_sheet(ctx: Ctx, frames) -> Sheet | None:
    """The 考核项目 sheet, or else the one sheet whose header holds 项目, 分值 and 方法 (a
    workbook with a single sheet named 考核细则, say)."""
    columns = (L.ITEM, *L.ITEM_COLUMNS, L.SCHEDULE)  # 序时进度 is optional
    if find_sheet(frames, L.RULES_ITEMS) is None:
        for name, frame in frames.items():
            sh = read_sheet(name, frame, columns)
            if sh is not None and {L.POINTS, L.METHOD} <= set(sh.letters):
                return sh
    return _sheet(ctx, frames, L.RULES_ITEMS, columns, required=True)


def rules_from_frames(
    frames: dict[str, pd.DataFrame], *, file: str = ""
) -> tuple[Rules, list[Issue]]:
    """Rules from sheet frames ({sheet name: frame}, raw or headed — see sheets.read_sheet)."""
    ctx = Ctx(file)
    settings, tie_cell = parse_settings(
        ctx, _sheet(ctx, frames, L.RULES_SETTINGS, (L.KEY, L.VALUE))
    )
    items_sheet = _items_sheet(ctx, frames)
    items = _items(ctx, items_sheet) if items_sheet else []
    rules = Rules(items=items, settings=settings, file=file)
    names = {i.name for i in items}
    for name in settings.tie_break:
        if name not in names and tie_cell:
            ctx.add("rule_tiebreak_unknown", L.RULES_SETTINGS, tie_cell, value=name)
    # A rejected item row would make every category's sum wrong: report the row, not the sums.
    if items_sheet and not any(i.sheet == items_sheet.name for i in ctx.issues):
        _check_totals(ctx, items_sheet, rules)
    grade_columns = (*L.GRADE_COLUMNS, L.GRADE_SCOPE)  # 范围 is optional
    rules.grades = _grades(ctx, _sheet(ctx, frames, L.RULES_GRADES, grade_columns))
    rules.awards = _awards(ctx, _sheet(ctx, frames, L.RULES_AWARDS, L.AWARD_COLUMNS), names)
    award_names = {key(a.name) for a in rules.awards}
    scoped = [*settings.veto_scope, *(a for v in settings.veto_scopes.values() for a in v)]
    for name in dict.fromkeys(scoped):
        if key(name) not in award_names:
            cell = settings.cells.get(L.S_VETO_SCOPE, "")
            ctx.add("rule_veto_scope_unknown", L.RULES_SETTINGS, cell, value=name)
    rules.records, rec_issues = records_from_frames(frames, file=file)
    return rules, ctx.issues + rec_issues


def _named_rows(ctx: Ctx, sh: Sheet, name_col: str):
    """(row, record, name, category) of each row with a name; a bad 类别 is reported, skipped."""
    for row, r in sh.frame.iterrows():
        name = text(r.get(name_col))
        if not name:
            continue
        cat = category(r.get(L.CATEGORY))
        if cat is None:
            ctx.add(
                "rule_category_invalid",
                sh.name,
                sh.cell(L.CATEGORY, row),
                value=text(r.get(L.CATEGORY)),
            )
            continue
        yield row, r, name, cat


def _reject(ctx: Ctx, sh: Sheet, row, r, rule: str, column: str, **params) -> None:
    """Report `rule` at the row's `column` cell, with its text as the value."""
    ctx.add(rule, sh.name, sh.cell(column, row), column=column, value=text(r.get(column)), **params)


def _required(ctx: Ctx, sh: Sheet, row, r, method: str, values: dict[str, object]) -> bool:
    """True when every parameter a method needs is there. Else the first missing one is
    reported; one typed but unreadable was reported already (not a number / date)."""
    if any(v is None and text(r.get(c)) for c, v in values.items()):
        return False
    missing = [c for c, v in values.items() if v is None]
    if missing:
        cell = sh.cell(missing[0], row)
        ctx.add("rule_param_missing", sh.name, cell, method=method, column=missing[0])
    return not missing


def _items(ctx: Ctx, sh: Sheet) -> list[Item]:
    items: list[Item] = []
    seen: set[tuple[str, str]] = set()
    for row, r, name, cat in _named_rows(ctx, sh, L.ITEM):
        method = METHOD_ALIASES.get(key(r.get(L.METHOD)))
        if method is None:
            ctx.add(
                "rule_method_unknown", sh.name, sh.cell(L.METHOD, row), value=text(r.get(L.METHOD))
            )
            continue
        nums = {
            lab: ctx.num(sh, lab, row, r.get(lab))
            for lab in (
                L.POINTS,
                L.BONUS_PER_PCT,
                L.BONUS_CAP,
                L.SHORT_PER_PCT,
                L.FLOOR,
                L.STEP,
                L.STEP_POINTS,
                L.SATISFIED,
                L.UNACCEPTABLE,
                L.PER_DAY,
            )
        }
        nums[L.THRESHOLD] = ctx.num(sh, L.THRESHOLD, row, r.get(L.THRESHOLD), percent=True)
        nums[L.SCHEDULE] = ctx.num(sh, L.SCHEDULE, row, r.get(L.SCHEDULE), percent=True)
        deadline = ctx.day(sh, L.DEADLINE, row, r.get(L.DEADLINE))
        if not _required(ctx, sh, row, r, method, {L.POINTS: nums[L.POINTS]}):
            continue
        try:
            rank_points = tuple(float(number(p)) for p in split_list(r.get(L.RANK_POINTS)))
        except (NotANumber, TypeError):
            _reject(ctx, sh, row, r, "rule_number_invalid", L.RANK_POINTS)
            continue
        needs = {
            c: deadline if c == L.DEADLINE else nums[c] for c in L.METHOD_PARAMS.get(method, ())
        }
        if not _required(ctx, sh, row, r, method, needs):
            continue
        if method == L.M_EFFICACY:
            if nums[L.SATISFIED] == nums[L.UNACCEPTABLE]:  # the formula divides by their gap
                cell = sh.cell(L.UNACCEPTABLE, row)
                ctx.add("rule_param_missing", sh.name, cell, method=method, column=L.UNACCEPTABLE)
                continue
        if method == L.M_LATE:
            if nums[L.PER_DAY] <= 0:
                _reject(ctx, sh, row, r, "rule_number_invalid", L.PER_DAY)
                continue
        # A negative cap or full points turns the item upside down (a 加分上限 of -2 took
        # points from every unit over target); 加分/扣分 items may hold a signed cap.
        negative = [L.BONUS_CAP] + (
            []
            if method in (L.M_BONUS, L.M_PENALTY, L.M_LATE)
            # … as does a negative rate of bonus or deduction, floor, step or pass mark.
            else [
                L.POINTS,
                L.BONUS_PER_PCT,
                L.SHORT_PER_PCT,
                L.FLOOR,
                L.STEP_POINTS,
                L.THRESHOLD,
            ]
        )
        negative.append(L.SCHEDULE)  # 序时进度 is a share of the year: 0–100 %
        bad = next((c for c in negative if nums[c] is not None and nums[c] < 0), None)
        if bad is not None:
            _reject(ctx, sh, row, r, "rule_value_negative", bad)
            continue
        if any(p < 0 for p in rank_points):
            _reject(ctx, sh, row, r, "rule_value_negative", L.RANK_POINTS)
            continue
        if nums[L.FLOOR] and nums[L.FLOOR] > nums[L.POINTS] and not item_is_adjustment(method):
            # 最低分 above 分值: every unit would earn more than full points.
            _reject(
                ctx, sh, row, r, "rule_floor_over_points", L.FLOOR, points=f"{nums[L.POINTS]:g}"
            )
            continue
        if nums[L.SCHEDULE] is not None and nums[L.SCHEDULE] > 100:
            _reject(ctx, sh, row, r, "rule_number_invalid", L.SCHEDULE)
            continue
        if nums[L.STEP] is not None and nums[L.STEP] <= 0:
            _reject(ctx, sh, row, r, "rule_number_invalid", L.STEP)
            continue
        lower = _direction(ctx, sh, row, r, method, nums)
        if lower is None:
            continue
        if (cat, name) in seen:
            ctx.add(
                "rule_item_duplicate",
                sh.name,
                sh.cell(L.ITEM, row),
                value=name,
                category=cat or L.ANY_CATEGORY,
            )
            continue
        seen.add((cat, name))
        threshold = nums[L.THRESHOLD]
        if method == L.M_PASS and threshold is None:
            threshold = 100.0
        items.append(
            Item(
                name=name,
                points=nums[L.POINTS],
                method=method,
                category=cat,
                indicator=text(r.get(L.INDICATOR)),
                bonus_per_pct=nums[L.BONUS_PER_PCT] or 0.0,
                bonus_cap=nums[L.BONUS_CAP],
                short_per_pct=nums[L.SHORT_PER_PCT] or 0.0,
                floor=nums[L.FLOOR] or 0.0,
                threshold=threshold,
                step=nums[L.STEP],
                step_points=nums[L.STEP_POINTS] or 0.0,
                rank_points=rank_points,
                satisfied=nums[L.SATISFIED],
                unacceptable=nums[L.UNACCEPTABLE],
                lower_is_better=lower,
                deadline=deadline,
                per_day=nums[L.PER_DAY] or 0.0,
                schedule=nums[L.SCHEDULE],
                period=text(r.get(L.PERIOD)),
                note=text(r.get(L.NOTE)),
                row=row,
            )
        )
    return items


def _direction(ctx: Ctx, sh: Sheet, row, r, method: str, nums: dict) -> bool | None:
    """True for 越小越好, False for 越大越好 (or blank); None after reporting a 方向 the
    method cannot use. A 功效系数 row without 方向 takes it from 满意值 vs 不允许值."""
    word = key(r.get(L.DIRECTION))
    if word and word not in (*L.LOWER_IS_BETTER_WORDS, *L.HIGHER_IS_BETTER_WORDS):
        _reject(ctx, sh, row, r, "rule_direction_invalid", L.DIRECTION)
        return None
    lower = word in L.LOWER_IS_BETTER_WORDS
    if word and method not in L.DIRECTION_METHODS:
        if lower:  # 越大越好 on a method that compares nothing changes nothing
            _reject(ctx, sh, row, r, "rule_direction_unusable", L.DIRECTION, method=method)
            return None
        return False
    if method == L.M_EFFICACY:
        inverted = nums[L.SATISFIED] < nums[L.UNACCEPTABLE]
        if word and inverted != lower:
            _reject(
                ctx,
                sh,
                row,
                r,
                "rule_direction_conflict",
                L.DIRECTION,
                satisfied=f"{nums[L.SATISFIED]:g}",
                unacceptable=f"{nums[L.UNACCEPTABLE]:g}",
            )
            return None
        return inverted
    if lower and method == L.M_RATE and nums[L.BONUS_PER_PCT] and nums[L.BONUS_CAP] is None:
        # 目标值 ÷ 0: a unit at 0 under a ceiling would earn an unbounded bonus.
        cell = sh.cell(L.BONUS_CAP, row)
        ctx.add("rule_param_missing", sh.name, cell, method=method, column=L.BONUS_CAP)
        return None
    return lower


def item_is_adjustment(method: str) -> bool:
    """加分/扣分/逾期扣分 lie outside 满分 (their 分值 is a cap)."""
    return method in (L.M_BONUS, L.M_PENALTY, L.M_LATE)


def _check_totals(ctx: Ctx, sh: Sheet, rules: Rules) -> None:
    """Scored items' points must add up to 满分 for each category (and period)."""
    full = rules.settings.full_marks
    if full is None:
        return
    periods = sorted({i.period for i in rules.items}) or [""]
    for cat in L.CATEGORIES:
        for period in periods:
            scored = [
                i for i in rules.items_for(cat) if not i.is_adjustment and i.period in ("", period)
            ]
            if not scored:
                continue
            total = round(sum(i.points for i in scored), 6)
            if abs(total - full) > 1e-6:
                ctx.add(
                    "rule_points_total",
                    sh.name,
                    sh.cell(L.POINTS, sh.header_row),
                    category=cat,
                    total=f"{total:g}",
                    expected=f"{full:g}",
                )


def _grades(ctx: Ctx, sh: Sheet | None) -> list[Grade]:
    if sh is None:
        return []
    grades: list[Grade] = []
    for row, r, name, cat in _named_rows(ctx, sh, L.GRADE):
        lower = ctx.num(sh, L.LOWER_BOUND, row, r.get(L.LOWER_BOUND))
        quota = ctx.num(sh, L.QUOTA, row, r.get(L.QUOTA))
        share = ctx.num(sh, L.SHARE, row, r.get(L.SHARE), percent=True)
        if quota is not None and (quota < 0 or not float(quota).is_integer()):
            _reject(ctx, sh, row, r, "rule_quota_invalid", L.QUOTA, reason=L.REASON_NOT_A_COUNT)
            quota = None
        if share is not None and not 0 <= share <= 100:
            _reject(ctx, sh, row, r, "rule_quota_invalid", L.SHARE, reason=L.REASON_SHARE_RANGE)
            share = None
        scope = key(r.get(L.GRADE_SCOPE))
        town = scope in L.TOWN_WIDE
        if scope and not town:
            _reject(ctx, sh, row, r, "rule_grade_scope_invalid", L.GRADE_SCOPE)
        elif town and cat:
            _reject(ctx, sh, row, r, "rule_grade_scope_invalid", L.GRADE_SCOPE)
            town = False
        count = None if quota is None else int(quota)
        grades.append(Grade(name, cat, lower, count, share, row, town))
    for cat in {g.category for g in grades}:
        total = sum(g.share or 0 for g in grades if g.category == cat)
        if total > 100 + 1e-6:
            first = next(g for g in grades if g.category == cat and g.share)
            ctx.add(
                "rule_quota_total",
                sh.name,
                sh.cell(L.SHARE, first.row),
                category=cat or L.ANY_CATEGORY,
                total=f"{total:g}",
            )
    return grades


def _awards(ctx: Ctx, sh: Sheet | None, names: set[str]) -> list[Award]:
    if sh is None:
        return []
    awards: list[Award] = []
    for row, r, name, cat in _named_rows(ctx, sh, L.AWARD):
        item = text(r.get(L.ITEM))
        if item and item not in L.EACH_ITEM and item not in names:
            ctx.add("rule_award_item_unknown", sh.name, sh.cell(L.ITEM, row), value=item)
            continue
        quota = ctx.num(sh, L.QUOTA, row, r.get(L.QUOTA))
        if quota is not None and (quota < 0 or not float(quota).is_integer()):
            _reject(ctx, sh, row, r, "rule_quota_invalid", L.QUOTA, reason=L.REASON_NOT_A_COUNT)
            continue
        lower = ctx.num(sh, L.LOWER_BOUND, row, r.get(L.LOWER_BOUND))
        awards.append(Award(name, cat, item, 1 if quota is None else int(quota), lower, row))
    return awards


def records_from_frames(
    frames: dict[str, pd.DataFrame], *, file: str = ""
) -> tuple[Records, list[Issue]]:
    """考核打分 / 加扣分 / 否决 / 外部结果 sheets (any present) → Records with provenance."""
    ctx = Ctx(file)
    out = Records()
    for name, cols, attr in (
        (L.SHEET_SCORING, L.SCORING_COLUMNS, "scoring"),
        (L.RULES_ADJUSTMENTS, L.ADJUSTMENT_COLUMNS, "adjustments"),
        (L.RULES_VETOES, L.VETO_COLUMNS, "vetoes"),
        (L.SHEET_EXTERNAL, L.EXTERNAL_COLUMNS, "external"),
    ):
        sh = _sheet(ctx, frames, name, cols)
        if sh is None:
            continue
        frame = sh.frame.copy()
        # Blank rows and 合计/备注/说明 lines under a table are not records.
        data = [
            bool(text(u)) and not key(u).startswith(L.NON_DATA_MARKERS)
            for u in frame.get(L.UNIT, [])
        ]
        frame = frame[data] if L.UNIT in frame else frame[:0]
        for c in cols:
            if c not in frame:
                frame[c] = None
        frame[L.SRC_FILE] = file
        frame[L.SRC_SHEET] = sh.name
        frame[L.SRC_ROW] = list(frame.index)
        setattr(out, attr, frame[[*cols, *L.PROVENANCE]].reset_index(drop=True))
        out.columns[f"{file}!{sh.name}"] = dict(sh.letters)
    return out, ctx.issues
