"""The offertförfrågan: what a direct procurement sends to suppliers instead of an upphandlingsdokument.

Built from the profile like the anbudsformulär: what is bought, how and by when to answer, the price table,
how offers are compared, the contract terms that apply, the contact person, and the numbered annexes. It
names only documents the build produces (the annex list comes from the same `content.annexes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tendergen.core.model import Library, Profile
from tendergen.core.tender import Evaluation, Tender
from tendergen.core.words import sek
from tendergen.documents.content import (
    LIGHT_SPEC,
    MATRIX,
    NOT_STATED,
    OFFER_REQUEST,
    PRICE_SHEET,
    Annex,
    annex_section,
    bullet,
    generated_context,
    item,
    quantity,
    scope_section,
    table,
    term_text,
    value_text,
)

SPECIFICATIONS = ("kravspecifikation", LIGHT_SPEC)
TERMS = "avtalsvillkor"
# What the offer request says where the profile leaves a fact out: visible, and named by the build's warnings.
MISSING = {
    "deadline": NOT_STATED.format("sista dag för offert"),
    "email": NOT_STATED.format("e-postadress"),
    "phone": NOT_STATED.format("telefonnummer"),
}
VALIDITY_MONTHS = "tre månader"
# The contract terms speak of "Avtalets prisbilaga": in a direct procurement it is the offer's filled price table.
PRICE_ANNEX = "Den ifyllda pristabellen blir Avtalets prisbilaga."


def deadline(tender: Tender | None) -> str:
    return tender.timetable.get("tender_deadline") if tender and tender.timetable else ""


def contact_lines(profile: Profile) -> list[str]:
    return [f"Kontaktperson: {profile.contact.get('name') or NOT_STATED.format('kontaktperson')}",
            f"E-post: {profile.contact.get('email') or MISSING['email']}",
            f"Telefon: {profile.contact.get('phone') or MISSING['phone']}"]


def purchase_items(profile: Profile, spec: str) -> list[dict[str, Any]]:
    """What is bought: the purchase in a few lines, the profile's scope (background, volumes, term) if any."""
    title = profile.title[:1].lower() + profile.title[1:]
    texts: list[str | dict[str, Any]] = [
        f"Kommunen vill köpa {title}" + (f" för {profile.department}" if profile.department else "") + "."]
    if profile.description:
        texts.append(profile.description)
    texts.append(f"Det som ska levereras och de krav som gäller anges i {spec}.")
    scope = profile.tender.scope if profile.tender else None
    own = scope_section(profile, profile.tender) if profile.tender and scope else None
    items = [item("Vad Kommunen vill köpa", texts, item_id="kopet")]
    if own is not None:
        return [*items, *own["clauses"]]
    value = profile.facts.get("estimated_value_sek")
    if value:
        items.append(item("Uppskattat värde", [f"Kommunen uppskattar att köpet är värt {sek(int(value))} exklusive "
                                               "moms för hela avtalstiden, inklusive eventuella förlängningar."]))
    term = term_text(profile)
    if term:
        items.append(item("Avtalstid och optioner", [term]))
    return items


