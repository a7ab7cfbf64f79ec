"""What the people who write a held-out set's questions get to see of its guidelines.

    python bench/heldout_extract.py tests/data/heldoutN/guidelines > extract.md

Prints, in Markdown, the organisation's name and for each rule its id, its title and
its answer in every language: never its examples, keywords or checks, which the
question writers must not see (tests/data/HELDOUT.md describes the whole procedure).
Stops with a message when the folder does not validate, or when a rule applies only
part of the year: bench/accuracy.py asks every set on one fixed day, on which such a
rule might not apply, so a held-out set has none.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.guidelines import load_guidelines  # noqa: E402
from bot.guidelines.rules import Guidelines  # noqa: E402


def extract(guidelines: Guidelines) -> str:
    """The Markdown the question writers read."""
    lines = [f"# {guidelines.organisation}", ""]
    for rule in guidelines.rules:
        lines.append(f"## {rule.id}")
        lines += [f"- title {lang}: {text}" for lang, text in rule.title.items()]
        lines += [
            f"- answer {lang}: {' '.join(text.split())}" for lang, text in rule.answer.items()
        ]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: python bench/heldout_extract.py FOLDER")
    result = load_guidelines(Path(sys.argv[1]))
    if result.guidelines is None:
        sys.exit("\n".join(p.render() for p in result.problems))
    seasonal = [rule.id for rule in result.guidelines.rules if rule.active is not None]
    if seasonal:
        sys.exit(f"rules with an active window (take it out for a held-out set): {seasonal}")
    print(extract(result.guidelines))


if __name__ == "__main__":
    main()
