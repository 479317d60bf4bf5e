"""Fuzzing (hypothesis): every input — valid or mutated — ends in success or a located error with a hint, in time.

Profiles, clause files, answers files, supplier spreadsheets and manifests, and builds, not only
validation. The CI run is short; a long run raises the number of examples:

    TENDERGEN_FUZZ_EXAMPLES=500 python -m pytest tests/test_fuzz.py --hypothesis-show-statistics

Nothing a fuzzed build writes may land outside its output folder.
"""

from __future__ import annotations

import copy
import io
import json
import os
import tempfile
import time
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from tendergen import api
from tendergen.core import load
from tendergen.documents import matrix
from tendergen.documents.output import read_manifest, write_build
from tendergen.errors import TendergenError
from test_validate import CLAUSE

EXAMPLES = int(os.environ.get("TENDERGEN_FUZZ_EXAMPLES", "0"))
SECONDS = 30  # the bound for one example, build included


def examples(ci: int) -> Any:
    """Hypothesis settings: `ci` examples in CI, TENDERGEN_FUZZ_EXAMPLES in a long run."""
    return settings(max_examples=EXAMPLES or ci, deadline=None, derandomize=not EXAMPLES,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --- hostile values and mutations --------------------------------------------------------------------

def deep(levels: int) -> Any:
    """A list nested `levels` deep."""
    value: Any = "x"
    for _ in range(levels):
        value = [value]
    return value


HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "   ", "\t", "x" * 300, "x" * 100_000, "\u202eabc", "a\u0301\u0301\u0301", "\ufeffBOM",
                     "\x00", "\x01", "\ufffe", "{{ x }}", "{% include 'x' %}", "<w:p>&amp;", '"quoted"', "a\r\nb"]),
)
HOSTILE = st.one_of(
    HOSTILE_TEXT, st.none(), st.booleans(), st.integers(), st.floats(),
    st.sampled_from(["2026-02-30", "9999-12-31", "0000-01-01", "2026-11-21"]),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.just(deep(60)),
)


