"""Document content from the procurement's own data (core.tender): evaluation texts, AF sections, annexes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tendergen.core import award, params
from tendergen.core.model import Clause, Decision, Library, Profile
from tendergen.core.tender import REFERENCE_CLAUSE, TIMETABLE_LABELS, Criterion, Evaluation, Tender, unvalued
from tendergen.core.words import kronor, long_date
from tendergen.documents import render


def percent(value: float) -> str:
    return (f"{value:g}".replace(".", ",")) + " procent"


def value_text(criterion: Criterion) -> str:
    """A criterion's mervärde as Swedish text: '140 000 kronor' or '1 procent av utvärderingspriset'."""
    if criterion.value_sek is not None:
        return kronor(criterion.value_sek)
    return f"{percent(criterion.value_percent or 0)} av utvärderingspriset"


def criterion_text(clause: Clause, evaluation: Evaluation) -> str:
    """What a bör-krav is worth under the profile's model, for the kravspecifikation."""
    found = next((c for c in evaluation.criteria if c.requirement == clause.id), None)
    if found is None:
        return ("Värderas inte i utvärderingen. Svaret är information till Kommunen och ger inget mervärde.")
    return f"Mervärde {value_text(found)} som dras av från utvärderingspriset om kravet uppfylls."


# --- the AF's own sections and the numbered annex list (issue 10) ---------------------------------

AF = "upphandlingsdokument"
MATRIX = "kravmatris"
PRICE_SHEET = "prisbilaga"
EVALUATION_CLAUSE = "UPPH-UTVARDERING"
TIMING_CLAUSE = "UPPH-TIDPLAN"  # its day counts give way to the profile's tidplan
SUBMISSION_CLAUSE = ("UPPH-ANBUDETS-FORM", "upphandlingssystem")
SHEET_TITLES = {MATRIX: "Kravmatris", PRICE_SHEET: "Prisbilaga"}
# The annexes in the order they are numbered: what the tender answers first, then the contract's annexes.
LIGHT_SPEC = "kravspecifikation-light"
ANNEX_ORDER = ("kravspecifikation", LIGHT_SPEC, MATRIX, PRICE_SHEET, "anbudsformular", "referensbilaga", "avtal",
               "avtalsvillkor", "pub-instruktion", "sekretessforbindelse", "sanktionsforsakran", "ilo-sjalvvardering",
               "exitplan", "acceptanstestprotokoll")
# Procedures in two steps: the qualification (and so the referensbilaga) comes with the anbudsansökan.
TWO_STAGE = frozenset({"selektivt-forfarande", "forhandlat-med-annonsering", "konkurrenspraglad-dialog",
                       "innovationspartnerskap"})


@dataclass(frozen=True)
class Annex:
    number: int
    document: str
    title: str
    file: str

    @property
    def label(self) -> str:
        return f"Bilaga {self.number} {self.title}"


def annexes(library: Library, built: Sequence[str]) -> list[Annex]:
    """One numbered list of the annexes a build produces: the same numbers in the AF and in each annex's title."""
    result: list[Annex] = []
    for doc in ANNEX_ORDER:
        if doc not in built:
            continue
        sheet = doc in SHEET_TITLES
        title = SHEET_TITLES.get(doc) or GENERATED_TITLES.get(doc) or library.documents[doc].title
        result.append(Annex(len(result) + 1, doc, title, f"{doc}.xlsx" if sheet else f"{doc}.docx"))
    return result


def annex_ref(annexes_: Sequence[Annex], document: str, fallback: str) -> str:
    found = next((a for a in annexes_ if a.document == document), None)
    return found.label if found else fallback


def item(title: str, texts: Sequence[str | dict[str, Any]] = (), *, table: dict[str, Any] | None = None,
         after: Sequence[str] = (), item_id: str = "") -> dict[str, Any]:
    """A generated AF item shaped like a clause item, with an optional table and paragraphs after it."""
    return {"id": item_id, "title": title, "kind": "information", "kind_label": "Information", "label": "",
            "heading": bool(title), "verifikat": "", "evaluation": "", "motiv": "",
            "paragraphs": [dict(t) if isinstance(t, dict) else render._paragraph("", t) for t in texts],
            "table": table, "after": list(after)}


def bullet(text: str) -> dict[str, Any]:
    return render._paragraph("-", text)


def table(header: Sequence[str], rows: Sequence[Sequence[str]], caption: str, description: str) -> dict[str, Any]:
    return {"cols": len(header), "header": list(header), "rows": [list(r) for r in rows], "caption": caption,
            "description": description}


def quantity(value: float) -> str:
    number = int(value) if float(value).is_integer() else value
    return f"{number:,}".replace(",", "\u00a0").replace(".", ",")


def money(value: Decimal) -> str:
    """An amount in whole kronor, rounded half up as printed (the arithmetic stays exact in core.award)."""
    return kronor(int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP)))


OPTION_NOTICE = ("AVT-OPTION-FORLANGNING", "varsel_manader")  # the option notice, stated once: in that clause


def option_notice(clauses: Sequence[Clause], profile: Profile) -> str:
    """The option clause's notice period ("3 månader"), as the avtalsvillkor state it; "" without that clause."""
    clause = next((c for c in clauses if c.id == OPTION_NOTICE[0]), None)
    if clause is None or OPTION_NOTICE[1] not in {p.name for p in clause.parameters}:
        return ""
    months = render.parameter_values(clause, profile)[OPTION_NOTICE[1]]
    return f"{render.format_value(months)} {'månad' if months == 1 else 'månader'}"


