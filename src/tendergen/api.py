"""The public façade: everything a front end needs. The CLI wraps these; a web form can too.

Load a workspace and its library (`open_session`), validate profiles, decide which clauses apply, build the
documents (full tenders and the light interview's), verify a build, import suppliers' answers, compare
library versions for legal review and approve clauses. Errors are `TendergenError`s with a location.
"""

from __future__ import annotations

__all__ = [
    # sessions, profiles and decisions
    "Session", "open_session", "open_library", "library_at", "load_profile", "profile_from_text", "load_profiles",
    "decide",
    "default_profile_dirs", "template_path", "check_templates", "today", "check_day", "check_name",
    # building and checking builds
    "BuildResult", "JSON", "Manifest", "build", "render_build", "lay_out", "manifest", "verify", "import_answers",
    # evaluating the tenders that come back
    "EvaluationResult", "EvaluationOutcome", "evaluate",
    # the light interview
    "LIGHT_PROFILE", "interview_context", "run_interview", "answer_interview", "build_light", "rebuild_light",
    "render_light",
    # library review
    "diff", "compare", "Comparison", "review_docx", "approve",
    # the types these take and return
    "AnswerReport", "Change", "Clause", "Decision", "Library", "Profile", "Workspace", "Ask", "BACK", "Context",
    "Interview", "Notify", "Outcome", "ProfileData", "Prompt", "Question", "Reply",
    "InvalidInput", "Location", "OutputError", "TendergenError",
]

import datetime as dt
import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tendergen import __version__, interview
from tendergen.core import load, params, select, validate
from tendergen.core.model import Clause, Decision, Library, Profile
from tendergen.core.tender import Evaluation
from tendergen.core.validate import Workspace
from tendergen.core.words import reason_text
from tendergen.documents import content, matrix, prisbilaga, render
from tendergen.documents.matrix import AnswerReport
from tendergen.documents.output import finish_interrupted, read_manifest, sha256, write_build
from tendergen.errors import InvalidInput, Location, OutputError, TendergenError
from tendergen.evaluate.assess import Outcome as EvaluationOutcome
from tendergen.interview import BACK, Ask, Context, Interview, Notify, Outcome, ProfileData, Prompt, Question, Reply
from tendergen.review.diff import Change

JSON = str | int | float | bool | None | list["JSON"] | dict[str, "JSON"]
Manifest = dict[str, JSON]  # manifest.json: what went into a build and why


@dataclass(frozen=True)
class Session:
    """A loaded workspace: its settings, the layered library and a fingerprint of each layer."""

    workspace: Workspace
    workspace_path: Path | None
    library: Library
    layers: tuple[load.LibrarySources, ...]
    workspace_sha256: str = ""  # of tendergen.yaml as read

    def library_inputs(self) -> list[dict[str, str]]:
        return [{"role": f"library ({layer.origin})", "name": self.input_name(layer.folder),
                 "sha256": _layer_hash(layer)} for layer in self.layers]

    def input_name(self, path: Path) -> str:
        """A path as the manifest records it, the same from any working directory and on any machine."""
        path = path.resolve()
        for root, prefix in ((load.data_root().resolve(), "<tendergen>/"),
                             (self.workspace.root, "") if self.workspace.root else (None, "")):
            if root is not None and path.is_relative_to(root):
                return prefix + path.relative_to(root).as_posix()
        return path.name  # a folder given on the command line, outside the workspace


def _layer_hash(layer: load.LibrarySources) -> str:
    digest = hashlib.sha256()
    for source in sorted((*layer.meta.values(), *layer.clauses), key=lambda s: str(s.path)):
        digest.update(str(source.path.relative_to(layer.folder)).encode())
        digest.update(sha256(source.raw).encode())
    return digest.hexdigest()


def check_day(text: str, what: str = "date") -> str:
    """`text` if it is a real calendar date YYYY-MM-DD that a document can carry (years 1980-2099)."""
    from tendergen.core.validate.schema import day_problem

    wrong = day_problem(text)
    if wrong:
        raise InvalidInput(f"{what} {wrong}", hint="write the date as YYYY-MM-DD, e.g. 2026-03-01")
    return text


def check_name(text: str, what: str) -> str:
    """`text` stripped, if it is a usable person's name: not empty, one line, at most 200 characters."""
    name = text.strip()
    if not name or len(name) > 200 or load.FORBIDDEN_CHARS.search(name) or "\n" in name:
        raise InvalidInput(f"{what} must be a name on one line (1-200 characters)",
                           hint="e.g. --by 'Anna Berg, kommunjurist'")
    return name


