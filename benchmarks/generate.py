"""Generated inputs for the benchmarks: a workspace with 1,000 extra clauses and 100 profiles.

The clauses are clones of the bundled single-clause files with their own ids and texts reworded word by
word (deterministically), so the near-duplicate check sees realistic, mostly distinct texts; every 50th
clone keeps its source text and is a deliberate near-duplicate.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"(\{\{.*?\}\})|([A-Za-zÅÄÖåäö]{4,})")


def _reword(line: str, seed: int) -> str:
    def swap(match: re.Match[str]) -> str:
        if match.group(1):
            return match.group(0)
        word = match.group(2)
        digest = hashlib.blake2b(f"{seed}:{word}".encode(), digest_size=4).hexdigest()
        return word if int(digest, 16) % 2 else f"{word[:3]}{digest[:5]}"
    return WORD.sub(swap, line)


def _clone(text: str, i: int, reword: bool) -> str:
    text = re.sub(r"^id: (\S+)", rf"id: \1-N{i:04}", text, count=1, flags=re.M)
    text = re.sub(r"^(requires|excludes|replaces): .*\n", "", text, flags=re.M)
    if not reword:
        return text
    out, in_text = [], False
    for line in text.splitlines(keepends=True):
        if re.match(r"^  sv: [|>]", line):
            in_text = True
        elif in_text and line.strip() and len(line) - len(line.lstrip(" ")) <= 2:
            in_text = False
        elif in_text:
            line = _reword(line, i)
        out.append(line)
    return "".join(out)


def clause_sources() -> list[str]:
    texts = [p.read_text("utf-8") for p in sorted((ROOT / "clauses").glob("*/*.yaml"))]
    return [t for t in texts if not re.search(r"^clauses:", t, flags=re.M)]


def workspace(base: Path, size: int = 1000) -> Path:
    """A workspace (tendergen.yaml) layering `size` generated clauses over the bundled library."""
    singles = clause_sources()
    folder = base / "extra"
    for i in range(size):
        target = folder / f"area{i // 100:02}" / f"c{i:04}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_clone(singles[i % len(singles)], i, reword=i % 50 != 25), "utf-8")
    (base / "tendergen.yaml").write_text("organisation: Benchkommunen\nclause_folders: [extra]\n", "utf-8")
    return base / "tendergen.yaml"


def profiles(base: Path, count: int = 100) -> list[Path]:
    """`count` profiles: the bundled examples with their own titles and references."""
    examples = sorted((ROOT / "examples").glob("*.yaml"))
    base.mkdir(parents=True, exist_ok=True)
    result = []
    for i in range(count):
        source = examples[i % len(examples)]
        text = source.read_text("utf-8")
        text = re.sub(r"^title: (.*)$", rf"title: \1 (nr {i + 1})", text, count=1, flags=re.M)
        text = re.sub(r"^reference: (.*)$", rf"reference: BENCH 2027/{i + 1:04}", text, count=1, flags=re.M)
        path = base / f"p{i + 1:03}-{source.stem}.yaml"
        path.write_text(text, "utf-8")
        result.append(path)
    return result
