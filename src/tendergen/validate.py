"""Located YAML trees -> model objects. Collects every problem, then raises them together."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tendergen.errors import InvalidInput, Location, TendergenError, raise_if
from tendergen.load import LibrarySources, Source
from tendergen.model import (
    Clause,
    Document,
    Fact,
    Forced,
    LegalRef,
    Library,
    Parameter,
    Profile,
    Reference,
    Rule,
    Scalar,
    Threshold,
    frozen,
)

Problems = list[TendergenError]
Path_ = Sequence[str | int]

DIRECT_AWARD_LIMIT = "direktupphandlingsgrans"
EU_THRESHOLD = "eu-troskelvarde-kommuner"
NEAR_LIMIT_SHARE = 0.8
TEXT_GLOBALS = frozenset({"organisation", "title", "reference", "avtalstid_ar", "optioner", "antal_optioner"})
CLOUD_MODELS = ("saas", "hybrid")
OUTER_PROCEDURES = ("annonserad-under-troskelvardet", "direktupphandling")


# --- locating ---------------------------------------------------------------------------------


def plain(node: Any) -> Any:
    """Turn a ruamel tree into plain dicts, lists and scalars; dates become ISO strings."""
    if isinstance(node, Mapping):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, dt.date):
        return node.isoformat()[:10]
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


def _lc(node: Any) -> Any:
    return getattr(node, "lc", None)


def locate(tree: Any, path: Path_, label: str, *, key: bool = False) -> Location:
    """The file position of the value at `path` in a ruamel tree (or of its key, with key=True)."""
    node, line, col = tree, 0, 0
    lc = _lc(tree)
    if lc is not None and lc.line is not None:
        line, col = lc.line + 1, lc.col + 1
    for i, step in enumerate(path):
        lc = _lc(node)
        try:
            if isinstance(node, Mapping) and step in node:
                pos = lc.key(step) if (key and i == len(path) - 1) else lc.value(step)
                node = node[step]
            elif isinstance(node, list) and isinstance(step, int) and step < len(node):
                pos = lc.item(step)
                node = node[step]
            else:
                break
        except (AttributeError, KeyError, TypeError):
            break
        if pos and pos[0] is not None:
            line, col = pos[0] + 1, pos[1] + 1
    return Location(label, line, col)


def _problem(message: str, loc: Location, hint: str = "") -> InvalidInput:
    return InvalidInput(message, location=loc, hint=hint)


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""


def schema_problems(tree: Any, data: Any, schema: str, label: str, base: Path_ = ()) -> Problems:
    """Validate `data` (the plain form of `tree`) against a JSON Schema; one located problem per error."""
    from jsonschema.exceptions import best_match

    problems: Problems = []
    validator = _validator(schema)
    if validator.is_valid(data):
        return problems
    for error in validator.iter_errors(data):
        if error.context:
            error = best_match(error.context)
        path = [*base, *error.absolute_path]
        instance = error.instance
        if error.validator == "additionalProperties" and isinstance(instance, Mapping):
            allowed = set(error.schema.get("properties", {}))
            for extra in sorted(set(instance) - allowed):
                hint = _suggest(extra, allowed) or (
                    f"allowed fields here: {', '.join(sorted(allowed))}" if allowed else "remove it"
                )
                problems.append(
                    _problem(f"unknown field {extra!r}", locate(tree, [*path, extra], label, key=True), hint)
                )
            continue
        message, hint = error.message, ""
        if error.validator == "required":
            hint = "add the missing field"
        elif error.validator == "enum":
            message = f"{instance!r} is not allowed here"
            hint = "use one of: " + ", ".join(map(str, error.validator_value))
        elif error.validator == "type":
            message = f"{instance!r} is not of type {error.validator_value}"
        elif error.validator == "pattern":
            message = f"{instance!r} has the wrong form"
            hint = f"it must match {error.validator_value}"
        elif error.validator == "minLength":
            hint = "write the text out; it may not be empty or this short"
        field = ".".join(str(p) for p in error.absolute_path if not isinstance(p, int))
        prefix = f"{field}: " if field and error.validator not in ("required",) else ""
        problems.append(_problem(prefix + message, locate(tree, path, label), hint))
    return problems


@functools.cache
def _validator(schema: str) -> Any:
    """One validator per schema, built once: a bundled file name, or 'library-files#NAME' for one definition."""
    from jsonschema import Draft202012Validator

    from tendergen.load import read_schema

    file, _, definition = schema.partition("#")
    document = read_schema(file if file.endswith(".json") else f"{file}.schema.json")
    if definition:
        document = {"$ref": f"#/$defs/{definition}", "$defs": document["$defs"]}
    return Draft202012Validator(document)


# --- facts ------------------------------------------------------------------------------------


def facts(profile_schema: Mapping[str, Any]) -> Mapping[str, Fact]:
    """The facts rules may use: the profile's `facts` properties and the declared derived facts."""
    result: dict[str, Fact] = {}
    declared = profile_schema["properties"]["facts"]["properties"]
    derived = profile_schema.get("x-derived-facts", {})
    for derived_flag, group in ((False, declared), (True, derived)):
        for name, schema in group.items():
            kind = "enum" if "enum" in schema else schema.get("type", "string")
            result[name] = Fact(name, kind, schema.get("description", ""), frozen(schema), derived_flag)
    return frozen(result)


