"""The procurement's own content: scope, timetable, own requirements, evaluation model, price model."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tendergen import api
from tendergen.core import select, words
from tendergen.core.model import Cause
from tendergen.errors import InvalidInput

BASE = """\
title: Testupphandling
reference: KS 1
organisation: Testkommunen
date: "2026-11-21"
facts:
  procedure: oppet-forfarande
  subcategory: verksamhetssystem
  delivery_model: saas
  estimated_value_sek: 6000000
{facts}
{content}
"""

SCOPE = """\
scope:
  background: Kommunen behöver ett nytt system.
  not_divided_because: Systemet är en helhet som inte kan delas.
"""

TIMETABLE = """\
timetable:
  published: "2027-02-01"
  last_question: "2027-02-19"
  last_answer: "2027-02-24"
  tender_deadline: "2027-03-10"
  award_expected: "2027-04-01"
  tender_valid_until: "2027-07-31"
"""


def load(tree: Callable[[dict[str, str]], Path], session: api.Session, content: str, facts: str = "",
         extra: dict[str, str] | None = None) -> api.Profile:
    base = tree({"p.yaml": BASE.format(facts=facts, content=content), **(extra or {})})
    return api.load_profile(session, base / "p.yaml")


def problems(tree: Callable[[dict[str, str]], Path], session: api.Session, content: str, facts: str = "",
             extra: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(InvalidInput) as exc:
        load(tree, session, content, facts, extra)
    return [str(p) for p in exc.value.problems] or [str(exc.value)]


def test_framework_without_maximum_is_an_error(tree: Callable[[dict[str, str]], Path],
                                                session: api.Session) -> None:
    found = problems(tree, session, SCOPE, facts="  framework_agreement: true")
    assert len(found) == 1
    assert found[0].startswith("p.yaml:12:")  # at scope:
    assert "maximum value (takvolym)" in found[0] and "C-23/20" in found[0]
    found = problems(tree, session, "", facts="  framework_agreement: true")
    assert "p.yaml:10:24: a framework agreement must state its maximum value" in found[0]


def test_framework_with_maximum_and_lots(tree: Callable[[dict[str, str]], Path], session: api.Session) -> None:
    content = """\
scope:
  value: {maximum_sek: 9000000}
  lots:
    - {id: 1, title: Telefoner, estimated_sek: 4000000, maximum_sek: 6000000}
    - {id: 2, title: Plattor, estimated_sek: 2000000, maximum_sek: 3000000}
"""
    profile = load(tree, session, content, facts="  framework_agreement: true")
    assert profile.tender is not None and profile.tender.scope is not None
    assert profile.tender.scope.maximum_sek == 9000000
    assert [lot.title for lot in profile.tender.scope.lots] == ["Telefoner", "Plattor"]
    assert not profile.warnings


def test_maximum_below_estimate_and_lots_with_reason(tree: Callable[[dict[str, str]], Path],
                                                     session: api.Session) -> None:
    content = """\
scope:
  value: {estimated_sek: 5000000, maximum_sek: 1000000}
  not_divided_because: Det finns ett skäl att inte dela upp.
  lots:
    - {id: 1, title: Telefoner, estimated_sek: 4000000}
    - {id: 3, title: Plattor, estimated_sek: 2000000}
