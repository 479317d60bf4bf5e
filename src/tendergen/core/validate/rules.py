"""Facts the rules may name, and `when` rules compiled against them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tendergen.core.load import TreePath, at, locate, plain
from tendergen.core.model import Fact, Rule, frozen
from tendergen.core.validate.schema import Problems, problem, suggest, yaml_word


def facts(profile_schema: Mapping[str, Any]) -> Mapping[str, Fact]:
    """The facts rules may use: the profile's `facts` properties and the declared derived facts."""
    result: dict[str, Fact] = {}
    declared = profile_schema["properties"]["facts"]["properties"]
    derived = profile_schema.get("x-derived-facts", {})
    for group in (declared, derived):
        for name, schema in group.items():
            kind = "enum" if "enum" in schema else schema.get("type", "string")
            result[name] = Fact(name, kind, schema.get("description", ""), frozen(schema))
    return frozen(result)


def _value_fits(fact: Fact, value: Any) -> bool:
    if fact.type == "enum":  # by type too: 1 is not true, and 0 is not false
        return any(type(value) is type(v) and value == v for v in fact.schema["enum"])
    if fact.type == "boolean":
        return isinstance(value, bool)
    if fact.type in ("integer", "number"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, str)


ORDERING_TESTS = ("gt", "gte", "lt", "lte")


def rule(tree: Any, path: TreePath, label: str, known: Mapping[str, Fact], problems: Problems) -> Rule:
    """Compile a schema-valid `when` node; names must be declared facts with values of their type."""
    node = at(tree, path)
    (key, value), = node.items()
    loc = locate(tree, [*path, key], label, key=True)
    if key in ("all", "any"):
        children = tuple(rule(tree, [*path, key, i], label, known, problems) for i in range(len(value)))
        return Rule(key, children, location=loc)
    if key == "not":
        return Rule("not", (rule(tree, [*path, key], label, known, problems),), location=loc)
    fact = known.get(key)
    if fact is None:
        hint = suggest(key, known) or "declared facts: " + ", ".join(sorted(known))
        problems.append(problem(f"rule names undeclared fact {key!r}", loc, hint))
        return Rule("test", fact=key, test="eq", value=plain(value), location=loc)
    if fact.type == "array":
        problems.append(problem(f"fact {key!r} is a list of names for the documents; rules cannot test it", loc,
                                "test a yes/no fact instead, e.g. supply_critical"))
        return Rule("test", fact=key, test="eq", value=plain(value), location=loc)
    test, expected = next(iter(plain(value).items())) if isinstance(value, Mapping) else ("eq", plain(value))
    values = expected if test in ("in", "not_in") else [expected]
    if test in ORDERING_TESTS and fact.type not in ("integer", "number"):
        problems.append(problem(f"fact {key!r} is a {fact.type}; {test!r} needs a number", loc,
                                    "compare it with equals or in, or use a numeric fact"))
    for item in values:
        if not _value_fits(fact, item):
            allowed = fact.schema.get("enum")
            hint = "use one of: " + ", ".join(map(yaml_word, allowed)) if allowed else f"use a {fact.type}"
            problems.append(problem(f"{item!r} is not a possible value of fact {key!r}", loc, hint))
    return Rule("test", fact=key, test=test, value=expected, location=loc)


def rule_from_data(node: Any) -> Rule | None:
    """A `when` rule from its plain YAML data, unchecked (for showing an old or new version); None if malformed."""
    if not isinstance(node, Mapping) or len(node) != 1:
        return None
    (key, value), = node.items()
    if key in ("all", "any"):
        children = [rule_from_data(v) for v in value] if isinstance(value, list) else [None]
        return None if any(c is None for c in children) else Rule(key, tuple(c for c in children if c))
    if key == "not":
        child = rule_from_data(value)
        return None if child is None else Rule("not", (child,))
    if isinstance(value, Mapping):
        if len(value) != 1:
            return None
        (test, expected), = value.items()
        return Rule("test", fact=str(key), test=str(test), value=expected)
    return Rule("test", fact=str(key), test="eq", value=value)

