"""The ranking fits of ``bench/tune_matching.py``: what they hand to ``fusion`` scores
the way the fit meant.

The ensemble is handed over as one model (its members' hidden units side by side); if
that folding were wrong, the shipped ranking would not be the one that was measured.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from bench.fitting import fit_listwise_ensemble, fit_listwise_hidden


def _questions(
    rng: np.random.Generator, count: int
) -> tuple[list[tuple[np.ndarray, int, float]], np.ndarray]:
    """Questions of four to seven candidates each, with three features; the right
    candidate is the one whose first two features are high together (not one alone)."""
    questions = []
    for _ in range(count):
        rows = rng.uniform(0.0, 1.0, (int(rng.integers(4, 8)), 3))
        right = int(rng.integers(len(rows)))
        rows[right, :2] = rng.uniform(0.7, 1.0, 2)
        for other in range(len(rows)):
            if other != right and min(rows[other, :2]) > 0.6:
                rows[other, int(rng.integers(2))] = rng.uniform(0.0, 0.5)
        questions.append((rows, right, 1.0))
    return questions, np.concatenate([rows for rows, _, _ in questions])


def _first(
    model_scores: Callable[[np.ndarray], np.ndarray],
    questions: list[tuple[np.ndarray, int, float]],
) -> float:
    return float(np.mean([np.argmax(model_scores(rows)) == right for rows, right, _ in questions]))


def test_a_hidden_ranker_puts_the_right_candidate_first_on_questions_it_never_saw() -> None:
    rng = np.random.default_rng(7)
    train, every = _questions(rng, 300)
    fresh, _ = _questions(rng, 200)
    model = fit_listwise_hidden(train, every, l2=0.03, units=4)
    assert _first(model.scores, fresh) > 0.9


def test_the_ensemble_scores_as_the_mean_of_its_members() -> None:
    rng = np.random.default_rng(3)
    train, every = _questions(rng, 120)
    members = [fit_listwise_hidden(train, every, l2=0.03, units=3, seed=s) for s in range(3)]
    ensemble = fit_listwise_ensemble(train, every, l2=0.03, units=3, members=3)
    rows = rng.uniform(0.0, 1.0, (50, 3))
    assert ensemble.hidden.shape == (3, 9)
    np.testing.assert_allclose(
        ensemble.scores(rows), np.mean([m.scores(rows) for m in members], axis=0), atol=1e-9
    )
    # Other starts give other models, or there would be nothing to average.
    assert not np.allclose(members[0].scores(rows), members[1].scores(rows))
