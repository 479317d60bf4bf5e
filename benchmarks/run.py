"""Measure every performance target of issue 16 in one run and print one table.

Usage: python benchmarks/run.py [--rounds N] [--skip-batch] [--office N]

Generates (into a temporary folder) a workspace layering 1,000 clauses over the bundled library (1,148
clauses in all) and 100 profiles, then times whole processes (medians of N rounds) and compares each
figure with the target as a ratio. The cache lives in a temporary XDG_CACHE_HOME. The machine may be
shared: ratios measured in the same run are the figures to read, not the absolute times.

LibreOffice is off for every figure (TENDERGEN_SOFFICE=none), so the single build and the batch compare
like with like: neither lays documents out for table-of-contents page numbers. With --office N (LibreOffice
installed) one more row compares a batch of N profiles built with --toc-pages (one LibreOffice per worker)
with N single builds with --toc-pages (one LibreOffice each), at the batch target's proportion (20× per 100).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

TENDERGEN = [sys.executable, "-m", "tendergen"]
LARGEST = ROOT / "examples" / "saas-verksamhetssystem.yaml"


@dataclass
class Sample:
    seconds: float
    peak_kib: int


def run(cmd: Sequence[str], cwd: Path, env: dict[str, str], ok: Sequence[int] = (0,)) -> Sample:
    """Run one process to its end; its wall time and peak resident memory (from wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}:\n{err.decode('utf-8', 'replace')[-2000:]}")
    return Sample(seconds, usage.ru_maxrss)


def median(make: Callable[[], Sample], rounds: int) -> Sample:
    samples = [make() for _ in range(rounds)]
    return Sample(statistics.median(s.seconds for s in samples), max(s.peak_kib for s in samples))


def paired(first: Callable[[], Sample], second: Callable[[], Sample], rounds: int) -> tuple[Sample, Sample]:
    """Both measured in turn (first, second, first, …) so that load from other work hits both alike."""
    a, b = [], []
    for _ in range(rounds):
        a.append(first())
        b.append(second())
    return (Sample(statistics.median(s.seconds for s in a), max(s.peak_kib for s in a)),
            Sample(statistics.median(s.seconds for s in b), max(s.peak_kib for s in b)))


@dataclass
class Row:
    target: str
    measured: str
    ratio: float | None
    limit: float
    peak_kib: int
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.ratio is None:
            return "not measured"
        return "met" if self.ratio <= self.limit else "NOT MET"


