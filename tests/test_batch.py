"""Batch builds: several profiles or a folder, each into its own sub-folder, in a process pool."""

from __future__ import annotations

import json
import os
import re
import shutil
import zipfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree

from conftest import SOFFICE
from tendergen import api, batch
from tendergen.cli import cli
from tendergen.documents import pdf
from tendergen.errors import OutputError

ROOT = Path(__file__).resolve().parent.parent
ENKAT = ROOT / "examples" / "direktupphandling-enkatverktyg.yaml"
HARDVARA = ROOT / "examples" / "hardvara-ramavtal.yaml"


def _profiles(tree: Callable[[dict[str, str]], Path]) -> Path:
    """A folder with two good profiles and one whose value is above the direct-award limit."""
    good = HARDVARA.read_text("utf-8")
    bad = ENKAT.read_text("utf-8").replace("estimated_value_sek: 240000", "estimated_value_sek: 900000")
    return tree({"profiles/a-hardvara.yaml": good, "profiles/b-for-dyr.yaml": bad,
                 "profiles/c-enkat.yaml": ENKAT.read_text("utf-8"), "profiles/tendergen.yaml": "organisation: X\n"}
                ) / "profiles"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_one_failing_profile_does_not_stop_the_others(runner: CliRunner, tree: Callable[[dict[str, str]], Path],
                                                      jobs: str) -> None:
    folder = _profiles(tree)
    result = runner.invoke(cli, ["build", str(folder), "-o", "out", "--jobs", jobs])
    assert result.exit_code == 3  # the failure's own exit code: invalid input
    assert sorted(p.name for p in Path("out").iterdir()) == ["a-hardvara", "c-enkat"]
    for name in ("a-hardvara", "c-enkat"):
        assert (Path("out") / name / "manifest.json").is_file()
        assert api.verify(Path("out") / name) and all(s == "ok" for _, s in api.verify(Path("out") / name))
    assert "2 built, 1 failed" in result.stdout
    assert f"{jobs} jobs" in result.stdout


def test_summary_table_lists_each_profile_and_the_located_error(runner: CliRunner,
                                                                tree: Callable[[dict[str, str]], Path]) -> None:
    folder = _profiles(tree)
    result = runner.invoke(cli, ["build", str(folder / "a-hardvara.yaml"), str(folder / "b-for-dyr.yaml"),
                                 "-o", "out", "--jobs", "2"])
    lines = result.stdout.splitlines()
    assert lines[0].split()[:5] == ["profile", "result", "clauses", "docs", "time"]
    built = next(line for line in lines if line.startswith("a-hardvara.yaml"))
    manifest = json.loads(Path("out/a-hardvara/manifest.json").read_text("utf-8"))
    count = str(sum(1 for c in manifest["clauses"] if c["included"]))
    assert built.split()[1:4] == ["built", count, "13"] and built.endswith(str(Path("out") / "a-hardvara"))
    failed = next(line for line in lines if line.startswith("b-for-dyr.yaml"))
    assert failed.split()[1] == "FAILED"
    assert "profiles/b-for-dyr.yaml:15:24: estimated value 900" in failed
    assert any("hint: direct procurement is not allowed" in line for line in lines)
    assert not Path("out/b-for-dyr").exists()


def test_batch_output_is_the_single_build_output(runner: CliRunner, tmp_path: Path) -> None:
    single = tmp_path / "single"
    assert runner.invoke(cli, ["build", str(HARDVARA), "-o", str(single)]).exit_code == 0
    result = runner.invoke(cli, ["build", str(HARDVARA), str(ENKAT), "-o", str(tmp_path / "many"), "-j", "2"])
    assert result.exit_code == 0, result.output
    many = tmp_path / "many" / HARDVARA.stem
    assert sorted(p.name for p in many.iterdir()) == sorted(p.name for p in single.iterdir())
    for path in single.iterdir():
        assert (many / path.name).read_bytes() == path.read_bytes(), path.name


