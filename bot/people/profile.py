"""A person's settings as the bot shows them (``PeopleStore.profile`` reads them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Profile:
    """The settings a person sees and changes."""

    user_id: int
    platform: str
    platform_user_id: str
    language: str | None
    topics: tuple[str, ...]
    digest: str
    digest_time: str
    digest_weekday: int
    timezone: str
    quiet_start: str
    quiet_end: str
    team: str | None
    location: str | None
    leaderboard: bool
    tracking: bool

    def form_values(self) -> dict[str, str]:
        """The settings as the text a settings form holds."""
        return {
            "topics": ",".join(self.topics),
            "digest": self.digest,
            "digest_time": self.digest_time,
            "digest_weekday": str(self.digest_weekday),
            "timezone": self.timezone,
            "quiet_start": self.quiet_start,
            "quiet_end": self.quiet_end,
            "team": self.team or "",
            "location": self.location or "",
            "leaderboard": "yes" if self.leaderboard else "no",
        }
