"""The five button steps on plain data, shared by the Excel buttons and the campaign's .bat files.

A step takes `Inputs` (the control workbook's sheets as raw grids, and its folder) and returns
an `Outcome` (result sheets as frames, files written, a one-line summary). It only calls the
library; the Excel door (buttons.py) moves sheets in and out of the open workbook, and
`python -m targetbook.excel.bat STEP DIR` (the .bat files) reads DIR/控制台.xlsm from disk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from targetbook import labels as L
from targetbook.errors import Issue, TargetbookError, has_errors
from targetbook.results import Campaign, Consolidation
from targetbook.text import clean_text


@dataclass
class Inputs:
    """The control workbook as the steps see it: {sheet: raw grid (header=None)} and its folder."""

    frames: dict[str, pd.DataFrame]
    base: Path
    file: str = L.CONTROL_WORKBOOK
    progress: Callable[[str], None] = print  # shows a Chinese progress line (status bar, console)


@dataclass
class Outcome:
    """What a step produced: result sheets (in order), files written, a Chinese summary."""

    summary: str
    sheets: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def problems(self) -> bool:
        """True when an error-level issue was found (exit code 1 for the .bat files)."""
        return has_errors(self.issues)


def fail(rule: str, **params: object) -> TargetbookError:
    """A fatal error with the Chinese message of an excel_* rule."""
    return TargetbookError(rule, **params)


def _blank(value: object) -> bool:
    return clean_text(value) == ""


def headed(inputs: Inputs, sheet: str) -> pd.DataFrame:
    """A sheet with its first row as header, index = Excel row numbers, blank rows dropped."""
    grid = inputs.frames.get(sheet)
    if grid is None:
        raise fail("excel_sheet_missing", sheet=sheet)
    if grid.empty:
        return pd.DataFrame()
    header = [clean_text(v) for v in grid.iloc[0]]
    body = grid.iloc[1:].copy()
    body.columns = header
    body.index = [int(i) + 1 for i in grid.index[1:]]
    keep = [i for i, row in enumerate(body.itertuples(index=False)) if not all(map(_blank, row))]
    return body.iloc[keep]


def params(inputs: Inputs) -> dict[str, object]:
    """参数 sheet → {项目: 值} (blank values dropped)."""
    frame = headed(inputs, L.SHEET_PARAMS)
    out: dict[str, object] = {}
    for row in frame.itertuples(index=False):
        if len(row) >= 2 and not _blank(row[0]) and not _blank(row[1]):
            out[clean_text(row[0])] = row[1]
    return out


def year(inputs: Inputs) -> int:
    """年度 from 参数 (a number or text like 2022年); this year when blank."""
    raw = params(inputs).get(L.PARAM_YEAR)
    if raw is None:
        return dt.date.today().year
    digits = "".join(ch for ch in str(raw) if ch.isdigit())
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if len(digits) == 4:
        return int(digits)
    raise fail("excel_param_invalid", key=L.PARAM_YEAR, value=raw)


def folder(inputs: Inputs, key: str, default: str, *, must_exist: bool = False) -> Path:
    """A folder named in 参数 (absolute, or relative to the control workbook's folder)."""
    raw = params(inputs).get(key, default)
    path = Path(str(raw).strip())
    if not path.is_absolute():
        path = inputs.base / path
    if must_exist and not path.is_dir():
        raise fail("excel_folder_missing", key=key, path=path)
    return path


def _registry_file(inputs: Inputs) -> Path | None:
    stem = Path(L.REGISTRY_FILE).stem
    for suffix in (".xlsx", ".xls", ".ods", ".csv"):
        path = inputs.base / f"{stem}{suffix}"
        if path.is_file():
            return path
    return None


def registry(inputs: Inputs):
    """The 单位名录 sheet as a Registry; when the sheet is empty, the campaign's 单位名录 file
    (what `targetbook init --registry` copies in). Fatal when no unit is listed or on errors."""
    from targetbook.registry import registry_from_frame
    from targetbook.write.registry import load_registry

    frame = headed(inputs, L.SHEET_REGISTRY)
    file = _registry_file(inputs) if frame.empty else None
    if file is not None:
        reg, issues = load_registry(file)
    else:
        reg, issues = registry_from_frame(frame, file=inputs.file, sheet=L.SHEET_REGISTRY)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        raise fail(
            "excel_registry_invalid", reasons=L.CLAUSE_SEP.join(i.message for i in errors[:5])
        )
    if not len(reg.units):
        raise fail("excel_registry_empty", sheet=L.SHEET_REGISTRY)
    return reg, issues


def _checked(inputs: Inputs, out: Path | None = None):
    """The 校验 / 汇总 job on 回收 with the sheet's registry and 参数 (and `out`: 汇总.xlsx)."""
    from targetbook import pipeline
    from targetbook.read import find_returns

    reg, reg_issues = registry(inputs)
    collect = folder(inputs, L.PARAM_COLLECT_DIR, L.FOLDER_COLLECT, must_exist=True)
    if not find_returns([collect]):
        raise fail("excel_no_returns", path=collect)

    def tick(done: int, total: int) -> None:
        inputs.progress(f"正在读取回收表 {done}/{total}……")

    base = baseline(inputs)
    if out is None:  # 校验 writes 成果/校验报告.xlsx, as `targetbook validate --report` does
        report = folder(inputs, L.PARAM_RESULTS_DIR, L.FOLDER_RESULTS) / L.CHECK_REPORT_FILE
        job = pipeline.check_returns
        return job(
            [collect],
            reg,
            registry_issues=reg_issues,
            year=year(inputs),
            progress=tick,
            report=report,
            baseline=base,
        )
    return pipeline.consolidate_returns(
        [collect],
        reg,
        out,
        registry_issues=reg_issues,
        year=year(inputs),
        progress=tick,
        baseline=base,
    )


def _counts(result) -> str:
    return f"错误 {result.errors} 条，警告 {len(result.issues) - result.errors} 条"


def make_templates(inputs: Inputs) -> Outcome:
    """生成模板: blank returns for every unit of 单位名录 into the 下发 folder."""
    from targetbook import pipeline

    reg, issues = registry(inputs)
    out = folder(inputs, L.PARAM_SEND_DIR, L.FOLDER_SEND)
    base = baseline(inputs)
    written = pipeline.make_templates(reg, out, year=year(inputs), baseline=base)
    return Outcome(f"已生成 {len(written)} 个模板：{out}", files=written, issues=issues)


def baseline(inputs: Inputs) -> Path | None:
    """The year's baseline the 参数 sheet names (基准汇总, e.g. 年初汇总.xlsx), when it exists:
    生成模板 pre-fills from it and 校验/汇总 check the returns against it."""
    from targetbook.pipeline import campaign_baseline

    return campaign_baseline(inputs.base, params(inputs))


def validate_returns(inputs: Inputs) -> Outcome:
    """校验: read and check the returns in 回收; 校验问题 and 未报送 sheets."""
    from targetbook.write import issues_frame, missing_frame

    result = _checked(inputs)
    cons = result.consolidation
    sheets = {L.SHEET_ISSUES: issues_frame(cons.issues), L.SHEET_MISSING: missing_frame(cons)}
    summary = (
        f"校验 {len(cons.sources)} 个文件：{_counts(result)}，"
        f"未报送 {len(cons.missing_units)} 个单位；校验报告：{result.files[0]}"
    )
    return Outcome(summary, sheets=sheets, files=result.files, issues=result.issues)


def annex_frame(cons: Consolidation, category: str) -> pd.DataFrame:
    """附件N: 序号 | 单位 | 创先争优目标 | 亮点工作计划 (+ where each row came from)."""
    columns = [*L.KIND_COLUMNS[L.PLAN_KIND], *L.PROVENANCE]
    frame = cons.annexes.get(category)
    if frame is None:
        return pd.DataFrame(columns=columns)
    return frame[[c for c in columns if c in frame.columns]]


def consolidate_returns(inputs: Inputs) -> Outcome:
    """汇总: validate and consolidate into 成果/汇总.xlsx; 附件1–3, 校验问题, 未报送 sheets."""
    from targetbook.write import issues_frame, missing_frame

    out = folder(inputs, L.PARAM_RESULTS_DIR, L.FOLDER_RESULTS) / L.CONSOLIDATED_FILE
    result = _checked(inputs, out)
    cons = result.consolidation
    sheets = {L.annex_sheet(c): annex_frame(cons, c) for c in L.CATEGORIES}
    sheets[L.SHEET_ISSUES] = issues_frame(cons.issues)
    sheets[L.SHEET_MISSING] = missing_frame(cons)
    summary = f"汇总 {cons.rows} 行：{_counts(result)}；已写出 {out}"
    return Outcome(summary, sheets=sheets, files=result.files, issues=result.issues)


def _optional_file(inputs: Inputs, key: str) -> Path | None:
    raw = params(inputs).get(key)
    if raw is None:
        return None
    path = Path(str(raw).strip())
    path = path if path.is_absolute() else inputs.base / path
    if not path.is_file():
        raise fail("excel_file_missing", key=key, path=path)
    return path


def _no_rows(inputs: Inputs, sheet: str) -> bool:
    return sheet not in inputs.frames or headed(inputs, sheet).empty


def rank_units(inputs: Inputs) -> Outcome:
    """计算排名: score and rank 成果/汇总.xlsx by the 考核细则 sheets → 成果/排名.xlsx.

    With an empty 考核项目 sheet the campaign's 考核细则.xlsx is used; with 参数 打分文件
    blank, the campaign's 考核打分.xlsx when present.
    """
    from targetbook import pipeline
    from targetbook.rules import rules_from_frames
    from targetbook.write import issues_frame

    results = folder(inputs, L.PARAM_RESULTS_DIR, L.FOLDER_RESULTS)
    consolidated = results / L.CONSOLIDATED_FILE
    if not consolidated.is_file():
        raise fail("excel_run_first", path=consolidated, button="汇总")
    rules_file = inputs.base / L.RULES_FILE
    if _no_rows(inputs, L.RULES_ITEMS) and rules_file.is_file():
        rules, issues = rules_file, []  # e.g. the demo's
    else:
        rules, issues = rules_from_frames(inputs.frames, file=inputs.file)
    scores_file = _optional_file(inputs, L.PARAM_SCORES)
    if scores_file is None and (inputs.base / L.SCORING_FILE).is_file():
        scores_file = inputs.base / L.SCORING_FILE
    job = pipeline.rank_campaign(
        consolidated,
        rules,
        rule_issues=issues,
        scores=scores_file,
        previous=_optional_file(inputs, L.PARAM_PREVIOUS),
        out=results / L.RANKED_FILE,
    )
    result = job.ranking
    sheets = {
        L.SHEET_SCORES: result.scores,
        L.SHEET_RANKS: result.ranks,
        L.SHEET_ACHIEVEMENT: result.achievement,
        L.SHEET_WARNINGS: result.warnings,
        L.SHEET_RANK_ISSUES: issues_frame(result.issues),
    }
    summary = f"排名 {len(result.ranks)} 个单位：{_counts(job)}；已写出 {result.out}"
    return Outcome(summary, sheets=sheets, files=job.files, issues=job.issues)


def _campaign(inputs: Inputs) -> Campaign:
    campaign = Campaign.from_params(params(inputs))
    campaign.year = year(inputs)  # a number cell reads 2024.0
    return campaign


def make_report(inputs: Inputs) -> Outcome:
    """生成通报: 成果/排名.xlsx → 成果/通报.docx and 通报.html, with 参数 (发文机关, 文号 …)."""
    from targetbook import pipeline

    results = folder(inputs, L.PARAM_RESULTS_DIR, L.FOLDER_RESULTS)
    ranked = results / L.RANKED_FILE
    if not ranked.is_file():
        raise fail("excel_run_first", path=ranked, button="计算排名")
    campaign = _campaign(inputs)
    jobs = [
        pipeline.publish_report(ranked, results / f"{L.BULLETIN_STEM}{suffix}", campaign=campaign)
        for suffix in (".docx", ".html")
    ]
    written = [job.path for job in jobs]
    issues = [i for job in jobs for i in job.issues]  # 参数 left blank: 本镇, no 文号 …
    summary = f"已生成通报：{'、'.join(str(p) for p in written)}"
    return Outcome(summary, files=written, issues=issues)


def remind_units(inputs: Inputs) -> Outcome:
    """催报: who still owes a return (days to 截止日期) and which returns go back; 催报 sheet."""
    from targetbook import pipeline

    status = pipeline.campaign_status(inputs.base)
    rows = [
        (o.category, o.unit, o.group, L.STATUS_MISSING, status.when(), "") for o in status.missing
    ]
    rows += [
        ("", L.LIST_SEP.join(f.units), "", L.RECEIPT_RETURN, f.file, "\n".join(f.messages))
        for f in status.to_fix
    ]
    sheet = pd.DataFrame(rows, columns=list(L.REMINDER_COLUMNS))
    summary = (
        f"催报：未报送 {len(status.missing)} 个单位（{status.when()}），"
        f"退回修改 {len(status.to_fix)} 份；已写出 {status.out}"
    )
    files = [Path(status.out)] if status.out else []
    return Outcome(summary, sheets={L.SHEET_REMINDERS: sheet}, files=files, issues=status.issues)


STEPS = {
    "make_templates": make_templates,
    "validate_returns": validate_returns,
    "consolidate_returns": consolidate_returns,
    "rank_units": rank_units,
    "make_report": make_report,
    "remind_units": remind_units,
}


def read_control_workbook(directory: str | Path) -> Inputs:
    """Inputs from <directory>/控制台.xlsm on disk (what the .bat files use)."""
    base = Path(directory).resolve()
    path = base / L.CONTROL_WORKBOOK
    if not path.is_file():
        raise fail("excel_workbook_missing", path=path)
    from targetbook.read import read_grids

    return Inputs(frames=read_grids(path), base=base)
