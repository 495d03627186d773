"""Text normalisation: NFKC, whitespace, Chinese numerals, amounts (万元/亿元/%). (CONTRACT)"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number parsed from a cell with its unit, in base units (5万元 → 50000, 元)."""

    value: float
    unit: str  # "元", "%", "" (plain number), or the measuring word found (户, 家, 人 …)
    text: str  # the original text


def clean_text(value: object) -> str:
    """Cell value → display text: None → "", 12.0 → "12", CRLF → LF, outer whitespace stripped."""
    raise NotImplementedError


def header_key(value: object) -> str:
    """Key for header matching: NFKC, every whitespace (incl. U+3000, line breaks) removed."""
    raise NotImplementedError


def name_key(value: object) -> str:
    """Key for unit-name matching: NFKC, no whitespace, `〇` → `0`, full-width forms folded."""
    raise NotImplementedError


def split_name_aliases(name: str) -> tuple[str, list[str]]:
    """`党政办  （党群办、人大办）` → ("党政办", ["党群办", "人大办"])."""
    raise NotImplementedError


def cn_number(text: str) -> float | None:
    """`三` → 3, `十二` → 12, `两` → 2, `１２` → 12, `0.5` → 0.5; None if not a number."""
    raise NotImplementedError


def parse_quantity(value: object) -> Quantity | None:
    """`5万元`, `0.77亿`, `97.19%`, `１２`, `三`, 12.5 → Quantity; None if not understood."""
    raise NotImplementedError


def split_items(text: str) -> list[str]:
    """Numbered items of a cell (`1. …；\\n2. …`) → their texts; one item if not numbered."""
    raise NotImplementedError