def today() -> str:
    """The build date: SOURCE_DATE_EPOCH when set (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
    return dt.date.today().isoformat()


def open_session(workspace_file: Path | None = None, start: Path | None = None, *,
                 clause_folders: Sequence[Path] = (), templates: Path | None = None, cache: bool = True) -> Session:
    """Find and read tendergen.yaml (if any), then load the bundled library with the workspace layers.

    `clause_folders` (layered after the workspace's) and `templates` (instead of the workspace's) come
    from the command line: unlike the folders in tendergen.yaml they may lie outside the workspace.
    With `cache`, a library validated before from the very same files comes from the user's cache folder.
    """
    from dataclasses import replace

    path = workspace_file or load.find_workspace(start or Path.cwd())
    raw = load.read_bytes(path) if path else None
    ws = _workspace(path, raw, cache) if path and raw is not None else Workspace()
    for folder in [*clause_folders, *([templates] if templates else [])]:
        if not folder.is_dir():
            raise InvalidInput("folder not found", location=Location(load.where(folder)),
                               hint="check the path given on the command line")
    ws = replace(ws, clause_folders=(*ws.clause_folders, *(f.resolve() for f in clause_folders)),
                 templates=templates.resolve() if templates else ws.templates)
    library, layers = open_library(load.data_root() / "clauses", ws.clause_folders, cache=cache)
    return Session(ws, path, library, layers, sha256(raw) if raw is not None else "")


def _workspace(path: Path, raw: bytes, cache: bool) -> Workspace:
    """tendergen.yaml validated; with `cache`, bytes that passed before are not parsed or schema-checked again.

    Their data then comes from the cache; the folders they name are still checked.
    """
    from tendergen.core import cache as checks

    label = load.where(path)
    known = checks.passed("workspace", raw) if cache else None
    if type(known) is dict:
        try:
            return validate.workspace(load.Source(known, label, path, raw), schema_checked=True)
        except InvalidInput:
            pass  # e.g. a folder removed since: reported from the parsed file below, with its line
    source = load.Source(load.parse_yaml(load.decode(raw, label), label), label, path, raw)
    ws = validate.workspace(source, schema_checked=type(known) is dict)
    if cache and type(known) is not dict:
        checks.remember_passed("workspace", raw, load.plain(source.tree) if source.tree is not None else {})
    return ws


def open_library(base: Path, extra: Sequence[Path] = (), *, cache: bool = False
                 ) -> tuple[Library, tuple[load.LibrarySources, ...]]:
    """A library from a base folder (with library.yaml and the other metadata files) and layers over it.

    With `cache`, the files are hashed first and a library validated before from the same files (and the
    same tool) is loaded from the cache; its layers then hold the files' bytes but no parsed trees.
    """
    from tendergen.core import cache as library_cache

    folders = [(base, "bundled"), *((folder, f"workspace: {folder.name}") for folder in extra)]
    if cache:
        scanned = [layer for folder, origin in folders if (layer := library_cache.scan(folder, origin))]
        if len(scanned) == len(folders):
            found = library_cache.load(library_cache.key(scanned))
            if found is not None:
                return found, tuple(scanned)
    layers = [load.read_library_folder(folder, origin) for folder, origin in folders]
    known = validate.facts(load.read_schema("profile.schema.json"))
    library = validate.library(layers, known)  # raises with every located problem: never cached
    if cache:
        library_cache.store(library_cache.key(layers), library)
    return library, tuple(layers)


def library_at(session: Session, spec: str, scratch: Path) -> Library:
    """The library named by `spec`: a clause folder, or a git revision of the workspace.

    A folder with its own library.yaml is a whole library; any other folder is layered over the bundled
    library. At a git revision, the repository's clauses/ (if it has a library.yaml there) is the base and
    the workspace's clause folders are layered over it.
    """
    if len(spec) > 1000 or "\0" in spec:
        raise InvalidInput(f"{spec[:40]!r}… is neither a folder nor a git revision",
                           hint="give a clause folder, a tag, a branch or a commit")
    folder = Path(spec)
    try:
        is_folder = folder.is_dir()
    except OSError:  # e.g. a name too long for the file system: not a folder
        is_folder = False
    if is_folder:
        if not any(folder.rglob("*.y*ml")):
            raise InvalidInput("no clause files (*.yaml) in this folder", location=Location(load.where(folder)),
                               hint="give a clause folder: clause files in it or in one sub-folder per area")
        if (folder / "library.yaml").is_file():
            return open_library(folder, cache=True)[0]
        return open_library(load.data_root() / "clauses", [folder], cache=True)[0]
    top = load.git_top(session.workspace_path.parent if session.workspace_path else Path.cwd())
    if top is None:
        raise InvalidInput(f"{spec[:200]!r} is not a folder, and the workspace is not in a git repository",
                           hint="give two clause folders, or run inside the workspace's git repository")
    outside = [f for f in session.workspace.clause_folders if not f.resolve().is_relative_to(top)]
    if outside:
        raise InvalidInput(f"clause folder {load.where(outside[0])} is not in the git repository {top}",
                           hint="compare folders instead of revisions, or keep clause folders in the repository")
    layered = [str(f.resolve().relative_to(top)) for f in session.workspace.clause_folders]
    own_base = load.git_has(top, spec, "clauses/library.yaml")
    load.git_snapshot(top, spec, (["clauses"] if own_base else []) + layered, scratch)
    base = scratch / "clauses" if own_base else load.data_root() / "clauses"
    return open_library(base, [scratch / f for f in layered])[0]


@dataclass(frozen=True)
class Comparison:
    """The changes between two library versions, and each version as a reader names it."""

    changes: tuple[Change, ...]
    library: str  # the library's name (of the newer version)
    old_label: str  # its version, and the folder or revision it was read from: "2026.11.0 (v1)"
    new_label: str


def diff(session: Session, old_spec: str, new_spec: str, profile_dirs: Sequence[Path] = (),
         skipped: list[str] | None = None) -> tuple[Change, ...]:
    """Compare two library versions; with profiles, measure scope changes and list each change's impact."""
    return compare(session, old_spec, new_spec, profile_dirs, skipped).changes


