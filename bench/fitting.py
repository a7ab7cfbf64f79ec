"""The model fits of bench/tune_matching.py, on plain arrays.

``fit_rows`` is a logistic regression (the gate, and the pointwise ranking model);
``fit_listwise`` fits the ranking model's weights so that the right rule comes first
among each question's candidates, and ``fit_listwise_hidden`` the same with a few
hidden units beside the weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def fit_rows(
    rows: list[list[float]],
    labels: list[int],
    l2: float,
    steps: int = 4000,
    balance: bool = True,
    sample_weight: list[float] | None = None,
) -> tuple[np.ndarray, float]:
    """Logistic regression by gradient descent: weights and bias for ``rows``."""
    raw = np.array(rows)
    y = np.array(labels, dtype=float)
    # Standardise so that every feature learns at the same pace; undone at the end.
    mean, scale = raw.mean(axis=0), raw.std(axis=0) + 1e-9
    x = (raw - mean) / scale
    w = np.zeros(x.shape[1])
    b = 0.0
    rate = 0.5
    # Positives are rare (one per question): weigh them up so the model is not lazy.
    weight = np.where(y == 1, (len(y) - y.sum()) / max(y.sum(), 1), 1.0)
    weight = weight / weight.mean() if balance else np.ones_like(y)
    if sample_weight is not None:
        weight = weight * np.array(sample_weight)
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        grad = (p - y) * weight
        w -= rate * (x.T @ grad / len(y) + l2 * w)
        b -= rate * grad.mean()
    return w / scale, float(b - (w / scale) @ mean)


LISTWISE_STEPS = 1500


def _stacked(
    questions: list[tuple[np.ndarray, int, float]], every: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each question's candidates side by side (standardised, missing ones masked out),
    the position of the right one, the questions' weights, and the features' mean and
    spread."""
    mean, spread = every.mean(axis=0), every.std(axis=0) + 1e-9
    width = max(len(rows) for rows, _, _ in questions)
    x = np.zeros((len(questions), width, every.shape[1]))
    present = np.zeros((len(questions), width), dtype=bool)
    for i, (rows, _, _) in enumerate(questions):
        x[i, : len(rows)] = (rows - mean) / spread
        present[i, : len(rows)] = True
    right = np.array([position for _, position, _ in questions])
    question_weight = np.array([w for _, _, w in questions])
    return x, present, right, question_weight / question_weight.sum(), mean, spread


class _Adam:
    """Adam steps for a few named arrays."""

    def __init__(self, params: dict[str, np.ndarray], rate: float = 0.05) -> None:
        self.params = params
        self.rate = rate
        self.first = {k: np.zeros_like(v) for k, v in params.items()}
        self.second = {k: np.zeros_like(v) for k, v in params.items()}
        self.steps = 0

    def step(self, gradients: dict[str, np.ndarray]) -> None:
        self.steps += 1
        for k, g in gradients.items():
            self.first[k] = 0.9 * self.first[k] + 0.1 * g
            self.second[k] = 0.999 * self.second[k] + 0.001 * g * g
            first = self.first[k] / (1 - 0.9**self.steps)
            second = self.second[k] / (1 - 0.999**self.steps)
            self.params[k] -= self.rate * first / (np.sqrt(second) + 1e-8)


def _softmax_gradient(z: np.ndarray, present: np.ndarray, right: np.ndarray) -> np.ndarray:
    """d(cross-entropy of the right candidate)/d(score), per question and candidate."""
    z = np.where(present, z, -np.inf)
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(right)), right] -= 1.0
    return np.where(present, p, 0.0)


