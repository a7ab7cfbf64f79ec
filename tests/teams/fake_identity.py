"""Microsoft's sign-in services on loopback: Entra ID, the Bot Framework's keys, managed identity.

The bot process is pointed here the way any HTTPS client can be: ``HTTPS_PROXY`` names
this server, and ``REQUESTS_CA_BUNDLE`` trusts a certificate authority made for the test.
A ``CONNECT`` to ``login.microsoftonline.com`` or ``login.botframework.com`` is answered
here over TLS with a certificate for that host; a ``CONNECT`` anywhere else is refused and
remembered, so a test notices any attempt to reach the internet. Plain HTTP requests are
the managed-identity endpoint of App Service (``IDENTITY_ENDPOINT`` + ``IDENTITY_HEADER``).

What it answers, as the real services do:

- ``GET https://login.microsoftonline.com/<tenant>/v2.0/.well-known/openid-configuration``
  and ``POST …/<tenant>/oauth2/v2.0/token`` (client credentials): a token
  ``entra-token-for-<tenant>``;
- ``GET https://login.botframework.com/v1/.well-known/openidconfiguration`` and its keys,
  endorsed for ``msteams``: the key ``channel_token`` signs with;
- ``GET http://127.0.0.1:<port>/msi/token?resource=…&client_id=…`` with the
  ``X-IDENTITY-HEADER``: a token ``msi-token-for-<client id>``.
"""

from __future__ import annotations

import datetime
import http.server
import json
import ssl
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from jwt.algorithms import RSAAlgorithm

ENTRA = "login.microsoftonline.com"
BOT_FRAMEWORK = "login.botframework.com"
INTERCEPTED = (ENTRA, BOT_FRAMEWORK)
IDENTITY_HEADER = "identity-header-for-the-test"
KEY_ID = "fake-bot-framework-key"


