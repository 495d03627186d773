"""The command line in Chinese: click's help headings, usage errors and value checks.

click's own words are English ("Usage:", "Error: Missing option '--registry'"). Staff read
Chinese, so the door's group and commands use a context whose formatter prints 用法/选项/命令,
parameter types that fail with our messages (a path that does not exist, a year, a date), and
a `main` that shows every usage error as the message table's rule with the command's usage
line and exits 2 (DESIGN: 2 = usage or fatal error).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import click

from targetbook.labels import FATAL_PREFIX
from targetbook.messages import render

USAGE_EXIT = 2
_HEADINGS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}
_CJK = re.compile(r"[\u4e00-\u9fff]")
_EXTRA = re.compile(r"Got unexpected extra arguments? \((.*)\)")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


class ChineseFormatter(click.HelpFormatter):
    """Help pages with 用法：, [选项] and Chinese section headings."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        """The usage line: `用法：targetbook validate [选项] PATHS...`."""
        args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        super().write_usage(prog, args, prefix or "用法：")

    def write_heading(self, heading: str) -> None:
        """Section headings in Chinese (选项：, 命令：)."""
        self.write(f"{'':>{self.current_indent}}{_HEADINGS.get(heading, heading)}：\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        """Option rows, with click's `[default: …]` / `[required]` marks in Chinese."""
        shown = [
            (a, b.replace("[default: ", "[默认：").replace("[required]", "[必填]")) for a, b in rows
        ]
        super().write_dl(shown, col_max, col_spacing)


class ChineseContext(click.Context):
    """A click context that formats help with ChineseFormatter."""

    formatter_class = ChineseFormatter


def _located(parse, ctx: click.Context, args: list[str]) -> list[str]:
    """Parse as click does; a parser error (an option without its value) gets the context,
    so that its message is shown under the command's usage line."""
    try:
        return parse(ctx, args)
    except click.UsageError as exc:
        if exc.ctx is None:
            exc.ctx = ctx
        raise


def _help_in_chinese(option: click.Option | None) -> click.Option | None:
    if option is not None:
        option.help = "显示本帮助并退出。"
    return option


class ChineseCommand(click.Command):
    """A command whose help and usage are in Chinese."""

    context_class = ChineseContext

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """-h/--help, described in Chinese."""
        return _help_in_chinese(super().get_help_option(ctx))

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """click's parsing; parser errors carry this command's context."""
        return _located(super().parse_args, ctx, args)


class ChineseGroup(click.Group):
    """The `targetbook` group: Chinese help, usage errors in Chinese with the usage line."""

    context_class = ChineseContext
    command_class = ChineseCommand

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """-h/--help, described in Chinese."""
        return _help_in_chinese(super().get_help_option(ctx))

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """click's parsing; parser errors carry the group's context."""
        return _located(super().parse_args, ctx, args)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        """An unknown command name is a usage error naming the commands there are."""
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            raise click.UsageError(
                render("usage_no_such_command", command=name, commands="、".join(self.commands)),
                ctx,
            )
        return super().resolve_command(ctx, args)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """click's standalone main, with usage errors shown in Chinese (exit 2)."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            value = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            show_usage_error(exc)
            sys.exit(USAGE_EXIT)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("已中止。", err=True)
            sys.exit(1)
        # Not standalone, click returns ctx.exit()'s code (--help, --version) instead of exiting.
        sys.exit(value if isinstance(value, int) else 0)


def _option_name(param: click.Parameter | None, hint: str | None = None) -> str:
    if hint:
        return hint.replace("'", "")
    if param is None:
        return ""
    if isinstance(param, click.Option):
        return " / ".join(param.opts)
    return param.human_readable_name


def chinese_message(exc: click.UsageError) -> str:
    """The Chinese sentence of a click usage error (already-Chinese messages kept)."""
    if isinstance(exc, click.MissingParameter):
        name = _option_name(exc.param, exc.param_hint)
        if isinstance(exc.param, click.Option):
            return render("usage_missing_option", option=name)
        return render("usage_missing_argument", argument=name)
    if isinstance(exc, click.NoSuchOption):
        near = sorted(exc.possibilities or ())
        hint = f"，是否为 {' 或 '.join(near)}？" if near else "，请运行 -h 查看可用的选项"
        return render("usage_no_such_option", option=exc.option_name, hint=hint)
    if isinstance(exc, click.BadOptionUsage):
        if "requires" in exc.message:
            return render("usage_option_needs_value", option=exc.option_name)
        if "does not take a value" in exc.message:
            return render("usage_option_takes_no_value", option=exc.option_name)
    if isinstance(exc, click.BadParameter):
        name = _option_name(exc.param, exc.param_hint)
        if _CJK.search(exc.message):
            return f"{name}：{exc.message}" if name else exc.message
        return render("usage_bad_value", option=name, reason=exc.message)
    if _CJK.search(exc.message):
        return exc.message
    extra = _EXTRA.fullmatch(exc.message.strip().rstrip("."))
    if extra:
        return render("usage_extra_arguments", args=extra.group(1))
    return render("usage_error", reason=exc.message)


def show_usage_error(exc: click.UsageError, file=None) -> None:
    """用法 line, where to find help, and the error in Chinese (stderr)."""
    out = file or sys.stderr
    ctx = exc.ctx
    if ctx is not None:
        click.echo(ctx.get_usage(), file=out)
        command = ctx.command_path
        click.echo(f"运行“{command} -h”查看帮助。", file=out)
        click.echo("", file=out)
    click.echo(f"{FATAL_PREFIX}{chinese_message(exc)}", file=out)


class ChinesePath(click.Path):
    """click.Path failing in Chinese: a path that does not exist, a folder for a file …"""

    def convert(self, value, param, ctx):
        """Check the path as click.Path does, with the message table's words."""
        path = Path(value)
        if self.exists and not path.exists():
            self.fail(render("usage_path_missing", path=value), param, ctx)
        if not self.dir_okay and path.is_dir():
            self.fail(render("usage_path_is_folder", path=value), param, ctx)
        if not self.file_okay and path.exists() and not path.is_dir():
            self.fail(render("usage_path_is_file", path=value), param, ctx)
        return super().convert(value, param, ctx)


class Year(click.ParamType):
    """A four-digit year (`2022`, `2022年`)."""

    name = "year"

    def get_metavar(self, param, ctx=None) -> str:
        """Shown in help as YYYY."""
        return "YYYY"

    def convert(self, value, param, ctx) -> int:
        """`2022` / `2022年` → 2022; anything else fails in Chinese."""
        if isinstance(value, int):
            return value
        digits = str(value).strip().removesuffix("年度").removesuffix("年")
        if re.fullmatch(r"(19|20)\d{2}", digits):
            return int(digits)
        self.fail(render("usage_not_a_year", value=value), param, ctx)


class Date(click.ParamType):
    """A date: `2022-06-28`, `2022/6/28` or `2022年6月28日`."""

    name = "date"

    def get_metavar(self, param, ctx=None) -> str:
        """Shown in help as YYYY-MM-DD."""
        return "YYYY-MM-DD"

    def convert(self, value, param, ctx) -> dt.date:
        """The date written in any of the usual ways; anything else fails in Chinese."""
        if isinstance(value, dt.date):
            return value
        found = _DATE.fullmatch(str(value).strip())
        if found:
            try:
                return dt.date(*(int(g) for g in found.groups()))
            except ValueError:
                pass
        self.fail(render("usage_not_a_date", value=value), param, ctx)
