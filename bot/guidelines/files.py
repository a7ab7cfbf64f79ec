"""Reading guidelines files from disk into YAML documents with line numbers.

Nothing here interprets the content; it only makes sure that what reaches the
validator is a single mapping per file, read safely: bounded size, valid UTF-8,
no YAML anchors or aliases (an "alias bomb" could otherwise blow up memory).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode
from ruamel.yaml.reader import ReaderError

from bot.guidelines.pieces import read_in_pieces
from bot.guidelines.problems import Level, Problem, os_reason
from bot.guidelines.yaml_errors import explain, line_of
from bot.yaml_text import round_trip_reader

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FILES = 200
SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, kw_only=True)
class Document:
    """One parsed guidelines file: its display name and its top-level mapping."""

    name: str
    data: Any


@dataclass(frozen=True, kw_only=True)
class ReadResult:
    """The documents that could be read, the problems met, and a content hash."""

    documents: tuple[Document, ...]
    problems: tuple[Problem, ...]
    version: str
    files: tuple[str, ...]


def guideline_files(folder: Path) -> list[Path]:
    """The ``*.yaml``/``*.yml`` files directly in ``folder``, sorted by name."""
    return sorted(
        p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
    )


def _saved_as_text(folder: Path) -> list[Path]:
    """Files such as ``hr.yaml.txt``: Windows Notepad adds ``.txt`` when saving unless
    told otherwise, and hides it, so the editor's change never reaches the bot."""
    try:
        return sorted(
            p
            for p in folder.iterdir()
            if p.suffix.lower() == ".txt" and Path(p.stem).suffix.lower() in SUFFIXES
        )
    except OSError:
        return []


def display_name(path: Path, folder: Path) -> str:
    """How a file is named in messages: in the folder as the person gave it, so a
    relative folder stays relative and an absolute one absolute (never resolved)."""
    return str(folder / path.name)


def read_folder(folder: Path) -> ReadResult:
    """Read every guidelines file in ``folder``; never raises for bad content."""
    problems: list[Problem] = []
    where = str(folder)
    if not folder.exists():
        problems.append(_problem(where, "folder_missing", folder=where))
        return ReadResult(documents=(), problems=tuple(problems), version="", files=())
    if folder.is_file():
        # One file given instead of a folder: validate just that file.
        paths = [folder]
        base = folder.parent
    else:
        try:
            paths = guideline_files(folder)
        except OSError as error:
            problems.append(
                _problem(where, "folder_unreadable", folder=where, reason=error.strerror)
            )
            return ReadResult(documents=(), problems=tuple(problems), version="", files=())
        base = folder
        for hidden in _saved_as_text(folder):
            problems.append(
                _problem(
                    display_name(hidden, base),
                    "saved_as_text",
                    level=Level.WARNING,
                    name=hidden.name[: -len(hidden.suffix)],
                )
            )
        if not paths:
            problems.append(_problem(where, "folder_empty", folder=where))
        elif len(paths) > MAX_FILES:
            problems.append(_problem(where, "too_many_files", count=len(paths), limit=MAX_FILES))
            paths = paths[:MAX_FILES]

    digest = hashlib.sha256()
    documents: list[Document] = []
    names: list[str] = []
    for path in paths:
        name = display_name(path, base)
        names.append(name)
        raw = _read_bytes(path, name, problems)
        if raw is None:
            continue
        digest.update(path.name.encode() + b"\0" + raw + b"\0")
        data = _parse_once(raw, name, problems)
        if data is not None:
            documents.append(Document(name=name, data=data))
    return ReadResult(
        documents=tuple(documents),
        problems=tuple(problems),
        version=digest.hexdigest()[:12],
        files=tuple(names),
    )


def _read_bytes(path: Path, name: str, problems: list[Problem]) -> bytes | None:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(_problem(name, "file_too_large", size=size, limit=MAX_FILE_BYTES))
            return None
        return path.read_bytes()
    except OSError as error:
        problems.append(_problem(name, "file_unreadable", reason=os_reason(error)))
        return None


