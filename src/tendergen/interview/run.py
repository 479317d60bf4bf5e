"""Running the interview: one question at a time with going back and guardrails, from any front end.

A front end either passes an `ask` callback (the CLI prompts in the terminal; a web form makes an HTTP round
trip), drives an `Interview` step by step itself, or gives all answers at once as a mapping (an answers file
or a submitted form). Errors are raised as `InvalidInput` with a location when the answers came from a file.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from tendergen.core import load
from tendergen.core.model import Library
from tendergen.errors import InvalidInput, Location
from tendergen.interview.guardrails import Limit, direct_award_limit, limit_messages, storage_warning
from tendergen.interview.profile import ProfileData, profile_data
from tendergen.interview.questions import (
    BY_ID,
    ORGANISATION,
    QUESTIONS,
    Answer,
    Question,
    contact_parts,
    parse,
    pending,
)


class Back(enum.Enum):
    """The reply that means "go back to the previous question"."""

    BACK = "<"


BACK = Back.BACK
Reply = Answer | Back
Notify = Callable[[str], None]


@dataclass(frozen=True)
class Prompt:
    """What a front end shows: the question, its number in this interview, and why the last reply failed."""

    question: Question
    number: int
    error: str = ""


Ask = Callable[[Prompt], Reply]


@dataclass(frozen=True)
class Context:
    """What the interview needs besides the answers: the library (for the limits), the date, the organisation.

    With no organisation the interview asks for it first.
    """

    library: Library
    day: str
    organisation: str = ""


@dataclass(frozen=True)
class Outcome:
    """A finished interview: the answers, the profile they describe, and the warnings that still apply."""

    answers: Mapping[str, Answer]
    profile: ProfileData
    warnings: tuple[str, ...]


class Interview:
    """One interview in progress: the next question, answering it, going back, finishing."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.limit: Limit | None = direct_award_limit(context.library, context.day)
        self.questions: tuple[Question, ...] = QUESTIONS if context.organisation else (ORGANISATION, *QUESTIONS)
        self._answers: dict[str, Answer] = {}
        self._history: list[str] = []

    @property
    def answers(self) -> Mapping[str, Answer]:
        return dict(self._answers)

    @property
    def number(self) -> int:
        """The current question's number, counting the questions answered so far."""
        return len(self._history) + 1

    def current(self) -> Question | None:
        """The question to ask now, or None when every question that applies has an answer."""
        return pending(self._answers, self.questions)

    def answer(self, reply: object) -> tuple[str, ...]:
        """Record the reply to the current question; return warnings (Swedish) to show at once.

        Raises ValueError, with a Swedish message saying what to write, when the reply does not fit the question,
        and InvalidInput when the answers rule out a direct procurement (the interview cannot go on).
        """
        question = self.current()
        if question is None:
            raise ValueError("Alla frågor är besvarade.")
        self._answers[question.id] = parse(question, reply)
        self._history.append(question.id)
        if question.id in ("varde", "tidigare") and self.limit is not None:
            stop, warning = limit_messages(self._answers, self.limit)
            if stop:
                raise InvalidInput(stop, hint="inget har skrivits")
            if warning and question.id == "tidigare":
                return (warning,)
        return ()

    def back(self) -> bool:
        """Forget the last answer so that its question is asked again; False at the first question."""
        if not self._history:
            return False
        self._answers.pop(self._history.pop())
        return True

    def finish(self) -> Outcome:
        """The profile the complete answers describe; ValueError while a question is still open."""
        if self.current() is not None:
            raise ValueError("Alla frågor är inte besvarade.")
        answers = dict(self._answers)
        warnings = [limit_messages(answers, self.limit)[1]] if self.limit is not None else []
        warnings.append(storage_warning(answers))
        warnings.append(contact_warning(answers))
        organisation = str(answers.get("organisation") or self.context.organisation)
        return Outcome(answers, profile_data(answers, organisation, self.context.day),
                       tuple(w for w in warnings if w))


def contact_warning(answers: Mapping[str, Answer]) -> str:
    """A reminder (Swedish) when the contact answer gives no e-mail or no phone for the offertförfrågan."""
    _, email, phone = contact_parts(str(answers.get("kontakt", "")))
    gaps = [word for word, given in (("e-post", email), ("telefon", phone)) if not given]
    if not gaps:
        return ""
    return (f"Kontaktpersonens {' och '.join(gaps)} saknas. Offertförfrågan visar då \"[fylls i av Kommunen: …]\" "
            "där uppgiften ska stå: fyll i den innan förfrågan skickas, eller ändra svaret om kontaktperson.")


def run(context: Context, ask: Ask, notify: Notify | None = None) -> Outcome:
    """Ask every question that applies through `ask` until each has a valid answer; BACK goes back one step.

    `notify` receives warnings the moment they apply (near the direct-award limit, data outside the EU/EES).
    """
    interview = Interview(context)
    error = ""
    while (question := interview.current()) is not None:
        reply = ask(Prompt(question, interview.number, error))
        error = ""
        if reply is BACK:
            interview.back()
            continue
        try:
            notices = interview.answer(reply)
        except ValueError as exc:
            error = str(exc)
            continue
        for notice in notices:
            _tell(notify, notice)
    outcome = interview.finish()
    _tell(notify, storage_warning(outcome.answers))
    _tell(notify, contact_warning(outcome.answers))
    return outcome


def from_answers(context: Context, given: Mapping[str, object], locations: Mapping[str, Location] | None = None,
                 notify: Notify | None = None) -> Outcome:
    """The interview answered from a mapping {question id: answer}; an `organisation` answer wins over the context.

    Unknown ids and answers that do not fit are InvalidInput, located when `locations` says where each was given.
    """
    where = locations or {}
    unknown = [k for k in given if k not in BY_ID]
    if unknown:
        raise InvalidInput(problems=[InvalidInput(f"unknown question {k!r}", location=where.get(k),
                                                  hint="questions: " + ", ".join(BY_ID)) for k in unknown])
    interview = Interview(replace(context, organisation="") if given.get("organisation") else context)
    while (question := interview.current()) is not None:
        try:
            notices = interview.answer(given.get(question.id))
        except ValueError as exc:
            raise InvalidInput(f"{question.id}: {exc}", location=where.get(question.id), hint=question.text) from exc
        for notice in notices:
            _tell(notify, notice)
    outcome = interview.finish()
    _tell(notify, storage_warning(outcome.answers))
    _tell(notify, contact_warning(outcome.answers))
    return outcome


def from_source(context: Context, source: load.Source, notify: Notify | None = None) -> Outcome:
    """The interview answered from a read answers file (question id: answer), with located errors."""
    tree = source.tree
    if not isinstance(tree, Mapping):
        raise InvalidInput("the answers file must be a mapping of question id: answer",
                           location=load.locate(tree, [], source.label),
                           hint="one 'question: answer' line per question, e.g. 'varde: 300000'")
    keys = [str(k) for k in tree]
    missing = {k: Location(source.label) for k in BY_ID}  # an unanswered question is located at the file
    locations = {**missing, **{k: load.locate(tree, [k], source.label, key=k not in BY_ID) for k in keys}}
    return from_answers(context, load.plain(tree), locations, notify)


def _tell(notify: Notify | None, text: str) -> None:
    if notify is not None and text:
        notify(text)
