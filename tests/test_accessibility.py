"""Accessible, Word-native documents: tagged PDFs, real lists, a filled table of contents, layout."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

from lxml import etree

from pdfcheck import check, outline
from tendergen.core.text import LIST_MARKER

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
ROOT_EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "saas-verksamhetssystem.yaml"
SHORT = {"sanktionsforsakran", "sekretessforbindelse", "lathund", "ilo-sjalvvardering", "rfi", "anbudsformular",
         "avtal", "referensbilaga", "offertforfragan"}
LIST_STYLES = {"ListItem", "ListBullet", "TableListItem", "TableListBullet"}


def part(docx: Path, name: str) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(docx).read(name))


def style_of(p: etree._Element) -> str:
    style = p.find("w:pPr/w:pStyle", NS)
    return style.get(f"{{{W}}}val") if style is not None else ""


def text_of(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(f"{{{W}}}t"))


def test_every_pdf_passes_the_accessibility_check(example_pdfs: dict[str, Path]) -> None:
    results = {key: check(pdf) for key, pdf in sorted(example_pdfs.items())}
    assert len(results) >= 40
    failed = {key: problems for key, problems in results.items() if problems}
    assert not failed, failed
    tree = outline(example_pdfs["saas-verksamhetssystem/avtalsvillkor"], limit=400)
    assert "/TOC" in {line.strip() for line in tree}
    assert any(line.strip() == "/H2" for line in tree) and any(line.strip() == "/L" for line in tree)


def test_lists_are_word_numbering_restarting_per_list(built_examples: dict[str, Path]) -> None:
    for stem, out in built_examples.items():
        for docx in sorted(out.glob("*.docx")):
            body = part(docx, "word/document.xml")
            items = [p for p in body.iter(f"{{{W}}}p") if style_of(p) in LIST_STYLES]
            typed = [text_of(p) for p in items if LIST_MARKER.match(text_of(p))]
            assert not typed, (stem, docx.name, typed[:3])
            ids = [p.find("w:pPr/w:numPr/w:numId", NS) for p in items]
            assert all(i is not None for i in ids), (stem, docx.name)
            used = {i.get(f"{{{W}}}val") for i in ids if i is not None}
            numbering = part(docx, "word/numbering.xml")
            defined = {n.get(f"{{{W}}}numId"): n for n in numbering.findall("w:num", NS)}
            assert used <= defined.keys(), (stem, docx.name)
            numbered = [i for i in used if defined[i].find("w:lvlOverride/w:startOverride", NS) is not None]
            assert len(numbered) == len(used)
    avtal = part(built_examples["saas-verksamhetssystem"] / "avtalsvillkor.docx", "word/document.xml")
    lists = {p.find("w:pPr/w:numPr/w:numId", NS).get(f"{{{W}}}val") for p in avtal.iter(f"{{{W}}}p")
             if style_of(p) == "ListItem"}
    assert len(lists) >= 5  # each list has its own numbering instance, so each restarts at 1 (or a)


def test_table_of_contents_is_filled_without_update_prompt(built_examples: dict[str, Path]) -> None:
    out = built_examples["saas-verksamhetssystem"]
    for docx in sorted(out.glob("*.docx")):
        settings = part(docx, "word/settings.xml")
        assert settings.find("w:updateFields", NS) is None, docx.name
        body = part(docx, "word/document.xml")
        assert not body.xpath("//w:fldChar[@w:dirty]", namespaces=NS), docx.name
        toc = [p for p in body.iter(f"{{{W}}}p") if style_of(p) in ("TOC1", "TOC2")]
        if docx.stem in SHORT:
            assert not toc and style_of(next(body.iter(f"{{{W}}}p"))) == "FormTitle", docx.name
            continue
        headings = [p for p in body.iter(f"{{{W}}}p") if style_of(p) in ("Heading1", "Heading2")]
        assert len(toc) == len(headings) > 0, docx.name
        # Page numbers from LibreOffice's layout, as hyperlinks to bookmarked headings.
        assert all(p.find("w:hyperlink", NS) is not None for p in toc)
        assert all(re.search(r"\d+$", text_of(p)) for p in toc), docx.name
        instr = " ".join(t.text or "" for p in toc for t in p.iter(f"{{{W}}}instrText"))
        assert instr.count("PAGEREF") == len(toc), docx.name
        anchors = {h.get(f"{{{W}}}anchor") for p in toc for h in p.iter(f"{{{W}}}hyperlink")}
        marks = {b.get(f"{{{W}}}name") for p in headings for b in p.iter(f"{{{W}}}bookmarkStart")}
        assert anchors <= marks
        # Every other link (a reference to a clause or a requirement) has its bookmark in the document.
        links = {h.get(f"{{{W}}}anchor") for h in body.iter(f"{{{W}}}hyperlink")}
        assert links <= {b.get(f"{{{W}}}name") for b in body.iter(f"{{{W}}}bookmarkStart")}, docx.name


def test_toc_without_libreoffice_is_hyperlinked_headings(tmp_path: Path) -> None:
    from conftest import ROOT
    from tendergen import api

    session = api.open_session(start=ROOT)
    out = tmp_path / "out"
    api.build(session, ROOT / "examples" / "hardvara-ramavtal.yaml", out)
    body = part(out / "avtalsvillkor.docx", "word/document.xml")
    toc = [p for p in body.iter(f"{{{W}}}p") if style_of(p) in ("TOC1", "TOC2")]
    assert toc and "Innehållsförteckningen uppdateras" not in etree.tostring(body, encoding="unicode")
    assert text_of(toc[0]).startswith("1. ") and not body.xpath("//w:instrText[contains(., 'PAGEREF')]",
                                                                  namespaces=NS)
    assert part(out / "avtalsvillkor.docx", "word/settings.xml").find("w:updateFields", NS) is None


def test_document_properties_captions_and_covers(built_examples: dict[str, Path]) -> None:
    out = built_examples["saas-verksamhetssystem"]
    for docx in sorted(out.glob("*.docx")):
        core = part(docx, "docProps/core.xml")
        assert core.findtext("{http://purl.org/dc/elements/1.1/}language") == "sv-SE", docx.name
        body = part(docx, "word/document.xml")
        for table in body.iter(f"{{{W}}}tbl"):
            caption = table.find("w:tblPr/w:tblCaption", NS)
            description = table.find("w:tblPr/w:tblDescription", NS)
            assert caption is not None and caption.get(f"{{{W}}}val"), docx.name
            assert description is not None and description.get(f"{{{W}}}val"), docx.name
        text = etree.tostring(body, encoding="unicode")
        assert "Klausulbibliotek" not in text and "tendergen" not in text, docx.name
    comments = part(out / "avtalsvillkor.docx", "docProps/core.xml").findtext(
        "{http://purl.org/dc/elements/1.1/}description")
    assert comments and "2026" in comments  # the library version stays in the document properties


def test_titles_keep_their_hyphens_together(built_examples: dict[str, Path]) -> None:
    body = part(built_examples["saas-verksamhetssystem"] / "avtalsvillkor.docx", "word/document.xml")
    title = next(p for p in body.iter(f"{{{W}}}p") if style_of(p) == "Title")
    assert title.find(".//w:noBreakHyphen", NS) is not None and "-" not in text_of(title)
    label = next(p for p in part(built_examples["saas-verksamhetssystem"] / "upphandlingsdokument.docx",
                                 "word/document.xml").iter(f"{{{W}}}p") if text_of(p).startswith("Ska")
                 and style_of(p) == "Note")
    assert label.find("w:pPr/w:keepNext", NS) is not None


def _page_lines(pdf: Path) -> list[list[str]]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return [[line.strip() for line in page.splitlines() if line.strip()] for page in text.split("\f")]


def test_no_heading_ends_a_page(built_examples: dict[str, Path], example_pdfs: dict[str, Path]) -> None:
    stranded = []
    for key, pdf in example_pdfs.items():
        stem, document = key.split("/")
        body = part(built_examples[stem] / f"{document}.docx", "word/document.xml")
        headings = {" ".join(text_of(p).split()) for p in body.iter(f"{{{W}}}p")
                    if style_of(p) in ("Heading1", "Heading2", "Heading3")}
        pages = _page_lines(pdf)
        for number, lines in enumerate(pages[:-1], start=1):
            if any(line == "Innehåll" for line in lines):
                continue  # the table of contents lists every heading
            body_lines = lines[1:-1]  # without the running header and footer
            if body_lines:
                last = " ".join(re.sub(r"^\d+(\.\d+)*\.?\s+", "", body_lines[-1]).split())
                if last in headings:
                    stranded.append(f"{key} p. {number}: {body_lines[-1]}")
    assert not stranded, stranded


def assert_print_ready(ws: object, landscape: bool) -> None:
    setup = ws.page_setup  # type: ignore[attr-defined]
    assert int(setup.paperSize) == 9, ws  # A4
    assert setup.orientation == ("landscape" if landscape else "portrait")
    assert ws.sheet_properties.pageSetUpPr.fitToPage and int(setup.fitToWidth) == 1  # type: ignore[attr-defined]
    assert "&P" in ws.oddFooter.right.text and ws.oddHeader.right.text  # type: ignore[attr-defined]


def test_sheets_are_print_ready_on_a4(built_examples: dict[str, Path]) -> None:
    from openpyxl import load_workbook

    from tendergen.documents.sheets import LINE_POINTS, line_count

    for stem, out in built_examples.items():
        wb = load_workbook(out / "kravmatris.xlsx")
        matrix, info = wb["Kravmatris"], wb["Om matrisen"]
        assert_print_ready(matrix, landscape=True)
        assert_print_ready(info, landscape=False)
        assert matrix.print_title_rows == "$1:$1"
        assert all(cell.border.left.style == "thin" for row in matrix.iter_rows() for cell in row), stem
        widths = [matrix.column_dimensions[c].width for c in "ABCDEFG"]
        for row in matrix.iter_rows(min_row=2):
            needed = max(line_count(c.value, w) for c, w in zip(row, widths, strict=True) if c.value)
            height = matrix.row_dimensions[row[0].row].height
            assert height >= min(409, needed * LINE_POINTS), (stem, row[0].value)


REFERRING = """\
id: LOK-HANVISNING
version: "1.0"
status: draft
title: Lokal hänvisning
area: andringar
document: avtalsvillkor
section: omfattning
kind: avtalsvillkor
text:
  sv: |
    Ändringar görs enligt [[AND-ANDRINGAR-OCH-TILLAGG]]. Krav {{{{ x }}}}: se [[SAK-INCIDENT]] och [[{missing}]].
