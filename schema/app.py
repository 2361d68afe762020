"""The ASGI app: GraphQL on /graphql (public) and /admin/graphql (authorized)."""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.asgi import GraphQL

from schema.context import Context, identity_from_event
from schema.root import schema
from settings import settings

PUBLIC_PATH = "/graphql"
ADMIN_PATH = "/admin/graphql"


class CatalogGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI view, with the caller taken from the API Gateway event."""

    graphql_ide_page: str | None = None

    @property
    def graphql_ide_html(self) -> str:
        return self.graphql_ide_page or super().graphql_ide_html

    async def get_context(self, request: Request, response: Response) -> Context:  # type: ignore[override]
        event: dict[str, Any] = request.scope.get("aws.event") or {}
        lambda_context = request.scope.get("aws.context")
        request_id = getattr(lambda_context, "aws_request_id", None) or (
            event.get("requestContext") or {}
        ).get("requestId")
        return Context(identity=identity_from_event(event), request_id=request_id)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as error:
            # Strawberry answers a malformed request in plain text; clients expect
            # the same coded JSON errors as everywhere else.
            response = coded_error(error.reason, error.status_code)
        await response(scope, receive, send)


def coded_error(message: str, status_code: int, code: str = "BAD_USER_INPUT") -> Response:
    """A GraphQL-shaped error response for a request that never reached GraphQL."""
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status_code)


async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
    message = f"No GraphQL endpoint here: use {PUBLIC_PATH} or {ADMIN_PATH}."
    await coded_error(message, 404, "NOT_FOUND")(scope, receive, send)


def create_app(graphql_ide_page: str | None = None) -> ASGIApp:
    """The routes; `graphql_ide_page`, if given, replaces Strawberry's GraphiQL page."""
    graphql = CatalogGraphQL(schema, graphql_ide="graphiql" if settings.graphiql else None)
    graphql.graphql_ide_page = graphql_ide_page
    return Router(
        routes=[
            Route(PUBLIC_PATH, graphql, methods=["GET", "POST"]),
            Route(ADMIN_PATH, graphql, methods=["GET", "POST"]),
        ],
        default=not_found,
    )