@dataclass
class Seen:
    """One request the fake services answered."""

    host: str
    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A test CA (its PEM is the bundle to trust) and a certificate for the two hosts."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Merkwerker test CA"))
        .issuer_name(_name("Merkwerker test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name(ENTRA))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(host) for host in INTERCEPTED]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    bundle, cert_file, key_file = folder / "ca.pem", folder / "host.pem", folder / "host.key"
    bundle.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return bundle, cert_file, key_file


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    host_name = "127.0.0.1"

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def do_CONNECT(self) -> None:
        host, _, port = self.path.partition(":")
        if host not in INTERCEPTED or port != "443":
            self.server.refused.append(self.path)
            self.send_error(403, "the test allows no other host")
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        try:
            tls = self.server.tls.wrap_socket(self.connection, server_side=True)
        except (ssl.SSLError, OSError):
            return
        inner = type("_Intercepted", (_Handler,), {"host_name": host})
        try:
            inner(tls, self.client_address, self.server)
        finally:
            tls.close()
        self.close_connection = True

    def _answer(self, body: dict[str, Any], status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _seen(self, form: dict[str, list[str]] | None = None) -> Seen:
        parts = urlsplit(self.path)
        seen = Seen(
            host=self.host_name,
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query),
            form=form or {},
            headers=dict(self.headers),
        )
        self.server.seen.append(seen)
        return seen

    def do_GET(self) -> None:
        seen = self._seen()
        segments = seen.path.strip("/").split("/")
        if self.host_name == ENTRA and segments[1:] == [
            "v2.0",
            ".well-known",
            "openid-configuration",
        ]:
            base = f"https://{ENTRA}/{segments[0]}"
            self._answer(
                {
                    "issuer": f"https://login.microsoftonline.com/{segments[0]}/v2.0",
                    "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                    "token_endpoint": f"{base}/oauth2/v2.0/token",
                }
            )
        elif self.host_name == ENTRA and seen.path == "/common/discovery/instance":
            # MSAL asks for the host's aliases when a token request fails.
            self._answer(
                {
                    "tenant_discovery_endpoint": (
                        f"https://{ENTRA}/common/v2.0/.well-known/openid-configuration"
                    ),
                    "api-version": "1.1",
                    "metadata": [
                        {
                            "preferred_network": ENTRA,
                            "preferred_cache": "login.windows.net",
                            "aliases": [ENTRA, "login.windows.net", "login.microsoft.com"],
                        }
                    ],
                }
            )
        elif self.host_name == BOT_FRAMEWORK and seen.path == "/v1/.well-known/openidconfiguration":
            self._answer(
                {
                    "issuer": "https://api.botframework.com",
                    "jwks_uri": f"https://{BOT_FRAMEWORK}/v1/.well-known/keys",
                }
            )
        elif self.host_name == BOT_FRAMEWORK and seen.path == "/v1/.well-known/keys":
            time.sleep(self.server.keys_delay)  # a slow key endpoint, when a test asks
            key = json.loads(RSAAlgorithm.to_jwk(self.server.signing_key.public_key()))
            key.update(kid=KEY_ID, use="sig", endorsements=["msteams"])
            self._answer({"keys": [key]})
        elif self.host_name == "127.0.0.1" and seen.path == "/msi/token":
            if self.headers.get("X-IDENTITY-HEADER") != IDENTITY_HEADER:
                self._answer({"statusCode": 400, "message": "no identity header"}, 400)
                return
            client = seen.query.get("client_id", ["system"])[0]
            self._answer(
                {
                    "access_token": f"msi-token-for-{client}",
                    "expires_on": str(int(time.time()) + 3600),
                    "resource": seen.query.get("resource", [""])[0],
                    "token_type": "Bearer",
                }
            )
        else:
            self._answer({"error": "not_found"}, 404)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        seen = self._seen(form)
        segments = seen.path.strip("/").split("/")
        if self.host_name == ENTRA and segments[1:] == ["oauth2", "v2.0", "token"]:
            if form.get("grant_type") != ["client_credentials"] or not form.get("client_secret"):
                self._answer({"error": "invalid_request"}, 400)
                return
            if self.server.secret is not None and form["client_secret"] != [self.server.secret]:
                self._answer(
                    {
                        "error": "invalid_client",
                        "error_description": "AADSTS7000215: Invalid client secret provided.",
                    },
                    401,
                )
                return
            self._answer(
                {
                    "access_token": f"entra-token-for-{segments[0]}",
                    "token_type": "Bearer",
                    "expires_in": 3600,
                }
            )
        else:
            self._answer({"error": "not_found"}, 404)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    tls: ssl.SSLContext
    signing_key: rsa.RSAPrivateKey
    seen: list[Seen]
    refused: list[str]
    secret: str | None
    keys_delay: float


class FakeIdentity:
    """Start with ``FakeIdentity(folder).start()``; ``env()`` points a process at it."""

    def __init__(self, folder: Path, *, secret: str | None = None) -> None:
        """``secret``: the only client secret Entra ID accepts (any, when None)."""
        self.bundle, cert_file, key_file = _certificates(folder)
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.secret = secret
        self._server.keys_delay = 0.0
        self._server.tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._server.tls.load_cert_chain(cert_file, key_file)
        self._server.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._server.seen = []
        self._server.refused = []
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def seen(self) -> list[Seen]:
        """Every request answered, in order."""
        return self._server.seen

    def slow_keys(self, seconds: float) -> None:
        """Answer the Bot Framework's key requests only after ``seconds``."""
        self._server.keys_delay = seconds

    @property
    def token_requests(self) -> list[dict[str, str]]:
        """Every token request to Entra ID: its form, and the tenant in its path."""
        return [
            {
                **{k: v[0] for k, v in seen.form.items()},
                "tenant": seen.path.strip("/").split("/")[0],
            }
            for seen in self.seen
            if seen.host == ENTRA and seen.method == "POST" and seen.path.endswith("/token")
        ]

    @property
    def refused(self) -> list[str]:
        """Every ``CONNECT`` to a host other than Microsoft's two sign-in hosts."""
        return self._server.refused

    def start(self) -> FakeIdentity:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def env(self) -> dict[str, str]:
        """Environment for a process whose HTTPS goes through here (loopback goes direct)."""
        proxy = {
            name: self.url for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")
        }
        return {
            **proxy,
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
            "REQUESTS_CA_BUNDLE": str(self.bundle),
        }

    def msi_env(self) -> dict[str, str]:
        """App Service's managed-identity variables, pointing here."""
        return {"IDENTITY_ENDPOINT": f"{self.url}/msi/token", "IDENTITY_HEADER": IDENTITY_HEADER}

    def channel_token(self, *, app_id: str, service_url: str) -> str:
        """A token as the Bot Framework signs it for a Teams activity sent to ``app_id``."""
        claims = {
            "iss": "https://api.botframework.com",
            "aud": app_id,
            "serviceurl": service_url,
            "nbf": int(time.time()) - 60,
            "exp": int(time.time()) + 600,
        }
        return jwt.encode(
            claims, self._server.signing_key, algorithm="RS256", headers={"kid": KEY_ID}
        )
