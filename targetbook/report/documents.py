"""Render a ReportContext: HTML (jinja2) and 公文 .docx (docxtpl), from templates/."""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from targetbook.errors import TargetbookError
from targetbook.report.records import ReportContext
from targetbook.resources import resource
from targetbook.write.atomic import atomic_path


def html_environment() -> jinja2.Environment:
    """The jinja2 environment for the HTML templates: autoescape on for every file."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resource("templates"))),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(context: ReportContext, kind: str) -> str:
    """Pure: the 通知 or 通报 as one self-contained HTML document (inline CSS and SVG)."""
    template = html_environment().get_template(f"{kind}.html.j2")
    return template.render(context.as_dict())


def _finalize(value: object) -> Markup:
    """Escape a value for WordprocessingML and hide brace pairs from docxtpl's post-pass.

    docxtpl renders the template once, then turns `{_{`, `}_}`, `{_%`, `%_}` in the output
    back into `{{ … %}`; writing the underscore next to a brace as `&#95;` keeps a return's
    text exactly as typed (the XML parser restores it) and can never form a tag.
    """
    if value is None:
        value = ""
    text = str(escape(value))
    return Markup(text.replace("{_", "{&#95;").replace("_}", "&#95;}"))


def docx_environment() -> jinja2.Environment:
    """The jinja2 environment docxtpl renders with: autoescape on, strict undefined."""
    return jinja2.Environment(autoescape=True, finalize=_finalize, undefined=jinja2.StrictUndefined)


def template_path(kind: str) -> Path:
    """The shipped .docx template for `kind` (通知 / 通报)."""
    path = resource("templates", f"{kind}.docx")
    if not path.is_file():
        raise TargetbookError("report_template_missing", file=str(path))
    return path


def render_docx(context: ReportContext, kind: str, out_path: str | Path) -> Path:
    """Write the 通知 or 通报 as .docx to out_path (atomically); return the path."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(template_path(kind)))
    template.render(context.as_dict(), jinja_env=docx_environment(), autoescape=True)
    with atomic_path(out_path) as tmp:
        template.save(str(tmp))
    return Path(out_path)
