"""The whole jobs the three doors perform, each one call: check returns, consolidate, rank a
campaign, publish, make templates, create a campaign.

A job takes plain arguments (paths, a registry or its path, a Campaign, a progress
callback), reads and writes the files at its two ends, runs the pure stages in between and
returns a typed result (issues, files written, counts). The CLI, the Excel steps and the
demo only present these results.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import itertools
import shutil
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

Progress = Callable[[int, int], None]  # (files done, files in all)
PathLike = str | Path


@dataclass
class ReturnsResult:
    """What checking or consolidating returns produced: the Consolidation and files written."""

    consolidation: Consolidation
    files: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files in the folders that are not read

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


def gather(
    paths: Sequence[PathLike],
    registry: Registry | PathLike | None,
    *,
    registry_issues: Sequence[Issue] = (),
    year: int | None = None,
    progress: Progress | None = None,
) -> Consolidation:
    """Read, validate and consolidate returns; the registry's issues come first.

    The reader workers start before the registry is loaded and pandas imported, and the
    returns are validated as they arrive while the workers read the rest."""
    from targetbook.read import iter_returns

    reading = iter_returns(list(paths), progress=progress)  # the workers start reading now
    try:
        if isinstance(registry, str | Path):
            registry, registry_issues = open_registry(registry)
        from targetbook.consolidate import consolidate

        first = next(reading, None)
        cons = None
        if first is not None:
            cons = consolidate(itertools.chain([first], reading), registry, year=year)
    finally:
        reading.close()
    if cons is None:
        shown = L.LIST_SEP.join(str(p) for p in paths)
        raise TargetbookError("no_returns_found", paths=shown)
    if registry_issues:
        cons.issues = [*registry_issues, *cons.issues]
    return cons


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
) -> ReturnsResult:
    """校验: read and validate returns (and, with a registry, find 未报送); writes nothing."""
    with _no_gc():
        cons = gather(
            paths, registry, registry_issues=registry_issues, year=year, progress=progress
        )
    return ReturnsResult(cons, skipped=_skipped(paths))


def consolidate_returns(
    paths: Sequence[PathLike],
    registry: Registry | PathLike,
    out: PathLike,
    *,
    registry_issues: Sequence[Issue] = (),
    year: int | None = None,
    campaign: Campaign | None = None,
    progress: Progress | None = None,
) -> ReturnsResult:
    """汇总: check the returns and write 汇总.xlsx (`campaign` adds its 参数)."""
    from targetbook.write.consolidation import write_consolidation

    if year is None and campaign is not None:
        year = campaign.year
    prepare_out(out, [*paths, *([registry] if isinstance(registry, str | Path) else [])])
    with _no_gc():
        cons = gather(
            paths, registry, registry_issues=registry_issues, year=year, progress=progress
        )
        params = campaign.params() if campaign is not None else None
        with writing(out):
            written = write_consolidation(cons, out, year=year or cons.year, params=params)
    return ReturnsResult(cons, [Path(written)], skipped=_skipped(paths))


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
    with writing(out):
        written = write_ranking(result, out, consolidation=cons)
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


def publish(
    ranked: PathLike,
    out: PathLike,
    *,
    kind: str | None = None,
    campaign: Campaign | None = None,
) -> Path:
    """生成通报: 排名.xlsx → 通报 (or 通知) as .docx or .html; `campaign` overrides its 参数.

    Without `kind`, a file name holding 通知 makes the notice, any other the bulletin."""
    from targetbook.report import render_report

    out = Path(out)
    if kind is None:
        kind = L.REPORT_NOTICE if L.REPORT_NOTICE in out.stem else L.REPORT_BULLETIN
    params = campaign.params() if campaign is not None else None
    prepare_out(out, [ranked])
    with writing(out):
        return Path(render_report(ranked, out, kind=kind, params=params))


def make_templates(
    registry: Registry | PathLike, out_dir: PathLike, *, year: int | None = None
) -> list[Path]:
    """生成模板: a blank return for every unit of the 单位名录, into `out_dir`."""
    from targetbook.write.templates import write_templates

    if isinstance(registry, str | Path):
        registry, _ = open_registry(registry)
    year = year or dt.date.today().year
    return [Path(p) for p in write_templates(registry, out_dir, year=year)]


def init_campaign(
    directory: PathLike, *, registry: PathLike | None = None, year: int | None = None
) -> list[Path]:
    """Make a campaign folder (控制台.xlsm, .bat, 下发/回收/成果); a registry adds its templates."""
    from targetbook.excel.batfiles import BAT_STEPS, write_bat_files
    from targetbook.excel.control import copy_control_workbook
    from targetbook.write.registry import load_registry
    from targetbook.write.templates import write_templates

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
    if registry is not None:
        registry = Path(registry)
        copied = root / (Path(L.REGISTRY_FILE).stem + registry.suffix.lower())
        if registry.resolve() != copied.resolve():
            shutil.copyfile(registry, copied)
        made.append(copied)
        reg, _ = load_registry(registry)
        year = year or dt.date.today().year
        made.extend(Path(p) for p in write_templates(reg, root / L.FOLDER_SEND, year=year))
    return made
