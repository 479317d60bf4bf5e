"""Review of clause-library changes: semantic diff, its formatters, the Word redline, and approval.

May import `tendergen.core`, `tendergen.documents` and `tendergen.errors`; never `interview`, `api` or `cli`.
"""
