"""The web form in a real browser: Debian's Chromium driven by Playwright, checked by axe-core on every page.

One `tendergen serve` process and one browser for the module. Every page the flow shows is checked against
the WCAG 2.1 A and AA rules of axe-core and saved as a screenshot under test-artifacts/web/ (ignored by git);
axe's results per page go to test-artifacts/web/axe.json.

Needs /usr/bin/chromium, the npm package axe-core (.ci/run installs both) and the playwright package (test
extra; no `playwright install`: the browser is Debian's). Missing pieces skip the module, or fail it when
TENDERGEN_REQUIRE_BROWSER=1 (as in CI).
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers import docx_as_text

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("TENDERGEN_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(os.environ.get("AXE_CORE_JS", ROOT / ".ci" / "npm" / "node_modules" / "axe-core" / "axe.min.js"))
ARTIFACTS = Path(os.environ.get("TENDERGEN_ARTIFACTS", ROOT / "test-artifacts")) / "web"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# A citizen-facing survey tool (medborgarenkäter): the purchase the flow test makes.
SURVEY = {
    "vad": "Enkätverktyg", "verksamhet": "Kommunledningsförvaltningen", "kategori": "it-som-tjanst",
    "leverans": "saas", "varde": "250 000", "tidigare": "0", "avtalstid": "3", "anvandare": "invanare",
    "personuppgifter": "ja", "kansliga": "nej", "lagring": "eu", "kritisk": "hanterbart", "ai": "nej",
    "kontakt": "Sara Holm", "diarienummer": "KS 2026/88",
}


def _missing() -> str:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package (pip install -e '.[test]')"
    if not CHROMIUM.is_file():
        return f"Debian's chromium at {CHROMIUM} (apt-get install chromium)"
    if not AXE.is_file():
        return f"axe-core at {AXE} (npm install --prefix .ci/npm axe-core@4)"
    return ""


if _missing():
    if os.environ.get("TENDERGEN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"the browser tests need {_missing()}", pytrace=False)
    pytest.skip(f"the browser tests need {_missing()}", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`tendergen serve` on a free loopback port, with a workspace that names the organisation."""
    folder = tmp_path_factory.mktemp("ws")
    (folder / "tendergen.yaml").write_text("organisation: Exempelkommunen\n", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "tendergen", "serve", "--port", "0", "--workspace", str(folder)],
                               stderr=subprocess.PIPE, text=True, cwd=folder)
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert found, line + (process.stderr.read() if process.poll() is not None else "")
        threading.Thread(target=process.stderr.read, daemon=True).start()  # keep the pipe from filling up
        yield found.group(0).rstrip("/")
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Pages:
    """Visits pages, checks each with axe-core and saves a screenshot; remembers the results for axe.json."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.results: dict[str, dict[str, Any]] = {}
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def check(self, name: str) -> None:
        page = self.page
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("o => axe.run(document, o)", {"runOnly": {"type": "tag", "values": WCAG}})
        name = f"{len(self.results) + 1:02d}-{name}"
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        self.results[name] = {
            "url": page.url, "title": page.title(), "violations": len(result["violations"]),
            "passes": len(result["passes"]), "incomplete": len(result["incomplete"]),
            "details": [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                         "nodes": [n["html"] for n in v["nodes"]]} for v in result["violations"]],
        }
        assert page.locator("html").get_attribute("lang") == "sv"
        assert not result["violations"], json.dumps(self.results[name], ensure_ascii=False, indent=2)

    def save(self) -> None:
        (ARTIFACTS / "axe.json").write_text(json.dumps(self.results, ensure_ascii=False, indent=2), "utf-8")


@pytest.fixture(scope="module")
def pages(browser: Any) -> Iterator[Pages]:
    context = browser.new_context(bypass_csp=True, accept_downloads=True, locale="sv-SE",
                                  viewport={"width": 1000, "height": 800})
    result = Pages(context.new_page())
    yield result
    result.save()
    context.close()


def click(page: Any, role: str, name: str | re.Pattern[str]) -> None:
    """Click a button or link and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_role(role, name=name).click()


def answer(page: Any, value: str) -> None:
    """Answer the question on the page (text box or radio buttons) and press Nästa."""
    if page.locator("#svar").count():
        page.fill("#svar", value)
    else:
        page.check(f"input[name='svar'][value='{value}']")
    click(page, "button", "Nästa")


def qid(page: Any) -> str:
    return page.url.rsplit("/", 1)[1].split("?")[0]


