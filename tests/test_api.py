"""The public API: every exported name resolves, and `import targetbook` stays light."""

import subprocess
import sys

import pytest

import targetbook


def test_every_public_name_resolves():
    missing = [name for name in targetbook.__all__ if getattr(targetbook, name, None) is None]
    assert missing == []


def test_import_does_not_load_pandas_or_pandera():
    code = "import sys, targetbook; print(sorted({'pandas', 'pandera'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        targetbook.no_such_name  # noqa: B018
