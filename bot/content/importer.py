"""Importing many items at once from a YAML or CSV file, all or nothing.

Every problem in the file is reported at once, each with the file and line and a plain
sentence; when there is any, nothing is imported. Items whose URL is already queued
(and not retired) are skipped, so importing the same file twice adds nothing the
second time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from bot.content.captions import blocking_problems
from bot.content.fields import read_values
from bot.content.items import CaptionFinding, Content, ContentError, ContentProblem
from bot.content.queue import ContentQueue, Prepared
from bot.content.rows import MAX_FILE_BYTES, Row, read_rows


@dataclass(frozen=True, kw_only=True)
class Skipped:
    """A row whose URL was already queued: its line and the item that has it."""

    line: int
    url: str
    item_id: int


@dataclass(frozen=True, kw_only=True)
class ImportResult:
    """What an import added, what it skipped, and the caption warnings to show."""

    added: tuple[Content, ...]
    skipped: tuple[Skipped, ...]
    findings: tuple[tuple[int, CaptionFinding], ...]
    """``(line, finding)`` for every guidelines finding in an added item's captions."""


def import_file(queue: ContentQueue, path: Path, *, by: str, approve: bool = False) -> ImportResult:
    """Import the items in ``path`` (``.yaml``, ``.yml`` or ``.csv``) into ``queue``.

    Raises ``ContentError`` with every problem (each with ``file`` and ``line``) and
    imports nothing when there is any. With ``approve`` the items are approved at once,
    and a caption the guidelines block is a problem of its row.
    """
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        problem = ContentProblem(
            key="file_unreadable", values={"reason": error.strerror or str(error)}, file=name
        )
        raise ContentError([problem]) from None
    if size > MAX_FILE_BYTES:
        raise ContentError(
            [
                ContentProblem(
                    key="file_too_large", values={"size": size, "limit": MAX_FILE_BYTES}, file=name
                )
            ]
        )
    rows, problems = read_rows(path, name)
    prepared: list[tuple[Row, Prepared]] = []
    first_line: dict[str, int] = {}
    for row in rows:
        # An unreadable value is left empty and the row checked all the same, so that
        # every problem of every row is reported in one run.
        content, found = read_values(
            row.values,
            timezone=queue.timezone,
            strict=True,
            lines=row.lines,
            file=name,
            line=row.line,
        )
        problems.extend(found)
        unreadable = {_reported_field(p) for p in found}
        ready = queue.prepare(content)
        # Not again what reading already said of the same field ("no link" for a link
        # that was a list, "no title" for a misspelt title key).
        row_problems = [p for p in ready.problems if _field_of(p) not in unreadable]
        if approve:
            row_problems.extend(blocking_problems(ready.findings))
        url = ready.content.url
        if url in first_line:
            row_problems.append(
                ContentProblem(key="duplicate_in_file", values={"line": first_line[url]})
            )
        elif url:
            first_line[url] = row.line
        problems.extend(_located(p, name, row, _field_of(p)) for p in row_problems)
        prepared.append((row, ready))
    if problems:
        raise ContentError(sorted(problems, key=lambda p: p.line))

    existing = queue.existing(ready.content.url for _, ready in prepared)
    skipped = tuple(
        Skipped(line=row.line, url=ready.content.url, item_id=existing[ready.content.url])
        for row, ready in prepared
        if ready.content.url in existing
    )
    new = [(row, ready) for row, ready in prepared if ready.content.url not in existing]
    added = queue.add_many([ready for _, ready in new], by=by, source="import", approve=approve)
    findings = tuple((row.line, f) for row, ready in new for f in ready.findings)
    return ImportResult(added=added, skipped=skipped, findings=findings)


_FIELD_OF_PROBLEM: Mapping[str, str] = {
    "url_missing": "url",
    "bad_url": "url",
    "url_too_long": "url",
    "title_missing": "title",
    "title_too_long": "title",
    "title_blocked": "title",
    "summary_too_long": "summary",
    "bad_topic": "topics",
    "audience_language": "languages",
    "window_reversed": "expires",
    "expires_past": "expires",
    "bad_priority": "priority",
    "duplicate_in_file": "url",
}


def _reported_field(problem: ContentProblem) -> str:
    """The field a reading problem is about: a misspelt key is about the field it
    suggests ("titel": the title is not missing, it is misspelt)."""
    if problem.key == "unknown_field_suggest":
        return str(problem.values.get("suggestion", ""))
    return str(problem.values.get("field") or _field_of(problem))


def _field_of(problem: ContentProblem) -> str:
    if problem.key in ("caption_language", "caption_too_long", "caption_blocked"):
        language = str(problem.values.get("language", ""))
        return f"caption_{language}"
    return _FIELD_OF_PROBLEM.get(problem.key, "")


def _located(problem: ContentProblem, file: str, row: Row, field: str) -> ContentProblem:
    line = row.lines.get(field) or row.lines.get("captions" if field.startswith("caption_") else "")
    return replace(problem, file=file, line=line or row.line)
