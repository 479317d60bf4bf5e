"""End to end: the documents a procurer receives, read back as text and through LibreOffice."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT
from helpers import docx_as_text, header_footer_text, pdf_pages, pdf_text
from tendergen import api
from tendergen.documents import render
from tendergen.errors import OutputError

TEXT_DOCS = {"upphandlingsdokument", "avtalsvillkor", "pub-instruktion", "sekretessforbindelse", "lathund",
             "sanktionsforsakran", "ilo-sjalvvardering", "exitplan", "rfi"}
SHORT_DOCS = {"sanktionsforsakran", "sekretessforbindelse", "lathund", "ilo-sjalvvardering", "rfi", "anbudsformular",
              "avtal", "referensbilaga", "offertforfragan"}
PAYLOADS = [
    "{{ 7*7 }}",
    "{% for x in range(3) %}loop{% endfor %}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "Pris < 100 & > 50 \"citat\" 'apostrof' åäö ÅÄÖ",
]


def test_every_example_builds_with_its_documents(built_examples: dict[str, Path]) -> None:
    assert set(built_examples) == {p.stem for p in EXAMPLES}
    for stem, out in built_examples.items():
        manifest = json.loads((out / "manifest.json").read_text("utf-8"))
        names = {o["file"] for o in manifest["outputs"]}
        assert {"kravspecifikation.docx", "avtalsvillkor.docx", "acceptanstestprotokoll.docx",
                "urvalsredovisning.docx"} <= names, stem
        for entry in manifest["outputs"]:
            assert (out / entry["file"]).is_file()
        assert all(c["reasons"] for c in manifest["clauses"])


def test_documents_pass_openxml_schema_validation(built_examples: dict[str, Path],
                                                 assert_valid_docx: Callable[[Path], None]) -> None:
    for out in built_examples.values():
        for docx in sorted(out.glob("*.docx")):
            assert_valid_docx(docx)


def test_kravspecifikation_has_requirement_rows_and_answer_columns(built_examples: dict[str, Path],
                                                                  session: api.Session) -> None:
    out = built_examples["saas-verksamhetssystem"]
    text = docx_as_text(out / "kravspecifikation.docx")
    assert "Id | Krav | Typ | Uppfylls (Ja/Nej) | Leverantörens svar" in text
    row = next(line for line in text.splitlines() if line.startswith("SAK-INCIDENT |"))
    # The profile sets varsel_timmar to 8; the default would be 12.
    assert "senast 8 timmar" in row and "Verifikat: " in row
    assert row.endswith("| Ska |  | ")
    assert "{{" not in text and "{%" not in text
    assert "[Heading 1] Informationssäkerhet och cybersäkerhet" in text
    headers = header_footer_text(out / "kravspecifikation.docx")
    assert "Exempelkommunen" in headers and "KS 2026/0412" in headers and "Sida" in headers


def test_requirements_have_bookmarks_and_criteria_table(built_examples: dict[str, Path]) -> None:
    import zipfile

    out = built_examples["saas-verksamhetssystem"]
    xml = zipfile.ZipFile(out / "kravspecifikation.docx").read("word/document.xml").decode("utf-8")
    assert 'w:name="krav_SAK_INCIDENT"' in xml
    ids = re.findall(r'<w:bookmarkStart w:id="(\d+)"', xml)
    assert len(ids) == len(set(ids)) >= 20
    text = docx_as_text(out / "upphandlingsdokument.docx")
    # The profile's own evaluation model replaces the library's points table (issue 10): mervärde in kronor.
    assert "[Heading 2] Kriterier och mervärden" in text
    assert "TILL-WCAG22 | Tillgänglighet enligt WCAG 2.2 nivå AA (utvärderingskriterium) | 100\u00a0000 kronor" in text
    assert "Högsta möjliga poäng" not in text


def test_avtalsvillkor_are_numbered_headings(built_examples: dict[str, Path]) -> None:
    text = docx_as_text(built_examples["saas-verksamhetssystem"] / "avtalsvillkor.docx")
    assert "[Heading 1] Personuppgifter" in text
    assert "[Heading 2] Personuppgiftsbiträdesavtal (PUB-avtal)" in text


def test_libreoffice_renders_each_document_with_clause_titles(example_pdfs: dict[str, Path],
                                                             built_examples: dict[str, Path]) -> None:
    for key, pdf in example_pdfs.items():
        stem, document = key.split("/")
        assert pdf_pages(pdf) >= (1 if document in SHORT_DOCS else 2), key
        # Long ids and titles wrap at hyphens inside table cells and pdftotext drops such hyphens;
        # titles have non-breaking hyphens (U+2011).
        text = " ".join(pdf_text(pdf).split())
        flat = re.sub(r"[-\u2011\s]", "", text)
        manifest = json.loads((built_examples[stem] / "manifest.json").read_text("utf-8"))
        chosen = [c for c in manifest["clauses"] if c["included"] and c["document"] == document]
        if document == "acceptanstestprotokoll":
            chosen = [c for c in manifest["clauses"] if c["included"] and c["kind"] in ("ska-krav", "bör-krav")]
        elif document == "urvalsredovisning":
            chosen = manifest["clauses"]
        elif document in ("anbudsformular", "avtal"):  # generated from the profile, no clauses: its signatures
            assert "Underskrift" in text and manifest["profile"]["reference"] in text, key
        elif document == "referensbilaga":  # generated: a table to fill in per reference assignment
            assert "Referensuppdrag 1" in text and manifest["profile"]["reference"] in text, key
        elif document == "offertforfragan":  # generated: the answer deadline and the price table
            assert "Sista dag och hur offerten lämnas" in text and "Pristabell" in text, key
        assert chosen or document in ("anbudsformular", "avtal", "referensbilaga", "offertforfragan"), key
        for clause in chosen:
            wanted = clause["title"] if document in TEXT_DOCS else clause["id"]
            # A long id can break at a hyphen inside its cell, and other cells' text may come between the parts.
            found = re.sub(r"[-\s]", "", wanted)[:10] in flat
            if not found and document not in TEXT_DOCS:  # broken at a hyphen: every part is still there
                found = all(re.sub(r"\s", "", part) in flat for part in wanted.split("-"))
            assert found, (key, wanted)
        assert re.search(r"Sida \d+ av \d+", text), key


def test_acceptance_protocol_has_a_row_per_requirement(built_examples: dict[str, Path]) -> None:
    out = built_examples["saas-verksamhetssystem"]
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    text = docx_as_text(out / "acceptanstestprotokoll.docx")
    rows = [line for line in text.splitlines() if " | " in line and not line.startswith("Id |")]
    ids = [line.split(" | ")[0] for line in rows if "-" in line.split(" | ")[0]]
    wanted = [c["id"] for c in manifest["clauses"] if c["included"] and c["kind"] in ("ska-krav", "bör-krav")]
    assert sorted(ids) == sorted(wanted) and len(ids) >= 20
    incident = next(line for line in rows if line.startswith("SAK-INCIDENT |"))
    assert "skrivbordsövningstest" in incident and incident.endswith("|  | ")
    assert "Id | Krav | Kontroll vid acceptanstest | Resultat (G/EG) | Sign./datum" in text


def test_why_appendix_lists_every_clause_with_reason(built_examples: dict[str, Path]) -> None:
    out = built_examples["hardvara-ramavtal"]
    text = docx_as_text(out / "urvalsredovisning.docx")
    assert "[Heading 1] Valda klausuler" in text and "[Heading 1] Klausuler som inte valts" in text
    pub = next(line for line in text.splitlines() if line.startswith("PUB-AVTAL |"))
    assert "personal_data ∈ {true, possible} (profil: false) ✗" in pub
    ilo = next(line for line in text.splitlines() if line.startswith("HALL-ILO-VILLKOR / version"))
    assert "17 kap. 4 § LOU" in ilo


def test_same_inputs_give_identical_bytes(tmp_path: Path, session: api.Session) -> None:
    profile = ROOT / "examples" / "saas-verksamhetssystem.yaml"
    first = api.build(session, profile, tmp_path / "a")
    second = api.build(session, profile, tmp_path / "b")
    assert first.files == second.files
    assert (tmp_path / "a" / "manifest.json").read_bytes() == (tmp_path / "b" / "manifest.json").read_bytes()


def test_edited_output_is_not_overwritten_without_force(tmp_path: Path, session: api.Session) -> None:
    profile = ROOT / "examples" / "hardvara-ramavtal.yaml"
    out = tmp_path / "out"
    api.build(session, profile, out)
    api.build(session, profile, out)  # unchanged outputs are ours to replace
    edited = out / "avtalsvillkor.docx"
    edited.write_bytes(edited.read_bytes() + b"edit")
    with pytest.raises(OutputError) as exc:
        api.build(session, profile, out)
    assert "avtalsvillkor.docx" in str(exc.value) and "--force" in str(exc.value)
    assert edited.read_bytes().endswith(b"edit")
    api.build(session, profile, out, force=True)
    assert not edited.read_bytes().endswith(b"edit")


def test_a_foreign_file_in_the_output_folder_is_protected(tmp_path: Path, session: api.Session) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "kravspecifikation.docx").write_bytes(b"somebody's own document")
    with pytest.raises(OutputError):
        api.build(session, ROOT / "examples" / "hardvara-ramavtal.yaml", out)
    assert (out / "kravspecifikation.docx").read_bytes() == b"somebody's own document"
    assert not (out / "manifest.json").exists()


def test_profile_text_is_data_never_template_code(tree: Callable[[dict[str, str]], Path],
                                                 session: api.Session) -> None:
    text = (ROOT / "examples" / "saas-verksamhetssystem.yaml").read_text("utf-8")
    for i, payload in enumerate(PAYLOADS):
        quoted = json.dumps(payload, ensure_ascii=False)
        evil = (text.replace("title: Verksamhetssystem för bygglov och e-tjänster", f"title: {quoted}")
                .replace("department: Samhällsbyggnadsförvaltningen", f"department: {quoted}"))
        base = tree({f"p{i}.yaml": evil})
        result = api.build(session, base / f"p{i}.yaml", base / f"out{i}")
        body = docx_as_text(base / f"out{i}" / "kravspecifikation.docx")
        assert f"[Title] {payload}" in body
        assert f"Beställande verksamhet: {payload}" in body
        assert payload in header_footer_text(base / f"out{i}" / "kravspecifikation.docx")
        assert "49" not in body.split("\n")[0]
        assert result.files


def test_clause_parameter_values_are_not_evaluated(session: api.Session) -> None:
    from dataclasses import replace

    clause = session.library.clause("SAK-INCIDENT")
    assert clause is not None
    profile = api.load_profile(session, ROOT / "examples" / "saas-verksamhetssystem.yaml")
    profile = replace(profile, parameters={"SAK-INCIDENT": {"varsel_timmar": "{{ 7*7 }} & <b>"}})
    text = render.clause_text(clause, render.parameter_values(clause, profile), profile, render.text_environment())
    assert "senast {{ 7*7 }} & <b> timmar" in " ".join(text.split())


def test_undefined_variable_names_clause_and_variable(session: api.Session) -> None:
    from dataclasses import replace

    clause = session.library.clause("SAK-INCIDENT")
    assert clause is not None
    broken = replace(clause, text="Inom {{ okänd_tid }} timmar.".replace("ä", "a"))
    profile = api.load_profile(session, ROOT / "examples" / "saas-verksamhetssystem.yaml")
    with pytest.raises(OutputError) as exc:
        render.clause_text(broken, {}, profile, render.text_environment())
    assert "clause SAK-INCIDENT" in str(exc.value) and "okand_tid" in str(exc.value)


def test_house_template_is_used_from_the_workspace(tree: Callable[[dict[str, str]], Path]) -> None:
    base = tree({"tendergen.yaml": "organisation: Husby kommun\ntemplates: mallar\n",
                 "p.yaml": (ROOT / "examples" / "hardvara-ramavtal.yaml").read_text("utf-8")
                 .replace("organisation: Exempelkommunen\n", "")})
    (base / "mallar").mkdir()
    shutil.copy(ROOT / "tender_templates" / "avtalsvillkor.docx", base / "mallar" / "avtalsvillkor.docx")
    session = api.open_session(base / "tendergen.yaml")
    assert api.template_path(session, "avtalsvillkor") == base / "mallar" / "avtalsvillkor.docx"
    result = api.build(session, base / "p.yaml", base / "out")
    assert "Husby kommun" in header_footer_text(base / "out" / "avtalsvillkor.docx")
    assert result.manifest["profile"]["organisation"] == "Husby kommun"
