"""The evaluation's outputs: utvarderingsprotokoll.docx, tilldelningsbeslut.docx (draft) and utvardering.json.

Legal statements cite only what is verified (legal-facts §13): the award notice under 12 kap. 12 § LOU (19 kap.
29 § below the thresholds), the 10-day avtalsspärr when the notice is sent electronically, and chapter 20 LOU
for avtalsspärr and överprövning; no other section numbers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from tendergen.core.tender import BASIS_LABELS
from tendergen.evaluate.assess import Assessment, Outcome, sek_text
from tendergen.evaluate.docx import Doc

PROTOCOL = "utvarderingsprotokoll.docx"
DECISION = "tilldelningsbeslut.docx"
DATA = "utvardering.json"
LOU = "lagen (2016:1145) om offentlig upphandling (LOU)"


def value_text(criterion: Any) -> str:
    if criterion.value_sek is not None:
        return sek_text(Decimal(str(criterion.value_sek)))
    return f"{criterion.value_percent:g} procent av utvärderingspriset".replace(".", ",")


def _number(value: Any) -> str:
    return f"{value:g}".replace(".", ",")


# --- the AF's own words ----------------------------------------------------------------------------


def af_quote(build_dir: Path, manifest: Mapping[str, Any]) -> tuple[list[tuple[str, Any]], str]:
    """The AF's evaluation section as blocks ('h2'/'p'/'t', content), and a note on where it came from."""
    from tendergen.core.load import read_bytes
    from tendergen.documents.output import sha256

    name = "upphandlingsdokument.docx"
    recorded = {o["file"]: o["sha256"] for o in manifest["outputs"]}
    path = build_dir / name
    if name not in recorded or not path.is_file():
        return [], "Upphandlingsdokumentet finns inte i byggmappen; modellen återges från byggets manifest."
    data = read_bytes(path)
    note = ("Citerat ur upphandlingsdokumentet som det byggdes." if sha256(data) == recorded[name] else
            "Citerat ur upphandlingsdokumentet i byggmappen, som har ändrats efter bygget: kontrollera att det är "
            "den publicerade lydelsen.")
    import io

    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    blocks: list[tuple[str, Any]] = []
    inside = skipping = False
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(element, document)
            style = p.style.name if p.style is not None else ""
            if style == "Heading 1":
                inside = p.text.strip().startswith("Utvärdering")
                continue
            if not inside:
                continue
            if style == "Heading 2":
                skipping = p.text.strip().startswith("Exempel")
                if not skipping:
                    blocks.append(("h2", p.text.strip()))
            elif p.text.strip() and not skipping:
                blocks.append(("p", p.text.strip()))
        elif tag == "tbl" and inside and not skipping:
            rows = [[c.text.replace("\n", " ") for c in r.cells] for r in Table(element, document).rows]
            if rows:
                blocks.append(("t", rows))
    if not blocks:
        return [], "Upphandlingsdokumentet har inget avsnitt om utvärdering; modellen återges från byggets manifest."
    return blocks, note


def quote_mismatches(quote: list[tuple[str, Any]], outcome: Outcome) -> list[str]:
    """Criteria of the applied model whose id and mervärde the quoted AF does not state (Swedish, for the protocol).

    The evaluation applies the model the build recorded; if the AF a supplier read says something else, the
    procurer must know before deciding anything.
    """
    if not quote:
        return []
    text = " ".join(" ".join(" ".join(r) for r in c) if k == "t" else c for k, c in quote)
    wrong = []
    for c in outcome.evaluation.criteria:
        value = (sek_text(Decimal(str(c.value_sek))) if c.value_sek is not None
                 else f"{_number(c.value_percent)} procent")
        if c.requirement not in text or value not in text:
            wrong.append(f"Upphandlingsdokumentet anger inte mervärdet {value} för {c.requirement}, som "
                         "utvärderingen tillämpar enligt bygget. Kontrollera att den publicerade modellen är den som "
                         "tillämpas innan utvärderingen används.")
    return wrong


def genitive(name: str) -> str:
    """Swedish genitive of a name: 'Beta AB:s', 'Atos', 'Gamma Digitals'."""
    if name[-1:] in ("s", "x", "z"):
        return name
    return name + (":s" if name[-1:].isupper() or name[-1:].isdigit() else "s")