def answer_items(profile: Profile, annexes_: Sequence[Annex], spec: str) -> list[dict[str, Any]]:
    """How and by when to answer, what the offer must contain, how long it must stay valid."""
    tender = profile.tender
    last = deadline(tender) or MISSING["deadline"]
    email = profile.contact.get("email") or MISSING["email"]
    timetable = tender.timetable if tender and tender.timetable else None
    how: list[str | dict[str, Any]] = [
        f"Offerten ska ha kommit in till Kommunen senast den {last}. Skicka den med e-post till "
        f"{profile.contact.get('name') or 'kontaktpersonen'}, {email}, och ange diarienummer {profile.reference}. "
        "En offert som kommer in för sent prövas inte."]
    question = timetable.get("last_question") if timetable else ""
    how.append("Frågor om förfrågan ställs skriftligen till kontaktpersonen"
               + (f" senast den {question}." if question else " i god tid före sista dag för offert.")
               + " Kommunen skickar frågor och svar som har betydelse för offerten till alla leverantörer som har "
                 "fått förfrågan, utan att ange vem som har frågat.")
    for key, text in (("award_expected", "Kommunen räknar med att välja leverantör den {}."),
                      ("contract_start", "Avtalet beräknas börja gälla den {}.")):
        if timetable and timetable.get(key):
            how.append(text.format(timetable.get(key)))
    contents: list[str | dict[str, Any]] = ["Offerten ska innehålla följande:", bullet(
        "Leverantörens namn, organisationsnummer och adress, och en kontaktperson med e-post och telefon.")]
    matrix = next((a for a in annexes_ if a.document == MATRIX), None)
    contents.append(bullet(f"Svar på varje krav i {matrix.label if matrix else spec}, och de handlingar som "
                           "anges under Verifikat vid kraven."))
    sheet = next((a for a in annexes_ if a.document == PRICE_SHEET), None)
    contents.append(bullet(f"Priser på samtliga prisrader i {sheet.label}." if sheet else
                           "Priser enligt pristabellen i avsnittet Pris, ifylld på samtliga rader."))
    terms = next((a for a in annexes_ if a.document == TERMS), None)
    if terms:
        contents.append(bullet(f"En bekräftelse att Leverantören godtar {terms.label} utan reservationer."))
    contents.append(bullet("Namnet på den som har rätt att företräda Leverantören och lämna offerten."))
    valid = timetable.get("tender_valid_until") if timetable else ""
    validity = (f"Offerten ska vara bindande till och med den {valid}." if valid else
                f"Offerten ska vara bindande i {VALIDITY_MONTHS} efter sista dag för offert.")
    return [item("Sista dag och hur offerten lämnas", how, item_id="svar"),
            item("Offertens innehåll", contents, item_id="innehall"),
            item("Offertens giltighet", [validity], item_id="giltighet")]


def price_items(profile: Profile, annexes_: Sequence[Annex]) -> list[dict[str, Any]]:
    """The price table: the profile's price lines, else a price per year, one-off costs and totals."""
    tender = profile.tender
    lines = tender.prices if tender else ()
    sheet = next((a for a in annexes_ if a.document == PRICE_SHEET), None)
    intro = ("Ange priserna i svenska kronor exklusive moms. Priserna ska omfatta allt som behövs för att uppfylla "
             "kraven och avtalsvillkoren; Kommunen betalar inga andra avgifter än dem som anges i offerten.")
    if lines:
        header = ["Prisrad", "Enhet", "Uppskattad volym", *([] if sheet else ["Pris per enhet, kr exkl. moms"])]
        rows = [[f"{line.id}. {line.text}" + (" (option)" if line.option else ""), line.unit,
                 quantity(line.evaluation_volume), *([] if sheet else [""])] for line in lines]
        texts = [intro, f"Priserna lämnas i {sheet.label}. Tabellen visar prisraderna och de volymer som används "
                 "för att jämföra offerterna." if sheet else
                 "Fyll i priset per enhet på varje rad. Volymerna används för att jämföra offerterna och är inte ett "
                 f"åtagande från Kommunen. {PRICE_ANNEX}"]
        description = ("En prisrad per rad med enhet och uppskattad volym"
                       + ("." if sheet else " och en tom ruta för priset per enhet."))
        return [item("Pristabell", texts, table=table(header, rows, "Pristabell", description), item_id="pristabell")]
    years = profile.contract.get("years")
    options = [float(o) for o in profile.contract.get("options", ())]
    rows = [["Pris per år (till exempel licenser, drift och support)", ""],
            ["Engångskostnader (till exempel införande och utbildning)", ""]]
    if years:
        rows.append([f"Totalt för avtalstiden, {quantity(years)} år", ""])
        if options:
            rows.append([f"Totalt inklusive förlängningar, {quantity(float(years) + sum(options))} år", ""])
    return [item("Pristabell", [intro, "Fyll i beloppen i tabellen och ange vad som ingår i priset per år. "
                                       + PRICE_ANNEX],
                 table=table(["Pris", "Belopp, kr exkl. moms"], rows, "Pristabell",
                             "En prispost per rad med en tom ruta för beloppet."), item_id="pristabell")]


