"""The models' fast reader (`models.base.from_raw_data`) against PynamoDB's own.

Items are built as DynamoDB returns them, with the values the fast readers treat
specially and the ones they leave to PynamoDB; no database is needed. The same
comparison on items read back from moto and DynamoDB Local is in
tests/functional/test_models.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from pynamodb.exceptions import AttributeDeserializationError
from pynamodb.models import Model

from models import Category, Product
from models.base import from_raw_data

MOMENT = datetime(2026, 12, 3, 9, 30, 15, 123456, tzinfo=UTC)


def _product_item(**changes: dict[str, Any]) -> dict[str, Any]:
    product = Product(
        "p1",
        name="Boot",
        description="Waterproof",
        price=Decimal("19.9"),
        currency="USD",
        stock=3,
        category_id="c1",
        created_at=MOMENT,
        updated_at=MOMENT,
        slug="boot",
        old_slugs={"old-boot"},
        version=7,
    )
    product.set_index_keys()
    item: dict[str, Any] = product.serialize()
    item.update(changes)
    return item


def _pynamodb(model: type[Model], item: dict[str, Any]) -> Model:
    return Model.from_raw_data.__func__(model, item)  # type: ignore[attr-defined,no-any-return]


def _typed(item: Model) -> dict[str, tuple[type, Any, Any]]:
    """The values with their types: 3 and 3.0, or two equal times in other zones, differ."""
    return {
        name: (type(value), getattr(value, "tzinfo", None), value)
        for name, value in item.attribute_values.items()
    }


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({}, id="every attribute set"),
        pytest.param({"stock": {"N": "0"}, "version": {"N": "123456789012"}}, id="integers"),
        pytest.param({"stock": {"N": "-4"}}, id="negative number"),
        pytest.param({"image_width": {"N": "1.5"}}, id="fractional number"),
        pytest.param({"image_height": {"N": "1E+3"}}, id="number with exponent"),
        pytest.param({"created_at": {"S": "0999-01-02T03:04:05.000006+0000"}}, id="year 999"),
        pytest.param({"created_at": {"S": "999-01-02T03:04:05.000006+0000"}}, id="unpadded year"),
        pytest.param({"updated_at": {"S": "2026-12-03T09:30:15.000000+0000"}}, id="no fraction"),
        pytest.param({"description": {"NULL": True}, "slug": {"NULL": True}}, id="nulls"),
        pytest.param({"description": {"S": ""}}, id="empty string"),
    ],
)
def test_product_reads_as_pynamodb_reads_it(changes: dict[str, Any]) -> None:
    item = _product_item(**changes)

    fast = from_raw_data(Product, item)

    assert _typed(fast) == _typed(_pynamodb(Product, item))
    assert type(fast) is Product


def test_category_defaults_and_lists_read_as_pynamodb_reads_them() -> None:
    # GIVEN a category item without its counts (their defaults apply) and with a path
    category = Category(
        "c2",
        name="Boots",
        created_at=MOMENT,
        updated_at=MOMENT,
        version=1,
        parent_id="c1",
        ancestor_ids=["c0", "c1"],
        level=2,
    )
    category.set_index_keys()
    item = category.serialize()
    del item["product_count"], item["child_count"]

    fast = from_raw_data(Category, item)

    assert _typed(fast) == _typed(_pynamodb(Category, item))
    assert fast.product_count == 0


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"created_at": {"S": "2026-12-03 09:30:15.123456+0000"}}, id="space for T"),
        pytest.param({"created_at": {"S": "2026-12-03T09:30:15,123456+0000"}}, id="comma"),
        pytest.param({"created_at": {"S": "2026-12-03T09:30:15.123456+0100"}}, id="not UTC"),
        pytest.param({"created_at": {"S": "2026-13-03T09:30:15.123456+0000"}}, id="month 13"),
    ],
)
def test_times_pynamodb_refuses_are_refused(changes: dict[str, Any]) -> None:
    item = _product_item(**changes)

    with pytest.raises(ValueError, match="does not match format"):
        from_raw_data(Product, item)
    with pytest.raises(ValueError, match="does not match format"):
        _pynamodb(Product, item)


def test_a_value_of_another_type_is_refused_as_pynamodb_refuses_it() -> None:
    item = _product_item(stock={"S": "3"})

    with pytest.raises(AttributeDeserializationError):
        from_raw_data(Product, item)
    with pytest.raises(AttributeDeserializationError):
        _pynamodb(Product, item)
