"""README pictures: the first page of the demo's 通知 and 通报, as PNG in docs/images/.

    python3 docs/make_images.py

Runs the demo in a temporary folder, renders both documents as .docx, converts them with
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
from targetbook.demo.seed import NOTICE_DATE, REMARK, TOWN
from targetbook.report import render_report

HERE = Path(__file__).resolve().parent
IMAGES = HERE / "images"
# Seed 000's masthead data: the demo campaign is seed 000, its 参数 sheet holds only 年度.
SEED_PARAMS = {
    L.PARAM_TOWN: TOWN,
    L.PARAM_OFFICE: f"{TOWN}党政办公室",
    L.PARAM_SIGNATURE: f"{TOWN}党政办",
    L.PARAM_DOC_NUMBER: "南桐党政办发〔2022〕14号",
    L.PARAM_DATE: NOTICE_DATE,
    L.PARAM_REMARK: REMARK.removeprefix("备注："),
}
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
    """Render the demo's documents and write docs/images/notice.png and bulletin.png."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        demo = run_demo(work / "demo")
        results = demo.out_dir / L.FOLDER_RESULTS
        ranked = results / L.RANKED_FILE
        consolidated = results / L.CONSOLIDATED_FILE
        jobs = [(L.REPORT_NOTICE, ranked if ranked.exists() else consolidated, "notice.png")]
        if ranked.exists():
            jobs.append((L.REPORT_BULLETIN, ranked, "bulletin.png"))
        else:
            print(f"演示尚未生成 {L.RANKED_FILE}：暂只生成通知的图片", file=sys.stderr)
        for kind, source, name in jobs:
            docx = render_report(source, work / f"{kind}.docx", kind, params=SEED_PARAMS)
            written.append(first_page_png(docx, IMAGES / name, work))
    return written


if __name__ == "__main__":
    for path in main():
        print(path)
