"""Print-ready outputs (issue 11, item 3): every sheet of 汇总, 排名, 校验报告 and the templates
prints on A4 with all its columns on one page width — checked in the page setup and in the PDF
LibreOffice makes of each workbook; the 通报's table keeps 不合格 / 并列第3名 on one line."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from targetbook import labels as L
from targetbook.demo import run_demo
from targetbook.report import build_context, render_docx
from targetbook.write._sheets import PORTRAIT_WIDTH


def soffice_pdf(files: list[Path], outdir: Path) -> dict[str, Path]:
    """Convert files to PDF with one LibreOffice start; fails without LibreOffice."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe, "LibreOffice is required"
    assert shutil.which("pdftotext") and shutil.which("pdfinfo"), "poppler-utils are required"
    subprocess.run(
        [
            exe,
            f"-env:UserInstallation={(outdir / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    out = {f.name: outdir / f"{f.stem}.pdf" for f in files}
    for pdf in out.values():
        assert pdf.exists(), pdf
    return out


def pages(pdf: Path) -> list[str]:
    """The text of each page (pdftotext), whitespace removed."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [re.sub(r"\s+", "", p) for p in text.split("\f")[:-1]]


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    root = tmp_path_factory.mktemp("print")
    demo = run_demo(root / "campaign")
    results = demo.out_dir / L.FOLDER_RESULTS
    books = [
        results / L.CONSOLIDATED_FILE,
        results / L.RANKED_FILE,
        results / L.CHECK_REPORT_FILE,
        demo.out_dir / L.FOLDER_SEND / "村-温塘村.xlsx",
    ]
    return books, soffice_pdf(books, root / "pdf")


def header_labels(ws) -> tuple[int, list[str]]:
    """The header row of a sheet (the first row with two or more labels) and its labels, in
    the printed columns (an annex keeps where each row came from right of its print area)."""
    last = ws.max_column
    if ws.print_area:
        ref = ws.print_area[0] if isinstance(ws.print_area, list) else ws.print_area
        last_letter = re.findall(r"\$?([A-Z]+)\$?\d+", ref.split("!")[-1])[-1]
        last = openpyxl.utils.column_index_from_string(last_letter)
    for row in ws.iter_rows(max_row=6, max_col=last):
        labels = [str(c.value) for c in row if c.value not in (None, "")]
        if len(labels) >= 2 and not any(str(v).startswith("附件") for v in labels):
            return row[0].row, labels
    return 1, []


def test_every_sheet_is_set_up_for_a4_one_page_wide(printed):
    books, _ = printed
    for path in books:
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            where = f"{path.name}!{ws.title}"
            assert ws.page_setup.paperSize == 9, where  # A4
            assert ws.sheet_properties.pageSetUpPr.fitToPage, where
            # XlsxWriter leaves out fitToWidth="1", the default; fitToHeight 0: as many as needed
            assert ws.page_setup.fitToWidth in (None, 1), where
            assert ws.page_setup.fitToHeight == 0, where
            assert ws.print_title_rows, where  # header rows repeated on every page
            assert "&P" in (ws.oddFooter.center.text or ""), where  # page numbers
            widths = [
                ws.column_dimensions[c].width or 8.43
                for c in map(openpyxl.utils.get_column_letter, range(1, ws.max_column + 1))
            ]
            if sum(widths) > PORTRAIT_WIDTH:
                assert ws.page_setup.orientation == "landscape", where


def test_the_pdf_of_each_workbook_has_every_sheet_with_all_its_columns_on_one_page(printed):
    books, pdfs = printed
    for path in books:
        text = pages(pdfs[path.name])
        wb = openpyxl.load_workbook(path)
        found = 0
        for ws in wb.worksheets:
            _, labels = header_labels(ws)
            if not labels:
                continue
            # The page that starts the sheet holds its whole header: no column was cut off
            # to a page of its own.
            heads = [re.sub(r"\s+", "", s) for s in labels]
            hits = [n for n, page in enumerate(text) if all(h in page for h in heads)]
            assert hits, f"{path.name}!{ws.title}: header {heads} not on one page"
            found += 1
        assert found == len(wb.worksheets), path.name
    # Before: 汇总.xlsx printed one or two columns per portrait page (23 pages for the demo).
    assert page_count(pdfs[L.CONSOLIDATED_FILE]) <= len(openpyxl.load_workbook(books[0]).worksheets)


def test_list_sheets_print_a_title_and_the_rank_charts_print(printed):
    books, pdfs = printed
    text = "".join(pages(pdfs[L.RANKED_FILE]))
    for sheet in (L.SHEET_RANKS, L.SHEET_SCORES, L.SHEET_ISSUES):
        assert f"南桐镇2022年度{sheet}" in text, sheet
    for category in L.CATEGORIES:
        assert f"{category}总分" in text, category  # the charts are inside the printed area
    issues = "".join(pages(pdfs[L.CHECK_REPORT_FILE]))
    assert "南桐镇2022年度校验问题" in issues
    wb = openpyxl.load_workbook(books[2])
    assert wb.active.title == L.SHEET_ISSUES


def test_long_text_is_wrapped_in_list_sheets(printed):
    books, _ = printed
    wb = openpyxl.load_workbook(books[1])
    ws = wb[L.SHEET_SCORES]
    col = [c.value for c in ws[1]].index(L.EXPLANATION) + 1
    cells = [ws.cell(r, col) for r in range(2, ws.max_row + 1) if ws.cell(r, col).value]
    assert cells and all(c.alignment.wrap_text for c in cells)
    long = [c for c in cells if len(c.value) > 40]
    assert long and all(ws.row_dimensions[c.row].height > 15 for c in long)


def test_bulletin_table_keeps_grades_and_ranks_on_one_line(tmp_path):
    rows = []
    for n in range(1, 13):
        rows.append(
            {
                L.CATEGORY: "村",
                L.GROUP: "",
                L.UNIT: f"测试{n}村",
                L.TOTAL: 101.0 - n,
                L.PLACE: {4: 3, 11: 10}.get(n, n),  # ties: 3 and 4, 10 and 11
                L.TIED: L.YES if n in (3, 4, 10, 11) else "",
                L.GROUP_PLACE: None,
                L.LAST_PLACE: n + 10,
                L.RISE: 10,
                L.GRADE: ["优秀", "良好", "不合格"][n % 3],
                L.AWARD: "",
                L.VETO: "",
                L.VETO_REASON: "",
            }
        )
    ctx = build_context(pd.DataFrame(rows, columns=list(L.RANK_COLUMNS)), params={})
    docx = render_docx(ctx, L.REPORT_BULLETIN, tmp_path / "通报.docx")
    pdf = soffice_pdf([docx], tmp_path / "pdf")["通报.docx"]
    raw = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    lines = [line for line in raw.splitlines() if "测试" in line]
    assert len(lines) == 12  # one printed line per unit: nothing wrapped to a second line
    for token in ("并列第3名", "并列第10名", "第12名", "不合格", "优秀", "进10位", "100.00"):
        assert any(token in re.sub(r"\s+", "", line) for line in lines), token
