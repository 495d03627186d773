"""targetbook: township target management (创先争优) — read, validate, consolidate, rank, report."""

from targetbook.errors import Issue, TargetbookError

__version__ = "0.1.0"

__all__ = ["Issue", "TargetbookError", "__version__"]
