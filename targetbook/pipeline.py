"""The whole jobs the three doors perform, each one call: check returns, consolidate, rank a
campaign, publish, make templates, create a campaign.

A job takes plain arguments (paths, a registry or its path, a Campaign, a progress
callback), reads and writes the files at its two ends, runs the pure stages in between and
returns a typed result (issues, files written, counts). The CLI, the Excel steps and the
demo only present these results.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import gc
import itertools
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from targetbook import labels as L
from targetbook.errors import Issue, TargetbookError, has_errors
from targetbook.outputs import prepare_out, writing
from targetbook.results import Campaign, Consolidation, Ranking

if TYPE_CHECKING:
    from targetbook.registry import Registry
    from targetbook.rules import Rules
    from targetbook.write.receipts import Register
    from targetbook.write.reminders import CampaignStatus

Progress = Callable[[int, int], None]  # (files done, files in all)
PathLike = str | Path


@dataclass
class ReturnsResult:
    """What checking or consolidating returns produced: the Consolidation and files written."""

    consolidation: Consolidation
    files: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files in the folders that are not read
    register: Path | None = None  # the receipt register (收件登记) updated, if any

    @property
    def issues(self) -> list[Issue]:
        """Every issue: the registry's first, then each file's in input order."""
        return self.consolidation.issues

    @property
    def problems(self) -> bool:
        """True when an error-level issue was found (exit code 1)."""
        return has_errors(self.issues)

    @property
    def errors(self) -> int:
        """Error-level issues (the rest are warnings)."""
        return sum(1 for i in self.issues if i.severity == "error")

    def to_json(self) -> dict:
        """The JSON document of `validate` / `consolidate --json` (DESIGN.md)."""
        doc = self.consolidation.to_json(str(self.files[0]) if self.files else None)
        doc["skipped"] = list(self.skipped)
        return doc


@dataclass
class RankResult:
    """What ranking a campaign produced: the Ranking, the Consolidation it ranked, files."""

    ranking: Ranking
    consolidation: Consolidation
    files: list[Path] = field(default_factory=list)

    @property
    def issues(self) -> list[Issue]:
        """The rules', the scores' and the rank stage's issues, in that order."""
        return self.ranking.issues

    @property
    def problems(self) -> bool:
        """True when an error-level issue was found (exit code 1)."""
        return has_errors(self.issues)

    @property
    def errors(self) -> int:
        """Error-level issues (the rest are warnings)."""
        return sum(1 for i in self.issues if i.severity == "error")

    def to_dict(self) -> dict:
        """The JSON document of `rank --json`."""
        return self.ranking.to_dict()


def open_registry(path: PathLike) -> tuple[Registry, list[Issue]]:
    """Load a 单位名录; fatal when it lists no unit (every unit would be unknown)."""
    from targetbook.write.registry import load_registry

    registry, issues = load_registry(path)
    if not registry.units:
        if not issues:
            raise TargetbookError("registry_empty", path=path)
        raise TargetbookError("registry_unusable", path=path, reason=issues[0].message)
    return registry, issues


def trim_memory() -> None:
    """Give the heap memory freed so far back to the system (glibc's malloc_trim): after
    validating thousands of returns ~50 MB of it stays mapped, counted in the process's
    resident memory, until the allocator happens to reuse it. A no-op elsewhere."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # another C library (musl): nothing to do
        pass


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """No cyclic garbage collection while a run builds its ~10⁶ small objects.

    Full collections over the growing heap cost ~15% of `consolidate` on a thousand
    returns, and such a run makes little cyclic garbage; reader workers keep theirs.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# From this many returns on, `consolidate` starts its write worker with its reader workers
# (write._book.prestart): about write._book.PARALLEL_CELLS cells of 汇总.
WARM_RETURNS = 300


