"""The per-request context: the caller's identity and the request's id."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from resolvers.auth import Identity


@dataclass
class Context:
    """What resolvers may know of the request; built anew for each one."""

    identity: Identity | None
    request_id: str | None = None


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
