"""Write the example requirement spreadsheets: one filled `tendergen requirements template` per example.

Run `python examples/krav/make_examples.py` after changing an example's own requirements and commit the
.xlsx files. Each sheet is the department's side of the example: `tendergen requirements import` reads it
back into exactly the `requirements:` list the example profile holds (tests/test_requirements_sheet.py
checks that for every sheet here).
"""

from __future__ import annotations

from pathlib import Path

from tendergen.core.load import plain, read_yaml
from tendergen.documents.requirements_sheet import write_template

HERE = Path(__file__).resolve().parent
EXAMPLES = ("saas-verksamhetssystem", "hardvara-ramavtal", "it-konsulter-ramavtal")


def main() -> None:
    for stem in EXAMPLES:
        profile = plain(read_yaml(HERE.parent / f"{stem}.yaml").tree)
        out = HERE / f"{stem}-krav.xlsx"
        out.write_bytes(write_template(profile["requirements"]))
        print(f"wrote {out.name} ({len(profile['requirements'])} requirements)")


if __name__ == "__main__":
    main()
