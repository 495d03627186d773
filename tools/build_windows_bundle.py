"""Build the offline Windows bundle on Linux and prove it complete.

`python3 tools/build_windows_bundle.py --out DIR [--lock DIR_OR_ZIP] [--cache DIR]` writes
DIR/targetbook-<version>-windows.zip: wheels/ (targetbook and every wheel `targetbook[excel]`
needs on Windows x64 for CPython 3.11, 3.12 and 3.13), 安装.bat, 使用说明.txt (docs/excel.md),
示例活动/ (the demo's campaign folder) and lock/cpXY.txt (the exact wheels, with hashes).

`pip download --platform win_amd64` picks Windows wheels but evaluates environment markers for
the machine it runs on, so on Linux it leaves out pywin32 (xlwings), colorama (click) and
tzdata (pandas). Here pip only fetches; which wheels are needed is decided by `resolve`,
which walks Requires-Dist with markers evaluated for Windows. `check_bundle` runs the same
walk on the wheels inside the finished zip: that is the proof, and a test runs it.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import re
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.parser import HeaderParser
from pathlib import Path

from packaging.requirements import Requirement
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PYTHONS = ("3.11", "3.12", "3.13")
ROOT_REQUIREMENT = "targetbook[excel]"
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / (
    "targetbook-bundle"
)
# Fixed zip entry times: the same wheels and sources give the same zip.
ZIP_TIME = (2024, 1, 1, 0, 0, 0)
sys.path.insert(0, str(ROOT))
from targetbook.excel.pyfind import CHECK_BUNDLE, find_python_snippet  # noqa: E402


def windows_environment(python: str) -> dict[str, str]:
    """Marker environment of CPython `python` (e.g. "3.12") on 64-bit Windows."""
    full = f"{python}.0"
    return {
        "implementation_name": "cpython",
        "implementation_version": full,
        "os_name": "nt",
        "platform_machine": "AMD64",
        "platform_python_implementation": "CPython",
        "platform_release": "10",
        "platform_system": "Windows",
        "platform_version": "10.0.19045",
        "python_full_version": full,
        "python_version": python,
        "sys_platform": "win32",
    }


def windows_tags(python: str) -> frozenset[Tag]:
    """Wheel tags pip accepts on CPython `python` for win_amd64."""
    version = tuple(int(p) for p in python.split("."))
    abi = f"cp{version[0]}{version[1]}"
    tags = list(cpython_tags(version, abis=[abi], platforms=["win_amd64"]))
    tags += compatible_tags(version, interpreter=abi, platforms=["win_amd64"])
    return frozenset(tags)


@dataclass
class Resolution:
    """The wheels a target Python would install, and the requirements nothing meets."""

    python: str
    chosen: dict[str, str] = field(default_factory=dict)  # canonical name → wheel file name
    missing: list[Requirement] = field(default_factory=list)


def _metadata(wheel: bytes | Path) -> tuple[list[str], str | None]:
    """Requires-Dist lines and Requires-Python of a wheel."""
    with zipfile.ZipFile(io.BytesIO(wheel) if isinstance(wheel, bytes) else wheel) as z:
        name = next(n for n in z.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n))
        headers = HeaderParser().parsestr(z.read(name).decode("utf-8"))
    return headers.get_all("Requires-Dist") or [], headers.get("Requires-Python")


def resolve(metadata: dict, roots: list[str], python: str) -> Resolution:
    """Walk `roots` through the wheels' Requires-Dist, markers evaluated for Windows x64.

    `metadata` maps wheel file name → (Requires-Dist lines, Requires-Python). For each project
    the highest version whose tags install on `python`/win_amd64 and which meets every
    specifier seen so far is chosen (what pip picks from a --find-links folder); the walk
    repeats until nothing changes.
    """
    env, tags = windows_environment(python), windows_tags(python)
    candidates: dict[str, list[tuple[Version, str]]] = {}
    for filename, (_, requires_python) in metadata.items():
        name, version, _, wheel_tags = parse_wheel_filename(filename)
        if not wheel_tags & tags:
            continue
        if requires_python and not Requirement(f"x{requires_python}").specifier.contains(
            env["python_full_version"], prereleases=True
        ):
            continue
        candidates.setdefault(name, []).append((version, filename))
    wanted: dict[str, list[Requirement]] = {}
    for text in roots:
        req = Requirement(text)
        wanted.setdefault(canonicalize_name(req.name), []).append(req)
    while True:
        result = Resolution(python)
        seen = {k: list(v) for k, v in wanted.items()}
        for name, reqs in sorted(wanted.items()):
            fits = [
                (v, f)
                for v, f in candidates.get(name, [])
                if all(r.specifier.contains(v, prereleases=True) for r in reqs)
            ]
            if not fits:
                result.missing.extend(reqs)
                continue
            result.chosen[name] = filename = max(fits)[1]
            extras = {"", *(e for r in reqs for e in r.extras)}
            for line in metadata[filename][0]:
                req = Requirement(line)
                if req.marker and not any(req.marker.evaluate({**env, "extra": e}) for e in extras):
                    continue
                req.marker = None
                bucket = seen.setdefault(canonicalize_name(req.name), [])
                if str(req) not in map(str, bucket):
                    bucket.append(req)
        if _key(seen) == _key(wanted):
            return result
        wanted = seen


def _key(reqs: dict[str, list[Requirement]]) -> dict[str, list[str]]:
    return {name: sorted(map(str, rs)) for name, rs in reqs.items()}


def _dir_metadata(*folders: Path) -> dict:
    return {p.name: _metadata(p) for folder in folders for p in sorted(folder.glob("*.whl"))}


def _pip_download(folder: Path, python: str, requirements: list[str], deps: bool) -> None:
    abi = "cp" + python.replace(".", "")
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:"]
    cmd += ["--platform", "win_amd64", "--python-version", python, "--implementation", "cp"]
    cmd += ["--abi", abi, "-d", str(folder), *([] if deps else ["--no-deps"])]
    subprocess.run([*cmd, *requirements], check=True)


def _lock_pins(lock: Path | None) -> dict[str, list[str]]:
    """python → `name==version` lines from an earlier bundle's lock/ (a zip or a folder)."""
    if lock is None:
        return {}
    texts = {}
    for py in PYTHONS:
        name = f"lock/cp{py.replace('.', '')}.txt"
        if lock.suffix == ".zip":
            with zipfile.ZipFile(lock) as z:
                texts[py] = z.read(name).decode()
        else:
            texts[py] = (lock / Path(name).name).read_text()
    pins = {}
    for py, text in texts.items():
        lines = [ln.split()[0] for ln in text.splitlines() if ln and not ln.startswith("#")]
        pins[py] = [ln for ln in lines if not ln.startswith("targetbook==")]
    return pins


