"""PDF copies of the built documents through LibreOffice, with the table of contents filled in."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tendergen.errors import Location, OutputError

SYSTEM_PYTHON = "/usr/bin/python3"

# Runs under the system Python that has LibreOffice's `uno` module (Debian: python3-uno).
UNO_SCRIPT = r'''
import sys, time, subprocess, uno
from com.sun.star.beans import PropertyValue

def prop(name, value):
    p = PropertyValue(); p.Name = name; p.Value = value; return p

soffice, profile, pipe, out_dir, filter_name, suffix, options, dispatch, *files = sys.argv[1:]
office = subprocess.Popen([soffice, "-env:UserInstallation=" + profile, "--headless", "--invisible",
                           "--nologo", "--norestore", "--accept=pipe,name=%s;urp;" % pipe])
try:
    resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext())
    for _ in range(120):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            time.sleep(0.25)
    else:
        sys.exit("LibreOffice did not start")
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    helper = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
    for path in files:
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0, (prop("Hidden", True),))
        if dispatch != "-":
            helper.executeDispatch(doc.getCurrentController().getFrame(), ".uno:" + dispatch, "", 0, ())
        indexes = doc.getDocumentIndexes()
        for i in range(indexes.getCount()):
            indexes.getByIndex(i).update()
        doc.getTextFields().refresh()
        target = out_dir + "/" + path.rsplit("/", 1)[-1].rsplit(".", 1)[0] + "." + suffix
        export = (prop("FilterName", filter_name),) + ((prop("FilterOptions", options),) if options != "-" else ())
        doc.storeToURL(uno.systemPathToFileUrl(target), export)
        doc.close(True)
    try:
        desktop.terminate()
    except Exception:
        pass
finally:
    try:
        office.wait(timeout=30)
    except subprocess.TimeoutExpired:
        office.kill()
'''


def _has_uno() -> bool:
    if not Path(SYSTEM_PYTHON).is_file():
        return False
    return subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


PDF_EXPORT = ("writer_pdf_Export", "pdf", "-")


def convert(documents: Sequence[Path], out_dir: Path, *, export: tuple[str, str, str] = PDF_EXPORT,
            dispatch: str = "-") -> tuple[list[Path], list[str]]:
    """Write a PDF of each .docx into out_dir; return the PDFs and any warnings.

    `export` is (LibreOffice filter, file suffix, filter options or "-"); `dispatch` an optional UNO
    command run on each document first (e.g. AcceptAllTrackedChanges), which needs python3-uno.
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise OutputError("--pdf needs LibreOffice, which is not installed", location=Location(str(out_dir)),
                          hint="apt-get install libreoffice-writer-nogui python3-uno")
    out_dir.mkdir(parents=True, exist_ok=True)
    warnings: list[str] = []
    with tempfile.TemporaryDirectory(prefix="tendergen-lo-") as profile:
        profile_url = Path(profile).as_uri()
        files = [str(p.resolve()) for p in documents]
        if _has_uno():
            command = [SYSTEM_PYTHON, "-c", UNO_SCRIPT, soffice, profile_url, f"tendergen{Path(profile).name}",
                       str(out_dir.resolve()), *export, dispatch, *files]
        elif dispatch != "-":
            raise OutputError(f"running {dispatch} in LibreOffice needs python3-uno", location=Location(str(out_dir)),
                              hint="apt-get install python3-uno")
        else:
            warnings.append("python3-uno is not installed: the PDFs' tables of contents are not filled in")
            command = [soffice, f"-env:UserInstallation={profile_url}", "--headless", "--convert-to", "pdf",
                       "--outdir", str(out_dir), *files]
        result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    pdfs = [out_dir / f"{p.stem}.{export[1]}" for p in documents]
    missing = [p.name for p in pdfs if not p.is_file()]
    if result.returncode != 0 or missing:
        raise OutputError(f"LibreOffice could not convert: {', '.join(missing) or 'see its message'}",
                          location=Location(str(out_dir)), hint=(result.stderr or result.stdout).strip()[-300:])
    return pdfs, warnings
