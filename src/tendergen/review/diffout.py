"""Formatters for a list of clause changes: terminal, Markdown, HTML, JSON and an .xlsx change register."""

from __future__ import annotations

import difflib
import html
import io
import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

from tendergen.core.model import Severity
from tendergen.core.validate.rules import rule_from_data
from tendergen.core.words import CHANGE_LABELS, FINDINGS, SEVERITY, STATUS_LABELS, field_label, impact_text, rule_text
from tendergen.documents import sheets, theme
from tendergen.review.diff import Change, Kind

TOKEN = re.compile(r"\S+\s*|\s+")


def tokens(text: str) -> list[str]:
    """Words with their trailing whitespace: the unit of a word-level diff (fast and readable)."""
    return TOKEN.findall(text)


def word_diff(old: str, new: str) -> Iterator[tuple[str, str]]:
    """(op, text) pairs with op in equal/delete/insert, word by word."""
    a, b = tokens(old), tokens(new)
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            yield "equal", "".join(a[i1:i2])
            continue
        if i2 > i1:
            yield "delete", "".join(a[i1:i2])
        if j2 > j1:
            yield "insert", "".join(b[j1:j2])


def _short(value: Any, limit: int = 160) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"



def _scale_text(spec: Any) -> str:
    """A parameter's scale as a reviewer reads it: ` (skala: estimated_value_sek < 300000 → 100000; …)`."""
    steps = spec.get("scale") if isinstance(spec, dict) else None
    if not isinstance(steps, list):
        return ""
    shown = []
    for step in steps:
        rule = rule_from_data(step.get("when")) if isinstance(step, dict) else None
        shown.append(f"{rule_text(rule) if rule else '?'} → {step.get('default') if isinstance(step, dict) else '?'}")
    return " (skala: " + "; ".join(shown) + ")"


def show(field_name: str, value: Any, limit: int = 600) -> str:
    """A field's value as a reviewer reads it."""
    if value is None:
        return "—"
    if field_name == "when":
        rule = rule_from_data(value)
        return rule_text(rule) if rule is not None else _short(value, limit)
    if field_name == "parameters" and isinstance(value, dict):
        return "; ".join(f"{name} = {spec.get('default')} {spec.get('unit', '')}".rstrip() + _scale_text(spec)
                         for name, spec in value.items())
    if field_name == "legal_basis" and isinstance(value, list):
        return "; ".join(" ".join(filter(None, (b.get("provision"), b.get("ref")))) for b in value)
    if field_name == "evaluation" and isinstance(value, dict):
        return f"{value.get('weight')} poäng: {value.get('note', '')}"
    if field_name == "status" and isinstance(value, str):
        return STATUS_LABELS.get(value, value)
    if isinstance(value, bool):
        return "ja" if value else "nej"
    return _short(value, limit)


def finding_lines(change: Change) -> list[str]:
    return [FINDINGS[f.value] + (f" ({note})" if note else "") for f, note in change.findings]


def as_dicts(changes: Sequence[Change]) -> list[dict[str, Any]]:
    return [{
        "id": c.id,
        "change": c.kind.value,
        "title": c.title,
        "severity": SEVERITY[c.severity],
        "level": c.severity.value,
        "findings": [{"finding": f.name.lower(), "label": FINDINGS[f.value], "note": note} for f, note in c.findings],
        "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in c.fields],
        "old_version": c.old.version if c.old else None,
        "new_version": c.new.version if c.new else None,
        "impact": [impact_text(i) for i in c.impact],
        "impacts": [{"profile": i.profile, "effect": i.effect.value, "fields": list(i.fields)} for i in c.impact],
    } for c in changes]


def to_json(changes: Sequence[Change]) -> str:
    return json.dumps(as_dicts(changes), ensure_ascii=False, indent=2)


def to_text(changes: Sequence[Change], style: Any = None) -> str:
    """Terminal summary; `style` is click.style or None for plain text."""
    def paint(text: str, **kw: Any) -> str:
        return style(text, **kw) if style else text

    colours = {Kind.ADDED: "green", Kind.REMOVED: "red", Kind.RETIRED: "red", Kind.MODIFIED: "yellow"}
    lines = []
    for c in changes:
        head = paint(f"{CHANGE_LABELS[c.kind.value]:<9}", fg=colours[c.kind], bold=True)
        severity = paint(f"[{SEVERITY[c.severity]}]", fg="red" if c.severity is Severity.HIGH else None)
        lines.append(f"{head} {c.id:<28} {c.title}  {severity}")
        for line in finding_lines(c):
            lines.append(f"          - {line}")
        if c.fields:
            lines.append(f"          fält: {', '.join(f.field for f in c.fields)}")
        for item in c.impact:
            lines.append(f"          påverkan: {impact_text(item)}")
    lines.append(summary_line(changes))
    return "\n".join(lines)


