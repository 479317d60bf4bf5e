"""Clause diff on a real git history: classification, impact, formats, and the Word redline."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, office
from redline_tools import expected_paragraphs, resolve
from tendergen import api
from tendergen.cli import cli
from tendergen.core.model import Severity
from tendergen.core.words import impact_text
from tendergen.documents import pdf
from tendergen.documents.render import default_text, text_environment
from tendergen.review.diff import Finding, Kind, editorial


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def bump(path: Path) -> None:
    """Raise the minor version of the (single) clause in a file, whatever it is now."""
    import re

    text = path.read_text("utf-8")
    major, minor = re.search(r'^version: "(\d+)\.(\d+)"', text, re.MULTILINE).groups()  # type: ignore[union-attr]
    edit(path, f'version: "{major}.{minor}"', f'version: "{major}.{int(minor) + 1}"')


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace repository: v1 is the bundled library, HEAD has a realistic set of changes."""
    repo = tmp_path_factory.mktemp("repo")
    shutil.copytree(ROOT / "clauses", repo / "clauses")
    shutil.copytree(ROOT / "examples", repo / "examples")
    (repo / "tendergen.yaml").write_text("organisation: Exempelkommunen\n", "utf-8")
    git(repo, "init", "-q")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "v1", "--allow-empty")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "v1")
    git(repo, "tag", "v1")
    c = repo / "clauses"
    # 1. weaken a ska-krav to a bör-krav (and bump its version)
    edit(c / "informationssakerhet/flerfaktorsautentisering.yaml", "kind: ska-krav",
         "kind: bör-krav\nevaluation: {weight: 2, note: Poäng om MFA krävs för all åtkomst.}")
    bump(c / "informationssakerhet/flerfaktorsautentisering.yaml")
    # 2. loosen the incident deadline, without bumping the version
    edit(c / "informationssakerhet/incidentrapportering.yaml", "default: 12", "default: 48")
    edit(c / "informationssakerhet/incidentrapportering.yaml", "maximum: 24", "maximum: 72")
    # 3. fix a typo (editorial)
    edit(c / "informationssakerhet/incidentrapportering.yaml", "orsaksanalys", "orsaksanalyys")
    # 4. add a clause
    (c / "exit/ny-klausul.yaml").write_text(
        (c / "exit/radering.yaml").read_text("utf-8").replace("EXIT-RADERING", "EXIT-ARKIV")
        .replace("Radering", "Arkivering").replace("radera", "arkivera"), "utf-8")
    # 5. retire a clause
    edit(c / "tillganglighet/wcag-22.yaml", "status: approved", "status: retired")
    bump(c / "tillganglighet/wcag-22.yaml")
    # 6. narrow a rule
    edit(c / "avtal/overlatelse.yaml", "id: AVT-OVERLATELSE",
         "id: AVT-OVERLATELSE\nwhen: {critical_service: true}")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "v2")
    return repo


@pytest.fixture(scope="module")
def changes(repo: Path) -> dict[str, object]:
    session = api.open_session(repo / "tendergen.yaml")
    return {c.id: c for c in api.diff(session, "v1", "HEAD", [repo / "examples"])}


def findings(change: object) -> set[Finding]:
    return {f for f, _ in change.findings}  # type: ignore[attr-defined]


def test_each_classification(changes: dict[str, object]) -> None:
    assert set(changes) == {"SAK-MFA", "SAK-INCIDENT", "EXIT-ARKIV", "TILL-WCAG22", "AVT-OVERLATELSE"}
    assert Finding.WEAKENED in findings(changes["SAK-MFA"])
    incident = changes["SAK-INCIDENT"]
    assert {Finding.LOOSER, Finding.EDITORIAL, Finding.VERSION_NOT_BUMPED} <= findings(incident)
    assert ("varsel_timmar: 12 timmar → 48 timmar" in
            dict((f, n) for f, n in incident.findings)[Finding.LOOSER])  # type: ignore[attr-defined]
    assert changes["EXIT-ARKIV"].kind is Kind.ADDED  # type: ignore[attr-defined]
    assert changes["TILL-WCAG22"].kind is Kind.RETIRED  # type: ignore[attr-defined]
    scope = dict(changes["AVT-OVERLATELSE"].findings)  # type: ignore[attr-defined]
    assert Finding.SCOPE_NARROWER in scope and changes["SAK-INCIDENT"].severity is Severity.HIGH  # type: ignore[attr-defined]