"""
    found = "\n".join(problems(tree, session, content))
    assert "differs from facts.estimated_value_sek 6" in found
    assert "maximum value 1\u00a0000\u00a0000\u00a0kr is below the estimated value" in found
    assert "both lots and not_divided_because" in found
    assert "lots are numbered [1, 3]" in found


def test_dates_out_of_order_name_both_dates(tree: Callable[[dict[str, str]], Path], session: api.Session) -> None:
    content = TIMETABLE.replace('last_question: "2027-02-19"', 'last_question: "2027-01-20"')
    found = problems(tree, session, content)
    assert len(found) == 1
    assert found[0].startswith("p.yaml:13:")
    assert "dates out of order" in found[0]
    assert "last_question: 2027-01-20" in found[0] and "published: 2027-02-01" in found[0]


def test_answers_too_late(tree: Callable[[dict[str, str]], Path], session: api.Session) -> None:
    content = TIMETABLE.replace('last_answer: "2027-02-24"', 'last_answer: "2027-03-06"')
    found = problems(tree, session, content)
    assert len(found) == 1
    assert "p.yaml:14:16:" in found[0]
    assert "answers too late: last answer 2027-03-06 is 4 day(s) before the tender deadline 2027-03-10" in found[0]
    assert "12 kap. 11 § LOU" in found[0] and "2027-03-04 or earlier" in found[0]


def test_answers_tight_but_legal_is_a_warning(tree: Callable[[dict[str, str]], Path],
                                             session: api.Session) -> None:
    content = TIMETABLE.replace('last_answer: "2027-02-24"', 'last_answer: "2027-03-04"')
    profile = load(tree, session, content)
    assert any("tight but legal: answers end 6 days before" in w for w in profile.warnings)


def test_tender_period_too_short(tree: Callable[[dict[str, str]], Path], session: api.Session) -> None:
    content = (TIMETABLE.replace('tender_deadline: "2027-03-10"', 'tender_deadline: "2027-02-28"')
               .replace('last_answer: "2027-02-24"', 'last_answer: "2027-02-20"'))
    found = problems(tree, session, content)
    assert len(found) == 1
    assert "tender period too short: 27 days from publication 2027-02-01 to the tender deadline 2027-02-28" in found[0]
    assert "at least 30 days (11 kap. 6 § LOU, elektroniska anbud)" in found[0]
    paper = content + "  electronic_tenders: false\n"
    found = problems(tree, session, paper)
    assert "at least 35 days (11 kap. 2 § LOU)" in found[0]


def test_tender_period_tight_but_legal(tree: Callable[[dict[str, str]], Path], session: api.Session) -> None:
    content = (TIMETABLE.replace('tender_deadline: "2027-03-10"', 'tender_deadline: "2027-03-04"')
               .replace('last_answer: "2027-02-24"', 'last_answer: "2027-02-25"'))
    profile = load(tree, session, content)
    assert any("tight but legal: 31 days from publication" in w for w in profile.warnings)


def test_below_threshold_has_no_statutory_minimum(tree: Callable[[dict[str, str]], Path],
                                                 session: api.Session) -> None:
    content = TIMETABLE.replace('tender_deadline: "2027-03-10"', 'tender_deadline: "2027-02-26"')
    low = BASE.format(facts="", content=content).replace("oppet-forfarande", "annonserad-under-troskelvardet")
    base = tree({"p.yaml": low.replace("6000000", "1500000")})
    assert api.load_profile(session, base / "p.yaml").tender is not None


OWN = """\
requirements:
  - id: EGEN-KARTA
    section: allmant
    kind: bör-krav
    title: Kartvisning
    text: Handläggaren bör kunna se fastigheten i en karta.
    verifikat: Anbudsgivaren beskriver funktionen.
    acceptance: Kontrollera kartan med ett testärende.
    value_sek: 200000
  - id: EGEN-DIARIUM
    section: allmant
    kind: ska-krav
    title: Diarieintegration
    text: Tjänsten ska registrera handlingar i Kommunens diarium.
    verifikat: Anbudsgivaren bekräftar kravet.
    acceptance: Registrera en handling och kontrollera diariet.
"""


def test_pris_och_kvalitet_without_criteria(tree: Callable[[dict[str, str]], Path], session: api.Session) -> None:
    found = problems(tree, session, "evaluation: {basis: pris-och-kvalitet}\n")
    assert len(found) == 1 and "p.yaml:11:21:" in found[0]
    assert "needs at least one criterion with a mervärde" in found[0]


def test_price_floor_is_an_error(tree: Callable[[dict[str, str]], Path], session: api.Session) -> None:
    found = problems(tree, session, OWN + "evaluation: {basis: pris-och-kvalitet, price_floor_sek: 500000}\n")
    assert len(found) == 1 and "HFD 2022 ref. 41" in found[0] and "price floor (500" in found[0]
    content = OWN.replace("value_sek: 200000", "value_percent: 60") + """\
evaluation:
  basis: pris-och-kvalitet
  criteria:
    - {requirement: TILL-WCAG22, value_percent: 45}
"""
    found = problems(tree, session, content, facts="  citizen_facing: true")
    assert len(found) == 1 and "add up to 105 procent" in found[0] and "HFD 2022 ref. 41" in found[0]


def test_one_criterion_over_half_is_a_warning(tree: Callable[[dict[str, str]], Path], session: api.Session) -> None:
    content = OWN + """\
