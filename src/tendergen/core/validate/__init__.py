"""Validation: located YAML trees -> frozen model objects, every problem collected and reported at once.

One module per kind of input: `schema` (JSON-schema messages and shared helpers), `rules` (facts and
`when` rules), `clauses`, `library` (layered folders and cross-checks), `profile`, `content` (the procurement's own
scope and timetable), `evaluation` (own requirements, evaluation and price model) and `workspace`.
May import `tendergen.core.load`, `model`, `policy`, `tender`, `words` and `tendergen.errors`; nothing above core.
"""

from __future__ import annotations

from tendergen.core.validate.library import library
from tendergen.core.validate.profile import profile
from tendergen.core.validate.rules import facts
from tendergen.core.validate.workspace import Workspace, workspace

__all__ = ["Workspace", "facts", "library", "profile", "workspace"]
