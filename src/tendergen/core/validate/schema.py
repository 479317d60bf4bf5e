"""JSON-schema checks with located, hinted messages, and the small helpers every validator shares."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Mapping
from typing import Any

from tendergen.core.load import TreePath, locate
from tendergen.errors import InvalidInput, Location, TendergenError

Problems = list[TendergenError]



def yaml_word(value: Any) -> str:
    """A value as it is written in YAML: true/false rather than True/False."""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)

def problem(message: str, loc: Location, hint: str) -> InvalidInput:
    """One located problem; the hint is required: every error tells the user what to do."""
    return InvalidInput(message, location=loc, hint=hint)


def suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""


def schema_problems(tree: Any, data: Any, schema: str, label: str, base: TreePath = ()) -> Problems:
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
                hint = suggest(extra, allowed) or (
                    f"allowed fields here: {', '.join(sorted(allowed))}" if allowed else "remove it"
                )
                problems.append(
                    problem(f"unknown field {extra!r}", locate(tree, [*path, extra], label, key=True), hint)
                )
            continue
        message, hint = error.message, ""
        if error.validator == "required":
            hint = "add the missing field"
        elif error.validator == "enum":
            message = f"{instance!r} is not allowed here"
            hint = "use one of: " + ", ".join(map(yaml_word, error.validator_value))
        elif error.validator == "type":
            message = f"{instance!r} is not of type {error.validator_value}"
        elif error.validator == "pattern":
            message = f"{instance!r} has the wrong form"
            hint = f"it must match {error.validator_value}"
        elif error.validator == "minLength":
            hint = "write the text out; it may not be empty or this short"
        elif error.validator == "date":
            message, hint = error.message, "write a real date as YYYY-MM-DD, e.g. 2026-03-01"
        if not hint:  # every problem gets a hint: what the rule wants and the field's own description
            described = str(error.schema.get("description", "")) if isinstance(error.schema, Mapping) else ""
            wants = _TYPE_HINTS.get(str(error.validator_value), "") if error.validator == "type" else ""
            hint = "; ".join(filter(None, [wants or _HINTS.get(str(error.validator), ""), described])) or (
                f"see {schema.partition('#')[0].removesuffix('.schema.json')}.schema.json in tendergen's schemas")
        field = ".".join(str(p) for p in error.absolute_path if not isinstance(p, int))
        prefix = f"{field}: " if field and error.validator not in ("required",) else ""
        problems.append(problem(prefix + message, locate(tree, path, label), hint))
    return problems


DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def day_problem(text: str) -> str:
    """Why `text` is not a date YYYY-MM-DD a document can carry (a real day in 1980-2099), or ''."""
    import datetime as dt
    import re

    try:
        day = dt.date.fromisoformat(text) if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) else None
    except ValueError:
        day = None
    if day is None or not 1980 <= day.year <= 2099:
        return f"{text[:40]!r} is not a date between 1980-01-01 and 2099-12-31"
    return ""


def _pattern_or_date(validator: Any, pattern: str, instance: Any, schema: Mapping[str, Any]) -> Any:
    """The standard `pattern` keyword; a date pattern also needs a real calendar day in a usable year."""
    from jsonschema import Draft202012Validator, ValidationError

    errors = list(Draft202012Validator.VALIDATORS["pattern"](validator, pattern, instance, schema))
    yield from errors
    if pattern == DATE_PATTERN and isinstance(instance, str) and not errors and day_problem(instance):
        yield ValidationError(day_problem(instance), validator="date")


_TYPE_HINTS = {
    "boolean": "write true or false", "integer": "write a whole number without quotes or spaces",
    "number": "write a number without quotes", "string": "write text; quote it if it looks like a number or date",
    "array": "write a list, e.g. [a, b]", "object": "write 'key: value' lines indented under it",
}
_HINTS = {
    "type": "quote text, write numbers and true/false without quotes, and lists as [a, b]",
    "minimum": "use a larger value", "exclusiveMinimum": "use a larger value",
    "maximum": "use a smaller value", "exclusiveMaximum": "use a smaller value",
    "maxLength": "shorten the text", "minItems": "add the missing items", "maxItems": "remove items",
    "uniqueItems": "remove the repeated item", "const": "use the value the schema requires",
}


@functools.cache
def _validator(schema: str) -> Any:
    """One validator per schema, built once: a bundled file name, or 'library-files#NAME' for one definition."""
    from jsonschema import Draft202012Validator, validators

    from tendergen.core.load import read_schema

    file, _, definition = schema.partition("#")
    document = read_schema(file if file.endswith(".json") else f"{file}.schema.json")
    if definition:
        document = {"$ref": f"#/$defs/{definition}", "$defs": document["$defs"]}
    return validators.extend(Draft202012Validator, {"pattern": _pattern_or_date})(document)


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
