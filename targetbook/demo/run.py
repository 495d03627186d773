"""Run the demo campaign end to end: returns → check → 补报 → 汇总 (→ ranking, reports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from targetbook import labels, pipeline
from targetbook.demo import returns as demo_returns
from targetbook.demo import rules as demo_rules
from targetbook.demo.seed import NOTICE_DATE, REMARK, TOWN, UNITS, YEAR
from targetbook.results import Campaign, Consolidation, Ranking
from targetbook.write.reminders import CampaignStatus

DEFAULT_OUT = Path("targetbook-demo")
SHOW_ISSUES = 8
AS_OF = date(YEAR, 6, 30)
# Seed 000's notice: what the 通知 prints around the annexes.
NOTICE = Campaign.from_params(
    {
        labels.PARAM_TOWN: TOWN,
        labels.PARAM_YEAR: str(YEAR),
        labels.PARAM_OFFICE: f"{TOWN}党政办公室",
        labels.PARAM_SIGNATURE: f"{TOWN}党政办",
        labels.PARAM_DOC_NUMBER: f"南桐党政办发〔{YEAR}〕14号",
        labels.PARAM_DATE: NOTICE_DATE,
        labels.PARAM_RECIPIENTS: "各村、社区，机关各部门：",
        labels.PARAM_REMARK: REMARK,
    }
)


@dataclass
class DemoResult:
    """What the demo wrote and found; `summary_lines()` is what `targetbook demo` prints."""

    out_dir: Path
    registry: Path
    returns: list[Path]
    late: Path
    faults: list[demo_returns.PlantedFault]
    check: Consolidation  # the first round, before the late return
    consolidation: Consolidation  # after 补报
    outputs: dict[str, Path] = field(default_factory=dict)  # label → file
    ranking: Ranking | None = None
    midyear: list[Path] = field(default_factory=list)  # pre-filled, locked 年中 templates
    commitments: tuple[int, int] = (0, 0)  # (committed rows, of which parsed from targets)
    status: CampaignStatus | None = None  # 催报 at AS_OF

    def summary_lines(self) -> list[str]:
        """A short Chinese summary: what was found, and where the outputs are."""
        counts = {c: sum(1 for u in UNITS if u[0] == c) for c in labels.CATEGORIES}
        per = "、".join(f"{c} {n}" for c, n in counts.items())
        check = self.check
        errors = sum(1 for i in check.issues if i.severity == "error")
        lines = [
            f"演示：{TOWN}{YEAR}年度创先争优目标和亮点工作计划（{len(UNITS)} 个单位：{per}）",
            f"第一轮回收：{len(self.returns)} 个文件，数据行 {check.rows} 行",
            f"校验：错误 {errors} 条，警告 {len(check.issues) - errors} 条；"
            f"未报送 {len(check.missing_units)} 个（{'、'.join(check.missing_units)}）；"
            f"重复报送 {len(check.duplicates)} 个",
        ]
        for i in check.issues[:SHOW_ISSUES]:
            where = " ".join(p for p in (i.file, i.location) if p)
            message = i.message.removeprefix(f"{i.location}：")
            lines.append(f"  {where + '  ' if where else ''}{message}（{i.rule}）")
        cons = self.consolidation
        units = sum(len(f) for f in cons.annexes.values())
        lines.append(
            f"补报：{demo_returns.MISSING_UNIT}。汇总：{units} 个单位，"
            f"未报送 {len(cons.missing_units)} 个，数据行 {cons.rows} 行"
        )
        lines.extend(self._ranking_lines())
        lines.extend(self._loop_lines())
        lines.append(f"输出（在 {self.out_dir} 中）：")
        lines.extend(
            f"  {label}：{path.relative_to(self.out_dir)}" for label, path in self.outputs.items()
        )
        collect = self.out_dir / labels.FOLDER_COLLECT
        lines.append(f"试一试：targetbook validate {collect} --registry {self.registry}")
        return lines

    def _loop_lines(self) -> list[str]:
        """The year's loop: register, pre-filled 年中 templates, 催报, history."""
        if not self.midyear:
            return []
        rows, parsed = self.commitments
        register = self.outputs.get("收件登记")
        lines = [
            "全年闭环（年初亮目标 → 年中亮进度 → 年终亮成果）：",
            f"  收件登记：{len(self.consolidation.sources)} 个文件，收到时间按邮件日期登记，"
            f"逾期和新旧版本按收到时间判断（{register.name if register else ''}）",
            f"  年中：按年初汇总预填并锁定的模板 {len(self.midyear)} 个"
            f"（{self.midyear[0].parent.relative_to(self.out_dir)}），承诺指标 {rows} 项，"
            f"其中由创先争优目标解析 {parsed} 项；回收后 consolidate --baseline 核对目标值",
        ]
        if self.status is not None:
            s = self.status
            lines.append(
                f"  催报（{s.as_of:%Y-%m-%d}）：未报送 {len(s.missing)} 个，"
                f"退回修改 {len(s.to_fix)} 份" + (f"，{s.when()}" if s.problems else "")
            )
        lines.append(
            f"  再次运行时，上次的成果保存在 {labels.FOLDER_RESULTS}/{labels.FOLDER_HISTORY}/"
        )
        return lines

    def _ranking_lines(self) -> list[str]:
        if self.ranking is None or self.ranking.ranks.empty:
            return []
        ranks = self.ranking.ranks
        # Blank cells may come back as NaN (object dtype on pandas 2) or "" (str dtype on 3).
        ranks = ranks.fillna({"奖项": "", "否决": "", "否决事由": "", "并列": ""})
        lines = ["排名（示例打分）："]
        for category in labels.CATEGORIES:
            rows = ranks[ranks[labels.CATEGORY] == category]
            first = "、".join(rows[rows["名次"] == 1][labels.UNIT])
            pairs = zip(rows[labels.UNIT], rows["奖项"], strict=True)
            awarded = "、".join(f"{u}（{a}）" for u, a in pairs if a)
            lines.append(f"  {category}：第1名 {first}；奖项 {awarded or '无'}")
        tied = ranks[ranks["并列"] == labels.YES]
        for (category, place), rows in tied.groupby([labels.CATEGORY, "名次"], sort=False):
            names = "、".join(rows[labels.UNIT])
            lines.append(f"  并列：{category}第{int(place)}名 {names}（总分相同）")
        vetoed = ranks[ranks["否决"] != ""]
        for unit, item, reason in vetoed[[labels.UNIT, "否决", "否决事由"]].values:
            lines.append(f"  一票否决：{unit}（{item}：{reason}），{demo_rules.VETO_EFFECT}")
        return lines


