"""Embeddings kept by the hash of (model, kind, text), in memory and in a file.

Rules change a few texts at a time, so after an edit only the changed texts are
embedded again; a restart finds the rest in the file. The file is a small SQLite
database of its own (the standard library's ``sqlite3``), safe to share between
processes. Any trouble with the file (unwritable folder, corrupt file) is logged and
costs only speed: the vectors are then computed and kept in memory.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.answering.embedding import Embedder, Kind, Vectors
from bot.answering.seed_vectors import SeedVectors

log = logging.getLogger(__name__)

_BATCH = 64
"""Texts embedded per call: large enough for the engine's batching, small enough to
keep a reload's worker thread responsive to shutdown."""


def cache_key(model_id: str, kind: Kind, text: str) -> str:
    """The key of one text's vector: a model change never reuses another model's vector."""
    return hashlib.sha256(f"{model_id}\x00{kind}\x00{text}".encode()).hexdigest()


class VectorCache:
    """Vectors by ``cache_key``: a dict in front of the shipped vectors (see
    ``seed_vectors``, when given) and an optional SQLite file."""

    def __init__(self, path: Path | None = None, *, seed: SeedVectors | None = None) -> None:
        self.path = path
        self.seed = seed
        self._memory: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._file_ok = path is not None
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                with self._connect() as connection:
                    connection.execute(
                        "CREATE TABLE IF NOT EXISTS vector (key TEXT PRIMARY KEY, data BLOB)"
                    )
            except (OSError, sqlite3.Error) as error:
                self._disable(error)

    def _connect(self) -> sqlite3.Connection:
        assert self.path is not None
        connection = sqlite3.connect(self.path, timeout=10)
        connection.execute("PRAGMA journal_mode=WAL")
        return connection

    def _disable(self, error: Exception) -> None:
        if self._file_ok:
            log.warning(
                "The embedding cache file %s cannot be used (%s); embeddings are kept in "
                "memory only, so a restart computes them again.",
                self.path,
                error,
            )
        self._file_ok = False

    @property
    def size(self) -> int:
        """How many vectors this process holds in memory."""
        return len(self._memory)

    def snapshot(self) -> dict[str, bytes]:
        """The vectors held in memory, by key."""
        with self._lock:
            return dict(self._memory)

    def embed(self, embedder: Embedder, texts: Sequence[str], *, kind: Kind) -> Vectors:
        """Vectors for ``texts`` in order, computing only those not cached yet."""
        keys = [cache_key(embedder.model_id, kind, text) for text in texts]
        found: dict[str, bytes] = {}
        with self._lock:
            for key in keys:
                data = self._memory.get(key)
                if data is not None:
                    found[key] = data
        missing = [k for k in dict.fromkeys(keys) if k not in found]
        if missing and self.seed is not None:
            for key in missing:
                data = self.seed.get(key)
                if data is not None:
                    found[key] = data
            missing = [k for k in missing if k not in found]
        if missing and self._file_ok:
            found.update(self._read(missing))
        todo = {key: text for key, text in zip(keys, texts, strict=True) if key not in found}
        if todo:
            items = list(todo.items())
            computed: dict[str, bytes] = {}
            for start in range(0, len(items), _BATCH):
                chunk = items[start : start + _BATCH]
                vectors = embedder.embed([text for _, text in chunk], kind=kind)
                for (key, _), vector in zip(chunk, vectors, strict=True):
                    computed[key] = np.asarray(vector, dtype=np.float32).tobytes()
            found.update(computed)
            if self._file_ok:
                self._write(computed)
        with self._lock:
            self._memory.update(found)
        return np.stack([np.frombuffer(found[key], dtype=np.float32) for key in keys])

    def _read(self, keys: list[str]) -> dict[str, bytes]:
        result: dict[str, bytes] = {}
        try:
            with self._connect() as connection:
                for start in range(0, len(keys), 500):
                    chunk = keys[start : start + 500]
                    marks = ",".join("?" * len(chunk))
                    rows = connection.execute(
                        f"SELECT key, data FROM vector WHERE key IN ({marks})", chunk
                    )
                    result.update((str(key), bytes(data)) for key, data in rows)
        except sqlite3.Error as error:
            self._disable(error)
        return result

    def _write(self, vectors: dict[str, bytes]) -> None:
        try:
            with self._connect() as connection:
                connection.executemany(
                    "INSERT OR IGNORE INTO vector (key, data) VALUES (?, ?)", vectors.items()
                )
        except sqlite3.Error as error:
            self._disable(error)


def default_cache_path(database_url: str, override: str | None) -> Path | None:
    """Where the cache file goes: ``MERKWERKER_EMBEDDING_CACHE`` (``off`` for none),
    else beside a SQLite database file, else in the user's cache folder."""
    if override is not None and override.strip():
        value = override.strip()
        return None if value.lower() == "off" else Path(value).expanduser()
    prefix = "sqlite:///"
    if database_url.startswith(prefix) and ":memory:" not in database_url:
        database = Path(database_url.removeprefix(prefix).split("?", 1)[0])
        if database.name:
            return database.with_name(database.name + ".embeddings")
    return Path.home() / ".cache" / "merkwerker" / "embeddings.sqlite3"
