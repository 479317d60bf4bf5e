"""The web form (`tendergen serve`) through Flask's test client: flow, going back, guardrails, safety."""

from __future__ import annotations

import io
import re
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import docx_as_text
from tendergen import api
from tendergen.interview import BY_ID
from tendergen.web import create_app
from tendergen.web.state import Store

flask = pytest.importorskip("flask")

SURVEY = {
    "vad": "Enkätverktyg för medborgardialog", "verksamhet": "Kommunledningsförvaltningen",
    "kategori": "it-som-tjanst", "leverans": "saas", "varde": "250 000", "tidigare": "0", "avtalstid": "3",
    "anvandare": "invanare", "personuppgifter": "ja", "kansliga": "nej", "lagring": "eu",
    "kritisk": "hanterbart", "ai": "nej", "kontakt": "Sara Holm", "diarienummer": "KS 2026/88",
}


@pytest.fixture(scope="module")
def ws_session(tmp_path_factory: pytest.TempPathFactory) -> api.Session:
    folder = tmp_path_factory.mktemp("ws")
    (folder / "tendergen.yaml").write_text("organisation: Exempelkommunen\n", encoding="utf-8")
    return api.open_session(folder / "tendergen.yaml")


@pytest.fixture
def client(ws_session: api.Session) -> Iterator[flask.testing.FlaskClient]:
    yield create_app(ws_session).test_client()


def csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def start(client: flask.testing.FlaskClient) -> str:
    """Open the start page, press Börja; return the first question's path."""
    page = client.get("/")
    assert page.status_code == 200
    response = client.post("/start", data={"csrf": csrf(page.text)})
    assert response.status_code == 303
    return response.headers["Location"]


