"""README pictures: the first page of the demo's 通知 and 通报, as PNG in docs/images/.

    python3 docs/make_images.py

Runs the demo in a temporary folder (it writes both documents as .docx), converts them with
LibreOffice (private profile) to PDF and rasterises page 1 with pdftoppm at 60 dpi. The
公文 fonts (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312) are rarely installed on Linux; a
private fontconfig file maps them to Noto CJK so the picture shows what Word would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from targetbook import labels as L
from targetbook.demo import run_demo

HERE = Path(__file__).resolve().parent
IMAGES = HERE / "images"
FONT_ALIASES = {
    "方正小标宋简体": ("Noto Serif CJK SC", "bold"),
    "仿宋_GB2312": ("Noto Serif CJK SC", None),
    "仿宋": ("Noto Serif CJK SC", None),
    "楷体_GB2312": ("Noto Serif CJK SC", None),
    "黑体": ("Noto Sans CJK SC", None),
    "宋体": ("Noto Serif CJK SC", None),
}


def fontconfig(folder: Path) -> Path:
    """A fonts.conf that includes the system's and maps the 公文 fonts to Noto CJK."""
    rules = []
    for family, (target, weight) in FONT_ALIASES.items():
        bold = f'<edit name="weight" mode="assign"><const>{weight}</const></edit>' if weight else ""
        rules.append(
            f'<match target="pattern"><test name="family"><string>{family}</string></test>'
            f'<edit name="family" mode="assign" binding="strong"><string>{target}</string>'
            f"</edit>{bold}</match>"
        )
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        + "\n".join(rules)
        + "\n</fontconfig>\n",
        encoding="utf-8",
    )
    return conf


def first_page_png(docx: Path, png: Path, work: Path) -> Path:
    """docx → PDF (LibreOffice, private profile) → page 1 as PNG at 60 dpi."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not shutil.which("pdftoppm"):
        sys.exit("需要 LibreOffice (soffice) 和 poppler-utils (pdftoppm)")
    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig(work))}
    profile = (work / "lo-profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env=env,
    )
    pdf = work / f"{docx.stem}.pdf"
    stem = png.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
        check=True,
        timeout=60,
    )
    return png


def main() -> list[Path]:
    """Run the demo and write docs/images/notice.png and bulletin.png from its 成果 folder."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        results = run_demo(work / "demo").out_dir / L.FOLDER_RESULTS
        for kind, name in ((L.REPORT_NOTICE, "notice.png"), (L.REPORT_BULLETIN, "bulletin.png")):
            docx = results / f"{kind}.docx"
            if not docx.is_file():
                sys.exit(f"演示没有生成 {docx}")
            written.append(first_page_png(docx, IMAGES / name, work))
    return written


if __name__ == "__main__":
    for path in main():
        print(path)
