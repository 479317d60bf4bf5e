"""A cache of validated libraries in the user's cache folder, as JSON (loading it cannot run code).

The key is a hash of everything the Library is made from: every clause and metadata file of every layer
(its bytes, its path and the label messages show for it), the bundled schemas, the tool's version and
the source of the core package (so a changed validator never meets a stale entry). Only libraries that
validated are stored, so every problem is always found, with its file:line, by a fresh validation. An
entry that cannot be read or decoded is ignored (and replaced by the next successful validation).

Entries are tagged JSON: lists and scalars as themselves, everything else as {"t": tag, "v": value},
where a tag is "tuple", "dict", "map" (a read-only mapping), "plain" (a read-only mapping of plain JSON
data, stored verbatim) or the name of one of the model's dataclasses. Only those classes are ever built.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from tendergen import __version__
from tendergen.core import model
from tendergen.core.load import LIBRARY_META_FILES, WORKSPACE_FILE, LibrarySources, Source, data_root, where
from tendergen.errors import Location

FORMAT = 1
KEEP = 16  # entries kept; older ones are removed when a new one is stored
CLASSES: dict[str, type] = {cls.__name__: cls for cls in (
    model.Library, model.Clause, model.Parameter, model.LegalRef, model.Rule, model.Reference, model.Threshold,
    model.Document, model.Fact, model.ScaleStep, model.Quantity, Location)}
_PLAIN = (str, int, float, bool, type(None))


def folder() -> Path:
    """The user's cache folder for tendergen: XDG_CACHE_HOME (or the platform's usual place)/tendergen."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():
        base = Path(xdg)
    elif sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path.home() / ".cache"
    return base / "tendergen"


def scan(folder_path: Path, origin: str) -> LibrarySources | None:
    """A clause folder's files as read_library_folder would list them, raw bytes only (not parsed).

    None when the folder is missing, holds a misnamed *.yml file or a file cannot be read: the normal
    load then reports it.
    """
    if not folder_path.is_dir():
        return None
    try:
        meta = {name: _raw(folder_path / name) for name in LIBRARY_META_FILES if (folder_path / name).is_file()}
        found = _yaml_below(str(folder_path))
        if found is None:
            return None
        skip = {*LIBRARY_META_FILES, WORKSPACE_FILE}
        labels: dict[str, str] = {}  # a folder's label prefix: each folder is resolved once, not each file
        clauses = []
        for relative, folder_name, name, linked in found:
            if relative in skip:
                continue
            path = folder_path / relative
            prefix = None if linked else labels.get(folder_name)
            if prefix is None:
                label = where(path)
                if not linked and (label == name or label.endswith(os.sep + name)):
                    labels[folder_name] = label[:len(label) - len(name)]
            else:
                label = prefix + name
            clauses.append(Source(None, label, path, _read(path)))
        return LibrarySources(folder_path, origin, meta, tuple(clauses))
    except OSError:
        return None


def _yaml_below(top: str) -> list[tuple[str, str, str, bool]] | None:
    """The *.yaml entries in `top` and below as Path.rglob finds them, sorted by their path relative to top.

    Each as (relative path, its folder, its name, whether it is a link). None if a *.yml name is there
    (read_library_folder refuses those). Like rglob, linked folders are not descended into, and any
    entry whose name matches is listed (folders too). Should the two ever disagree, the cache key
    differs from the stored one and the library is simply validated afresh.
    """
    found = []
    start = len(os.path.join(top, ""))  # noqa: PTH118
    pending = [top]
    while pending:
        current = pending.pop()
        with os.scandir(current) as entries:
            for entry in entries:
                name = entry.name
                if name.endswith(".yml"):
                    return None
                if name.endswith(".yaml"):
                    found.append((entry.path[start:], current, name, entry.is_symlink()))
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
    found.sort()
    return found


def _raw(path: Path) -> Source:
    return Source(None, where(path), path, _read(path))


def _read(path: Path) -> bytes:
    """A file's bytes through os.open/os.read: many times faster than open().read() for many small files."""
    fd = os.open(path, os.O_RDONLY)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks)