def test_impact_lists_profiles(changes: dict[str, object]) -> None:
    impact = "\n".join(map(impact_text, changes["AVT-OVERLATELSE"].impact))  # type: ignore[attr-defined]
    assert "saas-verksamhetssystem.yaml: förlorar klausulen" in impact
    assert "valfardsteknik-trygghetslarm.yaml" not in impact  # critical: still selected, same text
    wcag = "\n".join(map(impact_text, changes["TILL-WCAG22"].impact))  # type: ignore[attr-defined]
    assert "saas-verksamhetssystem.yaml: förlorar klausulen" in wcag


def test_editorial_detection() -> None:
    assert editorial("Leverantören ska lämna en rapport.", "Leverantören ska lämna en  rapport")
    assert editorial("en orsaksanalys", "en orsaksanalyys")
    assert not editorial("inom 24 timmar", "inom 48 timmar")
    assert not editorial("Leverantören ska lämna", "Leverantören bör lämna")


def test_docx_accept_gives_new_text_and_reject_gives_old(repo: Path, changes: dict[str, object],
                                                         tmp_path: Path, assert_valid_docx) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "ny mapp" / "granskning.docx"  # -o into a folder that does not exist yet
    result = CliRunner().invoke(cli, ["--workspace", str(repo / "tendergen.yaml"), "diff", "v1", "HEAD",
                                      "--profiles", str(repo / "examples"), "--format", "docx", "-o", str(out),
                                      "--author", "Kommunjurist", "--date", "2026-11-21"])
    assert result.exit_code == 0, result.output
    assert_valid_docx(out)
    review_document_is_swedish_with_a_decision_block(out)
    xml = zipfile.ZipFile(out).read("word/document.xml")
    assert b'w:author="Kommunjurist"' in xml and b"<w:ins " in xml and b"<w:del " in xml
    accepted = dict(resolve(xml, accept=True))
    rejected = dict(resolve(xml, accept=False))
    env = text_environment()
    for cid, change in changes.items():
        heading = f"{cid} – {change.title}"  # type: ignore[attr-defined]
        new = default_text(change.new, env) if change.kind is not Kind.REMOVED else ""  # type: ignore[attr-defined]
        old = default_text(change.old, env) if change.old else ""  # type: ignore[attr-defined]
        assert accepted[heading] == expected_paragraphs(new), cid
        assert rejected[heading] == expected_paragraphs(old), cid


def review_document_is_swedish_with_a_decision_block(docx: Path) -> None:
    from helpers import docx_as_text

    text = docx_as_text(docx)
    lines = text.splitlines()
    assert lines[0].startswith("[Form Title] Klausulförändringar") and "[toc 1]" not in text  # no cover, no TOC
    assert re.search(r"Jämförda versioner: \d\S* \(v1\) → \d\S* \(HEAD\)", text), lines[:6]
    assert "Granskning av tendergens standardbibliotek" in text
    assert re.search(r"version \d+\.\d+ \(oförändrad\)", text) and re.search(r"version \d+\.\d+ → \d+\.\d+", text)
    assert not re.search(r"(\d+\.\d+) → \1(?!\d)", text)
    assert re.search(r"\[List Bullet\] .+ \(saas-verksamhetssystem\.yaml\): förlorar klausulen", text)
    rows = [line.split(" | ")[0] for line in lines if " | " in line]
    english = {"kind", "parameters", "evaluation", "legal_basis", "status", "when", "verifikat", "title"}
    assert not english & set(rows), english & set(rows)
    assert {"Typ av klausul", "Status"} <= set(rows)
    assert "[Heading 1] Beslut" in text
    assert {"Beslut", "Datum", "Beslutande (namn och befattning)", "Underskrift"} <= set(rows)
    settings = zipfile.ZipFile(docx).read("word/settings.xml").decode("utf-8")
    assert "<w:trackRevisions/>" in settings and "updateFields" not in settings


def test_diff_output_under_a_file_is_a_clean_error(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "fil").write_text("x", "utf-8")
    result = CliRunner().invoke(cli, ["--workspace", str(repo / "tendergen.yaml"), "diff", "v1", "HEAD",
                                      "--format", "docx", "-o", str(tmp_path / "fil" / "g.docx")])
    assert result.exit_code == 3 and "is a file, not a folder" in result.stderr, result.output


