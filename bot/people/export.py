"""Everything stored about one person (``PeopleStore.export``): as JSON text and as a chat summary.

The document holds the user row (their settings), their questions (text, verdict,
date), their draft checks (outcomes; a draft text only if one was ever kept), their
events, share links, conversation references, roles and queued messages, and the
content and feeds they added or approved and the roles they granted.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from bot.i18n import t
from bot.messages import Fact, Part, Text

RECENT_QUESTIONS = 5


def export_json(document: dict[str, Any]) -> str:
    """The export as readable JSON text."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _counts(values: list[str]) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(Counter(values).items()))


def _credits(document: dict[str, Any], language: str) -> list[Part]:
    # Roles, and what the person added, approved or granted as a comms person or admin.
    none = t(language, "settings.none")
    roles = ", ".join(role["role"] for role in document["roles"]) or none
    parts: list[Part] = [Fact(label=t(language, "privacy.export.roles"), value=roles)]
    for key, rows in (
        ("privacy.export.content", document.get("content", [])),
        ("privacy.export.feeds", document.get("feeds", [])),
        ("privacy.export.roles_granted", document.get("roles_granted", [])),
    ):
        if rows:
            parts.append(Fact(label=t(language, key), value=str(len(rows))))
    return parts


def summary_parts(document: dict[str, Any], language: str) -> tuple[Part, ...]:
    """A short, readable account of the export for the chat."""
    user = document["user"]
    none = t(language, "settings.none")
    questions = document["questions"]
    checks = document["draft_checks"]
    events = document["events"]
    tracking = t(language, "privacy.status_on" if user["tracking"] else "privacy.status_off")
    parts: list[Part] = [
        Text(text=t(language, "privacy.export.title"), style="heading"),
        Fact(
            label=t(language, "privacy.export.profile"),
            value=t(
                language,
                "privacy.export.profile_value",
                platform=user["platform"],
                user=user["platform_user_id"],
                language=user["language"] or none,
                since=(user["created_at"] or "")[:10],
            ),
        ),
        Fact(label=t(language, "privacy.export.name"), value=user["display_name"] or none),
        Fact(label=t(language, "settings.field.team"), value=user["team"] or none),
        Fact(label=t(language, "settings.field.location"), value=user["location"] or none),
        Fact(label=t(language, "settings.field.topics"), value=", ".join(user["topics"]) or none),
        Fact(
            label=t(language, "settings.field.digest"),
            value=t(language, f"settings.digest.{user['digest']}"),
        ),
        Fact(
            label=t(language, "settings.field.leaderboard"),
            value=t(language, "settings.yes" if user["leaderboard"] else "settings.no"),
        ),
        Text(text=tracking),
        Fact(label=t(language, "privacy.export.questions"), value=str(len(questions))),
    ]
    for question in questions[-RECENT_QUESTIONS:]:
        verdict = t(language, f"verdict.{question['verdict']}")
        text = question["text"] if len(question["text"]) <= 80 else question["text"][:79] + "…"
        parts.append(Text(text=f"{question['asked_at'][:10]} · {verdict} · {text}", style="note"))
    parts.append(
        Fact(
            label=t(language, "privacy.export.checks"),
            value=f"{len(checks)} ({_counts([c['verdict'] for c in checks])})" if checks else "0",
        )
    )
    parts.append(Text(text=t(language, "privacy.export.checks_note"), style="note"))
    parts.append(
        Fact(
            label=t(language, "privacy.export.events"),
            value=f"{len(events)} ({_counts([e['kind'] for e in events])})" if events else "0",
        )
    )
    parts.append(
        Fact(label=t(language, "privacy.export.shares"), value=str(len(document["shares"])))
    )
    parts.extend(_credits(document, language))
    parts.append(
        Text(
            text=t(
                language,
                "privacy.export.json",
                platform=user["platform"],
                user=user["platform_user_id"],
            ),
            style="note",
        )
    )
    return tuple(parts)
