"""Block Kit's size limits.

Slack refuses a whole message (``invalid_blocks``) when one text is a character too
long, so everything the bot renders is cut to these limits first (with
``adapters.common.text.cut``), with a pointer to the rest, and never sent over them.
"""

from __future__ import annotations

MESSAGE_BLOCKS = 50
MODAL_BLOCKS = 50
"""Slack allows 100 in modals; the bot keeps to the message limit there too."""
HOME_BLOCKS = 100
SECTION_TEXT = 3000
CONTEXT_TEXT = 3000
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
BUTTON_URL = 3000
ACTION_ID = 255
BLOCK_ID = 255
ACTIONS_PER_BLOCK = 25
MODAL_TITLE = 24
MODAL_BUTTON = 24
OPTIONS = 100
OPTION_TEXT = 75
OPTION_VALUE = 150
INPUT_LABEL = 2000
INPUT_VALUE = 3000
PLACEHOLDER = 150
PRIVATE_METADATA = 3000
FIELD_ERROR = 2000
FALLBACK_TEXT = 4000
"""Slack advises at most 4,000 characters in a message's ``text``."""


def fits(text: str, limit: int) -> bool:
    """True when ``text`` is within ``limit`` characters."""
    return len(text) <= limit
