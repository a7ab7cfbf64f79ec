"""Which caption variant a person gets, and fitting a caption into a post on X.

Variety without randomness: the variant and the tie-breaking among near-equal items
come from a stable hash of the person and the item, so the same person always sees the
same thing and two colleagues rarely post the very same words.
"""

from __future__ import annotations

import hashlib
import json
import re

X_LIMIT = 280
"""Most weighted characters in a post on X."""
X_URL_LENGTH = 23
"""X counts every link as this many characters, however long it is."""
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
# X weighs characters in these code point ranges as 1, everything else (CJK, emoji) as 2.
_LIGHT_RANGES = ((0, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))


def stable_fraction(*parts: object) -> float:
    """A number in [0, 1) that depends only on ``parts``, the same in every process."""
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def caption_variants(captions_json: str, language: str | None) -> tuple[str, ...]:
    """The caption variants in ``language``, else in English, else in any language.

    ``captions_json`` maps a language to a list of variants (or to one string); anything
    unreadable counts as no captions.
    """
    try:
        data = json.loads(captions_json or "{}")
    except ValueError:
        return ()
    if not isinstance(data, dict):
        return ()
    by_language: dict[str, tuple[str, ...]] = {}
    for key, value in data.items():
        values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        texts = tuple(v.strip() for v in values if isinstance(v, str) and v.strip())
        if texts:
            by_language[str(key).casefold()] = texts
    for wanted in (language, "en"):
        if wanted and wanted.casefold() in by_language:
            return by_language[wanted.casefold()]
    return next(iter(by_language.values()), ())


def pick_caption(variants: tuple[str, ...], *, user_id: int, item_id: int, fallback: str) -> str:
    """The variant for this person: people with neighbouring ids get different variants.

    The per-item offset spreads the variants differently for each item.
    """
    if not variants:
        return fallback
    offset = int(stable_fraction("caption", item_id) * len(variants))
    return variants[(user_id + offset) % len(variants)]


def x_length(text: str) -> int:
    """The length X counts for ``text``: links as 23, wide characters as 2."""
    total = 0
    position = 0
    for match in _URL.finditer(text):
        total += _weighted(text[position : match.start()]) + X_URL_LENGTH
        position = match.end()
    return total + _weighted(text[position:])


def _weighted(text: str) -> int:
    return sum(
        1 if any(low <= ord(ch) <= high for low, high in _LIGHT_RANGES) else 2 for ch in text
    )


def fit_for_x(caption: str) -> str:
    """``caption`` shortened (at a word, with "…") so that it plus one link fits on X."""
    budget = X_LIMIT - X_URL_LENGTH - 1  # the link and the space before it
    text = caption.strip()
    if x_length(text) <= budget:
        return text
    words = text.split()
    while words and x_length(" ".join(words) + "…") > budget:
        words.pop()
    if words:
        return " ".join(words) + "…"
    # One enormous word: cut it by characters.
    cut = text
    while cut and x_length(cut + "…") > budget:
        cut = cut[:-1]
    return cut + "…"
