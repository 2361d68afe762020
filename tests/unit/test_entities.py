"""The entity rules of store/entities.py and the resolvers on top of it, on moto in process.

No server and no socket: moto's `mock_aws` answers botocore in this process, so the rules
(versions, liveness, expectedVersion, category counts, races) are checked in the unit
tier. What DynamoDB itself does (transactions under real concurrency, its error codes)
is checked on both backends in tests/functional.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

import pytest
from moto import mock_aws

import compose
from cli.tables import create_tables
from errors import BadUserInput, Conflict, NotFound
from models import Category, Product
from resolvers import categories, products
from store import entities
from store.errors import Raced
from tests.client import DEFAULT_SETTINGS


@pytest.fixture(autouse=True)
def store() -> Iterator[None]:
    """Empty tables on moto in this process, the store bound to them."""
    with mock_aws():
        compose.bind_store(replace(DEFAULT_SETTINGS, products_table="unit-products"))
        create_tables()
        yield
    compose.bind_store(DEFAULT_SETTINGS)


def category(name: str = "Hats") -> Category:
    return categories.upsert_category(None, {"name": name}, None)


def product(**fields: object) -> Product:
    return products.upsert_product(None, {"name": "Cap", "price": Decimal("9.5"), **fields}, None)


def test_create_gives_a_fresh_id_and_version_1() -> None:
    first, second = product(), product()

    assert first.id != second.id
    assert (first.version, second.version) == (1, 1)


def test_update_bumps_the_version_once() -> None:
    created = product()

    updated = products.upsert_product(created.id, {"stock": 3}, None)

    assert updated.version == 2
    assert entities.require(Product, created.id).stock == 3


def test_expected_version_that_is_not_the_stored_one_is_conflict() -> None:
    created = product()

    with pytest.raises(Conflict, match=f"Product {created.id} is at version 1, not 7"):
        products.upsert_product(created.id, {"name": "Other"}, 7)
    assert entities.require(Product, created.id).name == "Cap"


def test_expected_version_of_a_missing_item_is_not_found() -> None:
    with pytest.raises(NotFound, match="Category missing does not exist"):
        categories.upsert_category("missing", {"name": "X"}, 1)


def test_deleted_item_is_conflict_until_restored() -> None:
    created = product()
    products.delete_product(created.id, hard=False, expected_version=None)

    with pytest.raises(Conflict, match="is deleted; restore it"):
        products.upsert_product(created.id, {"name": "Other"}, None)
    restored = products.restore_product(created.id)
    assert restored.deleted_at is None
    assert restored.version == 3


def test_product_in_a_category_counts_there_and_moves_its_count() -> None:
    hats, shoes = category("Hats"), category("Shoes")
    created = product(category_id=hats.id)

    products.upsert_product(created.id, {"category_id": shoes.id}, None)

    assert entities.require(Category, hats.id).product_count == 0
    assert entities.require(Category, shoes.id).product_count == 1


def test_product_in_a_deleted_category_is_bad_user_input_and_not_written() -> None:
    hats = category()
    categories.delete_category(hats.id, hard=False, expected_version=None)

    with pytest.raises(BadUserInput, match=f"categoryId {hats.id} does not name a live"):
        product(category_id=hats.id)
    assert list(Product.scan()) == []


def test_with_retries_retries_a_lost_race_then_gives_up_as_conflict() -> None:
    attempts: list[int] = []

    def always_loses() -> None:
        attempts.append(1)
        raise Raced

    with pytest.raises(Conflict, match="being changed by other requests"):
        entities.with_retries(always_loses)
    assert len(attempts) == entities.MAX_ATTEMPTS


def test_item_over_400_kb_is_refused_before_writing() -> None:
    # The API's own limits keep items far smaller; the store refuses what DynamoDB would.
    big = entities.new_item(
        Product,
        "big",
        {
            "name": "Big",
            "price": Decimal(1),
            "currency": "USD",
            "stock": 0,
            "description": "x" * 410_000,
        },
    )

    with pytest.raises(BadUserInput, match="over the 400 KB limit of one item"):
        entities.create(big, fresh=True)
    assert list(Product.scan()) == []
