"""Tenders as suppliers send them back: the build's own kravmatris.xlsx and prisbilaga.xlsx filled with openpyxl."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tendergen.documents import matrix, prisbilaga


def org_nr(first9: str) -> str:
    """A valid organisationsnummer from its first nine digits (Luhn check digit added independently)."""
    total = 0
    for i, ch in enumerate(first9):
        d = int(ch) * (2 - i % 2)
        total += d // 10 + d % 10
    return f"{first9[:6]}-{first9[6:]}{(10 - total % 10) % 10}"


def make_tender(build: Path, folder: Path, name: str, number: str, *, answers: Mapping[str, Any] | None = None,
                default: str = "Ja", prices: Mapping[str, Any], edit_matrix: Callable[[Any], None] | None = None,
                edit_prices: Callable[[Any], None] | None = None) -> Path:
    """Write folder/anbud.yaml, a filled kravmatris.xlsx and a filled prisbilaga.xlsx; return the folder."""
    from openpyxl import load_workbook

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "anbud.yaml").write_text(f"name: {name}\norg_nr: '{number}'\n", encoding="utf-8")
    wb = load_workbook(build / matrix.FILE)
    ws = wb[matrix.SHEET]
    answers = answers or {}
    for row in ws.iter_rows(min_row=2):
        value = answers.get(str(row[0].value), default)
        row[5].value = value if value != "" else None
        row[6].value = "Se bifogad beskrivning." if value else None
    if edit_matrix:
        edit_matrix(ws)
    wb.save(folder / matrix.FILE)
    wb = load_workbook(build / prisbilaga.FILE)
    ws = wb[prisbilaga.SHEET]
    price_col = [c.value for c in ws[1]].index(prisbilaga.TAIL_HEADER[0])
    for row in ws.iter_rows(min_row=2):
        if str(row[0].value) in prices:
            row[price_col].value = prices[str(row[0].value)]
    if edit_prices:
        edit_prices(ws)
    wb.save(folder / prisbilaga.FILE)
    return folder