def comparison_items(evaluation: Evaluation, profile: Profile, spec: str, annexes_: Sequence[Annex]
                     ) -> list[dict[str, Any]]:
    """How offers are compared, in plain words: lowest price, or price less the stated quality deductions."""
    qualified = "Kommunen jämför de offerter som uppfyller samtliga ska-krav."
    sheet = next((a for a in annexes_ if a.document == PRICE_SHEET), None)
    if sheet:
        priced = f"utvärderingspriset som räknas fram i {sheet.label}"
    elif profile.tender and profile.tender.prices:
        priced = "summan av priserna multiplicerade med de uppskattade volymerna i pristabellen"
    elif profile.contract.get("options"):
        priced = "totalpriset inklusive förlängningar i pristabellen"
    else:
        priced = "totalpriset för avtalstiden i pristabellen"
    if evaluation.basis != "pris-och-kvalitet" or not evaluation.criteria:
        word = "kostnad" if evaluation.basis == "kostnad" else "pris"
        texts: list[str | dict[str, Any]] = [
            f"{qualified} Kommunen väljer den offert som har lägst {word}. Det pris som jämförs är {priced}.",
            f"Bör-kraven i {spec} påverkar inte valet; svaren är information till Kommunen.",
            "Om två offerter har samma pris avgörs valet genom lottning."]
        return [item("Lägst pris", texts, item_id="jamforelse")]
    texts = [f"{qualified} Det pris som jämförs är {priced}. För varje kvalitetskriterium nedan som offerten "
             "uppfyller dras det angivna beloppet av från priset. Kommunen väljer den offert som har lägst pris efter "
             "avdragen. Avdragen används bara för att jämföra offerterna; Kommunen betalar priserna i offerten.",
             *(bullet(f"{c.title} ({c.requirement}): avdrag {value_text(c)}.") for c in evaluation.criteria),
             "Ett kriterium som inte uppfylls eller inte besvaras ger inget avdrag. Om två offerter har samma pris "
             "efter avdragen väljs den med lägst pris före avdragen; är även det lika avgörs valet genom lottning."]
    return [item("Pris och kvalitet", texts, item_id="jamforelse")]


def contract_items(profile: Profile, annexes_: Sequence[Annex]) -> list[dict[str, Any]]:
    terms = next((a for a in annexes_ if a.document == TERMS), None)
    texts: list[str | dict[str, Any]] = []
    if terms:
        texts.append(f"Avtalet tecknas på Kommunens villkor i {terms.label}. Leverantörens egna standardvillkor "
                     "gäller inte, även om de bifogas offerten.")
    others = [a for a in annexes_ if a.document not in (TERMS, MATRIX, PRICE_SHEET, *SPECIFICATIONS)]
    if others:
        texts.append("Till avtalet hör även " + ", ".join(a.label for a in others) + ".")
    texts.append("Kommunen meddelar alla som har lämnat offert vilken offert som har valts. Avtal är ingånget när "
                 "båda parter har undertecknat det.")
    return [item("Avtal och villkor", texts, item_id="avtal")]


def offer_context(profile: Profile, library: Library, annexes_: Sequence[Annex],
                  evaluation: Evaluation) -> dict[str, Any]:
    """The offertförfrågan's context, shaped like the other generated documents'."""
    spec = next((a.label for a in annexes_ if a.document in SPECIFICATIONS), "kravspecifikationen")
    sections = [("omfattning", "Vad som köps", purchase_items(profile, spec)),
                ("svar", "Så lämnar ni offert", answer_items(profile, annexes_, spec)),
                ("pris", "Pris", price_items(profile, annexes_)),
                ("jamforelse", "Så jämförs offerterna", comparison_items(evaluation, profile, spec, annexes_)),
                ("avtal", "Avtal", contract_items(profile, annexes_)),
                ("kontakt", "Kontakt", [item("Kontaktperson", contact_lines(profile), item_id="kontaktperson")])]
    intro = [f"{profile.organisation} (nedan Kommunen) begär offert på {profile.title}, diarienummer "
             f"{profile.reference}. Köpet görs som en direktupphandling enligt 19 a kap. lagen (2016:1145) om "
             "offentlig upphandling (LOU). Läs förfrågan och bilagorna och lämna offert enligt avsnittet Så lämnar "
             "ni offert."]
    result = [{"id": sid, "title": title, "clauses": items, "texts": items, "requirements": []}
              for sid, title, items in sections]
    if annexes_:
        result.append(annex_section(annexes_, "Förfrågan består av detta dokument och följande bilagor."))
    return generated_context(profile, library, OFFER_REQUEST, [], intro, {}, sections=result)
