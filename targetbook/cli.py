"""The command line (thin): each command calls one library function and prints its result.

Each command calls one job of `targetbook.pipeline` and presents its result. Library
modules are imported inside the commands, so `targetbook --help` starts without loading
pandas or pandera.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from pathlib import Path

import click

from targetbook import __version__
from targetbook.cli_usage import ChineseGroup, ChinesePath, Date, Year
from targetbook.errors import TargetbookError

EXIT_OK, EXIT_PROBLEMS, EXIT_FATAL = 0, 1, 2
PROGRESS_MIN_FILES = 5  # fewer files finish before a bar would be worth drawing
SHOW_ISSUES = 10  # issues listed in the human summary; the rest are in the JSON/workbook
SEVERITY = {"error": "错误", "warning": "警告"}

_FILE = ChinesePath(exists=True, dir_okay=False, path_type=Path)
_PATHS = ChinesePath(exists=True, path_type=Path)
_OUT_FILE = ChinesePath(dir_okay=False, path_type=Path)
_DIR = ChinesePath(file_okay=False, path_type=Path)
_JSON = click.option("--json", "as_json", is_flag=True, help="在标准输出打印一个 JSON 文档。")
_YEAR = click.option(
    "--year", type=Year(), help="年度（如 2024；默认沿用已有的参数，再默认今年）。"
)
_TOWN = click.option("--town", default="", help="乡镇名称（如 南桐镇），印在标题和文书中。")


def _campaign(year: int | None = None, town: str = "", **given):
    """The command line's campaign parameters (blank ones carry the earlier value)."""
    from targetbook.results import Campaign

    return Campaign(town=town, year=year, **{k: v for k, v in given.items() if v})


_REGISTER = click.option(
    "--register",
    type=_OUT_FILE,
    help="收件登记工作簿（.xlsx）：记录每个回收文件的首次收到和收到时间（可人工更正），"
    "逾期和新旧版本按收到时间判断；活动文件夹的 回收/ 默认使用 收件登记.xlsx。",
)


def _guarded(command: Callable) -> Callable:
    """Turn fatal errors into a Chinese message on stderr and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except TargetbookError as exc:
            exc.show(file=sys.stderr)
            sys.exit(exc.exit_code)

    return wrapper


class _Progress:
    """read_returns' progress callback: a bar on stderr once there are more than a few files."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if total <= PROGRESS_MIN_FILES:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _emit_json(doc: object) -> None:
    click.echo(json.dumps(doc, ensure_ascii=False, indent=2, default=str))


def _plain(obj: object) -> object:
    """A result object as JSON-ready data (to_dict / to_json / dataclass / as is)."""
    for method in ("to_dict", "to_json"):
        if hasattr(obj, method):
            return getattr(obj, method)()
    if is_dataclass(obj) and not isinstance(obj, type):
        return asdict(obj)
    return obj


def _issue_line(i: dict) -> str:
    loc = f"{i['sheet']}!{i['cell']}" if i.get("sheet") and i.get("cell") else i.get("sheet", "")
    message = i.get("message", "").removeprefix(f"{loc}：")
    where = " ".join(part for part in (i.get("file", ""), loc) if part)
    sev = SEVERITY.get(i.get("severity", ""), i.get("severity", ""))
    where = f"{where}  " if where else ""
    return f"  [{sev}] {where}{message}（{i.get('rule', '')}）"


