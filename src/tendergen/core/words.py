"""Swedish presentation: how amounts, rules and decisions are shown. Code compares values, never these words."""

from __future__ import annotations

from typing import Any

from tendergen.core.model import Basis, Cause, Check, Effect, Impact, Parameter, Reason, Rule, Setting, Severity

KIND_LABELS = {  # clause kinds
    "ska-krav": "Ska",
    "bör-krav": "Bör",
    "avtalsvillkor": "Avtalsvillkor",
    "information": "Information",
    "rfi-fråga": "Fråga",
}
CHANGE_LABELS = {"added": "ny", "removed": "borttagen", "retired": "utgången", "modified": "ändrad"}  # diff.Kind values
FINDINGS = {  # review.diff.Finding values: what a change in the library means
    "weakened": "försvagad: ska-krav blir bör-krav",
    "strengthened": "skärpt: bör-krav blir ska-krav",
    "kind": "typ ändrad",
    "looser": "parameter mildrad",
    "stricter": "parameter skärpt",
    "scope-narrower": "tillämpas i färre upphandlingar",
    "scope-wider": "tillämpas i fler upphandlingar",
    "scope-changed": "regeln ändrad",
    "legal-basis": "rättslig grund ändrad",
    "text": "texten ändrad",
    "editorial": "endast redaktionell ändring",
    "version-not-bumped": "ändrad utan ny version",
    "status": "status ändrad",
    "unit": "parameterns enhet ändrad",
    "scale": "parameterns skalning efter värde och risk ändrad",
    "other": "övriga uppgifter ändrade",
}
RULE_WORDS = {"sv": (" och ", " eller ", "inte", "gäller alltid"), "en": (" and ", " or ", "not", "always")}
SYMBOLS = {"eq": "=", "ne": "≠", "in": "∈", "not_in": "∉", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}
CAUSES = {
    Cause.RETIRED: "klausulen är utgången (retired)",
    Cause.ALWAYS: "gäller alltid (ingen regel)",
    Cause.RULE_MET: "regeln är uppfylld",
    Cause.RULE_NOT_MET: "regeln är inte uppfylld",
    Cause.FORCED_IN: "tvingad in av profilen",
    Cause.FORCED_OUT: "tvingad ut av profilen",
    Cause.REQUIRED_BY: "krävs av",
    Cause.EXCLUDED_BY: "utesluts av",
    Cause.REPLACED_BY: "ersätts av",
    Cause.OWN_REQUIREMENT: "eget krav i profilen",
    Cause.INFORMATION_ONLY: "värderas inte i profilens utvärderingsmodell: besvaras som information och ger inget "
                            "mervärde",
}

BASES = {
    Basis.PROFILE: "satt i profilen",
    Basis.PROFILE_CONTENT: "hämtat ur profilens beskrivning av upphandlingen",
    Basis.SCALE: "skalat efter upphandlingens värde och risk, steg",
    Basis.DEFAULT: "grundvärde",
}


def setting_text(param: Parameter, found: Setting, shown: str) -> str:
    """A parameter's value and its basis, e.g. `ansvarstak_min_sek = 200 000 kronor (skalat …, steg 1: …)`."""
    value = f"{found.name} = {shown}" + (f" {param.unit}" if param.unit else "")
    if found.basis is Basis.SCALE:
        why = f"{BASES[found.basis]} {(found.step or 0) + 1}: " + "; ".join(map(check_text, found.checks))
    elif found.basis is Basis.DEFAULT and param.scale:
        why = f"{BASES[found.basis]}, inget skalsteg gäller: " + "; ".join(map(check_text, found.checks))
    else:
        why = BASES[found.basis]
    return f"{value} ({why})"


SEVERITY = {Severity.HIGH: "hög", Severity.MEDIUM: "medel", Severity.LOW: "låg"}
EFFECTS = {Effect.GAINS: "får nu klausulen", Effect.LOSES: "förlorar klausulen", Effect.NEW_TEXT: "ny text",
           Effect.CHANGED: "ändrad klausul"}


def sek(amount: float) -> str:
    """Swedish money format for messages and reports: 700 000 kr."""
    return f"{amount:,.0f}".replace(",", "\u00a0") + "\u00a0kr"


MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december")


