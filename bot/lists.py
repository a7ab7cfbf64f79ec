"""Comma-separated lists as people type them: in settings, CSV cells, forms and columns."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache


def split_list(
    value: object, *, separators: str = ",", squeeze: bool = False, fold_case: bool = False
) -> tuple[str, ...]:
    """The non-empty entries of a comma-separated text, or of each text in a list, trimmed.

    Order is kept and an entry that comes again is left out. ``None`` and ``""`` give ``()``;
    any other value that is not a list or tuple is read as its ``str()``.

    - ``separators``: each of these characters separates entries (one at least).
    - ``squeeze``: whitespace inside an entry becomes a single space.
    - ``fold_case``: entries that differ only in case count once; the first spelling stays.
    """
    if value is None:
        return ()
    items: Iterable[object] = value if isinstance(value, list | tuple) else [value]
    comma, others = separators[0], separators[1:]
    kept: dict[str, str] = {}
    for item in items:
        text = str(item)
        for separator in others:
            text = text.replace(separator, comma)
        for part in text.split(comma):
            entry = " ".join(part.split()) if squeeze else part.strip()
            if entry:
                kept.setdefault(entry.casefold() if fold_case else entry, entry)
    return tuple(kept.values())


@lru_cache(maxsize=4096)
def folded_set(value: str | None) -> frozenset[str]:
    """The entries of a comma-separated column, case-folded, for comparing.

    Cached: the same few topic and audience lists come back on every ranking.
    """
    return frozenset(entry.casefold() for entry in split_list(value, squeeze=True))
