"""The procurement's own content in a profile -> Tender: scope, timetable, own requirements, evaluation, prices.

Every check gives a located error or warning naming the figures and the rule it applies. The legal limits
used here are the ones in legal-facts §13: 11 kap. 2 och 6 §§ LOU (35/30 days), 12 kap. 11 § LOU (answers
6 days before the deadline), C-216/17 and C-23/20 (framework maximum), HFD 2022 ref. 41 (no price floor).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from tendergen.core.load import Source
from tendergen.core.model import Library, Scalar
from tendergen.core.tender import (
    REFERENCE_CLAUSE,
    REFERENCE_PARAMETERS,
    TIMETABLE_LABELS,
    Lot,
    Scope,
    Tender,
    Timetable,
    Volume,
)
from tendergen.core.validate.clauses import parameter_value_problem
from tendergen.core.validate.evaluation import evaluation_model, own_requirements, price_model
from tendergen.core.validate.schema import Collector, Problems
from tendergen.core.words import sek

OPEN_PROCEDURE_DAYS = 35
OPEN_PROCEDURE_ELECTRONIC_DAYS = 30
ANSWER_DAYS = 6
QUESTION_DAYS_EXAMPLE = 10
TIGHT_MARGIN_DAYS = 5
# The order the timetable's dates must come in (the validity date is checked separately).
DATE_ORDER = ("published", "last_question", "last_answer", "tender_deadline", "award_expected", "contract_start")
OUTER = ("annonserad-under-troskelvardet", "direktupphandling")


def tender(source: Source, data: Mapping[str, Any], facts: Mapping[str, Any], lib: Library,
           problems: Problems, warnings: list[str]) -> Tender | None:
    """Validate the profile's own content; None when it has none of it."""
    keys = ("scope", "timetable", "requirements", "evaluation", "prices", "references")
    framework = bool(facts.get("framework_agreement"))
    if not any(k in data for k in keys) and not framework:
        return None
    c = Collector(source.tree, source.label)
    scope = _scope(c, data.get("scope"), facts)
    timetable = _timetable(c, data.get("timetable"), data.get("contract", {}), facts)
    own = own_requirements(c, source, data.get("requirements"), lib)
    evaluation = evaluation_model(c, data.get("evaluation"), own, lib, scope, facts)
    prices = price_model(c, data.get("prices"), scope, evaluation)
    problems.extend(c.problems)
    warnings.extend(c.warnings)
    return Tender(scope=scope, timetable=timetable, requirements=tuple(own), evaluation=evaluation, prices=prices)


# --- omfattning ----------------------------------------------------------------------------------


def _scope(c: Collector, data: Mapping[str, Any] | None, facts: Mapping[str, Any]) -> Scope | None:
    framework = bool(facts.get("framework_agreement"))
    if data is None:
        if framework:
            c.error("a framework agreement must state its maximum value: the profile has no 'scope'",
                    ["facts", "framework_agreement"],
                    "add scope: {value: {estimated_sek: ..., maximum_sek: ...}}; the ramavtal ends when the "
                    "maximum is reached (EU-domstolen C-216/17 and C-23/20)")
        return None
    value = data.get("value", {})
    estimated = value.get("estimated_sek", facts["estimated_value_sek"])
    if "estimated_sek" in value and value["estimated_sek"] != facts["estimated_value_sek"]:
        c.error(f"scope.value.estimated_sek {sek(value['estimated_sek'])} differs from "
                f"facts.estimated_value_sek {sek(facts['estimated_value_sek'])}",
                ["scope", "value", "estimated_sek"],
                "one figure, one place: remove scope.value.estimated_sek (facts.estimated_value_sek is used)")
    maximum = value.get("maximum_sek")
    if framework and maximum is None:
        c.error("a framework agreement must state its maximum value (takvolym): scope.value.maximum_sek is "
                "missing", ["scope", "value"] if "value" in data else ["scope"],
                "add maximum_sek: the highest value the ramavtal may reach; it ends when the maximum is "
                "reached (EU-domstolen C-216/17 and C-23/20)")
    if maximum is not None and maximum < estimated:
        c.error(f"the maximum value {sek(maximum)} is below the estimated value {sek(estimated)}",
                ["scope", "value", "maximum_sek"], "the maximum is the ceiling; it cannot be lower than the estimate")
    if maximum is not None and not framework:
        c.warn("scope.value.maximum_sek is given, but the procurement is not a framework agreement "
               "(facts.framework_agreement); the maximum is printed only for framework agreements",
               ["scope", "value", "maximum_sek"])
    lots = tuple(Lot(lot["id"], lot["title"], lot["estimated_sek"], lot.get("maximum_sek"), lot.get("scope", ""))
                 for lot in data.get("lots", ()))
    _lot_checks(c, lots, estimated, maximum, framework, data, facts)
    volumes = []
    for i, v in enumerate(data.get("volumes", ())):
        if ("per_year" in v) == ("total" in v):
            c.error(f"volume {v['item']!r}: give either per_year or total", ["scope", "volumes", i],
                    "per_year: 900 (per year of the contract) or total: 3600 (whole term)")
        if "lot" in v and v["lot"] not in {lot.id for lot in lots}:
            c.error(f"volume {v['item']!r} names lot {v['lot']}, which scope.lots does not have",
                    ["scope", "volumes", i, "lot"], "lots: " + (", ".join(str(x.id) for x in lots) or "none"))
        volumes.append(Volume(v["item"], v["unit"], v.get("per_year"), v.get("total"), v.get("lot"),
                              v.get("note", "")))
    background = tuple(p.strip() for p in data.get("background", "").split("\n\n") if p.strip())
    return Scope(background=tuple(" ".join(p.split()) for p in background), volumes=tuple(volumes),
                 estimated_sek=estimated, maximum_sek=maximum, options=tuple(data.get("options", ())),
                 lots=lots, not_divided_because=" ".join(data.get("not_divided_because", "").split()))


