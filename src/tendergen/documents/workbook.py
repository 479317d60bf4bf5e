"""Opening a workbook a supplier sent back: size and zip checks first, formulas read as text, never evaluated."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from tendergen.core.load import read_bytes, where
from tendergen.errors import InvalidInput, Location

MAX_FILE_BYTES = 20 * 1024 * 1024  # a filled matrix or price sheet is well below 1 MB
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # what the zip may expand to (zip bombs)


def load(path: Path, what: str, *, data_only: bool = False) -> Any:
    """The workbook at `path`, read with openpyxl; a located InvalidInput for anything else.

    With data_only False (the default) a formula cell reads as its formula text ("=A1*B1"): callers treat
    such a cell as an invalid answer, never as a number. With data_only True a formula cell reads as the
    value the supplier's spreadsheet program last stored for it (or None): shown, never trusted.
    """
    from openpyxl import load_workbook

    label = where(path)
    hint = f"the supplier must return the {what} file of this tender, filled in, as .xlsx"
    if path.is_file() and path.stat().st_size > MAX_FILE_BYTES:
        raise InvalidInput(f"file is too large for a {what} ({path.stat().st_size} bytes, at most {MAX_FILE_BYTES})",
                           location=Location(label), hint=hint)
    data = read_bytes(path)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InvalidInput(f"not an .xlsx workbook: an encrypted (password-protected) or old-format (.xls) file, "
                           f"expected the {what}", location=Location(label),
                           hint="ask the supplier for the file without a password to open it, saved as .xlsx")
    check_package(data, label, MAX_UNPACKED_BYTES, hint)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file; none may escape raw
        raise InvalidInput(f"cannot read the file as an .xlsx workbook ({type(exc).__name__})",
                           location=Location(label), hint=hint) from exc


def check_package(data: bytes, label: str, limit: int, hint: str) -> None:
    """Refuse a file that is not a zip, unpacks to more than `limit` bytes, or declares DTDs or entities."""
    import zipfile
    import zlib

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
            if sum(i.file_size for i in infos) > limit:
                raise InvalidInput(f"the workbook unpacks to more than {limit // 2**20} MB, far more than it can hold",
                                   location=Location(label), hint=hint)
            for info in infos:
                if info.filename.endswith((".xml", ".rels")) and b"<!DOCTYPE" in package.read(info):
                    raise InvalidInput(f"the workbook's {info.filename} declares a DTD or entities",
                                       location=Location(label), hint=hint)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        # corrupt compressed data (zlib), encrypted members (RuntimeError), unknown compression
        raise InvalidInput("not an .xlsx workbook (not a zip file; a password-protected workbook is not one)",
                           location=Location(label), hint=hint) from exc


def rows(ws: Any, label: str, **bounds: int) -> list[tuple[Any, ...]]:
    """The cell values of a read-only sheet within `bounds` (iter_rows' keywords), read now, with a located error.

    A read-only workbook parses a sheet's XML only when its rows are read: broken XML surfaces here.
    """
    try:
        return [tuple(r) for r in ws.iter_rows(values_only=True, **bounds)]
    except Exception as exc:  # lxml/ElementTree/zip errors from a damaged sheet
        raise InvalidInput(f"cannot read the sheet {ws.title!r} ({type(exc).__name__})", location=Location(label),
                           hint="the supplier must return the file of this tender as saved by a spreadsheet program"
                           ) from exc


def is_formula(value: Any) -> bool:
    """A cell value that is a formula (or an array formula) as openpyxl reads it with data_only False."""
    return (isinstance(value, str) and value.startswith("=")) or type(value).__name__ in ("ArrayFormula",
                                                                                          "DataTableFormula")


def text(value: Any) -> str:
    """A cell as plain text for reports: formulas stay their text, never a value."""
    if value is None:
        return ""
    if type(value).__name__ == "ArrayFormula":
        return str(getattr(value, "text", "") or "")
    return str(value).strip()
