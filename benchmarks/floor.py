"""The floor for a full build: python-docx and openpyxl writing the same paragraphs, tables and sheet.

No templating, no rules, no validation: the content (the documents' contexts and the matrix rows) is
computed beforehand and only written, with paragraph and table styles looked up once per document.
`compare(profile, out, rounds)` prints the median full build time, the floor's time and the peak RSS (KiB).
"""

from __future__ import annotations

import io
import resource
import statistics
import time
from pathlib import Path
from typing import Any


def write_docx(ctx: dict[str, Any]) -> bytes:
    from docx import Document

    doc = Document()
    styles = doc.styles
    title, heading1, heading2, normal, bullet, numbered = (
        styles["Title"], styles["Heading 1"], styles["Heading 2"], styles["Normal"], styles["List Bullet"],
        styles["List Number"])
    table_style = styles["Table Grid"]
    doc.add_paragraph(f"{ctx.get('document_title', '')} – {ctx.get('title', '')}", style=title)
    for line in (ctx.get("organisation", ""), ctx.get("reference", ""), ctx.get("date", ""), *ctx.get("intro", [])):
        doc.add_paragraph(str(line), style=normal)
    for section in ctx.get("sections", []):
        doc.add_paragraph(section.get("title", ""), style=heading1)
        for item in section.get("texts", section.get("clauses", [])):
            doc.add_paragraph(item["title"], style=heading2)
            for p in item["paragraphs"]:
                doc.add_paragraph(p["text"], style=bullet if p["bullet"] else numbered if p["numbered"] else normal)
        requirements = section.get("requirements", [])
        if requirements:
            table = doc.add_table(rows=0, cols=3, style=table_style)
            for item in requirements:
                cells = table.add_row().cells
                cells[0].text = item.get("label") or item.get("id", "")
                cells[1].text = "\n".join(p["text"] for p in item.get("paragraphs", ())) or item.get("acceptance", "")
                cells[2].text = item.get("verifikat", "") or item.get("kind_label", "")
    for key in ("included", "excluded"):
        rows = ctx.get(key, [])
        if rows:
            table = doc.add_table(rows=0, cols=4, style=table_style)
            for row in rows:
                cells = table.add_row().cells
                cells[0].text = row["id"]
                cells[1].text = row["title"]
                cells[2].text = row["reasons"]
                cells[3].text = row["legal_basis"]
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def write_xlsx(rows: list[Any], header: tuple[str, ...]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    bold, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F3864")
    wrap = Alignment(wrap_text=True)
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
    for r in rows:
        ws.append([r.id, r.kind, r.section, r.text, r.verifikat, None, None])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def compare(profile_path: str, out: str, rounds: int) -> None:
    from tendergen import api
    from tendergen.core import select
    from tendergen.documents import matrix, render

    session = api.open_session(start=Path.cwd())
    api.build(session, Path(profile_path), Path(out), force=True)  # first build: imports and lazy set-up
    builds = []
    for _ in range(rounds):
        start = time.perf_counter()
        api.build(session, Path(profile_path), Path(out), force=True)
        builds.append(time.perf_counter() - start)
    profile = api.load_profile(session, Path(profile_path))
    decisions = select.select(session.library, profile)
    contexts = [render.context(profile, session.library, decisions, d) for d in render.documents_needed(decisions)]
    rows = matrix.rows(profile, session.library, decisions)
    floors = []
    for _ in range(rounds):
        start = time.perf_counter()
        files = {f"{c['document_id']}.docx": write_docx(c) for c in contexts}
        files["kravmatris.xlsx"] = write_xlsx(rows, matrix.HEADER)
        for name, data in files.items():
            (Path(out) / f"floor-{name}").write_bytes(data)
        floors.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(statistics.median(builds), statistics.median(floors), peak)
