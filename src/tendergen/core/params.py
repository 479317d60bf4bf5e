"""Pure parameter resolution: a clause's parameter values for one profile, and where each comes from.

A value set in the profile's `parameters` wins; otherwise the first step of the parameter's `scale` whose
rule the profile's facts meet; otherwise the parameter's `default`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tendergen.core.model import Basis, Check, Clause, Parameter, Profile, Scalar, Setting
from tendergen.core.select import evaluate


def setting(param: Parameter, facts: Mapping[str, Any], chosen: Mapping[str, Scalar]) -> Setting:
    """One parameter's value: the profile's choice, the first scale step that applies, or the default."""
    if param.name in chosen:
        return Setting(param.name, chosen[param.name], Basis.PROFILE)
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
    return tuple(setting(p, profile.facts, chosen) for p in clause.parameters)


def values(clause: Clause, profile: Profile) -> dict[str, Scalar]:
    """The clause's parameter values for the profile (profile over scale over default)."""
    return {s.name: s.value for s in settings(clause, profile)}


def setting_fields(found: Setting) -> dict[str, Any]:
    """A setting as data for programs (explain --json, the manifest): no display text."""
    return {"name": found.name, "value": found.value, "basis": found.basis.value, "step": found.step,
            "checks": [{"fact": c.fact, "test": c.test, "expected": c.expected, "actual": c.actual,
                        "satisfied": c.satisfied} for c in found.checks]}
