"""Procurement policy as data: thresholds in force, the facts derived from a profile, the direct-award guardrail."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from tendergen.core.model import Library, Threshold

DIRECT_AWARD_LIMIT = "direktupphandlingsgrans"
EU_THRESHOLD = "eu-troskelvarde-kommuner"
NEAR_LIMIT_SHARE = 0.8
CLOUD_MODELS = ("saas", "hybrid")
OUTER_PROCEDURES = ("annonserad-under-troskelvardet", "direktupphandling")


class LimitStatus(enum.Enum):
    """Where a direct-award value stands against the limit."""

    WITHIN = "within"
    NEAR = "near"
    ABOVE = "above"


def direct_award_status(value: float, limit: float) -> LimitStatus:
    """ABOVE the limit (not allowed), NEAR it (at NEAR_LIMIT_SHARE or more: warn) or WITHIN it."""
    if value > limit:
        return LimitStatus.ABOVE
    return LimitStatus.NEAR if value >= NEAR_LIMIT_SHARE * limit else LimitStatus.WITHIN


def threshold(lib: Library, threshold_id: str, day: str) -> Threshold | None:
    candidates = [t for t in lib.thresholds if t.id == threshold_id]
    valid = [t for t in candidates if t.valid_on(day)]
    pool = valid or candidates
    return max(pool, key=lambda t: t.valid_from) if pool else None


def basis_text(lib: Library, limit: Threshold) -> str:
    """The legal basis of a threshold as text, e.g. '19 a kap. LOU'."""
    if limit.legal_basis is None:
        return limit.name
    ref = lib.references.get(limit.legal_basis.ref)
    name = ref.short or ref.name if ref else limit.legal_basis.ref
    return f"{limit.legal_basis.provision} {name}".strip()


def derived_facts(given: Mapping[str, Any], contract: Mapping[str, Any], lib: Library, day: str) -> dict[str, Any]:
    """The facts computed from the profile: the rules see these like any other fact."""
    eu = threshold(lib, EU_THRESHOLD, day)
    return {
        "above_eu_threshold": bool(eu and given["estimated_value_sek"] >= eu.amount_sek),
        "direct_award": given["procedure"] == "direktupphandling",
        "cloud_service": given["delivery_model"] in CLOUD_MODELS or given["subcategory"] == "it-som-tjanst",
        "contract_total_years": float(contract.get("years", 0)) + float(sum(contract.get("options", ()))),
        "has_options": bool(contract.get("options")),
    }