def _summary(doc: dict, show_all: bool = False) -> list[str]:
    """Short Chinese summary of a validate / consolidate JSON document (`show_all`: every
    issue, not only the first SHOW_ISSUES)."""
    files = doc.get("files", [])
    issues = doc.get("issues", [])
    failed = sum(1 for f in files if f.get("status") == "error")
    errors = sum(1 for i in issues if i.get("severity") == "error")
    lines = [
        f"文件数：{len(files)}（无法读取 {failed}）  数据行数：{doc.get('rows', 0)}",
        f"错误：{errors} 条  警告：{len(issues) - errors} 条",
    ]
    missing = doc.get("missing_units", [])
    if missing:
        lines.append(f"未报送：{len(missing)} 个（{'、'.join(missing)}）")
    else:
        lines.append("未报送：0 个")
    dups = doc.get("duplicates", [])
    lines.append(f"重复报送：{len(dups)} 个")
    for d in dups:
        lines.append(f"  {d['unit']}：{'、'.join(d['files'])}，保留 {d['kept']}")
    skipped = doc.get("skipped", [])
    if skipped:
        names = "、".join(skipped[:SHOW_ISSUES]) + ("…" if len(skipped) > SHOW_ISSUES else "")
        lines.append(f"未读取的非表格文件：{len(skipped)} 个（{names}）")
    if issues:
        shown = issues if show_all else issues[:SHOW_ISSUES]
        if len(shown) == len(issues):
            lines.append(f"问题（共 {len(issues)} 条）：")
        else:
            lines.append(f"问题（前 {len(shown)} 条，共 {len(issues)} 条；加 --all 列出全部）：")
        lines.extend(_issue_line(i) for i in shown)
    if doc.get("out"):
        lines.append(f"输出：{doc['out']}")
    return lines


def _finish(result, as_json: bool, *, show_all: bool = False) -> None:
    """Print a validate / consolidate result (JSON or the summary) and exit 0 or 1."""
    doc = result.to_json()
    if as_json:
        _emit_json(doc)
    else:
        click.echo("\n".join(_summary(doc, show_all)))
    sys.exit(EXIT_PROBLEMS if result.problems else EXIT_OK)


@click.group(cls=ChineseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, prog_name="targetbook", message="%(prog)s %(version)s", help="显示版本并退出。"
)
def cli() -> None:
    """targetbook：创先争优目标回收表的校验、汇总、评分排名与通报。"""


@cli.command()
@click.option(
    "--out",
    "out_dir",
    type=_DIR,
    default=Path("targetbook-demo"),
    show_default=True,
    help="演示活动文件夹。",
)
@_guarded
def demo(out_dir: Path) -> None:
    """用南桐镇 2022 年 34 个单位的数据演示完整流程（含几处故意的填报错误）。"""
    from targetbook.demo import run_demo

    result = run_demo(out_dir)
    click.echo("\n".join(result.summary_lines()))


@cli.command()
@click.argument("directory", type=_DIR)
@click.option(
    "--registry", type=_FILE, help="单位名录（xlsx/csv）；给出时在 下发/ 中生成各单位模板。"
)
@_YEAR
@_TOWN
@_guarded
def init(directory: Path, registry: Path | None, year: int | None, town: str) -> None:
    """新建考核活动文件夹：控制台.xlsm、下发/、回收/、成果/；年度、乡镇写入控制台“参数”表。"""
    from targetbook import pipeline

    made = pipeline.init_campaign(directory, registry=registry, year=year, town=town)
    click.echo(f"已建立活动文件夹：{directory}")
    for path in made:
        if path.parent == directory:
            click.echo(f"  {path}")
    templates = [p for p in made if p.parent != directory]
    if templates:
        click.echo(f"  {templates[0].parent}：{len(templates)} 个模板")


@cli.command()
@click.option("--registry", type=_FILE, required=True, help="单位名录（xlsx/csv）。")
@click.option(
    "--out",
    "out_dir",
    type=_DIR,
    required=True,
    help="模板输出文件夹。",
)
@_YEAR
@_TOWN
@click.option("--force", is_flag=True, help="覆盖生成后被修改过的模板（原文件先保存到 历史）。")
@click.option(
    "--from",
    "baseline",
    type=_FILE,
    help="年初汇总.xlsx：按各单位年初承诺预填指标和目标值并锁定（年中、年终下发用）。",
)
@_guarded
def templates(
    registry: Path,
    out_dir: Path,
    year: int | None,
    town: str,
    force: bool,
    baseline: Path | None,
) -> None:
    """按单位名录生成下发给各单位的填报模板（空白，或 --from 按年初承诺预填）。"""
    from targetbook import pipeline

    written = pipeline.make_templates(
        registry, out_dir, year=year, town=town, force=force, baseline=baseline
    )
    click.echo(f"已生成 {len(written)} 个模板：{out_dir}")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=_PATHS)
