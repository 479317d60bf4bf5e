"""Record approvals in clause YAML, keeping the file's comments and layout (ruamel round-trip)."""

from __future__ import annotations

import io
from collections.abc import Collection
from typing import Any

from tendergen.core.load import plain
from tendergen.core.validate.clauses import content_hash
from tendergen.errors import InvalidInput


def approved_yaml(text: str, ids: Collection[str], by: str, day: str, label: str) -> tuple[str, list[str]]:
    """Return the file text with the clauses `ids` approved by `by` on `day`, and the ids found."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    if "\n  - " in text:  # list items indented under their key (`clauses:`, `legal_basis:`): keep that layout
        yaml.indent(mapping=2, sequence=4, offset=2)
    tree = yaml.load(text)
    items = tree["clauses"] if isinstance(tree, dict) and "clauses" in tree else [tree]
    done = []
    for item in items:
        if item.get("id") not in ids:
            continue
        if item.get("status") == "retired":
            raise InvalidInput(f"{item['id']} is retired and cannot be approved", hint="set its status first")
        _set(item, "status", "approved", after="version")
        _set(item, "approved_by", by, after="status")
        _set(item, "approved_on", day, after="approved_by")
        _set(item, "approved_hash", content_hash(plain(item)), after="approved_on")
        done.append(item["id"])
    out = io.StringIO()
    yaml.dump(tree, out)
    return out.getvalue(), done


def _set(mapping: Any, key: str, value: str, *, after: str) -> None:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    quoted = DoubleQuotedScalarString(value) if key in ("approved_on", "approved_hash") else value
    if key in mapping:
        mapping[key] = quoted
    else:
        keys = list(mapping.keys())
        mapping.insert(keys.index(after) + 1 if after in keys else len(keys), key, quoted)
