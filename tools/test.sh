#!/usr/bin/env bash
# The README's test command: install what the tests need when it is missing, then run them.
#  1. Debian packages for the tests that convert with LibreOffice (fixtures, DOCX/XLSX → PDF),
#     read PDFs back (pdftotext) and render Chinese (Noto CJK) — with sudo when not root;
#  2. targetbook itself, editable, with its test extra;
#  3. pytest, whose exit code is this script's (5, "no tests collected", is a failure too).
# .ci/run calls this same script, so CI and a developer's machine run the same thing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils fonts-noto-cjk)
if command -v dpkg >/dev/null 2>&1; then
    missing=()
    for pkg in "${packages[@]}"; do
        # "installed", not merely known: a removed package keeps its config files ("rc").
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        [[ $status == "install ok installed" ]] || missing+=("$pkg")
    done
    if ((${#missing[@]})); then
        echo "安装测试所需的系统软件包：${missing[*]}" >&2
        sudo=()
        if [[ $(id -u) -ne 0 ]]; then
            command -v sudo >/dev/null 2>&1 || {
                echo "缺少 ${missing[*]}，且没有 sudo：请以 root 安装后重试。" >&2
                exit 2
            }
            sudo=(sudo)
        fi
        "${sudo[@]}" apt-get update
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends \
            "${missing[@]}"
    fi
elif ! command -v soffice >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
    echo "不是 Debian/Ubuntu：请先安装 LibreOffice（soffice）、poppler（pdftotext）和中文字体。" >&2
    exit 2
fi

python=${PYTHON:-python3}
# A Debian system Python refuses installs outside a venv (PEP 668); inside a venv this is moot.
if "$python" -c 'import sys; sys.exit(sys.prefix != sys.base_prefix)'; then
    export PIP_BREAK_SYSTEM_PACKAGES=1
fi
"$python" -m pip install -e ".[test]"
exec "$python" -m pytest "$@"