def test_unit_changes_are_classed_looser_or_stricter(session: api.Session) -> None:
    from dataclasses import replace

    from tendergen.review.diff import _parameter_findings

    incident = session.library.clause("SAK-INCIDENT")
    assert incident is not None

    def with_unit(value: int, unit: str) -> object:
        return replace(incident, parameters=tuple(replace(p, default=value, unit=unit) if p.name == "varsel_timmar"
                                                   else p for p in incident.parameters))

    def found(old: object, new: object) -> list[object]:
        return [f for f, _ in _parameter_findings(old, new)]  # type: ignore[arg-type]

    # A deadline (lower is stricter): 12 timmar → 12 dagar gives the supplier more time.
    assert found(with_unit(12, "timmar"), with_unit(12, "dagar")) == [Finding.LOOSER]
    assert found(with_unit(5, "dagar"), with_unit(5, "arbetsdagar")) == [Finding.LOOSER]
    assert found(with_unit(10, "arbetsdagar"), with_unit(10, "dagar")) == [Finding.STRICTER]
    assert found(with_unit(48, "timmar"), with_unit(1, "dagar")) == [Finding.STRICTER]
    assert found(with_unit(24, "timmar"), with_unit(1, "dagar")) == []  # the same time
    assert found(with_unit(5, "dagar"), with_unit(5, "procent")) == [Finding.UNIT]
    notes = [n for _, n in _parameter_findings(with_unit(5, "dagar"), with_unit(5, "arbetsdagar"))]  # type: ignore[arg-type]
    assert notes == ["varsel_timmar: 5 dagar → 5 arbetsdagar"]


