"""Tracked share links: tokens, UTM-tagged target URLs and share URLs per network.

A share token is random (unguessable) and pseudonymous: it names a stored share, never
the person. Clicks on the links are recorded by ``clicks.resolve_click``.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import quote, unquote, unquote_plus, urlencode, urlsplit, urlunsplit

from bot.suggestions.captions import fit_for_x

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
