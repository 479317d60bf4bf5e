"""The command line: exact exit codes and messages for each kind of failure, and README in step."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click
from click.testing import CliRunner

from conftest import ROOT
from tendergen.cli import cli

SAAS = ROOT / "examples" / "saas-verksamhetssystem.yaml"


def test_validate_ok(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", str(SAAS)])
    assert result.exit_code == 0, result.output
    assert "library ok:" in result.output and "profile ok:" in result.output


def test_invalid_profile_exit_3_with_location_and_hint(runner: CliRunner,
                                                       tree: Callable[[dict[str, str]], Path]) -> None:
    tree({"p.yaml": SAAS.read_text("utf-8").replace("delivery_model: saas", "delivery_model: moln")})
    result = runner.invoke(cli, ["validate", "p.yaml"])
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0] == "p.yaml:18:19: facts.delivery_model: 'moln' is not allowed here"
    assert result.stderr.splitlines()[1].startswith("  hint: use one of: saas, hosted")
    assert "Traceback" not in result.output


def test_malformed_profile_yaml(runner: CliRunner, tree: Callable[[dict[str, str]], Path]) -> None:
    tree({"p.yaml": "title: [Trasig\nreference: 1\n"})
    result = runner.invoke(cli, ["explain", "p.yaml"])
    assert result.exit_code == 3
    assert result.stderr.startswith("error: p.yaml:2:")
    assert "YAML syntax error" in result.stderr


def test_build_refuses_to_overwrite_edited_document(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(cli, ["build", str(SAAS), "-o", str(out)]).exit_code == 0
    (out / "avtalsvillkor.docx").write_bytes(b"edited by a person")
    result = runner.invoke(cli, ["build", str(SAAS), "-o", str(out)])
    assert result.exit_code == 4
    assert "avtalsvillkor.docx" in result.stderr and "--force" in result.stderr
    assert (out / "avtalsvillkor.docx").read_bytes() == b"edited by a person"
    assert runner.invoke(cli, ["build", str(SAAS), "-o", str(out), "--force"]).exit_code == 0


def test_direct_award_above_limit_leaves_no_output(runner: CliRunner, tree: Callable[[dict[str, str]], Path]) -> None:
    text = (ROOT / "examples" / "direktupphandling-enkatverktyg.yaml").read_text("utf-8")
    tree({"p.yaml": text.replace("estimated_value_sek: 240000", "estimated_value_sek: 900000")})
    result = runner.invoke(cli, ["build", "p.yaml", "-o", "out"])
    assert result.exit_code == 3
    assert "is above the direktupphandlingsgräns 700\u00a0000\u00a0kr (19 a kap. LOU" in result.stderr
    assert not Path("out").exists()


def test_usage_errors_exit_2(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["build", str(SAAS)]).exit_code == 2  # -o missing
    assert runner.invoke(cli, ["no-such-command"]).exit_code == 2
    assert runner.invoke(cli, ["explain", "missing.yaml"]).exit_code == 2


def test_unknown_clause_exit_3(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["clauses", "show", "NO-SUCH"])
    assert result.exit_code == 3
    assert result.stderr == "error: no clause with id 'NO-SUCH'\n  hint: see `tendergen clauses list`\n"


def test_explain_json_and_clause_browsing(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["explain", str(SAAS), "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    incident = next(r for r in rows if r["id"] == "SAK-INCIDENT")
    assert incident["included"] is True and "nis2_in_scope = true" in incident["reasons"][0]
    assert incident["rule"] == "rule-met" and incident["forced_by"] is None
    assert {"fact": "nis2_in_scope", "test": "eq", "expected": True, "actual": True, "satisfied": True} \
        in incident["checks"]
    listing = runner.invoke(cli, ["clauses", "list", "--area", "exit"])
    assert listing.exit_code == 0 and all(" exit " in line for line in listing.output.splitlines()[:-1])
    shown = runner.invoke(cli, ["clauses", "show", "SAK-INCIDENT"])
    assert "rule: (nis2_in_scope = true and delivery_model ∈ {saas, hosted, hybrid})" in shown.output
    assert "parameter varsel_timmar = 12 timmar" in shown.output


def test_python_dash_m_runs() -> None:
    result = subprocess.run([sys.executable, "-m", "tendergen", "--help"], capture_output=True, text=True, check=True)
    assert "Usage:" in result.stdout and "build" in result.stdout


def _commands(group: click.Group, prefix: str = "tendergen") -> Iterator[tuple[str, click.Command]]:
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from _commands(command, path)


def test_readme_documents_every_command_and_option() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    for path, command in _commands(cli):
        assert f"`{path}" in readme, f"README does not document {path}"
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("-") and opt != "--help":
                    assert opt in readme, f"README does not mention {path} {opt}"
    for param in cli.params:
        for opt in getattr(param, "opts", []):
            assert opt.startswith("-") is False or opt in readme, opt


def test_build_pdf_fills_the_table_of_contents(runner: CliRunner, tmp_path: Path) -> None:
    from conftest import office
    from helpers import pdf_text

    out = tmp_path / "out"
    with office():
        result = runner.invoke(cli, ["build", str(ROOT / "examples" / "hardvara-ramavtal.yaml"), "-o", str(out),
                                     "--pdf"])
    assert result.exit_code == 0, result.output
    assert "wrote 8 tagged PDFs" in result.output or "tagged PDFs" in result.output
    text = pdf_text(out / "pdf" / "avtalsvillkor.pdf")
    assert "Innehållsförteckningen uppdateras" not in text
    assert re.search(r"1\.\s*Definitioner\.{5,}\s*\d+", text), text[:800]
    assert not any(o["file"].startswith("pdf/") for o in json.loads((out / "manifest.json").read_text())["outputs"])


def test_help_and_version_load_only_click() -> None:
    """`--help` and `--version` stay about as fast as importing click: no pathlib, YAML, Jinja, docx…"""
    import subprocess
    import sys

    probe = ("import sys\nfrom tendergen.cli import cli\n"
             "try:\n    cli([sys.argv[1]], prog_name='tendergen')\nexcept SystemExit:\n    pass\n"
             "heavy = {'pathlib', 'json', 'dataclasses', 'ruamel', 'jinja2', 'jsonschema', 'docx', 'docxtpl',"
             " 'openpyxl', 'lxml', 'tendergen.errors', 'tendergen.api'}\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or m in heavy))\n")
    for flag in ("--help", "--version"):
        out = subprocess.run([sys.executable, "-c", probe, flag], capture_output=True, text=True, check=True)
        assert out.stdout.splitlines()[-1] == "[]", (flag, out.stdout.splitlines()[-1])
