"""Read a review document back as Word would after accepting or rejecting every tracked change."""

from __future__ import annotations

from tendergen.review.redline import PARAGRAPH, TEXT_STYLE, W, text_tokens


def resolve(document_xml: bytes, accept: bool) -> list[tuple[str, list[str]]]:
    """Accept (or reject) every tracked change, as Word would; return (heading, clause-text paragraphs).

    Proves that accept-all gives the new text and reject-all the old one.
    """
    from lxml import etree

    ns = {"w": W}
    root = etree.fromstring(document_xml)
    drop = "del" if accept else "ins"
    result: list[tuple[str, list[str]]] = []
    pending = ""
    for p in root.iter(f"{{{W}}}p"):
        style = p.find("w:pPr/w:pStyle", ns)
        name = style.get(f"{{{W}}}val") if style is not None else ""
        if name == "Heading1":
            # A heading's hyphens are Word's non-breaking hyphens (w:noBreakHyphen), shown as "-".
            result.append(("".join("-" if e.tag == f"{{{W}}}noBreakHyphen" else e.text or ""
                                   for e in p.iter(f"{{{W}}}t", f"{{{W}}}noBreakHyphen")), []))
            continue
        if name != TEXT_STYLE or not result:
            continue
        text = "".join(t.text or "" for t in p.iter(f"{{{W}}}t", f"{{{W}}}delText")
                       if not any(a.tag == f"{{{W}}}{drop}" for a in t.iterancestors()))
        mark = p.find("w:pPr/w:rPr", ns)
        merged_away = mark is not None and mark.find(f"w:{drop}", ns) is not None
        if merged_away:
            pending += text  # the paragraph mark is gone: this text joins the next paragraph
            continue
        result[-1][1].append(pending + text)
        pending = ""
    return result


def expected_paragraphs(text: str) -> list[str]:
    """The paragraphs resolve() should give for a clause text."""
    return "".join(text_tokens(text)).split(PARAGRAPH)[:-1] or [""]
