"""Print-ready worksheets: A4, landscape when wide, grid borders, header and footer, rows tall enough.

Used by the requirement matrix and the change register.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from tendergen.documents import theme

LINE_POINTS = 15.0  # one line of 11 pt Calibri with its leading
MAX_ROW_POINTS = 409.0  # the largest row height a spreadsheet stores
CHARS_PER_WIDTH = 1.25  # characters of running text per unit of column width, after word wrap (Calibri 11)


def line_count(text: str, width: float) -> int:
    """Lines a cell's text needs when wrapped in a column `width` characters wide."""
    per_line = max(1, int(width * CHARS_PER_WIDTH))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def fit_rows(ws: Any, widths: Sequence[float], first_row: int = 2) -> None:
    """Give each row the height of its tallest wrapped cell (spreadsheets do not size rows on opening)."""
    for row in ws.iter_rows(min_row=first_row):
        lines = max((line_count(cell.value, width) for cell, width in zip(row, widths, strict=False)
                     if cell.value is not None), default=1)
        ws.row_dimensions[row[0].row].height = min(MAX_ROW_POINTS, LINE_POINTS * (lines + 1))  # a line to spare


def borders(ws: Any, columns: int) -> None:
    """Thin grid lines around every cell of the table, in the house border colour."""
    from openpyxl.styles import Border, Side

    side = Side(style="thin", color=theme.BORDER)
    grid = Border(left=side, right=side, top=side, bottom=side)
    for row in ws.iter_rows(min_row=1, max_col=columns):
        for cell in row:
            cell.border = grid


def _text(value: str) -> str:
    """Text for a header or footer: '&' starts a code there, so a literal one is doubled."""
    return value.replace("&", "&&")


def print_setup(ws: Any, *, title: str, reference: str, landscape: bool, repeat_header: bool = True) -> None:
    """A4, fitted to the page width, header row repeated, header (title, reference) and page numbers."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if repeat_header:
        ws.print_title_rows = "1:1"
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddHeader.left.text = _text(title)
    ws.oddHeader.right.text = _text(reference)
    ws.oddFooter.left.text = _text(ws.title)
    ws.oddFooter.right.text = "Sida &P av &N"
    for part in (ws.oddHeader.left, ws.oddHeader.right, ws.oddFooter.left, ws.oddFooter.right):
        part.size = 9
