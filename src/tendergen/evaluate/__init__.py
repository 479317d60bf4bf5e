"""Evaluating tenders against a published build.

Reading the tenders back (read), the ska-krav check, mervärde, prices, ranking and flags (assess), and the
evaluation report, award decision and JSON (report, docx); run ties them together. Imports core and
documents; api and cli sit on top.
"""
