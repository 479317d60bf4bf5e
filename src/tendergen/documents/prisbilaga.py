"""The price sheet (prisbilaga.xlsx) a supplier fills in, from the profile's price model, and reading it back.

The supplier enters a unit price per line; the published evaluation volumes and the formulas turn them into
the evaluated price. Question cells (id, text, unit, volume) are locked and covered by a checksum, as in
the requirement matrix, so a foreign or altered sheet is recognised when it comes back. When a sheet is
read back, the supplier's own totals are only reported: the evaluation recomputes them (core.award).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from tendergen.core.model import Profile
from tendergen.core.tender import PriceLine
from tendergen.documents import sheets, theme, workbook
from tendergen.errors import InvalidInput, Location

FILE = "prisbilaga.xlsx"
SHEET = "Prisbilaga"
INFO_SHEET = "Om prisbilagan"
CHECKSUM_LABEL = "Kontrollsumma"
TOTAL_LABEL = "Utvärderingspris"
PRICE_FORMAT = '#,##0.00" kr"'
# Columns: A id, B text, C unit, D lot (only with lots), then price, volume, line sum, comment.
BASE_HEADER = ("Id", "Prisrad", "Enhet")
TAIL_HEADER = ("Pris per enhet (kr exkl. moms)", "Utvärderingsvolym", "Summa (kr)", "Anbudsgivarens kommentar")


def has_lots(lines: Sequence[PriceLine]) -> bool:
    return any(line.lot is not None for line in lines)


def header(lines: Sequence[PriceLine]) -> tuple[str, ...]:
    return (*BASE_HEADER, *(("Delkontrakt",) if has_lots(lines) else ()), *TAIL_HEADER)


def columns(lines: Sequence[PriceLine]) -> dict[str, str]:
    """Column letters by role: price, volume, sum, comment (shifted by one when there is a lot column)."""
    letters = "DEFG" if not has_lots(lines) else "EFGH"
    return dict(zip(("price", "volume", "sum", "comment"), letters, strict=True))


def line_text(line: PriceLine) -> str:
    return line.text + (" (option)" if line.option and "option" not in line.text.lower() else "")


def checksum(reference: str, lines: Sequence[PriceLine]) -> str:
    """A fingerprint of the tender reference and every question cell: changes if any of them changes."""
    data = json.dumps([reference, [[x.id, line_text(x), x.unit, _number(x.evaluation_volume),
                                    "" if x.lot is None else str(x.lot)] for x in lines]], ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]


def _number(value: float | int | Decimal) -> str:
    """A volume as the sheet shows it and as it reads back: 4.0 -> '4', 2.5 -> '2.5'."""
    return format(Decimal(str(value)).normalize(), "f")


def total_rows(lines: Sequence[PriceLine]) -> list[tuple[str, list[int]]]:
    """The evaluated-total rows: one overall, or one per lot (its own lines plus the common ones).

    Each is (label, the sheet rows it adds up).
    """
    rows = {line.id: i + 2 for i, line in enumerate(lines)}
    if not has_lots(lines):
        return [(TOTAL_LABEL, list(rows.values()))]
    common = [rows[x.id] for x in lines if x.lot is None]
    lots = sorted({x.lot for x in lines if x.lot is not None})
    return [(f"{TOTAL_LABEL} delkontrakt {lot}", sorted([rows[x.id] for x in lines if x.lot == lot] + common))
            for lot in lots]


def write_xlsx(profile: Profile, lines: Sequence[PriceLine]) -> bytes:
    """The price sheet: locked questions, unlocked price and comment cells, formulas for the totals, A4 print."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    from tendergen.documents.matrix import info_sheet, save_published

    head = header(lines)
    col = columns(lines)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(head)
    for r, line in enumerate(lines, start=2):
        lot = (line.lot if line.lot is not None else "Alla",) if has_lots(lines) else ()
        ws.append([line.id, line_text(line), line.unit, *lot, None, line.evaluation_volume,
                   f"={col['price']}{r}*{col['volume']}{r}", None])
    last = len(lines) + 1
    totals = total_rows(lines)
    for label, rows in totals:
        ws.append([None, label, *([None] * (len(head) - 4)), "=" + "+".join(f"{col['sum']}{r}" for r in rows), None])
    widths = (8, 50, 10, *((12,) if has_lots(lines) else ()), 18, 18, 18, 36)
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.row_dimensions[1].height = 30
    bold = Font(name=theme.FONT, bold=True)
    for cell in ws[1]:
        cell.font = Font(name=theme.FONT, bold=True, color=theme.ON_ACCENT)
        cell.fill = PatternFill("solid", fgColor=theme.ACCENT)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheets.fit_rows(ws, widths)
    sheets.borders(ws, len(head))
    answer_fill = PatternFill("solid", fgColor=theme.ANSWER)
    for row in ws.iter_rows(min_row=2, max_row=last + len(totals)):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r in range(2, last + 1):
        for role in ("price", "comment"):
            cell = ws[f"{col[role]}{r}"]
            cell.protection = Protection(locked=False)
            cell.fill = answer_fill
        ws[f"{col['price']}{r}"].number_format = PRICE_FORMAT
        ws[f"{col['sum']}{r}"].number_format = PRICE_FORMAT
    for r in range(last + 1, last + 1 + len(totals)):
        ws[f"B{r}"].font = bold
        ws[f"{col['sum']}{r}"].font = bold
        ws[f"{col['sum']}{r}"].number_format = PRICE_FORMAT
    if lines:
        prices = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                showErrorMessage=True, errorTitle="Ogiltigt pris",
                                error="Ange priset som ett tal i kronor, utan moms (0 eller mer).")
        prices.add(f"{col['price']}2:{col['price']}{last}")
        ws.add_data_validation(prices)
    ws.freeze_panes = "A2"
    sheets.print_setup(ws, title=f"Prisbilaga – {profile.title}", reference=profile.reference,
                       landscape=len(head) > 6)
    ws.protection.sheet = True

    instruction = ("Ange ett pris per enhet i kronor exklusive moms för varje prisrad, i kolumnen "
                   f"{TAIL_HEADER[0]}. Utvärderingsvolymerna används bara för att jämföra anbuden och är inte "
                   "ett åtagande från Kommunen. Summorna och utvärderingspriset räknas ut av bladet. Ändra inte "
                   "prisraderna eller volymerna: prisbilagan kontrolleras mot upphandlingen när den läses in, "
                   "och Kommunen räknar om utvärderingspriset från priserna.")
    info_sheet(wb, INFO_SHEET, profile, checksum(profile.reference, lines), instruction, "Prisbilaga")
    return save_published(wb, profile, "Prisbilaga", FILE)


