"""Completeness: every rule id has a message and is raised or documented; every command has help."""

from __future__ import annotations

import importlib
import re
import string
import types
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from targetbook.cli import cli
from targetbook.errors import issue
from targetbook.messages import EXPLANATIONS, MESSAGES

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "targetbook"
RESERVED = {"rule", "severity", "file", "sheet", "cell", "value", "loc"}  # issue()'s own keywords

# DESIGN.md's command line: command → its options (stable: scripts depend on them).
DESIGN_COMMANDS = {
    "demo": {"--out"},
    "init": {"--registry", "--year", "--town"},
    "templates": {"--registry", "--out", "--year", "--town", "--force", "--from"},
    "validate": {"--registry", "--all", "--report", "--register", "--json"},
    "consolidate": {
        "--registry",
        "--out",
        "--year",
        "--town",
        "--register",
        "--baseline",
        "--json",
    },
    "rank": {"--rules", "--scores", "--previous", "--out", "--json"},
    "report": {"--out", "--town", "--year", "--issuer", "--number", "--date", "--to"},
    "parse-target": {"--json"},
    "status": {"--json"},
}


def _sources_outside_messages() -> str:
    return "\n".join(
        p.read_text(encoding="utf-8")
        for p in sorted(PACKAGE.rglob("*.py"))
        if p.name != "messages.py"
    )


def test_every_rule_has_a_severity_and_a_chinese_message():
    for rule, (severity, template) in MESSAGES.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", rule), rule
        assert severity in ("error", "warning"), rule
        assert re.search(r"[\u4e00-\u9fff]", template), rule
        fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        # issue(rule, severity=..., **params) cannot pass these as template fields.
        assert not fields & {"rule", "severity"}, (rule, fields)
        assert issue(rule, **dict.fromkeys(fields - RESERVED, "x")).message, rule


def test_every_rule_is_raised_somewhere_or_documented():
    code = _sources_outside_messages()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    orphans = [
        rule
        for rule in MESSAGES
        if f'"{rule}"' not in code and f"'{rule}'" not in code and f"`{rule}`" not in readme
    ]
    assert orphans == []


def test_commands_and_options_are_those_of_design_md():
    assert set(cli.commands) == set(DESIGN_COMMANDS)
    for name, options in DESIGN_COMMANDS.items():
        params = cli.commands[name].params
        declared = {o for p in params if isinstance(p, click.Option) for o in p.opts}
        assert declared == options, name


@pytest.mark.parametrize("name", sorted(DESIGN_COMMANDS))
def test_every_command_and_option_has_help(name):
    command = cli.commands[name]
    assert command.help and command.help.strip()
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help and param.help.strip(), (name, param.name)
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert command.help.strip().splitlines()[0] in result.output


def test_readme_first_screen_has_the_two_commands_that_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```bash\n", 1)[1].split("```", 1)[0]
    demo, tests = first_block.strip().splitlines()
    assert demo.endswith("python3 -m targetbook demo") and "pip install" in demo
    assert tests == "bash tools/test.sh"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines()  # verbatim, as its own line
    script = (ROOT / "tools" / "test.sh").read_text(encoding="utf-8")
    # The one script installs what the tests need, then runs pytest as its last step.
    assert "libreoffice-calc-nogui" in script and "apt-get install" in script
    assert '-m pip install -e ".[test]"' in script
    assert script.rstrip().splitlines()[-1].startswith('exec "$python" -m pytest')
    for name in DESIGN_COMMANDS:
        assert f"targetbook {name}" in readme, name


def test_public_names_resolve_to_what_they_name_even_after_their_modules_are_imported():
    import targetbook

    for name in targetbook.__all__:
        importlib.import_module("targetbook.demo")  # imports consolidate, read, registry, …
        value = getattr(targetbook, name)
        # `targetbook.consolidate` must stay the function, not the submodule of that name.
        assert not isinstance(value, types.ModuleType), name


RAISED = re.compile(r"""(?:TargetbookError|fail|issue)\(\s*["']([a-z][a-z0-9_]*)["']""")
EXPLAINED = re.compile(r"""Explain\(\s*["']([a-z][a-z0-9_]*)["']""")


def test_every_rule_id_used_in_the_code_has_a_message():
    used = set(RAISED.findall(_sources_outside_messages()))
    assert {"registry_file_missing", "score_unit_unknown"} <= used  # the pattern finds sites
    assert sorted(used - set(MESSAGES)) == []


def test_every_explanation_kind_has_a_template_and_every_template_is_used():
    code = _sources_outside_messages()
    used = set(EXPLAINED.findall(code))
    assert {"rate_computed", "veto_zero"} <= used  # the pattern finds the records
    assert sorted(used - set(EXPLANATIONS)) == []
    # a `…_floor` kind is chosen by suffixing its base kind (score.methods._no_data)
    unused = [k for k in EXPLANATIONS if f'"{k.removesuffix("_floor")}"' not in code]
    assert unused == []


def test_a_fatal_error_carries_its_rule_and_survives_pickling():
    import pickle

    from targetbook.errors import TargetbookError

    err = TargetbookError("book_unreadable", file="考核细则.xlsx", reason=OSError("坏"))
    back = pickle.loads(pickle.dumps(err))
    assert (back.rule, back.params, back.exit_code) == (
        "book_unreadable",
        {"file": "考核细则.xlsx", "reason": "坏"},
        2,
    )
    assert back.message == err.message and "考核细则.xlsx" in str(back)
    with pytest.raises(KeyError):
        TargetbookError("no_such_rule")
