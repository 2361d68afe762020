"""Who is calling, and the resolvers' context, from the API Gateway event Mangum hands over."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from resolvers.auth import Identity
from schema.context import Context
from web.routes import ADMIN_PATH

if TYPE_CHECKING:
    from starlette.types import Scope


def request_context(scope: Scope, admin_group: str) -> Context:
    """The resolvers' context for a request, from the API Gateway event Mangum put in `scope`.

    Only the admin route has a caller: claims in an event for the public route are
    ignored, so no answer there can depend on who asked (shared caches keep them).
    """
    event: dict[str, Any] = scope.get("aws.event") or {}
    lambda_context = scope.get("aws.context")
    request_id = getattr(lambda_context, "aws_request_id", None) or (
        event.get("requestContext") or {}
    ).get("requestId")
    identity = identity_from_event(event) if scope.get("path") == ADMIN_PATH else None
    return Context(identity=identity, request_id=request_id, admin_group=admin_group)


def identity_from_event(event: dict[str, Any]) -> Identity | None:
    """The caller API Gateway's authorizer verified, from the event it built.

    HTTP API JWT authorizers put claims under `authorizer.jwt.claims`, REST API
    Cognito authorizers under `authorizer.claims`. Nothing else, headers included,
    is trusted.
    """
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    jwt = authorizer.get("jwt")
    if isinstance(jwt, dict):
        claims, form = jwt.get("claims"), HTTP_API
    else:
        claims, form = authorizer.get("claims"), REST_API
    if not isinstance(claims, dict) or not claims:
        return None
    subject = claims.get("sub")
    return Identity(
        subject=subject if isinstance(subject, str) else None,
        groups=parse_groups(claims.get("cognito:groups"), form),
    )


HTTP_API = "http"
REST_API = "rest"


def parse_groups(value: Any, form: str) -> frozenset[str]:
    """Groups in exactly the form API Gateway passes them, compared exactly afterwards.

    An HTTP API's JWT authorizer passes a list claim as a list or as "[a b]" (split on
    spaces); a REST API's Cognito authorizer as "a,b". Nothing is decoded or trimmed:
    a JSON-looking string such as '["admin"]' is the group '"admin"', never admin.
    (A REST API cannot tell a comma inside a group name from a separator: the
    security docs say so.)
    """
    if form == HTTP_API:
        if isinstance(value, list):
            return frozenset(group for group in value if isinstance(group, str) and group)
        if not isinstance(value, str) or not value:
            return frozenset()
        if value.startswith("[") and value.endswith("]"):
            return frozenset(group for group in value[1:-1].split(" ") if group)
        return frozenset({value})
    if not isinstance(value, str):
        return frozenset()
    return frozenset(group for group in value.split(",") if group)