def summary_line(changes: Sequence[Change]) -> str:
    if not changes:
        return "Inga ändringar."
    counts = {k: sum(c.kind == k for c in changes) for k in Kind}
    parts = [f"{n} {CHANGE_LABELS[k.value]}" for k, n in counts.items() if n]
    high = sum(c.severity is Severity.HIGH for c in changes)
    noun = "ändring" if len(changes) == 1 else "ändringar"
    return f"{len(changes)} {noun}: {', '.join(parts)}; {high} med hög allvarlighet."


def to_markdown(changes: Sequence[Change]) -> str:
    out = ["# Ändringar i klausulbiblioteket", "", summary_line(changes), ""]
    for c in changes:
        out += [f"## {c.id} – {c.title} ({CHANGE_LABELS[c.kind.value]}, allvarlighet {SEVERITY[c.severity]})", ""]
        out += [f"- {line}" for line in finding_lines(c)]
        out += [f"- påverkan: {impact_text(item)}" for item in c.impact]
        if c.old and c.new and c.old.text != c.new.text:
            rendered = "".join(t if op == "equal" else (f"~~{t.strip()}~~ " if op == "delete" else f"**{t.strip()}** ")
                               for op, t in word_diff(c.old.text, c.new.text))
            out += ["", "> " + " ".join(rendered.split())]
        elif c.new and not c.old:
            out += ["", "> " + " ".join(c.new.text.split())]
        others = [f for f in c.fields if f.field not in ("text",)]
        if others:
            out += ["", "| fält | före | efter |", "|---|---|---|"]
            out += [f"| {field_label(f.field)} | {_md(show(f.field, f.old, 160))} | {_md(show(f.field, f.new, 160))} |"
                    for f in others]
        out.append("")
    return "\n".join(out)


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def to_html(changes: Sequence[Change]) -> str:
    esc = html.escape
    body = [f"<h1>Ändringar i klausulbiblioteket</h1><p>{esc(summary_line(changes))}</p>"]
    for c in changes:
        label = CHANGE_LABELS[c.kind.value]
        body.append(f'<section><h2>{esc(c.id)} – {esc(c.title)}</h2><p class="meta">{esc(label)}, '
                    f"allvarlighet {esc(SEVERITY[c.severity])}</p><ul>")
        body += [f"<li>{esc(line)}</li>" for line in finding_lines(c)]
        body += [f"<li>påverkan: {esc(impact_text(item))}</li>" for item in c.impact]
        body.append("</ul>")
        if c.old and c.new and c.old.text != c.new.text:
            parts = [esc(t) if op == "equal" else f"<{'del' if op == 'delete' else 'ins'}>{esc(t)}"
                     f"</{'del' if op == 'delete' else 'ins'}>" for op, t in word_diff(c.old.text, c.new.text)]
            body.append(f'<p class="text">{"".join(parts)}</p>')
        others = [f for f in c.fields if f.field != "text"]
        if others:
            body.append("<table><tr><th>fält</th><th>före</th><th>efter</th></tr>")
            body += [f"<tr><td>{esc(field_label(f.field))}</td><td>{esc(show(f.field, f.old))}</td>"
                     f"<td>{esc(show(f.field, f.new))}</td></tr>" for f in others]
            body.append("</table>")
        body.append("</section>")
    style = ("body{font-family:sans-serif;max-width:60em;margin:2em auto}del{color:#a00}ins{color:#060}"
             "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .4em;vertical-align:top}"
             ".text{white-space:pre-wrap}")
    return (f'<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Klausulförändringar</title>'
            f"<style>{style}</style></head><body>{''.join(body)}</body></html>\n")


def to_xlsx(changes: Sequence[Change], versions: str = "") -> bytes:
    """A change register for the review meeting, with an empty decision column; print-ready on A4.

    `versions` (e.g. "2026.11.0 → 2026.12.0") goes into the printed page header.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "Ändringsregister"
    ws.append(["Id", "Rubrik", "Ändring", "Klassificering", "Allvarlighet", "Påverkan", "Beslut", "Kommentar"])
    for c in changes:
        ws.append([c.id, c.title, CHANGE_LABELS[c.kind.value], "\n".join(finding_lines(c)), SEVERITY[c.severity],
                   "\n".join(map(impact_text, c.impact)), None, None])
    widths = (26, 32, 11, 40, 12, 40, 16, 36)
    for col, width in zip("ABCDEFGH", widths, strict=True):
        ws.column_dimensions[col].width = width
    for cell in ws[1]:
        cell.font = Font(name=theme.FONT, bold=True, color=theme.ON_ACCENT)
        cell.fill = PatternFill("solid", fgColor=theme.ACCENT)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    if changes:
        decision = DataValidation(type="list", formula1='"Godkänd,Avslagen,Återremitterad"', allow_blank=True)
        decision.add(f"G2:G{len(changes) + 1}")
        ws.add_data_validation(decision)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:H{len(changes) + 1}"
    sheets.fit_rows(ws, widths)
    sheets.borders(ws, len(widths))
    sheets.print_setup(ws, title="Ändringsregister – klausulbiblioteket", reference=versions, landscape=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
