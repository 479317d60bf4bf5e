"""`tendergen evaluate`: tenders filled from a real build, checked, priced, ranked and written up."""

from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import ROOT
from helpers import docx_as_text
from supplier_files import make_tender, org_nr
from tendergen import api
from tendergen.cli import cli
from tendergen.errors import InvalidInput

PRICES = {"L1": 400000, "I1": 900000, "T1": 1100, "T2": 1250, "O1": 120000}
CRITERIA = {"EGEN-STATUS-SOKANDE": 300000, "EGEN-KARTA": 200000, "TILL-WCAG22": 100000}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, session: api.Session) -> Path:
    out = tmp_path_factory.mktemp("evaluate") / "saas"
    api.build(session, ROOT / "examples" / "saas-verksamhetssystem.yaml", out)
    return out


@pytest.fixture
def build(published: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(published, tmp_path / "saas"))


def expected(build: Path, prices: dict[str, Any], met: set[str]) -> tuple[Decimal, Decimal]:
    """Evaluated price and jämförelsepris computed here, from the published sheet's volumes and the manifest."""
    from openpyxl import load_workbook

    ws = load_workbook(build / "prisbilaga.xlsx")["Prisbilaga"]
    total = Decimal(0)
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[0] in prices:
            total += Decimal(str(prices[row[0]])) * Decimal(str(row[4]))
    model = json.loads((build / "manifest.json").read_text(encoding="utf-8"))["evaluation"]["criteria"]
    assert {c["requirement"]: c["value_sek"] for c in model} == CRITERIA
    return total, total - sum(Decimal(CRITERIA[k]) for k in met)


def three(build: Path, base: Path) -> list[Path]:
    """The issue's three suppliers: one failing a ska-krav, one cheaper with fewer mervärden, one dearer with more."""
    return [
        make_tender(build, base / "alfa", "Alfa System AB", org_nr("556677889"), answers={"SAK-INCIDENT": "Nej"},
                    prices={**PRICES, "L1": 300000}),
        make_tender(build, base / "beta", "Beta Software AB", org_nr("559012345"),
                    answers={"EGEN-KARTA": "Nej", "TILL-WCAG22": "Nej"}, prices={**PRICES, "L1": 380000}),
        make_tender(build, base / "gamma", "Gamma Digital AB", org_nr("556123456"), prices={**PRICES, "L1": 450000}),
    ]


