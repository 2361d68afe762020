"""Reading a request: its body within the limit, and the GraphQL request of a body or a URL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from typing import Any, TypeVar
from urllib.parse import urlencode

import pytest

from web.request import (
    GraphQLRequest,
    Headers,
    asks_for_graphiql,
    read_body,
    request_from_body,
    request_from_query_string,
)
from web.responses import CodedError

T = TypeVar("T")


def scope(headers: dict[str, str]) -> dict[str, Any]:
    return {"headers": [(name.encode(), value.encode()) for name, value in headers.items()]}


def receiving(*chunks: bytes) -> Any:
    messages = [
        {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
        for index, chunk in enumerate(chunks)
    ]

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    return receive


def test_request_from_body_reads_every_part() -> None:
    body = {
        "query": "query A { __typename }",
        "variables": {"id": "1"},
        "operationName": "A",
        "extensions": {"persistedQuery": {"version": 1}},
    }

    request = request_from_body(json.dumps(body).encode())

    assert request == GraphQLRequest(
        "query A { __typename }", {"id": "1"}, "A", {"persistedQuery": {"version": 1}}
    )


def test_request_from_body_takes_a_hash_without_a_query() -> None:
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": "ab"}}

    request = request_from_body(json.dumps({"extensions": extensions}).encode())

    assert request == GraphQLRequest(None, None, None, extensions)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "not valid JSON"),
        (b'{"query": "\xff"}', "not valid JSON"),
        (b'{"query": "{ a }", "variables": {"n": ' + b"9" * 5000 + b"}}", "not valid JSON"),
        (b"[]", "Batched"),
        (b'[{"query": "{ __typename }"}]', "Batched"),
        (b'"{ __typename }"', "JSON object"),
        (b'{"variables": {}}', "No GraphQL query"),
        (b'{"query": 42}', "`query`"),
        (b'{"query": "{ a }", "variables": "x"}', "`variables`"),
        (b'{"query": "{ a }", "operationName": 1}', "`operationName`"),
        (b'{"query": "{ a }", "extensions": []}', "`extensions`"),
        (b"[" * 100_000, "nested too deeply"),
    ],
    ids=[
        "not-json",
        "not-utf-8",
        "huge-integer",
        "empty-batch",
        "batch",
        "string",
        "no-query",
        "query-not-a-string",
        "variables-not-an-object",
        "operation-name-not-a-string",
        "extensions-not-an-object",
        "nested-too-deeply",
    ],
)
def test_request_from_body_refuses_malformed_requests_with_a_400(body: bytes, message: str) -> None:
    error = request_from_body(body)

    assert isinstance(error, CodedError)
    assert (error.status, error.code) == (400, "BAD_USER_INPUT")
    assert message in error.message


def test_request_from_query_string_decodes_json_parameters() -> None:
    query = urlencode(
        {
            "query": "query A($id: ID!) { product(id: $id) { name } }",
            "operationName": "A",
            "variables": '{"id": "1"}',
            "extensions": '{"persistedQuery": {"version": 1}}',
        }
    )

    request = request_from_query_string(query.encode())

    assert request == GraphQLRequest(
        "query A($id: ID!) { product(id: $id) { name } }",
        {"id": "1"},
        "A",
        {"persistedQuery": {"version": 1}},
    )


@pytest.mark.parametrize(
    ("query_string", "message"),
    [
        ("", "No GraphQL query"),
        ("query=%7Ba%7D&variables=%7Bnope", "`variables` parameter is not valid JSON"),
        ("query=%7Ba%7D&variables=%5B%5D", "`variables` must be an object"),
        ("query=%7Ba%7D&extensions=1", "`extensions` must be an object"),
        ("query=%ff", "not valid UTF-8"),
    ],
    ids=["no-query", "variables-not-json", "variables-a-list", "extensions-a-number", "bad-utf-8"],
)
def test_request_from_query_string_refuses_malformed_requests_with_a_400(
    query_string: str, message: str
) -> None:
    error = request_from_query_string(query_string.encode())

    assert isinstance(error, CodedError)
    assert error.status == 400
    assert message in error.message


@pytest.mark.parametrize(
    ("query_string", "accept", "expected"),
    [
        ("", "text/html,application/xhtml+xml,*/*;q=0.8", True),
        ("query=%7Ba%7D", "text/html,*/*;q=0.8", False),
        ("extensions=%7B%7D", "text/html", False),
        ("", "application/json", False),
        ("", None, False),
    ],
    ids=["browser", "browser-with-query", "browser-with-hash", "json-client", "no-accept"],
)
def test_asks_for_graphiql(query_string: str, accept: str | None, expected: bool) -> None:
    assert asks_for_graphiql(query_string.encode(), accept) is expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"content-type": "application/json"}, True),
        ({"content-type": "Application/JSON; charset=utf-8"}, True),
        ({"content-type": "text/plain"}, False),
        ({"content-type": "application/jsonx"}, False),
        ({}, False),
    ],
    ids=["json", "json-with-charset", "text", "lookalike", "none"],
)
def test_headers_sends_json(headers: dict[str, str], expected: bool) -> None:
    assert Headers.of(scope(headers)).sends_json is expected


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run on a loop of its own. Not `asyncio.run`: it leaves the main thread without a
    current loop, and Mangum, which the functional tests in this worker call next, asks for it."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


def test_read_body_joins_chunks_within_the_limit() -> None:
    body = run(read_body(scope({}), receiving(b"ab", b"cd"), limit=4))

    assert body == b"abcd"


def test_read_body_over_the_limit_is_none() -> None:
    assert run(read_body(scope({}), receiving(b"ab", b"cde"), limit=4)) is None


def test_read_body_refuses_a_declared_length_over_the_limit_before_reading() -> None:
    async def never_called() -> dict[str, Any]:
        raise AssertionError("the body was read")

    assert run(read_body(scope({"content-length": "5"}), never_called, limit=4)) is None
