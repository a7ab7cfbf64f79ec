"""How the fitted fusion does on the tuning samples: the figures ``bench/tune_matching.py``
prints (strict, offered, sure-but-wrong as bot/answering/evaluation.py counts them), how
the misses were missed, and the grid over the thresholds."""

from __future__ import annotations

from bench.matching_samples import TUNING_ORGANISATIONS, Sample
from bot.answering import fusion
from bot.answering.general import GENERAL_ID, about_publishing


def decide(sample: Sample) -> fusion.Decision:
    from bot.answering.matcher import Candidate

    if sample.fixed:
        best = Candidate(rule_id=sample.fixed, score=0.0, coverage=1.0, probability=1.0)
        return fusion.Decision(
            ranked=(best,), best=best, sure=True, choices=(), related=(), confidence=1.0
        )
    scored = [
        (Candidate(rule_id=i, score=0.0, coverage=0.0, probability=fusion.probability(r)), r)
        for i, r in zip(sample.ids, sample.rows, strict=True)
    ]
    decision = fusion.decide(scored)
    return fusion.settle(
        decision,
        margin=sample.off_topic_margin,
        publishing=about_publishing(sample.text),
        about_posting=sample.about_posting,
    )


def figures(samples: list[Sample], kinds: list[str], kind: str | None) -> tuple[float, ...]:
    """Strict, offered and sure-but-wrong as bot/answering/evaluation.py counts them."""
    strict = offered = wrong_sure = total = 0
    for sample, k in zip(samples, kinds, strict=True):
        if kind is not None and k != kind:
            continue
        total += 1
        d = decide(sample)
        got = d.best.rule_id if d.best else "unknown"
        shown = {c.rule_id for c in (*d.choices, *d.related)} - {GENERAL_ID}
        right = got == sample.expect
        strict += right
        offered += right or (
            sample.expect not in ("unknown", GENERAL_ID) and sample.expect in shown
        )
        wrong_sure += d.sure and got not in ("unknown", GENERAL_ID) and not right
    return strict / total, offered / total, wrong_sure, total


def report(samples: list[Sample], kinds: list[str]) -> None:
    names = [name for name, _ in TUNING_ORGANISATIONS]
    kinds_shown = ("regression", "shipped", "context", "loo", "sparse", *names)
    for kind in (*kinds_shown, *(f"{n}-loo" for n in names)):
        strict, offered, wrong_sure, total = figures(samples, kinds, kind)
        print(
            f"{kind:10} n={total:4} strict={strict:.1%} offered={offered:.1%} "
            f"sure-but-wrong={wrong_sure}"
        )


def grid(samples: list[Sample], kinds: list[str]) -> None:
    results = []
    for sure in (0.6, 0.7, 0.8, 0.85, 0.9):
        for likely in (0.1, 0.15, 0.2, 0.3, 0.4):
            for offer in (0.03, 0.05, 0.1, 0.15):
                if not offer < likely < sure:
                    continue
                fusion.SURE, fusion.LIKELY, fusion.OFFER = sure, likely, offer
                strict, offered, wrong_sure, total = figures(samples, kinds, None)
                results.append(
                    (
                        strict + offered - 2 * wrong_sure / total,
                        sure,
                        likely,
                        offer,
                        strict,
                        offered,
                        wrong_sure,
                    )
                )
    for r in sorted(results, reverse=True)[:8]:
        print(
            f"score={r[0]:.3f} SURE={r[1]:.2f} LIKELY={r[2]:.2f} OFFER={r[3]:.2f} "
            f"strict={r[4]:.1%} offered={r[5]:.1%} wrong_sure={r[6]}"
        )


def categories(samples: list[Sample], kinds: list[str], kind: str) -> None:
    """How the questions of ``kind`` were missed: which step went wrong."""
    from collections import Counter

    counts: Counter[str] = Counter()
    for sample, k in zip(samples, kinds, strict=True):
        if k != kind:
            continue
        d = decide(sample)
        got = d.best.rule_id if d.best else "unknown"
        order = [c.rule_id for c in d.ranked]
        if got == sample.expect:
            counts["right"] += 1
        elif sample.expect == "unknown":
            counts["off-topic answered"] += 1
        elif order and order[0] == sample.expect:
            counts["ranked first, held back"] += 1
        elif sample.expect in order[:3]:
            counts["ranked 2-3"] += 1
        elif sample.expect in order:
            counts["ranked lower"] += 1
        else:
            counts["not a candidate"] += 1
    print("   ", dict(counts))


def misses(samples: list[Sample], kinds: list[str], kind: str) -> None:
    for sample, k in zip(samples, kinds, strict=True):
        if k != kind:
            continue
        d = decide(sample)
        got = d.best.rule_id if d.best else "unknown"
        if got != sample.expect:
            top = [(c.rule_id[:18], round(c.probability or 0, 2)) for c in d.ranked[:3]]
            print(
                f"  {sample.text[:50]:50} expected {sample.expect[:20]:20} got {got[:20]:20} "
                f"sure={d.sure} conf={d.confidence:.2f} {top}"
            )
