"""Document content from the procurement's own data (core.tender): evaluation texts, AF sections, annexes."""

from __future__ import annotations

from tendergen.core.model import Clause
from tendergen.core.tender import Criterion, Evaluation
from tendergen.core.words import sek


def percent(value: float) -> str:
    return (f"{value:g}".replace(".", ",")) + " procent"


def value_text(criterion: Criterion) -> str:
    """A criterion's mervärde as Swedish text: '140 000 kr' or '1 procent av utvärderingspriset'."""
    if criterion.value_sek is not None:
        return sek(criterion.value_sek)
    return f"{percent(criterion.value_percent or 0)} av utvärderingspriset"


def criterion_text(clause: Clause, evaluation: Evaluation) -> str:
    """What a bör-krav is worth under the profile's model, for the kravspecifikation."""
    found = next((c for c in evaluation.criteria if c.requirement == clause.id), None)
    if found is None:
        return ("Värderas inte i utvärderingen. Svaret är information till Kommunen och ger inget mervärde.")
    return f"Mervärde {value_text(found)} som dras av från utvärderingspriset om kravet uppfylls."
