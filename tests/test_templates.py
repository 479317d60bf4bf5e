"""The committed Word templates are exactly what tender_templates/make_templates.py writes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

TEMPLATES = ROOT / "tender_templates"


def test_make_templates_reproduces_the_committed_templates(tmp_path: Path) -> None:
    # The generator writes beside itself: run a copy of it in an empty folder.
    shutil.copy(TEMPLATES / "make_templates.py", tmp_path)
    subprocess.run([sys.executable, str(tmp_path / "make_templates.py")], check=True, capture_output=True,
                   timeout=120)
    written = sorted(p.name for p in tmp_path.glob("*.docx"))
    assert written == sorted(p.name for p in TEMPLATES.glob("*.docx")), "a template is missing or not generated"
    stale = [name for name in written if (tmp_path / name).read_bytes() != (TEMPLATES / name).read_bytes()]
    assert not stale, (f"{', '.join(stale)} differ from make_templates.py: run `python tender_templates/"
                       "make_templates.py` and commit the .docx files")