def _lot_checks(c: Collector, lots: tuple[Lot, ...], estimated: int, maximum: int | None, framework: bool,
                data: Mapping[str, Any], facts: Mapping[str, Any]) -> None:
    if lots and data.get("not_divided_because"):
        c.error("scope has both lots and not_divided_because", ["scope", "not_divided_because"], key=True,
                hint="keep the lots, or the reason for not dividing the procurement, not both")
    if not lots and not data.get("not_divided_because") and facts["procedure"] not in OUTER:
        c.warn("scope has neither lots nor not_divided_because: state why the procurement is not divided into "
               "delkontrakt (the AF must give the reason)", ["scope"])
    ids = [lot.id for lot in lots]
    if ids and ids != list(range(1, len(ids) + 1)):
        c.error(f"lots are numbered {ids}; number them 1, 2, 3 … in order", ["scope", "lots"])
    if lots and sum(lot.estimated_sek for lot in lots) != estimated:
        c.warn(f"the lots' estimated values add up to {sek(sum(lot.estimated_sek for lot in lots))}, not the "
               f"estimated value {sek(estimated)}", ["scope", "lots"])
    for i, lot in enumerate(lots):
        if lot.maximum_sek is not None and lot.maximum_sek < lot.estimated_sek:
            c.error(f"lot {lot.id}: maximum {sek(lot.maximum_sek)} is below its estimated value "
                    f"{sek(lot.estimated_sek)}", ["scope", "lots", i, "maximum_sek"])
        if framework and lot.maximum_sek is None:
            c.warn(f"lot {lot.id} has no maximum_sek; the AF states only the agreement's overall maximum for it",
                   ["scope", "lots", i])
    lot_max = [lot.maximum_sek for lot in lots if lot.maximum_sek is not None]
    if maximum is not None and lot_max and sum(lot_max) > maximum:
        c.warn(f"the lots' maxima add up to {sek(sum(lot_max))}, above the agreement's maximum {sek(maximum)}",
               ["scope", "lots"])


