"""The guided interview for direct procurements (`tendergen light`) and its front ends.

May import `tendergen.core` and `tendergen.errors`; never `api` or `cli`.
"""