def gather(
    paths: Sequence[PathLike],
    registry: Registry | PathLike | None,
    *,
    registry_issues: Sequence[Issue] = (),
    year: int | None = None,
    progress: Progress | None = None,
    register: Register | None = None,
    baseline: PathLike | None = None,
    writes: bool = False,
) -> Consolidation:
    """Read, validate and consolidate returns; the registry's issues come first.

    The reader workers start before the registry is loaded and pandas imported, and the
    returns are validated as they arrive while the workers read the rest. With a receipt
    `register`, each return's 收到时间 decides lateness and which copy is newer, and the
    register is updated (atomically) with what this run saw. With a `baseline` (年初汇总),
    the returns are checked against the units' commitments (baseline.py)."""
    from targetbook.read import iter_returns

    # the workers start reading now; consolidate validates and releases every table, so
    # they send the prepared columns only (cells=False)
    reading = iter_returns(list(paths), progress=progress, cells=False)
    if writes and getattr(reading, "total", 0) >= WARM_RETURNS:
        # 汇总 will be large enough for a write worker: started now, while we are small
        from targetbook.write._book import prestart

        prestart()
    try:
        if isinstance(registry, str | Path):
            registry, registry_issues = open_registry(registry)
            trim_memory()  # the sheet's rows are garbage now
        from targetbook.consolidate import consolidate

        sources = register.wrap(reading) if register is not None else reading
        first = next(sources, None)
        cons = None
        if first is not None:
            cons = consolidate(itertools.chain([first], sources), registry, year=year)
    finally:
        reading.close()
    trim_memory()  # the cells, chunks and intermediate frames of validation are garbage now
    if cons is None:
        shown = L.LIST_SEP.join(str(p) for p in paths)
        raise TargetbookError("no_returns_found", paths=shown)
    if registry_issues:
        cons.issues = [*registry_issues, *cons.issues]
    if baseline is not None:
        _check_baseline(cons, baseline)
    if register is not None:
        _save_register(register, cons)
    return cons


def open_register(paths: Sequence[PathLike], register: PathLike | None = None) -> Register | None:
    """The receipt register of a run: `register` if given, else the campaign's 收件登记.xlsx
    when a path is its 回收/ folder; None for a script run without either."""
    from targetbook.outputs import check_out_path
    from targetbook.write.receipts import Register, campaign_register

    path = Path(register) if register is not None else campaign_register(paths)
    if path is None:
        return None
    check_out_path(path, paths)  # inside 回收/ it would be read as a return
    return Register(path)


def _save_register(register: Register, cons: Consolidation) -> None:
    """Update and write the register; a register open in Excel is a warning, not a stop."""
    from targetbook.errors import issue

    register.update(cons)
    try:
        register.save()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        register.issues.append(issue("register_unwritable", path=str(register.path), reason=reason))
    cons.issues = [*cons.issues, *register.issues]


def _skipped(paths: Sequence[PathLike]) -> list[str]:
    """The files of the given folders that are not read (photos, PDFs …), so that every file
    of a folder run is accounted for: read, an Issue, or listed here."""
    from targetbook.read import skipped_files

    return skipped_files(paths)


def check_returns(
    paths: Sequence[PathLike],
    registry: Registry | PathLike | None = None,
    *,
    registry_issues: Sequence[Issue] = (),
    year: int | None = None,
    progress: Progress | None = None,
    report: PathLike | None = None,
    campaign: Campaign | None = None,
    register: PathLike | None = None,
    baseline: PathLike | None = None,
) -> ReturnsResult:
    """校验: read and validate returns (and, with a registry, find 未报送); with `report`,
    write the 校验报告 workbook there (opening on 校验问题). It also writes the receipt register
    (`register`, or the campaign's when a path is its 回收/)."""
    if year is None and campaign is not None:
        year = campaign.year
    receipts = open_register(paths, register)
    if report is not None:
        prepare_out(report, _inputs(paths, registry, baseline, receipts))
    with _no_gc():
        cons = gather(
            paths,
            registry,
            registry_issues=registry_issues,
            year=year,
            progress=progress,
            register=receipts,
            baseline=baseline,
        )
    files: list[Path] = []
    if report is not None:
        from targetbook.write.consolidation import write_check_report

        params = campaign.params() if campaign is not None else None
        with writing(report):
            files.append(
                Path(write_check_report(cons, report, year=year or cons.year, params=params))
            )
    return ReturnsResult(cons, files, skipped=_skipped(paths), register=_path(receipts))


def _path(register: Register | None) -> Path | None:
    return register.path if register is not None else None


def _inputs(paths, registry, baseline, receipts: Register | None) -> list:
    """Every file a returns job reads, which its output must never replace."""
    files = [*paths, *([registry] if isinstance(registry, str | Path) else [])]
    files += [baseline] if baseline is not None else []
    return files + ([receipts.path] if receipts is not None else [])


