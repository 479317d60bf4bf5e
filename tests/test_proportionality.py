"""Proportionality: liability, insurance, penalties, reporting and audit rights follow the purchase's value and risk."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import docx_as_text
from tendergen import api
from tendergen.cli import cli
from tendergen.core.model import Basis
from tendergen.core.params import settings
from tendergen.errors import InvalidInput
from test_validate import CLAUSE, problems_of
from test_validate import library_of as library_with

PROFILE = """\
title: Enkätverktyg
reference: KFN 1
organisation: Testkommunen
date: "2026-11-21"
contract: {{years: 2}}
facts:
  procedure: {procedure}
  subcategory: it-som-tjanst
  delivery_model: saas
  estimated_value_sek: {value}
  personal_data: true
{extra}"""

HIGH_RISK = "  sensitive_personal_data: true\n  security_level: hog\n  critical_service: true\n"
PROFILES = {  # a direct procurement, a mid-sized purchase under the thresholds, a large high-risk tender
    "small": PROFILE.format(procedure="direktupphandling", value=150000, extra=""),
    "medium": PROFILE.format(procedure="annonserad-under-troskelvardet", value=1200000, extra=""),
    "large": PROFILE.format(procedure="oppet-forfarande", value=9500000, extra=HIGH_RISK),
}


@pytest.fixture(scope="module")
def terms(session: api.Session, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The built avtalsvillkor.docx of each profile, read back as text."""
    base = tmp_path_factory.mktemp("proportionality")
    result = {}
    for name, text in PROFILES.items():
        (base / f"{name}.yaml").write_text(text, "utf-8")
        api.build(session, base / f"{name}.yaml", base / name)
        result[name] = " ".join(docx_as_text(base / name / "avtalsvillkor.docx").split())
    return result


def test_liability_floor_follows_value_and_risk(terms: dict[str, str]) -> None:
    # The general floor never exceeds the purchase's value; the data-protection floor is higher.
    assert "dock lägst 100 000 kronor" in terms["small"]
    assert "lägst 300 000 kronor. Det särskilda taket" in terms["small"]
    assert "2 000 000" not in terms["small"] and "5 000 000" not in terms["small"]
    assert "dock lägst 700 000 kronor" in terms["medium"]
    assert "lägst 2 000 000 kronor. Det särskilda taket" in terms["medium"]
    assert "dock lägst 2 000 000 kronor" in terms["large"]
    assert "lägst 5 000 000 kronor. Det särskilda taket" in terms["large"]


@pytest.mark.parametrize(("name", "expected", "absent"), [
    ("small", ["försäkringsbelopp om lägst 500 000 kronor", "efter varje kalenderårs utgång",
               "minst var 12:e månad", "vite till Kommunen med 1 000 kronor för varje påbörjad vecka",
               "begränsat till 25 procent av månadsavgiften"],
     ["Rätt till säkerhetsgranskning", "kalendermånads utgång", "Månatlig"]),
    ("medium", ["försäkringsbelopp om lägst 2 000 000 kronor", "efter varje kalenderkvartals utgång",
                "minst var 6:e månad", "vite till Kommunen med 3 000 kronor", "Rätt till säkerhetsgranskning"],
     ["5 000 000"]),
    ("large", ["försäkringsbelopp om lägst 5 000 000 kronor", "efter varje kalendermånads utgång",
               "minst var 3:e månad", "vite till Kommunen med 5 000 kronor", "Rätt till säkerhetsgranskning",
               "begränsat till 40 procent av månadsavgiften"], []),
])
def test_insurance_reporting_penalties_and_audit_follow_value_and_risk(
        terms: dict[str, str], name: str, expected: list[str], absent: list[str]) -> None:
    for text in expected:
        assert text in terms[name], (name, text)
    for text in absent:
        assert text not in terms[name], (name, text)


