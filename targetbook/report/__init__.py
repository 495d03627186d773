"""jinja2 rendering of the 通知 (annexes 1–3) and the 通报 of results, as DOCX and HTML."""

from __future__ import annotations

from pathlib import Path

from targetbook import labels as L
from targetbook.errors import Issue, TargetbookError, issue
from targetbook.report.context import build_context, clean_text
from targetbook.report.documents import render_docx, render_html
from targetbook.report.load import RankedBook, read_ranked
from targetbook.report.records import ReportContext
from targetbook.results import Consolidation, Ranking
from targetbook.write.atomic import atomic_path

__all__ = [
    "RankedBook",
    "ReportContext",
    "build_context",
    "context_from_book",
    "context_from_ranking",
    "read_ranked",
    "render_docx",
    "render_html",
    "placeholder_issues",
    "render_report",
]

# Parameters a document must not go out without, the command-line option that sets each, and
# the context field that shows what was printed in its place.
_NEEDED = (
    (L.PARAM_TOWN, "--town", "town"),
    (L.PARAM_DOC_NUMBER, "--number", "doc_number"),
    (L.PARAM_DATE, "--date", "date"),
)

_KIND_ALIASES = {"bulletin": L.REPORT_BULLETIN, "notice": L.REPORT_NOTICE}


def normalise_kind(kind: str) -> str:
    """通报 / 通知 (English `bulletin` / `notice` accepted); anything else is fatal."""
    value = _KIND_ALIASES.get(str(kind).strip().lower(), str(kind).strip())
    if value not in L.REPORT_KINDS:
        raise TargetbookError("report_kind_unknown", value=kind)
    return value


def _given(params: dict | None) -> dict:
    """Overrides that hold a value: a blank 参数 cell in the control workbook overrides nothing."""
    return {k: v for k, v in (params or {}).items() if clean_text(v)}


def context_from_book(book: RankedBook, *, params: dict | None = None, **kwargs) -> ReportContext:
    """The context of a ranked workbook; `params` override its 参数 (kwargs → build_context)."""
    return build_context(
        book.ranks,
        scores=book.scores,
        annexes=book.annexes,
        achievement=book.achievement,
        missing=book.missing,
        registry=book.registry,
        params={**book.params, **_given(params)},
        **kwargs,
    )


def context_from_ranking(
    ranking: Ranking, consolidation: Consolidation | None = None, **kwargs
) -> ReportContext:
    """Pure: a Ranking (and the Consolidation it came from) → context."""
    cons = consolidation
    return build_context(
        ranking.ranks,
        scores=ranking.scores,
        annexes=cons.annexes if cons is not None else None,
        achievement=ranking.achievement,
        missing=list(cons.missing_units) if cons is not None else [],
        registry=cons.registry if cons is not None else None,
        year=kwargs.pop("year", None) or ranking.year or (cons.year if cons else None),
        **kwargs,
    )


def placeholder_issues(params: dict, context: ReportContext, out: str | Path) -> list[Issue]:
    """A warning per parameter the document was written without (乡镇 printed as 本镇, a blank
    文号, today's date), naming the parameter and how to set it."""
    given = _given(params)
    return [
        issue(
            "report_param_missing",
            file=str(out),
            param=label,
            option=option,
            shown=getattr(context, field).strip() or "空白",
        )
        for label, option, field in _NEEDED
        if label not in given
    ]


def render_report(
    ranked_path: str | Path,
    out_path: str | Path,
    kind: str = L.REPORT_BULLETIN,
    *,
    issues: list[Issue] | None = None,
    **kwargs,
) -> Path:
    """Read a ranked workbook and write the 通报 (default) or 通知 as .docx or .html.

    kwargs go to build_context: `params` (override the 参数 sheet), `year`, `today`.
    `issues`, when given, receives a warning per placeholder the document was written with.
    """
    out = Path(out_path)
    suffix = out.suffix.lower()
    if suffix not in (".docx", ".html", ".htm"):
        raise TargetbookError("report_format_unknown", value=out.suffix or out.name)
    kind = normalise_kind(kind)
    book = read_ranked(ranked_path)
    if kind == L.REPORT_BULLETIN and book.ranks is None:  # absent or empty 排名 sheet
        raise TargetbookError("report_sheet_missing", sheet=L.SHEET_RANKS)
    if kind == L.REPORT_NOTICE and not book.annexes:
        raise TargetbookError("report_sheet_missing", sheet=L.annex_sheet(L.DEPARTMENT))
    context = context_from_book(book, **kwargs)
    if issues is not None:
        merged = {**book.params, **_given(kwargs.get("params"))}
        issues.extend(placeholder_issues(merged, context, out))
    if suffix == ".docx":
        return render_docx(context, kind, out)
    with atomic_path(out) as tmp:
        tmp.write_text(render_html(context, kind), encoding="utf-8")
    return out
