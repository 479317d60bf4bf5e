"""Shared fixtures: a CLI runner, inline file trees, and built examples converted once by LibreOffice."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from tendergen import api

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
# Builds in tests run without LibreOffice (fast) unless a test asks for it with `office()`.
SOFFICE = os.environ.get("TENDERGEN_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
os.environ["TENDERGEN_SOFFICE"] = "none"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite the expected output of the golden cases in tests/cases/ (see test_cases.py)")


_SHARED: list[subprocess.Popen[bytes]] = []


def _shared_office(program: str) -> None:
    """Start one LibreOffice for the whole test session (on first use); every conversion attaches to it."""
    from tendergen.documents import pdf

    if _SHARED or not pdf.can_paginate():
        return
    profile = Path(tempfile.mkdtemp(prefix="tendergen-tests-lo-"))
    pipe = f"tendergen-tests-{os.getpid()}"
    _SHARED.append(subprocess.Popen(
        [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--nologo",
         "--norestore", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
    os.environ["TENDERGEN_OFFICE_PIPE"] = pipe


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop the shared LibreOffice: its own process group (soffice starts soffice.bin), a throwaway profile."""
    for server in _SHARED:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)


@contextmanager
def office() -> Iterator[str]:
    """LibreOffice switched on for the builds inside the block (one shared LibreOffice per test session)."""
    if SOFFICE is None:
        pytest.fail("LibreOffice (soffice) is required for the document tests; .ci/run installs it")
    os.environ["TENDERGEN_SOFFICE"] = SOFFICE  # first: the shared LibreOffice starts only when switched on
    _shared_office(SOFFICE)
    try:
        yield SOFFICE
    finally:
        os.environ["TENDERGEN_SOFFICE"] = "none"


def write_tree(base: Path, files: dict[str, str]) -> Path:
    """Write {relative path: text} under base and return base."""
    for rel, text in files.items():
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return base


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Cached libraries go to a temporary cache folder, never the user's."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, str]], Path]:
    """Write files into a fresh working directory (also the cwd, so messages show relative paths)."""
    monkeypatch.chdir(tmp_path)
    return lambda files: write_tree(tmp_path, files)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def session() -> api.Session:
    return api.open_session(start=ROOT)


@pytest.fixture(scope="session")
def built_examples(tmp_path_factory: pytest.TempPathFactory, session: api.Session) -> dict[str, Path]:
    """Every example built once, as with LibreOffice installed: page numbers in the tables of contents
    and tagged PDFs in out/pdf/ (one LibreOffice run per example). {example stem: output folder}."""
    base = tmp_path_factory.mktemp("examples")
    result = {}
    with office():
        for profile in EXAMPLES:
            out = base / profile.stem
            api.build(session, profile, out, toc_pages=True, pdf=True)
            result[profile.stem] = out
    return result


@pytest.fixture(scope="session")
def example_pdfs(built_examples: dict[str, Path]) -> dict[str, Path]:
    """The tagged PDF of every example document: {"stem/doc": pdf path}."""
    return {f"{stem}/{docx.stem}": out / "pdf" / f"{docx.stem}.pdf"
            for stem, out in built_examples.items() for docx in sorted(out.glob("*.docx"))}
