"""Pure selection: (Library, Profile) -> one Decision per clause, each with the reasons that decided it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from tendergen.core.model import Check, Clause, Decision, Library, Profile, Rule
from tendergen.core.tender import unvalued
from tendergen.errors import InvalidInput, TendergenError, raise_if

NEGATION = {"eq": "ne", "ne": "eq", "in": "not_in", "not_in": "in", "gt": "lte", "lte": "gt", "gte": "lt", "lt": "gte"}
SYMBOLS = {"eq": "=", "ne": "≠", "in": "∈", "not_in": "∉", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}


def _passes(test: str, actual: Any, expected: Any) -> bool:
    if test == "eq":
        return bool(actual == expected)
    if test == "ne":
        return bool(actual != expected)
    if test == "in":
        return actual in expected
    if test == "not_in":
        return actual not in expected
    if actual is None:
        return False
    return bool({"gt": actual > expected, "gte": actual >= expected,
                 "lt": actual < expected, "lte": actual <= expected}[test])


def evaluate(rule: Rule, facts: Mapping[str, Any]) -> tuple[bool, tuple[Check, ...]]:
    """Evaluate a rule; return the outcome and the checks that decided it."""
    if rule.op == "test":
        actual = facts.get(rule.fact)
        check = Check(rule.fact, rule.test, rule.value, actual, _passes(rule.test, actual, rule.value))
        return check.passed, (check,)
    results = [evaluate(child, facts) for child in rule.children]
    if rule.op == "not":
        outcome, checks = results[0]
        return not outcome, tuple(Check(c.fact, NEGATION[c.test], c.expected, c.actual, not c.passed) for c in checks)
    outcome = all(r for r, _ in results) if rule.op == "all" else any(r for r, _ in results)
    # Explain with the children that agree with the outcome: for a failed `all`, the failing ones.
    deciding = [checks for r, checks in results if r == outcome]
    return outcome, tuple(c for checks in deciding for c in checks)


def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "{" + ", ".join(format_value(v) for v in value) + "}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def describe(check: Check) -> str:
    """One check as text: `personal_data = true (profil: false) ✗`."""
    mark = "✓" if check.passed else "✗"
    return (f"{check.fact} {SYMBOLS[check.test]} {format_value(check.expected)} "
            f"(profil: {format_value(check.actual)}) {mark}")


def select(library: Library, profile: Profile) -> tuple[Decision, ...]:
    """Decide every clause: its rule, then the profile's forced choices, then requires/excludes/replaces."""
    included: dict[str, bool] = {}
    reasons: dict[str, list[str]] = {}
    checks: dict[str, tuple[Check, ...]] = {}
    forced_in = {f.clause: f for f in profile.include}
    forced_out = {f.clause: f for f in profile.exclude}
    by_id = {c.id: c for c in library.clauses}

    for c in library.clauses:
        if c.status == "retired":
            included[c.id], reasons[c.id] = False, ["klausulen är utgången (retired)"]
        elif c.when is None:
            included[c.id], reasons[c.id] = True, ["gäller alltid (ingen regel)"]
        else:
            outcome, checks[c.id] = evaluate(c.when, profile.facts)
            verdict = "regeln är uppfylld" if outcome else "regeln är inte uppfylld"
            included[c.id], reasons[c.id] = outcome, [f"{verdict}: " + "; ".join(map(describe, checks[c.id]))]
        if c.id in forced_in:
            included[c.id] = True
            reasons[c.id].append(f"tvingad in av profilen: {forced_in[c.id].reason}")
        if c.id in forced_out:
            included[c.id] = False
            reasons[c.id].append(f"tvingad ut av profilen: {forced_out[c.id].reason}")

    problems: list[TendergenError] = []
    _pull_required(library.clauses, by_id, included, reasons, forced_out, problems)
    _drop_excluded(library.clauses, included, reasons, forced_in, problems)
    raise_if(problems)
    own = profile.tender.requirements if profile.tender else ()
    decisions = (*(Decision(c, included[c.id], tuple(reasons[c.id]), checks.get(c.id, ())) for c in library.clauses),
                 *(Decision(c, True, ("eget krav i profilen",)) for c in own))
    info = {c.id for c in unvalued(decisions, profile.tender)}
    return tuple(replace(d, reasons=(*d.reasons, INFORMATION_ONLY)) if d.clause.id in info else d
                 for d in decisions)


INFORMATION_ONLY = "värderas inte i profilens utvärderingsmodell: besvaras som information och ger inget mervärde"


def _pull_required(clauses: tuple[Clause, ...], by_id: Mapping[str, Clause], included: dict[str, bool],
                   reasons: dict[str, list[str]], forced_out: Mapping[str, Any],
                   problems: list[TendergenError]) -> None:
    stack = [c.id for c in clauses if included[c.id]]
    while stack:
        source = stack.pop()
        for target in by_id[source].requires:
            if included[target]:
                continue
            if target in forced_out:
                problems.append(InvalidInput(
                    f"clause {target!r} is excluded, but {source!r} requires it",
                    location=forced_out[target].location,
                    hint=f"also exclude {source}, or remove the exclusion of {target}"))
                continue
            included[target] = True
            reasons[target].append(f"krävs av {source}")
            stack.append(target)


def _drop_excluded(clauses: tuple[Clause, ...], included: dict[str, bool], reasons: dict[str, list[str]],
                   forced_in: Mapping[str, Any], problems: list[TendergenError]) -> None:
    for c in clauses:
        if not included[c.id]:
            continue
        for relation, word in (("excludes", "utesluts av"), ("replaces", "ersätts av")):
            for target in getattr(c, relation):
                if not included.get(target):
                    continue
                if target in forced_in:
                    problems.append(InvalidInput(
                        f"clause {target!r} is included, but {c.id!r} {relation} it",
                        location=forced_in[target].location,
                        hint=f"also exclude {c.id}, or remove the inclusion of {target}"))
                    continue
                needed_by = [r for r in reasons[target] if r.startswith("krävs av")]
                if needed_by:
                    problems.append(InvalidInput(
                        f"clause {target!r} {needed_by[0].replace('krävs av', 'is required by')}, "
                        f"but {c.id!r} {relation} it",
                        location=c.location, hint="the library's relations conflict for this profile"))
                    continue
                included[target] = False
                reasons[target].append(f"{word} {c.id}")
