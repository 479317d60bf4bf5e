"""Property tests (hypothesis): rules over any facts, and profile validation of any profile.

Nothing here touches the disk or LibreOffice: profiles are YAML text parsed in memory.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tendergen import api
from tendergen.core import load, validate, words
from tendergen.core.load import read_schema
from tendergen.core.model import Rule
from tendergen.core.select import NEGATION, evaluate
from tendergen.errors import InvalidInput, TendergenError

FACT_SCHEMAS: dict[str, Any] = read_schema("profile.schema.json")["properties"]["facts"]["properties"]
FACTS = sorted(FACT_SCHEMAS)
TESTS = sorted(NEGATION)
SCALARS = st.one_of(st.booleans(), st.integers(-10, 3_000_000), st.floats(allow_nan=False, allow_infinity=False),
                    st.sampled_from([v for s in FACT_SCHEMAS.values() for v in s.get("enum", [])]), st.text(max_size=8))


def fact_value(name: str) -> st.SearchStrategy[Any]:
    schema = FACT_SCHEMAS.get(name, {})
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    return {"boolean": st.booleans(), "integer": st.integers(0, 5_000_000)}.get(schema.get("type"), SCALARS)


@st.composite
def fact_tests(draw: st.DrawFn) -> Rule:
    fact = draw(st.sampled_from(FACTS))
    test = draw(st.sampled_from(TESTS))
    if test in ("in", "not_in"):
        value: Any = draw(st.lists(fact_value(fact), min_size=1, max_size=3))
    elif test in ("gt", "gte", "lt", "lte"):
        value = draw(st.integers(0, 5_000_000))
    else:
        value = draw(fact_value(fact))
    return Rule("test", fact=fact, test=test, value=value)


RULES = st.recursive(fact_tests(), lambda children: st.one_of(
    st.builds(lambda c: Rule("not", (c,)), children),
    st.builds(lambda op, cs: Rule(op, tuple(cs)), st.sampled_from(["all", "any"]),
              st.lists(children, min_size=1, max_size=4))), max_leaves=8)


@st.composite
def fact_sets(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.sets(st.sampled_from(FACTS)))
    values = {n: draw(fact_value(n)) for n in names}
    # ordering tests compare numbers: keep a number where one is needed, as validation guarantees
    values["estimated_value_sek"] = draw(st.integers(0, 5_000_000))
    return values


def truth(rule: Rule, facts: Mapping[str, Any]) -> bool:
    """The rule's meaning, written independently of select.evaluate."""
    if rule.op == "all":
        return all(truth(c, facts) for c in rule.children)
    if rule.op == "any":
        return any(truth(c, facts) for c in rule.children)
    if rule.op == "not":
        return not truth(rule.children[0], facts)
    actual = facts.get(rule.fact)
    if rule.test in ("in", "not_in"):
        return (actual in rule.value) == (rule.test == "in")
    if rule.test in ("eq", "ne"):
        return (actual == rule.value) == (rule.test == "eq")
    if not isinstance(actual, int | float) or isinstance(actual, bool):
        return False
    return {"gt": actual > rule.value, "gte": actual >= rule.value, "lt": actual < rule.value,
            "lte": actual <= rule.value}[rule.test]


def numeric_only(rule: Rule) -> bool:
    """Ordering tests only on the numeric fact (what rule validation allows)."""
    if rule.op == "test":
        return rule.test not in ("gt", "gte", "lt", "lte") or rule.fact == "estimated_value_sek"
    return all(numeric_only(c) for c in rule.children)


@settings(max_examples=300, deadline=None)
@given(RULES.filter(numeric_only), fact_sets())
def test_rules_mean_what_they_say_and_explain_themselves(rule: Rule, facts: dict[str, Any]) -> None:
    outcome, checks = evaluate(rule, facts)
    assert outcome == truth(rule, facts)
    assert checks, "every decision is explained by at least one check"
    negated, negated_checks = evaluate(Rule("not", (rule,)), facts)
    assert negated is not outcome and len(negated_checks) == len(checks)
    for check in checks:  # every check reports the profile's value and its own verdict truthfully
        assert check.actual == facts.get(check.fact)
        single = Rule("test", fact=check.fact, test=check.test, value=check.expected)
        assert truth(single, facts) == check.satisfied
    text = words.rule_text(rule)
    assert text.count("(") == text.count(")")


PROFILE_KEYS = sorted(read_schema("profile.schema.json")["properties"]) + ["facts", "facts", "okänd_nyckel"]
JSONISH = st.recursive(st.one_of(st.none(), SCALARS), lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["name", "clause", "reason", "years", "x"]), inner,
                                                 max_size=3)), max_leaves=6)


@st.composite
def profiles(draw: st.DrawFn) -> Any:
    """Mostly plausible profiles with mistakes mixed in, sometimes anything at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(JSONISH)
    facts = {n: draw(st.one_of(fact_value(n), SCALARS)) if draw(st.booleans()) else draw(fact_value(n))
             for n in draw(st.sets(st.sampled_from([*FACTS, "persnal_data"]), min_size=1))}
    data: dict[str, Any] = {"title": draw(st.text(max_size=20)), "reference": draw(st.text(max_size=10)),
                            "facts": facts}
    for key in draw(st.sets(st.sampled_from(PROFILE_KEYS), max_size=4)):
        data[key] = draw(JSONISH)
    if draw(st.booleans()):
        data["date"] = draw(st.sampled_from(["2026-11-21", "2026-02-30", "21/11/2026", ""]))
    return data


@cache
def bundled() -> api.Library:
    return api.open_library(load.data_root() / "clauses")[0]


@settings(max_examples=200, deadline=None)
@given(data=profiles())
def test_any_profile_validates_or_fails_with_located_problems(data: Any) -> None:
    library = bundled()
    text = json.dumps(data, ensure_ascii=False)  # JSON is YAML: the same path as a profile file
    try:
        source = load.Source(load.parse_yaml(text, "profil.yaml"), "profil.yaml", Path("profil.yaml"), text.encode())
        profile = validate.profile(source, library, organisation="Testkommunen", today="2026-12-01")
    except InvalidInput as exc:
        problems: tuple[TendergenError, ...] = exc.problems or (exc,)
        for problem in problems:
            assert problem.location is not None and problem.location.path == "profil.yaml", str(problem)
            assert problem.location.line >= 1, str(problem)
            assert problem.message
        return
    assert profile.title == data["title"] and set(data["facts"]) <= set(profile.facts)