def answer(client: flask.testing.FlaskClient, path: str, value: str, action: str = "nasta",
           **extra: str) -> tuple[int, str, str]:
    """Answer the question at `path`: (status, the next path or '', the page text when not redirected)."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    response = client.post(path, data={"csrf": csrf(page.text), "svar": value, "atgard": action, **extra})
    return response.status_code, response.headers.get("Location", ""), response.text


def fill(client: flask.testing.FlaskClient, answers: dict[str, str]) -> list[str]:
    """Answer questions from `answers` until the summary; return the ids asked, in order."""
    path, asked = start(client), []
    while path.startswith("/fraga/"):
        qid = path.rsplit("/", 1)[1]
        asked.append(qid)
        status, path, text = answer(client, path, answers[qid])
        assert status == 303, text
    assert path == "/sammanfattning"
    return asked


def test_the_whole_form_to_the_zip(client: flask.testing.FlaskClient) -> None:
    asked = fill(client, SURVEY)
    assert asked == list(SURVEY)  # the workspace names the organisation, so it is not asked
    summary = client.get("/sammanfattning")
    assert "Kontrollera dina svar" in summary.text and "250\u00a0000\u00a0kr" in summary.text
    assert "Även invånare eller andra utanför kommunen".lower() in summary.text.lower()
    built = client.post("/skapa", data={"csrf": csrf(summary.text)})
    assert built.status_code == 303 and built.headers["Location"] == "/dokument"
    page = client.get("/dokument")
    assert "Dokumenten är klara" in page.text and "lathund.docx" in page.text
    archive = client.get("/dokument/kravspecifikation-light.zip")
    assert archive.status_code == 200 and archive.mimetype == "application/zip"
    assert "attachment" in archive.headers["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(archive.data)).namelist()
    assert names[0] == "profil.yaml"
    assert {"kravspecifikation-light.docx", "lathund.docx", "avtalsvillkor.docx", "manifest.json"} <= set(names)
    single = client.get("/dokument/profil.yaml")
    assert "estimated_value_sek: 250000" in single.text and "citizen_facing: true" in single.text
    assert client.get("/dokument/../../etc/passwd").status_code == 404
    assert client.get("/dokument/nothing.docx").status_code == 404


def test_back_forgets_the_answer_but_shows_it_again(client: flask.testing.FlaskClient) -> None:
    path = start(client)
    _, path, _ = answer(client, path, SURVEY["vad"])
    _, path, _ = answer(client, path, SURVEY["verksamhet"])
    assert path == "/fraga/kategori"
    status, back, _ = answer(client, path, "", action="tillbaka")
    assert status == 303 and back == "/fraga/verksamhet"
    page = client.get(back)
    assert f'value="{SURVEY["verksamhet"]}"' in page.text  # what was typed is shown again
    _, path, _ = answer(client, back, "Barn- och utbildningsförvaltningen")
    assert path == "/fraga/kategori"
    # From the first question, back leads to the start page.
    status, back, _ = answer(client, "/fraga/vad", "", action="tillbaka")
    assert back == "/"


def test_skipping_is_the_interviews(client: flask.testing.FlaskClient) -> None:
    hardware = {**SURVEY, "kategori": "hardvara"}
    asked = fill(client, hardware)
    assert "leverans" not in asked and "anvandare" not in asked and "ai" not in asked


def test_changing_an_answer_from_the_summary_keeps_the_rest(client: flask.testing.FlaskClient) -> None:
    fill(client, SURVEY)
    page = client.get("/fraga/varde?fran=sammanfattning")
    assert 'name="fran" value="sammanfattning"' in page.text and 'value="250 000"' in page.text
    response = client.post("/fraga/varde", data={"csrf": csrf(page.text), "svar": "280000", "atgard": "nasta",
                                                 "fran": "sammanfattning"})
    assert response.headers["Location"] == "/sammanfattning"
    assert "280\u00a0000\u00a0kr" in client.get("/sammanfattning").text


def test_field_errors_are_swedish_and_tied_to_the_field(client: flask.testing.FlaskClient) -> None:
    path = start(client)
    status, _, text = answer(client, path, "")
    assert status == 422 and "Frågan måste besvaras." in text
    assert 'aria-describedby="hjalp fel"' in text and 'aria-invalid="true"' in text
    assert '<p id="fel" class="fel">' in text and "<title>Fel: " in text
    status, _, text = answer(client, path, "ab")  # the profile schema: a title of at least 3 characters
    assert status == 422 and "Svaret är för kort" in text and 'value="ab"' in text
    status, _, text = answer(client, path, "x" * 201)
    assert status == 422 and "högst 200 tecken" in text
    status, _, text = answer(client, path, "rad ett\nrad två")
    assert status == 422 and "radbrytningar" in text
    _, path, _ = answer(client, path, SURVEY["vad"])
    _, path, _ = answer(client, path, SURVEY["verksamhet"])
    _, path, _ = answer(client, path, SURVEY["kategori"])
    _, path, _ = answer(client, path, SURVEY["leverans"])
    status, _, text = answer(client, path, "trehundratusen")
    assert status == 422 and "Skriv ett heltal" in text


def test_above_the_limit_explains_instead_of_building(client: flask.testing.FlaskClient) -> None:
    path = start(client)
    for qid in ("vad", "verksamhet", "kategori", "leverans"):
        _, path, _ = answer(client, path, SURVEY[qid])
    status, location, text = answer(client, path, "2 000 000")
    assert status == 200 and location == ""
    assert "Köpet kan inte göras som direktupphandling" in text and "Kontakta upphandlingsenheten" in text
    assert client.get("/sammanfattning").headers["Location"] == "/fraga/varde"  # nothing to build
    assert 'value="2 000 000"' in client.get("/fraga/varde").text  # shown again to correct it


def test_near_the_limit_warns_on_the_next_page(client: flask.testing.FlaskClient) -> None:
    path = start(client)
    for qid in ("vad", "verksamhet", "kategori", "leverans"):
        _, path, _ = answer(client, path, SURVEY[qid])
    _, path, _ = answer(client, path, "600000")
    _, path, _ = answer(client, path, "0")
    assert "nära gränsen för direktupphandling" in client.get(path).text


def test_csrf_and_size_limits(client: flask.testing.FlaskClient) -> None:
    path = start(client)
    assert client.post(path, data={"csrf": "wrong", "svar": "x"}).status_code == 400
    assert client.post(path, data={"svar": "x"}).status_code == 400
    page = client.get(path)
    big = client.post(path, data={"csrf": csrf(page.text), "svar": "x" * 40_000})
    assert big.status_code == 413 and "För mycket text" in big.text
    assert client.get("/").headers["Content-Security-Policy"].startswith("default-src 'none'")
    fresh = create_app(client.application.extensions["tendergen"]["session"]).test_client()
    assert fresh.post("/start", data={"csrf": csrf(page.text)}).status_code == 400  # no cookie, no post


def test_nothing_typed_is_a_template(client: flask.testing.FlaskClient, tmp_path: Path) -> None:
    typed = {**SURVEY, "vad": "{{ 7*7 }} {% if true %}x{% endif %}", "kontakt": "<script>alert(1)</script>"}
    fill(client, typed)
    summary = client.get("/sammanfattning").text
    assert "&lt;script&gt;" in summary and "<script>" not in summary
    client.post("/skapa", data={"csrf": csrf(summary)})
    docx = tmp_path / "spec.docx"
    docx.write_bytes(client.get("/dokument/kravspecifikation-light.docx").data)
    text = docx_as_text(docx)
    assert "{{ 7*7 }}" in text and "49" not in text.split("{{ 7*7 }}")[0][-5:]
    assert "<script>alert(1)</script>" in text


def test_concurrent_people_never_see_each_others_answers(ws_session: api.Session) -> None:
    app = create_app(ws_session, store=Store())
    results: dict[str, str] = {}

    def person(name: str) -> None:
        client = app.test_client()
        fill(client, {**SURVEY, "kontakt": name})
        results[name] = client.get("/sammanfattning").text

    threads = [threading.Thread(target=person, args=(f"Person {i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name, text in results.items():
        assert name in text
        assert not [other for other in results if other != name and f">{other}<" in text]
    assert app.test_client().get("/sammanfattning").headers["Location"] == "/"  # a stranger gets nothing


def test_the_organisation_is_asked_when_the_workspace_has_none(session: api.Session) -> None:
    client = create_app(session).test_client()
    assert start(client) == "/fraga/organisation"
    assert BY_ID["organisation"].text in client.get("/fraga/organisation").text


def test_serve_binds_localhost_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    from tendergen import web
    from tendergen.cli import cli

    seen = {}
    monkeypatch.setattr(web, "serve", lambda session, host, port, **kw: seen.update(host=host, port=port))
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 0, result.output
    assert seen == {"host": "127.0.0.1", "port": 8000}


def test_a_build_refused_by_the_library_is_explained_in_swedish(client: flask.testing.FlaskClient,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    fill(client, SURVEY)
    summary = client.get("/sammanfattning")

    def refuse(*args: object, **kwargs: object) -> None:
        raise api.InvalidInput(problems=[api.InvalidInput("X-1 is draft: not approved for use in a tender")])

    monkeypatch.setattr(api, "render_light", refuse)
    response = client.post("/skapa", data={"csrf": csrf(summary.text)})
    assert response.status_code == 422 and "inte godkända" in response.text
    assert client.get("/dokument").headers["Location"] == "/sammanfattning"


def test_the_store_forgets_idle_interviews_and_keeps_a_bound() -> None:
    store = Store(idle_seconds=60, max_states=3)
    ids = [store.create()[0] for _ in range(4)]
    assert len(store) == 3 and store.get(ids[0]) is None and store.get(ids[3]) is not None
    assert store.get("not-an-id") is None and store.get(None) is None
    expired = Store(idle_seconds=-1)  # already idle too long
    sid, _ = expired.create()
    assert expired.get(sid) is None
