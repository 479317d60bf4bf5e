"""Render: pure context building from decisions, and .docx bytes from a docxtpl template."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from tendergen.core.model import Clause, Decision, Document, Library, Profile, Scalar
from tendergen.core.text import BULLETS, list_marker
from tendergen.core.words import KIND_LABELS, reason_text
from tendergen.errors import Location, OutputError

TEXT_DOCUMENT_ORDER = (
    "upphandlingsdokument", "kravspecifikation", "avtalsvillkor", "pub-instruktion", "sekretessforbindelse",
    "sanktionsforsakran", "ilo-sjalvvardering", "exitplan", "rfi", "lathund",
)
FULL_TENDER_ONLY = ("upphandlingsdokument", "kravspecifikation", "acceptanstestprotokoll", "rfi")
ACCEPTANCE = "acceptanstestprotokoll"
LIGHT = "kravspecifikation-light"
WHY = "urvalsredovisning"


def format_value(value: Scalar) -> str:
    """A parameter value as Swedish text: 10 000, 99,5, ja/nej."""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u00a0") if abs(value) >= 1000 else str(value)
    if isinstance(value, float):
        return (f"{value:g}" if not value.is_integer() else str(int(value))).replace(".", ",")
    return value


def parameter_values(clause: Clause, profile: Profile) -> dict[str, Scalar]:
    """The clause's parameters for the profile: its own values, else the scaled defaults, else the defaults."""
    from tendergen.core.params import values

    return values(clause, profile)


def clause_text(clause: Clause, values: Mapping[str, Scalar], profile: Profile, env: Any) -> str:
    """Render one clause text in the sandbox: parameter values are data, never template code."""
    names = {"organisation": profile.organisation, "title": profile.title, "reference": profile.reference,
             "kritiska_produkter": critical_products_text(profile.facts.get("critical_products", ())),
             **contract_names(profile)}
    return render_text(clause, {**names, **{k: format_value(v) for k, v in values.items()}}, env)


PLACEHOLDERS = {"organisation": "[upphandlande myndighet]", "title": "[upphandlingens namn]",
                "reference": "[diarienummer]", "avtalstid_ar": "[avtalstid]", "optioner": "[optioner]",
                "antal_optioner": "[antal optioner]", "optioner_text": "[optioner]",
                "kritiska_produkter": "[de kritiska produkterna]", "takvolym": "[takvolym]",
                "sista_fragedag": "", "sista_svarsdag": ""}  # empty: the text states its parameter instead


def default_text(clause: Clause, env: Any) -> str:
    """A clause text as a reviewer reads it: parameters at their defaults, profile data as [placeholders]."""
    return render_text(clause, {**PLACEHOLDERS, **{p.name: format_value(p.default) for p in clause.parameters}},
                       env)


def render_text(clause: Clause, names: Mapping[str, str], env: Any) -> str:
    from jinja2 import TemplateError, UndefinedError

    try:
        return str(env.from_string(clause.text).render(dict(names)))
    except UndefinedError as exc:
        raise OutputError(f"clause {clause.id}: text uses an undefined variable: {exc.message}",
                          location=clause.location, hint="declare the parameter in the clause") from exc
    except TemplateError as exc:
        raise OutputError(f"clause {clause.id}: cannot render text: {exc}", location=clause.location,
                          hint="check the clause text's placeholders with `tendergen validate`") from exc


def contract_names(profile: Profile) -> dict[str, str]:
    """Profile data as text for clause texts: the term, the options and a framework's ceiling ({{ takvolym }})."""
    years = profile.contract.get("years")
    options = list(profile.contract.get("options", ()))
    from tendergen.core.words import long_date

    timetable = profile.tender.timetable if profile.tender is not None else None
    return {
        "avtalstid_ar": format_value(years) if years is not None else "[avtalstid fylls i]",
        "optioner": " + ".join(format_value(o) for o in options) if options else "[inga optioner]",
        "antal_optioner": str(len(options)),
        "optioner_text": options_text(options),
        "takvolym": ceiling_text(profile),
        # The timetable's dates, when the profile has them: the AF then states one date, not a day count too.
        "sista_fragedag": long_date(day) if timetable and (day := timetable.get("last_question")) else "",
        "sista_svarsdag": long_date(day) if timetable and (day := timetable.get("last_answer")) else "",
    }


