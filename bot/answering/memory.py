"""What people asked about similar rules elsewhere: questions of other organisations.

A customer's rule has two or three examples; the way its employees will ask about it
is far more varied. Other organisations' guidelines have rules about the same things
(photos of colleagues, a client's name, salaries, an incident at work), each with
examples and questions people asked about them. The memory holds those questions and
examples as vectors, each with the rule it was about (a *foreign rule*), and each
foreign rule as the mean of its texts.

For a customer's guidelines, each foreign rule is spread over the customer's rules by
how near their means are (a softmax, ``ASSIGN_TEMPERATURE``): a question about
photos of patients at a hospital lands on the customer's rule about photos of the
people it serves. For a question, the ``NEAREST`` remembered questions nearest to it
vote (a softmax of their similarity, ``VOTE_TEMPERATURE``) for the rules their
foreign rule is spread over. The vote is one more feature for ``fusion``; it does
not decide alone.

The memory belongs to the bundled model with its adapter (the vectors are theirs):
``bench/train_adapter.py`` writes it from the tuning organisations (never a held-out
one). Another model is used without it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.answering.embedding import Vectors, normalised

log = logging.getLogger(__name__)

MEMORY_FILE = Path(__file__).with_name("e5-small-q4-memory.npz")
"""The remembered vectors (float16), shipped with the package."""

ASSIGN_TEMPERATURE = 0.02
VOTE_TEMPERATURE = 0.05
NEAREST = 50
"""Chosen on the eleven tuning organisations, each measured with an adapter fitted on
the other half of them and a memory of all the others (the rule nearest by similarity
alone, plus a tenth of the vote): the right rule came first for 78.5% of the questions
instead of 74.7%. 5 and 20 nearest questions gave 77.6% and 78.1%."""


@dataclass(frozen=True, kw_only=True)
class Memory:
    """Remembered questions (unit vectors), the foreign rule of each, and the foreign
    rules' means."""

    vectors: Vectors
    rules: npt.NDArray[np.int64]
    centroids: Vectors
    model_id: str

    def __post_init__(self) -> None:
        if self.vectors.ndim != 2 or self.centroids.ndim != 2:
            raise ValueError("the memory's vectors are not two-dimensional")
        if len(self.vectors) != len(self.rules) or self.vectors.shape[1] != self.centroids.shape[1]:
            raise ValueError("the memory's arrays do not fit together")
        if len(self.rules) and (self.rules.min() < 0 or self.rules.max() >= len(self.centroids)):
            raise ValueError("the memory names a rule it does not have")

    def save(self, path: Path) -> None:
        """Write the memory as float16 vectors (about 0.8 kB per question)."""
        with path.open("wb") as file:
            np.savez_compressed(
                file,
                vectors=self.vectors.astype(np.float16),
                rules=self.rules.astype(np.int32),
                centroids=self.centroids.astype(np.float16),
                model_id=np.array(self.model_id),
            )


def load_memory(model_id: str, path: Path = MEMORY_FILE) -> Memory | None:
    """The shipped memory if it was made with ``model_id``; None (logged) when the file
    is missing, unreadable or made with other vectors."""
    try:
        with np.load(path, allow_pickle=False) as data:
            memory = Memory(
                vectors=normalised(np.asarray(data["vectors"], dtype=np.float32)),
                rules=np.asarray(data["rules"], dtype=np.int64),
                centroids=normalised(np.asarray(data["centroids"], dtype=np.float32)),
                model_id=str(data["model_id"]),
            )
    except (OSError, ValueError, KeyError) as error:
        log.warning(
            "The matcher's memory of other organisations' questions %s cannot be read (%s); "
            "questions are matched without it, which matches fresh guidelines less well.",
            path,
            error,
        )
        return None
    if memory.model_id != model_id:
        log.warning(
            "The matcher's memory %s was made with other vectors (%s, not %s); questions "
            "are matched without it.",
            path,
            memory.model_id,
            model_id,
        )
        return None
    return memory


class Votes:
    """The memory's votes for one set of rules (one guidelines version)."""

    def __init__(self, memory: Memory, centroids: Vectors) -> None:
        """``centroids``: the mean vector of each of the customer's rules (unit vectors)."""
        self.memory = memory
        self.rule_count = len(centroids)
        nearness = memory.centroids @ centroids.T if len(centroids) else np.zeros((0, 0))
        if self.rule_count:
            logits = (nearness - nearness.max(axis=1, keepdims=True)) / ASSIGN_TEMPERATURE
            spread = np.exp(logits)
            spread /= spread.sum(axis=1, keepdims=True)
        else:
            spread = nearness
        self._spread: npt.NDArray[np.float64] = spread.astype(np.float64)

    def votes(self, topic: Vectors) -> npt.NDArray[np.float64]:
        """Per rule, the share of the nearest remembered questions' vote (sums to 1)."""
        if not self.rule_count or not len(self.memory.vectors):
            return np.zeros(self.rule_count)
        similarity = self.memory.vectors @ topic
        count = min(NEAREST, len(similarity))
        nearest = np.argpartition(-similarity, count - 1)[:count]
        weights = np.exp((similarity[nearest] - similarity[nearest].max()) / VOTE_TEMPERATURE)
        weights /= weights.sum()
        votes: npt.NDArray[np.float64] = weights @ self._spread[self.memory.rules[nearest]]
        return votes
