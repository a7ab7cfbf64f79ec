"""Models that load but cannot embed, named by ``MERKWERKER_EMBEDDER=python:broken_embedders:…``
in the commands that tests start as their own processes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.answering.embedding import Kind, Vectors


class FailingEmbedder:
    """Loads, then fails on every text: weights that are missing until first use."""

    model_id = "failing-test-embedder"

    def embed(self, texts: Sequence[str], *, kind: Kind) -> Vectors:
        raise RuntimeError("the weights folder /models/e5-large is empty")


class NaNEmbedder:
    """Loads and embeds, but every number it gives is NaN."""

    model_id = "nan-test-embedder"

    def embed(self, texts: Sequence[str], *, kind: Kind) -> Vectors:
        return np.full((len(texts), 8), np.nan, dtype=np.float32)


def failing() -> FailingEmbedder:
    """The factory ``python:broken_embedders:failing``."""
    return FailingEmbedder()


def nan() -> NaNEmbedder:
    """The factory ``python:broken_embedders:nan``."""
    return NaNEmbedder()
