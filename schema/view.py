"""Strawberry's ASGI view behind Starlette's router: every request the fast path of
schema/app.py does not take (GET, GraphiQL, other content types, malformed bodies,
other paths). Imported only when the first such request comes.
"""

from __future__ import annotations

import re
from typing import Any

from cross_web import HTTPException
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.asgi import GraphQL

from schema.app import (
    ADMIN_PATH,
    PUBLIC_PATH,
    read_body,
    replay,
    request_context,
    too_large,
)
from schema.context import Context
from schema.root import CatalogSchema

# Content types a browser sends cross-origin without a CORS preflight
# (https://fetch.spec.whatwg.org/#cors-safelisted-request-header).
SIMPLE_CONTENT_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)
# Headers a cross-origin page cannot add without a preflight; Apollo's names, so that
# Apollo clients, which send them, work unchanged.
PREFLIGHT_HEADERS = ("x-apollo-operation-name", "apollo-require-preflight")
MIME_ESSENCE = re.compile(r"^[!#$%&'*+.^_`|~0-9a-z-]+/[!#$%&'*+.^_`|~0-9a-z-]+$")
CSRF_MESSAGE = (
    "This request has been blocked as a potential cross-site request forgery (CSRF): "
    "send a content-type such as application/json, or a non-empty "
    "apollo-require-preflight header."
)


class CatalogGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI view, with the caller taken from the API Gateway event.

    Before Strawberry sees a request it is refused, with coded JSON, when it could
    be a cross-site request forgery or its body is over `max_body_bytes`.
    """

    graphql_ide_page: str | None = None

    def __init__(self, graphql_schema: CatalogSchema, *, max_body_bytes: int, **options: Any):
        super().__init__(graphql_schema, **options)
        self.max_body_bytes = max_body_bytes

    @property
    def graphql_ide_html(self) -> str:
        return self.graphql_ide_page or super().graphql_ide_html

    async def get_context(self, request: Request, response: Response) -> Context:  # type: ignore[override]
        return request_context(request.scope)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        response = refused(Request(scope))
        if response is None:
            body = await read_body(scope, receive, self.max_body_bytes)
            if body is None:
                response = coded_error(too_large(self.max_body_bytes), 413)
            else:
                response = await self._respond(Request(scope, receive=replay(body)))
        await response(scope, receive, send)

    def parse_json(self, data: str | bytes) -> Any:
        """Strawberry's JSON parsing, with the inputs it fails on with a 500 refused as 400s."""
        try:
            value = super().parse_json(data)
        except RecursionError:
            raise HTTPException(400, "The JSON is nested too deeply.") from None
        if not isinstance(value, (dict, list)):
            raise HTTPException(400, "Expected a JSON object.")
        return value

    async def _respond(self, request: Request) -> Response:
        try:
            return await self.run(request)
        except HTTPException as error:
            # Strawberry answers a malformed request in plain text; clients expect
            # the same coded JSON errors as everywhere else.
            return coded_error(error.reason, error.status_code)


def refused(request: Request) -> Response | None:
    """A 400 for a request a browser could have sent cross-site without a CORS preflight.

    Apollo Server's CSRF prevention rule: an operation needs a content type that
    forces a preflight, or one of PREFLIGHT_HEADERS. Only GET and POST run operations,
    and a GET without `query` asks for the GraphiQL page, so the others pass (to a 405).
    """
    if request.method not in ("GET", "POST") or (
        request.method == "GET" and "query" not in request.query_params
    ):
        return None
    content_type = request.headers.get("content-type")
    if content_type is not None:
        essence = content_type.split(";", 1)[0].strip().lower()
        if not MIME_ESSENCE.match(essence) or essence not in SIMPLE_CONTENT_TYPES:
            # A type browsers cannot parse is not safelisted either: it is preflighted.
            return None
    if any(request.headers.get(name) for name in PREFLIGHT_HEADERS):
        return None
    return coded_error(CSRF_MESSAGE, 400)


def coded_error(message: str, status_code: int, code: str = "BAD_USER_INPUT") -> Response:
    """A GraphQL-shaped error response for a request that never reached GraphQL."""
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status_code)


async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
    message = f"No GraphQL endpoint here: use {PUBLIC_PATH} or {ADMIN_PATH}."
    await coded_error(message, 404, "NOT_FOUND")(scope, receive, send)


class NoStore:
    """An ASGI app's responses, every one marked `Cache-Control: no-store`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["cache-control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_no_store)


def full_app(
    graphql_schema: CatalogSchema,
    *,
    max_body_bytes: int,
    graphiql: bool,
    graphql_ide_page: str | None,
) -> ASGIApp:
    """Both endpoints served by Strawberry's view; `graphql_ide_page` replaces its GraphiQL page."""
    graphql = CatalogGraphQL(
        graphql_schema,
        max_body_bytes=max_body_bytes,
        graphql_ide="graphiql" if graphiql else None,
    )
    graphql.graphql_ide_page = graphql_ide_page
    # No `methods=`: Strawberry answers other methods with a coded 405.
    return Router(
        routes=[
            Route(PUBLIC_PATH, graphql),
            # Admin answers can hold unpublished (deleted) items: no cache may keep them.
            Route(ADMIN_PATH, NoStore(graphql)),
        ],
        default=not_found,
    )
