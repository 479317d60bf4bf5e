"""Diff and Word redline of two 1,000-clause libraries with about 5 % of the clauses changed.

Usage: python benchmarks/diff_speed.py [ROUNDS]. Prints load, compare, redline and total times (median).
"""

from __future__ import annotations

import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = 1000
CHANGED = 50


def make_libraries(base: Path) -> tuple[Path, Path]:
    """Two library folders: 1,000 clauses cloned from the bundled ones, then 50 of them edited in the new."""
    sources = sorted((ROOT / "clauses").glob("*/*.yaml"))
    singles = [p.read_text("utf-8") for p in sources if "\nclauses:" not in p.read_text("utf-8")
               and not p.read_text("utf-8").startswith("clauses:")]
    old, new = base / "old", base / "new"
    for folder in (old, new):
        folder.mkdir()
        for meta in ("library.yaml", "references.yaml", "sections.yaml", "thresholds.yaml"):
            shutil.copy(ROOT / "clauses" / meta, folder / meta)
    for i in range(SIZE):
        text = re.sub(r"^id: (\S+)", rf"id: \1-N{i}", singles[i % len(singles)], count=1, flags=re.M)
        text = re.sub(r"^(requires|excludes|replaces): .*\n", "", text, flags=re.M)
        for folder in (old, new):
            target = folder / "area" / f"c{i:04}.yaml"
            target.parent.mkdir(exist_ok=True)
            edited = text
            if folder is new and i % (SIZE // CHANGED) == 0:
                edited = text.replace("Leverantören ska", "Leverantören ska alltid", 1).replace('"1.0"', '"1.1"', 1)
            target.write_text(edited, "utf-8")
    return old, new


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    from tendergen import api
    from tendergen.documents import render
    from tendergen.review import diff, redline

    session = api.open_session(start=ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        old_dir, new_dir = make_libraries(Path(tmp))
        load, compare, docx, total = [], [], [], []
        for _ in range(rounds):
            t0 = time.perf_counter()
            old = api.open_library(old_dir)[0]
            new = api.open_library(new_dir)[0]
            t1 = time.perf_counter()
            changes = diff.compare(old, new)
            t2 = time.perf_counter()
            meta = {"title": "B", "document_title": "B", "document_id": "klausulgranskning", "reference": "old → new",
                    "reference_label": "Jämförda versioner", "organisation": "Bench", "department": "", "contact": "",
                    "date": "2026-11-21", "draft": False, "library": "b", "intro": []}
            ctx = redline.context(changes, meta, "bench", "2026-11-21T00:00:00Z")
            data = render.render_docx(api.template_path(session, "klausulgranskning"), ctx, "bench")
            t3 = time.perf_counter()
            load.append(t1 - t0)
            compare.append(t2 - t1)
            docx.append(t3 - t2)
            total.append(t3 - t0)
    print(f"libraries: {len(old.clauses)} and {len(new.clauses)} clauses, {len(changes)} changed; "
          f"redline {len(data) // 1024} KiB")
    print(f"load both libraries (YAML + validation): {statistics.median(load) * 1000:.0f} ms")
    print(f"compare + classify: {statistics.median(compare) * 1000:.0f} ms")
    print(f"redline .docx (tracked changes, render, save): {statistics.median(docx) * 1000:.0f} ms")
    print(f"diff + redline (compare + docx): {(statistics.median(compare) + statistics.median(docx)) * 1000:.0f} ms")
    print(f"end to end including loading: {statistics.median(total) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
