"""Pure comparison of two clause libraries, matched by id only, with a classification a lawyer reads first."""

from __future__ import annotations

import difflib
import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tendergen.core.model import Clause, Effect, Impact, Library, Profile, Severity
from tendergen.core.select import evaluate


class Kind(enum.Enum):
    ADDED = "added"
    REMOVED = "removed"
    RETIRED = "retired"
    MODIFIED = "modified"


class Finding(enum.Enum):
    """What a change means, in the order a lawyer wants to read it (the Swedish labels: core.words.FINDINGS)."""

    WEAKENED = "weakened"
    STRENGTHENED = "strengthened"
    KIND = "kind"
    LOOSER = "looser"
    STRICTER = "stricter"
    SCOPE_NARROWER = "scope-narrower"
    SCOPE_WIDER = "scope-wider"
    SCOPE_CHANGED = "scope-changed"
    LEGAL_BASIS = "legal-basis"
    TEXT = "text"
    EDITORIAL = "editorial"
    VERSION_NOT_BUMPED = "version-not-bumped"
    STATUS = "status"
    UNIT = "unit"
    SCALE = "scale"
    OTHER = "other"


HIGH = {Finding.WEAKENED, Finding.LOOSER, Finding.SCOPE_NARROWER, Finding.VERSION_NOT_BUMPED, Finding.UNIT}
LOW = {Finding.EDITORIAL}
SIGNIFICANT_WORDS = {"ska", "skall", "bör", "får", "kan", "inte", "ej", "minst", "högst", "senast", "endast",
                     "alla", "samtliga", "aldrig", "alltid", "eller", "och"}
COMPARED = ("title", "kind", "status", "version", "text", "summary", "parameters", "when", "legal_basis", "evaluation",
            "verifikat", "acceptance", "motiv", "response", "document", "section", "requires", "excludes",
            "replaces", "needs_legal_review", "area")
IN_DOCUMENTS = ("title", "summary", "kind", "evaluation", "verifikat", "acceptance", "response", "legal_basis", "motiv",
                "document", "section")
SUBSTANCE = ("text", "summary", "parameters", "when", "legal_basis", "kind", "evaluation")


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Change:
    id: str
    kind: Kind
    title: str
    old: Clause | None
    new: Clause | None
    fields: tuple[FieldChange, ...] = ()
    findings: tuple[tuple[Finding, str], ...] = ()
    impact: tuple[Impact, ...] = field(default=())

    @property
    def severity(self) -> Severity:
        kinds = {f for f, _ in self.findings}
        if self.kind in (Kind.REMOVED, Kind.RETIRED) or kinds & HIGH:
            return Severity.HIGH
        if kinds and kinds <= LOW:
            return Severity.LOW
        return Severity.MEDIUM


def compare(old: Library, new: Library, profiles: Sequence[tuple[str, Profile]] = ()) -> tuple[Change, ...]:
    """Every difference between two libraries, by clause id; `profiles` let scope changes be measured."""
    old_by_id = {c.id: c for c in old.clauses}
    new_by_id = {c.id: c for c in new.clauses}
    changes = []
    for cid in sorted(old_by_id.keys() | new_by_id.keys()):
        before, after = old_by_id.get(cid), new_by_id.get(cid)
        if before is None and after is not None:
            changes.append(Change(cid, Kind.ADDED, after.title, None, after))
        elif after is None and before is not None:
            changes.append(Change(cid, Kind.REMOVED, before.title, before, None))
        elif before is not None and after is not None:
            fields = field_changes(before, after)
            if not fields:
                continue
            kind = Kind.RETIRED if after.status == "retired" and before.status != "retired" else Kind.MODIFIED
            changes.append(Change(cid, kind, after.title, before, after, fields,
                                  classify(before, after, fields, profiles)))
    return tuple(changes)


def _value(clause: Clause, name: str) -> Any:
    data = clause.data
    if name == "text":
        return data.get("text", {}).get("sv", "")
    return data.get(name)


def field_changes(old: Clause, new: Clause) -> tuple[FieldChange, ...]:
    result = []
    for name in COMPARED:
        before, after = _value(old, name), _value(new, name)
        if before != after:
            result.append(FieldChange(name, before, after))
    if _value(old, "text") == _value(new, "text") and old.text_en != new.text_en:
        result.append(FieldChange("text.en", old.text_en, new.text_en))
    return tuple(result)


