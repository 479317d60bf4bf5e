"""The contract set reads like one agreement (issue 11): headings, figures from the profile, references."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from helpers import docx_as_text
from tendergen import api
from tendergen.core import load
from tendergen.documents import references

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def hardware(session: api.Session, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hardware framework's documents, written to a folder (no LibreOffice)."""
    _, files, _ = api.render_build(session, load.read_yaml(EXAMPLES / "hardvara-ramavtal.yaml"))
    out = tmp_path_factory.mktemp("hardvara")
    for name, data in files.items():
        (out / name).write_bytes(data)
    return out


def test_a_section_whose_only_clause_repeats_its_heading_shows_one_heading(hardware: Path) -> None:
    text = docx_as_text(hardware / "avtalsvillkor.docx")
    lines = text.splitlines()
    for title in ("Definitioner", "Fel, reklamation och garanti", "Tvistlösning och tillämplig lag"):
        assert f"[Heading 1] {title}" in lines
        assert f"[Heading 2] {title}" not in lines, title
    # A section with one clause of another title keeps both headings; so does a section of two clauses.
    at = lines.index("[Heading 1] Leverans av varor")
    assert lines[at + 1] == "[Heading 2] Leverans av varor, risk och äganderätt, retur och garanti"
    at = lines.index("[Heading 1] Immateriella rättigheter")
    assert lines[at + 1] == "[Heading 2] Immateriella rättigheter"
    # The merged clause's bookmark sits on the section heading, so references to it still land there.
    xml = zipfile.ZipFile(hardware / "avtalsvillkor.docx").read("word/document.xml").decode("utf-8")
    heading = xml[xml.index('w:name="klausul_AVT_DEFINITIONER"') - 300:xml.index('w:name="klausul_AVT_DEFINITIONER"')]
    assert 'w:val="Heading1"' in heading


def test_a_merged_clause_is_numbered_by_its_section(session: api.Session) -> None:
    profile = api.load_profile(session, EXAMPLES / "hardvara-ramavtal.yaml")
    numbers = references.numbers(session.library, api.decide(session, profile), "avtalsvillkor")
    assert numbers["AVT-DEFINITIONER"] == "1"
    assert numbers["AVT-RANGORDNING"] == "2.1"
    assert references.merged_heading("Fel, reklamation och garanti", [{"title": "Fel, reklamation och Garanti",
                                                                        "kind": "avtalsvillkor"}])
    assert not references.merged_heading("Fel", [{"title": "Fel", "kind": "ska-krav"}])
    assert not references.merged_heading("Leverans av varor", [{"title": "Leverans av varor, risk",
                                                                 "kind": "avtalsvillkor"}])


def test_the_framework_ceiling_comes_from_the_profile(hardware: Path) -> None:
    text = docx_as_text(hardware / "avtalsvillkor.docx")
    ceiling = next(line for line in text.splitlines() if "(takvolym)" in line)
    assert "överstiga 21\u00a0000\u00a0000 kronor exklusive moms" in ceiling
    assert "delkontrakt 1 (Mobiltelefoner) högst 15\u00a0750\u00a0000 kronor" in ceiling
    assert "delkontrakt 2 (Surfplattor) högst 5\u00a0250\u00a0000 kronor" in ceiling
    assert "fylls i" not in ceiling
    # The AF states the same maximum.
    assert "21\u00a0000\u00a0000" in docx_as_text(hardware / "upphandlingsdokument.docx")


def test_references_show_number_and_title_across_documents(session: api.Session, tmp_path: Path) -> None:
    _, files, _ = api.render_build(session, load.read_yaml(EXAMPLES / "saas-verksamhetssystem.yaml"))
    for name in ("avtalsvillkor.docx", "pub-instruktion.docx"):
        (tmp_path / name).write_bytes(files[name])
    contract = docx_as_text(tmp_path / "avtalsvillkor.docx")
    assert "det sätt och inom de tider som anges i avsnitt 14.1 Godkännande av Underleverantörer" in contract
    assert "avsnittet om" not in contract
    instruction = docx_as_text(tmp_path / "pub-instruktion.docx")
    assert "Överföring av personuppgifter till tredjeland i Avtalsvillkor" in instruction
    assert "Villkor för underbiträden i Avtalsvillkor" in instruction
    assert "avsnittet om" not in instruction


def _chosen(session: api.Session, name: str) -> set[str]:
    profile = api.load_profile(session, EXAMPLES / f"{name}.yaml")
    return {d.clause.id for d in api.decide(session, profile) if d.included}


