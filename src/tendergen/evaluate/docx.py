"""A short Word document in the house style, written with python-docx: headings, paragraphs, tables, bullets.

Used for the evaluation report and the award decision. Language sv-SE, Calibri, the house accent colour for
headings and table header rows, header with title and reference, footer with page numbers, tables with a
repeated header row and a description, and fixed document properties so the same content gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from tendergen.documents import theme

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


class Doc:
    def __init__(self, *, title: str, subtitle: str, reference: str, organisation: str, date: str,
                 draft: bool = False) -> None:
        import docx
        from docx.shared import Pt, RGBColor

        self.document = docx.Document()
        for rid, rel in list(self.document.part.rels.items()):
            if rel.reltype.endswith("/stylesWithEffects"):  # Word 2010's copy of the styles; would go stale
                self.document.part.drop_rel(rid)
        self.title, self.reference, self.organisation, self.date = title, reference, organisation, date
        styles = self.document.styles
        styles["Normal"].font.name = theme.FONT
        styles["Normal"].font.size = Pt(11)
        for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3"):
            style = styles[name]
            style.font.name = theme.FONT
            style.font.color.rgb = RGBColor.from_string(theme.ACCENT if name != "Subtitle" else theme.SUBTITLE)
        self._language()
        section = self.document.sections[0]
        from docx.shared import Cm

        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.left_margin = section.right_margin = Cm(2.2)
        head = section.header.paragraphs[0]
        head.text = f"{'UTKAST – ' if draft else ''}{title}\t\t{reference}"
        foot = section.footer.paragraphs[0]
        foot.text = f"{organisation}\t\tSida "
        self._field(foot, "PAGE")
        foot.add_run(" av ")
        self._field(foot, "NUMPAGES")
        for p in (head, foot):
            for run in p.runs:
                run.font.size = Pt(9)
                run.font.color.rgb = RGBColor.from_string(theme.MUTED)
        self.document.add_paragraph(("UTKAST – " if draft else "") + title, style="Title")
        self.document.add_paragraph(subtitle, style="Subtitle")

    def _language(self) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        defaults = self.document.styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), "sv-SE")
        lang.set(qn("w:eastAsia"), "sv-SE")

    @staticmethod
    def _field(paragraph: Any, code: str) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), f" {code} ")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        paragraph._p.append(field)

    def heading(self, text: str, level: int = 1) -> None:
        self.document.add_heading(text, level=level)

    def para(self, text: str, *, bold: bool = False, italic: bool = False, quote: bool = False) -> None:
        from docx.shared import Cm

        p = self.document.add_paragraph()
        if quote:
            p.paragraph_format.left_indent = Cm(0.8)
        run = p.add_run(text)
        run.bold, run.italic = bold or None, italic or None

    def meta(self, label: str, value: str) -> None:
        p = self.document.add_paragraph()
        p.add_run(f"{label}: ").bold = True
        p.add_run(value)

    def bullets(self, items: Sequence[str]) -> None:
        for item in items:
            self.document.add_paragraph(item, style="List Bullet")

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], description: str,
              widths: Sequence[float] = ()) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Cm, Pt, RGBColor

        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        properties = table._tbl.tblPr
        for tag, value in (("w:tblCaption", description), ("w:tblDescription", description)):
            element = OxmlElement(tag)
            element.set(qn("w:val"), value)
            properties.append(element)
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(text)
            run.bold = True
            run.font.color.rgb = RGBColor.from_string(theme.ON_ACCENT)
            shade = OxmlElement("w:shd")
            shade.set(qn("w:val"), "clear")
            shade.set(qn("w:color"), "auto")
            shade.set(qn("w:fill"), theme.ACCENT)
            cell._tc.get_or_add_tcPr().append(shade)
        row_pr = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        row_pr.append(repeat)
        for values in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, values, strict=True):
                cell.text = str(text)
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    for run in p.runs:
                        run.font.size = Pt(9.5)
        if widths:
            for row in table.rows:
                for cell, width in zip(row.cells, widths, strict=False):
                    cell.width = Cm(width)
        self.document.add_paragraph()

    def save(self, label: str) -> bytes:
        from tendergen.documents.render import reproducible_zip

        day = dt.datetime.fromisoformat(self.date)
        props = self.document.core_properties
        props.title, props.subject, props.author = self.title, self.reference, self.organisation
        props.last_modified_by, props.revision, props.language = self.organisation, 1, "sv-SE"
        props.created = props.modified = props.last_printed = day
        props.comments, props.keywords, props.category = "", "", ""
        buffer = io.BytesIO()
        self.document.save(buffer)
        return reproducible_zip(buffer.getvalue(), (day.year, day.month, day.day, 0, 0, 0), label)
