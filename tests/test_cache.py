"""The cache of validated libraries: equal to a fresh load, invalidated by any input, safe when corrupt."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from tendergen import api
from tendergen.cli import cli
from tendergen.core import cache, load
from tendergen.errors import InvalidInput
from test_validate import CLAUSE, WORKSPACE

Tree = Callable[[dict[str, str]], Path]


@pytest.fixture
def workspace(tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace with one local clause, and an empty cache folder of its own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tree({"tendergen.yaml": WORKSPACE, "lokalt/sak/logg.yaml": CLAUSE.format(id="LOK-LOGG")}) / "tendergen.yaml"


def entries() -> list[Path]:
    return sorted(cache.folder().glob("library-*.json"))


def no_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make a fresh validation fail loudly: what loads now must come from the cache."""
    def fail(*_: object) -> None:
        raise AssertionError("validated although the cache should have answered")
    monkeypatch.setattr(api.validate, "library", fail)


def test_cached_library_equals_a_fresh_one(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = api.open_session(workspace, cache=False).library
    assert entries() == []
    api.open_session(workspace)  # validates and stores
    assert len(entries()) == 1 and entries()[0].parent == Path(str(cache.folder()))
    no_validation(monkeypatch)
    cached = api.open_session(workspace).library
    assert cached == fresh
    assert [c.data for c in cached.clauses] == [c.data for c in fresh.clauses]
    assert [c.location for c in cached.clauses] == [c.location for c in fresh.clauses]
    assert cached.clause("LOK-LOGG") == fresh.clause("LOK-LOGG")
    assert type(cached.clause("LOK-LOGG").parameters) is tuple  # type: ignore[union-attr]


def test_the_cache_lives_in_the_user_cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert cache.folder() == tmp_path / "x" / "tendergen"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.folder() in (tmp_path / "home" / ".cache" / "tendergen",
                              tmp_path / "home" / "Library" / "Caches" / "tendergen")


def test_a_changed_clause_file_invalidates(workspace: Path) -> None:
    api.open_session(workspace)
    clause_file = workspace.parent / "lokalt" / "sak" / "logg.yaml"
    clause_file.write_text(clause_file.read_text("utf-8").replace("Leverantören ska logga", "Leverantören ska spara"),
                           "utf-8")
    library = api.open_session(workspace).library
    assert library.clause("LOK-LOGG").text.startswith("Leverantören ska spara")  # type: ignore[union-attr]
    assert len(entries()) == 2


def test_a_new_or_removed_clause_file_invalidates(workspace: Path) -> None:
    api.open_session(workspace)
    extra = workspace.parent / "lokalt" / "sak" / "till.yaml"
    extra.write_text(CLAUSE.format(id="LOK-TILL"), "utf-8")
    assert api.open_session(workspace).library.clause("LOK-TILL") is not None
    extra.unlink()
    assert api.open_session(workspace).library.clause("LOK-TILL") is None


def test_a_changed_schema_invalidates(workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    api.open_session(workspace)
    before = cache.key([cache.scan(load.data_root() / "clauses", "bundled")])  # type: ignore[list-item]
    root = tmp_path / "root"
    shutil.copytree(load.data_root() / "schemas", root / "schemas")
    schema = root / "schemas" / "clause.schema.json"
    schema.write_text(schema.read_text("utf-8").replace('"title"', '"title" ', 1), "utf-8")
    monkeypatch.setattr(cache, "data_root", lambda: root)
    cache._code_digest.cache_clear()
    try:
        after = cache.key([cache.scan(load.data_root() / "clauses", "bundled")])  # type: ignore[list-item]
        assert after != before
        scanned = [cache.scan(load.data_root() / "clauses", "bundled"),
                   cache.scan(workspace.parent / "lokalt", "workspace: lokalt")]
        assert cache.load(cache.key(scanned)) is None  # type: ignore[arg-type]
    finally:
        cache._code_digest.cache_clear()


def test_a_changed_version_invalidates(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    api.open_session(workspace)
    scanned = [cache.scan(load.data_root() / "clauses", "bundled"),
               cache.scan(workspace.parent / "lokalt", "workspace: lokalt")]
    assert cache.load(cache.key(scanned)) is not None  # type: ignore[arg-type]
    monkeypatch.setattr(cache, "__version__", "99.0.0")
    cache._code_digest.cache_clear()
    try:
        assert cache.load(cache.key(scanned)) is None  # type: ignore[arg-type]
    finally:
        cache._code_digest.cache_clear()


def test_another_working_folder_gets_its_own_locations(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert api.open_session(workspace).library.clause("LOK-LOGG").location.path == "lokalt/sak/logg.yaml"  # type: ignore[union-attr]
    monkeypatch.chdir(workspace.parent / "lokalt")
    assert api.open_session(workspace).library.clause("LOK-LOGG").location.path == "sak/logg.yaml"  # type: ignore[union-attr]


@pytest.mark.parametrize("content", [
    b"not json at all {",
    b"",
    b'{"format": 1}',
    b'[1, 2, 3]',
    "\u00e5\u00e4\u00f6".encode("latin-1"),
])
def test_a_corrupt_cache_is_ignored_and_replaced(workspace: Path, content: bytes) -> None:
    fresh = api.open_session(workspace, cache=False).library
    api.open_session(workspace)
    (entry,) = entries()
    entry.write_bytes(content)
    assert api.open_session(workspace).library == fresh
    assert json.loads(entry.read_bytes())["format"] == cache.FORMAT  # rewritten


def test_a_tampered_cache_never_builds_other_objects(workspace: Path) -> None:
    api.open_session(workspace)
    (entry,) = entries()
    stored = json.loads(entry.read_bytes())
    for evil in ({"t": "os.system", "v": {"command": "echo owned"}}, {"t": "Path", "v": {}},
                 {"t": "Library", "v": {"name": {"t": "subprocess.Popen", "v": {}}}}):
        stored["library"] = evil
        entry.write_text(json.dumps(stored), "utf-8")
        assert cache.load(stored["key"]) is None
    stored["library"] = {"t": "Clause", "v": {}}  # a known class, but not a library
    entry.write_text(json.dumps(stored), "utf-8")
    assert cache.load(stored["key"]) is None
    assert api.open_session(workspace).library.clause("LOK-LOGG") is not None


def test_an_entry_for_another_key_is_not_used(workspace: Path) -> None:
    api.open_session(workspace)
    (entry,) = entries()
    stored = json.loads(entry.read_bytes())
    assert cache.load(stored["key"][:32] + "0" * 32) is None


def test_errors_keep_their_locations_and_are_never_cached(workspace: Path) -> None:
    clause_file = workspace.parent / "lokalt" / "sak" / "logg.yaml"
    good = clause_file.read_text("utf-8")
    clause_file.write_text(good.replace("kind: ska-krav", "kind: ska-krav\nfärg: blå"), "utf-8")
    for _ in range(2):
        with pytest.raises(InvalidInput) as exc:
            api.open_session(workspace)
        assert str(exc.value).startswith("lokalt/sak/logg.yaml:11:1: unknown field 'färg'")
    assert entries() == []
    clause_file.write_text(good, "utf-8")
    api.open_session(workspace)
    assert len(entries()) == 1


def test_no_cache_option_neither_reads_nor_writes(workspace: Path, runner: CliRunner,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    result = runner.invoke(cli, ["--no-cache", "validate"])
    assert result.exit_code == 0 and re.search(r"library ok: \d+ clauses", result.stdout)
    assert entries() == []
    assert runner.invoke(cli, ["validate"]).exit_code == 0
    assert len(entries()) == 1
    no_validation(monkeypatch)
    assert runner.invoke(cli, ["validate"]).exit_code == 0
    result = runner.invoke(cli, ["--no-cache", "validate"])
    assert result.exit_code == 1 and isinstance(result.exception, AssertionError)


def test_an_unwritable_cache_folder_is_not_an_error(workspace: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    assert api.open_session(workspace).library.clause("LOK-LOGG") is not None


def test_old_entries_are_pruned(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "KEEP", 2)
    clause_file = workspace.parent / "lokalt" / "sak" / "logg.yaml"
    for days in (10, 20, 30, 40):
        clause_file.write_text(CLAUSE.format(id="LOK-LOGG").replace("default: 90", f"default: {days}"), "utf-8")
        api.open_session(workspace)
    assert len(entries()) == 2


def test_a_changed_workspace_file_is_checked_again(workspace: Path) -> None:
    api.open_session(workspace)
    assert len(list(cache.folder().glob("passed-*.json"))) == 1
    api.open_session(workspace)  # the same bytes: the schema check is skipped
    workspace.write_text(WORKSPACE + "colour: blue\n", "utf-8")
    with pytest.raises(InvalidInput) as exc:
        api.open_session(workspace)
    assert str(exc.value).startswith("tendergen.yaml:3:1: unknown field 'colour'")


def test_a_corrupt_check_record_is_ignored(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    api.open_session(workspace)
    (record,) = cache.folder().glob("passed-*.json")
    record.write_text('{"format": 1, "key": "forged"}', "utf-8")
    assert not cache.passed("workspace", workspace.read_bytes())
    calls = []
    real = api.validate.workspace

    def spy(source: load.Source, *, schema_checked: bool = False) -> object:
        calls.append(schema_checked)
        return real(source, schema_checked=schema_checked)

    monkeypatch.setattr(api.validate, "workspace", spy)
    api.open_session(workspace)
    api.open_session(workspace)
    assert calls == [False, True]


def test_a_workspace_file_that_passed_is_not_parsed_again(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = api.open_session(workspace, cache=False).workspace
    api.open_session(workspace)

    def no_parse(*_: object) -> None:
        raise AssertionError("parsed although the cache held these bytes' data")

    monkeypatch.setattr(load, "parse_yaml", no_parse)
    assert api.open_session(workspace).workspace == fresh


def test_a_workspace_folder_removed_since_is_reported_at_its_line(workspace: Path) -> None:
    api.open_session(workspace)
    shutil.rmtree(workspace.parent / "lokalt")
    with pytest.raises(InvalidInput) as exc:
        api.open_session(workspace)
    assert str(exc.value).startswith("tendergen.yaml:2:")
    assert "folder 'lokalt' not found" in str(exc.value)


def test_a_misnamed_yml_file_added_later_is_refused_not_cached_over(workspace: Path) -> None:
    api.open_session(workspace)
    (workspace.parent / "lokalt" / "sak" / "extra.yml").write_text(CLAUSE.format(id="LOK-EXTRA"), "utf-8")
    with pytest.raises(InvalidInput) as exc:
        api.open_session(workspace)
    assert "must end in .yaml" in str(exc.value)


def test_a_flat_clause_folder_is_cached_too(tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    workspace = tree({"tendergen.yaml": WORKSPACE, "lokalt/logg.yaml": CLAUSE.format(id="LOK-LOGG")}) / "tendergen.yaml"
    fresh = api.open_session(workspace, cache=False).library
    api.open_session(workspace)
    no_validation(monkeypatch)
    cached = api.open_session(workspace).library
    assert cached == fresh and cached.clause("LOK-LOGG").location.path == "lokalt/logg.yaml"  # type: ignore[union-attr]
