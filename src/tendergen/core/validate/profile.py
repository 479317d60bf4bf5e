"""A profile tree -> Profile: schema, defaults, derived facts, value limits, parameters and forced choices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from tendergen.core import policy
from tendergen.core.load import Source, locate, plain
from tendergen.core.model import Forced, Library, Profile, Scalar, frozen
from tendergen.core.tender import REFERENCE_CLAUSE
from tendergen.core.validate import content
from tendergen.core.validate.clauses import parameter_value_problem
from tendergen.core.validate.schema import Problems, problem, schema_problems, suggest
from tendergen.core.words import sek
from tendergen.errors import Location, raise_if


def _value_checks(
    tree: Any, label: str, facts_: Mapping[str, Any], lib: Library, day: str
) -> tuple[Problems, list[str]]:
    problems: Problems = []
    warnings: list[str] = []
    value = facts_["estimated_value_sek"]
    loc = locate(tree, ["facts", "estimated_value_sek"], label)
    limit = policy.threshold(lib, policy.DIRECT_AWARD_LIMIT, day)
    eu = policy.threshold(lib, policy.EU_THRESHOLD, day)
    if facts_["procedure"] == "direktupphandling" and limit is not None:
        basis = policy.basis_text(lib, limit)
        status = policy.direct_award_status(value, limit.amount_sek)
        if status is policy.LimitStatus.ABOVE:
            problems.append(problem(
                f"estimated value {sek(value)} is above the direktupphandlingsgräns {sek(limit.amount_sek)} "
                f"({basis}; source: {limit.source})",
                loc,
                "direct procurement is not allowed at this value: use an advertised procedure (contact the "
                "procurement unit), or check the value — it covers the whole term including options and "
                "similar purchases in the same year",
            ))
        elif status is policy.LimitStatus.NEAR:
            warnings.append(
                f"{loc}: estimated value {sek(value)} is {value / limit.amount_sek:.0%} of the "
                f"direktupphandlingsgräns {sek(limit.amount_sek)} ({basis}); check that similar purchases this "
                "year do not together exceed it"
            )
    if eu is not None and value >= eu.amount_sek and facts_["procedure"] in policy.OUTER_PROCEDURES:
        message = (f"estimated value {sek(value)} reaches the EU threshold {sek(eu.amount_sek)} "
                   f"({eu.name}); procedure {facts_['procedure']!r} is only for values below it")
        if eu.verified:
            problems.append(problem(message, loc, "choose a procedure under LOU 6 kap., e.g. oppet-forfarande"))
        else:
            warnings.append(f"{loc}: {message} (the SEK value of the threshold is not verified: {eu.source})")
    if eu is not None and not eu.verified and abs(value - eu.amount_sek) <= EU_MARGIN * eu.amount_sek:
        side = "above" if value >= eu.amount_sek else "below"
        warnings.append(
            f"{loc}: estimated value {sek(value)} is within {EU_MARGIN:.0%} of the EU threshold, and "
            f"above_eu_threshold is computed as {side} it from an unverified SEK figure {sek(eu.amount_sek)} "
            f"({eu.name}; source: {eu.source}); set the verified SEK value in the workspace's thresholds.yaml")
    return problems, warnings


EU_MARGIN = 0.1  # how close to an unverified EU threshold a value must be for the warning
DYNAMIC_PURCHASING = "dynamiskt-inkopssystem"


def _fact_checks(tree: Any, label: str, given: Mapping[str, Any], facts_: Mapping[str, Any], problems: Problems,
                 warnings: list[str]) -> None:
    """Facts that contradict each other (errors) or that leave a clause without what it needs (warnings)."""
    def at(name: str) -> Location:
        return locate(tree, ["facts", name], label)

    if "critical_products" in given and not facts_["supply_critical"]:
        problems.append(problem("critical_products lists products, but supply_critical is not true", at(
            "critical_products"), "set supply_critical: true, or remove critical_products"))
    if facts_["supply_critical"] and "critical_products" not in given:
        warnings.append(f"{at('supply_critical')}: supply_critical without critical_products: the requirement on "
                        "safety stock covers every product in the delivery; list the critical ones in "
                        "critical_products")
    if facts_["supply_critical"] and not facts_["hardware"]:
        warnings.append(f"{at('supply_critical')}: supply_critical concerns deliveries of goods, but hardware is not "
                        "true; set hardware: true if the delivery includes products")
    if facts_["procedure"] == DYNAMIC_PURCHASING and facts_.get("framework_agreement"):
        problems.append(problem("a dynamiskt inköpssystem is not a ramavtal: framework_agreement cannot be true with "
                                "procedure dynamiskt-inkopssystem", at("framework_agreement"),
                                "remove framework_agreement, or choose another procedure for a ramavtal"))
    for name in ("long_term_preservation", "e_archive", "alarm_chain"):
        if facts_[name] and facts_["delivery_model"] == "ingen":
            warnings.append(f"{at(name)}: {name} needs a system or service that holds the information, but "
                            "delivery_model is ingen; choose the delivery model of that system or service")
    if facts_["public_space_cameras"] and facts_["personal_data"] is not True:
        problems.append(problem("public_space_cameras is true but personal_data is not: camera images of people "
                                "are personal data", at("public_space_cameras"),
                                "set personal_data: true, or public_space_cameras: false"))


def _contact_checks(tree: Any, label: str, data: Mapping[str, Any], facts_: Mapping[str, Any]) -> list[str]:
    """A direct procurement's offertförfrågan gives suppliers the contact's e-mail and phone: warn when missing."""
    if facts_["procedure"] != "direktupphandling":
        return []
    contact = data.get("contact", {})
    gaps = [name for name, key in (("e-mail", "email"), ("phone number", "phone")) if not contact.get(key)]
    if not gaps:
        return []
    what = f"the contact has no {' and no '.join(gaps)}" if "contact" in data else "the profile has no contact"
    return [f"{locate(tree, ['contact'] if 'contact' in data else [], label)}: {what}: the offertförfrågan tells "
            "suppliers whom to send the offer and questions to, and prints [fylls i av Kommunen: …] instead; add "
            "contact: {name: ..., email: ..., phone: ...}"]


def profile(source: Source, lib: Library, *, organisation: str = "", today: str = "") -> Profile:
    """Validate a profile against its schema and the library; compute defaults and derived facts."""
    from tendergen.core.load import read_schema

    tree, label = source.tree, source.label
    if not isinstance(tree, Mapping):
        raise problem("a profile must be a YAML mapping (key: value lines)", Location(label, 1, 1),
                       "start from one of the files in examples/")
    data = plain(tree)
    schema = read_schema("profile.schema.json")
    problems = schema_problems(tree, data, "profile.schema.json", label)
    raise_if(problems)
    given = dict(data["facts"])
    for name, spec in schema["properties"]["facts"]["properties"].items():
        if name not in given and "default" in spec:
            given[name] = spec["default"]
    contract = data.get("contract", {})
    day = data.get("date") or today or dt.date.today().isoformat()
    all_facts = {**given, **policy.derived_facts(given, contract, lib, day)}
    problems, warnings = _value_checks(tree, label, all_facts, lib, day)
    _fact_checks(tree, label, data["facts"], all_facts, problems, warnings)
    if all_facts["procedure"] == DYNAMIC_PURCHASING and contract.get("options"):
        problems.append(problem(
            "contract.options: a dynamiskt inköpssystem has no extension options; contract.years is how long the "
            "system is valid", locate(tree, ["contract", "options"], label),
            "remove the options; each contract's own term and options are stated in its invitation to tender"))
    warnings += _contact_checks(tree, label, data, all_facts)
    problems.extend(_parameter_problems(tree, label, data.get("parameters", {}), lib))
    own_content = content.tender(source, data, all_facts, lib, problems, warnings)
    parameters = dict(data.get("parameters", {}))
    asked = content.reference_parameters(source, data, all_facts, lib, problems)
    if asked:
        parameters[REFERENCE_CLAUSE] = {**parameters.get(REFERENCE_CLAUSE, {}), **asked}
    forced = {kind: _forced(tree, label, data.get(kind, []), kind, lib, problems) for kind in ("include", "exclude")}
    both = {f.clause for f in forced["include"]} & {f.clause for f in forced["exclude"]}
    for f in forced["exclude"]:
        if f.clause in both:
            problems.append(problem(f"clause {f.clause!r} is both included and excluded", f.location,
                                     "keep only one of the two entries"))
    org = data.get("organisation") or organisation
    if not org:
        problems.append(problem("no organisation: the documents need the contracting authority's name",
                                 locate(tree, [], label),
                                 "add 'organisation: ...' to the profile or to tendergen.yaml"))
    raise_if(problems)
    return Profile(
        title=data["title"],
        reference=data["reference"],
        organisation=org,
        date=day,
        facts=frozen(all_facts),
        location=Location(label),
        department=data.get("department", ""),
        description=data.get("description", ""),
        contact=frozen(data.get("contact", {})),
        contract=frozen(contract),
        parameters=frozen({k: frozen(v) for k, v in parameters.items()}),
        include=forced["include"],
        exclude=forced["exclude"],
        show_motiv=data.get("options", {}).get("show_motiv", False),
        warnings=tuple(warnings),
        tender=own_content,
    )


def _parameter_problems(tree: Any, label: str, params: Mapping[str, Mapping[str, Scalar]], lib: Library) -> Problems:
    problems: Problems = []
    for clause_id, values in params.items():
        target = lib.clause(clause_id)
        if target is None:
            loc = locate(tree, ["parameters", clause_id], label, key=True)
            problems.append(problem(f"parameters for unknown clause {clause_id!r}", loc,
                                     suggest_clause(clause_id, lib)))
            continue
        declared = {p.name: p for p in target.parameters}
        for name, value in values.items():
            loc = locate(tree, ["parameters", clause_id, name], label)
            param = declared.get(name)
            if param is None:
                listing = f"{clause_id} has parameters: {', '.join(declared)}" if declared else "it has no parameters"
                hint = suggest(name, declared) or listing
                problems.append(problem(f"{clause_id} has no parameter {name!r}", loc, hint))
                continue
            wrong = parameter_value_problem(param, value)
            if wrong:
                problems.append(problem(f"{clause_id}.{name}: {wrong}", loc, param.description))
    return problems


def suggest_clause(clause_id: str, lib: Library) -> str:
    return suggest(clause_id, (c.id for c in lib.clauses)) or "see `tendergen clauses list`"


def _forced(tree: Any, label: str, items: list[dict[str, str]], kind: str, lib: Library,
            problems: Problems) -> tuple[Forced, ...]:
    result = []
    for i, item in enumerate(items):
        loc = locate(tree, [kind, i, "clause"], label)
        if lib.clause(item["clause"]) is None:
            problems.append(problem(f"{kind}: unknown clause {item['clause']!r}", loc,
                                     suggest_clause(item["clause"], lib)))
            continue
        result.append(Forced(item["clause"], item["reason"].strip(), loc))
    return tuple(result)
