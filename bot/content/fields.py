"""Reading what a person typed (a form, a CSV cell, a YAML value) into a ``ContentInput``.

Every value arrives as text or as whatever YAML made of it; this module turns it into
typed values and reports each thing it cannot read as a ``ContentProblem``, all at once.
Dates without a time mean midnight in the configured time zone.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.content.items import ContentInput, ContentProblem
from bot.lists import split_list

FIELDS = (
    "url",
    "title",
    "summary",
    "captions",
    "topics",
    "teams",
    "locations",
    "languages",
    "not_before",
    "expires",
    "priority",
)
"""The keys an import row or a form may use (plus ``caption_<lang>``)."""

CAPTION_KEY = re.compile(r"^caption_(?P<lang>[a-z]{2})(?:_\d+)?$")
"""``caption_nl``, ``caption_en_2``: a caption variant in one language (CSV and forms)."""

VARIANT_SEPARATOR = re.compile(r"^\s*---\s*$", re.MULTILINE)
"""In one text field, variants are separated by a line holding only ``---``."""

FIRST_DAY = date(1, 1, 2)
LAST_DAY = date(9999, 12, 30)
"""The first and last day an embargo or end date may fall on in the configured time zone.

A day short of what Python's dates hold at either end, so that no time zone's offset
moves a moment within them out of what can be stored (in UTC) and shown.
"""


def split_variants(value: object) -> tuple[str, ...]:
    """Caption variants from a text (``---`` lines separate them) or a list of texts."""
    if value is None:
        return ()
    items: Iterable[object] = value if isinstance(value, list | tuple) else [value]
    out: list[str] = []
    for item in items:
        out.extend(part.strip() for part in VARIANT_SEPARATOR.split(str(item)))
    return tuple(dict.fromkeys(part for part in out if part))


_QUOTE_PAIRS = {'"': '"', "'": "'", "“": "”", "„": "”", "‘": "’", "«": "»"}


def caption_option(value: str) -> tuple[str, str] | None:
    """The language and text of ``LANG:text`` (``--caption nl:"Trots!"``), or None when
    it does not start with a two-letter language.

    One pair of matching quotes around the text goes: a shell that passes them on (the
    option in single quotes) must not put quote marks in the caption colleagues post.
    """
    lang, separator, text = value.partition(":")
    lang = lang.strip().lower()
    if not separator or len(lang) != 2 or not lang.isascii() or not lang.isalpha():
        return None
    return lang, unquote(text.strip())


def unquote(text: str) -> str:
    """``text`` without one pair of matching quotes around all of it.

    Only a pair that encloses the whole text: ``"Samen bouwen" is ons motto bij
    "Noorderzon"`` starts and ends with a quote, but those belong to two quotations
    inside the text, and it is kept as typed.
    """
    if len(text) < 2:
        return text
    opening, closing, inside = text[0], _QUOTE_PAIRS.get(text[0]), text[1:-1]
    if closing != text[-1] or opening in inside or closing in inside:
        return text
    return inside.strip()


def localize(value: datetime, timezone: ZoneInfo) -> datetime:
    """``value`` as an aware datetime; a naive one is read as wall-clock time in ``timezone``."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=timezone)
    return value


def parse_field_moment(value: object, timezone: ZoneInfo) -> datetime | None:
    """An aware datetime from a field's value: an ISO date or datetime as text, or the
    ``date`` or ``datetime`` YAML made of it; ``None`` for empty.

    A date alone means 00:00 in ``timezone``; a datetime without an offset is wall-clock
    time in ``timezone`` (the result keeps that zone, or the offset given). Raises a bare
    ``ValueError`` for anything else, which ``read_values`` words as a content problem.
    (A report's ``--since``/``--until`` is read by ``bot.reports.period.parse_period_bound``.)
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return localize(value, timezone)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone)
    text = str(value).strip()
    if not text:
        return None
    if len(text) == 10:
        day = date.fromisoformat(text)
        return datetime(day.year, day.month, day.day, tzinfo=timezone)
    return localize(datetime.fromisoformat(text), timezone)


def keepable(moment: datetime, timezone: ZoneInfo) -> bool:
    """Whether ``moment`` falls from ``FIRST_DAY`` to ``LAST_DAY`` in ``timezone``."""
    try:
        day = moment.astimezone(timezone).date()
    except OverflowError:  # before the first or after the last moment in UTC
        return False
    return FIRST_DAY <= day <= LAST_DAY


def format_moment(value: datetime | None, timezone: ZoneInfo) -> str:
    """``2026-03-01 09:00`` in ``timezone`` (empty for ``None``), for people to read."""
    if value is None:
        return ""
    try:
        local = value.astimezone(timezone)
    except OverflowError:
        # Stored before LAST_DAY was enforced: at the end of the calendar, east of UTC,
        # the local time does not exist, so it is shown in UTC.
        utc = value if value.tzinfo is None else value.astimezone(UTC)
        return f"{utc.year:04d}-{utc:%m-%d %H:%M} UTC"
    return f"{local.year:04d}-{local:%m-%d %H:%M}"  # %Y drops leading zeros on some systems


def parse_priority(value: object) -> int:
    """An integer priority from a number or its text; ``0`` when empty; ``ValueError`` else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    if isinstance(value, bool):
        raise ValueError("a priority is a number")
    if isinstance(value, int):
        return value
    return int(str(value).strip())


