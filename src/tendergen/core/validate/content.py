"""The procurement's own content in a profile -> Tender: scope, timetable, own requirements, evaluation, prices.

Every check gives a located error or warning naming the figures and the rule it applies. The legal limits
used here are the ones in legal-facts §13: 11 kap. 2 och 6 §§ LOU (35/30 days), 12 kap. 11 § LOU (answers
6 days before the deadline), C-216/17 and C-23/20 (framework maximum), HFD 2022 ref. 41 (no price floor).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from tendergen.core.load import Source, TreePath, locate, plain
from tendergen.core.model import Clause, Library
from tendergen.core.tender import (
    TIMETABLE_LABELS,
    Criterion,
    Evaluation,
    Lot,
    PriceLine,
    Scope,
    Tender,
    Timetable,
    Volume,
)
from tendergen.core.validate.schema import Problems, problem, schema_problems, suggest
from tendergen.core.words import sek
from tendergen.errors import Location

OPEN_PROCEDURE_DAYS = 35
OPEN_PROCEDURE_ELECTRONIC_DAYS = 30
ANSWER_DAYS = 6
QUESTION_DAYS_EXAMPLE = 10
TIGHT_MARGIN_DAYS = 5
ONE_CRITERION_SHARE = 0.5
OWN_AREA = "egna-krav"
OWN_DOCUMENT = "kravspecifikation"
# The order the timetable's dates must come in (the validity date is checked separately).
DATE_ORDER = ("published", "last_question", "last_answer", "tender_deadline", "award_expected", "contract_start")
OUTER = ("annonserad-under-troskelvardet", "direktupphandling")


class Collector:
    """Problems and warnings for one profile, with its tree and label for locating them."""

    def __init__(self, tree: Any, label: str) -> None:
        self.tree, self.label = tree, label
        self.problems: Problems = []
        self.warnings: list[str] = []

    def at(self, path: TreePath, key: bool = False) -> Location:
        return locate(self.tree, path, self.label, key=key)

    def error(self, message: str, path: TreePath, hint: str = "", key: bool = False) -> None:
        self.problems.append(problem(message, self.at(path, key), hint))

    def warn(self, message: str, path: TreePath) -> None:
        self.warnings.append(f"{self.at(path)}: {message}")


def tender(source: Source, data: Mapping[str, Any], facts: Mapping[str, Any], lib: Library,
           problems: Problems, warnings: list[str]) -> Tender | None:
    """Validate the profile's own content; None when it has none of it."""
    keys = ("scope", "timetable", "requirements", "evaluation", "prices")
    framework = bool(facts.get("framework_agreement"))
    if not any(k in data for k in keys) and not framework:
        return None
    c = Collector(source.tree, source.label)
    scope = _scope(c, data.get("scope"), facts)
    timetable = _timetable(c, data.get("timetable"), data.get("contract", {}), facts)
    own = _own_requirements(c, source, data.get("requirements"), lib)
    evaluation = _evaluation(c, data.get("evaluation"), own, lib, scope, facts)
    prices = _prices(c, data.get("prices"), scope, evaluation)
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


# --- egna krav -----------------------------------------------------------------------------------


def _own_requirements(c: Collector, source: Source, spec: Any, lib: Library) -> list[Clause]:
    if spec is None:
        return []
    if isinstance(spec, str):
        from tendergen.core.load import read_yaml

        path = (source.path.parent / spec)
        try:
            own_source = read_yaml(path)
        except Exception as exc:  # InvalidInput from the reader: report it at the profile's line
            c.problems.append(problem(f"requirements: {getattr(exc, 'message', exc)}",
                                      c.at(["requirements"]), f"the file is read relative to the profile: {path}"))
            return []
        tree, label = own_source.tree, own_source.label
        base: list[str | int] = []
        items = plain(tree)
        if isinstance(items, Mapping) and "requirements" in items:
            base, items = ["requirements"], items["requirements"]
        if not isinstance(items, list):
            c.problems.append(problem("a requirements file must hold a list of requirements",
                                      Location(label, 1, 1), "see `tendergen requirements template`"))
            return []
        inner = Collector(tree, label)
        for i, item in enumerate(items):
            inner.problems.extend(schema_problems(tree, item, "profile#own_requirement", label, [*base, i]))
        if inner.problems:
            c.problems.extend(inner.problems)
            return []
    else:
        inner, base, items = c, ["requirements"], spec
    return _own_clauses(inner, base, items, lib, c)


