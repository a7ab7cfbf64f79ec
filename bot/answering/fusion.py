"""Combining the semantic and the lexical signals into one decision per question.

For each candidate rule a handful of features (how similar the question is to the
rule's texts compared with the other rules, BM25 score, how much of the question's
meaning the rule's words cover; for the pseudo-rule of the general principles, how
general the question is) go into a small model, one weight per feature plus a few
hidden units, fitted by ``bench/tune_matching.py`` to put the right rule first among
each question's candidates (a softmax over them), then scaled into a probability. The data: the
regression questions, leave-one-out and sparse variants of the shipped guidelines, and
ten other organisations' guidelines and questions (a municipality, a hospital, a bank, a
university, a supermarket chain, a public transport operator, a housing corporation, a
childcare organisation, a water board and a construction company), with the
similarities of the default model through its adapter (``bot.answering.adapter``). A
change is judged by leaving each organisation out of the fit in turn and measuring on
it (``--looo``). Neither signal decides alone: a typo'd keyword still counts, and extra
context words lower coverage without pushing
a clear semantic match to "unknown".

The model's probability for the best rule decides what the person sees:

- at least ``SURE``, and clearly ahead of the next rule: the answer, no doubt;
- at least ``LIKELY``: the likeliest rule's answer, said to be a guess, with the
  other plausible rules offered ("did you mean");
- at least ``OFFER``: no answer, but the plausible rules offered;
- below that: "no rule covers this" (an off-topic question).

After that (``settle``), a question closer to everyday workplace questions (see
``general.OFF_TOPIC_EXAMPLES``) than to every rule is off-topic, whatever the scores,
and gets no choices; one almost as close to them (``OFF_TOPIC_BAND``, wider for a
question without any posting word) gets no answer, only the plausible rules offered.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.answering.fitted import (
    BIAS,
    GATE_BIAS,
    GATE_WEIGHTS,
    HIDDEN,
    HIDDEN_BIAS,
    HIDDEN_OUT,
    WEIGHTS,
)
from bot.answering.general import GENERAL_ID
from bot.answering.matcher import Candidate, Lexical
from bot.answering.semantic import Similarities
from bot.answering.topic import ABOUT_POSTING_MIN

FEATURES = (
    "similarity",
    "above_off_topic",
    "semantic",
    "semantic_gap",
    "whole",
    "whole_gap",
    "answer",
    "answer_topic",
    "centroid",
    "bm25",
    "bm25_share",
    "coverage",
    "semantic_rank",
    "whole_rank",
    "lexical_rank",
    "general",
    "answer_bm25",
    "answer_bm25_share",
    "centroid_whole",
    "hub",
    "general_whole",
    "general_centroid",
    "general_words",
)

GATE_FEATURES = ("rank_logit", "rank_margin", "similarity", "above_off_topic", "coverage", "bm25")
"""What the gate weighs (``fitted.GATE_WEIGHTS``): whether the best candidate is right at all."""

SURE = 0.93
"""The gate's probability for a plain answer; below it the answer is hedged. Chosen
leaving one organisation out: 0.93 gave one confident wrong answer fewer than 0.9 over
the five organisations (none instead of one), at the same share right."""
LIKELY = 0.15
OFFER = 0.05
CHOICE_MIN = 0.1
"""A rule is offered as a choice when at least this share of the best one's probability.
Leaving one organisation out of ten, 0.05, 0.02 and 0 (always the best three) offered
not one question more than 0.1 on any of them (``--looo --choice-min=0.1,0.05,0.02,0``):
a right rule ranked second or third is above it already, so lower only shows more."""
MAX_CHOICES = 3
RELATED_MIN = 0.5
CANDIDATES = 8
"""Rules considered per question: the best by topic words and the best by words."""
OTHER_CANDIDATES = 4
"""And the best by each other similarity. Left out of the candidates, the right rule
could never be offered; with these, leaving one organisation out of six: 86.2% strict
and 94.1% offered (was 85.1% / 92.7%); the best 8 of each gave 85.7% / 93.8%."""


@dataclass(frozen=True, kw_only=True)
class Decision:
    """Candidates by probability (best first), and how sure the best one is."""

    ranked: tuple[Candidate, ...]
    best: Candidate | None
    sure: bool
    choices: tuple[Candidate, ...]
    related: tuple[Candidate, ...]
    confidence: float
    """The gate's probability that ``ranked[0]`` is right."""


