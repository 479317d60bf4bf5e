"""`tendergen requirements template/import`: the own-requirements spreadsheet round trip and its located errors."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from ruamel.yaml import YAML

from tendergen.cli import cli
from tendergen.core.load import plain, read_yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "saas-verksamhetssystem.yaml"
SHEET = ROOT / "examples" / "krav" / "saas-verksamhetssystem-krav.xlsx"

GOOD = ["EGEN-BATTERI-48H", "allmant", "Ska", "Batteritid", "Enheten ska ha en batteritid om minst 48 timmar.",
        "Anbudsgivaren bekräftar kravet.", "Mät batteritiden vid leverans.", None, None]
OTHER = ["EGEN-X", *GOOD[1:]]
GOOD_BOR = ["EGEN-SKARM", "allmant", "Bör", "Stor skärm", "Enheten bör ha en skärm om minst 13 tum.",
            "Anbudsgivaren anger skärmens storlek.", "Mät skärmen vid leverans.", 50000, "Läsbarhet."]


def own_requirements() -> list[dict[str, Any]]:
    return list(plain(read_yaml(EXAMPLE).tree)["requirements"])


def fill(runner: CliRunner, path: Path, rows: list[list[Any]]) -> Path:
    assert runner.invoke(cli, ["requirements", "template", "-o", str(path)]).exit_code == 0
    wb = load_workbook(path)
    for row in rows:
        wb["Krav"].append(row)
    wb.save(path)
    return path


def imported(runner: CliRunner, path: Path) -> Any:
    result = runner.invoke(cli, ["requirements", "import", str(path)])
    assert result.exit_code == 0, result.output
    return YAML(typ="safe").load(result.stdout)


def test_template_is_styled_a4_with_instructions(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "krav.xlsx"
    assert runner.invoke(cli, ["requirements", "template", "-o", str(out)]).exit_code == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["Krav", "Instruktioner"]
    ws = wb["Krav"]
    assert [c.value for c in ws[1]] == ["Id", "Avsnitt", "Typ", "Rubrik", "Krav", "Verifikat", "Acceptans",
                                        "Mervärde", "Motiv"]
    assert ws["A1"].fill.fgColor.rgb.endswith("1F3864")
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert any(dv.formula1 == '"Ska,Bör"' for dv in ws.data_validations.dataValidation)


def test_round_trip_equals(runner: CliRunner, tmp_path: Path) -> None:
    percent = ["EGEN-PROCENT", *GOOD_BOR[1:7], "5 %", None]
    got = imported(runner, fill(runner, tmp_path / "k.xlsx", [GOOD, GOOD_BOR, percent]))
    assert got == [
        {"id": "EGEN-BATTERI-48H", "section": "allmant", "kind": "ska-krav", "title": "Batteritid",
         "text": GOOD[4] + "\n", "verifikat": GOOD[5], "acceptance": GOOD[6]},
        {"id": "EGEN-SKARM", "section": "allmant", "kind": "bör-krav", "title": "Stor skärm",
         "text": GOOD_BOR[4] + "\n", "verifikat": GOOD_BOR[5], "acceptance": GOOD_BOR[6], "value_sek": 50000,
         "motiv": "Läsbarhet."},
        {"id": "EGEN-PROCENT", "section": "allmant", "kind": "bör-krav", "title": "Stor skärm",
         "text": GOOD_BOR[4] + "\n", "verifikat": GOOD_BOR[5], "acceptance": GOOD_BOR[6], "value_percent": 5},
    ]


def test_shipped_example_imports_as_the_profiles_own_requirements(runner: CliRunner) -> None:
    assert imported(runner, SHEET) == own_requirements()


SHEETS = sorted((ROOT / "examples" / "krav").glob("*.xlsx"))


def test_the_complete_example_tenders_each_have_a_sheet() -> None:
    """A framework with lots, a pris/kvalitet system and a price-only tender: each with its spreadsheet."""
    assert {p.name for p in SHEETS} >= {"hardvara-ramavtal-krav.xlsx", "saas-verksamhetssystem-krav.xlsx",
                                        "it-konsulter-ramavtal-krav.xlsx"}


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda p: p.name)
def test_every_example_sheet_imports_as_its_profiles_own_requirements(runner: CliRunner, sheet: Path) -> None:
    """examples/krav/STEM-krav.xlsx imports cleanly into exactly the requirements examples/STEM.yaml holds."""
    profile = ROOT / "examples" / f"{sheet.name.removesuffix('-krav.xlsx')}.yaml"
    assert profile.is_file(), f"{sheet.name} names no example"
    wanted = plain(read_yaml(profile).tree)["requirements"]
    assert imported(runner, sheet) == wanted
    assert len(wanted) >= 5


def test_imported_yaml_works_as_a_profiles_requirements_file(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "krav.yaml"
    result = runner.invoke(cli, ["requirements", "import", str(SHEET), "-o", str(out)])
    assert result.exit_code == 0, result.output
    profile = EXAMPLE.read_text(encoding="utf-8")
    head, _, rest = profile.partition("\nrequirements:\n")
    tail = rest[rest.index("\nevaluation:"):]
    (tmp_path / "p.yaml").write_text(head + "\nrequirements: krav.yaml\n" + tail, encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(tmp_path / "p.yaml")])
    assert result.exit_code == 0, result.output


BAD = [
    ("missing text", [*OTHER[:4], None, *GOOD[5:]], "k.xlsx:Krav!E3", "Krav is missing"),
    ("bad Typ", [*OTHER[:2], "Kanske", *GOOD[3:]], "k.xlsx:Krav!C3", "neither Ska nor Bör"),
    ("duplicate id", GOOD, "k.xlsx:Krav!A3", "appears twice"),
    ("bad id", ["egen batteri", *GOOD[1:]], "k.xlsx:Krav!A3", "wrong form"),
    ("mervärde on ska", [*OTHER[:7], 1000, None], "k.xlsx:Krav!C3", "ska-krav but has a mervärde"),
    ("formula", [*OTHER[:4], '="Enheten ska"&" fungera"', *GOOD[5:]], "k.xlsx:Krav!E3", "formula"),
    ("control character", ["EGEN-X", *GOOD[1:3], "Batteritiden", *GOOD[4:]], "k.xlsx:Krav!D3",
     "control characters (U+0007)"),
    ("unknown section", ["EGEN-X", "nowhere", *GOOD[2:]], "k.xlsx:Krav!B3", "unknown kravspecifikation section"),
]


@pytest.mark.parametrize(("name", "row", "where", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_row_is_located(runner: CliRunner, tmp_path: Path, name: str, row: list[Any], where: str,
                            message: str) -> None:
    path = tmp_path / "k.xlsx"
    fill(runner, path, [GOOD, row])
    if name == "control character":  # openpyxl refuses to write one; put it into the sheet directly
        _replace_in_package(path, b">Batteritiden<", b">Batteri_x0007_tiden<")
    result = runner.invoke(cli, ["requirements", "import", str(path)], catch_exceptions=False)
    assert result.exit_code == 3, result.output
    line = next((ln for ln in result.stderr.splitlines() if where in ln), "")
    assert message in line, result.stderr
    assert "hint:" in result.stderr


def _replace_in_package(path: Path, old: bytes, new: bytes) -> None:
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(old, new, 1)
            target.writestr(info, data)
    path.write_bytes(out.getvalue())


def test_all_bad_rows_at_once(runner: CliRunner, tmp_path: Path) -> None:
    path = fill(runner, tmp_path / "k.xlsx", [GOOD, [*OTHER[:2], "Kanske", *GOOD[3:]], GOOD,
                                              ["EGEN-Y", *GOOD[1:4], None, *GOOD[5:]]])
    result = runner.invoke(cli, ["requirements", "import", str(path)])
    assert result.exit_code == 3
    assert "Krav!C3" in result.stderr and "Krav!A4" in result.stderr and "Krav!E5" in result.stderr
    assert "3 problem(s) found" in result.stderr
    assert result.stderr.count("hint:") == 3


def test_no_overwrite_without_force(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "krav.xlsx"
    out.write_bytes(b"mine")
    assert runner.invoke(cli, ["requirements", "template", "-o", str(out)]).exit_code == 2
    assert out.read_bytes() == b"mine"
    yaml_out = tmp_path / "krav.yaml"
    yaml_out.write_text("mine")
    assert runner.invoke(cli, ["requirements", "import", str(SHEET), "-o", str(yaml_out)]).exit_code == 2
    assert yaml_out.read_text() == "mine"
    assert runner.invoke(cli, ["requirements", "import", str(SHEET), "-o", str(yaml_out), "--force"]).exit_code == 0
    assert "EGEN-KARTA" in yaml_out.read_text(encoding="utf-8")
    assert runner.invoke(cli, ["requirements", "template", "-o", str(out), "--force"]).exit_code == 0
    assert out.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize("content", [b"Id;Avsnitt\nEGEN-X;allmant\n", b"PK\x03\x04 broken zip"])
def test_not_a_workbook_is_located(runner: CliRunner, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "krav.xlsx"
    path.write_bytes(content)
    result = runner.invoke(cli, ["requirements", "import", str(path)])
    assert result.exit_code == 3, result.output
    assert "krav.xlsx" in result.stderr and "hint:" in result.stderr
    assert "requirements template" in result.stderr and "kravmatris" not in result.stderr  # the department's hint


def test_changed_header_is_located(runner: CliRunner, tmp_path: Path) -> None:
    path = fill(runner, tmp_path / "k.xlsx", [GOOD])
    wb = load_workbook(path)
    wb["Krav"]["E1"] = "Text"
    wb.save(path)
    result = runner.invoke(cli, ["requirements", "import", str(path)])
    assert result.exit_code == 3 and "Krav!A1" in result.stderr
