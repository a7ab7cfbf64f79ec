"""Tracked share links: UTM-tagged target URLs, share URLs per network, and clicks on them.

A share token is random (unguessable) and pseudonymous: it names a row in ``Share``,
never the person. A click records that *a* click on that share happened — nothing about
who clicked — so a person's reach is counted without following their followers.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from urllib.parse import quote, unquote, unquote_plus, urlencode, urlsplit, urlunsplit

from sqlalchemy import Engine, select
from sqlmodel import col

from bot.storage.tables import ContentItem, Share
from bot.suggestions.captions import fit_for_x
from bot.tracking.log import EventLog

UTM_MEDIUM = "employee_advocacy"
_UTM_KEYS = frozenset({"utm_source", "utm_medium", "utm_campaign", "utm_content"})
TOKEN = re.compile(r"[A-Za-z0-9_-]{8,64}")
_TOKEN_IN_URL = re.compile(r"(?:/r/|[?&]utm_content=)([A-Za-z0-9_-]{8,64})(?![A-Za-z0-9_-])")

PREVIEW_AGENTS: tuple[str, ...] = (
    "slackbot",  # Slackbot-LinkExpanding and Slackbot 1.0
    "linkedinbot",
    "twitterbot",
    "facebookexternalhit",
    "facebot",
    "whatsapp",
    "telegrambot",
    "discordbot",
    "skypeuripreview",  # Microsoft Teams and Skype link previews
    "microsoftpreview",
    "mastodon",
    "googlebot",
    "bingbot",
    "applebot",
    "redditbot",
    "pinterest",
    "embedly",
    "iframely",
)
"""User agents (lower case, as substrings) of link-preview fetchers: not a person's click."""


def new_token() -> str:
    """A fresh share token: 16 URL-safe characters, 96 random bits."""
    return secrets.token_urlsafe(12)


def campaign_for(item_id: int) -> str:
    """The ``utm_campaign`` of an item: stable, even when its title is edited."""
    return f"item-{item_id}"


def tagged_url(url: str, *, network: str, item_id: int, token: str) -> str:
    """``url`` with our UTM tags; its own query (byte for byte) and fragment are kept.

    UTM tags the URL already had are replaced by ours, so analytics see one source.
    """
    parts = urlsplit(url)
    kept = [
        piece
        for piece in parts.query.split("&")
        if piece and unquote_plus(piece.split("=", 1)[0]) not in _UTM_KEYS
    ]
    ours = urlencode(
        [
            ("utm_source", network),
            ("utm_medium", UTM_MEDIUM),
            ("utm_campaign", campaign_for(item_id)),
            ("utm_content", token),
        ]
    )
    query = "&".join([*kept, ours])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def redirect_url(public_url: str, token: str) -> str:
    """The tracked link through the web process: ``{public_url}/r/{token}``."""
    return f"{public_url.rstrip('/')}/r/{token}"


def share_url(network: str, *, target: str, title: str, caption: str) -> str:
    """The URL that opens ``network``'s share dialog for ``target``.

    LinkedIn takes only the URL (it does not prefill text); X gets the caption, shortened
    to fit with the link; e-mail gets the title as subject and caption plus link as body.
    """
    if network == "linkedin":
        return "https://www.linkedin.com/sharing/share-offsite/?" + urlencode(
            {"url": target}, quote_via=quote
        )
    if network == "x":
        return "https://twitter.com/intent/tweet?" + urlencode(
            [("text", fit_for_x(caption)), ("url", target)], quote_via=quote
        )
    if network == "email":
        return "mailto:?" + urlencode(
            [("subject", title), ("body", f"{caption}\n\n{target}")], quote_via=quote
        )
    raise ValueError(f"unknown network {network!r}")


def token_in_share_url(url: str) -> str | None:
    """The share token inside one of our share URLs (any network, direct or via /r/)."""
    # The target sits URL-encoded inside the share URL, itself possibly encoded again.
    match = _TOKEN_IN_URL.search(unquote(unquote(url)))
    return match.group(1) if match else None


def is_preview_agent(user_agent: str | None) -> bool:
    """True for link-preview bots (Slack, LinkedIn, X, Facebook, Teams, ...)."""
    if not user_agent:
        return False
    agent = user_agent.casefold()
    return any(name in agent for name in PREVIEW_AGENTS)


def resolve_click(
    engine: Engine,
    token: str,
    *,
    now: datetime,
    user_agent: str | None = None,
    record: bool = True,
) -> str | None:
    """The tagged target URL for ``token``, recording one ``link_clicked``; None if unknown.

    Every real click counts. Nothing is recorded for link-preview bots or when ``record``
    is False (use that for HEAD requests), but the URL is still returned. Nothing about
    the visitor is stored; the click counts for the share (and so for its sharer, unless
    they opted out or were forgotten).
    """
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None
    statement = (
        select(
            col(Share.id),
            col(Share.user_id),
            col(Share.network),
            col(Share.item_id),
            col(ContentItem.url),
        )
        .join(ContentItem, col(ContentItem.id) == col(Share.item_id))
        .where(col(Share.token) == token)
    )
    with engine.connect() as connection:
        row = connection.execute(statement).first()
    if row is None:
        return None
    share_id, user_id, network, item_id, url = row
    target = tagged_url(url, network=network, item_id=item_id, token=token)
    if record and not is_preview_agent(user_agent):
        EventLog(engine, clock=lambda: now).record_event(
            "link_clicked",
            key=f"link_clicked:{share_id}:{secrets.token_hex(8)}",
            user_id=user_id,
            item_id=item_id,
            share_id=share_id,
            network=network,
            occurred_at=now,
        )
    return target