def term_text(profile: Profile, notice: str = "") -> str:
    years = profile.contract.get("years")
    if years is None:
        return ""
    options = [quantity(o) for o in profile.contract.get("options", ())]
    text = f"Avtalet gäller i {quantity(years)} år från avtalsstart"
    if options:
        text += f" med option för Kommunen att förlänga det med {' + '.join(options)} år på oförändrade villkor"
        if notice:
            text += (f". Kommunen meddelar Leverantören skriftligen senast {notice} före avtalstidens utgång om en "
                     "option utnyttjas")
    return text + "."


def scope_section(profile: Profile, tender: Tender, notice: str = "") -> dict[str, Any] | None:
    scope = tender.scope
    if scope is None:
        return None
    items = []
    if scope.background:
        items.append(item("Bakgrund och syfte", scope.background))
    if scope.volumes:
        lots = bool(scope.lots)
        rows = []
        for v in scope.volumes:
            amount_ = f"{quantity(v.per_year)} per år" if v.per_year is not None else f"{quantity(v.total or 0)} totalt"
            rows.append([v.item + (f" ({v.note})" if v.note else ""), v.unit, amount_,
                         *([str(v.lot) if v.lot else "Alla"] if lots else [])])
        header = ["Vara eller tjänst", "Enhet", "Uppskattad volym", *(["Delkontrakt"] if lots else [])]
        items.append(item("Uppskattade volymer", ["Tabellen visar Kommunens uppskattning av hur mycket som kommer att "
                                                  "köpas. Volymerna är inte ett åtagande från Kommunen."],
                          table=table(header, rows, "Uppskattade volymer",
                                      "En vara eller tjänst per rad med enhet och uppskattad volym.")))
    framework = bool(profile.facts.get("framework_agreement"))
    value = []
    if scope.estimated_sek is not None:
        value.append(f"Det uppskattade värdet av {'ramavtalet' if framework else 'avtalet'} är "
                     f"{kronor(scope.estimated_sek)} exklusive moms för hela avtalstiden, inklusive optioner.")
    if framework and scope.maximum_sek is not None:
        value.append(f"Ramavtalets högsta värde är {kronor(scope.maximum_sek)} exklusive moms. När avrop har gjorts "
                     "till det högsta värdet upphör ramavtalet att gälla, även om avtalstiden inte har löpt ut. "
                     "Kommunen är inte skyldig att avropa någon viss volym.")
    if value:
        items.append(item("Avtalets värde", value))
    term: list[str | dict[str, Any]] = [t for t in [term_text(profile, notice)] if t]
    if profile.contract.get("start"):
        term.append(f"Avtalet beräknas börja gälla den {profile.contract['start']}.")
    term += [bullet(o) for o in scope.options]
    if term:
        items.append(item("Avtalstid och optioner", term))
    if scope.lots:
        rows = [[f"{lot.id}. {lot.title}", lot.scope or "–", kronor(lot.estimated_sek),
                 kronor(lot.maximum_sek) if lot.maximum_sek is not None else "–"] for lot in scope.lots]
        items.append(item("Delkontrakt", [
            f"Upphandlingen är uppdelad i {len(scope.lots)} delkontrakt. Anbud får lämnas på ett eller flera "
            "delkontrakt. Varje delkontrakt utvärderas och tilldelas för sig."],
            table=table(["Delkontrakt", "Omfattning", "Uppskattat värde", "Högsta värde"], rows, "Delkontrakt",
                        "Ett delkontrakt per rad med omfattning, uppskattat värde och högsta värde.")))
    elif scope.not_divided_because:
        items.append(item("Delkontrakt", ["Upphandlingen är inte uppdelad i delkontrakt. Skälet är följande: "
                                          + scope.not_divided_because]))
    return {"id": "omfattning", "title": "Upphandlingens omfattning", "clauses": items, "texts": items,
            "requirements": []}


def submission_system(profile: Profile, workspace_system: str = "") -> str:
    """The e-procurement system: the profile's clause parameter, else the workspace's."""
    clause, name = SUBMISSION_CLAUSE
    return str(profile.parameters.get(clause, {}).get(name, "")) or workspace_system


def timetable_item(profile: Profile, tender: Tender, workspace_system: str = "",
                   timing: Clause | None = None) -> dict[str, Any] | None:
    """The tidplan table, in place of the library's timing clause (`timing`, UPPH-TIDPLAN).

    The clause's day counts would state the last day for questions and the validity a second time, in other
    figures; what the table does not give is said with the clause's values.
    """
    if tender.timetable is None or not tender.timetable.dates:
        return None
    labels = dict(TIMETABLE_LABELS)
    rows = [[labels[key], day] for key, day in tender.timetable.dates]
    system = submission_system(profile, workspace_system) or "upphandlingssystemet"
    after = ["Tidpunkterna efter sista anbudsdag är preliminära. Ändringar i tidplanen meddelas i "
             f"{system}."]
    chosen = params.values(timing, profile) if timing is not None else {}
    if not tender.timetable.get("last_question") and "fragor_dagar" in chosen:
        after.append(f"Sista dag för frågor är {chosen['fragor_dagar']} dagar före sista anbudsdag.")
    if not tender.timetable.get("tender_valid_until") and "giltighet_manader" in chosen:
        after.append(f"Anbudet ska vara bindande för anbudsgivaren och giltigt till och med "
                     f"{chosen['giltighet_manader']} månader efter sista anbudsdag.")
    after.append("Om upphandlingen blir föremål för överprövning kan Kommunen begära att anbudsgivarna "
                 "förlänger anbudens giltighetstid.")
    return item("Tidplan och anbudets giltighetstid", ["Upphandlingen genomförs enligt följande tidplan."],
                table=table(["Händelse", "Datum"], rows, "Tidplan", "En händelse per rad med datum."),
                after=after, item_id="tidplan")


