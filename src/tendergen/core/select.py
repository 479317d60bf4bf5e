"""Pure selection: (Library, Profile) -> one Decision per clause, each with the reasons that decided it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from tendergen.core.model import RULE_CAUSES, Cause, Check, Clause, Decision, Library, Profile, Reason, Rule
from tendergen.core.tender import unvalued
from tendergen.errors import InvalidInput, TendergenError, raise_if

NEGATION = {"eq": "ne", "ne": "eq", "in": "not_in", "not_in": "in", "gt": "lte", "lte": "gt", "gte": "lt", "lt": "gte"}


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
        return check.satisfied, (check,)
    results = [evaluate(child, facts) for child in rule.children]
    if rule.op == "not":
        outcome, checks = results[0]
        return not outcome, tuple(Check(c.fact, NEGATION[c.test], c.expected, c.actual, not c.satisfied)
                                  for c in checks)
    outcome = all(r for r, _ in results) if rule.op == "all" else any(r for r, _ in results)
    # Explain with the children that agree with the outcome: for a failed `all`, the failing ones.
    deciding = [checks for r, checks in results if r == outcome]
    return outcome, tuple(c for checks in deciding for c in checks)


def select(library: Library, profile: Profile) -> tuple[Decision, ...]:
    """Decide every clause: its rule, then the profile's forced choices, then requires/excludes/replaces."""
    included: dict[str, bool] = {}
    reasons: dict[str, list[Reason]] = {}
    forced_in = {f.clause: f for f in profile.include}
    forced_out = {f.clause: f for f in profile.exclude}
    by_id = {c.id: c for c in library.clauses}

    for c in library.clauses:
        if c.status == "retired":
            included[c.id], reasons[c.id] = False, [Reason(Cause.RETIRED)]
        elif c.when is None:
            included[c.id], reasons[c.id] = True, [Reason(Cause.ALWAYS)]
        else:
            outcome, checks = evaluate(c.when, profile.facts)
            included[c.id], reasons[c.id] = outcome, [Reason(Cause.RULE_MET if outcome else Cause.RULE_NOT_MET, checks)]
        if c.id in forced_in:
            included[c.id] = True
            reasons[c.id].append(Reason(Cause.FORCED_IN, note=forced_in[c.id].reason))
        if c.id in forced_out:
            included[c.id] = False
            reasons[c.id].append(Reason(Cause.FORCED_OUT, note=forced_out[c.id].reason))

    problems: list[TendergenError] = []
    _pull_required(library.clauses, by_id, included, reasons, forced_out, problems)
    _drop_excluded(library.clauses, included, reasons, forced_in, problems)
    raise_if(problems)
    own = profile.tender.requirements if profile.tender else ()
    decisions = (*(Decision(c, included[c.id], tuple(reasons[c.id])) for c in library.clauses),
                 *(Decision(c, True, (Reason(Cause.OWN_REQUIREMENT),)) for c in own))
    info = {c.id for c in unvalued(decisions, profile.tender)}
    return tuple(replace(d, reasons=(*d.reasons, Reason(Cause.INFORMATION_ONLY))) if d.clause.id in info else d
                 for d in decisions)


def _pull_required(clauses: tuple[Clause, ...], by_id: Mapping[str, Clause], included: dict[str, bool],
                   reasons: dict[str, list[Reason]], forced_out: Mapping[str, Any],
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
            reasons[target].append(Reason(Cause.REQUIRED_BY, clause=source))
            stack.append(target)


def _drop_excluded(clauses: tuple[Clause, ...], included: dict[str, bool], reasons: dict[str, list[Reason]],
                   forced_in: Mapping[str, Any], problems: list[TendergenError]) -> None:
    for c in clauses:
        if not included[c.id]:
            continue
        for relation, cause in (("excludes", Cause.EXCLUDED_BY), ("replaces", Cause.REPLACED_BY)):
            for target in getattr(c, relation):
                if not included.get(target):
                    continue
                if target in forced_in:
                    problems.append(InvalidInput(
                        f"clause {target!r} is included, but {c.id!r} {relation} it",
                        location=forced_in[target].location,
                        hint=f"also exclude {c.id}, or remove the inclusion of {target}"))
                    continue
                needed_by = [r.clause for r in reasons[target] if r.cause is Cause.REQUIRED_BY]
                if needed_by:
                    problems.append(InvalidInput(
                        f"clause {target!r} is required by {needed_by[0]}, but {c.id!r} {relation} it",
                        location=c.location, hint="the library's relations conflict for this profile"))
                    continue
                included[target] = False
                reasons[target].append(Reason(cause, clause=c.id))


def decision_fields(decision: Decision) -> dict[str, Any]:
    """A decision's reasons as data for programs (explain --json, the manifest): no display text."""
    rule = next(r.cause for r in decision.reasons if r.cause in RULE_CAUSES)
    forced = next((r for r in decision.reasons if r.cause in (Cause.FORCED_IN, Cause.FORCED_OUT)), None)
    return {
        "rule": rule.value,
        "information_only": any(r.cause is Cause.INFORMATION_ONLY for r in decision.reasons),
        "checks": [{"fact": c.fact, "test": c.test, "expected": c.expected, "actual": c.actual,
                    "satisfied": c.satisfied} for c in decision.checks],
        "forced_by": None if forced is None else {
            "choice": "include" if forced.cause is Cause.FORCED_IN else "exclude", "reason": forced.note},
        "required_by": list(decision.related(Cause.REQUIRED_BY)),
        "excluded_by": list(decision.related(Cause.EXCLUDED_BY)),
        "replaced_by": list(decision.related(Cause.REPLACED_BY)),
    }
