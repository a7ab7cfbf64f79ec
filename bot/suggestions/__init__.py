"""Content suggestions: what a person could share now, with tracked share links.

The public interface for the chat feature, digests and the web process, where
``store`` is a ``SuggestionStore`` (the area's only SQL; an engine is taken too)::

    suggest(store, user_id=..., now=...)            -> list[Suggestion]
    suggestions_reply(store, user_id=..., ...)      -> Reply (records ``suggested``)
    offer_reply(store, user_id=..., ...)            -> the same Reply, recording nothing
    resolve_click(store, token, now=..., user_agent=...) -> tagged URL or None

and for everyone due a digest at once (the same results, in a few queries)::

    suggest_many(store, [(user_id, new_since), ...], now=..., shelf=load_shelf(...))
    prepare_replies(store, [ReplyRequest(...), ...], ...) -> PreparedReplies
    PreparedReplies.record(connection, user_ids)     (stores the share links)

A digest's ``suggested`` events are recorded when it is delivered, for the items it
still held (``SuggestionStore.record_received``).
"""

from __future__ import annotations

from bot.suggestions.batch import Shelf, load_shelf, suggest_many
from bot.suggestions.batch_reply import PreparedReplies, ReplyRequest, prepare_replies
from bot.suggestions.clicks import resolve_click
from bot.suggestions.feature import SuggestionsFeature
from bot.suggestions.links import is_preview_agent, tagged_url
from bot.suggestions.offers import offer_reply, suggestions_reply
from bot.suggestions.ranking import suggest
from bot.suggestions.store import SuggestionStore
from bot.suggestions.suggestion import DISMISS_REASONS, NETWORKS, Suggestion

__all__ = [
    "DISMISS_REASONS",
    "NETWORKS",
    "PreparedReplies",
    "ReplyRequest",
    "Shelf",
    "Suggestion",
    "SuggestionStore",
    "SuggestionsFeature",
    "is_preview_agent",
    "load_shelf",
    "offer_reply",
    "prepare_replies",
    "resolve_click",
    "suggest",
    "suggest_many",
    "suggestions_reply",
    "tagged_url",
]