def manifest_entry(profile: Profile, lines: Sequence[PriceLine]) -> dict[str, Any]:
    """What the manifest records: the file, its checksum and the published price model itself."""
    return {"file": FILE, "checksum": checksum(profile.reference, lines),
            "lines": [{"id": x.id, "text": x.text, "unit": x.unit, "evaluation_volume": x.evaluation_volume,
                       **({"lot": x.lot} if x.lot is not None else {}), "option": x.option} for x in lines]}


def lines_from_manifest(entry: Mapping[str, Any]) -> tuple[PriceLine, ...]:
    return tuple(PriceLine(x["id"], x["text"], x["unit"], x["evaluation_volume"], x.get("lot"), x.get("option", False))
                 for x in entry["lines"])


# --- reading a filled sheet back -----------------------------------------------------------------


@dataclass(frozen=True)
class Price:
    """One price line as the supplier answered it: the price (None when missing or invalid) and the raw cell."""

    line: PriceLine
    price: Decimal | None
    raw: str
    comment: str
    row: int
    problem: str = ""  # why the answer is not a usable price ("" when it is, or when it is empty)


@dataclass(frozen=True)
class PriceSheet:
    prices: tuple[Price, ...]
    stated_totals: tuple[tuple[str, str], ...]  # the supplier's own totals as their file shows them (label, text)

    def price_map(self) -> dict[str, Decimal]:
        return {p.line.id: p.price for p in self.prices if p.price is not None}


