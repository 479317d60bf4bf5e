"""Write a build's files atomically, never over a file a person may have edited."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tendergen.core.load import where
from tendergen.errors import InvalidInput, Location, OutputError

MANIFEST = "manifest.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# A file a build may read, write or remove: a plain name in the build folder, never a path, never
# hidden (temporary files and the lock start with a dot).
PLAIN_NAME = re.compile(r"[^./\\:\x00-\x1f][^/\\:\x00-\x1f]{0,254}")


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest.json of a build folder, checked strictly before any of it is used.

    A manifest is input: a crafted one must not make a build read, overwrite or delete anything outside
    its folder. Its shape and types are checked against schemas/manifest.schema.json and every file it
    names must be a plain file name (PLAIN_NAME).
    """
    from tendergen.core.load import read_schema

    path = folder / MANIFEST
    label = where(path)
    hint = "manifest.json is written by `tendergen build`; rebuild into a fresh folder if it was changed"
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError as exc:
        raise InvalidInput("no manifest.json here: not a tendergen build folder", location=Location(where(folder)),
                           hint="give the folder that `tendergen build -o` wrote") from exc
    except OSError as exc:
        raise InvalidInput(f"cannot read manifest.json: {exc.strerror}", location=Location(label), hint=hint) from exc
    except UnicodeDecodeError as exc:
        raise InvalidInput("manifest.json is not UTF-8 text", location=Location(label), hint=hint) from exc
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"manifest.json is not valid JSON: {exc.msg}",
                           location=Location(label, exc.lineno, exc.colno), hint=hint) from exc
    except RecursionError as exc:
        raise InvalidInput("manifest.json is nested too deeply", location=Location(label), hint=hint) from exc
    from jsonschema import Draft202012Validator

    errors = sorted(Draft202012Validator(read_schema("manifest.schema.json")).iter_errors(data),
                    key=lambda e: [str(p) for p in e.absolute_path])
    wrong = [(_json_path(e.absolute_path), e.message[:200]) for e in errors]
    if not wrong:
        files = [(f"outputs[{i}].file", o["file"]) for i, o in enumerate(data["outputs"])]
        files += [("matrix.file", data["matrix"]["file"])] if "matrix" in data else []
        wrong = [(at, f"{name[:100]!r} is not a plain file name in the build folder")
                 for at, name in files if not PLAIN_NAME.fullmatch(name)]
    if wrong:
        more = f" (and {len(wrong) - 1} more)" if len(wrong) > 1 else ""
        raise InvalidInput(f"{wrong[0][0]}: {wrong[0][1]}{more}", location=Location(label), hint=hint)
    result: dict[str, Any] = data
    return result


def _json_path(path: Iterable[Any]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".") or "manifest"


def recorded_outputs(out_dir: Path) -> dict[str, str]:
    """The output hashes the previous build recorded in out_dir, or {} when there was none."""
    if not (out_dir / MANIFEST).exists():
        return {}
    try:
        data = read_manifest(out_dir)
    except InvalidInput as exc:
        raise OutputError(f"the existing manifest.json cannot be used: {exc.message}", location=exc.location,
                          hint="move the folder aside (or delete manifest.json) and build again") from exc
    return {o["file"]: o["sha256"] for o in data["outputs"]}


def edited_files(out_dir: Path, names: list[str], recorded: Mapping[str, str]) -> list[str]:
    """Files in out_dir that a build would replace but that differ from what the last build recorded."""
    return [n for n in names if (out_dir / n).exists() and recorded.get(n) != sha256((out_dir / n).read_bytes())]


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def write_build(out_dir: Path, files: Mapping[str, bytes], manifest: Mapping[str, Any], *, force: bool) -> list[str]:
    """Write every file, then the manifest, each atomically; return stale files removed.

    Refuses (unless force) when an existing output differs from the hash the last manifest recorded:
    somebody edited it after the build. Unchanged outputs the new build no longer produces are removed.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    recorded = recorded_outputs(out_dir)
    edited = edited_files(out_dir, list(files), recorded)
    if edited and not force:
        raise OutputError(
            "these files were changed after the last build and would be overwritten: " + ", ".join(edited),
            location=Location(where(out_dir)),
            hint="save your edits elsewhere, choose another output folder, or rebuild with --force",
        )
    staged: list[tuple[Path, Path]] = []
    try:
        for name, data in [*files.items(), (MANIFEST, manifest_bytes(manifest))]:
            staged.append((stage(out_dir / name, data), out_dir / name))
        for tmp, final in staged:
            tmp.replace(final)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
    removed = []
    for name, digest in sorted(recorded.items()):
        path = out_dir / name
        if name not in files and path.is_file() and not path.is_symlink() and sha256(path.read_bytes()) == digest:
            path.unlink()
            removed.append(name)
    return removed


def stage(path: Path, data: bytes) -> Path:
    """Write data to a temporary file beside `path` (synced to disk) and return its path."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        Path(tmp).chmod(0o666 & ~_umask())  # mkstemp creates 0600; outputs are ordinary shared documents
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, data: bytes) -> None:
    """Write one file atomically: a synced temporary file renamed into place."""
    stage(path, data).replace(path)
