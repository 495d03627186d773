"""Finding a real Python from a Windows .bat file: one cmd snippet shared by 安装.bat and the
button .bat files, and a Python model of the same rules so the order can be tested on Linux.

`where python` alone is not enough: on a PC where Python is not on PATH it returns the
Microsoft Store stub (…\\AppData\\Local\\Microsoft\\WindowsApps\\python.exe), which opens the
Store instead of running anything. So every candidate is asked to run a check, and paths
under WindowsApps are refused outright.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

# 1. the py launcher (installed by python.org's installer, even when PATH was not ticked):
#    the newest version the offline bundle has wheels for first, then any Python 3.
LAUNCHER_ARGS = ("-3.13", "-3.12", "-3.11", "-3")
# 3. the folders python.org's installer uses (per user, then all users), newest first.
INSTALL_ROOTS = (r"%LOCALAPPDATA%\Programs\Python", r"%ProgramFiles%")
FOLDER_VERSIONS = ("313", "312", "311")
STUB_MARK = "\\WindowsApps\\"

# What a candidate must pass. The installer needs a 64-bit 3.11–3.13 (the bundle's wheels);
# the buttons need a Python that already has targetbook. No % or ! here: cmd would expand them.
CHECK_BUNDLE = (
    "import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] <= (3, 13) and sys.maxsize > 2**32))"
)
CHECK_TARGETBOOK = "import targetbook"

_SNIPPET = r"""
:tb_find_python
rem Sets PY to the full path of a python.exe that passes the check, or leaves PY empty.
rem Order: 1. the py launcher, 2. python.exe on PATH (never the Microsoft Store stub
rem under WindowsApps), 3. the usual install folders.
set "PY="
for %%V in ({launcher}) do if not defined PY call :tb_try_launcher %%V
{where_line}
{folders_line}
exit /b 0

:tb_try_launcher
{launcher_line}
exit /b 0

:tb_try
set "TB_CAND=%~1"
if not exist "%TB_CAND%" exit /b 1
if not "%TB_CAND:{stub}=%"=="%TB_CAND%" exit /b 1
"%TB_CAND%" -c "{check}" >nul 2>nul || exit /b 1
set "PY=%TB_CAND%"
exit /b 0
"""


# The long lines of the snippet, kept whole: cmd has no safe line break inside a for.
_WHERE = (
    "if not defined PY for /f \"delims=\" %%P in ('where python.exe 2^>nul')"
    ' do if not defined PY call :tb_try "%%P"'
)
_FOLDERS = (
    "if not defined PY for %%R in ({roots}) do for %%V in ({versions})"
    ' do if not defined PY call :tb_try "%%~R\\Python%%V\\python.exe"'
)
_LAUNCHER = (
    'for /f "delims=" %%E in (\'py %1 -c "import sys; print(sys.executable)" 2^>nul\')'
    ' do if not defined PY call :tb_try "%%E"'
)


def find_python_snippet(check: str) -> str:
    """The cmd subroutines `:tb_find_python` (sets PY) for a .bat file; ASCII, LF line ends."""
    if any(c in check for c in '%!"'):
        raise ValueError(f"check must not contain % ! or double quotes: {check}")
    folders = _FOLDERS.format(
        roots=" ".join(f'"{r}"' for r in INSTALL_ROOTS), versions=" ".join(FOLDER_VERSIONS)
    )
    return _SNIPPET.format(
        launcher=" ".join(LAUNCHER_ARGS),
        where_line=_WHERE,
        folders_line=folders,
        launcher_line=_LAUNCHER,
        stub=STUB_MARK,
        check=check,
    ).lstrip("\n")


def _expand(text: str, env: Mapping[str, str]) -> str:
    for key, value in env.items():
        text = text.replace(f"%{key}%", value)
    return text


def candidates(
    launcher: Mapping[str, str], where: Sequence[str], env: Mapping[str, str]
) -> list[str]:
    """Every path the snippet tries, in its order (model of the cmd text, for tests).

    `launcher` maps a `py` argument (e.g. "-3.12") to the sys.executable it prints;
    `where` is the output of `where python.exe`; `env` expands %LOCALAPPDATA% and friends.
    """
    found = [launcher[a] for a in LAUNCHER_ARGS if a in launcher]
    found += list(where)
    found += [
        _expand(root, env) + f"\\Python{v}\\python.exe"
        for root in INSTALL_ROOTS
        for v in FOLDER_VERSIONS
    ]
    return found


def choose_python(
    launcher: Mapping[str, str],
    where: Sequence[str],
    env: Mapping[str, str],
    exists: Callable[[str], bool],
    passes: Callable[[str], bool],
) -> str | None:
    """The python.exe the snippet sets PY to, or None (model of the cmd text, for tests)."""
    for path in candidates(launcher, where, env):
        if not exists(path) or STUB_MARK.lower() in path.lower():
            continue
        if passes(path):
            return path
    return None