def test_survey_tool_from_start_to_docx(server: str, pages: Pages, tmp_path: Path) -> None:
    page = pages.page
    page.goto(server + "/")
    pages.check("start")
    # Keyboard only: the skip link comes first and shows where the focus is.
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.textContent, "
                            "getComputedStyle(document.activeElement).outlineStyle]")
    assert focused == ["Hoppa till innehållet", "solid"]
    click(page, "button", "Börja")

    answers = {**SURVEY, "vad": "Enkätverktyg (fel namn)"}
    seen: list[str] = []
    while "/fraga/" in page.url:
        current = qid(page)
        seen.append(current)
        pages.check(f"fraga-{current}")
        if current == "varde" and "varde-fel" not in seen:
            answer(page, "ungefär en kvarts miljon")
            seen.append("varde-fel")
            pages.check("fraga-varde-fel")
            error = page.locator("#fel")
            assert error.inner_text().endswith("Skriv ett heltal, till exempel 300000.")
            assert page.locator("#svar").get_attribute("aria-describedby") == "hjalp fel"
            answer(page, answers["varde"])
            continue
        if current == "verksamhet" and answers["vad"] != SURVEY["vad"]:
            # Go back one question and change the answer given there.
            click(page, "button", "Tillbaka till förra frågan")
            assert qid(page) == "vad" and page.input_value("#svar") == "Enkätverktyg (fel namn)"
            seen.append("vad")
            pages.check("fraga-vad-tillbaka")
            answers["vad"] = SURVEY["vad"]
            answer(page, answers["vad"])
            continue
        if current == "kategori":  # keyboard only: the chosen radio button, then Enter
            page.focus("input[name='svar']:checked")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            continue
        answer(page, answers[current])
    assert qid(page) == "sammanfattning"
    assert seen.count("vad") == 2 and "organisation" not in seen
    pages.check("sammanfattning")
    summary = page.locator("dl.svar").inner_text()
    assert "Enkätverktyg" in summary and "(fel namn)" not in summary
    assert "Även invånare eller andra utanför kommunen" in summary
    # Reflow (WCAG 1.4.10): at 320 CSS pixels nothing needs scrolling sideways.
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    page.screenshot(path=str(ARTIFACTS / "sammanfattning-320px.png"), full_page=True)
    page.set_viewport_size({"width": 1000, "height": 800})

    # Change the contact person from the summary and come straight back.
    click(page, "link", re.compile("Ändra svaret på frågan: Vem är kontaktperson"))
    pages.check("andra-kontakt")
    page.fill("#svar", "Ali Berg")
    click(page, "button", "Spara och gå tillbaka till sammanfattningen")
    assert qid(page) == "sammanfattning" and "Ali Berg" in page.locator("dl.svar").inner_text()

    click(page, "button", "Skapa dokumenten")
    assert qid(page) == "dokument"
    pages.check("dokument")

    with page.expect_download() as event:
        page.get_by_role("link", name="Ladda ner alla dokument (zip-fil)").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(event.value.path()).read_bytes()))
    assert {"profil.yaml", "kravspecifikation-light.docx", "lathund.docx", "avtalsvillkor.docx",
            "manifest.json"} <= set(archive.namelist())
    with page.expect_download() as event:
        page.get_by_role("link", name="Kravspecifikation för direktupphandling").click()
    assert event.value.suggested_filename == "kravspecifikation-light.docx"
    docx = tmp_path / "kravspecifikation-light.docx"
    event.value.save_as(docx)
    text = docx_as_text(docx)
    assert "Enkätverktyg" in text and "(fel namn)" not in text and "Ali Berg" in text
    assert "Exempelkommunen" in text
    assert docx.read_bytes() == archive.read("kravspecifikation-light.docx")
    assert "tillgänglighet" in text.lower()  # citizen-facing: the accessibility requirements are in


def test_above_the_limit_shows_the_explanation(server: str, pages: Pages) -> None:
    page = pages.page
    page.goto(server + "/dokument")
    click(page, "button", "Börja på ett nytt köp")
    click(page, "button", re.compile("Börja"))
    while qid(page) != "varde":
        answer(page, SURVEY[qid(page)])
    answer(page, "1 200 000")
    assert page.locator("h1").inner_text() == "Köpet kan inte göras som direktupphandling"
    assert "är högre än gränsen för direktupphandling" in page.get_by_role("alert").inner_text()
    assert page.get_by_role("link", name=re.compile("Ladda ner")).count() == 0
    pages.check("stopp-over-gransen")
    click(page, "link", "Ändra svaret")
    assert qid(page) == "varde" and page.input_value("#svar") == "1 200 000"


def test_error_pages(server: str, pages: Pages) -> None:
    page = pages.page
    response = page.goto(server + "/finns-inte")
    assert response is not None and response.status == 404
    pages.check("fel-404")