def _own_clauses(src: Collector, base: list[str | int], items: list[Mapping[str, Any]], lib: Library,
                 c: Collector) -> list[Clause]:
    from tendergen.core.validate.clauses import text_problems

    sections = dict(lib.documents[OWN_DOCUMENT].sections) if OWN_DOCUMENT in lib.documents else {}
    seen: set[str] = set()
    result = []
    for i, item in enumerate(items):
        path = [*base, i]
        rid = item["id"]
        if rid in seen:
            src.error(f"own requirement {rid!r} appears twice", [*path, "id"], "give each requirement its own id")
        elif lib.clause(rid) is not None:
            src.error(f"own requirement {rid!r} has the id of a library clause", [*path, "id"],
                      "start own ids with EGEN-, e.g. EGEN-" + rid.split("-")[-1])
        seen.add(rid)
        if item["section"] not in sections:
            src.error(f"{rid}: unknown kravspecifikation section {item['section']!r}", [*path, "section"],
                      suggest(item["section"], sections) or "sections: " + ", ".join(sections))
        valued = "value_sek" in item or "value_percent" in item
        if item["kind"] == "ska-krav" and valued:
            src.error(f"{rid} is a ska-krav but has a mervärde", [*path, "kind"],
                      "only bör-krav give mervärde; make it a bör-krav or remove the value")
        if "value_sek" in item and "value_percent" in item:
            src.error(f"{rid}: give value_sek or value_percent, not both", [*path, "value_percent"])
        for field in ("text", "verifikat", "acceptance"):
            src.problems.extend(text_problems(item[field], (), src.at([*path, field]), f"{rid}: {field}"))
        result.append(Clause(
            id=rid, version="1.0", status="approved", title=item["title"], area=OWN_AREA,
            document=OWN_DOCUMENT, section=item["section"], kind=item["kind"], text=item["text"].strip(),
            motiv=item.get("motiv", ""), location=src.at([*path, "id"]), approved_by="profilen",
            verifikat=item["verifikat"], acceptance=item["acceptance"], response="ja-nej-kommentar",
            origin="profile", data={k: v for k, v in item.items() if k in ("value_sek", "value_percent")}))
    return result


# --- utvärdering ---------------------------------------------------------------------------------