def classify(old: Clause, new: Clause, fields: Sequence[FieldChange],
             profiles: Sequence[tuple[str, Profile]] = ()) -> tuple[tuple[Finding, str], ...]:
    names = {f.field for f in fields}
    found: list[tuple[Finding, str]] = []
    if "kind" in names:
        if old.kind == "ska-krav" and new.kind == "bör-krav":
            found.append((Finding.WEAKENED, ""))
        elif old.kind == "bör-krav" and new.kind == "ska-krav":
            found.append((Finding.STRENGTHENED, ""))
        else:
            found.append((Finding.KIND, f"{old.kind} → {new.kind}"))
    found.extend(_parameter_findings(old, new))
    if "parameters" in names:
        found.extend(_scale_findings(old, new, profiles))
    if "when" in names:
        found.append(_scope(old, new, profiles))
    if "legal_basis" in names:
        found.append((Finding.LEGAL_BASIS, ""))
    if "text" in names:
        found.append((Finding.EDITORIAL, "") if editorial(old.text, new.text) else (Finding.TEXT, ""))
    if names & set(SUBSTANCE) and old.version == new.version:
        found.append((Finding.VERSION_NOT_BUMPED, f"version {new.version}"))
    if "status" in names:
        found.append((Finding.STATUS, f"{old.status} → {new.status}"))
    if not found or names - set(SUBSTANCE) - {"version", "status"}:
        rest = sorted(names - set(SUBSTANCE) - {"version", "status"})
        if rest:
            found.append((Finding.OTHER, ", ".join(rest)))
    return tuple(found)


# Units of time in hours, so that a change of unit (dagar → arbetsdagar, timmar → dagar) can be classed.
# A working day counts as 7/5 calendar days: five of them take a calendar week.
TIME_UNITS = {"minut": 1 / 60, "minuter": 1 / 60, "timme": 1.0, "timmar": 1.0, "dag": 24.0, "dagar": 24.0,
              "kalenderdag": 24.0, "kalenderdagar": 24.0, "arbetsdag": 24 * 7 / 5, "arbetsdagar": 24 * 7 / 5,
              "vecka": 168.0, "veckor": 168.0, "månad": 730.0, "månader": 730.0, "år": 8760.0,
              "kalenderår": 8760.0, "avtalsår": 8760.0}


def _in_common_unit(value: float, unit: str, other_unit: str) -> float | None:
    """The value in a unit both sides share: itself when the units are equal, hours for units of time."""
    if unit == other_unit:
        return value
    if unit in TIME_UNITS and other_unit in TIME_UNITS:
        return value * TIME_UNITS[unit]
    return None


def _scale_data(clause: Clause, name: str) -> Any:
    spec = (clause.data.get("parameters") or {}).get(name) or {}
    return spec.get("scale") if isinstance(spec, Mapping) else None


def _scale_findings(old: Clause, new: Clause, profiles: Sequence[tuple[str, Profile]]
                    ) -> Iterable[tuple[Finding, str]]:
    """A parameter whose scale changed: stricter or looser for the profiles given, else just changed."""
    from tendergen.core.params import setting

    before = {p.name: p for p in old.parameters}
    for p in new.parameters:
        q = before.get(p.name)
        if q is None or _scale_data(old, p.name) == _scale_data(new, p.name):
            continue
        moved = []
        for _, profile in profiles:
            was = setting(q, profile.facts, profile.parameters.get(old.id, {})).value
            now = setting(p, profile.facts, profile.parameters.get(new.id, {})).value
            if was != now:
                moved.append((was, now))
        note = f"{p.name}: {len(moved)} av {len(profiles)} profiler får ett annat värde" if profiles else p.name
        numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for pair in moved for v in pair)
        if moved and numeric and p.stricter is not None and q.unit == p.unit:
            if any((now < was) == (p.stricter == "higher") for was, now in moved):  # type: ignore[operator]
                yield Finding.LOOSER, note
                continue
            yield Finding.STRICTER, note
            continue
        yield Finding.SCALE, note


