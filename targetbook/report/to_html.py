"""Render a ReportContext into a printable HTML page (templates/通知.html.j2, 通报.html.j2)."""

from __future__ import annotations

import jinja2

from targetbook.report.context import ReportContext


def html_environment() -> jinja2.Environment:
    """The jinja2 environment for the HTML templates: autoescape on for every file."""
    from targetbook._resources import resource

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