def model_blocks(outcome: Outcome) -> list[tuple[str, Any]]:
    """The published model as the manifest records it (used when the AF cannot be quoted)."""
    blocks: list[tuple[str, Any]] = [("p", f"Utvärderingsgrund: {BASIS_LABELS[outcome.basis]}.")]
    if outcome.evaluation.criteria:
        blocks.append(("t", [["Krav", "Kriterium", "Mervärde"],
                             *([c.requirement, c.title, value_text(c)] for c in outcome.evaluation.criteria)]))
    return blocks


# --- figures -------------------------------------------------------------------------------------


def ranking_rows(outcome: Outcome) -> list[list[str]]:
    rows = []
    for a in outcome.assessments:
        c = a.computation
        if a.excluded:
            rows.append(["–", a.name, a.tender.org_nr, "–", "–", "–",
                         "Förkastas (skälen redovisas under anbudet)"])
            continue
        assert c is not None
        rows.append([f"{a.place}{' (lika)' if a.tied else ''}", a.name, a.tender.org_nr, sek_text(c.price),
                     sek_text(c.total_deduction), sek_text(c.comparison_price), "Anmärkningar att pröva"
                     if a.flags else ""])
    return rows


RANKING_HEADER = ["Plats", "Anbudsgivare", "Org.nr", "Utvärderingspris", "Avdrag (mervärde)", "Jämförelsepris",
                  "Anmärkning"]
RANKING_WIDTHS = (1.4, 3.6, 2.3, 2.6, 2.3, 2.6, 1.8)


def ranking_table(doc: Doc, outcome: Outcome, *, note: bool) -> None:
    """The ranking; without the mervärde columns when the model is price (or cost) only."""
    keep = [i for i in range(len(RANKING_HEADER)) if (note or i < 6)
            and (outcome.basis == "pris-och-kvalitet" or i not in (4, 5))]
    widths = [RANKING_WIDTHS[i] for i in keep]
    widths[1] += 16.6 - sum(widths)
    doc.table([RANKING_HEADER[i] for i in keep], [[r[i] for i in keep] for r in ranking_rows(outcome)],
              "Rangordning av anbuden", widths)


def protocol(outcome: Outcome, meta: Mapping[str, Any], quote: list[tuple[str, Any]], quote_note: str,
             evaluator: str, date: str, mismatches: list[str]) -> bytes:
    doc = Doc(title="Utvärderingsprotokoll", subtitle=meta["title"], reference=meta["reference"],
              organisation=meta["organisation"], date=date)
    doc.meta("Upphandlande myndighet", meta["organisation"])
    doc.meta("Diarienummer", meta["reference"])
    doc.meta("Utvärderingen gjord av", evaluator)
    doc.meta("Datum", date)
    doc.meta("Antal anbud", str(len(outcome.assessments)))
    doc.para("Protokollet redovisar för varje anbud kontrollen av ska-kraven, mervärdena för de bör-krav som "
             "värderas, det omräknade utvärderingspriset och jämförelsepriset, samt rangordningen. Utvärderingspriset "
             "räknas om från anbudsgivarens priser per enhet och de utvärderingsvolymer som publicerades; "
             "anbudsgivarens egna summor används inte. Anmärkningarna är underlag för Kommunens prövning, inte beslut.")
    doc.heading("Utvärderingsmodell enligt upphandlingsdokumentet")
    doc.para(quote_note, italic=True)
    for warning in mismatches:
        doc.para(warning, bold=True)
    for kind, content in quote or model_blocks(outcome):
        if kind == "h2":
            doc.heading(content, 2)
        elif kind == "p":
            doc.para(content, quote=True)
        else:
            doc.table(content[0], content[1:], "Utvärderingsmodellens kriterier och mervärden enligt "
                                               "upphandlingsdokumentet")
    doc.heading("Rangordning")
    ranking_table(doc, outcome, note=True)
    doc.para(ranking_sentence(outcome))
    doc.heading("Anbuden")
    for a in outcome.assessments:
        tender_section(doc, a, outcome)
    doc.heading("Underskrift")
    doc.para(f"Utvärderingen är gjord av {evaluator} den {date}.")
    doc.para("Underskrift: ______________________________")
    return doc.save(PROTOCOL)


