"""Reading what an HTTP API tells a client about waiting: the ``Retry-After`` header."""

from __future__ import annotations

import email.utils
import math
import time


def parse_retry_after(
    value: str | None, *, now: float | None = None, lenient: bool = False, dates: bool = True
) -> float | None:
    """Seconds to wait from a ``Retry-After`` value, or None when it names none or nonsense.

    The value is whole seconds or, with ``dates``, an HTTP date (the seconds from ``now``,
    the current time unless given, to then; 0 once it has passed). With ``lenient`` any
    number ``float()`` reads counts as seconds (fractions, exponents; negatives give 0),
    which is how Slack's client has always read it.
    """
    if not value:
        return None
    value = value.strip()
    if lenient:
        try:
            seconds = float(value)
        except ValueError:
            pass
        else:
            # "nan" and "inf" parse too, and would mean waiting never or forever.
            return max(seconds, 0.0) if math.isfinite(seconds) else None
    elif value.isascii() and value.isdigit():  # "²" and "٣" are digits, not seconds
        return float(value)
    if not dates:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(moment.timestamp() - (time.time() if now is None else now), 0.0)
