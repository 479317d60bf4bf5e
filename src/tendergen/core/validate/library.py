"""Layered clause folders -> Library: metadata files, clauses, overrides and cross-checks."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tendergen.core.load import LibrarySources, locate, plain
from tendergen.core.model import Clause, Document, Fact, LegalRef, Library, Quantity, Reference, Threshold, frozen
from tendergen.core.validate.clauses import clause, clause_nodes
from tendergen.core.validate.schema import Problems, problem, schema_problems, suggest
from tendergen.errors import Location, raise_if


@dataclass
class _Meta:
    name: str = ""
    version: str = ""
    references: dict[str, Reference] | None = None
    documents: dict[str, Document] | None = None
    thresholds: dict[str, Threshold] | None = None
    quantities: dict[str, Quantity] = dataclasses.field(default_factory=dict)


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
            for name, spec in data.get("quantities", {}).items():
                stated_as = spec.get("stated_as", "")
                if stated_as:
                    try:
                        re.compile(stated_as)
                    except re.error as exc:
                        problems.append(problem(f"quantity {name!r}: stated_as is not a regular expression: {exc}",
                                                locate(source.tree, ["quantities", name], source.label),
                                                "write a Python regular expression, e.g. säkerhetskopi.*dagar"))
                        stated_as = ""
                meta.quantities[name] = Quantity(name, spec["description"], stated_as)
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
                    valid_to=t.get("valid_to", ""), source=t["source"],
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
                problems.append(problem("a clause file must hold one clause (id: …) or a 'clauses:' list",
                                         Location(source.label, 1, 1), "see schemas/clause.schema.json"))
                continue
            for path in clause_nodes(source):
                item = clause(source.tree, path, source.label, known, layer.origin, problems, str(source.path))
                if item is None:
                    continue
                if item.id in seen_here:
                    problems.append(
                        problem(f"duplicate clause id {item.id!r}", item.location,
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
            problems.append(problem(f"the clause library has no usable {what}", Location(str(layers[0].folder)),
                                    f"a whole library needs {what} at the top of its folder; a folder of only "
                                    "clause files is layered over the bundled library instead"))
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
        quantities=frozen(meta.quantities),
    )


def _cross_checks(
    clauses: Sequence[Clause], references: Mapping[str, Reference], documents: Mapping[str, Document]
) -> Problems:
    problems: Problems = []
    by_id = {c.id: c for c in clauses}
    for c in clauses:
        doc = documents.get(c.document)
        if doc is None:
            problems.append(problem(f"{c.id}: document {c.document!r} is not declared in sections.yaml", c.location,
                                    suggest(c.document, documents) or "documents: " + ", ".join(documents)))
        elif c.section not in dict(doc.sections):
            problems.append(
                problem(
                    f"{c.id}: section {c.section!r} is not a section of {c.document!r}",
                    c.location,
                    suggest(c.section, dict(doc.sections)) or "sections: " + ", ".join(dict(doc.sections)),
                )
            )
        for basis in c.legal_basis:
            ref = references.get(basis.ref)
            if ref is None:
                problems.append(
                    problem(f"{c.id}: legal basis {basis.ref!r} is not in references.yaml", c.location,
                             suggest(basis.ref, references) or "add it to references.yaml once, then cite it")
                )
            elif basis.provision and basis.provision not in ref.provisions:
                problems.append(
                    problem(f"{c.id}: provision {basis.provision!r} is not declared under {basis.ref!r}",
                             c.location, "declare it in references.yaml with its verified flag")
                )
        for relation in ("requires", "excludes", "replaces"):
            for other in getattr(c, relation):
                target = by_id.get(other)
                if target is None:
                    problems.append(problem(f"{c.id}: {relation} unknown clause {other!r}", c.location,
                                             suggest(other, by_id) or "check the id"))
                elif relation == "requires" and target.status == "retired" and c.status != "retired":
                    problems.append(problem(f"{c.id}: requires retired clause {other!r}", c.location,
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
            problems.append(problem(f"{c.id}: 'requires' forms a cycle back to {c.id}", c.location,
                                     "remove one of the requires links"))
            continue
        pulled = {c.id, *closure}
        for member in pulled:
            for banned in (*by_id[member].excludes, *by_id[member].replaces):
                if banned in pulled:
                    problems.append(problem(
                        f"{c.id}: clause {banned!r} is both required and excluded when {c.id} applies",
                        c.location, f"{member} excludes or replaces it; remove one relation"))
    return problems
