"""The façade: everything public is in __all__, and no public signature hides a type behind Any."""

from __future__ import annotations

import inspect
import typing

from tendergen import api


def test_all_is_complete_and_typed() -> None:
    own = {n for n, obj in vars(api).items() if not n.startswith("_") and callable(obj)
           and getattr(obj, "__module__", "") == "tendergen.api"}
    assert own <= set(api.__all__), own - set(api.__all__)
    assert all(hasattr(api, n) for n in api.__all__)
    for name in api.__all__:
        obj = getattr(api, name)
        if inspect.isfunction(obj):
            assert "Any" not in str(inspect.signature(obj)), name
        elif inspect.isclass(obj) and obj.__module__ == "tendergen.api":
            hints = typing.get_type_hints(obj)
            assert not [f for f, t in hints.items() if "Any" in str(t)], name
