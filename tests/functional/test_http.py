"""HTTP hygiene: body size, batching, methods, and the headers of responses."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote

import pytest

from tests.client import (
    DEFAULT_SETTINGS,
    FORMATS,
    ApiClient,
    drop_header,
    http_event,
)
from tests.functional.conftest import CallRecorder
from web.graphiql import graphiql_page

# The HTTP layer does not depend on the storage: moto only, both event formats.
pytestmark = pytest.mark.parametrize("backend", ["moto"], indirect=True)

LIST = "{ products { edges { node { name } } } }"
BODY = json.dumps({"query": LIST})
GET_LIST = f"query={quote(LIST)}"
LIMIT = DEFAULT_SETTINGS.max_body_bytes


@pytest.fixture(params=FORMATS)
def http(request: pytest.FixtureRequest, dynamodb_calls: CallRecorder) -> ApiClient:
    """The handler through one API Gateway event format, on an empty moto catalog."""
    return ApiClient(request.param)


def padded_body(size: int) -> str:
    """A valid request body of exactly `size` bytes (the padding is an unused variable)."""
    empty = json.dumps({"query": LIST, "variables": {"pad": ""}})
    return json.dumps({"query": LIST, "variables": {"pad": "x" * (size - len(empty))}})


def test_graphiql_page_is_served_to_a_browser(http: ApiClient) -> None:
    event = drop_header(http_event(http, "GET", "", accept="text/html"), "content-type")

    response = http.raw(event)

    assert response.status == 200
    assert response.headers["content-type"].startswith("text/html")


def test_graphiql_page_opens_on_the_example_operations(http: ApiClient) -> None:
    event = drop_header(http_event(http, "GET", "", accept="text/html"), "content-type")

    response = http.raw(event)

    # The page tests/unit/test_graphiql.py reads its tabs from, not Strawberry's bare one.
    assert response.body["text"] == graphiql_page()
    assert "const CATALOG_TABS = [" in response.body["text"]


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (BODY, {}, 200),
        ('{"query": "{ products(first: 0) { edges { cursor } } }"}', {}, 200),
        ("{ not json", {}, 400),
        (BODY, {"content-type": "text/plain"}, 415),
        ("x" * (LIMIT + 1), {}, 413),
    ],
    ids=["answer", "graphql-error", "malformed", "not-json", "too-large"],
)
def test_admin_responses_are_json_and_never_stored(
    http: ApiClient, body: str, headers: dict[str, str], status: int
) -> None:
    response = http.raw(http_event(http, "POST", body, admin_route=True, **headers))

    assert response.status == status
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    "body", [BODY, '{"query": "{ products(first: 0) { edges { cursor } } }"}', "{ not json"]
)
def test_public_responses_are_json(http: ApiClient, body: str) -> None:
    response = http.raw(http_event(http, "POST", body))

    assert response.headers["content-type"].startswith("application/json")
    assert "errors" in response.body or "data" in response.body


def test_body_at_limit_is_answered(http: ApiClient) -> None:
    body = padded_body(LIMIT)
    assert len(body.encode()) == LIMIT

    response = http.raw(http_event(http, "POST", body))

    assert response.status == 200
    assert response.data == {"products": {"edges": []}}


@pytest.mark.parametrize(
    ("body", "declared"),
    [(padded_body(LIMIT + 1), None), (BODY, str(LIMIT + 1)), (padded_body(LIMIT + 1), "10")],
    ids=["actual", "declared", "understated"],
)
def test_body_over_limit_is_413_with_a_code(
    http: ApiClient, dynamodb_calls: CallRecorder, body: str, declared: str | None
) -> None:
    event = http_event(http, "POST", body)
    if declared is not None:
        event = http_event(http, "POST", body, **{"content-length": declared})

    response = http.raw(event)

    assert response.status == 413
    assert response.codes == ["BAD_USER_INPUT"]
    assert str(LIMIT) in response.errors[0]["message"]
    assert dynamodb_calls.calls == []


def test_batched_operations_are_refused(http: ApiClient, dynamodb_calls: CallRecorder) -> None:
    batch = json.dumps([{"query": LIST}, {"query": LIST}])

    response = http.raw(http_event(http, "POST", batch))

    assert response.status == 400
    assert response.codes == ["BAD_USER_INPUT"]
    assert "Batched" in response.errors[0]["message"]
    assert dynamodb_calls.calls == []


@pytest.mark.parametrize("method", ["PUT", "OPTIONS"])
def test_other_methods_are_405_with_a_code(http: ApiClient, method: str) -> None:
    response = http.raw(drop_header(http_event(http, method, BODY), "content-type"))

    assert response.status == 405
    assert response.codes == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    "body",
    [
        '"{ products { edges { cursor } } }"',
        "null",
        "[" * 50_000 + "]" * 50_000,
        '{"query": "{ __typename }", "variables": ' + '{"a":' * 20_000 + "1" + "}" * 20_001,
    ],
    ids=["string", "null", "nested-array", "nested-variables"],
)
def test_json_that_is_not_a_request_is_400_with_a_code(http: ApiClient, body: str) -> None:
    response = http.raw(http_event(http, "POST", body))

    assert response.status == 400
    assert response.codes == ["BAD_USER_INPUT"]


HUGE_NUMBER = "9" * 4400
HUGE_VARIABLES = '{"a": ' + HUGE_NUMBER + "}"


def _base64(event: dict[str, Any], body: bytes) -> dict[str, Any]:
    event["body"] = base64.b64encode(body).decode()
    event["isBase64Encoded"] = True
    return event


def _client_error_events(http: ApiClient, admin_route: bool) -> dict[str, dict[str, Any]]:
    huge = '{"query": "{ __typename }", "variables": ' + HUGE_VARIABLES + "}"
    json_type = {"content-type": "application/json"}
    return {
        "huge-integer": http_event(http, "POST", huge, admin_route=admin_route, **json_type),
        "huge-integer-base64": _base64(
            http_event(http, "POST", "", admin_route=admin_route, **json_type), huge.encode()
        ),
        "huge-integer-get": http_event(
            http,
            "GET",
            "",
            query=f"query={quote('{ __typename }')}&variables={quote(HUGE_VARIABLES)}",
            admin_route=admin_route,
            **{"apollo-require-preflight": "true"},
        ),
        "not-utf-8-base64": _base64(
            http_event(http, "POST", "", admin_route=admin_route, **json_type),
            b'{"query": "{ __typename }", "variables": {"a": "\xff\xfe"}}',
        ),
        "not-utf-8-latin-1": _base64(
            http_event(http, "POST", "", admin_route=admin_route, **json_type),
            '{"query": "{ __typename }"} caf\xe9'.encode("latin-1"),
        ),
    }


@pytest.mark.parametrize("admin_route", [False, True], ids=["public", "admin"])
def test_unreadable_json_is_400_with_a_code(
    http: ApiClient, dynamodb_calls: CallRecorder, admin_route: bool
) -> None:
    for name, event in _client_error_events(http, admin_route).items():
        response = http.raw(event)

        assert response.status == 400, name
        assert response.headers["content-type"].startswith("application/json"), name
        assert response.codes == ["BAD_USER_INPUT"], name
        if admin_route:
            assert response.headers["cache-control"] == "no-store", name
    assert dynamodb_calls.calls == []
