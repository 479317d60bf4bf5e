"""The bundled clause library: lint-clean, and each example gets the areas a procurer expects."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT
from tendergen import api
from tendergen.core.lint import lint
from test_validate import CLAUSE, WORKSPACE

DESIGN_AREAS = {"tillganglighet", "exit", "informationssakerhet", "sekretess", "personuppgifter", "kris",
                "hallbarhet", "ai", "sanktioner", "sla", "leverans", "samverkan", "andringar", "ekonomi",
                "underleverantorer", "upphandling", "avtal", "lathund", "arkiv", "valfardsteknik"}


def selection(session: api.Session, name: str) -> tuple[set[str], set[str]]:
    profile = api.load_profile(session, ROOT / "examples" / f"{name}.yaml")
    chosen = [d.clause for d in api.decide(session, profile) if d.included]
    return {c.area for c in chosen}, {c.id for c in chosen}


def test_bundled_library_is_lint_clean(session: api.Session) -> None:
    report = lint(session.library)
    assert report.problems == (), "\n".join(map(str, report.problems))
    assert all(c.legal_review_note for c in report.needs_review)


def test_library_size_and_every_area_selected_by_some_example(session: api.Session) -> None:
    assert len(session.library.clauses) >= 80
    selected: set[str] = set()
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        selected |= selection(session, path.stem)[0]
    assert {c.area for c in session.library.clauses} <= DESIGN_AREAS
    assert DESIGN_AREAS - selected == set()


def test_citizen_facing_saas_above_threshold(session: api.Session) -> None:
    areas, ids = selection(session, "saas-verksamhetssystem")
    assert {"tillganglighet", "exit", "informationssakerhet", "personuppgifter", "sekretess", "sla"} <= areas
    assert "TILL-WCAG21" in ids and "TILL-WCAG21-BOR" not in ids  # ska-krav for citizen-facing services
    assert {"PUB-AVTAL", "PUB-TREDJELAND-OVERFORING", "EXIT-BYTE-MOLN", "SANK-RYSSLAND-UTESLUTNING"} <= ids
    assert "ai" not in areas and "HALL-MILJOMARKNING" not in ids  # no AI, no hardware


def test_hardware_framework_without_personal_data(session: api.Session) -> None:
    areas, ids = selection(session, "hardvara-ramavtal")
    assert not any(i.startswith("PUB-") and i != "PUB-RFI-MOLNALTERNATIV" for i in ids)  # no PUB-avtal
    assert {"HALL-MILJOMARKNING", "HALL-TRANSPORT", "KRIS-LAGER"} <= ids
    assert "tillganglighet" not in areas and "TILL-WCAG21" not in ids


def test_direct_procurement_has_no_lou_tender_machinery(session: api.Session) -> None:
    areas, ids = selection(session, "direktupphandling-enkatverktyg")
    assert "SEK-ANBUD" not in ids and "SANK-RYSSLAND-UTESLUTNING" not in ids
    assert not any(i.startswith("UPPH-") and i != "UPPH-RFI-MARKNAD" for i in ids), ids
    assert {"personuppgifter", "exit", "informationssakerhet"} <= areas
    assert "TILL-WCAG21" in ids and "TILL-WCAG21-BOR" not in ids  # ska-krav at any value (DOS-lagen)


def test_welfare_technology_is_critical_and_sensitive(session: api.Session) -> None:
    areas, ids = selection(session, "valfardsteknik-trygghetslarm")
    assert {"ai", "kris", "hallbarhet", "personuppgifter"} <= areas
    assert {"PUB-LAGRING-EES-KANSLIGA", "KRIS-KONTINUITETSPLAN", "SLA-TILLGANGLIGHET-KRITISK"} <= ids
    assert "PUB-LAGRING-EES" not in ids and "SLA-TILLGANGLIGHET" not in ids


def test_consultants_with_classified_information(session: api.Session) -> None:
    areas, ids = selection(session, "it-konsulter-ramavtal")
    assert {"SEK-SAKERHETSSKYDDSAVTAL", "SEK-FORBINDELSE", "HALL-KONSULTER-PLATS", "SAK-HOG-PERSONAL"} <= ids
    assert not any(i.startswith("PUB-") and i != "PUB-RFI-MOLNALTERNATIV" for i in ids)
    assert "SAK-HOG-DRIFT" not in ids


@pytest.mark.parametrize(("change", "finding"), [
    (lambda t: t.replace("{{ dagar }}", "90"), "parameter 'dagar' is not used in the text"),
    (lambda t: t.replace(", stricter: higher", ""),
     "numeric parameter 'dagar' does not declare which direction is stricter"),
    (lambda t: t + 'legal_basis:\n  - {ref: lou, provision: "7 kap. 2 §"}\n', "cites unverified 7 kap. 2 § LOU"),
    (lambda t: t.replace(" dagar.", " dagar enligt [[AVT-FINNS-INTE]]."),
     "refers to [[AVT-FINNS-INTE]], which is not a clause of the library"),
    (lambda t: t.replace(" dagar.", " dagar enligt avsnittet om hävning."),
     "refers to another clause in words ('avsnittet om' …)"),
    # Shared quantities (library.yaml quantities:): EXIT-RADERING states backup_deletion_days as 90.
    (lambda t: t.replace("stricter: higher}", "stricter: higher, quantity: backup_deletion_days}")
     .replace("default: 90", "default: 30"),
     "states backup_deletion_days as 30 (dagar) while EXIT-RADERING states it as 90 (sakerhetskopior_dagar)"),
    (lambda t: t.replace("stricter: higher}", "stricter: higher, quantity: raderingsdagar}"),
     "parameter 'dagar' states the undeclared quantity 'raderingsdagar'"),
    (lambda t: t.replace(" dagar.", " dagar och radera säkerhetskopior efter 30 dagar."),
     "writes backup_deletion_days as a number ('säkerhetskopior efter 30 dagar')"),
])
def test_lint_findings(tree: Callable[[dict[str, str]], Path], change: Callable[[str], str], finding: str) -> None:
    base = tree({"tendergen.yaml": WORKSPACE, "lokalt/x/a.yaml": change(CLAUSE.format(id="LOK-A"))})
    report = lint(api.open_session(base / "tendergen.yaml").library)
    (problem,) = report.problems
    assert str(problem).startswith("lokalt/x/a.yaml:1:5: LOK-A: " + finding)


def test_lint_finds_near_duplicates(tree: Callable[[dict[str, str]], Path]) -> None:
    text = CLAUSE.format(id="LOK-A").replace(
        "Leverantören ska logga i {{ dagar }} dagar.",
        "Leverantören ska logga alla administrativa åtgärder i tjänsten och spara loggarna i {{ dagar }} dagar "
        "så att Kommunen kan följa upp vem som gjort vad och när i tjänsten.")
    base = tree({"tendergen.yaml": WORKSPACE, "lokalt/x/a.yaml": text,
                 "lokalt/x/b.yaml": text.replace("LOK-A", "LOK-B").replace("och när", "och när samt")})
    report = lint(api.open_session(base / "tendergen.yaml").library)
    assert any("LOK-B: text is a near-duplicate of LOK-A" in str(p) for p in report.problems)


def test_a_shared_quantity_with_the_same_value_is_clean(tree: Callable[[dict[str, str]], Path]) -> None:
    text = CLAUSE.format(id="LOK-A").replace("stricter: higher}", "stricter: higher, quantity: backup_deletion_days}")
    base = tree({"tendergen.yaml": WORKSPACE, "lokalt/x/a.yaml": text})
    assert lint(api.open_session(base / "tendergen.yaml").library).problems == ()


def test_a_build_names_a_shared_quantity_given_two_values(tmp_path: Path, session: api.Session) -> None:
    text = (ROOT / "examples" / "saas-verksamhetssystem.yaml").read_text("utf-8")
    mark = "\nparameters:\n"
    assert mark in text
    (tmp_path / "p.yaml").write_text(text.replace(mark, mark + "  SAK-LOGGNING: {lagringstid_manader: 24}\n"), "utf-8")
    result = api.build(session, tmp_path / "p.yaml", tmp_path / "out")
    (warning,) = [w for w in result.warnings if w.startswith("contradiction:")]
    assert "log_retention_months" in warning and "SAK-LOGGNING lagringstid_manader = 24" in warning
    assert "PUB-INSTR-SAKERHET logg_manader = 12" in warning
    same = text.replace(mark, mark + "  SAK-LOGGNING: {lagringstid_manader: 24}\n"
                                     "  PUB-INSTR-SAKERHET: {logg_manader: 24}\n")
    (tmp_path / "q.yaml").write_text(same, "utf-8")
    result = api.build(session, tmp_path / "q.yaml", tmp_path / "out2")
    assert not [w for w in result.warnings if w.startswith("contradiction:")]
