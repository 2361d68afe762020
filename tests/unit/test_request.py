"""Reading a request: its body within the limit, and the GraphQL request in a JSON body."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from web.request import GraphQLRequest, parse_graphql_request, read_body, wants_single_json


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


def test_parse_graphql_request_reads_every_part() -> None:
    body = {
        "query": "query A { __typename }",
        "variables": {"id": "1"},
        "operationName": "A",
        "extensions": {"persistedQuery": {"version": 1}},
    }

    request = parse_graphql_request(json.dumps(body).encode())

    assert request == GraphQLRequest(
        "query A { __typename }", {"id": "1"}, "A", {"persistedQuery": {"version": 1}}
    )


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'[{"query": "{ __typename }"}]',
        b'"{ __typename }"',
        b'{"variables": {}}',
        b'{"query": 42}',
        b'{"query": "{ a }", "variables": "x"}',
        b'{"query": "{ a }", "operationName": 1}',
        b'{"query": "{ a }", "extensions": []}',
        b"[" * 100_000,
    ],
    ids=[
        "not-json",
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
def test_parse_graphql_request_leaves_other_bodies_to_the_view(body: bytes) -> None:
    assert parse_graphql_request(body) is None


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"content-type": "application/json"}, True),
        ({"content-type": "Application/JSON; charset=utf-8"}, True),
        ({"content-type": "application/json", "accept": "application/json"}, True),
        ({"content-type": "application/json", "accept": "multipart/mixed"}, False),
        ({"content-type": "application/json", "accept": "text/event-stream"}, False),
        ({"content-type": "text/plain"}, False),
        ({}, False),
    ],
    ids=["json", "json-with-charset", "accepts-json", "multipart", "sse", "text", "none"],
)
def test_wants_single_json(headers: dict[str, str], expected: bool) -> None:
    assert wants_single_json(scope(headers)) is expected


def test_read_body_joins_chunks_within_the_limit() -> None:
    body = asyncio.run(read_body(scope({}), receiving(b"ab", b"cd"), limit=4))

    assert body == b"abcd"


def test_read_body_over_the_limit_is_none() -> None:
    assert asyncio.run(read_body(scope({}), receiving(b"ab", b"cde"), limit=4)) is None


def test_read_body_refuses_a_declared_length_over_the_limit_before_reading() -> None:
    async def never_called() -> dict[str, Any]:
        raise AssertionError("the body was read")

    assert asyncio.run(read_body(scope({"content-length": "5"}), never_called, limit=4)) is None
