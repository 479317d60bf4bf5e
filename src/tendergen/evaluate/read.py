"""Reading one tender folder: anbud.yaml (who), kravmatris.xlsx (answers) and prisbilaga.xlsx (prices).

Every file is checked against the build it answers: a foreign or altered file is an error naming what
differs. Cells are read as stored (formulas as their text), so nothing a supplier wrote is ever evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tendergen.core.load import plain, read_bytes, read_yaml, where
from tendergen.core.validate.schema import schema_problems
from tendergen.documents import matrix, prisbilaga, workbook
from tendergen.errors import InvalidInput, Location

IDENTITY = "anbud.yaml"


@dataclass(frozen=True)
class Answer:
    id: str
    kind: str  # "Ska" or "Bör"
    title: str
    answer: str  # the cell as text ("" when empty; a formula stays its text)
    comment: str
    row: int
    formula: bool = False

    @property
    def valid(self) -> bool:
        return not self.formula and self.answer in matrix.ANSWERS


@dataclass(frozen=True)
class TenderFiles:
    folder: str  # as the user gave it
    name: str
    org_nr: str
    answers: tuple[Answer, ...]
    prices: prisbilaga.PriceSheet
    hashes: tuple[tuple[str, str], ...]  # (file label, sha256) of every file read


def org_nr_valid(number: str) -> bool:
    """The Luhn check digit of a Swedish organisation (or personal) number NNNNNN-NNNN."""
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(digits[:9]):
        d = d * 2 if i % 2 == 0 else d
        total += d - 9 if d > 9 else d
    return len(digits) == 10 and (10 - total % 10) % 10 == digits[9]


def read_identity(path: Path) -> tuple[str, str, str, str]:
    """Name, org.nr and the file names of the matrix and the price sheet (plain names beside the YAML file)."""
    from tendergen.core.load import locate
    from tendergen.documents.output import PLAIN_NAME

    source = read_yaml(path)
    data = plain(source.tree)
    problems = schema_problems(source.tree, data, "anbud", source.label)
    if not problems and not org_nr_valid(data["org_nr"]):
        problems.append(InvalidInput(f"org_nr: {data['org_nr']!r} is not a valid organisationsnummer (check digit)",
                                     location=locate(source.tree, ["org_nr"], source.label),
                                     hint="copy the number from the tender form"))
    for key in ("kravmatris", "prisbilaga"):
        if not problems and key in data and not PLAIN_NAME.fullmatch(data[key]):
            problems.append(InvalidInput(f"{key}: {data[key][:100]!r} is not a plain file name",
                                         location=locate(source.tree, [key], source.label),
                                         hint=f"name a file in the same folder as {path.name}, without a path"))
    if problems:
        raise InvalidInput(problems=problems)
    return (" ".join(data["name"].split()), data["org_nr"], data.get("kravmatris", matrix.FILE),
            data.get("prisbilaga", prisbilaga.FILE))


def read_matrix(path: Path, manifest: Mapping[str, Any]) -> tuple[Answer, ...]:
    """The answers in a supplier's kravmatris.xlsx, after checking it is this build's matrix, unaltered."""
    label = where(path)
    if "matrix" not in manifest:
        raise InvalidInput("the build has no requirement matrix to compare answers with", location=Location(label),
                           hint="give the build folder of the tender the suppliers answered")
    expected = manifest["matrix"]
    reference = manifest["profile"]["reference"]
    wb = workbook.load(path, "kravmatris")
    if matrix.SHEET not in wb.sheetnames or matrix.INFO_SHEET not in wb.sheetnames:
        raise InvalidInput(f"not a tendergen requirement matrix (sheets {matrix.SHEET!r} and {matrix.INFO_SHEET!r} "
                           "missing)", location=Location(label), hint="the supplier must return the tender's matrix")
    info = {workbook.text(r[0]): workbook.text(r[1]) for r in workbook.rows(
        wb[matrix.INFO_SHEET], label, max_row=50, max_col=2) if r and r[0] is not None and len(r) > 1}
    if info.get("Diarienummer") != reference:
        raise InvalidInput(f"the requirement matrix belongs to another tender (reference "
                           f"{info.get('Diarienummer')!r}, expected {reference!r})",
                           location=Location(f"{label} [{matrix.INFO_SHEET}]"),
                           hint="check that the supplier answered the kravmatris published with this tender")
    if info.get(matrix.CHECKSUM_LABEL) != expected["checksum"]:
        raise InvalidInput("the requirement matrix is another version of this tender's (its checksum differs)",
                           location=Location(f"{label} [{matrix.INFO_SHEET}]"),
                           hint="the supplier must answer the kravmatris published with this tender")
    ids = list(expected["ids"])
    raw_rows = [r + (None,) * (7 - len(r)) for r in workbook.rows(
        wb[matrix.SHEET], label, min_row=2, max_row=len(ids) + 2, max_col=7)]
    extra = raw_rows[len(ids):]
    raw_rows = raw_rows[:len(ids)]
    rows = [matrix.Row(*(workbook.text(v) if not isinstance(v, str) else v for v in r[:5])) for r in raw_rows]
    if len(rows) < len(ids) or any(v is not None for r in extra for v in r[:5]):
        raise InvalidInput(f"the requirement matrix has other rows than the published one ({len(ids)} requirements)",
                           location=Location(f"{label} [{matrix.SHEET}]"),
                           hint="a supplier may only fill in the answer columns")
    if matrix.checksum(reference, rows) != expected["checksum"]:
        for i, (row, want) in enumerate(zip(rows, ids, strict=True)):
            if row.id != want:
                raise InvalidInput(f"row {i + 2}: requirement id {row.id!r}, published {want!r}",
                                   location=Location(f"{label} [{matrix.SHEET}]", i + 2),
                                   hint="a supplier may only fill in the answer columns")
        raise InvalidInput("the requirement texts in the matrix were changed after publication (ids, types, "
                           "sections, texts or verifikat differ from the published matrix)",
                           location=Location(f"{label} [{matrix.SHEET}]"),
                           hint="a supplier may only fill in the answer columns; ask for an answer on the "
                                "original matrix")
    return tuple(Answer(row.id, row.kind, row.text.split("\n", 1)[0], workbook.text(raw[5]).strip(),
                        workbook.text(raw[6]), i + 2, workbook.is_formula(raw[5]) or workbook.is_formula(raw[6]))
                 for i, (row, raw) in enumerate(zip(rows, raw_rows, strict=True)))


def read_tender(given: Path, manifest: Mapping[str, Any]) -> TenderFiles:
    """One tender, each file checked against the build.

    `given` is a folder with anbud.yaml, kravmatris.xlsx and prisbilaga.xlsx, or a tender's YAML file whose
    `kravmatris` and `prisbilaga` name its two sheets beside it (several tenders can then share a folder).
    """
    from tendergen.documents.output import sha256

    hint = (f"each TENDER is a folder with {IDENTITY} (name, org_nr), the supplier's {matrix.FILE} and "
            f"{prisbilaga.FILE}, or a YAML file like {IDENTITY} whose kravmatris and prisbilaga name the files")
    if "prices" not in manifest:
        raise InvalidInput("the build has no price sheet (prisbilaga.xlsx): its profile has no price model",
                           location=Location(where(given)), hint="evaluate against the build the tenders answered")
    folder, identity = (given, given / IDENTITY) if given.is_dir() else (given.parent, given)
    if not identity.is_file():
        raise InvalidInput(f"the tender folder lacks {IDENTITY}", location=Location(where(given)), hint=hint)
    name, org_nr, matrix_name, prices_name = read_identity(identity)
    missing = [n for n in (matrix_name, prices_name) if not (folder / n).is_file()]
    if missing:
        raise InvalidInput(f"the tender lacks {', '.join(missing)}", location=Location(where(identity)), hint=hint)
    answers = read_matrix(folder / matrix_name, manifest)
    prices = prisbilaga.read(folder / prices_name, manifest["prices"], manifest["profile"]["reference"])
    hashes = tuple((f"{folder.name}/{n}", sha256(read_bytes(folder / n)))
                   for n in (identity.name, matrix_name, prices_name))
    label = given.name if given.is_dir() else given.stem
    return TenderFiles(label, name, org_nr, answers, prices, hashes)