evaluation:
  basis: pris-och-kvalitet
  criteria:
    - {requirement: TILL-WCAG22, value_percent: 30}
"""
    profile = load(tree, session, content, facts="  citizen_facing: true")
    assert any("criterion TILL-WCAG22 carries 90% of all possible deductions" in w for w in profile.warnings)


def test_own_requirements_join_every_requirement_document(tree: Callable[[dict[str, str]], Path],
                                                          session: api.Session) -> None:
    from tendergen.documents import matrix, render

    content = OWN + "evaluation: {basis: pris-och-kvalitet}\n"
    profile = load(tree, session, content, facts="  citizen_facing: true")
    decisions = select.select(session.library, profile)
    own = [d for d in decisions if d.clause.id.startswith("EGEN-")]
    assert [d.clause.id for d in own] == ["EGEN-KARTA", "EGEN-DIARIUM"] and all(d.included for d in own)
    assert "EGEN-KARTA" in [r.id for r in matrix.rows(profile, session.library, decisions)]
    acceptance = render.context(profile, session.library, decisions, render.ACCEPTANCE)
    assert "EGEN-DIARIUM" in [r["id"] for s in acceptance["sections"] for r in s["requirements"]]
    spec = render.context(profile, session.library, decisions, "kravspecifikation")
    items = {i["id"]: i for s in spec["sections"] for i in s["requirements"]}
    assert items["EGEN-KARTA"]["evaluation"].startswith("Mervärde 200\u00a0000 kronor")
    # the library's bör-krav that the model does not value is an information request, worth nothing
    assert items["TILL-WCAG22"]["evaluation"].startswith("Värderas inte i utvärderingen")
    why = render.context(profile, session.library, decisions, render.WHY)
    wcag = next(r for r in why["included"] if r["id"] == "TILL-WCAG22")
    assert words.CAUSES[Cause.INFORMATION_ONLY] in wcag["reasons"]
    assert "EGEN-DIARIUM" in [r["id"] for r in why["included"]]


def test_own_requirement_mistakes_are_located(tree: Callable[[dict[str, str]], Path],
                                              session: api.Session) -> None:
    content = (OWN.replace("id: EGEN-DIARIUM", "id: SAK-INCIDENT").replace("section: allmant", "section: allmänt", 1)
               .replace("kind: ska-krav", "kind: ska-krav\n    value_sek: 5") .replace("en karta.", "{{ karta }}."))
    found = "\n".join(problems(tree, session, content + "evaluation: {basis: pris-och-kvalitet}\n"))
    assert "p.yaml:13:14: EGEN-KARTA: unknown kravspecifikation section 'allmänt'" in found
    assert "did you mean 'allmant'?" in found
    assert "EGEN-KARTA: text uses undefined parameter 'karta'" in found
    assert "own requirement 'SAK-INCIDENT' has the id of a library clause" in found
    assert "SAK-INCIDENT is a ska-krav but has a mervärde" in found


def test_own_requirements_from_a_file(tree: Callable[[dict[str, str]], Path], session: api.Session) -> None:
    items = "\n".join(line[2:] for line in OWN.splitlines()[1:])
    profile = load(tree, session, "requirements: krav/egna.yaml\nevaluation: {basis: pris-och-kvalitet}\n",
                   extra={"krav/egna.yaml": items})
    assert profile.tender is not None
    assert [r.id for r in profile.tender.requirements] == ["EGEN-KARTA", "EGEN-DIARIUM"]
    bad = items.replace("kind: ska-krav", "kind: kanske")
    found = problems(tree, session, "requirements: krav/egna.yaml\n", extra={"krav/egna.yaml": bad})
    assert any(f.startswith("krav/egna.yaml:11:") and "'kanske' is not allowed" in f for f in found)


def test_criteria_must_name_bor_krav(tree: Callable[[dict[str, str]], Path], session: api.Session) -> None:
    content = OWN + """\
evaluation:
  basis: pris-och-kvalitet
  criteria:
    - {requirement: EGEN-DIARIUM, value_sek: 1000}
    - {requirement: EGEN-KARTA, value_sek: 1000}
    - {requirement: TILL-WCAG22}
