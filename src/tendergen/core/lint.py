"""The library's own quality checks, beyond what validation requires: pure over a Library."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tendergen.core.model import Clause, Library, Parameter, Scalar
from tendergen.core.text import cross_references, placeholders
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
    """Every run of SHINGLE words (the whole text when it is shorter)."""
    words = _words(text)
    if len(words) < SHINGLE:
        return frozenset({tuple(words)})
    return frozenset(zip(*(words[i:] for i in range(SHINGLE)), strict=False))


def _similarity(a: frozenset[Hashable], b: frozenset[Hashable]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


Pairs = Callable[[Sequence[str]], Sequence[Sequence[Any]]]


def lint(library: Library, *, pairs: Pairs | None = None) -> LintReport:
    """Check the library's clauses and collect every finding, sorted by location.

    `pairs` finds the near-duplicate texts (default: near_duplicate_pairs); a caller may memoise it.
    """
    problems: list[TendergenError] = []
    active = [c for c in library.clauses if c.status != "retired"]
    terms = defined_terms(library)
    for c in active:
        problems.extend(_clause_findings(c, library))
        problems.extend(_term_findings(c, terms))
    problems.extend(_quantity_findings(active, library))
    problems.extend(_duplicates(active, pairs or near_duplicate_pairs))
    problems.sort(key=TendergenError.sort_key)
    return LintReport(tuple(problems), tuple(c for c in active if c.needs_legal_review))


def _clause_findings(c: Clause, library: Library) -> list[TendergenError]:
    found: list[TendergenError] = []

    def add(message: str, hint: str = "") -> None:
        found.append(InvalidInput(f"{c.id}: {message}", location=c.location, hint=hint))

    if c.is_requirement and (not c.verifikat.strip() or not c.acceptance.strip()):
        add("a requirement needs both verifikat and acceptance")
    if c.document == "avtalsvillkor" and c.kind == "avtalsvillkor" and not c.summary:
        add("a contract term needs a one-sentence summary (the light specification shows it)",
            "add summary: one complete sentence that ends with a full stop; it may use the {{ parameters }}")
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
    for other in sorted(set(cross_references(c.text))):
        target = library.clause(other)
        if target is None:
            add(f"refers to [[{other}]], which is not a clause of the library", "check the clause id")
        elif other not in c.requires and not _always_selected(target, library):
            add(f"refers to [[{other}]] without requiring it: the two may not be selected together",
                f"add {other} to requires:")
    words = WORD_REFERENCE.search(c.text)
    if words:
        add(f"refers to another clause in words ({words.group(0)!r} …)",
            "write the reference as [[CLAUSE-ID]]: the documents then show the clause's number and title")
    for other in c.requires:
        target = library.clause(other)
        if target is not None and target.status == "retired":
            add(f"requires retired clause {other!r}")
    if c.status == "approved" and (not c.approved_by or not c.approved_on):
        add("approved without approver and date")
    return found


# A reference to another clause written in words ("enligt avsnittet om hävning"): never numbered, never checked.
WORD_REFERENCE = re.compile(r"\b(?:avsnittet|punkten|avsnitten|punkterna) om\b", re.IGNORECASE)

DEFINITIONS = "AVT-DEFINITIONER"  # the one clause that defines the contract's terms
# Documents that are part of the contract (the kravspecifikation is an avtalshandling: its requirements bind
# the delivered Tjänsten), so the defined terms are written as defined there too.
CONTRACT_PHASE = frozenset({"avtalsvillkor", "pub-instruktion", "exitplan", "kravspecifikation"})
# Defined terms whose lower-case form is never an ordinary word in a contract text (Fel, Part, Option and
# Godkännande are): each pattern matches the term's inflected forms written in lower case.
LOWER_CASE_TERMS = {
    "Avtalet": r"avtalets?", "Tjänsten": r"tjänstens?", "Kommunens Data": r"kommunens data",
    "Underleverantör": r"underleverantör(?:en|er|erna|ens|ernas)?", "Arbetsdag": r"arbetsdag(?:ar|en)?",
    "Part": r"parter(?:na|nas)",  # "Part och Parterna"; "part" alone is also an ordinary word
}
DEFINED_TERM = re.compile(r"^([A-ZÅÄÖ][\wåäö]*(?: [A-ZÅÄÖ][\wåäö]*)?)(?: och [A-ZÅÄÖ][\wåäö]*)?:", re.MULTILINE)


def defined_terms(library: Library) -> tuple[str, ...]:
    """The terms the definitions clause defines ("Kommunens Data: …" at the start of a paragraph)."""
    clause = library.clause(DEFINITIONS)
    return tuple(DEFINED_TERM.findall(clause.text)) if clause is not None else ()


def _term_findings(c: Clause, terms: Sequence[str]) -> list[TendergenError]:
    """A defined term written in lower case in a contract text, or defined a second time."""
    found: list[TendergenError] = []
    lower_case, defined = _term_searches(tuple(terms))
    if c.document in CONTRACT_PHASE and lower_case is not None:
        first: dict[str, str] = {}
        for match in lower_case.finditer(f"{c.title}\n{c.text}"):
            first.setdefault(str(match.lastgroup), match.group(0))
        for i, term in enumerate(t for t in LOWER_CASE_TERMS if t in terms):
            if f"t{i}" in first:
                found.append(InvalidInput(
                    f"{c.id}: uses {first[f't{i}']!r} in lower case; {term!r} is a defined term",
                    location=c.location, hint=f"write it with a capital initial, as defined in {DEFINITIONS}"))
    if c.id != DEFINITIONS and defined is not None:
        again = {match.lastgroup for match in defined.finditer(c.text)}
        for i, term in enumerate(terms):
            if f"d{i}" in again:
                found.append(InvalidInput(
                    f"{c.id}: defines {term!r} again; it is defined in {DEFINITIONS}", location=c.location,
                    hint="remove the definition here and rely on the one in the definitions clause"))
    return found


@lru_cache(maxsize=8)
def _term_searches(terms: tuple[str, ...]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """One search for every lower-case use (group t<i>) and one for every new definition (d<i>) of the terms.

    One pass over a text instead of one per term. A term matches only as a whole word followed by ":" or
    " avses", so no two terms match at the same place and none is hidden inside another's match.
    """
    lower = [pattern for term, pattern in LOWER_CASE_TERMS.items() if term in terms]
    lower_case = re.compile(r"(?<![\w-])(?:" + "|".join(f"(?P<t{i}>{p})" for i, p in enumerate(lower)) + r")\b"
                            ) if lower else None
    defined = re.compile(r"(?:^|\bMed )(?:" + "|".join(f"(?P<d{i}>{re.escape(t)})" for i, t in enumerate(terms))
                         + r")(?::| avses)", re.MULTILINE) if terms else None
    return lower_case, defined


def _always_selected(clause: Clause, library: Library) -> bool:
    """A clause without a rule that no other clause can replace or exclude is in every build."""
    return clause.when is None and not any(clause.id in other.replaces or clause.id in other.excludes
                                           for other in library.clauses if other.status != "retired")


def _numbered_shingles(texts: Sequence[str]) -> Sequence[frozenset[Hashable]]:
    """_shingles of each text, each phrase packed into one number: the same sets, faster to hash."""
    vocabulary: dict[str, int] = {}
    result: list[frozenset[Hashable]] = []
    for text in texts:
        ids = [vocabulary.setdefault(w, len(vocabulary) + 1) for w in _words(text)]
        if len(ids) < SHINGLE:
            result.append(frozenset({tuple(ids)}))  # a tuple: never equal to a packed run of words
        else:
            result.append(frozenset(a << 72 | b << 48 | c << 24 | d
                                    for a, b, c, d in zip(ids, ids[1:], ids[2:], ids[3:], strict=False)))
    if SHINGLE != 4 or len(vocabulary) >= 1 << 24:  # the packing holds four word numbers below 2**24
        return [_shingles(text) for text in texts]
    return result


def near_duplicate_pairs(texts: Sequence[str]) -> list[tuple[int, int, float]]:
    """(i, j, similarity) for each pair of texts, i < j, sharing at least NEAR_DUPLICATE of their phrases.

    Found through an index by prefix filtering, which is exact (no pair is missed): with the phrases of
    every text in one global order, two sets with Jaccard similarity >= t share a phrase among the first
    |A| - ceil(t·|A|) + 1 of each. Only pairs that share such a phrase are compared, each exactly.
    """
    found = []
    shingles = _numbered_shingles(texts)
    index: dict[Any, list[int]] = defaultdict(list)
    for j, phrases in enumerate(shingles):
        # Any one global order is exact. Words are numbered as first met, so phrases with high numbers
        # start with words met late, which tend to be rare: these first keeps the candidates few.
        ordered = sorted(phrases, reverse=True)  # type: ignore[type-var]
        overlap = math.ceil(NEAR_DUPLICATE * len(ordered) - 1e-9)  # rounding errs towards a longer prefix
        candidates: set[int] = set()
        for r in ordered[:len(ordered) - overlap + 1]:
            candidates.update(index[r])
            index[r].append(j)
        for i in sorted(candidates):
            score = _similarity(shingles[i], phrases)
            if score >= NEAR_DUPLICATE:
                found.append((i, j, score))
    return found


def _duplicates(clauses: Sequence[Clause], pairs: Pairs = near_duplicate_pairs) -> list[TendergenError]:
    return [InvalidInput(f"{b.id}: text is a near-duplicate of {a.id} ({score:.0%} shared phrases)",
                         location=b.location, hint="merge the two clauses, or use a parameter for what differs")
            for i, j, score in pairs([c.text for c in clauses]) for a, b in [(clauses[i], clauses[j])]]


# --- shared quantities: one fact, one place ----------------------------------------------------------


def _apart(a: Clause, b: Clause) -> bool:
    """Whether two clauses are never selected together: one replaces or excludes the other."""
    return a.id in (*b.replaces, *b.excludes) or b.id in (*a.replaces, *a.excludes)


def _stated(clauses: Sequence[Clause]) -> dict[str, list[tuple[Clause, Parameter]]]:
    """The parameters stating each shared quantity, in library order."""
    found: dict[str, list[tuple[Clause, Parameter]]] = defaultdict(list)
    for c in clauses:
        for p in c.parameters:
            if p.quantity:
                found[p.quantity].append((c, p))
    return found


def _quantity_findings(clauses: Sequence[Clause], library: Library) -> list[TendergenError]:
    """Shared quantities stated with different defaults, undeclared, or written as a literal number.

    Two clauses that may be selected together (neither replaces nor excludes the other) must give a shared
    quantity the same default.
    """
    found: list[TendergenError] = []
    stated = _stated(clauses)
    for name, entries in stated.items():
        if name not in library.quantities:
            for c, p in entries:
                found.append(InvalidInput(
                    f"{c.id}: parameter {p.name!r} states the undeclared quantity {name!r}", location=c.location,
                    hint=f"declare it under quantities: in library.yaml ({', '.join(sorted(library.quantities))})"))
            continue
        for i, (a, pa) in enumerate(entries):
            for b, pb in entries[i + 1:]:
                if a.id != b.id and not _apart(a, b) and pa.default != pb.default:
                    found.append(InvalidInput(
                        f"{b.id}: states {name} as {pb.default!r} ({pb.name}) while {a.id} states it as "
                        f"{pa.default!r} ({pa.name}): the same quantity with different values",
                        location=b.location,
                        hint="one fact, one place: give both the same default, or keep the figure in one clause "
                             f"and refer to it as [[{a.id}]]"))
    for name, quantity in library.quantities.items():
        if not quantity.stated_as:
            continue
        pattern = re.compile(quantity.stated_as)
        owners = [f"{{{{ {p.name} }}}} in {c.id}" for c, p in stated.get(name, [])]
        for c in clauses:
            match = pattern.search(c.text)
            if match:
                found.append(InvalidInput(
                    f"{c.id}: writes {name} as a number ({' '.join(match.group(0).split())!r})",
                    location=c.location,
                    hint="one fact, one place: use the parameter that states it, or refer to its clause as "
                         f"[[ID]] ({', '.join(owners) or 'declare a parameter with quantity: ' + name})"))
    return found


def quantity_conflicts(library: Library, chosen: Sequence[Clause],
                       values: Callable[[Clause], dict[str, Scalar]]) -> list[str]:
    """For one build: each shared quantity that two selected clauses state with different values."""
    found = []
    for name, entries in _stated(chosen).items():
        seen = [(c, p, values(c)[p.name]) for c, p in entries]
        if len({value for _, _, value in seen}) > 1:
            found.append(f"{name}: " + ", ".join(f"{c.id} {p.name} = {value!r}" for c, p, value in seen)
                         + "; the same quantity must have one value: set the same value in the profile's "
                           "parameters for each of these clauses")
    return found