def ranking_sentence(outcome: Outcome) -> str:
    if not outcome.ranked:
        return "Inget anbud uppfyller samtliga ska-krav med fullständiga priser; inget anbud kan rangordnas."
    if outcome.tie_for_first:
        names = ", ".join(a.name for a in outcome.ranked if a.place == 1)
        return (f"{names} är lika på första plats även efter den publicerade särskiljningsregeln. Kommunen avgör "
                "enligt upphandlingsdokumentet och dokumenterar hur; tilldelningsbeslutet kan inte utformas förrän "
                "det är gjort.")
    winner = outcome.winner
    assert winner is not None and winner.computation is not None
    word = "jämförelsepris" if outcome.basis == "pris-och-kvalitet" else "utvärderingspris"
    value = winner.computation.comparison_price if outcome.basis == "pris-och-kvalitet" else winner.computation.price
    return f"{winner.name} har lägst {word}, {sek_text(value)}, och rangordnas först."


def tender_section(doc: Doc, a: Assessment, outcome: Outcome) -> None:
    doc.heading(f"{a.name} ({a.tender.org_nr})", 2)
    ska = [x for x in a.tender.answers if x.kind == "Ska"]
    doc.heading("Ska-krav", 3)
    if not (a.unmet or a.unanswered):
        doc.para(f"Samtliga {len(ska)} ska-krav är besvarade Ja" + (" eller har ett svar som måste prövas (se "
                                                                   "anmärkningar)." if any(x.kind == "Ska" for x in
                                                                                          a.unclear) else "."))
    else:
        doc.table(["Krav", "Rubrik", "Svar"], [[x.id, x.title, x.answer or "(inte besvarat)"]
                                               for x in (*a.unmet, *a.unanswered)],
                  f"Ska-krav som {a.name} inte uppfyller")
        doc.para("Anbudet uppfyller inte samtliga ska-krav och förkastas. Det ingår inte i rangordningen.", bold=True)
    if outcome.basis == "pris-och-kvalitet":
        doc.heading("Mervärden", 3)
        earned = {c.requirement: d for c, d in (a.computation.deductions if a.computation else ())}
        rows = [[c.requirement, c.title, answer or "(inte besvarat)", value_text(c),
                 sek_text(earned[c.requirement]) if c.requirement in earned else "0 kr"] for c, answer in a.criteria]
        doc.table(["Krav", "Kriterium", "Svar", "Mervärde enligt modellen", "Avdrag"], rows,
                  f"Mervärden för {a.name}")
    doc.heading("Pris", 3)
    doc.table(["Id", "Prisrad", "Pris per enhet", "Utvärderingsvolym", "Summa"],
              [[r.line.id, r.line.text, sek_text(r.price) if r.price is not None else (r.raw or "(saknas)"),
                f"{_number(r.line.evaluation_volume)} {r.line.unit}", sek_text(r.total) if r.total is not None else "–"]
               for r in a.prices], f"Prisrader för {a.name}")
    for label, shown, _ in a.stated_totals:
        doc.para(f"{label} enligt anbudsgivarens prisbilaga: {shown + ' kr' if shown else 'inte angiven'}.")
    c = a.computation
    if c is not None:
        doc.para(f"Utvärderingspris, omräknat: {sek_text(c.price)}.", bold=True)
        if outcome.basis == "pris-och-kvalitet":
            parts = " ".join(f"− {sek_text(d)} ({k.requirement})" for k, d in c.deductions)
            doc.para(f"Jämförelsepris: {sek_text(c.price)} {parts} = {sek_text(c.comparison_price)}.".replace(
                "  ", " "), bold=True)
    if a.excluded:
        doc.para("Skäl att förkasta: " + " ".join(a.excluded))
    if a.flags:
        doc.heading("Anmärkningar att pröva", 3)
        doc.bullets(a.flags)


# --- the award decision --------------------------------------------------------------------------


