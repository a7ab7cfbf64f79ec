"""Who a Slack user is: their locale (for the reply language) and name, cached.

``users.info`` with ``include_locale`` is asked once per person per hour. When it
fails, the person is answered anyway, in the language of their message.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 60 * 60
DEFAULT_MAX_ENTRIES = 10_000


@dataclass(frozen=True, kw_only=True)
class Profile:
    """What the bot uses of a Slack user's profile."""

    locale: str | None = None
    name: str | None = None


def to_profile(user: Mapping[str, Any]) -> Profile:
    """The ``Profile`` of a ``users.info`` user object."""
    profile = user.get("profile") if isinstance(user.get("profile"), Mapping) else {}
    assert isinstance(profile, Mapping)
    names = (
        profile.get("display_name"),
        profile.get("real_name"),
        user.get("real_name"),
        user.get("name"),
    )
    name = next((n.strip() for n in names if isinstance(n, str) and n.strip()), None)
    locale = user.get("locale")
    return Profile(locale=locale if isinstance(locale, str) and locale else None, name=name)


class Profiles:
    """Looks people up with ``users.info`` and remembers the answer for a while."""

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        ttl: float = DEFAULT_TTL_SECONDS,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._ttl = ttl
        self._max = max_entries
        self._clock = clock
        self._cache: OrderedDict[str, tuple[float, Profile]] = OrderedDict()
        self._lookups: dict[str, asyncio.Future[Profile]] = {}

    async def get(self, user_id: str) -> Profile:
        """The profile of ``user_id``; an empty one when Slack cannot tell."""
        cached = self._cache.get(user_id)
        if cached is not None and cached[0] > self._clock():
            return cached[1]
        # Two messages of one person handled at once share one lookup.
        lookup = self._lookups.get(user_id)
        if lookup is None:
            lookup = asyncio.ensure_future(self._look_up(user_id))
            self._lookups[user_id] = lookup
            lookup.add_done_callback(lambda _: self._lookups.pop(user_id, None))
        return await asyncio.shield(lookup)

    async def _look_up(self, user_id: str) -> Profile:
        cached = self._cache.get(user_id)
        try:
            response = await self._client.users_info(user=user_id, include_locale=True)
            user = response.get("user")
            profile = to_profile(user) if isinstance(user, Mapping) else Profile()
        except (SlackApiError, aiohttp.ClientError, OSError, ValueError, TimeoutError) as error:
            log.warning("users.info for %s failed: %s", user_id, error)
            return cached[1] if cached is not None else Profile()
        self._cache[user_id] = (self._clock() + self._ttl, profile)
        self._cache.move_to_end(user_id)
        while len(self._cache) > self._max:
            self._cache.popitem(last=False)
        return profile
