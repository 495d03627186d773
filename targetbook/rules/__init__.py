"""The assessment rules (考核细则): the workbook's sheets, their model and their loader.

README block (the lead pastes it; the control workbook carries the same sheets):

## 考核细则 workbook

Every sheet is optional except 考核项目; title rows above a header are allowed; sheet
names and headers are matched ignoring spaces and full/half width. Percentages may be
typed `85%`, `85` or as an Excel percent cell (0.85).

- **考核项目** — 类别 · 项目 · 分值 · 方法 · 指标 · 超额每1%加 · 加分上限 · 短缺每1%扣 ·
  最低分 · 起评线 · 每低 · 每档扣 · 名次分 · 满意值 · 不允许值 · 方向 · 期间 · 说明. One item
  per row; 类别 blank = every category; 指标 = the 指标 matched in 指标进度 rows (blank =
  the item's name); the scored items' 分值 must add up to 满分 per category.
- **设置** — 项目 · 值: 满分 (100; blank = no check), 否决项目 (`党风廉政建设、安全生产`),
  否决效果, 并列规则 (item names, first decides), 名额取整 (向下/四舍五入/向上), 名额并列
  (从严/从宽), 期间权重 (`年度40%、月度60%`), 加分总上限, 扣分总上限, 保留小数 (2),
  黄灯差距 (10), 红灯差距 (30), 序时进度 (blank = the share of the year elapsed on
  the run's date when one is given (`as_of`), else 100: a year-end assessment).
- **等次** — 等次 · 类别 · 下限 · 名额 · 比例, best first. A unit gets the first grade
  whose 下限 it reaches and whose 名额/比例 still has room; a row with neither is the
  catch-all.
- **奖项** — 奖项 · 类别 · 项目 · 名额 · 下限. 项目 blank = on the total (综合优胜奖); an
  item name, or `各项` = every scored item (单项先进).
- **加扣分** — 单位 · 项目 · 分值 · 事由 · 依据. 分值 signed (+2 加分, −1 扣分); 项目 names
  a 加分/扣分 item whose 分值 caps its records (blank: only the total caps apply).
- **否决** — 单位 · 项目 · 事由 · 日期: one-vote veto records (一票否决).
- **考核打分** — 单位 · 项目 · 得分 · 完成值 · 目标值 · 名次 · 期间 · 依据: offices' entries,
  a 得分 for 直接打分 items or the inputs (完成值/目标值/名次) of any other method; they may
  also come in a separate file (`--scores`), with 加扣分 and 否决 sheets. 来源 cites a
  rules or scores file by its path as given (relative), or by its file name when the path
  given is absolute, so the ranked workbook does not depend on where the folder lives.
- **外部结果** — 单位 · 项目 · 范围 · 名次 · 数值 · 等次 · 达成: results from outside the town
  (a district ranking, an award, a count) that 目标达成 judges targets against; 项目 is
  matched to the target's subject, 范围 (blank = any) to its scope, 达成 is 是/否. A row
  answers a target only with the figure of the target's kind — 名次 for a rank, 数值 for a
  rate, count, amount, 零发生 or 进位, 等次 for a grade — or with a 达成 verdict.

Methods (方法), with P = 分值, r = 完成率 in % (完成值 ÷ 目标值 × 100, or the return's 完成率):
- **完成率**: r below 起评线 → 0; r ≥ 100 → P + min((r − 100) × 超额每1%加, 加分上限);
  r < 100 → P − (100 − r) × 短缺每1%扣 − ⌊(100 − r) ÷ 每低⌋ × 每档扣, never below 最低分;
  with neither 短缺每1%扣 nor 每低 given, r < 100 earns P × r ÷ 100 (proportional).
- **名次赋分**: the points of the unit's 名次 in 名次分 (`60、57、54、51、48`; a rank past
  the list earns 最低分); with 名次分 blank, P × value ÷ best value (方向 `越小越好`:
  P × best ÷ value). 名次 comes from 考核打分, else from ranking
  the 完成值 within the category (ties share a rank, 1-1-3).
- **功效系数**: P × (60 + 40 × (实际 − 不允许值) ÷ (满意值 − 不允许值)) ÷ 100; reaching
  满意值 earns P, falling below 不允许值 earns 0 (also for lower-is-better indicators, where
  满意值 < 不允许值).
- **达标**: P when r ≥ 起评线 (default 100) or when 得分/完成值 says 达标/是/合格, else 0.
- **直接打分**: the 得分 an office entered in 考核打分 (over P → P, with a warning).
- **加分 / 扣分**: records of 加扣分 whose 项目 is this item; their sum is capped at P; the
  sums of all bonuses / deductions are capped by 加分总上限 / 扣分总上限.

否决效果: 不合格 (graded 不合格 whatever the score), 降一等 (one grade lower), 不得评先
(graded as usual), 排末位 (ranked after every unvetoed unit), 0分 (total set to 0). Under
every effect a vetoed unit gets no award; under 不合格 and 降一等 it takes no 名额 seat.
名额 from 比例 = 比例 × ranked units of the category, rounded per 名额取整 (default 向下:
a quota is a ceiling). When a 名额 cut falls inside a tie (after 并列规则), 名额并列 decides:
从严 (default) — the tied units all get the lower grade / no award, so a ceiling set from
above is never exceeded; 从宽 — they all get the higher one. Either way a `quota_tie`
warning names the units so the office can decide by hand.
"""

from targetbook.rules.load import (
    load_rules,
    load_scores,
    read_frames,
    records_from_frames,
    rules_from_frames,
)
from targetbook.rules.model import Award, Grade, Item, Records, Rules, Settings
from targetbook.rules.settings import period_group

__all__ = [
    "Award",
    "Grade",
    "Item",
    "Records",
    "Rules",
    "Settings",
    "load_rules",
    "load_scores",
    "period_group",
    "read_frames",
    "records_from_frames",
    "rules_from_frames",
]