def compare(session: Session, old_spec: str, new_spec: str, profile_dirs: Sequence[Path] = (),
            skipped: list[str] | None = None) -> Comparison:
    """Like `diff`, with the library name and version of each side (for the review document's header).

    A profile that cannot be read, or fits neither version, is left out and reported in `skipped`.
    """
    import tempfile

    from tendergen.review import diff as diffing

    with tempfile.TemporaryDirectory(prefix="tendergen-diff-") as scratch:
        old = library_at(session, old_spec, Path(scratch) / "old")
        new = library_at(session, new_spec, Path(scratch) / "new")
    sources, problems = [], []
    for path in (p for d in profile_dirs for p in sorted(Path(d).glob("*.yaml")) if p.name != load.WORKSPACE_FILE):
        try:
            sources.append(load.read_yaml(path))
        except InvalidInput as exc:
            problems.append(exc)
    old_profiles = _profiles_for(session, old, sources, problems)
    new_profiles = _profiles_for(session, new, sources, problems)
    if skipped is not None:
        skipped += dict.fromkeys(str(p) for p in problems if not p.location or (
            p.location.path not in old_profiles and p.location.path not in new_profiles))
    changes = diffing.compare(old, new, [(n, p) for n, p in new_profiles.items() if n in old_profiles])
    impact = diffing.impact(changes, old, new, old_profiles, new_profiles)
    from dataclasses import replace

    return Comparison(tuple(replace(c, impact=tuple(impact.get(c.id, ()))) for c in changes), new.name,
                      f"{old.version} ({old_spec})", f"{new.version} ({new_spec})")


def _profiles_for(session: Session, library: Library, sources: Sequence[load.Source],
                  problems: list[InvalidInput]) -> dict[str, Profile]:
    result = {}
    for source in sources:
        try:
            result[source.label] = validate.profile(source, library, organisation=session.workspace.organisation,
                                                    today=today())
        except InvalidInput as exc:  # a profile that does not fit one version cannot show an impact there
            first = (exc.problems or (exc,))[0]
            problems.append(first if isinstance(first, InvalidInput) and first.location
                            else InvalidInput(first.message, location=Location(source.label), hint=first.hint))
    return result


def default_profile_dirs(session: Session) -> list[Path]:
    """The workspace's profile folders and ./examples when it exists."""
    dirs = list(session.workspace.profiles)
    if Path("examples").is_dir():
        dirs.append(Path("examples"))
    return dirs


def load_profile(session: Session, path: Path) -> Profile:
    """Read and validate one profile against the session's library."""
    return validate.profile(load.read_yaml(path), session.library,
                            organisation=session.workspace.organisation, today=today())


