"""Hostile input: the three security holes of issue 15 stay closed, and workspace folders stay inside."""

from __future__ import annotations

import json
import shutil
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from conftest import ROOT
from tendergen.cli import cli
from tendergen.documents.output import sha256
from test_validate import CLAUSE, PROFILE

Tree = Callable[[dict[str, str]], Path]
SAAS = ROOT / "examples" / "saas-verksamhetssystem.yaml"
LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


# --- hole 1: a crafted manifest.json never reaches outside the build folder -------------------------


def test_crafted_manifest_cannot_delete_or_read_outside_the_folder(tree: Tree, runner: CliRunner) -> None:
    base = tree({"victim.txt": "precious", "sub/victim2.txt": "also precious", "out/sub/x": ""})
    digest = sha256(b"precious")
    for name in ("../victim.txt", str(base / "victim.txt"), "sub/../../victim.txt", "sub/x", ".", "..",
                 "a\\b", ".hidden", "x\n"):
        manifest = {"tool": "tendergen", "profile": {"reference": "x"},
                    "outputs": [{"file": name, "sha256": digest, "bytes": 8}]}
        (base / "out" / "manifest.json").write_text(json.dumps(manifest), "utf-8")
        built = runner.invoke(cli, ["build", str(SAAS), "-o", "out"])
        assert built.exit_code == 4, (name, built.output)
        assert built.stderr.startswith("error: out/manifest.json: the existing manifest.json cannot be used: "
                                       "outputs[0].file:"), built.stderr
        assert "is not a plain file name" in built.stderr and "hint:" in built.stderr
        verified = runner.invoke(cli, ["verify", "out"])
        assert verified.exit_code == 3 and "is not a plain file name" in verified.stderr, verified.output
        assert (base / "victim.txt").read_text() == "precious"
        assert (base / "sub/victim2.txt").read_text() == "also precious"
    assert not list((base / "out").glob("*.docx")), "nothing is written while the manifest is bad"


@pytest.mark.parametrize("text, message", [
    ("[]", "manifest: [] is not of type 'object'"),
    ("null", "manifest: None is not of type 'object'"),
    ('{"tool": "t", "profile": {"reference": "x"}}', "manifest: 'outputs' is a required property"),
    ('{"tool": "t", "profile": {"reference": "x"}, "outputs": "a.docx"}', "outputs: 'a.docx' is not of type"),
    ('{"tool": "t", "profile": {"reference": "x"}, "outputs": [{"file": 1, "sha256": "0", "bytes": 1}]}',
     "outputs[0].file: 1 is not of type 'string'"),
    ('{"tool": "t", "profile": {}, "outputs": []}', "profile: 'reference' is a required property"),
    ('{"tool": "t", "profile": {"reference": "x"}, "outputs": [{"file": "a"}]}',
     "outputs[0]: 'sha256' is a required property (and 1 more)"),
    ('{"tool": ', "manifest.json is not valid JSON: Expecting value"),
    ('{"tool": "t", "profile": {"reference": "x"}, "outputs": [], "x": NaN}', "NaN is not a number a manifest may"),
    ('{"tool": "t", "profile": {"reference": "x"}, "outputs": [], "prices": {"file": "p.xlsx", "checksum": '
     '"00000000000000000000000000000000", "lines": [{"id": 1}]}}', "prices.lines[0]: 'text' is a required property"),
    ('{"tool": "t", "profile": {"reference": "x"}, "outputs": [], "evaluation": {"basis": "pris", "criteria": 1}}',
     "evaluation.criteria: 1 is not of type 'array'"),
    ("[" * 100000, "manifest.json is nested too deeply"),
])
def test_malformed_manifest_is_a_located_error_in_verify_build_and_answers(
        tree: Tree, runner: CliRunner, text: str, message: str) -> None:
    base = tree({"out/manifest.json": text})
    shutil.copy(ROOT / "tender_templates" / "avtalsvillkor.docx", base / "matrix.xlsx")
    for args, code in ((["verify", "out"], 3), (["build", str(SAAS), "-o", "out"], 4),
                       (["answers", "import", "matrix.xlsx", "--build", "out"], 3),
                       (["evaluate", "matrix.xlsx", "--build", "out", "--evaluator", "Eva Ek"], 3)):
        result = runner.invoke(cli, args)
        assert result.exit_code == code, (args, result.output)
        assert "out/manifest.json" in result.stderr and message in result.stderr, (args, result.stderr)
        assert "hint:" in result.stderr and "Traceback" not in result.output


