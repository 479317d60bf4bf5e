"""The house style's colours and fonts: one definition for the Word templates, the sheets and the review document.

`tender_templates/make_templates.py` imports these when it writes the templates.
"""

from __future__ import annotations

FONT = "Calibri"
ACCENT = "1F3864"  # headings, table header rows
ON_ACCENT = "FFFFFF"  # text on the accent colour
MUTED = "505050"  # notes, header and footer
SUBTITLE = "404040"
BORDER = "8496B0"  # table grid lines
ANSWER = "FFF2CC"  # cells a supplier fills in
