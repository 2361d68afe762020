"""Who is calling, and the resolvers' context, from the API Gateway event Mangum hands over."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from resolvers.auth import Identity
from schema.context import Context

if TYPE_CHECKING:
    from starlette.types import Scope


def request_context(scope: Scope) -> Context:
    """The resolvers' context for a request, from the API Gateway event Mangum put in `scope`."""
    event: dict[str, Any] = scope.get("aws.event") or {}
    lambda_context = scope.get("aws.context")
    request_id = getattr(lambda_context, "aws_request_id", None) or (
        event.get("requestContext") or {}
    ).get("requestId")
    return Context(identity=identity_from_event(event), request_id=request_id)


def identity_from_event(event: dict[str, Any]) -> Identity | None:
    """The caller API Gateway's authorizer verified, from the event it built.

    HTTP API JWT authorizers put claims under `authorizer.jwt.claims`, REST API
    Cognito authorizers under `authorizer.claims`. Nothing else, headers included,
    is trusted.
    """
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    claims = (authorizer.get("jwt") or {}).get("claims") or authorizer.get("claims")
    if not isinstance(claims, dict) or not claims:
        return None
    subject = claims.get("sub")
    return Identity(
        subject=subject if isinstance(subject, str) else None,
        groups=parse_groups(claims.get("cognito:groups")),
    )


def parse_groups(value: Any) -> frozenset[str]:
    """Groups as API Gateway passes them: "[a b]", a JSON list, or "a,b"."""
    if isinstance(value, list):
        return frozenset(str(group) for group in value)
    if not isinstance(value, str):
        return frozenset()
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):
        try:
            parsed = json.loads(text)
        except ValueError:
            return frozenset(text[1:-1].split())
        return parse_groups(parsed) if isinstance(parsed, list) else frozenset()
    return frozenset(group.strip() for group in text.split(",") if group.strip())
