"""One implementation each: rule wording, the verified-reference check, placeholders and list markers."""

from __future__ import annotations

from tendergen.core import text, words
from tendergen.core.model import Reference, Rule
from tendergen.core.validate.rules import rule_from_data
from tendergen.documents.render import paragraphs


def test_rule_wording_in_both_languages_from_compiled_and_plain_rules() -> None:
    data = {"all": [{"personal_data": True}, {"not": {"delivery_model": {"in": ["saas", "hybrid"]}}},
                    {"estimated_value_sek": {"gte": 700000.0}}]}
    rule = rule_from_data(data)
    assert rule is not None
    assert words.rule_text(rule) == ("(personal_data = true och inte (delivery_model ∈ {saas, hybrid}) och "
                                     "estimated_value_sek ≥ 700000)")
    assert words.rule_text(rule, "en").startswith("(personal_data = true and not (")
    assert words.rule_text(None) == "gäller alltid" and words.rule_text(None, "en") == "always"
    assert rule_from_data({"a": 1, "b": 2}) is None and rule_from_data({"all": "x"}) is None
    assert words.rule_text(Rule("any", (Rule("test", fact="x", test="lt", value=3),))) == "(x < 3)"


def test_verified_reference() -> None:
    ref = Reference("lou", "Lagen om offentlig upphandling", "2016:1145", verified=True,
                    provisions={"19 kap. 3 §": True, "4 kap. 1 §": False})
    assert ref.verifies(None) and ref.verifies("19 kap. 3 §")
    assert not ref.verifies("4 kap. 1 §") and not ref.verifies("1 kap. 1 §")  # undeclared: not verified


def test_placeholders_and_list_markers_agree_with_the_documents() -> None:
    assert text.placeholders("Inom {{ dagar }} dagar, {{dagar}} och {{ x | upper }}") == {"dagar"}
    lines = ["- punkt", "• punkt", "1. ett", "2) två", "a) a", "10. tio", "Löptext", "-utan mellanslag"]
    assert [bool(text.list_marker(line)) for line in lines] == [True] * 6 + [False, False]
    parsed = paragraphs("\n".join(lines[:3]))
    assert [p["bullet"] for p in parsed] == [True, True, False]
    assert (parsed[2]["marker"], parsed[2]["text"]) == ("1.", "ett")  # a Word list item: no typed marker