def consolidate_returns(
    paths: Sequence[PathLike],
    registry: Registry | PathLike,
    out: PathLike,
    *,
    registry_issues: Sequence[Issue] = (),
    year: int | None = None,
    campaign: Campaign | None = None,
    progress: Progress | None = None,
    register: PathLike | None = None,
    baseline: PathLike | None = None,
) -> ReturnsResult:
    """汇总: check the returns and write 汇总.xlsx (`campaign` adds its 参数); the receipt
    register (`register`, or the campaign's) is updated as by check_returns."""
    if year is None and campaign is not None:
        year = campaign.year
    receipts = open_register(paths, register)
    prepare_out(out, _inputs(paths, registry, baseline, receipts))
    with _no_gc():
        cons = gather(
            paths,
            registry,
            registry_issues=registry_issues,
            year=year,
            progress=progress,
            register=receipts,
            baseline=baseline,
            writes=True,
        )
        # imported once the reader workers run (gather forks them): see results._frame
        from targetbook.write.consolidation import write_consolidation

        params = campaign.params() if campaign is not None else None
        with writing(out):
            written = write_consolidation(cons, out, year=year or cons.year, params=params)
    return ReturnsResult(cons, [Path(written)], skipped=_skipped(paths), register=_path(receipts))


def _check_baseline(cons: Consolidation, baseline: PathLike) -> None:
    """Returns against the year's baseline: target_changed / indicator_missing /
    indicator_new, each after the issues of its file; 完成率 against the committed 目标值."""
    from targetbook.baseline import check_baseline, commitments
    from targetbook.write.consolidation import load_consolidation
    from targetbook.write.templates import ROWS_FIRST_ROW

    found = check_baseline(
        cons, commitments(load_consolidation(baseline)), first_row=ROWS_FIRST_ROW
    )
    order = {s.file: i for i, s in enumerate(cons.sources)}
    cons.issues = sorted([*cons.issues, *found], key=lambda i: order.get(i.file, len(order)))


def rank_campaign(
    consolidated: PathLike,
    rules: Rules | PathLike,
    *,
    out: PathLike,
    rule_issues: Sequence[Issue] = (),
    scores: PathLike | None = None,
    previous: PathLike | None = None,
    as_of: dt.date | None = None,
) -> RankResult:
    """计算排名: load 汇总.xlsx, the 考核细则 (a path, or Rules with their issues), the
    offices' scores and last year's 排名; score and rank; write 排名.xlsx."""
    from targetbook.rank import rank
    from targetbook.rules import Records
    from targetbook.write.consolidation import load_consolidation
    from targetbook.write.ranking import load_ranking, write_ranking
    from targetbook.write.rules import load_rules, load_scores

    given = [consolidated, scores, previous, rules if isinstance(rules, str | Path) else None]
    prepare_out(out, [p for p in given if p is not None])
    cons = load_consolidation(consolidated)
    issues = list(rule_issues)
    if isinstance(rules, str | Path):
        rules, issues = load_rules(rules)
    if any(i.rule == "rules_sheet_missing" and i.sheet == L.RULES_ITEMS for i in issues):
        # Not a 考核细则 at all: ranking every unit on nothing would publish a false 排名.
        raise TargetbookError("rules_not_rules", path=rules.file or L.RULES_ITEMS)
    records = Records()
    if scores is not None:
        records, more = load_scores(scores)
        issues += more
    before = load_ranking(previous).ranks if previous is not None else None
    result = rank(cons, rules, scores=records, previous=before, as_of=as_of)
    result.issues = issues + result.issues
    # The report states what a veto did: the campaign's 否决效果 travels in 排名.xlsx's 参数.
    carried = {L.S_VETO_EFFECT: rules.settings.veto_effect}
    with writing(out):
        written = write_ranking(result, out, consolidation=cons, params=carried)
    result.out = str(Path(out))
    return RankResult(result, cons, [Path(written)])


def rank_files(
    consolidated: PathLike,
    rules: PathLike,
    *,
    scores: PathLike | None = None,
    previous: PathLike | None = None,
    out: PathLike,
    as_of: dt.date | None = None,
) -> Ranking:
    """rank_campaign's Ranking (the library's earlier name for the job)."""
    job = rank_campaign(consolidated, rules, out=out, scores=scores, previous=previous, as_of=as_of)
    return job.ranking


