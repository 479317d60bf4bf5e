"""The only module that reads files: YAML and JSON text into located trees."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from tendergen.errors import InvalidInput, Location, display_path

WORKSPACE_FILE = "tendergen.yaml"
LIBRARY_META_FILES = ("library.yaml", "references.yaml", "sections.yaml", "thresholds.yaml")


@cache
def data_root() -> Path:
    """Where the bundled clauses/, schemas/ and tender_templates/ live (wheel or source checkout)."""
    package = Path(__file__).resolve().parent.parent
    shipped = package / "_data"
    return shipped if shipped.is_dir() else package.parent.parent


def where(path: Path) -> str:
    """The path as shown to the user in messages (as errors.display_path shows it).

    Resolving a path costs a system call per folder in it; a library has many files in few folders, so
    each folder is resolved once and each file only checked for being a link itself.
    """
    text = os.fspath(path)
    absolute = os.path.abspath(text)  # noqa: PTH100 - strings: this runs once per library file
    if ".." in text.replace(os.sep, "/").split("/") or os.path.islink(absolute):  # noqa: PTH114
        return display_path(path, data_root())
    folder, name = os.path.split(absolute)
    real = os.path.join(_real_folder(folder), name)  # noqa: PTH118
    cwd = _real_folder(os.getcwd())  # noqa: PTH109
    if real == cwd:
        return "."
    if real.startswith(cwd.rstrip(os.sep) + os.sep):
        return real[len(cwd.rstrip(os.sep)) + 1:]
    return display_path(Path(real), data_root())


@lru_cache(maxsize=256)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)


@dataclass(frozen=True)
class Source:
    """A YAML document read from disk: its round-trip tree (with line info), label and raw bytes."""

    tree: Any
    label: str
    path: Path
    raw: bytes


MAX_DEPTH = 40
# Characters Word's XML cannot hold or that only hide text: C0 controls except tab and line breaks,
# lone surrogates and the non-characters U+FFFE/U+FFFF. Checked in the raw text (a NUL byte gets its
# line and column) and in every parsed string (escapes such as "\x00" make them too).
FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def parse_yaml(text: str, label: str) -> Any:
    """Parse YAML 1.2 text into a tree that remembers each key's and item's line and column.

    Composes with ruamel's C parser (ruamel.yaml.clib) when available, which is ~15 times faster than
    the round-trip loader, and builds CommentedMap/CommentedSeq with the positions filled in, so callers
    use the same `.lc` API as with round-trip trees. Anchors and aliases, merge keys, complex keys,
    nesting deeper than MAX_DEPTH, non-finite numbers, impossible dates and control characters are
    refused: every YAML file the tool reads is plain data, and each of those either explodes in size,
    crashes a parser or breaks a document later. Every problem becomes InvalidInput at its line.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="safe", pure=False)
    bad = FORBIDDEN_CHARS.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise InvalidInput(f"control character U+{ord(bad.group()):04X} in the file",
                           location=Location(label, line, bad.start() - text.rfind("\n", 0, bad.start())),
                           hint="remove it; only tab and newline are allowed")
    try:
        _check_events(yaml.parse(text), label)
        node = yaml.compose(text)
        return None if node is None else _located(node, yaml.constructor, label)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise InvalidInput(
            f"YAML syntax error: {problem}",
            location=Location(label, line, col),
            hint="check indentation, and quote text that contains ': ' or starts with a special character",
        ) from exc
    except YAMLError as exc:
        from ruamel.yaml.reader import ReaderError

        if isinstance(exc, ReaderError):  # a character YAML does not allow, e.g. a control character
            line = text.count("\n", 0, exc.position) + 1
            col = exc.position - text.rfind("\n", 0, exc.position)
            raise InvalidInput(f"character U+{exc.character:04X} is not allowed in YAML",
                               location=Location(label, line, col),
                               hint="remove the control character, or write it escaped in double quotes") from exc
        raise InvalidInput(f"YAML error: {exc}", location=Location(label),
                           hint="check the file's syntax; it must be plain YAML data") from exc


def _at(label: str, mark: Any) -> Location:
    return Location(label, mark.line + 1, mark.column + 1)