def profile_from_text(session: Session, text: str, name: str = "profil.yaml") -> Profile:
    """Validate a profile given as YAML text (an upload, a form), with `name` as the file name in messages."""
    source = load.Source(load.parse_yaml(text, name), name, Path(name), text.encode("utf-8"))
    return validate.profile(source, session.library, organisation=session.workspace.organisation, today=today())


def load_profiles(session: Session, paths: Sequence[Path]) -> list[Profile]:
    """Validate several profiles and report the problems of all of them together."""
    profiles: list[Profile] = []
    problems: list[TendergenError] = []
    for path in paths:
        try:
            profiles.append(load_profile(session, path))
        except InvalidInput as exc:
            problems.extend(exc.problems or (exc,))
    if problems:
        raise InvalidInput(problems=problems)
    return profiles


def decide(session: Session, profile: Profile) -> tuple[Decision, ...]:
    """One decision per clause (and per own requirement), each with the reasons that decided it."""
    return select.select(session.library, profile)


def template_path(session: Session, document_id: str) -> Path:
    """The organisation's own template when its folder has one, else the bundled one."""
    own = session.workspace.templates
    if own is not None and (own / f"{document_id}.docx").is_file():
        return Path(own) / f"{document_id}.docx"
    return load.data_root() / "tender_templates" / f"{document_id}.docx"


