"""Signed, expiring links to the full report, each bound to one comms person.

A link is ``{public_url}/report?platform=…&user=…&lang=…&expires=…&sig=…``. The
signature is HMAC-SHA256, keyed with ``MERKWERKER_SECRET``, over every other part, so
changing any of them (another person's id, a later expiry) breaks it. ``expires`` is a
Unix time in seconds; a link is refused from that moment on. The signer reads the time
from its clock, so tests move time instead of waiting.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

REPORT_PATH = "/report"
VALID_FOR = timedelta(hours=24)
LANGUAGES = ("nl", "en")
_PURPOSE = "merkwerker report link v1"
"""Part of the signed text, so a signature made for anything else never fits a link."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class ReportLink:
    """Who a valid link was made for, in which language, and until when."""

    platform: str
    user_id: str
    language: str
    expires: datetime


class ReportSigner:
    """Makes and checks report links with one secret and one clock."""

    def __init__(
        self,
        secret: str,
        *,
        clock: Callable[[], datetime] = _utc_now,
        valid_for: timedelta = VALID_FOR,
    ) -> None:
        if not secret:
            raise ValueError("a report link needs a secret (MERKWERKER_SECRET)")
        self._key = secret.encode("utf-8")
        self._clock = clock
        self.valid_for = valid_for

    def _signature(self, platform: str, user_id: str, language: str, expires: str) -> str:
        text = "\n".join((_PURPOSE, platform, user_id, language, expires))
        return hmac.new(self._key, text.encode("utf-8"), hashlib.sha256).hexdigest()

    def query(self, *, platform: str, user_id: str, language: str) -> dict[str, str]:
        """The link's query parameters for this person, valid for ``valid_for`` from now."""
        expires = str(int((self._clock() + self.valid_for).timestamp()))
        return {
            "platform": platform,
            "user": user_id,
            "lang": language,
            "expires": expires,
            "sig": self._signature(platform, user_id, language, expires),
        }

    def url(self, public_url: str, *, platform: str, user_id: str, language: str) -> str:
        """The whole link under ``public_url`` (the web process's base URL)."""
        query = urlencode(self.query(platform=platform, user_id=user_id, language=language))
        return f"{public_url.rstrip('/')}{REPORT_PATH}?{query}"

    def check(self, params: Mapping[str, str]) -> ReportLink | None:
        """Who the link in ``params`` is for; None when it is altered, incomplete or expired."""
        platform = params.get("platform", "")
        user_id = params.get("user", "")
        language = params.get("lang", "")
        expires = params.get("expires", "")
        signature = params.get("sig", "")
        if not (platform and user_id and language in LANGUAGES) or not expires.isdigit():
            return None
        expected = self._signature(platform, user_id, language, expires)
        if not hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8")):
            return None
        try:
            until = datetime.fromtimestamp(int(expires), UTC)
        except (OverflowError, ValueError, OSError):
            return None
        if self._clock() >= until:
            return None
        return ReportLink(platform=platform, user_id=user_id, language=language, expires=until)


def signer_for(secret: str, *, clock: Callable[[], datetime] = _utc_now) -> ReportSigner | None:
    """The signer keyed with ``secret``; None when no secret is configured (no links)."""
    return ReportSigner(secret, clock=clock) if secret else None
