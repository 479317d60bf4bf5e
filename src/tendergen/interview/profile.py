"""From the interview's answers to a procurement profile: the profile data and its YAML text (profil.yaml)."""

from __future__ import annotations

from tendergen.interview.guardrails import total_value
from tendergen.interview.questions import NO_SYSTEM, Answers, contact_parts, personal_data

HEADER = "# Upphandlingsprofil skapad av `tendergen light`. Bygg om med: tendergen light --profile profil.yaml\n"

ProfileData = dict[str, object]


def profile_data(answers: Answers, organisation: str, day: str) -> ProfileData:
    """The procurement profile the answers describe (a plain mapping, ready to save as YAML)."""
    category = answers["kategori"]
    delivery = answers.get("leverans", "ingen") if category not in NO_SYSTEM else "ingen"
    facts = {
        "procedure": "direktupphandling",
        "subcategory": category,
        "delivery_model": delivery,
        "estimated_value_sek": total_value(answers),
        "citizen_facing": answers.get("anvandare") == "invanare",
        "personal_data": personal_data(answers),
        "sensitive_personal_data": bool(answers.get("kansliga")),
        "third_country_processing": answers.get("lagring") in ("utanfor", "vet-inte"),
        "critical_service": answers.get("kritisk") == "kritiskt",
        "supply_critical": answers.get("kritisk") == "kritiskt" and category in ("hardvara", "valfardsteknik"),
        "ai_components": bool(answers.get("ai")),
        "hardware": category in ("hardvara", "valfardsteknik", "utskrift"),
        "consultants_on_site": category == "konsulttjanster",
        "nis2_in_scope": delivery != "ingen",
        "sustainability_level": "bas",
    }
    data: ProfileData = {
        "title": answers["vad"],
        "reference": answers.get("diarienummer") or "[diarienummer]",
        "department": answers["verksamhet"],
        "contact": contact(str(answers["kontakt"])),
        "date": day,
        "contract": {"years": int(answers.get("avtalstid") or 2)},
        "facts": facts,
        "options": {"show_motiv": False},
    }
    if organisation:
        data["organisation"] = organisation
    return data


def contact(answer: str) -> dict[str, str]:
    """The profile's contact from the interview's answer: name, and e-mail and phone when given."""
    name, email, phone = contact_parts(answer)
    return {"name": name, **({"email": email} if email else {}), **({"phone": phone} if phone else {})}


def profile_yaml(data: ProfileData) -> str:
    """The profile as the YAML text saved as profil.yaml, with a comment saying how to rebuild from it."""
    import io

    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.default_flow_style = False
    out = io.StringIO()
    out.write(HEADER)
    yaml.dump(data, out)
    return out.getvalue()