def test_three_tenders_ranked_by_the_published_model(build: Path, tmp_path: Path) -> None:
    tenders = three(build, tmp_path / "anbud")
    result = CliRunner().invoke(cli, ["evaluate", "--build", str(build), *map(str, tenders), "--evaluator",
                                      "Eva Ek, upphandlare", "--date", "2027-02-01"])
    assert result.exit_code == 0, result.output
    data = json.loads((build / "utvardering" / "utvardering.json").read_text(encoding="utf-8"))
    by_name = {t["name"]: t for t in data["tenders"]}
    beta_price, beta_cmp = expected(build, {**PRICES, "L1": 380000}, {"EGEN-STATUS-SOKANDE"})
    gamma_price, gamma_cmp = expected(build, {**PRICES, "L1": 450000}, set(CRITERIA))
    assert (Decimal(by_name["Beta Software AB"]["evaluated_price"]), Decimal(by_name["Beta Software AB"][
        "comparison_price"])) == (beta_price, beta_cmp) == (Decimal(3690000), Decimal(3390000))
    assert (Decimal(by_name["Gamma Digital AB"]["evaluated_price"]), Decimal(by_name["Gamma Digital AB"][
        "comparison_price"])) == (gamma_price, gamma_cmp) == (Decimal(3970000), Decimal(3370000))
    assert data["winner"] == "Gamma Digital AB" and by_name["Beta Software AB"]["place"] == 2
    alfa = by_name["Alfa System AB"]
    assert alfa["excluded"] and alfa["place"] is None and alfa["ska"]["unmet"] == ["SAK-INCIDENT"]
    assert "Ska-krav SAK-INCIDENT (Rapportering av säkerhetsincidenter) är besvarat Nej." in alfa["reasons"]
    assert "EXCLUDED: Ska-krav SAK-INCIDENT" in result.output
    manifest = json.loads((build / "utvardering" / "manifest.json").read_text(encoding="utf-8"))
    assert [o["file"] for o in manifest["outputs"]] == ["utvarderingsprotokoll.docx", "tilldelningsbeslut.docx",
                                                          "utvardering.json"]
    assert len([i for i in manifest["inputs"] if i["role"] == "tender"]) == 9
    decision = docx_as_text(build / "utvardering" / "tilldelningsbeslut.docx")
    assert "tilldelar kontraktet i upphandlingen Verksamhetssystem för bygglov och e-tjänster (KS 2026/0412) till " \
           "Gamma Digital AB, organisationsnummer 556123-4567." in decision
    assert ("Beta Software AB: jämförelsepriset var 3\u00a0390\u00a0000\u00a0kr, 20\u00a0000\u00a0kr högre än "
            "Gamma Digital AB:s 3\u00a0370\u00a0000\u00a0kr.") in decision
    assert "tio dagar" in decision and "12 kap. 12 § lagen (2016:1145)" in decision and "20 kap. LOU" in decision
    protocol = docx_as_text(build / "utvardering" / "utvarderingsprotokoll.docx")
    assert "Utvärderingen gjord av: Eva Ek, upphandlare" in protocol and "Datum: 2027-02-01" in protocol
    assert "1 | Gamma Digital AB | 556123-4567 | 3\u00a0970\u00a0000\u00a0kr | 600\u00a0000\u00a0kr | " \
           "3\u00a0370\u00a0000\u00a0kr" in protocol
    # Same inputs, same bytes; a different evaluation is not written over without --force.
    again = api.evaluate(build, tenders, evaluator="Eva Ek, upphandlare", date="2027-02-01")
    assert all(again.files[n] == (build / "utvardering" / n).read_bytes() for n in again.files)
    refused = CliRunner().invoke(cli, ["evaluate", "--build", str(build), *map(str, tenders), "--evaluator",
                                       "Per Ek", "--date", "2027-02-01"])
    assert refused.exit_code == 4 and "an earlier evaluation would be overwritten" in refused.output
    api.evaluate(build, tenders, evaluator="Per Ek", date="2027-02-01", force=True)


def test_unanswered_unclear_and_formula_answers(build: Path, tmp_path: Path) -> None:
    def formula(ws: Any) -> None:
        for row in ws.iter_rows(min_row=2):
            if row[0].value == "EGEN-KARTA":
                row[5].value = '=IF(1=1,"Ja","Nej")'

    t = make_tender(build, tmp_path / "a", "Delta AB", org_nr("556000111"), answers={"SAK-MFA": "",
                    "SAK-LOGGNING": "Ja, delvis"}, prices=PRICES, edit_matrix=formula)
    ok = make_tender(build, tmp_path / "b", "Epsilon AB", org_nr("556000222"), prices=PRICES)
    outcome = api.evaluate(build, [t, ok], evaluator="Eva", date="2027-02-01").outcome
    delta = next(a for a in outcome.assessments if a.name == "Delta AB")
    assert len(delta.excluded) == 1 and delta.excluded[0].startswith("Ska-krav SAK-MFA (")
    assert delta.excluded[0].endswith(") är inte besvarat.") and delta.place == 0
    assert any("EGEN-KARTA har en formel" in f for f in delta.flags)
    assert any("SAK-LOGGNING har svaret 'Ja, delvis'" in f and "måste pröva" in f for f in delta.flags)
    epsilon = next(a for a in outcome.assessments if a.name == "Epsilon AB")
    assert epsilon.place == 1 and not epsilon.excluded