def _value_fits(fact: Fact, value: Any) -> bool:
    if fact.type == "enum":
        return value in fact.schema["enum"]
    if fact.type == "boolean":
        return isinstance(value, bool)
    if fact.type in ("integer", "number"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, str)


# --- rules ------------------------------------------------------------------------------------

ORDERING_TESTS = ("gt", "gte", "lt", "lte")


def rule(tree: Any, path: Path_, label: str, known: Mapping[str, Fact], problems: Problems) -> Rule:
    """Compile a schema-valid `when` node; names must be declared facts with values of their type."""
    node = _at(tree, path)
    (key, value), = node.items()
    loc = locate(tree, [*path, key], label, key=True)
    if key in ("all", "any"):
        children = tuple(rule(tree, [*path, key, i], label, known, problems) for i in range(len(value)))
        return Rule(key, children, location=loc)
    if key == "not":
        return Rule("not", (rule(tree, [*path, key], label, known, problems),), location=loc)
    fact = known.get(key)
    if fact is None:
        hint = _suggest(key, known) or "declared facts: " + ", ".join(sorted(known))
        problems.append(_problem(f"rule names undeclared fact {key!r}", loc, hint))
        return Rule("test", fact=key, test="eq", value=plain(value), location=loc)
    test, expected = next(iter(plain(value).items())) if isinstance(value, Mapping) else ("eq", plain(value))
    values = expected if test in ("in", "not_in") else [expected]
    if test in ORDERING_TESTS and fact.type not in ("integer", "number"):
        problems.append(_problem(f"fact {key!r} is a {fact.type}; {test!r} needs a number", loc))
    for item in values:
        if not _value_fits(fact, item):
            allowed = fact.schema.get("enum")
            hint = "use one of: " + ", ".join(map(str, allowed)) if allowed else f"use a {fact.type}"
            problems.append(_problem(f"{item!r} is not a possible value of fact {key!r}", loc, hint))
    return Rule("test", fact=key, test=test, value=expected, location=loc)


def _at(tree: Any, path: Path_) -> Any:
    for step in path:
        tree = tree[step]
    return tree


def rule_facts(r: Rule | None) -> set[str]:
    """Every fact a rule mentions."""
    if r is None:
        return set()
    if r.op == "test":
        return {r.fact}
    return set().union(*(rule_facts(c) for c in r.children))


# --- clauses ----------------------------------------------------------------------------------