def input_from_values(
    values: Mapping[str, object], *, timezone: ZoneInfo
) -> tuple[ContentInput | None, list[ContentProblem]]:
    """One item from named values (a chat command's fields); ``None`` when any value is
    unreadable, with every problem (see ``read_values``)."""
    content, problems = read_values(values, timezone=timezone)
    return (None if problems else content), problems


def read_values(
    values: Mapping[str, object],
    *,
    timezone: ZoneInfo,
    strict: bool = False,
    lines: Mapping[str, int] | None = None,
    file: str = "",
    line: int = 0,
) -> tuple[ContentInput, list[ContentProblem]]:
    """Read one item from named values, always with an input: an unreadable value is left
    empty, so the rest of the item can still be checked and every problem named at once
    (an import reports all of them in one run).

    ``captions`` may be a mapping of language to text(s); ``caption_<lang>`` keys add
    variants too. With ``strict`` an unknown key is a problem (for import files); ``lines``
    gives the line of each key, ``line`` the line of the item, for problem locations.
    """
    problems: list[ContentProblem] = []
    where = dict(lines or {})

    def problem(key: str, name: str, **extra: object) -> None:
        problems.append(
            ContentProblem(key=key, values=extra, file=file, line=where.get(name, line))
        )

    captions: dict[str, list[str]] = {}
    for key, value in values.items():
        match = CAPTION_KEY.match(key)
        if match:
            captions.setdefault(match["lang"], []).extend(split_variants(value))
        elif key == "captions" and value not in (None, ""):
            if not isinstance(value, Mapping):
                problem("captions_not_mapping", key)
                continue
            for lang, texts in value.items():
                captions.setdefault(str(lang).strip().lower(), []).extend(split_variants(texts))
        elif strict and key not in FIELDS:
            known = [*FIELDS, "caption_nl", "caption_en"]
            close = difflib.get_close_matches(key, known, n=1)
            if close:
                problem("unknown_field_suggest", key, field=key, suggestion=close[0])
            else:
                problem("unknown_field", key, field=key, fields=", ".join(FIELDS))

    moments: dict[str, datetime | None] = {}
    for name in ("not_before", "expires"):
        try:
            moments[name] = parse_field_moment(values.get(name), timezone)
        except ValueError:
            moments[name] = None
            problem("bad_date", name, field=name, value=str(values.get(name)))
            continue
        moment = moments[name]
        if moment is not None and not keepable(moment, timezone):
            moments[name] = None
            problem(
                "date_out_of_range",
                name,
                field=name,
                value=str(values.get(name)),
                first=FIRST_DAY.isoformat(),
                last=LAST_DAY.isoformat(),
            )
    try:
        priority = parse_priority(values.get("priority"))
    except ValueError:
        priority = 0
        problem("bad_priority", "priority", value=str(values.get("priority")))
    url = values.get("url")
    if url is None or not str(url).strip():
        problem("url_missing", "url")
    text_of: dict[str, str] = {}
    for name in ("url", "title", "summary"):
        value = values.get(name)
        if isinstance(value, list | dict):
            problem("expected_text", name, field=name)
            value = None
        text_of[name] = str(value or "").strip()
    return (
        ContentInput(
            url=text_of["url"],
            title=text_of["title"],
            summary=text_of["summary"],
            captions={lang: tuple(texts) for lang, texts in captions.items()},
            topics=split_list(values.get("topics")),
            teams=split_list(values.get("teams")),
            locations=split_list(values.get("locations")),
            languages=split_list(values.get("languages")),
            not_before=moments["not_before"],
            expires=moments["expires"],
            priority=priority,
        ),
        problems,
    )
