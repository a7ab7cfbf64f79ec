"""Latency of answering and checking, on the shipped guidelines and on 500 generated rules.

Run: python bench/bench_core.py [--rounds N]
Prints p50/p99 in milliseconds. Pinned to one core when the OS allows, since the
targets (check p99 under 10 ms with 500 rules; ask p99 under 10 ms when matching is
lexical, MERKWERKER_EMBEDDER=off) are per core. Answers use the answerer the
environment configures (``Answerer.from_env``); bench_answers.py measures semantic
matching, index builds and start-up in detail.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from bot.answering.answer import answer_question
from bot.answering.answerer import Answerer
from bot.checking import check
from bot.guidelines import Guidelines, load_guidelines

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 22)
WORDS = (
    "klant project foto kantoor vacature salaris storing pers concurrent logo reis badge "
    "beurs award functie linkedin privacy collega scherm whiteboard tender roadmap product "
    "client office photo vacancy salary outage press competitor travel event title screen "
    "energie netwerk laadpaal meter factuur contract leverancier partner juridisch audit"
).split()
QUESTIONS = [
    "Mag ik zeggen voor welke klant ik werk?",
    "Can I share a photo of the office party?",
    "mag ik een vacature delen op linkedin",
    "What may I post about the outage yesterday?",
    "Een journalist belde me, wat moet ik doen?",
    "hoe laat gaat de kantine open?",
    "Can I mention our quarterly results before they are published?",
    "wat mag ik posten?",
]


def generated_rules(folder: Path, count: int, seed: int = 7) -> Path:
    """Write a guidelines folder with ``count`` plausible rules, each with checks."""
    rng = random.Random(seed)
    lines = [
        "organisation: Bench BV",
        "languages: [nl, en]",
        "contacts:",
        "  security: {name: Security}",
        "rules:",
    ]
    seen: set[str] = set()
    for n in range(count):
        words = rng.sample(WORDS, 4)
        examples = [
            f"Mag ik iets over {words[0]} en {words[1]} delen",
            f"Can I post about the {words[2]} {words[3]}",
            f"Is het ok om {words[1]} {words[3]} te noemen",
        ]
        # The same question in two rules is a mistake `validate` warns about; the
        # second gets the rule's number, so the words drawn stay as they were.
        examples = [e if e not in seen else f"{e} ({n})" for e in examples]
        seen.update(examples)
        lines += [
            f"  - id: rule-{n}",
            f"    title: {{nl: Regel {n} {words[0]}, en: Rule {n} {words[1]}}}",
            f"    verdict: {rng.choice(['allowed', 'not_allowed', 'ask_first'])}",
            "    owner: security",
            f"    answer: {{nl: Antwoord {n}., en: Answer {n}.}}",
            "    examples:",
            *(f"      - {e}?" for e in examples),
            f"    keywords: [{', '.join(words)}]",
            "    checks:",
            f"      - terms: [Codename {n}, Secret {words[0]} {n}]",
            "        severity: block",
            f"      - pattern: '\\b{words[2]}-{n}\\b'",
        ]
    (folder / "rules.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def draft(length: int = 2000, seed: int = 3) -> str:
    """A draft post of ``length`` characters with names, e-mail and a phone number."""
    rng = random.Random(seed)
    text = (
        "Trots op ons team! We werkten met Acme Bank aan Project Falcon. "
        "Mail jan@voorbeeld.nl of bel 06-12345678. "
    )
    while len(text) < length:
        text += " ".join(rng.choice(WORDS) for _ in range(12)) + ". "
    return text[:length]


def percentiles(run: Callable[[], object], rounds: int) -> tuple[float, float]:
    """p50 and p99 of ``run`` in milliseconds, after a warm-up."""
    for _ in range(20):
        run()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def measure(name: str, guidelines: Guidelines, rounds: int, answerer: Answerer) -> None:
    """Print ask and check latency for one guidelines set."""
    questions = iter(QUESTIONS * (rounds // len(QUESTIONS) + 30))
    ask50, ask99 = percentiles(
        lambda: answer_question(
            next(questions), guidelines, language="nl", today=TODAY, answerer=answerer
        ),
        rounds,
    )
    text = draft()
    chk50, chk99 = percentiles(lambda: check(text, guidelines, language="nl", today=TODAY), rounds)
    print(
        f"{name:<28} rules={len(guidelines.rules):>4}  "
        f"ask p50={ask50:6.2f} ms p99={ask99:6.2f} ms  "
        f"check(2,000 chars) p50={chk50:6.2f} ms p99={chk99:6.2f} ms"
    )


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    answerer = Answerer.from_env()
    shipped = load_guidelines(ROOT / "guidelines").guidelines
    assert shipped is not None, "the shipped guidelines are not valid"
    measure("shipped guidelines", shipped, args.rounds, answerer)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        result = load_guidelines(generated_rules(Path(folder), 500))
        loaded = (time.perf_counter() - start) * 1000
        assert result.guidelines is not None, [p.render() for p in result.problems]
        print(f"loading and validating 500 generated rules: {loaded:.0f} ms")
        measure("500 generated rules", result.guidelines, args.rounds, answerer)


if __name__ == "__main__":
    main()
