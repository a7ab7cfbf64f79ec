"""A fake of Microsoft's login service (login.microsoftonline.com) on loopback.

botbuilder fetches the bot's token with MSAL, which only speaks HTTPS to its authority
and has no setting for another host. So the fake is reached the way a company network
reaches the real one: through an HTTPS proxy. A process started with ``env()`` sends its
requests to ``CONNECT login.microsoftonline.com:443`` on the fake proxy, which hands the
connection to a local TLS server whose certificate for that name is signed by a test CA
that the process trusts (``REQUESTS_CA_BUNDLE``). Any other host gets 403 from the proxy,
so nothing leaves the machine.

The server answers the OpenID configuration of a tenant, its token endpoint (a token for
``app_id`` with ``secret``, else Entra ID's ``invalid_client`` answer) and the instance
discovery MSAL asks for after a refusal. Every token
request is kept in ``token_requests``.
"""

from __future__ import annotations

import asyncio
import datetime
import ssl
from pathlib import Path
from typing import Any

from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HOST = "login.microsoftonline.com"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def write_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A test CA and a certificate for ``HOST`` signed by it: (ca.pem, cert.pem, key.pem)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Merkwerker test CA")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
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
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(HOST))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = (folder / "ca.pem", folder / "cert.pem", folder / "key.pem")
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


class FakeLogin:
    """The proxy and the login server: ``await start(folder)``, ``env()``, ``await close()``."""

    def __init__(self, *, app_id: str, secret: str) -> None:
        self.app_id = app_id
        self.secret = secret
        self.token_requests: list[dict[str, str]] = []
        self.refused_hosts: list[str] = []
        self._ca: Path | None = None
        self._runner: web.AppRunner | None = None
        self._proxy: asyncio.Server | None = None
        self._tls_port = 0
        self.proxy_url = ""

    def env(self) -> dict[str, str]:
        """What a process needs to reach this fake instead of Microsoft."""
        assert self._ca is not None, "start() first"
        return {"HTTPS_PROXY": self.proxy_url, "NO_PROXY": "", "REQUESTS_CA_BUNDLE": str(self._ca)}

    async def start(self, folder: Path) -> None:
        """Serve the login server over TLS and the proxy in front of it, both on loopback."""
        self._ca, cert, key = write_certificates(folder)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        app = web.Application()
        app.router.add_get("/{tenant}/v2.0/.well-known/openid-configuration", self._openid)
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        # MSAL asks for the host's aliases when a token request fails.
        app.router.add_get("/common/discovery/instance", self._instance)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=context)
        await site.start()
        self._tls_port = self._runner.addresses[0][1]
        self._proxy = await asyncio.start_server(self._connect, "127.0.0.1", 0)
        port = self._proxy.sockets[0].getsockname()[1]
        self.proxy_url = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        """Stop both servers."""
        if self._proxy is not None:
            self._proxy.close()
            await self._proxy.wait_closed()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _openid(self, request: web.Request) -> web.Response:
        base = f"https://{HOST}/{request.match_info['tenant']}"
        return web.json_response(
            {
                "issuer": f"{base}/v2.0",
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "token_endpoint": f"{base}/oauth2/v2.0/token",
            }
        )

    async def _instance(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "tenant_discovery_endpoint": (
                    f"https://{HOST}/common/v2.0/.well-known/openid-configuration"
                ),
                "api-version": "1.1",
                "metadata": [
                    {
                        "preferred_network": HOST,
                        "preferred_cache": "login.windows.net",
                        "aliases": [HOST, "login.windows.net", "login.microsoft.com"],
                    }
                ],
            }
        )

    async def _token(self, request: web.Request) -> web.Response:
        form = {key: str(value) for key, value in (await request.post()).items()}
        self.token_requests.append({**form, "tenant": request.match_info["tenant"]})
        if form.get("client_id") != self.app_id or form.get("client_secret") != self.secret:
            body: dict[str, Any] = {
                "error": "invalid_client",
                "error_description": "AADSTS7000215: Invalid client secret provided.",
            }
            return web.json_response(body, status=401)
        return web.json_response(
            {"token_type": "Bearer", "expires_in": 3599, "access_token": "fake-token"}
        )

    async def _connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            method, target, *_ = head.decode("latin-1").split()
            if method != "CONNECT" or target != f"{HOST}:443":
                self.refused_hosts.append(target)
                writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
                return
            upstream_reader, upstream_writer = await asyncio.open_connection(
                "127.0.0.1", self._tls_port
            )
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
            await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()
