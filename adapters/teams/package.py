"""The Teams app package: ``manifest.json`` and the two icons in a zip, ready to upload.

The manifest in ``manifest/`` is the template; the bot's app id, the app name, the web
addresses and the descriptions (from the catalogues, English with a Dutch localisation)
are filled in here.
"""

from __future__ import annotations

import copy
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from adapters.teams.credentials import is_guid
from bot.i18n import t

MANIFEST_FOLDER = Path(__file__).parent / "manifest"
ICONS = ("color.png", "outline.png")
DEFAULT_NAME = "Merkwerker"
MAX_SHORT_NAME = 30
COMMANDS = ("help", "check", "share", "settings", "mydata")
LOCALIZATION_SCHEMA = "https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/MicrosoftTeams.Localization.schema.json"
DEFAULT_VERSION = "1.0.0"
_VERSION = re.compile(r"^(0|[1-9][0-9]{0,4})\.(0|[1-9][0-9]{0,4})\.(0|[1-9][0-9]{0,4})$")
_HOST = re.compile(r"^(?=.{1,253}$)(\*\.)?([a-zA-Z0-9-]{1,63}\.)+[a-zA-Z]{2,63}$")
# A zip entry's date is fixed so the same input always gives the same package.
_ZIP_DATE = (2024, 1, 1, 0, 0, 0)


class PackageError(ValueError):
    """An option of the package is malformed; ``key`` names the catalogue message."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def host_of(domain: str) -> str:
    """The host name in ``domain`` (a bare host or a URL); raises ``PackageError``."""
    value = domain.strip()
    host = urlsplit(value).hostname if "://" in value else value.rstrip("/")
    if not host or not _HOST.match(host):
        raise PackageError("teams.cli.bad_domain", value=domain)
    return host.lower()


def _texts(language: str) -> dict[str, str]:
    return {
        "description.short": t(language, "teams.manifest.short"),
        "description.full": t(language, "teams.manifest.full"),
        **{
            f"bots[0].commandLists[0].commands[{i}].description": t(
                language, f"teams.manifest.command.{c}"
            )
            for i, c in enumerate(COMMANDS)
        },
    }


def site_and_host(
    *, domain: str | None, website: str | None, public_url: str | None
) -> tuple[str, str]:
    """The website (privacy and terms links under it) and the host for ``validDomains``.

    ``domain`` (``--domain``) wins over ``public_url`` (``MERKWERKER_PUBLIC_URL``);
    ``website`` only moves the links. Raises ``PackageError`` when neither ``domain`` nor
    ``public_url`` is given: there is no address to link to, and no made-up one is used.
    """
    if website is not None:
        parts = urlsplit(website.strip())
        if parts.scheme != "https" or not parts.hostname:
            raise PackageError("teams.cli.bad_website", value=website)
    if domain:
        host = host_of(domain)
        site = f"https://{host}"
    elif public_url and public_url.strip():
        parts = urlsplit(public_url.strip())
        if parts.scheme != "https" or not parts.hostname:
            raise PackageError("teams.cli.bad_public_url", value=public_url)
        host = host_of(parts.hostname)
        site = public_url.strip()
    else:
        raise PackageError("teams.cli.no_address")
    return (website.strip() if website else site).rstrip("/"), host


def build_manifest(
    app_id: str,
    *,
    name: str = DEFAULT_NAME,
    domain: str | None = None,
    website: str | None = None,
    public_url: str | None = None,
    version: str = DEFAULT_VERSION,
) -> dict[str, Any]:
    """The manifest for the bot ``app_id``; raises ``PackageError`` on a malformed option.

    The address comes from ``domain`` or ``public_url`` (see ``site_and_host``).
    """
    if not is_guid(app_id.strip()):
        raise PackageError("teams.cli.bad_app_id", value=app_id)
    app_id = app_id.strip().lower()
    name = name.strip()
    if not 1 <= len(name) <= MAX_SHORT_NAME:
        raise PackageError("teams.cli.bad_name", length=len(name))
    if not _VERSION.match(version.strip()):
        raise PackageError("teams.cli.bad_version", value=version)
    site, host = site_and_host(domain=domain, website=website, public_url=public_url)
    template = json.loads((MANIFEST_FOLDER / "manifest.json").read_text(encoding="utf-8"))
    manifest: dict[str, Any] = copy.deepcopy(template)
    manifest["id"] = app_id
    manifest["version"] = version.strip()
    manifest["bots"][0]["botId"] = app_id
    manifest["name"] = {"short": name, "full": name}
    manifest["developer"].update(
        name=name, websiteUrl=site, privacyUrl=f"{site}/privacy", termsOfUseUrl=f"{site}/terms"
    )
    texts = _texts("en")
    manifest["description"] = {
        "short": texts["description.short"],
        "full": texts["description.full"],
    }
    for i, command in enumerate(manifest["bots"][0]["commandLists"][0]["commands"]):
        command["description"] = texts[f"bots[0].commandLists[0].commands[{i}].description"]
    manifest["validDomains"] = [host]
    return manifest


def localization(language: str, name: str = DEFAULT_NAME) -> dict[str, Any]:
    """The Teams localisation file for ``language`` (the Dutch texts of the manifest)."""
    return {
        "$schema": LOCALIZATION_SCHEMA,
        "name.short": name,
        "name.full": name,
        **_texts(language),
    }


def build_package(
    app_id: str,
    *,
    name: str = DEFAULT_NAME,
    domain: str | None = None,
    website: str | None = None,
    public_url: str | None = None,
    version: str = DEFAULT_VERSION,
) -> bytes:
    """The zip to upload to Teams: manifest, Dutch localisation and icons at its root."""
    manifest = build_manifest(
        app_id, name=name, domain=domain, website=website, public_url=public_url, version=version
    )
    files: dict[str, bytes] = {"manifest.json": _json(manifest)}
    for extra in manifest.get("localizationInfo", {}).get("additionalLanguages", []):
        language = extra["languageTag"].split("-")[0]
        files[extra["file"]] = _json(localization(language, manifest["name"]["short"]))
    for icon in ICONS:
        files[icon] = (MANIFEST_FOLDER / icon).read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for filename, data in files.items():
            archive.writestr(
                zipfile.ZipInfo(filename, date_time=_ZIP_DATE), data, zipfile.ZIP_DEFLATED
            )
    return buffer.getvalue()


def _json(value: dict[str, Any]) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