"""
    found = "\n".join(problems(tree, session, content))
    assert "criterion EGEN-DIARIUM is a ska-krav, not a bör-krav" in found
    assert "EGEN-KARTA is valued twice" in found
    assert "criterion TILL-WCAG22: give exactly one of value_sek and value_percent" in found


def test_price_lines(tree: Callable[[dict[str, str]], Path], session: api.Session) -> None:
    content = """\
prices:
  lines:
    - {id: P1, text: Licens per år, unit: år, evaluation_volume: 0}
    - {id: P1, text: Införande, unit: st, evaluation_volume: 0, lot: 2}
"""
    found = "\n".join(problems(tree, session, content))
    assert "price line 'P1' appears twice" in found
    assert "names lot 2, which scope.lots does not have" in found
    assert "every price line has evaluation_volume 0" in found


def test_examples_are_complete_tenders(session: api.Session) -> None:
    from conftest import ROOT

    framework = api.load_profile(session, ROOT / "examples" / "hardvara-ramavtal.yaml")
    assert framework.tender and framework.tender.scope and framework.tender.scope.maximum_sek
    assert len(framework.tender.scope.lots) == 2
    system = api.load_profile(session, ROOT / "examples" / "saas-verksamhetssystem.yaml")
    assert system.tender and system.tender.evaluation and system.tender.evaluation.basis == "pris-och-kvalitet"
    assert system.tender.requirements
    price = api.load_profile(session, ROOT / "examples" / "it-konsulter-ramavtal.yaml")
    assert price.tender and price.tender.evaluation and price.tender.evaluation.basis == "pris"
    for profile in (framework, system, price):
        assert not profile.warnings, profile.warnings


# --- the AF's own sections, read back from the built .docx -------------------------------------------


def built_af(session: api.Session, example: str, out: Path) -> str:
    from conftest import ROOT
    from helpers import docx_as_text

    api.build(session, ROOT / "examples" / example, out)
    return docx_as_text(out / "upphandlingsdokument.docx")


def test_worked_example_arithmetic(session: api.Session, tmp_path: Path) -> None:
    """The AF's example, recomputed here independently from the profile's mervärden (not through core.award)."""
    from decimal import Decimal

    from conftest import ROOT
    from tendergen.documents import content

    profile = api.load_profile(session, ROOT / "examples" / "saas-verksamhetssystem.yaml")
    assert profile.tender and profile.tender.evaluation
    evaluation = profile.tender.evaluation
    tenders = content.worked_example(evaluation, Decimal(9_473_000))
    values = {c.requirement: c for c in evaluation.criteria}
    results = {}
    for t in tenders:
        price = t.computation.price
        deduction = sum((Decimal(values[r].value_sek) if values[r].value_sek is not None
                         else price * Decimal(str(values[r].value_percent)) / 100 for r in t.fulfilled), Decimal(0))
        assert t.computation.total_deduction == deduction
        assert t.computation.comparison_price == price - deduction
        results[t.name] = (price, price - deduction)
    assert results["Anbud A"][0] == Decimal(9_500_000)  # two significant figures
    assert results["Anbud B"][0] > results["Anbud A"][0]  # B is dearer but wins on quality
    assert results["Anbud B"][1] < results["Anbud A"][1]

    text = built_af(session, "saas-verksamhetssystem.yaml", tmp_path / "saas")
    assert "Maximala poäng" not in text and "Högsta möjliga poäng" not in text
    for name, (price, comparison) in results.items():
        row = f"{name} | {words.kronor(int(price))} |"
        assert row in text, row
        assert f"= {words.kronor(int(comparison))}" in text
    assert "Anbud B har lägst jämförelsepris" in text


def test_af_has_timetable_annexes_and_standstill(session: api.Session, tmp_path: Path) -> None:
    from helpers import docx_as_text

    text = built_af(session, "hardvara-ramavtal.yaml", tmp_path / "ram")
    assert "Händelse | Datum" in text
    assert "Sista anbudsdag | " in text
    assert "Upphandlingens omfattning" in text and "Ramavtalets högsta värde är" in text
    assert "Delkontrakt | Omfattning | Uppskattat värde | Högsta värde" in text
    assert "Avtalsspärr och överprövning" in text and "20 kap. LOU" in text
    annexes = re.findall(r"^Bilaga (\d+) \| ([^|]+) \| (\S+)$", text, re.MULTILINE)
    assert [int(n) for n, _, _ in annexes] == list(range(1, len(annexes) + 1))
    files = {f for _, _, f in annexes}
    assert {"kravspecifikation.docx", "kravmatris.xlsx", "prisbilaga.xlsx", "avtalsvillkor.docx"} <= files
    for number, title, file in annexes:  # each annex document carries its number in its title
        if file.endswith(".docx"):
            assert f"Bilaga {number} {title.strip()}" in docx_as_text(tmp_path / "ram" / file)


def test_price_only_af_has_no_points(session: api.Session, tmp_path: Path) -> None:
    text = built_af(session, "it-konsulter-ramavtal.yaml", tmp_path / "pris")
    assert "Maximala poäng" not in text
    assert "lägst utvärderingspris" in text
    assert "Anbud A | " in text and "Anbud B | " in text


def test_form_and_contract_with_workspace_facts(tree: Callable[[dict[str, str]], Path]) -> None:
    """Kommunen's org.nr and e-procurement system come from tendergen.yaml; annex numbers agree everywhere."""
    from conftest import ROOT
    from helpers import docx_as_text

    base = tree({"tendergen.yaml": "organisation: Exempelkommunen\norganisation_number: 212000-0001\n"
                                   "e_procurement_system: Upphandlingsportalen Test\n",
                 "p.yaml": (ROOT / "examples" / "hardvara-ramavtal.yaml").read_text("utf-8")})
    session = api.open_session(base / "tendergen.yaml")
    api.build(session, base / "p.yaml", base / "out")
    af = docx_as_text(base / "out" / "upphandlingsdokument.docx")
    contract = docx_as_text(base / "out" / "avtal.docx")
    form = docx_as_text(base / "out" / "anbudsformular.docx")
    assert "Exempelkommunen, organisationsnummer 212000-0001" in contract
    assert "Anbud lämnas elektroniskt i Upphandlingsportalen Test" in af
    assert "Ramavtalets högsta värde är" in contract and "För Leverantören" in contract
    assert "Anbudsgivarens namn | " in form and "Anbudet är bindande till och med 2027-" in form
    annexes = re.findall(r"^Bilaga (\d+) \| ([^|]+?) \| (\S+)$", af, re.MULTILINE)
    labels = {f"Bilaga {n} {t}" for n, t, _ in annexes}
    listed = set(re.findall(r"^\[List Bullet\] (Bilaga \d+ .+)$", contract, re.MULTILINE))
    assert listed == labels - {label for label in labels if label.endswith(" Avtal")}
    assert re.search(r"^\[Form Title\] Bilaga \d+ Avtal$", contract, re.MULTILINE)
    number = next(n for n, t, _ in annexes if t == "Anbudsformulär")
    assert f"Bilaga {number} Anbudsformulär" in form