@dataclass
class PublishResult:
    """A document written, and a warning per parameter it was written without."""

    path: Path
    issues: list[Issue] = field(default_factory=list)


def publish(
    ranked: PathLike,
    out: PathLike,
    *,
    kind: str | None = None,
    campaign: Campaign | None = None,
) -> Path:
    """生成通报: 排名.xlsx → 通报 (or 通知) as .docx or .html; `campaign` overrides its 参数.

    Without `kind`, a file name holding 通知 makes the notice, any other the bulletin."""
    return publish_report(ranked, out, kind=kind, campaign=campaign).path


def publish_report(
    ranked: PathLike,
    out: PathLike,
    *,
    kind: str | None = None,
    campaign: Campaign | None = None,
) -> PublishResult:
    """publish, with the warnings: a document about to carry a placeholder (本镇, a blank 文号,
    today's date) names the missing parameter and how to set it."""
    from targetbook.report import render_report

    out = Path(out)
    if kind is None:
        kind = L.REPORT_NOTICE if L.REPORT_NOTICE in out.stem else L.REPORT_BULLETIN
    params = campaign.params() if campaign is not None else None
    prepare_out(out, [ranked])
    issues: list[Issue] = []
    with writing(out):
        path = Path(render_report(ranked, out, kind=kind, params=params, issues=issues))
    return PublishResult(path, issues)


def make_templates(
    registry: Registry | PathLike,
    out_dir: PathLike,
    *,
    year: int | None = None,
    town: str | None = None,
    phase: str | None = None,
    force: bool = False,
    baseline: PathLike | None = None,
) -> list[Path]:
    """生成模板: a blank return for every unit of the 单位名录, into `out_dir`; with a
    `baseline` (年初汇总.xlsx), each unit's return pre-filled with its commitments and
    locked (write/prefilled.py; phase 年中 unless given).

    Each records its campaign, unit, phase and issue time (custom document properties); a
    template changed since targetbook wrote it is never overwritten unless `force`
    (write/issued.py: `template_changed`, exit 2)."""
    from targetbook.write.issued import campaign_name, issue_templates, issued_properties
    from targetbook.write.templates import write_templates

    if isinstance(registry, str | Path):
        registry, _ = open_registry(registry)
    if baseline is None:
        year = year or dt.date.today().year
        phase = phase or L.PHASE_START

        def write(folder: Path) -> list[Path]:
            return write_templates(registry, folder, year=year, town=town or "", issued=props)
    else:
        from targetbook.baseline import commitments
        from targetbook.write.consolidation import load_consolidation
        from targetbook.write.prefilled import write_prefilled

        base = load_consolidation(baseline)
        year = year or base.year or dt.date.today().year
        phase = phase or L.PHASE_MID
        committed = commitments(base)

        def write(folder: Path) -> list[Path]:
            return write_prefilled(registry, base, committed, folder, year=year, issued=props)

    props = issued_properties(campaign=campaign_name(town, year), phase=phase)
    return issue_templates(write, out_dir, force=force)


def init_campaign(
    directory: PathLike,
    *,
    registry: PathLike | None = None,
    year: int | None = None,
    town: str = "",
    campaign: Campaign | None = None,
) -> list[Path]:
    """Make a campaign folder (控制台.xlsm, .bat, 下发/回收/成果); a registry adds its templates.

    The campaign's parameters (`year`, `town`, or a whole `campaign`: 发文机关, 文号 …) are
    written into its 控制台's 参数 sheet, so every button and command after carries them."""
    from targetbook.excel.control import fill_params

    campaign = campaign or Campaign()
    year = year or campaign.year
    town = town or campaign.town
    from targetbook.excel.batfiles import BAT_STEPS, write_bat_files
    from targetbook.excel.control import copy_control_workbook
    from targetbook.write.registry import load_registry

    root = Path(directory)
    made: list[Path] = []
    for name in L.CAMPAIGN_FOLDERS:
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        made.append(folder)
    # A campaign's own 控制台.xlsm holds its 参数 and 单位名录: never overwrite it. The .bat
    # files hold nothing of the user's: (re)write them either way, for WPS users.
    if (root / L.CONTROL_WORKBOOK).exists():
        made.extend(write_bat_files(root))
    else:
        made.append(Path(copy_control_workbook(root)))
        made.extend(root / f"{stem}.bat" for stem, _ in BAT_STEPS)
    params = {**campaign.params(), **Campaign(town=town, year=year).params()}
    if params:  # given on the command line: written into the campaign's own 参数
        fill_params(root / L.CONTROL_WORKBOOK, params)
    if registry is not None:
        registry = Path(registry)
        copied = root / (Path(L.REGISTRY_FILE).stem + registry.suffix.lower())
        if registry.resolve() != copied.resolve():
            shutil.copyfile(registry, copied)
        made.append(copied)
        reg, _ = load_registry(registry)
        made.extend(make_templates(reg, root / L.FOLDER_SEND, year=year, town=town))
    return made


