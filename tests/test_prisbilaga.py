"""The price sheet: layout, formulas recomputed independently (openpyxl and LibreOffice), reading it back."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT
from tendergen import api
from tendergen.core import award
from tendergen.documents import prisbilaga
from tendergen.errors import InvalidInput

PRICES = {"L1": 100000, "I1": 450000.5, "T1": 1050, "T2": 1200, "O1": 50000}


@pytest.fixture(scope="module")
def saas(tmp_path_factory: pytest.TempPathFactory, session: api.Session) -> Path:
    out = tmp_path_factory.mktemp("prisbilaga") / "saas"
    api.build(session, ROOT / "examples" / "saas-verksamhetssystem.yaml", out)
    return out


def fill(source: Path, target: Path, prices: dict[str, object], edit: Callable[..., None] | None = None) -> Path:
    """Enter prices as a supplier would, in a copy."""
    from openpyxl import load_workbook

    wb = load_workbook(source)
    ws = wb[prisbilaga.SHEET]
    price_col = [c.value for c in ws[1]].index(prisbilaga.TAIL_HEADER[0])
    for row in ws.iter_rows(min_row=2):
        if row[0].value in prices:
            row[price_col].value = prices[str(row[0].value)]
    if edit:
        edit(ws)
    wb.save(target)
    return target


def test_layout(saas: Path, assert_valid_xlsx) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    path = saas / prisbilaga.FILE
    assert_valid_xlsx(path)
    ws = load_workbook(path)[prisbilaga.SHEET]
    assert tuple(c.value for c in ws[1]) == ("Id", "Prisrad", "Enhet", *prisbilaga.TAIL_HEADER)
    assert [r[0].value for r in ws.iter_rows(min_row=2)] == ["L1", "I1", "T1", "T2", "O1", None]
    assert ws["B7"].value == "Utvärderingspris" and ws["B7"].font.b
    assert ws.protection.sheet and ws.freeze_panes == "A2" and ws.print_title_rows == "$1:$1"
    assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4) and ws.page_setup.orientation == "landscape"
    assert ws.oddHeader.right.text == "KS 2026/0412" and ws.oddFooter.right.text == "Sida &P av &N"
    assert not ws["D2"].protection.locked and not ws["G2"].protection.locked
    assert ws["A2"].protection.locked and ws["E2"].protection.locked and ws["F2"].protection.locked
    assert ws["F7"].protection.locked
    (validation,) = ws.data_validations.dataValidation
    assert validation.type == "decimal" and str(validation.sqref) == "D2:D6"
    manifest = json.loads((saas / "manifest.json").read_text(encoding="utf-8"))
    assert prisbilaga.FILE in [o["file"] for o in manifest["outputs"]]
    assert manifest["prices"]["checksum"] == prisbilaga.checksum("KS 2026/0412",
                                                                 prisbilaga.lines_from_manifest(manifest["prices"]))
    assert manifest["evaluation"]["basis"] == "pris-och-kvalitet"


def test_formulas_compute_the_evaluated_price(saas: Path, tmp_path: Path) -> None:
    """Each line sum is price × volume and the total their sum: read from the file, computed here."""
    from openpyxl import load_workbook

    ws = load_workbook(saas / prisbilaga.FILE)[prisbilaga.SHEET]
    expected = Decimal(0)
    for r in range(2, 7):
        assert ws[f"F{r}"].value == f"=D{r}*E{r}"
        expected += Decimal(str(PRICES[ws[f"A{r}"].value])) * Decimal(str(ws[f"E{r}"].value))
    assert ws["F7"].value == "=F2+F3+F4+F5+F6"
    assert expected == Decimal("1870000.5")  # 4×100 000 + 450 000,50 + 600×1 050 + 200×1 200 + 3×50 000
    manifest = json.loads((saas / "manifest.json").read_text(encoding="utf-8"))
    lines = prisbilaga.lines_from_manifest(manifest["prices"])
    assert award.evaluated_price(lines, {k: Decimal(str(v)) for k, v in PRICES.items()}) == expected
    # LibreOffice recalculates the filled sheet to the same figures.
    filled = fill(saas / prisbilaga.FILE, tmp_path / "filled.xlsx", PRICES)
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is required"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false", "--outdir", str(tmp_path),
                    str(filled)],
                   check=True, capture_output=True, timeout=300)
    rows = list(csv.reader(io.StringIO((tmp_path / "filled.csv").read_text(encoding="utf-8"))))
    sums = {row[0] or row[1]: Decimal(row[5]) for row in rows[1:]}
    assert sums["Utvärderingspris"] == expected
    assert sums["T1"] == Decimal(630000) and sums["I1"] == Decimal("450000.5")


def test_lots_get_one_total_each(tmp_path: Path, session: api.Session) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "hw"
    api.build(session, ROOT / "examples" / "hardvara-ramavtal.yaml", out)
    ws = load_workbook(out / prisbilaga.FILE)[prisbilaga.SHEET]
    assert [c.value for c in ws[1]][3] == "Delkontrakt"
    labels = {r[1].value: r[6].value for r in ws.iter_rows(min_row=2) if str(r[1].value).startswith("Utv")}
    # lot 1: its own lines 1.1, 1.2 and the common lines 3.1, 3.2; lot 2: 2.1 and the common lines
    assert labels == {"Utvärderingspris delkontrakt 1": "=G2+G3+G5+G6",
                      "Utvärderingspris delkontrakt 2": "=G4+G5+G6"}


def test_reading_back(saas: Path, tmp_path: Path) -> None:
    manifest = json.loads((saas / "manifest.json").read_text(encoding="utf-8"))
    filled = fill(saas / prisbilaga.FILE, tmp_path / "a.xlsx", {**PRICES, "T2": "=1+1", "O1": None})
    sheet = prisbilaga.read(filled, manifest["prices"], "KS 2026/0412")
    by_id = {p.line.id: p for p in sheet.prices}
    assert by_id["L1"].price == Decimal(100000) and by_id["I1"].price == Decimal("450000.5")
    assert by_id["T2"].price is None and "formel" in by_id["T2"].problem and by_id["T2"].raw == "=1+1"
    assert by_id["O1"].price is None and not by_id["O1"].problem


def test_altered_volume_is_named(saas: Path, tmp_path: Path) -> None:
    manifest = json.loads((saas / "manifest.json").read_text(encoding="utf-8"))

    def edit(ws) -> None:  # type: ignore[no-untyped-def]
        ws["E4"].value = 60

    tampered = fill(saas / prisbilaga.FILE, tmp_path / "t.xlsx", PRICES, edit)
    with pytest.raises(InvalidInput) as exc:
        prisbilaga.read(tampered, manifest["prices"], "KS 2026/0412")
    assert "price line T1 was changed after publication: its utvärderingsvolym reads '60', published '600'" in str(
        exc.value)
    assert exc.value.location is not None and exc.value.location.line == 4


def test_reproducible(saas: Path, tmp_path: Path, session: api.Session) -> None:
    again = api.build(session, ROOT / "examples" / "saas-verksamhetssystem.yaml", tmp_path / "b")
    assert again.files[prisbilaga.FILE] == (saas / prisbilaga.FILE).read_bytes()