def test_direct_award_gets_no_form_or_contract(session: api.Session, tmp_path: Path) -> None:
    from conftest import ROOT

    api.build(session, ROOT / "examples" / "direktupphandling-enkatverktyg.yaml", tmp_path / "d")
    assert not (tmp_path / "d" / "avtal.docx").exists() and not (tmp_path / "d" / "anbudsformular.docx").exists()


# --- references: the qualification requirement and its referensbilaga ------------------------------

REFERENCES = """\
references:
  count: 3
  within_years: 2
  min_months: 12
  assignment: >
    drift av ett ärendehanteringssystem åt en kommun eller region
"""


def test_references_set_the_requirement_and_the_form(tree: Callable[[dict[str, str]], Path],
                                                     session: api.Session) -> None:
    """The profile's references become the AF's requirement and a numbered referensbilaga with one table each."""
    from helpers import docx_as_text

    base = tree({"p.yaml": BASE.format(facts="", content=SCOPE + TIMETABLE + REFERENCES)})
    profile = api.load_profile(session, base / "p.yaml")
    assert dict(profile.parameters["UPPH-KVAL-REFERENSER"]) == {
        "antal_referenser": 3, "referens_ar": 2, "min_uppdrag_manader": 12,
        "uppdragets_innehall": "drift av ett ärendehanteringssystem åt en kommun eller region"}
    api.build(session, base / "p.yaml", base / "out")
    af = docx_as_text(base / "out" / "upphandlingsdokument.docx")
    form = docx_as_text(base / "out" / "referensbilaga.docx")
    assert "redovisa minst 3 referensuppdrag" in af
    assert "Uppdraget har avsett drift av ett ärendehanteringssystem åt en kommun eller region." in af
    number = re.search(r"^Bilaga (\d+) \| Referensbilaga \| referensbilaga\.docx$", af, re.MULTILINE)
    assert number, "the AF's annex list names the referensbilaga"
    label = f"Bilaga {number.group(1)} Referensbilaga"
    assert f"[List Bullet] {label}, ifylld för varje referensuppdrag." in af  # what the tender must contain
    assert f"[Form Title] {label}" in form
    headings = re.findall(r"^\[Heading 2\] (Referensuppdrag \d+)$", form, re.MULTILINE)
    assert headings == ["Referensuppdrag 1", "Referensuppdrag 2", "Referensuppdrag 3"]
    assert form.count("Kontaktpersonens e-postadress | ") == 3
    assert form.count("Hur uppdraget motsvarar det som efterfrågas i denna upphandling | ") == 3
    # The form's summary states the AF's figures and points at the requirement by its number in the AF.
    section = re.search(r"^\[Heading 2\] Teknisk och yrkesmässig kapacitet – referensuppdrag$", af, re.MULTILINE)
    assert section
    assert "anges i avsnitt " in form
    assert "Teknisk och yrkesmässig kapacitet – referensuppdrag i upphandlingsdokumentet" in form
    assert "minst 12 månader" in form and "de senaste 2 åren" in form
    assert "från och med den 10\u00a0mars 2025 till och med den 10\u00a0mars 2027" in form  # deadline 2027-03-10
    assert "Anbudsgivaren redovisar minst 3 referensuppdrag" in form


