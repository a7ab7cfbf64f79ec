"""``merkwerker teams package``, run as a person would: a real process writing a real zip."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.teams.package import PackageError, build_manifest, host_of

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "5F2D3C1B-8A9E-4B7C-A6D5-0E1F2A3B4C5D"


def run(*args: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MERKWERKER_", "LANG"))}
    env["MERKWERKER_EMBEDDING_CACHE"] = os.environ["MERKWERKER_EMBEDDING_CACHE"]
    env.update(extra)
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli.main", "teams", "package", *args],
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=60,
        check=False,
        text=True,
    )


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_package_holds_a_manifest_for_the_bot_and_both_icons(tmp_path: Path) -> None:
    done = run(
        "--app-id", APP_ID, "--domain", "merkwerker.example.com", "--name", "Merk", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "merkwerker-teams.zip" in done.stdout
    with zipfile.ZipFile(tmp_path / "merkwerker-teams.zip") as archive:
        assert sorted(archive.namelist()) == [
            "color.png",
            "manifest.json",
            "nl-nl.json",
            "outline.png",
        ]
        manifest = json.loads(archive.read("manifest.json"))
        dutch = json.loads(archive.read("nl-nl.json"))
        assert png_size(archive.read("color.png")) == (192, 192)
        assert png_size(archive.read("outline.png")) == (32, 32)
    assert manifest["manifestVersion"] == "1.17"
    assert manifest["version"] == "1.0.0"
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID.lower()
    assert manifest["name"]["short"] == "Merk"
    assert manifest["validDomains"] == ["merkwerker.example.com"]
    assert manifest["developer"]["privacyUrl"] == "https://merkwerker.example.com/privacy"
    assert set(manifest["bots"][0]["scopes"]) == {"personal", "team", "groupChat"}
    assert dutch["description.short"] == "Post met vertrouwen over je werk."
    assert len(manifest["description"]["short"]) <= 80
    assert len(manifest["description"]["full"]) <= 4000


def test_output_option_and_website(tmp_path: Path) -> None:
    target = tmp_path / "out" / "app.zip"
    target.parent.mkdir()
    done = run(
        "--app-id",
        APP_ID,
        "--output",
        str(target),
        "--website",
        "https://intranet.example.com/merk",
        cwd=tmp_path,
        MERKWERKER_PUBLIC_URL="https://bot.example.com",
    )
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(target) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["developer"]["termsOfUseUrl"] == "https://intranet.example.com/merk/terms"
    assert manifest["validDomains"] == ["bot.example.com"]


def test_the_public_url_gives_the_privacy_and_terms_links(tmp_path: Path) -> None:
    done = run("--app-id", APP_ID, cwd=tmp_path, MERKWERKER_PUBLIC_URL="https://Bot.Example.com/")
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(tmp_path / "merkwerker-teams.zip") as archive:
        manifest = json.loads(archive.read("manifest.json"))
    developer = manifest["developer"]
    assert developer["websiteUrl"] == "https://Bot.Example.com"
    assert developer["privacyUrl"] == "https://Bot.Example.com/privacy"
    assert developer["termsOfUseUrl"] == "https://Bot.Example.com/terms"
    assert manifest["validDomains"] == ["bot.example.com"]


def test_domain_wins_over_the_public_url_and_version_is_set(tmp_path: Path) -> None:
    done = run(
        "--app-id",
        APP_ID,
        "--domain",
        "teams.example.com",
        "--version",
        "1.0.3",
        cwd=tmp_path,
        MERKWERKER_PUBLIC_URL="https://bot.example.com",
    )
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(tmp_path / "merkwerker-teams.zip") as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["developer"]["privacyUrl"] == "https://teams.example.com/privacy"
    assert manifest["validDomains"] == ["teams.example.com"]
    assert manifest["version"] == "1.0.3"


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({}, "set MERKWERKER_PUBLIC_URL (such as https://merkwerker.example.com"),
        ({"MERKWERKER_PUBLIC_URL": "  "}, "or pass --domain merkwerker.example.com."),
        (
            {"MERKWERKER_PUBLIC_URL": "http://bot.example.com"},
            "MERKWERKER_PUBLIC_URL is 'http://bot.example.com', but the Teams app needs an https",
        ),
        ({"MERKWERKER_LANGUAGE": "nl"}, "zet MERKWERKER_PUBLIC_URL"),
    ],
)
def test_without_a_public_address_nothing_is_written_and_no_example_address_is_made_up(
    tmp_path: Path, extra: dict[str, str], words: str
) -> None:
    done = run(
        "--app-id", APP_ID, "--website", "https://intranet.example.com", cwd=tmp_path, **extra
    )
    assert done.returncode == 2
    assert words in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
    assert "example.com" not in done.stdout
    assert list(tmp_path.iterdir()) == []


def test_a_bad_app_id_ends_in_one_sentence(tmp_path: Path) -> None:
    done = run("--app-id", "merkwerker-bot", cwd=tmp_path)
    assert done.returncode == 2
    assert "--app-id 'merkwerker-bot' is not an app id" in done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--app-id", "{1b2c3d4e-0000-4000-8000-123456789abc}"), "is not an app id"),
        (
            ("--app-id", APP_ID, "--name", "A name much longer than thirty characters"),
            "1 to 30 characters",
        ),
        (("--app-id", APP_ID, "--name", "  "), "1 to 30 characters"),
        (("--app-id", APP_ID, "--domain", "not a host"), "is not a host name"),
        (("--app-id", APP_ID, "--domain", "b.example.com", "--version", "2"), "is not a version"),
        (("--app-id", APP_ID, "--domain", "b.example.com", "--version", "1.0.0-beta"), "1.0.1"),
        (("--app-id", APP_ID, "--website", "http://plain.example.com"), "is not an https address"),
        (
            ("--app-id", APP_ID, "--domain", "bot.example.com", "--output", "/nonexistent/app.zip"),
            "Cannot write",
        ),
    ],
)
def test_bad_options_end_in_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], words: str
) -> None:
    from adapters.cli.main import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MERKWERKER_LANGUAGE", "en")
    done = CliRunner().invoke(app, ["teams", "package", *args])
    assert done.exit_code != 0
    assert words in done.stderr
    assert done.exception is None or isinstance(done.exception, SystemExit)
    assert list(tmp_path.iterdir()) == []


def test_domain_may_be_given_as_an_address() -> None:
    assert host_of("https://Bot.Example.com/api/messages") == "bot.example.com"
    with pytest.raises(PackageError):
        build_manifest("00000000-0000-0000-0000-00000000000")
