"""The procurement's own content: scope, timetable, own requirements, evaluation model and price model.

Plain frozen data built by `validate.content` from a profile; every document takes its figures from here,
so each fact is written once in the profile and reused everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tendergen.core.model import Clause, Decision

BASIS_LABELS = {
    "pris": "pris",
    "kostnad": "kostnad",
    "pris-och-kvalitet": "bästa förhållandet mellan pris och kvalitet",
}

# The qualification requirement on reference assignments: the profile's `references` block sets its parameters,
# and a full build with the procurement's own content gives it a referensbilaga to fill in.
REFERENCE_CLAUSE = "UPPH-KVAL-REFERENSER"
REFERENCE_PARAMETERS = (  # (profile key in `references`, the clause's parameter)
    ("count", "antal_referenser"),
    ("within_years", "referens_ar"),
    ("min_months", "min_uppdrag_manader"),
    ("min_grade", "min_betyg"),
    ("assignment", "uppdragets_innehall"),
)

TIMETABLE_LABELS = (
    ("published", "Annonsen publiceras"),
    ("last_question", "Sista dag för frågor"),
    ("last_answer", "Sista dag för svar på frågor"),
    ("tender_deadline", "Sista anbudsdag"),
    ("award_expected", "Preliminärt tilldelningsbeslut"),
    ("contract_start", "Preliminär avtalsstart"),
    ("tender_valid_until", "Anbudet är bindande till och med"),
)


@dataclass(frozen=True)
class Volume:
    item: str
    unit: str
    per_year: float | None = None
    total: float | None = None
    lot: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Lot:
    id: int
    title: str
    estimated_sek: int
    maximum_sek: int | None = None
    scope: str = ""


@dataclass(frozen=True)
class Scope:
    background: tuple[str, ...] = ()
    volumes: tuple[Volume, ...] = ()
    estimated_sek: int | None = None
    maximum_sek: int | None = None
    options: tuple[str, ...] = ()
    lots: tuple[Lot, ...] = ()
    not_divided_because: str = ""


@dataclass(frozen=True)
class Timetable:
    """The dates the profile gives, by key (see TIMETABLE_LABELS), ISO strings."""

    dates: tuple[tuple[str, str], ...]
    electronic_tenders: bool = True

    def get(self, key: str) -> str:
        return dict(self.dates).get(key, "")


@dataclass(frozen=True)
class Criterion:
    """One valued evaluation criterion: a library or own bör-krav with its mervärde."""

    requirement: str
    title: str
    value_sek: int | None = None
    value_percent: float | None = None
    note: str = ""

    def deduction(self, evaluated_price: float) -> float:
        """The deduction this criterion gives a tender with the given evaluated price, when fulfilled."""
        from tendergen.core.award import amount, deduction

        return float(deduction(self, amount(evaluated_price)))


@dataclass(frozen=True)
class Evaluation:
    basis: str
    criteria: tuple[Criterion, ...] = ()
    information_only: tuple[str, ...] = ()

    @property
    def basis_label(self) -> str:
        return BASIS_LABELS[self.basis]


@dataclass(frozen=True)
class PriceLine:
    id: str
    text: str
    unit: str
    evaluation_volume: float
    lot: int | None = None
    option: bool = False


@dataclass(frozen=True)
class Tender:
    scope: Scope | None = None
    timetable: Timetable | None = None
    requirements: tuple[Clause, ...] = ()
    evaluation: Evaluation | None = None
    prices: tuple[PriceLine, ...] = ()


def unvalued(decisions: Sequence[Decision], tender: Tender | None) -> list[Clause]:
    """Included bör-krav that the profile's evaluation model gives no mervärde: information requests only."""
    if tender is None or tender.evaluation is None:
        return []
    valued = {c.requirement for c in tender.evaluation.criteria}
    return [d.clause for d in decisions if d.included and d.clause.kind == "bör-krav" and d.clause.id not in valued]
