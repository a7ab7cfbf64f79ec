"""What a participation report holds: typed, aggregated, free of personal data.

A team of ``None`` is "other": every team with fewer than ``MIN_TEAM_SIZE`` people, and
everyone without a team. The only names in a report are those of people who opted in
to the leaderboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.answering.feedback import RuleQuestions as RuleQuestions
from bot.reports.period import ReportPeriod, WeekSpan

MIN_TEAM_SIZE = 5
"""Teams with fewer people than this are never named; their numbers go to "other"."""


def ratio(part: int, whole: int) -> float | None:
    """``part / whole``, or None when ``whole`` is zero (a rate of nothing is no rate)."""
    return part / whole if whole else None


@dataclass(frozen=True, kw_only=True)
class Participation:
    """People reached (got a suggestion) and people who shared, in some team and time."""

    reached: int
    shared: int

    @property
    def rate(self) -> float | None:
        """Shared / reached. Someone may share an earlier suggestion, so it can pass 1."""
        return ratio(self.shared, self.reached)


@dataclass(frozen=True, kw_only=True)
class TeamParticipation(Participation):
    """A team's participation over the whole period."""

    team: str | None
    people: int
    """People known in the team (or in all merged teams, for "other")."""


@dataclass(frozen=True, kw_only=True)
class TeamWeek(Participation):
    """A team's participation in one ISO week."""

    team: str | None
    week: WeekSpan


@dataclass(frozen=True, kw_only=True)
class ItemStats:
    """What happened to one content item: share links opened, shares, clicks on shares."""

    item_id: int
    title: str | None
    """None when the item was deleted after the events were recorded."""
    opened: int
    shares: int
    clicks: int

    @property
    def clicks_per_share(self) -> float | None:
        """Clicks on shared links per share; None when it was never marked shared."""
        return ratio(self.clicks, self.shares)


@dataclass(frozen=True, kw_only=True)
class Activity:
    """Counts of events of each kind; anonymous events included."""

    suggested: int = 0
    opened: int = 0
    """Share links opened (``share_link_opened``)."""
    shares: int = 0
    """Marked as shared (``marked_shared``)."""
    clicks: int = 0
    """Clicks on shared links (``link_clicked``)."""
    questions: int = 0
    checks: int = 0
    """Drafts checked."""


@dataclass(frozen=True, kw_only=True)
class TrendWeek:
    """One week of the trend: activity, and the participation of everyone together."""

    week: WeekSpan
    activity: Activity
    participation: Participation


@dataclass(frozen=True, kw_only=True)
class Anonymous:
    """Events recorded without identity (opted out or forgotten): in totals, not as people."""

    shares: int = 0
    clicks: int = 0
    opened: int = 0


@dataclass(frozen=True, kw_only=True)
class QuestionGroup:
    """An unanswered question for the guideline owners, and how often it was asked."""

    question: str
    count: int
    first_asked: datetime
    last_asked: datetime


@dataclass(frozen=True, kw_only=True)
class Unreachable:
    """Digests the bot could not deliver: counted, never silently skipped."""

    messages: int = 0
    people: int = 0


@dataclass(frozen=True, kw_only=True)
class LeaderboardEntry:
    """A person who chose to appear on the leaderboard, and how often they shared."""

    name: str
    shares: int


@dataclass(frozen=True, kw_only=True)
class Report:
    """The participation report for one period."""

    period: ReportPeriod
    generated_at: datetime
    totals: Activity
    participation: Participation
    """Everyone together, over the whole period."""
    teams: tuple[TeamParticipation, ...]
    """Named teams by name, then "other" (if anyone is in it)."""
    team_weeks: tuple[TeamWeek, ...]
    """Only weeks in which the team reached or shared anything."""
    trend: tuple[TrendWeek, ...]
    """Every week of the period, empty ones included."""
    items: tuple[ItemStats, ...]
    """Most shared first."""
    anonymous: Anonymous
    unanswered: tuple[QuestionGroup, ...]
    unreachable: Unreachable
    leaderboard: tuple[LeaderboardEntry, ...]
    picked: tuple[RuleQuestions, ...] = ()
    """Per rule (most questions first), questions people matched to it by picking it."""
    not_helpful: tuple[RuleQuestions, ...] = ()
    """Per rule (most questions first), questions whose answer with it got a 👎."""
    min_team_size: int = MIN_TEAM_SIZE

    @property
    def first_day(self) -> date:
        """The first day of the period, in its time zone."""
        return self.period.local_dates()[0]

    @property
    def last_day(self) -> date:
        """The last day of the period (included), in its time zone."""
        return self.period.local_dates()[1]

    @property
    def current_week(self) -> int | None:
        """The index of the week the report was made in; None when that is outside it."""
        for week in self.trend:
            if week.week.start <= self.generated_at < week.week.end:
                return week.week.index
        return None

    @property
    def is_empty(self) -> bool:
        """True when nothing at all happened in the period."""
        return (
            self.totals == Activity()
            and not self.unanswered
            and not self.unreachable.messages
            and not self.picked
            and not self.not_helpful
        )
