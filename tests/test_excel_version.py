"""The targetbook version stamped on the control workbook's 说明 sheet, and the warning a
button or a .bat step gives when the installed targetbook is another one."""

from __future__ import annotations

import openpyxl
import pandas as pd
from click.testing import CliRunner
from test_excel_buttons import _book, _filled, campaign  # noqa: F401 - the fixture

import targetbook.excel as t
from targetbook import __version__
from targetbook import labels as L
from targetbook.cli import cli
from targetbook.excel.stamp import built_for, version_line, version_warning
from targetbook.messages import MESSAGES


def _frames(*lines):
    return {L.SHEET_GUIDE: pd.DataFrame([[None, line] for line in lines], dtype=object)}


def test_version_read_back_from_the_guide_sheet():
    assert built_for(_frames("使用步骤", version_line("0.3.1"))) == "0.3.1"
    assert built_for(_frames("使用步骤")) is None  # workbooks built before the stamp
    assert built_for({}) is None


def test_warning_only_when_versions_differ():
    assert version_warning(_frames(version_line(__version__))) is None
    assert version_warning(_frames("使用步骤")) is None
    warning = version_warning(_frames(version_line("0.0.9")), installed="0.1.0")
    assert warning is not None and "0.0.9" in warning and "0.1.0" in warning
    assert MESSAGES["excel_version_mismatch"][0] == "warning"


def test_cli_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_button_logs_the_mismatch(campaign):  # noqa: F811
    book = _book(_filled(**{L.SHEET_GUIDE: [[version_line("0.0.9")]]}))
    t.make_templates(book)
    log = [a for a in book.json()["actions"] if a["func"] == "setValues"][-1]["values"]
    assert [row[1:3] for row in log[1:]] == [["生成模板", "完成"]]
    warning, summary = log[1][3].split("\n")
    assert "targetbook 0.0.9" in warning and summary.startswith("已生成")


def test_button_quiet_when_versions_match(campaign):  # noqa: F811
    book = _book(_filled(**{L.SHEET_GUIDE: [[version_line()]]}))
    t.make_templates(book)
    log = [a for a in book.json()["actions"] if a["func"] == "setValues"][-1]["values"]
    assert [row[1:3] for row in log[1:]] == [["生成模板", "完成"]]
    assert "\n" not in log[1][3]


def test_bat_step_prints_the_mismatch(campaign, capsys):  # noqa: F811
    from targetbook.excel.bat import main

    wb = openpyxl.load_workbook(campaign / L.CONTROL_WORKBOOK, keep_vba=True)
    wb[L.SHEET_GUIDE]["B2"] = version_line("0.0.9")  # where the builder stamps it
    wb.save(campaign / L.CONTROL_WORKBOOK)
    main(["validate_returns", str(campaign)])
    out = capsys.readouterr().out
    assert out.startswith("提示：") and "targetbook 0.0.9" in out.splitlines()[0]


def test_shipped_control_workbook_is_stamped_with_this_version():
    # The 说明 sheet of the workbook in the wheel names the targetbook it was built for, read back
    # the way a button reads it (the frames of the open workbook).
    from targetbook.resources import resource

    path = resource("workbooks", L.CONTROL_WORKBOOK)
    guide = pd.read_excel(
        path, sheet_name=L.SHEET_GUIDE, header=None, dtype=object, engine="calamine"
    )
    assert built_for({L.SHEET_GUIDE: guide}) == __version__
    assert any("安装.bat" in str(v) for v in guide.to_numpy().ravel())