def _parameter_findings(old: Clause, new: Clause) -> Iterable[tuple[Finding, str]]:
    before = {p.name: p for p in old.parameters}
    for p in new.parameters:
        q = before.get(p.name)
        if q is None or p.stricter is None or (q.default == p.default and q.unit == p.unit):
            continue
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (q.default, p.default)):
            continue
        note = f"{p.name}: {q.default}{f' {q.unit}' if q.unit else ''} → {p.default}{f' {p.unit}' if p.unit else ''}"
        was = _in_common_unit(float(q.default), q.unit, p.unit)
        now = _in_common_unit(float(p.default), p.unit, q.unit)
        if was is None or now is None:
            yield Finding.UNIT, note
            continue
        if was == now:
            continue
        stricter = (now > was) == (p.stricter == "higher")
        yield (Finding.STRICTER if stricter else Finding.LOOSER), note


def _scope(old: Clause, new: Clause, profiles: Sequence[tuple[str, Profile]]) -> tuple[Finding, str]:
    if old.when is None and new.when is not None:
        return Finding.SCOPE_NARROWER, "regel tillagd (gällde alltid)"
    if old.when is not None and new.when is None:
        return Finding.SCOPE_WIDER, "regeln borttagen (gäller alltid)"
    if not profiles or old.when is None or new.when is None:
        return Finding.SCOPE_CHANGED, ""
    before = {name for name, p in profiles if evaluate(old.when, p.facts)[0]}
    after = {name for name, p in profiles if evaluate(new.when, p.facts)[0]}
    note = f"{len(before)} → {len(after)} av {len(profiles)} profiler"
    if after > before:
        return Finding.SCOPE_WIDER, note
    if after < before:
        return Finding.SCOPE_NARROWER, note
    return Finding.SCOPE_CHANGED, note


WORD = re.compile(r"\w+", re.UNICODE)


def editorial(old: str, new: str) -> bool:
    """True when two texts differ only in whitespace, punctuation or small spelling fixes.

    A change of a number, or of a word that carries obligation or scope ("ska", "bör", "inte", "minst" …),
    is never editorial.
    """
    a, b = WORD.findall(old.lower()), WORD.findall(new.lower())
    if a == b:
        return True
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if op != "replace" or i2 - i1 != j2 - j1:
            return False
        for x, y in zip(a[i1:i2], b[j1:j2], strict=True):
            if (any(ch.isdigit() for ch in x + y) or {x, y} & SIGNIFICANT_WORDS or min(len(x), len(y)) < 4
                    or difflib.SequenceMatcher(a=x, b=y).ratio() < 0.75):
                return False
    return True


def impact(changes: Sequence[Change], old: Library, new: Library, old_profiles: Mapping[str, Profile],
           new_profiles: Mapping[str, Profile]) -> dict[str, list[Impact]]:
    """For each changed clause: the profiles that now get it or lose it, or get a different text."""
    from tendergen.core.select import select
    from tendergen.documents import render

    changed = {c.id: c for c in changes}
    result: dict[str, list[Impact]] = {}
    env = render.text_environment()
    for name in sorted(old_profiles.keys() & new_profiles.keys()):
        before = {d.clause.id: d for d in select(old, old_profiles[name]) if d.included}
        after = {d.clause.id: d for d in select(new, new_profiles[name]) if d.included}
        for cid in changed:
            if (cid in before) != (cid in after):
                effect = Effect.GAINS if cid in after else Effect.LOSES
                result.setdefault(cid, []).append(Impact(name, effect, title=new_profiles[name].title))
            elif cid in before:
                texts = [render.clause_text(d.clause, render.parameter_values(d.clause, prof), prof, env)
                         for d, prof in ((before[cid], old_profiles[name]), (after[cid], new_profiles[name]))]
                other = [f.field for f in changed[cid].fields if f.field in IN_DOCUMENTS]
                if texts[0] != texts[1]:
                    result.setdefault(cid, []).append(Impact(name, Effect.NEW_TEXT, title=new_profiles[name].title))
                elif other:
                    result.setdefault(cid, []).append(Impact(name, Effect.CHANGED, tuple(other),
                                                             title=new_profiles[name].title))
    return result