def supports(option: str, env: dict[str, str], *command: str) -> bool:
    out = subprocess.run([*TENDERGEN, *command, "--help"], env=env, capture_output=True, text=True, cwd=ROOT)
    return option in out.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--office", type=int, default=0, metavar="N",
                        help="also measure a batch of N profiles with --toc-pages against single builds with it")
    args = parser.parse_args()
    rounds = args.rounds
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="tendergen-bench-") as tmp_name:
        tmp = Path(tmp_name)
        # No LibreOffice: table-of-contents page numbers (a LibreOffice run per build) are not measured here.
        env = {**os.environ, "XDG_CACHE_HOME": str(tmp / "cache"), "SOURCE_DATE_EPOCH": "1795219200",
               "TENDERGEN_SOFFICE": "none"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode compiled: so should this
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "tendergen")], env=env,
                       capture_output=True)
        ws_file = generate.workspace(tmp / "ws")
        ws_dir = ws_file.parent
        plain_dir = tmp / "plain"
        plain_dir.mkdir()
        profiles = generate.profiles(tmp / "profiles")
        has_cache = supports("--no-cache", env)
        no_cache = ["--no-cache"] if has_cache else []
        clause_count = 1148

        # --help and --version against `python -c "import click"`
        for flag in ("--help", "--version"):
            click_s, s = paired(lambda: run([sys.executable, "-c", "import click"], plain_dir, env),
                                lambda f=flag: run([*TENDERGEN, f], plain_dir, env), rounds * 4)  # type: ignore[misc]
            rows.append(Row(f"tendergen {flag} ≤ 1.3× python -c 'import click'",
                            f"{s.seconds * 1000:.0f} ms vs {click_s.seconds * 1000:.0f} ms",
                            s.seconds / click_s.seconds, 1.3, s.peak_kib))

        # warm validate of the 1,148-clause workspace against a validate of the bundled library alone
        run([*TENDERGEN, "validate"], plain_dir, env)  # fill the caches (when there is one)
        run([*TENDERGEN, "validate"], ws_dir, env)
        bundled, warm = paired(lambda: run([*TENDERGEN, "validate"], plain_dir, env),
                               lambda: run([*TENDERGEN, "validate"], ws_dir, env), rounds * 2)
        rows.append(Row("warm validate, 1,148-clause workspace ≤ 1.5× validate of the bundled library",
                        f"{warm.seconds * 1000:.0f} ms vs {bundled.seconds * 1000:.0f} ms",
                        warm.seconds / bundled.seconds, 1.5, warm.peak_kib,
                        "both warm (cached)" if has_cache else "no cache yet: warm = cold"))
        if has_cache:
            warm2, bundled_cold = paired(lambda: run([*TENDERGEN, "validate"], ws_dir, env),
                                         lambda: run([*TENDERGEN, "--no-cache", "validate"], plain_dir, env), rounds)
            rows.append(Row("  the same, against the bundled library validated afresh (--no-cache)",
                            f"{warm2.seconds * 1000:.0f} ms vs {bundled_cold.seconds * 1000:.0f} ms",
                            warm2.seconds / bundled_cold.seconds, 1.5, warm2.peak_kib, "the other reading"))

        # cold load per clause: library loading and validation in a fresh process, imports excluded
        probe = ("import sys, time\nfrom pathlib import Path\nfrom tendergen import api\n"
                 "kw = {'cache': False} if 'cache' in api.open_session.__code__.co_varnames else {}\n"
                 "t = time.perf_counter()\ns = api.open_session(Path('tendergen.yaml'), **kw)\n"
                 "sys.stderr.write(f'{time.perf_counter() - t} {len(s.library.clauses)}')\n")
        loads = []
        for _ in range(rounds):
            out = subprocess.run([sys.executable, "-c", probe], cwd=ws_dir, env=env, capture_output=True, text=True,
                                 check=True)
            seconds, count = out.stderr.split()
            loads.append(float(seconds))
            clause_count = int(count)
        per_clause = min(loads) / clause_count * 1000  # an absolute time: the least disturbed run
        cold = median(lambda: run([*TENDERGEN, *no_cache, "validate"], ws_dir, env), rounds)
        peak = cold.peak_kib
        rows.append(Row(f"cold load ≤ 2.5 ms per clause ({clause_count} clauses, imports excluded, best run)",
                        f"{per_clause:.2f} ms/clause (median {statistics.median(loads) / clause_count * 1000:.2f}); "
                        f"whole cold validate {cold.seconds * 1000:.0f} ms",
                        per_clause / 2.5, 1.0, peak))

        # lint against validate on the same workspace
        lint, validated = paired(lambda: run([*TENDERGEN, "lint"], ws_dir, env, ok=(0, 3)),
                                 lambda: run([*TENDERGEN, "validate"], ws_dir, env), rounds)
        rows.append(Row(f"lint ≤ 2× validate ({clause_count} clauses, 20 planted near-duplicates)",
                        f"{lint.seconds * 1000:.0f} ms vs {validated.seconds * 1000:.0f} ms",
                        lint.seconds / validated.seconds, 2.0, lint.peak_kib,
                        "warm: library and near-duplicate pairs cached"))
        cold_lint, cold_validate = paired(lambda: run([*TENDERGEN, *no_cache, "lint"], ws_dir, env, ok=(0, 3)),
                                          lambda: run([*TENDERGEN, *no_cache, "validate"], ws_dir, env),
                                          max(rounds // 2, 1))
        rows.append(Row("lint --no-cache ≤ 2× validate --no-cache (same workspace)",
                        f"{cold_lint.seconds * 1000:.0f} ms vs {cold_validate.seconds * 1000:.0f} ms",
                        cold_lint.seconds / cold_validate.seconds, 2.0, cold_lint.peak_kib,
                        "cold: everything validated and indexed afresh"))

        # one single build (whole process) and the batch of 100 profiles with --jobs 2
        def one_build() -> Sample:
            return run([*TENDERGEN, "build", str(LARGEST), "-o", str(tmp / "single"), "--force"], plain_dir, env)

        singles = [one_build() for _ in range(rounds)]
        single = Sample(statistics.median(s.seconds for s in singles), max(s.peak_kib for s in singles))
        if args.skip_batch or not supports("--jobs", env, "build"):
            rows.append(Row("batch: 100 profiles --jobs 2 ≤ 20× one single build", "skipped", None, 20.0, 0,
                            "no batch build" if not args.skip_batch else "--skip-batch"))
        else:
            batch = run([*TENDERGEN, "build", *map(str, profiles), "-o", str(tmp / "batch"), "--jobs", "2"],
                        plain_dir, env)
            singles += [one_build() for _ in range(rounds)]  # before and after the batch: the same conditions
            single = Sample(statistics.median(s.seconds for s in singles), max(s.peak_kib for s in singles))
            rows.append(Row("batch: 100 profiles --jobs 2 ≤ 20× one single build (whole processes)",
                            f"{batch.seconds:.1f} s vs {single.seconds * 1000:.0f} ms",
                            batch.seconds / single.seconds, 20.0, batch.peak_kib,
                            "LibreOffice off in both (no TOC page numbers)"))

        if args.office:
            office_env = {**env}
            office_env.pop("TENDERGEN_SOFFICE")
            office_env.pop("TENDERGEN_OFFICE_PIPE", None)

            def office_build() -> Sample:
                return run([*TENDERGEN, "build", str(LARGEST), "-o", str(tmp / "single-office"), "--force",
                            "--toc-pages"], plain_dir, office_env)

            office_single = median(office_build, max(rounds // 2, 1))
            count = min(args.office, len(profiles))
            office_batch = run([*TENDERGEN, "build", *map(str, profiles[:count]), "-o", str(tmp / "batch-office"),
                                "--jobs", "2", "--toc-pages"], plain_dir, office_env)
            rows.append(Row(f"batch with LibreOffice: {count} profiles --toc-pages --jobs 2 ≤ {count / 5:g}× one "
                            "single build --toc-pages",
                            f"{office_batch.seconds:.1f} s vs {office_single.seconds * 1000:.0f} ms",
                            office_batch.seconds / office_single.seconds, count / 5, office_batch.peak_kib,
                            "TOC page numbers laid out by LibreOffice in both"))

        # full build of the largest example against the floor (in one fresh process, warm session)
        probe = (f"import sys\nsys.path.insert(0, {str(HERE)!r})\nimport floor\n"
                 f"floor.compare({str(LARGEST)!r}, {str(tmp / 'fl')!r}, {rounds})\n")
        out = subprocess.run([sys.executable, "-c", probe], cwd=plain_dir, env=env, capture_output=True, text=True,
                             check=True)
        build_s, floor_s, peak_kib = (float(x) for x in out.stdout.split())
        rows.append(Row("full build of the largest example ≤ 1.0× the python-docx/openpyxl floor",
                        f"{build_s * 1000:.0f} ms vs {floor_s * 1000:.0f} ms",
                        build_s / floor_s, 1.0, int(peak_kib), "in-process, library loaded"))

    width = max(len(r.target) for r in rows)
    mwidth = max(len(r.measured) for r in rows)
    print(f"{'target':<{width}}  {'measured':<{mwidth}}  {'ratio':>6}  {'limit':>5}  {'verdict':<12}  peak MiB  note")
    for r in rows:
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else "-"
        print(f"{r.target:<{width}}  {r.measured:<{mwidth}}  {ratio:>6}  {r.limit:>5.1f}  {r.verdict:<12}  "
              f"{r.peak_kib / 1024:8.0f}  {r.note}")
    print(f"single build of {LARGEST.name} (whole process): {single.seconds * 1000:.0f} ms, "
          f"peak {single.peak_kib / 1024:.0f} MiB; rounds: {rounds}; cores: {os.cpu_count()} "
          "(shared with other work: figures are noisy, read the ratios)")
    print("LibreOffice off (TENDERGEN_SOFFICE=none) for every row but the --office one: single builds and batches "
          "alike are measured without table-of-contents page numbers")


if __name__ == "__main__":
    main()
