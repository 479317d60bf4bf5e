"""`Path` for the command line module without importing pathlib until a path is used.

pathlib (with fnmatch, urllib.parse, ipaddress, locale …) is a tenth of what `tendergen --help` costs
beyond click itself. `Path(...)` here returns a real pathlib.Path, `isinstance(x, Path)` checks for one,
and every other attribute (Path.cwd, Path.home …) is pathlib.Path's; so click's `path_type=Path` works.
"""

from __future__ import annotations

from typing import Any


class _LazyPathType(type):
    def __instancecheck__(cls, instance: Any) -> bool:
        import pathlib

        return isinstance(instance, pathlib.Path)

    def __getattr__(cls, name: str) -> Any:
        import pathlib

        return getattr(pathlib.Path, name)


class Path(metaclass=_LazyPathType):
    """Calling it makes a pathlib.Path."""

    def __new__(cls, *parts: Any) -> Any:
        import pathlib

        return pathlib.Path(*parts)
