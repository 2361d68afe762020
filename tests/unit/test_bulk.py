"""The pure rules of upsertProducts: how many inputs, duplicates, and how writes are cut
into transactions (no storage: each refusal here comes before any call)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from errors import BadUserInput
from models import Product
from resolvers import product_bulk
from resolvers.product_bulk import BulkInput
from store.entities import (
    MAX_TRANSACTION_ACTIONS,
    CountChange,
    ItemWrite,
    merged_counts,
    new_item,
    transaction_groups,
)


def write(product_id: str, *counts: tuple[str, int], description: str = "") -> ItemWrite:
    item = new_item(Product, product_id, {"name": "N", "price": Decimal(1), "stock": 0})
    if description:
        item.description = description
    changes = [CountChange(category_id, delta) for category_id, delta in counts]
    return ItemWrite(item, Product.id.does_not_exist(), counts=changes)


@pytest.mark.parametrize("size", [0, 101])
def test_upsert_products_refuses_none_or_more_than_100(size: int) -> None:
    inputs = [BulkInput(f"p{i}", {"name": "X"}, None) for i in range(size)]

    with pytest.raises(BadUserInput, match=f"inputs must hold 1-100 products, not {size}"):
        product_bulk.upsert_products(inputs)


def test_duplicate_error_names_the_id_field() -> None:
    error = product_bulk.duplicate_error("sku-1")

    assert error.code == "BAD_USER_INPUT"
    assert error.field == "id"
    assert "sku-1" in error.message


def test_groups_hold_100_actions_counting_one_update_per_category() -> None:
    writes = [write(f"p{i}", ("shoes", 1)) for i in range(100)]

    groups = transaction_groups(writes)

    # 99 products and the one count update fill the first transaction.
    assert [len(group) for group in groups] == [MAX_TRANSACTION_ACTIONS - 1, 1]
    assert [w for group in groups for w in group] == writes


def test_groups_of_writes_without_counts_take_100_items() -> None:
    writes = [write(f"p{i}") for i in range(150)]

    assert [len(group) for group in transaction_groups(writes)] == [100, 50]


def test_groups_stay_under_4_mb() -> None:
    # Items of about 390 KB: ten of them would pass DynamoDB's 4 MB per transaction.
    writes = [write(f"p{i}", description="x" * 390_000) for i in range(25)]

    groups = transaction_groups(writes)

    assert [len(group) for group in groups] == [10, 10, 5]


def test_merged_counts_sum_per_category_and_keep_the_liveness_check() -> None:
    group = [write("a", ("old", -1), ("new", 1)), write("b", ("new", 1)), write("c", ("old", -1))]

    merged = {change.category_id: change for change in merged_counts(group)}

    assert {name: change.delta for name, change in merged.items()} == {"old": -2, "new": 2}
    # Adding to a category needs it live; only removing needs it to exist.
    assert "status" in str(merged["new"].condition.values)
    assert "status" not in str(merged["old"].condition.values)
