"""The .bat files of a campaign folder: the buttons' steps by double-click (WPS, macros off),
and their entry point `python -m targetbook.excel.bat STEP DIR`.

Each file is ASCII with CRLF line ends, so no code page can garble it; Chinese appears only
in the file names and in what Python prints (UTF-8, after `chcp 65001`).
"""

from __future__ import annotations

import sys

from targetbook.excel.batfiles import BAT_STEPS, bat_text, write_bat_files

__all__ = ["BAT_STEPS", "bat_text", "main", "write_bat_files"]


def main(argv: list[str] | None = None) -> int:
    """`python -m targetbook.excel.bat STEP [DIR]`: run one step on a campaign folder."""
    from targetbook import labels as L
    from targetbook.errors import TargetbookError
    from targetbook.excel.stamp import version_warning
    from targetbook.excel.steps import STEPS, read_control_workbook

    args = sys.argv[1:] if argv is None else argv
    if sys.stdout.encoding and sys.stdout.encoding.lower() not in ("utf-8", "utf8"):
        sys.stdout.reconfigure(encoding="utf-8")
    if not args or args[0] not in STEPS:
        print(f"用法：python -m targetbook.excel.bat {{{'|'.join(STEPS)}}} [活动文件夹]")
        return 2
    try:
        inputs = read_control_workbook(args[1] if len(args) > 1 else ".")
        warning = version_warning(inputs.frames)
        if warning:
            print(f"提示：{warning}")
        inputs.progress = lambda text: print("\r" + text, end="", flush=True)
        outcome = STEPS[args[0]](inputs)
    except TargetbookError as exc:
        print(f"\n错误：{exc.message}")
        return 2
    print("\n" + outcome.summary)
    for i in outcome.issues[:50]:
        where = "!".join(p for p in (i.sheet, i.cell) if p)
        print(f"  [{L.SEVERITY_NAMES.get(i.severity, i.severity)}] {i.file} {where} {i.message}")
    if len(outcome.issues) > 50:
        print(f"  ……共 {len(outcome.issues)} 条，完整列表见控制台的“校验问题”表或 成果/汇总.xlsx")
    return 1 if outcome.problems else 0


if __name__ == "__main__":
    sys.exit(main())