def contents_item(profile: Profile, tender: Tender, annexes_: Sequence[Annex], system: str = "", *,
                  application: bool = True) -> dict[str, Any]:
    """How and where the tender is submitted, and what it must contain.

    With `application`, also what a two-step procedure's anbudsansökan must contain.
    """
    texts: list[str | dict[str, Any]] = []
    deadline = tender.timetable.get("tender_deadline") if tender.timetable else ""
    if system:
        texts.append(f"Anbud lämnas elektroniskt i {system}"
                     + (f" senast den {deadline}." if deadline else " senast sista anbudsdag."))
    texts.append("Anbudet ska innehålla följande:")
    two_stage = profile.facts.get("procedure") in TWO_STAGE
    for annex in annexes_:
        if annex.document == FORM:
            texts.append(bullet(f"{annex.label}, ifyllt och undertecknat av behörig företrädare."))
        elif annex.document == MATRIX:
            texts.append(bullet(f"{annex.label} med svar på samtliga krav."))
        elif annex.document == PRICE_SHEET:
            texts.append(bullet(f"{annex.label} med pris på samtliga prisrader."))
        elif annex.document in ("sanktionsforsakran", "ilo-sjalvvardering"):
            texts.append(bullet(f"{annex.label}, ifylld och undertecknad."))
        elif annex.document == REFERENCES and not two_stage:
            texts.append(bullet(f"{annex.label}, ifylld för varje referensuppdrag."))
    texts.append(bullet("De handlingar som anges under Verifikat vid varje krav i kravspecifikationen."))
    texts.append(bullet("Uppgift om anbudsgivarens namn, organisationsnummer, kontaktperson och firmatecknare."))
    references = next((a for a in annexes_ if a.document == REFERENCES), None)
    if references is not None and two_stage and application:
        texts.append(f"{references.label}, ifylld för varje referensuppdrag, lämnas redan med anbudsansökan, "
                     "eftersom kvalificeringskraven prövas i det första steget.")
    return item("Anbudets innehåll", texts, item_id="anbudets-innehall")


@dataclass(frozen=True)
class ExampleTender:
    """A fictitious tender in the AF's worked example; its figures come from core.award."""

    name: str
    fulfilled: tuple[str, ...]
    computation: award.Computation


