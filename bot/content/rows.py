"""Reading import files into rows of named values, each with the lines it came from.

YAML: a list of items (or ``items:`` holding one); each item a mapping of the fields.
CSV: a header row naming the fields (``caption_nl`` may repeat, one variant per
column), comma-, semicolon- or tab-separated, UTF-8. Nothing here judges the values.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, NodeEvent

from bot.content.items import ContentProblem
from bot.yaml_text import round_trip_reader

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
SUFFIXES = (".yaml", ".yml", ".csv")


@dataclass(frozen=True, kw_only=True)
class Row:
    """One item in an import file: its line, its values, and the line of each key."""

    line: int
    values: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)


def read_rows(path: Path, name: str) -> tuple[list[Row], list[ContentProblem]]:
    """The rows of the file at ``path`` (shown as ``name``) and the problems reading it."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        return [], [_problem(name, "file_kind", suffix=suffix or "-")]
    try:
        raw = path.read_bytes()
    except OSError as error:
        return [], [_problem(name, "file_unreadable", reason=error.strerror or str(error))]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return [], [_problem(name, "not_utf8", line=line)]
    rows, problems = (_csv_rows if suffix == ".csv" else _yaml_rows)(text, name)
    if not rows and not problems:
        problems.append(_problem(name, "file_no_items"))
    if len(rows) > MAX_ROWS:
        problems.append(_problem(name, "too_many_rows", count=len(rows), limit=MAX_ROWS))
    return rows, problems


def _problem(name: str, key: str, *, line: int = 0, **values: object) -> ContentProblem:
    return ContentProblem(key=key, values=values, file=name, line=line)


def _yaml_rows(text: str, name: str) -> tuple[list[Row], list[ContentProblem]]:
    yaml = round_trip_reader()
    try:
        for event in yaml.parse(text):
            # Anchors and aliases are refused: an "alias bomb" could exhaust memory.
            if isinstance(event, AliasEvent) or (
                isinstance(event, NodeEvent) and event.anchor is not None
            ):
                return [], [_problem(name, "yaml_alias", line=event.start_mark.line + 1)]
        data = yaml.load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        detail = (error.problem or error.context or "").strip()
        line = mark.line + 1 if mark is not None else 0
        return [], [_problem(name, "yaml_syntax", line=line, detail=detail)]
    except (YAMLError, ValueError, RecursionError) as error:
        return [], [_problem(name, "yaml_syntax", detail=str(error).splitlines()[0])]
    if isinstance(data, dict) and "items" in data:
        data = data["items"]
    if data is None:
        return [], []
    if not isinstance(data, CommentedSeq):
        return [], [_problem(name, "yaml_not_list", line=1)]
    rows: list[Row] = []
    problems: list[ContentProblem] = []
    for index, item in enumerate(data):
        line = data.lc.item(index)[0] + 1
        if not isinstance(item, CommentedMap):
            problems.append(_problem(name, "row_not_mapping", line=line))
            continue
        values = {str(key): value for key, value in item.items()}
        lines = {str(key): item.lc.key(key)[0] + 1 for key in item}
        captions = item.get("captions")
        if isinstance(captions, CommentedMap):
            lines.update({f"caption_{lang}": captions.lc.key(lang)[0] + 1 for lang in captions})
        rows.append(Row(line=line, values=values, lines=lines))
    return rows, problems


def _csv_rows(text: str, name: str) -> tuple[list[Row], list[ContentProblem]]:
    first = text.split("\n", 1)[0]
    # Spreadsheets set to Dutch save with semicolons; pick what the header uses most.
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            return [], []
        columns = ["_".join(h.strip().lower().split()) for h in header]
        if "url" not in columns:
            return [], [_problem(name, "csv_no_url", line=1)]
        rows: list[Row] = []
        problems: list[ContentProblem] = []
        while True:
            line = reader.line_num + 1
            cells = next(reader, None)
            if cells is None:
                break
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(columns):
                problems.append(
                    _problem(
                        name,
                        "csv_too_many_cells",
                        line=line,
                        count=len(cells),
                        columns=len(columns),
                    )
                )
                continue
            values: dict[str, Any] = {}
            for column, cell in zip(columns, cells, strict=False):
                if not cell.strip():
                    continue
                if column.startswith("caption_"):
                    values.setdefault(column, []).append(cell)
                else:
                    values[column] = cell
            rows.append(Row(line=line, values=values, lines=dict.fromkeys(values, line)))
    except csv.Error as error:
        return [], [_problem(name, "csv_syntax", line=reader.line_num, detail=str(error))]
    return rows, problems
