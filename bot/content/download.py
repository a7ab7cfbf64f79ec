"""Getting a feed's bytes: from a local file, or over HTTP with a conditional GET.

Only the standard library is used, with a timeout and a size limit; every way this can
fail ends in a ``DownloadFailed`` whose ``key`` names a catalogue message, never in an
exception from below.
"""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

MAX_FEED_BYTES = 10 * 1024 * 1024
USER_AGENT = "Merkwerker feed reader"
ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"


@dataclass(frozen=True, kw_only=True)
class Downloaded:
    """A feed's bytes (empty when ``not_modified``) and the validators for next time."""

    body: bytes
    url: str = ""
    """Where the bytes came from after any redirect: relative links are relative to it."""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    modified: str | None = None
    not_modified: bool = False


class DownloadFailed(Exception):
    """The feed could not be fetched; ``key`` and ``values`` describe why."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def local_path(url: str) -> Path | None:
    """The file a ``file://`` URL or plain path names; ``None`` for web URLs."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return Path(unquote(parts.path))
    if parts.scheme in ("http", "https"):
        return None
    if len(parts.scheme) > 1:  # another scheme (a one-letter one is a Windows drive)
        raise DownloadFailed("feed_scheme", scheme=parts.scheme)
    return Path(url)


def download(
    url: str, *, etag: str | None = None, modified: str | None = None, timeout: float = 10.0
) -> Downloaded:
    """The feed at ``url`` (http(s), ``file://`` or a path); raise ``DownloadFailed``.

    ``etag`` and ``modified`` from the previous fetch make the request conditional; a
    304 answer gives ``not_modified``.
    """
    path = local_path(url)
    if path is not None:
        try:
            with path.open("rb") as handle:
                body = handle.read(MAX_FEED_BYTES + 1)
        except FileNotFoundError:
            raise DownloadFailed("feed_missing_file", path=str(path)) from None
        except OSError as error:
            raise DownloadFailed("feed_unreachable", reason=error.strerror or str(error)) from None
        _limit(body)
        return Downloaded(body=body, url=path.resolve().as_uri())

    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_FEED_BYTES + 1)
            received = {k.lower(): v for k, v in response.headers.items()}
            final_url = response.geturl()
    except urllib.error.HTTPError as error:
        error.close()  # it holds the connection open otherwise
        if error.code == 304:
            return Downloaded(body=b"", etag=etag, modified=modified, not_modified=True)
        raise DownloadFailed("feed_http_status", status=error.code) from None
    except TimeoutError:
        raise DownloadFailed("feed_timeout", seconds=timeout) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise DownloadFailed("feed_timeout", seconds=timeout) from None
        raise DownloadFailed("feed_unreachable", reason=str(error.reason)) from None
    except (OSError, ValueError, http.client.HTTPException) as error:
        # A connection reset, a malformed URL, a truncated or garbled answer.
        raise DownloadFailed(
            "feed_unreachable", reason=str(error) or type(error).__name__
        ) from None
    _limit(body)
    return Downloaded(
        body=body,
        url=final_url,
        headers=received,
        etag=received.get("etag"),
        modified=received.get("last-modified"),
    )


def _limit(body: bytes) -> None:
    if len(body) > MAX_FEED_BYTES:
        raise DownloadFailed("feed_too_large", limit=MAX_FEED_BYTES)