def fit_listwise(
    questions: list[tuple[np.ndarray, int, float]], every: np.ndarray, *, l2: float
) -> np.ndarray:
    """Weights under which, for each question, the right rule has the highest score among
    its candidates: the softmax over each question's candidates, fitted by Adam.

    ``questions``: each question's candidate rows, the position of the right one and the
    question's weight; ``every``: all rows, whose spread sets the features' scale.

    Fitting the ranking itself rather than each candidate apart (right rule or not)
    gave, leaving one organisation out, more right rules first: what a person sees.
    Questions whose right rule is not among the candidates (off-topic ones too) teach
    the ranking nothing and are left to the gate.
    """
    x, present, right, question_weight, _, spread = _stacked(questions, every)
    adam = _Adam({"w": np.zeros(x.shape[2])})
    for _ in range(LISTWISE_STEPS):
        w = adam.params["w"]
        g = _softmax_gradient(x @ w, present, right) * question_weight[:, None]
        adam.step({"w": np.einsum("qk,qkf->f", g, x) + l2 * w})
    return adam.params["w"] / spread


@dataclass(frozen=True)
class HiddenRanker:
    """A ranking score with a small hidden layer beside the linear part, on the features
    as they are (not standardised): ``weights @ x + out @ tanh(hidden.T @ x + bias)``."""

    weights: np.ndarray
    hidden: np.ndarray
    """features x units"""
    hidden_bias: np.ndarray
    out: np.ndarray

    def scores(self, rows: np.ndarray) -> np.ndarray:
        return rows @ self.weights + np.tanh(rows @ self.hidden + self.hidden_bias) @ self.out


def fit_listwise_hidden(
    questions: list[tuple[np.ndarray, int, float]],
    every: np.ndarray,
    *,
    l2: float,
    units: int,
    hidden_l2: float = 0.01,
    seed: int = 0,
) -> HiddenRanker:
    """``fit_listwise`` with ``units`` tanh units beside the linear part, so that one
    feature can count more when another is high (a close example matters less for a
    rule whose whole text is far). Starts from small random hidden weights (a fixed
    ``seed``, so the same data gives the same model)."""
    x, present, right, question_weight, mean, spread = _stacked(questions, every)
    # The candidates that are there, one per row, in single precision: plain matrix
    # products on a third fewer rows, about twice as fast as the three-way array.
    flat = x[present].astype(np.float32)
    weight = np.broadcast_to(question_weight[:, None], present.shape)[present]
    features = flat.shape[1]
    rng = np.random.default_rng(seed)
    adam = _Adam(
        {
            "w": np.zeros(features),
            "u": rng.normal(0.0, 0.3, (features, units)),
            "c": np.zeros(units),
            "v": np.zeros(units),
        }
    )
    z = np.zeros(present.shape)
    for _ in range(LISTWISE_STEPS):
        w, u, c, v = (adam.params[k].astype(np.float32) for k in "wucv")
        h = np.tanh(flat @ u + c)
        z[present] = flat @ w + h @ v
        g = (_softmax_gradient(z, present, right)[present] * weight).astype(np.float32)
        dh = g[:, None] * v * (1 - h * h)
        adam.step(
            {
                "w": flat.T @ g + l2 * w,
                "v": h.T @ g + hidden_l2 * v,
                "u": flat.T @ dh + hidden_l2 * u,
                "c": dh.sum(axis=0),
            }
        )
    w, u, c, v = (adam.params[k] for k in "wucv")
    # Undo the standardisation: (x - mean) / spread.
    hidden = u / spread[:, None]
    return HiddenRanker(
        weights=w / spread,
        hidden=hidden,
        hidden_bias=c - mean @ hidden,
        out=v,
    )


def fit_listwise_ensemble(
    questions: list[tuple[np.ndarray, int, float]],
    every: np.ndarray,
    *,
    l2: float,
    units: int,
    members: int,
    hidden_l2: float = 0.01,
) -> HiddenRanker:
    """The mean score of ``members`` models of ``fit_listwise_hidden``, each started from
    other random hidden weights: one model again, with the members' weights averaged and
    their hidden units side by side, each unit's output divided by ``members``."""
    fits = [
        fit_listwise_hidden(questions, every, l2=l2, units=units, hidden_l2=hidden_l2, seed=seed)
        for seed in range(members)
    ]
    return HiddenRanker(
        weights=np.mean([f.weights for f in fits], axis=0),
        hidden=np.concatenate([f.hidden for f in fits], axis=1),
        hidden_bias=np.concatenate([f.hidden_bias for f in fits]),
        out=np.concatenate([f.out for f in fits]) / members,
    )
