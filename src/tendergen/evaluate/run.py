"""`tendergen evaluate`: read every tender against the build, assess, and write utvardering/ atomically."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tendergen.core.load import where
from tendergen.documents import prisbilaga
from tendergen.documents.output import read_manifest, sha256, write_build
from tendergen.errors import InvalidInput, Location, OutputError
from tendergen.evaluate import assess, read, report

FOLDER = "utvardering"


def evaluate(build_dir: Path, tender_dirs: Sequence[Path], *, evaluator: str, date: str, tool: str
             ) -> tuple[assess.Outcome, dict[str, bytes], dict[str, Any], list[str]]:
    """Everything the evaluation produces, in memory: nothing is written."""
    manifest = read_manifest(build_dir)
    if "prices" not in manifest:
        raise InvalidInput("the build has no price model (no prisbilaga.xlsx): there is nothing to evaluate prices "
                           "against", location=Location(where(build_dir)),
                           hint="give the build folder of a profile with prices.lines")
    lines = prisbilaga.lines_from_manifest(manifest["prices"])
    if prisbilaga.has_lots(lines):
        raise InvalidInput("the price model has delkontrakt (lots): evaluation per delkontrakt is not supported yet",
                           location=Location(where(build_dir)),
                           hint="evaluate each delkontrakt by hand with the protocol's method, or without lots")
    if not tender_dirs:
        raise InvalidInput("no tenders given", hint="tendergen evaluate --build DIR TENDER...")
    problems: list[InvalidInput] = []
    tenders = []
    for folder in tender_dirs:
        try:
            tenders.append(read.read_tender(folder, manifest))
        except InvalidInput as exc:
            problems.extend(exc.problems or (exc,))  # type: ignore[arg-type]
    clashes = assess.check_names(tenders)
    problems += [InvalidInput(c, location=Location(where(build_dir)), hint="evaluate each supplier's tender once")
                 for c in clashes]
    if problems:
        raise InvalidInput(problems=problems)
    evaluation = assess.evaluation_from_manifest(manifest.get("evaluation"))
    outcome = assess.assess(tenders, evaluation, lines)
    profile = manifest["profile"]
    meta = {"title": profile.get("title", ""), "reference": profile["reference"],
            "organisation": profile.get("organisation", ""), "facts": profile.get("facts", {})}
    files, warnings = report.outputs(outcome, meta, build_dir, manifest, evaluator=evaluator, date=date, tool=tool)
    inputs = [{"role": "build", "name": "manifest.json", "sha256": sha256((build_dir / "manifest.json").read_bytes())}]
    inputs += [{"role": "tender", "name": name, "sha256": digest} for t in tenders for name, digest in t.hashes]
    data = {"tool": tool, "profile": {"reference": profile["reference"], "title": meta["title"]},
            "evaluator": evaluator, "date": date, "inputs": inputs,
            "outputs": [{"file": n, "sha256": sha256(b), "bytes": len(b)} for n, b in files.items()]}
    return outcome, files, data, warnings


def write(build_dir: Path, files: Mapping[str, bytes], data: Mapping[str, Any], *, force: bool) -> Path:
    """Write into build_dir/utvardering atomically; an existing, different output is kept unless force."""
    out = build_dir / FOLDER
    changed = [n for n, content in files.items() if (out / n).exists() and (out / n).read_bytes() != content]
    if changed and not force:
        raise OutputError("an earlier evaluation would be overwritten: " + ", ".join(changed),
                          location=Location(where(out)),
                          hint="keep the earlier evaluation (move the folder aside), or evaluate again with --force")
    write_build(out, files, data, force=True)
    return out