def check_templates(session: Session) -> int:
    """Open and check every house template of the workspace (raises on the first bad one); how many."""
    from tendergen.documents.template import check_template

    own = session.workspace.templates
    files = sorted(own.glob("*.docx")) if own is not None else []
    for file in files:
        check_template(file, load.where(file))
    return len(files)


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote: the files (name -> bytes), the manifest, the stale outputs it removed, warnings."""

    files: dict[str, bytes]
    manifest: Manifest
    removed: tuple[str, ...]
    warnings: tuple[str, ...]
    pdfs: tuple[Path, ...] = ()
    included: int = 0  # clauses in the documents
    draft: tuple[str, ...] = ()  # included clauses that are not approved (pages marked UTKAST)


def _result(profile: Profile, files: dict[str, bytes], data: dict[str, Any], removed: list[str],
            warnings: Sequence[str] = (), pdfs: tuple[Path, ...] = ()) -> BuildResult:
    return BuildResult(files, data, tuple(removed), (*profile.warnings, *warnings), pdfs,
                       sum(bool(c["included"]) for c in data["clauses"]), tuple(data["draft"]))


def render_build(session: Session, raw: load.Source, *, draft: bool = False, light: bool = False
                 ) -> tuple[Profile, dict[str, bytes], Manifest]:
    """Everything a build produces, in memory: nothing is written.

    Clauses that are not approved (draft, or changed since approval) stop the build unless `draft`, which
    marks every page UTKAST. `light` gives the direct-procurement set: the one-document specification,
    the lathund, the contract terms and the annexes the rules select.
    """
    return _render_build(session, raw, draft=draft, light=light)


def _render_build(session: Session, raw: load.Source, *, draft: bool, light: bool
                  ) -> tuple[Profile, dict[str, bytes], dict[str, Any]]:
    profile = validate.profile(raw, session.library, organisation=session.workspace.organisation, today=today())
    decisions = select.select(session.library, profile)
    unapproved = [d.clause for d in decisions if d.included and not d.clause.is_approved]
    if unapproved and not draft:
        raise InvalidInput(problems=[
            InvalidInput(f"{c.id} is {'changed since its approval' if c.approval_stale else c.status}: "
                         "not approved for use in a tender", location=c.location,
                         hint="approve it with `tendergen approve ID --by NAME`, or build with --draft")
            for c in unapproved])
    files: dict[str, bytes] = {}
    documents = render.documents_needed(decisions)
    if light:
        documents = [render.LIGHT, *(d for d in documents if d not in render.FULL_TENDER_ONLY)]
    matrix_rows = [] if light else matrix.rows(profile, session.library, decisions)
    price_lines = () if light or profile.tender is None else profile.tender.prices
    sheets = [content.MATRIX] * bool(matrix_rows) + [content.PRICE_SHEET] * bool(price_lines)
    generated = content.generated_documents(profile, decisions, light=light)
    if content.OFFER_REQUEST in generated:  # a direct procurement's letter to the suppliers comes first
        documents = [content.OFFER_REQUEST, *documents]
    elif generated:  # the anbudsformulär and avtal go before the why-appendix
        documents = [*(d for d in documents if d != render.WHY), *generated,
                     *(d for d in documents if d == render.WHY)]
    annexes = content.annexes(session.library, [*documents, *sheets])
    ws = session.workspace
    templates = []
    for document_id in documents:
        if document_id in generated:
            ctx = content.generated_context_for(profile, session.library, document_id, annexes,
                                                organisation_number=ws.organisation_number,
                                                e_procurement_system=ws.e_procurement_system, decisions=decisions)
        else:
            ctx = render.context(profile, session.library, decisions, document_id)
        ctx = {**ctx, "draft": bool(unapproved)}
        if document_id not in generated:
            ctx = content.decorate(ctx, profile, session.library, decisions, document_id, annexes,
                                   e_procurement_system=ws.e_procurement_system)
        template = template_path(session, document_id)
        files[f"{document_id}.docx"] = render.render_docx(template, ctx, load.where(template))
        templates.append({"role": "template", "name": session.input_name(template),
                          "sha256": sha256(load.read_bytes(template))})
    if matrix_rows:
        files[matrix.FILE] = matrix.write_xlsx(profile, matrix_rows)
    if price_lines:
        files[prisbilaga.FILE] = prisbilaga.write_xlsx(profile, price_lines)
    inputs = [{"role": "profile", "name": raw.path.name, "sha256": sha256(raw.raw)}]
    if session.workspace_path:
        inputs.append({"role": "workspace", "name": session.workspace_path.name, "sha256": session.workspace_sha256})
    inputs += session.library_inputs() + templates
    data = _manifest(profile, session.library, decisions, inputs, files)
    data["draft"] = [c.id for c in unapproved]
    if matrix_rows:
        data["matrix"] = {"file": matrix.FILE, "checksum": matrix.checksum(profile.reference, matrix_rows),
                          "ids": [r.id for r in matrix_rows]}
    if price_lines:
        data["prices"] = prisbilaga.manifest_entry(profile, price_lines)
    if not light and profile.tender is not None and profile.tender.evaluation is not None:
        data["evaluation"] = _evaluation_entry(profile.tender.evaluation)
    return profile, files, data


def _evaluation_entry(evaluation: Evaluation) -> dict[str, Any]:
    """The published evaluation model as the manifest records it (what `evaluate` applies)."""
    return {"basis": evaluation.basis,
            "criteria": [{"requirement": c.requirement, "title": c.title,
                          **({"value_sek": c.value_sek} if c.value_sek is not None else
                             {"value_percent": c.value_percent})} for c in evaluation.criteria]}


def lay_out(files: dict[str, bytes], data: Manifest, *, toc_pages: bool, pdf_dir: Path | None
            ) -> tuple[dict[str, bytes], list[Path], list[str]]:
    """One LibreOffice run over the Word documents: TOC page numbers and tagged PDF copies.

    With toc_pages each table of contents gets its page numbers; with pdf_dir tagged PDF copies go there.
    Updates the manifest's output hashes; returns the files, the PDFs and any warnings.
    """
    import tempfile

    from tendergen.documents import pdf, wordml

    if not toc_pages and pdf_dir is None:
        return files, [], []
    with tempfile.TemporaryDirectory(prefix="tendergen-layout-") as scratch:
        docs = []
        for name, content in files.items():
            if name.endswith(".docx"):
                docs.append(Path(scratch) / name)
                docs[-1].write_bytes(content)
        try:
            copies, tocs, warnings = pdf.run(docs, pdf_dir or Path(scratch) / "out",
                                             export=pdf.PDF_EXPORT if pdf_dir else None)
        except OutputError as exc:
            if pdf_dir is not None:
                raise  # PDFs were asked for: their failure is the build's
            return files, [], [f"LibreOffice could not lay the documents out, so the tables of contents have "
                               f"no page numbers: {exc}"]
    if toc_pages:
        files = dict(files)
        for name, pages in tocs.items():
            paged = wordml.with_toc_pages(files[name], pages)
            if paged is None:
                warnings.append(f"{name}: LibreOffice's table of contents does not match the headings; "
                                "left without page numbers")
            else:
                files[name] = paged
        outputs: list[JSON] = [{"file": name, "sha256": sha256(content), "bytes": len(content)}
                               for name, content in files.items()]
        data["outputs"] = outputs
    return files, copies, warnings


def _publish_pdfs(staged: list[Path], out_dir: Path) -> tuple[Path, ...]:
    """Move staged PDFs into out_dir/pdf (not listed in the manifest: they are copies of the .docx files)."""
    if not staged:
        return ()
    target = out_dir / "pdf"
    target.mkdir(parents=True, exist_ok=True)
    return tuple(Path(p).replace(target / p.name) for p in staged)


def build(session: Session, profile_path: Path, out_dir: Path, *, force: bool = False, draft: bool = False,
          toc_pages: bool = False, pdf: bool = False) -> BuildResult:
    """Render every document for a profile and write them, with manifest.json, into out_dir.

    With `toc_pages` LibreOffice lays the documents out and their tables of contents get page numbers;
    with `pdf` tagged PDF copies go to out_dir/pdf (from the same LibreOffice run).
    """
    import tempfile

    profile, files, data = _render_build(session, load.read_yaml(profile_path), draft=draft, light=False)
    with tempfile.TemporaryDirectory(prefix="tendergen-pdf-") as staging:
        files, staged, warnings = lay_out(files, data, toc_pages=toc_pages, pdf_dir=Path(staging) if pdf else None)
        removed = write_build(out_dir, files, data, force=force)
        pdfs = _publish_pdfs(staged, out_dir)
    return _result(profile, files, data, removed, [*warnings, *_placeholder_warnings(session, profile, data, draft),
                                                   *_quantity_warnings(session, profile, data)], pdfs)


def _quantity_warnings(session: Session, profile: Profile, data: Mapping[str, Any]) -> list[str]:
    """Each shared quantity (library.yaml quantities:) that two selected clauses state with different values."""
    from tendergen.core.lint import quantity_conflicts

    chosen = [c for entry in data["clauses"] if entry.get("included") and (c := session.library.clause(entry["id"]))]
    return [f"contradiction: {text}" for text in
            quantity_conflicts(session.library, chosen, lambda c: render.parameter_values(c, profile))]


_UNFILLED = "[fylls i"  # the start of a placeholder that the municipality must fill in before publishing


def _placeholder_warnings(session: Session, profile: Profile, data: Mapping[str, Any], draft: bool) -> list[str]:
    """Each selected clause parameter still holding a "[fylls i …]" placeholder: document, clause, parameter."""
    if draft:
        return []
    found = []
    for entry in data["clauses"]:
        clause = session.library.clause(entry["id"]) if entry.get("included") else None
        if clause is None:
            continue
        for param, value in zip(clause.parameters, render.parameter_values(clause, profile).values(), strict=True):
            if isinstance(value, str) and _UNFILLED in value:
                found.append(f"{clause.document}: {clause.id}: parameter {param.name} is not filled in ({value}); "
                             f"set parameters: {{{clause.id}: {{{param.name}: ...}}}} in the profile")
    if any(o["file"] == f"{content.OFFER_REQUEST}.docx" for o in data["outputs"]) and not (
            profile.tender and profile.tender.timetable and profile.tender.timetable.get("tender_deadline")):
        found.append(f"{content.OFFER_REQUEST}: the last day for offers is not filled in "
                     f"({content.NOT_STATED.format('sista dag för offert')}); "
                     "set timetable: {tender_deadline: YYYY-MM-DD} in the profile")
    return found


def build_light(session: Session, profile: ProfileData, out_dir: Path, *, force: bool = False,
                draft: bool = False, toc_pages: bool = False, pdf: bool = False) -> BuildResult:
    """Save the interview's profile as profil.yaml and write the direct-procurement documents beside it."""
    text = interview.profile_yaml(profile)
    path = out_dir / LIGHT_PROFILE
    source = load.Source(load.parse_yaml(text, load.where(path)), load.where(path), path, text.encode("utf-8"))
    return _build_light(session, source, out_dir, force=force, draft=draft, toc_pages=toc_pages, pdf=pdf)