def _parameter(name: str, spec: Mapping[str, Any], loc: Location, problems: Problems) -> Parameter:
    param = Parameter(
        name=name,
        type=spec["type"],
        default=spec["default"],
        description=spec["description"],
        unit=spec.get("unit", ""),
        choices=tuple(spec.get("choices", ())),
        minimum=spec.get("minimum"),
        maximum=spec.get("maximum"),
        stricter=spec.get("stricter"),
    )
    problem = parameter_value_problem(param, param.default)
    if problem:
        problems.append(_problem(f"parameter {name!r}: default {problem}", loc))
    return param


def parameter_value_problem(param: Parameter, value: Any) -> str:
    """Why `value` is not a valid value of `param`, or '' when it is."""
    expected: dict[str, type | tuple[type, ...]] = {
        "integer": int, "number": (int, float), "string": str, "boolean": bool}
    wanted = expected[param.type]
    if isinstance(value, bool) != (param.type == "boolean") or not isinstance(value, wanted):
        return f"{value!r} is not of type {param.type}"
    if param.choices and value not in param.choices:
        return f"{value!r} is not one of {', '.join(map(str, param.choices))}"
    if param.minimum is not None and isinstance(value, int | float) and value < param.minimum:
        return f"{value!r} is below the minimum {param.minimum:g}"
    if param.maximum is not None and isinstance(value, int | float) and value > param.maximum:
        return f"{value!r} is above the maximum {param.maximum:g}"
    return ""


PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")


def _simple_placeholders(text: str) -> set[str] | None:
    """The names in a text that uses only `{{ name }}` placeholders, or None if it uses more of Jinja."""
    rest = PLACEHOLDER.sub("", text)
    if any(mark in rest for mark in ("{{", "}}", "{%", "%}", "{#", "#}")):
        return None
    return set(PLACEHOLDER.findall(text))


def text_problems(text: str, names: Iterable[str], loc: Location, what: str) -> Problems:
    """Syntax errors and undefined names in a clause text (rendered later in the sandbox)."""
    used = _simple_placeholders(text)
    if used is None:  # anything beyond plain {{ name }} placeholders: let Jinja parse it
        from jinja2 import TemplateSyntaxError, meta
        from jinja2.sandbox import SandboxedEnvironment

        try:
            used = meta.find_undeclared_variables(SandboxedEnvironment().parse(text))
        except TemplateSyntaxError as exc:
            return [_problem(f"{what}: template syntax error: {exc.message}", loc,
                             "placeholders look like {{ name }}")]
    allowed = set(names) | TEXT_GLOBALS
    return [
        _problem(
            f"{what} uses undefined parameter {name!r}",
            loc,
            _suggest(name, allowed) or "declare it under 'parameters' or remove the placeholder",
        )
        for name in sorted(used - allowed)
    ]


APPROVED_CONTENT = ("title", "kind", "text", "parameters", "when", "legal_basis", "evaluation", "verifikat",
                    "acceptance", "response", "requires", "excludes", "replaces")


def content_hash(data: Mapping[str, Any]) -> str:
    """A fingerprint of what a lawyer approves in a clause (not its status or approval metadata)."""
    import hashlib

    content = {k: data.get(k) for k in APPROVED_CONTENT}
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