parameters:
  x: {{type: integer, default: 1, description: Ett tal}}
motiv: Hänvisningar ska visa klausulens nummer och gå att klicka på i Word.
"""


def test_cross_references_show_the_clause_number_as_a_link(tree, runner) -> None:  # type: ignore[no-untyped-def]
    from tendergen.cli import cli

    base = tree({"tendergen.yaml": "organisation: Xby kommun\nclause_folders: [lokalt]\n",
                 "lokalt/x/a.yaml": REFERRING.format(missing="AVT-FINNS-INTE"),
                 "p.yaml": ROOT_EXAMPLE.read_text("utf-8")})
    result = runner.invoke(cli, ["build", "p.yaml", "-o", "out", "--draft"])
    assert result.exit_code == 0, result.output
    body = part(base / "out" / "avtalsvillkor.docx", "word/document.xml")
    para = next(p for p in body.iter(f"{{{W}}}p") if text_of(p).startswith("Ändringar görs enligt"))
    links = para.findall("w:hyperlink", NS)
    assert [text_of(h) for h in links] and re.fullmatch(r"avsnitt \d+\.\d+ Ändringar och tillägg", text_of(links[0]))
    anchor = links[0].get(f"{{{W}}}anchor")
    assert anchor == "klausul_AND_ANDRINGAR_OCH_TILLAGG"
    heading = next(p for p in body.iter(f"{{{W}}}p") if any(b.get(f"{{{W}}}name") == anchor
                                                            for b in p.iter(f"{{{W}}}bookmarkStart")))
    number = text_of(links[0]).split()[1]
    headings = [p for p in body.iter(f"{{{W}}}p") if style_of(p) in ("Heading1", "Heading2")]
    sections = [p for p in headings if style_of(p) == "Heading1"]
    section = sum(1 for p in sections if headings.index(p) < headings.index(heading))
    assert number.startswith(f"{section}.") and style_of(heading) == "Heading2"
    text = text_of(para)
    assert "krav SAK-INCIDENT i Kravspecifikation" in text and "AVT-FINNS-INTE" in text and "[[" not in text


def test_a_failing_libreoffice_leaves_the_contents_without_page_numbers(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from conftest import ROOT
    from tendergen import api

    broken = tmp_path / "soffice"
    broken.write_text("#!/bin/sh\nexit 1\n", "utf-8")
    broken.chmod(0o755)
    monkeypatch.setenv("TENDERGEN_SOFFICE", str(broken))
    monkeypatch.delenv("TENDERGEN_OFFICE_PIPE", raising=False)
    session = api.open_session(start=ROOT)
    result = api.build(session, ROOT / "examples" / "hardvara-ramavtal.yaml", tmp_path / "out", toc_pages=True)
    assert any("no page numbers" in w for w in result.warnings), result.warnings
    assert (tmp_path / "out" / "avtalsvillkor.docx").is_file()
