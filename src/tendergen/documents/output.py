"""Write a build's files atomically, never over a file a person may have edited."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
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
        data = json.loads(path.read_bytes().decode("utf-8"), parse_constant=_no_constant)
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
    except ValueError as exc:  # NaN or Infinity, refused by _no_constant
        raise InvalidInput(f"manifest.json is not valid: {exc}", location=Location(label), hint=hint) from exc
    except RecursionError as exc:
        raise InvalidInput("manifest.json is nested too deeply", location=Location(label), hint=hint) from exc
    from jsonschema import Draft202012Validator

    errors = sorted(Draft202012Validator(read_schema("manifest.schema.json")).iter_errors(data),
                    key=lambda e: [str(p) for p in e.absolute_path])
    wrong = [(_json_path(e.absolute_path), e.message[:200]) for e in errors]
    if not wrong:
        files = [(f"outputs[{i}].file", o["file"]) for i, o in enumerate(data["outputs"])]
        files += [(f"{key}.file", data[key]["file"]) for key in ("matrix", "prices") if key in data]
        files += [("prices.file", data["prices"]["file"])] if "prices" in data else []
        wrong = [(at, f"{name[:100]!r} is not a plain file name in the build folder")
                 for at, name in files if not PLAIN_NAME.fullmatch(name)]
    if wrong:
        more = f" (and {len(wrong) - 1} more)" if len(wrong) > 1 else ""
        raise InvalidInput(f"{wrong[0][0]}: {wrong[0][1]}{more}", location=Location(label), hint=hint)
    result: dict[str, Any] = data
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a manifest may hold")


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


STAGING = ".tendergen-staging"  # the next build, complete once its manifest.json is in it
LOCK = ".tendergen.lock"


def write_build(out_dir: Path, files: Mapping[str, bytes], manifest: Mapping[str, Any], *, force: bool) -> list[str]:
    """Write a build into out_dir as one unit, under a lock; return the stale outputs removed.

    Refuses (unless force) when an existing output differs from the hash the last manifest recorded:
    somebody edited it after the build. The whole build is first written into out_dir/.tendergen-staging/
    with its manifest last; only a complete staging folder is moved into place (documents first, the
    manifest last), so a killed build leaves either the old build or a staging folder that the next build
    (or `verify`) finishes. Unchanged outputs the new build no longer produces are removed.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with folder_lock(out_dir):
            recover(out_dir)
            recorded = recorded_outputs(out_dir)
            edited = edited_files(out_dir, list(files), recorded)
            if edited and not force:
                raise OutputError(
                    "these files were changed after the last build and would be overwritten: " + ", ".join(edited),
                    location=Location(where(out_dir)),
                    hint="save your edits elsewhere, choose another output folder, or rebuild with --force",
                )
            staging = out_dir / STAGING
            try:
                staging.mkdir()
                for name, data in files.items():
                    write_synced(staging / name, data)
                write_synced(staging / MANIFEST, manifest_bytes(manifest))
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
            # what recover() would read back from the staged manifest, known here
            return _publish(out_dir, [o["file"] for o in manifest["outputs"]], recorded)
    except OSError as exc:
        raise OutputError(f"cannot write the build: {exc.strerror or exc}", location=Location(where(out_dir)),
                          hint="check that the output folder is a writable folder with free space; "
                               "the previous build in it is unchanged") from exc


def recover(out_dir: Path) -> list[str]:
    """Finish a staged build (move it into place, manifest last) or drop an incomplete one.

    Returns the stale outputs of the previous build that were removed. Temporary files left by a killed
    single-file write are removed too. Call with the folder lock held.
    """
    for leftover in out_dir.glob(".*.tmp"):
        leftover.unlink(missing_ok=True)
    staging = out_dir / STAGING
    if not staging.is_dir():
        return []
    if not (staging / MANIFEST).is_file():
        shutil.rmtree(staging)
        return []
    try:
        names = [o["file"] for o in read_manifest(staging)["outputs"]]
    except InvalidInput:  # not written by a build: drop it
        shutil.rmtree(staging)
        return []
    recorded = recorded_outputs(out_dir) if (out_dir / MANIFEST).is_file() else {}
    return _publish(out_dir, names, recorded)


def _publish(out_dir: Path, names: Sequence[str], recorded: Mapping[str, str]) -> list[str]:
    """Move the complete staged build into place (manifest last); remove the unchanged stale outputs."""
    staging = out_dir / STAGING
    for name in names:
        if (staging / name).exists():
            (staging / name).replace(out_dir / name)
    (staging / MANIFEST).replace(out_dir / MANIFEST)
    _sync(out_dir)
    shutil.rmtree(staging)
    removed = []
    for name, digest in sorted(recorded.items()):
        path = out_dir / name
        if name not in names and path.is_file() and not path.is_symlink() and sha256(path.read_bytes()) == digest:
            path.unlink()
            removed.append(name)
    return removed


def finish_interrupted(out_dir: Path) -> None:
    """Before reading a build folder: finish a build that was killed while moving its files into place."""
    if not (out_dir / STAGING).exists():
        return
    try:
        with folder_lock(out_dir):
            recover(out_dir)
    except OSError as exc:
        raise OutputError(f"cannot finish the interrupted build in this folder: {exc.strerror or exc}",
                          location=Location(where(out_dir)), hint="build again into the folder") from exc


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on a build folder; a second build into it fails at once, clearly."""
    try:
        import fcntl
    except ImportError:  # not on Unix: no lock
        yield
        return
    fd = os.open(folder / LOCK, os.O_CREAT | os.O_RDWR, 0o666 & ~_umask())
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise OutputError("another tendergen build is writing into this folder",
                              location=Location(where(folder)),
                              hint="wait until it has finished, then build again") from exc
        yield
    finally:
        os.close(fd)


def write_synced(path: Path, data: bytes) -> None:
    with path.open("xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _sync(folder: Path) -> None:
    """Flush a folder's entries (the renames) to disk, where the platform allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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
    """Write one file atomically: a synced temporary file renamed into place; the old file stays on failure."""
    try:
        tmp = stage(path, data)
        try:
            tmp.replace(path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"cannot write the file: {exc.strerror or exc}", location=Location(where(path)),
                          hint="check that its folder exists and is writable and that the disk has space") from exc