def clause(
    tree: Any, path: Path_, label: str, known: Mapping[str, Fact], origin: str, problems: Problems, file: str = ""
) -> Clause | None:
    """Validate one clause node and build the Clause, or add problems and return None."""
    node = _at(tree, path)
    data = plain(node)
    found = schema_problems(tree, data, "clause.schema.json", label, path)
    if found:
        problems.extend(found)
        return None
    loc = locate(tree, [*path, "id"], label)
    params = tuple(
        _parameter(name, spec, locate(tree, [*path, "parameters", name], label, key=True), problems)
        for name, spec in data.get("parameters", {}).items()
    )
    for lang in ("sv", "en"):
        if lang in data["text"]:
            problems.extend(
                text_problems(
                    data["text"][lang], (p.name for p in params),
                    locate(tree, [*path, "text", lang], label), f"text.{lang}",
                )
            )
    when = rule(tree, [*path, "when"], label, known, problems) if "when" in data else None
    evaluation = data.get("evaluation", {})
    return Clause(
        id=data["id"],
        version=data["version"],
        status=data["status"],
        title=data["title"],
        area=data["area"],
        document=data["document"],
        section=data["section"],
        kind=data["kind"],
        text=data["text"]["sv"],
        text_en=data["text"].get("en", ""),
        motiv=data["motiv"],
        location=loc,
        approved_by=data.get("approved_by", ""),
        approved_on=data.get("approved_on", ""),
        parameters=params,
        verifikat=data.get("verifikat", ""),
        acceptance=data.get("acceptance", ""),
        response=data.get("response", default_response(data["kind"])),
        legal_basis=tuple(LegalRef(b["ref"], b.get("provision")) for b in data.get("legal_basis", ())),
        when=when,
        requires=tuple(data.get("requires", ())),
        excludes=tuple(data.get("excludes", ())),
        replaces=tuple(data.get("replaces", ())),
        needs_legal_review=data.get("needs_legal_review", False),
        legal_review_note=data.get("legal_review_note", ""),
        evaluation_weight=evaluation.get("weight"),
        evaluation_note=evaluation.get("note", ""),
        origin=origin,
        file=file,
        approval_stale="approved_hash" in data and data["approved_hash"] != content_hash(data),
        data=frozen(data),
    )


def default_response(kind: str) -> str:
    return {"ska-krav": "ja-nej", "bör-krav": "ja-nej-kommentar", "rfi-fråga": "text"}.get(kind, "ingen")


def _clause_nodes(source: Source) -> list[Path_]:
    tree = source.tree
    if isinstance(tree, Mapping) and "clauses" in tree and isinstance(tree["clauses"], list):
        return [["clauses", i] for i in range(len(tree["clauses"]))]
    return [[]]


# --- library ----------------------------------------------------------------------------------


@dataclass
class _Meta:
    name: str = ""
    version: str = ""
    references: dict[str, Reference] | None = None
    documents: dict[str, Document] | None = None
    thresholds: dict[str, Threshold] | None = None


def _read_meta(layer: LibrarySources, meta: _Meta, problems: Problems) -> None:
    for file_name, source in layer.meta.items():
        kind = file_name.removesuffix(".yaml")
        data = plain(source.tree)
        found = schema_problems(source.tree, data, f"library-files#{kind}", source.label)
        problems.extend(found)
        if found:
            continue
        if kind == "library":
            meta.name = meta.name or data["name"]
            meta.version = f"{meta.version}+{data['version']}" if meta.version else data["version"]
        elif kind == "references":
            meta.references = meta.references or {}
            for ref_id, ref in data["references"].items():
                meta.references[ref_id] = Reference(
                    id=ref_id, name=ref["name"], number=ref["number"], verified=ref["verified"],
                    source=ref.get("source", ""), short=ref.get("short", ""),
                    provisions=frozen({p: v["verified"] for p, v in ref.get("provisions", {}).items()}),
                )
        elif kind == "sections":
            meta.documents = meta.documents or {}
            for doc_id, doc in data["documents"].items():
                old = meta.documents.get(doc_id)
                sections = dict(old.sections) if old else {}
                sections.update(doc["sections"])
                title = doc.get("title") or (old.title if old else doc_id)
                intro = doc.get("intro") or (old.intro if old else "")
                meta.documents[doc_id] = Document(doc_id, title, tuple(sections.items()), intro)
        elif kind == "thresholds":
            meta.thresholds = meta.thresholds or {}
            for i, t in enumerate(data["thresholds"]):
                lb = t.get("legal_basis")
                meta.thresholds[t["id"]] = Threshold(
                    id=t["id"], name=t["name"], amount_sek=t["amount_sek"], valid_from=t["valid_from"],
                    valid_to=t.get("valid_to", ""), amount_eur=t.get("amount_eur"), source=t["source"],
                    verified=t["verified"], location=locate(source.tree, ["thresholds", i], source.label),
                    legal_basis=LegalRef(lb["ref"], lb.get("provision")) if lb else None,
                )


