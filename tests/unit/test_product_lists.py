"""The list keys and list checks of the sorted product lists, without any storage."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from errors import BadUserInput
from models.base import created_key, price_digits, price_key, sort_key
from resolvers.pagination import UNKNOWN
from resolvers.product_lists import (
    CREATED_AT,
    NAME,
    PRICE,
    ProductFilter,
    _partitions,
    list_spec,
    page_calls,
)

PRICES = ["0", "0.0001", "0.001", "0.1", "1", "1.5", "9.9999", "10", "19.99", "999999999.9999"]


def test_price_digits_sort_as_the_amounts_do() -> None:
    amounts = [Decimal(price) for price in PRICES]

    for low, high in itertools.combinations(sorted(amounts), 2):
        assert price_digits(low) < price_digits(high)
    assert {len(price_digits(amount)) for amount in amounts} == {13}


def test_price_key_orders_by_price_then_name_then_id() -> None:
    keys = [
        price_key(Decimal("2"), "banana", "b"),
        price_key(Decimal("2"), "Apple", "z"),
        price_key(Decimal("10"), "aardvark", "a"),
        price_key(Decimal("2"), "apple", "a"),
        price_key(Decimal("2"), "Apple pie", "a"),
    ]

    assert sorted(keys) == [keys[3], keys[1], keys[4], keys[0], keys[2]]


def test_created_key_orders_by_time_then_id() -> None:
    earlier = datetime(2026, 11, 1, 9, 59, 59, 999000, tzinfo=UTC)
    later = datetime(2026, 11, 1, 10, 0, 0, tzinfo=UTC)

    keys = [created_key(later, "a"), created_key(earlier, "z"), created_key(later, "A")]

    assert sorted(keys) == [keys[1], keys[2], keys[0]]


def test_sort_key_sorts_a_name_before_its_extensions() -> None:
    assert sort_key("ab", "z") < sort_key("abc", "a") < sort_key("abd", "a")


@pytest.mark.parametrize(
    ("sort", "given", "include_deleted", "words"),
    [
        (NAME, ProductFilter(price_min=Decimal(1)), False, ("priceMin", "PRICE")),
        (CREATED_AT, ProductFilter(price_max=Decimal(1)), False, ("priceMax", "PRICE")),
        (PRICE, ProductFilter(name_starts_with="a"), False, ("nameStartsWith", "NAME")),
        (NAME, ProductFilter(in_stock=False), True, ("inStock", "includeDeleted")),
        (PRICE, ProductFilter(price_min=Decimal(2), price_max=Decimal(1)), False, ("priceMin",)),
        (PRICE, ProductFilter(price_min=Decimal("0.00001")), False, ("priceMin",)),
        (PRICE, ProductFilter(price_max=Decimal(-1)), False, ("priceMax",)),
        (NAME, ProductFilter(name_starts_with=" \t "), False, ("nameStartsWith",)),
    ],
)
def test_list_spec_refuses_naming_the_field(
    sort: str, given: ProductFilter, include_deleted: bool, words: tuple[str, ...]
) -> None:
    with pytest.raises(BadUserInput) as refused:
        list_spec(sort, False, given, category_id=None, include_deleted=include_deleted)

    for word in words:
        assert word in refused.value.message


def test_list_spec_binds_cursors_to_the_list_as_checked() -> None:
    def kind(**fields: object) -> str:
        spec = list_spec(
            PRICE, False, ProductFilter(**fields), category_id=None, include_deleted=False
        )
        return spec.cursor_kind

    assert kind(price_min=Decimal("1.50")) == kind(price_min=Decimal("1.5"))
    assert kind(price_min=Decimal("1.5")) != kind(price_max=Decimal("1.5"))
    assert kind(in_stock=True) != kind(in_stock=False) != kind()


@pytest.mark.parametrize("sort", [NAME, PRICE, CREATED_AT])
@pytest.mark.parametrize("include_deleted", [False, True])
@pytest.mark.parametrize("in_stock", [None, True, False])
@pytest.mark.parametrize("category_id", [None, "c1"])
def test_page_calls_are_the_partitions_a_page_reads(
    sort: str, include_deleted: bool, in_stock: bool | None, category_id: str | None
) -> None:
    # GIVEN every list a client can ask for (inStock and includeDeleted do not mix)
    if in_stock is not None and include_deleted:
        return
    spec = list_spec(
        sort,
        False,
        ProductFilter(in_stock=in_stock),
        category_id=category_id,
        include_deleted=include_deleted,
    )

    # THEN its declared cost is the number of partitions (Queries) a page merges
    _, partitions = _partitions(spec)
    assert page_calls(sort, include_deleted, in_stock) == len(partitions)


def test_page_calls_count_what_is_unknown_as_its_costliest() -> None:
    assert page_calls(UNKNOWN, False, None) == 2
    assert page_calls(NAME, UNKNOWN, None) == 2
    assert page_calls(PRICE, UNKNOWN, UNKNOWN) == 3
