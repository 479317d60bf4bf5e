"""The near-duplicate check through an index finds exactly what comparing every pair finds."""

from __future__ import annotations

import random
from dataclasses import replace
from itertools import combinations

from tendergen import api
from tendergen.core import cache, lint
from tendergen.core.model import Clause


def all_pairs(clauses: list[Clause]) -> list[str]:
    """The check as it was: every pair compared."""
    shingles = {c.id: lint._shingles(c.text) for c in clauses}
    found = []
    for a, b in combinations(clauses, 2):
        score = lint._similarity(shingles[a.id], shingles[b.id])  # type: ignore[arg-type]
        if score >= lint.NEAR_DUPLICATE:
            found.append(f"{b.id}: text is a near-duplicate of {a.id} ({score:.0%} shared phrases)")
    return found


def variants(session: api.Session, seed: int) -> list[Clause]:
    """Bundled clauses plus edited copies: a few words changed (around the threshold), short and empty texts."""
    rng = random.Random(seed)
    base = list(session.library.clauses)
    result = list(base)
    for n in range(300):
        source = rng.choice(base)
        words = source.text.split()
        for _ in range(rng.choice([0, 1, 2, 3, 5, 8, 13, 40])):
            if words:
                words[rng.randrange(len(words))] = rng.choice(["ord", "annan", "text", "{{ x }}", "Ska", "ska"])
        if rng.random() < 0.05:
            words = words[:rng.randrange(0, 5)]
        text = " ".join(words) if rng.random() < 0.7 else "\n".join(words)
        result.append(replace(source, id=f"{source.id}-V{n}", text=text))
    rng.shuffle(result)
    return result


def test_index_finds_the_same_pairs_as_comparing_all(session: api.Session) -> None:
    for seed in range(3):
        clauses = variants(session, seed)
        found = sorted(p.message for p in lint._duplicates(clauses))
        assert lint.near_duplicate_pairs([c.text for c in clauses]) == [
            tuple(p) for p in cache.near_duplicate_pairs([c.text for c in clauses])]
        assert found == sorted(all_pairs(clauses))  # lint() sorts its findings: the order was never kept
        assert len(found) > 10  # the edited copies do produce near-duplicates


def test_short_and_empty_texts_compare_as_before(session: api.Session) -> None:
    base = session.library.clauses[0]
    texts = ["", "", "Ett två", "ett TVÅ", "ett två tre", "{{ a }}", "a b c d", "a b c d e"]
    clauses = [replace(base, id=f"K{i}", text=text) for i, text in enumerate(texts)]
    assert sorted(p.message for p in lint._duplicates(clauses)) == sorted(all_pairs(clauses))


def test_remembered_pairs_are_used_only_for_the_same_texts(session: api.Session) -> None:
    clauses = variants(session, 7)
    texts = [c.text for c in clauses]
    first = cache.near_duplicate_pairs(texts)
    assert [tuple(p) for p in cache.near_duplicate_pairs(texts)] == [tuple(p) for p in first]
    changed = [*texts[:-1], texts[0]]  # the last text now duplicates the first
    assert [tuple(p) for p in cache.near_duplicate_pairs(changed)] == lint.near_duplicate_pairs(changed)
    for entry in cache.folder().glob("pairs-*.json"):
        entry.write_text('{"format": 1, "key": "x", "pairs": [[5, 1, 1.0]]}', "utf-8")
    assert [tuple(p) for p in cache.near_duplicate_pairs(texts)] == lint.near_duplicate_pairs(texts)
