"""Shared fixtures: a CLI runner, inline file trees, and built examples converted once by LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from tendergen import api

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


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
    """Every example built once: {example stem: output folder}."""
    base = tmp_path_factory.mktemp("examples")
    result = {}
    for profile in EXAMPLES:
        out = base / profile.stem
        api.build(session, profile, out)
        result[profile.stem] = out
    return result


@pytest.fixture(scope="session")
def example_pdfs(built_examples: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """All example documents converted to PDF by LibreOffice in one batch: {"stem/doc": pdf path}."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice (soffice) is required for the document tests; .ci/run installs it")
    pdf_dir = tmp_path_factory.mktemp("pdf")
    profile_dir = tmp_path_factory.mktemp("lo-profile")
    inputs = {}
    for stem, out in built_examples.items():
        for docx in sorted(out.glob("*.docx")):
            copy = pdf_dir / f"{stem}__{docx.name}"
            shutil.copy(docx, copy)
            inputs[f"{stem}/{docx.stem}"] = copy
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile_dir}", "--headless", "--convert-to", "pdf",
         "--outdir", str(pdf_dir), *map(str, inputs.values())],
        check=True, capture_output=True, timeout=600,
    )
    return {key: path.with_suffix(".pdf") for key, path in inputs.items()}
