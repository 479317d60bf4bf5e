"""Plain frozen data passed between the pipeline stages. Collections are tuples or read-only mappings."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from tendergen.errors import Location

if TYPE_CHECKING:
    from tendergen.core.tender import Tender

Scalar = bool | int | float | str

REQUIREMENT_KINDS = frozenset({"ska-krav", "bör-krav"})


def frozen(mapping: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    """A read-only view of a fresh dict copy."""
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class LegalRef:
    ref: str
    provision: str | None = None


@dataclass(frozen=True)
class Rule:
    """A rule node: `all`/`any` over children, `not` over one child, or `test` of one fact."""

    op: str
    children: tuple[Rule, ...] = ()
    fact: str = ""
    test: str = ""
    value: Any = None
    location: Location | None = None


@dataclass(frozen=True)
class ScaleStep:
    """One band of a parameter's scale: the default that applies when the profile's facts meet `when`."""

    when: Rule
    default: Scalar


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: Scalar
    description: str
    unit: str = ""
    choices: tuple[Scalar, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    stricter: str | None = None
    scale: tuple[ScaleStep, ...] = ()  # value- and risk-dependent defaults; the first step whose rule holds wins
    quantity: str = ""  # a shared quantity (Library.quantities) this parameter states
    source: tuple[str, ...] = ()  # profile content that fills it (PROFILE_SOURCES), the first one present


@dataclass(frozen=True)
class Clause:
    id: str
    version: str
    status: str
    title: str
    area: str
    document: str
    section: str
    kind: str
    text: str
    motiv: str
    location: Location
    text_en: str = ""
    summary: str = ""  # one sentence for the light specification's contract terms (may use placeholders)
    approved_by: str = ""
    approved_on: str = ""
    parameters: tuple[Parameter, ...] = ()
    verifikat: str = ""
    acceptance: str = ""
    response: str = "ingen"
    legal_basis: tuple[LegalRef, ...] = ()
    when: Rule | None = None
    requires: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    replaces: tuple[str, ...] = ()
    needs_legal_review: bool = False
    legal_review_note: str = ""
    evaluation_weight: float | None = None
    evaluation_note: str = ""
    origin: str = "bundled"
    overrides: Location | None = None
    file: str = ""
    approval_stale: bool = False
    data: Mapping[str, Any] = field(default_factory=frozen, compare=False, repr=False)

    @property
    def is_requirement(self) -> bool:
        return self.kind in REQUIREMENT_KINDS

    @property
    def is_approved(self) -> bool:
        """Approved, and unchanged since the approval was recorded."""
        return self.status == "approved" and not self.approval_stale


@dataclass(frozen=True)
class Reference:
    id: str
    name: str
    number: str
    verified: bool
    source: str = ""
    short: str = ""
    provisions: Mapping[str, bool] = field(default_factory=frozen)

    def verifies(self, provision: str | None) -> bool:
        """Whether citing this reference (at `provision`) is verified.

        A provision counts by its own flag (an undeclared one is not verified), the whole reference by its flag.
        """
        return self.provisions.get(provision, False) if provision else self.verified


@dataclass(frozen=True)
class Threshold:
    id: str
    name: str
    amount_sek: int
    valid_from: str
    source: str
    verified: bool
    location: Location
    valid_to: str = ""
    legal_basis: LegalRef | None = None

    def valid_on(self, day: str) -> bool:
        return self.valid_from <= day and (not self.valid_to or day <= self.valid_to)


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    sections: tuple[tuple[str, str], ...]
    intro: str = ""


@dataclass(frozen=True)
class Fact:
    name: str
    type: str
    description: str
    schema: Mapping[str, Any]


@dataclass(frozen=True)
class Quantity:
    """A figure several clauses rely on (backup deletion days, log retention): one fact, one place."""

    name: str
    description: str
    stated_as: str = ""  # a regular expression for the figure written as a literal number in a text


@dataclass(frozen=True)
class Library:
    name: str
    version: str
    clauses: tuple[Clause, ...]
    references: Mapping[str, Reference]
    documents: Mapping[str, Document]
    thresholds: tuple[Threshold, ...]
    facts: Mapping[str, Fact]
    quantities: Mapping[str, Quantity] = field(default_factory=frozen)

    def clause(self, clause_id: str) -> Clause | None:
        return next((c for c in self.clauses if c.id == clause_id), None)


@dataclass(frozen=True)
class Forced:
    clause: str
    reason: str
    location: Location


@dataclass(frozen=True)
class Profile:
    title: str
    reference: str
    organisation: str
    date: str
    facts: Mapping[str, Any]
    location: Location
    department: str = ""
    description: str = ""
    contact: Mapping[str, str] = field(default_factory=frozen)
    contract: Mapping[str, Any] = field(default_factory=frozen)
    parameters: Mapping[str, Mapping[str, Scalar]] = field(default_factory=frozen)
    include: tuple[Forced, ...] = ()
    exclude: tuple[Forced, ...] = ()
    show_motiv: bool = False
    warnings: tuple[str, ...] = ()
    tender: Tender | None = None  # the procurement's own content (scope, timetable, evaluation, prices)


@dataclass(frozen=True)
class Check:
    """One evaluated fact test, kept so every decision can be explained."""

    fact: str
    test: str
    expected: Any
    actual: Any
    satisfied: bool


class Cause(enum.Enum):
    """Why a clause is in or out. The words for each live in `core.words`; code compares these."""

    RETIRED = "retired"
    ALWAYS = "always"
    RULE_MET = "rule-met"
    RULE_NOT_MET = "rule-not-met"
    FORCED_IN = "forced-in"
    FORCED_OUT = "forced-out"
    REQUIRED_BY = "required-by"
    EXCLUDED_BY = "excluded-by"
    REPLACED_BY = "replaced-by"
    OWN_REQUIREMENT = "own-requirement"  # written in the profile itself, not in the library
    INFORMATION_ONLY = "information-only"  # a bör-krav the profile's evaluation model gives no value


class Severity(enum.Enum):
    """How closely a lawyer must look at a change in the clause library."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Effect(enum.Enum):
    """What a library change does to one profile's documents."""

    GAINS = "gains"  # the profile now gets the clause
    LOSES = "loses"  # the profile no longer gets it
    NEW_TEXT = "new-text"  # it keeps the clause, with a different text
    CHANGED = "changed"  # same text, other fields shown in the documents changed