def test_meeting_rhythm_follows_value(session: api.Session) -> None:
    from tendergen.core import load, validate

    clause = session.library.clause("SAM-UPPFOLJNINGSMOTEN")
    assert clause is not None
    found = {}
    for value in (600000, 9500000):
        raw = PROFILE.format(procedure="annonserad-under-troskelvardet", value=value, extra=HIGH_RISK)
        source = load.Source(load.parse_yaml(raw, "p.yaml"), "p.yaml", Path("p.yaml"), raw.encode())
        profile = validate.profile(source, session.library, organisation="T", today="2026-11-21")
        found[value] = {s.name: s.value for s in settings(clause, profile)}
    assert found[600000] == {"operativt_intervall": "varannan vecka", "nyckelmote_intervall": "en gång per halvår"}
    assert found[9500000] == {"operativt_intervall": "varje vecka", "nyckelmote_intervall": "en gång per kvartal"}


def test_small_purchase_with_sensitive_data_keeps_a_higher_data_protection_floor(session: api.Session) -> None:
    clause = session.library.clause("AVT-ANSVAR")
    assert clause is not None
    raw = PROFILE.format(procedure="direktupphandling", value=150000, extra="  sensitive_personal_data: true\n")
    from tendergen.core import load, validate

    profile = validate.profile(load.Source(load.parse_yaml(raw, "p.yaml"), "p.yaml", Path("p.yaml"), raw.encode()),
                               session.library, organisation="Testkommunen", today="2026-11-21")
    found = {s.name: s for s in settings(clause, profile)}
    assert found["ansvarstak_min_sek"].value == 100000
    assert found["ansvarstak_dataskydd_min_sek"].value == 1500000
    data_floor = found["ansvarstak_dataskydd_min_sek"]
    assert data_floor.basis is Basis.SCALE and data_floor.step == 0
    assert found["ansvarstak_procent"].basis is Basis.DEFAULT


def test_profile_value_wins_over_the_scale(tree: Callable[[dict[str, str]], Path], runner: CliRunner) -> None:
    tree({"tendergen.yaml": "organisation: Testkommunen\n",
          "p.yaml": PROFILES["small"] + "parameters:\n  AVT-ANSVAR: {ansvarstak_min_sek: 250000}\n"})
    result = runner.invoke(cli, ["explain", "p.yaml", "--json", "--only", "in"])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    liability = {p["name"]: p for p in rows["AVT-ANSVAR"]["parameters"]}
    assert liability["ansvarstak_min_sek"] == {"name": "ansvarstak_min_sek", "value": 250000, "basis": "profile",
                                               "step": None, "checks": []}
    assert liability["ansvarstak_dataskydd_min_sek"]["basis"] == "scale"
    assert liability["ansvarstak_dataskydd_min_sek"]["checks"] == [
        {"fact": "estimated_value_sek", "test": "lt", "expected": 300000, "actual": 150000, "satisfied": True}]


def test_explain_says_which_default_was_used_and_why(tree: Callable[[dict[str, str]], Path],
                                                     runner: CliRunner) -> None:
    tree({"tendergen.yaml": "organisation: Testkommunen\n", "small.yaml": PROFILES["small"],
          "large.yaml": PROFILES["large"]})
    small = runner.invoke(cli, ["explain", "small.yaml", "--only", "in"])
    assert small.exit_code == 0, small.output
    assert ("ansvarstak_min_sek = 100\u00a0000 kronor (skalat efter upphandlingens värde och risk, steg 1: "
            "estimated_value_sek < 300000 (profil: 150000) ✓)") in small.output
    large = runner.invoke(cli, ["explain", "large.yaml", "--only", "in"])
    assert "ansvarstak_min_sek = 2\u00a0000\u00a0000 kronor (grundvärde, inget skalsteg gäller: " in large.output
    assert "ansvarstak_procent" not in large.output  # a fixed default needs no explanation