# --- hole 2: YAML aliases, merge keys, complex keys and deep nesting, in every YAML the tool reads ---


@pytest.mark.parametrize("text, message, where", [
    (LAUGHS, "YAML anchors and aliases (&name, *name) are not allowed", ":1:4"),
    ("title: &t Upphandling\nreference: *t\n", "YAML anchors and aliases", ":1:8"),
    ("<<: {title: x}\nreference: y\n", "only plain keys are allowed here", ":1:1"),
    ("? [a, b]\n: 1\n", "only plain keys are allowed here", ":1:3"),
    ("a: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than 40 levels deep", ":1:"),
])
def test_every_yaml_input_refuses_aliases_and_deep_nesting(tree: Tree, runner: CliRunner, text: str, message: str,
                                                          where: str) -> None:
    from tendergen.core import load

    lib = ROOT / "clauses"
    tree({"p.yaml": PROFILE})
    cases = {  # file written -> command that reads it
        "p.yaml": ["validate", "p.yaml"],
        "tendergen.yaml": ["validate"],
        "lokalt/x/a.yaml": ["--clause-folder", "lokalt", "validate"],
        "answers.yaml": ["light", "--answers", "answers.yaml", "--organisation", "Xby kommun"],
        "profiler/p.yaml": ["diff", str(lib), str(lib), "--profiles", "profiler"],
        "bib/references.yaml": ["diff", str(lib), "bib"],
    }
    for name, args in cases.items():
        if name.startswith("bib/"):
            shutil.copytree(lib, "bib", dirs_exist_ok=True)
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text(text, "utf-8")
        started = time.perf_counter()
        result = runner.invoke(cli, args)
        assert time.perf_counter() - started < 10
        # a broken profile among --profiles is reported as a warning and the diff goes on
        assert result.exit_code == (0 if name.startswith("profiler/") else 3), (name, result.output)
        assert f"{load.where(Path(name))}{where}" in result.stderr and message in result.stderr, (name, result.stderr)
        assert "hint:" in result.stderr
        Path(name).unlink()
        if name == "p.yaml":
            Path(name).write_text(PROFILE, "utf-8")


# --- hole 3: --author and --date of `diff --format docx` reach the XML escaped; bad XML never reaches disk


