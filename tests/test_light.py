"""The direct-procurement interview and its documents."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import office
from helpers import docx_as_text, pdf_text
from tendergen.cli import cli
from tendergen.documents import pdf
from tendergen.interview import questions as interview

ANSWERS = """\
vad: Bokningssystem för idrottshallar
verksamhet: Kultur- och fritidsförvaltningen
kategori: it-som-tjanst
leverans: saas
varde: 300000
tidigare: 0
avtalstid: 3
anvandare: invanare
personuppgifter: ja
kansliga: nej
lagring: eu
kritisk: hanterbart
ai: nej
kontakt: Sara Holm
diarienummer: KFN 2026/12
"""

# The same purchase typed at the prompts: '?' asks for help, '<' goes back and changes the value.
TYPED = "\n".join([
    "Bokningssystem för idrottshallar", "Kultur- och fritidsförvaltningen", "?", "1", "1",
    "250000", "<", "300000", "0", "3", "2", "ja", "nej", "1", "1", "nej", "Sara Holm", "KFN 2026/12",
]) + "\n"


@pytest.fixture
def ws(tree: Callable[[dict[str, str]], Path]) -> Path:
    return tree({"tendergen.yaml": "organisation: Exempelkommunen\n", "svar.yaml": ANSWERS})


def test_interactive_interview_with_help_and_going_back(ws: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["light", "-o", "ut"], input=TYPED)
    assert result.exit_code == 0, result.output
    shown = [line.split(". ", 1)[1] for line in result.output.splitlines() if line[:1].isdigit() and ". " in line]
    assert len(set(shown)) == 15  # every question once, at most 15
    assert shown.count(interview.BY_ID["varde"].text) == 2  # asked again after going back
    assert "Köp av samma slag under samma år räknas ihop" not in result.output  # help only when asked
    assert "Välj det som passar bäst" in result.output  # the help shown for '?'
    profile = (ws / "ut" / "profil.yaml").read_text("utf-8")
    assert "estimated_value_sek: 300000" in profile and "citizen_facing: true" in profile
    assert "reference: KFN 2026/12" in profile


def test_answers_file_gives_the_same_profile(ws: Path, runner: CliRunner) -> None:
    typed = runner.invoke(cli, ["light", "-o", "a"], input=TYPED)
    filed = runner.invoke(cli, ["light", "--answers", "svar.yaml", "-o", "b"])
    assert typed.exit_code == filed.exit_code == 0, filed.output
    assert (ws / "a" / "profil.yaml").read_bytes() == (ws / "b" / "profil.yaml").read_bytes()
    assert (ws / "a" / "kravspecifikation-light.docx").read_bytes() == \
        (ws / "b" / "kravspecifikation-light.docx").read_bytes()


def test_light_documents(ws: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["light", "--answers", "svar.yaml", "-o", "ut"])
    assert result.exit_code == 0, result.output
    spec = docx_as_text(ws / "ut" / "kravspecifikation-light.docx")
    for heading in ("Vad som köps", "Verksamhetens behov", "Kommunens krav", "Avtalsvillkor i korthet"):
        assert f"[Heading 1] {heading}" in spec
    assert "B1 |  |  | " in spec  # the department fills its own needs
    for cid in ("SAK-INCIDENT", "PUB-LAGRING-EES", "TILL-WCAG21", "EXIT-DATAEXPORT", "SLA-SUPPORT"):
        assert f"{cid} |" in spec, cid
    assert "UPPH-" not in spec and "SANK-" not in spec  # no LOU tender machinery
    assert "[Heading 2] Personuppgiftsbiträdesavtal (PUB-avtal)" in spec
    guide = docx_as_text(ws / "ut" / "lathund.docx")
    assert "Teckna personuppgiftsbiträdesavtal innan uppgifter förs över" in guide
    assert "Granska tillgängligheten" in guide
    assert "Uppgifter kan hamna utanför EU/EES" not in guide  # storage stays in the EU
    assert not (ws / "ut" / "upphandlingsdokument.docx").exists()
    with office():  # the session's shared LibreOffice
        pdf.convert([ws / "ut" / "kravspecifikation-light.docx", ws / "ut" / "lathund.docx"], ws / "pdf")
    assert "Verksamhetens behov" in pdf_text(ws / "pdf" / "kravspecifikation-light.pdf")
    assert "Dokumentera köpet och registrera avtalet" in pdf_text(ws / "pdf" / "lathund.pdf")


def test_value_above_limit_stops_in_swedish(ws: Path, runner: CliRunner) -> None:
    (ws / "svar.yaml").write_text(ANSWERS.replace("tidigare: 0", "tidigare: 450000"), "utf-8")
    result = runner.invoke(cli, ["light", "--answers", "svar.yaml", "-o", "ut"])
    assert result.exit_code == 3
    assert "Köpet kan inte göras som direktupphandling" in result.stderr
    assert "750\u00a0000\u00a0kr" in result.stderr and "700\u00a0000\u00a0kr (19 a kap. LOU" in result.stderr
    assert "Kontakta upphandlingsenheten" in result.stderr
    assert not (ws / "ut").exists()


def test_near_limit_and_storage_outside_eu_warn(ws: Path, runner: CliRunner) -> None:
    (ws / "svar.yaml").write_text(ANSWERS.replace("varde: 300000", "varde: 600000").replace("lagring: eu",
                                                                                          "lagring: utanfor"), "utf-8")
    result = runner.invoke(cli, ["light", "--answers", "svar.yaml", "-o", "ut"])
    assert result.exit_code == 0, result.output
    assert "nära gränsen för direktupphandling" in result.stderr
    assert "utanför EU/EES" in result.stderr
    spec = docx_as_text(ws / "ut" / "kravspecifikation-light.docx")
    assert "Överföring av personuppgifter till tredjeland" in spec
    assert "Uppgifter kan hamna utanför EU/EES" in docx_as_text(ws / "ut" / "lathund.docx")


def test_questions_that_cannot_matter_are_skipped() -> None:
    answers = {"vad": "Skärmar", "verksamhet": "IT", "kategori": "hardvara", "varde": 200000, "tidigare": 0,
               "avtalstid": 2, "personuppgifter": False}
    assert interview.pending(answers).id == "kritisk"  # type: ignore[union-attr]
    asked = {q.id for q in interview.QUESTIONS if q.applies(answers)}
    assert {"leverans", "anvandare", "ai", "kansliga", "lagring"}.isdisjoint(asked)
    assert len(interview.QUESTIONS) <= 15


def test_stopping_half_way_writes_nothing(ws: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["light", "-o", "ut"], input="Bokningssystem\nKultur\n")  # then end of input
    assert result.exit_code != 0
    assert not (ws / "ut").exists()


def test_bad_answers_file(ws: Path, runner: CliRunner) -> None:
    (ws / "svar.yaml").write_text(ANSWERS.replace("kategori: it-som-tjanst", "kategori: moln\nfarg: blå"), "utf-8")
    result = runner.invoke(cli, ["light", "--answers", "svar.yaml", "-o", "ut"])
    assert result.exit_code == 3
    assert "svar.yaml:4:1: unknown question 'farg'" in result.stderr
    (ws / "svar.yaml").write_text(ANSWERS.replace("kategori: it-som-tjanst", "kategori: moln"), "utf-8")
    result = runner.invoke(cli, ["light", "--answers", "svar.yaml", "-o", "ut"])
    assert result.exit_code == 3 and "svar.yaml:3:11: kategori: Välj en siffra mellan 1 och 8." in result.stderr


def test_without_organisation_the_interview_asks_for_it(tree: Callable[[dict[str, str]], Path],
                                                        runner: CliRunner) -> None:
    ws = tree({"svar.yaml": ANSWERS})
    result = runner.invoke(cli, ["light", "-o", "ut"], input="Norrby kommun\n" + TYPED)
    assert result.exit_code == 0, result.output
    assert "1. Vilken kommun eller organisation köper?" in result.output
    assert "organisation: Norrby kommun" in (ws / "ut" / "profil.yaml").read_text("utf-8")
    assert "16 frågor besvarade" in result.output
    result = runner.invoke(cli, ["light", "--answers", "svar.yaml", "-o", "b"])
    assert result.exit_code == 3 and "organisation: Frågan måste besvaras." in result.stderr