def rebuild_light(session: Session, profile_path: Path, out_dir: Path, *, force: bool = False,
                  draft: bool = False, toc_pages: bool = False, pdf: bool = False) -> BuildResult:
    """Rebuild the direct-procurement documents from a saved (perhaps edited) profil.yaml, kept as it is."""
    text = load.read_text(profile_path)
    path = out_dir / LIGHT_PROFILE
    source = load.Source(load.parse_yaml(text, load.where(path)), load.where(path), path, text.encode("utf-8"))
    return _build_light(session, source, out_dir, force=force, draft=draft, toc_pages=toc_pages, pdf=pdf)


def _build_light(session: Session, source: load.Source, out_dir: Path, *, force: bool, draft: bool,
                 toc_pages: bool, pdf: bool) -> BuildResult:
    import tempfile

    profile, files, data = _render_build(session, source, draft=draft, light=True)
    with tempfile.TemporaryDirectory(prefix="tendergen-pdf-") as staging:
        files, staged, warnings = lay_out(files, data, toc_pages=toc_pages, pdf_dir=Path(staging) if pdf else None)
        files = {LIGHT_PROFILE: source.raw, **files}
        data["outputs"].insert(0, {"file": LIGHT_PROFILE, "sha256": sha256(source.raw), "bytes": len(source.raw)})
        removed = write_build(out_dir, files, data, force=force)
        pdfs = _publish_pdfs(staged, out_dir)
    return _result(profile, files, data, removed, warnings, pdfs)