def advantages(winner: Assessment, other: Assessment, outcome: Outcome) -> str:
    w, o = winner.computation, other.computation
    assert w is not None
    if other.excluded:
        return (f"{other.name}: anbudet förkastades och utvärderades inte, eftersom det inte uppfyller "
                "upphandlingsdokumentets krav. " + " ".join(other.excluded))
    assert o is not None
    if outcome.basis != "pris-och-kvalitet":
        return (f"{other.name}: utvärderingspriset var {sek_text(o.price)}, {sek_text(o.price - w.price)} högre än "
                f"{genitive(winner.name)} {sek_text(w.price)}.")
    mine = {c.requirement for c, _ in w.deductions}
    theirs = {c.requirement for c, _ in o.deductions}
    text = (f"{other.name}: jämförelsepriset var {sek_text(o.comparison_price)}, "
            f"{sek_text(o.comparison_price - w.comparison_price)} högre än {genitive(winner.name)} "
            f"{sek_text(w.comparison_price)}.")
    if w.price < o.price:
        text += f" {genitive(winner.name)} utvärderingspris var {sek_text(o.price - w.price)} lägre."
    elif w.price > o.price:
        text += f" {genitive(winner.name)} utvärderingspris var {sek_text(w.price - o.price)} högre"
        text += ", men dess mervärden uppväger skillnaden." if w.total_deduction > o.total_deduction else "."
    only_mine = [c for c, _ in w.deductions if c.requirement not in theirs]
    only_theirs = [c for c, _ in o.deductions if c.requirement not in mine]
    if only_mine:
        text += (f" {winner.name} uppfyller " + ", ".join(f"{c.requirement} ({c.title})" for c in only_mine)
                 + f", som {other.name} inte uppfyller.")
    if only_theirs:
        text += (f" {other.name} uppfyller " + ", ".join(f"{c.requirement} ({c.title})" for c in only_theirs)
                 + f", som {winner.name} inte uppfyller.")
    if w.total_deduction != o.total_deduction:
        text += (f" Mervärdena uppgår till {sek_text(w.total_deduction)} för {winner.name} och "
                 f"{sek_text(o.total_deduction)} för {other.name}.")
    return text


def decision(outcome: Outcome, meta: Mapping[str, Any], evaluator: str, date: str) -> bytes:
    doc = Doc(title="Tilldelningsbeslut", subtitle=meta["title"], reference=meta["reference"],
              organisation=meta["organisation"], date=date, draft=True)
    doc.meta("Upphandlande myndighet", meta["organisation"])
    doc.meta("Diarienummer", meta["reference"])
    doc.meta("Datum", date)
    doc.para("Detta är ett utkast som tendergen har tagit fram ur utvärderingsprotokollet. Den som har rätt att "
             "fatta beslutet granskar det, fyller i det som saknas och fattar beslutet.", italic=True)
    doc.heading("Beslut")
    winner = outcome.winner
    basis = BASIS_LABELS[outcome.basis]
    if winner is None or winner.computation is None:
        doc.para(ranking_sentence(outcome))
    else:
        doc.para(f"Kommunen tilldelar kontraktet i upphandlingen {meta['title']} ({meta['reference']}) till "
                 f"{winner.name}, organisationsnummer {winner.tender.org_nr}.")
        doc.heading("Skäl för beslutet")
        price_word = ("jämförelsepris" if outcome.basis == "pris-och-kvalitet" else "utvärderingspris")
        value = (winner.computation.comparison_price if outcome.basis == "pris-och-kvalitet"
                 else winner.computation.price)
        doc.para(f"Anbudet från {winner.name} uppfyller samtliga ska-krav och är det ekonomiskt mest fördelaktiga "
                 f"på grundval av {basis}, enligt den utvärderingsmodell som angavs i upphandlingsdokumentet. "
                 f"Anbudet har lägst {price_word}, {sek_text(value)}.")
        if winner.flags:
            doc.para("Innan beslutet fattas ska Kommunen ha prövat anmärkningarna i utvärderingsprotokollet för "
                     "detta anbud.", bold=True)
        others = [a for a in outcome.assessments if a is not winner]
        if others:
            doc.heading("Det antagna anbudets egenskaper och relativa fördelar")
            doc.bullets([advantages(winner, o, outcome) for o in others])
    doc.heading("Rangordning")
    ranking_table(doc, outcome, note=False)
    above = bool(meta.get("facts", {}).get("above_eu_threshold"))
    doc.heading("Avtalsspärr")
    doc.para(f"Underrättelsen om tilldelningsbeslutet skickas till samtliga anbudsgivare enligt "
             f"{'12 kap. 12 §' if above else '19 kap. 29 §'} {LOU}. Avtal får inte ingås förrän tio dagar har gått "
             "från den dag då underrättelsen skickades elektroniskt (avtalsspärr). Om den tionde dagen infaller på "
             "en lördag, söndag eller helgdag löper avtalsspärren till och med nästa arbetsdag.")
    doc.para("Avtalsspärren löper till och med: ____________ (fylls i när underrättelsen skickas).")
    doc.heading("Överprövning")
    doc.para("En leverantör som anser att Kommunen har brutit mot LOU och att det har medfört eller kan medföra "
             "skada för leverantören kan ansöka om överprövning hos förvaltningsrätten. Bestämmelserna om "
             "avtalsspärr och överprövning, bland annat om när en ansökan ska ha kommit in, finns i 20 kap. LOU.")
    doc.heading("Underlag och beslutsfattare")
    doc.para(f"Beslutet grundas på utvärderingsprotokollet av den {date}, gjort av {evaluator}.")
    doc.para("Beslutsfattare: ______________________________   Datum: ____________")
    return doc.save(DECISION)


