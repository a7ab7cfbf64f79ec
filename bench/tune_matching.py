"""Fit the weights of the semantic + lexical fusion (bot/answering/fusion.py; the numbers
live in bot/answering/fitted.py).

Training data (never a fresh organisation's set before its figures are reported):
- the regression questions in tests/data/questions.yaml, and the 50 questions to the
  shipped guidelines (tests/data/heldout/shipped_questions.yaml);
- leave-one-out questions: each example of each rule, asked with itself removed;
- the rule questions of both, again with a sentence of context in front, so that
  extra words do not push a clear match to "unknown";
- sparse variants of the shipped guidelines (three examples per rule), asked the
  examples left out;
- ten other organisations' guidelines and questions, and leave-one-out over their
  examples: a municipality (tests/data/dev/, always used for tuning), a hospital, a
  bank, a university, a supermarket chain, a public transport operator, a housing
  corporation, a childcare organisation, a water board and a construction company
  (tests/data/heldout/ to heldout9/, each used once its held-out figures had been
  reported). The insurer, the grid operator, the hotel chain, the school foundation,
  the accountancy firm, the telecom provider, the pension administrator, the
  logistics company, the law firm, the regional airport, the museum, the IT services
  company, the pharmaceutical manufacturer, the regional broadcaster, the football club,
  the dairy cooperative, the elderly-care organisation, the temp and recruitment agency,
  the engineering consultancy, the national charity, the port authority, the fashion
  retailer, the veterinary clinics, the software scale-up, the seed breeder, the waste
  and recycling company, the theme park, the youth care organisation, the energy
  supplier, the flower auction, the mental health care provider and the festival
  organiser (heldout10/ to heldout41/) are held out: never fitted on.

With the default model, the similarities come through the adapter
(bench/train_adapter.py), cross-fitted: each group of samples (the shipped guidelines'
or one organisation's) is answered through an adapter fitted without that group, so
the fusion learns how far similarities carry on guidelines the adapter never saw.

The ranking model is fitted listwise: for each question, a softmax over its candidates
must put the right rule first (``fit_listwise_hidden``: one weight per feature and
``--hidden=N`` tanh units beside them, 8 unless told; ``--hidden=0`` for the weights
alone); a scale and a bias fitted on top make its score a probability. ``--pointwise``
fits the weights alone, candidate by candidate.
The gate (whether the best candidate is right at all) is a logistic model on top.

Prints the fitted weights and hidden units and, for the thresholds in fusion.py, the
training figures. Paste them into bot/answering/fitted.py by hand.

With ``--looo`` (leave one organisation out) it fits ten times, each time without
one organisation's questions and examples, and measures on that organisation's
questions: the figure to judge a change by, since the organisation measured never
took part in the fit. Each organisation's line is followed by how its questions were
missed: ranked first but held back, right rule second or third, lower, or not among the
candidates at all.

    python bench/tune_matching.py [--looo] [--misses] [--grid]

Options for comparing variants: ``--reuse`` (the features of the last run, saved in
.bench-samples.pickle), ``--drop=feature,...`` (fit without those features),
``--exclude=kind,...`` (fit without those kinds of sample), ``--qw=N`` (weight of the
questions written from titles and answers), ``--l2=X``, ``--gate-l2=X``, ``--no-cross``
(gate fitted on in-sample rankings), ``--pointwise``, ``--off=N`` (weight of off-topic
questions in the gate), ``--band=X`` (``fusion.OFF_TOPIC_BAND``) and, with ``--looo``,
``--choice-min=X,Y,...`` (``fusion.CHOICE_MIN`` values measured side by side on the same
fits); for the hidden units ``--hidden=N``, ``--hidden-l2=X``, ``--steps=N`` (of the
listwise fit) and ``--members=N`` (models from other random starts, their scores
averaged).
``MERKWERKER_EMBEDDER`` fits for another model (see bot/answering/embedding.py);
``TUNE_SAMPLES=path`` keeps its features apart from the default model's.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import fitting  # noqa: E402
from bench.fitting import fit_listwise, fit_listwise_ensemble, fit_rows  # noqa: E402
from bench.matching_samples import (  # noqa: E402
    TUNING_ORGANISATIONS,
    Sample,
    collect,
)
from bench.tuning_figures import categories, figures, grid, misses, report  # noqa: E402
from bot.answering import fusion  # noqa: E402


def option(name: str, default: str) -> str:
    """The value of ``--name=value`` on the command line, or ``default``."""
    return next((a.split("=", 1)[1] for a in sys.argv if a.startswith(f"--{name}=")), default)


L2 = float(option("l2", "0.03"))
"""How strongly the weights are pulled towards zero."""
fusion.OFF_TOPIC_BAND = float(option("band", str(fusion.OFF_TOPIC_BAND)))
OFF_TOPIC_WEIGHT = float(option("off", "2"))


def gate_rows(samples: list[Sample]) -> tuple[list[list[float]], list[int], list[float]]:
    rows: list[list[float]] = []
    labels: list[int] = []
    weights: list[float] = []
    for sample in samples:
        if not sample.rows or sample.fixed:
            continue
        probs = [fusion.probability(r) for r in sample.rows]
        order = sorted(range(len(probs)), key=lambda i: -probs[i])
        top = order[0]
        second = probs[order[1]] if len(order) > 1 else 0.0
        rows.append(fusion.gate_features(sample.rows[top], probs[top], second))
        labels.append(int(sample.ids[top] == sample.expect))
        # Off-topic questions are few but answering them is the costly mistake.
        weights.append(OFF_TOPIC_WEIGHT if sample.expect == "unknown" else 1.0)
    return rows, labels, weights


GATE_L2 = float(option("gate-l2", "0.1"))
"""How strongly the gate's weights are pulled towards zero: harder than the ranker's,
which left one organisation out gave fewer confident wrong answers (0.1: none over the
five; 0.03: two)."""
QUESTION_WEIGHT = float(option("qw", "2"))
"""How much a question written from the titles and answers counts against an example
asked back (written by the people who wrote the rule, so closer to its texts)."""
QUESTION_KINDS = ("shipped", *(name for name, _ in TUNING_ORGANISATIONS))


def fit(samples: list[Sample], kinds: list[str] | None = None) -> None:
    """Fit the ranking model, then the gate on top of it, into ``fusion``."""
    kinds = kinds or ["?"] * len(samples)
    pairs = [(s, k) for s, k in zip(samples, kinds, strict=True) if not s.fixed]
    fitted = ranker(pairs)
    install(fitted)
    if CROSS_FIT:
        rows, labels, weights = cross_fitted_gate_rows(pairs)
        install(fitted)
    else:
        rows, labels, weights = gate_rows(samples)
    gw, gb = fit_rows(rows, labels, l2=GATE_L2, balance=False, sample_weight=weights)
    fusion.GATE_WEIGHTS, fusion.GATE_BIAS = tuple(float(v) for v in gw), float(gb)


POINTWISE = "--pointwise" in sys.argv
"""Fit the ranking model candidate by candidate (right rule or not), as before the
listwise fit (for comparison)."""


HIDDEN_UNITS = int(option("hidden", "8"))
"""Hidden units beside the weights (``--hidden=0``: the weights alone)."""
MEMBERS = int(option("members", "1"))
"""Models with hidden units fitted from other random starts whose scores are averaged
(``--members=N``; 1: one model)."""
HIDDEN_L2 = float(option("hidden-l2", "0.01"))
"""How strongly the hidden units' weights are pulled towards zero."""
fitting.LISTWISE_STEPS = int(option("steps", str(fitting.LISTWISE_STEPS)))