def test_reference_form_points_at_the_requirement_number_in_the_af(tree: Callable[[dict[str, str]], Path],
                                                                   session: api.Session) -> None:
    """The number the form names is the heading number LibreOffice prints in the AF."""
    from conftest import office
    from helpers import pdf_text

    base = tree({"p.yaml": BASE.format(facts="", content=SCOPE + TIMETABLE + REFERENCES)})
    with office():
        api.build(session, base / "p.yaml", base / "out", pdf=True)
    form = " ".join(pdf_text(base / "out" / "pdf" / "referensbilaga.pdf").split())
    af = " ".join(pdf_text(base / "out" / "pdf" / "upphandlingsdokument.pdf").split())
    named = re.search(r"anges i avsnitt (\d+\.\d+) Teknisk och yrkesmässig kapacitet", form)
    assert named, form[:600]
    assert f"{named.group(1)} Teknisk och yrkesmässig kapacitet – referensuppdrag Ska" in af
    assert "Referensuppdrag 3" in form and "Fylls i av Anbudsgivaren" in form and "KS 1" in form


@pytest.mark.parametrize(("block", "where", "message"), [
    ("references: {count: 9}", "p.yaml:11:21:", "references.count: 9 is above the maximum 5"),
    ("references: {within_years: 0}", "p.yaml:11:", "within_years: 0 is less than the minimum of 1"),
    ("references: {min_grade: 6}", "p.yaml:11:", "references.min_grade: 6 is above the maximum 5"),
    ("references: {assignment: Uppdraget har avsett drift av system.}", "p.yaml:11:", "repeats 'Uppdraget har avsett'"),
    ("references: {count: 2}\nparameters: {UPPH-KVAL-REFERENSER: {antal_referenser: 3}}", "p.yaml:12:",
     "references.count and parameters.UPPH-KVAL-REFERENSER.antal_referenser both set the same figure"),
    ("references: {count: 2}\nexclude: [{clause: UPPH-KVAL-REFERENSER, reason: Inga referenser behövs här.}]",
     "p.yaml:11:1:", "exclude removes UPPH-KVAL-REFERENSER"),
    ("references: {count: 2, colour: blue}", "p.yaml:11:", "unknown field 'colour'"),
])
def test_reference_mistakes_are_located(tree: Callable[[dict[str, str]], Path], session: api.Session, block: str,
                                        where: str, message: str) -> None:
    found = problems(tree, session, block + "\n")
    assert len(found) == 1, found
    assert found[0].startswith(where) and message in found[0], found[0]


