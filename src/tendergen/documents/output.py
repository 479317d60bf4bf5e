"""Write a build's files atomically, never over a file a person may have edited."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tendergen.core.load import where
from tendergen.errors import Location, OutputError

MANIFEST = "manifest.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def recorded_outputs(out_dir: Path) -> dict[str, str]:
    """The output hashes the previous build recorded in out_dir, or {} when there was none."""
    path = out_dir / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
        return {o["file"]: o["sha256"] for o in data["outputs"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise OutputError("the existing manifest.json cannot be read", location=Location(where(path)),
                          hint="move the folder aside or build with --force") from exc


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
        if name not in files and path.is_file() and sha256(path.read_bytes()) == digest:
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
