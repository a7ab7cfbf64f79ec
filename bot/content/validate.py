"""The rules a content item must meet before it is stored, with every problem named.

``clean`` tidies what it safely can (spaces, invisible characters, the case of topics
and languages, repeated entries) and reports the rest: a person fixes everything in one go.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.content.fields import format_moment, localize
from bot.content.items import ContentInput, ContentProblem
from bot.inputs import without_invisible

URL_MAX = 2000
TITLE_MAX = 500
SUMMARY_MAX = 5000
CAPTION_MAX = 3000
AUDIENCE_MAX = 100
PRIORITY_MIN, PRIORITY_MAX = -10, 10

TOPIC = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """``Green Energy!`` → ``green-energy``: the topic a person probably meant."""
    return _NOT_SLUG.sub("-", text.strip().lower()).strip("-")


def url_problem(url: str) -> ContentProblem | None:
    """Why ``url`` is not a full http(s) link with a host, or ``None`` when it is one."""
    if len(url) > URL_MAX:
        return ContentProblem(key="url_too_long", values={"length": len(url), "limit": URL_MAX})
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host = None
        parts = None
    if (
        parts is None
        or parts.scheme.lower() not in ("http", "https")
        or not host
        or any(ch.isspace() for ch in url)
    ):
        return ContentProblem(key="bad_url", values={"value": url})
    return None


def clean(
    content: ContentInput,
    *,
    languages: tuple[str, ...],
    timezone: ZoneInfo,
    now: datetime | None = None,
) -> tuple[ContentInput, list[ContentProblem]]:
    """``content`` tidied, and every rule it breaks.

    ``languages`` are the guidelines' languages (captions and the audience may use only
    these). When ``now`` is given, an ``expires`` at or before it is a problem too.
    """
    problems: list[ContentProblem] = []

    def problem(key: str, **values: object) -> None:
        problems.append(ContentProblem(key=key, values=values))

    url = content.url.strip()
    if not url:
        problem("url_missing")
    elif (found := url_problem(url)) is not None:
        problems.append(found)
    # Invisible characters go first: a zero-width space would split a term the
    # guidelines block ("Energie\u200bbox 2") and be posted along with the caption.
    title = " ".join(without_invisible(content.title).split())
    if not title:
        problem("title_missing")
    elif len(title) > TITLE_MAX:
        problem("title_too_long", length=len(title), limit=TITLE_MAX)
    summary = without_invisible(content.summary).strip()
    if len(summary) > SUMMARY_MAX:
        problem("summary_too_long", length=len(summary), limit=SUMMARY_MAX)

    known = ", ".join(languages)
    captions: dict[str, tuple[str, ...]] = {}
    for raw_lang, variants in content.captions.items():
        lang = raw_lang.strip().lower()
        stripped = (without_invisible(v).strip() for v in variants)
        texts = tuple(dict.fromkeys(v for v in stripped if v))
        if not texts:
            continue
        if lang not in languages:
            problem("caption_language", language=raw_lang, languages=known)
        for number, text in enumerate(texts, start=1):
            if len(text) > CAPTION_MAX:
                problem(
                    "caption_too_long",
                    language=lang,
                    variant=number,
                    length=len(text),
                    limit=CAPTION_MAX,
                )
        captions[lang] = captions.get(lang, ()) + texts

    topics: list[str] = []
    for topic in content.topics:
        value = topic.strip().lower()
        if not value:
            continue
        if TOPIC.match(value):
            topics.append(value)
        else:
            problem("bad_topic", value=topic, suggestion=slug(topic) or "news")
    audience_languages = tuple(
        dict.fromkeys(v.strip().lower() for v in content.languages if v.strip())
    )
    for lang in audience_languages:
        if lang not in languages:
            problem("audience_language", value=lang, languages=known)
    teams = _audience(content.teams, problems)
    locations = _audience(content.locations, problems)

    not_before = localize(content.not_before, timezone) if content.not_before else None
    expires = localize(content.expires, timezone) if content.expires else None
    if not_before is not None and expires is not None and not_before >= expires:
        problem(
            "window_reversed",
            not_before=format_moment(not_before, timezone),
            expires=format_moment(expires, timezone),
        )
    elif expires is not None and now is not None and expires <= now:
        problem("expires_past", expires=format_moment(expires, timezone))
    if not PRIORITY_MIN <= content.priority <= PRIORITY_MAX:
        problem("bad_priority", value=content.priority)

    cleaned = replace(
        content,
        url=url,
        title=title,
        summary=summary,
        captions=captions,
        topics=tuple(dict.fromkeys(topics)),
        teams=teams,
        locations=locations,
        languages=audience_languages,
        not_before=not_before,
        expires=expires,
    )
    return cleaned, problems


def _audience(values: tuple[str, ...], problems: list[ContentProblem]) -> tuple[str, ...]:
    out: list[str] = []
    for value in values:
        for part in value.split(","):
            name = " ".join(part.split())
            if len(name) > AUDIENCE_MAX:
                problems.append(
                    ContentProblem(
                        key="audience_too_long",
                        values={"value": name[:40] + "…", "limit": AUDIENCE_MAX},
                    )
                )
            elif name:
                out.append(name)
    return tuple(dict.fromkeys(out))