def test_total_mismatch_tie_and_low_price(build: Path, tmp_path: Path) -> None:
    def wrong_total(ws: Any) -> None:
        ws["F7"].value = 1234567  # the supplier typed over the formula

    a = make_tender(build, tmp_path / "a", "Ett AB", org_nr("556000333"), prices=PRICES, edit_prices=wrong_total)
    b = make_tender(build, tmp_path / "b", "Två AB", org_nr("556000444"), prices=PRICES)
    c = make_tender(build, tmp_path / "c", "Tre AB", org_nr("556000555"), prices={k: v / 4 for k, v in PRICES.items()})
    outcome = api.evaluate(build, [a, b, c], evaluator="Eva", date="2027-02-01").outcome
    by = {x.name: x for x in outcome.assessments}
    price, _ = expected(build, PRICES, set(CRITERIA))
    assert by["Ett AB"].computation.price == price  # recomputed, not the typed total
    assert any("1234567 kr" in f and "skiljer sig" in f for f in by["Ett AB"].flags)
    assert by["Tre AB"].place == 1 and any("onormalt lågt anbud" in f for f in by["Tre AB"].flags)
    assert by["Ett AB"].place == by["Två AB"].place == 2 and by["Ett AB"].tied and by["Två AB"].tied
    assert not any("onormalt" in f for f in by["Två AB"].flags)
    tie = api.evaluate(build, [a, b], evaluator="Eva", date="2027-02-01", force=True)
    assert tie.outcome.tie_for_first and tie.outcome.winner is None
    text = docx_as_text(build / "utvardering" / "tilldelningsbeslut.docx")
    assert "lika på första plats" in text and "tilldelar kontraktet" not in text


def test_foreign_and_altered_files_are_named(build: Path, tmp_path: Path, session: api.Session) -> None:
    def edit_text(ws: Any) -> None:
        ws["D3"].value = str(ws["D3"].value) + " (ändrad)"

    tampered = make_tender(build, tmp_path / "t", "Fusk AB", org_nr("556000666"), prices=PRICES,
                           edit_matrix=edit_text)
    result = CliRunner().invoke(cli, ["evaluate", "--build", str(build), str(tampered), "--evaluator", "Eva"])
    assert result.exit_code == 3 and "changed after publication" in result.output
    assert "kravmatris.xlsx [Kravmatris]" in result.output
    other = tmp_path / "other"
    api.build(session, ROOT / "examples" / "valfardsteknik-trygghetslarm.yaml", other)
    foreign = make_tender(build, tmp_path / "f", "Annan AB", org_nr("556000777"), prices=PRICES)
    shutil.copy(other / "kravmatris.xlsx", foreign / "kravmatris.xlsx")
    with pytest.raises(InvalidInput) as exc:
        api.evaluate(build, [foreign], evaluator="Eva", date="2027-02-01")
    assert "belongs to another tender (reference 'SN 2026/0219', expected 'KS 2026/0412')" in str(exc.value)


@pytest.mark.parametrize("content", [b"not a zip at all", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
                                     b"PK\x03\x04broken"])
def test_unreadable_price_sheet_is_a_located_error(build: Path, tmp_path: Path, content: bytes) -> None:
    t = make_tender(build, tmp_path / "x", "Trasig AB", org_nr("556000888"), prices=PRICES)
    (t / "prisbilaga.xlsx").write_bytes(content)
    result = CliRunner().invoke(cli, ["evaluate", "--build", str(build), str(t), "--evaluator", "Eva"])
    assert result.exit_code == 3, result.output
    assert "prisbilaga.xlsx" in result.output and "Traceback" not in result.output


def test_identity_is_validated(build: Path, tmp_path: Path) -> None:
    t = make_tender(build, tmp_path / "x", "Namn AB", "556677-8890", prices=PRICES)
    with pytest.raises(InvalidInput) as exc:
        api.evaluate(build, [t], evaluator="Eva", date="2027-02-01")
    assert "anbud.yaml:2:9: org_nr: '556677-8890' is not a valid organisationsnummer" in str(exc.value)


def test_documents_pass_audit_and_libreoffice(build: Path, tmp_path: Path, assert_valid_docx: Any) -> None:
    tenders = three(build, tmp_path / "anbud")
    api.evaluate(build, tenders, evaluator="Eva Ek", date="2027-02-01")
    folder = build / "utvardering"
    for name in ("utvarderingsprotokoll.docx", "tilldelningsbeslut.docx"):
        assert_valid_docx(folder / name)
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is required"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "txt:Text",
                    "--outdir", str(tmp_path / "txt"), str(folder / "utvarderingsprotokoll.docx"),
                    str(folder / "tilldelningsbeslut.docx")], check=True, capture_output=True, timeout=300)
    protocol = (tmp_path / "txt" / "utvarderingsprotokoll.txt").read_text(encoding="utf-8-sig")
    decision = (tmp_path / "txt" / "tilldelningsbeslut.txt").read_text(encoding="utf-8-sig")
    assert "Gamma Digital AB har lägst jämförelsepris, 3\u00a0370\u00a0000\u00a0kr, och rangordnas först." in protocol
    assert "Anbudet har lägst jämförelsepris, 3\u00a0370\u00a0000\u00a0kr." in decision


