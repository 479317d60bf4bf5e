"""Pure parameter resolution: a clause's parameter values for one profile, and where each comes from.

A value set in the profile's `parameters` wins; otherwise the profile's own content the parameter names as its
`source` (description, scope background, volumes); otherwise the first step of the parameter's `scale` whose
rule the profile's facts meet; otherwise the parameter's `default`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tendergen.core.model import Basis, Check, Clause, Parameter, Profile, Scalar, Setting
from tendergen.core.select import evaluate


def setting(param: Parameter, facts: Mapping[str, Any], chosen: Mapping[str, Scalar],
            content: Mapping[str, str] | None = None) -> Setting:
    """One parameter's value: the profile's choice, its content, the first scale step that applies, or the default."""
    if param.name in chosen:
        return Setting(param.name, chosen[param.name], Basis.PROFILE)
    found = next((content[s] for s in param.source if content and content.get(s)), "")
    if found:
        return Setting(param.name, found, Basis.PROFILE_CONTENT)
    missed: list[Check] = []
    for index, step in enumerate(param.scale):
        applies, checks = evaluate(step.when, facts)
        if applies:
            return Setting(param.name, step.default, Basis.SCALE, index, checks)
        missed.extend(c for c in checks if repr(c) not in map(repr, missed))  # each failed test once
    return Setting(param.name, param.default, Basis.DEFAULT, checks=tuple(missed))


def settings(clause: Clause, profile: Profile) -> tuple[Setting, ...]:
    """Every parameter of the clause, resolved for the profile."""
    chosen = profile.parameters.get(clause.id, {})
    content = profile_content(profile) if any(p.source for p in clause.parameters) else {}
    return tuple(setting(p, profile.facts, chosen, content) for p in clause.parameters)


def profile_content(profile: Profile) -> dict[str, str]:
    """The profile's own content a parameter may name as its `source`, as clause text ("" when absent)."""
    scope = profile.tender.scope if profile.tender is not None else None
    volumes = []
    for v in scope.volumes if scope else ():
        amount = v.per_year if v.per_year is not None else v.total
        number = f"{amount:,.0f}".replace(",", "\u00a0") if amount is not None else ""
        when = " per år" if v.per_year is not None else " totalt"
        volumes.append(f"{v.item} ({v.unit}): {number}{when}")  # the unit as data: "(timme): 50 per år"
    return {
        "description": " ".join(profile.description.split()),
        "scope.background": " ".join(" ".join(scope.background).split()) if scope else "",
        "scope.volumes": ("Uppskattade volymer: " + "; ".join(volumes) + ".") if volumes else "",
    }


def values(clause: Clause, profile: Profile) -> dict[str, Scalar]:
    """The clause's parameter values for the profile (profile over scale over default)."""
    return {s.name: s.value for s in settings(clause, profile)}


def setting_fields(found: Setting) -> dict[str, Any]:
    """A setting as data for programs (explain --json, the manifest): no display text."""
    return {"name": found.name, "value": found.value, "basis": found.basis.value, "step": found.step,
            "checks": [{"fact": c.fact, "test": c.test, "expected": c.expected, "actual": c.actual,
                        "satisfied": c.satisfied} for c in found.checks]}
