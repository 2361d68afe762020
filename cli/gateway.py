"""What API Gateway does for the Lambda, played locally: an admin identity on the admin route,
and only the host names the server is reached by."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from web.responses import CodedError
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


MISDIRECTED = CodedError(
    "This server answers only the host names it serves (127.0.0.1, localhost or the "
    "--host given, with its port).",
    421,
)


class AllowedHosts:
    """Answer only requests whose Host header names this server: a 421 for any other.

    Anyone who can reach the port is the local admin, and a browser lets a page whose
    DNS name is made to resolve to 127.0.0.1 (DNS rebinding) read that page's own
    origin: its requests carry its own host name, which this refuses. Starlette's
    TrustedHostMiddleware ignores the port and answers in plain text.
    """

    def __init__(self, app: ASGIApp, hosts: set[str]) -> None:
        self.app = app
        self.hosts = {host.lower() for host in hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = next((value for name, value in scope["headers"] if name == b"host"), b"")
            if host.decode("latin-1").lower() not in self.hosts:
                return await MISDIRECTED(scope, receive, send)
        await self.app(scope, receive, send)


def served_hosts(host: str, port: int) -> set[str]:
    """The Host header values of a server bound to `host` and `port`."""
    names = {"127.0.0.1", "localhost", f"[{host}]" if ":" in host else host}
    return {f"{name}:{port}" for name in names}