def critical_products_text(products: Sequence[str]) -> str:
    """The profile's critical products as a phrase: "trygghetslarm, larmknappar och laddare", or every product."""
    names = [" ".join(p.split()) for p in products]
    if not names:
        return "samtliga varor som ingår i leveransen"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} och {names[-1]}"


def kronor(amount: int) -> str:
    """An amount in running clause text: "2 000 000 kronor" (core.words.kronor)."""
    from tendergen.core.words import kronor as words_kronor

    return words_kronor(amount)


CEILING_UNKNOWN = "[fylls i av Kommunen: det högsta värdet i kronor som anges i annonsen]"


def ceiling_text(profile: Profile) -> str:
    """The framework's maximum value from the profile's scope, with each lot's: one figure, stated in the AF too."""
    scope = profile.tender.scope if profile.tender is not None else None
    if scope is None or scope.maximum_sek is None:
        return CEILING_UNKNOWN
    text = f"{kronor(scope.maximum_sek)} exklusive moms"
    lots = [f"delkontrakt {lot.id} ({lot.title}) högst {kronor(lot.maximum_sek)}"
            for lot in scope.lots if lot.maximum_sek is not None]
    if lots:
        text += ", och för " + (", för ".join(lots[:-1]) + " och för " if len(lots) > 1 else "") + lots[-1]
    return text


