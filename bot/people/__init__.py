"""People: their settings, and their control over what the bot keeps about them.

Chat features: ``SettingsFeature`` (topics, digest, time zone, ...) and ``PrivacyFeature``
(how tracking works, opt-out, export, forget, and the first-contact notice). Both, and
the CLI, read and write through ``PeopleStore``, the area's one SQL module.
"""

from __future__ import annotations

from bot.people.export import export_json
from bot.people.forget import Forgotten
from bot.people.privacy_feature import PrivacyFeature
from bot.people.profile import Profile
from bot.people.roster import ROLES, PersonRow, read_people_csv
from bot.people.settings_feature import SettingsFeature
from bot.people.store import PeopleStore
from bot.people.validation import validate_settings

__all__ = [
    "ROLES",
    "Forgotten",
    "PeopleStore",
    "PersonRow",
    "PrivacyFeature",
    "Profile",
    "SettingsFeature",
    "export_json",
    "read_people_csv",
    "validate_settings",
]
