"""The caller, read from the claims API Gateway's authorizer put in the event."""

from __future__ import annotations

from typing import Any

import pytest

from web.identity import identity_from_event, parse_groups

SUB = "7d1c3a52-9f0e-4b6d-8a2c-5e4f3b2a1c0d"


def http_api_event(claims: dict[str, Any]) -> dict[str, Any]:
    return {"requestContext": {"authorizer": {"jwt": {"claims": claims}}}}


def rest_api_event(claims: dict[str, Any]) -> dict[str, Any]:
    return {"requestContext": {"authorizer": {"claims": claims}}}


@pytest.mark.parametrize("event_for", [http_api_event, rest_api_event], ids=["http", "rest"])
def test_identity_from_event_reads_subject_and_groups(event_for: Any) -> None:
    identity = identity_from_event(event_for({"sub": SUB, "cognito:groups": "[admin editors]"}))

    assert identity is not None
    assert identity.subject == SUB
    assert identity.groups == {"admin", "editors"}


@pytest.mark.parametrize(
    "event",
    [
        {},
        {"requestContext": {}},
        {"requestContext": {"authorizer": {"jwt": {"claims": {}}}}},
        {"requestContext": {"authorizer": {"claims": "sub=x"}}},
    ],
    ids=["no-context", "no-authorizer", "empty-claims", "claims-not-an-object"],
)
def test_identity_from_event_without_claims_is_anonymous(event: dict[str, Any]) -> None:
    assert identity_from_event(event) is None


def test_identity_from_event_ignores_headers() -> None:
    event = {"headers": {"authorization": "Bearer x", "x-cognito-groups": "admin"}}

    assert identity_from_event(event) is None


def test_identity_from_event_without_a_string_subject_has_none() -> None:
    identity = identity_from_event(http_api_event({"sub": 7, "cognito:groups": ["admin"]}))

    assert identity is not None
    assert identity.subject is None


@pytest.mark.parametrize(
    ("value", "groups"),
    [
        (["admin", "editors"], {"admin", "editors"}),
        ("[admin editors]", {"admin", "editors"}),
        ("admin,editors", {"admin", "editors"}),
        ("admin", {"admin"}),
        ("", set()),
        (None, set()),
        (42, set()),
    ],
    ids=["list", "http-api-string", "rest-comma-separated", "one", "empty", "absent", "number"],
)
def test_parse_groups_reads_the_forms_api_gateway_sends(value: Any, groups: set[str]) -> None:
    assert parse_groups(value) == groups
