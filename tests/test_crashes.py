"""Each crash class of issue 15 ends in a located error with a hint and the right exit code, never a traceback."""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from tendergen.cli import cli
from tendergen.documents import output
from test_validate import CLAUSE, PROFILE

Tree = Callable[[dict[str, str]], Path]
SAAS = ROOT / "examples" / "saas-verksamhetssystem.yaml"


def located(result: object, code: int, text: str, where: str = "") -> None:
    out = getattr(result, "output", "")
    assert getattr(result, "exit_code", None) == code, out
    stderr = getattr(result, "stderr", "")
    assert text in stderr, stderr
    assert where in stderr and "hint:" in stderr, stderr
    assert "Traceback" not in out


# --- values that passed validate and crashed build -----------------------------------------------


@pytest.mark.parametrize("old, new, message, where", [
    ('date: "2026-11-21"', 'date: "2026-02-30"', "'2026-02-30' is not a date between", "p.yaml:3:7"),
    ('date: "2026-11-21"', "date: 9999-12-31", "'9999-12-31' is not a date between", "p.yaml:3:7"),
    ('date: "2026-11-21"', "date: 2026-02-30", "'2026-02-30' is not a valid value", "p.yaml:3:7"),
    ("estimated_value_sek: 3000000", "estimated_value_sek: .inf", "not a number tendergen can use", "p.yaml:8:24"),
    ("title: Testupphandling", "title: [.nan]", "not a number tendergen can use", "p.yaml:1:"),
    ("title: Testupphandling", 'title: "Test\\x01upphandling"', "control character U+0001", "p.yaml:1:8"),
    ("title: Testupphandling", 'title: "Test\\uFFFFupphandling"', "control character U+FFFF", "p.yaml:1:8"),
    ("title: Testupphandling", "title: Test\x00upphandling", "control character U+0000 in the file", "p.yaml:1:12"),
    ("title: Testupphandling", "title: " + "x" * 256, "title: ", "p.yaml:1:8"),
    ("title: Testupphandling", 'title: "     "', "title: '     ' has the wrong form", "p.yaml:1:8"),
])
def test_profile_values_that_crashed_build_are_located_errors(tree: Tree, runner: CliRunner, old: str, new: str,
                                                               message: str, where: str) -> None:
    assert old in PROFILE
    tree({"tendergen.yaml": "organisation: Xby kommun\n", "p.yaml": PROFILE.replace(old, new)})
    for command in (["validate", "p.yaml"], ["build", "p.yaml", "-o", "out"]):
        located(runner.invoke(cli, command), 3, message, where)
    assert not Path("out").exists()


def test_long_titles_fit_word_properties(tree: Tree, runner: CliRunner) -> None:
    tree({"tendergen.yaml": "organisation: Xby kommun\n",
          "p.yaml": PROFILE.replace("title: Testupphandling", "title: " + "Å" * 200)})
    assert runner.invoke(cli, ["build", "p.yaml", "-o", "out"]).exit_code == 0


def test_clause_values_are_checked_too(tree: Tree, runner: CliRunner) -> None:
    bad = CLAUSE.format(id="LOK-A").replace("title: Lokalt krav", 'title: "\\x07 pling"')
    tree({"tendergen.yaml": "organisation: Xby kommun\nclause_folders: [lokalt]\n", "lokalt/x/a.yaml": bad})
    located(runner.invoke(cli, ["validate"]), 3, "control character U+0007", "lokalt/x/a.yaml:6:8")


def test_non_utf8_file_gets_line_and_column(tree: Tree, runner: CliRunner) -> None:
    base = tree({})
    (base / "p.yaml").write_bytes(b"title: ok\nreference: \xff\n")
    located(runner.invoke(cli, ["validate", "p.yaml"]), 3, "file is not UTF-8 text (byte 0xFF)", "p.yaml:2:12")


# --- Jinja that the sandbox stopped only at render time -------------------------------------------


@pytest.mark.parametrize("text", [
    '{% include "/etc/passwd" %}', '{% import "x" as y %}', '{% extends "x" %}',
    "{{ range(999999999) | list }}", "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{% for i in 'x' * 99 %}{% for j in 'y' %}{{ i }}{% endfor %}{% endfor %}", "{{ 'x' * 999999999 }}",
])
def test_clause_text_template_code_is_refused_at_validate(tree: Tree, runner: CliRunner, text: str) -> None:
    clause = CLAUSE.format(id="LOK-A").replace("sv: Leverantören ska logga i {{ dagar }} dagar.",
                                               "sv: |\n    {{ dagar }} " + text)
    tree({"tendergen.yaml": "organisation: Xby kommun\nclause_folders: [lokalt]\n", "lokalt/x/a.yaml": clause})
    located(runner.invoke(cli, ["validate"]), 3, "text.sv uses template code that clause texts may not use",
            "lokalt/x/a.yaml:12:")