def paths(tree: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value in a plain tree."""
    found = [prefix]
    if isinstance(tree, dict):
        for key, value in tree.items():
            found += paths(value, (*prefix, key))
    elif isinstance(tree, list):
        for i, value in enumerate(tree):
            found += paths(value, (*prefix, i))
    return found


@st.composite
def mutated(draw: st.DrawFn, tree: Any) -> Any:
    """The tree with a few values replaced, removed or added."""
    tree = json.loads(json.dumps(tree))
    for _ in range(draw(st.integers(0, 3))):
        target = draw(st.sampled_from(paths(tree)))
        if not target:
            continue
        parent = load.at(tree, target[:-1])
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "replace":
            parent[target[-1]] = copy.deepcopy(draw(HOSTILE))
        elif action == "remove":
            del parent[target[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = copy.deepcopy(draw(HOSTILE))
    return tree


def as_yaml(tree: Any) -> str:
    from ruamel.yaml import YAML

    out = io.StringIO()
    yaml = YAML()
    yaml.width = 4096
    yaml.dump(tree, out)
    return out.getvalue()


# Text a person might type, with what breaks documents: XML specials, RTL and combining marks, long lines.
PLAUSIBLE_TEXT = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=3, max_size=60).filter(str.strip),
    st.sampled_from(["A & B <C> \"D\" 'E'", "\u202eomvänd\u202c text", "e\u0301\u0301\u0301 kombinerad",
                     "lång " * 400, "{{ organisation }}", "]]> <![CDATA[", "ÅÄÖ åäö ø æ", "- punkt\n- punkt"]),
)


FREE_TEXT = {"title", "sv", "en", "motiv", "verifikat", "acceptance", "description", "department", "name",
             "reference", "vad", "verksamhet", "kontakt", "diarienummer", "reason", "note"}


@st.composite
def gently_mutated(draw: st.DrawFn, tree: Any) -> Any:
    """The tree with some text values replaced by plausible but awkward text: it should still build."""
    tree = json.loads(json.dumps(tree))
    texts = [p for p in paths(tree) if p and p[-1] in FREE_TEXT and isinstance(load.at(tree, p), str)]
    for target in draw(st.lists(st.sampled_from(texts), max_size=4)) if texts else []:
        load.at(tree, target[:-1])[target[-1]] = draw(PLAUSIBLE_TEXT)
    return tree


@st.composite
def yaml_text(draw: st.DrawFn, tree: Any) -> str:
    """YAML for a (mutated) tree, sometimes with a text-level change: BOM, CRLF, aliases, a cut, a bad byte."""
    text = as_yaml(draw(st.one_of(mutated(tree), gently_mutated(tree))))
    change = draw(st.sampled_from(["none", "none", "bom", "crlf", "alias", "cut", "tab"]))
    if change == "bom":
        text = "\ufeff" + text
    elif change == "crlf":
        text = text.replace("\n", "\r\n")
    elif change == "alias":
        text = "x: &a [1, 2]\ny: *a\n" + text
    elif change == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    elif change == "tab":
        text = text.replace("  ", "\t", 1)
    return text


def ends_well(action: Callable[[], object]) -> object:
    """Run `action`: it succeeds, or fails with errors that each have a location and a hint; in time."""
    started = time.perf_counter()
    try:
        result = action()
        event(f"ok: {type(result).__name__}")
        return result
    except TendergenError as exc:
        event(f"exit {exc.exit_code}")
        for problem in getattr(exc, "problems", ()) or (exc,):
            assert problem.location is not None and problem.location.path, f"no location: {problem}"
            assert problem.hint, f"no hint: {problem}"
        return exc
    finally:
        assert time.perf_counter() - started < SECONDS


# --- shared state: one session, one built example -----------------------------------------------------


@cache
def session() -> api.Session:
    return api.open_session(start=ROOT)


@cache
def example_profile() -> dict[str, Any]:
    tree: dict[str, Any] = load.plain(load.read_yaml(ROOT / "examples" / "saas-verksamhetssystem.yaml").tree)
    return tree


@cache
def built_example() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="tendergen-fuzz-")) / "build"
    api.build(session(), ROOT / "examples" / "saas-verksamhetssystem.yaml", folder)
    return folder


# --- profiles: validated, and built ---------------------------------------------------------------------


@examples(ci=60)
@given(text=yaml_text(example_profile()))
def test_fuzzed_profiles_validate_or_fail_located(text: str) -> None:
    ends_well(lambda: api.profile_from_text(session(), text))


@examples(ci=12)
@given(text=yaml_text(example_profile()))
def test_fuzzed_profiles_build_or_fail_located(text: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        sentinel = Path(scratch) / "outside.txt"
        sentinel.write_text("keep")
        path = Path(scratch) / "p.yaml"
        path.write_text(text, "utf-8")
        ends_well(lambda: api.build(session(), path, Path(scratch) / "out", draft=True))
        assert sentinel.read_text() == "keep"
        assert sorted(p.name for p in Path(scratch).iterdir()) in (["out", "outside.txt", "p.yaml"],
                                                                   ["outside.txt", "p.yaml"])


# --- clause files: validated with the bundled library, and rendered in a build -------------------------


@cache
def clause_tree() -> dict[str, Any]:
    tree: dict[str, Any] = load.plain(load.parse_yaml(CLAUSE.format(id="LOK-FUZZ"), "c.yaml"))
    return tree


@examples(ci=40)
@given(text=yaml_text(clause_tree()), build=st.booleans())
def test_fuzzed_clause_files_load_and_build_or_fail_located(text: str, build: bool) -> None:
    def run() -> object:
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch) / "lokalt"
            (folder / "x").mkdir(parents=True)
            (folder / "x" / "c.yaml").write_text(text, "utf-8")
            library, _ = api.open_library(load.data_root() / "clauses", [folder])
            if not build or library.clause("LOK-FUZZ") is None:
                return library
            fuzzed = api.Session(session().workspace, None, library, ())
            profile = {**example_profile(), "include": [{"clause": "LOK-FUZZ", "reason": "Prövas av fuzzningen."}]}
            raw = as_yaml(profile)
            source = load.Source(load.parse_yaml(raw, "p.yaml"), "p.yaml", Path("p.yaml"), raw.encode())
            return api.render_build(fuzzed, source, draft=True)

    ends_well(run)


# --- answers files for the light interview ---------------------------------------------------------------


@cache
def answers_tree() -> dict[str, Any]:
    from test_light import ANSWERS

    tree: dict[str, Any] = load.plain(load.parse_yaml(ANSWERS, "a.yaml"))
    return tree


@examples(ci=30)
@given(text=yaml_text(answers_tree()), build=st.integers(0, 5))
def test_fuzzed_answers_files_or_fail_located(text: str, build: int) -> None:
    def run() -> object:
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / "svar.yaml"
            path.write_text(text, "utf-8")
            outcome = api.answer_interview(session(), path, organisation="Xby kommun")
            if build == 0:  # one in six answered interviews is built as well
                return api.build_light(session(), outcome.profile, Path(scratch) / "out", draft=True)
            return outcome

    ends_well(run)


# --- supplier spreadsheets -----------------------------------------------------------------------------------

CELL = st.one_of(st.sampled_from(["Ja", "Nej", "ja", " Ja ", "", "=1+1", '=IF(TRUE,"Ja","Nej")', "x" * 5000]),
                 st.integers(), st.floats(allow_nan=False), st.none(), st.text(max_size=20))


@st.composite
def spreadsheet(draw: st.DrawFn) -> bytes:
    """The built matrix answered with arbitrary cells, or broken at the zip or byte level."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    original = (built_example() / matrix.FILE).read_bytes()
    kind = draw(st.sampled_from(["cells", "cells", "bytes", "part"]))
    if kind == "bytes":
        data = bytearray(original)
        for _ in range(draw(st.integers(1, 20))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data[: draw(st.integers(0, len(data)))])
    if kind == "part":
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(original)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
            victim = draw(st.sampled_from(old.namelist()))
            for name in old.namelist():
                data = old.read(name)
                if name == victim:
                    data = draw(st.sampled_from([b"", b"<x/>", b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
                                                 data[: len(data) // 2], data.replace(b"Kravmatris", b"Annat")]))
                new.writestr(name, data)
        return out.getvalue()
    wb = load_workbook(io.BytesIO(original))
    ws = wb[matrix.SHEET]
    for _ in range(draw(st.integers(0, 8))):
        row, col = draw(st.integers(1, ws.max_row + 2)), draw(st.integers(1, 8))
        try:
            ws.cell(row, col).value = draw(CELL)
        except (ValueError, IllegalCharacterError):  # openpyxl refuses what a workbook cannot hold
            pass
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@examples(ci=40)
@given(data=spreadsheet())
def test_fuzzed_spreadsheets_are_read_or_refused_located(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "svar.xlsx"
        path.write_bytes(data)
        report = ends_well(lambda: api.import_answers(path, built_example()))
        if isinstance(report, matrix.AnswerReport):
            counted = [a for a in report.answers if a.answer in matrix.ANSWERS]
            assert all(not a.answer.startswith("=") for a in counted)


# --- manifests: verify, answers import and a build over them ------------------------------------------------


@examples(ci=40)
@given(data=st.data())
def test_fuzzed_manifests_never_reach_outside_the_folder(data: st.DataObject) -> None:
    manifest = data.draw(mutated(json.loads((built_example() / "manifest.json").read_text("utf-8"))))
    text = data.draw(st.one_of(st.just(json.dumps(manifest)), st.sampled_from(["", "[]", "null", "{", "1e999"])))
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "out"
        folder.mkdir()
        outside = Path(scratch) / "outside.docx"
        outside.write_bytes(b"victim")
        for entry in json.loads(json.dumps(manifest)).get("outputs", []) if isinstance(manifest, dict) else []:
            if isinstance(entry, dict) and isinstance(entry.get("file"), str) and "/" not in entry["file"]:
                try:
                    (folder / entry["file"]).write_bytes(b"victim")
                except (OSError, ValueError):
                    pass
        (folder / "manifest.json").write_text(text, "utf-8")
        ends_well(lambda: api.verify(folder))
        ends_well(lambda: read_manifest(folder))
        ends_well(lambda: write_build(folder, {"a.docx": b"new"}, {"tool": "t", "profile": {"reference": "x"},
                                                                    "outputs": []}, force=True))
        assert outside.read_bytes() == b"victim"
