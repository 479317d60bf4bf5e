"""The requirement matrix (kravmatris.xlsx) a supplier fills in, and reading a filled one back."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tendergen.core.load import read_bytes, where
from tendergen.core.model import Decision, Library, Profile
from tendergen.documents import sheets, theme, workbook
from tendergen.errors import InvalidInput, Location

FILE = "kravmatris.xlsx"
SHEET = "Kravmatris"
INFO_SHEET = "Om matrisen"
HEADER = ("Id", "Typ", "Avsnitt", "Krav", "Verifikat", "Uppfylls (Ja/Nej)", "Leverantörens svar")
ANSWERS = ("Ja", "Nej")
CHECKSUM_LABEL = "Kontrollsumma"


@dataclass(frozen=True)
class Row:
    id: str
    kind: str
    section: str
    text: str
    verifikat: str


def rows(profile: Profile, library: Library, decisions: Sequence[Decision]) -> list[Row]:
    """One row per included requirement, in document and section order."""
    from tendergen.documents import references, render

    env = render.text_environment()
    targets: dict[str, dict[str, references.Target]] = {}
    result = []
    for document_id in render.TEXT_DOCUMENT_ORDER:
        doc = library.documents.get(document_id)
        for section_id, section_title in doc.sections if doc else ():
            for d in decisions:
                c = d.clause
                if d.included and c.is_requirement and c.document == document_id and c.section == section_id:
                    item = render.clause_item(c, profile, env)
                    if document_id not in targets:  # once per document (setdefault would compute it every row)
                        targets[document_id] = references.targets(library, decisions, document_id, linked=False)
                    references.resolve_items([item], targets[document_id])
                    text = "\n".join(render.plain(p) for p in item["paragraphs"])
                    result.append(Row(c.id, "Ska" if c.kind == "ska-krav" else "Bör", section_title,
                                      f"{c.title}\n{text}", item["verifikat"]))
    return result


def checksum(reference: str, matrix_rows: Sequence[Row]) -> str:
    """A fingerprint of the tender reference and every question cell: changes if any of them changes."""
    data = json.dumps([reference, [[r.id, r.kind, r.section, r.text, r.verifikat] for r in matrix_rows]],
                      ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]


def write_xlsx(profile: Profile, matrix_rows: Sequence[Row]) -> bytes:
    """The matrix workbook: locked questions, a Ja/Nej list, frozen header, filter and print titles."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation


    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(HEADER)
    for r in matrix_rows:
        ws.append([r.id, r.kind, r.section, r.text, r.verifikat, None, None])
    last = len(matrix_rows) + 1
    widths = (22, 6, 18, 60, 34, 14, 40)
    for col, width in zip("ABCDEFG", widths, strict=True):
        ws.column_dimensions[col].width = width
    header_fill = PatternFill("solid", fgColor=theme.ACCENT)
    ws.row_dimensions[1].height = 30
    for cell in ws[1]:
        cell.font = Font(name=theme.FONT, bold=True, color=theme.ON_ACCENT)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    answer_fill = PatternFill("solid", fgColor=theme.ANSWER)
    sheets.fit_rows(ws, widths)
    sheets.borders(ws, len(HEADER))
    for row in ws.iter_rows(min_row=2, max_row=last):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for cell in row[5:]:
            cell.protection = Protection(locked=False)
            cell.fill = answer_fill
    if matrix_rows:
        choice = DataValidation(type="list", formula1='"' + ",".join(ANSWERS) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle="Ogiltigt svar", error="Svara Ja eller Nej.")
        choice.add(f"F2:F{last}")
        ws.add_data_validation(choice)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:G{last}"
    sheets.print_setup(ws, title=f"Kravmatris – {profile.title}", reference=profile.reference, landscape=True)
    ws.protection.sheet = True
    ws.protection.autoFilter = False
    ws.protection.sort = False

    instruction = ("Besvara varje krav i kolumnerna Uppfylls (Ja/Nej) och Leverantörens svar. Ändra inte "
                   "kraven: matrisen kontrolleras mot upphandlingen när den läses in.")
    info_sheet(wb, INFO_SHEET, profile, checksum(profile.reference, matrix_rows), instruction, "Kravmatris")
    return save_published(wb, profile, "Kravmatris", FILE)


def info_sheet(wb: Any, name: str, profile: Profile, check: str, instruction: str, kind: str) -> None:
    """The locked sheet that ties a published workbook to its procurement: reference, checksum, instruction."""
    from openpyxl.styles import Alignment

    info = wb.create_sheet(name)
    for line in (
        ("Upphandling", profile.title),
        ("Diarienummer", profile.reference),
        ("Upphandlande myndighet", profile.organisation),
        ("Datum", profile.date),
        (CHECKSUM_LABEL, check),
        ("Anvisning", instruction),
    ):
        info.append(line)
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 90
    for row in info.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheets.fit_rows(info, (24, 90), first_row=1)
    sheets.print_setup(info, title=f"{kind} – {profile.title}", reference=profile.reference, landscape=False,
                       repeat_header=False)
    info.protection.sheet = True


def save_published(wb: Any, profile: Profile, kind: str, file: str) -> bytes:
    """The workbook's bytes with the document date as its times, so the same inputs give the same bytes."""
    import datetime as dt

    from tendergen.documents.render import reproducible_zip

    day = dt.datetime.fromisoformat(profile.date)
    wb.properties.creator = profile.organisation
    wb.properties.title = f"{kind} – {profile.title}"
    wb.properties.subject = profile.reference
    wb.properties.created = day
    wb.properties.modified = day
    buffer = io.BytesIO()
    wb.save(buffer)
    return reproducible_zip(_normalised(buffer.getvalue(), day), (day.year, day.month, day.day, 0, 0, 0), file)


