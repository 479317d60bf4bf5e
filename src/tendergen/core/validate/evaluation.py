"""What tenders are judged on: the profile's own requirements, its evaluation model and its price model.

Part of `validate.content`; HFD 2022 ref. 41 (no price floor that makes price reductions meaningless) is
checked here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tendergen.core.load import Source, plain
from tendergen.core.model import Clause, Library
from tendergen.core.tender import Criterion, Evaluation, PriceLine, Scope
from tendergen.core.validate.schema import Collector, problem, schema_problems, suggest
from tendergen.core.words import sek
from tendergen.errors import Location

ONE_CRITERION_SHARE = 0.5
OWN_AREA = "egna-krav"
OWN_DOCUMENT = "kravspecifikation"


def own_requirements(c: Collector, source: Source, spec: Any, lib: Library) -> list[Clause]:
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
    return own_clauses(inner, base, items, lib, c)


def own_clauses(src: Collector, base: list[str | int], items: list[Mapping[str, Any]], lib: Library,
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


def evaluation_model(c: Collector, data: Mapping[str, Any] | None, own: list[Clause], lib: Library,
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


def price_model(c: Collector, data: Mapping[str, Any] | None, scope: Scope | None,
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