def test_labour_conditions_for_services_performed_in_sweden_above_the_thresholds(session: api.Session) -> None:
    assert "HALL-ARBETSRATTSLIGA-VILLKOR" in _chosen(session, "it-konsulter-ramavtal")
    assert "HALL-ARBETSRATTSLIGA-VILLKOR" in _chosen(session, "valfardsteknik-trygghetslarm")  # installation
    for name in ("hardvara-ramavtal", "direktupphandling-enkatverktyg", "saas-verksamhetssystem"):
        assert "HALL-ARBETSRATTSLIGA-VILLKOR" not in _chosen(session, name), name


def test_goods_are_indexed_by_a_price_index_and_services_by_the_labour_cost_index(hardware: Path,
                                                                                   session: api.Session) -> None:
    assert "EKO-PRISJUSTERING-VAROR" not in _chosen(session, "it-konsulter-ramavtal")
    text = docx_as_text(hardware / "avtalsvillkor.docx")
    goods = next(line for line in text.splitlines() if line.startswith("[Normal] Priser för varor"))
    assert "Konsumentprisindex (KPI)" in goods and "Statistiska centralbyrån (SCB)" in goods
    assert "justeras med det index som anges i avsnitt" in goods
    assert "Arbetskostnadsindex" in text  # the services (configuration) keep AKI, in one clause


def test_the_af_states_the_option_notice_of_the_contract_terms(hardware: Path) -> None:
    af = docx_as_text(hardware / "upphandlingsdokument.docx")
    terms = docx_as_text(hardware / "avtalsvillkor.docx")
    assert "senast 3 månader före avtalstidens utgång" in af
    assert "senast 3 månader före utgången av den pågående avtalsperioden" in terms


def test_the_security_level_and_lou_are_stated_once_from_their_sources(session: api.Session, tmp_path: Path) -> None:
    _, files, _ = api.render_build(session, load.read_yaml(EXAMPLES / "saas-verksamhetssystem.yaml"))
    for name in ("avtalsvillkor.docx", "pub-instruktion.docx"):
        (tmp_path / name).write_bytes(files[name])
    # The profile's security_level (forhojd) fills the instruction; no placeholder is left for it.
    instruction = docx_as_text(tmp_path / "pub-instruktion.docx")
    assert "Uppgifterna i behandlingen har skyddsnivån förhöjd enligt" in instruction
    # LOU is named in full once, in the definitions, and by its short name everywhere else.
    contract = docx_as_text(tmp_path / "avtalsvillkor.docx")
    assert contract.count("lagen (2016:1145) om offentlig upphandling") == 1
    assert "[Normal] LOU: lagen (2016:1145) om offentlig upphandling." in contract


def test_the_af_states_the_timetables_dates_not_a_day_count_that_contradicts_them(hardware: Path) -> None:
    af = docx_as_text(hardware / "upphandlingsdokument.docx")
    assert "Sista dag för frågor | 2027-02-24" in af and "Sista dag för svar på frågor | 2027-03-01" in af
    assert "ställa frågor om upphandlingen är" not in af  # the table gives that date; UPPH-TIDPLAN gives way
    assert "Kommunen besvarar frågor som har kommit in i tid senast den 1\u00a0mars 2027 enligt tidplanen." in af
    assert "dagar före sista anbudsdag" not in af


def test_without_a_timetable_the_clauses_state_their_day_counts(session: api.Session) -> None:
    from tendergen.documents import render

    clause = session.library.clause("UPPH-TIDPLAN")
    assert clause is not None
    text = render.default_text(clause, render.text_environment())
    assert "ställa frågor om upphandlingen är 10 dagar före sista anbudsdag." in text


def test_the_rfi_describes_the_need_and_volumes_from_the_profile(hardware: Path, session: api.Session) -> None:
    from tendergen.core import params
    from tendergen.core.model import Basis

    rfi = docx_as_text(hardware / "rfi.docx")
    assert "[Normal] Behov: Kommunens förvaltningar använder i dag cirka" in rfi  # the scope's background
    assert "Omfattning: Uppskattade volymer: Mobiltelefon, standard (st): 900 per år;" in rfi
    assert "fylls i" not in rfi
    # A value the profile sets under parameters still wins over its content.
    clause = session.library.clause("UPPH-RFI-BEHOV")
    assert clause is not None
    behov = next(p for p in clause.parameters if p.name == "behov")
    content = {"description": "", "scope.background": "Bakgrunden."}
    assert params.setting(behov, {}, {}, content).basis is Basis.PROFILE_CONTENT
    assert params.setting(behov, {}, {"behov": "Eget."}, content).value == "Eget."
    assert params.setting(behov, {}, {}, {}).value.startswith("[fylls i av Kommunen")
