"""The questions of the direct-procurement interview ("kravspecifikation light"), their skip logic and parsing.

The questions are in plain Swedish for a department head. Each answer maps onto the profile facts the
rules need; questions whose answer cannot matter given earlier answers are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

Answer = str | int | bool
Answers = Mapping[str, Answer]
NO_SYSTEM = ("hardvara", "konsulttjanster")


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    help: str
    kind: str  # text | int | bool | choice
    default: Answer | None
    choices: tuple[tuple[str, str], ...] = ()
    ask_if: Callable[[Answers], bool] | None = None
    check: Callable[[str], object] | None = None  # a text answer's own check: raises ValueError (Swedish)

    def applies(self, answers: Answers) -> bool:
        return self.ask_if is None or self.ask_if(answers)

    def typed_default(self) -> str:
        """The default as a person would type it at a prompt: a choice's number, ja/nej, or the text."""
        if self.default is None:
            return ""
        if self.kind == "choice":
            return next(str(i) for i, (v, _) in enumerate(self.choices, 1) if v == self.default)
        if self.kind == "bool":
            return "ja" if self.default else "nej"
        return str(self.default)


QUESTIONS = (
    Question("vad", "Vad ska ni köpa? Ge köpet ett kort namn.",
             "Till exempel \"Bokningssystem för idrottshallar\". Namnet blir rubrik på kravspecifikationen.",
             "text", None),
    Question("verksamhet", "Vilken förvaltning eller enhet köper?",
             "Den förvaltning som ska använda tjänsten och betala för den.", "text", None),
    Question("kategori", "Vilken sorts IT är det?",
             "Välj det som passar bäst. Det styr vilka krav som kommer med.", "choice", "it-som-tjanst",
             (("it-som-tjanst", "en tjänst eller ett system som används via webben"),
              ("verksamhetssystem", "ett större verksamhetssystem"),
              ("programvarulicenser", "programvara som installeras på kommunens datorer"),
              ("hardvara", "utrustning (datorer, skärmar, telefoner …)"),
              ("valfardsteknik", "välfärdsteknik, till exempel trygghetslarm"),
              ("telefoni", "telefoni eller mobilabonnemang"),
              ("konsulttjanster", "konsulttjänster"),
              ("utskrift", "skrivare och utskrift som tjänst"))),
    Question("leverans", "Var ska tjänsten köras?",
             "En molntjänst drivs av leverantören och används via webben. Installerad körs den på kommunens egna "
             "servrar eller datorer.", "choice", "saas",
             (("saas", "hos leverantören, som molntjänst"),
              ("on-premises", "installerad hos kommunen"),
              ("hybrid", "både och")),
             lambda a: a.get("kategori") not in NO_SYSTEM),
    Question("varde", "Vad kostar köpet totalt, för hela avtalstiden och exklusive moms (kronor)?",
             "Räkna med alla år, licenser, införande, utbildning och eventuella förlängningar. "
             "Direktupphandling får bara användas upp till en viss gräns.", "int", None),
    Question("tidigare", "Har förvaltningen redan i år köpt samma slags sak? Ange i så fall beloppet i kronor "
             "(annars 0).",
             "Köp av samma slag under samma år räknas ihop när man bedömer om gränsen för direktupphandling "
             "överskrids.", "int", 0),
    Question("avtalstid", "Hur många år ska avtalet gälla?",
             "Välj en bestämd tid. Längre avtal ger ett högre totalvärde.", "int", 2),
    Question("anvandare", "Vilka ska använda tjänsten?",
             "Om invånare eller andra utanför kommunen använder den gäller lagen om tillgänglighet till digital "
             "offentlig service.", "choice", "medarbetare",
             (("medarbetare", "bara kommunens medarbetare"),
              ("invanare", "även invånare eller andra utanför kommunen")),
             lambda a: a.get("kategori") not in NO_SYSTEM),
    Question("personuppgifter", "Kommer tjänsten att hantera uppgifter om personer (namn, e-post, personnummer, "
             "bilder …)?",
             "Även uppgifter om medarbetare räknas. Svara vet inte ännu om det beror på hur tjänsten kommer att "
             "användas: då kommer villkoren om personuppgifter med ändå, så att skyddet finns om det behövs.",
             "choice", "ja",
             (("ja", "ja"), ("nej", "nej"), ("vet-inte", "vet inte ännu, det beror på hur tjänsten används"))),
    Question("kansliga", "Gäller det känsliga uppgifter, till exempel om hälsa, eller personnummer i större "
             "omfattning?",
             "Känsliga personuppgifter är bland annat hälsa, etniskt ursprung, religion och sexuell läggning. "
             "Svara ja om det kan bli så.",
             "bool", False, ask_if=lambda a: handles_personal_data(a)),
    Question("lagring", "Var får uppgifterna lagras och hanteras?",
             "Om leverantören eller dess support kan nå uppgifterna från ett land utanför EU/EES räknas det som "
             "tredjelandsöverföring.", "choice", "eu",
             (("eu", "bara inom EU/EES"), ("utanfor", "även utanför EU/EES"), ("vet-inte", "vet inte")),
             lambda a: handles_personal_data(a) and a.get("leverans", "ingen") != "ingen"),
    Question("kritisk", "Hur allvarligt är det om tjänsten eller leveranserna inte fungerar på en dag?",
             "Samhällsviktig verksamhet är sådan som måste fungera även vid en kris, till exempel omsorg.",
             "choice", "hanterbart",
             (("hanterbart", "besvärligt men hanterbart"),
              ("kritiskt", "allvarligt: verksamheten måste fungera även vid kris"))),
    Question("ai", "Har tjänsten AI-funktioner, till exempel chattbot, automatiska förslag eller bildanalys?",
             "Svara ja om leverantören beskriver funktioner som AI eller maskininlärning.", "bool", False,
             ask_if=lambda a: a.get("kategori") not in NO_SYSTEM),
    Question("kontakt", "Vem är kontaktperson för köpet? Skriv namn, e-post och telefon.",
             "Personen som leverantörerna ska vända sig till, till exempel \"Sara Holm, sara.holm@kommun.se, "
             "010-123 45 67\". E-post och telefon står i offertförfrågan.", "text", None,
             check=lambda text: contact_parts(text)),
    Question("diarienummer", "Diarienummer för köpet, om det finns", "Lämna tomt om ni inte har något ännu.",
             "text", ""),
)
PERSONAL_DATA: dict[str, bool | str] = {"ja": True, "nej": False, "vet-inte": "possible"}  # answer -> the fact


