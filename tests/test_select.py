"""Selection: rules over facts, forced choices with reasons, and relations between clauses."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tendergen import api
from tendergen.core import select
from tendergen.core.model import Clause, Forced, Library, Profile, Rule
from tendergen.core.words import reason_text
from tendergen.errors import InvalidInput, Location

LOC = Location("t.yaml", 1, 1)


def clause(cid: str, when: Rule | None = None, **kw: object) -> Clause:
    return Clause(id=cid, version="1", status="approved", title=cid, area="exit", document="kravspecifikation",
                  section="exit", kind="ska-krav", text="Text.", motiv="Motiv.", location=LOC, when=when, **kw)  # type: ignore[arg-type]


def fact_is(fact: str, value: object, op: str = "eq") -> Rule:
    return Rule("test", fact=fact, test=op, value=value)


def library(*clauses: Clause) -> Library:
    return Library("t", "1", tuple(clauses), {}, {}, (), {})


def profile(**facts: object) -> Profile:
    return Profile("T", "R", "Org", "2026-11-21", facts, LOC)


def decisions(lib: Library, prof: Profile) -> dict[str, tuple[bool, tuple[str, ...]]]:
    return {d.clause.id: (d.included, tuple(map(reason_text, d.reasons))) for d in select.select(lib, prof)}


def test_rules_and_reasons() -> None:
    lib = library(
        clause("A", fact_is("personal_data", True)),
        clause("B", Rule("all", (fact_is("personal_data", True), fact_is("estimated_value_sek", 1_000_000, "gte")))),
        clause("C", Rule("any", (fact_is("delivery_model", ["saas", "hybrid"], "in"), fact_is("hardware", True)))),
        clause("D", Rule("not", (fact_is("direct_award", True),))),
        clause("E"),
        replace(clause("F"), status="retired"),
    )
    got = decisions(lib, profile(personal_data=True, estimated_value_sek=500_000, delivery_model="on-premises",
                                 hardware=False, direct_award=False))
    assert got["A"] == (True, ("regeln är uppfylld: personal_data = true (profil: true) ✓",))
    assert got["B"] == (False, ("regeln är inte uppfylld: estimated_value_sek ≥ 1000000 (profil: 500000) ✗",))
    assert got["C"][0] is False
    assert "delivery_model ∈ {saas, hybrid} (profil: on-premises) ✗" in got["C"][1][0]
    assert got["D"] == (True, ("regeln är uppfylld: direct_award ≠ true (profil: false) ✓",))
    assert got["E"] == (True, ("gäller alltid (ingen regel)",))
    assert got["F"] == (False, ("klausulen är utgången (retired)",))


def test_forced_choices_carry_their_reason() -> None:
    lib = library(clause("A", fact_is("hardware", True)), clause("B"))
    prof = replace(profile(hardware=False),
                   include=(Forced("A", "Vi köper även dockningsstationer.", LOC),),
                   exclude=(Forced("B", "Ersätts av kommunens egen bilaga.", LOC),))
    got = decisions(lib, prof)
    assert got["A"][0] is True and got["A"][1][-1] == "tvingad in av profilen: Vi köper även dockningsstationer."
    assert got["B"][0] is False and got["B"][1][-1] == "tvingad ut av profilen: Ersätts av kommunens egen bilaga."
    forced = select.decision_fields(next(d for d in select.select(lib, prof) if d.clause.id == "A"))
    assert forced["forced_by"] == {"choice": "include", "reason": "Vi köper även dockningsstationer."}


def test_requires_pulls_in_and_excludes_drops() -> None:
    lib = library(
        clause("A", fact_is("personal_data", True), requires=("B",)),
        clause("B", fact_is("hardware", True), requires=("C",)),
        clause("C", fact_is("hardware", True)),
        clause("D", fact_is("personal_data", True), excludes=("E",)),
        clause("E"),
    )
    got = decisions(lib, profile(personal_data=True, hardware=False))
    fields = {d.clause.id: select.decision_fields(d) for d in select.select(lib, profile(personal_data=True,
                                                                                          hardware=False))}
    assert fields["B"]["rule"] == "rule-not-met" and fields["B"]["required_by"] == ["A"]
    assert fields["B"]["checks"] == [{"fact": "hardware", "test": "eq", "expected": True, "actual": False,
                                      "satisfied": False}]
    assert fields["E"]["excluded_by"] == ["D"] and fields["E"]["rule"] == "always"
    assert got["B"] == (True, (got["B"][1][0], "krävs av A"))
    assert got["C"][0] is True and got["C"][1][-1] == "krävs av B"
    assert got["E"] == (False, ("gäller alltid (ingen regel)", "utesluts av D"))


def test_forced_exclusion_of_a_required_clause_is_an_error() -> None:
    lib = library(clause("A", requires=("B",)), clause("B"))
    prof = replace(profile(), exclude=(Forced("B", "Behövs inte i detta fall.", Location("p.yaml", 9, 5)),))
    with pytest.raises(InvalidInput) as exc:
        select.select(lib, prof)
    assert str(exc.value.problems[0]).startswith("p.yaml:9:5: clause 'B' is excluded, but 'A' requires it")


def test_examples_select_the_expected_areas(session: api.Session) -> None:
    from conftest import ROOT

    def areas(name: str) -> set[str]:
        prof = api.load_profile(session, ROOT / "examples" / name)
        return {d.clause.area for d in api.decide(session, prof) if d.included}

    def ids(name: str) -> set[str]:
        prof = api.load_profile(session, ROOT / "examples" / name)
        return {d.clause.id for d in api.decide(session, prof) if d.included}

    saas = areas("saas-verksamhetssystem.yaml")
    assert {"tillganglighet", "exit", "informationssakerhet", "personuppgifter", "sekretess"} <= saas
    hardware = areas("hardvara-ramavtal.yaml")
    assert "personuppgifter" not in hardware  # no PUB-avtal without personal data
    assert "hallbarhet" in hardware
    assert "SAK-INCIDENT" in ids("saas-verksamhetssystem.yaml")
    assert "SAK-INCIDENT" not in ids("hardvara-ramavtal.yaml")
