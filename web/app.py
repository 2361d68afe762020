"""The ASGI app: GraphQL on /graphql (public) and /admin/graphql (authorized).

Nearly every request is a POST of a JSON GraphQL request. The app executes those
itself, straight on the Strawberry schema, with the same extensions, context and
response as Strawberry's HTTP view: going through the view and Starlette's router
cost a warm request 40% more CPU, and importing them a cold start about 50 ms
(docs/decisions/0001-fast-json-path.md). Every other request (GET, GraphiQL, other
content types, malformed or batched bodies, other paths) goes to Strawberry's view
behind Starlette's router (web/view.py), imported when the first one comes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from strawberry.types.graphql import OperationType

from resolvers.storage import start_request
from schema.compat import REFUSED_BEFORE_EXECUTION, http_result
from schema.root import CatalogSchema, schema
from settings import settings
from web.identity import request_context
from web.request import parse_graphql_request, read_body, replay, wants_single_json
from web.responses import JSON_CONTENT, no_store, send_response, too_large
from web.routes import ADMIN_PATH, PUBLIC_PATH

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

POST_OPERATIONS = OperationType.from_http("POST")


class CatalogApp:
    """Executes JSON POSTs to either endpoint; hands everything else to Strawberry's view."""

    def __init__(self, graphql_schema: CatalogSchema, graphql_ide_page: str | None) -> None:
        self.schema = graphql_schema
        self.graphql_ide_page = graphql_ide_page
        self._full_app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.full_app(scope, receive, send)
        path = scope["path"]
        if path == ADMIN_PATH:
            # Admin answers can hold unpublished (deleted) items: no cache may keep them.
            send = no_store(send)
        # Every request gets its own time budget for DynamoDB (resolvers/storage.py).
        start_request()
        if (
            path in (PUBLIC_PATH, ADMIN_PATH)
            and scope["method"] == "POST"
            and wants_single_json(scope)
        ):
            limit = settings.max_body_bytes
            body = await read_body(scope, receive, limit)
            if body is None:
                return await too_large(limit)(scope, receive, send)
            if await self._execute(scope, body, send):
                return
            receive = replay(body)
        await self.full_app(scope, receive, send)

    async def _execute(self, scope: Scope, body: bytes, send: Send) -> bool:
        """Answer a well-formed GraphQL request in `body`; False to leave it to the view."""
        request = parse_graphql_request(body)
        if request is None:
            return False
        try:
            result = await self.schema.execute(
                request.query,
                variable_values=request.variables,
                context_value=request_context(scope),
                operation_name=request.operation_name,
                allowed_operation_types=POST_OPERATIONS,
                operation_extensions=request.extensions,
            )
        except REFUSED_BEFORE_EXECUTION:
            return False
        answer = json.dumps(http_result(result), separators=(",", ":")).encode()
        await send_response(send, 200, answer, [JSON_CONTENT])
        return True

    @property
    def full_app(self) -> ASGIApp:
        """Strawberry's view behind Starlette's router, built on first use."""
        if self._full_app is None:
            from web.view import full_app

            self._full_app = full_app(self.schema, self.graphql_ide_page)
        return self._full_app


def create_app(graphql_ide_page: str | None = None) -> ASGIApp:
    """The app over the process's schema; `graphql_ide_page` replaces GraphiQL's page."""
    return CatalogApp(schema, graphql_ide_page)
