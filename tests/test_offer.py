"""Direct procurements stay light: an offertförfrågan instead of an upphandlingsdokument, and no document that
refers to a document the build does not produce."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, office
from helpers import docx_as_text, header_footer_text, pdf_text
from tendergen import api
from tendergen.cli import cli
from tendergen.interview.questions import contact_parts

DIRECT = ROOT / "examples" / "direktupphandling-enkatverktyg.yaml"
LIGHT_ANSWERS = """\
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
kontakt: "Sara Holm, sara.holm@exempelkommunen.se, 010-123 45 67"
diarienummer: KFN 2026/12
"""
# Words that name a document of a tender set, and the file that must be in the build when a document uses them.
DOCUMENT_WORDS = {
    r"upphandlingsdokument": "upphandlingsdokument.docx",
    r"administrativa föreskrift": "upphandlingsdokument.docx",
    r"anbudsformulär": "anbudsformular.docx",
    r"referensbilag": "referensbilaga.docx",
    r"kravmatris": "kravmatris.xlsx",
    r"acceptanstestprotokoll": "acceptanstestprotokoll.docx",
    r"offertförfrågan": "offertforfragan.docx",
}


def texts(out: Path) -> dict[str, str]:
    """Every Word document of a build as text: body, tables, header and footer."""
    return {docx.name: docx_as_text(docx) + "\n" + header_footer_text(docx) for docx in sorted(out.glob("*.docx"))}


def dangling_references(out: Path) -> list[str]:
    """Each place where a produced document names a document, or an annex number, the build does not have."""
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    built = {o["file"] for o in manifest["outputs"]}
    found = []
    for name, text in texts(out).items():
        if name == "urvalsredovisning.docx":
            continue  # the record of the selection names every clause's document, chosen or not
        lowered = text.lower()
        for word, file in DOCUMENT_WORDS.items():
            if word in lowered and file not in built:
                found.append(f"{name}: {word!r} but no {file}")
        if "prisbilaga" in lowered and "prisbilaga.xlsx" not in built and not (
                "offertforfragan.docx" in built and "Den ifyllda pristabellen blir Avtalets prisbilaga" in
                texts(out)["offertforfragan.docx"]):
            found.append(f"{name}: 'prisbilaga' but neither prisbilaga.xlsx nor an offer's price table")
        if "[[" in text or "avsnittet ”" in text:
            found.append(f"{name}: a reference to a clause that is not in the build")
    listed = _annex_list(out)
    for name, text in texts(out).items():
        for number, title in re.findall(r"Bilaga (\d+) ([A-ZÅÄÖ][\w\-– ]+?)(?:[,.:;|\n]| utan| och| påverkar)",
                                        text):
            if listed.get(int(number), "").strip() != title.strip():
                found.append(f"{name}: Bilaga {number} {title!r}, but the annex list says {listed.get(int(number))!r}")
    return found


def _annex_list(out: Path) -> dict[int, str]:
    """The offertförfrågan's numbered annex list: {number: title}."""
    text = docx_as_text(out / "offertforfragan.docx")
    return {int(m.group(1)): m.group(2) for m in re.finditer(r"^Bilaga (\d+) \| (.+?) \| ", text, re.MULTILINE)}


@pytest.fixture(scope="module")
def light_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("light")
    (base / "tendergen.yaml").write_text("organisation: Exempelkommunen\n", "utf-8")
    (base / "svar.yaml").write_text(LIGHT_ANSWERS, "utf-8")
    session = api.open_session(base / "tendergen.yaml")
    outcome = api.answer_interview(session, base / "svar.yaml")
    with office():
        api.build_light(session, outcome.profile, base / "ut", pdf=True)
    return base / "ut"


