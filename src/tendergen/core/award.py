"""The evaluation arithmetic: evaluated price, mervärde deductions, jämförelsepris and ranking. Pure.

One implementation for everything that computes an evaluation: the AF's worked example and `tendergen
evaluate`. Amounts are exact decimals (kronor and öre, no float rounding); rounding happens only when an
amount is printed. The tie rule is the one the AF publishes: for pris/kvalitet the lower evaluated price
wins an equal jämförelsepris; what is still equal after that is a tie the procurer resolves (lottning).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tendergen.core.tender import Criterion, Evaluation, PriceLine

HUNDRED = Decimal(100)


def amount(value: float | int | str | Decimal) -> Decimal:
    """An exact decimal for a figure from a profile or a sheet (1.5 -> Decimal('1.5'), not its binary float)."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def line_total(price: Decimal, line: PriceLine) -> Decimal:
    """One price line: the unit price times the published evaluation volume."""
    return price * amount(line.evaluation_volume)


def evaluated_price(lines: Sequence[PriceLine], prices: Mapping[str, Decimal]) -> Decimal:
    """The utvärderingspris: the sum over the price lines of price × evaluation volume."""
    return sum((line_total(prices[line.id], line) for line in lines), Decimal(0))


def deduction(criterion: Criterion, price: Decimal) -> Decimal:
    """The mervärde a fulfilled criterion deducts: its SEK amount, or its percentage of the tender's own price."""
    if criterion.value_sek is not None:
        return amount(criterion.value_sek)
    return price * amount(criterion.value_percent or 0) / HUNDRED


@dataclass(frozen=True)
class Computation:
    """One tender's evaluation: its evaluated price, the deductions it earned and its jämförelsepris."""

    price: Decimal
    deductions: tuple[tuple[Criterion, Decimal], ...] = ()

    @property
    def total_deduction(self) -> Decimal:
        return sum((d for _, d in self.deductions), Decimal(0))

    @property
    def comparison_price(self) -> Decimal:
        return self.price - self.total_deduction


def compute(evaluation: Evaluation | None, price: Decimal, fulfilled: Collection[str]) -> Computation:
    """The jämförelsepris of a tender with this evaluated price meeting the criteria named in `fulfilled`.

    Only a pris/kvalitet model gives deductions; criteria count in the model's order.
    """
    if evaluation is None or evaluation.basis != "pris-och-kvalitet":
        return Computation(price)
    return Computation(price, tuple((c, deduction(c, price)) for c in evaluation.criteria
                                    if c.requirement in fulfilled))


def order_key(basis: str, computation: Computation) -> tuple[Decimal, ...]:
    """The published order: lowest jämförelsepris, then lowest evaluated price (pris/kvalitet); lowest price."""
    if basis == "pris-och-kvalitet":
        return (computation.comparison_price, computation.price)
    return (computation.price,)


@dataclass(frozen=True)
class Place:
    """A tender's place in the ranking; `tied` when another tender is equal under the published rule."""

    name: str
    place: int
    tied: bool


def rank(basis: str, tenders: Sequence[tuple[str, Computation]]) -> list[Place]:
    """Places 1, 2, … by the published order; equal tenders share a place and are marked tied."""
    keyed = sorted(((order_key(basis, c), name) for name, c in tenders), key=lambda x: x[0])
    keys = [k for k, _ in keyed]
    return [Place(name, keys.index(key) + 1, keys.count(key) > 1) for key, name in keyed]
