"""The syntax of clause texts: `{{ name }}` placeholders and list markers.

One definition for validation, lint, the documents and the review redline.
"""

from __future__ import annotations

import re

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
LIST_MARKER = re.compile(r"^([-•]|\d{1,2}[.)]|[a-zåäö]\))\s+")
BULLETS = ("-", "•")
CROSS_REFERENCE = re.compile(r"\[\[([A-Z0-9][A-Z0-9-]*)\]\]")  # [[CLAUSE-ID]]: shows that clause's number


def placeholders(text: str) -> set[str]:
    """The names used as plain `{{ name }}` placeholders in a text."""
    return set(PLACEHOLDER.findall(text))


def list_marker(line: str) -> re.Match[str] | None:
    """The list marker a (stripped) line starts with: '- ', '• ', '1. ', '2) ' or 'a) '; None for running text."""
    return LIST_MARKER.match(line)


def cross_references(text: str) -> list[str]:
    """The clause ids a text refers to as [[CLAUSE-ID]] (the documents show their numbers)."""
    return CROSS_REFERENCE.findall(text)


SENTENCE_BREAK = re.compile(r"[.!?]\s+(?=[A-ZÅÄÖ])")
ABBREVIATIONS = ("t.ex.", "bl.a.", "m.m.", "o.d.", "d.v.s.", "dvs.", "kap.", "p.", "s.", "nr.", "jfr.", "enl.", "ca.")


def flatten(text: str) -> str:
    """Runs of spaces, tabs and line breaks as one space; non-breaking spaces (in amounts) are kept."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def _abbreviated(head: str) -> bool:
    """Whether the text's last word is an abbreviation ("t.ex.", "kap."), whose full stop ends no sentence."""
    return head.rsplit(" ", 1)[-1].lstrip("(").lower() in ABBREVIATIONS


def first_sentence(text: str) -> str:
    """The text up to the end of its first complete sentence ('' when it has none that ends with a full stop).

    A full stop after an abbreviation ("t.ex.", "kap.") does not end a sentence.
    """
    flat = flatten(text)
    for match in SENTENCE_BREAK.finditer(flat):
        head = flat[:match.start() + 1]
        if not _abbreviated(head):
            return head if head.endswith(".") else ""
    return flat if flat.endswith(".") and not _abbreviated(flat) else ""


def sentence_problem(text: str) -> str:
    """Why a text is not one complete sentence, or '' when it is."""
    flat = flatten(text)
    if not flat[:1].isupper() and not flat.startswith("{{"):
        return "does not start with a capital letter"
    if not flat.endswith(".") or flat.endswith(("..", "…", ",.", ":.", ";.")):
        return "does not end with a full stop after a complete sentence"
    if _abbreviated(flat):
        return "ends with an abbreviation, not the end of a sentence"
    if first_sentence(flat) != flat:
        return "holds more than one sentence"
    if "[[" in flat:
        return "refers to another clause; a summary must stand alone"
    return ""