@click.option("--registry", type=_FILE, help="单位名录（xlsx/csv），用于核对单位名称和未报送。")
@click.option(
    "--all", "show_all", is_flag=True, help=f"列出全部问题（默认只列前 {SHOW_ISSUES} 条）。"
)
@click.option(
    "--report",
    "report_out",
    type=_OUT_FILE,
    help="把校验报告写成工作簿（.xlsx，打开即是“校验问题”表），与控制台“校验”按钮写出的相同。",
)
@_REGISTER
@_JSON
@_guarded
def validate(
    paths: tuple[Path, ...],
    registry: Path | None,
    show_all: bool,
    report_out: Path | None,
    register: Path | None,
    as_json: bool,
) -> None:
    """校验回收表（文件或文件夹），列出每个问题所在的单元格。"""
    from targetbook import pipeline

    progress = _Progress("校验")
    try:
        result = pipeline.check_returns(
            paths, registry, progress=progress, report=report_out, register=register
        )
    finally:
        progress.close()
    _finish(result, as_json, show_all=show_all)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=_PATHS)
@click.option("--registry", type=_FILE, required=True, help="单位名录（xlsx/csv）。")
@click.option(
    "--out",
    type=_OUT_FILE,
    required=True,
    help="汇总工作簿（.xlsx）。",
)
@_YEAR
@_TOWN
@_REGISTER
@click.option(
    "--baseline",
    type=_FILE,
    help="年初汇总.xlsx：核对各单位是否改动了年初承诺的指标和目标值，完成率按承诺的目标值计算。",
)
@_JSON
@_guarded
def consolidate(
    paths: tuple[Path, ...],
    registry: Path,
    out: Path,
    year: int | None,
    town: str,
    register: Path | None,
    baseline: Path | None,
    as_json: bool,
) -> None:
    """校验并汇总回收表，写出 汇总.xlsx（附件1–3、校验问题、未报送、重复报送、来源）。"""
    from targetbook import pipeline

    progress = _Progress("汇总")
    campaign = _campaign(year, town)
    try:
        result = pipeline.consolidate_returns(
            paths,
            registry,
            out,
            year=year,
            campaign=campaign,
            progress=progress,
            register=register,
            baseline=baseline,
        )
    finally:
        progress.close()
    _finish(result, as_json)


@cli.command()
@click.argument("consolidated", type=_FILE)
@click.option("--rules", type=_FILE, required=True, help="考核细则工作簿。")
@click.option("--scores", type=_FILE, help="各科室打分工作簿（考核打分、外部结果）。")
@click.option("--previous", type=_FILE, help="上年排名工作簿（计算进位）。")
@click.option(
    "--out",
    type=_OUT_FILE,
    required=True,
    help="排名工作簿（.xlsx）。",
)
@_JSON
@_guarded
def rank(
    consolidated: Path,
    rules: Path,
    scores: Path | None,
    previous: Path | None,
    out: Path,
    as_json: bool,
) -> None:
    """按考核细则评分、排名（并列、进位、等次、奖项、否决），写出排名工作簿。"""
    from targetbook import pipeline

    result = pipeline.rank_campaign(consolidated, rules, scores=scores, previous=previous, out=out)
    doc = result.to_dict()
    if as_json:
        _emit_json(doc)
    else:
        issues = doc["issues"]
        lines = [f"排名：{doc['units']} 个单位"]
        lines.append(f"错误：{result.errors} 条  警告：{len(issues) - result.errors} 条")
        lines.extend(_issue_line(i) for i in issues[:SHOW_ISSUES])
        lines.append(f"输出：{doc['out']}")
        click.echo("\n".join(lines))
    sys.exit(EXIT_PROBLEMS if result.problems else EXIT_OK)


