"""Word-native structure added to a rendered document (lists, table of contents, hyphens, keep-with-next).

List numbering, the table of contents with heading bookmarks, non-breaking hyphens in titles, and
paragraphs kept with what they introduce.

Works on any template that uses the built-in styles (found by style name, so a Swedish Word's
"Rubrik1" style id is recognised as "heading 1").
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_NS = "http://www.w3.org/XML/1998/namespace"
FIRST_LIST_ID = 1000  # numbering instances of clause lists: numIds from here, above any a template uses
TOC_BOOKMARK = "_Toc1"  # + 8 digits: Word's own prefix for table-of-contents bookmarks
TOC_BOOKMARK_ID = 900000
# (numFmt, lvlText, left indent, hanging indent) per kind of list in clause texts
LIST_FORMATS = {
    "decimal": ("decimal", "%1.", 567, 425),
    "decimalParen": ("decimal", "%1)", 567, 425),
    "lowerLetter": ("lowerLetter", "%1)", 567, 425),
    "bullet": ("bullet", "\u2022", 567, 283),
}
NO_BREAK_STYLES = {"title", "subtitle", "form title", "heading 1", "heading 2", "heading 3", "toc 1", "toc 2",
                   "requirement title", "note", "header", "footer"}
WORD_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def element(tag: str, attrs: Mapping[str, str] | None = None, *children: Any) -> Any:
    from lxml import etree

    node = etree.Element(w(tag), {w(k): v for k, v in (attrs or {}).items()}, nsmap={"w": W})
    node.extend(children)
    return node


def text_run(text: str) -> Any:
    t = element("t")
    t.text = text
    t.set(f"{{{XML_NS}}}space", "preserve")
    return element("r", None, t)


def _field_runs(kind: str, instr: str = "") -> list[Any]:
    runs = [element("r", None, element("fldChar", {"fldCharType": kind}))]
    if instr:
        node = element("instrText")
        node.text = instr
        node.set(f"{{{XML_NS}}}space", "preserve")
        runs = [runs[0], element("r", None, node), element("r", None, element("fldChar", {"fldCharType": "separate"}))]
    return runs


# --- lists ---------------------------------------------------------------------------------------


def add_list_numbering(numbering: Any, lists: Iterable[Mapping[str, Any]]) -> None:
    """Give each clause list its own numbering instance (restarting at its first number).

    The abstract definitions are found by name (tendergen-decimal, …) so a house template may restyle
    them; missing ones are added.
    """
    lists = list(lists)
    if not lists:
        return
    abstracts = numbering.findall(w("abstractNum"))
    by_name = {}
    for node in abstracts:
        name = node.find(w("name"))
        if name is not None:
            by_name[name.get(w("val"))] = node.get(w("abstractNumId"))
    next_id = max((int(n.get(w("abstractNumId"))) for n in abstracts), default=-1) + 1
    insert_at = len(abstracts) and numbering.index(abstracts[-1]) + 1
    for fmt in sorted({item["format"] for item in lists}):
        if f"tendergen-{fmt}" in by_name:
            continue
        num_fmt, text, left, hanging = LIST_FORMATS[fmt]
        level = element("lvl", {"ilvl": "0"}, element("start", {"val": "1"}), element("numFmt", {"val": num_fmt}),
                        element("lvlText", {"val": text}), element("lvlJc", {"val": "left"}),
                        element("pPr", None, element("ind", {"left": str(left), "hanging": str(hanging)})))
        node = element("abstractNum", {"abstractNumId": str(next_id)},
                       element("multiLevelType", {"val": "singleLevel"}),
                       element("name", {"val": f"tendergen-{fmt}"}), level)
        numbering.insert(insert_at, node)
        insert_at += 1
        by_name[f"tendergen-{fmt}"] = str(next_id)
        next_id += 1
    for item in lists:
        numbering.append(element(
            "num", {"numId": str(item["num_id"])},
            element("abstractNumId", {"val": by_name[f"tendergen-{item['format']}"]}),
            element("lvlOverride", {"ilvl": "0"}, element("startOverride", {"val": str(item["start"])}))))


# --- styles, headings and the table of contents --------------------------------------------------


def style_names(styles: Any) -> dict[str, str]:
    """{style id: lower-case style name} of the paragraph styles."""
    result = {}
    for style in styles.iter(w("style")):
        name = style.find(w("name"))
        if name is not None:
            result[style.get(w("styleId"))] = name.get(w("val")).lower()
    return result


_P_STYLE = f"{{{W}}}pPr/{{{W}}}pStyle"
_P_NUMBERED = f"{{{W}}}pPr/{{{W}}}numPr"
_VAL = f"{{{W}}}val"


@cache
def _xpath(expression: str) -> Any:
    """A compiled XPath over WordprocessingML (prefix w)."""
    from lxml import etree

    return etree.XPath(expression, namespaces={"w": W})


def _style(p: Any, names: Mapping[str, str]) -> str:
    ps = p.find(_P_STYLE)
    return names.get(ps.get(_VAL), "") if ps is not None else ""


def _numbered_styles(styles: Any, names: Mapping[str, str]) -> set[str]:
    return {names.get(s.get(w("styleId")), "") for s in styles.iter(w("style"))
            if s.find(f"{w('pPr')}/{w('numPr')}") is not None}


def headings(body: Any, styles: Any) -> list[tuple[int, str, Any]]:
    """(level, shown text with its automatic number, paragraph) of each heading 1 and 2, in order."""
    names = style_names(styles)
    numbered = _numbered_styles(styles, names)
    counts = [0, 0]
    result = []
    wanted = " " + " ".join(i for i, name in names.items() if i and name in ("heading 1", "heading 2")) + " "
    # the paragraphs with one of those style ids (confirmed below): far fewer than all the paragraphs
    for p in _xpath(".//w:p[w:pPr/w:pStyle[contains($ids, concat(' ', @w:val, ' '))]]")(body, ids=wanted):
        style = _style(p, names)
        if style not in ("heading 1", "heading 2"):
            continue
        level = int(style[-1])
        counts[level - 1] += 1
        if level == 1:
            counts[1] = 0
        text = _text(p).strip()
        number = f"{counts[0]}." if level == 1 else f"{counts[0]}.{counts[1]}"
        result.append((level, f"{number} {text}" if style in numbered else text, p))
    return result


def _toc_span(body: Any) -> tuple[Any, Any, str] | None:
    """The first and last paragraph of the TOC field, and its instruction, or None without a TOC."""
    paragraphs = list(body.iter(w("p")))
    for i, p in enumerate(paragraphs):
        instr = "".join(t.text or "" for t in p.iter(w("instrText")))
        if not instr.strip().startswith("TOC"):
            continue
        depth = 0
        for q in paragraphs[i:]:
            for mark in q.iter(w("fldChar")):
                kind = mark.get(w("fldCharType"))
                depth += 1 if kind == "begin" else -1 if kind == "end" else 0
            if depth <= 0:
                return p, q, instr
        return p, paragraphs[-1], instr
    return None


def write_toc(body: Any, styles: Any) -> int:
    """Replace the TOC field's result with one hyperlinked entry per heading and bookmark the headings.

    Returns the number of entries. Page numbers are added later by `with_toc_pages` when LibreOffice has
    laid the document out; until then the entries are links without page numbers.
    """
    span = _toc_span(body)
    if span is None:
        return 0
    first, last, instr = span
    names = style_names(styles)
    ids = {v: k for k, v in names.items()}
    found = headings(body, styles)
    entries = []
    for number, (level, text, heading) in enumerate(found):
        anchor = f"{TOC_BOOKMARK}{number:08d}"
        ppr = heading.find(w("pPr"))
        at = heading.index(ppr) + 1 if ppr is not None else 0
        heading.insert(at, element("bookmarkStart", {"id": str(TOC_BOOKMARK_ID + number), "name": anchor}))
        heading.append(element("bookmarkEnd", {"id": str(TOC_BOOKMARK_ID + number)}))
        link = element("hyperlink", {"anchor": anchor, "history": "1"}, text_run(text))
        style = ids.get(f"toc {level}", f"TOC{level}")
        entries.append(element("p", None, element("pPr", None, element("pStyle", {"val": style})), link))
    if not entries:
        entries.append(element("p", None, element("pPr", None, element("pStyle", {"val": ids.get("toc 1", "TOC1")}))))
    for run in reversed(_field_runs("begin", instr)):
        entries[0].insert(1, run)
    entries[-1].extend(_field_runs("end"))
    parent = first.getparent()
    position = parent.index(first)
    siblings = list(parent)
    for p in siblings[position:siblings.index(last) + 1] if last.getparent() is parent else [first]:
        parent.remove(p)
    for offset, p in enumerate(entries):
        parent.insert(position + offset, p)
    return len(entries) if found else 0


def add_toc_pages(body: Any, pages: Sequence[str]) -> bool:
    """Put page numbers (PAGEREF fields with their result) after the TOC entries; False if they do not fit."""
    links = [h for h in body.iter(w("hyperlink")) if (h.get(w("anchor")) or "").startswith(TOC_BOOKMARK)]
    if len(links) != len(pages):
        return False
    for link, page in zip(links, pages, strict=True):
        tab = element("r", None, element("tab"))
        link.extend([tab, *_field_runs("begin", f" PAGEREF {link.get(w('anchor'))} \\h "), text_run(page),
                     *_field_runs("end")])
    return True


def with_toc_pages(data: bytes, pages: Sequence[str]) -> bytes | None:
    """A rendered .docx with page numbers in its table of contents, or None when they do not match it."""
    from lxml import etree

    source = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(source.read("word/document.xml"))
    if not add_toc_pages(root, pages):
        return None
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            payload = source.read(info.filename)
            if info.filename == "word/document.xml":
                payload = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(info, payload)
    return out.getvalue()


# --- layout ----------------------------------------------------------------------------------------


def no_break_hyphens(root: Any, names: Mapping[str, str]) -> None:
    """Hyphens inside words become Word's non-breaking hyphen in titles, headings, labels, header, footer."""
    paragraph = w("p")
    for t in _xpath(".//w:t[contains(., '-')]")(root):  # far fewer than the paragraphs
        if not any(_style(p, names) in NO_BREAK_STYLES for p in t.iterancestors(paragraph)):
            continue
        parts = WORD_HYPHEN.split(t.text or "")
        if len(parts) >= 2:
            run = t.getparent()
            at = run.index(t)
            run.remove(t)
            for i, part in enumerate(parts):
                pieces = ([element("noBreakHyphen")] if i else []) + ([_t(part)] if part else [])
                for piece in pieces:
                    run.insert(at, piece)
                    at += 1


