"""Profile facts for the purchases in the category plan (issue 11 §4): "possible" answers, supply criticality,
e-archive, welfare alarms, hardware with a hosted service, a pilot and the dynamiskt inköpssystem."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import docx_as_text
from tendergen import api
from tendergen.core.model import Profile
from tendergen.core.words import check_text
from tendergen.errors import InvalidInput
from test_validate import library_of, problems_of

BASE = """\
title: Testupphandling
reference: KS 1
organisation: Testkommunen
date: "2026-11-21"
facts:
  procedure: oppet-forfarande
  subcategory: verksamhetssystem
  delivery_model: saas
  estimated_value_sek: 3000000
"""


def check(session: api.Session, extra: str, base: str = BASE) -> Profile:
    return api.profile_from_text(session, base + extra, "p.yaml")


def chosen(session: api.Session, extra: str, base: str = BASE) -> set[str]:
    return {d.clause.id for d in api.decide(session, check(session, extra, base)) if d.included}


def test_possible_is_a_value_of_the_three_tri_state_facts(session: api.Session) -> None:
    tri = "  personal_data: possible\n  classified: possible\n  confidential_information: possible\n"
    profile = check(session, tri)
    assert [profile.facts[f] for f in ("personal_data", "classified", "confidential_information")] == ["possible"] * 3
    assert check(session, "  personal_data: true\n").facts["classified"] is False  # default stays false


@pytest.mark.parametrize("fact,line", [("personal_data: kanske", "p.yaml:10:18"), ("classified: 1", "p.yaml:10:15"),
                                       ("confidential_information: yes please", "p.yaml:10:29")])
def test_other_answers_get_located_errors_naming_the_values(session: api.Session, fact: str, line: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        check(session, f"  {fact}\n")
    (problem,) = problems_of(exc)
    assert problem.startswith(line) and "is not allowed here" in problem
    assert "use one of: true, false, possible" in problem


def test_possible_personal_data_keeps_the_protection_and_adds_the_reservation(session: api.Session) -> None:
    certain, possible, none = (chosen(session, f"  personal_data: {v}\n") for v in ("true", "possible", "false"))
    protective = {"PUB-AVTAL", "PUB-INCIDENT", "PUB-INSTR-ANDAMAL", "PUB-UNDERBITRADEN", "PUB-LAGRING-EES"}
    assert protective <= certain and protective <= possible and not protective & none
    assert "PUB-MOJLIG-BEHANDLING" in possible and "PUB-MOJLIG-BEHANDLING" not in certain | none
    decision = next(d for d in api.decide(session, check(session, "  personal_data: possible\n"))
                    if d.clause.id == "PUB-AVTAL")
    assert [check_text(c) for c in decision.checks] == ["personal_data ∈ {true, possible} (profil: possible) ✓"]


def test_possible_classified_gets_the_agreement_terms_but_not_the_finished_analysis(session: api.Session) -> None:
    certain, possible = (chosen(session, f"  classified: {v}\n") for v in ("true", "possible"))
    assert {"SEK-SAKERHETSSKYDDSAVTAL", "SEK-FORBINDELSE-KRAV"} <= certain & possible
    assert "SEK-SAKERHETSSKYDD-INFO" in certain - possible  # it says the analysis has been made
    assert "SEK-SAKERHETSSKYDD-MOJLIGT" in possible - certain
    assert {"SEK-FORBEHALL", "SEK-UTKONTRAKTERING"} <= chosen(session, "  confidential_information: possible\n")


def test_a_rule_may_list_true_and_possible_but_not_a_number_for_a_tri_state_fact() -> None:
    clause = """\
id: LOK-T
version: "1.0"
status: approved
approved_by: Kommunjurist
approved_on: "2026-11-01"
title: Lokalt krav
area: personuppgifter
document: kravspecifikation
section: personuppgifter
kind: ska-krav
text:
  sv: Leverantören ska logga.
motiv: Kommunen behöver kunna spåra händelser.
verifikat: Anbudsgivaren bekräftar kravet.
acceptance: Kontrollera loggarna.
when:
  personal_data: {in: [true, possible]}