def candidate_positions(similarities: Similarities, lexical: Lexical) -> list[int]:
    """The rules worth scoring: the top of the semantic and of the lexical ranking, and
    the few nearest by the question as written (to the examples, to each rule as a
    whole, to the answers), so that a rule one signal ranks low still gets scored."""
    top_semantic = np.argsort(-similarities.short, kind="stable")[:CANDIDATES]
    top_lexical = [
        int(i)
        for i in np.argsort(-lexical.scores, kind="stable")[:CANDIDATES]
        if lexical.scores[i] > 0
    ]
    top_other = [
        int(i)
        for scores in (similarities.whole, similarities.centroid_whole, similarities.answer)
        for i in np.argsort(-scores, kind="stable")[:OTHER_CANDIDATES]
    ]
    return list(dict.fromkeys([*map(int, top_semantic), *top_lexical, *top_other]))


def features(
    position: int,
    similarities: Similarities,
    lexical: Lexical,
    coverage: float,
    *,
    general: bool = False,
) -> list[float]:
    """The feature vector of one candidate, in ``FEATURES`` order.

    ``general`` marks the pseudo-rule of the principles, whose texts differ in kind.
    """
    short = similarities.short
    whole = similarities.whole
    typical = similarities.typical
    answer = similarities.answer[position]
    answer_topic = similarities.answer_topic[position]
    top_bm25 = float(lexical.scores.max()) if lexical.scores.size else 0.0
    bm25 = float(lexical.scores[position])
    answer_scores = lexical.answer_scores
    answer_bm25 = float(answer_scores[position]) if answer_scores is not None else 0.0
    top_answer = float(answer_scores.max()) if answer_scores is not None else 0.0
    return [
        float(short[position]),
        float(short[position] - similarities.off_topic),
        float(short[position] - typical.short_median),
        float(short[position] - typical.short_max),
        float(whole[position] - typical.whole_median) if whole[position] > -1 else 0.0,
        float(whole[position] - typical.whole_max) if whole[position] > -1 else -0.2,
        float(answer - typical.answer_median) if answer > -1 else 0.0,
        float(answer_topic - typical.answer_topic_median) if answer_topic > -1 else 0.0,
        float(similarities.centroid[position] - typical.centroid_median),
        math.log1p(bm25),
        bm25 / top_bm25 if top_bm25 > 0 else 0.0,
        coverage,
        1.0 / (1 + int((short > short[position]).sum())),
        1.0 / (1 + int((whole > whole[position]).sum())),
        1.0 / (1 + int((lexical.scores > bm25).sum())) if bm25 > 0 else 0.0,
        float(general),
        math.log1p(answer_bm25),
        answer_bm25 / top_answer if top_answer > 0 else 0.0,
        float(similarities.centroid_whole[position] - typical.centroid_whole_median),
        float(similarities.hub[position]),
        float(general)
        * (float(whole[position] - typical.whole_max) if whole[position] > -1 else -0.2),
        float(general) * float(similarities.centroid[position] - typical.centroid_median),
        float(general) / (1 + len(lexical.analysed)),
    ]


def off_topic_margin(similarities: Similarities) -> float:
    """How much closer the question is to an everyday workplace question (leave,
    expenses, a meeting room, a password) than to any text of any rule: above 0, no
    rule is about it."""
    nearest_rule = max(float(similarities.short.max()), float(similarities.whole.max()))
    return similarities.off_topic - nearest_rule


OFF_TOPIC_BAND = 0.05
"""How near to the everyday workplace questions (in cosine similarity, below the nearest
rule text) a question may come before no rule is answered, only offered. Chosen by
leaving one organisation out of ten, with the adapter: 0.05 gave 85.7% strict and 94.8%
offered, 0.03 85.5% / 94.6%, 0.015 (the choice before the adapter) 85.3% / 94.4%."""

NOT_PUBLISHING_BAND = 0.1
"""The same band for a question with none of ``general.PUBLISHING_WORDS`` (no posting,
sharing, platform, photo, press or draft): most everyday workplace questions have none
of them (84% of the tuning organisations' off-topic questions, against 12% of their rule
questions), so such a question needs to be clearly nearer to a rule to be answered.
Leaving one organisation out of ten (910 questions, with the organisation's name left
out of questions): 0.1 gave 88.9% strict and 95.6% offered, 0.15 88.2% / 95.8%, without
this band 88.2% / 94.9%; a band of 0.1 for every question lost a point strict."""


def settle(
    decision: Decision,
    *,
    margin: float,
    publishing: bool,
    about_posting: float | None = None,
) -> Decision:
    """``decision`` for a question ``margin`` nearer to the everyday workplace questions
    than to any rule (see ``off_topic_margin``), ``publishing`` if it has any of
    ``general.PUBLISHING_WORDS``: nearer, it is off-topic (no rule, none offered: the
    contact is the answer); almost as near, the rules are only offered; otherwise
    ``decision`` stands. A question the topic gate (``topic``) gives less than
    ``topic.ABOUT_POSTING_MIN`` of being about posting at all is off-topic too, unless
    the ranking is sure of a rule or the best answer is the principles (see
    ``_not_about_posting``).

    Offering the rules to an off-topic question whose best rule the gate is still at
    least 0.8 sure of gained three questions of 910 leaving one organisation out (88.9%
    / 95.9% against 88.9% / 95.6%) and showed choices to three more off-topic ones: not
    kept, since an off-topic question gets the contact and nothing to pick from."""
    if margin > 0 or _not_about_posting(decision, about_posting):
        return dataclasses.replace(decision, best=None, sure=False, choices=(), related=())
    band = OFF_TOPIC_BAND if publishing else max(OFF_TOPIC_BAND, NOT_PUBLISHING_BAND)
    if margin > -band:
        return offered_only(decision)
    return decision


