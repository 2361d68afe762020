"""The ASGI app: GraphQL on /graphql (public) and /admin/graphql (authorized)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router
from starlette.types import ASGIApp
from strawberry.asgi import GraphQL

from schema.context import Context, identity_from_event
from schema.root import schema
from settings import settings

PUBLIC_PATH = "/graphql"
ADMIN_PATH = "/admin/graphql"


class CatalogGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI view, with the caller taken from the API Gateway event."""

    async def get_context(self, request: Request, response: Response) -> Context:  # type: ignore[override]
        event: dict[str, Any] = request.scope.get("aws.event") or {}
        lambda_context = request.scope.get("aws.context")
        request_id = getattr(lambda_context, "aws_request_id", None) or (
            event.get("requestContext") or {}
        ).get("requestId")
        return Context(identity=identity_from_event(event), request_id=request_id)


def create_app() -> ASGIApp:
    graphql = CatalogGraphQL(schema, graphql_ide="graphiql" if settings.graphiql else None)
    return Router(
        routes=[
            Route(PUBLIC_PATH, graphql, methods=["GET", "POST"]),
            Route(ADMIN_PATH, graphql, methods=["GET", "POST"]),
        ]
    )
