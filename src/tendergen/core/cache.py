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
from tendergen.core.load import LIBRARY_META_FILES, LibrarySources, Source, data_root, where
from tendergen.errors import Location

FORMAT = 1
KEEP = 16  # entries kept; older ones are removed when a new one is stored
CLASSES: dict[str, type] = {cls.__name__: cls for cls in (
    model.Library, model.Clause, model.Parameter, model.LegalRef, model.Rule, model.Reference, model.Threshold,
    model.Document, model.Fact, model.ScaleStep, Location)}
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

    None when the folder is missing or a file cannot be read: the normal load then reports it.
    """
    if not folder_path.is_dir():
        return None
    try:
        meta = {name: _raw(folder_path / name) for name in LIBRARY_META_FILES if (folder_path / name).is_file()}
        files = [folder_path / name for name in _yaml_below(str(folder_path))]
        return LibrarySources(folder_path, origin, meta, tuple(_raw(p) for p in files))
    except OSError:
        return None


def _yaml_below(top: str) -> list[str]:
    """The *.yaml names in the sub-folders of `top`, relative to it, as Path.rglob finds them.

    os.walk is several times faster than rglob. Like rglob it does not descend into linked folders, and
    it lists any entry whose name matches (folders too). Should the two ever disagree, the cache key
    differs from the stored one and the library is simply validated afresh.
    """
    import fnmatch

    found = []
    for folder, folders, files in os.walk(top):
        if folder == top:
            continue
        relative = os.path.relpath(folder, top)
        found += [os.path.join(relative, name)  # noqa: PTH118
                  for name in (*folders, *files) if fnmatch.fnmatch(name, "*.yaml")]
    return sorted(found)


def _raw(path: Path) -> Source:
    with open(path, "rb") as handle:  # noqa: PTH123 - a little faster than Path.read_bytes, once per file
        return Source(None, where(path), path, handle.read())


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
    try:
        stored = json.loads(_entry(cache_key).read_bytes())
        if stored.get("format") != FORMAT or stored.get("key") != cache_key:
            return None
        library = decode(stored["library"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
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


def passed(kind: str, raw: bytes) -> bool:
    """Whether these bytes of this kind of file passed validation before (with this tool and schemas)."""
    entry, digest = _check_entry(kind, raw)
    try:
        return bool(json.loads(entry.read_bytes()) == {"format": FORMAT, "key": digest})
    except (OSError, ValueError):
        return False


def remember_passed(kind: str, raw: bytes) -> None:
    """Record that these bytes passed; a cache that cannot be written is silently skipped."""
    entry, digest = _check_entry(kind, raw)
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".passed-", suffix=".tmp", dir=entry.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(json.dumps({"format": FORMAT, "key": digest}).encode())
            Path(tmp).replace(entry)
        finally:
            Path(tmp).unlink(missing_ok=True)
        _prune(entry.parent, "passed-*.json")
    except OSError:
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
        evaluation = data.get("evaluation", {})
        result = {name: data[name] for name in ("id", "version", "status", "title", "area", "document", "section",
                                                "kind", "motiv")}
        result.update({name: data.get(name, "") for name in ("approved_by", "approved_on", "verifikat",
                                                             "acceptance", "legal_review_note")})
        result.update({name: tuple(data.get(name, ())) for name in ("requires", "excludes", "replaces")})
        result.update(
            text=text["sv"], text_en=text.get("en", ""), summary=flatten(data.get("summary", "")),
            response=data.get("response", default_response(data["kind"])),
            needs_legal_review=data.get("needs_legal_review", False), evaluation_weight=evaluation.get("weight"),
            evaluation_note=evaluation.get("note", ""),
            legal_basis=tuple(model.LegalRef(b["ref"], b.get("provision")) for b in data.get("legal_basis", ())),
            parameters=tuple(model.Parameter(
                name=name, type=spec["type"], default=spec["default"], description=spec["description"],
                unit=spec.get("unit", ""), choices=tuple(spec.get("choices", ())), minimum=spec.get("minimum"),
                maximum=spec.get("maximum"), stricter=spec.get("stricter"))
                for name, spec in data.get("parameters", {}).items()),
        )
    except (KeyError, TypeError, AttributeError):
        return {}
    return result


def decode(value: Any) -> Any:
    """Tagged JSON data back into model objects; only the known dataclasses are ever constructed."""
    if type(value) is list:
        return [decode(v) for v in value]
    if type(value) is not dict:
        return value
    tag, inner = value["t"], value["v"]
    if tag == "tuple":
        return tuple(decode(v) for v in inner)
    if tag == "plain":
        return MappingProxyType(dict(inner))
    if tag == "dict":
        return {k: decode(v) for k, v in inner.items()}
    if tag == "map":
        return MappingProxyType({k: decode(v) for k, v in inner.items()})
    if tag == "L":
        return Location(*inner)
    cls = CLASSES[tag]
    fields = {k: decode(v) for k, v in inner.items()}
    if cls is model.Clause:
        fields = {**_clause_fields(fields.get("data", {})), **fields}
    return _build(cls, fields)


@functools.cache
def _defaults(cls: type) -> tuple[frozenset[str], tuple[tuple[str, Any], ...]]:
    """A dataclass's field names and the defaults (made fresh by their factories) it fills in."""
    names = frozenset(f.name for f in dataclasses.fields(cls))
    plain_defaults = tuple((f.name, f.default) for f in dataclasses.fields(cls)
                           if f.default is not dataclasses.MISSING)
    return names, plain_defaults


def _build(cls: type, fields: dict[str, Any]) -> Any:
    """cls(**fields) for a frozen dataclass without __post_init__, without its per-field setattr calls.

    Anything unusual (an unknown or missing field, a default factory to run) goes through cls(**fields).
    """
    names, plain_defaults = _defaults(cls)
    if not fields.keys() <= names or hasattr(cls, "__post_init__") or "__slots__" in vars(cls):
        return cls(**fields)
    complete = {name: value for name, value in plain_defaults if name not in fields}
    complete.update(fields)
    if complete.keys() != names:
        return cls(**fields)  # a field with a default factory is missing: let the class fill it
    obj: Any = object.__new__(cls)
    obj.__dict__.update(complete)
    return obj

