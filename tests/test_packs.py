"""Clause packs for particular purchases (issue 11 §4): each is selected for the purchase it belongs to and
absent elsewhere, and reads as intended in the built documents."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from helpers import docx_as_text
from tendergen import api
from tendergen.cli import cli

SUBCATEGORIES = ("verksamhetssystem", "hardvara", "it-som-tjanst", "konsulttjanster", "telefoni",
                 "valfardsteknik", "programvarulicenser", "utskrift")
TELECOM = {"TEL-NUMMERPORTERING", "TEL-NODSAMTAL", "TEL-TACKNING-VAXEL"}
TELECOM_CRISIS = "TEL-KRIS"


def profile(tmp_path: Path, name: str = "profil", **facts: Any) -> Path:
    """A small profile: an open procedure for a SaaS service, with the given facts changed."""
    data = {
        "title": "Kommunikation som tjänst",
        "reference": "KS 2026/0100",
        "organisation": "Exempelkommunen",
        "date": "2026-11-21",
        "contract": {"years": 4, "options": [1, 1]},
        "facts": {"procedure": "oppet-forfarande", "subcategory": "verksamhetssystem", "delivery_model": "saas",
                  "estimated_value_sek": 12_000_000, "personal_data": True, **facts},
    }
    out = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, out)
    path = tmp_path / f"{name}.yaml"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def chosen(session: api.Session, path: Path) -> set[str]:
    return {d.clause.id for d in api.decide(session, api.load_profile(session, path)) if d.included}


@pytest.mark.parametrize("subcategory", SUBCATEGORIES)
def test_telecom_pack_only_for_telephony(session: api.Session, tmp_path: Path, subcategory: str) -> None:
    ids = chosen(session, profile(tmp_path, subcategory=subcategory, critical_service=True))
    telecom = {i for i in ids if i.startswith("TEL-")}
    if subcategory == "telefoni":
        assert telecom == TELECOM | {TELECOM_CRISIS}
    else:
        assert not telecom


def test_telecom_crisis_terms_only_for_critical_services(session: api.Session, tmp_path: Path) -> None:
    ids = chosen(session, profile(tmp_path, subcategory="telefoni", critical_service=False))
    assert TELECOM <= ids and TELECOM_CRISIS not in ids


def test_number_porting_brings_the_exit_terms_it_refers_to(session: api.Session, tmp_path: Path) -> None:
    # Mobile subscriptions with no system to run ("ingen") still get the exit terms the porting refers to.
    ids = chosen(session, profile(tmp_path, subcategory="telefoni", delivery_model="ingen"))
    assert {"TEL-NUMMERPORTERING", "EXIT-AVVECKLING"} <= ids


def test_emergency_calls_cite_no_unverified_section(session: api.Session) -> None:
    clause = session.library.clause("TEL-NODSAMTAL")
    assert clause is not None and clause.needs_legal_review
    assert "§" not in clause.text and "2022:482" not in clause.text  # the act is named, not numbered
    assert "lagen om elektronisk kommunikation" in " ".join(clause.text.split())


def test_telecom_pack_in_the_built_documents(session: api.Session, tmp_path: Path) -> None:
    telecom, other = tmp_path / "telefoni", tmp_path / "annat"
    api.build(session, profile(tmp_path, "telefoni", subcategory="telefoni", critical_service=True), telecom)
    api.build(session, profile(tmp_path, "annat"), other)
    contract = docx_as_text(telecom / "avtalsvillkor.docx")
    assert "Kommunens telefonnummer och nummerportering när Avtalet upphör" in contract
    exit_heading = re.search(r"^\[toc 2\] (\d+\.\d+) Avveckling och överlämning", contract, re.MULTILINE)
    assert exit_heading, "the exit terms are in the contract"
    assert f"under en övergångsperiod enligt avsnitt {exit_heading.group(1)} Avveckling och överlämning." in contract
    assert "ur funktion längre än 30 minuter" in contract
    spec = docx_as_text(telecom / "kravspecifikation.docx")
    for requirement in ("TEL-NODSAMTAL", "TEL-TACKNING-VAXEL", "TEL-KRIS"):
        assert f"{requirement} | " in spec
    assert "nödnumret 112" in spec
    assert "nummerportering" not in docx_as_text(other / "avtalsvillkor.docx")
    assert "112" not in docx_as_text(other / "kravspecifikation.docx")


CAMERAS = {"KAM-KAMERABEVAKNING", "KAM-MASKERING", "KAM-LAGRING", "KAM-KONSEKVENSBEDOMNING"}
AI_CAMERAS = "AI-KAMERA-BIOMETRI"


@pytest.mark.parametrize(("facts", "expected"), [
    ({}, set()),
    ({"ai_components": True}, set()),
    ({"public_space_cameras": True}, CAMERAS),
    ({"public_space_cameras": True, "ai_components": True}, CAMERAS | {AI_CAMERAS}),
])
def test_camera_pack_follows_the_camera_and_ai_facts(session: api.Session, tmp_path: Path, facts: dict[str, Any],
                                                      expected: set[str]) -> None:
    ids = chosen(session, profile(tmp_path, subcategory="it-som-tjanst", **facts))
    assert {i for i in ids if i.startswith("KAM-") or i == AI_CAMERAS} == expected
    if expected:  # the clauses they refer to come with them
        assert {"SAK-LOGGNING", "PUB-AVTAL"} <= ids
    if AI_CAMERAS in expected:
        assert "AI-FORORDNINGEN" in ids


def test_camera_pack_cites_no_unverified_provision(session: api.Session) -> None:
    for clause_id in ("KAM-KAMERABEVAKNING", "KAM-KONSEKVENSBEDOMNING"):
        clause = session.library.clause(clause_id)
        assert clause is not None and clause.needs_legal_review and clause.legal_review_note
        assert "§" not in clause.text and "2018:1200" not in clause.text and "artikel" not in clause.text


def test_cameras_on_public_places_need_personal_data(runner: CliRunner, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = profile(tmp_path, "kameror", public_space_cameras=True, personal_data=False)
    result = runner.invoke(cli, ["validate", path.name])
    assert result.exit_code == 3
    line = next(n for n, text in enumerate(path.read_text("utf-8").splitlines(), 1) if "public_space_cameras" in text)
    assert result.stderr.splitlines()[0].startswith(
        f"kameror.yaml:{line}:") and "public_space_cameras is true but personal_data is not" in result.stderr
    assert "hint: set personal_data: true, or public_space_cameras: false" in result.stderr
    possible = profile(tmp_path, "mojligen", public_space_cameras=True, personal_data="possible")
    assert "public_space_cameras is true but personal_data is not" in runner.invoke(cli, ["validate",
                                                                                           possible.name]).stderr
    path.write_text(path.read_text("utf-8").replace("public_space_cameras: true", "public_space_cameras: ja"), "utf-8")
    result = runner.invoke(cli, ["validate", path.name])
    assert result.exit_code == 3
    assert f"kameror.yaml:{line}:" in result.stderr and "facts.public_space_cameras: 'ja' is not of type boolean" \
        in result.stderr
    assert "Traceback" not in result.output


def test_camera_pack_in_the_built_documents(session: api.Session, tmp_path: Path) -> None:
    out = tmp_path / "kameror"
    api.build(session, profile(tmp_path, subcategory="it-som-tjanst", ai_components=True,
                               public_space_cameras=True), out)
    spec = docx_as_text(out / "kravspecifikation.docx")
    for requirement in (*CAMERAS, AI_CAMERAS):
        assert f"{requirement} | " in spec
    flat = " ".join(spec.split())
    assert "ska skyddas, sparas och lämnas ut enligt krav SAK-LOGGNING" in flat
    assert "senast 7 dagar efter inspelningen" in flat
    assert "ansiktsigenkänning" in flat and "kamerabevakningslagen" in flat
    contract = docx_as_text(out / "avtalsvillkor.docx")
    pub = re.search(r"^\[toc 2\] (\d+\.\d+) Personuppgiftsbiträdesavtal", contract, re.MULTILINE)
    assert pub, "the PUB terms are in the contract"
    assert f"enligt avsnitt {pub.group(1)} Personuppgiftsbiträdesavtal (PUB-avtal) i Avtalsvillkor" in flat


PRINTING = {"UTSK-UTRUSTNING", "UTSK-FORBRUKNING", "UTSK-SKANNING", "UTSK-LAGRINGSMEDIER", "UTSK-ENHETSSAKERHET"}
GOODS_TERMS = {"VARA-LEVERANS", "LEV-VAROR-OCH-TJANST", "HALL-GARANTI"}


@pytest.mark.parametrize("subcategory", SUBCATEGORIES)
def test_printing_pack_only_for_printing_as_a_service(session: api.Session, tmp_path: Path, subcategory: str) -> None:
    ids = chosen(session, profile(tmp_path, subcategory=subcategory, delivery_model="hosted", hardware=True))
    printing = {i for i in ids if i.startswith("UTSK-")}
    if subcategory == "utskrift":
        # The devices stay the supplier's: the goods terms give way; deletion, updates and logs come along.
        assert printing == PRINTING and not GOODS_TERMS & ids
        assert {"HALL-ATERTAGNING", "SAK-SARBARHETER", "SAK-LOGGNING"} <= ids
    else:
        assert not printing and GOODS_TERMS <= ids


def test_printing_without_a_hosted_system_still_gets_updates_and_logs(session: api.Session, tmp_path: Path) -> None:
    ids = chosen(session, profile(tmp_path, subcategory="utskrift", delivery_model="ingen", hardware=True))
    assert PRINTING | {"SAK-SARBARHETER", "SAK-LOGGNING", "HALL-ATERTAGNING"} <= ids
    assert not GOODS_TERMS & ids


def test_unknown_subcategory_names_printing(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = profile(tmp_path, "skrivare", subcategory="skrivare")
    result = runner.invoke(cli, ["validate", path.name])
    assert result.exit_code == 3
    line = next(n for n, text in enumerate(path.read_text("utf-8").splitlines(), 1) if "subcategory" in text)
    assert result.stderr.startswith(f"skrivare.yaml:{line}:") and "utskrift" in result.stderr


def test_printing_pack_in_the_built_documents(session: api.Session, tmp_path: Path) -> None:
    out = tmp_path / "utskrift"
    api.build(session, profile(tmp_path, subcategory="utskrift", delivery_model="hosted", hardware=True), out)
    contract = docx_as_text(out / "avtalsvillkor.docx")
    assert "Utrustning i utskriftstjänsten" in contract
    assert "Äganderätten går över" not in contract and "ägs av Leverantören" in contract
    spec = docx_as_text(out / "kravspecifikation.docx")
    for requirement in PRINTING - {"UTSK-UTRUSTNING"}:
        assert f"{requirement} | " in spec
    flat = " ".join(spec.split())
    assert "med den metod som anges i krav HALL-ATERTAGNING" in flat
    assert "inom de tider som anges i krav SAK-SARBARHETER" in flat
    assert "HALL-GARANTI | " not in spec
    assert "krav UTSK-LAGRINGSMEDIER i Kravspecifikation" in " ".join(contract.split())


def test_the_light_interview_offers_printing_as_a_service(runner: CliRunner, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tendergen.yaml").write_text("organisation: Exempelkommunen\n", "utf-8")
    answers = {"vad": "Utskrift som tjänst för skolan", "verksamhet": "Barn- och utbildningsförvaltningen",
               "kategori": "utskrift", "leverans": "saas", "varde": 300000, "tidigare": 0, "avtalstid": 3,
               "anvandare": "medarbetare", "personuppgifter": "ja", "kansliga": "nej", "lagring": "eu",
               "kritisk": "hanterbart", "ai": "nej", "kontakt": "Sara Holm", "diarienummer": "BUN 2026/5"}
    out = io.StringIO()
    YAML(typ="safe", pure=True).dump(answers, out)
    (tmp_path / "svar.yaml").write_text(out.getvalue(), "utf-8")
    result = runner.invoke(cli, ["light", "--answers", "svar.yaml", "-o", "ut"])
    assert result.exit_code == 0, result.output
    facts = YAML(typ="safe", pure=True).load((tmp_path / "ut" / "profil.yaml").read_text("utf-8"))["facts"]
    assert facts["subcategory"] == "utskrift" and facts["hardware"] is True
    spec = docx_as_text(tmp_path / "ut" / "kravspecifikation-light.docx")
    assert "UTSK-LAGRINGSMEDIER | " in spec and "Utrustningen ägs av Leverantören" in spec