@dataclass(frozen=True)
class Ranker:
    """A fitted ranking model, as ``fusion`` holds it."""

    weights: tuple[float, ...]
    bias: float
    hidden: tuple[tuple[float, ...], ...] = ()
    hidden_bias: tuple[float, ...] = ()
    hidden_out: tuple[float, ...] = ()


def install(model: Ranker) -> None:
    """Make ``model`` the one ``fusion.probability`` uses."""
    fusion.WEIGHTS, fusion.BIAS = model.weights, model.bias
    fusion.HIDDEN, fusion.HIDDEN_BIAS = model.hidden, model.hidden_bias
    fusion.HIDDEN_OUT = model.hidden_out


def _floats(values: np.ndarray) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


def ranker(pairs: list[tuple[Sample, str]]) -> Ranker:
    """The ranking model, fitted on ``pairs``."""
    weights = [QUESTION_WEIGHT if k in QUESTION_KINDS else 1.0 for _, k in pairs]
    rows = [r for s, _ in pairs for r in s.rows]
    labels = [label for s, _ in pairs for label in s.labels]
    if POINTWISE:
        w, b = fit_rows(
            rows,
            labels,
            l2=L2,
            sample_weight=[w for (s, _), w in zip(pairs, weights, strict=True) for _ in s.rows],
        )
        return Ranker(weights=_floats(w), bias=b)
    questions = [
        (np.array(s.rows), int(np.argmax(s.labels)), weight)
        for (s, _), weight in zip(pairs, weights, strict=True)
        if s.rows and sum(s.labels) == 1
    ]
    every = np.array(rows)
    # The model ranks; a scale and a bias on top make its score a probability again
    # (the gate and the thresholds read it as one).
    if HIDDEN_UNITS:
        model = fit_listwise_ensemble(
            questions, every, l2=L2, units=HIDDEN_UNITS, members=MEMBERS, hidden_l2=HIDDEN_L2
        )
        scores = model.scores(every)
    else:
        w = fit_listwise(questions, every, l2=L2)
        scores = every @ w
    scale, bias = fit_rows([[float(v)] for v in scores], labels, l2=0.0, steps=2000)
    if not HIDDEN_UNITS:
        return Ranker(weights=_floats(w * scale[0]), bias=bias)
    return Ranker(
        weights=_floats(model.weights * scale[0]),
        bias=bias,
        hidden=tuple(_floats(unit) for unit in model.hidden.T),
        hidden_bias=_floats(model.hidden_bias),
        hidden_out=_floats(model.out * scale[0]),
    )


