"""The requirement matrix: what a supplier fills in, and reading it back; verifying a build folder."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, office
from tendergen import api
from tendergen.cli import cli
from tendergen.documents import matrix, pdf
from tendergen.errors import InvalidInput


@pytest.fixture
def build(tmp_path: Path, session: api.Session) -> Path:
    out = tmp_path / "saas"
    api.build(session, ROOT / "examples" / "saas-verksamhetssystem.yaml", out)
    return out


def fill(path: Path, answers: dict[str, str], default: str = "Ja", text_edit: str | None = None) -> Path:
    """Answer the matrix as a supplier would, in a copy."""
    from openpyxl import load_workbook

    target = path.with_name("svar.xlsx")
    wb = load_workbook(path)
    ws = wb[matrix.SHEET]
    for row in ws.iter_rows(min_row=2):
        row[5].value = answers.get(str(row[0].value), default) or None
        row[6].value = "Uppfylls genom standardfunktion."
        if text_edit and row[0].value == text_edit:
            row[3].value = str(row[3].value).replace("ska", "bör", 1)
    wb.save(target)
    return target


def test_matrix_layout(build: Path, assert_valid_xlsx) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    path = build / "kravmatris.xlsx"
    assert_valid_xlsx(path)
    wb = load_workbook(path)
    ws = wb[matrix.SHEET]
    assert tuple(c.value for c in ws[1]) == matrix.HEADER
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:G")
    assert ws.print_title_rows == "$1:$1" and ws.protection.sheet
    (validation,) = ws.data_validations.dataValidation
    assert validation.formula1 == '"Ja,Nej"' and str(validation.sqref).startswith("F2:F")
    incident = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "SAK-INCIDENT")
    assert incident[1].value == "Ska" and "senast 8 timmar" in incident[3].value
    assert incident[3].protection.locked and not incident[5].protection.locked


def test_libreoffice_keeps_the_dropdown(build: Path, tmp_path: Path) -> None:
    with office():  # the session's shared LibreOffice
        pdf.run([build / "kravmatris.xlsx"], tmp_path, export=("calc8", "ods", "-"))
    content = zipfile.ZipFile(tmp_path / "kravmatris.ods").read("content.xml").decode("utf-8")
    assert "table:content-validation " in content and "&quot;Ja&quot;;&quot;Nej&quot;" in content
    assert "SAK-INCIDENT" in content


def test_answers_report_unmet_and_unanswered(build: Path) -> None:
    filled = fill(build / "kravmatris.xlsx", {"SAK-INCIDENT": "Nej", "SAK-MFA": "", "TILL-WCAG22": "Kanske"})
    report = api.import_answers(filled, build)
    assert [a.id for a in report.unmet] == ["SAK-INCIDENT"]
    assert [a.id for a in report.unanswered] == ["SAK-MFA"]
    assert [a.id for a in report.invalid] == ["TILL-WCAG22"]
    assert not report.acceptable
    result = CliRunner().invoke(cli, ["answers", "import", str(filled), "--build", str(build)])
    assert result.exit_code == 1
    assert "NOT MET (Nej)   SAK-INCIDENT" in result.output and "UNANSWERED      SAK-MFA" in result.output


def test_all_yes_is_acceptable(build: Path) -> None:
    report = api.import_answers(fill(build / "kravmatris.xlsx", {}), build)
    assert report.acceptable and len(report.answers) >= 20


def test_tampered_matrix_is_rejected(build: Path) -> None:
    tampered = fill(build / "kravmatris.xlsx", {}, text_edit="SAK-INCIDENT")
    with pytest.raises(InvalidInput) as exc:
        api.import_answers(tampered, build)
    assert "changed after publication" in str(exc.value)


def test_foreign_matrix_is_rejected(build: Path, tmp_path: Path, session: api.Session) -> None:
    other = tmp_path / "other"
    api.build(session, ROOT / "examples" / "valfardsteknik-trygghetslarm.yaml", other)
    with pytest.raises(InvalidInput) as exc:
        api.import_answers(fill(other / "kravmatris.xlsx", {}), build)
    assert "belongs to another tender" in str(exc.value) and "SN 2026/0219" in str(exc.value)


def test_verify_reports_edited_and_missing_files(build: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["verify", str(build)])
    assert ok.exit_code == 0 and "all 16 files are as built" in ok.output
    (build / "avtalsvillkor.docx").write_bytes(b"changed")
    (build / "rfi.docx").unlink()
    result = runner.invoke(cli, ["verify", str(build)])
    assert result.exit_code == 1
    assert f"  edited  {build / 'avtalsvillkor.docx'}" in result.output
    assert f" missing  {build / 'rfi.docx'}" in result.output


def test_matrix_is_reproducible(tmp_path: Path, session: api.Session) -> None:
    profile = ROOT / "examples" / "hardvara-ramavtal.yaml"
    first = api.build(session, profile, tmp_path / "a").files["kravmatris.xlsx"]
    assert first == api.build(session, profile, tmp_path / "b").files["kravmatris.xlsx"]