def _clear_demo_files(collect: Path) -> None:
    """Remove the returns an earlier demo run wrote (only those), so a unit is missing again."""
    for name in demo_returns.file_names():
        (collect / name).unlink(missing_ok=True)


def _received_as_emailed(root: Path) -> None:
    """What staff do after a check: type each email's date into 收到时间 (the register's
    rows first seen by the run). The demo's returns were saved when they were emailed, so
    their 保存时间 is the email's date."""
    from targetbook.write.receipts import Register

    register = Register(root / labels.RECEIPT_FILE)
    for row in register.rows.values():
        if row.saved is not None and row.received in (None, row.first_seen):
            row.received = row.saved
    register.save()


def run_demo(out_dir: str | Path = DEFAULT_OUT) -> DemoResult:
    """Build the seed-000 campaign in `out_dir`, check it, take the late return, consolidate."""
    root = Path(out_dir).resolve()
    # The campaign's 参数 (年度 2022, 南桐镇, 文号 …) go into its 控制台 once: its buttons then
    # title and date everything 2022, not the year they are clicked in.
    pipeline.init_campaign(root, campaign=NOTICE)
    collect = root / labels.FOLDER_COLLECT
    results = root / labels.FOLDER_RESULTS
    _clear_demo_files(collect)
    registry_path = demo_returns.write_registry(root / labels.REGISTRY_FILE)
    outputs: dict[str, Path] = {"单位名录": registry_path}

    outputs["下发模板"] = root / labels.FOLDER_SEND
    pipeline.make_templates(registry_path, outputs["下发模板"], year=YEAR)

    written, faults = demo_returns.write_returns(collect)
    report = results / labels.CHECK_REPORT_FILE
    check = pipeline.check_returns(
        [collect], registry_path, year=YEAR, campaign=NOTICE, report=report
    )
    outputs["校验报告（第一轮）"] = report
    _received_as_emailed(root)
    late = demo_returns.write_late_return(collect)
    pipeline.check_returns([collect], registry_path, year=YEAR)  # 校验 registers the 补报
    _received_as_emailed(root)
    summary = results / labels.CONSOLIDATED_FILE
    cons = pipeline.consolidate_returns(
        [collect], registry_path, summary, year=YEAR, campaign=NOTICE
    )
    outputs["收件登记"] = root / labels.RECEIPT_FILE
    outputs["汇总"] = summary
    ranking, more = _rank_and_report(root, summary)
    outputs.update(more)
    midyear, counts = _midyear(root, registry_path, summary)
    outputs["年中模板（预填）"] = root / labels.FOLDER_SEND / labels.PHASE_MID
    status = pipeline.campaign_status(root, as_of=AS_OF)
    outputs["催报"] = Path(status.out) if status.out else root
    result = DemoResult(
        root,
        registry_path,
        written,
        late,
        faults,
        check.consolidation,
        cons.consolidation,
        outputs,
        ranking,
        midyear,
        counts,
        status,
    )
    return result


def _midyear(root: Path, registry: Path, baseline: Path) -> tuple[list[Path], tuple[int, int]]:
    """年中亮进度: each unit's template pre-filled with its 年初 commitments, locked."""
    from targetbook.baseline import commitments
    from targetbook.write.consolidation import load_consolidation

    out = root / labels.FOLDER_SEND / labels.PHASE_MID
    written = pipeline.make_templates(registry, out, year=YEAR, town=TOWN, baseline=baseline)
    committed = commitments(load_consolidation(baseline))
    parsed = int((committed[labels.SOURCE_PHRASE] != "").sum())
    return written, (len(committed), parsed)


def _rank_and_report(root: Path, consolidated: Path) -> tuple[Ranking, dict[str, Path]]:
    """Rank with the demo's 考核细则 and example scores; write the 通报 and the 通知."""
    rules = demo_rules.write_rules(root / labels.RULES_FILE)
    scores = demo_rules.write_scores(root / demo_rules.SCORES_FILE)
    ranked = root / labels.FOLDER_RESULTS / labels.RANKED_FILE
    # 序时进度 is taken at the notice's half-year, not today, so the demo is reproducible.
    job = pipeline.rank_campaign(consolidated, rules, scores=scores, out=ranked, as_of=AS_OF)
    outputs = {"考核细则（示例）": rules, "考核打分（示例）": scores, "排名": ranked}
    for kind in (labels.REPORT_BULLETIN, labels.REPORT_NOTICE):
        for suffix in (".docx", ".html"):
            out = root / labels.FOLDER_RESULTS / f"{kind}{suffix}"
            outputs[f"{kind}{suffix}"] = pipeline.publish(ranked, out, kind=kind, campaign=NOTICE)
    return job.ranking, outputs
