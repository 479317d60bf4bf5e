"""House templates are input: open them safely, refuse unsafe template code, and bound render time."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tendergen.errors import InvalidInput, Location, OutputError, TendergenError

MAX_TEMPLATE_BYTES = 32 * 1024 * 1024  # all parts, uncompressed: far above any real template
MAX_LOOP_DEPTH = 4  # the bundled templates nest three loops: sections, clauses, paragraphs
RENDER_SECONDS = 120
# Filters whose output is at most a small multiple of their input; no `safe` (it would bypass escaping).
FILTERS = frozenset({"e", "escape", "default", "d", "join", "length", "count", "first", "last", "lower", "upper",
                     "capitalize", "title", "trim", "string", "int", "float", "round", "abs", "list", "sort",
                     "unique", "reverse", "replace", "striptags", "batch", "slice"})


_checked: set[tuple[str, int, int]] = set()  # (path, size, mtime) of house templates already checked


def check_template(template: Path, label: str) -> None:
    """Check a house template: a readable .docx, not oversized, without unsafe template code.

    The bundled templates are part of tendergen and tested with it; a house template is checked once
    per process and file version.
    """
    from docxtpl import DocxTemplate

    from tendergen.core.load import data_root

    resolved = template.resolve()
    if resolved.is_relative_to(data_root().resolve()):
        return
    where = Location(label)
    hint = "the template must be a .docx saved by Word or LibreOffice"
    try:
        stat = resolved.stat()
        key = (str(resolved), stat.st_size, stat.st_mtime_ns)
        if key in _checked:
            return
        with zipfile.ZipFile(resolved) as docx:
            sizes = {info.filename: info.file_size for info in docx.infolist()}
            if "word/document.xml" not in sizes or "[Content_Types].xml" not in sizes:
                raise OutputError("the template is not a Word document (word/document.xml is missing)",
                                  location=where, hint=hint)
            if sum(sizes.values()) > MAX_TEMPLATE_BYTES:
                raise OutputError(f"the template unpacks to more than {MAX_TEMPLATE_BYTES // 2**20} MB",
                                  location=where, hint="remove large images or embedded files from the template")
            parts = {name: docx.read(name).decode("utf-8") for name in sizes
                     if name.startswith("word/") and name.endswith(".xml")}
        tpl = DocxTemplate(str(resolved))
        tpl.init_docx()
    except TendergenError:
        raise
    except Exception as exc:  # zip, XML and docx libraries raise many types for a broken file
        raise OutputError(f"cannot open Word template: {type(exc).__name__}: {str(exc)[:200]}", location=where,
                          hint=hint) from exc
    problems = sorted({p for xml in parts.values() for p in code_problems(tpl.patch_xml(xml))})
    if problems:
        raise InvalidInput(f"the template uses template code that is not allowed: {'; '.join(problems)}",
                           location=where, hint="house templates may use {{ name }}, {% if %} and {% for %} over "
                                                "the documented variables (docs/templates.md), and simple filters")
    _checked.add(key)


def code_problems(source: str) -> list[str]:
    """What in a template's Jinja code could run for hours or escape the document.

    Includes, imports, macros, calls (e.g. a huge range), arithmetic that multiplies text, unknown
    filters and deeply nested loops.
    """
    from jinja2 import TemplateSyntaxError, nodes
    from jinja2.sandbox import SandboxedEnvironment

    try:
        ast = SandboxedEnvironment().parse(source)
    except TemplateSyntaxError:
        return []  # reported with its line when the template is rendered
    forbidden = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends, nodes.Macro, nodes.CallBlock,
                 nodes.Call, nodes.FilterBlock, nodes.Mul, nodes.Pow, nodes.Mod, nodes.Block)
    problems = [f"{type(n).__name__.lower()}" for n in ast.find_all(forbidden)]
    problems += [f"filter {n.name!r}" for n in ast.find_all(nodes.Filter) if n.name not in FILTERS]
    problems += ["a recursive loop" for n in ast.find_all(nodes.For) if n.recursive]
    if _loop_depth(ast) > MAX_LOOP_DEPTH:
        problems.append(f"loops nested more than {MAX_LOOP_DEPTH} deep")
    return problems


def _loop_depth(node: Any) -> int:
    from jinja2 import nodes

    return max((_loop_depth(child) + isinstance(child, nodes.For) for child in node.iter_child_nodes()), default=0)


class RenderTimeout(Exception):
    """Raised inside a render that ran past its time limit."""


@contextmanager
def time_limit(seconds: float, label: str) -> Iterator[None]:
    """Stop the code inside after `seconds` with an OutputError (main thread on Unix; elsewhere unbounded)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise RenderTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except RenderTimeout as exc:
        raise OutputError(f"rendering took longer than {seconds:g} s and was stopped", location=Location(label),
                          hint="simplify the template's loops") from exc
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
