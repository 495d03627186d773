"""The 设置 sheet: key/value settings of a 考核细则, and period weights."""

from __future__ import annotations

import re

from targetbook import labels as L
from targetbook.rules.model import Settings
from targetbook.rules.sheets import Ctx, NotANumber, Sheet, key, number, split_list, text

VETO_ALIASES = {
    "0": L.V_ZERO,
    "零分": L.V_ZERO,
    "计0分": L.V_ZERO,
    "末位": L.V_LAST,
    "降等": L.V_DOWNGRADE,
    "降一个等次": L.V_DOWNGRADE,
}


def parse_settings(ctx: Ctx, sh: Sheet | None) -> tuple[Settings, str]:
    """The 设置 sheet → Settings, and the cell of 并列规则 (to locate unknown items)."""
    s = Settings()
    tie_cell = ""
    if sh is None:
        return s, tie_cell
    for row, r in sh.frame.iterrows():
        name, raw = key(r.get(L.KEY)), r.get(L.VALUE)
        if not name:
            continue
        cell = sh.cell(L.VALUE, row)
        s.cells[name] = cell

        def bad(choices: str, name=name, raw=raw, cell=cell) -> None:
            ctx.add(
                "rule_setting_invalid", sh.name, cell, key=name, value=text(raw), choices=choices
            )

        def num(percent=False, name=name, raw=raw, cell=cell) -> float | None:
            try:
                return number(raw, percent=percent)
            except NotANumber:
                bad(L.CHOICE_NUMBER)
                return None

        if name == L.S_FULL_MARKS:
            s.full_marks = num()
            if s.full_marks is not None and s.full_marks <= 0:
                ctx.add("rule_value_negative", sh.name, cell, column=name, value=text(raw))
                s.full_marks = None
        elif name == L.S_VETO_ITEMS:
            s.veto_items = tuple(split_list(raw))
        elif name == L.S_VETO_EFFECT:
            _veto_effects(s, raw, bad)
        elif name == L.S_MISSING_PERIOD:
            word = {"0分": L.GAP_ZERO, "0": L.GAP_ZERO, "平均": L.GAP_MEAN}.get(key(raw), key(raw))
            if word in (L.GAP_ZERO, L.GAP_MEAN):
                s.missing_period = word
            else:
                bad("、".join((L.GAP_ZERO, L.GAP_MEAN)))
        elif name == L.S_VETO_SCOPE:
            _veto_scopes(s, raw)
        elif name == L.S_TIE_BREAK:
            s.tie_break, tie_cell = tuple(split_list(raw)), cell
        elif name == L.S_QUOTA_ROUNDING:
            if key(raw) in (L.ROUND_DOWN, L.ROUND_HALF_UP, L.ROUND_UP):
                s.quota_rounding = key(raw)
            else:
                bad("、".join((L.ROUND_DOWN, L.ROUND_HALF_UP, L.ROUND_UP)))
        elif name == L.S_QUOTA_TIE:
            if key(raw) in (L.TIE_STRICT, L.TIE_LENIENT):
                s.quota_tie = key(raw)
            else:
                bad("、".join((L.TIE_STRICT, L.TIE_LENIENT)))
        elif name == L.S_PERIOD_WEIGHTS:
            s.period_weights = _weights(ctx, sh.name, cell, raw)
        elif name in (L.S_BONUS_CAP, L.S_PENALTY_CAP):
            v = num()
            if name == L.S_BONUS_CAP and v is not None and v < 0:
                # A negative 加分上限 is no cap of added points; 扣分上限 may carry a sign.
                ctx.add("rule_value_negative", sh.name, cell, column=name, value=text(raw))
                continue
            setattr(
                s,
                "bonus_cap" if name == L.S_BONUS_CAP else "penalty_cap",
                None if v is None else abs(v),
            )
        elif name == L.S_DECIMALS:
            v = num()
            if v is not None and (v < 0 or not float(v).is_integer() or v > 6):
                bad("0–6")
            elif v is not None:
                s.decimals = int(v)
        elif name in (L.S_YELLOW, L.S_RED):
            v = num()
            if v is not None:
                setattr(s, "yellow" if name == L.S_YELLOW else "red", v)
        elif name == L.S_SCHEDULE:
            s.schedule = num(percent=True)
        else:
            ctx.add("rule_setting_unknown", sh.name, sh.cell(L.KEY, row), value=name)
    if s.yellow > s.red:
        cell = s.cells.get(L.S_YELLOW) or s.cells.get(L.S_RED, "")
        ctx.add("rule_lights_order", sh.name, cell, yellow=f"{s.yellow:g}", red=f"{s.red:g}")
    return s, tie_cell


_PAIR = re.compile(r"^(.+?)\s*[=:：]\s*(.+)$")


def _veto_effects(s: Settings, raw, bad) -> None:
    """`不合格`, or per item `党风廉政建设：不得评先评优；安全生产：排末位` (a bare effect
    among the pairs is the default of the other items)."""
    choices = "、".join(L.VETO_EFFECTS)
    for piece in split_list(raw):
        m = _PAIR.match(piece)
        item, word = (m.group(1), m.group(2)) if m else ("", piece)
        effect = VETO_ALIASES.get(key(word), key(word))
        if effect not in L.VETO_EFFECTS:
            bad(choices)
            return
        if item:
            s.veto_effects[key(item)] = effect
        else:
            s.veto_effect = effect


def _veto_scopes(s: Settings, raw) -> None:
    """`综合工作目标优胜奖`, or per item `党风廉政建设：全部奖项；安全生产：综合工作目标优胜奖`
    (pairs apart by ；, awards within by 、); blank or 全部奖项 = every award."""
    for piece in (p.strip() for p in re.split(r"[;；\n]+", text(raw))):
        m = _PAIR.match(piece)
        item, names = (m.group(1), m.group(2)) if m else ("", piece)
        awards = tuple(a for a in split_list(names) if key(a) not in L.ALL_AWARDS)
        if item:
            s.veto_scopes[key(item)] = awards
        elif piece:
            s.veto_scope = awards


_WEIGHT = re.compile(r"([^\d=:：、,，;；\s%]+?)(?:平均)?\s*[=:：]?\s*(\d+(?:\.\d+)?)\s*%?")


def period_group(period: str) -> str:
    """A period label → its weight group: `3月` → 月度, `二季度` → 季度, else itself (年度)."""
    p = key(period) or L.PERIOD_YEAR
    if p.endswith("月") and not p.endswith("个月"):
        return "月度"
    if "季度" in p:
        return "季度"
    if "半年" in p:
        return "半年"
    return p


def _weights(ctx: Ctx, sheet: str, cell: str, raw) -> dict[str, float]:
    """`年度40%、月度平均60%` / `年度=40，月度=60` → {年度: 40, 月度: 60}."""
    pairs = _WEIGHT.findall(text(raw))
    if not pairs:
        ctx.add(
            "rule_setting_invalid",
            sheet,
            cell,
            key=L.S_PERIOD_WEIGHTS,
            value=text(raw),
            choices="年度40%、月度60%",
        )
        return {}
    weights = {period_group(name): float(w) for name, w in pairs}
    total = sum(weights.values())
    if abs(total - 100) > 1e-6:
        ctx.add("rule_weights_total", sheet, cell, total=f"{total:g}", value=text(raw))
    return weights
