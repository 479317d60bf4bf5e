"""The interview as a library: callback, step by step and answers mapping, without the CLI or the disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from tendergen import api
from tendergen.core import load
from tendergen.errors import InvalidInput
from tendergen.interview import BACK, BY_ID, Ask, Context, Interview, Prompt, Reply, from_answers, from_source, run

ANSWERS: dict[str, object] = {
    "vad": "Bokningssystem för idrottshallar", "verksamhet": "Kultur- och fritidsförvaltningen",
    "kategori": "it-som-tjanst", "leverans": "saas", "varde": 300000, "tidigare": 0, "avtalstid": 3,
    "anvandare": "invanare", "personuppgifter": "ja", "kansliga": False, "lagring": "eu", "kritisk": "hanterbart",
    "ai": False, "kontakt": "Sara Holm, sara.holm@kommun.se, 010-123 45 67", "diarienummer": "KFN 2026/12",
}


@pytest.fixture(scope="module")
def context(session: api.Session) -> Context:
    return Context(session.library, "2026-12-01", "Exempelkommunen")


def scripted(replies: list[Reply]) -> tuple[list[Prompt], Ask]:
    prompts: list[Prompt] = []

    def ask(prompt: Prompt) -> Reply:
        prompts.append(prompt)
        return replies.pop(0)
    return prompts, ask


def test_callback_with_going_back_and_a_bad_reply_gives_the_mapping_profile(context: Context) -> None:
    replies: list[Reply] = [ANSWERS["vad"], ANSWERS["verksamhet"], "9", "1", "1", "250000", BACK, "300000", "0",
                            "3", "2", "ja", "nej", "1", "1", "nej", ANSWERS["kontakt"], "KFN 2026/12"]
    prompts, ask = scripted(replies)
    told: list[str] = []
    outcome = run(context, ask, told.append)
    assert outcome.profile == from_answers(context, ANSWERS).profile
    assert outcome.answers == ANSWERS and not told and not outcome.warnings
    assert [p.error for p in prompts if p.error] == ["Välj en siffra mellan 1 och 8."]
    varde = [p.number for p in prompts if p.question.id == "varde"]
    assert varde == [5, 5]  # asked again, with the same number, after going back
    assert outcome.profile["organisation"] == "Exempelkommunen"


def test_step_by_step(context: Context) -> None:
    interview = Interview(context)
    assert interview.back() is False
    assert interview.current() is BY_ID["vad"]
    interview.answer("Skärmar")
    assert interview.back() and interview.current() is BY_ID["vad"] and not interview.answers
    with pytest.raises(ValueError, match="Frågan måste besvaras"):
        interview.answer("")
    with pytest.raises(ValueError, match="inte besvarade"):
        interview.finish()


def test_organisation_is_asked_first_when_unknown(context: Context) -> None:
    nameless = Context(context.library, context.day)
    assert Interview(nameless).current() is BY_ID["organisation"]
    with pytest.raises(InvalidInput, match="organisation: Frågan måste besvaras"):
        from_answers(nameless, ANSWERS)
    outcome = from_answers(nameless, {**ANSWERS, "organisation": "Norrby kommun"})
    assert outcome.profile["organisation"] == "Norrby kommun"
    assert from_answers(context, {**ANSWERS, "organisation": "Norrby kommun"}).profile["organisation"] == \
        "Norrby kommun"


def test_guardrails(context: Context) -> None:
    with pytest.raises(InvalidInput, match="Köpet kan inte göras som direktupphandling") as stop:
        from_answers(context, {**ANSWERS, "tidigare": 450000})
    assert stop.value.hint == "inget har skrivits"
    told: list[str] = []
    outcome = from_answers(context, {**ANSWERS, "varde": 600000, "lagring": "vet-inte"}, notify=told.append)
    assert len(told) == 2 and "nära gränsen" in told[0] and "utanför EU/EES" in told[1]
    assert outcome.warnings == tuple(told)
    assert outcome.profile["facts"]["third_country_processing"] is True  # type: ignore[index]


def test_answers_source_errors_are_located(context: Context) -> None:
    text = "vad: Skärmar\nkategori: moln\nfarg: blå\n"
    source = load.Source(load.parse_yaml(text, "svar.yaml"), "svar.yaml", Path("svar.yaml"), text.encode())
    with pytest.raises(InvalidInput) as unknown:
        from_source(context, source)
    assert str(unknown.value).startswith("svar.yaml:3:1: unknown question 'farg'")
    text = text.replace("farg: blå\n", "verksamhet: IT\n")
    source = load.Source(load.parse_yaml(text, "svar.yaml"), "svar.yaml", Path("svar.yaml"), text.encode())
    with pytest.raises(InvalidInput, match="kategori: Välj en siffra") as bad:
        from_source(context, source)
    assert str(bad.value.location) == "svar.yaml:2:11"
    listed = load.Source(load.parse_yaml("- vad\n", "svar.yaml"), "svar.yaml", Path("svar.yaml"), b"- vad\n")
    with pytest.raises(InvalidInput, match="must be a mapping"):
        from_source(context, listed)


@pytest.mark.parametrize("reply,fact", [("ja", True), (True, True), ("nej", False), (False, False), ("3", "possible"),
                                        ("vet-inte", "possible")])
def test_personal_data_may_be_answered_not_known_yet(context: Context, reply: object, fact: object) -> None:
    outcome = from_answers(context, {**ANSWERS, "personuppgifter": reply})
    assert outcome.profile["facts"]["personal_data"] == fact  # type: ignore[index]
    asked_about_sensitive = "kansliga" in outcome.answers
    assert asked_about_sensitive == (fact is not False)


def test_hardware_that_must_work_in_a_crisis_is_supply_critical(context: Context) -> None:
    answers = {**ANSWERS, "kategori": "hardvara", "kritisk": "kritiskt"}
    for key in ("leverans", "anvandare", "lagring", "ai"):
        answers.pop(key)
    facts = from_answers(context, answers).profile["facts"]
    assert facts["supply_critical"] is True and facts["hardware"] is True  # type: ignore[index]
