"""Writing the digests of a chunk of due people: all together, or one by one if that fails.

Together (``compose_together``): ranked by ``suggest_many`` from one read of the items,
rendered by ``prepare_replies``, and written in one transaction: the outbox rows, then,
for the rows that went in, the new share links and ``last_digest_at``. A chunk is
written whole or not at all, so a crash leaves no half digest, and a row another
process wrote first brings nothing else along.

One by one (``compose_singly``): ``suggest`` and ``offer_reply`` per person, as in
chat. It serves a chunk that could not be written together, so one person's bad data
costs their chunk some speed, never anybody else's digest.

Neither records ``suggested``: delivery does, for what reaches the person (a digest
may lose items, be withdrawn or never get through while it waits in the outbox).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.digests import outbox
from bot.digests.candidates import Candidate
from bot.digests.store import DigestStore
from bot.i18n import t
from bot.messages import Reply, Text
from bot.serialize import reply_to_json
from bot.settings import Settings
from bot.suggestions import (
    ReplyRequest,
    Shelf,
    offer_reply,
    prepare_replies,
    suggest,
    suggest_many,
)

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What became of a chunk: rows written, and the keys of who had nothing or failed."""

    written: int = 0
    empty: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def compose_together(
    digests: DigestStore,
    chunk: Sequence[Candidate],
    *,
    now: datetime,
    settings: Settings,
    default_language: str,
    limit: int,
    shelf: Shelf,
) -> Outcome:
    """Compose and write ``chunk``'s digests in a few queries and one write transaction.

    Raises when anything fails; nothing of the chunk is written then.
    """
    outcome = Outcome()
    found = suggest_many(
        digests.suggestions,
        [(c.user_id, c.last_digest_at) for c in chunk],
        now=now,
        limit=limit,
        shelf=shelf,
    )
    requests: list[ReplyRequest] = []
    for candidate in chunk:
        suggestions = found.get(candidate.user_id, [])
        if not suggestions:
            outcome.empty.append(candidate.key)
            continue
        language = candidate.language or default_language
        requests.append(
            ReplyRequest(
                user_id=candidate.user_id,
                language=language,
                suggestions=tuple(suggestions),
                delivery_key=candidate.key,
                intro=_intro(language, candidate, len(suggestions)),
            )
        )
    prepared = prepare_replies(digests.suggestions, requests, now=now, settings=settings)
    messages = [
        _digest(c, prepared.replies[c.user_id]) for c in chunk if c.user_id in prepared.replies
    ]
    inserted = digests.write_digests(messages, now=now, record=prepared.record)
    outcome.written = len(inserted)
    return outcome


def compose_singly(
    digests: DigestStore,
    chunk: Sequence[Candidate],
    *,
    now: datetime,
    settings: Settings,
    default_language: str,
    limit: int,
) -> Outcome:
    """Compose ``chunk``'s digests person by person; one's failure is logged, not raised."""
    outcome = Outcome()
    pending: list[outbox.NewMessage] = []
    for candidate in chunk:
        try:
            message = _compose_one(
                digests,
                candidate,
                now=now,
                settings=settings,
                default_language=default_language,
                limit=limit,
            )
        except Exception:  # one person's bad data must not stop everyone's digests
            log.exception("digest for user %s could not be composed", candidate.user_id)
            outcome.failed.append(candidate.key)
            continue
        if message is None:
            outcome.empty.append(candidate.key)
        else:
            pending.append(message)
    if pending:
        outcome.written = len(digests.write_digests(pending, now=now))
    return outcome


def _compose_one(
    digests: DigestStore,
    candidate: Candidate,
    *,
    now: datetime,
    settings: Settings,
    default_language: str,
    limit: int,
) -> outbox.NewMessage | None:
    found = suggest(
        digests.suggestions,
        user_id=candidate.user_id,
        now=now,
        limit=limit,
        new_since=candidate.last_digest_at,
    )
    if not found:
        return None
    language = candidate.language or default_language
    reply = offer_reply(
        digests.suggestions,
        user_id=candidate.user_id,
        language=language,
        now=now,
        suggestions=found,
        settings=settings,
        intro=_intro(language, candidate, len(found)),
    )
    return _digest(candidate, reply)


def _intro(language: str, candidate: Candidate, count: int) -> str:
    return t(language, f"digests.intro.{candidate.frequency}", count=count)


def _digest(candidate: Candidate, reply: Reply) -> outbox.NewMessage:
    # Say why the message came and how to stop it: the bot never nags beyond what a
    # person chose, and says so.
    footer = Text(text=t(reply.language, f"digests.footer.{candidate.frequency}"), style="note")
    digest = Reply(parts=(*reply.parts, footer), language=reply.language, kind="digest")
    return outbox.NewMessage(
        key=candidate.key,
        user_id=candidate.user_id,
        platform=candidate.platform,
        payload=reply_to_json(digest),
    )