def long_date(iso: str) -> str:
    """A date in running Swedish text: 2024-02-26 -> 26 februari 2024 (no hyphen for a line to break at)."""
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{day}\u00a0{MONTHS[month - 1]} {year}"
def kronor(amount: float) -> str:
    """An amount in the tender documents, as clause texts write it: "2 000 000 kronor" (one format everywhere)."""
    return f"{amount:,.0f}".replace(",", "\u00a0") + " kronor"


def rule_value(value: Any) -> str:
    """A value in a rule as written in the library: true/false, {a, b}, 5 rather than 5.0."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "{" + ", ".join(rule_value(v) for v in value) + "}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def rule_text(rule: Rule | None, language: str = "sv") -> str:
    """A rule as one readable line, e.g. `(personal_data = true och delivery_model ∈ {saas, hybrid})`."""
    both, either, negation, always = RULE_WORDS[language]
    if rule is None:
        return always
    if rule.op == "test":
        return f"{rule.fact} {SYMBOLS.get(rule.test, rule.test)} {rule_value(rule.value)}"
    if rule.op == "not":
        return f"{negation} ({rule_text(rule.children[0], language)})"
    return "(" + (both if rule.op == "all" else either).join(rule_text(c, language) for c in rule.children) + ")"


def check_text(check: Check) -> str:
    """One check as text: `personal_data = true (profil: false) ✗`."""
    mark = "✓" if check.satisfied else "✗"
    return (f"{check.fact} {SYMBOLS[check.test]} {rule_value(check.expected)} "
            f"(profil: {rule_value(check.actual)}) {mark}")


def reason_text(reason: Reason) -> str:
    """One reason of a decision in Swedish, e.g. `krävs av SAK-INCIDENT` or `regeln är uppfylld: …`."""
    words = CAUSES[reason.cause]
    if reason.cause in (Cause.RULE_MET, Cause.RULE_NOT_MET):
        return f"{words}: " + "; ".join(map(check_text, reason.checks))
    if reason.cause in (Cause.FORCED_IN, Cause.FORCED_OUT):
        return f"{words}: {reason.note}"
    if reason.clause:
        return f"{words} {reason.clause}"
    return words


def impact_text(impact: Impact) -> str:
    """One profile's impact in Swedish, e.g. `saas.yaml: förlorar klausulen`."""
    fields = f" ({', '.join(impact.fields)})" if impact.fields else ""
    return f"{impact.profile}: {EFFECTS[impact.effect]}{fields}"


FIELD_LABELS = {  # clause fields as a reviewer names them (review document, change register)
    "title": "Rubrik", "kind": "Typ av klausul", "status": "Status", "version": "Version", "text": "Text",
    "text.en": "Engelsk text", "parameters": "Parametrar", "when": "Regel (när klausulen väljs)",
    "legal_basis": "Rättslig grund", "evaluation": "Utvärdering", "verifikat": "Verifikat",
    "acceptance": "Kontroll vid acceptanstest", "motiv": "Motiv",
    "summary": "Sammanfattning", "response": "Svarsanvisning",
    "document": "Dokument", "section": "Avsnitt", "requires": "Kräver", "excludes": "Utesluter",
    "replaces": "Ersätter", "needs_legal_review": "Behöver juridisk granskning", "area": "Område",
}
STATUS_LABELS = {"draft": "utkast", "approved": "godkänd", "retired": "utgången"}


def field_label(name: str) -> str:
    """A clause field's Swedish name, e.g. `parameters` → `Parametrar`."""
    return FIELD_LABELS.get(name, name)


def impact_line(impact: Impact) -> str:
    """One procurement's impact for the review document: its title with the profile file in brackets."""
    fields = f" ({', '.join(field_label(f).lower() for f in impact.fields)})" if impact.fields else ""
    file = impact.profile.replace("\\", "/").rsplit("/", 1)[-1]
    name = f"{impact.title} ({file})" if impact.title else impact.profile
    return f"{name}: {EFFECTS[impact.effect]}{fields}"


def versions_text(old: str, new: str) -> str:
    """A clause's versions: `1.0 → 1.1`, or `1.0 (oförändrad)` when the version was not raised."""
    if old and new and old == new:
        return f"{new} (oförändrad)"
    return " → ".join(v for v in (old, new) if v)
