"""Which teams a report may name, so that no row stands for fewer than the minimum of people.

Teams are sized by the people list as it is now (``user.team``), and the report counts
people by that same team, so a row's size and its counts are about the same people.
"""

from __future__ import annotations

from collections.abc import Mapping


def named_teams(sizes: Mapping[str | None, int], minimum: int) -> set[str]:
    """The teams of at least ``minimum`` people, less the smallest ones that must join
    "other" until "other" is empty or holds at least ``minimum`` people.

    ``sizes`` has the number of people per team (None: people without a team). When even
    everyone together is fewer than ``minimum``, no team is named and "other" stays small:
    the report then leaves "other" out of the per-team figures.
    """
    named = {team: n for team, n in sizes.items() if team is not None and n >= minimum}
    other = sum(n for team, n in sizes.items() if team not in named)
    while 0 < other < minimum and named:
        smallest = min(named, key=lambda team: (named[team], team.casefold(), team))
        other += named.pop(smallest)
    return set(named)


def other_is_shown(other_people: int, minimum: int) -> bool:
    """Whether the "other" row may be shown: it stands for at least ``minimum`` people."""
    return other_people >= minimum
