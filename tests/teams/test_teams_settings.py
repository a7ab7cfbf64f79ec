"""Teams settings from the environment: when Teams is on, and what a bad setting says."""

from __future__ import annotations

import pytest

from adapters.teams import TeamsSettings, teams_settings_from_env
from bot.settings import SettingsError

APP_ID = "5f2d3c1b-8a9e-4b7c-a6d5-0e1f2a3b4c5d"
TENANT = "0d7c5a2e-1f3b-4c8d-9e6f-123456789abc"


def test_not_configured_without_any_teams_variable() -> None:
    assert teams_settings_from_env({}) is None
    assert (
        teams_settings_from_env({"SLACK_BOT_TOKEN": "xoxb", "MERKWERKER_ENV": "development"})
        is None
    )


@pytest.mark.parametrize(
    "names",
    [
        ("MicrosoftAppId", "MicrosoftAppPassword"),
        ("MicrosoftAppID", "MicrosoftAppPassword"),
        ("MICROSOFT_APP_ID", "MICROSOFT_APP_PASSWORD"),
        ("microsoft_app_id", "microsoft_app_password"),
    ],
)
def test_usual_spellings_are_accepted(names: tuple[str, str]) -> None:
    settings = teams_settings_from_env({names[0]: f" {APP_ID} ", names[1]: "secret"})
    assert settings == TeamsSettings(app_id=APP_ID, app_password="secret")
    assert settings.authentication
    assert "secret" not in repr(settings)


def test_single_tenant_and_managed_identity() -> None:
    single = teams_settings_from_env(
        {
            "MicrosoftAppId": APP_ID,
            "MicrosoftAppPassword": "s",
            "MICROSOFT_APP_TYPE": "singletenant",
            "MICROSOFT_APP_TENANT_ID": TENANT,
        }
    )
    assert single == TeamsSettings(
        app_id=APP_ID, app_password="s", app_type="SingleTenant", tenant_id=TENANT
    )
    msi = teams_settings_from_env(
        {
            "MicrosoftAppId": APP_ID,
            "MicrosoftAppType": "UserAssignedMSI",
            "MicrosoftAppTenantId": TENANT,
        }
    )
    assert msi is not None and msi.app_type == "UserAssignedMSI" and msi.app_password == ""


def test_development_without_app_id_runs_without_authentication() -> None:
    settings = teams_settings_from_env({"MERKWERKER_TEAMS": "1", "MERKWERKER_ENV": "development"})
    assert settings == TeamsSettings()
    assert not settings.authentication


def test_teams_switched_off_explicitly() -> None:
    assert teams_settings_from_env({"MERKWERKER_TEAMS": "0", "MicrosoftAppId": APP_ID}) is None


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"MERKWERKER_TEAMS": "1"}, "MERKWERKER_ENV=development"),
        ({"MERKWERKER_TEAMS": "yes"}, "MERKWERKER_TEAMS"),
        ({"MicrosoftAppPassword": "s"}, "MicrosoftAppId is not"),
        ({"MicrosoftAppId": "my-bot", "MicrosoftAppPassword": "s"}, "not an app id"),
        ({"MicrosoftAppId": APP_ID}, "MicrosoftAppPassword is not set"),
        (
            {
                "MicrosoftAppId": APP_ID,
                "MicrosoftAppPassword": "s",
                "MicrosoftAppType": "SingleTenant",
            },
            "MicrosoftAppTenantId is not set",
        ),
        (
            {
                "MicrosoftAppId": APP_ID,
                "MicrosoftAppPassword": "s",
                "MicrosoftAppType": "Tenantless",
            },
            "MultiTenant, SingleTenant or UserAssignedMSI",
        ),
        (
            {
                "MicrosoftAppId": APP_ID,
                "MICROSOFT_APP_ID": "1b2c3d4e-0000-4000-8000-123456789abc",
                "MicrosoftAppPassword": "s",
            },
            "different values",
        ),
        (
            {
                "MicrosoftAppId": APP_ID,
                "MicrosoftAppPassword": "s",
                "MicrosoftAppTenantId": "not a tenant!",
            },
            "not a tenant id",
        ),
        (
            {
                "MicrosoftAppId": APP_ID,
                "MicrosoftAppPassword": "s",
                "MERKWERKER_TEAMS_KEYS_TIMEOUT": "0",
            },
            "MERKWERKER_TEAMS_KEYS_TIMEOUT is '0'; it must be a number of seconds from 0.1 to 60.",
        ),
        (
            {
                "MicrosoftAppId": APP_ID,
                "MicrosoftAppPassword": "s",
                "MERKWERKER_TEAMS_KEYS_TIMEOUT": "ten",
            },
            "MERKWERKER_TEAMS_KEYS_TIMEOUT is 'ten'",
        ),
    ],
)
def test_partial_or_malformed_settings_say_what_to_do(env: dict[str, str], words: str) -> None:
    with pytest.raises(SettingsError) as raised:
        teams_settings_from_env(env)
    message = str(raised.value)
    assert words in message
    assert "\n" not in message


def test_production_refuses_to_run_without_authentication_even_with_only_a_type() -> None:
    with pytest.raises(SettingsError, match="MicrosoftAppId"):
        teams_settings_from_env({"MicrosoftAppType": "MultiTenant", "MERKWERKER_ENV": "production"})


def test_messages_follow_the_operators_language() -> None:
    with pytest.raises(SettingsError, match="zet MicrosoftAppId"):
        teams_settings_from_env({"MERKWERKER_TEAMS": "1", "MERKWERKER_LANGUAGE": "nl"})


def test_the_key_limit_is_ten_seconds_unless_set() -> None:
    env = {"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "s"}
    default = teams_settings_from_env(env)
    chosen = teams_settings_from_env({**env, "MERKWERKER_TEAMS_KEYS_TIMEOUT": "2.5"})
    assert default is not None and default.keys_timeout == 10.0
    assert chosen is not None and chosen.keys_timeout == 2.5