def _docx_with(document_xml_edit: Callable[[str], str] | None = None, drop: str = "") -> bytes:
    source = zipfile.ZipFile(ROOT / "tender_templates" / "kravspecifikation.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "word/document.xml" and document_xml_edit:
                data = document_xml_edit(data.decode()).encode()
            if name != drop:
                target.writestr(name, data)
    return out.getvalue()


def _unsafe(xml: str) -> str:
    return xml.replace("{{ document_title }}", "{{ document_title }}{% include 'x' %}{{ range(9999999)|list }}", 1)


@pytest.mark.parametrize("content, code, message", [
    (b"", 4, "cannot open Word template"),
    (b"not a zip at all", 4, "cannot open Word template"),
    (_docx_with(drop="word/document.xml"), 4, "the template is not a Word document"),
    (_docx_with(_unsafe), 3, "the template uses template code that is not allowed: call; include"),
])
def test_broken_or_unsafe_house_template_names_the_file(tree: Tree, runner: CliRunner, content: bytes, code: int,
                                                        message: str) -> None:
    base = tree({"tendergen.yaml": "organisation: Xby kommun\ntemplates: mallar\n", "p.yaml": PROFILE})
    (base / "mallar").mkdir()
    (base / "mallar" / "kravspecifikation.docx").write_bytes(content)
    assert b"document_title" in _docx_with() and content != _docx_with()
    for command in (["validate"], ["build", "p.yaml", "-o", "out"]):
        located(runner.invoke(cli, command), code, message, "mallar/kravspecifikation.docx")
    assert not list(base.glob("out/*.docx"))


def test_oversized_house_template(tree: Tree, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    from tendergen.documents import template

    base = tree({"tendergen.yaml": "organisation: Xby kommun\ntemplates: mallar\n", "p.yaml": PROFILE})
    (base / "mallar").mkdir()
    padded = io.BytesIO(_docx_with())
    with zipfile.ZipFile(padded, "a") as docx:
        docx.writestr("word/media/stor.bin", b"\0" * 3_000_000, compress_type=zipfile.ZIP_DEFLATED)
    (base / "mallar" / "kravspecifikation.docx").write_bytes(padded.getvalue())
    monkeypatch.setattr(template, "MAX_TEMPLATE_BYTES", 2_000_000)
    located(runner.invoke(cli, ["build", "p.yaml", "-o", "out"]), 4, "the template unpacks to more than",
            "mallar/kravspecifikation.docx")


def test_output_size_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from tendergen.documents import render
    from tendergen.errors import OutputError

    monkeypatch.setattr(render, "MAX_DOCUMENT_BYTES", 100)
    with pytest.raises(OutputError) as exc:
        render.zip_files({"word/document.xml": b"<x>" + b"y" * 200 + b"</x>"}, (2026, 1, 1, 0, 0, 0), "mall.docx")
    assert str(exc.value).startswith("mall.docx: the generated document is larger than")


def test_render_time_is_bounded() -> None:
    from tendergen.documents.template import time_limit
    from tendergen.errors import OutputError

    with pytest.raises(OutputError) as exc, time_limit(0.2, "mall.docx"):
        while True:
            pass
    assert str(exc.value).startswith("mall.docx: rendering took longer than 0.2 s")


# --- write failures: exit 4, previous output intact, no temporary files left ------------------------


def test_output_path_under_a_file(tree: Tree, runner: CliRunner) -> None:
    tree({"fil": "x"})
    located(runner.invoke(cli, ["build", str(SAAS), "-o", "fil/out"]), 4, "cannot write the build", "fil/out")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder_keeps_the_previous_build(tree: Tree, runner: CliRunner) -> None:
    base = tree({})
    assert runner.invoke(cli, ["build", str(SAAS), "-o", "out"]).exit_code == 0
    before = {p.name: p.read_bytes() for p in (base / "out").iterdir()}
    (base / "out").chmod(0o500)
    try:
        result = runner.invoke(cli, ["build", str(SAAS), "-o", "out", "--draft"])
    finally:
        (base / "out").chmod(0o700)
    located(result, 4, "cannot write the build", "out")
    assert {p.name: p.read_bytes() for p in (base / "out").iterdir()} == before


def test_disk_full_during_staging_leaves_nothing(tree: Tree, runner: CliRunner,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    base = tree({})
    assert runner.invoke(cli, ["build", str(SAAS), "-o", "out"]).exit_code == 0
    before = {p.name: p.read_bytes() for p in (base / "out").iterdir()}
    calls = []

    def full(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        path.write_bytes(data)

    monkeypatch.setattr(output, "write_synced", full)
    located(runner.invoke(cli, ["build", str(SAAS), "-o", "out"]), 4, "No space left on device", "out")
    assert {p.name: p.read_bytes() for p in (base / "out").iterdir()} == before


def test_diff_output_write_failure(tree: Tree, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    base = tree({"ny/a.yaml": CLAUSE.format(id="LOK-A"), "r.md": "granskarens anteckningar"})

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    located(runner.invoke(cli, ["diff", str(ROOT / "clauses"), "ny", "--format", "markdown", "-o", "r.md",
                                "--force"]), 4, "cannot write the file: No space left on device", "r.md")
    assert (base / "r.md").read_text() == "granskarens anteckningar"
    assert not list(base.glob(".*.tmp"))


# --- builds are atomic per folder and locked --------------------------------------------------------


def test_a_build_killed_while_moving_files_is_finished_by_verify(tree: Tree, runner: CliRunner,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    base = tree({})
    assert runner.invoke(cli, ["build", str(SAAS), "-o", "out"]).exit_code == 0
    real = Path.replace
    moved = []

    def killed(self: Path, target: Path) -> Path:
        if output.STAGING in str(self):
            moved.append(self)
            if len(moved) == 3:
                raise KeyboardInterrupt  # the kill, between two renames
        return real(self, target)

    monkeypatch.setattr(Path, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        from tendergen import api

        api.build(api.open_session(start=base), SAAS, base / "out", draft=True)
    monkeypatch.setattr(Path, "replace", real)
    assert (base / "out" / output.STAGING / "manifest.json").is_file()
    result = runner.invoke(cli, ["verify", "out"])
    assert result.exit_code == 0, result.output
    assert json.loads((base / "out/manifest.json").read_text())["draft"] == []
    assert not (base / "out" / output.STAGING).exists()


def test_an_incomplete_staging_folder_is_dropped_by_the_next_build(tree: Tree, runner: CliRunner) -> None:
    base = tree({"out/.tendergen-staging/avtalsvillkor.docx": "half", "out/.avtalsvillkor.docx.x1.tmp": "half"})
    assert runner.invoke(cli, ["build", str(SAAS), "-o", "out"]).exit_code == 0
    assert not (base / "out" / output.STAGING).exists() and not list((base / "out").glob("*.tmp"))
    assert runner.invoke(cli, ["verify", "out"]).exit_code == 0


def test_a_second_build_into_the_same_folder_fails_clearly(tree: Tree, runner: CliRunner) -> None:
    base = tree({})
    (base / "out").mkdir()
    with output.folder_lock(base / "out"):
        located(runner.invoke(cli, ["build", str(SAAS), "-o", "out"]), 4,
                "another tendergen build is writing into this folder", "out")
    assert runner.invoke(cli, ["build", str(SAAS), "-o", "out"]).exit_code == 0


# --- supplier spreadsheets ---------------------------------------------------------------------------


@pytest.fixture
def built(tree: Tree, runner: CliRunner) -> Path:
    base = tree({})
    assert runner.invoke(cli, ["build", str(SAAS), "-o", "out"]).exit_code == 0
    return base


def _rewrite(source: Path, target: Path, edit: Callable[[str, bytes], bytes]) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            new.writestr(name, edit(name, old.read(name)))


def _corrupt(source: Path, target: Path, part: str) -> None:
    """The zip with one member's compressed bytes overwritten (its CRC and sizes kept)."""
    data = bytearray(source.read_bytes())
    info = zipfile.ZipFile(source).getinfo(part)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start:start + info.compress_size] = b"\xff" * info.compress_size
    target.write_bytes(bytes(data))


@pytest.mark.parametrize("make, message", [
    (lambda p, t: t.write_bytes(b""), "not an .xlsx workbook"),
    (lambda p, t: t.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), "not an .xlsx workbook"),
    (lambda p, t: _rewrite(p, t, lambda n, d: b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + d
                           if n == "xl/workbook.xml" else d), "declares a DTD or entities"),
    (lambda p, t: _rewrite(p, t, lambda n, d: d + b"<!--" + b"x" * 20_000_000 + b"-->" if n == "xl/styles.xml"
                           else d), "the workbook unpacks to more than"),
    (lambda p, t: _corrupt(p, t, "xl/workbook.xml"), "not an .xlsx workbook"),  # found by fuzzing: zlib.error
    (lambda p, t: _rewrite(p, t, lambda n, d: b"<broken" if n == "xl/workbook.xml" else d),
     "cannot read the matrix as an .xlsx workbook"),
])
def test_malformed_spreadsheets_are_located_errors(built: Path, runner: CliRunner,
                                                   make: Callable[[Path, Path], None], message: str) -> None:
    make(built / "out" / "kravmatris.xlsx", built / "svar.xlsx")
    located(runner.invoke(cli, ["answers", "import", "svar.xlsx", "--build", "out"]), 3, message, "svar.xlsx")


def test_a_formula_answer_is_never_counted(built: Path, runner: CliRunner) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(built / "out" / "kravmatris.xlsx")
    ws = wb["Kravmatris"]
    for row in ws.iter_rows(min_row=2):
        row[5].value = "Ja"
    ws["F2"] = '=IF(TRUE,"Ja","Nej")'
    wb.save(built / "svar.xlsx")
    result = runner.invoke(cli, ["answers", "import", "svar.xlsx", "--build", "out"])
    assert result.exit_code == 1, result.output
    assert "INVALID ANSWER" in result.output and "=IF(TRUE" in result.output


# --- diff: usage mistakes exit 2; a broken profile is reported without aborting ---------------------


@pytest.mark.parametrize("args", [
    ["a"], ["a", "b", "--git-range", "x..y"], ["--git-range", "nodots"],
    [str(ROOT / "clauses"), str(ROOT / "clauses"), "--format", "docx"],
    [str(ROOT / "clauses"), str(ROOT / "clauses"), "--date", "2026-13-01", "--format", "docx", "-o", "r.docx"],
])
def test_diff_usage_mistakes_exit_2(tree: Tree, runner: CliRunner, args: list[str]) -> None:
    tree({})
    result = runner.invoke(cli, ["diff", *args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_diff_over_long_argument_is_a_located_error(tree: Tree, runner: CliRunner) -> None:
    tree({})
    located(runner.invoke(cli, ["diff", "x" * 100_000, str(ROOT / "clauses")]), 3, "is neither a folder nor")


def test_diff_reports_a_broken_profile_and_goes_on(tree: Tree, runner: CliRunner) -> None:
    tree({"tendergen.yaml": "organisation: Xby kommun\n", "profiler/bra.yaml": PROFILE,
          "profiler/trasig.yaml": "title: [\n", "profiler/fel.yaml": "title: x\n",
          "ny/a.yaml": CLAUSE.format(id="LOK-A")})
    result = runner.invoke(cli, ["diff", str(ROOT / "clauses"), "ny", "--profiles", "profiler"])
    assert result.exit_code == 0, result.output
    assert "warning: profile left out of the impact analysis: profiler/trasig.yaml:2:1: YAML syntax error" \
        in result.stderr
    assert "warning: profile left out of the impact analysis: profiler/fel.yaml" in result.stderr
    assert "bra.yaml" not in result.stderr and "LOK-A" in result.output


# --- every error has a hint ----------------------------------------------------------------------------


def test_every_error_raised_in_the_source_has_a_hint() -> None:
    """Each InvalidInput/OutputError built with a message also gets a hint (validate's problem() requires one)."""
    import ast

    missing = []
    for path in sorted((ROOT / "src" / "tendergen").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            name = getattr(getattr(node, "func", None), "id", getattr(getattr(node, "func", None), "attr", ""))
            if isinstance(node, ast.Call) and name in ("InvalidInput", "OutputError") and node.args:
                if not {k.arg for k in node.keywords} & {"hint", "problems"}:
                    missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not missing, missing


def test_bad_parameter_default_has_a_hint(tree: Tree, runner: CliRunner) -> None:  # found by fuzzing
    clause = CLAUSE.format(id="LOK-A").replace("default: 90", "default: ''")
    tree({"tendergen.yaml": "organisation: Xby kommun\nclause_folders: [lokalt]\n", "lokalt/x/a.yaml": clause})
    located(runner.invoke(cli, ["validate"]), 3, "parameter 'dagar': default '' is not of type integer",
            "lokalt/x/a.yaml:14:")
