"""Build the docxtpl templates 通知.docx and 通报.docx (GB/T 9704 公文 layout) reproducibly.

Run `python3 templates/build_docx_templates.py` after editing this file and commit the
.docx files it writes beside itself. The jinja tags in the text are rendered once by
docxtpl (targetbook/report/docx.py); data values are never templates.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

HERE = Path(__file__).resolve().parent

# GB/T 9704-2012: 天头 37 mm, 订口 28 mm; 版心 156 × 225 mm, 22 lines of 28 characters.
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
TEXT_WIDTH_MM = 156
LINE_PITCH = Pt(28.9)  # 225 mm / 22 lines
RED = RGBColor(0xE6, 0x00, 0x12)

# Font names as Chinese offices have them; altName in fontTable names the fallback that
# Word and LibreOffice use where the 方正/GB2312 fonts are not installed.
XBS = "方正小标宋简体"
FS = "仿宋_GB2312"
HT = "黑体"
KT = "楷体_GB2312"
SONG = "宋体"
LATIN = "Times New Roman"
FALLBACKS = {XBS: "宋体", FS: "仿宋", KT: "楷体", HT: "SimHei", SONG: "SimSun"}
CHAR = Pt(16)  # one character of 三号 body text, for indents


def set_fonts(rpr_owner, east_asia: str, latin: str = LATIN) -> None:
    """Explicit fonts on a style or run: latin for digits/Latin, east_asia for Chinese."""
    rpr = rpr_owner.element.get_or_add_rPr() if hasattr(rpr_owner, "element") else rpr_owner
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def add_style(
    doc,
    name,
    *,
    font=FS,
    size=16,
    align=None,
    bold=False,
    color=None,
    indent=0.0,
    base="Normal",
    line=None,
    before=0,
    after=0,
    keep_next=False,
):
    """A paragraph style with 公文 fonts (size in pt; indent in characters of 16 pt)."""
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[base]
    style.quick_style = True
    style.font.size = Pt(size)
    style.font.bold = bold
    if color is not None:
        style.font.color.rgb = color
    set_fonts(style, font)
    pf = style.paragraph_format
    if align is not None:
        pf.alignment = align
    pf.first_line_indent = CHAR * indent if indent else Pt(0)
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    pf.keep_with_next = keep_next
    if line is not None:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = line
    return style


def setup(doc) -> None:
    """Page, styles, fallbacks and page numbers shared by both documents."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side, value in MARGINS.items():
        setattr(section, f"{side}_margin", value)
    section.header_distance, section.footer_distance = Mm(15), Mm(24)

    # Theme fonts in docDefaults would override explicit names: replace them.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, FS)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    set_fonts(normal, FS)
    pf = normal.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = LINE_PITCH
    pf.widow_control = False

    add_style(
        doc,
        "发文机关标志",
        font=XBS,
        size=36,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        color=RED,
        line=Pt(54),
        before=0,
        after=12,
    )
    add_style(doc, "发文字号", align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    add_style(
        doc,
        "公文标题",
        font=XBS,
        size=22,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        line=Pt(36),
        before=20,
        after=20,
    )
    add_style(
        doc,
        "附件标题",
        font=XBS,
        size=18,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        line=Pt(30),
        before=6,
        after=12,
        keep_next=True,
    )
    add_style(doc, "主送机关")
    add_style(doc, "公文正文", indent=2)
    add_style(doc, "一级标题", font=HT, indent=2, keep_next=True)
    add_style(doc, "二级标题", font=KT, indent=2, keep_next=True)
    add_style(doc, "附件说明", indent=2)
    add_style(doc, "附件标识", font=HT, keep_next=True)
    add_style(doc, "落款", align=WD_ALIGN_PARAGRAPH.RIGHT)
    add_style(doc, "表头", font=HT, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(20))
    add_style(doc, "表格文字", size=12, line=Pt(20))
    add_style(doc, "表格居中", size=12, line=Pt(20), align=WD_ALIGN_PARAGRAPH.CENTER)
    add_style(doc, "表注", size=12, line=Pt(20), before=6)
    add_style(doc, "版记", size=14, line=Pt(28))
    page_style = add_style(doc, "页码", font=SONG, size=14)
    set_fonts(page_style, SONG, SONG)

    fallback_fonts(doc)
    page_numbers(doc, section)
    doc.core_properties.author = "targetbook"
    doc.core_properties.last_modified_by = "targetbook"
    doc.core_properties.revision = 1
    fixed = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    doc.core_properties.created = fixed
    doc.core_properties.modified = fixed


def fallback_fonts(doc) -> None:
    """fontTable entries with altName (宋体/SimSun …) and the GB2312 charset for each font."""
    table_part = next(
        r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable")
    )
    from docx.oxml import parse_xml

    root = parse_xml(table_part.blob)
    for name, alt in FALLBACKS.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        for tag, value in (
            ("w:altName", alt),
            ("w:charset", "86"),
            ("w:family", "auto"),
            ("w:pitch", "variable"),
        ):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            font.append(child)
        root.append(font)
    from lxml import etree

    table_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _field_run(paragraph, instr: str) -> None:
    for kind, text in (
        ("begin", None),
        (None, instr),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        run = paragraph.add_run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == instr:
            it = OxmlElement("w:instrText")
            it.set(qn("xml:space"), "preserve")
            it.text = instr
            run._r.append(it)
        else:
            run.text = text


def page_numbers(doc, section) -> None:
    """GB/T 9704 page numbers `— 1 —`: odd pages right, even pages left, one character in."""
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        p = footer.paragraphs[0]
        p.style = doc.styles["页码"]
        p.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            p.paragraph_format.right_indent = Pt(14)
        else:
            p.paragraph_format.left_indent = Pt(14)
        p.add_run("— ")
        _field_run(p, " PAGE ")
        p.add_run(" —")


def para(doc, text: str = "", style: str = "公文正文", *, page_break: bool = False):
    """A paragraph in `style`; `page_break` starts it on a new page."""
    p = doc.add_paragraph(text, style=doc.styles[style])
    if page_break:
        p.paragraph_format.page_break_before = True
    return p


def red_rule(paragraph) -> None:
    """The red separator line under the 发文字号 (a bottom border of that paragraph)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "12"), ("space", "8"), ("color", "E60012")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    ppr.insert_element_before(borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr")


def masthead(doc) -> None:
    """版头: 发文机关标志 (red, sized to one line by the context), 发文字号, red line."""
    p = para(doc, "", "发文机关标志")
    run = p.add_run("{{ masthead }}")
    run.font.size = Pt(36)
    rpr = run._r.get_or_add_rPr()
    size = rpr.find(qn("w:sz"))
    size.set(qn("w:val"), "{{ masthead_half_points }}")
    size_cs = OxmlElement("w:szCs")
    size_cs.set(qn("w:val"), "{{ masthead_half_points }}")
    size.addnext(size_cs)
    number = para(doc, "{{ doc_number }}", "发文字号")
    red_rule(number)


def table(doc, columns: list[tuple[str, float, str]], loop: str, cells: list[str]):
    """A grid table: header row repeated on every page, then one templated row per item."""
    t = doc.add_table(rows=4, cols=len(columns))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    # autofit=False writes a fixed w:tblLayout; the total width goes in w:tblW for Word.
    tbl_w = t._tbl.tblPr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(round(sum(c[1] for c in columns) * 1440 / 25.4)))
    header, open_row, body, close_row = t.rows
    tr_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    tr_pr.append(repeat)
    for i, (title, width, style) in enumerate(columns):
        # LibreOffice lays out by the grid (gridCol), Word by the cells (tcW): set both.
        t.columns[i].width = Mm(width)
        for row in t.rows:
            row.cells[i].width = Mm(width)
            row.cells[i].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        header.cells[i].paragraphs[0].text = title
        header.cells[i].paragraphs[0].style = doc.styles["表头"]
        body.cells[i].paragraphs[0].text = cells[i]
        body.cells[i].paragraphs[0].style = doc.styles[style]
    open_row.cells[0].paragraphs[0].text = "{%tr for " + loop + " %}"
    close_row.cells[0].paragraphs[0].text = "{%tr endfor %}"
    return t


def signature(doc) -> None:
    """落款: issuing office over the date, right-aligned, before the 附注."""
    para(doc)
    para(doc)
    p = para(doc, "{{ signature }}", "落款")
    p.paragraph_format.right_indent = CHAR * 2
    p = para(doc, "{{ date }}", "落款")
    p.paragraph_format.right_indent = CHAR * 2
    para(doc, "{%p if annotation %}")
    para(doc, "（{{ annotation }}）")
    para(doc, "{%p endif %}")


def colophon(doc) -> None:
    """版记: `印发机关 … 日期印发` between two rules, at the end of the document."""
    p = para(doc, "", "版记")
    p.paragraph_format.space_before = Pt(28)
    p.paragraph_format.left_indent = Pt(14)
    p.paragraph_format.right_indent = Pt(14)
    p.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM) - Pt(28), WD_TAB_ALIGNMENT.RIGHT)
    p.add_run("{{ office }}")
    p.add_run("\t")
    p.add_run("{{ date }}印发")
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "bottom"):
        b = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", "8"), ("space", "4"), ("color", "000000")):
            b.set(qn(f"w:{key}"), value)
        borders.append(b)
    ppr.insert_element_before(borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr")


ANNEX_COLUMNS = [
    ("序号", 12, "表格居中"),
    ("单位", 30, "表格居中"),
    ("创先争优目标", 57, "表格文字"),
    ("亮点工作计划", 57, "表格文字"),
]
# mm, 156 in all (the 版心). 12 pt text is 4.23 mm a CJK character, 2.1 mm a digit, about
# 1 mm of space between CJK and digits, plus 3.8 mm of cell margins: 并列第10名 needs about
# 27, 进10位 18.5, 不合格 16.5, 100.00 about 19 (checked in a LibreOffice PDF: test_print).
RANK_COLUMNS = [
    ("名次", 29, "表格居中"),
    ("单位", 30, "表格居中"),
    ("总分", 20, "表格居中"),
    ("等次", 19, "表格居中"),
    ("进位", 20, "表格居中"),
    ("奖项及备注", 38, "表格文字"),
]
ACHIEVEMENT_COLUMNS = [
    ("类别", 14, "表格居中"),
    ("单位", 30, "表格居中"),
    ("创先争优目标", 62, "表格文字"),
    ("实际", 28, "表格文字"),
    ("判定", 22, "表格居中"),
]

REQUIREMENTS = [
    "（一）强化组织领导。创先争优、打造亮点旨在鼓励先进，各单位务必加强组织领导，统筹整合"
    "政策、资金和力量，形成支持和推动创先争优、打造亮点的强大合力。",
    "（二）强化责任落实。把创先争优、打造亮点工作纳入各单位“一把手”全年工作目标任务，"
    "以点带面，以上率下，以抓创先争优促工作成效提升。",
    "（三）强化考核推动。党政办、督查办通过定期督查、随机明查暗访等方式跟踪各单位工作推进"
    "情况，并将目标实现情况纳入年度考核，与干部绩效考核奖励挂钩。",
]


def build_notice(path: Path) -> None:
    """通知 (seed 000): cover notice, the plan, annexes 1–3 as tables, 版记."""
    doc = Document()
    setup(doc)
    masthead(doc)
    para(doc, "{{ notice_title }}", "公文标题")
    para(doc, "{{ recipients }}", "主送机关")
    para(doc, "现将《{{ plan_title }}》印发给你们，请按要求抓好贯彻落实。")
    para(doc)
    para(doc, "{%p for a in annexes %}", "附件说明")
    para(
        doc,
        "{% if loop.first %}附件：{% else %}　　　{% endif %}{{ a.number }}. {{ a.title }}",
        "附件说明",
    )
    para(doc, "{%p endfor %}", "附件说明")
    signature(doc)

    para(doc, "{{ plan_title }}", "公文标题", page_break=True)
    para(
        doc,
        "为激发全{{ town[-1:] }}干部职工干事创业热情，以更饱满的工作状态推动高质量发展，"
        "经研究，制定《{{ plan_title }}》如下：",
    )
    para(doc, "一、目标任务", "一级标题")
    para(
        doc,
        "各单位创先争优目标和亮点工作计划详见附件"
        "{% if annexes %}{{ annexes[0].number }}—{{ annexes[-1].number }}{% endif %}。",
    )
    para(doc, "二、工作要求", "一级标题")
    for text in REQUIREMENTS:
        para(doc, text)

    para(doc, "{%p for a in annexes %}", "附件标识")
    para(doc, "附件{{ a.number }}", "附件标识", page_break=True)
    para(doc, "{{ a.title }}", "附件标题")
    table(
        doc,
        ANNEX_COLUMNS,
        "row in a.rows",
        ["{{ row.seq }}", "{{ row.unit }}", "{{ row.target }}", "{{ row.plan }}"],
    )
    para(doc, "{%p if remark and loop.first %}", "表注")
    para(doc, "备注：{{ remark }}", "表注")
    para(doc, "{%p endif %}", "表注")
    para(doc, "{%p endfor %}", "附件标识")
    colophon(doc)
    save(doc, path)


def build_bulletin(path: Path) -> None:
    """通报 of results: ranks per category, awards, vetoes, 报送情况, target achievement."""
    doc = Document()
    setup(doc)
    masthead(doc)
    para(doc, "{{ bulletin_title }}", "公文标题")
    para(doc, "{{ recipients }}", "主送机关")
    para(
        doc,
        "根据《{{ plan_title }}》和年度考核细则，经考核组考评，现将{{ year }}年度"
        "创先争优目标考核结果通报如下：",
    )
    para(doc, "一、考核排名", "一级标题")
    para(doc, "{%p for c in categories %}", "二级标题")
    para(doc, "（{{ c.number }}）{{ c.title }}", "二级标题")
    table(
        doc,
        RANK_COLUMNS,
        "r in c.rows",
        [
            "{{ r.rank_text }}",
            "{{ r.unit }}",
            "{{ r.total }}",
            "{{ r.grade }}",
            "{{ r.move }}",
            "{{ r.note }}",
        ],
    )
    para(doc, "{%p if c.remark %}", "表注")
    para(doc, "{{ c.remark }}", "表注")
    para(doc, "{%p endif %}", "表注")
    para(doc, "{%p endfor %}", "二级标题")

    para(doc, "二、表彰奖励", "一级标题")
    para(doc, "{%p for w in awards %}")
    para(doc, "{{ w.name }}：{{ w.units|join('、') }}。")
    para(doc, "{%p endfor %}")
    para(doc, "{%p if not awards %}")
    para(doc, "本年度无获奖单位。")
    para(doc, "{%p endif %}")

    para(doc, "三、一票否决", "一级标题")
    para(doc, "{%p for v in vetoes %}")
    para(
        doc,
        "{{ v.unit }}{% if v.item %}（{{ v.item }}）{% endif %}："
        "{{ v.reason or '未注明事由' }}。按考核细则实行一票否决，{{ v.effect }}。",
    )
    para(doc, "{%p endfor %}")
    para(doc, "{%p if not vetoes %}")
    para(doc, "本年度无一票否决单位。")
    para(doc, "{%p endif %}")

    para(doc, "四、报送情况", "一级标题")
    para(doc, "{%p for line in submission %}")
    para(doc, "{{ line }}")
    para(doc, "{%p endfor %}")

    para(doc, "五、目标达成情况", "一级标题")
    para(doc, "{%p for s in achievement %}")
    para(doc, "{{ s.text }}")
    para(doc, "{%p endfor %}")
    para(doc, "{% if achievement %}明细见附件。{% else %}本期未开展目标达成认定。{% endif %}")
    para(
        doc,
        "希望受到表彰的单位珍惜荣誉、再接再厉；排名靠后的单位要认真查找差距、"
        "迎头赶上，确保全年目标任务圆满完成。",
    )
    para(doc)
    para(doc, "{%p if achievement_rows %}", "附件说明")
    para(doc, "附件：{{ year }}年度创先争优目标达成情况明细", "附件说明")
    para(doc, "{%p endif %}", "附件说明")
    signature(doc)

    para(doc, "{%p if achievement_rows %}", "附件标识")
    para(doc, "附件", "附件标识", page_break=True)
    para(doc, "{{ year }}年度创先争优目标达成情况明细", "附件标题")
    table(
        doc,
        ACHIEVEMENT_COLUMNS,
        "t in achievement_rows",
        ["{{ t.category }}", "{{ t.unit }}", "{{ t.target }}", "{{ t.actual }}", "{{ t.verdict }}"],
    )
    para(doc, "{%p endif %}", "附件标识")
    colophon(doc)
    save(doc, path)


def save(doc, path: Path) -> None:
    """Save with fixed zip timestamps so a rebuild gives the same bytes."""
    buffer = io.BytesIO()
    doc.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    path.write_bytes(out.getvalue())


def build(out_dir: Path = HERE) -> list[Path]:
    """Write 通知.docx and 通报.docx into out_dir; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "通知.docx", out_dir / "通报.docx"]
    build_notice(paths[0])
    build_bulletin(paths[1])
    return paths


if __name__ == "__main__":
    for written in build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(written)