def personal_data(answers: Answers) -> bool | str:
    """The fact personal_data for the answer: true, false, or "possible" when the department does not know yet."""
    answer = answers.get("personuppgifter")
    if isinstance(answer, bool):  # answers saved before the question had a third choice
        return answer
    return PERSONAL_DATA.get(str(answer), False)


def handles_personal_data(answers: Answers) -> bool:
    return personal_data(answers) is not False


# Asked first, and only when neither the workspace nor the caller names the organisation.
ORGANISATION = Question("organisation", "Vilken kommun eller organisation köper?",
                        "Namnet står på alla dokument. Skriv det i tendergen.yaml (organisation: ...) så slipper du "
                        "frågan nästa gång.", "text", None)
BY_ID = {q.id: q for q in (ORGANISATION, *QUESTIONS)}
YES = {"ja", "j", "yes", "y", "true"}
NO = {"nej", "n", "no", "false"}


EMAIL = re.compile(r"[^\s,;<>()]+@[^\s,;<>()]+")
PHONE = re.compile(r"\+?\d[\d\s()\-\u2013]{4,}\d")
LABELS = re.compile(r"\b(?:e-?post|e-?mail|mejl|mail|telefon|tel|mobil)\b\.?:?", re.IGNORECASE)


def contact_parts(text: str) -> tuple[str, str, str]:
    """The contact answer split into (name, e-mail, phone): "Sara Holm, sara@kommun.se, 010-123 45 67".

    E-mail and phone may be left out. Raises ValueError (Swedish) for a malformed e-mail or a missing name.
    """
    emails = EMAIL.findall(text)
    rest = EMAIL.sub(" ", text)
    if len(emails) > 1 or "@" in rest or (emails and not re.fullmatch(r"[^@]+@[^@]+\.[^@.]+", emails[0])):
        raise ValueError("Skriv en e-postadress som namn@kommun.se, till exempel: Sara Holm, sara.holm@kommun.se, "
                         "010-123 45 67.")
    phones = PHONE.findall(rest)
    rest = LABELS.sub(" ", PHONE.sub(" ", rest))
    name = " ".join(re.sub(r"[,;:]", " ", rest).split())
    if not name:
        raise ValueError("Skriv kontaktpersonens namn, till exempel: Sara Holm, sara.holm@kommun.se, 010-123 45 67.")
    return name, emails[0] if emails else "", " ".join(phones[0].split()) if phones else ""


def pending(answers: Answers, questions: Sequence[Question] = QUESTIONS) -> Question | None:
    """The next question that still needs an answer, or None when the interview is complete."""
    return next((q for q in questions if q.id not in answers and q.applies(answers)), None)


def parse(question: Question, raw: object) -> Answer:
    """Turn an answer (typed text, or a value from an answers file) into the question's type.

    Raises ValueError with a message in Swedish that tells the user what to write.
    """
    text = "" if raw is None else str(raw).strip()
    if not text:
        if question.default is None:
            raise ValueError("Frågan måste besvaras.")
        return question.default
    if question.kind == "int":
        digits = text.replace(" ", "").replace("\u00a0", "").removesuffix("kr").removesuffix(":-")
        if not digits.isdigit():
            raise ValueError("Skriv ett heltal, till exempel 300000.")
        return int(digits)
    if question.kind == "bool":
        if isinstance(raw, bool):
            return raw
        if text.lower() in YES:
            return True
        if text.lower() in NO:
            return False
        raise ValueError("Svara ja eller nej.")
    if question.kind == "choice":
        values = [v for v, _ in question.choices]
        if text in values:
            return text
        yes_no = "ja" in values and "nej" in values  # a yes/no question with more choices takes ja/nej too
        if yes_no and (raw is True or text.lower() in YES):
            return "ja"
        if yes_no and (raw is False or text.lower() in NO):
            return "nej"
        if text.isdigit() and 1 <= int(text) <= len(values):
            return values[int(text) - 1]
        raise ValueError(f"Välj en siffra mellan 1 och {len(values)}.")
    if question.check is not None:
        question.check(text)
    return text
