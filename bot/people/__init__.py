"""People: their settings, and their control over what the bot keeps about them.

Chat features: ``SettingsFeature`` (topics, digest, time zone, ...) and ``PrivacyFeature``
(how tracking works, opt-out, export, forget, and the first-contact notice). The CLI
uses ``export_person``, ``forget_person`` and the roster functions directly.
"""

from __future__ import annotations

from bot.people.export import export_json, export_person
from bot.people.forget import Forgotten, forget_person
from bot.people.privacy_feature import PrivacyFeature
from bot.people.profile import Profile, load_profile, set_tracking
from bot.people.roster import (
    ROLES,
    find_person,
    grant_role,
    import_people,
    read_people_csv,
    revoke_role,
    set_person,
)
from bot.people.settings_feature import SettingsFeature
from bot.people.validation import validate_settings

__all__ = [
    "ROLES",
    "Forgotten",
    "PrivacyFeature",
    "Profile",
    "SettingsFeature",
    "export_json",
    "export_person",
    "find_person",
    "forget_person",
    "grant_role",
    "import_people",
    "load_profile",
    "read_people_csv",
    "revoke_role",
    "set_person",
    "set_tracking",
    "validate_settings",
]
