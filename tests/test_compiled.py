"""Templates compiled once per process, and each .docx zipped once, with the very same bytes as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2.sandbox import SandboxedEnvironment

from tendergen import api
from tendergen.core import load
from tendergen.documents import compiled

ROOT = Path(__file__).resolve().parent.parent
SAAS = ROOT / "examples" / "saas-verksamhetssystem.yaml"


def test_each_template_source_is_compiled_once(session: api.Session, monkeypatch: pytest.MonkeyPatch) -> None:
    compiled.clear()
    compiles: list[str] = []
    real = SandboxedEnvironment.from_string

    def counting(self: SandboxedEnvironment, source: str, *args: object) -> object:
        compiles.append(source)
        return real(self, source, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(SandboxedEnvironment, "from_string", counting)
    first = api.render_build(session, load.read_yaml(SAAS))
    assert len(compiles) == len(set(compiles))  # requirement texts (documents and matrix) compiled once
    count = len(compiles)
    assert count > 100
    second = api.render_build(session, load.read_yaml(SAAS))
    assert len(compiles) == count  # nothing compiled again for the second build
    assert first[1] == second[1]


def test_a_changed_text_is_a_new_template() -> None:
    env = compiled.environment(autoescape=False)
    assert env.from_string("a {{ x }}").render(x=1) == "a 1"
    assert env.from_string("b {{ x }}").render(x=1) == "b 1"
    assert env.from_string("a {{ x }}") is env.from_string("a {{ x }}")


def test_zipped_once_gives_the_bytes_of_save_and_rezip(session: api.Session,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    once = api.render_build(session, load.read_yaml(SAAS))[1]
    monkeypatch.setattr(compiled, "members", lambda tpl: None)
    twice = api.render_build(session, load.read_yaml(SAAS))[1]
    assert once.keys() == twice.keys()
    for name in once:
        assert once[name] == twice[name], name


def test_the_sandbox_still_refuses_unsafe_code() -> None:
    from jinja2.exceptions import SecurityError

    env = compiled.environment(autoescape=False)
    with pytest.raises(SecurityError):
        env.from_string("{{ ''.__class__.__mro__ }}").render()
    with pytest.raises(SecurityError):
        env.from_string("{{ ''.__class__.__mro__ }}").render()  # the cached template is sandboxed too
