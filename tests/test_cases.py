"""Golden cases: tests/cases/<name>/ holds the inputs, `command` (the tendergen arguments, run in that folder)
and the exact expected output: `expected.txt` on success, `expected-error.txt` on failure.

A changed output is a failure. After a deliberate change, rewrite the golden files with

    python -m pytest tests/test_cases.py --update-golden

and read the diff of tests/cases/ in review like code.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from tendergen.cli import cli

CASES = sorted(p for p in (Path(__file__).resolve().parent / "cases").iterdir() if p.is_dir())
UPDATE = "python -m pytest tests/test_cases.py --update-golden"


def run_case(case: Path) -> tuple[int, str]:
    """Exit code and the transcript: exit code, stdout and stderr, each under its own heading."""
    args = shlex.split((case / "command").read_text("utf-8"))
    result = CliRunner().invoke(cli, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, f"exit {result.exit_code}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_case(case: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    monkeypatch.chdir(case)  # messages show paths relative to the case folder
    code, transcript = run_case(case)
    golden = case / ("expected.txt" if code == 0 else "expected-error.txt")
    if request.config.getoption("--update-golden"):
        for old in (case / "expected.txt", case / "expected-error.txt"):
            old.unlink(missing_ok=True)
        golden.write_text(transcript, "utf-8")
    assert golden.is_file(), f"{case.name}: no {golden.name} (exit {code}); create it with `{UPDATE}`"
    assert transcript == golden.read_text("utf-8"), (
        f"{case.name}: output differs from {golden.name}; if the change is intended, run `{UPDATE}` "
        "and review the diff")
    assert not (case / "ut").exists()  # a failing case writes nothing