def _check_events(events: Iterable[Any], label: str) -> None:
    """Refuse anchors, aliases and deep nesting from the event stream, before anything is built.

    Composing would share aliased nodes, but building the tree expands them: nine lines of aliases
    ("billion laughs") become gigabytes. Deep nesting crashes the C composer, so it is caught here first.
    """
    from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, NodeEvent

    depth = 0
    for event in events:
        if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor):
            raise InvalidInput("YAML anchors and aliases (&name, *name) are not allowed",
                               location=_at(label, event.start_mark),
                               hint="write the value out in full wherever it is needed")
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise InvalidInput(f"nested more than {MAX_DEPTH} levels deep", location=_at(label, event.start_mark),
                                   hint="tendergen files are flat: check the indentation and brackets")
        elif isinstance(event, CollectionEndEvent):
            depth -= 1


def _scalar(node: Any, constructor: Any, label: str) -> Any:
    try:
        value = constructor.construct_object(node, deep=True)
    except (ValueError, OverflowError) as exc:  # e.g. 2026-02-30 read as a date
        raise InvalidInput(f"{node.value!r} is not a valid value: {exc}", location=_at(label, node.start_mark),
                           hint="check the date or number; quote it if it is meant as text") from exc
    if isinstance(value, str) and FORBIDDEN_CHARS.search(value):
        char = FORBIDDEN_CHARS.search(value).group()  # type: ignore[union-attr]
        raise InvalidInput(f"control character U+{ord(char):04X} in the text", location=_at(label, node.start_mark),
                           hint="remove it; only tab and newline are allowed")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidInput(f"{node.value!r} is not a number tendergen can use", location=_at(label, node.start_mark),
                           hint="write a finite number (not .nan or .inf)")
    return value


def _located(node: Any, constructor: Any, label: str) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    mark = node.start_mark
    if isinstance(node, MappingNode):
        mapping = CommentedMap()
        mapping._yaml_set_line_col(mark.line, mark.column)
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                raise InvalidInput("only plain keys are allowed here (no '? [..]' keys or '<<' merge keys)",
                                   location=_at(label, key_node.start_mark),
                                   hint="write each key as text followed by ': '")
            key = _scalar(key_node, constructor, label)
            if key in mapping:
                raise InvalidInput(f"duplicate key {key!r}", location=_at(label, key_node.start_mark),
                                   hint="a key may appear only once in the same mapping")
            mapping[key] = _located(value_node, constructor, label)
            mapping._yaml_set_kv_line_col(key, [key_node.start_mark.line, key_node.start_mark.column,
                                                value_node.start_mark.line, value_node.start_mark.column])
        return mapping
    if isinstance(node, SequenceNode):
        sequence = CommentedSeq()
        sequence._yaml_set_line_col(mark.line, mark.column)
        for i, item in enumerate(node.value):
            sequence.append(_located(item, constructor, label))
            sequence._yaml_set_idx_line_col(i, [item.start_mark.line, item.start_mark.column])
        return sequence
    return _scalar(node, constructor, label)


def read_bytes(path: Path) -> bytes:
    """Read one file as bytes (a template, a workbook, a built output), with a located error if it cannot be."""
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise InvalidInput("file not found", location=Location(where(path)), hint="check the path") from exc
    except OSError as exc:
        raise InvalidInput(f"cannot read file: {exc.strerror}", location=Location(where(path)),
                           hint="check that the path is a readable file") from exc


