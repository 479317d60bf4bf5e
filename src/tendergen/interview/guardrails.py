"""The interview's guardrails: the direct-award limit (through core.policy) and storage outside the EU/EES."""

from __future__ import annotations

from dataclasses import dataclass

from tendergen.core import policy
from tendergen.core.model import Library
from tendergen.core.words import sek
from tendergen.interview.questions import Answers, handles_personal_data


@dataclass(frozen=True)
class Limit:
    """The direct-award limit in force: amount, legal basis as text and its source."""

    amount_sek: int
    basis: str
    source: str


def direct_award_limit(library: Library, day: str) -> Limit | None:
    """The direct-award limit in force on `day`, from the library's thresholds (None when it has none)."""
    limit = policy.threshold(library, policy.DIRECT_AWARD_LIMIT, day)
    if limit is None:
        return None
    return Limit(int(limit.amount_sek), policy.basis_text(library, limit), limit.source)


def total_value(answers: Answers) -> int:
    """The value the direct-award limit applies to: this purchase plus similar ones this year."""
    return int(answers.get("varde") or 0) + int(answers.get("tidigare") or 0)


def limit_messages(answers: Answers, limit: Limit) -> tuple[str, str]:
    """(stop message, warning) in Swedish about the direct-award limit; empty strings when not needed."""
    total = total_value(answers)
    status = policy.direct_award_status(total, limit.amount_sek)
    if status is policy.LimitStatus.ABOVE:
        return (f"Köpet kan inte göras som direktupphandling. Det sammanlagda värdet, {sek(total)}, är högre än "
                f"gränsen för direktupphandling, {sek(limit.amount_sek)} ({limit.basis}; källa: {limit.source}). "
                "Kontakta upphandlingsenheten: köpet behöver upphandlas med annonsering, eller göras som avrop från "
                "ett befintligt ramavtal.", "")
    if status is policy.LimitStatus.NEAR:
        return ("", f"Obs! Värdet {sek(total)} är nära gränsen för direktupphandling ({sek(limit.amount_sek)}). "
                    "Kontrollera att alla år, förlängningar och liknande köp i år är medräknade, och stäm gärna av "
                    "med upphandlingsenheten.")
    return "", ""


def storage_warning(answers: Answers) -> str:
    """A warning in Swedish when personal data may be stored or reached outside the EU/EES; else ''."""
    if handles_personal_data(answers) and answers.get("lagring") in ("utanfor", "vet-inte"):
        return ("Obs! Personuppgifter kan komma att lagras eller nås utanför EU/EES. Kraven om "
                "tredjelandsöverföring tas med, och dataskyddsombudet bör granska leverantörens svar.")
    return ""
