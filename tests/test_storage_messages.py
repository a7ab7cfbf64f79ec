"""One message's records: the person read in one query, the writes in one transaction,
on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from bot.messages import ConversationRef, Platform
from bot.people import PeopleStore
from bot.records import LoggedEvent, MessageRecord, QuestionRecord
from bot.storage import ConversationReference, Event, Question, Role, Store, User
from bot.tracking import EventLog

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
QUESTION = QuestionRecord(
    text="Can I name our client?",
    language="en",
    verdict="not_allowed",
    rule_id="client-names",
    related=("confidential",),
    guidelines_version="v1",
    answered=True,
)


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    store = Store.open(database_url, clock=lambda: T0)
    yield store
    store.close()


def _ref(conversation_id: str) -> ConversationRef:
    return ConversationRef(
        platform=Platform.TEAMS,
        conversation_id=conversation_id,
        user_id="aad-anna",
        data={"serviceUrl": "https://smba.example/"},
    )


def test_the_person_comes_with_language_team_tracking_and_roles(store: Store) -> None:
    new = store.person(platform="teams", platform_user_id="aad-anna", language="nl")
    assert (new.language, new.team, new.tracking, new.roles) == ("nl", None, True, frozenset())
    people = PeopleStore.from_store(store)
    people.apply_changes(new.user_id, {"team": "Sales"})
    people.set_tracking(new.user_id, on=False)
    with Session(store.engine) as session:
        session.add(
            Role(platform="teams", platform_user_id="aad-anna", role="admin", granted_at=T0)
        )
        session.commit()
    known = store.person(platform="teams", platform_user_id="aad-anna", language="en")
    assert known.user_id == new.user_id
    # The stored language is read, not replaced: the message's write changes it.
    assert (known.language, known.team, known.tracking) == ("nl", "Sales", False)
    assert known.roles == {"admin", "comms"}


def test_a_message_writes_its_records_and_event_once(store: Store) -> None:
    person = store.person(platform="teams", platform_user_id="aad-anna", language="nl")
    PeopleStore.from_store(store).apply_changes(person.user_id, {"team": "Sales"})
    PeopleStore.from_store(store).set_tracking(person.user_id, on=False)
    person = store.person(platform="teams", platform_user_id="aad-anna", language="en")
    log = EventLog.from_store(store)
    event = LoggedEvent(kind="question_asked", key="question_asked:teams:1", detail="not_allowed")
    for conversation in ("a:1", "a:2"):
        record = MessageRecord(
            person=person,
            at=T0,
            language="en",
            conversation=_ref(conversation),
            question=QUESTION,
            event=event,
        )
        assert log.record_message(record) is not None
    with Session(store.engine) as session:
        user = session.exec(select(User)).one()
        questions = session.exec(select(Question)).all()
        events = session.exec(select(Event)).all()
        references = session.exec(select(ConversationReference)).all()
    assert user.language == "en"
    # An opted-out person's question is kept for the owners, and like the event it is
    # not linked to them ("opt out stops linking anything to you").
    assert [q.user_id for q in questions] == [None, None]
    assert [(e.kind, e.user_id, e.team) for e in events] == [("question_asked", None, "Sales")]
    assert [(r.user_id, r.conversation_id) for r in references] == [(person.user_id, "a:2")]


def test_a_write_that_fails_leaves_nothing_behind(store: Store) -> None:
    person = store.person(platform="teams", platform_user_id="aad-anna", language="nl")
    broken = QuestionRecord(**{**QUESTION.__dict__, "verdict": "no such verdict"})
    record = MessageRecord(
        person=person,
        at=T0,
        language="en",
        conversation=_ref("a:1"),
        question=broken,
        event=LoggedEvent(kind="question_asked", key="question_asked:teams:1"),
    )
    with pytest.raises(ValueError):
        EventLog.from_store(store).record_message(record)
    with Session(store.engine) as session:
        assert session.exec(select(User)).one().language == "nl"
        assert session.exec(select(ConversationReference)).all() == []
        assert session.exec(select(Question)).all() == []
        assert session.exec(select(Event)).all() == []
