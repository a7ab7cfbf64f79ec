"""The two model fits of bench/tune_matching.py, on plain arrays.

``fit_rows`` is a logistic regression (the gate, and the pointwise ranking model);
``fit_listwise`` fits the ranking model's weights so that the right rule comes first
among each question's candidates.
"""

from __future__ import annotations

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
    mean, spread = every.mean(axis=0), every.std(axis=0) + 1e-9
    # One row per question, its candidates side by side (missing ones masked out).
    width = max(len(rows) for rows, _, _ in questions)
    x = np.zeros((len(questions), width, every.shape[1]))
    present = np.zeros((len(questions), width), dtype=bool)
    for i, (rows, _, _) in enumerate(questions):
        x[i, : len(rows)] = (rows - mean) / spread
        present[i, : len(rows)] = True
    right = np.array([position for _, position, _ in questions])
    question_weight = np.array([w for _, _, w in questions])
    question_weight = question_weight / question_weight.sum()
    x_right = x[np.arange(len(questions)), right]
    w = np.zeros(x.shape[2])
    first = np.zeros_like(w)
    second = np.zeros_like(w)
    for step in range(1, LISTWISE_STEPS + 1):
        z = np.where(present, x @ w, -np.inf)
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        gradient = np.einsum("q,qk,qkf->f", question_weight, p, x) - question_weight @ x_right
        gradient = gradient + l2 * w
        first = 0.9 * first + 0.1 * gradient
        second = 0.999 * second + 0.001 * gradient * gradient
        w -= 0.05 * (first / (1 - 0.9**step)) / (np.sqrt(second / (1 - 0.999**step)) + 1e-8)
    return w / spread
