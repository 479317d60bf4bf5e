"""Batch builds: many profiles, each into its own sub-folder, in a pool of worker processes.

Each profile is built exactly as `api.build` builds it alone (same bytes), into OUT/<profile file stem>/.
A profile that fails is recorded with its located error; it never stops or touches the others, since
every build writes only its own folder (atomically, file by file). The library is loaded once in the
calling process; forked workers inherit it, other start methods load it once per worker. When the builds
lay documents out in LibreOffice (TOC page numbers, PDFs), one LibreOffice per worker serves all of that
worker's profiles, instead of one started and stopped for every profile.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tendergen import api
from tendergen.core import load
from tendergen.errors import InvalidInput, Location, TendergenError


@dataclass(frozen=True)
class Outcome:
    """What became of one profile in a batch."""

    profile: Path
    folder: Path
    built: bool
    error: str = ""
    exit_code: int = 0
    clauses: int = 0
    documents: int = 0
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()
    draft: tuple[str, ...] = field(default=())


def expand(paths: Sequence[Path]) -> list[Path]:
    """The profiles named: files as given, folders as their *.yaml files (tendergen.yaml left out).

    A file named twice (directly or through its folder) is built once.
    """
    result: dict[Path, Path] = {}
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.glob("*.yaml") if p.name != load.WORKSPACE_FILE and p.is_file())
        else:
            found = [path]
        for profile in found:
            result.setdefault(profile.resolve(), profile)
    return list(result.values())


def folders(profiles: Sequence[Path], out_dir: Path) -> list[Path]:
    """OUT/<stem> for each profile; two profiles with the same file name would share one, which is refused."""
    seen: dict[str, Path] = {}
    clashes = []
    for profile in profiles:
        if profile.stem in seen and seen[profile.stem].resolve() != profile.resolve():
            clashes.append(InvalidInput(f"{profile.name} is also the name of {load.where(seen[profile.stem])}: "
                                        "both would be built into the same folder",
                                        location=Location(load.where(profile)),
                                        hint="rename one of them, or build them in separate runs"))
        seen.setdefault(profile.stem, profile)
    if clashes:
        raise InvalidInput(problems=clashes)
    return [out_dir / p.stem for p in profiles]


_session: api.Session | None = None
OFFICE_PIPE = "TENDERGEN_OFFICE_PIPE"  # the LibreOffice that documents.pdf attaches to


def _init(workspace_file: Path | None, options: dict[str, Any], pipes: Any = None) -> None:
    """Worker start: keep an inherited (forked) session, or load the library once; take a LibreOffice."""
    global _session
    if pipes is not None:
        with contextlib.suppress(Exception):  # none left (cannot happen): this worker's builds start their own
            os.environ[OFFICE_PIPE] = pipes.get(timeout=5)
    if _session is None:
        _session = api.open_session(workspace_file, **options)


@contextlib.contextmanager
def _offices(count: int, wanted: bool) -> Iterator[list[str]]:
    """The pipes of `count` LibreOffice processes started for this batch (none if not wanted or one is shared)."""
    if not wanted or os.environ.get(OFFICE_PIPE):
        yield []
        return
    from tendergen.documents import pdf

    with pdf.offices(count) as pipes:
        yield pipes


@contextlib.contextmanager
def _office_here(pipe: str | None) -> Iterator[None]:
    """Builds in this process use the LibreOffice on `pipe` (if any) for the duration of the block."""
    before = os.environ.get(OFFICE_PIPE)
    if pipe:
        os.environ[OFFICE_PIPE] = pipe
    try:
        yield
    finally:
        if pipe:
            if before is None:
                os.environ.pop(OFFICE_PIPE, None)
            else:
                os.environ[OFFICE_PIPE] = before


def _build_one(profile: Path, folder: Path, options: dict[str, bool]) -> Outcome:
    assert _session is not None
    started = time.perf_counter()
    try:
        result = api.build(_session, profile, folder, **options)
    except TendergenError as exc:
        return Outcome(profile, folder, False, error=str(exc),
                       exit_code=exc.exit_code, seconds=time.perf_counter() - started)
    except Exception as exc:  # a bug must not take the other profiles with it; report it in full
        detail = "".join(traceback.format_exception(exc)).rstrip()
        return Outcome(profile, folder, False, error=f"internal error (please report it):\n{detail}", exit_code=1,
                       seconds=time.perf_counter() - started)
    return Outcome(profile, folder, True, clauses=result.included,
                   documents=len(result.files), seconds=time.perf_counter() - started, warnings=result.warnings,
                   draft=result.draft)


def run(session: api.Session, profiles: Sequence[Path], out_dir: Path, *, jobs: int | None = None,
        force: bool = False, draft: bool = False, toc_pages: bool = False, pdf: bool = False,
        session_options: dict[str, Any] | None = None, on_done: Callable[[Outcome], None] | None = None
        ) -> list[Outcome]:
    """Build every profile into its own folder under out_dir; outcomes in the order of `profiles`.

    `jobs` worker processes (default: the number of cores; 1 builds in this process). The build options
    are api.build's. `session_options` are passed to `api.open_session` by workers that cannot inherit
    the session.
    """
    options = {"force": force, "draft": draft, "toc_pages": toc_pages, "pdf": pdf}
    global _session
    targets = folders(profiles, out_dir)
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(profiles) or 1))
    outcomes: dict[int, Outcome] = {}
    previous, _session = _session, session
    try:
        with _offices(jobs, toc_pages or pdf) as pipes:
            if jobs == 1:
                with _office_here(pipes[0] if pipes else None):
                    for i, (profile, folder) in enumerate(zip(profiles, targets, strict=True)):
                        outcomes[i] = _build_one(profile, folder, options)
                        if on_done:
                            on_done(outcomes[i])
            else:
                _pool(session, profiles, targets, options, jobs, pipes, session_options, outcomes, on_done)
    finally:
        _session = previous
    return [outcomes[i] for i in range(len(profiles))]


def _pool(session: api.Session, profiles: Sequence[Path], targets: Sequence[Path], options: dict[str, bool],
          jobs: int, pipes: Sequence[str], session_options: dict[str, Any] | None, outcomes: dict[int, Outcome],
          on_done: Callable[[Outcome], None] | None) -> None:
    """Build in `jobs` worker processes, each given one of the LibreOffice `pipes` (if any)."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    queue: Any = None
    if pipes:
        queue = context.Queue()
        for pipe in pipes:
            queue.put(pipe)
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init,
                             initargs=(session.workspace_path, session_options or {}, queue)) as pool:
        futures: dict[Future[Outcome], int] = {
            pool.submit(_build_one, profile, folder, options): i
            for i, (profile, folder) in enumerate(zip(profiles, targets, strict=True))}
        for future in as_completed(futures):
            i = futures[future]
            try:
                outcomes[i] = future.result()
            except BrokenProcessPool as exc:
                outcomes[i] = Outcome(profiles[i], targets[i], False, exit_code=1,
                                      error=f"the worker process building it stopped: {exc}")
            if on_done:
                on_done(outcomes[i])


def exit_code(outcomes: Sequence[Outcome]) -> int:
    """0 when all were built, else the highest exit code among the failures."""
    return max((o.exit_code for o in outcomes if not o.built), default=0)
