"""Schema level: the public contract, and the scalars' parsing, without any storage."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from graphql import build_schema, lexicographic_sort_schema, print_schema

from schema.scalars import parse_datetime, parse_decimal, serialize_datetime
from tests.client import DEFAULT_SETTINGS, schema_for

schema = schema_for(DEFAULT_SETTINGS)

CONTRACT = Path(__file__).parents[1] / "contract.graphql"


def test_schema_equals_the_published_contract() -> None:
    contract = build_schema(CONTRACT.read_text())

    # Through our printed SDL: graphql-core's sorted copy of a schema cannot print the
    # default of an enum argument whose values Strawberry maps to Python enum members.
    ours = print_schema(lexicographic_sort_schema(build_schema(schema.as_str())))

    assert ours == print_schema(lexicographic_sort_schema(contract))


def test_introspection_is_answered_without_storage() -> None:
    result = schema.execute_sync('{ __type(name: "Product") { fields { name } } }')

    assert result.errors is None
    names = {field["name"] for field in result.data["__type"]["fields"]}
    assert {"price", "categoryId", "deletedAt", "version"} <= names


@pytest.mark.parametrize(
    ("raw", "exact"), [("19.99", "19.99"), ("0.1", "0.1"), (7, "7"), ("-0", "0"), ("-1.5", "-1.5")]
)
def test_decimal_parses_strings_and_integers_exactly(raw: object, exact: str) -> None:
    assert parse_decimal(raw) == Decimal(exact)


@pytest.mark.parametrize(
    "raw", [0.1, True, None, "12,5", "", [1], " 0.1 ", "1_000", "1e2", "+5", "\u0665", "1.23456"]
)
def test_decimal_rejects_floats_and_garbage(raw: object) -> None:
    with pytest.raises(ValueError, match=r"Decimal values are strings|is not a plain decimal"):
        parse_decimal(raw)


def test_datetime_round_trips_in_utc() -> None:
    moment = parse_datetime("2026-11-27T19:30:00.250+01:00")

    assert serialize_datetime(moment) == "2026-11-27T18:30:00.250Z"


def test_datetime_without_zone_is_rejected() -> None:
    with pytest.raises(ValueError, match="need a time zone"):
        parse_datetime("2026-11-27T18:30:00")


def test_repeated_documents_get_the_same_answers_and_codes() -> None:
    # Parsed and validated documents are cached per container; a cached document,
    # valid or not, must answer exactly as a fresh one does.
    for _ in range(3):
        ok = schema.execute_sync('{ __type(name: "Product") { name } }')
        unknown = schema.execute_sync('{ __type(name: "Product") { colour } }')
        broken = schema.execute_sync('{ __type(name: "Product" { name } }')

        assert ok.data == {"__type": {"name": "Product"}}
        assert [e.extensions["code"] for e in unknown.errors or []] == ["GRAPHQL_VALIDATION_FAILED"]
        assert [e.extensions["code"] for e in broken.errors or []] == ["GRAPHQL_PARSE_FAILED"]