@dataclass(frozen=True)
class Impact:
    profile: str
    effect: Effect
    fields: tuple[str, ...] = ()
    title: str = ""  # the procurement's title, for readers who know procurements by name, not by file


RULE_CAUSES = frozenset({Cause.RETIRED, Cause.ALWAYS, Cause.RULE_MET, Cause.RULE_NOT_MET, Cause.OWN_REQUIREMENT})


@dataclass(frozen=True)
class Reason:
    """One step of a decision: the rule's verdict (with its checks), a forced choice, or a relation."""

    cause: Cause
    checks: tuple[Check, ...] = ()
    clause: str = ""  # the clause that requires, excludes or replaces this one
    note: str = ""  # the profile's reason for a forced choice


class Basis(enum.Enum):
    """Where a parameter's value in a build comes from. The words for each live in `core.words`."""

    PROFILE = "profile"  # the profile sets it under `parameters`
    PROFILE_CONTENT = "profile-content"  # taken from the profile's own content (its `source`: description, scope)
    SCALE = "scale"  # a step of the parameter's scale whose rule the profile's facts meet
    DEFAULT = "default"  # the parameter's plain default (no scale, or no step applies)


@dataclass(frozen=True)
class Setting:
    """One parameter's value for one profile, and why: its basis, the scale step and the checks that chose it."""

    name: str
    value: Scalar
    basis: Basis
    step: int | None = None  # index of the scale step used (basis SCALE)
    checks: tuple[Check, ...] = ()


@dataclass(frozen=True)
class Decision:
    clause: Clause
    included: bool
    reasons: tuple[Reason, ...]

    @property
    def checks(self) -> tuple[Check, ...]:
        """The fact tests of the clause's rule (none when it has no rule or is retired)."""
        return tuple(c for r in self.reasons for c in r.checks)

    def related(self, cause: Cause) -> tuple[str, ...]:
        """The clauses that pulled this one in (REQUIRED_BY) or dropped it (EXCLUDED_BY, REPLACED_BY)."""
        return tuple(r.clause for r in self.reasons if r.cause is cause)
