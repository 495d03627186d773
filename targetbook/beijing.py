"""Times as township staff read them: Beijing time (UTC+8, no daylight saving).

A return's saved time is kept as naive UTC (`Source.modified`, from docProps or the file's
mtime); it is shown in 汇总.xlsx, and compared with a deadline, in Beijing time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

OFFSET = timedelta(hours=8)


def from_utc(value: datetime) -> datetime:
    """Naive UTC → naive Beijing time."""
    return value + OFFSET


def to_utc(value: datetime) -> datetime:
    """Naive Beijing time → naive UTC."""
    return value - OFFSET