def test_references_in_a_direct_procurement_are_an_error(tree: Callable[[dict[str, str]], Path],
                                                         session: api.Session) -> None:
    low = BASE.format(facts="", content="references: {count: 2}\n").replace("oppet-forfarande", "direktupphandling")
    base = tree({"p.yaml": low.replace("6000000", "300000")})
    with pytest.raises(InvalidInput) as exc:
        api.load_profile(session, base / "p.yaml")
    assert "p.yaml:11:1: references: a direktupphandling has no qualification stage" in str(exc.value)


def test_no_referensbilaga_without_the_requirement(tree: Callable[[dict[str, str]], Path],
                                                   session: api.Session) -> None:
    """Without the qualification requirement nothing produces, lists or mentions a referensbilaga."""
    from helpers import docx_as_text

    excluded = "exclude: [{clause: UPPH-KVAL-REFERENSER, reason: Kvalificering sker med ekonomisk ställning.}]\n"
    base = tree({"p.yaml": BASE.format(facts="", content=SCOPE + TIMETABLE + excluded)})
    api.build(session, base / "p.yaml", base / "out")
    assert not (base / "out" / "referensbilaga.docx").exists()
    for docx in (base / "out").glob("*.docx"):
        assert "referensbilag" not in docx_as_text(docx).lower(), docx.name


def test_two_step_procedure_takes_references_with_the_application(tree: Callable[[dict[str, str]], Path],
                                                                  session: api.Session) -> None:
    from helpers import docx_as_text

    text = BASE.format(facts="", content=SCOPE + TIMETABLE).replace("oppet-forfarande", "selektivt-forfarande")
    base = tree({"p.yaml": text})
    api.build(session, base / "p.yaml", base / "out")
    af = docx_as_text(base / "out" / "upphandlingsdokument.docx")
    form = docx_as_text(base / "out" / "referensbilaga.docx")
    assert re.search(r"^\[Normal\] Bilaga \d+ Referensbilaga, ifylld för varje referensuppdrag, lämnas redan med "
                     "anbudsansökan", af, re.MULTILINE)
    assert "lämnas med anbudsansökan" in form
    assert "Referensbilaga" not in docx_as_text(base / "out" / "anbudsformular.docx").split("Anbudet innehåller")[1]


def test_referensbilaga_also_without_own_content(tree: Callable[[dict[str, str]], Path],
                                                 session: api.Session) -> None:
    """The AF's verifikat asks for the referensbilaga in every advertised procedure, so every full build has it."""
    from helpers import docx_as_text

    base = tree({"p.yaml": BASE.format(facts="", content="")})
    api.build(session, base / "p.yaml", base / "out")
    af = docx_as_text(base / "out" / "upphandlingsdokument.docx")
    assert "Verifikat: Anbudsgivaren fyller i referensbilagan" in af
    form = docx_as_text(base / "out" / "referensbilaga.docx")
    assert "[Form Title] Referensbilaga" in form  # no annex numbers without the profile's own content
    assert re.findall(r"^\[Heading 2\] (Referensuppdrag \d+)$", form, re.MULTILINE) == ["Referensuppdrag 1",
                                                                                       "Referensuppdrag 2"]
    assert not (base / "out" / "anbudsformular.docx").exists()


def test_timetable_states_each_date_once(tree: Callable[[dict[str, str]], Path], session: api.Session,
                                         tmp_path: Path) -> None:
    """With a tidplan, UPPH-TIDPLAN's day counts (10 days, 4 months) give way to the table's own dates."""
    from helpers import docx_as_text

    text = built_af(session, "hardvara-ramavtal.yaml", tmp_path / "ram")
    assert "Sista dag för frågor | " in text and "Anbudet är bindande till och med | " in text
    assert "ställa frågor om upphandlingen är" not in text and "månader efter sista anbudsdag" not in text
    assert "begära att anbudsgivarna förlänger anbudens giltighetstid" in text
    assert len(re.findall(r"^\[Heading \d\] Tidplan", text, re.MULTILINE)) == 1  # one heading, not two

    without_validity = TIMETABLE.replace('  tender_valid_until: "2027-07-31"\n', "")
    base = tree({"p.yaml": BASE.format(facts="", content=SCOPE + without_validity)})
    api.build(session, base / "p.yaml", tmp_path / "own")
    text = docx_as_text(tmp_path / "own" / "upphandlingsdokument.docx")
    assert "giltigt till och med 4 månader efter sista anbudsdag" in text  # the clause's value, said once
    assert "ställa frågor om upphandlingen är" not in text  # the table gives that date
