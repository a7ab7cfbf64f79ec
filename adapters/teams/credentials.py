"""Teams settings from the environment: the Azure Bot's app id, password, type and tenant.

Teams is switched on by ``MERKWERKER_TEAMS=1`` or by setting any Microsoft app variable
(``MicrosoftAppId``, ``MicrosoftAppPassword``, ``MicrosoftAppType``,
``MicrosoftAppTenantId``, in any of the usual spellings such as ``MICROSOFT_APP_ID``);
``MERKWERKER_TEAMS=0`` switches it off whatever else is set. Without an app id the bot
does not check who calls it, which is only allowed with ``MERKWERKER_ENV=development``.

The three kinds of Azure Bot (``MicrosoftAppType``):

- ``SingleTenant`` (what Azure creates today): app id, client secret and tenant id; the
  bot's token comes from ``login.microsoftonline.com/<tenant id>``.
- ``UserAssignedMSI``: the managed identity's client id and tenant id, no secret; the token
  comes from the managed-identity endpoint of the Azure host (``IDENTITY_ENDPOINT`` and
  ``IDENTITY_HEADER`` on App Service, else the VM's instance metadata service).
- ``MultiTenant`` (Azure creates no new ones since 31 July 2025; existing bots keep
  working): app id and client secret; the token comes from
  ``login.microsoftonline.com/botframework.com``.

Without ``MicrosoftAppType`` a bot with a tenant id is single tenant, and one without is
multi tenant, as it was before the type existed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from bot.i18n import t
from bot.settings import SettingsError

AppType = Literal["MultiTenant", "SingleTenant", "UserAssignedMSI"]

APP_TYPES: dict[str, AppType] = {
    "multitenant": "MultiTenant",
    "singletenant": "SingleTenant",
    "userassignedmsi": "UserAssignedMSI",
}

# Canonical name -> the spelling folded to lower case without underscores, so that
# MicrosoftAppId, MicrosoftAppID, MICROSOFT_APP_ID and microsoft_app_id all match.
_VARIABLES = {
    "MicrosoftAppId": "microsoftappid",
    "MicrosoftAppPassword": "microsoftapppassword",
    "MicrosoftAppType": "microsoftapptype",
    "MicrosoftAppTenantId": "microsoftapptenantid",
}
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-zA-Z0-9-]{1,63}\.)+[a-zA-Z]{2,63}$")


@dataclass(frozen=True, kw_only=True)
class TeamsSettings:
    """How the bot identifies itself to the Bot Framework, checked at start-up."""

    app_id: str = ""
    """The Azure Bot's Microsoft App ID; empty means authentication is off (development)."""
    app_password: str = field(default="", repr=False)
    app_type: AppType = "MultiTenant"
    tenant_id: str = ""
    keys_timeout: float = 10.0
    """How long a token check may wait for Microsoft's signing keys before answering 503
    (``MERKWERKER_TEAMS_KEYS_TIMEOUT``, seconds)."""

    @property
    def authentication(self) -> bool:
        """True when incoming requests must carry a valid Bot Framework token."""
        return bool(self.app_id)


def is_guid(value: str) -> bool:
    """True for a GUID such as ``2f1c…-…``, the form of every Microsoft app and tenant id."""
    return bool(_GUID.match(value))


def _language(env: Mapping[str, str]) -> str:
    for value in (env.get("MERKWERKER_LANGUAGE"), env.get("LANG")):
        if value:
            code = value.replace("_", "-").split("-")[0].split(".")[0].lower()
            if code in ("nl", "en"):
                return code
    return "en"


def _read(env: Mapping[str, str], language: str) -> dict[str, tuple[str, str]]:
    """Each Microsoft variable that is set: canonical name -> (name used, value)."""
    found: dict[str, tuple[str, str]] = {}
    for name, raw in env.items():
        folded = name.replace("_", "").lower()
        for canonical, wanted in _VARIABLES.items():
            if folded != wanted or not raw.strip():
                continue
            value = raw.strip()
            if canonical in found and found[canonical][1] != value:
                other = found[canonical][0]
                raise SettingsError(
                    t(language, "teams.settings.conflict", first=other, second=name)
                )
            found.setdefault(canonical, (name, value))
    return found


def teams_settings_from_env(env: Mapping[str, str]) -> TeamsSettings | None:
    """The Teams settings, or None when Teams is not configured.

    Raises ``SettingsError`` with one sentence naming the variable when the settings are
    partial or malformed, or when authentication would be off outside development.
    """
    language = _language(env)
    switch = env.get("MERKWERKER_TEAMS", "").strip()
    if switch not in ("", "0", "1"):
        raise SettingsError(t(language, "teams.settings.switch", value=switch))
    if switch == "0":
        return None
    found = _read(env, language)
    if switch != "1" and not found:
        return None
    values = {name: value for name, (_, value) in found.items()}
    app_id = values.get("MicrosoftAppId", "")
    password = values.get("MicrosoftAppPassword", "")
    tenant = values.get("MicrosoftAppTenantId", "")
    raw_type = values.get("MicrosoftAppType", "SingleTenant" if tenant else "MultiTenant")
    app_type = APP_TYPES.get(raw_type.replace("_", "").replace("-", "").lower())
    if app_type is None:
        raise SettingsError(t(language, "teams.settings.bad_type", value=raw_type))
    if not app_id:
        if password or tenant or "MicrosoftAppType" in values:
            given = next(name for name, _ in found.values())
            raise SettingsError(t(language, "teams.settings.no_app_id", name=given))
        if env.get("MERKWERKER_ENV", "").strip() != "development":
            raise SettingsError(t(language, "teams.settings.auth_off"))
        return TeamsSettings(keys_timeout=_keys_timeout(env, language))
    if not is_guid(app_id):
        raise SettingsError(t(language, "teams.settings.bad_app_id", value=app_id))
    if tenant and not (is_guid(tenant) or _DOMAIN.match(tenant)):
        raise SettingsError(t(language, "teams.settings.bad_tenant", value=tenant))
    if app_type == "UserAssignedMSI" and password:
        raise SettingsError(t(language, "teams.settings.msi_password"))
    if app_type != "UserAssignedMSI" and not password:
        raise SettingsError(t(language, "teams.settings.no_password", type=app_type))
    if app_type != "MultiTenant" and not tenant:
        raise SettingsError(t(language, "teams.settings.no_tenant", type=app_type))
    return TeamsSettings(
        app_id=app_id,
        app_password=password,
        app_type=app_type,
        tenant_id=tenant,
        keys_timeout=_keys_timeout(env, language),
    )


def _keys_timeout(env: Mapping[str, str], language: str) -> float:
    """``MERKWERKER_TEAMS_KEYS_TIMEOUT`` in seconds (0.1 to 60), 10 when not set."""
    raw = env.get("MERKWERKER_TEAMS_KEYS_TIMEOUT", "").strip()
    if not raw:
        return 10.0
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0.1 <= seconds <= 60:  # also refuses nan
        raise SettingsError(t(language, "teams.settings.bad_keys_timeout", value=raw))
    return seconds
