"""An accessibility check of a PDF: the `pdfua` rules (PDF/UA-1's machine-checkable subset) and our own.

pdfua 0.1.3 checks: a structure tree; MarkInfo/Marked; page content tagged or marked as artifact; a
natural language; Alt on every Figure; table structure; alternate descriptions on annotations and links;
headings not empty (its rule crashes on LibreOffice's files, so we check headings ourselves); a title;
DisplayDocTitle; the PDF/UA identifier in XMP. Ours add: the language is Swedish (sv-SE), the title is
the document's own, headings nest (H1, then H2 … never skipping a level), each heading has content,
bookmarks exist for a document with headings, and tables have header cells.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

HEADINGS = {f"/H{n}": n for n in range(1, 7)}


def structure(node: Any, depth: int = 0) -> Iterator[tuple[int, Any]]:
    """(depth, element) for every structure element below node, in reading order."""
    import pikepdf

    if isinstance(node, pikepdf.Dictionary) and "/S" in node:
        yield depth, node
        depth += 1
    kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary):
            yield from structure(kid, depth)


def role(element: Any, role_map: Any) -> str:
    name = str(element.S)
    seen = 0
    while role_map is not None and name in role_map and seen < 10:
        name, seen = str(role_map[name]), seen + 1
    return name


def check(path: Path) -> list[str]:
    """Every accessibility problem found in the PDF at path (empty when it passes)."""
    import pikepdf
    from pdfua import validate

    report = validate(str(path))
    problems = [f"{f.rule_id}: {f.message}" for f in report.findings]
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        tree = root.get("/StructTreeRoot")
        if tree is None:
            return [*problems, "no structure tree"]
        if str(root.get("/Lang", "")) != "sv-SE":
            problems.append(f"language {root.get('/Lang')!r}, not sv-SE")
        if not root.get("/MarkInfo", {}).get("/Marked", False):
            problems.append("not marked as tagged")
        if not root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False):
            problems.append("viewer does not show the document title")
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            if meta.get("pdfuaid:part") != "1":
                problems.append("no PDF/UA-1 identifier in the XMP metadata")
            if " – " not in (meta.get("dc:title") or ""):
                problems.append(f"title {meta.get('dc:title')!r} is not 'document – procurement'")
        role_map = tree.get("/RoleMap")
        elements = [(depth, e, role(e, role_map)) for depth, e in structure(tree)]
        levels = [HEADINGS[r] for _, _, r in elements if r in HEADINGS]
        previous = 0
        for level in levels:
            if level > previous + 1:
                problems.append(f"heading level {level} follows level {previous}")
            previous = level
        problems += [f"{r} without content" for _, e, r in elements if r in HEADINGS and e.get("/K") is None]
        problems += [f"{r} without Alt text" for _, e, r in elements if r == "/Figure" and not e.get("/Alt")]
        tables = [e for _, e, r in elements if r == "/Table"]
        problems += ["table without header cells" for t in tables
                     if not any(r == "/TH" for _, _, r in ((d, e, role(e, role_map)) for d, e in structure(t)))]
        if levels and len(list(pdf.open_outline().root)) == 0:
            problems.append("headings but no bookmarks")
    return problems


def outline(path: Path, limit: int = 40) -> list[str]:
    """The structure tree as indented lines (for a report), the first `limit` elements."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        tree = pdf.Root.StructTreeRoot
        role_map = tree.get("/RoleMap")
        lines = []
        for depth, element in structure(tree):
            mapped = role(element, role_map)
            shown = str(element.S) + (f" → {mapped}" if mapped != str(element.S) else "")
            lines.append("  " * depth + shown)
            if len(lines) >= limit:
                break
    return lines