def test_hyperlinks_are_text_and_huge_files_refused(build: Path, tmp_path: Path) -> None:
    def link(ws: Any) -> None:
        cell = ws["G2"]
        cell.value = "Se webbplatsen"
        cell.hyperlink = "https://example.com/?q=1"
        ws["G3"].value = "=HYPERLINK(\"https://example.com\",\"Ja\")"

    t = make_tender(build, tmp_path / "l", "Länk AB", org_nr("556000999"), prices=PRICES, edit_matrix=link)
    outcome = api.evaluate(build, [t], evaluator="Eva", date="2027-02-01").outcome
    (only,) = outcome.assessments
    assert only.tender.answers[0].comment == "Se webbplatsen"
    assert only.tender.answers[1].formula and only.tender.answers[1].comment.startswith("=HYPERLINK(")
    assert any(f"{only.tender.answers[1].id} har en formel" in f for f in only.flags)
    data = (build / "utvardering" / "utvardering.json").read_text(encoding="utf-8")
    assert "https://example.com/?q=1" not in data
    with (t / "kravmatris.xlsx").open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)
    with pytest.raises(InvalidInput) as exc:
        api.evaluate(build, [t], evaluator="Eva", date="2027-02-01", force=True)
    assert "kravmatris.xlsx: file is too large for a kravmatris" in str(exc.value)


def test_a_tender_named_by_its_yaml_file(build: Path, tmp_path: Path) -> None:
    make_tender(build, tmp_path / "t", "Gamma Digital AB", org_nr("556123456"), prices=PRICES)
    shared = tmp_path / "inkomna"
    shared.mkdir()
    shutil.copy(tmp_path / "t" / "kravmatris.xlsx", shared / "gamma-krav.xlsx")
    shutil.copy(tmp_path / "t" / "prisbilaga.xlsx", shared / "gamma-pris.xlsx")
    (shared / "gamma.yaml").write_text("name: Gamma Digital AB\norg_nr: 556123-4567\nkravmatris: gamma-krav.xlsx\n"
                                       "prisbilaga: gamma-pris.xlsx\n", encoding="utf-8")
    (shared / "fel.yaml").write_text("name: Fel AB\norg_nr: 556123-4567\nkravmatris: ../t/kravmatris.xlsx\n",
                                     encoding="utf-8")
    outcome = api.evaluate(build, [shared / "gamma.yaml"], evaluator="Eva", date="2027-02-01").outcome
    assert outcome.winner is not None and outcome.winner.name == "Gamma Digital AB"
    with pytest.raises(InvalidInput) as exc:
        api.evaluate(build, [shared / "fel.yaml"], evaluator="Eva", date="2027-02-01", force=True)
    assert "fel.yaml:3:13: kravmatris: '../t/kravmatris.xlsx' is not a plain file name" in str(exc.value)


@pytest.mark.parametrize("damage", [
    lambda xml: xml[: len(xml) // 2],  # cut off: not well-formed
    lambda xml: xml.replace(b"<worksheet", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet', 1),
])
def test_damaged_sheet_xml_is_a_located_error(build: Path, tmp_path: Path, damage: Any) -> None:
    import zipfile

    t = make_tender(build, tmp_path / "x", "Skadad AB", org_nr("556001000"), prices=PRICES)
    source = zipfile.ZipFile(t / "prisbilaga.xlsx")
    parts = {i.filename: source.read(i.filename) for i in source.infolist()}
    source.close()
    parts["xl/worksheets/sheet1.xml"] = damage(parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(t / "prisbilaga.xlsx", "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    result = CliRunner().invoke(cli, ["evaluate", "--build", str(build), str(t), "--evaluator", "Eva"])
    assert result.exit_code == 3, result.output
    assert "prisbilaga.xlsx" in result.stderr and "hint:" in result.stderr
