"""The exit-code contract of README's table, command by command: 0 ok, 1 findings, 2 usage, 3 input, 4 output."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from tendergen.cli import cli
from tendergen.documents import output
from test_validate import CLAUSE, PROFILE

Tree = Callable[[dict[str, str]], Path]
WORKSPACE = "organisation: Xby kommun\nclause_folders: [lokalt]\n"
FILES = {"tendergen.yaml": WORKSPACE, "lokalt/x/a.yaml": CLAUSE.format(id="LOK-A"), "p.yaml": PROFILE,
         "trasig.yaml": PROFILE.replace("delivery_model: saas", "delivery_model: moln")}
LIB = str(ROOT / "clauses")

# (command, arguments, expected exit code); each runs in a fresh workspace holding FILES (and "out", built)
CASES = [
    ("validate", ["validate", "p.yaml"], 0),
    ("validate", ["validate", "--bogus"], 2),
    ("validate", ["validate", "saknas.yaml"], 2),
    ("validate", ["validate", "trasig.yaml"], 3),
    ("explain", ["explain", "p.yaml"], 0),
    ("explain", ["explain"], 2),
    ("explain", ["explain", "trasig.yaml"], 3),
    ("lint", ["lint", "--bogus"], 2),
    ("clauses", ["clauses", "list"], 0),
    ("clauses", ["clauses", "show"], 2),
    ("clauses", ["clauses", "show", "FINNS-INTE"], 3),
    ("build", ["build", "p.yaml", "-o", "ny"], 0),
    ("build", ["build", "p.yaml"], 2),
    ("build", ["build", "trasig.yaml", "-o", "ny"], 3),
    ("build", ["build", "p.yaml", "-o", "p.yaml/ny"], 4),
    ("light", ["light", "--bogus"], 2),
    ("light", ["light", "--answers", "p.yaml", "-o", "ljus"], 3),
    ("serve", ["serve", "--port", "-1"], 2),
    ("verify", ["verify", "out"], 0),
    ("verify", ["verify", "saknas"], 2),
    ("verify", ["verify", "lokalt"], 3),
    ("answers", ["answers", "import", "out/kravmatris.xlsx", "--build", "out"], 1),
    ("answers", ["answers", "import", "out/kravmatris.xlsx"], 2),
    ("answers", ["answers", "import", "p.yaml", "--build", "out"], 3),
    ("requirements", ["requirements", "template", "-o", "krav.xlsx"], 0),
    ("requirements", ["requirements", "template", "-o", "p.yaml"], 2),
    ("requirements", ["requirements", "import", "p.yaml"], 3),
    ("requirements", ["requirements", "template", "-o", "saknas/krav.xlsx"], 4),
    ("evaluate", ["evaluate", "--build", "out", "lokalt", "--evaluator", "Eva", "--date", "2026-02-30"], 2),
    ("diff", ["diff", LIB, "lokalt"], 0),
    ("diff", ["diff", LIB, "lokalt", "--exit-code"], 1),
    ("diff", ["diff", LIB], 2),
    ("diff", ["diff", LIB, "lokalt", "--format", "docx", "--date", "2026-02-30", "-o", "r.docx"], 2),
    ("diff", ["diff", LIB, "saknas-och-ingen-revision"], 3),
    ("evaluate", ["evaluate", "--build", "out"], 2),
    ("evaluate", ["evaluate", "lokalt", "--build", "out", "--evaluator", "Eva Ek"], 3),
    ("approve", ["approve", "LOK-A", "--by", "Eva Ek"], 0),
    ("approve", ["approve", "LOK-A", "--by", " "], 2),
    ("approve", ["approve", "FINNS-INTE", "--by", "Eva Ek"], 3),
]


@pytest.fixture
def workspace(tree: Tree, runner: CliRunner) -> Path:
    base = tree(FILES)
    assert runner.invoke(cli, ["build", "p.yaml", "-o", "out"]).exit_code == 0
    return base


@pytest.mark.parametrize("command, args, code", CASES, ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_exit_code(workspace: Path, runner: CliRunner, command: str, args: list[str], code: int) -> None:
    result = runner.invoke(cli, args)
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if code in (3, 4):
        assert "hint:" in result.stderr, result.stderr


def test_lint_findings_exit_3(tree: Tree, runner: CliRunner) -> None:
    tree({"tendergen.yaml": WORKSPACE,
          "lokalt/x/a.yaml": CLAUSE.format(id="LOK-A").replace("verifikat: Anbudsgivaren bekräftar kravet.\n", "")})
    assert runner.invoke(cli, ["lint"]).exit_code == 3


def test_verify_edited_exit_1_and_output_failures_exit_4(workspace: Path, runner: CliRunner) -> None:
    (workspace / "out" / "avtalsvillkor.docx").write_bytes(b"edited")
    assert runner.invoke(cli, ["verify", "out"]).exit_code == 1
    assert runner.invoke(cli, ["build", "p.yaml", "-o", "out"]).exit_code == 4  # edited, no --force
    (workspace / "ny2").mkdir()
    with output.folder_lock(workspace / "ny2"):
        assert runner.invoke(cli, ["build", "p.yaml", "-o", "ny2"]).exit_code == 4  # locked


def test_house_template_unreadable_exit_4(tree: Tree, runner: CliRunner) -> None:
    base = tree({**FILES, "tendergen.yaml": WORKSPACE + "templates: mallar\n", "mallar/kravspecifikation.docx": ""})
    assert runner.invoke(cli, ["validate"]).exit_code == 4
    assert runner.invoke(cli, ["build", "p.yaml", "-o", "ny"]).exit_code == 4
    shutil.rmtree(base / "mallar")


def test_readme_table_lists_every_command() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    block = readme[readme.index("| command | 0 | 1 |"):].split("\n\n")[0]
    table = {m.group(1) for m in re.finditer(r"^\| `(\w+)[^`]*` \|", block, flags=re.M)}
    assert table == set(cli.commands), set(cli.commands) ^ table
    assert {c[0] for c in CASES} | {"lint"} == set(cli.commands)