def render_light(session: Session, profile: ProfileData, *, draft: bool = False) -> BuildResult:
    """The direct-procurement documents and profil.yaml in memory, nothing written (for the web form).

    `files` holds profil.yaml first, then the documents; the manifest is in `manifest`.
    """
    text = interview.profile_yaml(profile)
    raw = text.encode("utf-8")
    source = load.Source(load.parse_yaml(text, LIGHT_PROFILE), LIGHT_PROFILE, Path(LIGHT_PROFILE), raw)
    built, files, data = _render_build(session, source, draft=draft, light=True)
    files = {LIGHT_PROFILE: raw, **files}
    data["outputs"].insert(0, {"file": LIGHT_PROFILE, "sha256": sha256(raw), "bytes": len(raw)})
    return _result(built, files, data, [])


def interview_context(session: Session, organisation: str | None = None) -> interview.Context:
    """What the light interview needs: the library's limits, today's date and the organisation (if known)."""
    return interview.Context(session.library, today(), organisation or session.workspace.organisation or "")


def run_interview(session: Session, ask: interview.Ask, *, organisation: str | None = None,
                  notify: interview.Notify | None = None) -> interview.Outcome:
    """The light interview, one question at a time through `ask` (see `tendergen.interview.run`)."""
    return interview.run(interview_context(session, organisation), ask, notify)


def answer_interview(session: Session, answers: Path | Mapping[str, object], *, organisation: str | None = None,
                     notify: interview.Notify | None = None) -> interview.Outcome:
    """The light interview answered all at once: from an answers file (located errors) or a mapping."""
    context = interview_context(session, organisation)
    if isinstance(answers, Path):
        return interview.from_source(context, load.read_yaml(answers), notify)
    return interview.from_answers(context, answers, notify=notify)


LIGHT_PROFILE = "profil.yaml"


def verify(out_dir: Path) -> list[tuple[str, str]]:
    """Each output the manifest lists, with its state: 'ok', 'edited' or 'missing'."""
    finish_interrupted(out_dir)
    result = []
    for entry in read_manifest(out_dir)["outputs"]:
        path = out_dir / entry["file"]
        if not path.is_file():
            state = "missing"
        else:
            state = "ok" if sha256(load.read_bytes(path)) == entry["sha256"] else "edited"
        result.append((entry["file"], state))
    return result


def import_answers(matrix_path: Path, build_dir: Path) -> AnswerReport:
    """Read a supplier's filled requirement matrix and check it against the build it came from."""
    return matrix.read_answers(matrix_path, read_manifest(build_dir))


@dataclass(frozen=True)
class EvaluationResult:
    """What `evaluate` wrote: the assessed tenders (ranked first), the files and the folder they are in."""

    outcome: EvaluationOutcome
    files: dict[str, bytes]
    folder: Path
    warnings: tuple[str, ...] = ()  # for the procurer: the AF's model differs from the one applied


def evaluate(build_dir: Path, tender_dirs: Sequence[Path], *, evaluator: str, date: str | None = None,
             force: bool = False) -> EvaluationResult:
    """Evaluate suppliers' tenders against the build they answered, exactly by its published model.

    Each tender folder holds anbud.yaml (name, org_nr), the supplier's kravmatris.xlsx and prisbilaga.xlsx.
    Writes utvarderingsprotokoll.docx, a draft tilldelningsbeslut.docx and utvardering.json, with a manifest,
    into build_dir/utvardering; an earlier, different evaluation there is kept unless `force`.
    """
    from tendergen.evaluate import run

    day = check_day(date or today(), "--date")
    who = check_name(evaluator, "--evaluator")
    outcome, files, data, warnings = run.evaluate(build_dir, tender_dirs, evaluator=who, date=day,
                                        tool=f"tendergen {__version__}")
    folder = run.write(build_dir, files, data, force=force)
    return EvaluationResult(outcome, files, folder, tuple(warnings))


def manifest(profile: Profile, library: Library, decisions: Sequence[Decision],
             inputs: list[dict[str, str]], files: dict[str, bytes]) -> Manifest:
    """What went into a build and why: reproducible (no wall-clock time, no absolute paths)."""
    return _manifest(profile, library, decisions, inputs, files)


