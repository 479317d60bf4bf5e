"""tendergen.yaml -> Workspace settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tendergen.core.load import Source, TreePath, locate, plain
from tendergen.core.validate.schema import Problems, problem, schema_problems
from tendergen.errors import Location, raise_if


@dataclass(frozen=True)
class Workspace:
    """The organisation's settings from tendergen.yaml; folders are resolved against its directory."""

    organisation: str = ""
    organisation_number: str = ""  # the contract's party (avtal.docx)
    e_procurement_system: str = ""  # where tenders are submitted (named in the AF)
    clause_folders: tuple[Path, ...] = ()
    templates: Path | None = None
    profiles: tuple[Path, ...] = ()
    location: Location | None = None
    root: Path | None = None


def workspace(source: Source, *, schema_checked: bool = False) -> Workspace:
    """Validate tendergen.yaml; its clause and template folders must exist inside the workspace.

    A folder outside the workspace folder is refused here: a shared tendergen.yaml must not make a build
    read, or `approve` write, anywhere else. Such a folder can still be given on the command line.
    `schema_checked`: these very bytes passed the schema before (see core.cache), so it is not run again.
    """
    data = plain(source.tree) if source.tree is not None else {}
    if not schema_checked:
        raise_if(schema_problems(source.tree, data, "library-files#workspace", source.label))
    base = source.path.parent.resolve()
    problems: Problems = []

    def folder(path: TreePath, name: str) -> Path:
        resolved = (base / name).resolve()
        loc = locate(source.tree, path, source.label)
        if not resolved.is_relative_to(base):
            problems.append(problem(f"folder {name!r} is outside the workspace folder", loc,
                                    "keep clause and template folders inside the folder of tendergen.yaml, or "
                                    "give the folder on the command line (--clause-folder, --templates)"))
        elif not resolved.is_dir():
            problems.append(problem(f"folder {name!r} not found", loc,
                                    "create it, or correct the path (relative to the folder of tendergen.yaml)"))
        return resolved

    clause_folders = tuple(folder(["clause_folders", i], f) for i, f in enumerate(data.get("clause_folders", ())))
    templates = folder(["templates"], data["templates"]) if "templates" in data else None
    raise_if(problems)
    return Workspace(
        organisation=data.get("organisation", ""),
        organisation_number=data.get("organisation_number", ""),
        e_procurement_system=data.get("e_procurement_system", ""),
        clause_folders=clause_folders,
        templates=templates,
        profiles=tuple(base / f for f in data.get("profiles", ())),
        location=Location(source.label),
        root=base,
    )
