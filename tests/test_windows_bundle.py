"""The offline Windows bundle: Python detection of the .bat files (text and a model of it),
the marker walk on made-up wheels, and the real bundle built and proved complete (network)."""

from __future__ import annotations

import importlib.util
import io
import re
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.utils import parse_wheel_filename

from targetbook import __version__
from targetbook.excel import pyfind
from targetbook.excel.bat import bat_text

ROOT = Path(__file__).resolve().parent.parent


def _tool():
    spec = importlib.util.spec_from_file_location(
        "build_windows_bundle", ROOT / "tools" / "build_windows_bundle.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bundle_tool = _tool()
STUB = r"C:\Users\li\AppData\Local\Microsoft\WindowsApps\python.exe"
REAL = r"C:\Users\li\AppData\Local\Programs\Python\Python312\python.exe"
ENV = {"LOCALAPPDATA": r"C:\Users\li\AppData\Local", "ProgramFiles": r"C:\Program Files"}


# --- detection: the cmd text ------------------------------------------------------------
def _lines(check: str) -> list[str]:
    return pyfind.find_python_snippet(check).splitlines()


def test_snippet_tries_launcher_then_path_then_install_folders():
    lines = [ln for ln in _lines("import targetbook") if not ln.startswith("rem")]
    body = lines[: lines.index("exit /b 0")]
    assert body[:2] == [":tb_find_python", 'set "PY="']
    assert [ln.split(" ")[0:4] for ln in body[2:]] == [
        ["for", "%%V", "in", "(-3.13"],
        ["if", "not", "defined", "PY"],
        ["if", "not", "defined", "PY"],
    ]
    assert ":tb_try_launcher" in body[2] and "'where python.exe 2^>nul'" in body[3]
    assert '"%LOCALAPPDATA%\\Programs\\Python" "%ProgramFiles%"' in body[4]
    assert "(313 312 311)" in body[4] and "Python%%V\\python.exe" in body[4]
    assert "py %1 -c" in "".join(_lines("x"))


def test_snippet_refuses_windowsapps_before_running_or_choosing():
    lines = _lines("import targetbook")
    try_ = lines[lines.index(":tb_try") :]
    refuse = next(i for i, ln in enumerate(try_) if "\\WindowsApps\\" in ln)
    run = next(i for i, ln in enumerate(try_) if '-c "import targetbook"' in ln)
    choose = next(i for i, ln in enumerate(try_) if ln.startswith('set "PY='))
    assert try_[refuse] == 'if not "%TB_CAND:\\WindowsApps\\=%"=="%TB_CAND%" exit /b 1'
    assert refuse < run < choose
    assert try_[run].endswith("|| exit /b 1")  # the Store stub fails the check too


def test_snippet_refuses_cmd_metacharacters_in_the_check():
    with pytest.raises(ValueError):
        pyfind.find_python_snippet('print("%PATH%")')


def test_button_bat_files_share_the_detection():
    text = bat_text("validate_returns")
    assert text.decode("ascii").count("\r\n") == text.count(b"\n")
    lines = text.decode("ascii").splitlines()
    assert lines.index("if not defined PY call :tb_find_python") < lines.index(
        '"%PY%" -m targetbook.excel.bat validate_returns .'
    )
    assert text.decode().endswith(
        pyfind.find_python_snippet(pyfind.CHECK_TARGETBOOK).replace("\n", "\r\n")
    )
    assert b"where python >nul" not in text  # the old test that the Store stub passed


def test_installer_bat():
    raw = bundle_tool.installer_bytes(__version__)
    text = raw.decode("gbk")
    assert text.count("\r\n") == raw.count(b"\n")
    lines = text.splitlines()
    assert lines.index("call :tb_find_python") < next(
        i for i, ln in enumerate(lines) if "-m pip install --no-index --find-links" in ln
    )
    assert f'"targetbook[excel]=={__version__}"' in text
    assert '"%PY%" -m targetbook --version' in lines
    assert text.endswith(pyfind.find_python_snippet(pyfind.CHECK_BUNDLE).replace("\n", "\r\n"))
    assert "@@" not in text
    # GBK trail bytes can be | or ^: a cmd on a non-Chinese code page would split lines there.
    for char in set(re.findall(r"[^\x00-\x7f]", text)):
        assert not set(char.encode("gbk")) & set(b"|^&<>%"), char


# --- detection: a model of the same rules, with fake PATHs ---------------------------------
def _choose(launcher=None, where=(), existing=None, passing=None):
    existing = set(existing if existing is not None else [*where, *(launcher or {}).values()])
    passing = existing if passing is None else set(passing)
    return pyfind.choose_python(
        launcher or {}, list(where), ENV, existing.__contains__, passing.__contains__
    )


def test_model_never_picks_the_store_stub():
    assert _choose(where=[STUB, REAL]) == REAL
    assert _choose(where=[STUB]) is None
    stub_case = STUB.replace("WindowsApps", "windowsapps")
    assert _choose(where=[stub_case], passing=[stub_case]) is None  # even if it answered


def test_model_order():
    other = r"D:\tools\python\python.exe"
    launched = r"C:\Program Files\Python311\python.exe"
    assert _choose({"-3.11": launched}, where=[other]) == launched  # launcher first
    assert _choose({"-3.13": "x", "-3.12": launched}, existing=[launched]) == launched
    assert _choose(where=[other, REAL], passing=[REAL]) == REAL  # the check decides
    assert _choose(where=[STUB], existing=[STUB, REAL]) == REAL  # install folder fallback
    order = pyfind.candidates({}, [], ENV)
    assert order[:3] == [
        r"C:\Users\li\AppData\Local\Programs\Python\Python313\python.exe",
        r"C:\Users\li\AppData\Local\Programs\Python\Python312\python.exe",
        r"C:\Users\li\AppData\Local\Programs\Python\Python311\python.exe",
    ]
    assert order[3] == r"C:\Program Files\Python313\python.exe"


# --- the marker walk on made-up wheels ------------------------------------------------------
FAKE = {
    "targetbook-0.1.0-py3-none-any.whl": (
        ["click>=8.1", 'xlwings==0.37.8; extra == "excel"', "pandas>=2"],
        ">=3.11",
    ),
    "click-8.1.7-py3-none-any.whl": (['colorama; platform_system == "Windows"'], None),
    "colorama-0.4.6-py2.py3-none-any.whl": ([], None),
    "xlwings-0.37.8-cp312-cp312-win_amd64.whl": (
        ['pywin32>=224; platform_system == "Windows"', 'psutil; platform_system == "Darwin"'],
        None,
    ),
    "xlwings-0.37.8-cp312-cp312-manylinux_2_17_x86_64.whl": ([], None),
    "pywin32-311-cp312-cp312-win_amd64.whl": ([], None),
    "pandas-3.0.0-cp312-cp312-win_amd64.whl": (['tzdata; sys_platform == "win32"'], None),
    "pandas-3.0.0-cp311-cp311-win_amd64.whl": (['tzdata; sys_platform == "win32"'], None),
    "tzdata-2025.1-py2.py3-none-any.whl": ([], None),
}


def test_walk_follows_windows_markers():
    res = bundle_tool.resolve(FAKE, ["targetbook[excel]"], "3.12")
    assert res.missing == []
    assert sorted(res.chosen) == [
        "click", "colorama", "pandas", "pywin32", "targetbook", "tzdata", "xlwings",
    ]  # fmt: skip
    assert res.chosen["xlwings"] == "xlwings-0.37.8-cp312-cp312-win_amd64.whl"


def test_walk_reports_what_no_wheel_meets():
    res = bundle_tool.resolve(FAKE, ["targetbook[excel]"], "3.11")  # no cp311 xlwings/pywin32
    assert [str(r) for r in res.missing] == ["xlwings==0.37.8"]
    without = {k: v for k, v in FAKE.items() if not k.startswith("colorama")}
    res = bundle_tool.resolve(without, ["targetbook"], "3.12")
    assert [str(r) for r in res.missing] == ["colorama"]
    assert "xlwings" not in res.chosen  # the extra was not asked for


# --- the real bundle (downloads: fails, not skips, without the network) ----------------------
@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    return bundle_tool.build(tmp_path_factory.mktemp("bundle"))


def _wheel_metadata(z: zipfile.ZipFile, filename: str) -> list[str]:
    return bundle_tool._metadata(io.BytesIO(z.read(f"wheels/{filename}")).getvalue())[0]


@pytest.mark.parametrize("python", ["3.11", "3.12", "3.13"])
def test_bundle_is_complete_for_windows(bundle, python):
    res = bundle_tool.check_bundle(bundle, python)
    assert res.missing == []
    abi = "cp" + python.replace(".", "")
    accepted = {("py3", "none", "any"), ("py2.py3", "none", "any")}
    for name in ("targetbook", "xlwings", "pywin32", "tzdata", "pandas", "numpy", "click"):
        filename = res.chosen[name]
        tags = {(t.interpreter, t.abi, t.platform) for t in parse_wheel_filename(filename)[3]}
        assert tags & {(abi, abi, "win_amd64"), ("py3", "none", "any"), *accepted}, filename
    assert res.chosen["pywin32"].endswith(f"-{abi}-{abi}-win_amd64.whl")
    with zipfile.ZipFile(bundle) as z:
        click_needs = _wheel_metadata(z, res.chosen["click"])
        lock = z.read(f"lock/{abi}.txt").decode()
    # colorama is needed exactly when the bundled click asks for it on Windows
    assert ("colorama" in res.chosen) == any(r.startswith("colorama") for r in click_needs)
    pins = {ln.split("==")[0] for ln in lock.splitlines() if not ln.startswith("#")}
    assert pins == set(res.chosen)


def test_bundle_contents(bundle):
    assert bundle.name == f"targetbook-{__version__}-windows.zip"
    with zipfile.ZipFile(bundle) as z:
        names = set(z.namelist())
        installer = z.read("安装.bat")
        guide = z.read("使用说明.txt").decode("utf-8-sig")
    assert installer == bundle_tool.installer_bytes(__version__)
    assert {"示例活动/控制台.xlsm", "示例活动/成果/汇总.xlsx", "示例活动/校验.bat"} <= names
    assert f"wheels/targetbook-{__version__}-py3-none-any.whl" in names
    assert guide.replace("\r\n", "\n") == (ROOT / "docs" / "excel.md").read_text("utf-8")


def test_docs_install_steps_use_only_the_bundle(bundle):
    guide = (ROOT / "docs" / "excel.md").read_text("utf-8")
    steps = guide[guide.index("### 一、") : guide.index("3. **建活动文件夹**")]
    with zipfile.ZipFile(bundle) as z:
        names = set(z.namelist())
    tops = {n.split("/")[0] for n in names}
    for mentioned in ("安装.bat", "使用说明.txt", "示例活动", "wheels"):
        assert mentioned in steps and mentioned in tops
    for lock in re.findall(r"cp3\d\d\.txt", steps):
        assert f"lock/{lock}" in names
    offline = [ln for ln in steps.splitlines() if "pip install" in ln and "镜像" not in ln]
    assert all("--no-index --find-links wheels" in ln for ln in offline)
