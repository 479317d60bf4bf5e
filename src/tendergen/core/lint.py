"""The library's own quality checks, beyond what validation requires: pure over a Library."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from tendergen.core.model import Clause, Library
from tendergen.core.text import placeholders
from tendergen.errors import InvalidInput, TendergenError

NEAR_DUPLICATE = 0.8
SHINGLE = 4


@dataclass(frozen=True)
class LintReport:
    problems: tuple[TendergenError, ...]
    needs_review: tuple[Clause, ...]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", re.sub(r"\{\{.*?\}\}", " ", text.lower()))


def _shingles(text: str) -> frozenset[tuple[str, ...]]:
    words = _words(text)
    return frozenset(tuple(words[i:i + SHINGLE]) for i in range(max(len(words) - SHINGLE + 1, 1)))


def _similarity(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def lint(library: Library) -> LintReport:
    """Check the library's clauses and collect every finding, sorted by location."""
    problems: list[TendergenError] = []
    active = [c for c in library.clauses if c.status != "retired"]
    for c in active:
        problems.extend(_clause_findings(c, library))
    problems.extend(_duplicates(active))
    problems.sort(key=TendergenError.sort_key)
    return LintReport(tuple(problems), tuple(c for c in active if c.needs_legal_review))


def _clause_findings(c: Clause, library: Library) -> list[TendergenError]:
    found: list[TendergenError] = []

    def add(message: str, hint: str = "") -> None:
        found.append(InvalidInput(f"{c.id}: {message}", location=c.location, hint=hint))

    if c.is_requirement and (not c.verifikat.strip() or not c.acceptance.strip()):
        add("a requirement needs both verifikat and acceptance")
    used = placeholders(c.text)
    for p in c.parameters:
        if p.name not in used:
            add(f"parameter {p.name!r} is not used in the text", "use it as {{ " + p.name + " }} or remove it")
        if p.type in ("integer", "number") and p.stricter is None:
            add(f"numeric parameter {p.name!r} does not declare which direction is stricter",
                "add stricter: lower or stricter: higher")
    for basis in c.legal_basis:
        ref = library.references[basis.ref]
        if not ref.verifies(basis.provision) and not c.needs_legal_review:
            add(f"cites unverified {basis.provision or ''} {ref.short or ref.name}".replace("  ", " "),
                "verify it against the primary source, or set needs_legal_review with a note")
    for other in c.requires:
        target = library.clause(other)
        if target is not None and target.status == "retired":
            add(f"requires retired clause {other!r}")
    if c.status == "approved" and (not c.approved_by or not c.approved_on):
        add("approved without approver and date")
    return found


def _duplicates(clauses: Sequence[Clause]) -> list[TendergenError]:
    found: list[TendergenError] = []
    shingles = {c.id: _shingles(c.text) for c in clauses}
    for a, b in combinations(clauses, 2):
        score = _similarity(shingles[a.id], shingles[b.id])
        if score >= NEAR_DUPLICATE:
            found.append(InvalidInput(
                f"{b.id}: text is a near-duplicate of {a.id} ({score:.0%} shared phrases)",
                location=b.location, hint="merge the two clauses, or use a parameter for what differs"))
    return found
