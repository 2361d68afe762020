"""The contract's custom scalars: exact `Decimal` and UTC `DateTime`."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import strawberry
from graphql import FloatValueNode, IntValueNode, StringValueNode, ValueNode
from strawberry.types.scalar import ScalarDefinition

# A plain ASCII decimal: Python's Decimal() also takes "1_000", other scripts' digits,
# "+5", " 5 " and "1e2", each a second spelling of an amount a client did not mean.
DECIMAL_PLACES = 4
PLAIN_DECIMAL = re.compile(rf"-?[0-9]+(\.[0-9]{{1,{DECIMAL_PLACES}}})?")


def serialize_decimal(value: Decimal) -> str:
    return format(value, "f")


def parse_decimal(value: Any) -> Decimal:
    # A JSON number has already been through float: take only strings and integers.
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError('Decimal values are strings, such as "19.99", to stay exact.')
    if isinstance(value, str) and not PLAIN_DECIMAL.fullmatch(value):
        raise ValueError(
            f"{value[:40]!r} is not a plain decimal: ASCII digits, at most one point and "
            f'{DECIMAL_PLACES} decimal places, such as "19.99".'
        )
    number = Decimal(value)
    # -0 is 0: one amount, one spelling.
    return Decimal(0) if number.is_zero() else number


def parse_decimal_literal(node: ValueNode, _variables: Any = None) -> Decimal:
    # A literal keeps its source text, so 19.99 written in a query is still exact.
    if isinstance(node, (StringValueNode, IntValueNode, FloatValueNode)):
        return parse_decimal(node.value)
    raise ValueError('Decimal values are strings, such as "19.99".')


def serialize_datetime(value: datetime) -> str:
    moment = value.astimezone(UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_datetime(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("DateTime values are ISO 8601 strings.")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("DateTime values need a time zone, such as Z.")
    return moment.astimezone(UTC)


DecimalScalar = strawberry.scalar(
    name="Decimal",
    description='Exact decimal, serialized as a string, e.g. "19.99".',
    serialize=serialize_decimal,
    parse_value=parse_decimal,
    parse_literal=parse_decimal_literal,
)

DateTimeScalar = strawberry.scalar(
    name="DateTime",
    description='ISO 8601 date-time in UTC, e.g. "2026-11-27T18:30:00Z".',
    serialize=serialize_datetime,
    parse_value=parse_datetime,
)

SCALARS: dict[object, ScalarDefinition] = {Decimal: DecimalScalar, datetime: DateTimeScalar}
