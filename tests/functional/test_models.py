"""Storage level: what the models write to DynamoDB, on moto and DynamoDB Local."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import boto3
import pytest
from pynamodb.models import Model

from cli.dynamodb_local import LocalDynamoDB
from models import Category, Product
from models.base import SORT_KEY_SEPARATOR, sort_key


def _product(product_id: str, price: str, name: str = "Boot") -> Product:
    moment = datetime(2026, 11, 27, 18, 30, tzinfo=UTC)
    product = Product(
        product_id,
        name=name,
        price=Decimal(price),
        currency="USD",
        stock=1,
        created_at=moment,
        updated_at=moment,
        version=1,
    )
    product.set_index_keys()
    return product


@pytest.mark.parametrize("price", ["0.1", "0.3", "19.99", "999999999.9999", "0"])
def test_decimal_attribute_round_trips_exactly(backend: LocalDynamoDB, price: str) -> None:
    _product("p1", price).save()

    assert Product.get("p1", consistent_read=True).price == Decimal(price)


def test_decimal_attribute_is_stored_as_a_dynamodb_number(backend: LocalDynamoDB) -> None:
    _product("p1", "19.90").save()
    client = boto3.client("dynamodb", endpoint_url=backend.endpoint_url)

    item = client.get_item(TableName=Product.Meta.table_name, Key={"id": {"S": "p1"}})["Item"]

    assert item["price"] == {"N": "19.9"}


def test_index_keys_follow_status_and_category(backend: LocalDynamoDB) -> None:
    product = _product("p1", "1", name="Äpfel")
    product.category_id = "fruit"
    product.set_index_keys()

    assert (product.status, product.category_status) == ("LIVE", "fruit#LIVE")
    assert product.sort_key == f"äpfel{SORT_KEY_SEPARATOR}p1"
    product.deleted_at = product.updated_at
    product.set_index_keys()
    assert (product.status, product.category_status) == ("DELETED", "fruit#DELETED")


def test_sort_key_fits_a_gsi_key_for_the_longest_names() -> None:
    key = sort_key("ﬃ" * 200, "x" * 64)  # ligatures triple in length when case-folded

    assert len(key.encode()) <= 1024


def test_sort_key_orders_prefixes_first() -> None:
    assert sort_key("ab", "z") < sort_key("abc", "a") < sort_key("abd", "a")


def test_tables_are_created_from_the_models(backend: LocalDynamoDB) -> None:
    client = boto3.client("dynamodb", endpoint_url=backend.endpoint_url)

    for model in (Product, Category):
        table = client.describe_table(TableName=model.Meta.table_name)["Table"]
        indexes = {i["IndexName"]: i for i in table.get("GlobalSecondaryIndexes", [])}

        assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
        assert set(indexes) == {i.Meta.index_name for i in model._indexes.values()}
        assert all(i["Projection"]["ProjectionType"] == "ALL" for i in indexes.values())


def test_models_read_items_as_pynamodb_does(backend: LocalDynamoDB) -> None:
    # GIVEN a product with every optional attribute absent or null, and a category
    _product("p1", "19.90").save()
    Category(
        "c1",
        name="Shoes",
        created_at=datetime(2026, 11, 27, tzinfo=UTC),
        updated_at=datetime(2026, 11, 27, tzinfo=UTC),
        version=1,
        status="LIVE",
        sort_key="shoes",
    ).save()

    for model, item_id in ((Product, "p1"), (Category, "c1")):
        raw = model._get_connection().get_item(item_id, consistent_read=True)["Item"]
        # WHEN the fast reader and PynamoDB's own build the item
        fast = model.from_raw_data(raw)
        pynamodb = Model.from_raw_data.__func__(model, raw)  # type: ignore[attr-defined]

        # THEN they hold the same values, defaults included
        assert fast.attribute_values == pynamodb.attribute_values
        assert type(fast) is model
