"""Reading a long guidelines file piece by piece, so an edit re-reads only the edited piece.

ruamel's YAML reader (pure Python, with the line numbers problems need) takes about a
second for a file of 500 rules. A file of the usual shape is cut at its top-level keys
(``organisation:``, ``rules:``...) and ``rules:`` further at its items (``  - id: ...``);
each piece is read on its own and remembered by its text, and the pieces are joined
into the same data, with the same line numbers, as reading the whole file gives.

Whenever the cut is not certain to be harmless (a line at the left margin that is no
key, a ``---``, a key that appears twice, a piece that does not read on its own), the
caller reads the whole file as before, and its problems are reported from there: the
editor sees the same file:line whichever way the file was read.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.guidelines.parsed_store import ParsedStore
from bot.guidelines.problems import Problem

TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):(?:[ \t]|$)")
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
"""Characters Python's ``splitlines`` ends a line at, besides newline and carriage return."""
SPLIT_KEY = "rules"
MIN_LINES = 200
"""Shorter files are read whole: cutting them saves nothing worth the bookkeeping."""

Reader = Callable[[str, str, list[Problem]], Any]
"""Reads one text (``text, name, problems``) into data; records problems when it can't."""

_CACHE: OrderedDict[bytes, tuple[int, Any]] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 4096

_STORE: list[ParsedStore] = []
"""Where pieces are kept across restarts (see ``keep_pieces_in``), if anywhere."""

log = logging.getLogger(__name__)


def keep_pieces_in(path: Path | None) -> None:
    """Keep the pieces read in the SQLite file ``path`` too (see ``parsed_store``), so a
    restart reads no unchanged piece again; ``None``: in memory only."""
    with _CACHE_LOCK:
        current = _STORE[0].path if _STORE else None
        if path != current:
            _STORE[:] = [ParsedStore(path)] if path is not None else []


class _Uncertain(Exception):
    """The file is not of a shape that can safely be cut: read it whole."""


def read_in_pieces(text: str, name: str, read: Reader) -> dict[str, Any] | None:
    """The file's top-level mapping, read piece by piece with ``read``; None when the
    whole file must be read instead (its shape is unusual, or a piece has a problem)."""
    if _OTHER_BREAKS.search(text):
        return None  # lines Python and YAML would count differently
    lines = text.splitlines(keepends=True)
    if len(lines) < MIN_LINES:
        return None
    try:
        keys = _top_level(lines)
        root = CommentedMap()
        for key, start, end in keys:
            if key in root:
                raise _Uncertain  # a duplicate key: the whole read names both places
            if key == SPLIT_KEY and _bare_key(lines[start]):
                value, where = _sequence(lines, start + 1, end, name, read)
                if value is not None:
                    root[key] = value
                    root.lc.add_kv_line_col(key, [start, 0, *where])
                    continue
            data = _piece(lines, start, end, name, read)
            if not isinstance(data, CommentedMap) or list(data) != [key]:
                raise _Uncertain
            root[key] = data[key]
            root.lc.add_kv_line_col(key, list(data.lc.data[key]))
    except _Uncertain:
        return None
    except Exception:  # a shape this cutting did not foresee: the whole read still words it
        log.exception("reading %s in pieces failed; reading it whole", name)
        return None
    finally:
        if _STORE:
            _STORE[0].flush()
    if not keys:
        return None
    root.lc.line, root.lc.col = keys[0][1], 0
    return root


def _top_level(lines: list[str]) -> list[tuple[str, int, int]]:
    """Each top-level key with its first and past-last line; ``_Uncertain`` for any line
    at the left margin that is not a key, a comment, a list item or blank."""
    keys: list[tuple[str, int, int]] = []
    for number, line in enumerate(lines):
        content = line.rstrip("\r\n")
        stripped = content.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue  # blank, or a comment
        if content[0] == " " or content.startswith("- ") or content == "-":
            if not keys:
                raise _Uncertain  # something before the first key
            continue  # part of the current key (an item of a list at the margin too)
        found = TOP_KEY.match(content)
        if found is None:
            raise _Uncertain  # "---", a directive, text continued at the margin...
        key = found.group(1)
        if keys:
            keys[-1] = (keys[-1][0], keys[-1][1], number)
        keys.append((key, number, len(lines)))
    return keys