def _manifest(profile: Profile, library: Library, decisions: Sequence[Decision],
              inputs: list[dict[str, str]], files: dict[str, bytes]) -> dict[str, Any]:
    return {
        "tool": f"tendergen {__version__}",
        "library": {"name": library.name, "version": library.version},
        "inputs": inputs,
        "profile": {"title": profile.title, "reference": profile.reference, "organisation": profile.organisation,
                    "date": profile.date, "facts": dict(profile.facts)},
        "clauses": [
            {
                "id": d.clause.id,
                "version": d.clause.version,
                "title": d.clause.title,
                "kind": d.clause.kind,
                "included": d.included,
                "document": d.clause.document,
                "origin": d.clause.origin + (" (override)" if d.clause.overrides else ""),
                "reasons": [reason_text(r) for r in d.reasons],
                **select.decision_fields(d),
                **({"parameters": render.parameter_values(d.clause, profile),
                    "parameter_basis": {s.name: {k: v for k, v in params.setting_fields(s).items()
                                                 if k not in ("name", "value")}
                                        for s in params.settings(d.clause, profile)}}
                   if d.included and d.clause.parameters else {}),
            }
            for d in decisions
        ],
        "outputs": [{"file": name, "sha256": sha256(data), "bytes": len(data)} for name, data in files.items()],
    }


def review_docx(session: Session, changes: Sequence[Change], old_spec: str, new_spec: str, *, author: str,
                date: str, library: str = "") -> bytes:
    """The legal-review document: tracked changes per clause, rendered through the house template.

    `old_spec` and `new_spec` name the versions compared as the reader sees them, and `library` the
    library's name (both from `compare`).
    """
    from tendergen.review import redline

    day = check_day(date, "--date")
    author = check_name(author, "--author")
    meta = {
        "title": f"Granskning av {library or session.library.name}",
        "document_title": "Klausulförändringar för juridisk granskning",
        "document_id": "klausulgranskning",
        "reference": f"{old_spec} → {new_spec}",  # the library versions compared
        "reference_label": "Jämförda versioner",
        "organisation": session.workspace.organisation or session.library.name,
        "department": "",
        "contact": "",
        "date": day,
        "draft": False,
        "library": f"{session.library.name}",
        "intro": [
            "Dokumentet visar varje ändrad klausul med klassificering, påverkan på upphandlingarna och "
            "texten med spårade ändringar. Godkänn eller avvisa ändringarna i Word (Granska > Godkänn/Avvisa); "
            "när alla godkänns återstår den nya lydelsen, när alla avvisas den gamla. Ändringsspårningen är "
            "påslagen, så att granskarens egna ändringar också syns. Beslutet antecknas sist i dokumentet.",
        ],
    }
    ctx = redline.context(changes, meta, author, f"{day}T00:00:00Z")
    template = template_path(session, "klausulgranskning")
    return render.render_docx(template, ctx, load.where(template))


def approve(session: Session, ids: Sequence[str], by: str, day: str) -> list[str]:
    """Approve clauses in their YAML files (comments kept); return the files changed."""
    from tendergen.documents.output import atomic_write
    from tendergen.review.approve import approved_yaml

    by, day = check_name(by, "--by"), check_day(day, "--date")
    missing = [i for i in ids if session.library.clause(i) is None]
    if missing:
        raise InvalidInput(f"no clause with id {', '.join(map(repr, missing))}", hint="see `tendergen clauses list`")
    own = [folder.resolve() for folder in session.workspace.clause_folders]
    for cid in ids:
        clause = session.library.clause(cid)
        assert clause is not None
        if not any(Path(clause.file).resolve().is_relative_to(folder) for folder in own):
            raise InvalidInput(f"{cid} is not in one of the workspace's clause folders: approve edits only those",
                               location=clause.location,
                               hint="copy the clause into a folder listed under clause_folders in tendergen.yaml "
                                    "(it then overrides the bundled one) and approve it there")
    by_file: dict[str, list[str]] = {}
    for cid in ids:
        clause = session.library.clause(cid)
        assert clause is not None
        by_file.setdefault(clause.file, []).append(cid)
    changed = []
    for file, file_ids in by_file.items():
        path = Path(file)
        text, done = approved_yaml(load.read_text(path), set(file_ids), by, day, load.where(path))
        atomic_write(path, text.encode("utf-8"))
        changed.append(load.where(path))
    return changed
