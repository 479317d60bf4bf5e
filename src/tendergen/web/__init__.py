"""The light interview as a small web application (`tendergen serve`), for people who do not use a terminal.

Sits beside the CLI on top of `tendergen.api`: questions, skipping, going back and guardrails come from
`tendergen.interview`, the documents from `api.render_light`, built in memory and streamed. Needs the
`web` extra (Flask and Waitress).
"""

from __future__ import annotations

from tendergen.web.app import create_app
from tendergen.web.serve import serve

__all__ = ["create_app", "serve"]
