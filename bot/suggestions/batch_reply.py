"""Replies with suggestions for many people at once: what the digest pass sends.

``prepare_replies`` reads who is tracked and which share tokens exist (a few queries for
everyone), makes the missing tokens and renders every reply with ``reply.render_parts``,
the renderer ``suggestions_reply`` uses. Nothing is written until
``PreparedReplies.record``, in the caller's transaction and only for the people whose
message was stored: the new share rows, in bulk INSERTs.

No ``suggested`` event is recorded here: a digest may wait in the outbox, lose items or
never be sent, so its suggestions are recorded when it reaches the person
(``SuggestionStore.record_received``, under the keys ``suggestions_reply`` uses).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.messages import Reply
from bot.settings import Settings
from bot.suggestions.links import new_token
from bot.suggestions.reply import empty_parts, opening_parts, render_parts
from bot.suggestions.store import (
    SuggestionSource,
    SuggestionStore,
    Transaction,
    suggestion_store,
)
from bot.suggestions.suggestion import NETWORKS, NewShare, Suggestion


@dataclass(frozen=True, kw_only=True)
class ReplyRequest:
    """One person's reply to prepare: the arguments of ``suggestions_reply``."""

    user_id: int
    language: str
    suggestions: tuple[Suggestion, ...]
    delivery_key: str
    intro: str | None = None


@dataclass(kw_only=True)
class PreparedReplies:
    """Rendered replies, and what to record once they are stored (see ``record``)."""

    replies: dict[int, Reply]
    """Per user id: what ``suggestions_reply`` would have returned."""
    store: SuggestionStore
    _new_shares: list[tuple[NewShare, set[int]]] = field(default_factory=list)

    def record(self, connection: Transaction, user_ids: Collection[int]) -> int:
        """Store the new share links of ``user_ids``' replies; return how many.

        Runs in ``connection``'s transaction. Records no ``suggested`` events (see above).
        """
        wanted = set(user_ids)
        shares = [share for share, users in self._new_shares if users & wanted]
        self.store.record_shares(connection, shares)
        return len(shares)


def prepare_replies(
    source: SuggestionSource,
    requests: Sequence[ReplyRequest],
    *,
    now: datetime,
    settings: Settings,
) -> PreparedReplies:
    """Every request's reply as ``suggestions_reply`` renders it, recording nothing yet.

    A person gets the share tokens ``suggestions_reply`` would give them: their own
    existing ones, the shared anonymous ones if they opted out, new ones otherwise. Give
    each person once.
    """
    store = suggestion_store(source)
    asking = [r for r in requests if r.suggestions]
    tracked, tokens = store.tokens_for_many(
        [r.user_id for r in asking], {s.item_id for r in asking for s in r.suggestions}
    )
    prepared = PreparedReplies(replies={}, store=store)
    new: dict[str, set[int]] = {}
    for request in requests:
        user_id, language = request.user_id, request.language
        if not request.suggestions:
            prepared.replies[user_id] = Reply(
                parts=empty_parts(language), language=language, kind="suggestions.empty"
            )
            continue
        owner = user_id if user_id in tracked else None
        mine: dict[tuple[int, str], str] = {}
        for suggestion in request.suggestions:
            for network in NETWORKS:
                token = tokens.get((owner, suggestion.item_id, network))
                if token is None:
                    token = tokens[(owner, suggestion.item_id, network)] = new_token()
                    new[token] = set()
                    share = NewShare(
                        token=token,
                        item_id=suggestion.item_id,
                        user_id=owner,
                        network=network,
                        created_at=now,
                    )
                    prepared._new_shares.append((share, new[token]))
                if token in new:
                    new[token].add(user_id)
                mine[(suggestion.item_id, network)] = token
        parts = render_parts(
            language=language, suggestions=request.suggestions, tokens=mine, settings=settings
        )
        prepared.replies[user_id] = Reply(
            parts=(*opening_parts(language, request.intro), *parts),
            language=language,
            kind="suggestions",
        )
    return prepared