def offered_only(decision: Decision) -> Decision:
    """``decision`` without an answer: its plausible rules as choices, nothing sure."""
    ranked = decision.ranked
    if not ranked:
        return decision
    top = max(ranked[0].probability or 0.0, 1e-9)
    choices = decision.choices or tuple(
        c for c in ranked[:MAX_CHOICES] if (c.probability or 0.0) >= CHOICE_MIN * top
    )
    return dataclasses.replace(decision, best=None, sure=False, choices=choices, related=())


def probability(values: Sequence[float]) -> float:
    """The ranking model's probability that the candidate is the rule meant: the
    weighted features, plus the hidden units' say."""
    score = BIAS + sum(w * v for w, v in zip(WEIGHTS, values, strict=True))
    for weights, bias, out in zip(HIDDEN, HIDDEN_BIAS, HIDDEN_OUT, strict=True):
        score += out * math.tanh(bias + sum(w * v for w, v in zip(weights, values, strict=True)))
    return _logistic(score)


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def gate_features(top: Sequence[float], p_top: float, p_second: float) -> list[float]:
    """What says whether the best candidate is right at all, in ``GATE_FEATURES`` order."""
    by_name = dict(zip(FEATURES, top, strict=True))
    logit = math.log(max(p_top, 1e-6) / max(1 - p_top, 1e-6))
    return [
        logit,
        p_top - p_second,
        by_name["similarity"],
        by_name["above_off_topic"],
        by_name["coverage"],
        by_name["bm25"],
    ]


def confidence(values: Sequence[float]) -> float:
    """The gate's probability that the best candidate is the rule meant (0 to 1)."""
    return _logistic(GATE_BIAS + sum(w * v for w, v in zip(GATE_WEIGHTS, values, strict=True)))


def decide(scored: Sequence[tuple[Candidate, Sequence[float]]]) -> Decision:
    """Rank the candidates (each with its feature values) and decide what to offer."""
    ranked_pairs = sorted(scored, key=lambda pair: pair[0].probability or 0.0, reverse=True)
    ranked = tuple(c for c, _ in ranked_pairs)
    if not ranked:
        return Decision(ranked=(), best=None, sure=False, choices=(), related=(), confidence=0.0)
    p_top = ranked[0].probability or 0.0
    p_second = (ranked[1].probability or 0.0) if len(ranked) > 1 else 0.0
    sure_of_top = confidence(gate_features(ranked_pairs[0][1], p_top, p_second))
    plausible = tuple(c for c in ranked if (c.probability or 0.0) >= CHOICE_MIN * max(p_top, 1e-9))
    choices = plausible[:MAX_CHOICES]
    if sure_of_top >= SURE:
        related = tuple(c for c in ranked[1:4] if (c.probability or 0.0) >= RELATED_MIN)
        return Decision(
            ranked=ranked,
            best=ranked[0],
            sure=True,
            choices=(),
            related=related,
            confidence=sure_of_top,
        )
    if sure_of_top >= LIKELY:
        return Decision(
            ranked=ranked,
            best=ranked[0],
            sure=False,
            choices=choices,
            related=(),
            confidence=sure_of_top,
        )
    if sure_of_top >= OFFER:
        return Decision(
            ranked=ranked,
            best=None,
            sure=False,
            choices=choices,
            related=(),
            confidence=sure_of_top,
        )
    return Decision(
        ranked=ranked, best=None, sure=False, choices=(), related=(), confidence=sure_of_top
    )


def _not_about_posting(decision: Decision, about_posting: float | None) -> bool:
    """Whether the topic gate overrules ``decision``: the gate judges the question
    alone, the ranking judges it against these guidelines. A rule the ranking is sure
    of stays (an owner's rule on the referral bonus makes "how does the referral bonus
    work?" a question about the guidelines, whatever the gate was fitted on), and so do
    the principles ("what are the rules?" says nothing about posting and still asks for
    them)."""
    if about_posting is None or about_posting >= ABOUT_POSTING_MIN:
        return False
    if decision.sure:
        return False
    return decision.best is None or decision.best.rule_id != GENERAL_ID
