"""The web form: the light interview in a browser, server-rendered, working without JavaScript.

Every question, help text, skip, going back and guardrail comes from `tendergen.interview`; every profile
check from the profile schema (through `api.profile_from_text`); every document from `api.render_light`, in memory.
Pages: / (start), /fraga/<id> (one question), /sammanfattning (check the answers), /dokument (downloads).
"""

from __future__ import annotations

import io
import json
import re
import secrets
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, redirect, render_template, request, send_file, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from tendergen import api
from tendergen.core.words import sek
from tendergen.errors import InvalidInput, TendergenError
from tendergen.interview import BY_ID, Interview, Question, profile_data, profile_yaml
from tendergen.web.state import State, Store

COOKIE = "tendergen_id"
MAX_REQUEST_BYTES = 16 * 1024  # a form post is a few hundred bytes
MAX_ANSWER_CHARS = 200
ZIP_NAME = "kravspecifikation-light.zip"
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Where a profile problem lands: the profile field (as the schema names it) -> the question that gave it.
FIELD_QUESTION = {"title": "vad", "department": "verksamhet", "contact": "kontakt", "contact.name": "kontakt",
                  "contact.email": "kontakt", "contact.phone": "kontakt",
                  "reference": "diarienummer", "organisation": "organisation", "contract.years": "avtalstid",
                  "contract": "avtalstid", "facts.estimated_value_sek": "varde"}
MONEY = ("varde", "tidigare")
FILE_TITLES = {"offertforfragan.docx": "Offertförfrågan – skicka den till leverantörerna med bilagorna",
               "profil.yaml": "Profilen – svaren, så att upphandlingsenheten kan bygga om dokumenten",
               "manifest.json": "Byggprotokoll – vilka klausuler som valdes och varför"}
