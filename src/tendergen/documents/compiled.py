"""Templates compiled once per process: clause texts, docxtpl's prepared XML, and a .docx zipped once.

A build renders the same clause texts (requirements in the documents and again in the requirement
matrix) and the same Word templates for every profile. Compiling is most of the cost of rendering, so
each distinct template source is compiled once per process and kept, keyed by its exact text: a changed
template or clause text is a different key, never a stale entry. Rendering itself is unchanged.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

LIMIT = 4096  # distinct sources kept per cache; a cache that fills up starts again


@functools.cache
def environment(*, autoescape: bool) -> Any:
    """The sandbox for clause texts or for Word templates; from_string compiles each source once.

    Clause texts: autoescape off (escaping happens in the .docx stage). Word templates: autoescape on.
    """
    from jinja2 import StrictUndefined, Template
    from jinja2.sandbox import SandboxedEnvironment

    class OnceEnvironment(SandboxedEnvironment):
        def __init__(self, **options: Any) -> None:
            super().__init__(**options)
            self.compiled: dict[str, Template] = {}

        def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:  # noqa: A002
            if globals is not None or template_class is not None or not isinstance(source, str):
                return super().from_string(source, globals, template_class)
            template = self.compiled.get(source)
            if template is None:
                if len(self.compiled) >= LIMIT:
                    self.compiled.clear()
                template = self.compiled[source] = super().from_string(source)
            return template

    if autoescape:
        return OnceEnvironment(undefined=StrictUndefined, autoescape=True)
    return OnceEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


@functools.cache
def _template_class() -> Any:
    from docxtpl import DocxTemplate

    patched: dict[str, str] = {}

    class OnceTemplate(DocxTemplate):  # type: ignore[misc]
        """docxtpl's template, its XML clean-up (patch_xml: regular expressions over a part) run once per text."""

        def patch_xml(self, src_xml: str) -> str:
            done = patched.get(src_xml)
            if done is None:
                if len(patched) >= LIMIT:
                    patched.clear()
                done = patched[src_xml] = super().patch_xml(src_xml)
            return done

        def resolve_listing(self, xml: str) -> str:
            # docxtpl rewrites tabs, line and page breaks (and BEL) in text as Word markup, with three regular
            # expression passes over every paragraph; a part without any of those characters (most) is unchanged
            if "\t" in xml or "\a" in xml or "\n" in xml or "\f" in xml:
                return str(super().resolve_listing(xml))
            return xml

    return OnceTemplate


def template(path: Path) -> Any:
    """A docxtpl template for the .docx at `path` (opened afresh: rendering changes it)."""
    return _template_class()(str(path))


def members(tpl: Any) -> dict[str, bytes] | None:
    """The files python-docx would zip for a rendered template, without zipping them: {name: bytes}.

    Writing them straight into the reproducible zip saves zipping every document twice. None when the
    template has docxtpl media replacements (those rewrite the saved zip) or python-docx's writer is not
    the one this was written against: the caller then saves and re-zips as before.
    """
    if tpl.pics_to_replace or tpl.crc_to_new_media or tpl.crc_to_new_embedded or tpl.zipname_to_replace:
        return None
    try:
        from docx.opc.pkgwriter import PackageWriter

        collected: Any = _Collector()  # stands in for PhysPkgWriter
        package = tpl.docx.part.package
        parts = list(package.parts)
        for part in parts:
            part.before_marshal()
        PackageWriter._write_content_types_stream(collected, parts)  # type: ignore[no-untyped-call]
        PackageWriter._write_pkg_rels(collected, package.rels)  # type: ignore[no-untyped-call]
        PackageWriter._write_parts(collected, parts)
    except (ImportError, AttributeError, TypeError):
        return None
    return collected.files if not collected.repeated else None


def raw_parts(tpl: Any) -> set[str] | None:
    """The names of the parts `members` gives as stored bytes rather than serialised from a parsed XML tree.

    Only those can be other than well-formed XML (lxml serialises nothing else), so only those need
    parsing again before they are written. None when that cannot be told: then every part is checked.
    """
    try:
        from docx.opc.part import XmlPart

        return {part.partname.membername for part in tpl.docx.part.package.parts
                if not isinstance(part, XmlPart) or type(part).blob is not XmlPart.blob}
    except (ImportError, AttributeError):
        return None


class _Collector:
    """Stands in for python-docx's zip writer and keeps what it is given."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.repeated = False

    def write(self, pack_uri: Any, blob: bytes) -> None:
        name = pack_uri.membername
        self.repeated = self.repeated or name in self.files
        self.files[name] = bytes(blob)


def clear() -> None:
    """Forget every compiled template (for tests and long-running processes)."""
    for autoescape in (False, True):
        environment(autoescape=autoescape).compiled.clear()
    environment.cache_clear()
    _template_class.cache_clear()