def campaign_status(
    directory: PathLike, *, as_of: dt.date | None = None, out: PathLike | None = None
) -> CampaignStatus:
    """催报: check the campaign's 回收/ (updating its 收件登记), list per category the units
    without a return with the days left or overdue against 截止日期, and the returns with
    errors to send back; write them as the 催报 sheet of 成果/催报.xlsx (or `out`)."""
    from targetbook.beijing import from_utc
    from targetbook.consolidate import consolidate
    from targetbook.write.reminders import campaign_status as build
    from targetbook.write.reminders import write_reminders

    root = Path(directory)
    control = root / L.CONTROL_WORKBOOK
    registry, registry_issues = open_registry(_campaign_registry(root))
    collect = root / L.FOLDER_COLLECT
    params = _control_params(control)
    baseline = campaign_baseline(root, params)
    try:
        cons = check_returns(
            [collect], registry, registry_issues=registry_issues, baseline=baseline
        ).consolidation
    except TargetbookError as exc:
        if exc.rule != "no_returns_found":
            raise
        cons = consolidate([], registry)  # nothing came back yet: every unit owes a return
    if as_of is None:
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        as_of = from_utc(now).date()
    status = build(cons, _deadline(params, root / L.RULES_FILE), as_of)
    status.issues = [i for i in cons.issues if i.severity == "error"]
    target = Path(out) if out is not None else root / L.FOLDER_RESULTS / L.REMINDER_FILE
    prepare_out(target, [collect])
    with writing(target):
        status.out = str(write_reminders(status, target))
    return status


def _campaign_registry(root: Path) -> Path:
    """The campaign's 单位名录 file (what init copies in), else its 控制台.xlsm's sheet."""
    stem = Path(L.REGISTRY_FILE).stem
    for suffix in (".xlsx", ".xls", ".ods", ".csv"):
        path = root / f"{stem}{suffix}"
        if path.is_file():
            return path
    control = root / L.CONTROL_WORKBOOK
    if not control.is_file():
        raise TargetbookError("campaign_not_found", path=str(root))
    return control


def _control_params(control: Path) -> dict[str, object]:
    """The control workbook's 参数 rows {项目: 值} ({} when it cannot be read)."""
    from targetbook.read import read_grids

    out: dict[str, object] = {}
    if control.is_file():
        with contextlib.suppress(TargetbookError):
            grid = read_grids(control).get(L.SHEET_PARAMS)
            for row in grid.to_numpy(dtype=object).tolist() if grid is not None else []:
                key = str(row[0] or "").strip() if row else ""
                if key and len(row) >= 2 and row[1] not in (None, ""):
                    out[key] = row[1]
    return out


def campaign_baseline(root: PathLike, params: dict[str, object]) -> Path | None:
    """The year's baseline a campaign's 参数 names (基准汇总: a path, relative to the
    campaign folder), when that file exists."""
    raw = str(params.get(L.PARAM_BASELINE, "") or "").strip()
    if not raw:
        return None
    path = Path(raw)
    path = path if path.is_absolute() else Path(root) / path
    return path if path.is_file() else None


def _deadline(params: dict[str, object], rules: Path) -> dt.date | None:
    """截止日期 of the control workbook's 参数, else the earliest 逾期扣分 deadline of the
    campaign's 考核细则.xlsx; None when neither gives one."""
    from targetbook.rules.sheets import NotADate, as_date

    with contextlib.suppress(NotADate):
        found = as_date(params.get(L.PARAM_DEADLINE))
        if found is not None:
            return found
    if rules.is_file():
        from targetbook.write.rules import load_rules

        with contextlib.suppress(TargetbookError):
            loaded, _ = load_rules(rules)
            days = [i.deadline for i in loaded.items if i.deadline is not None]
            if days:
                return min(days)
    return None