def test_a_direct_procurement_gets_an_offer_request_read_back_by_libreoffice(built_examples: dict[str, Path]
                                                                             ) -> None:
    out = built_examples[DIRECT.stem]
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    files = [o["file"] for o in manifest["outputs"]]
    assert files[0] == "offertforfragan.docx" and "upphandlingsdokument.docx" not in files
    text = " ".join(pdf_text(out / "pdf" / "offertforfragan.pdf").split())
    assert "senast den 2026-12-11" in text  # the answer deadline
    assert "karin.berg@exempelkommunen.se" in text and "Telefon: 010-123 40 77" in text
    for row in ("Pris per år", "Engångskostnader", "Totalt för avtalstiden, 2 år",
                "Totalt inklusive förlängningar, 3 år"):
        assert row in text, row
    assert "Kommunen väljer den offert som har lägst pris" in text
    assert "bindande till och med den 2027-03-11" in text and "Bilaga 3 Avtalsvillkor" in text
    assert "Offertförfrågan · KFN 2026/0077" in header_footer_text(out / "offertforfragan.docx")
    # The numbered annexes carry their number in their own title too.
    assert "[Subtitle] Bilaga 1 Kravspecifikation" in docx_as_text(out / "kravspecifikation.docx")


def test_open_procedures_have_no_offer_request(built_examples: dict[str, Path]) -> None:
    for stem, out in built_examples.items():
        if stem != DIRECT.stem:
            assert not (out / "offertforfragan.docx").exists(), stem
            assert (out / "upphandlingsdokument.docx").exists(), stem


def test_light_uses_the_same_offer_request(light_build: Path) -> None:
    files = [o["file"] for o in json.loads((light_build / "manifest.json").read_text("utf-8"))["outputs"]]
    assert files[:2] == ["profil.yaml", "offertforfragan.docx"]
    text = " ".join(pdf_text(light_build / "pdf" / "offertforfragan.pdf").split())
    assert "sara.holm@exempelkommunen.se" in text and "Telefon: 010-123 45 67" in text
    assert "[fylls i av Kommunen: sista dag för offert]" in text  # the interview does not ask it: visible
    assert "Bilaga 1 Kravspecifikation för direktupphandling" in text and "Totalt för avtalstiden, 3 år" in text
    spec = docx_as_text(light_build / "kravspecifikation-light.docx")
    # Without an evaluation model a direct procurement is compared on price: bör-krav carry no points.
    assert "Värderas inte i utvärderingen" in spec and "poäng" not in spec


def test_no_produced_document_refers_to_a_document_the_build_lacks(built_examples: dict[str, Path],
                                                                    light_build: Path) -> None:
    assert dangling_references(built_examples[DIRECT.stem]) == []
    assert dangling_references(light_build) == []
    assert "Kommunens offertförfrågan" in docx_as_text(light_build / "avtalsvillkor.docx")  # its precedence list


def test_the_check_finds_a_dangling_reference(built_examples: dict[str, Path], tmp_path: Path) -> None:
    out = built_examples["saas-verksamhetssystem"]
    for file in (*out.glob("*.docx"), out / "manifest.json"):
        (tmp_path / file.name).write_bytes(file.read_bytes())
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    manifest["outputs"] = [o for o in manifest["outputs"] if o["file"] != "upphandlingsdokument.docx"]
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    (tmp_path / "offertforfragan.docx").write_bytes((built_examples[DIRECT.stem] / "offertforfragan.docx").read_bytes())
    assert any("'upphandlingsdokument' but no upphandlingsdokument.docx" in f for f in dangling_references(tmp_path))