MEDIA = {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         ".yaml": "application/x-yaml; charset=utf-8", ".json": "application/json", ".zip": "application/zip"}
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def create_app(session: api.Session, *, store: Store | None = None) -> Flask:
    """The web application for one loaded workspace; interviews are kept in `store` (in memory)."""
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES, MAX_FORM_MEMORY_SIZE=MAX_REQUEST_BYTES, MAX_FORM_PARTS=20)
    states = store or Store()
    app.extensions["tendergen"] = {"session": session, "store": states}

    def context() -> Any:
        return api.interview_context(session)

    def state(create: bool = False) -> tuple[State | None, str | None]:
        """The state of the person asking (and a new id to set when one was created)."""
        found = states.get(request.cookies.get(COOKIE))
        if found is not None or not create:
            return found, None
        sid, fresh = states.create()
        return fresh, sid

    def posted_state() -> State:
        """The state of a form post, after the CSRF check: 400 when the token is missing or wrong."""
        found = states.get(request.cookies.get(COOKIE))
        token = request.form.get("csrf", "")
        if found is None or not secrets.compare_digest(token.encode(), found.csrf.encode()):
            abort(400)
        return found

    def page(template: str, st: State, sid: str | None, status: int = 200, **values: Any) -> BaseResponse:
        response = Response(render_template(template, csrf=st.csrf, **values), status=status)
        if sid:
            response.set_cookie(COOKIE, sid, httponly=True, samesite="Lax", secure=request.is_secure,
                                path=request.script_root or "/")
        return response

    def go(st: State, interview: Interview) -> BaseResponse:
        question = interview.current()
        if question is None:
            return redirect(url_for("summary"), 303)
        return redirect(url_for("question", qid=question.id), 303)

    @app.after_request
    def headers(response: BaseResponse) -> BaseResponse:
        for key, value in HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    @app.errorhandler(HTTPException)
    def error(exc: HTTPException) -> BaseResponse:
        if exc.code in (301, 302, 303, 307, 308):
            return exc.get_response()
        titles = {400: "Sidan har gått ut", 404: "Sidan finns inte", 405: "Sidan kan inte användas så",
                  413: "För mycket text skickades"}
        texts = {400: "Formuläret kunde inte tas emot, till exempel för att det varit öppet länge eller skickats "
                      "från en annan sida. Börja gärna om från startsidan.",
                 404: "Adressen finns inte i tjänsten.",
                 405: "Sidan kan inte användas på det sättet.",
                 413: f"Ett svar får vara högst {MAX_ANSWER_CHARS} tecken."}
        code = exc.code or 500
        body = render_template("fel.html", title=titles.get(code, "Något gick fel"),
                               text=texts.get(code, "Försök igen om en stund."))
        return Response(body, status=code)

    @app.get("/")
    def start() -> BaseResponse:
        st, sid = state(create=True)
        assert st is not None
        interview = Interview(context())
        return page("start.html", st, sid, limit=interview.limit and sek(interview.limit.amount_sek),
                    organisation=interview.context.organisation, started=bool(st.history),
                    count=len(interview.questions))

    @app.post("/start")
    def begin() -> BaseResponse:
        st = posted_state()
        with st.lock:
            st.restart()
            return go(st, Interview(context()))

    @app.get("/fraga/<qid>")
    def question(qid: str) -> BaseResponse:
        st, sid = state()
        if st is None:
            return redirect(url_for("start"), 303)
        with st.lock:
            interview = st.interview(context())
            asked = _asked(st, interview, qid)
            if asked is None:
                return go(st, interview)
            notices, st.notices = st.notices, []
            from_summary = request.args.get("fran") == "sammanfattning"
            return page("fraga.html", st, sid,
                        **_question_page(interview, asked, st, notices, from_summary=from_summary))

    @app.post("/fraga/<qid>")
    def answer(qid: str) -> BaseResponse:
        st = posted_state()
        with st.lock:
            interview = st.interview(context())
            if _asked(st, interview, qid) is None:
                return go(st, interview)
            if request.form.get("atgard") == "tillbaka":
                st.rewind(qid)
                if not st.history:
                    return redirect(url_for("start"), 303)
                st.rewind(st.history[-1])
                return go(st, st.interview(context()))
            return _answer(st, qid, request.form.get("svar", ""), request.form.get("fran") == "sammanfattning")

    def _answer(st: State, qid: str, raw: str, from_summary: bool) -> BaseResponse:
        history = st.history[:st.history.index(qid)] if qid in st.history else list(st.history)
        trial = State(given={**st.given, qid: raw}, history=history)
        interview = trial.interview(context())
        asked = interview.current()
        assert asked is not None and asked.id == qid
        problem = _typed_problem(raw)
        try:
            if problem:
                raise ValueError(problem)
            notices = interview.answer(raw)
            problem = _field_problem(session, interview, qid)
            if problem:
                raise ValueError(problem)
        except ValueError as exc:
            values = _question_page(trial.interview(context()), asked, trial, [], from_summary=from_summary)
            values["error"] = str(exc)
            return page("fraga.html", st, None, status=422, **values)
        except InvalidInput as exc:  # the answers rule out a direct procurement: explain, build nothing
            st.given[qid] = raw
            st.history = history
            st.built = ()
            return page("stopp.html", st, None, message=exc.message, qid=qid)
        st.given[qid] = raw
        st.history = [*history, qid]
        st.notices.extend(notices)
        st.built = ()
        if from_summary:
            _fast_forward(st, interview)
        return go(st, interview)

    def _fast_forward(st: State, interview: Interview) -> None:
        """Back from the summary: give the later questions their earlier answers until one is new or warns."""
        while (question := interview.current()) is not None and question.id in st.given:
            try:
                notices = interview.answer(st.given[question.id])
            except ValueError:
                return
            except InvalidInput:
                interview.back()  # the interview recorded the answer that stopped it
                return
            st.history.append(question.id)
            if notices:
                st.notices.extend(notices)
                return

    @app.get("/sammanfattning")
    def summary() -> BaseResponse:
        st, sid = state()
        if st is None:
            return redirect(url_for("start"), 303)
        with st.lock:
            interview = st.interview(context())
            if interview.current() is not None:
                return go(st, interview)
            outcome = interview.finish()
            errors = _profile_problems(session, outcome.profile)
            rows = [{"id": qid, "text": BY_ID[qid].text, "value": _shown(BY_ID[qid], outcome.answers[qid]),
                     "error": errors.pop(qid, "")} for qid in st.history]
            notices, st.notices = st.notices, []
            return page("sammanfattning.html", st, sid, rows=rows, warnings=[*notices, *outcome.warnings],
                        general=list(errors.values()), ready=not any(r["error"] for r in rows) and not errors)

    @app.post("/skapa")
    def build() -> BaseResponse:
        st = posted_state()
        with st.lock:
            interview = st.interview(context())
            if interview.current() is not None:
                return go(st, interview)
            try:
                result = api.render_light(session, interview.finish().profile)
            except TendergenError as exc:
                return page("fel.html", st, None, status=422, title="Dokumenten kunde inte skapas",
                            text=_swedish(exc))
            st.built = tuple(result.files)
            return redirect(url_for("documents"), 303)

    @app.get("/dokument")
    def documents() -> BaseResponse:
        st, sid = state()
        if st is None:
            return redirect(url_for("start"), 303)
        with st.lock:
            if not st.built:
                return redirect(url_for("summary"), 303)
            files = [{"name": name, "title": _file_title(session, name)} for name in (*st.built, "manifest.json")]
            return page("dokument.html", st, sid, files=files, zip_name=ZIP_NAME)

    @app.get("/dokument/<name>")
    def download(name: str) -> BaseResponse:
        st, _ = state()
        if st is None:
            return redirect(url_for("start"), 303)
        with st.lock:
            if not st.built:
                return redirect(url_for("summary"), 303)
            if name != ZIP_NAME and name not in (*st.built, "manifest.json"):
                abort(404)
            interview = st.interview(context())
            if interview.current() is not None:
                return go(st, interview)
            profile = interview.finish().profile
        result = api.render_light(session, profile)  # built again, in memory: nothing is kept or written
        files = {**result.files, "manifest.json": _manifest_bytes(result.manifest)}
        data = _zip(files) if name == ZIP_NAME else files.get(name)
        if data is None:
            abort(404)
        return send_file(io.BytesIO(data), mimetype=MEDIA.get(Path(name).suffix, "application/octet-stream"),
                         as_attachment=True, download_name=name, max_age=0)

    @app.post("/borja-om")
    def restart() -> BaseResponse:
        st = posted_state()
        with st.lock:
            st.restart()
        return redirect(url_for("start"), 303)

    return app


