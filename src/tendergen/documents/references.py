"""Cross-references between clauses: `[[CLAUSE-ID]]` in a clause text shows the clause's number.

In a document that numbers the referenced clause ("avsnitt 11.1 Ändringar och tillägg": number and title),
the reference is a hyperlink to the clause heading's bookmark; a requirement is referred to by its id ("krav
SAK-INCIDENT") and linked to its row; a clause in another document is named with that document ("avsnitt 11.1
Ändringar och tillägg i Avtalsvillkor"); a clause
that is not part of this procurement by its title. Plain-text outputs (the requirement matrix) get the
same words without links.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tendergen.core.model import REQUIREMENT_KINDS, Decision, Library
from tendergen.core.text import CROSS_REFERENCE

# A resolved reference inside paragraph text until the .docx stage turns it into a hyperlink:
# START anchor SEPARATOR shown text END (private-use characters, never in clause texts).
START, SEPARATOR, END = "\ue000", "\ue001", "\ue002"
LINKED = re.compile(f"{START}([^{SEPARATOR}]*){SEPARATOR}([^{END}]*){END}")


@dataclass(frozen=True)
class Target:
    shown: str  # e.g. "avsnitt 11.1 Ändringar och tillägg"
    anchor: str = ""  # the bookmark in the same document, or "" for no link


def anchor_name(clause_id: str) -> str:
    """The Word bookmark on a clause's heading, e.g. klausul_AVT_ANDRINGAR (at most 40 characters)."""
    return ("klausul_" + re.sub(r"[^A-Za-z0-9]", "_", clause_id))[:40]


def numbers(library: Library, decisions: Sequence[Decision], document_id: str) -> dict[str, str]:
    """The heading number of each included clause in a document whose clauses are numbered headings.

    Sections without included clauses are left out and the rest numbered 1, 2, …; clauses within a
    section 1.1, 1.2, … (as the bundled templates number Heading 1 and Heading 2).
    """
    doc = library.documents.get(document_id)
    if doc is None:
        return {}
    chosen = [d.clause for d in decisions if d.included and d.clause.document == document_id]
    result: dict[str, str] = {}
    section_number = 0
    for section_id, section_title in doc.sections:
        members = [c for c in chosen if c.section == section_id]
        if members:
            section_number += 1
            if document_id not in UNNUMBERED and merged_heading(section_title, members):
                result[members[0].id] = str(section_number)  # its heading is the section's
                continue
            for clause_number, clause in enumerate(members, start=1):
                result[clause.id] = f"{section_number}.{clause_number}"
    return result


def _title_words(title: str) -> list[str]:
    return re.findall(r"\w+", title.casefold())


def merged_heading(section_title: str, members: Sequence[Any]) -> bool:
    """Whether a section's only clause repeats the section's heading ("Definitioner" under "Definitioner").

    Such a clause gets no heading of its own: the section heading is its heading (and carries its bookmark).
    `members` are the section's clauses (Clause objects or clause items with `title` and `kind`). Nearly
    equal titles count: the same words in any order, case and punctuation aside. Requirements keep their
    heading, which their label and verifikat belong to.
    """
    if len(members) != 1:
        return False
    member = members[0]
    title = member["title"] if isinstance(member, Mapping) else member.title
    kind = member["kind"] if isinstance(member, Mapping) else member.kind
    if kind in REQUIREMENT_KINDS:
        return False
    return sorted(_title_words(title)) == sorted(_title_words(section_title))


UNNUMBERED = frozenset({"kravspecifikation"})  # requirements are table rows there, not numbered headings


def requirement_anchor(clause_id: str) -> str:
    """The bookmark on a requirement's row (as render.bookmark_name)."""
    return ("krav_" + re.sub(r"[^A-Za-z0-9]", "_", clause_id))[:40]


def targets(library: Library, decisions: Sequence[Decision], document_id: str, *,
            linked: bool = True) -> dict[str, Target]:
    """What `[[ID]]` becomes in a document: {clause id: Target} for every clause of the library."""
    included = {d.clause.id for d in decisions if d.included}
    cache: dict[str, dict[str, str]] = {}
    result: dict[str, Target] = {}
    for clause in library.clauses:
        same = clause.document == document_id
        doc = library.documents.get(clause.document)
        where = "" if same else f" i {doc.title if doc else clause.document}"
        number = None
        if clause.id in included and clause.document not in UNNUMBERED:
            if clause.document not in cache:  # once per document (setdefault would number it for every clause)
                cache[clause.document] = numbers(library, decisions, clause.document)
            number = cache[clause.document].get(clause.id)
        if clause.id in included and clause.document in UNNUMBERED and clause.is_requirement:
            result[clause.id] = Target(f"krav {clause.id}{where}",
                                       requirement_anchor(clause.id) if same and linked else "")
        elif number is not None:
            result[clause.id] = Target(f"avsnitt {number} {clause.title}{where}",
                                       anchor_name(clause.id) if same and linked else "")
        else:
            result[clause.id] = Target(f"avsnittet ”{clause.title}”")
    return result


def resolve(text: str, found: Mapping[str, Target]) -> str:
    """The text with each `[[ID]]` replaced: linked targets as markers for the .docx stage, others as words."""
    def replace(match: re.Match[str]) -> str:
        target = found.get(match.group(1))
        if target is None:
            return match.group(1)
        return f"{START}{target.anchor}{SEPARATOR}{target.shown}{END}" if target.anchor else target.shown
    return CROSS_REFERENCE.sub(replace, text)


def plain(text: str) -> str:
    """Markers back to their words (for outputs without links)."""
    return LINKED.sub(lambda m: m.group(2), text)


def resolve_items(items: Iterable[dict[str, Any]], found: Mapping[str, Target]) -> None:
    """Resolve the references in the clause items' paragraphs, in place."""
    for item in items:
        for para in item["paragraphs"]:
            if "[[" in para["text"]:
                para["text"] = resolve(para["text"], found)