def library(layers: Sequence[LibrarySources], known: Mapping[str, Fact]) -> Library:
    """Build the Library from the bundled folder and any workspace folders layered over it, in order."""
    problems: Problems = []
    meta = _Meta()
    by_id: dict[str, Clause] = {}
    for layer in layers:
        _read_meta(layer, meta, problems)
        seen_here: dict[str, Location] = {}
        for source in layer.clauses:
            if not isinstance(source.tree, Mapping):
                problems.append(_problem("a clause file must hold one clause (id: …) or a 'clauses:' list",
                                         Location(source.label, 1, 1), "see schemas/clause.schema.json"))
                continue
            for path in _clause_nodes(source):
                item = clause(source.tree, path, source.label, known, layer.origin, problems, str(source.path))
                if item is None:
                    continue
                if item.id in seen_here:
                    problems.append(
                        _problem(f"duplicate clause id {item.id!r}", item.location,
                                 f"also defined at {seen_here[item.id]}")
                    )
                    continue
                seen_here[item.id] = item.location
                previous = by_id.get(item.id)
                if previous is not None:
                    item = dataclasses.replace(item, overrides=previous.location)
                by_id[item.id] = item
    for what, value in (("library.yaml", meta.name), ("references.yaml", meta.references),
                        ("sections.yaml", meta.documents), ("thresholds.yaml", meta.thresholds)):
        if not value:
            problems.append(_problem(f"the clause library has no usable {what}", Location(str(layers[0].folder))))
            raise_if(problems)
    assert meta.references is not None and meta.documents is not None and meta.thresholds is not None
    clauses = tuple(by_id.values())  # file order: authors order clauses within a section by placing them
    problems.extend(_cross_checks(clauses, meta.references, meta.documents))
    raise_if(problems)
    return Library(
        name=meta.name,
        version=meta.version,
        clauses=clauses,
        references=frozen(meta.references),
        documents=frozen(meta.documents),
        thresholds=tuple(meta.thresholds.values()),
        facts=known,
    )


def _cross_checks(
    clauses: Sequence[Clause], references: Mapping[str, Reference], documents: Mapping[str, Document]
) -> Problems:
    problems: Problems = []
    by_id = {c.id: c for c in clauses}
    for c in clauses:
        doc = documents.get(c.document)
        if doc is None:
            problems.append(_problem(f"{c.id}: document {c.document!r} is not declared in sections.yaml", c.location))
        elif c.section not in dict(doc.sections):
            problems.append(
                _problem(
                    f"{c.id}: section {c.section!r} is not a section of {c.document!r}",
                    c.location,
                    _suggest(c.section, dict(doc.sections)) or "sections: " + ", ".join(dict(doc.sections)),
                )
            )
        for basis in c.legal_basis:
            ref = references.get(basis.ref)
            if ref is None:
                problems.append(
                    _problem(f"{c.id}: legal basis {basis.ref!r} is not in references.yaml", c.location,
                             _suggest(basis.ref, references) or "add it to references.yaml once, then cite it")
                )
            elif basis.provision and basis.provision not in ref.provisions:
                problems.append(
                    _problem(f"{c.id}: provision {basis.provision!r} is not declared under {basis.ref!r}",
                             c.location, "declare it in references.yaml with its verified flag")
                )
        for relation in ("requires", "excludes", "replaces"):
            for other in getattr(c, relation):
                target = by_id.get(other)
                if target is None:
                    problems.append(_problem(f"{c.id}: {relation} unknown clause {other!r}", c.location,
                                             _suggest(other, by_id) or "check the id"))
                elif relation == "requires" and target.status == "retired" and c.status != "retired":
                    problems.append(_problem(f"{c.id}: requires retired clause {other!r}", c.location,
                                             "point to the clause that replaced it"))
    problems.extend(_relation_conflicts(clauses, by_id))
    return problems


