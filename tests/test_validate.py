"""Validation: every mistake is reported with file:line:col and a hint, all at once."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from tendergen import api
from tendergen.core import load, validate
from tendergen.core.model import Library, Profile
from tendergen.errors import InvalidInput

WORKSPACE = "organisation: Testkommunen\nclause_folders: [lokalt]\n"

CLAUSE = """\
id: {id}
version: "1.0"
status: approved
approved_by: Kommunjurist
approved_on: "2026-11-01"
title: Lokalt krav
area: informationssakerhet
document: kravspecifikation
section: informationssakerhet
kind: ska-krav
text:
  sv: Leverantören ska logga i {{{{ dagar }}}} dagar.
parameters:
  dagar: {{type: integer, default: 90, description: Lagringstid, stricter: higher}}
motiv: Kommunen behöver kunna spåra händelser.
verifikat: Anbudsgivaren bekräftar kravet.
acceptance: Kontrollera loggarna vid acceptanstest.
when:
  personal_data: true
"""

PROFILE = """\
title: Testupphandling
reference: KS 1
date: "2026-11-21"
facts:
  procedure: oppet-forfarande
  subcategory: verksamhetssystem
  delivery_model: saas
  estimated_value_sek: 3000000
  personal_data: true
"""


def problems_of(exc: pytest.ExceptionInfo[InvalidInput]) -> list[str]:
    return [str(p) for p in exc.value.problems] or [str(exc.value)]


def open_ws(tree: Callable[[dict[str, str]], Path], files: dict[str, str]) -> api.Session:
    base = tree({"tendergen.yaml": WORKSPACE, **files})
    return api.open_session(base / "tendergen.yaml")


@cache
def bundled() -> load.LibrarySources:
    return load.read_library_folder(load.data_root() / "clauses", "bundled")


def library_of(files: dict[str, str]) -> Library:
    """The bundled library with a workspace layer held in memory: {label: clause YAML}; no file is written."""
    sources = tuple(load.Source(load.parse_yaml(text, label), label, Path(label), text.encode())
                    for label, text in sorted(files.items()))
    layer = load.LibrarySources(Path("lokalt"), "workspace: lokalt", {}, sources)
    return validate.library([bundled(), layer], validate.facts(load.read_schema("profile.schema.json")))


def test_valid_workspace_clause_is_added(tree: Callable[[dict[str, str]], Path]) -> None:
    session = open_ws(tree, {"lokalt/sak/logg.yaml": CLAUSE.format(id="LOK-LOGG")})
    clause = session.library.clause("LOK-LOGG")
    assert clause is not None and clause.origin == "workspace: lokalt"
    assert clause.location.line == 1 and clause.location.path == "lokalt/sak/logg.yaml"


def test_malformed_yaml_points_at_line() -> None:
    with pytest.raises(InvalidInput) as exc:
        library_of({"lokalt/sak/trasig.yaml": "id: LOK-X\ntitle: [unclosed\nkind: ska-krav\n"})
    assert str(exc.value).startswith("lokalt/sak/trasig.yaml:3:")
    assert "YAML syntax error" in str(exc.value)
    assert "hint:" in str(exc.value)


def test_unknown_field_wrong_type_and_undeclared_fact_reported_together() -> None:
    bad = (CLAUSE.format(id="LOK-A")
           .replace("motiv:", "verifkat: stavfel\nmotiv:")
           .replace('version: "1.0"', "version: [1]")
           .replace("personal_data: true", "personal_dta: true"))
    with pytest.raises(InvalidInput) as exc:
        library_of({"lokalt/sak/a.yaml": bad})
    found = problems_of(exc)
    assert any(p.startswith("lokalt/sak/a.yaml:2:10: version: [1] is not of type string") for p in found), found
    assert any(p.startswith("lokalt/sak/a.yaml:15:1: unknown field 'verifkat'") and "did you mean 'verifikat'" in p
               for p in found), found
    # The rule is checked in the same run only when the clause passes the schema; fix the schema errors first.
    fixed = CLAUSE.format(id="LOK-A").replace("personal_data: true", "personal_dta: true")
    with pytest.raises(InvalidInput) as exc:
        library_of({"lokalt/sak/a.yaml": fixed})
    assert problems_of(exc) == [
        "lokalt/sak/a.yaml:19:3: rule names undeclared fact 'personal_dta'\n  hint: did you mean 'personal_data'?"
    ]


def test_rule_value_must_fit_the_fact() -> None:
    bad = CLAUSE.format(id="LOK-B").replace("personal_data: true", "delivery_model: {in: [saas, moln]}")
    with pytest.raises(InvalidInput) as exc:
        library_of({"lokalt/sak/b.yaml": bad})
    (problem,) = problems_of(exc)
    assert "'moln' is not a possible value of fact 'delivery_model'" in problem
    assert "use one of: saas, hosted, on-premises, hybrid, ingen" in problem


def test_undefined_text_parameter() -> None:
    bad = CLAUSE.format(id="LOK-C").replace("{{ dagar }}", "{{ dygn }}")
    with pytest.raises(InvalidInput) as exc:
        library_of({"lokalt/sak/c.yaml": bad})
    assert any("text.sv uses undefined parameter 'dygn'" in p for p in problems_of(exc))


def test_duplicate_ids_cycles_and_conflicts() -> None:
    a = CLAUSE.format(id="LOK-A") + "requires: [LOK-B]\n"
    b = CLAUSE.format(id="LOK-B") + "requires: [LOK-A]\n"
    c = CLAUSE.format(id="LOK-C") + "requires: [LOK-D]\nexcludes: [LOK-D]\n"
    d = CLAUSE.format(id="LOK-D")
    with pytest.raises(InvalidInput) as exc:
        library_of({"lokalt/x/a.yaml": a, "lokalt/x/b.yaml": b, "lokalt/x/c.yaml": c, "lokalt/x/d.yaml": d,
                       "lokalt/x/e.yaml": d})
    found = "\n".join(problems_of(exc))
    assert "lokalt/x/e.yaml:1:5: duplicate clause id 'LOK-D'" in found
    assert "LOK-A: 'requires' forms a cycle back to LOK-A" in found
    assert "LOK-C: clause 'LOK-D' is both required and excluded when LOK-C applies" in found


def test_unknown_provision_and_section() -> None:
    bad = (CLAUSE.format(id="LOK-E").replace("section: informationssakerhet", "section: sakerhet")
           + 'legal_basis:\n  - {ref: lou, provision: "99 kap. 1 §"}\n')
    with pytest.raises(InvalidInput) as exc:
        library_of({"lokalt/x/e.yaml": bad})
    found = "\n".join(problems_of(exc))
    assert "section 'sakerhet' is not a section of 'kravspecifikation'" in found
    assert "provision '99 kap. 1 §' is not declared under 'lou'" in found


def test_override_by_id_is_marked(tree: Callable[[dict[str, str]], Path], runner) -> None:  # type: ignore[no-untyped-def]
    from tendergen.cli import cli

    override = CLAUSE.format(id="SAK-INCIDENT").replace("Lokalt krav", "Lokal incidentrapportering")
    base = tree({"tendergen.yaml": WORKSPACE, "lokalt/sak/incident.yaml": override, "p.yaml": PROFILE})
    session = api.open_session(base / "tendergen.yaml")
    clause = session.library.clause("SAK-INCIDENT")
    assert clause is not None and clause.title == "Lokal incidentrapportering"
    assert clause.overrides is not None and clause.overrides.path.endswith("incidentrapportering.yaml")
    result = runner.invoke(cli, ["explain", "p.yaml"])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "SAK-INCIDENT" in x)
    assert "[override of <tendergen>/clauses/informationssakerhet/incidentrapportering.yaml" in line


# --- profiles ---------------------------------------------------------------------------------


def check(text: str, session: api.Session) -> Profile:
    """Validate profile text in memory: no file is written or read."""
    return api.profile_from_text(session, text, "p.yaml")


def test_profile_defaults_and_derived_facts(session: api.Session) -> None:
    profile = check(PROFILE + "organisation: Testkommunen\n", session)
    assert profile.facts["citizen_facing"] is False  # schema default
    assert profile.facts["above_eu_threshold"] is True
    assert profile.facts["direct_award"] is False
    assert profile.facts["cloud_service"] is True


def test_direct_award_above_limit_names_limit_and_source(session: api.Session) -> None:
    text = PROFILE.replace("oppet-forfarande", "direktupphandling").replace("3000000", "750000")
    with pytest.raises(InvalidInput) as exc:
        check(text + "organisation: X-kommun\n", session)
    (problem,) = problems_of(exc)
    assert problem.startswith("p.yaml:8:24: estimated value 750\u00a0000\u00a0kr is above the direktupphandlingsgräns "
                              "700\u00a0000\u00a0kr (19 a kap. LOU; source: Upphandlingsmyndigheten")
    assert "contact the procurement unit" in problem


def test_direct_award_near_limit_warns(session: api.Session) -> None:
    text = PROFILE.replace("oppet-forfarande", "direktupphandling").replace("3000000", "600000")
    profile = check(text + "organisation: X-kommun\ncontact: {name: A, email: a@x.se, phone: '010-1'}\n", session)
    (warning,) = profile.warnings
    assert warning.startswith("p.yaml:8:24: estimated value 600\u00a0000\u00a0kr is 86% of the direktupphandlingsgräns")


def test_profile_problems_are_all_reported(session: api.Session) -> None:
    text = PROFILE.replace("saas", "sas") + "organisation: Xby\ninclude:\n  - {clause: SAK-INCIDENT, reason: kort}\n"
    with pytest.raises(InvalidInput) as exc:
        check(text, session)
    found = problems_of(exc)
    assert len(found) == 2, found
    assert found[0].startswith("p.yaml:7:19: facts.delivery_model: 'sas' is not allowed here")
    assert found[1].startswith("p.yaml:12:36: include.reason: 'kort' is too short")


def test_profile_parameter_checks(session: api.Session) -> None:
    text = PROFILE + ("organisation: Xby\n"
                      "parameters:\n  SAK-INCIDENT: {varsel_timmar: sex, okand: 1}\n  NO-SUCH: {a: 1}\n")
    with pytest.raises(InvalidInput) as exc:
        check(text, session)
    found = "\n".join(problems_of(exc))
    assert "p.yaml:12:33: SAK-INCIDENT.varsel_timmar: 'sex' is not of type integer" in found
    assert "SAK-INCIDENT has no parameter 'okand'" in found
    assert "p.yaml:13:3: parameters for unknown clause 'NO-SUCH'" in found


def test_missing_organisation_is_an_error(session: api.Session) -> None:
    with pytest.raises(InvalidInput) as exc:
        check(PROFILE, session)
    assert "no organisation" in str(exc.value)


def test_duplicate_key_is_located(session: api.Session) -> None:
    with pytest.raises(InvalidInput) as exc:
        check(PROFILE + "title: Igen\n", session)
    assert str(exc.value).startswith("p.yaml:10:1: duplicate key 'title'")


def test_unquoted_date_is_accepted(session: api.Session) -> None:
    profile = check(PROFILE.replace('date: "2026-11-21"', "date: 2026-11-21") + "organisation: Xby\n", session)
    assert profile.date == "2026-11-21"
