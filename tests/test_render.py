"""Pure rendering helpers: paragraphs and list items from clause text, Swedish number formats."""

from __future__ import annotations

from tendergen.documents.render import format_value, number_lists, paragraphs, plain


def test_paragraphs_lists_and_continuations() -> None:
    text = ("Inledande mening\nsom fortsätter.\n\n"
            "1. pandemi,\n2. avbrott i el\n   eller vatten,\na) underpunkt\n\n"
            "- punkt ett\n- punkt två\n  som radbryts")
    assert [(p["list"], p["number"], p["marker"], p["text"]) for p in paragraphs(text)] == [
        ("", 0, "", "Inledande mening som fortsätter."),
        ("decimal", 1, "1.", "pandemi,"),
        ("decimal", 2, "2.", "avbrott i el eller vatten,"),
        ("lowerLetter", 1, "a)", "underpunkt"),
        ("bullet", 1, "-", "punkt ett"),
        ("bullet", 1, "-", "punkt två som radbryts"),
    ]


def test_each_list_gets_its_own_numbering_restarting_at_its_first_number() -> None:
    items = [{"paragraphs": paragraphs("Intro:\n\na) ett\n\nb) två\n\nText.\n\na) igen\n3. tre\n4. fyra\n- x\n- y")},
             {"paragraphs": paragraphs("1. ny klausul\n2. två")}]
    lists = number_lists(items)
    assert [(d["format"], d["start"]) for d in lists] == [("lowerLetter", 1), ("lowerLetter", 1), ("decimal", 3),
                                                          ("bullet", 1), ("decimal", 1)]
    first = [p["num_id"] for p in items[0]["paragraphs"]]
    assert first == [0, lists[0]["num_id"], lists[0]["num_id"], 0, lists[1]["num_id"], lists[2]["num_id"],
                     lists[2]["num_id"], lists[3]["num_id"], lists[3]["num_id"]]
    assert plain(items[0]["paragraphs"][1]) == "a) ett" and plain(items[0]["paragraphs"][7]) == "x"


def test_swedish_value_formats() -> None:
    assert format_value(99.5) == "99,5"
    assert format_value(700000) == "700\u00a0000"
    assert format_value(24) == "24"
    assert format_value(2.0) == "2"
    assert format_value(True) == "ja"