def requires_closure(start: Clause, by_id: Mapping[str, Clause]) -> list[str]:
    """Every clause id `start` pulls in through `requires`, transitively (cycle-safe)."""
    seen: list[str] = []
    stack = list(start.requires)
    while stack:
        cid = stack.pop()
        if cid in seen or cid not in by_id:
            continue
        seen.append(cid)
        stack.extend(by_id[cid].requires)
    return seen


def _relation_conflicts(clauses: Sequence[Clause], by_id: Mapping[str, Clause]) -> Problems:
    problems: Problems = []
    for c in clauses:
        closure = requires_closure(c, by_id)
        if c.id in closure:
            problems.append(_problem(f"{c.id}: 'requires' forms a cycle back to {c.id}", c.location,
                                     "remove one of the requires links"))
            continue
        pulled = {c.id, *closure}
        for member in pulled:
            for banned in (*by_id[member].excludes, *by_id[member].replaces):
                if banned in pulled:
                    problems.append(_problem(
                        f"{c.id}: clause {banned!r} is both required and excluded when {c.id} applies",
                        c.location, f"{member} excludes or replaces it; remove one relation"))
    return problems


# --- profile ----------------------------------------------------------------------------------


def threshold(lib: Library, threshold_id: str, day: str) -> Threshold | None:
    candidates = [t for t in lib.thresholds if t.id == threshold_id]
    valid = [t for t in candidates if t.valid_on(day)]
    pool = valid or candidates
    return max(pool, key=lambda t: t.valid_from) if pool else None


def sek(amount: float) -> str:
    """Swedish money format: 700 000 kr."""
    return f"{amount:,.0f}".replace(",", "\u00a0") + "\u00a0kr"


def _value_checks(
    tree: Any, label: str, facts_: Mapping[str, Any], lib: Library, day: str
) -> tuple[Problems, list[str]]:
    problems: Problems = []
    warnings: list[str] = []
    value = facts_["estimated_value_sek"]
    loc = locate(tree, ["facts", "estimated_value_sek"], label)
    limit = threshold(lib, DIRECT_AWARD_LIMIT, day)
    eu = threshold(lib, EU_THRESHOLD, day)
    if facts_["procedure"] == "direktupphandling" and limit is not None:
        basis = basis_text(lib, limit)
        if value > limit.amount_sek:
            problems.append(_problem(
                f"estimated value {sek(value)} is above the direktupphandlingsgräns {sek(limit.amount_sek)} "
                f"({basis}; source: {limit.source})",
                loc,
                "direct procurement is not allowed at this value: use an advertised procedure (contact the "
                "procurement unit), or check the value — it covers the whole term including options and "
                "similar purchases in the same year",
            ))
        elif value >= NEAR_LIMIT_SHARE * limit.amount_sek:
            warnings.append(
                f"{loc}: estimated value {sek(value)} is {value / limit.amount_sek:.0%} of the "
                f"direktupphandlingsgräns {sek(limit.amount_sek)} ({basis}); check that similar purchases this "
                "year do not together exceed it"
            )
    if eu is not None and value >= eu.amount_sek and facts_["procedure"] in OUTER_PROCEDURES:
        message = (f"estimated value {sek(value)} reaches the EU threshold {sek(eu.amount_sek)} "
                   f"({eu.name}); procedure {facts_['procedure']!r} is only for values below it")
        if eu.verified:
            problems.append(_problem(message, loc, "choose a procedure under LOU 6 kap., e.g. oppet-forfarande"))
        else:
            warnings.append(f"{loc}: {message} (the SEK value of the threshold is not verified: {eu.source})")
    return problems, warnings


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


