"""The ASGI app: GraphQL on /graphql (public) and /admin/graphql (authorized).

Nearly every request is a POST of a JSON GraphQL request. The app executes those
itself, straight on the Strawberry schema, with the same extensions, context and
response as Strawberry's HTTP view: going through the view and Starlette's router
cost a warm request 40% more CPU, and importing them a cold start about 50 ms.
Every other request (GET, GraphiQL, other content types, malformed or batched
bodies, other paths) goes to Strawberry's view behind Starlette's router
(schema/view.py), imported when the first one comes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from strawberry.exceptions import MissingQueryError
from strawberry.http import process_result
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from resolvers.storage import start_request
from schema.context import Context, identity_from_event
from schema.root import CatalogSchema, build_schema, schema
from settings import Settings, settings

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

PUBLIC_PATH = "/graphql"
ADMIN_PATH = "/admin/graphql"
JSON = b"application/json"
JSON_CONTENT = (b"content-type", JSON)
# An Accept header asking for one of these wants a streamed answer: the view's job.
STREAMED = ("multipart/mixed", "text/event-stream")
POST_OPERATIONS = OperationType.from_http("POST")
# Raised before any resolver runs; the view turns them into its own 400 answers.
REFUSED_BY_VIEW = (CannotGetOperationTypeError, InvalidOperationTypeError, MissingQueryError)


class CatalogApp:
    """Executes JSON POSTs to either endpoint; hands everything else to Strawberry's view."""

    def __init__(
        self, graphql_schema: CatalogSchema, config: Settings, graphql_ide_page: str | None
    ) -> None:
        self.schema = graphql_schema
        self.config = config
        self.graphql_ide_page = graphql_ide_page
        self._full_app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and _json_request(scope):
            path = scope["path"]
            if path in (PUBLIC_PATH, ADMIN_PATH):
                # Admin answers can hold unpublished (deleted) items: no cache may keep them.
                answer = no_store(send) if path == ADMIN_PATH else send
                limit = self.config.max_body_bytes
                body = await read_body(scope, receive, limit)
                if body is None:
                    await send_coded_error(answer, too_large(limit), 413)
                    return
                if await self._execute(scope, body, answer):
                    return
                receive = replay(body)
        await self.full_app(scope, receive, send)

    async def _execute(self, scope: Scope, body: bytes, send: Send) -> bool:
        """Answer a well-formed GraphQL request in `body`; False to leave it to the view."""
        request = _graphql_request(body)
        if request is None:
            return False
        query, variables, operation_name, extensions = request
        try:
            result = await self.schema.execute(
                query,
                variable_values=variables,
                context_value=request_context(scope),
                operation_name=operation_name,
                allowed_operation_types=POST_OPERATIONS,
                operation_extensions=extensions,
            )
        except REFUSED_BY_VIEW:
            return False
        answer = json.dumps(process_result(result), separators=(",", ":")).encode()
        await send_response(send, 200, answer, [JSON_CONTENT])
        return True

    @property
    def full_app(self) -> ASGIApp:
        """Strawberry's view behind Starlette's router, built on first use."""
        if self._full_app is None:
            from schema.view import full_app

            self._full_app = full_app(
                self.schema,
                max_body_bytes=self.config.max_body_bytes,
                graphiql=self.config.graphiql,
                graphql_ide_page=self.graphql_ide_page,
            )
        return self._full_app


def _json_request(scope: Scope) -> bool:
    """Whether the request says it sends JSON and accepts a single JSON answer."""
    content_type = accept = b""
    for name, value in scope["headers"]:
        if name == b"content-type":
            content_type = value
        elif name == b"accept":
            accept = value
    essence = content_type.split(b";", 1)[0].strip().lower()
    wanted = accept.decode("latin-1").lower()
    return essence == JSON and not any(kind in wanted for kind in STREAMED)


def _graphql_request(
    body: bytes,
) -> tuple[str, dict[str, Any] | None, str | None, dict[str, Any] | None] | None:
    """Query, variables, operation name and extensions of a plain request, else None.

    None for anything Strawberry's view answers with an error of its own or treats
    specially: bodies that are not JSON objects (batches included), and fields of
    the wrong type.
    """
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    query = data.get("query")
    variables = data.get("variables")
    operation_name = data.get("operationName")
    extensions = data.get("extensions")
    if (
        not isinstance(query, str)
        or not isinstance(variables, (dict, type(None)))
        or not isinstance(operation_name, (str, type(None)))
        or not isinstance(extensions, (dict, type(None)))
    ):
        return None
    return query, variables, operation_name, extensions


def request_context(scope: Scope) -> Context:
    """The resolvers' context for a request, from the API Gateway event Mangum put in `scope`."""
    event: dict[str, Any] = scope.get("aws.event") or {}
    lambda_context = scope.get("aws.context")
    request_id = getattr(lambda_context, "aws_request_id", None) or (
        event.get("requestContext") or {}
    ).get("requestId")
    start_request()
    return Context(identity=identity_from_event(event), request_id=request_id)


async def read_body(scope: Scope, receive: Receive, limit: int) -> bytes | None:
    """The request body, or None as soon as it is known to be over `limit` bytes."""
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit() and int(value) > limit:
            return None
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        if len(body) > limit:
            return None
        if not message.get("more_body", False):
            break
    return bytes(body)


def no_store(send: Send) -> Send:
    """`send`, with every response marked `Cache-Control: no-store`."""

    async def send_no_store(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message["headers"], (b"cache-control", b"no-store")]}
        await send(message)

    return send_no_store


def too_large(limit: int) -> str:
    return f"The request body exceeds the maximum of {limit} bytes."


def replay(body: bytes) -> Receive:
    """A `receive` that hands over an already read body."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def send_response(
    send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    length = (b"content-length", str(len(body)).encode())
    await send({"type": "http.response.start", "status": status, "headers": [length, *headers]})
    await send({"type": "http.response.body", "body": body})


async def send_coded_error(
    send: Send, message: str, status: int, code: str = "BAD_USER_INPUT"
) -> None:
    """A GraphQL-shaped error response for a request that never reached GraphQL."""
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    answer = json.dumps(body, separators=(",", ":")).encode()
    await send_response(send, status, answer, [JSON_CONTENT])


def create_app(config: Settings = settings, graphql_ide_page: str | None = None) -> ASGIApp:
    """The app for `config`; the schema built at import serves the process's own settings.

    `graphql_ide_page`, if given, replaces Strawberry's GraphiQL page.
    """
    graphql_schema = schema if config is settings else build_schema(config)
    return CatalogApp(graphql_schema, config, graphql_ide_page)
