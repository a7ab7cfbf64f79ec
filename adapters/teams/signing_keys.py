"""Microsoft's signing keys for the tokens Teams sends, fetched when ``serve`` starts.

botbuilder (4.17.1, pinned) checks a token's signature with the keys it keeps per
metadata URL in ``JwtTokenExtractor.metadataCache`` (an ``_OpenIdMetadata`` each). When
they are missing (the first token after start-up) or a day old, the token check fetches
them with a blocking request that has no time limit. ``fetch_channel_keys`` fills that
same cache, for the URL botbuilder's channel check reads, so the first message finds
the keys there. It blocks: run it on a worker thread.
"""

from __future__ import annotations

import asyncio

from botframework.connector.auth import AuthenticationConstants, ChannelValidation
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor


def channel_metadata_url() -> str:
    """The OpenID metadata URL botbuilder reads the keys of Teams' tokens from."""
    configured: str | None = ChannelValidation.open_id_metadata_endpoint
    default: str = AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
    return configured or default


def fetch_channel_keys() -> None:
    """Fetch the keys into botbuilder's cache now; raises what the fetch raised."""
    metadata = JwtTokenExtractor.get_open_id_metadata(channel_metadata_url())
    # ``_refresh`` is what ``get`` calls when the keys are missing or old; ``get`` itself
    # needs the id of a key, and fails on one it does not find.
    asyncio.run(metadata._refresh())
