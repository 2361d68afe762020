"""The parse and validation caches: a cached document answers exactly as a fresh one.

Each request here is refused before any resolver runs, so none needs storage.
"""

from __future__ import annotations

from tests.client import DEFAULT_SETTINGS, schema_for

schema = schema_for(DEFAULT_SETTINGS)

DEPTH_9_AND_UNKNOWN_FIELD = """
{ products { edges { node { category {
    products { edges { node { category { colour } } } }
} } } } }
"""


def errors(query: str) -> list[tuple[str, str]]:
    result = schema.execute_sync(query)
    return [(error.extensions["code"], error.message) for error in result.errors or []]


def test_limit_refusal_is_kept_over_validation_on_every_repeat() -> None:
    # The limits refuse first; the validation cache must not replace their error with
    # its own (cached) validation of the same document.
    for _ in range(3):
        assert errors(DEPTH_9_AND_UNKNOWN_FIELD) == [
            (
                "GRAPHQL_VALIDATION_FAILED",
                "The operation exceeds the maximum depth of 8 (depth: 9).",
            )
        ]


def test_validation_error_is_the_same_from_the_cache() -> None:
    query = '{ __type(name: "Category") { colour } }'

    first, cached = errors(query), errors(query)

    assert first == cached
    assert [code for code, _ in first] == ["GRAPHQL_VALIDATION_FAILED"]
    assert "colour" in first[0][1]


def test_document_that_does_not_parse_is_a_coded_error_every_time() -> None:
    for _ in range(2):
        assert errors("{ __typename ") == [
            ("GRAPHQL_PARSE_FAILED", "Syntax Error: Expected Name, found <EOF>.")
        ]


def test_document_over_the_token_limit_is_a_limit_not_a_syntax_error() -> None:
    query = "{ " + "__typename " * 1000 + "}"

    for _ in range(2):
        codes = [code for code, _ in errors(query)]
        assert codes == ["GRAPHQL_VALIDATION_FAILED"]


def test_valid_document_is_answered_after_a_broken_one_of_the_same_start() -> None:
    errors('{ __type(name: "Product") { name }')

    result = schema.execute_sync('{ __type(name: "Product") { name } }')

    assert result.errors is None
    assert result.data == {"__type": {"name": "Product"}}