def _pin(text: str) -> str:
    """`name==version` (canonical name) of a wheel file name or a lock line."""
    if text.endswith(".whl"):
        name, version, *_ = parse_wheel_filename(text)
    else:
        name, version = text.split("==")
    return f"{canonicalize_name(name)}=={Version(version)}"


def collect_wheels(dist: Path, cache: Path, lock: Path | None = None) -> dict[str, Resolution]:
    """Download (into `cache`) and choose the wheels for every Python; fail if not closed."""
    own = next(dist.glob("targetbook-*.whl"))
    own_requires = _metadata(own)[0]
    pins = _lock_pins(lock)
    folders = {py: cache / f"cp{py.replace('.', '')}" for py in PYTHONS}

    def first_download(py: str) -> None:
        folders[py].mkdir(parents=True, exist_ok=True)
        if py in pins:
            _pip_download(folders[py], py, pins[py], deps=False)
            return
        # pip resolves versions (host markers); the walk below adds what Windows needs besides.
        env = windows_environment(py)
        first = []
        for req in map(Requirement, own_requires):
            if req.marker and not any(
                req.marker.evaluate({**env, "extra": e}) for e in ("", "excel")
            ):
                continue
            req.marker = None
            first.append(str(req))
        _pip_download(folders[py], py, first, deps=True)

    # pip mostly waits on the network: one download per Python at the same time.
    with ThreadPoolExecutor(len(PYTHONS)) as pool:
        list(pool.map(first_download, PYTHONS))
    resolutions = {}
    for py in PYTHONS:
        folder = folders[py]
        for _ in range(10):
            # With a lock, its pins are requirements too: the same versions as last time.
            roots = [ROOT_REQUIREMENT, *pins.get(py, [])]
            res = resolve(_dir_metadata(folder, dist), roots, py)
            if not res.missing:
                break
            _pip_download(folder, py, sorted({str(r) for r in res.missing}), deps=False)
        else:
            raise SystemExit(f"cp{py}: still missing {', '.join(map(str, res.missing))}")
        if py in pins:
            pinned = {_pin(p) for p in pins[py]}
            loose = sorted(_pin(f) for f in res.chosen.values() if not f.startswith("targetbook-"))
            if not set(loose) <= pinned:
                raise SystemExit(f"cp{py}: not in the lock: {', '.join(set(loose) - pinned)}")
        resolutions[py] = res
    return resolutions