def _asked(st: State, interview: Interview, qid: str) -> Question | None:
    """The question `qid` when it may be shown now: the current one, or one already answered (to change)."""
    current = interview.current()
    if current is not None and current.id == qid:
        return current
    if qid in st.history:
        return BY_ID[qid]
    return None


def _question_page(interview: Interview, question: Question, st: State, notices: list[str], *,
                   from_summary: bool) -> dict[str, Any]:
    number = st.history.index(question.id) + 1 if question.id in st.history else interview.number
    value = st.given.get(question.id)
    if value is None:
        value = "" if question.default is None else question.typed_default()
        if question.kind == "choice":
            value = str(question.default)
    if question.kind == "bool" and value:
        value = "ja" if value.strip().lower() in ("ja", "j", "yes", "y", "true") else "nej"
    return {"question": question, "number": number, "most": len(interview.questions), "value": value,
            "notices": notices, "from_summary": from_summary, "first": number == 1,
            "max_chars": MAX_ANSWER_CHARS, "error": ""}


def _typed_problem(raw: str) -> str:
    if len(raw) > MAX_ANSWER_CHARS:
        return f"Svaret får vara högst {MAX_ANSWER_CHARS} tecken; nu är det {len(raw)}."
    if CONTROL.search(raw):
        return "Svaret innehåller tecken som inte kan användas (till exempel radbrytningar eller styrtecken)."
    return ""


def _field_problem(session: api.Session, interview: Interview, qid: str) -> str:
    """The profile schema's verdict on the answer to `qid`, checked at once with stand-ins for later answers."""
    if qid not in FIELD_QUESTION.values():
        return ""
    answers = {"vad": "Inköp", "verksamhet": "Förvaltningen", "kontakt": "Kontaktperson",
               "kategori": "it-som-tjanst", **interview.answers}
    organisation = str(answers.get("organisation") or interview.context.organisation or "Kommunen")
    problems = _profile_problems(session, profile_data(answers, organisation, interview.context.day))
    return problems.get(qid, "")


def _profile_problems(session: api.Session, profile: Mapping[str, object]) -> dict[str, str]:
    """Profile schema and rule problems in Swedish, by the question they belong to ('' for the others)."""
    try:
        api.profile_from_text(session, profile_yaml(dict(profile)))
    except InvalidInput as exc:
        found: dict[str, str] = {}
        for problem in exc.problems or (exc,):
            field = problem.message.split(":", 1)[0].strip() if ":" in problem.message else ""
            qid = FIELD_QUESTION.get(field, "")
            found.setdefault(qid, _swedish(problem))
        return found
    return {}


def _swedish(exc: TendergenError) -> str:
    """A profile or build problem in plain Swedish (the checks themselves report in English)."""
    text = " ".join([exc.message, *(p.message for p in getattr(exc, "problems", ()))])
    if "too short" in text:
        return "Svaret är för kort. Skriv ut det, till exempel med några ord."
    if "too long" in text:
        return "Svaret är för långt."
    if "does not match" in text or "is not valid" in text:
        return "Svaret har inte rätt form."
    if "not approved" in text:
        return ("En eller flera klausuler i biblioteket är inte godkända ännu, så dokumenten kan inte skapas. "
                "Kontakta upphandlingsenheten.")
    return "Svaret kan inte användas i upphandlingsprofilen. Kontakta upphandlingsenheten om det består."


def _shown(question: Question, value: object) -> str:
    if question.kind == "choice":
        label = dict(question.choices).get(str(value), str(value))
        return label[:1].upper() + label[1:]
    if question.kind == "bool":
        return "Ja" if value else "Nej"
    if question.id in MONEY:
        return sek(int(str(value)))
    if question.id == "avtalstid":
        return f"{value} år"
    return str(value) if str(value) else "Inget angivet"


def _file_title(session: api.Session, name: str) -> str:
    if name in FILE_TITLES:
        return FILE_TITLES[name]
    document = session.library.documents.get(Path(name).stem)
    return document.title if document is not None else name


def _manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _zip(files: Mapping[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()
