"""Swedish presentation: how amounts and other values are shown to users. Code compares values, never these words."""

from __future__ import annotations


def sek(amount: float) -> str:
    """Swedish money format: 700 000 kr."""
    return f"{amount:,.0f}".replace(",", "\u00a0") + "\u00a0kr"
