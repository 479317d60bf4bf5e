"""Assessing read tenders by the published model: ska-krav, mervärde, recomputed prices, ranking, flags. Pure.

Decisions the model states (a tender failing a ska-krav is not ranked; a missing price cannot be
evaluated) are made here; everything that needs the procurer's judgement (a very low price, an answer
that is not Ja/Nej, a supplier total that differs, a tie) is a flag, never a decision.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tendergen.core import award
from tendergen.core.tender import Criterion, Evaluation, PriceLine
from tendergen.evaluate.read import Answer, TenderFiles

LOW_PRICE_SHARE = Decimal("0.75")  # flagged when below 75 % of the median of the other tenders' prices


@dataclass(frozen=True)
class PriceRow:
    line: PriceLine
    price: Decimal | None
    total: Decimal | None
    raw: str
    problem: str


@dataclass(frozen=True)
class Assessment:
    tender: TenderFiles
    unmet: tuple[Answer, ...]  # ska-krav answered Nej
    unanswered: tuple[Answer, ...]  # ska-krav without an answer
    unclear: tuple[Answer, ...]  # answers that are not Ja/Nej (or are formulas)
    criteria: tuple[tuple[Criterion, str], ...]  # each criterion with the tender's answer ("" when none)
    prices: tuple[PriceRow, ...]
    computation: award.Computation | None  # None when the tender could not be priced
    stated_totals: tuple[tuple[str, str, Decimal | None], ...]  # (label, as the file shows, recomputed)
    excluded: tuple[str, ...]  # reasons (Swedish) why it is not ranked
    flags: tuple[str, ...] = ()  # for the procurer's judgement (Swedish)
    place: int = 0
    tied: bool = False

    @property
    def name(self) -> str:
        return self.tender.name


@dataclass(frozen=True)
class Outcome:
    basis: str
    evaluation: Evaluation
    lines: tuple[PriceLine, ...]
    assessments: tuple[Assessment, ...]  # ranked first (by place), then the excluded, in input order

    @property
    def ranked(self) -> tuple[Assessment, ...]:
        return tuple(a for a in self.assessments if not a.excluded)

    @property
    def winner(self) -> Assessment | None:
        first = [a for a in self.ranked if a.place == 1]
        return first[0] if len(first) == 1 else None

    @property
    def tie_for_first(self) -> bool:
        return sum(1 for a in self.ranked if a.place == 1) > 1


def evaluation_from_manifest(entry: Mapping[str, Any] | None) -> Evaluation:
    if entry is None:
        return Evaluation("pris")
    return Evaluation(entry["basis"], tuple(Criterion(c["requirement"], c["title"], c.get("value_sek"),
                                                      c.get("value_percent")) for c in entry["criteria"]))


def sek_text(value: Decimal) -> str:
    """Amounts in the documents: '1 870 000,50 kr' (öre only when there are any), non-breaking spaces."""
    q = value.quantize(Decimal("0.01"))
    whole, _, cents = f"{abs(q):.2f}".partition(".")
    groups = f"{int(whole):,}".replace(",", "\u00a0")
    sign = "−" if q < 0 else ""
    return f"{sign}{groups}" + (f",{cents}" if cents != "00" else "") + "\u00a0kr"


def assess_one(t: TenderFiles, evaluation: Evaluation, lines: Sequence[PriceLine]) -> Assessment:
    ska = [a for a in t.answers if a.kind == "Ska"]
    unmet = tuple(a for a in ska if a.answer == "Nej" and not a.formula)
    unanswered = tuple(a for a in ska if not a.answer)
    unclear = tuple(a for a in t.answers if a.answer and not a.valid)
    by_id = {a.id: a for a in t.answers}
    criteria = tuple((c, by_id[c.requirement].answer if c.requirement in by_id else "")
                     for c in evaluation.criteria)
    fulfilled = {c.requirement for c, _ in criteria if c.requirement in by_id and by_id[c.requirement].valid
                 and by_id[c.requirement].answer == "Ja"}
    rows = []
    for p in t.prices.prices:
        total = award.line_total(p.price, p.line) if p.price is not None else None
        rows.append(PriceRow(p.line, p.price, total, p.raw, p.problem))
    excluded: list[str] = []
    flags: list[str] = []
    for a in unmet:
        excluded.append(f"Ska-krav {a.id} ({a.title}) är besvarat Nej.")
    for a in unanswered:
        excluded.append(f"Ska-krav {a.id} ({a.title}) är inte besvarat.")
    missing = [r for r in rows if r.price is None and r.line.evaluation_volume]
    for r in missing:
        excluded.append(f"Prisrad {r.line.id} ({r.line.text}) saknar ett giltigt pris"
                        + (f": {r.problem}." if r.problem else "."))
    for r in rows:
        if r.price is None and not r.line.evaluation_volume:
            flags.append(f"Prisrad {r.line.id} ({r.line.text}) saknar pris; den ingår inte i utvärderingspriset"
                         + (f" ({r.problem})." if r.problem else "."))
    for a in unclear:
        what = "en formel" if a.formula else f"svaret {a.answer!r}"
        effect = ("Kommunen måste pröva om kravet är uppfyllt innan anbudet kan antas."
                  if a.kind == "Ska" else "Svaret ger inget mervärde.")
        flags.append(f"{'Ska' if a.kind == 'Ska' else 'Bör'}-krav {a.id} har {what}, inte Ja eller Nej. {effect}")
    computation = None
    stated: list[tuple[str, str, Decimal | None]] = []
    if not missing:
        prices = {r.line.id: r.price for r in rows if r.price is not None}
        priced = [line for line in lines if line.id in prices]
        computation = award.compute(evaluation, award.evaluated_price(priced, prices), fulfilled)
        for label, shown in t.prices.stated_totals:
            stated.append((label, shown, computation.price))
            if shown and _differs(shown, computation.price):
                flags.append(f"Anbudsgivarens egen summa i prisbilagan ({shown} kr) skiljer sig från det "
                             f"omräknade utvärderingspriset {sek_text(computation.price)}. Utvärderingen använder "
                             "det omräknade priset.")
    else:
        stated = [(label, shown, None) for label, shown in t.prices.stated_totals]
    return Assessment(t, unmet, unanswered, unclear, criteria, tuple(rows), computation, tuple(stated),
                      tuple(excluded), tuple(flags))


def _differs(shown: str, price: Decimal) -> bool:
    try:
        return Decimal(shown.replace("\u00a0", "").replace(" ", "").replace(",", ".")) != price
    except ArithmeticError:
        return True


def assess(tenders: Sequence[TenderFiles], evaluation: Evaluation, lines: Sequence[PriceLine]) -> Outcome:
    """Every tender assessed, the admitted ones ranked by the published order, flags added across tenders."""
    first = [assess_one(t, evaluation, lines) for t in tenders]
    admitted = [a for a in first if not a.excluded and a.computation is not None]
    places = {p.name: p for p in award.rank(evaluation.basis, [(a.name, a.computation) for a in admitted
                                                                if a.computation is not None])}
    priced = [a for a in first if a.computation is not None]
    result = []
    for a in first:
        flags = list(a.flags)
        others = [o.computation.price for o in priced if o is not a and o.computation is not None]
        if a.computation is not None and others:
            median = Decimal(statistics.median(others))
            if a.computation.price < LOW_PRICE_SHARE * median:
                share = (a.computation.price / median * 100).quantize(Decimal("1"))
                flags.append(f"Utvärderingspriset {sek_text(a.computation.price)} är {share} procent av "
                             f"medianen av de andra anbudens utvärderingspriser ({sek_text(median)}). Det kan vara "
                             "ett onormalt lågt anbud: Kommunen ska då begära en förklaring av anbudsgivaren enligt "
                             "upphandlingsdokumentet innan anbudet prövas vidare.")
        place = places.get(a.name)
        if place and place.tied:
            flags.append(f"Anbudet är lika med ett annat anbud på plats {place.place} även efter den publicerade "
                         "särskiljningsregeln. Kommunen avgör enligt upphandlingsdokumentet (till exempel genom "
                         "lottning) och dokumenterar hur.")
        result.append(Assessment(**{**a.__dict__, "flags": tuple(flags),
                                    "place": place.place if place else 0, "tied": bool(place and place.tied)}))
    ranked = sorted((a for a in result if a.place), key=lambda a: a.place)
    rest = [a for a in result if not a.place]
    return Outcome(evaluation.basis, evaluation, tuple(lines), (*ranked, *rest))


def check_names(tenders: Sequence[TenderFiles]) -> list[str]:
    """Two tenders from the same supplier (org.nr) or with the same name cannot be told apart in a ranking."""
    seen: dict[str, str] = {}
    clashes = []
    for t in tenders:
        for key in (t.org_nr, t.name.casefold()):
            if key in seen and seen[key] != t.folder:
                clashes.append(f"{t.folder} and {seen[key]} are from the same supplier ({t.name}, {t.org_nr})")
            seen.setdefault(key, t.folder)
    return clashes