# --- the same figures for other systems ------------------------------------------------------------


def _d(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))


def as_json(outcome: Outcome, meta: Mapping[str, Any], evaluator: str, date: str, tool: str) -> bytes:
    tenders = []
    for a in outcome.assessments:
        c = a.computation
        tenders.append({
            "name": a.name, "org_nr": a.tender.org_nr, "source": a.tender.folder,
            "excluded": bool(a.excluded), "reasons": list(a.excluded),
            "place": a.place or None, "tied": a.tied,
            "ska": {"total": sum(1 for x in a.tender.answers if x.kind == "Ska"),
                    "unmet": [x.id for x in a.unmet], "unanswered": [x.id for x in a.unanswered]},
            "unclear_answers": [{"id": x.id, "answer": x.answer, "formula": x.formula} for x in a.unclear],
            "criteria": [{"requirement": k.requirement, "answer": ans,
                          "deduction": _d(dict((x.requirement, d) for x, d in c.deductions).get(k.requirement,
                                                                                                Decimal(0)))
                          if c else None} for k, ans in a.criteria],
            "prices": [{"id": r.line.id, "price": _d(r.price), "answer": r.raw if r.price is None else None,
                        "evaluation_volume": r.line.evaluation_volume, "total": _d(r.total)} for r in a.prices],
            "stated_totals": [{"label": label, "stated": shown or None} for label, shown, _ in a.stated_totals],
            "evaluated_price": _d(c.price) if c else None,
            "total_deduction": _d(c.total_deduction) if c else None,
            "comparison_price": _d(c.comparison_price) if c else None,
            "flags": list(a.flags),
        })
    winner = outcome.winner
    data = {"tool": tool, "reference": meta["reference"], "title": meta["title"], "organisation": meta["organisation"],
            "evaluator": evaluator, "date": date, "basis": outcome.basis,
            "criteria": [{"requirement": c.requirement, "title": c.title, "value_sek": c.value_sek,
                          "value_percent": c.value_percent} for c in outcome.evaluation.criteria],
            "price_lines": [{"id": x.id, "text": x.text, "unit": x.unit, "evaluation_volume": x.evaluation_volume}
                            for x in outcome.lines],
            "tenders": tenders,
            "winner": winner.name if winner else None, "tie_for_first": outcome.tie_for_first}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def outputs(outcome: Outcome, meta: Mapping[str, Any], build_dir: Path, manifest: Mapping[str, Any], *,
            evaluator: str, date: str, tool: str) -> tuple[dict[str, bytes], list[str]]:
    """The three files, and warnings for the procurer (the AF's model differs from the one applied)."""
    quote, note = af_quote(build_dir, manifest)
    mismatches = quote_mismatches(quote, outcome)
    return {PROTOCOL: protocol(outcome, meta, quote, note, evaluator, date, mismatches),
            DECISION: decision(outcome, meta, evaluator, date),
            DATA: as_json(outcome, meta, evaluator, date, tool)}, mismatches