def test_price_lines_and_quality_criteria(tree: Callable[[dict[str, str]], Path], runner: CliRunner) -> None:
    profile = DIRECT.read_text("utf-8") + """\
prices:
  lines:
    - {id: L1, text: Licens per år, unit: år, evaluation_volume: 2}
    - {id: U1, text: Utbildning av redaktörer, unit: tillfälle, evaluation_volume: 3}
    - {id: O1, text: Licens förlängningsår, unit: år, evaluation_volume: 1, option: true}
evaluation:
  basis: pris-och-kvalitet
  criteria:
    - {requirement: TILL-WCAG22, value_sek: 20000}
"""
    base = tree({"tendergen.yaml": "organisation: Exempelkommunen\n", "p.yaml": profile})
    result = runner.invoke(cli, ["build", "p.yaml", "-o", "out"])
    assert result.exit_code == 0, result.output
    text = docx_as_text(base / "out" / "offertforfragan.docx")
    assert "Prisrad | Enhet | Uppskattad volym" in text
    assert "L1. Licens per år | år | 2" in text and "O1. Licens förlängningsår (option) | år | 1" in text
    assert "Priserna lämnas i Bilaga 3 Prisbilaga" in text  # the price sheet is built: the offer uses it
    assert "[Heading 2] Pris och kvalitet" in text
    assert "Tillgänglighet enligt WCAG 2.2 nivå AA (utvärderingskriterium) (TILL-WCAG22): avdrag 20\u00a0000 kronor" \
        in text
    assert dangling_references(base / "out") == []


def test_a_missing_phone_is_a_located_warning_and_a_visible_placeholder(
        tree: Callable[[dict[str, str]], Path], runner: CliRunner) -> None:
    text = DIRECT.read_text("utf-8").replace(', phone: "010-123 40 77"', "").split("timetable:")[0]
    base = tree({"tendergen.yaml": "organisation: Exempelkommunen\n", "p.yaml": text})
    checked = runner.invoke(cli, ["validate", "p.yaml"])
    assert checked.exit_code == 0
    assert "warning: p.yaml:6:10: the contact has no phone number: the offertförfrågan" in checked.output
    built = runner.invoke(cli, ["build", "p.yaml", "-o", "out"])
    assert built.exit_code == 0, built.output
    assert "p.yaml:6:10: the contact has no phone number" in built.output
    assert "offertforfragan: the last day for offers is not filled in" in built.output
    offer = docx_as_text(base / "out" / "offertforfragan.docx")
    assert "Telefon: [fylls i av Kommunen: telefonnummer]" in offer
    assert "senast den [fylls i av Kommunen: sista dag för offert]" in offer


@pytest.mark.parametrize(("answer", "parts"), [
    ("Sara Holm, sara.holm@kommun.se, 010-123 45 67", ("Sara Holm", "sara.holm@kommun.se", "010-123 45 67")),
    ("Sara Holm tel. +46 10 123 45 67 e-post: sara@kommun.se", ("Sara Holm", "sara@kommun.se", "+46 10 123 45 67")),
    ("Sara Holm", ("Sara Holm", "", "")),
])
def test_the_interview_takes_the_contacts_email_and_phone(answer: str, parts: tuple[str, str, str]) -> None:
    assert contact_parts(answer) == parts


@pytest.mark.parametrize("answer", ["Sara Holm, sara@", "sara@kommun.se", "Sara, a@b.se, c@d.se"])
def test_a_bad_contact_answer_says_what_to_write(answer: str) -> None:
    with pytest.raises(ValueError, match="Skriv"):
        contact_parts(answer)


def test_the_interview_warns_when_phone_is_missing(tree: Callable[[dict[str, str]], Path], runner: CliRunner) -> None:
    base = tree({"tendergen.yaml": "organisation: Exempelkommunen\n",
                 "svar.yaml": LIGHT_ANSWERS.replace(', 010-123 45 67"', '"')})
    result = runner.invoke(cli, ["light", "--answers", "svar.yaml", "-o", "ut"])
    assert result.exit_code == 0, result.output
    assert "Kontaktpersonens telefon saknas" in result.stderr
    profile = (base / "ut" / "profil.yaml").read_text("utf-8")
    assert "email: sara.holm@exempelkommunen.se" in profile and "phone" not in profile
    assert "Telefon: [fylls i av Kommunen: telefonnummer]" in docx_as_text(base / "ut" / "offertforfragan.docx")