def test_redline_author_is_escaped_and_every_part_parses(tree: Tree, runner: CliRunner) -> None:
    base = tree({"ny/sak/a.yaml": CLAUSE.format(id="LOK-A")})
    author = 'Eva "Ek" <jurist> & \'co\''
    result = runner.invoke(cli, ["diff", str(ROOT / "clauses"), "ny", "--format", "docx", "-o", "r.docx",
                                 "--author", author, "--date", "2026-11-20"])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(base / "r.docx") as docx:
        for name in docx.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(docx.read(name))
        body = etree.fromstring(docx.read("word/document.xml"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    authors = {e.get(f"{w}author") for e in body.iter(f"{w}ins", f"{w}del")}
    assert authors == {author}
    assert {e.get(f"{w}date") for e in body.iter(f"{w}ins")} == {"2026-11-20T00:00:00Z"}


@pytest.mark.parametrize("args, message", [
    (["--date", '2026-11-20" w:x="'], "is not a date"),
    (["--date", "2026-02-30"], "is not a date"),
    (["--date", "9999-01-01"], "is not a date"),
    (["--author", ""], "--author must be a name"),
    (["--author", "a\x01b"], "--author must be a name"),
])
def test_redline_bad_date_or_author_is_a_usage_error(tree: Tree, runner: CliRunner, args: list[str],
                                                     message: str) -> None:
    base = tree({"ny/sak/a.yaml": CLAUSE.format(id="LOK-A")})
    result = runner.invoke(cli, ["diff", str(ROOT / "clauses"), "ny", "--format", "docx", "-o", "r.docx", *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert not (base / "r.docx").exists()


def test_a_document_that_is_not_well_formed_never_reaches_disk() -> None:
    import io

    from tendergen.documents.render import reproducible_zip
    from tendergen.errors import OutputError

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as broken:
        broken.writestr("[Content_Types].xml", "<Types/>")
        broken.writestr("word/document.xml", '<w:document w:author="a"b"/>')
    with pytest.raises(OutputError) as exc:
        reproducible_zip(buffer.getvalue(), (2026, 1, 1, 0, 0, 0), "mall.docx")
    assert str(exc.value).startswith("mall.docx [word/document.xml]: the generated document is not well-formed XML")


# --- 4: workspace folders stay inside the workspace; approve edits only workspace clause folders ----


@pytest.mark.parametrize("setting, message", [
    ("clause_folders: [../utanfor]", "folder '../utanfor' is outside the workspace folder"),
    ("templates: /etc", "folder '/etc' is outside the workspace folder"),
    ("templates: mallar", "folder 'mallar' not found"),
    ("clause_folders: [finns-inte]", "folder 'finns-inte' not found"),
])
def test_workspace_folders_must_exist_inside_the_workspace(tmp_path: Path, runner: CliRunner,
                                                           monkeypatch: pytest.MonkeyPatch, setting: str,
                                                           message: str) -> None:
    (tmp_path / "utanfor").mkdir()
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "tendergen.yaml").write_text(f"organisation: Xby kommun\n{setting}\n", "utf-8")
    monkeypatch.chdir(tmp_path / "ws")
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith("tendergen.yaml:2:") and message in result.stderr, result.stderr
    assert "hint:" in result.stderr


def test_folder_outside_the_workspace_may_be_given_on_the_command_line(tmp_path: Path, runner: CliRunner,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "delad" / "x").mkdir(parents=True)
    (tmp_path / "delad" / "x" / "a.yaml").write_text(CLAUSE.format(id="DELAD-A"), "utf-8")
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "tendergen.yaml").write_text("organisation: Xby kommun\n", "utf-8")
    (tmp_path / "ws" / "p.yaml").write_text(PROFILE, "utf-8")
    monkeypatch.chdir(tmp_path / "ws")
    result = runner.invoke(cli, ["--clause-folder", "../delad", "--templates", str(ROOT / "tender_templates"),
                                 "build", "p.yaml", "-o", "out"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "ws" / "out" / "manifest.json").read_text("utf-8"))
    assert "DELAD-A" in [c["id"] for c in manifest["clauses"] if c["included"]]
    templates = [i for i in manifest["inputs"] if i["role"] == "template"]
    assert {t["name"] for t in templates} >= {"<tendergen>/tender_templates/kravspecifikation.docx"}
    for t in templates:
        assert t["sha256"] == sha256((ROOT / t["name"].removeprefix("<tendergen>/")).read_bytes())


def test_manifest_is_the_same_from_any_working_directory(tree: Tree, runner: CliRunner,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    base = tree({"tendergen.yaml": "organisation: Xby kommun\nclause_folders: [lokalt]\n",
                 "lokalt/x/a.yaml": CLAUSE.format(id="LOK-A"), "p.yaml": PROFILE, "deeper/.keep": ""})
    assert runner.invoke(cli, ["build", "p.yaml", "-o", "out1"]).exit_code == 0
    monkeypatch.chdir(base / "deeper")
    assert runner.invoke(cli, ["build", "../p.yaml", "-o", "../out2"]).exit_code == 0
    assert (base / "out1/manifest.json").read_bytes() == (base / "out2/manifest.json").read_bytes()
    assert '"name": "lokalt"' in (base / "out1/manifest.json").read_text("utf-8")


def test_approve_never_edits_the_bundled_library(tree: Tree, runner: CliRunner) -> None:
    from tendergen.core.load import data_root

    tree({"tendergen.yaml": "organisation: Xby kommun\n"})
    bundled = sorted((data_root() / "clauses").rglob("*.yaml"))
    before = {p: p.read_bytes() for p in bundled}
    clause_id = next(line.split(": ", 1)[1] for p in bundled if p.parent != data_root() / "clauses"
                     for line in p.read_text("utf-8").splitlines() if line.startswith("id: "))
    result = runner.invoke(cli, ["approve", clause_id, "--by", "Eva Ek", "--date", "2026-11-20"])
    assert result.exit_code == 3, result.output
    assert "is not in one of the workspace's clause folders" in result.stderr and "hint:" in result.stderr
    assert {p: p.read_bytes() for p in bundled} == before


@pytest.mark.parametrize("args", [["--by", "  "], ["--by", "Eva", "--date", "2026-13-01"], ["--by", "Eva\x00"]])
def test_approve_refuses_empty_name_or_bad_date(tree: Tree, runner: CliRunner, args: list[str]) -> None:
    base = tree({"tendergen.yaml": "organisation: Xby kommun\nclause_folders: [lokalt]\n",
                 "lokalt/x/a.yaml": CLAUSE.format(id="LOK-A").replace("approved", "draft", 1)})
    before = (base / "lokalt/x/a.yaml").read_bytes()
    result = runner.invoke(cli, ["approve", "LOK-A", *args])
    assert result.exit_code == 2, result.output
    assert (base / "lokalt/x/a.yaml").read_bytes() == before


# --- nothing is silently ignored ---------------------------------------------------------------------


def test_diff_reads_clause_files_at_the_top_of_a_folder(tree: Tree, runner: CliRunner) -> None:
    tree({"gammal/a.yaml": CLAUSE.format(id="LOK-A"),
          "ny/a.yaml": CLAUSE.format(id="LOK-A").replace("logga i", "logga minst i")})
    result = runner.invoke(cli, ["diff", "gammal", "ny"])
    assert result.exit_code == 0, result.output
    assert "LOK-A" in result.output and result.output.rstrip().splitlines()[-1].startswith("1 ändring:")
    assert "Inga ändringar" not in result.output


@pytest.mark.parametrize("files, message", [
    ({"gammal/a.yml": "id: X\n"}, "gammal/a.yml: clause files must end in .yaml"),
    ({"gammal/readme.txt": "x"}, "gammal: no clause files (*.yaml) in this folder"),
])
def test_diff_refuses_a_folder_it_would_not_read(tree: Tree, runner: CliRunner, files: dict[str, str],
                                                 message: str) -> None:
    tree({**files, "ny/a.yaml": CLAUSE.format(id="LOK-A")})
    result = runner.invoke(cli, ["diff", "gammal", "ny"])
    assert result.exit_code == 3, result.output
    assert message in result.stderr and "hint:" in result.stderr


def test_a_house_template_with_a_broken_stored_part_never_reaches_disk(tmp_path: Path, runner: CliRunner) -> None:
    """Parts kept as the template's bytes (here its theme) are still parsed before a document is written."""
    templates = tmp_path / "mallar"
    templates.mkdir()
    with zipfile.ZipFile(ROOT / "tender_templates" / "avtalsvillkor.docx") as source, \
            zipfile.ZipFile(templates / "avtalsvillkor.docx", "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info, b"<a:theme><broken" if info.filename == "word/theme/theme1.xml" else data)
    out = tmp_path / "out"
    profile = ROOT / "examples" / "hardvara-ramavtal.yaml"
    result = runner.invoke(cli, ["--templates", str(templates), "build", str(profile), "-o", str(out)])
    assert result.exit_code != 0
    assert "[word/theme/theme1.xml]: the generated document is not well-formed XML" in result.stderr
    assert not (out / "avtalsvillkor.docx").exists()
