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