def parse_price(value: Any) -> tuple[Decimal | None, str]:
    """A supplier's price cell: (price, problem). Formulas and text are problems, never evaluated."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    if workbook.is_formula(value):
        return None, "en formel, inte ett pris (formler i svarsceller godtas inte)"
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None, "text, inte ett tal"
    try:
        price = Decimal(str(value))
    except InvalidOperation:
        return None, "inte ett tal"
    if not price.is_finite():
        return None, "inte ett tal"
    if price < 0:
        return None, "ett negativt pris"
    return price, ""


def read(path: Path, entry: Mapping[str, Any], reference: str) -> PriceSheet:
    """Read a supplier's filled price sheet and check it is the one this build published, unaltered."""
    from tendergen.core.load import where

    label = where(path)
    lines = lines_from_manifest(entry)
    wb = workbook.load(path, "prisbilaga")
    if SHEET not in wb.sheetnames or INFO_SHEET not in wb.sheetnames:
        raise InvalidInput(f"not a tendergen price sheet (sheets {SHEET!r} and {INFO_SHEET!r} missing)",
                           location=Location(label), hint="the supplier must return the tender's prisbilaga.xlsx")
    info = {workbook.text(r[0]): workbook.text(r[1]) for r in workbook.rows(wb[INFO_SHEET], label, max_row=50,
                                                                            max_col=2)
            if r and r[0] is not None and len(r) > 1}
    if info.get("Diarienummer") != reference:
        raise InvalidInput(f"the price sheet belongs to another tender (reference {info.get('Diarienummer')!r}, "
                           f"expected {reference!r})", location=Location(f"{label} [{INFO_SHEET}]"),
                           hint="check that the supplier answered the prisbilaga published with this tender")
    if info.get(CHECKSUM_LABEL) != entry["checksum"]:
        raise InvalidInput("the price sheet is another version of this tender's (its checksum differs)",
                           location=Location(f"{label} [{INFO_SHEET}]"),
                           hint="the supplier must answer the prisbilaga published with this tender")
    col = columns(lines)
    width = len(header(lines))
    found = workbook.rows(wb[SHEET], label, min_row=2, max_row=len(lines) + 1 + len(total_rows(lines)),
                          max_col=width)
    rows, totals = found[:len(lines)], found[len(lines):]
    index = {role: ord(letter) - ord("A") for role, letter in col.items()}
    for i, (line, raw) in enumerate(zip(lines, rows, strict=False)):
        raw = tuple(raw) + (None,) * (width - len(raw))
        got = [workbook.text(raw[0]), workbook.text(raw[1]), workbook.text(raw[2]), _volume_text(raw[index["volume"]])]
        want = [line.id, line_text(line), line.unit, _number(line.evaluation_volume)]
        what = ["id", "prisrad", "enhet", "utvärderingsvolym"]
        if has_lots(lines):
            got.append(_volume_text(raw[3]))
            want.append("Alla" if line.lot is None else str(line.lot))
            what.append("delkontrakt")
        if got != want:
            k = next(j for j in range(len(got)) if got[j] != want[j])
            raise InvalidInput(f"price line {line.id} was changed after publication: its {what[k]} reads "
                               f"{got[k]!r}, published {want[k]!r}", location=Location(f"{label} [{SHEET}]", i + 2),
                               hint="a supplier may only fill in the price and comment columns")
    if len(rows) < len(lines):
        raise InvalidInput(f"the price sheet has {len(rows)} price lines, the published one {len(lines)}",
                           location=Location(f"{label} [{SHEET}]"), hint="answer the original prisbilaga")
    prices = []
    for i, (line, raw) in enumerate(zip(lines, rows, strict=True)):
        raw = tuple(raw) + (None,) * (width - len(raw))
        value, problem = parse_price(raw[index["price"]])
        prices.append(Price(line, value, workbook.text(raw[index["price"]]), workbook.text(raw[index["comment"]]),
                            i + 2, problem))
    cached = workbook.load(path, "prisbilaga", data_only=True)[SHEET]
    stated = []
    for (label_text, _), r in zip(total_rows(lines), range(len(lines) + 2, len(lines) + 2 + len(totals)),
                                  strict=True):
        cell = next(iter(workbook.rows(cached, label, min_row=r, max_row=r, min_col=index["sum"] + 1,
                                       max_col=index["sum"] + 1)), (None,))[0]
        stated.append((label_text, workbook.text(cell)))
    return PriceSheet(tuple(prices), tuple(stated))


def _volume_text(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number(value)
    return workbook.text(value)
