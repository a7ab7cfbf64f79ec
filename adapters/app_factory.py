"""Building the bot for a deployment: the guidelines, the store and every feature.

Used by ``merkwerker serve`` (Slack and Teams) and by the console, so each platform
talks to the same bot with the same features.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.answering.answerer import Answerer
from bot.answering.feedback_feature import AnswerFeedbackFeature
from bot.answering.store import FeedbackStore
from bot.clock import utc_now
from bot.content import ContentFeature, ContentQueue, ContentStore
from bot.conversation import Merkwerker
from bot.database_access import Store
from bot.features import Feature
from bot.guidelines.library import GuidelinesLibrary
from bot.people import PeopleStore, PrivacyFeature, SettingsFeature
from bot.reports import ReportQueries
from bot.reports.feature import ReportFeature
from bot.reports.links import signer_for
from bot.settings import Settings
from bot.suggestions import SuggestionsFeature, SuggestionStore
from bot.tracking import EventLog


def features(
    settings: Settings,
    *,
    store: Store,
    library: GuidelinesLibrary,
    clock: Callable[[], datetime] = utc_now,
) -> list[Feature]:
    """Every feature this installation has: sharing, the content queue, settings, privacy,
    and the report for the comms team."""
    queue = ContentQueue(
        ContentStore.from_store(store),
        clock=clock,
        guidelines_provider=lambda: library.current,
        timezone=settings.timezone,
    )
    return [
        AnswerFeedbackFeature(FeedbackStore.from_store(store)),
        ContentFeature(queue),
        SuggestionsFeature(SuggestionStore.from_store(store), settings=settings),
        SettingsFeature(
            PeopleStore.from_store(store), events=EventLog.from_store(store), settings=settings
        ),
        PrivacyFeature(PeopleStore.from_store(store)),
        ReportFeature(
            ReportQueries.from_store(store),
            settings=settings,
            signer=signer_for(settings.secret, clock=clock),
        ),
    ]


def build_bot(
    settings: Settings,
    *,
    store: Store,
    clock: Callable[[], datetime] = utc_now,
    library: GuidelinesLibrary | None = None,
    answerer: Answerer | None = None,
) -> Merkwerker:
    """The bot with every feature installed and the participation log as its event sink.

    Opens the guidelines folder of ``settings`` unless ``library`` is given; raises
    ``GuidelinesUnavailable`` when that folder has never been valid.
    """
    library = library or GuidelinesLibrary.open(settings.guidelines)
    return Merkwerker(
        library=library,
        store=store,
        clock=clock,
        settings=settings,
        features=features(settings, store=store, library=library, clock=clock),
        events=EventLog.from_store(store, clock=clock),
        answerer=answerer or Answerer.from_settings(settings),
    )
