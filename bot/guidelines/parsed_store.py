"""Pieces of guidelines files as read, kept in a file so a restart reads none again.

Reading YAML with the line numbers problems need is most of a start-up's time on large
guidelines (about two seconds for a file of 500 rules). ``bot.guidelines.pieces``
remembers each piece it read by the hash of its text, in memory; this keeps the same in
a table of the embedding cache's SQLite file (``merkwerker serve`` does), so an
unchanged piece is never read twice, even across restarts.

A piece is stored as JSON: its mappings and lists with every line and column, and its
texts, numbers, true/false and empty values. A piece holding anything else (a date
kept as text is text; a tag, a set) is simply not stored. Any trouble with the file
(unwritable, corrupt, locked) is logged once and only costs speed: the pieces are then
read again, as without the file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any

from ruamel.yaml import __version__ as ruamel_version
from ruamel.yaml.comments import CommentedMap, CommentedSeq

log = logging.getLogger(__name__)

FORMAT = f"merkwerker-piece-1 ruamel {ruamel_version}"
"""Part of every key: a new way of storing, or another YAML reader, never reuses a row."""
MAX_ROWS = 20_000
"""The oldest rows beyond this many are dropped (each edit of a rule adds one)."""


class Unstorable(Exception):
    """The piece holds a value this file does not store."""


def encode(value: Any) -> Any:
    """``value`` (a piece as read) as JSON-ready data, positions included."""
    kind = type(value)
    if kind is CommentedMap:
        positions = value.lc.data or {}
        entries = []
        for key, item in value.items():
            if type(key) not in _SCALARS or key not in positions:
                raise Unstorable
            entries.append([key, list(positions[key]), encode(item)])
        return {"m": entries, "at": [value.lc.line, value.lc.col]}
    if kind is CommentedSeq:
        positions = value.lc.data or {}
        if any(index not in positions for index in range(len(value))):
            raise Unstorable
        return {
            "s": [[list(positions[i]), encode(item)] for i, item in enumerate(value)],
            "at": [value.lc.line, value.lc.col],
        }
    if kind in _SCALARS:
        return value
    if isinstance(value, str) and kind.__module__ == "ruamel.yaml.scalarstring":
        return str(value)  # a block of text (| or >): the text is what counts
    raise Unstorable


_SCALARS = (str, int, float, bool, type(None))


def decode(data: Any) -> Any:
    """What ``encode`` made, as the YAML reader gives it."""
    if isinstance(data, dict):
        line, column = data["at"]
        if "m" in data:
            mapping = CommentedMap()
            for key, position, item in data["m"]:
                mapping[key] = decode(item)
                mapping.lc.add_kv_line_col(key, list(position))
            mapping.lc.line, mapping.lc.col = line, column
            return mapping
        sequence = CommentedSeq()
        for index, (position, item) in enumerate(data["s"]):
            sequence.append(decode(item))
            sequence.lc.add_kv_line_col(index, list(position))
        sequence.lc.line, sequence.lc.col = line, column
        return sequence
    return data


class ParsedStore:
    """Pieces by the hash of their text, in a SQLite file (``path``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._ok = True
        self._pending: dict[bytes, str] = {}
        self._open: sqlite3.Connection | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock, self._connection() as connection:
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS parsed_piece (key BLOB PRIMARY KEY, data TEXT)"
                )
        except (OSError, sqlite3.Error) as error:
            self._disable(error)

    @staticmethod
    def key(text_hash: bytes) -> bytes:
        """The row's key for a piece whose text has the SHA-256 ``text_hash``."""
        return hashlib.sha256(FORMAT.encode() + b"\x00" + text_hash).digest()

    def get(self, text_hash: bytes) -> tuple[int, Any] | None:
        """The stored piece whose text has the SHA-256 ``text_hash``: (first line, data)."""
        if not self._ok:
            return None
        try:
            with self._lock:
                row = (
                    self._connection()
                    .execute("SELECT data FROM parsed_piece WHERE key = ?", (self.key(text_hash),))
                    .fetchone()
                )
            if row is None:
                return None
            stored = json.loads(row[0])
            return int(stored["start"]), decode(stored["piece"])
        except (sqlite3.Error, ValueError, KeyError, TypeError) as error:
            self._disable(error)
            return None

    def add(self, text_hash: bytes, start: int, data: Any) -> None:
        """Keep a piece just read (written by ``flush``)."""
        if not self._ok:
            return
        try:
            encoded = json.dumps({"start": start, "piece": encode(data)}, ensure_ascii=False)
        except (Unstorable, ValueError, RecursionError):
            return
        with self._lock:
            self._pending[self.key(text_hash)] = encoded

    def flush(self) -> None:
        """Write the pieces kept since the last flush, in one transaction."""
        with self._lock:
            pending, self._pending = self._pending, {}
            if not pending or not self._ok:
                return
            try:
                with self._connection() as connection:
                    connection.executemany(
                        "INSERT OR REPLACE INTO parsed_piece (key, data) VALUES (?, ?)",
                        pending.items(),
                    )
                    connection.execute(
                        "DELETE FROM parsed_piece WHERE rowid <= "
                        "(SELECT MAX(rowid) FROM parsed_piece) - ?",
                        (MAX_ROWS,),
                    )
            except sqlite3.Error as error:
                self._disable(error)

    def _connection(self) -> sqlite3.Connection:
        """The one connection (opened on first use); callers hold ``_lock``."""
        if self._open is None:
            connection = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            self._open = connection
        return self._open

    def _disable(self, error: Exception) -> None:
        if self._ok:
            log.warning(
                "The cache file %s cannot keep the guidelines as read (%s); they are read "
                "again at each start, which only takes longer.",
                self.path,
                error,
            )
        self._ok = False