def profile(source: Source, lib: Library, *, organisation: str = "", today: str = "") -> Profile:
    """Validate a profile against its schema and the library; compute defaults and derived facts."""
    from tendergen.load import read_schema

    tree, label = source.tree, source.label
    if not isinstance(tree, Mapping):
        raise _problem("a profile must be a YAML mapping (key: value lines)", Location(label, 1, 1),
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
    all_facts = {**given, **derived_facts(given, contract, lib, day)}
    problems, warnings = _value_checks(tree, label, all_facts, lib, day)
    problems.extend(_parameter_problems(tree, label, data.get("parameters", {}), lib))
    forced = {kind: _forced(tree, label, data.get(kind, []), kind, lib, problems) for kind in ("include", "exclude")}
    both = {f.clause for f in forced["include"]} & {f.clause for f in forced["exclude"]}
    for f in forced["exclude"]:
        if f.clause in both:
            problems.append(_problem(f"clause {f.clause!r} is both included and excluded", f.location,
                                     "keep only one of the two entries"))
    org = data.get("organisation") or organisation
    if not org:
        problems.append(_problem("no organisation: the documents need the contracting authority's name",
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
        parameters=frozen({k: frozen(v) for k, v in data.get("parameters", {}).items()}),
        include=forced["include"],
        exclude=forced["exclude"],
        show_motiv=data.get("options", {}).get("show_motiv", False),
        warnings=tuple(warnings),
    )


def _parameter_problems(tree: Any, label: str, params: Mapping[str, Mapping[str, Scalar]], lib: Library) -> Problems:
    problems: Problems = []
    for clause_id, values in params.items():
        target = lib.clause(clause_id)
        if target is None:
            loc = locate(tree, ["parameters", clause_id], label, key=True)
            problems.append(_problem(f"parameters for unknown clause {clause_id!r}", loc,
                                     _suggest_clause(clause_id, lib)))
            continue
        declared = {p.name: p for p in target.parameters}
        for name, value in values.items():
            loc = locate(tree, ["parameters", clause_id, name], label)
            param = declared.get(name)
            if param is None:
                listing = f"{clause_id} has parameters: {', '.join(declared)}" if declared else "it has no parameters"
                hint = _suggest(name, declared) or listing
                problems.append(_problem(f"{clause_id} has no parameter {name!r}", loc, hint))
                continue
            problem = parameter_value_problem(param, value)
            if problem:
                problems.append(_problem(f"{clause_id}.{name}: {problem}", loc, param.description))
    return problems


def _suggest_clause(clause_id: str, lib: Library) -> str:
    return _suggest(clause_id, (c.id for c in lib.clauses)) or "see `tendergen clauses list`"


def _forced(tree: Any, label: str, items: list[dict[str, str]], kind: str, lib: Library,
            problems: Problems) -> tuple[Forced, ...]:
    result = []
    for i, item in enumerate(items):
        loc = locate(tree, [kind, i, "clause"], label)
        if lib.clause(item["clause"]) is None:
            problems.append(_problem(f"{kind}: unknown clause {item['clause']!r}", loc,
                                     _suggest_clause(item["clause"], lib)))
            continue
        result.append(Forced(item["clause"], item["reason"].strip(), loc))
    return tuple(result)


# --- workspace --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Workspace:
    """The organisation's settings from tendergen.yaml; folders are resolved against its directory."""

    organisation: str = ""
    clause_folders: tuple[Any, ...] = ()
    templates: Any = None
    profiles: tuple[Any, ...] = ()
    location: Location | None = None


def workspace(source: Source) -> Workspace:
    """Validate tendergen.yaml."""
    data = plain(source.tree) if source.tree is not None else {}
    raise_if(schema_problems(source.tree, data, "library-files#workspace", source.label))
    base = source.path.parent
    return Workspace(
        organisation=data.get("organisation", ""),
        clause_folders=tuple(base / f for f in data.get("clause_folders", ())),
        templates=base / data["templates"] if "templates" in data else None,
        profiles=tuple(base / f for f in data.get("profiles", ())),
        location=Location(source.label),
    )