@cli.command()
@click.argument("ranked", type=_FILE)
@click.option(
    "--out",
    type=_OUT_FILE,
    required=True,
    help="输出文件（.docx 或 .html）；文件名含“通知”时生成通知（附件1–3），否则生成通报。",
)
@_TOWN
@_YEAR
@click.option("--issuer", default="", help="发文机关（如 南桐镇党政办公室）。")
@click.option("--number", default="", help="文号（如 南桐党政办发〔2022〕14号）。")
@click.option("--date", "issued", type=Date(), help="成文日期（如 2022-06-28）。")
@click.option("--to", "recipients", default="", help="主送机关（如 各村、社区，机关各部门：）。")
@_guarded
def report(
    ranked: Path,
    out: Path,
    town: str,
    year: int | None,
    issuer: str,
    number: str,
    issued,
    recipients: str,
) -> None:
    """由排名工作簿生成通报（或通知），.docx 或 .html；命令行参数优先于工作簿所带的参数。"""
    from targetbook import pipeline

    date = f"{issued.year}年{issued.month}月{issued.day}日" if issued else ""
    campaign = _campaign(year, town, issuer=issuer, number=number, date=date, to=recipients)
    result = pipeline.publish_report(ranked, out, campaign=campaign)
    for i in result.issues:
        click.echo(_issue_line(i.to_dict()), err=True)
    click.echo(f"输出：{result.path}")


@cli.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_JSON
@_guarded
def status(directory: Path, as_json: bool) -> None:
    """催报：列出各类别未报送的单位及距截止日期的天数、需退回修改的回收表，写出 成果/催报.xlsx。"""
    from targetbook import pipeline

    result = pipeline.campaign_status(directory)
    if as_json:
        _emit_json(result.to_dict())
    else:
        click.echo("\n".join(_status_lines(result)))
    sys.exit(EXIT_PROBLEMS if result.problems else EXIT_OK)


def _status_lines(result) -> list[str]:
    deadline = result.deadline.isoformat() if result.deadline else "未设"
    lines = [
        f"催报（{result.as_of.isoformat()}）：截止日期 {deadline}，{result.when()}",
        f"已收回收表 {result.received} 个；{result.units} 个单位，未报送 {len(result.missing)} 个",
    ]
    for category, owed in result.by_category().items():
        names = "、".join(o.unit for o in owed) or "无"
        lines.append(f"  {category}：{names}")
    lines.append(f"退回修改：{len(result.to_fix)} 份")
    for fix in result.to_fix[:SHOW_ISSUES]:
        units = "、".join(fix.units)
        shown = "；".join(fix.messages)
        lines.append(
            f"  {fix.file}{f'（{units}）' if units else ''}：错误 {fix.errors} 条：{shown}"
        )
    if result.out:
        lines.append(f"输出：{result.out}")
    return lines


@cli.command("parse-target")
@click.argument("texts", nargs=-1, required=True)
@_JSON
@_guarded
def parse_target(texts: tuple[str, ...], as_json: bool) -> None:
    """解析创先争优目标原文（如“区考核组排名保2争1”），列出结构化目标。"""
    from targetbook.targets import parse_target

    targets = [_plain(t) for text in texts for t in parse_target(text)]
    if as_json:
        _emit_json(targets)
        return
    for t in targets:
        fields = "  ".join(
            f"{k}={v}" for k, v in t.items() if k != "text" and v not in (None, "", [])
        )
        click.echo(f"{t.get('text', '')}\t{fields}")


def main(argv: list[str] | None = None) -> None:
    """Entry point of `targetbook` and `python -m targetbook`."""
    # A redirected Windows console defaults to a legacy code page: Chinese would crash print.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    try:
        cli.main(args=argv, prog_name="targetbook")
    except SystemExit as exc:
        if argv is not None:  # called from Python (tests, scripts): a normal exit
            raise
        # The real command line: the outputs are written and closed, so skip tearing down
        # the heap object by object (~0.3 s after consolidating a thousand returns), as
        # mypy does. Only the standard streams still need flushing.
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if not isinstance(exc.code, int | None):
            print(exc.code, file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
