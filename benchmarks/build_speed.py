"""Print how long the pipeline takes: --help, load + validate, select, and a full build per example.

Usage: python benchmarks/build_speed.py [ROUNDS]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(fn, rounds: int) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    help_s = timed(lambda: subprocess.run([sys.executable, "-m", "tendergen", "--help"], check=True,
                                          capture_output=True), rounds)
    print(f"tendergen --help (new process): {help_s * 1000:.0f} ms")

    from tendergen import api
    from tendergen.core import select

    load_s = timed(lambda: api.open_session(start=ROOT), rounds)
    session = api.open_session(start=ROOT)
    print(f"load + validate library ({len(session.library.clauses)} clauses): {load_s * 1000:.0f} ms")
    for profile_path in sorted((ROOT / "examples").glob("*.yaml")):
        profile = api.load_profile(session, profile_path)
        select_s = timed(lambda: select.select(session.library, profile), rounds)  # noqa: B023
        with tempfile.TemporaryDirectory() as tmp:
            build_s = timed(lambda: api.build(session, profile_path, Path(tmp), force=True), rounds)  # noqa: B023
            result = api.build(session, profile_path, Path(tmp), force=True)
        included = result.included
        print(f"{profile_path.name}: {included} clauses, {len(result.files)} documents; "
              f"select {select_s * 1000:.1f} ms, build {build_s * 1000:.0f} ms")


if __name__ == "__main__":
    main()