def _bare_key(line: str) -> bool:
    """Whether the key's line holds nothing after the colon but perhaps a comment."""
    after = line.rstrip("\r\n").split(":", 1)[1].strip()
    return after == "" or after.startswith("#")


def _sequence(
    lines: list[str], start: int, end: int, name: str, read: Reader
) -> tuple[CommentedSeq | None, list[int]]:
    """The list under a bare key, one piece per item; (None, []) when it holds no items."""
    indent: int | None = None
    starts: list[int] = []
    for number in range(start, end):
        content = lines[number].rstrip("\r\n")
        stripped = content.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        column = len(content) - len(stripped)
        is_item = stripped == "-" or stripped.startswith("- ")
        if indent is None:
            if not is_item:
                return None, []  # a mapping or text under the key: read it as one piece
            indent = column
        if column == indent and is_item:
            starts.append(number)
        elif column <= indent:
            raise _Uncertain  # something at the items' margin that is no item
    if not starts:
        return None, []
    sequence = CommentedSeq()
    bounds = [*starts[1:], end]
    where: list[int] = []
    for index, (first, past) in enumerate(zip(starts, bounds, strict=True)):
        item = _piece(lines, first, past, name, read)
        if not isinstance(item, CommentedSeq) or len(item) != 1:
            raise _Uncertain
        sequence.append(item[0])
        sequence.lc.add_kv_line_col(index, list(item.lc.data[0]))
        if index == 0:
            where = [item.lc.line, item.lc.col]
            sequence.lc.line, sequence.lc.col = item.lc.line, item.lc.col
    return sequence, where


def _piece(lines: list[str], start: int, end: int, name: str, read: Reader) -> Any:
    """Lines ``start`` to ``end`` read on their own, with the file's line numbers."""
    text = "".join(lines[start:end])
    key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
    if hit is not None:
        at, data = hit
        if at == start:
            return data
        return _shifted(data, start - at)
    store = _STORE[0] if _STORE else None
    stored = store.get(key) if store is not None else None
    if stored is not None:
        _remember(key, *stored)
        at, data = stored
        return data if at == start else _shifted(data, start - at)
    problems: list[Problem] = []
    data = read(text, name, problems)
    if problems or data is None:
        raise _Uncertain  # the whole read words the problem with the right line
    _move(data, start)  # read just now, not shared yet: its line numbers are moved in place
    _remember(key, start, data)
    if store is not None:
        store.add(key, start, data)
    return data


def _remember(key: bytes, start: int, data: Any) -> None:
    with _CACHE_LOCK:
        _CACHE[key] = (start, data)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)


def _move(value: Any, by: int) -> None:
    """Move the line numbers of freshly read ``value`` ``by`` lines down, in place."""
    if by == 0:
        return
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, CommentedMap):
            for key, (kl, kc, vl, vc) in list((item.lc.data or {}).items()):
                item.lc.data[key] = [kl + by, kc, vl + by, vc]
            stack.extend(item.values())
        elif isinstance(item, CommentedSeq):
            for index, (line, column) in list((item.lc.data or {}).items()):
                item.lc.data[index] = [line + by, column]
            stack.extend(item)
        else:
            continue
        item.lc.line = (item.lc.line or 0) + by


def _shifted(value: Any, by: int) -> Any:
    """A copy of ``value`` whose line numbers are ``by`` lines further down (the same
    object when ``by`` is 0: pieces are only read afterwards, never changed)."""
    if by == 0:
        return value
    if isinstance(value, CommentedMap):
        moved = CommentedMap()
        for key, item in value.items():
            moved[key] = _shifted(item, by)
        for key, (kl, kc, vl, vc) in (value.lc.data or {}).items():
            moved.lc.add_kv_line_col(key, [kl + by, kc, vl + by, vc])
        moved.lc.line, moved.lc.col = (value.lc.line or 0) + by, value.lc.col
        return moved
    if isinstance(value, CommentedSeq):
        sequence = CommentedSeq(_shifted(item, by) for item in value)
        for index, (line, column) in (value.lc.data or {}).items():
            sequence.lc.add_kv_line_col(index, [line + by, column])
        sequence.lc.line, sequence.lc.col = (value.lc.line or 0) + by, value.lc.col
        return sequence
    return value
