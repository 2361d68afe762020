"""The caller, read from the claims API Gateway's authorizer put in the event."""

from __future__ import annotations

from typing import Any

import pytest

from web.identity import HTTP_API, REST_API, identity_from_event, parse_groups

SUB = "7d1c3a52-9f0e-4b6d-8a2c-5e4f3b2a1c0d"


def http_api_event(claims: dict[str, Any]) -> dict[str, Any]:
    return {"requestContext": {"authorizer": {"jwt": {"claims": claims}}}}


def rest_api_event(claims: dict[str, Any]) -> dict[str, Any]:
    return {"requestContext": {"authorizer": {"claims": claims}}}


@pytest.mark.parametrize(
    ("event_for", "groups"),
    [(http_api_event, "[admin editors]"), (rest_api_event, "admin,editors")],
    ids=["http", "rest"],
)
def test_identity_from_event_reads_subject_and_groups(event_for: Any, groups: str) -> None:
    identity = identity_from_event(event_for({"sub": SUB, "cognito:groups": groups}))

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
    ("form", "value", "groups"),
    [
        (HTTP_API, ["admin", "editors"], {"admin", "editors"}),
        (HTTP_API, "[admin editors]", {"admin", "editors"}),
        (HTTP_API, "[admin]", {"admin"}),
        (HTTP_API, "admin", {"admin"}),
        (REST_API, "admin,editors", {"admin", "editors"}),
        (REST_API, "admin", {"admin"}),
        (HTTP_API, "", set()),
        (REST_API, "", set()),
        (HTTP_API, None, set()),
        (REST_API, 42, set()),
    ],
    ids=[
        "http-list",
        "http-string",
        "http-one",
        "http-bare",
        "rest-comma-separated",
        "rest-one",
        "http-empty",
        "rest-empty",
        "absent",
        "number",
    ],
)
def test_parse_groups_reads_the_forms_api_gateway_sends(
    form: str, value: Any, groups: set[str]
) -> None:
    assert parse_groups(value, form) == groups


@pytest.mark.parametrize(
    ("form", "value", "groups"),
    [
        # JSON-looking strings are not decoded: the quotes are part of the name.
        (HTTP_API, '["admin"]', {'"admin"'}),
        (HTTP_API, '["adm\\u0069n"]', {'"adm\\u0069n"'}),
        (REST_API, '["admin"]', {'["admin"]'}),
        # Each form splits on its own separator only, and nothing is trimmed.
        (HTTP_API, "x,admin", {"x,admin"}),
        (HTTP_API, "[x,admin]", {"x,admin"}),
        (REST_API, "[admin editors]", {"[admin editors]"}),
        (REST_API, "editors, admin", {"editors", " admin"}),
        # A REST API passes a string, never a list; a list holds strings only.
        (REST_API, ["admin"], set()),
        (HTTP_API, [["admin"], 1, None], set()),
    ],
    ids=[
        "json-list",
        "json-escape",
        "rest-json-list",
        "http-comma",
        "http-bracketed-comma",
        "rest-spaces",
        "rest-space-after-comma",
        "rest-list",
        "http-list-of-non-strings",
    ],
)
def test_parse_groups_never_reads_admin_from_other_forms(
    form: str, value: Any, groups: set[str]
) -> None:
    assert parse_groups(value, form) == groups
    assert "admin" not in parse_groups(value, form)
