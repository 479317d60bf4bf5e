"""One clause node -> Clause: schema, parameters, placeholders in its texts, its rule, its approval hash."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from tendergen.core.load import Source, TreePath, at, locate, plain
from tendergen.core.model import Clause, Fact, LegalRef, Parameter, ScaleStep, frozen
from tendergen.core.text import PLACEHOLDER, flatten, placeholders, sentence_problem
from tendergen.core.validate.rules import rule
from tendergen.core.validate.schema import Problems, problem, schema_problems, suggest
from tendergen.errors import Location

TEXT_GLOBALS = frozenset({"organisation", "title", "reference", "avtalstid_ar", "optioner", "antal_optioner",
                          "optioner_text", "kritiska_produkter", "takvolym", "sista_fragedag", "sista_svarsdag"})


def _parameter(tree: Any, path: TreePath, label: str, known: Mapping[str, Fact], problems: Problems) -> Parameter:
    """One declared parameter, its default and every scale step checked against its type and limits."""
    name = str(path[-1])
    spec = plain(at(tree, path))
    loc = locate(tree, path, label, key=True)
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
        quantity=spec.get("quantity", ""),
        source=tuple(spec.get("source", ())),
    )
    wrong = parameter_value_problem(param, param.default)
    if wrong:
        problems.append(problem(f"parameter {name!r}: default {wrong}", loc,
                                "give a default of the parameter's type, within its minimum, maximum and choices"))
    steps = []
    for i, step in enumerate(spec.get("scale", ())):
        wrong = parameter_value_problem(param, step["default"])
        if wrong:
            problems.append(problem(f"parameter {name!r}: scale step {i + 1}: default {wrong}",
                                    locate(tree, [*path, "scale", i, "default"], label),
                                    "give each step a default of the parameter's type, within its minimum, "
                                    "maximum and choices"))
        steps.append(ScaleStep(rule(tree, [*path, "scale", i, "when"], label, known, problems), step["default"]))
    return replace(param, scale=tuple(steps)) if steps else param


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


def _simple_placeholders(text: str) -> set[str] | None:
    """The names in a text that uses only `{{ name }}` placeholders, or None if it uses more of Jinja."""
    rest = PLACEHOLDER.sub("", text)
    if any(mark in rest for mark in ("{{", "}}", "{%", "%}", "{#", "#}")):
        return None
    return placeholders(text)


@functools.cache
def text_nodes() -> frozenset[type]:
    """What a clause text may contain beyond plain text: placeholders and conditions.

    No loops, calls, macros, includes or arithmetic, so rendering one text is always fast and its output
    no larger than its input plus the values it names.
    """
    from jinja2 import nodes

    return frozenset({nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const, nodes.If,
                      nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not, nodes.CondExpr})


def text_problems(text: str, names: Iterable[str], loc: Location, what: str) -> Problems:
    """Syntax errors and undefined names in a clause text (rendered later in the sandbox)."""
    used = _simple_placeholders(text)
    if used is None:  # anything beyond plain {{ name }} placeholders: let Jinja parse it
        from jinja2 import TemplateSyntaxError, meta, nodes
        from jinja2.sandbox import SandboxedEnvironment

        try:
            ast = SandboxedEnvironment().parse(text)
        except TemplateSyntaxError as exc:
            return [problem(f"{what}: template syntax error: {exc.message}", loc,
                             "placeholders look like {{ name }}")]
        extra = sorted({type(n).__name__ for n in ast.find_all(nodes.Node) if type(n) not in text_nodes()})
        if extra:
            return [problem(f"{what} uses template code that clause texts may not use ({', '.join(extra)})", loc,
                            "a clause text may use {{ name }} placeholders and {% if %} … {% endif %} only")]
        used = meta.find_undeclared_variables(ast)
    allowed = set(names) | TEXT_GLOBALS
    return [
        problem(
            f"{what} uses undefined parameter {name!r}",
            loc,
            suggest(name, allowed) or "declare it under 'parameters' or remove the placeholder",
        )
        for name in sorted(used - allowed)
    ]


APPROVED_CONTENT = ("title", "kind", "text", "parameters", "when", "legal_basis", "evaluation", "verifikat",
                    "acceptance", "response", "requires", "excludes", "replaces")


def content_hash(data: Mapping[str, Any]) -> str:
    """A fingerprint of what a lawyer approves in a clause (not its status or approval metadata).

    The summary counts when there is one (a clause without one keeps the fingerprint it always had).
    """
    import hashlib

    content = {k: data.get(k) for k in APPROVED_CONTENT}
    if data.get("summary") is not None:
        content["summary"] = data["summary"]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


def clause(
    tree: Any, path: TreePath, label: str, known: Mapping[str, Fact], origin: str, problems: Problems, file: str = ""
) -> Clause | None:
    """Validate one clause node and build the Clause, or add problems and return None."""
    node = at(tree, path)
    data = plain(node)
    found = schema_problems(tree, data, "clause.schema.json", label, path)
    if found:
        problems.extend(found)
        return None
    loc = locate(tree, [*path, "id"], label)
    params = tuple(_parameter(tree, [*path, "parameters", name], label, known, problems)
                   for name in data.get("parameters", {}))
    for lang in ("sv", "en"):
        if lang in data["text"]:
            problems.extend(
                text_problems(
                    data["text"][lang], (p.name for p in params),
                    locate(tree, [*path, "text", lang], label), f"text.{lang}",
                )
            )
    if "summary" in data:
        summary_loc = locate(tree, [*path, "summary"], label)
        wrong = sentence_problem(data["summary"])
        if wrong:
            problems.append(problem(f"summary {wrong}", summary_loc,
                                    "write one complete sentence that starts with a capital letter and ends with "
                                    "a full stop"))
        problems.extend(text_problems(data["summary"], (p.name for p in params), summary_loc, "summary"))
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
        summary=flatten(data.get("summary", "")),
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


def clause_nodes(source: Source) -> list[TreePath]:
    tree = source.tree
    if isinstance(tree, Mapping) and "clauses" in tree and isinstance(tree["clauses"], list):
        return [["clauses", i] for i in range(len(tree["clauses"]))]
    return [[]]
