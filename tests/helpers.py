"""Read generated documents back as text for assertions."""

from __future__ import annotations

import subprocess
from pathlib import Path


def docx_as_text(path: Path) -> str:
    """One line per paragraph '[Style] text' (body, in order), one line per table row 'cell | cell'."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    lines = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(block, document)
            lines.append(f"[{p.style.name if p.style is not None else ''}] {p.text}")
        elif tag == "tbl":
            for row in Table(block, document).rows:
                lines.append(" | ".join(cell.text.replace("\n", " / ") for cell in row.cells))
    return "\n".join(lines)


def header_footer_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    section = document.sections[0]
    return "\n".join(p.text for p in [*section.header.paragraphs, *section.footer.paragraphs])


def pdf_text(path: Path) -> str:
    assert path.is_file(), f"LibreOffice produced no PDF for {path.name}"
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
