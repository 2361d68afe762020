"""Strawberry's ASGI view behind Starlette's router: what web/app.py does not serve
itself, the GraphiQL page and other paths. Imported only when the first such request comes.
"""

from __future__ import annotations

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.asgi import GraphQL

from schema.context import Context
from schema.root import CatalogSchema
from settings import Settings
from web.graphiql import graphiql_page
from web.identity import request_context
from web.request import read_body, replay
from web.responses import CodedError, too_large
from web.routes import ADMIN_PATH, PUBLIC_PATH


class CatalogGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI view, with the caller taken from the API Gateway event.

    Before Strawberry sees a request it is refused, with coded JSON, when its body is
    over the settings' maximum.
    """

    graphql_ide_page: str | None = None
    max_body_bytes: int = Settings.max_body_bytes
    admin_group: str = "admin"

    @property
    def graphql_ide_html(self) -> str:
        return self.graphql_ide_page or super().graphql_ide_html

    async def get_context(self, request: Request, response: Response) -> Context:  # type: ignore[override]
        return request_context(request.scope, self.admin_group)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        limit = self.max_body_bytes
        body = await read_body(scope, receive, limit)
        response: ASGIApp
        if body is None:
            response = too_large(limit)
        else:
            response = await self._respond(Request(scope, receive=replay(body)))
        await response(scope, receive, send)

    async def _respond(self, request: Request) -> ASGIApp:
        try:
            return await self.run(request)
        except HTTPException as error:
            # Strawberry answers a malformed request in plain text; clients expect
            # the same coded JSON errors as everywhere else.
            return CodedError(error.reason, error.status_code)


NOT_FOUND = CodedError(
    f"No GraphQL endpoint here: use {PUBLIC_PATH} or {ADMIN_PATH}.", 404, "NOT_FOUND"
)


def full_app(
    graphql_schema: CatalogSchema, settings: Settings, graphql_ide_page: str | None
) -> ASGIApp:
    """Both endpoints served by Strawberry's view, with GraphiQL's page opening on the
    example operations (web/graphiql.py); `graphql_ide_page` replaces that page.

    The app marks the admin route's answers `no-store` before they get here.
    """
    graphql = CatalogGraphQL(graphql_schema, graphql_ide="graphiql" if settings.graphiql else None)
    if settings.graphiql and graphql_ide_page is None:
        graphql_ide_page = graphiql_page()
    graphql.graphql_ide_page = graphql_ide_page
    graphql.max_body_bytes = settings.max_body_bytes
    graphql.admin_group = settings.admin_group
    # Only GraphiQL's GET reaches these routes: web/app.py answers every other
    # request on them itself, with its own coded 405 for other methods.
    return Router(
        routes=[Route(PUBLIC_PATH, graphql), Route(ADMIN_PATH, graphql)],
        default=NOT_FOUND,
    )