FONT_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz", "color",
              "name", "family", "charset", "scheme")


def _normalised(data: bytes, day: Any) -> bytes:
    """Fix what openpyxl writes: <font> children in the schema's order, and the save time as modified date."""
    import zipfile

    from lxml import etree

    source = zipfile.ZipFile(io.BytesIO(data))
    styles = etree.fromstring(source.read("xl/styles.xml"))
    for font in styles.iter("{*}font"):
        font[:] = sorted(font, key=lambda e: FONT_ORDER.index(etree.QName(e).localname))
    core = etree.fromstring(source.read("docProps/core.xml"))
    for stamp in core.iter("{http://purl.org/dc/terms/}modified", "{http://purl.org/dc/terms/}created"):
        stamp.text = day.strftime("%Y-%m-%dT%H:%M:%SZ")
    replaced = {"xl/styles.xml": styles, "docProps/core.xml": core}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            tree = replaced.get(info.filename)
            payload = source.read(info.filename) if tree is None else etree.tostring(
                tree, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(info, payload)
    return out.getvalue()


# --- reading answers back ---------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    id: str
    kind: str
    answer: str
    comment: str
    row: int


@dataclass(frozen=True)
class AnswerReport:
    answers: tuple[Answer, ...]
    unmet: tuple[Answer, ...]
    unanswered: tuple[Answer, ...]
    invalid: tuple[Answer, ...]

    @property
    def acceptable(self) -> bool:
        return not (self.unmet or self.unanswered or self.invalid)


MAX_BYTES_PER_ROW = 256 * 1024  # a requirement and a long supplier answer, with room to spare


def read_answers(path: Path, manifest: Mapping[str, Any]) -> AnswerReport:
    """Read a supplier's filled matrix and check it is the one this build produced, unaltered.

    The file is checked before openpyxl reads it: a zip (an encrypted workbook is not), no DTDs or
    entities in its XML, and an unpacked size in proportion to the rows the build published. Formulas
    are read as formulas, never as their cached value, so a formula answering "Ja" is an invalid answer.
    """
    import itertools

    from openpyxl import load_workbook

    label = where(path)
    if "matrix" not in manifest:
        raise InvalidInput("the build has no requirement matrix to compare answers with", location=Location(label),
                           hint="give the build folder of the tender whose kravmatris.xlsx the supplier answered")
    expected = manifest["matrix"]
    ids = expected["ids"]
    limit = 4 * 2**20 + MAX_BYTES_PER_ROW * len(ids)
    if path.is_file() and path.stat().st_size > limit:
        raise InvalidInput(f"the workbook is larger than {limit // 2**20} MB, far more than this matrix can hold",
                           location=Location(label), hint="the supplier must return the kravmatris.xlsx of this tender")
    data = read_bytes(path)
    workbook.check_package(data, label, limit, "the supplier must return the kravmatris.xlsx of this tender, "
                           "saved without a password")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            if SHEET not in wb.sheetnames or INFO_SHEET not in wb.sheetnames:
                raise InvalidInput(f"not a tendergen requirement matrix (sheets {SHEET!r} and {INFO_SHEET!r} missing)",
                                   location=Location(label), hint="the supplier must return the tender's matrix")
            info = {str(r[0]): r[1] for r in itertools.islice(wb[INFO_SHEET].iter_rows(values_only=True), 50)
                    if r and r[0]}
            sheet_rows = [[c.value if c.data_type != "f" else f"={str(c.value).lstrip('=')}" for c in row]
                          for row in itertools.islice(wb[SHEET].iter_rows(min_row=2), len(ids) + 1)]
        finally:
            wb.close()
    except InvalidInput:
        raise
    except Exception as exc:  # openpyxl and the zip/XML readers below it raise many types for a broken file
        raise InvalidInput(f"cannot read the matrix as an .xlsx workbook ({type(exc).__name__})",
                           location=Location(label),
                           hint="the supplier must return the kravmatris.xlsx file of this tender") from exc
    if info.get("Diarienummer") != manifest["profile"]["reference"] or info.get(CHECKSUM_LABEL) != expected["checksum"]:
        raise InvalidInput(
            f"the matrix belongs to another tender or version (reference {str(info.get('Diarienummer'))[:80]!r})",
            location=Location(label), hint="check that the supplier answered the matrix published with this tender")
    while sheet_rows and not any(v not in (None, "") for v in sheet_rows[-1]):
        sheet_rows.pop()
    sheet_rows = [[*r, *[None] * (7 - len(r))] for r in sheet_rows]
    found = [Row(*(str(v if v is not None else "") for v in r[:5])) for r in sheet_rows]
    if checksum(manifest["profile"]["reference"], found) != expected["checksum"]:
        changed = [r.id for r, want in zip(found, ids, strict=False) if r.id != want]
        raise InvalidInput(
            "the requirements in the matrix were changed after publication"
            + (f" (first changed row: {changed[0][:80]})" if changed else ""),
            location=Location(f"{label} [{SHEET}]"),
            hint="a supplier may only fill in the answer columns; ask for an answer on the original matrix")
    answers = tuple(Answer(r.id, r.kind, str(raw[5] if raw[5] is not None else "").strip(),
                           str(raw[6] if raw[6] is not None else "").strip(), i + 2)
                    for i, (r, raw) in enumerate(zip(found, sheet_rows, strict=True)))
    return AnswerReport(
        answers=answers,
        unmet=tuple(a for a in answers if a.kind == "Ska" and a.answer == "Nej"),
        unanswered=tuple(a for a in answers if a.kind == "Ska" and not a.answer),
        invalid=tuple(a for a in answers if a.answer and a.answer not in ANSWERS),
    )