def test_libreoffice_accept_all(repo: Path, tmp_path: Path) -> None:
    """LibreOffice opens the redline and, after accepting every change, shows exactly the new text."""
    if subprocess.run(["/usr/bin/python3", "-c", "import uno"], capture_output=True).returncode != 0:
        pytest.fail("python3-uno is required for this test; .ci/run installs it")
    out = tmp_path / "g.docx"
    CliRunner().invoke(cli, ["--workspace", str(repo / "tendergen.yaml"), "diff", "v1", "HEAD", "--format", "docx",
                             "-o", str(out)])
    texts = {}
    for action in ("AcceptAllTrackedChanges", "RejectAllTrackedChanges"):
        with office():
            (target,), _ = pdf.convert([out], tmp_path / action, export=("Text (encoded)", "txt", "UTF8"),
                                       dispatch=action)
        texts[action] = " ".join(target.read_text("utf-8").split())
    assert "senast 48 timmar" in texts["AcceptAllTrackedChanges"]
    assert "senast 12 timmar" not in texts["AcceptAllTrackedChanges"]
    assert "orsaksanalyys" in texts["AcceptAllTrackedChanges"]
    rejected = texts["RejectAllTrackedChanges"]
    assert "orsaksanalys " in rejected and "orsaksanalyys" not in rejected
    # The same review document as a tagged PDF: it passes the accessibility check.
    from helpers import pdf_text
    from pdfcheck import check

    target = tmp_path / "granskning.pdf"
    with office():
        result = CliRunner().invoke(cli, ["--workspace", str(repo / "tendergen.yaml"), "diff", "v1", "HEAD",
                                          "--format", "pdf", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert check(target) == [] and "Beslutande" in pdf_text(target)


def test_formats_and_exit_code(repo: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--workspace", str(repo / "tendergen.yaml"), "diff"]
    data = json.loads(runner.invoke(cli, [*base, "--git-range", "v1..HEAD", "--format", "json"]).stdout)
    assert {d["id"] for d in data} >= {"SAK-MFA", "EXIT-ARKIV"}
    md = runner.invoke(cli, [*base, "v1", "HEAD", "--format", "markdown"]).stdout
    assert "## SAK-INCIDENT – Rapportering av säkerhetsincidenter" in md and "~~" in md
    html = runner.invoke(cli, [*base, "v1", "HEAD", "--format", "html"]).stdout
    assert "<del>" in html and "<ins>" in html
    register = tmp_path / "register.xlsx"
    assert runner.invoke(cli, [*base, "v1", "HEAD", "--format", "xlsx", "-o", str(register)]).exit_code == 0
    from openpyxl import load_workbook

    sheet = load_workbook(register).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("Id", "Rubrik", "Ändring", "Klassificering", "Allvarlighet", "Påverkan", "Beslut")
    from test_accessibility import assert_print_ready

    assert_print_ready(sheet, landscape=True)
    assert "(v1) → " in sheet.oddHeader.right.text
    assert len(rows) == 6
    assert runner.invoke(cli, [*base, "v1", "HEAD", "--exit-code"]).exit_code == 1
    assert runner.invoke(cli, [*base, "v1", "v1", "--exit-code"]).exit_code == 0
    bad = runner.invoke(cli, [*base, "v1", "no-such-rev"])
    assert bad.exit_code == 3 and "neither a folder nor a git revision" in bad.stderr


def test_approve_keeps_comments_and_gates_the_build(tree, runner: CliRunner) -> None:  # type: ignore[no-untyped-def]
    from helpers import header_footer_text
    from test_validate import CLAUSE, PROFILE

    draft = "# Kommentar som ska finnas kvar.\n" + CLAUSE.format(id="LOK-A").replace("approved", "draft", 1)
    base = tree({"tendergen.yaml": "organisation: Xby kommun\nclause_folders: [lokalt]\n",
                 "lokalt/x/a.yaml": draft, "p.yaml": PROFILE})
    blocked = runner.invoke(cli, ["build", "p.yaml", "-o", "out"])
    assert blocked.exit_code == 3
    assert "lokalt/x/a.yaml:2:5: LOK-A is draft: not approved for use in a tender" in blocked.stderr
    assert not (base / "out").exists()
    drafted = runner.invoke(cli, ["build", "p.yaml", "-o", "out", "--draft"])
    assert drafted.exit_code == 0, drafted.output
    assert "UTKAST" in header_footer_text(base / "out" / "kravspecifikation.docx")
    assert json.loads((base / "out" / "manifest.json").read_text())["draft"] == ["LOK-A"]

    approved = runner.invoke(cli, ["approve", "LOK-A", "--by", "Kommunjurist Eva Ek", "--date", "2026-11-20"])
    assert approved.exit_code == 0, approved.output
    text = (base / "lokalt/x/a.yaml").read_text("utf-8")
    assert text.startswith("# Kommentar som ska finnas kvar.\nid: LOK-A")
    assert "status: approved\napproved_by: Kommunjurist Eva Ek\napproved_on: \"2026-11-20\"\napproved_hash:" in text
    assert runner.invoke(cli, ["build", "p.yaml", "-o", "out2"]).exit_code == 0

    (base / "lokalt/x/a.yaml").write_text(text.replace("logga i", "logga minst i"), "utf-8")
    stale = runner.invoke(cli, ["build", "p.yaml", "-o", "out3"])
    assert stale.exit_code == 3 and "LOK-A is changed since its approval" in stale.stderr


def test_remaining_classifications(session: api.Session) -> None:
    from dataclasses import replace

    from tendergen.core.model import Parameter
    from tendergen.review.diff import classify, field_changes

    def changed(old, **kw):  # type: ignore[no-untyped-def]
        data = {**old.data, **kw.pop("data", {})}
        new = replace(old, data=data, **kw)
        return {f for f, _ in classify(old, new, field_changes(old, new))}

    wcag22 = session.library.clause("TILL-WCAG22")
    incident = session.library.clause("SAK-INCIDENT")
    assert wcag22 is not None and incident is not None
    assert Finding.STRENGTHENED in changed(wcag22, kind="ska-krav", data={"kind": "ska-krav", "version": "2.0"})
    stricter = [replace(p, default=4) if p.name == "varsel_timmar" else p for p in incident.parameters]
    params = {**incident.data["parameters"], "varsel_timmar": {**incident.data["parameters"]["varsel_timmar"],
                                                                 "default": 4}}
    assert Finding.STRICTER in changed(incident, parameters=tuple(stricter), data={"parameters": params})
    assert Finding.SCOPE_WIDER in changed(incident, when=None, data={"when": None})
    basis = [{"ref": "nis2", "provision": "art. 21"}]
    found = changed(incident, data={"legal_basis": basis})
    assert Finding.LEGAL_BASIS in found and Finding.VERSION_NOT_BUMPED in found
    assert isinstance(stricter[0], Parameter)
