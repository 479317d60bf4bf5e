"""Errors with a location and a hint; the exit code lives on the class."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Location:
    """A place in a user's file: path, 1-based line and column (0 when unknown)."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.path
        return f"{self.path}:{self.line}:{self.col}" if self.col else f"{self.path}:{self.line}"


def display_path(path: Path, bundled_root: Path | None = None) -> str:
    """Show a path the way the user knows it: relative to the working directory when possible."""
    path = path.resolve()
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        pass
    if bundled_root is not None:
        try:
            return f"<tendergen>/{path.relative_to(bundled_root.resolve())}"
        except ValueError:
            pass
    return str(path)


class TendergenError(Exception):
    """Base of every error a user can cause; `str()` gives `location: message` and a hint line."""

    exit_code = 1

    def __init__(self, message: str, *, location: Location | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def sort_key(self) -> tuple[str, int, int, str]:
        loc = self.location or Location("")
        return (loc.path, loc.line, loc.col, self.message)

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        return f"{text}\n  hint: {self.hint}" if self.hint else text


class InvalidInput(TendergenError):
    """Bad user input (profile, clause library, workspace); may carry many problems at once."""

    exit_code = 3

    def __init__(
        self,
        message: str = "",
        *,
        location: Location | None = None,
        hint: str = "",
        problems: Iterable[TendergenError] = (),
    ) -> None:
        self.problems = tuple(sorted(problems, key=TendergenError.sort_key))
        super().__init__(message or f"{len(self.problems)} problem(s) found", location=location, hint=hint)

    def __str__(self) -> str:
        if not self.problems:
            return super().__str__()
        lines = [str(p) for p in self.problems]
        lines.append(f"{len(self.problems)} problem(s) found.")
        return "\n".join(lines)


class OutputError(TendergenError):
    """A document could not be rendered or written, or writing would lose a person's edits."""

    exit_code = 4


def raise_if(problems: list[TendergenError]) -> None:
    """Raise one InvalidInput holding every collected problem, if there are any."""
    if problems:
        raise InvalidInput(problems=problems)
