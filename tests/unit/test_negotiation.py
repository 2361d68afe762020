"""Content negotiation: the media type of an answer, and whether it may be gzip-encoded."""

from __future__ import annotations

import pytest

from web.negotiation import GRAPHQL_RESPONSE, JSON, accepts_gzip, answer_type

URQL = (
    "application/graphql-response+json, application/graphql+json, application/json, "
    "text/event-stream, multipart/mixed"
)
APOLLO = "application/graphql-response+json,application/json;q=0.9"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("", JSON),
        ("application/json", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("text/html,application/xhtml+xml,*/*;q=0.8", JSON),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        ("Application/GraphQL-Response+JSON; charset=utf-8", GRAPHQL_RESPONSE),
        (URQL, GRAPHQL_RESPONSE),
        (APOLLO, GRAPHQL_RESPONSE),
        ("application/json, application/graphql-response+json", JSON),
        ("application/json;q=0.5, application/graphql-response+json", GRAPHQL_RESPONSE),
        ("application/graphql-response+json;q=0, application/json", JSON),
        ("text/plain", None),
        ("application/xml, text/html", None),
        ("application/json;q=0", None),
        ("application/json;q=nope", None),
    ],
)
def test_answer_type(accept: str | None, expected: str | None) -> None:
    assert answer_type(accept) == expected


@pytest.mark.parametrize(
    ("accept_encoding", "expected"),
    [
        (None, False),
        ("", False),
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("br;q=1.0, GZIP;q=0.5", True),
        ("*", True),
        ("gzip;q=0", False),
        ("br, deflate", False),
        ("identity", False),
    ],
)
def test_accepts_gzip(accept_encoding: str | None, expected: bool) -> None:
    assert accepts_gzip(accept_encoding) is expected
