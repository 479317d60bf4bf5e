"""Per-person interview state, kept on the server and found by a random id in a cookie.

Nothing but the id leaves the server. The state holds what the person typed (`given`, kept even for
questions that are answered again after going back, so that the form can show the earlier answer) and the
order in which questions were answered (`history`). The interview itself is rebuilt from these on each
request by replaying the answers through `tendergen.interview.Interview`, so all skipping, going back and
guardrails are the interview library's own.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

from tendergen.interview import Context, Interview

IDLE_SECONDS = 2 * 60 * 60  # an interview nobody touched for two hours is forgotten
MAX_STATES = 5000  # at most this many interviews in memory; the oldest untouched one goes first


@dataclass
class State:
    """One person's interview: what they typed, in which order, and what to tell them on the next page."""

    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    given: dict[str, str] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    built: tuple[str, ...] = ()
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    touched: float = field(default_factory=time.monotonic)

    def interview(self, context: Context) -> Interview:
        """The interview as far as this person has answered it (replayed; the answers were checked when given)."""
        interview = Interview(context)
        for qid in self.history:
            interview.answer(self.given[qid])
        return interview

    def rewind(self, qid: str) -> None:
        """Forget the answer to `qid` and every answer after it (they stay in `given` to fill in the form)."""
        if qid in self.history:
            del self.history[self.history.index(qid):]
        self.built = ()

    def restart(self) -> None:
        self.given.clear()
        self.history.clear()
        self.notices.clear()
        self.built = ()


class Store:
    """The interviews in progress, by id: thread-safe, bounded in number and in idle time."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS, max_states: int = MAX_STATES) -> None:
        self.idle_seconds = idle_seconds
        self.max_states = max_states
        self._states: dict[str, State] = {}
        self._lock = threading.Lock()

    def get(self, sid: str | None) -> State | None:
        """The state with this id, or None when there is none (never given, expired or evicted)."""
        if not sid:
            return None
        now = time.monotonic()
        with self._lock:
            state = self._states.get(sid)
            if state is None or now - state.touched > self.idle_seconds:
                self._states.pop(sid, None)
                return None
            state.touched = now
            return state

    def create(self) -> tuple[str, State]:
        """A new, empty state and its id (256 random bits)."""
        sid = secrets.token_urlsafe(32)
        state = State()
        now = time.monotonic()
        with self._lock:
            for old in [k for k, s in self._states.items() if now - s.touched > self.idle_seconds]:
                del self._states[old]
            while len(self._states) >= self.max_states:
                del self._states[min(self._states, key=lambda k: self._states[k].touched)]
            self._states[sid] = state
        return sid, state

    def __len__(self) -> int:
        return len(self._states)