_PARSED: OrderedDict[tuple[str, bytes], tuple[Any, tuple[Problem, ...]]] = OrderedDict()
_PARSED_LOCK = threading.Lock()
_PARSED_SIZE = 256


def _parse_once(raw: bytes, name: str, problems: list[Problem]) -> Any:
    """``_parse``, remembered by file name and content: a reload after editing one file
    parses only that file (parsing is most of a reload's time). The parsed data is
    only read afterwards, never changed, so sharing it between versions is safe."""
    key = (name, hashlib.sha256(raw).digest())
    with _PARSED_LOCK:
        hit = _PARSED.get(key)
        if hit is not None:
            _PARSED.move_to_end(key)
    if hit is None:
        found: list[Problem] = []
        hit = (_parse(raw, name, found), tuple(found))
        with _PARSED_LOCK:
            _PARSED[key] = hit
            while len(_PARSED) > _PARSED_SIZE:
                _PARSED.popitem(last=False)
    problems.extend(hit[1])
    return hit[0]


def _parse(raw: bytes, name: str, problems: list[Problem]) -> Any:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append(_problem(name, "not_utf8", line=line, column=1))
        return None
    if not text.strip():
        problems.append(_problem(name, "file_empty", level=Level.WARNING))
        return None
    # A long file is read piece by piece (an edit re-reads only the edited piece);
    # when that is not certain to give the same, or a piece has a problem, it is read
    # whole, which words every problem with its line.
    pieces = read_in_pieces(text, name, _read_yaml)
    if pieces is not None:
        return pieces
    data = _read_yaml(text, name, problems)
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.append(_problem(name, "not_a_mapping", line=1, column=1))
        return None
    return data


def _read_yaml(text: str, name: str, problems: list[Problem]) -> Any:
    """The one document in ``text`` (any YAML value), or None after recording why not."""
    yaml = round_trip_reader()
    try:
        # One pass: compose the node graph (an alias is a shared node there, never a
        # copy, so an alias bomb costs nothing), refuse any anchor, then construct.
        nodes = [node for node in yaml.compose_all(text) if node is not None]
        for node in nodes:
            anchored = _first_anchor(node)
            if anchored is not None:
                mark = anchored.start_mark
                problems.append(_problem(name, "alias", line=mark.line + 1, column=mark.column + 1))
                return None
        constructor = yaml.constructor
        documents = [constructor.construct_document(node) for node in nodes]
    except MarkedYAMLError as error:
        said = explain(error, text)
        problems.append(
            Problem(
                file=name,
                line=said.line,
                column=said.column,
                path="",
                key=said.key,
                values=said.values,
            )
        )
        return None
    except ReaderError as error:
        # A control character (often pasted in from another program) the reader refuses.
        char = error.character
        number = ord(char) if isinstance(char, str) and len(char) == 1 else char
        code = f"U+{number:04X}" if isinstance(number, int) else "?"
        line = line_of(text, error.position)
        problems.append(_problem(name, "yaml_control_char", line=line, column=1, code=code))
        return None
    except (YAMLError, ValueError, RecursionError) as error:
        problems.append(_problem(name, "yaml_syntax", detail=str(error).splitlines()[0]))
        return None
    documents = [d for d in documents if d is not None]
    if len(documents) > 1:
        problems.append(_problem(name, "several_documents"))
        return None
    if not documents:
        # Only comments (a template, or rules not written yet): not empty to the eye.
        problems.append(_problem(name, "file_only_comments", level=Level.WARNING))
        return None
    return documents[0]


def _first_anchor(root: Node) -> Node | None:
    """The first node (in document order) that carries an anchor, if any."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if getattr(node, "anchor", None) is not None:
            return node
        if isinstance(node, MappingNode):
            stack.extend(item for pair in reversed(node.value) for item in reversed(pair))
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
    return None


def _problem(
    file: str,
    key: str,
    *,
    line: int = 0,
    column: int = 0,
    level: Level = Level.ERROR,
    **values: object,
) -> Problem:
    return Problem(
        file=file, line=line, column=column, path="", key=key, values=values, level=level
    )