def _evaluation(c: Collector, data: Mapping[str, Any] | None, own: list[Clause], lib: Library,
                scope: Scope | None, facts: Mapping[str, Any]) -> Evaluation | None:
    own_valued = [r for r in own if r.kind == "bör-krav" and r.data]
    if data is None:
        if own_valued:
            c.error("own bör-krav carry a mervärde, but the profile has no evaluation model",
                    ["requirements"], "add evaluation: {basis: pris-och-kvalitet}")
        return None
    basis = data["basis"]
    own_by_id = {r.id: r for r in own}
    criteria: list[Criterion] = []
    for r in own_valued:
        criteria.append(Criterion(r.id, r.title, r.data.get("value_sek"), r.data.get("value_percent")))
    for r in own:
        if r.kind == "bör-krav" and not r.data and r.id not in {x["requirement"] for x in data.get("criteria", ())}:
            c.problems.append(problem(
                f"own bör-krav {r.id} has no mervärde", r.location,
                "give it value_sek or value_percent, list it under evaluation.criteria, or make it a ska-krav"))
    for i, item in enumerate(data.get("criteria", ())):
        rid = item["requirement"]
        path: list[str | int] = ["evaluation", "criteria", i]
        target = own_by_id.get(rid) or lib.clause(rid)
        if target is None:
            c.error(f"criterion names unknown requirement {rid!r}", [*path, "requirement"],
                    suggest(rid, [*own_by_id, *(x.id for x in lib.clauses if x.kind == "bör-krav")])
                    or "name a bör-krav of the library or of the profile's own requirements")
            continue
        if target.kind != "bör-krav":
            c.error(f"criterion {rid} is a {target.kind}, not a bör-krav", [*path, "requirement"],
                    "only bör-krav can give mervärde")
            continue
        if rid in own_by_id and own_by_id[rid].data:
            c.error(f"{rid} is valued twice: in requirements and in evaluation.criteria", [*path, "requirement"],
                    "one figure, one place: keep one of the two values")
            continue
        if ("value_sek" in item) == ("value_percent" in item):
            c.error(f"criterion {rid}: give exactly one of value_sek and value_percent", path,
                    "value_sek: 150000 (deduction in kronor) or value_percent: 3 (of the evaluated price)")
            continue
        criteria.append(Criterion(rid, target.title, item.get("value_sek"), item.get("value_percent"),
                                  " ".join(item.get("note", "").split())))
    ids = [x.requirement for x in criteria]
    for rid in sorted({x for x in ids if ids.count(x) > 1}):
        c.error(f"criterion {rid} is listed more than once", ["evaluation", "criteria"])
    for i, rid in enumerate(data.get("information_only", ())):
        if rid in ids:
            c.error(f"{rid} is both a valued criterion and information_only", ["evaluation", "information_only", i])
        elif lib.clause(rid) is None and rid not in own_by_id:
            c.error(f"information_only names unknown requirement {rid!r}", ["evaluation", "information_only", i])
    if basis == "pris-och-kvalitet" and not criteria:
        c.error("evaluation on bästa förhållandet mellan pris och kvalitet needs at least one criterion with a "
                "mervärde", ["evaluation", "basis"],
                "add evaluation.criteria (a bör-krav and its value_sek or value_percent), or use basis: pris")
    if basis != "pris-och-kvalitet" and criteria:
        c.error(f"evaluation basis {basis!r} gives no mervärde, but {len(criteria)} criterion/criteria are valued",
                ["evaluation", "basis"], "use basis: pris-och-kvalitet, or remove the values")
    if "price_floor_sek" in data:
        c.error(f"the model has a price floor ({sek(data['price_floor_sek'])}): price reductions below it would be "
                "meaningless, which HFD 2022 ref. 41 does not allow", ["evaluation", "price_floor_sek"],
                "remove price_floor_sek; every krona of a lower price must count")
    percent = sum(x.value_percent or 0 for x in criteria)
    if percent >= 100:
        c.error(f"the percentage deductions add up to {percent:g} procent: a tender meeting every criterion would "
                "get a jämförelsepris of zero or less whatever its price, so price reductions become meaningless "
                "(HFD 2022 ref. 41)", ["evaluation", "criteria"], "keep the sum of value_percent well below 100")
    reference = scope.estimated_sek if scope and scope.estimated_sek else facts["estimated_value_sek"]
    deductions = [x.deduction(reference) for x in criteria]
    total = sum(deductions)
    for x, d in zip(criteria, deductions, strict=True):
        if len(criteria) > 1 and total and d > ONE_CRITERION_SHARE * total:
            c.warn(f"criterion {x.requirement} carries {d / total:.0%} of all possible deductions (percentages "
                   f"counted at the estimated value {sek(reference)}); one criterion decides the quality part",
                   ["evaluation", "criteria"])
    return Evaluation(basis, tuple(criteria), tuple(data.get("information_only", ())))


# --- prismodell ----------------------------------------------------------------------------------


def _prices(c: Collector, data: Mapping[str, Any] | None, scope: Scope | None,
            evaluation: Evaluation | None) -> tuple[PriceLine, ...]:
    if data is None:
        if evaluation is not None:
            c.warn("the profile has an evaluation model but no price model (prices.lines): no prisbilaga is "
                   "produced and the AF cannot say how the evaluated price is computed", ["evaluation"])
        return ()
    lots = {lot.id for lot in scope.lots} if scope else set()
    lines = []
    seen: set[str] = set()
    for i, line in enumerate(data["lines"]):
        if line["id"] in seen:
            c.error(f"price line {line['id']!r} appears twice", ["prices", "lines", i, "id"])
        seen.add(line["id"])
        if "lot" in line and line["lot"] not in lots:
            c.error(f"price line {line['id']} names lot {line['lot']}, which scope.lots does not have",
                    ["prices", "lines", i, "lot"])
        lines.append(PriceLine(line["id"], line["text"], line["unit"], line["evaluation_volume"], line.get("lot"),
                               line.get("option", False)))
    if not any(x.evaluation_volume for x in lines):
        c.error("every price line has evaluation_volume 0: the evaluated price would always be 0 kr",
                ["prices", "lines"], "give the lines their estimated volumes for the evaluation")
    return tuple(lines)

