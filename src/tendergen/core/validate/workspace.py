"""tendergen.yaml -> Workspace settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tendergen.core.load import Source, plain
from tendergen.core.validate.schema import schema_problems
from tendergen.errors import Location, raise_if


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
