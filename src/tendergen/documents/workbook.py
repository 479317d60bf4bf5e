"""Opening a workbook a supplier sent back: size and zip checks first, formulas read as text, never evaluated."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from tendergen.core.load import read_bytes, where
from tendergen.errors import InvalidInput, Location

MAX_FILE_BYTES = 20 * 1024 * 1024  # a filled matrix or price sheet is well below 1 MB
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # what the zip may expand to (zip bombs)
MAX_PARTS = 2000


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
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
                raise InvalidInput(f"the workbook unpacks to too much data for a {what}", location=Location(label),
                                   hint=hint)
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only, keep_links=False)
    except InvalidInput:
        raise
    except Exception as exc:  # openpyxl and zipfile raise many kinds for a broken file; none may escape raw
        raise InvalidInput(f"cannot read the file as an .xlsx workbook ({type(exc).__name__})",
                           location=Location(label), hint=hint) from exc


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