def test_jobs_must_be_positive_and_default_to_the_cores(runner: CliRunner, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    assert runner.invoke(cli, ["build", str(HARDVARA), str(ENKAT), "-o", str(tmp_path), "--jobs", "0"]).exit_code == 2
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    result = runner.invoke(cli, ["build", str(HARDVARA), str(ENKAT), "-o", str(tmp_path / "o")])
    assert result.exit_code == 0 and "(1 jobs)" not in result.stdout and "1 jobs)" in result.stdout


def test_jobs_are_capped_by_the_number_of_profiles(session: api.Session, tmp_path: Path) -> None:
    seen = []
    outcomes = batch.run(session, [HARDVARA], tmp_path, jobs=8, on_done=seen.append)
    assert [o.built for o in outcomes] == [True] and seen == outcomes


def test_a_crash_in_one_build_is_reported_not_raised(session: api.Session, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    real = api.build

    def flaky(s: api.Session, profile: Path, out: Path, **kw: bool) -> api.BuildResult:
        if profile.name.startswith("direkt"):
            raise RuntimeError("boom")
        return real(s, profile, out, **kw)

    monkeypatch.setattr(api, "build", flaky)
    outcomes = batch.run(session, [ENKAT, HARDVARA], tmp_path, jobs=1)
    assert [o.built for o in outcomes] == [False, True]
    assert "internal error" in outcomes[0].error and "RuntimeError: boom" in outcomes[0].error
    assert batch.exit_code(outcomes) == 1


def test_the_same_file_name_twice_is_refused_before_building(runner: CliRunner,
                                                             tree: Callable[[dict[str, str]], Path]) -> None:
    tree({"x/hardvara-ramavtal.yaml": HARDVARA.read_text("utf-8")})
    result = runner.invoke(cli, ["build", "x/hardvara-ramavtal.yaml", str(HARDVARA), "-o", "out"])
    assert result.exit_code == 3 and "same folder" in result.stderr
    assert not Path("out").exists()


def test_a_profile_named_twice_is_built_once(session: api.Session, tmp_path: Path) -> None:
    assert batch.expand([HARDVARA, ROOT / "examples", HARDVARA]).count(HARDVARA) == 1


def test_an_empty_folder_is_an_error(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = runner.invoke(cli, ["build", str(tmp_path / "empty"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 3 and "no profiles" in result.stderr
    shutil.rmtree(tmp_path / "empty")


def test_build_options_reach_every_build(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, bool]] = []

    def fake(s: api.Session, profile: Path, out: Path, **options: bool) -> api.BuildResult:
        seen.append(options)
        raise OutputError("not built in this test")

    monkeypatch.setattr(api, "build", fake)
    result = runner.invoke(cli, ["build", str(HARDVARA), str(ENKAT), "-o", str(tmp_path), "-j", "1", "--draft",
                                 "--toc-pages", "--pdf"])
    assert result.exit_code == 4 and "0 built, 2 failed" in result.stdout
    assert seen == [{"force": False, "draft": True, "toc_pages": True, "pdf": True}] * 2
    seen.clear()
    runner.invoke(cli, ["build", str(HARDVARA), str(ENKAT), "-o", str(tmp_path), "-j", "1", "--force"])
    assert seen == [{"force": True, "draft": False, "toc_pages": False, "pdf": False}] * 2


def test_a_batch_lays_out_its_profiles_in_one_libreoffice_per_worker(runner: CliRunner, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    if SOFFICE is None:
        pytest.fail("LibreOffice (soffice) is required for the document tests; .ci/run installs it")
    monkeypatch.setenv("TENDERGEN_SOFFICE", SOFFICE)
    monkeypatch.delenv("TENDERGEN_OFFICE_PIPE", raising=False)
    used = tmp_path / "used.txt"  # written by the workers too (they are forked with the spy in place)
    real_run, real_offices, started = pdf.run, pdf.offices, []

    def spy(*args: Any, **kwargs: Any) -> Any:
        with used.open("a", encoding="utf-8") as log:
            log.write(os.environ.get("TENDERGEN_OFFICE_PIPE", "none") + "\n")
        return real_run(*args, **kwargs)

    @contextmanager
    def counted(count: int) -> Any:
        with real_offices(count) as pipes:
            started.append(pipes)
            yield pipes

    monkeypatch.setattr(pdf, "run", spy)
    monkeypatch.setattr(pdf, "offices", counted)
    third = tmp_path / "enkat-igen.yaml"
    third.write_text(ENKAT.read_text("utf-8"), "utf-8")
    result = runner.invoke(cli, ["build", str(HARDVARA), str(ENKAT), str(third), "-o", str(tmp_path / "out"),
                                 "-j", "2", "--toc-pages"])
    assert result.exit_code == 0, result.output
    assert "no page numbers" not in result.output
    assert len(started) == 1 and len(started[0]) == 2  # one LibreOffice per worker, for the whole batch
    assert len(used.read_text("utf-8").split()) == 3 and set(used.read_text("utf-8").split()) <= set(started[0])
    with zipfile.ZipFile(tmp_path / "out" / HARDVARA.stem / "avtalsvillkor.docx") as docx:
        body = etree.fromstring(docx.read("word/document.xml"))
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    toc = ["".join(t.text or "" for t in p.iter(f"{{{w}}}t")) for p in body.iter(f"{{{w}}}p")
           if p.find(f"{{{w}}}pPr/{{{w}}}pStyle[@{{{w}}}val='TOC1']") is not None]
    assert toc and all(re.search(r"\d+$", line) for line in toc)  # page numbers from LibreOffice's layout
    running = [p.read_bytes() for p in Path("/proc").glob("[0-9]*/cmdline") if p.is_file()]
    assert not any(pipe.encode() in cmd for pipe in started[0] for cmd in running)  # stopped after the batch