def round_price(value: Decimal) -> Decimal:
    """A plausible example price: two significant figures (9 473 000 -> 9 500 000), at least 100 000 kronor."""
    value = max(value, Decimal(100000))
    step = Decimal(10) ** (len(str(int(value))) - 2)
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def example_prices(evaluation: Evaluation, reference: Decimal) -> tuple[tuple[Decimal, tuple[str, ...]],
                                                                        tuple[Decimal, tuple[str, ...]]]:
    """Only the choice of the two fictitious tenders (price, criteria met); the arithmetic is core.award's.

    A is cheaper and meets at most the first criterion; B meets every criterion and is dearer by about 60 % of
    the extra deductions it earns, which shows how the model trades price against quality. With price or
    cost alone B is 4 % dearer.
    """
    base = round_price(reference)
    criteria = evaluation.criteria if evaluation.basis == "pris-och-kvalitet" else ()
    if not criteria:
        return (base, ()), (round_price(base * Decimal("1.04")), ())
    a_meets = tuple(c.requirement for c in criteria[:1]) if len(criteria) > 1 else ()
    a = award.compute(evaluation, base, a_meets)
    every = tuple(c.requirement for c in criteria)
    extra = award.compute(evaluation, base, every).total_deduction - a.total_deduction
    step = Decimal(10) ** max(len(str(int(extra))) - 2, 0) if extra >= 1 else Decimal(1)
    b_price = base + max((extra * Decimal("0.6") / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step, step)
    return (base, a_meets), (b_price, every)


def worked_example(evaluation: Evaluation, reference: Decimal) -> list[ExampleTender]:
    chosen = example_prices(evaluation, reference)
    return [ExampleTender(name, fulfilled, award.compute(evaluation, price, fulfilled))
            for name, (price, fulfilled) in zip(("Anbud A", "Anbud B"), chosen, strict=True)]


def example_item(evaluation: Evaluation, tenders: Sequence[ExampleTender]) -> dict[str, Any]:
    places = award.rank(evaluation.basis, [(t.name, t.computation) for t in tenders])
    best = next(t for t in tenders if t.name == places[0].name)
    intro = "Exemplet visar hur två fiktiva anbud utvärderas. Priserna är påhittade."
    if evaluation.basis != "pris-och-kvalitet" or not evaluation.criteria:
        rows = [[t.name, money(t.computation.price)] for t in tenders]
        return item("Exempel på utvärdering", [intro],
                    table=table(["Anbud", "Utvärderingspris"], rows, "Exempel på utvärdering",
                                "Två fiktiva anbud med sina utvärderingspriser."),
                    after=[f"{best.name} har lägst utvärderingspris och skulle tilldelas kontraktet."],
                    item_id="exempel")
    rows = [[t.name, money(t.computation.price), ", ".join(t.fulfilled) or "inga",
             money(t.computation.total_deduction), money(t.computation.comparison_price)] for t in tenders]
    after = []
    for t in tenders:
        parts = [money(t.computation.price), *(f"− {money(d)} ({c.requirement})" for c, d in t.computation.deductions)]
        after.append(f"{t.name}: " + " ".join(parts) + f" = {money(t.computation.comparison_price)}")
    other = next(t for t in tenders if t is not best)
    if places[0].tied:
        after.append("Anbuden är lika enligt modellen; tilldelningen avgörs då genom lottning.")
    elif best.computation.price > other.computation.price:
        after.append(f"{best.name} har lägst jämförelsepris och skulle tilldelas kontraktet, trots att dess "
                     f"utvärderingspris är {money(best.computation.price - other.computation.price)} högre än "
                     f"{other.name}:s: dess mervärden är större än prisskillnaden.")
    else:
        after.append(f"{best.name} har lägst jämförelsepris och skulle tilldelas kontraktet.")
    return item("Exempel på utvärdering", [intro + " Mervärdena är de som gäller i upphandlingen."],
                table=table(["Anbud", "Utvärderingspris", "Uppfyllda kriterier", "Avdrag", "Jämförelsepris"], rows,
                            "Exempel på utvärdering", "Två fiktiva anbud med utvärderingspris, uppfyllda kriterier, "
                            "avdrag och jämförelsepris."),
                after=after, item_id="exempel")


def evaluation_items(profile: Profile, decisions: Sequence[Decision], tender: Tender,
                     annexes_: Sequence[Annex]) -> list[dict[str, Any]]:
    """The profile's evaluation model in plain Swedish, its criteria and a worked example computed by core.award."""
    evaluation = tender.evaluation
    if evaluation is None:
        return []
    sheet = annex_ref(annexes_, PRICE_SHEET, "prisbilagan")
    qualified = ("Endast anbud som uppfyller samtliga ska-krav och vars anbudsgivare har kvalificerats "
                 "utvärderas.")
    price_text = (f"Utvärderingspriset är summan av anbudsgivarens priser i {sheet} multiplicerade med "
                  "utvärderingsvolymerna där. Utvärderingsvolymerna används bara för att jämföra anbuden och är "
                  "inte ett åtagande från Kommunen.")
    quality = evaluation.basis == "pris-och-kvalitet" and bool(evaluation.criteria)
    texts: list[str | dict[str, Any]]
    if not quality:
        word = "kostnad" if evaluation.basis == "kostnad" else "pris"
        texts = [f"Kommunen antar det ekonomiskt mest fördelaktiga anbudet på grundval av {word} (16 kap. LOU). "
                 + qualified, price_text,
                 "Kontraktet tilldelas den anbudsgivare som har lägst utvärderingspris. Om två anbud har samma "
                 "utvärderingspris avgörs tilldelningen genom lottning i närvaro av en person som inte har "
                 "deltagit i utvärderingen."]
    else:
        texts = ["Kommunen antar det ekonomiskt mest fördelaktiga anbudet på grundval av bästa förhållandet mellan "
                 "pris och kvalitet (16 kap. LOU). " + qualified, price_text,
                 "Kvaliteten värderas med en mervärdesmodell. För varje kriterium i tabellen nedan som anbudet "
                 "uppfyller dras det angivna mervärdet av från utvärderingspriset. Ett mervärde i procent räknas på "
                 "anbudsgivarens eget utvärderingspris. Ett kriterium som inte uppfylls eller inte besvaras ger "
                 "inget avdrag. Resultatet är anbudets jämförelsepris:",
                 "Jämförelsepris = utvärderingspris − summan av mervärdena för de kriterier som anbudet uppfyller.",
                 "Kontraktet tilldelas den anbudsgivare som har lägst jämförelsepris. Varje krona som "
                 "utvärderingspriset sänks sänker jämförelsepriset. Jämförelsepriset är bara ett mått i "
                 "utvärderingen; ersättningen enligt avtalet följer priserna i anbudet. Om två anbud har samma "
                 "jämförelsepris tilldelas kontraktet det anbud som har lägst utvärderingspris; är även det lika "
                 "avgörs tilldelningen genom lottning."]
    if tender.scope and tender.scope.lots:
        texts.append("Varje delkontrakt utvärderas för sig, med de prisrader som hör till delkontraktet och de "
                     "prisrader som gäller alla delkontrakt.")
    result = [item("Utvärderingsmodell", texts, item_id="utvarderingsmodell")]
    if quality:
        rows = [[c.requirement, c.title + (f". {c.note}" if c.note else ""), value_text(c)]
                for c in evaluation.criteria]
        info = unvalued(decisions, tender)
        after = (["Följande bör-krav i kravspecifikationen värderas inte. Svaren är information till Kommunen och "
                  "ger inget mervärde: " + "; ".join(f"{c.id} {c.title}" for c in info) + "."] if info else [])
        spec = annex_ref(annexes_, "kravspecifikation", "kravspecifikationen")
        result.append(item("Kriterier och mervärden",
                           [f"Kriterierna är bör-krav i {spec}. Ett kriterium är uppfyllt när anbudet visar det på "
                            "det sätt som anges under Verifikat vid kravet."],
                           table=table(["Krav", "Kriterium", "Mervärde"], rows, "Kriterier och mervärden",
                                       "Ett kriterium per rad med krav, kriterium och mervärde."),
                           after=after))
    reference = (tender.scope.estimated_sek if tender.scope and tender.scope.estimated_sek
                 else profile.facts.get("estimated_value_sek", 0))
    result.append(example_item(evaluation, worked_example(evaluation, award.amount(reference))))
    return result


def price_only_item() -> dict[str, Any]:
    """The evaluation text when no bör-krav is valued: lowest price, never points divided by zero points."""
    return {**item("Utvärderingsmodell", [
        "Kommunen antar det ekonomiskt mest fördelaktiga anbudet på grundval av pris (16 kap. LOU). Endast anbud "
        "som uppfyller samtliga ska-krav och vars anbudsgivare har kvalificerats utvärderas.",
        "Kontraktet tilldelas den anbudsgivare som har lägst anbudspris enligt prisbilagan. Om två anbud har samma "
        "pris avgörs tilldelningen genom lottning i närvaro av en person som inte har deltagit i utvärderingen."],
        item_id="utvarderingsmodell"), "anchor_id": 6999, "anchor": "avsnitt_6999"}


def standstill_item() -> dict[str, Any]:
    return item("Avtalsspärr och överprövning", [
        "När Kommunen har skickat underrättelsen om tilldelningsbeslutet elektroniskt får avtal inte ingås förrän "
        "10 dagar har gått från den dag då underrättelsen skickades (avtalsspärr). Om den tionde dagen infaller på "
        "en lördag, söndag eller helgdag löper avtalsspärren ut nästa vardag.",
        "En leverantör som anser att Kommunen har brutit mot LOU kan ansöka om överprövning av upphandlingen. "
        "Bestämmelserna om avtalsspärr och överprövning finns i 20 kap. LOU."], item_id="avtalssparr")


def annex_section(annexes_: Sequence[Annex],
                  intro: str = "Upphandlingsdokumentet består av detta dokument och följande bilagor."
                  ) -> dict[str, Any]:
    rows = [[f"Bilaga {a.number}", a.title, a.file] for a in annexes_]
    items = [item("", [intro],
                  table=table(["Nummer", "Bilaga", "Fil"], rows, "Bilagor",
                              "En bilaga per rad med nummer, titel och filnamn."))]
    return {"id": "bilagor", "title": "Bilagor", "clauses": items, "texts": items, "requirements": []}


def af_sections(sections: Sequence[dict[str, Any]], profile: Profile, decisions: Sequence[Decision],
                annexes_: Sequence[Annex], workspace_system: str = "") -> list[dict[str, Any]]:
    """The AF's sections with the procurement's own content placed where a procurer looks for it."""
    tender = profile.tender
    assert tender is not None
    system = submission_system(profile, workspace_system)
    timing = next((d.clause for d in decisions if d.included and d.clause.id == TIMING_CLAUSE), None)
    timetable = timetable_item(profile, tender, system, timing)
    extra: dict[str, list[dict[str, Any]]] = {
        "forfarande": [timetable] if timetable else [],
        "anbud": [contents_item(profile, tender, annexes_, system)],
        "utvardering": evaluation_items(profile, decisions, tender, annexes_),
        "tilldelning": [standstill_item()],
    }
    titles = {"forfarande": "Upphandlingsförfarande och tidplan", "anbud": "Anbudets form och innehåll",
              "utvardering": "Utvärdering av anbud", "tilldelning": "Tilldelning och avtalsspärr"}
    scope = scope_section(profile, tender, option_notice([d.clause for d in decisions], profile))
    result: list[dict[str, Any]] = []
    placed: set[str] = set()
    for section in sections:
        added = extra.get(section["id"], [])
        if added:
            placed.add(section["id"])
            replaced = {"utvardering": EVALUATION_CLAUSE, "forfarande": TIMING_CLAUSE}.get(section["id"])
            own = [c for c in section["clauses"] if c["id"] != replaced]
            clauses = [*own, *added]
            section = {**section, "clauses": clauses, "texts": [c for c in clauses if c["kind"] not in
                                                                ("ska-krav", "bör-krav")]}
            render.merge_headings([section], AF)  # a section that gained items keeps every heading
        result.append(section)
        if section["id"] == "inledning" and scope:
            result.append(scope)
            scope = None
    if scope:
        result.insert(0, scope)
    for section_id, added in extra.items():
        if added and section_id not in placed:
            result.append({"id": section_id, "title": titles[section_id], "clauses": added, "texts": added,
                           "requirements": []})
    if annexes_:
        result.append(annex_section(annexes_))
    return result


def decorate(ctx: dict[str, Any], profile: Profile, library: Library, decisions: Sequence[Decision],
             document_id: str, annexes_: Sequence[Annex], *, e_procurement_system: str = "") -> dict[str, Any]:
    """A full build's document context with the procurement's own content and the annex numbers.

    Every AF: without a valued criterion the library's points model (points ÷ maximum points) is replaced by
    lowest price, so no AF divides 0 points by 0. With the profile's content: the AF's own sections, the
    annex list, and each annex's number in its title.
    """
    if document_id == AF and profile.tender is None and ctx.get("criteria_total") in ("0", 0):
        ctx = {**ctx, "criteria": [], "sections": [
            {**s, "clauses": [price_only_item() if c["id"] == EVALUATION_CLAUSE else c for c in s["clauses"]],
             "texts": [price_only_item() if c["id"] == EVALUATION_CLAUSE else c for c in s["texts"]]}
            for s in ctx["sections"]]}
    if profile.tender is None and not profile.facts.get("direct_award"):
        return ctx  # a direct procurement's annexes are numbered in its offertförfrågan
    annex = next((a for a in annexes_ if a.document == document_id), None)
    if annex is not None:
        ctx = {**ctx, "document_title": f"Bilaga {annex.number} {ctx['document_title']}"}
    if document_id == AF and profile.tender is not None:
        ctx = {**ctx, "sections": af_sections(ctx["sections"], profile, decisions, annexes_, e_procurement_system)}
        generated = [i for s in ctx["sections"] for i in s["clauses"] if "anchor_id" not in i]
        for number, generated_item in enumerate(generated, start=7000):  # bookmarks after the clauses' 5000s
            generated_item["anchor_id"] = number
            generated_item["anchor"] = f"avsnitt_{number}"
        if profile.tender.evaluation is not None:
            ctx["criteria"] = []  # the points table belongs to the library's model; the profile's replaces it
    if "lists" in ctx:
        ctx["lists"] = render.number_lists(i for s in ctx["sections"] for i in s["clauses"])
    return ctx


# --- anbudsformulär and avtal (issue 10) ------------------------------------------------------------

FORM = "anbudsformular"
REFERENCES = "referensbilaga"
CONTRACT = "avtal"
OFFER_REQUEST = "offertforfragan"
GENERATED_TITLES = {FORM: "Anbudsformulär", REFERENCES: "Referensbilaga", CONTRACT: "Avtal",
                    OFFER_REQUEST: "Offertförfrågan"}
NOT_STATED = "[fylls i av Kommunen: {}]"
FIELD_HEADER = ("Uppgift", "Fylls i av Leverantören")


def generated_documents(profile: Profile, decisions: Sequence[Decision] = (), *, light: bool) -> list[str]:
    """The documents a build generates from the profile (not from clause templates).

    A direct procurement (and every light build) gets the offertförfrågan instead of an upphandlingsdokument;
    a full tender with the procurement's own content gets the anbudsformulär and the avtal. The referensbilaga
    comes with the qualification requirement that asks for it, and only with it, also when the profile has no
    content of its own (the AF's verifikat tells the supplier to fill it in).
    """
    if light or profile.facts.get("direct_award"):
        return [OFFER_REQUEST]
    asked = any(d.included and d.clause.id == REFERENCE_CLAUSE for d in decisions)
    if profile.tender is None:
        return [REFERENCES] if asked else []
    return [FORM, *([REFERENCES] if asked else []), CONTRACT]


def evaluation_of(profile: Profile) -> Evaluation | None:
    """The evaluation model the documents state: the profile's, or lowest price for a direct procurement."""
    if profile.tender is not None and profile.tender.evaluation is not None:
        return profile.tender.evaluation
    return Evaluation("pris") if profile.facts.get("direct_award") else None


def fields(title: str, texts: Sequence[str | dict[str, Any]], names: Sequence[str], who: str) -> dict[str, Any]:
    """An item with a two-column table of blanks that the supplier fills in."""
    return item(title, texts, table=table(("Uppgift", f"Fylls i av {who}"), [[n, ""] for n in names], title,
                                          f"En uppgift per rad med en tom ruta som {who} fyller i."))


def generated_context(profile: Profile, library: Library, document_id: str, items: Sequence[dict[str, Any]],
                      intro: Sequence[str], signatures: Mapping[str, str],
                      sections: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """A generated document's context, shaped like a clause document's: one section of `items`, or `sections`."""
    contact = ", ".join(v for v in (profile.contact.get("name", ""), profile.contact.get("email", ""),
                                    profile.contact.get("phone", "")) if v)
    if not sections:
        sections = [{"id": document_id, "title": GENERATED_TITLES[document_id], "clauses": list(items),
                     "texts": list(items), "requirements": []}]
    items = [i for s in sections for i in s["clauses"]]
    for number, generated_item in enumerate(items, start=7000):
        generated_item["anchor_id"] = number
        generated_item["anchor"] = f"avsnitt_{number}"
    return {"title": profile.title, "reference": profile.reference, "reference_label": "Diarienummer",
            "organisation": profile.organisation, "department": profile.department, "contact": contact,
            "date": profile.date, "library": f"{library.name} {library.version}", "document_id": document_id,
            "document_title": GENERATED_TITLES[document_id], "intro": list(intro), "draft": False,
            "criteria": [], "criteria_total": "0", "sections": list(sections), "signatures": dict(signatures),
            "lists": render.number_lists(items)}


def form_context(profile: Profile, library: Library, annexes_: Sequence[Annex], system: str) -> dict[str, Any]:
    """The anbudsformulär: who tenders, who signs, validity, acceptance of the terms, contents, signature."""
    tender = profile.tender
    assert tender is not None
    valid = tender.timetable.get("tender_valid_until") if tender.timetable else ""
    items = [fields("Anbudsgivare", ["Anbudsgivarens uppgifter."],
                    ("Anbudsgivarens namn", "Organisationsnummer", "Postadress", "Kontaktperson för anbudet",
                     "Telefon", "E-post"), "Anbudsgivaren"),
             fields("Firmatecknare", ["Den eller de personer som får teckna Anbudsgivarens firma, eller som har "
                                      "fullmakt att lämna anbudet. En fullmakt bifogas anbudet."],
                    ("Namn", "Befattning", "Behörighet (firmatecknare eller fullmakt)"), "Anbudsgivaren")]
    if tender.scope and tender.scope.lots:
        items.append(fields("Delkontrakt", ["Anbudsgivaren anger vilka delkontrakt anbudet avser (ja eller nej)."],
                            [f"Delkontrakt {lot.id}. {lot.title}" for lot in tender.scope.lots], "Anbudsgivaren"))
    af = annex_ref(annexes_, AF, "upphandlingsdokumentet")
    items.append(item("Försäkran", [
        "Genom att underteckna anbudsformuläret försäkrar Anbudsgivaren följande:",
        bullet(f"Anbudet gäller upphandlingen {profile.title}, diarienummer {profile.reference}."),
        bullet("Anbudet är bindande till och med " + (valid or "den dag som anges i upphandlingsdokumentet") + "."),
        bullet(f"Anbudsgivaren accepterar samtliga villkor i {af} och dess bilagor, utan reservationer."),
        bullet("Anbudsgivaren uppfyller samtliga ska-krav och har besvarat varje krav i kravmatrisen."),
        bullet("Uppgifterna i anbudet är riktiga och fullständiga.")]))
    contents = contents_item(profile, tender, annexes_, system, application=False)
    items.append({**contents, "title": "Anbudet innehåller"})
    return generated_context(profile, library, FORM, items,
                             ["Anbudsformuläret fylls i och undertecknas av Anbudsgivarens behöriga företrädare och "
                              "lämnas med anbudet."],
                             {"left": "För Anbudsgivaren", "right": "För Anbudsgivaren (vid gemensam firmateckning)"})


def contract_context(profile: Profile, library: Library, annexes_: Sequence[Annex],
                     organisation_number: str) -> dict[str, Any]:
    """The avtal: parties, subject, term and options, contacts, contract documents in order of precedence."""
    tender = profile.tender
    assert tender is not None
    number = organisation_number or NOT_STATED.format("organisationsnummer")
    parties = fields("Parter", [
        f"Kommunen: {profile.organisation}, organisationsnummer {number}"
        + (f", genom {profile.department}" if profile.department else "") + ".",
        "Leverantören: den leverantör vars uppgifter anges nedan."],
        ("Leverantörens namn", "Organisationsnummer", "Postadress"), "Leverantören")
    framework = bool(profile.facts.get("framework_agreement"))
    spec = annex_ref(annexes_, "kravspecifikation", "kravspecifikationen")
    subject: list[str | dict[str, Any]] = [
        f"Avtalet avser {profile.title[:1].lower()}{profile.title[1:]} enligt Kommunens upphandling med "
        f"diarienummer {profile.reference}. Omfattningen anges i {spec} och i Leverantörens anbud."]
    if tender.scope and tender.scope.lots:
        subject.append("Avtalet gäller följande delkontrakt (Kommunen stryker de delkontrakt som Leverantören inte "
                       "har tilldelats):")
        subject += [bullet(f"Delkontrakt {lot.id}. {lot.title}") for lot in tender.scope.lots]
    if framework:
        subject.append("Avtalet är ett ramavtal. Kommunen är inte skyldig att avropa någon viss volym.")
        if tender.scope and tender.scope.maximum_sek is not None:
            subject.append(f"Ramavtalets högsta värde är {kronor(tender.scope.maximum_sek)} exklusive moms. Ramavtalet "
                           "upphör att gälla när avrop har gjorts till det värdet.")
    term = [t for t in [term_text(profile, option_notice(library.clauses, profile))] if t] or [
        NOT_STATED.format("avtalstid")]
    start = profile.contract.get("start")
    term.append(f"Avtalsstart är den {start}." if start else
                "Avtalsstart är den dag då Avtalet har undertecknats av båda Parter.")
    contacts = fields("Kontaktpersoner", [
        "Parternas kontaktpersoner för Avtalet. En Part meddelar den andra Parten skriftligen om en ny "
        "kontaktperson.",
        "Kommunens kontaktperson: " + (", ".join(v for v in (profile.contact.get("name", ""),
                                                             profile.contact.get("email", ""),
                                                             profile.contact.get("phone", "")) if v)
                                       or NOT_STATED.format("kontaktperson")) + "."],
        ("Leverantörens kontaktperson (namn, telefon, e-post)",), "Leverantören")
    listed = [a for a in annexes_ if a.document != CONTRACT]
    documents_: list[str | dict[str, Any]] = ["Avtalet består av detta avtal och följande bilagor:"]
    documents_ += [bullet(a.label) for a in listed]
    precedence = ["Skriftliga ändringar och tillägg till Avtalet; en senare handling har företräde framför en "
                  "tidigare.", "Detta avtal."]
    precedence += [f"{a.label}." for doc in ("pub-instruktion", "avtalsvillkor", "kravspecifikation")
                   for a in listed if a.document == doc]
    precedence += ["Övriga bilagor till Avtalet, i nummerordning.",
                   "Kommunens upphandlingsdokument i övrigt, inklusive kompletteringar och svar på frågor under "
                   "anbudstiden.", "Leverantörens anbud."]
    documents_.append("Om avtalshandlingarna innehåller motstridiga uppgifter gäller de i följande ordning, om inte "
                      "omständigheterna uppenbart föranleder något annat:")
    documents_ += [render._paragraph(f"{n}.", text) for n, text in enumerate(precedence, start=1)]
    items = [parties, item("Avtalets omfattning", subject), item("Avtalstid och optioner", term), contacts,
             item("Avtalshandlingar", documents_),
             item("Underskrifter", ["Avtalet har upprättats i två likalydande exemplar, eller undertecknas "
                                    "elektroniskt, och Parterna har tagit var sitt."])]
    return generated_context(profile, library, CONTRACT, items, [],
                             {"left": f"För {profile.organisation}", "right": "För Leverantören"})


def af_number(profile: Profile, library: Library, decisions: Sequence[Decision], annexes_: Sequence[Annex],
              clause_id: str, system: str = "") -> str:
    """A clause's heading number in the AF as built (with its own sections), e.g. '7.2'; '' when not there."""
    ctx = decorate(render.context(profile, library, decisions, AF), profile, library, decisions, AF, annexes_,
                   e_procurement_system=system)
    for number, section in enumerate(ctx["sections"], start=1):
        headed = [i for i in section["clauses"] if i.get("heading")]
        for sub, found in enumerate(headed, start=1):
            if found["id"] == clause_id:
                return f"{number}.{sub}"
    return ""


def period_start(deadline: str, years: int) -> str:
    """The first day of the `years` years up to the tender deadline (29 February falls back to the 28th)."""
    import datetime as dt

    day = dt.date.fromisoformat(deadline)
    try:
        return day.replace(year=day.year - years).isoformat()
    except ValueError:
        return day.replace(year=day.year - years, day=28).isoformat()


REFERENCE_FIELDS = ("Beställare (organisationens namn)", "Kontaktperson hos beställaren (namn och befattning)",
                    "Kontaktpersonens telefonnummer", "Kontaktpersonens e-postadress",
                    "Uppdragets tidsperiod (från och med – till och med, år och månad)",
                    "Uppdragets ungefärliga värde i kronor exklusive moms")
REFERENCE_OTHER_COMPANY = ("Utfört av ett annat företag vars erfarenhet Anbudsgivaren åberopar (företagets namn och "
                           "organisationsnummer; lämnas tomt om Anbudsgivaren själv utförde uppdraget)")
REFERENCE_TEXT_FIELDS = ("Uppdragets innehåll och omfattning",
                         "Hur uppdraget motsvarar det som efterfrågas i denna upphandling")


def references_context(profile: Profile, library: Library, decisions: Sequence[Decision], annexes_: Sequence[Annex],
                       system: str) -> dict[str, Any]:
    """The referensbilaga: what the reference assignments must show, then one table per assignment to fill in.

    Its figures are the reference clause's parameters (from the profile's `references`), so the AF's
    qualification requirement and this form state the same numbers.
    """
    tender = profile.tender or Tender()
    clause = library.clause(REFERENCE_CLAUSE)
    assert clause is not None
    values = render.parameter_values(clause, profile)
    count = int(values.get("antal_referenser", 1) or 1)
    number = af_number(profile, library, decisions, annexes_, REFERENCE_CLAUSE, system)
    af = annex_ref(annexes_, AF, "upphandlingsdokumentet")
    where = (f"avsnitt {number} {clause.title} i {af}" if number else f"avsnittet ”{clause.title}” i {af}")
    deadline = tender.timetable.get("tender_deadline") if tender.timetable else ""
    rules: list[str | dict[str, Any]] = [
        f"Kraven på referensuppdragen anges i {where}. Sammanfattat ska varje referensuppdrag uppfylla följande:"]
    if "uppdragets_innehall" in values:
        rules.append(bullet(f"Uppdraget har avsett {values['uppdragets_innehall']}."))
    if "min_uppdrag_manader" in values and "referens_ar" in values:
        years = int(values["referens_ar"])
        period = (f", det vill säga någon gång från och med den {long_date(period_start(deadline, years))} till "
                  f"och med den {long_date(deadline)}" if deadline else "")
        rules.append(bullet(f"Leverans inom uppdraget har pågått under minst {values['min_uppdrag_manader']} månader "
                            f"och har pågått någon gång under de senaste {years} åren räknat från sista anbudsdag"
                            f"{period}."))
    rules.append(bullet("Uppdraget har utförts åt en annan organisation än Anbudsgivaren eller ett företag i samma "
                        "koncern."))
    rules.append(bullet("Kontaktpersonen har haft insyn i uppdraget och har informerats om att Kommunen kan komma "
                        "att kontakta denne."))
    if "min_betyg" in values:
        rules.append(bullet("Kontaktpersonen bedömer uppdragets genomförande på en skala från 1 till 5, och varje "
                            f"referensuppdrag ska få ett genomsnittligt betyg om minst {values['min_betyg']}."))
    two_stage = profile.facts.get("procedure") in TWO_STAGE
    howto = [f"Anbudsgivaren redovisar minst {count} referensuppdrag, ett i varje tabell nedan, och fyller i "
             "samtliga uppgifter. Fler referensuppdrag får redovisas i kopior av tabellen."]
    if two_stage:
        howto.append("Om fler anbudssökande är kvalificerade än Kommunen bjuder in avgör antalet godkända "
                     "referensuppdrag urvalet, enligt upphandlingsdokumentet.")
    short = list(REFERENCE_FIELDS)
    if tender.scope and tender.scope.lots:
        short.append("Delkontrakt som uppdraget motsvarar")
    short.append(REFERENCE_OTHER_COMPANY)
    instructions = [fields("Anbudsgivare", ["Anbudsgivarens uppgifter."],
                           ("Anbudsgivarens namn", "Organisationsnummer"), "Anbudsgivaren"),
                    item("Krav på referensuppdragen", rules), item("Så fylls bilagan i", howto)]
    submitted = "anbudsansökan" if two_stage else "anbudet"
    ctx = generated_context(profile, library, REFERENCES, instructions,
                            [f"Referensbilagan fylls i av Anbudsgivaren och lämnas med {submitted}. Den visar de "
                             "referensuppdrag som Anbudsgivaren åberopar för att uppfylla kvalificeringskravet."], {})
    ctx["sections"][0]["title"] = "Referensuppdragen"
    first = 7000 + len(instructions)  # bookmarks after the instructions'
    ctx["assignments_title"] = "Uppgifter om referensuppdragen"
    ctx["assignments"] = [{"title": f"Referensuppdrag {n}", "anchor_id": first + n, "anchor": f"avsnitt_{first + n}",
                           "short": short, "long": list(REFERENCE_TEXT_FIELDS)} for n in range(1, count + 1)]
    ctx["signatures"] = {}
    return ctx


def generated_context_for(profile: Profile, library: Library, document_id: str, annexes_: Sequence[Annex], *,
                          organisation_number: str = "", e_procurement_system: str = "",
                          decisions: Sequence[Decision] = ()) -> dict[str, Any]:
    if document_id == OFFER_REQUEST:  # a direct procurement's annexes are always numbered in its offer request
        from tendergen.documents import offer

        return offer.offer_context(profile, library, annexes_, evaluation_of(profile) or Evaluation("pris"))
    if profile.tender is None:  # numbered annexes come with the profile's own content, as in decorate()
        annexes_ = ()
    if document_id == FORM:
        ctx = form_context(profile, library, annexes_, submission_system(profile, e_procurement_system))
    elif document_id == REFERENCES:
        ctx = references_context(profile, library, decisions, annexes_,
                                 submission_system(profile, e_procurement_system))
    else:
        ctx = contract_context(profile, library, annexes_, organisation_number)
    annex = next((a for a in annexes_ if a.document == document_id), None)
    if annex is not None:
        ctx["document_title"] = f"Bilaga {annex.number} {ctx['document_title']}"
    return ctx
