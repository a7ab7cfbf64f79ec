"""The button actions of suggestions: opened a link, shared it, not for me, and why.

Adapters that add buttons of their own for suggested links (Slack's link buttons)
import ``OPENED`` from here rather than spelling the name out.
"""

from __future__ import annotations

PREFIX = "share"
"""Actions named ``share.<something>`` go to the suggestions feature."""
OPENED = "share.opened"
"""Value: ``"<item id>:<network>"`` or the link's URL. Recorded; the message stays."""
SHARED = "share.shared"
DISMISS = "share.dismiss"
"""Value: the item id. "I shared it" and "not for me"."""
REASON = "share.reason"
"""Value: the item id and the reason the person gave for "not for me"."""
