"""How close each rule comes to the other rules' texts: its "hubness".

A rule whose texts are near everything (a "hub": a generic rule such as "accounts in the
company's name") is otherwise the nearest rule to many questions it is not about;
``bot.answering.semantic`` takes part of its hubness off its similarities.

Weighing every rule against every text of 500 rules takes a tenth of a second or more,
on every reload. The rule-by-text similarities of the last build are remembered by
content (each rule by its texts' vectors, each text by its vector), so a reload after an
edit of one rule computes only that rule's row and its changed texts' columns.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.answering.embedding import Vectors

Scores = npt.NDArray[np.float64]

HUB_NEIGHBOURS = 10
"""How many of the nearest texts of other rules a rule's hubness is the mean of."""

_CHUNK = 2048


@dataclass(frozen=True)
class _Nearness:
    """Per rule (by its texts) and text (by its vector): the rule's best similarity."""

    rows: dict[bytes, int]
    columns: dict[bytes, int]
    matrix: npt.NDArray[np.float32]


_LAST: list[_Nearness] = []
_LAST_LOCK = threading.Lock()


def hubness(block: Vectors, owners: npt.NDArray[np.int64], rule_count: int) -> Scores:
    """Each rule's hubness: the mean similarity of its nearest ``HUB_NEIGHBOURS`` texts of
    other rules, centred on the median rule (0 for a rule without texts).

    ``block`` holds the texts' vectors, ``owners`` the rule of each text.
    """
    if len(block) == 0 or rule_count < 3:
        return np.zeros(rule_count)
    rules = np.unique(owners)
    per_rule = _nearness(block, owners, rule_count)
    per_rule[owners[None, :] == np.arange(rule_count)[:, None]] = -1.0
    k = min(HUB_NEIGHBOURS, len(block) - 1)
    nearest = -np.partition(-per_rule, k - 1, axis=1)[:, :k]
    hub = nearest.mean(axis=1, dtype=np.float64)
    centred: Scores = hub - float(np.median(hub[rules]))
    centred[np.setdiff1d(np.arange(rule_count), rules)] = 0.0
    return centred


def _nearness(
    block: Vectors, owners: npt.NDArray[np.int64], rule_count: int
) -> npt.NDArray[np.float32]:
    """``[rule, text]``: the best similarity of any of the rule's texts to the text (-1
    for a rule without texts); a copy the caller may change."""
    columns = [hashlib.blake2b(row.tobytes(), digest_size=16).digest() for row in block]
    digests = [hashlib.blake2b(digest_size=16) for _ in range(rule_count)]
    for owner, column in zip(owners.tolist(), columns, strict=True):
        digests[owner].update(column)
    owned = np.zeros(rule_count, dtype=bool)
    owned[owners] = True
    rows = [digest.digest() if has else b"" for digest, has in zip(digests, owned, strict=True)]
    with _LAST_LOCK:
        last = _LAST[0] if _LAST else None
    known_rows = np.array([last.rows.get(r, -1) if last else -1 for r in rows], dtype=np.int64)
    known_columns = np.array(
        [last.columns.get(c, -1) if last else -1 for c in columns], dtype=np.int64
    )

    matrix = np.full((rule_count, len(block)), -1.0, dtype=np.float32)
    old_rows = np.flatnonzero((known_rows >= 0) & owned)
    old_columns = np.flatnonzero(known_columns >= 0)
    if last is not None and len(old_rows) and len(old_columns):
        matrix[np.ix_(old_rows, old_columns)] = last.matrix[
            np.ix_(known_rows[old_rows], known_columns[old_columns])
        ]
    new_columns = np.flatnonzero(known_columns < 0)
    if len(new_columns):
        _fill(matrix, block, owners, new_columns)
    if len(old_columns):
        # A rule whose texts changed, at the columns copied above (``_fill`` did the
        # new ones for every rule): its old values there are no longer its.
        old_block = block[old_columns].T
        for rule in np.flatnonzero(owned & (known_rows < 0)).tolist():
            matrix[rule, old_columns] = (block[owners == rule] @ old_block).max(axis=0)
    remembered = _Nearness(
        rows={r: i for i, r in enumerate(rows) if r},
        columns={c: i for i, c in enumerate(columns)},
        matrix=matrix.copy(),
    )
    with _LAST_LOCK:
        _LAST[:] = [remembered]
    return matrix


def _fill(
    matrix: npt.NDArray[np.float32],
    block: Vectors,
    owners: npt.NDArray[np.int64],
    at: npt.NDArray[np.int64],
) -> None:
    """``matrix[:, at]``: every rule's best similarity to the texts at ``at``."""
    order = np.argsort(owners, kind="stable")
    rules, starts = np.unique(owners[order], return_index=True)
    ordered = block[order]
    for first in range(0, len(at), _CHUNK):
        columns = at[first : first + _CHUNK]
        sims = ordered @ block[columns].T
        matrix[np.ix_(rules, columns)] = np.maximum.reduceat(sims, starts, axis=0)
