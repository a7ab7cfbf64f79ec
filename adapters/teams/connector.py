"""Connector clients made once and reused, sending through the shared transport.

botbuilder builds a new connector client and user-token client for every activity, and
each costs milliseconds of CPU (msrest sets up a requests session and retry policy), then
sends through ``requests`` in a thread pool. Here the authentication is wrapped so that a
connector client is made once per (app id, service URL, audience) and a user-token client
once per app id, and every connector call goes through one ``ConnectorTransport``
(``transport.py``). The libraries' own files are not touched: this composes their classes.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from types import SimpleNamespace
from typing import Any

from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)
from botframework.connector.skills import BotFrameworkClient
from msrest.pipeline import Request, Response
from msrest.pipeline.async_abc import AsyncHTTPPolicy, AsyncHTTPSender, AsyncPipeline
from msrest.pipeline.universal import RawDeserializer
from msrest.serialization import Model, Serializer
from msrest.universal_http import ClientRequest
from msrest.universal_http.async_abc import AsyncClientResponse

from adapters.teams.transport import ConnectorTransport

MAX_CLIENTS = 256


class _Sender(AsyncHTTPSender[ClientRequest, AsyncClientResponse]):
    """The end of the msrest pipeline: hands the request to the shared transport."""

    def __init__(self, transport: ConnectorTransport) -> None:
        self._transport = transport

    async def __aenter__(self) -> _Sender:
        return self

    async def __aexit__(self, *exc_details: object) -> None:
        return None

    async def send(
        self, request: Request[ClientRequest], **config: Any
    ) -> Response[ClientRequest, AsyncClientResponse]:
        return Response(request, await self._transport.send(request.http_request))


class _BearerToken(AsyncHTTPPolicy[ClientRequest, AsyncClientResponse]):
    """Adds the bot's token; fetching it (MSAL, blocking) runs in a worker thread."""

    def __init__(self, credentials: Any) -> None:
        super().__init__()
        self._credentials = credentials

    async def send(
        self, request: Request[ClientRequest], **kwargs: Any
    ) -> Response[ClientRequest, AsyncClientResponse]:
        if self._credentials is not None and getattr(self._credentials, "microsoft_app_id", None):
            # signed_session only sets headers on what it is given; a namespace will do.
            holder = SimpleNamespace(headers={})
            await asyncio.to_thread(self._credentials.signed_session, holder)
            if "Authorization" in holder.headers:
                request.http_request.headers["Authorization"] = holder.headers["Authorization"]
        assert self.next is not None  # set when the pipeline is built
        return await self.next.send(request, **kwargs)


class _JsonReadySerializer(Serializer):
    """msrest's serializer without two deep walks of what is already JSON.

    ``body()`` first rebuilds the model it is given from that same model, and every
    ``object`` field (an Adaptive Card) is copied value by value; for a card that is most
    of the CPU time of a reply. Here a model is serialised once, and a dict or list that
    is plain JSON is taken as it is.
    """

    def body(self, data: Any, data_type: str, **kwargs: Any) -> Any:
        if isinstance(data, Model) and not kwargs.get("is_xml"):
            return self._serialize(data, data_type, **kwargs)  # type: ignore[no-untyped-call]
        return super().body(data, data_type, **kwargs)  # type: ignore[no-untyped-call]

    def serialize_object(self, attr: Any, **kwargs: Any) -> Any:
        if isinstance(attr, (dict, list)):
            try:
                json.dumps(attr)
            except (TypeError, ValueError):
                pass  # not plain JSON (a date, a model): msrest knows what to do
            else:
                return attr
        return super().serialize_object(attr, **kwargs)  # type: ignore[no-untyped-call]


def use_transport(client: ConnectorClient, transport: ConnectorTransport) -> ConnectorClient:
    """Make ``client`` send through ``transport`` (its credentials and user agent kept)."""
    serializer = _JsonReadySerializer(client._serialize.dependencies)  # type: ignore[no-untyped-call]
    # The operation groups were handed the client's serializer when it was made.
    for group in (client.conversations, client.attachments):
        group._serialize = serializer
    config = client.config
    config.pipeline = AsyncPipeline(
        [
            config.user_agent_policy,
            _BearerToken(config.credentials),
            RawDeserializer(),
            config.http_logger_policy,
        ],
        _Sender(transport),
    )
    return client


class _ReusingConnectorFactory(ConnectorFactory):  # type: ignore[misc]
    def __init__(self, owner: ReusingAuthentication, inner: ConnectorFactory, app_id: str | None):
        self._owner = owner
        self._inner = inner
        self._app_id = app_id

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        return await self._owner.connector(self._inner, self._app_id, service_url, audience)


def _app_id(claims: ClaimsIdentity | None) -> str | None:
    if claims is None:
        return None
    value = claims.get_claim_value("aud") or claims.get_claim_value("appid")
    return str(value) if value else None


class ReusingAuthentication(BotFrameworkAuthentication):  # type: ignore[misc]
    """Wraps a ``BotFrameworkAuthentication``: same checks, reused clients, one transport."""

    def __init__(self, inner: BotFrameworkAuthentication, transport: ConnectorTransport) -> None:
        self._inner = inner
        self.transport = transport
        self._connectors: OrderedDict[tuple[str | None, str, str | None], ConnectorClient] = (
            OrderedDict()
        )
        self._token_clients: dict[str | None, UserTokenClient] = {}

    async def connector(
        self, inner: ConnectorFactory, app_id: str | None, service_url: str, audience: str | None
    ) -> ConnectorClient:
        """The connector client for this app id, service URL and audience, made once."""
        key = (app_id, service_url, audience)
        client = self._connectors.get(key)
        if client is None:
            client = use_transport(await inner.create(service_url, audience), self.transport)
            self._connectors[key] = client
            if len(self._connectors) > MAX_CLIENTS:
                self._connectors.popitem(last=False)
        else:
            self._connectors.move_to_end(key)
        return client

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        result: AuthenticateRequestResult = await self._inner.authenticate_request(
            activity, auth_header
        )
        if result.connector_factory is not None:
            result.connector_factory = _ReusingConnectorFactory(
                self, result.connector_factory, _app_id(result.claims_identity)
            )
        return result

    async def authenticate_streaming_request(
        self, auth_header: str, channel_id_header: str
    ) -> AuthenticateRequestResult:
        return await self._inner.authenticate_streaming_request(auth_header, channel_id_header)

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        inner = self._inner.create_connector_factory(claims_identity)
        return _ReusingConnectorFactory(self, inner, _app_id(claims_identity))

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        app_id = _app_id(claims_identity)
        client = self._token_clients.get(app_id)
        if client is None:
            client = await self._inner.create_user_token_client(claims_identity)
            self._token_clients[app_id] = client
        return client

    def create_bot_framework_client(self) -> BotFrameworkClient:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        audience: str = self._inner.get_originating_audience()
        return audience

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self._inner.authenticate_channel_request(auth_header)