# --- tidplan -------------------------------------------------------------------------------------


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _timetable(c: Collector, data: Mapping[str, Any] | None, contract: Mapping[str, Any],
               facts: Mapping[str, Any]) -> Timetable | None:
    if data is None:
        return None
    labels = dict(TIMETABLE_LABELS)
    dates: dict[str, dt.date] = {}
    for key in labels:
        if key in data:
            try:
                dates[key] = _day(data[key])
            except ValueError:
                c.error(f"timetable.{key}: {data[key]!r} is not a date", ["timetable", key], "write ÅÅÅÅ-MM-DD")
    present = [k for k in DATE_ORDER if k in dates]
    for earlier, later in zip(present, present[1:], strict=False):
        if dates[later] < dates[earlier] or (later == "tender_deadline" and dates[later] == dates[earlier]):
            c.error(f"dates out of order: {labels[later].lower()} ({later}: {dates[later]}, line "
                    f"{c.at(['timetable', earlier]).line}) comes before {labels[earlier].lower()} "
                    f"({earlier}: {dates[earlier]})", ["timetable", later],
                    f"the timetable runs {' → '.join(DATE_ORDER)}")
    if "tender_valid_until" in dates:
        after = max((dates[k] for k in ("tender_deadline", "award_expected") if k in dates), default=None)
        if after and dates["tender_valid_until"] < after:
            c.error(f"the tender validity ({dates['tender_valid_until']}) ends before "
                    f"{'the expected award' if 'award_expected' in dates else 'the tender deadline'} ({after})",
                    ["timetable", "tender_valid_until"], "tenders must stay binding until the contract is signed")
    if "start" in contract and "contract_start" in dates and _day(contract["start"]) != dates["contract_start"]:
        c.error(f"timetable.contract_start {dates['contract_start']} differs from contract.start {contract['start']}",
                ["timetable", "contract_start"], "one date, one place: remove one of them")
    above = bool(facts.get("above_eu_threshold")) and facts["procedure"] not in OUTER
    deadline = dates.get("tender_deadline")
    if deadline and "last_answer" in dates:
        gap = (deadline - dates["last_answer"]).days
        if gap < ANSWER_DAYS and above:
            c.error(f"answers too late: last answer {dates['last_answer']} is {gap} day(s) before the tender "
                    f"deadline {deadline}; answers must be given at least {ANSWER_DAYS} days before it "
                    "(12 kap. 11 § LOU)", ["timetable", "last_answer"],
                    f"move last_answer to {deadline - dt.timedelta(days=ANSWER_DAYS)} or earlier, "
                    "or the deadline later")
        elif gap < ANSWER_DAYS + 2 and above:
            c.warn(f"tight but legal: answers end {gap} days before the tender deadline (minimum {ANSWER_DAYS}, "
                   "12 kap. 11 § LOU); a late question may force the deadline to move", ["timetable", "last_answer"])
    if deadline and "last_question" in dates and (deadline - dates["last_question"]).days < QUESTION_DAYS_EXAMPLE:
        c.warn(f"last day for questions {dates['last_question']} is less than {QUESTION_DAYS_EXAMPLE} days before the "
               "tender deadline (the example in prop. 2015/16:195); answers may not reach every supplier in time",
               ["timetable", "last_question"])
    if facts["procedure"] == "oppet-forfarande" and above and deadline and "published" in dates:
        electronic = data.get("electronic_tenders", True)
        minimum = OPEN_PROCEDURE_ELECTRONIC_DAYS if electronic else OPEN_PROCEDURE_DAYS
        rule = "11 kap. 6 § LOU, elektroniska anbud" if electronic else "11 kap. 2 § LOU"
        days = (deadline - dates["published"]).days
        if days < minimum:
            c.error(f"tender period too short: {days} days from publication {dates['published']} to the tender "
                    f"deadline {deadline}; the open procedure needs at least {minimum} days ({rule})",
                    ["timetable", "tender_deadline"],
                    f"set tender_deadline to {dates['published'] + dt.timedelta(days=minimum)} or later; the "
                    "procurement's complexity may call for more")
        elif days < minimum + TIGHT_MARGIN_DAYS:
            c.warn(f"tight but legal: {days} days from publication to the tender deadline (minimum {minimum}, "
                   f"{rule}); weigh the procurement's complexity", ["timetable", "tender_deadline"])
    ordered = tuple((k, dates[k].isoformat()) for k, _ in TIMETABLE_LABELS if k in dates)
    return Timetable(ordered, bool(data.get("electronic_tenders", True)))


# --- referensuppdrag (kvalificering) -------------------------------------------------------------


def reference_parameters(source: Source, data: Mapping[str, Any], facts: Mapping[str, Any], lib: Library,
                         problems: Problems) -> dict[str, Scalar]:
    """The profile's `references` block as the reference clause's parameter values, each checked where written.

    The block is the procurer's way to ask for references; the values become the clause's parameters, so the
    AF's qualification requirement and the referensbilaga state the same figures.
    """
    block = data.get("references")
    if block is None:
        return {}
    c = Collector(source.tree, source.label)
    clause = lib.clause(REFERENCE_CLAUSE)
    if clause is None:
        c.error(f"references: the clause library has no {REFERENCE_CLAUSE}, the qualification requirement the "
                "block sets", ["references"], "remove references:, or use a library that has the clause", key=True)
        problems.extend(c.problems)
        return {}
    if facts.get("direct_award"):
        c.error("references: a direktupphandling has no qualification stage, so no referensbilaga is produced",
                ["references"], "remove references:, or describe what the offer must show in the requirements",
                key=True)
    if any(f.get("clause") == REFERENCE_CLAUSE for f in data.get("exclude", ())):
        c.error(f"references asks for reference assignments, but exclude removes {REFERENCE_CLAUSE}, the "
                "requirement that asks for them", ["references"], f"remove references:, or the exclusion of "
                f"{REFERENCE_CLAUSE}", key=True)
    declared = {p.name: p for p in clause.parameters}
    given = data.get("parameters", {}).get(REFERENCE_CLAUSE, {})
    values: dict[str, Scalar] = {}
    for key, name in REFERENCE_PARAMETERS:
        if key not in block or name not in declared:
            continue
        value = block[key]
        if isinstance(value, str):
            value = " ".join(value.split()).rstrip(".").strip()
            if value.lower().startswith("uppdraget har avsett"):
                c.error("references.assignment repeats 'Uppdraget har avsett'", ["references", key],
                        "write only what follows it, e.g. 'drift av nätverk åt en organisation med minst 500 "
                        "användare'")
                continue
        wrong = parameter_value_problem(declared[name], value)
        if wrong:
            param = declared[name]
            limits = (f" (from {param.minimum:g} to {param.maximum:g})"
                      if param.minimum is not None and param.maximum is not None else "")
            c.error(f"references.{key}: {wrong}", ["references", key], f"{param.description}{limits}")
            continue
        if name in given:
            c.error(f"references.{key} and parameters.{REFERENCE_CLAUSE}.{name} both set the same figure",
                    ["parameters", REFERENCE_CLAUSE, name], f"one figure, one place: keep references.{key}")
            continue
        values[name] = value
    problems.extend(c.problems)
    return values
