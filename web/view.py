"""Strawberry's ASGI view behind Starlette's router: every request the fast path of
web/app.py does not take (GET, GraphiQL, other content types, malformed bodies,
other paths). Imported only when the first such request comes.
"""

from __future__ import annotations

import re
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.asgi import GraphQL

from schema.context import Context
from schema.root import CatalogSchema
from settings import settings
from web.identity import request_context
from web.request import read_body, replay
from web.responses import CodedError, too_large
from web.routes import ADMIN_PATH, PUBLIC_PATH

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
    be a cross-site request forgery or its body is over the settings' maximum.
    """

    graphql_ide_page: str | None = None

    @property
    def graphql_ide_html(self) -> str:
        return self.graphql_ide_page or super().graphql_ide_html

    async def get_context(self, request: Request, response: Response) -> Context:  # type: ignore[override]
        return request_context(request.scope)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        response: ASGIApp | None = refused(Request(scope))
        if response is None:
            limit = settings.max_body_bytes
            body = await read_body(scope, receive, limit)
            if body is None:
                response = too_large(limit)
            else:
                response = await self._respond(Request(scope, receive=replay(body)))
        await response(scope, receive, send)

    def parse_json(self, data: str | bytes) -> Any:
        """Strawberry's JSON parsing, with the inputs it fails on with a 500 refused as 400s."""
        try:
            value = super().parse_json(data)
        except RecursionError:
            raise HTTPException(400, "The JSON is nested too deeply.") from None
        except UnicodeDecodeError:
            raise HTTPException(400, "The JSON is not valid UTF-8.") from None
        except ValueError:
            # json's own errors are Strawberry's 400 already; what is left is a number
            # over Python's integer-digits limit (int_max_str_digits, 4,300).
            raise HTTPException(400, "The JSON holds a number too long to read.") from None
        if not isinstance(value, (dict, list)):
            raise HTTPException(400, "Expected a JSON object.")
        return value

    async def _respond(self, request: Request) -> ASGIApp:
        try:
            return await self.run(request)
        except HTTPException as error:
            # Strawberry answers a malformed request in plain text; clients expect
            # the same coded JSON errors as everywhere else.
            return CodedError(error.reason, error.status_code)


def refused(request: Request) -> CodedError | None:
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
    return CodedError(CSRF_MESSAGE, 400)


NOT_FOUND = CodedError(
    f"No GraphQL endpoint here: use {PUBLIC_PATH} or {ADMIN_PATH}.", 404, "NOT_FOUND"
)


def full_app(graphql_schema: CatalogSchema, graphql_ide_page: str | None) -> ASGIApp:
    """Both endpoints served by Strawberry's view; `graphql_ide_page` replaces its GraphiQL page.

    The app marks the admin route's answers `no-store` before they get here.
    """
    graphql = CatalogGraphQL(graphql_schema, graphql_ide="graphiql" if settings.graphiql else None)
    graphql.graphql_ide_page = graphql_ide_page
    # No `methods=`: Strawberry answers other methods with a coded 405.
    return Router(
        routes=[Route(PUBLIC_PATH, graphql), Route(ADMIN_PATH, graphql)],
        default=NOT_FOUND,
    )
