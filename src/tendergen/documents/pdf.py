"""LibreOffice through its UNO bridge: tagged PDF copies, and the page numbers of each table of contents.

Set TENDERGEN_SOFFICE to the soffice program to use, or to "none" to build without LibreOffice. Set
TENDERGEN_OFFICE_PIPE to the pipe name of a LibreOffice already listening (`--accept=pipe,name=NAME;urp;`)
to use that one instead of starting a new one each time (the test suite shares one per session; a batch
starts one per worker with `offices`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from tendergen.errors import Location, OutputError

SYSTEM_PYTHON = "/usr/bin/python3"

# Runs under the system Python that has LibreOffice's `uno` module (Debian: python3-uno).
UNO_SCRIPT = r'''
import json, os, sys, time, subprocess, uno
from com.sun.star.beans import PropertyValue

def prop(name, value):
    p = PropertyValue(); p.Name = name; p.Value = value; return p

def properties(*values):
    return uno.Any("[]com.sun.star.beans.PropertyValue", tuple(values))

soffice, profile, pipe, out_dir, filter_name, suffix, options, dispatch, *files = sys.argv[1:]
shared = profile == "-"  # attach to a LibreOffice that is already listening on the pipe, and leave it running
office = None if shared else subprocess.Popen([soffice, "-env:UserInstallation=" + profile, "--headless",
                                               "--invisible", "--nologo", "--norestore",
                                               "--accept=pipe,name=%s;urp;" % pipe])
tocs = {}
try:
    resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext())
    for _ in range(120):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            if office is not None and office.poll() is not None:
                sys.exit("LibreOffice stopped before it accepted the connection")
            time.sleep(0.25)
    else:
        sys.exit("LibreOffice did not start")
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    helper = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
    for path in files:
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0, (prop("Hidden", True),))
        if dispatch != "-":
            helper.executeDispatch(doc.getCurrentController().getFrame(), ".uno:" + dispatch, "", 0, ())
        name = path.rsplit("/", 1)[-1]
        writer = hasattr(doc, "getDocumentIndexes")  # a spreadsheet has no indexes or text fields
        indexes = doc.getDocumentIndexes() if writer else None
        for i in range(indexes.getCount() if writer else 0):
            index = indexes.getByIndex(i)
            index.update()
            if index.supportsService("com.sun.star.text.ContentIndex") and name not in tocs:
                lines = [line for line in index.getAnchor().getString().splitlines() if line.strip()]
                tocs[name] = [line.rsplit("\t", 1)[-1].strip() if "\t" in line else "" for line in lines]
        if writer:
            doc.getTextFields().refresh()
        if filter_name != "-":
            target = out_dir + "/" + name.rsplit(".", 1)[0] + "." + suffix
            export = [prop("FilterName", filter_name)]
            if filter_name == "writer_pdf_Export":
                # Tagged PDF/UA: structure tree, language from the document (sv-SE), title shown, bookmarks.
                data = properties(prop("UseTaggedPDF", True), prop("PDFUACompliance", True),
                                  prop("ExportBookmarks", True), prop("DisplayPDFDocTitle", True),
                                  prop("OpenBookmarkLevels", -1), prop("ExportNotes", False))
                export.append(PropertyValue("FilterData", 0, data, 0))
            elif options != "-":
                export.append(prop("FilterOptions", options))
            uno.invoke(doc, "storeToURL", (uno.systemPathToFileUrl(target), properties(*export)))
        doc.close(True)
    if not shared:
        try:
            desktop.terminate()
        except Exception:
            pass
finally:
    if office is not None:
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()
print(json.dumps(tocs))
sys.stdout.flush()
os._exit(0)  # the work is done: a UNO bridge still open at exit (a shared LibreOffice) can crash the teardown
'''

# The same options for `soffice --convert-to` when python3-uno is missing (LibreOffice 7.4 and later).
CONVERT_TO_PDF = 'pdf:writer_pdf_Export:' + json.dumps({
    name: {"type": "boolean", "value": "true"}
    for name in ("UseTaggedPDF", "PDFUACompliance", "ExportBookmarks", "DisplayPDFDocTitle")})


def soffice() -> str | None:
    """The LibreOffice program: TENDERGEN_SOFFICE if set ("none" turns LibreOffice off), else from PATH."""
    configured = os.environ.get("TENDERGEN_SOFFICE")
    if configured is not None:
        return None if configured.strip().lower() in ("", "none", "off", "0") else configured
    return shutil.which("soffice") or shutil.which("libreoffice")


def can_paginate() -> bool:
    """True when LibreOffice and its UNO bridge are there to lay documents out (tables of contents)."""
    return soffice() is not None and _has_uno()


@cache
def _has_uno() -> bool:
    if not Path(SYSTEM_PYTHON).is_file():
        return False
    return subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


@contextmanager
def offices(count: int) -> Iterator[list[str]]:
    """Up to `count` LibreOffice processes, each listening on its own pipe, for the duration of the block.

    For many layouts in one run (a batch): each worker attaches to one of them (TENDERGEN_OFFICE_PIPE)
    instead of starting LibreOffice for every profile. Yields their pipe names (none when LibreOffice or
    its UNO bridge is missing). The processes are stopped, and their throwaway profiles removed, when the
    block ends.
    """
    program = soffice()
    if program is None or not _has_uno() or count < 1:
        yield []
        return
    scratch = Path(tempfile.mkdtemp(prefix="tendergen-offices-"))
    started: list[subprocess.Popen[bytes]] = []
    pipes = []
    try:
        for i in range(count):
            pipe = f"tendergen-{os.getpid()}-{scratch.name}-{i}"
            started.append(subprocess.Popen(
                [program, f"-env:UserInstallation={(scratch / str(i)).as_uri()}", "--headless", "--invisible",
                 "--nologo", "--norestore", f"--accept=pipe,name={pipe};urp;"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
            pipes.append(pipe)
        yield pipes
    finally:
        for office in started:  # soffice starts soffice.bin: stop the process group it leads
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(office.pid, signal.SIGTERM)
        for office in started:
            try:
                office.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(office.pid, signal.SIGKILL)
                office.wait(timeout=20)
        shutil.rmtree(scratch, ignore_errors=True)


PDF_EXPORT = ("writer_pdf_Export", "pdf", "-")


def convert(documents: Sequence[Path], out_dir: Path, *, export: tuple[str, str, str] | None = PDF_EXPORT,
            dispatch: str = "-") -> tuple[list[Path], list[str]]:
    """Write a (tagged) PDF of each .docx into out_dir; return the PDFs and any warnings."""
    pdfs, _, warnings = run(documents, out_dir, export=export, dispatch=dispatch)
    return pdfs, warnings


def docx_to_pdf(data: bytes, name: str) -> bytes:
    """A tagged PDF of one .docx given as bytes (e.g. the review document), through LibreOffice."""
    with tempfile.TemporaryDirectory(prefix="tendergen-pdf-") as scratch:
        source = Path(scratch) / f"{name}.docx"
        source.write_bytes(data)
        (target,), _, _ = run([source], Path(scratch) / "pdf")
        return target.read_bytes()


def run(documents: Sequence[Path], out_dir: Path, *, export: tuple[str, str, str] | None = PDF_EXPORT,
        dispatch: str = "-") -> tuple[list[Path], dict[str, list[str]], list[str]]:
    """Open each .docx in LibreOffice once: lay it out, optionally export it, and read its TOC's page numbers.

    `export` is (LibreOffice filter, file suffix, filter options or "-"), or None for no copy; PDFs are
    tagged (PDF/UA). `dispatch` is an optional UNO command run on each document first (e.g.
    AcceptAllTrackedChanges), which needs python3-uno. Returns the copies, {file name: page number of each
    table-of-contents entry}, and warnings.
    """
    program = soffice()
    if program is None:
        raise OutputError("LibreOffice is needed for this but is not installed (or TENDERGEN_SOFFICE is none)",
                          location=Location(str(out_dir)), hint="apt-get install libreoffice-writer-nogui python3-uno")
    out_dir.mkdir(parents=True, exist_ok=True)
    warnings: list[str] = []
    filter_name, suffix, options = export or ("-", "-", "-")
    with tempfile.TemporaryDirectory(prefix="tendergen-lo-") as profile:
        profile_url = Path(profile).as_uri()
        files = [str(p.resolve()) for p in documents]
        shared = os.environ.get("TENDERGEN_OFFICE_PIPE", "")
        if _has_uno():
            office = ["-", shared] if shared else [profile_url, f"tendergen{Path(profile).name}"]
            command = [SYSTEM_PYTHON, "-c", UNO_SCRIPT, program, *office,
                       str(out_dir.resolve()), filter_name, suffix, options, dispatch, *files]
        elif dispatch != "-" or export is None:
            raise OutputError("this needs LibreOffice's python3-uno", location=Location(str(out_dir)),
                              hint="apt-get install python3-uno")
        else:
            warnings.append("python3-uno is not installed: the PDFs' tables of contents have no page numbers")
            target = CONVERT_TO_PDF if filter_name == "writer_pdf_Export" else suffix
            command = [program, f"-env:UserInstallation={profile_url}", "--headless", "--convert-to", target,
                       "--outdir", str(out_dir), *files]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=900)
        except subprocess.TimeoutExpired as exc:
            raise OutputError("LibreOffice did not finish within 15 minutes", location=Location(str(out_dir)),
                              hint="check that no other LibreOffice holds the documents open") from exc
    copies = [out_dir / f"{p.stem}.{suffix}" for p in documents] if export else []
    missing = [p.name for p in copies if not p.is_file()]
    if result.returncode != 0 or missing:
        raise OutputError(f"LibreOffice could not convert: {', '.join(missing) or 'see its message'}",
                          location=Location(str(out_dir)), hint=(result.stderr or result.stdout).strip()[-300:])
    tocs: dict[str, list[str]] = {}
    if _has_uno():
        tocs = _tocs(result.stdout)
    return copies, tocs, warnings


def _tocs(stdout: str) -> dict[str, list[str]]:
    """The page numbers the UNO script printed as its last line of JSON ({} when there is none)."""
    for line in reversed(stdout.strip().splitlines()):
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if isinstance(data, dict):
            return {str(k): [str(p) for p in v] for k, v in data.items() if isinstance(v, list)}
    return {}