"""
    assert library_of({"lokalt/t.yaml": clause}).clause("LOK-T") is not None
    with pytest.raises(InvalidInput) as exc:
        library_of({"lokalt/t.yaml": clause.replace("[true, possible]", "[1, kanske]")})
    found = problems_of(exc)
    assert len(found) == 2 and all(p.startswith("lokalt/t.yaml:17:3: ") for p in found)
    assert {p.split(": ", 1)[1].split("\n")[0] for p in found} == {
        "1 is not a possible value of fact 'personal_data'", "'kanske' is not a possible value of fact 'personal_data'"}
    assert all(p.endswith("hint: use one of: true, false, possible") for p in found)
    with pytest.raises(InvalidInput) as exc:
        library_of({"lokalt/t.yaml": clause.replace("personal_data: {in: [true, possible]}",
                                                    "critical_products: larm")})
    (problem,) = problems_of(exc)
    assert "fact 'critical_products' is a list of names for the documents; rules cannot test it" in problem


def test_supply_criticality_is_separate_from_service_criticality(session: api.Session) -> None:
    goods = BASE.replace("delivery_model: saas", "delivery_model: ingen") + "  hardware: true\n"
    supply = chosen(session, "  supply_critical: true\n  critical_products: [trygghetslarm]\n", goods)
    service = chosen(session, "  critical_service: true\n", goods)
    assert "KRIS-LAGER" in supply and "KRIS-LAGER" not in service
    assert {"KRIS-BEFRIELSEGRUNDER", "KRIS-PRIORITERING"} <= supply & service
    assert "KRIS-KONTINUITETSPLAN" in service - supply  # the service's continuity plan


def test_supply_fact_checks_are_located(session: api.Session) -> None:
    with pytest.raises(InvalidInput) as exc:
        check(session, "  critical_products: [larm]\n")
    (problem,) = problems_of(exc)
    assert problem.startswith("p.yaml:10:22: critical_products lists products, but supply_critical is not true")
    for bad, line in (("critical_products: []", "p.yaml:11:22"), ("critical_products: [larm, larm]", "p.yaml:11:22")):
        with pytest.raises(InvalidInput) as exc:
            check(session, f"  supply_critical: true\n  {bad}\n")
        assert problems_of(exc)[0].startswith(line)
    (warning, goods) = check(session, "  supply_critical: true\n").warnings
    assert warning.startswith("p.yaml:10:20: supply_critical without critical_products")
    assert "hardware is not true" in goods


def test_dynamic_purchasing_system_is_a_procedure_with_its_own_clause(session: api.Session) -> None:
    dis = BASE.replace("oppet-forfarande", "dynamiskt-inkopssystem")
    ids = chosen(session, "", dis)
    assert {"UPPH-FORFARANDE-DIS", "AVT-AVTALSTID-DIS"} <= ids
    assert not {"UPPH-FORFARANDE-OPPET", "UPPH-TILLDELNING", "AVT-AVTALSTID"} & ids
    assert {"UPPH-TIDPLAN", "UPPH-KVAL-REFERENSER", "UPPH-UTVARDERING"} <= ids  # the rest of the AF still applies
    assert "UPPH-FORFARANDE-DIS" not in chosen(session, "")
    with pytest.raises(InvalidInput) as exc:
        check(session, "  framework_agreement: true\n", dis)
    assert problems_of(exc)[0].startswith("p.yaml:10:24: a dynamiskt inköpssystem is not a ramavtal")
    with pytest.raises(InvalidInput) as exc:
        check(session, "", dis.replace("facts:", "contract: {years: 4, options: [1]}\nfacts:"))
    assert problems_of(exc)[0].startswith("p.yaml:5:31: contract.options: a dynamiskt inköpssystem has no extension")
    timetable = "timetable: {published: '2027-01-01', last_question: '2027-01-10', tender_deadline: '2027-01-12'}\n"
    assert check(session, "", dis + timetable).tender is not None  # no open-procedure time limit for a DIS


def test_archive_welfare_pilot_and_goods_with_service_are_selected_only_where_they_belong(
        session: api.Session) -> None:
    plain = chosen(session, "")
    packs = {
        "  long_term_preservation: true\n": {"ARKIV-BEVARANDEFORMAT", "ARKIV-GALLRING"},
        "  e_archive: true\n": {"ARKIV-BEVARANDEFORMAT", "ARKIV-GALLRING", "ARKIV-E-ARKIV"},
        "  alarm_chain: true\n": {"VALF-LARMKEDJA", "VALF-LARMMOTTAGNING", "VALF-SCAIP"},
        "  pilot: true\n": {"AVT-PILOT"},
        "  hardware: true\n": {"LEV-VAROR-OCH-TJANST", "VARA-LEVERANS", "LEV-FORSENINGSVITE", "SLA-SUPPORT"},
    }
    new = set().union(*packs.values()) - {"VARA-LEVERANS", "LEV-FORSENINGSVITE", "SLA-SUPPORT"}
    assert not new & plain
    for facts, expected in packs.items():
        assert expected <= chosen(session, facts), facts
    assert "ARKIV-E-ARKIV" not in chosen(session, "  long_term_preservation: true\n")
    goods_only = BASE.replace("delivery_model: saas", "delivery_model: ingen") + "  hardware: true\n"
    assert "LEV-VAROR-OCH-TJANST" not in chosen(session, "", goods_only)


def build_text(session: api.Session, tmp_path: Path, extra: str, document: str, base: str = BASE) -> str:
    profile = tmp_path / "p.yaml"
    profile.write_text(base + extra, encoding="utf-8")
    api.build(session, profile, tmp_path / "out")
    return docx_as_text(tmp_path / "out" / f"{document}.docx")


def test_welfare_example_builds_the_alarm_pack_and_names_the_critical_products(
        session: api.Session, tmp_path: Path) -> None:
    api.build(session, Path(__file__).parent.parent / "examples" / "valfardsteknik-trygghetslarm.yaml", tmp_path)
    spec = docx_as_text(tmp_path / "kravspecifikation.docx")
    terms = docx_as_text(tmp_path / "avtalsvillkor.docx")
    assert "Kritiska produkter enligt detta krav är trygghetslarm, larmknappar och dörrsensorer." in spec
    assert "SS 91100 Social Care Alarm Internet Protocol (SCAIP), eller likvärdigt" in spec
    assert "inget larm får besvaras senare än 180 sekunder" in spec
    assert "Leverantören ansvarar för hela larmkedjan" in terms
    assert "rätt till vite med 5\u00a0000 kronor, dock sammanlagt högst 100\u00a0000 kronor per kalendermånad" in terms
    assert "Varor som levereras tillsammans med en tjänst" in terms
    assert "inte vitet för försenade varor i avsnitt" in terms  # one delay, one penalty


def test_archive_pack_in_the_built_kravspecifikation(session: api.Session, tmp_path: Path) -> None:
    spec = build_text(session, tmp_path, "  long_term_preservation: true\n", "kravspecifikation")
    assert "informationspaket enligt FGS Paketstruktur 2.0 (E-ARK CSIP och E-ARK SIP), eller likvärdigt" in spec
    assert "[Heading 1] Arkivering och bevarande" in spec
    assert "E-arkivets mottagande" not in spec
    terms = docx_as_text(tmp_path / "out" / "avtalsvillkor.docx")
    assert "utan Kommunens skriftliga beslut" in terms


def test_dis_and_pilot_in_the_built_documents(session: api.Session, tmp_path: Path) -> None:
    dis = BASE.replace("oppet-forfarande", "dynamiskt-inkopssystem").replace("facts:", "contract: {years: 3}\nfacts:")
    af = build_text(session, tmp_path, "  pilot: true\n", "upphandlingsdokument", base=dis)
    assert "ett dynamiskt inköpssystem enligt LOU" in af and "antalet deltagare begränsas inte" in af
    assert "avtalsspärr som gäller enligt 20 kap." not in af
    terms = docx_as_text(tmp_path / "out" / "avtalsvillkor.docx")
    assert "Avtalet inleds med en pilotperiod om 6 månader" in terms
    assert "Kommunen åtar sig ingen volym" in terms
    assert "Avtalstiden, och eventuella Optioner på förlängning, är de som anges i Kommunens inbjudan" in terms
    assert "Avtalstiden är 3 år" not in terms


def test_examples_still_validate(session: api.Session) -> None:
    for path in sorted((Path(__file__).parent.parent / "examples").glob("*.yaml")):
        api.load_profile(session, path)
