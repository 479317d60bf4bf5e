"""Documents: render the selected clauses into .docx and .xlsx, PDF copies, and atomic output with a manifest.

May import `tendergen.core` and `tendergen.errors`; never `review`, `interview`, `api` or `cli`.
"""
