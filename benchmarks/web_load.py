"""Loopback load test of the web form: N simulated people fill in the form and build the documents.

Starts its own `tendergen serve` on 127.0.0.1 (a free port), runs `--users` threads for `--seconds`, each
going start -> 15 questions -> summary -> "Skapa dokumenten" -> the zip, again and again, and stops by itself.
Reports the p50/p95/max latency of a build (POST /skapa, which builds the documents, and GET of the zip,
which builds them again in memory) and of an ordinary page, and the number of errors (exit 1 if any).
Traffic goes only to 127.0.0.1.

    .venv/bin/python benchmarks/web_load.py --users 20 --seconds 30
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import zipfile
from io import BytesIO
from pathlib import Path

ANSWERS = {
    "vad": "Enkätverktyg", "verksamhet": "Kommunledningsförvaltningen", "kategori": "it-som-tjanst",
    "leverans": "saas", "varde": "250000", "tidigare": "0", "avtalstid": "3", "anvandare": "invanare",
    "personuppgifter": "ja", "kansliga": "nej", "lagring": "eu", "kritisk": "hanterbart", "ai": "nej",
    "kontakt": "Sara Holm", "diarienummer": "KS 2026/88",
}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Person:
    def __init__(self, base: str, number: int) -> None:
        self.base = base
        self.number = number
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, path: str, form: dict[str, str] | None = None) -> tuple[str, bytes, float]:
        """(final path, body, seconds); raises on an HTTP error."""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        started = time.perf_counter()
        with self.opener.open(self.base + path, data=data, timeout=60) as response:
            body = response.read()
            final = urllib.parse.urlsplit(response.geturl()).path
        return final, body, time.perf_counter() - started

    def once(self, pages: list[float], builds: list[float]) -> None:
        path, body, took = self.request("/")
        pages.append(took)
        path, body, took = self.request("/start", {"csrf": CSRF.findall(body.decode())[0]})
        pages.append(took)
        token = CSRF.findall(body.decode())[0]
        while path.startswith("/fraga/"):
            qid = path.rsplit("/", 1)[1]
            value = f"Person {self.number}" if qid == "kontakt" else ANSWERS[qid]
            path, body, took = self.request(path, {"csrf": token, "svar": value, "atgard": "nasta"})
            pages.append(took)
        assert path == "/sammanfattning", path
        assert f"Person {self.number}<" in body.decode(), "someone else's answers"
        path, body, took = self.request("/skapa", {"csrf": token})
        builds.append(took)
        assert path == "/dokument", path
        path, body, took = self.request("/dokument/kravspecifikation-light.zip")
        builds.append(took)
        names = zipfile.ZipFile(BytesIO(body)).namelist()
        assert "kravspecifikation-light.docx" in names and "profil.yaml" in names, names
        profile = zipfile.ZipFile(BytesIO(body)).read("profil.yaml").decode()
        assert f"Person {self.number}" in profile, "someone else's profile"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    users, seconds = max(1, min(args.users, 100)), max(1.0, min(args.seconds, 300.0))  # bounded

    workspace = Path(tempfile.mkdtemp(prefix="tendergen-load-"))
    (workspace / "tendergen.yaml").write_text("organisation: Exempelkommunen\n", encoding="utf-8")
    server = subprocess.Popen([sys.executable, "-m", "tendergen", "serve", "--host", "127.0.0.1", "--port", "0",
                               "--workspace", str(workspace)], stderr=subprocess.PIPE, text=True)
    try:
        assert server.stderr is not None
        found = re.search(r"http://127\.0\.0\.1:\d+", server.stderr.readline())
        if not found:
            print("the server did not start", file=sys.stderr)
            return 1
        base = found.group(0)
        logged: list[str] = []  # read the server's log as it comes, or a full pipe would stall the server
        threading.Thread(target=lambda: logged.extend(server.stderr or ()), daemon=True).start()
        pages: list[float] = []
        builds: list[float] = []
        errors: list[str] = []
        done = [0]
        deadline = time.monotonic() + seconds

        def run(number: int) -> None:
            person = Person(base, number)
            while time.monotonic() < deadline:
                try:
                    person.once(pages, builds)
                    done[0] += 1
                except Exception as exc:  # counted and reported, never hidden
                    errors.append(f"{type(exc).__name__}: {exc}")

        started = time.monotonic()
        threads = [threading.Thread(target=run, args=(i,)) for i in range(users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=10)

    print(f"{users} people for {seconds:.0f} s against {base} (ran {elapsed:.1f} s)")
    print(f"completed interviews with a build and a zip download: {done[0]}; errors: {len(errors)}")
    for label, values in (("build (POST /skapa, GET zip)", builds), ("page (question, summary)", pages)):
        if values:
            print(f"{label}: n={len(values)} p50={percentile(values, .5) * 1000:.0f} ms "
                  f"p95={percentile(values, .95) * 1000:.0f} ms max={max(values) * 1000:.0f} ms "
                  f"mean={statistics.fmean(values) * 1000:.0f} ms")
    queue_warnings = sum("Task queue depth" in line for line in logged)
    print(f"server: {queue_warnings} task-queue warnings (more people than threads wait their turn)")
    for error in sorted(set(errors))[:10]:
        print("error:", error)
    return 1 if errors or not done[0] else 0


if __name__ == "__main__":
    sys.exit(main())