def decode(raw: bytes, label: str) -> str:
    """UTF-8 text, or InvalidInput at the line and column of the first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - raw.rfind(b"\n", 0, exc.start)
        raise InvalidInput(f"file is not UTF-8 text (byte 0x{raw[exc.start]:02X})", location=Location(label, line, col),
                           hint="save the file as UTF-8") from exc


def read_text(path: Path) -> str:
    """Read one UTF-8 text file with universal newlines (as `Path.read_text` does)."""
    return decode(read_bytes(path), where(path)).replace("\r\n", "\n").replace("\r", "\n")


def read_yaml(path: Path) -> Source:
    """Read and parse one YAML file."""
    label = where(path)
    raw = read_bytes(path)
    return Source(parse_yaml(decode(raw, label), label), label, path, raw)


@cache
def read_schema(name: str) -> dict[str, Any]:
    """Load one of the bundled JSON Schemas by file name."""
    result: dict[str, Any] = json.loads((data_root() / "schemas" / name).read_text("utf-8"))
    return result


@dataclass(frozen=True)
class LibrarySources:
    """Everything read from one clause folder: its metadata files and its clause files."""

    folder: Path
    origin: str
    meta: dict[str, Source]
    clauses: tuple[Source, ...]


def read_library_folder(folder: Path, origin: str) -> LibrarySources:
    """Read a clause folder: metadata YAML files at its top, clause files at its top or in sub-folders.

    Clause files usually sit in one sub-folder per area, but a flat folder of clause files is read too:
    a file that is silently skipped would make `diff` report "no changes" for a text it never read.
    A `.yml` file is refused rather than skipped, for the same reason.
    """
    if not folder.is_dir():
        raise InvalidInput(
            "clause folder not found", location=Location(where(folder)), hint="check the path in tendergen.yaml"
        )
    misnamed = sorted(folder.rglob("*.yml"))
    if misnamed:
        raise InvalidInput("clause files must end in .yaml; this one would not be read",
                           location=Location(where(misnamed[0])), hint="rename it to .yaml")
    meta = {name: read_yaml(folder / name) for name in LIBRARY_META_FILES if (folder / name).is_file()}
    skip = {folder / name for name in (*LIBRARY_META_FILES, WORKSPACE_FILE)}
    files = sorted(p for p in folder.rglob("*.yaml") if p not in skip)
    return LibrarySources(folder, origin, meta, tuple(read_yaml(p) for p in files))


def find_workspace(start: Path) -> Path | None:
    """The nearest tendergen.yaml in `start` or its parents."""
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / WORKSPACE_FILE
        if candidate.is_file():
            return candidate
    return None


def git_top(start: Path) -> Path | None:
    """The root of the git work tree holding `start`, or None outside git."""
    import subprocess

    result = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=start, capture_output=True, text=True)
    return Path(result.stdout.strip()) if result.returncode == 0 else None


def git_has(top: Path, rev: str, path: str) -> bool:
    import subprocess

    return subprocess.run(["git", "cat-file", "-e", f"{rev}:{path}"], cwd=top, capture_output=True).returncode == 0


def git_snapshot(top: Path, rev: str, folders: list[str], target: Path) -> None:
    """Extract `folders` (paths relative to the work tree root) as they were at revision `rev` into target."""
    import io
    import subprocess
    import tarfile

    check = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd=top,
                           capture_output=True, text=True)
    if check.returncode != 0:
        raise InvalidInput(f"{rev!r} is neither a folder nor a git revision of {top}",
                           hint="give a clause folder, a tag, a branch or a commit (e.g. v1.2, HEAD~3)")
    for folder in folders:
        archive = subprocess.run(["git", "archive", "--format=tar", rev, "--", folder], cwd=top, capture_output=True)
        if archive.returncode != 0:
            raise InvalidInput(f"{folder!r} does not exist at revision {rev!r}",
                               hint=archive.stderr.decode("utf-8", "replace").strip()[:200])
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(target, filter="data")


# --- located trees -------------------------------------------------------------------------

TreePath = Sequence[str | int]


def plain(node: Any) -> Any:
    """Turn a ruamel tree into plain dicts, lists and scalars; dates become ISO strings."""
    if isinstance(node, Mapping):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, dt.date):
        return node.isoformat()[:10]
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


def _lc(node: Any) -> Any:
    return getattr(node, "lc", None)


def locate(tree: Any, path: TreePath, label: str, *, key: bool = False) -> Location:
    """The file position of the value at `path` in a ruamel tree (or of its key, with key=True)."""
    node, line, col = tree, 0, 0
    lc = _lc(tree)
    if lc is not None and lc.line is not None:
        line, col = lc.line + 1, lc.col + 1
    for i, step in enumerate(path):
        lc = _lc(node)
        try:
            if isinstance(node, Mapping) and step in node:
                pos = lc.key(step) if (key and i == len(path) - 1) else lc.value(step)
                node = node[step]
            elif isinstance(node, list) and isinstance(step, int) and step < len(node):
                pos = lc.item(step)
                node = node[step]
            else:
                break
        except (AttributeError, KeyError, TypeError):
            break
        if pos and pos[0] is not None:
            line, col = pos[0] + 1, pos[1] + 1
    return Location(label, line, col)


def at(tree: Any, path: TreePath) -> Any:
    for step in path:
        tree = tree[step]
    return tree