def check_bundle(bundle: Path, python: str) -> Resolution:
    """The proof: resolve `targetbook[excel]` for `python` on win_amd64 from the zip's wheels."""
    with zipfile.ZipFile(bundle) as z:
        wheels = [n for n in z.namelist() if n.startswith("wheels/") and n.endswith(".whl")]
        metadata = {Path(n).name: _metadata(z.read(n)) for n in wheels}
    return resolve(metadata, [ROOT_REQUIREMENT], python)


def _version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]


def installer_bytes(version: str) -> bytes:
    """安装.bat: the template with the version and the shared Python detection; GBK, CRLF."""
    text = (ROOT / "tools" / "windows" / "安装.bat.in").read_text("utf-8")
    text = text.replace("@@VERSION@@", version)
    text = text.replace("@@FIND_PYTHON@@\n", find_python_snippet(CHECK_BUNDLE))
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("gbk")


def _lock_text(res: Resolution, folders: list[Path]) -> str:
    lines = [f"# targetbook[excel] for CPython {res.python}, Windows x64 (win_amd64)"]
    for name in sorted(res.chosen):
        filename = res.chosen[name]
        path = next(f / filename for f in folders if (f / filename).exists())
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        version = parse_wheel_filename(filename)[1]
        lines.append(f"{name}=={version} --hash=sha256:{digest}")
    return "\n".join(lines) + "\n"


def _add(z: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, ZIP_TIME)
    # Wheels are zips already: storing them saves time and costs almost nothing in size.
    info.compress_type = zipfile.ZIP_STORED if name.endswith(".whl") else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    z.writestr(info, data)


def build(out: Path, cache: Path = DEFAULT_CACHE, lock: Path | None = None) -> Path:
    """Write out/targetbook-<version>-windows.zip and return its path."""
    version = _version()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tb-bundle-") as tmp:
        work = Path(tmp)
        dist = work / "dist"
        wheel = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist)]
        subprocess.run([*wheel, str(ROOT)], check=True)
        sample = work / "示例活动"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        demo = subprocess.Popen(
            [sys.executable, "-m", "targetbook", "demo", "--out", str(sample)],
            env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        resolutions = collect_wheels(dist, cache, lock)
        if demo.wait() != 0:
            raise SystemExit("the demo (sample campaign) failed")
        target = out / f"targetbook-{version}-windows.zip"
        partial = target.with_suffix(".zip.part")
        with zipfile.ZipFile(partial, "w") as z:
            _add(z, "安装.bat", installer_bytes(version))
            guide = (ROOT / "docs" / "excel.md").read_text("utf-8").replace("\n", "\r\n")
            _add(z, "使用说明.txt", "\ufeff".encode() + guide.encode("utf-8"))
            for py, res in sorted(resolutions.items()):
                folders = [cache / f"cp{py.replace('.', '')}", dist]
                _add(z, f"lock/cp{py.replace('.', '')}.txt", _lock_text(res, folders).encode())
            wheels = {}
            for py, res in resolutions.items():
                for filename in res.chosen.values():
                    for folder in (cache / f"cp{py.replace('.', '')}", dist):
                        if (folder / filename).exists():
                            wheels[filename] = folder / filename
                            break
            for filename in sorted(wheels):
                _add(z, f"wheels/{filename}", wheels[filename].read_bytes())
            for path in sorted(sample.rglob("*")):
                if path.is_file():
                    _add(z, f"示例活动/{path.relative_to(sample).as_posix()}", path.read_bytes())
        partial.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    """Command line: build the bundle, then prove it complete for every Python."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the zip")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="download cache")
    parser.add_argument("--lock", type=Path, help="an earlier bundle (zip) or its lock/ folder")
    args = parser.parse_args(argv)
    bundle = build(args.out, args.cache, args.lock)
    failed = False
    for py in PYTHONS:
        res = check_bundle(bundle, py)
        print(f"cp{py.replace('.', '')}: {len(res.chosen)} wheels", end="")
        print(f"; MISSING {', '.join(map(str, res.missing))}" if res.missing else ", complete")
        failed |= bool(res.missing)
    print(bundle)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
