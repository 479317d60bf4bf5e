"""Command line: thin wrappers over the api. The only module that prints or picks an exit code."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from tendergen import __version__

if TYPE_CHECKING:
    from pathlib import Path

    from tendergen.interview import Prompt, Reply
else:
    from tendergen._lazy import Path  # pathlib is imported when a path is first used: `--help` stays fast

EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


class Cli(click.Group):
    """Turns a TendergenError into its message and exit code; anything else is a bug and shows a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from tendergen.errors import TendergenError

        try:
            return super().invoke(ctx)
        except TendergenError as exc:
            click.echo(f"error: {exc}" if not getattr(exc, "problems", ()) else str(exc), err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tendergen")
@click.option("--workspace", "workspace_file", type=EXISTING_FILE, default=None,
              help="The workspace file (tendergen.yaml). Default: the nearest one in this folder or above.")
@click.option("--clause-folder", "clause_folders", multiple=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="An extra clause folder layered over the library (repeatable); may lie outside the workspace.")
@click.option("--templates", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder of house templates, instead of the workspace's; may lie outside the workspace.")
@click.option("--no-cache", is_flag=True,
              help="Validate the clause library afresh instead of using the copy cached from an earlier run with "
                   "the very same files (kept in the user's cache folder).")
@click.pass_context
def cli(ctx: click.Context, workspace_file: Path | None, clause_folders: tuple[Path, ...],
        templates: Path | None, no_cache: bool) -> None:
    """Swedish municipal IT tender documents from a reviewed clause library.

    Write a procurement profile (see examples/), check it with `validate`, see which clauses it gets
    with `explain`, and write the Word documents with `build`.
    """
    ctx.obj = {"workspace_file": workspace_file, "clause_folders": clause_folders, "templates": templates,
               "session_options": {"clause_folders": clause_folders, "templates": templates, "cache": not no_cache}}


def _session(ctx: click.Context) -> Any:
    from tendergen import api

    return api.open_session(ctx.obj["workspace_file"], **ctx.obj["session_options"])


def _day(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A --date option: a real calendar date, else a usage error (exit 2)."""
    from tendergen import api
    from tendergen.errors import TendergenError

    try:
        return None if value is None else api.check_day(value, param.opts[0])
    except TendergenError as exc:
        raise click.BadParameter(f"{exc.message}; {exc.hint}") from exc


def _name(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A person's name option (--by, --author): one non-empty line, else a usage error (exit 2)."""
    from tendergen import api
    from tendergen.errors import TendergenError

    try:
        return None if value is None else api.check_name(value, param.opts[0])
    except TendergenError as exc:
        raise click.BadParameter(f"{exc.message}; {exc.hint}") from exc


def _warn(warnings: Any) -> None:
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


@cli.command()
@click.argument("profiles", nargs=-1, type=EXISTING_FILE)
@click.pass_context
def validate(ctx: click.Context, profiles: tuple[Path, ...]) -> None:
    """Check the clause library, the workspace's house templates and any PROFILES; report every problem at once.

    Each problem is printed as file:line:column: message, with a hint on the next line.
    """
    from tendergen import api

    session = _session(ctx)
    loaded = api.load_profiles(session, profiles)
    for profile in loaded:
        _warn(profile.warnings)
    library = session.library
    click.echo(f"library ok: {len(library.clauses)} clauses ({library.name} {library.version})")
    templates = api.check_templates(session)
    if templates:
        click.echo(f"templates ok: {templates} house templates")
    for path in profiles:
        click.echo(f"profile ok: {path}")


@cli.command()
@click.argument("profile", type=EXISTING_FILE)
@click.option("--json", "as_json", is_flag=True, help="Print the decisions as JSON.")
@click.option("--only", type=click.Choice(["in", "out"]), help="Show only included or only excluded clauses.")
@click.pass_context
def explain(ctx: click.Context, profile: Path, as_json: bool, only: str | None) -> None:
    """Show, for each clause, whether PROFILE gets it and the facts and rule that decided it."""
    from tendergen import api
    from tendergen.core.model import Basis
    from tendergen.core.params import setting_fields, settings
    from tendergen.core.select import decision_fields
    from tendergen.core.words import reason_text, setting_text
    from tendergen.documents.render import format_value

    session = _session(ctx)
    loaded = api.load_profile(session, profile)
    _warn(loaded.warnings)
    decisions = [d for d in api.decide(session, loaded) if only is None or d.included == (only == "in")]
    if as_json:
        import json

        rows = [{"id": d.clause.id, "version": d.clause.version, "included": d.included, "title": d.clause.title,
                 "document": d.clause.document, "origin": d.clause.origin,
                 "override": str(d.clause.overrides) if d.clause.overrides else None,
                 "reasons": [reason_text(r) for r in d.reasons], **decision_fields(d),
                 **({"parameters": [setting_fields(s) for s in settings(d.clause, loaded)]}
                    if d.included and d.clause.parameters else {})}
                for d in decisions]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for d in decisions:
        mark = click.style(" IN", fg="green") if d.included else click.style("OUT", fg="red")
        override = click.style(f"  [override of {d.clause.overrides}]", fg="yellow") if d.clause.overrides else ""
        click.echo(f"{mark}  {d.clause.id:<28} {d.clause.title}{override}")
        for reason in d.reasons:
            click.echo(f"       {reason_text(reason)}")
        for param, found in zip(d.clause.parameters, settings(d.clause, loaded) if d.included else (), strict=False):
            if param.scale or found.basis is not Basis.DEFAULT:  # say where a value that is not fixed came from
                click.echo(f"       {setting_text(param, found, format_value(found.value))}")
    count = sum(d.included for d in decisions)
    click.echo(f"{count} of {len(decisions)} clauses included")


@cli.command()
@click.pass_context
def lint(ctx: click.Context) -> None:
    """Check the clause library's quality and list the clauses awaiting legal review.

    Finds requirements without verifikat or acceptance, unused parameters, numeric parameters without a
    declared stricter direction, unverified legal references without a review flag, near-duplicate texts
    and requirements on retired clauses. Exits 3 when there are findings.
    """
    from tendergen.core import cache
    from tendergen.core.lint import lint as run_lint
    from tendergen.errors import InvalidInput

    library = _session(ctx).library
    report = run_lint(library, pairs=cache.near_duplicate_pairs if ctx.obj["session_options"]["cache"] else None)
    if report.needs_review:
        click.echo(f"{len(report.needs_review)} clause(s) need legal review:")
        for c in report.needs_review:
            click.echo(f"  {c.id:<28} {' '.join(c.legal_review_note.split())}")
    if report.problems:
        raise InvalidInput(problems=report.problems)
    click.echo(f"lint ok: {len(library.clauses)} clauses")


@cli.group()
def clauses() -> None:
    """Browse the clause library (bundled and workspace clauses)."""


@clauses.command("list")
@click.option("--area", help="Only clauses of this area, e.g. exit.")
@click.option("--document", help="Only clauses of this document, e.g. avtalsvillkor.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def clauses_list(ctx: click.Context, area: str | None, document: str | None, as_json: bool) -> None:
    """List clause ids, kinds and titles."""
    chosen = [c for c in _session(ctx).library.clauses
              if (area is None or c.area == area) and (document is None or c.document == document)]
    if as_json:
        import json

        click.echo(json.dumps([{"id": c.id, "version": c.version, "status": c.status, "area": c.area,
                                "document": c.document, "kind": c.kind, "title": c.title, "origin": c.origin}
                               for c in chosen], ensure_ascii=False, indent=2))
        return
    for c in chosen:
        flag = " (needs legal review)" if c.needs_legal_review else ""
        click.echo(f"{c.id:<28} {c.kind:<13} {c.area:<20} {c.title}{flag}")
    click.echo(f"{len(chosen)} clauses")


@clauses.command("show")
@click.argument("clause_id")
@click.pass_context
def clauses_show(ctx: click.Context, clause_id: str) -> None:
    """Show one clause: metadata, rule, parameters, legal basis and text."""
    from tendergen.core.words import rule_text
    from tendergen.errors import InvalidInput

    library = _session(ctx).library
    c = library.clause(clause_id)
    if c is None:
        raise InvalidInput(f"no clause with id {clause_id!r}", hint="see `tendergen clauses list`")
    status = f"{c.status}, changed since approval: not approved" if c.approval_stale else c.status
    click.echo(f"{c.id} v{c.version} [{status}] {c.title}")
    click.echo(f"  defined at: {c.location}" + (f" (overrides {c.overrides})" if c.overrides else ""))
    click.echo(f"  kind: {c.kind}   area: {c.area}   document: {c.document} / {c.section}")
    if c.approved_by:
        click.echo(f"  approved by {c.approved_by} on {c.approved_on}")
    click.echo(f"  rule: {rule_text(c.when, 'en')}")
    for rel in ("requires", "excludes", "replaces"):
        if getattr(c, rel):
            click.echo(f"  {rel}: {', '.join(getattr(c, rel))}")
    for p in c.parameters:
        click.echo(f"  parameter {p.name} = {p.default} {p.unit}".rstrip() + f"  ({p.description})")
        for step in p.scale:
            click.echo(f"    scaled: {step.default} when {rule_text(step.when, 'en')}")
    if c.summary:
        click.echo(f"  summary: {c.summary}")
    for basis in c.legal_basis:
        ref = library.references[basis.ref]
        click.echo(f"  legal basis: {basis.provision or ''} {ref.name}".replace("  ", " ")
                   + ("" if ref.verifies(basis.provision) else "  [NOT VERIFIED]"))
    if c.needs_legal_review:
        click.echo(f"  NEEDS LEGAL REVIEW: {c.legal_review_note}")
    if c.evaluation_weight is not None:
        click.echo(f"  evaluation: {c.evaluation_weight:g} points; {c.evaluation_note}")
    for label, text in (("text", c.text), ("motiv", c.motiv), ("verifikat", c.verifikat),
                        ("acceptance", c.acceptance)):
        if text:
            click.echo(f"\n{label}:\n" + "\n".join("  " + line for line in text.strip().splitlines()))


@cli.command()
@click.argument("profiles", nargs=-1, required=True, metavar="PROFILE...",
                type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the documents and manifest.json (created if missing); with several profiles or a "
                   "folder of profiles, each is built into its own sub-folder named after the profile file.")
@click.option("--force", is_flag=True, help="Overwrite documents even if they were edited after the last build.")
@click.option("--draft", is_flag=True,
              help="Allow clauses that are not approved; every page is then marked UTKAST.")
@click.option("--pdf", "with_pdf", is_flag=True,
              help="Also write tagged (accessible) PDF copies into DIR/pdf/ through LibreOffice.")
@click.option("--toc-pages/--no-toc-pages", default=None,
              help="Page numbers in the tables of contents, laid out by LibreOffice (default: for a single profile "
                   "when it is installed; for several only when asked). Without them the contents are links to "
                   "the headings.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Several profiles: build this many at a time in worker processes. Default: the number of cores.")
@click.pass_context
def build(ctx: click.Context, profiles: tuple[Path, ...], out_dir: Path, force: bool, draft: bool, with_pdf: bool,
          toc_pages: bool | None, jobs: int | None) -> None:
    """Write the Word documents for PROFILE into a folder, with a manifest of what went in and why.

    Give several profiles, or a folder of them, to build each into its own sub-folder of the output folder
    (a batch): one that fails is reported in the summary table and does not stop the others.
    """
    if len(profiles) == 1 and not profiles[0].is_dir():
        _build_single(ctx, profiles[0], out_dir, force, draft, with_pdf, toc_pages)
    else:
        _build_batch(ctx, profiles, out_dir, force, draft, with_pdf, bool(toc_pages), jobs)


def _build_single(ctx: click.Context, profile: Path, out_dir: Path, force: bool, draft: bool, with_pdf: bool,
                  toc_pages: bool | None) -> None:
    import time

    from tendergen import api

    started = time.perf_counter()
    session = _session(ctx)
    result = api.build(session, profile, out_dir, force=force, draft=draft, toc_pages=_toc_pages(toc_pages),
                       pdf=with_pdf)
    _warn(result.warnings)
    if result.draft:
        click.echo(f"UTKAST: {len(result.draft)} clause(s) not approved: " + ", ".join(result.draft), err=True)
    included = result.included
    for name, data in result.files.items():
        click.echo(f"wrote {out_dir / name} ({len(data) // 1024 + 1} KiB)")
    for name in result.removed:
        click.echo(f"removed {out_dir / name} (no longer part of this build, unchanged since the last one)")
    if result.pdfs:
        click.echo(f"wrote {len(result.pdfs)} tagged PDFs in {out_dir / 'pdf'}")
    click.echo(f"{included} clauses in {len(result.files)} documents; manifest: {out_dir / 'manifest.json'} "
               f"({time.perf_counter() - started:.2f} s)")


def _toc_pages(choice: bool | None) -> bool:
    """--toc-pages when given, else whether LibreOffice with its UNO bridge is installed."""
    from tendergen.documents import pdf

    return pdf.can_paginate() if choice is None else choice


def _build_batch(ctx: click.Context, paths: tuple[Path, ...], out_dir: Path, force: bool, draft: bool,
                 with_pdf: bool, toc_pages: bool, jobs: int | None) -> None:
    """Build many profiles, each into OUT/<stem>/; a progress bar on a terminal, a summary table at the end."""
    import io
    import os
    import time

    from tendergen import batch
    from tendergen.errors import InvalidInput

    started = time.perf_counter()
    profiles = batch.expand(paths)
    if not profiles:
        raise InvalidInput("no profiles (*.yaml) in " + ", ".join(map(str, paths)),
                           hint="give profile files or folders that hold them")
    batch.folders(profiles, out_dir)  # a name clash is a usage problem: refuse before building anything
    session = _session(ctx)
    workers = min(jobs or os.cpu_count() or 1, len(profiles))
    show_bar = sys.stderr.isatty()
    with click.progressbar(length=len(profiles), label=f"building {len(profiles)} profiles ({workers} jobs)",
                           file=sys.stderr if show_bar else io.StringIO(), show_pos=True) as bar:
        outcomes = batch.run(session, profiles, out_dir, jobs=workers, force=force, draft=draft,
                             toc_pages=toc_pages, pdf=with_pdf, session_options=ctx.obj.get("session_options"),
                             on_done=lambda _: bar.update(1))
    click.echo(summary_table(outcomes, out_dir))
    for outcome in outcomes:
        for warning in outcome.warnings:
            click.echo(f"warning: {outcome.profile.name}: {warning}", err=True)
        if outcome.draft:
            click.echo(f"UTKAST: {outcome.profile.name}: {len(outcome.draft)} clause(s) not approved", err=True)
    failed = [o for o in outcomes if not o.built]
    click.echo(f"{len(outcomes) - len(failed)} built, {len(failed)} failed, in {out_dir} "
               f"({time.perf_counter() - started:.2f} s, {workers} jobs)")
    code = batch.exit_code(outcomes)
    if code:
        ctx.exit(code)


def summary_table(outcomes: Any, out_dir: Path) -> str:
    """One line per profile: built (clauses, documents, folder) or FAILED with its located error below."""
    width = max((len(o.profile.name) for o in outcomes), default=7)
    lines = [f"{'profile':<{width}}  {'result':<6}  {'clauses':>7}  {'docs':>4}  {'time':>6}  folder / error"]
    for o in outcomes:
        if o.built:
            lines.append(f"{o.profile.name:<{width}}  {'built':<6}  {o.clauses:>7}  {o.documents:>4}  "
                         f"{o.seconds:5.2f}s  {o.folder}")
        else:
            first, *rest = o.error.splitlines() or [""]
            lines.append(f"{o.profile.name:<{width}}  {'FAILED':<6}  {'-':>7}  {'-':>4}  {o.seconds:5.2f}s  {first}")
            lines += [f"{'':<{width}}  {'':<6}  {'':>7}  {'':>4}  {'':>6}  {line}" for line in rest]
    return "\n".join(lines)


@cli.command()
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
def verify(out_dir: Path) -> None:
    """Check the documents in a build folder against its manifest: which were edited or are missing.

    Exits 0 when every file is as built, 1 when any was edited or is missing.
    """
    from tendergen import api

    states = api.verify(out_dir)
    for name, state in states:
        click.echo(f"{state:>8}  {out_dir / name}")
    changed = [name for name, state in states if state != "ok"]
    if changed:
        click.echo(f"{len(changed)} of {len(states)} files differ from the build", err=True)
        sys.exit(1)
    click.echo(f"all {len(states)} files are as built")


@cli.group()
def answers() -> None:
    """Work with suppliers' answers to the requirement matrix."""


@answers.command("import")
@click.argument("matrix_file", metavar="MATRIX", type=EXISTING_FILE)
@click.option("--build", "build_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True,
              help="The build folder the matrix was published from (holds manifest.json).")
def answers_import(matrix_file: Path, build_dir: Path) -> None:
    """Read a supplier's filled kravmatris.xlsx and report unmet or unanswered ska-krav.

    The matrix must be the one this build wrote, with its requirements unchanged (checked by reference and
    checksum). Exits 0 when every ska-krav is answered Ja, 1 otherwise.
    """
    from tendergen import api

    report = api.import_answers(matrix_file, build_dir)
    for label, group in (("NOT MET (Nej)", report.unmet), ("UNANSWERED", report.unanswered),
                         ("INVALID ANSWER", report.invalid)):
        for a in group:
            click.echo(f"{label:<15} {a.id:<28} row {a.row}" + (f": {a.answer!r}" if a in report.invalid else ""))
    yes = sum(a.answer == "Ja" for a in report.answers)
    click.echo(f"{len(report.answers)} requirements: {yes} Ja, {len(report.unmet)} ska-krav Nej, "
               f"{len(report.unanswered)} ska-krav unanswered, {len(report.invalid)} invalid")
    if not report.acceptable:
        click.echo("the tender does not meet every ska-krav", err=True)
        sys.exit(1)


@cli.group()
def requirements() -> None:
    """The procurement's own requirements as a spreadsheet: an empty template, and reading a filled one."""


def _write_new(path: Path, data: bytes, force: bool) -> None:
    """Write `path` atomically; an existing file only with --force (else a usage error, exit 2)."""
    from tendergen.documents.output import atomic_write

    if path.exists() and not force:
        raise click.UsageError(f"{path} exists; give --force to overwrite it")
    atomic_write(path, data)


@requirements.command("template")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The .xlsx file to write.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def requirements_template(out: Path, force: bool) -> None:
    """Write an empty own-requirements sheet (Id, Avsnitt, Typ, Rubrik, Krav, Verifikat, Acceptans, Mervärde)."""
    from tendergen.documents import requirements_sheet

    _write_new(out, requirements_sheet.write_template(), force)
    click.echo(f"wrote {out}")


@requirements.command("import")
@click.argument("sheet", metavar="FILE.xlsx", type=EXISTING_FILE)
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the YAML to this file instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite an existing -o file.")
@click.pass_context
def requirements_import(ctx: click.Context, sheet: Path, out: Path | None, force: bool) -> None:
    """Check a filled own-requirements sheet and write it as YAML for a profile's `requirements:`.

    Every row is checked as own requirements in a profile are; every bad row is reported with its cell.
    """
    from tendergen.documents import requirements_sheet

    if out is not None and out.exists() and not force:
        raise click.UsageError(f"{out} exists; give --force to overwrite it")
    items = requirements_sheet.read_sheet(sheet, _session(ctx).library)
    text = requirements_sheet.to_yaml(items)
    if out is None:
        click.echo(text, nl=False)
    else:
        _write_new(out, text.encode("utf-8"), force)
        click.echo(f"wrote {len(items)} requirements to {out}", err=True)


@cli.command()
@click.option("--build", "build_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True,
              help="The build folder the tenders answered (holds manifest.json, kravmatris.xlsx, prisbilaga.xlsx).")
@click.argument("tenders", metavar="TENDER...", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--evaluator", required=True, callback=_name, help="Who evaluated (name and role), for the protocol.")
@click.option("--date", "day", callback=_day, help="The evaluation date, YYYY-MM-DD (default: today).")
@click.option("--force", is_flag=True, help="Replace an earlier, different evaluation in DIR/utvardering.")
def evaluate(build_dir: Path, tenders: tuple[Path, ...], evaluator: str, day: str | None, force: bool) -> None:
    """Evaluate suppliers' tenders by the build's published model and draft the award decision.

    Each TENDER is a folder with anbud.yaml (name, org_nr), the supplier's kravmatris.xlsx and prisbilaga.xlsx,
    or a YAML file like anbud.yaml whose kravmatris and prisbilaga name the two files beside it.
    Writes utvarderingsprotokoll.docx, tilldelningsbeslut.docx (draft) and utvardering.json into
    DIR/utvardering. Exit 3 when a file is foreign, altered or unreadable.
    """
    from tendergen import api
    from tendergen.evaluate.assess import sek_text

    result = api.evaluate(build_dir, list(tenders), evaluator=evaluator, date=day, force=force)
    outcome = result.outcome
    quality = outcome.basis == "pris-och-kvalitet"
    click.echo(f"{'place':<6} {'tender':<32} {'evaluated price':>18} {'deductions':>14} {'comparison':>18}")
    for a in outcome.assessments:
        c = a.computation
        place = ("-" if a.excluded else f"{a.place}{'=' if a.tied else ''}")
        figures = (f"{sek_text(c.price):>18} {sek_text(c.total_deduction) if quality else '':>14} "
                   f"{sek_text(c.comparison_price) if quality else sek_text(c.price):>18}") if c else ""
        click.echo(f"{place:<6} {a.name[:32]:<32} {figures}".rstrip())
        for reason in a.excluded:
            click.echo(f"       EXCLUDED: {reason}")
        for flag in a.flags:
            click.echo(f"       CHECK: {flag}")
    for name in result.files:
        click.echo(f"wrote {result.folder / name}")
    _warn(result.warnings)
    if outcome.tie_for_first:
        click.echo("tie for first place: the procurer must resolve it as the AF states", err=True)


@cli.command("diff")
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option("--git-range", help="Two git revisions of the workspace as OLD..NEW, e.g. v1.2..HEAD.")
@click.option("--profiles", "profile_dirs", multiple=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of profiles whose selection may change (repeatable). Default: the workspace's profile "
                   "folders and ./examples.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "html", "json", "docx", "pdf", "xlsx"]),
              default="text", show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (required for docx, pdf and xlsx).")
@click.option("--author", default="tendergen", show_default=True, callback=_name,
              help="Author of the tracked changes (docx).")
@click.option("--date", "change_date", callback=_day, help="Date of the tracked changes, YYYY-MM-DD (default: today).")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are changes, 0 when there are none.")
@click.pass_context
def diff_command(ctx: click.Context, old: str | None, new: str | None, git_range: str | None,
                 profile_dirs: tuple[Path, ...], fmt: str, output: Path | None, author: str,
                 change_date: str | None, force: bool, exit_code: bool) -> None:
    """Compare two versions of the clause library for legal review.

    OLD and NEW are clause folders or git revisions of the workspace (tags, branches, commits). Clauses
    are matched by id. Each change is classified (weakened/strengthened, parameter looser/stricter, scope,
    legal basis, editorial, version not bumped) with the profiles it affects. `--format docx` writes a
    Word document with tracked changes a lawyer can accept or reject (`--format pdf`: the same as a tagged
    PDF, through LibreOffice); `--format xlsx` a change register.
    """
    from tendergen import api
    from tendergen.documents.output import atomic_write
    from tendergen.errors import InvalidInput, Location, OutputError
    from tendergen.review import diffout

    if git_range:
        if old or new or ".." not in git_range:
            raise click.UsageError("give either OLD and NEW or --git-range OLD..NEW (e.g. --git-range v1.2..HEAD)")
        old, new = git_range.split("..", 1)
    if not old or not new:
        raise click.UsageError("two library versions are needed: tendergen diff OLD NEW, or --git-range v1..v2")
    if fmt in ("docx", "pdf", "xlsx") and output is None:
        raise click.UsageError(f"--format {fmt} needs -o FILE")
    if output is not None and output.exists() and not force:
        raise click.BadParameter(f"{output} exists and may hold a reviewer's work; choose another file or add --force",
                                 param_hint="-o")
    if output is not None:
        existing = next(a for a in (output.absolute().parent, *output.absolute().parents) if a.exists())
        if not existing.is_dir():
            raise InvalidInput(f"cannot write {output}: {existing} is a file, not a folder",
                               hint="choose an output file in a folder (a missing folder is created)")
    session = _session(ctx)
    dirs = list(profile_dirs) or api.default_profile_dirs(session)
    skipped: list[str] = []
    comparison = api.compare(session, old, new, dirs, skipped)
    _warn(f"profile left out of the impact analysis: {line}" for line in skipped)
    changes = comparison.changes
    if fmt in ("docx", "pdf"):
        data = api.review_docx(session, changes, comparison.old_label, comparison.new_label, author=author,
                               date=change_date or api.today(), library=comparison.library)
        if fmt == "pdf":
            from tendergen.documents import pdf

            data = pdf.docx_to_pdf(data, "klausulgranskning")
    elif fmt == "xlsx":
        data = diffout.to_xlsx(changes, f"{comparison.library} {comparison.old_label} → {comparison.new_label}")
    else:
        render = {"text": lambda c: diffout.to_text(c, click.style if output is None else None),
                  "markdown": diffout.to_markdown, "html": diffout.to_html, "json": diffout.to_json}[fmt]
        text = render(changes)
        if output is None:
            click.echo(text)
        data = (text + "\n").encode("utf-8")
    if output is not None:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)  # -o into a folder that does not exist yet
        except OSError as exc:
            raise OutputError(f"cannot create the folder: {exc.strerror}", location=Location(str(output.parent)),
                              hint="choose an output file in a folder you may write to") from exc
        atomic_write(output, data)
        click.echo(f"wrote {output}: {diffout.summary_line(changes)}")
    if exit_code and changes:
        sys.exit(1)


@cli.command()
@click.argument("clause_ids", nargs=-1, required=True, metavar="ID...")
@click.option("--by", "approver", required=True, callback=_name, help="Name (and role) of the person approving.")
@click.option("--date", "day", callback=_day, help="Approval date, YYYY-MM-DD (default: today).")
@click.pass_context
def approve(ctx: click.Context, clause_ids: tuple[str, ...], approver: str, day: str | None) -> None:
    """Approve clauses: set status, approver, date and a fingerprint of the approved content in the YAML.

    Comments and formatting of the clause files are kept. If the clause text, parameters, rule or legal
    basis change later, the fingerprint no longer matches and the clause counts as not approved.
    """
    from tendergen import api

    files = api.approve(_session(ctx), clause_ids, approver, day or api.today())
    for file in files:
        click.echo(f"updated {file}")
    click.echo(f"approved {len(clause_ids)} clause(s) by {approver}")


@cli.command()
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default="light",
              show_default=True, help="Folder for profil.yaml and the documents (created if missing).")
@click.option("--answers", "answers_file", type=EXISTING_FILE,
              help="Answer the questions from this YAML file (question id: answer) instead of interactively.")
@click.option("--profile", "profile_file", type=EXISTING_FILE,
              help="Rebuild from a saved profil.yaml (for example after editing it) without the interview.")
@click.option("--organisation", help="The municipality's name (default: from tendergen.yaml).")
@click.option("--force", is_flag=True, help="Overwrite documents even if they were edited after the last build.")
@click.option("--draft", is_flag=True, help="Allow clauses that are not approved (pages marked UTKAST).")
@click.option("--pdf", "with_pdf", is_flag=True, help="Also write tagged PDF copies into DIR/pdf/ (LibreOffice).")
@click.pass_context
def light(ctx: click.Context, out_dir: Path, answers_file: Path | None, profile_file: Path | None,
          organisation: str | None, force: bool, draft: bool, with_pdf: bool) -> None:
    """Guided interview (in Swedish) for a direct procurement; writes a "kravspecifikation light".

    At most 15 plain questions (and the organisation's name first, when tendergen.yaml does not give it
    and --organisation is not passed), each with help (answer ?) and a default; answer < to go back. The
    answers are saved as profil.yaml, and the offertförfrågan (offer request), the one-document
    specification, a lathund (self-help guide) and the contract terms are written beside it. Nothing is
    written if you stop with Ctrl-C.
    """
    from tendergen import api

    session = _session(ctx)
    if profile_file is not None:
        result = api.rebuild_light(session, profile_file, out_dir, force=force, draft=draft,
                                   toc_pages=_toc_pages(None), pdf=with_pdf)
        for name in result.files:
            click.echo(f"skrev {out_dir / name}")
        return
    if answers_file is not None:
        outcome = api.answer_interview(session, answers_file, organisation=organisation, notify=_tell)
    else:
        outcome = api.run_interview(session, _ask, organisation=organisation, notify=_tell)
    result = api.build_light(session, outcome.profile, out_dir, force=force, draft=draft,
                             toc_pages=_toc_pages(None), pdf=with_pdf)
    for name in result.files:
        click.echo(f"skrev {out_dir / name}")
    click.echo(f"{len(outcome.answers)} frågor besvarade; {result.included} "
               "klausuler valda.")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Keep the default and publish the form through a reverse proxy.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--workspace", "workspace_dir", type=click.Path(exists=True, path_type=Path), default=None,
              help="The workspace folder (with tendergen.yaml) or file. Default: as for the other commands.")
@click.option("--trusted-proxy", metavar="ADDRESS",
              help="The reverse proxy's address: only its X-Forwarded-* headers are believed.")
@click.option("--url-prefix", default="", help="The path the proxy publishes the form under, e.g. /upphandling.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workspace_dir: Path | None, trusted_proxy: str | None,
          url_prefix: str) -> None:
    """Serve the light interview as a web form (in Swedish) for people who do not use a terminal.

    The documents are built in memory for each download and never written to disk. Needs the `web`
    extra: pip install 'tendergen[web]'. Stop with Ctrl-C.
    """
    from tendergen import api
    from tendergen.errors import InvalidInput

    try:
        from tendergen import web
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise InvalidInput(f"the web form needs Flask and Waitress ({exc})",
                           hint="pip install 'tendergen[web]'") from exc
    if workspace_dir is not None and workspace_dir.is_dir():
        found = workspace_dir / "tendergen.yaml"
        session = api.open_session(found if found.is_file() else None, start=workspace_dir)
    elif workspace_dir is not None:
        session = api.open_session(workspace_dir)
    else:
        session = _session(ctx)
    web.serve(session, host, port, trusted_proxy=trusted_proxy, url_prefix=url_prefix.rstrip("/"),
              ready=lambda url: click.echo(f"Webbformuläret finns på {url} (avsluta med Ctrl-C)", err=True))


def _tell(text: str) -> None:
    click.echo(text, err=True)


def _ask(prompt: Prompt) -> Reply:
    """Show one question in the terminal; '?' shows its help, '<' means go back."""
    from tendergen.interview import BACK

    question = prompt.question
    if prompt.error:
        click.echo(f"   {prompt.error}")
    while True:
        click.echo(f"\n{prompt.number}. {question.text}")
        for i, (_, label) in enumerate(question.choices, start=1):
            click.echo(f"   {i}) {label}")
        shown = question.default is not None and (question.kind in ("choice", "bool") or bool(question.default))
        raw = click.prompt("   (? hjälp, < tillbaka)", default=question.typed_default(), show_default=shown,
                           prompt_suffix=" > ", type=str)
        if raw.strip() == "?":
            click.echo(f"   {question.help}")
            continue
        return BACK if raw.strip() == "<" else raw


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="tendergen")