EXCLUDED = option("exclude", "").split(",")
"""Kinds of sample left out of the fit (for comparing training sets)."""
CROSS_FIT = "--no-cross" not in sys.argv
"""The gate learns from rankings of samples the ranking model was not fitted on."""


def cross_fitted_gate_rows(
    pairs: list[tuple[Sample, str]],
) -> tuple[list[list[float]], list[int], list[float]]:
    """The gate's rows with each sample ranked by a model fitted without its group, so
    that the gate learns how sure the ranking is on guidelines it never saw."""

    def group(kind: str) -> str:
        return kind.removesuffix("-loo") if kind.removesuffix("-loo") in QUESTION_KINDS else "own"

    groups = sorted({group(k) for _, k in pairs})
    rows: list[list[float]] = []
    labels: list[int] = []
    weights: list[float] = []
    for held in groups:
        train = [(s, k) for s, k in pairs if group(k) != held]
        test = [s for s, k in pairs if group(k) == held]
        if not train or not test:
            continue
        install(ranker(train))
        r, lab, wt = gate_rows(test)
        rows += r
        labels += lab
        weights += wt
    return rows, labels, weights


CHOICE_MINS = tuple(float(v) for v in option("choice-min", str(fusion.CHOICE_MIN)).split(","))
"""``fusion.CHOICE_MIN`` values to measure side by side with ``--looo`` (a threshold of
what is shown, not of the fit: each fold is fitted once and measured with each)."""


def leave_one_organisation_out(samples: list[Sample], kinds: list[str]) -> None:
    """Fit without one organisation (its questions and its examples), measure on its
    questions; for each organisation in turn, and the mean."""
    totals: dict[float, list[tuple[float, float, int]]] = {v: [] for v in CHOICE_MINS}
    shipped = fusion.CHOICE_MIN
    for name, _ in TUNING_ORGANISATIONS:
        excluded = {name, f"{name}-loo", *EXCLUDED}
        kept = [(s, k) for s, k in zip(samples, kinds, strict=True) if k not in excluded]
        fit([s for s, _ in kept], [k for _, k in kept])
        for value in CHOICE_MINS:
            fusion.CHOICE_MIN = value
            strict, offered, wrong_sure, total = figures(samples, kinds, name)
            totals[value].append((strict, offered, wrong_sure))
            print(
                f"left out {name:12} n={total:4} strict={strict:.1%} offered={offered:.1%} "
                f"sure-but-wrong={wrong_sure}"
                + (f" (CHOICE_MIN={value:g})" if len(CHOICE_MINS) > 1 else ""),
                flush=True,
            )
        fusion.CHOICE_MIN = shipped
        if "--misses" in sys.argv:
            misses(samples, kinds, name)
        categories(samples, kinds, name)
    for value, rows in totals.items():
        mean = np.mean(np.array(rows), axis=0)
        print(
            f"leave-one-organisation-out mean: strict={mean[0]:.1%} offered={mean[1]:.1%} "
            f"sure-but-wrong={sum(t[2] for t in rows)} (total)"
            + (f" (CHOICE_MIN={value:g})" if len(CHOICE_MINS) > 1 else "")
        )


def drop_features(samples: list[Sample], names: list[str]) -> None:
    """Zero the named features, so the fit leaves them out (for comparing sets)."""
    columns = [fusion.FEATURES.index(n) for n in names]
    for sample in samples:
        for row in sample.rows:
            for c in columns:
                row[c] = 0.0


def main() -> None:
    import pickle

    saved = ROOT / os.environ.get("TUNE_SAMPLES", ".bench-samples.pickle")
    if "--reuse" in sys.argv and saved.exists():
        # The features of the last run (only while the features stay the same).
        samples, kinds = pickle.loads(saved.read_bytes())
    else:
        samples, kinds = collect()
        saved.write_bytes(pickle.dumps((samples, kinds)))
    dropped = option("drop", "")
    if dropped:
        drop_features(samples, dropped.split(","))
    if "--looo" in sys.argv:
        leave_one_organisation_out(samples, kinds)
        return
    fit(samples, kinds)
    print("WEIGHTS =", tuple(round(float(v), 2) for v in fusion.WEIGHTS))
    print("BIAS =", round(float(fusion.BIAS), 2))
    print("HIDDEN = (")
    for unit in fusion.HIDDEN:
        print("    (", ", ".join(f"{v:.3f}" for v in unit), "),")
    print(")")
    print("HIDDEN_BIAS =", tuple(round(float(v), 3) for v in fusion.HIDDEN_BIAS))
    print("HIDDEN_OUT =", tuple(round(float(v), 3) for v in fusion.HIDDEN_OUT))
    print("GATE_WEIGHTS =", tuple(round(float(v), 2) for v in fusion.GATE_WEIGHTS))
    print("GATE_BIAS =", round(float(fusion.GATE_BIAS), 2))
    report(samples, kinds)
    if "--misses" in sys.argv:
        misses(samples, kinds, "regression")
    if "--grid" in sys.argv:
        grid(samples, kinds)


if __name__ == "__main__":
    main()
