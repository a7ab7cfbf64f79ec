"""Leaving out of a written digest the items that may no longer be shared.

A digest is rendered when it is composed; it may wait in the outbox (retries, a
platform no scheduler can send to yet) while the comms team retires an item, it
expires, or the person moves to a team the item is not meant for. Before sending, such
items are taken out of the digest; a digest with none left is not sent at all.
"""

from __future__ import annotations

from dataclasses import replace

from bot.messages import Choices, Divider, Part, Reply
from bot.suggestions.actions import SHARED


def digest_items(reply: Reply) -> set[int]:
    """The content items a digest offers, by their "I shared it" buttons."""
    return {item for section in _sections(reply.parts) for item in _items(section)}


def without_items(reply: Reply, gone: set[int]) -> Reply | None:
    """``reply`` without the sections of the items in ``gone``; None when no item is left.

    A digest is its opening, then one section per item, each followed by a divider, then
    its notes; only item sections are left out.
    """
    kept: list[Part] = []
    offered = 0
    for section in _sections(reply.parts):
        items = _items(section)
        if items & gone:
            continue
        offered += bool(items)
        kept.extend(section)
    if not offered:
        return None
    return replace(reply, parts=tuple(kept))


def _sections(parts: tuple[Part, ...]) -> list[list[Part]]:
    """The parts in runs that each end with a divider (the last may not)."""
    sections: list[list[Part]] = [[]]
    for part in parts:
        sections[-1].append(part)
        if isinstance(part, Divider):
            sections.append([])
    return [section for section in sections if section]


def _items(section: list[Part]) -> set[int]:
    return {
        int(choice.value)
        for part in section
        if isinstance(part, Choices)
        for choice in part.choices
        if choice.action == SHARED and choice.value.isdigit()
    }
