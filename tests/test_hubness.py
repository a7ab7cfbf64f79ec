"""A rule's hubness after an edit is what weighing everything anew gives.

``bot.answering.hubness`` remembers the rule-by-text similarities of the last build and
computes only what an edit changed; a question then meets the same discount as after a
restart.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from bot.answering.hubness import HUB_NEIGHBOURS, hubness


def _vectors(rng: np.random.Generator, count: int) -> npt.NDArray[np.float32]:
    raw = rng.standard_normal((count, 16)).astype(np.float32)
    return raw / np.linalg.norm(raw, axis=1, keepdims=True)


def _weighed_anew(block: npt.NDArray[np.float32], owners: list[int], rules: int) -> list[float]:
    """The definition, one rule at a time."""
    hub: dict[int, float] = {}
    for rule in set(owners):
        mine = block[[i for i, o in enumerate(owners) if o == rule]]
        others = [i for i, o in enumerate(owners) if o != rule]
        best = sorted(((mine @ block[i]).max() for i in others), reverse=True)
        best += [-1.0] * (min(HUB_NEIGHBOURS, len(block) - 1) - len(best))
        hub[rule] = float(np.mean(best[: min(HUB_NEIGHBOURS, len(block) - 1)]))
    median = float(np.median(list(hub.values())))
    return [hub[r] - median if r in hub else 0.0 for r in range(rules)]


def test_edits_give_what_weighing_everything_anew_gives() -> None:
    rng = np.random.default_rng(7)
    rules = 30
    owners = [rule for rule in range(rules) for _ in range(rng.integers(2, 6))]
    block = _vectors(rng, len(owners))
    versions = [(block, owners, rules)]
    # One rule's text changed:
    edited = block.copy()
    edited[owners.index(12)] = _vectors(rng, 1)[0]
    versions.append((edited, owners, rules))
    # A text added to a rule, and a new rule at the start (every position moves):
    grown = np.concatenate([_vectors(rng, 3), edited[:5], _vectors(rng, 1), edited[5:]])
    grown_owners = [0, 0, 0] + [o + 1 for o in owners[:5]] + [owners[4] + 1]
    grown_owners += [o + 1 for o in owners[5:]]
    versions.append((grown, grown_owners, rules + 1))
    # A rule removed, and one without texts left in its place:
    kept = [i for i, o in enumerate(grown_owners) if o != 20]
    versions.append((grown[kept], [grown_owners[i] for i in kept], rules + 1))
    # And back to the first version.
    versions.append((block, owners, rules))

    for vectors, owned_by, count in versions:
        found = hubness(vectors, np.array(owned_by, dtype=np.int64), count)
        expected = _weighed_anew(vectors, owned_by, count)
        assert np.allclose(found, expected, atol=1e-5)
