"""Attribute types PynamoDB lacks: exact decimals for money."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pynamodb.attributes import Attribute
from pynamodb.constants import NUMBER


class DecimalAttribute(Attribute[Decimal]):
    """A DynamoDB number read and written as an exact `Decimal`, never through float.

    PynamoDB's `NumberAttribute` round-trips through `json`, which turns "0.1" into
    a binary float; money must stay exact end to end.
    """

    attr_type = NUMBER

    def serialize(self, value: Decimal) -> str:
        # DynamoDB normalises numbers itself ("19.90" is stored as 19.9); doing it
        # here keeps every backend, moto included, byte-for-byte the same.
        return format(value.normalize(), "f")

    def deserialize(self, value: Any) -> Decimal:
        return Decimal(value)
