"""A Word document for legal review: each changed clause's text with native tracked changes (w:ins/w:del)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from tendergen.core.text import list_marker
from tendergen.core.words import CHANGE_LABELS, SEVERITY, field_label, impact_line, versions_text
from tendergen.documents import theme
from tendergen.review.diff import Change, Kind
from tendergen.review.diffout import finding_lines, show, tokens

PARAGRAPH = "\u2029"  # a token of its own: the end of a paragraph
TEXT_STYLE = "ClauseText"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def text_tokens(text: str) -> list[str]:
    """A clause text as word tokens with a paragraph-end token after each paragraph."""
    result: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [" ".join(line.split()) for line in block.splitlines() if line.strip()]
        items: list[str] = []
        for line in lines:  # list items keep their own paragraph, as in the built documents
            if items and not list_marker(line):
                items[-1] += " " + line
            else:
                items.append(line)
        for item in items:
            result.extend(tokens(item))
            result.append(PARAGRAPH)
    return result


@dataclass
class _Writer:
    author: str
    date: str
    next_id: int = 1

    def _rev(self, tag: str) -> str:
        self.next_id += 1
        return f'<w:{tag} w:id="{self.next_id}" w:author={quoteattr(self.author)} w:date={quoteattr(self.date)}'

    def run(self, op: str, text: str) -> str:
        if op == "equal":
            return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
        if op == "insert":
            return f'{self._rev("ins")}><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:ins>'
        return f'{self._rev("del")}><w:r><w:delText xml:space="preserve">{escape(text)}</w:delText></w:r></w:del>'

    def paragraph(self, runs: list[str], mark: str) -> str:
        mark_xml = "" if mark == "equal" else f"<w:rPr>{self._rev('ins' if mark == 'insert' else 'del')}/></w:rPr>"
        return f'<w:p><w:pPr><w:pStyle w:val="{TEXT_STYLE}"/>{mark_xml}</w:pPr>{"".join(runs)}</w:p>'

    def redline(self, old: str, new: str) -> str:
        """Paragraphs of `new` compared with `old`, word by word, as tracked changes."""
        # The last paragraph mark stays untracked, so neither accepting nor rejecting merges this text
        # into the heading that follows.
        a, b = text_tokens(old)[:-1], text_tokens(new)[:-1]
        pieces: list[tuple[str, str]] = []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
            if tag == "equal":
                pieces += [("equal", t) for t in a[i1:i2]]
            else:
                pieces += [("delete", t) for t in a[i1:i2]]
                pieces += [("insert", t) for t in b[j1:j2]]
        out: list[str] = []
        runs: list[tuple[str, str]] = []
        for op, token in pieces:
            if token == PARAGRAPH:
                out.append(self.paragraph([self.run(o, t) for o, t in runs], op))
                runs = []
            elif runs and runs[-1][0] == op:
                runs[-1] = (op, runs[-1][1] + token)
            else:
                runs.append((op, token))
        out.append(self.paragraph([self.run(o, t) for o, t in runs], "equal"))
        return "".join(out)


def _para(text: str, style: str = "") -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f'<w:p>{ppr}<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def _table(widths: Sequence[int], header: Sequence[str], rows: Sequence[Sequence[str]], caption: str,
           description: str, row_height: int = 0) -> str:
    def cell(width: int, text: str, heading: bool = False) -> str:
        shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{theme.ACCENT}"/>' if heading else ""
        return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}</w:tcPr>'
                f'{_para(text, "TableHeading" if heading else "TableText")}</w:tc>')

    head = "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" + "".join(
        cell(w, t, True) for w, t in zip(widths, header, strict=True)) + "</w:tr>"
    height = f'<w:trHeight w:val="{row_height}"/>' if row_height else ""
    body = "".join(f"<w:tr><w:trPr><w:cantSplit/>{height}</w:trPr>"
                   + "".join(cell(w, t) for w, t in zip(widths, r, strict=True)) + "</w:tr>" for r in rows)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
            f'<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
            f'w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
            f'<w:tblCaption w:val={quoteattr(caption)}/><w:tblDescription w:val={quoteattr(description)}/>'
            f'</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{head}{body}</w:tbl>' + _para(""))


DECISION = ("Beslut", "Datum", "Beslutande (namn och befattning)", "Underskrift")


def decision_block() -> str:
    """Where the reviewer records the decision on the whole set of changes, and signs it."""
    return (_para("Beslut", "Heading1")
            + _para("Ändringarna ovan har granskats. Beslutet gäller samtliga ändringar i dokumentet, med de "
                    "undantag som antecknas nedan eller som avvisats i dokumentets spårade ändringar.")
            + _table((3000, 6638), ("Uppgift", "Anteckning"),
                     [(label, "") for label in DECISION] + [("Undantag och kommentarer", "")],
                     "Beslut om ändringarna",
                     "Fyll i beslut (godkänns, godkänns med undantag eller avslås), datum, beslutande och "
                     "underskrift.", row_height=680))


def body_xml(changes: Sequence[Change], author: str, date: str) -> str:
    """The document body: a summary, one section per changed clause, and the decision block."""
    from tendergen.documents.render import default_text, text_environment

    env = text_environment()
    writer = _Writer(author, date)
    out = [_para("Sammanfattning", "Heading1"),
           _table((2200, 2500, 1100, 2538, 1300), ("Id", "Rubrik", "Ändring", "Klassificering", "Allvarlighet"),
                  [(c.id, c.title, CHANGE_LABELS[c.kind.value], "; ".join(finding_lines(c)), SEVERITY[c.severity])
                   for c in changes],
                  "Sammanfattning av ändringarna",
                  "En ändrad klausul per rad med id, rubrik, typ av ändring, klassificering och allvarlighet.")]
    for c in changes:
        out.append(_para(f"{c.id} – {c.title}", "Heading1"))
        version = versions_text(c.old.version if c.old else "", c.new.version if c.new else "")
        label, severity = CHANGE_LABELS[c.kind.value].capitalize(), SEVERITY[c.severity]
        out.append(_para(f"{label} · allvarlighet {severity} · version {version}", "Note"))
        out += [_para(line, "ListBullet") for line in finding_lines(c)]
        out.append(_para("Påverkan på upphandlingarna", "Heading2"))
        out += ([_para(impact_line(item), "ListBullet") for item in c.impact]
                or [_para("Ingen av de granskade upphandlingarna påverkas.")])
        out.append(_para("Text (parametrar med standardvärden)", "Heading2"))
        old_text = default_text(c.old, env) if c.old else ""
        new_text = default_text(c.new, env) if c.new and c.kind != Kind.REMOVED else ""
        out.append(writer.redline(old_text, new_text))
        if any(f.field != "text" for f in c.fields):
            out.append(_para("Övriga uppgifter", "Heading2"))
            out.append(_table((2000, 3819, 3819), ("Uppgift", "Före", "Efter"),
                              [(field_label(f.field), show(f.field, f.old), show(f.field, f.new))
                               for f in c.fields if f.field != "text"],
                              f"Övriga ändrade uppgifter i {c.id}",
                              "En uppgift per rad med värdet före och efter ändringen."))
    out.append(decision_block())
    return "".join(out)


class RawXml(str):
    """Body XML passed through docxtpl's autoescaping untouched (it is built and escaped here)."""

    def __html__(self) -> str:
        return str(self)


def context(changes: Sequence[Change], meta: dict[str, Any], author: str, date: str) -> dict[str, Any]:
    return {**meta, "body": RawXml(body_xml(changes, author, date))}