def _t(text: str) -> Any:
    t = element("t")
    t.text = text
    t.set(f"{{{XML_NS}}}space", "preserve")
    return t


def keep_with_list(body: Any, names: Mapping[str, str]) -> None:
    """A paragraph that introduces a list or a table stays on the page of what it introduces."""
    paragraph, table = w("p"), w("tbl")
    for p in body.iter(paragraph):
        nxt = p.getnext()
        if nxt is None or (nxt.tag != paragraph and nxt.tag != table) or p.find(_P_NUMBERED) is not None:
            continue
        introduces_list = nxt.tag == paragraph and nxt.find(_P_NUMBERED) is not None
        if not introduces_list and nxt.tag != table:
            continue
        text = _text(p).rstrip()
        introduces_table = nxt.tag == table and text.endswith(":")
        if (introduces_list and text) or introduces_table:
            ppr = p.find(w("pPr"))
            if ppr is None:
                ppr = element("pPr")
                p.insert(0, ppr)
            if ppr.find(w("keepNext")) is None:
                style = ppr.find(w("pStyle"))
                ppr.insert(1 if style is not None else 0, element("keepNext"))


def link_references(root: Any) -> None:
    """Cross-references resolved by documents.references become hyperlinks to the clause's bookmark."""
    from copy import deepcopy

    from tendergen.documents.references import LINKED, START

    for t in list(root.iter(w("t"))):
        text = t.text or ""
        run = t.getparent()
        if START not in text or run is None or run.getparent() is None or len(run.findall(w("t"))) != 1:
            continue
        rpr = run.find(w("rPr"))
        nodes = []
        at = 0
        for match in [*LINKED.finditer(text), None]:
            before = text[at:match.start()] if match else text[at:]
            pieces = [(before, "")] + ([(match.group(2), match.group(1))] if match else [])
            for piece, anchor in pieces:
                if not piece:
                    continue
                r = element("r")
                if rpr is not None:
                    r.append(deepcopy(rpr))
                r.append(_t(piece))
                nodes.append(element("hyperlink", {"anchor": anchor, "history": "1"}, r) if anchor else r)
            if match:
                at = match.end()
        parent = run.getparent()
        position = parent.index(run)
        parent.remove(run)
        for offset, node in enumerate(nodes):
            parent.insert(position + offset, node)


def drop_update_fields(settings: Any) -> None:
    """No field-update prompt when the document opens (a house template may still ask for one)."""
    for node in settings.findall(w("updateFields")):
        settings.remove(node)


def _text(p: Any) -> str:
    return "".join(t.text or "" for t in p.iter(w("t")))