def test_manifest_records_the_basis(session: api.Session, tmp_path: Path) -> None:
    (tmp_path / "small.yaml").write_text(PROFILES["small"], "utf-8")
    api.build(session, tmp_path / "small.yaml", tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))
    liability = next(c for c in manifest["clauses"] if c["id"] == "AVT-ANSVAR")
    assert liability["parameters"]["ansvarstak_min_sek"] == 100000
    assert liability["parameter_basis"]["ansvarstak_min_sek"]["basis"] == "scale"
    assert liability["parameter_basis"]["ansvarstak_min_sek"]["step"] == 0
    assert liability["parameter_basis"]["ansvarstak_procent"] == {"basis": "default", "step": None, "checks": []}


SCALED = CLAUSE.replace(
    "  dagar: {{type: integer, default: 90, description: Lagringstid, stricter: higher}}\n",
    "  dagar:\n    type: integer\n    default: 90\n    minimum: 30\n    description: Lagringstid\n"
    "    stricter: higher\n    scale:\n      - when: {{estimated_value_sek: {{lt: 700000}}}}\n"
    "        default: {small}\n")


def test_scale_step_outside_the_limits_is_located() -> None:
    with pytest.raises(InvalidInput) as exc:
        library_with({"lokalt/sak/s.yaml": SCALED.format(id="LOK-S", small=10)})
    assert problems_of(exc) == [
        "lokalt/sak/s.yaml:22:18: parameter 'dagar': scale step 1: default 10 is below the minimum 30\n"
        "  hint: give each step a default of the parameter's type, within its minimum, maximum and choices"]
    library_with({"lokalt/sak/s.yaml": SCALED.format(id="LOK-S", small=30)})  # within the limits: fine


def test_scale_rule_is_checked_like_any_rule() -> None:
    bad = SCALED.format(id="LOK-S", small=30).replace("estimated_value_sek: {lt", "estimated_value: {lt")
    with pytest.raises(InvalidInput) as exc:
        library_with({"lokalt/sak/s.yaml": bad})
    (found,) = problems_of(exc)
    assert found.startswith("lokalt/sak/s.yaml:21:16: rule names undeclared fact 'estimated_value'")
    assert "did you mean 'estimated_value_sek'?" in found
    wrong = SCALED.format(id="LOK-S", small="sju")
    with pytest.raises(InvalidInput) as exc:
        library_with({"lokalt/sak/s.yaml": wrong})
    assert "scale step 1: default 'sju' is not of type integer" in problems_of(exc)[0]


def test_changed_scale_is_classified_by_its_effect(session: api.Session) -> None:
    from dataclasses import replace

    from tendergen.core import load, validate
    from tendergen.core.model import ScaleStep
    from tendergen.review.diff import Finding, classify, field_changes

    old = session.library.clause("AVT-ANSVAR")
    assert old is not None
    profiles = []
    for name, raw in PROFILES.items():
        source = load.Source(load.parse_yaml(raw, name), name, Path(name), raw.encode())
        profiles.append((name, validate.profile(source, session.library, organisation="T", today="2026-11-21")))

    def lowered(amount: int) -> object:  # the first band of the liability floor at another amount
        params = tuple(replace(p, scale=(ScaleStep(p.scale[0].when, amount), *p.scale[1:]))
                       if p.name == "ansvarstak_min_sek" else p for p in old.parameters)
        spec = dict(old.data["parameters"])
        spec["ansvarstak_min_sek"] = {**spec["ansvarstak_min_sek"], "scale": [
            {**spec["ansvarstak_min_sek"]["scale"][0], "default": amount}, *spec["ansvarstak_min_sek"]["scale"][1:]]}
        return replace(old, parameters=params, data={**old.data, "parameters": spec, "version": "9"})

    for amount, finding in ((50000, Finding.LOOSER), (150000, Finding.STRICTER)):
        new = lowered(amount)
        found = classify(old, new, field_changes(old, new), profiles)  # type: ignore[arg-type]
        assert (finding, "ansvarstak_min_sek: 1 av 3 profiler får ett annat värde") in found, found
    new = lowered(50000)
    assert Finding.SCALE in {f for f, _ in classify(old, new, field_changes(old, new))}  # type: ignore[arg-type]


