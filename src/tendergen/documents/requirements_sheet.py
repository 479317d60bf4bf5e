"""The own-requirements spreadsheet: an empty template to fill in, and reading a filled one into profile YAML.

Every row is checked exactly as own requirements in a profile are (the schema and the checks in
core/validate/evaluation.py); each problem is located at its cell, e.g. `krav.xlsx:Krav!C5`.
"""

from __future__ import annotations

import io
import itertools
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tendergen.core.load import read_bytes, where
from tendergen.core.model import Library
from tendergen.errors import InvalidInput, Location, TendergenError

SHEET = "Krav"
INFO_SHEET = "Instruktioner"
COLUMNS = (  # header, profile field, width
    ("Id", "id", 24),
    ("Avsnitt", "section", 14),
    ("Typ", "kind", 8),
    ("Rubrik", "title", 28),
    ("Krav", "text", 60),
    ("Verifikat", "verifikat", 36),
    ("Acceptans", "acceptance", 36),
    ("Mervärde", "value", 12),
    ("Motiv", "motiv", 30),
)
FIELD_COLUMN = {field: i + 1 for i, (_, field, _) in enumerate(COLUMNS)}
FIELD_COLUMN.update(value_sek=FIELD_COLUMN["value"], value_percent=FIELD_COLUMN["value"])
_XSTRING = re.compile(r"_x([0-9A-Fa-f]{4})_")  # how a workbook stores a control character (ECMA-376 ST_Xstring)
KINDS = {"ska": "ska-krav", "bör": "bör-krav"}
MAX_ROWS = 2000
MAX_BYTES = 32 * 2**20
HINT = "fill in the sheet from `tendergen requirements template` and save it as .xlsx without a password"
INSTRUCTIONS = (
    "Egna krav – instruktioner",
    "",
    "Fyll i en rad per krav på bladet Krav. Rubrikraden får inte ändras.",
    "Id: versaler, siffror och bindestreck, unikt, t.ex. EGEN-BATTERI-48H.",
    "Avsnitt: avsnittet i kravspecifikationen, t.ex. allmant.",
    "Typ: Ska (obligatoriskt krav) eller Bör (ger mervärde i utvärderingen).",
    "Rubrik: en kort rubrik (minst 3 tecken).",
    "Krav: kravtexten (minst 10 tecken).",
    "Verifikat: hur anbudsgivaren visar att kravet uppfylls.",
    "Acceptans: hur Kommunen kontrollerar kravet vid leverans.",
    "Mervärde: endast för Bör – ett belopp i kronor (t.ex. 300000) eller en procentsats (t.ex. 5 %).",
    "Motiv: frivilligt, varför kravet ställs.",
    "",
    "Skriv text, inte formler. Läs in bladet med: tendergen requirements import FIL.xlsx -o krav.yaml",
)


@dataclass(frozen=True)
class Cell(Location):
    """A worksheet cell: `path` is FILE.xlsx:Sheet, `line` the row and `col` the column (1-based)."""

    def __str__(self) -> str:
        from openpyxl.utils import get_column_letter

        return f"{self.path}!{get_column_letter(self.col)}{self.line}" if self.col else f"{self.path}!{self.line}"