@functools.cache
def _code_digest() -> str:
    """The version, the schemas and the core package's source: what turns files into a Library."""
    digest = hashlib.sha256(f"tendergen {__version__} cache format {FORMAT}".encode())
    core = Path(__file__).resolve().parent
    for path in [*sorted((data_root() / "schemas").glob("*.json")), *sorted(core.rglob("*.py"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def key(layers: Iterable[LibrarySources]) -> str:
    """The hash of every input the library is made from (see the module docstring)."""
    digest = hashlib.sha256(_code_digest().encode())
    for layer in layers:
        digest.update(f"\0layer\0{layer.origin}\0{layer.folder}\0".encode())
        for source in (*layer.meta.values(), *sorted(layer.clauses, key=lambda s: str(s.path))):
            digest.update(f"{source.label}\0{source.path}\0".encode())
            digest.update(hashlib.sha256(source.raw).digest())
    return digest.hexdigest()


def _entry(cache_key: str) -> Path:
    return folder() / f"library-{cache_key[:32]}.json"


def load(cache_key: str) -> model.Library | None:
    """The cached library for this key, or None (missing, unreadable, corrupt or for another key)."""
    collecting = gc.isenabled()
    gc.disable()  # tens of thousands of new objects, none of them garbage: no collection passes over them
    try:
        # decoded first: json.loads decodes bytes with "surrogatepass", a much slower path than plain UTF-8
        stored = json.loads(_entry(cache_key).read_bytes().decode("utf-8"))
        if stored.get("format") != FORMAT or stored.get("key") != cache_key:
            return None
        library = decode(stored["library"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    finally:
        if collecting:
            gc.enable()
    return library if isinstance(library, model.Library) else None


def store(cache_key: str, library: model.Library) -> None:
    """Save a validated library (atomically); a cache that cannot be written is silently skipped."""
    try:
        data = json.dumps({"format": FORMAT, "key": cache_key, "library": encode(library)},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        target = _entry(cache_key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".library-", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            Path(tmp).replace(target)
        finally:
            Path(tmp).unlink(missing_ok=True)
        _prune(target.parent)
    except (OSError, TypeError, ValueError):
        return


def _check_entry(kind: str, raw: bytes) -> tuple[Path, str]:
    digest = hashlib.sha256(f"{_code_digest()}\0{kind}\0".encode() + raw).hexdigest()
    return folder() / f"passed-{digest[:32]}.json", digest


def passed(kind: str, raw: bytes) -> Any | None:
    """The plain data of these bytes of this kind of file if they passed validation before, else None.

    "Before" means with this tool and these schemas; the data is what the file parsed into then, so it
    need not be parsed again.
    """
    entry, digest = _check_entry(kind, raw)
    try:
        stored = json.loads(entry.read_bytes())
        if type(stored) is dict and stored.get("format") == FORMAT and stored.get("key") == digest:
            return stored.get("data")
    except (OSError, ValueError):
        pass
    return None


def remember_passed(kind: str, raw: bytes, data: Any) -> None:
    """Record that these bytes passed, with the plain data they parsed into.

    A cache that cannot be written is silently skipped.
    """
    entry, digest = _check_entry(kind, raw)
    try:
        text = json.dumps({"format": FORMAT, "key": digest, "data": data}, ensure_ascii=False)
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".passed-", suffix=".tmp", dir=entry.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(text.encode("utf-8"))
            Path(tmp).replace(entry)
        finally:
            Path(tmp).unlink(missing_ok=True)
        _prune(entry.parent, "passed-*.json")
    except (OSError, TypeError, ValueError):
        return


def near_duplicate_pairs(texts: Sequence[str]) -> Sequence[Sequence[Any]]:
    """lint.near_duplicate_pairs, remembered for the very same texts (and tool): a pure function's result."""
    from tendergen.core import lint

    digest = hashlib.sha256(f"{_code_digest()}\0near-duplicates\0{len(texts)}\0".encode())
    for text in texts:
        digest.update(hashlib.sha256(text.encode("utf-8")).digest())
    key_ = digest.hexdigest()
    entry = folder() / f"pairs-{key_[:32]}.json"
    try:
        stored = json.loads(entry.read_bytes())
        found = stored["pairs"] if stored.get("format") == FORMAT and stored.get("key") == key_ else None
        if isinstance(found, list) and all(
                isinstance(p, list) and len(p) == 3 and type(p[0]) is int and type(p[1]) is int
                and 0 <= p[0] < p[1] < len(texts) and type(p[2]) is float for p in found):
            return found
    except (OSError, ValueError, AttributeError, TypeError):
        pass
    pairs = lint.near_duplicate_pairs(texts)
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".pairs-", suffix=".tmp", dir=entry.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(json.dumps({"format": FORMAT, "key": key_, "pairs": pairs}).encode())
            Path(tmp).replace(entry)
        finally:
            Path(tmp).unlink(missing_ok=True)
        _prune(entry.parent, "pairs-*.json")
    except OSError:
        pass
    return pairs


def _prune(path: Path, pattern: str = "library-*.json") -> None:
    entries = sorted(path.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)


def clear() -> int:
    """Remove every cached library and check; the number removed."""
    entries = [p for pattern in ("library-*.json", "passed-*.json", "pairs-*.json")
               for p in folder().glob(pattern)] if folder().is_dir() else []
    for entry in entries:
        entry.unlink(missing_ok=True)
    return len(entries)


# --- tagged JSON ----------------------------------------------------------------------------------

def _is_plain(value: Any) -> bool:
    if isinstance(value, _PLAIN):
        return True
    if type(value) is list:
        return all(_is_plain(v) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _is_plain(v) for k, v in value.items())
    return False


def encode(value: Any) -> Any:
    """A model object as tagged JSON data; TypeError for anything the cache does not know."""
    if isinstance(value, _PLAIN):
        return value
    if type(value) is list:
        return [encode(v) for v in value]
    if type(value) is tuple:
        return {"t": "tuple", "v": [encode(v) for v in value]}
    if isinstance(value, dict | MappingProxyType):
        if any(type(k) is not str for k in value):
            raise TypeError("mapping keys must be text")
        if isinstance(value, MappingProxyType) and _is_plain(dict(value)):
            return {"t": "plain", "v": dict(value)}
        tag = "dict" if isinstance(value, dict) else "map"
        return {"t": tag, "v": {k: encode(v) for k, v in value.items()}}
    if type(value) is Location:
        return {"t": "L", "v": [value.path, value.line, value.col]}
    name = type(value).__name__
    if dataclasses.is_dataclass(value) and CLASSES.get(name) is type(value):
        derived = _clause_fields(value.data) if isinstance(value, model.Clause) else {}
        fields = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if _same(item, derived[f.name] if f.name in derived else _default(f)):
                continue  # rebuilt from the clause's data, or the field's default, when loaded
            fields[f.name] = encode(item)
        return {"t": name, "v": fields}
    raise TypeError(f"cannot cache a {type(value).__name__}")


_NONE = object()


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return _NONE


def _same(a: Any, b: Any) -> bool:
    return b is not _NONE and type(a) is type(b) and bool(a == b)


def _clause_fields(data: Any) -> dict[str, Any]:
    """The Clause fields that are copies of its data, as validation builds them ({} if data is odd).

    Only fields equal to these are left out of an entry, so an entry is never wrong, only larger, if
    validation ever builds a field differently.
    """
    from tendergen.core.text import flatten
    from tendergen.core.validate.clauses import default_response

    try:
        text = data["text"]
        get = data.get
        evaluation = get("evaluation", {})
        return {
            "id": data["id"], "version": data["version"], "status": data["status"], "title": data["title"],
            "area": data["area"], "document": data["document"], "section": data["section"], "kind": data["kind"],
            "motiv": data["motiv"], "approved_by": get("approved_by", ""), "approved_on": get("approved_on", ""),
            "verifikat": get("verifikat", ""), "acceptance": get("acceptance", ""),
            "legal_review_note": get("legal_review_note", ""), "requires": tuple(get("requires", ())),
            "excludes": tuple(get("excludes", ())), "replaces": tuple(get("replaces", ())),
            "text": text["sv"], "text_en": text.get("en", ""), "summary": flatten(get("summary", "")),
            "response": data["response"] if "response" in data else default_response(data["kind"]),
            "needs_legal_review": get("needs_legal_review", False), "evaluation_weight": evaluation.get("weight"),
            "evaluation_note": evaluation.get("note", ""),
            "legal_basis": tuple([_build(model.LegalRef, {"ref": b["ref"], "provision": b.get("provision")})
                                  for b in get("legal_basis", ())]),
            "parameters": tuple([_build(model.Parameter, {
                "name": name, "type": spec["type"], "default": spec["default"], "description": spec["description"],
                "unit": spec.get("unit", ""), "choices": tuple(spec.get("choices", ())),
                "minimum": spec.get("minimum"), "maximum": spec.get("maximum"), "stricter": spec.get("stricter")})
                for name, spec in get("parameters", {}).items()]),
        }
    except (KeyError, TypeError, AttributeError):
        return {}


def decode(value: Any) -> Any:
    """Tagged JSON data back into model objects; only the known dataclasses are ever constructed."""
    kind = type(value)
    if kind is list:
        return [decode(v) for v in value]
    if kind is not dict:
        return value
    tag, inner = value["t"], value["v"]
    if tag == "L":
        return Location(*inner)
    if tag == "plain":
        return MappingProxyType(inner if type(inner) is dict else dict(inner))
    if tag == "tuple":
        return tuple([decode(v) for v in inner])
    if tag == "dict":
        return {k: decode(v) for k, v in inner.items()}
    if tag == "map":
        return MappingProxyType({k: decode(v) for k, v in inner.items()})
    cls = CLASSES[tag]
    fields = {k: decode(v) for k, v in inner.items()}
    if cls is model.Clause:
        derived = _clause_fields(fields.get("data", {}))
        derived.update(fields)
        fields = derived
    return _build(cls, fields)


@functools.cache
def _defaults(cls: type) -> tuple[frozenset[str], dict[str, Any], bool]:
    """A dataclass's field names, the plain defaults it fills in, and whether it may be built directly."""
    names = frozenset(f.name for f in dataclasses.fields(cls))
    plain_defaults = {f.name: f.default for f in dataclasses.fields(cls) if f.default is not dataclasses.MISSING}
    direct = not hasattr(cls, "__post_init__") and "__slots__" not in vars(cls)
    return names, plain_defaults, direct


def _build(cls: type, fields: dict[str, Any]) -> Any:
    """cls(**fields) for a frozen dataclass without __post_init__, without its per-field setattr calls.

    Anything unusual (an unknown or missing field, a default factory to run) goes through cls(**fields).
    """
    names, plain_defaults, direct = _defaults(cls)
    complete = {**plain_defaults, **fields}
    if not direct or complete.keys() != names:
        return cls(**fields)  # raises for an unknown field; runs the factory of a missing one
    obj: Any = object.__new__(cls)
    object.__setattr__(obj, "__dict__", complete)  # the instance's attributes, as __init__ would set them
    return obj