@pytest.mark.parametrize(("summary", "why"), [
    ("Leverantören ska rapportera.", ""),
    ("Leverantören ska rapportera enligt 12 kap. 11 § LOU, t.ex. varje kvartal.", ""),
    ("Leverantören ska rapportera varje {{ dagar }}:e dag.", ""),
    ("Leverantören ska rapportera. Kommunen följer upp.", "holds more than one sentence"),
    ("Leverantören ska rapportera minst", "does not end with a full stop"),
    ("Leverantören ska rapportera om:", "does not end with a full stop"),
    ("leverantören ska rapportera.", "does not start with a capital letter"),
])
def test_summary_is_one_complete_sentence(summary: str, why: str) -> None:
    text = CLAUSE.format(id="LOK-SUM").replace("motiv:", f"summary: \"{summary}\"\nmotiv:")
    if not why:
        clause = library_with({"lokalt/sak/sum.yaml": text}).clause("LOK-SUM")
        assert clause is not None and clause.summary == summary
        return
    with pytest.raises(InvalidInput) as exc:
        library_with({"lokalt/sak/sum.yaml": text})
    (found,) = problems_of(exc)
    assert found.startswith("lokalt/sak/sum.yaml:15:10: summary") and why in found, found


def test_summary_may_only_use_declared_parameters() -> None:
    text = CLAUSE.format(id="LOK-SUM").replace("motiv:", 'summary: "Loggar sparas i {{ dygn }} dygn."\nmotiv:')
    with pytest.raises(InvalidInput) as exc:
        library_with({"lokalt/sak/sum.yaml": text})
    assert any("summary uses undefined parameter 'dygn'" in p for p in problems_of(exc))


LIGHT_ANSWERS = """\
vad: Enkätverktyg för medborgardialog
verksamhet: Kultur- och fritidsförvaltningen
kategori: it-som-tjanst
leverans: saas
varde: 150000
tidigare: 0
avtalstid: 2
anvandare: invanare
personuppgifter: ja
kansliga: nej
lagring: eu
kritisk: hanterbart
ai: nej
kontakt: Sara Holm
diarienummer: KFN 2026/12
"""


def test_light_set_has_short_proportionate_terms(tree: Callable[[dict[str, str]], Path], runner: CliRunner) -> None:
    from conftest import office
    from helpers import pdf_text
    from tendergen.core.text import sentence_problem
    from tendergen.documents import pdf

    ws = tree({"tendergen.yaml": "organisation: Exempelkommunen\n", "svar.yaml": LIGHT_ANSWERS})
    result = runner.invoke(cli, ["light", "--answers", "svar.yaml", "-o", "ut"])
    assert result.exit_code == 0, result.output
    spec = docx_as_text(ws / "ut" / "kravspecifikation-light.docx")
    terms = spec.split("[Heading 1] Avtalsvillkor i korthet")[-1].splitlines()
    summaries = [line.split("] ", 1)[1] for line, heading in zip(terms[2:], terms[1:], strict=False)
                 if heading.startswith("[Heading 2]") and not line.startswith("[Heading")]
    headings = [line for line in terms if line.startswith("[Heading 2]")]
    assert len(summaries) == len(headings) > 25  # one sentence under every term
    for summary in summaries:
        assert sentence_problem(summary) == "", summary  # a whole sentence, never cut off
    assert "dock lägst 100\u00a0000 kronor" in spec and "lägst 500\u00a0000 kronor per skadetillfälle" in spec
    assert "efter varje kalenderår" in spec
    full_terms = docx_as_text(ws / "ut" / "avtalsvillkor.docx")
    for document in (spec, full_terms):
        assert "2\u00a0000\u00a0000" not in document and "5\u00a0000\u00a0000" not in document
        assert "säkerhetsgranskning" not in document and "Månatlig" not in document
    with office():  # the terms in brief fill a few pages, not the twenty of the full avtalsvillkor
        pdf.convert([ws / "ut" / "kravspecifikation-light.docx"], ws / "pdf")
    pages = pdf_text(ws / "pdf" / "kravspecifikation-light.pdf").split("\f")
    first = max(i for i, page in enumerate(pages) if "Avtalsvillkor i korthet\n" in page and "...." not in page)
    assert len([p for p in pages[first:] if p.strip()]) <= 5


