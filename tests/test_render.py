"""Pure rendering helpers: paragraphs and list items from clause text, Swedish number formats."""

from __future__ import annotations

from tendergen.documents.render import format_value, paragraphs


def test_paragraphs_lists_and_continuations() -> None:
    text = ("Inledande mening\nsom fortsätter.\n\n"
            "1. pandemi,\n2. avbrott i el\n   eller vatten,\na) underpunkt\n\n"
            "- punkt ett\n- punkt två\n  som radbryts")
    assert paragraphs(text) == [
        {"bullet": False, "numbered": False, "text": "Inledande mening som fortsätter."},
        {"bullet": False, "numbered": True, "text": "1.\tpandemi,"},
        {"bullet": False, "numbered": True, "text": "2.\tavbrott i el eller vatten,"},
        {"bullet": False, "numbered": True, "text": "a)\tunderpunkt"},
        {"bullet": True, "numbered": False, "text": "punkt ett"},
        {"bullet": True, "numbered": False, "text": "punkt två som radbryts"},
    ]


def test_swedish_value_formats() -> None:
    assert format_value(99.5) == "99,5"
    assert format_value(700000) == "700\u00a0000"
    assert format_value(24) == "24"
    assert format_value(2.0) == "2"
    assert format_value(True) == "ja"
