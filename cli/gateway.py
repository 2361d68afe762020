"""What API Gateway does for the Lambda, played locally: an admin identity on the admin route."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from web.routes import ADMIN_PATH

LOCAL_ADMIN_SUBJECT = "local-admin"


class LocalGateway:
    """Give /admin/graphql requests an authorizer's admin claims, and every other path none.

    The app trusts only `scope["aws.event"]`, which Mangum fills from the API Gateway
    event; this builds the HTTP API (v2) event its JWT authorizer would have.
    """

    def __init__(self, app: ASGIApp, admin_group: str) -> None:
        self.app = app
        self.admin_group = admin_group

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope = {key: value for key, value in scope.items() if key != "aws.event"}
            if scope["path"] == ADMIN_PATH:
                scope["aws.event"] = self.admin_event(scope)
        await self.app(scope, receive, send)

    def admin_event(self, scope: Scope) -> dict[str, Any]:
        method = scope["method"]
        return {
            "version": "2.0",
            "routeKey": f"{method} {ADMIN_PATH}",
            "rawPath": scope["path"],
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "http": {"method": method, "path": scope["path"]},
                "authorizer": {
                    "jwt": {
                        "claims": {
                            "sub": LOCAL_ADMIN_SUBJECT,
                            "cognito:groups": f"[{self.admin_group}]",
                        },
                        "scopes": None,
                    }
                },
            },
        }