def test_lint_asks_every_contract_term_for_a_summary(tree: Callable[[dict[str, str]], Path]) -> None:
    from tendergen.core.lint import lint

    term = (CLAUSE.format(id="LOK-VILLKOR").replace("document: kravspecifikation", "document: avtalsvillkor")
            .replace("section: informationssakerhet", "section: ansvar")
            .replace("kind: ska-krav", "kind: avtalsvillkor"))
    base = tree({"tendergen.yaml": "organisation: Testkommunen\nclause_folders: [lokalt]\n", "lokalt/a.yaml": term})
    (problem,) = lint(api.open_session(base / "tendergen.yaml").library).problems
    assert str(problem).startswith("lokalt/a.yaml:1:5: LOK-VILLKOR: a contract term needs a one-sentence summary")
    (base / "lokalt/a.yaml").write_text(
        term.replace("motiv:", "summary: Leverantören ska logga i {{ dagar }} dagar.\nmotiv:"), "utf-8")
    assert lint(api.open_session(base / "tendergen.yaml").library).problems == ()


@pytest.mark.parametrize("answers", [
    {"kategori": "hardvara", "varde": "180000"},
    {"kategori": "konsulttjanster", "varde": "400000", "kritisk": "kritiskt"},
    {"kategori": "telefoni", "varde": "500000", "personuppgifter": "vet-inte"},
    {"kategori": "valfardsteknik", "varde": "600000", "kansliga": "ja", "lagring": "utanfor"},
])
def test_every_light_purchase_gets_a_summary_for_each_term(tree: Callable[[dict[str, str]], Path],
                                                          runner: CliRunner, session: api.Session,
                                                          answers: dict[str, str]) -> None:
    text = "".join(f"{k}: {answers.get(k, v)}\n" for k, v in
                   (line.split(": ", 1) for line in LIGHT_ANSWERS.splitlines()))
    ws = tree({"tendergen.yaml": "organisation: Exempelkommunen\n", "svar.yaml": text})
    result = runner.invoke(cli, ["light", "--answers", "svar.yaml", "-o", "ut"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((ws / "ut" / "manifest.json").read_text("utf-8"))
    terms = [c["id"] for c in manifest["clauses"] if c["included"] and c["document"] == "avtalsvillkor"]
    assert terms and all(session.library.clause(t).summary for t in terms), terms  # type: ignore[union-attr]
    risky = answers.get("kritisk") == "kritiskt" or answers.get("kansliga") == "ja"
    assert ("SAK-GRANSKNING" in terms) == risky  # the audit right only at higher risk in a small purchase


def test_clauses_show_lists_the_scale_and_the_summary(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["clauses", "show", "AVT-ANSVAR"])
    assert result.exit_code == 0, result.output
    assert "    scaled: 100000 when estimated_value_sek < 300000" in result.output
    assert "  summary: Parts ansvar är per skadetillfälle begränsat till {{ ansvarstak_procent }}" in result.output


def test_review_shows_a_parameters_scale(session: api.Session) -> None:
    from tendergen.review.diffout import show

    liability = session.library.clause("AVT-ANSVAR")
    assert liability is not None
    shown = show("parameters", dict(liability.data["parameters"]))
    assert ("ansvarstak_min_sek = 2000000 kronor (skala: estimated_value_sek < 300000 → 100000; "
            "estimated_value_sek < 700000 → 300000; estimated_value_sek < 2000000 → 700000)") in shown