COUNT_WORDS = ("ingen", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio")


def options_text(options: list[Any]) -> str:
    """The extension options in words: "två förlängningar om vardera 2 år", "en förlängning om 1 år"."""
    if not options:
        return "[inga optioner]"
    count = COUNT_WORDS[len(options)] if len(options) < len(COUNT_WORDS) else str(len(options))
    years = [format_value(o) for o in options]
    if len(options) == 1:
        return f"en förlängning om {years[0]} år"
    if len(set(years)) == 1:
        return f"{count} förlängningar om vardera {years[0]} år"
    return f"{count} förlängningar om {', '.join(years[:-1])} respektive {years[-1]} år"


def text_environment() -> Any:
    """The sandbox for clause texts: plain text out (escaping happens in the .docx stage).

    One per process, compiling each distinct clause text once (see documents.compiled).
    """
    from tendergen.documents import compiled

    return compiled.environment(autoescape=False)


def paragraphs(text: str) -> list[dict[str, Any]]:
    """Split text into paragraphs at blank lines and list markers.

    A line starting with '- ' is a bullet item; '1. ', '2) ', 'a) ' starts a numbered or lettered item.
    Other lines continue the paragraph or item above them. Items are Word list paragraphs, not typed
    markers: `list` is the kind of list (decimal, decimalParen, lowerLetter, bullet), `number` the item's
    own number (so a list that starts at 3 keeps "punkt 3"), `marker` the typed marker for plain-text uses.
    """
    result: list[dict[str, Any]] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        items: list[tuple[str, str]] = []
        for line in block.splitlines():
            stripped = line.strip()
            marker = list_marker(stripped)
            if marker or not items:
                items.append((marker.group(1) if marker else "", stripped[marker.end():] if marker else stripped))
            elif stripped:
                items[-1] = (items[-1][0], f"{items[-1][1]} {stripped}")
        for mark, body in items:
            if mark or body:
                result.append(_paragraph(mark, body))
    return result


def _paragraph(mark: str, body: str) -> dict[str, Any]:
    kind, number = "", 0
    if mark in BULLETS:
        kind, number = "bullet", 1
    elif mark[:-1].isdigit():
        kind, number = ("decimal" if mark.endswith(".") else "decimalParen"), int(mark[:-1])
    elif mark:
        kind, number = "lowerLetter", "abcdefghijklmnopqrstuvwxyzåäö".index(mark[0]) + 1
    return {"bullet": kind == "bullet", "numbered": kind not in ("", "bullet"), "list": kind, "number": number,
            "marker": mark, "text": body, "num_id": 0}


def plain(paragraph: Mapping[str, Any]) -> str:
    """A paragraph as plain text: numbered and lettered items with their typed marker (for sheets, summaries)."""
    from tendergen.documents.references import plain as words

    text = words(str(paragraph["text"]))
    return f"{paragraph['marker']} {text}" if paragraph["numbered"] else text


def number_lists(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Give every list in the items' paragraphs its own Word numbering instance; return their definitions.

    A list is a run of consecutive items of one kind with consecutive numbers in one clause; each list
    restarts at its first item's number. The definitions go to the template as `lists`.
    """
    from tendergen.documents.wordml import FIRST_LIST_ID

    lists: list[dict[str, Any]] = []
    for item in items:
        previous: dict[str, Any] | None = None
        for para in item["paragraphs"]:
            if not para["list"]:
                previous = None
                continue
            if previous is None or previous["list"] != para["list"] or (
                    para["list"] != "bullet" and para["number"] != previous["number"] + 1):
                lists.append({"num_id": FIRST_LIST_ID + len(lists), "format": para["list"], "start": para["number"]})
            para["num_id"] = lists[-1]["num_id"]
            previous = para
    return lists


def _flat(text: str) -> str:
    return " ".join(text.split())


def documents_needed(decisions: Iterable[Decision]) -> list[str]:
    """The documents that get at least one included clause, in publishing order."""
    chosen = [d.clause for d in decisions if d.included]
    used = {c.document for c in chosen}
    generated = [ACCEPTANCE] if any(c.is_requirement for c in chosen) else []
    return [doc for doc in TEXT_DOCUMENT_ORDER if doc in used] + generated + [WHY]


def clause_item(clause: Clause, profile: Profile, env: Any) -> dict[str, Any]:
    text = clause_text(clause, parameter_values(clause, profile), profile, env)
    evaluation = ""
    if clause.kind == "bör-krav" and clause.evaluation_weight is not None:
        evaluation = f"{clause.evaluation_weight:g} poäng. {_flat(clause.evaluation_note)}"
    if clause.kind == "bör-krav":
        from tendergen.documents.content import criterion_text, evaluation_of

        model = evaluation_of(profile)  # the profile's model; a direct procurement without one: lowest price
        if model is not None:
            evaluation = criterion_text(clause, model)
    label = ""
    if clause.is_requirement:
        label = f"{KIND_LABELS[clause.kind]}-krav {clause.id}"
    return {
        "id": clause.id,
        "title": clause.title,
        "kind": clause.kind,
        "kind_label": KIND_LABELS[clause.kind],
        "label": label,
        "heading": True,
        "paragraphs": paragraphs(text),
        "verifikat": _flat(clause.verifikat) if clause.is_requirement else "",
        "evaluation": evaluation,
        "motiv": _flat(clause.motiv) if profile.show_motiv else "",
    }


def _base(profile: Profile, library: Library, document_id: str) -> dict[str, Any]:
    doc: Document = library.documents[document_id]
    contact = ", ".join(v for v in (profile.contact.get("name", ""), profile.contact.get("email", ""),
                                    profile.contact.get("phone", "")) if v)
    return {
        "title": profile.title,
        "reference": profile.reference,
        "reference_label": "Diarienummer",
        "organisation": profile.organisation,
        "department": profile.department,
        "contact": contact,
        "date": profile.date,
        "library": f"{library.name} {library.version}",
        "document_id": document_id,
        "document_title": doc.title,
        "intro": [plain(p) for p in paragraphs(doc.intro)] if doc.intro else [],
        "draft": False,
    }


def context(profile: Profile, library: Library, decisions: Sequence[Decision], document_id: str) -> dict[str, Any]:
    """Everything a document template needs, as plain data."""
    if document_id == ACCEPTANCE:
        return acceptance_context(profile, library, decisions)
    if document_id == WHY:
        return why_context(profile, library, decisions)
    if document_id == LIGHT:
        return light_context(profile, library, decisions)
    env = text_environment()
    chosen = [d.clause for d in decisions if d.included and d.clause.document == document_id]
    sections: list[dict[str, Any]] = []
    for section_id, section_title in library.documents[document_id].sections:
        members = [c for c in chosen if c.section == section_id]
        if not members:
            continue
        items = [clause_item(c, profile, env) for c in members]
        sections.append({
            "id": section_id,
            "title": section_title,
            "clauses": items,
            "texts": [i for i in items if i["kind"] not in ("ska-krav", "bör-krav")],
            "requirements": [i for i in items if i["kind"] in ("ska-krav", "bör-krav")],
        })
    for number, item in enumerate((i for sec in sections for i in sec["requirements"]), start=1000):
        item["bookmark_id"] = number
        item["bookmark"] = bookmark_name(item["id"])
    link_references(library, decisions, document_id, [i for sec in sections for i in sec["clauses"]])
    merge_headings(sections, document_id)
    criteria = [{"id": c.id, "title": c.title, "weight": format_value(c.evaluation_weight or 0),
                 "note": _flat(c.evaluation_note)}
                for d in decisions if d.included and (c := d.clause).kind == "bör-krav"]
    total = sum(d.clause.evaluation_weight or 0 for d in decisions if d.included and d.clause.kind == "bör-krav")
    lists = number_lists(item for section in sections for item in section["clauses"])
    return {**_base(profile, library, document_id), "sections": sections, "criteria": criteria,
            "criteria_total": format_value(total), "lists": lists}


def link_references(library: Library, decisions: Sequence[Decision], document_id: str,
                    items: list[dict[str, Any]]) -> None:
    """Resolve `[[ID]]` cross-references in the items' texts and give each clause heading its bookmark."""
    from tendergen.documents import references

    references.resolve_items(items, references.targets(library, decisions, document_id))
    for number, item in enumerate(items, start=5000):
        item["anchor_id"] = number
        item["anchor"] = references.anchor_name(item["id"])


def merge_headings(sections: Iterable[dict[str, Any]], document_id: str) -> None:
    """A section whose only clause repeats its heading shows one heading: the section's, with the clause's bookmark.

    Sets each section's `anchor`/`anchor_id` (empty unless merged) and the merged clause's `heading` to false,
    in place; documents.references numbers such a clause by its section ("avsnitt 1").
    """
    from tendergen.documents import references

    for section in sections:
        section["anchor"], section["anchor_id"] = "", 0
        items = section["clauses"]
        for item in items:
            item["heading"] = True
        if document_id not in references.UNNUMBERED and references.merged_heading(section["title"], items):
            items[0]["heading"] = False
            section["anchor"], section["anchor_id"] = items[0].get("anchor", ""), items[0].get("anchor_id", 0)


def bookmark_name(clause_id: str) -> str:
    """The Word bookmark of a requirement, e.g. krav_SAK_INCIDENT (letters, digits, _; at most 40)."""
    return ("krav_" + re.sub(r"[^A-Za-z0-9]", "_", clause_id))[:40]


def acceptance_context(profile: Profile, library: Library, decisions: Sequence[Decision]) -> dict[str, Any]:
    """One row per included requirement, grouped by the document sections it appears in."""
    requirements = [d.clause for d in decisions if d.included and d.clause.is_requirement]
    sections: list[dict[str, Any]] = []
    for document_id in TEXT_DOCUMENT_ORDER:
        doc = library.documents.get(document_id)
        for section_id, section_title in doc.sections if doc else ():
            rows = [{"id": c.id, "title": c.title, "kind_label": f"{KIND_LABELS[c.kind]}-krav",
                     "acceptance": _flat(c.acceptance)}
                    for c in requirements if c.document == document_id and c.section == section_id]
            if rows:
                sections.append({"title": f"{doc.title}: {section_title}" if doc else section_title,
                                 "requirements": rows})
    return {**_base(profile, library, ACCEPTANCE), "sections": sections}


def light_context(profile: Profile, library: Library, decisions: Sequence[Decision]) -> dict[str, Any]:
    """The one-document specification for a direct procurement: needs, the municipality's requirements, terms."""
    from tendergen.core.words import kronor

    env = text_environment()
    base = context(profile, library, decisions, "kravspecifikation")
    requirements = [d.clause for d in decisions if d.included and d.clause.is_requirement
                    and d.clause.document != "kravspecifikation"]
    extra = [clause_item(c, profile, env) for c in requirements]
    link_references(library, decisions, LIGHT, extra)
    sections = [s for s in base["sections"] if s["requirements"]]
    if extra:
        sections.append({"id": "ovrigt", "title": "Övriga krav", "requirements": extra, "clauses": extra, "texts": []})
    by_id = {d.clause.id: d.clause for d in decisions}
    terms = [{"title": item["title"], "summary": term_summary(by_id[item["id"]], item, profile, env)}
             for section in context(profile, library, decisions, "avtalsvillkor")["sections"]
             for item in section["clauses"]]
    years = profile.contract.get("years")
    purchase = [line for line in (
        profile.description,
        f"Beställande verksamhet: {profile.department}" if profile.department else "",
        f"Uppskattat värde: {kronor(profile.facts['estimated_value_sek'])} exklusive moms, för hela avtalstiden.",
        f"Avtalstid: {format_value(years)} år." if years else "",
    ) if line]
    lists = number_lists(item for section in sections for item in section["requirements"])
    return {**_base(profile, library, LIGHT), "purchase": purchase, "needs": [f"B{i}" for i in range(1, 9)],
            "sections": sections, "terms": terms, "lists": lists}


def term_summary(clause: Clause, item: Mapping[str, Any], profile: Profile, env: Any) -> str:
    """A contract term in one sentence, never one cut off in the middle.

    Its own `summary` with the profile's values; else the first complete sentence of its text; else a
    pointer to the full term.
    """
    from tendergen.core.text import first_sentence, flatten

    if clause.summary:
        return flatten(clause_text(replace(clause, text=clause.summary), parameter_values(clause, profile), profile,
                                   env))
    opening = plain(item["paragraphs"][0]) if item["paragraphs"] else ""
    return first_sentence(opening) or f"Villkoret finns i sin helhet i punkten {clause.title} i Avtalsvillkoren."


def legal_basis_text(clause: Clause, library: Library) -> list[str]:
    """Each legal basis of a clause as Swedish text, unverified ones marked."""
    result = []
    for basis in clause.legal_basis:
        ref = library.references[basis.ref]
        name = " ".join(filter(None, [basis.provision, ref.short or ref.name]))
        result.append(name + ("" if ref.verifies(basis.provision) else " (ej verifierad)"))
    return result


def why_context(profile: Profile, library: Library, decisions: Sequence[Decision]) -> dict[str, Any]:
    """For the file: every clause in or out, with the reasons and legal basis."""
    def row(d: Decision) -> dict[str, Any]:
        doc = library.documents.get(d.clause.document)
        return {"id": d.clause.id, "version": f"version {d.clause.version}", "title": d.clause.title,
                "document_title": doc.title if doc else d.clause.document,
                "reasons": "\n".join(map(reason_text, d.reasons)),
                "legal_basis": "\n".join(legal_basis_text(d.clause, library))}
    return {**_base(profile, library, WHY),
            "included": [row(d) for d in decisions if d.included],
            "excluded": [row(d) for d in decisions if not d.included]}


def render_docx(template: Path, ctx: Mapping[str, Any], label: str) -> bytes:
    """Render one docxtpl template with autoescape in the sandbox; return reproducible .docx bytes."""
    import datetime as dt

    from jinja2 import TemplateError

    from tendergen.documents import compiled
    from tendergen.documents.template import RENDER_SECONDS, check_template, time_limit

    where = Location(label)
    check_template(template, label)
    try:
        tpl = compiled.template(template)
    except Exception as exc:  # docx/zip libraries raise many types for a broken file
        raise OutputError(f"cannot open Word template: {exc}", location=where,
                          hint="the template must be a .docx saved by Word or LibreOffice") from exc
    env = compiled.environment(autoescape=True)  # each template part compiled once per process
    try:
        with time_limit(RENDER_SECONDS, label):
            tpl.render(dict(ctx), jinja_env=env, autoescape=True)
    except (TemplateError, TypeError, AttributeError, ValueError) as exc:
        # A house template is user input: its mistakes are reported, not shown as tracebacks.
        detail = list(getattr(exc, "docx_context", []) or [])
        hint = "template variables are listed in docs/templates.md"
        if detail:
            hint += "; near: " + " ".join(str(d) for d in detail)[:200]
        raise OutputError(f"template error: {getattr(exc, 'message', None) or exc}", location=where, hint=hint) from exc
    word_structure(tpl.docx, ctx)
    props = tpl.core_properties
    day = dt.datetime.fromisoformat(str(ctx["date"])).replace(tzinfo=dt.UTC)
    for name, value in (("title", f"{ctx['document_title']} – {ctx['title']}"), ("subject", ctx["title"]),
                        ("author", ctx["organisation"]), ("last_modified_by", ctx["organisation"]),
                        ("keywords", f"{ctx['reference']}; upphandling; {ctx['document_id']}"),
                        ("category", ctx["document_title"]),
                        ("comments", f"Skapad med tendergen från {ctx['library']}")):
        setattr(props, name, str(value)[:255])  # Word's limit for a document property
    props.created = day
    props.modified = day
    props.revision = 1
    props.language = "sv-SE"
    stamp = (day.year, day.month, day.day, 0, 0, 0)
    files = compiled.members(tpl)
    if files is not None:  # zipped once, straight into the reproducible zip
        return zip_files(files, stamp, label, check=compiled.raw_parts(tpl))
    buffer = io.BytesIO()
    tpl.save(buffer)
    return reproducible_zip(buffer.getvalue(), stamp, label)


def word_structure(document: Any, ctx: Mapping[str, Any]) -> None:
    """Real lists, a hyperlinked table of contents, non-breaking hyphens in titles, kept-together intros."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    from tendergen.documents import wordml

    body = document.element.body
    styles = document.styles.element
    names = wordml.style_names(styles)
    if ctx.get("lists"):
        wordml.add_list_numbering(document.part.numbering_part.element, ctx["lists"])
    wordml.link_references(body)
    wordml.write_toc(body, styles)
    wordml.keep_with_list(body, names)
    wordml.no_break_hyphens(body, names)
    for rel in document.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER):
            wordml.no_break_hyphens(rel.target_part.element, names)
    wordml.drop_update_fields(document.settings.element)


MAX_DOCUMENT_BYTES = 256 * 2**20  # unpacked: a generated document this large is a runaway template


def reproducible_zip(data: bytes, stamp: tuple[int, int, int, int, int, int], label: str) -> bytes:
    """Rewrite a zip with fixed timestamps and entry order so equal content gives equal bytes.

    Every XML part is parsed again on the way: a document that is not well-formed XML never reaches disk.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    return zip_files({name: source.read(name) for name in source.namelist()}, stamp, label)


def zip_files(files: Mapping[str, bytes], stamp: tuple[int, int, int, int, int, int], label: str, *,
              check: Collection[str] | None = None) -> bytes:
    """The reproducible zip of {name: bytes}: fixed timestamps, [Content_Types].xml first, then by name.

    Each XML part is parsed first (a document that is not well-formed XML never reaches disk); with
    `check`, only the parts named there (the others were serialised from parsed trees by lxml).
    """
    if sum(len(part) for part in files.values()) > MAX_DOCUMENT_BYTES:
        raise OutputError(f"the generated document is larger than {MAX_DOCUMENT_BYTES // 2**20} MB",
                          location=Location(label), hint="nothing was written; check the house template's loops "
                                                         "and the length of the profile's texts")
    names = sorted(files, key=lambda n: (n != "[Content_Types].xml", n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            part = files[name]
            if name.endswith((".xml", ".rels")) and (check is None or name in check):
                check_xml(part, f"{label} [{name}]")
            info = zipfile.ZipInfo(name, date_time=(min(max(stamp[0], 1980), 2107), *stamp[1:]))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, part)
    return out.getvalue()


def check_xml(data: bytes, label: str) -> None:
    """Raise OutputError unless `data` is well-formed XML (entities never expanded, nothing fetched)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise OutputError(f"the generated document is not well-formed XML: {exc}", location=Location(label),
                          hint="nothing was written; this is a bug in tendergen or in the house template: "
                               "please report it with the input that caused it") from exc