def write_template(items: Sequence[Mapping[str, Any]] = ()) -> bytes:
    """The template: header, Ska/Bör list, instructions sheet, A4 print setup.

    `items` (own requirements in the profile's shape) are filled in: the shipped example is made so.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from tendergen.documents import theme

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([header for header, _, _ in COLUMNS])
    for i, (_, _, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
        cell = ws.cell(row=1, column=i)
        cell.font = Font(name=theme.FONT, bold=True, color=theme.ON_ACCENT)
        cell.fill = PatternFill("solid", fgColor=theme.ACCENT)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for item in items:
        value = item.get("value_sek", f"{item['value_percent']} %" if "value_percent" in item else None)
        ws.append([value if field == "value" else
                   (str(item[field]).strip() if field in item else None) if field != "kind" else
                   str(item["kind"]).removesuffix("-krav").capitalize() for _, field, _ in COLUMNS])
    for row in ws.iter_rows(min_row=2, max_col=len(COLUMNS)):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    kind = DataValidation(type="list", formula1='"Ska,Bör"', allow_blank=True, showErrorMessage=True,
                          errorTitle="Typ", error="Välj Ska eller Bör.")
    ws.add_data_validation(kind)
    kind.add(f"C2:C{MAX_ROWS + 1}")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}1"
    ws.print_title_rows = "1:1"
    for sheet in (ws, wb.create_sheet(INFO_SHEET)):
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = "landscape" if sheet is ws else "portrait"
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    info = wb[INFO_SHEET]
    info.column_dimensions["A"].width = 110
    for line in INSTRUCTIONS:
        info.append([line])
    info["A1"].font = Font(name=theme.FONT, bold=True, size=14, color=theme.ACCENT)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def read_sheet(path: Path, library: Library) -> list[dict[str, Any]]:
    """The filled sheet's rows as the profile's own-requirements list; every bad row reported at once."""
    from tendergen.documents.workbook import check_package

    label = where(path)
    if path.is_file() and path.stat().st_size > MAX_BYTES:
        raise InvalidInput(f"the workbook is larger than {MAX_BYTES // 2**20} MB", location=Location(label), hint=HINT)
    data = read_bytes(path)
    check_package(data, label, MAX_BYTES * 4, HINT)
    raw = _rows(data, label)
    where_sheet = f"{label}:{SHEET}"
    problems: list[TendergenError] = []
    items: list[dict[str, Any]] = []
    rows: list[int] = []
    for row, values in raw:
        item, bad = _item(values, row, where_sheet)
        problems.extend(bad)
        if item is not None:
            items.append(item)
            rows.append(row)
    if not items and not problems:
        raise InvalidInput("the sheet has no requirements", location=Cell(where_sheet, 2, 1),
                           hint="fill in one row per requirement below the header")
    bad_cells = {(p.location.line, p.location.col) for p in problems if p.location}
    problems.extend(p for p in _validate(items, rows, where_sheet, library)  # a bad cell is not also "missing"
                    if not (p.location and (p.location.line, p.location.col) in bad_cells))
    if problems:
        raise InvalidInput(problems=problems)
    return items


def _rows(data: bytes, label: str) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            if SHEET not in wb.sheetnames:
                raise InvalidInput(f"no sheet {SHEET!r} in the workbook", location=Location(label), hint=HINT)
            ws = wb[SHEET]
            found = []
            head = [str(c.value or "").strip() for c in next(ws.iter_rows(max_row=1), ())]
            want = [h for h, _, _ in COLUMNS]
            if head[:len(want)] != want:
                raise InvalidInput(f"the header row is not {', '.join(want)}", location=Cell(f"{label}:{SHEET}", 1, 1),
                                   hint="keep the header row of `tendergen requirements template` as it is")
            for n, row in enumerate(itertools.islice(ws.iter_rows(min_row=2), MAX_ROWS + 1), start=2):
                values = [(("formula", c.value) if c.data_type == "f" else c.value) for c in row][:len(COLUMNS)]
                values += [None] * (len(COLUMNS) - len(values))
                if any(v not in (None, "") for v in values):
                    found.append((n, values))
        finally:
            wb.close()
    except InvalidInput:
        raise
    except Exception as exc:  # openpyxl and the zip/XML readers below it raise many types for a broken file
        raise InvalidInput(f"cannot read the workbook as an .xlsx file ({type(exc).__name__})",
                           location=Location(label), hint=HINT) from exc
    if found and found[-1][0] > MAX_ROWS + 1:
        raise InvalidInput(f"more than {MAX_ROWS} requirements", location=Cell(f"{label}:{SHEET}", MAX_ROWS + 2, 1),
                           hint="split the requirements over several files")
    return found


def _item(values: list[Any], row: int, sheet: str) -> tuple[dict[str, Any] | None, list[TendergenError]]:
    bad: list[TendergenError] = []
    item: dict[str, Any] = {}
    for col, ((header, field, _), value) in enumerate(zip(COLUMNS, values, strict=True), start=1):
        at = Cell(sheet, row, col)
        if isinstance(value, tuple):
            bad.append(InvalidInput(f"{header}: a formula ({str(value[1])[:40]}) where text is expected", location=at,
                                    hint="type the value itself; formulas are not read"))
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if field == "value":
            number = _value(value)
            if number is None:
                bad.append(InvalidInput(f"Mervärde {str(value)[:40]!r} is not an amount or a percentage", location=at,
                                        hint="write kronor as a whole number, e.g. 300000, or a percentage, e.g. 5 %"))
            else:
                item.update(number)
            continue
        if not isinstance(value, str):
            value = str(value)
        text = _XSTRING.sub(lambda m: chr(int(m.group(1), 16)), value).strip().replace("\r\n", "\n")
        control = sorted({f"U+{ord(ch):04X}" for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\t"})
        if control or (field != "text" and field != "motiv" and "\n" in text):
            bad.append(InvalidInput(f"{header}: control characters ({', '.join(control) or 'line break'})",
                                    location=at, hint="retype the text; paste it as plain text without special "
                                    "characters" + ("" if control else ", on one line")))
            continue
        if field == "kind":
            kind = KINDS.get(text.lower().removesuffix("-krav"))
            if kind is None:
                bad.append(InvalidInput(f"Typ {text[:40]!r} is neither Ska nor Bör", location=at,
                                        hint="choose Ska or Bör from the list"))
                continue
            text = kind
        elif field == "text":
            text = text + "\n"
        item[field] = text
    return (item, bad)


def _value(value: Any) -> dict[str, Any] | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return {"value_sek": value}
    if isinstance(value, float):
        return {"value_sek": int(value)} if value.is_integer() else None
    text = str(value).strip().replace("\u00a0", " ")
    if text.endswith("%"):
        try:
            pct = float(text.removesuffix("%").strip().replace(",", "."))
        except ValueError:
            return None
        return {"value_percent": int(pct) if pct.is_integer() else pct}
    digits = text.removesuffix("kr").strip().replace(" ", "")
    return {"value_sek": int(digits)} if digits.isdigit() else None


def _validate(items: list[dict[str, Any]], rows: list[int], sheet: str, library: Library) -> list[TendergenError]:
    """The profile's own checks on the produced list, with each location mapped back to its cell."""
    from tendergen.core.validate.evaluation import own_clauses
    from tendergen.core.validate.schema import Collector, schema_problems

    def cells(row_of: list[int]) -> Callable[[Any], Location]:
        def cell(path: Any) -> Location:
            steps = list(path)
            if not steps or not isinstance(steps[0], int):
                return Location(sheet)
            field = next((s for s in steps[1:] if isinstance(s, str)), "id")
            return Cell(sheet, row_of[steps[0]], FIELD_COLUMN.get(field, 1))
        return cell

    cell = cells(rows)
    headers = {f: h for h, f, _ in COLUMNS}
    problems: list[TendergenError] = []
    valid: list[int] = []
    for i, item in enumerate(items):
        found = schema_problems(None, item, "profile#own_requirement", sheet, [i])
        # schema_problems locates in a YAML tree; re-locate at the cell of the field the message names
        for p in found:
            field = next((f for f in FIELD_COLUMN if p.message.startswith(f"{f}:")), None)
            missing = next((f for f in FIELD_COLUMN if f"'{f}' is a required" in p.message), None)
            message = f"{headers[missing]} is missing" if missing in headers else p.message
            problems.append(InvalidInput(message, location=cell([i, field or missing or "id"]), hint=p.hint))
        if not found:
            valid.append(i)
    if valid:
        at = cells([rows[i] for i in valid])

        class SheetCollector(Collector):
            def at(self, path: Any, key: bool = False) -> Location:
                return at(path)

        c = SheetCollector(None, sheet)
        own_clauses(c, [], [items[i] for i in valid], library, c)
        problems.extend(c.problems)
    seen: dict[str, int] = {}
    for i, item in enumerate(items):  # duplicates involving a row the schema refused (the rest are found above)
        rid = item.get("id")
        if not isinstance(rid, str):
            continue
        if rid in seen and not (i in valid and seen[rid] in valid):
            problems.append(InvalidInput(f"own requirement {rid!r} appears twice", location=cell([i, "id"]),
                                         hint=f"give each requirement its own id (first on row {rows[seen[rid]]})"))
        seen.setdefault(rid, i)
    return problems


def to_yaml(items: Sequence[Mapping[str, Any]]) -> str:
    """The list as YAML in the profile's own-requirements shape (a list; include it with `requirements: FILE`)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.scalarstring import LiteralScalarString

    yaml = YAML()
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = [{k: (LiteralScalarString(v) if k == "text" else v) for k, v in item.items()} for item in items]
    buffer = io.StringIO()
    yaml.dump(out, buffer)
    return buffer.getvalue()
